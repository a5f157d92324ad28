//! train: fit gradient-boosted trees that predict a story's comment count from its features.

use clap::Parser;
use hn_shared::boost::{Objective, Params, TreeMethod};
use hn_shared::cli::parse_bytes;
use hn_shared::cli::{self, Verbosity};
use hn_shared::model::{self, ImportSpec, Source, TrainJob, TrainOptions};
use hn_shared::{info, warn};
use std::process::ExitCode;

/// Train a model on a features file (from `vectorize`) and write it with a JSON model card beside
/// it (model.bin → model.bin.json). Defaults are the guide's XGBRegressor(n_estimators=20,
/// objective="reg:squarederror") with XGBoost's defaults, trained sparsity-aware.
///
/// Or import a model trained by Python XGBoost: `train --import-xgboost dump.json --base-score B
/// --vectorizer VEC -o MODEL` (see the README for the export).
#[derive(Parser, Debug)]
#[command(name = "train", version, after_help = cli::after_help(&[
    "train train_features.parquet -o model.bin",
    "train train_features.parquet --n-estimators 100 --max-depth 4 --eta 0.1 -o model.bin",
    "vectorize fit train.parquet --vectorizer vec.bin -o - | train - -o model.bin",
], None))]
struct Args {
    /// Training features (Parquet from `vectorize`; `-` for stdin). Optional with --import-xgboost.
    #[arg(value_name = "TRAIN_FEATURES")]
    train: Option<String>,
    /// The model artifact to write; its JSON card goes beside it, `.json` appended
    /// (model.bin → model.bin.json). With `-` (stdout) no card is written.
    #[arg(short, long, value_name = "MODEL")]
    output: String,
    /// Number of boosting rounds (trees).
    #[arg(long, default_value_t = 20)]
    n_estimators: usize,
    /// Maximum tree depth.
    #[arg(long, default_value_t = 6)]
    max_depth: usize,
    /// Learning rate (shrinkage of each tree).
    #[arg(long, default_value_t = 0.3)]
    eta: f64,
    /// L2 regularisation of leaf weights.
    #[arg(long, default_value_t = 1.0)]
    lambda: f64,
    /// Minimum loss reduction to make a split.
    #[arg(long, default_value_t = 0.0)]
    gamma: f64,
    /// Minimum sum of hessians in a child (rows, for squared error).
    #[arg(long, default_value_t = 1.0)]
    min_child_weight: f64,
    /// Fraction of rows sampled per tree.
    #[arg(long, default_value_t = 1.0)]
    subsample: f64,
    /// Fraction of features sampled per tree.
    #[arg(long, default_value_t = 1.0)]
    colsample_bytree: f64,
    /// Seed for row and feature sampling (XGBoost's default random_state is 0).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Loss: squared-error (the guide's), poisson (XGBoost's count:poisson: log link, leaf
    /// weights capped by max_delta_step 0.7), squared-log1p (squared error on log1p(comments),
    /// predictions mapped back with expm1), or logistic (XGBoost's binary:logistic: targets must
    /// be 0 or 1, predictions are probabilities; e.g. `train F.parquet --objective logistic -o
    /// M.bin` on features whose target is a 0/1 label). XGBoost's names are accepted too.
    #[arg(long, default_value = "squared-error")]
    objective: Objective,
    /// Split finding: hist (quantile bins, XGBoost >= 2's default) or exact (every midpoint).
    #[arg(long, default_value = "hist", value_parser = ["exact", "hist"])]
    tree_method: String,
    /// Histogram bins per feature for --tree-method hist.
    #[arg(long, default_value_t = 256)]
    max_bin: u32,
    /// Initial prediction (target space); default: estimated from the targets, as XGBoost >= 2.
    /// With --import-xgboost: XGBoost's base_score (required).
    #[arg(long)]
    base_score: Option<f64>,
    /// Validation features: reported in the card, and watched for early stopping.
    #[arg(long, value_name = "FEATURES")]
    validation: Option<String>,
    /// Stop when the validation metric has not improved for N rounds (needs --validation). The
    /// metric is the objective's, as XGBoost's default: rmse, poisson-nloglik, rmsle (for
    /// squared-log1p) or logloss.
    #[arg(long, value_name = "N", requires = "validation")]
    early_stopping_rounds: Option<usize>,
    /// The vectorizer the features came from: the card then names the top terms by gain.
    #[arg(long, value_name = "VEC")]
    vectorizer: Option<String>,
    /// Terms listed in the card's feature importance.
    #[arg(long, default_value_t = 20, value_name = "N")]
    top_terms: usize,
    /// native: sparse, sparsity-aware (default). gbdt: the gbdt crate, dense and slow.
    #[arg(long, default_value = "native", value_parser = ["native", "gbdt"])]
    engine: String,
    /// Memory limit for the gbdt engine's dense matrix (e.g. 512M, 4G).
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "2G")]
    max_dense_bytes: u64,
    /// Import an XGBoost JSON tree dump (booster.dump_model(f, dump_format="json")) instead of
    /// training; --objective says how it was trained.
    #[arg(long, value_name = "DUMP", requires = "base_score")]
    import_xgboost: Option<String>,
    /// With --import-xgboost: how the Python model saw absent terms. sparse: trained on a sparse
    /// matrix, absent = missing (the right way); dense: trained on `.toarray()` (the guide's
    /// code), absent = the value 0.
    #[arg(long, default_value = "sparse", value_parser = ["sparse", "dense"], requires = "import_xgboost")]
    xgboost_matrix: String,
    /// Feature count for --import-xgboost when neither --vectorizer nor TRAIN_FEATURES is given.
    #[arg(long, value_name = "N", requires = "import_xgboost")]
    n_features: Option<usize>,
    #[command(flatten)]
    verbosity: Verbosity,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("train", &verbosity, || run(args))
}

fn run(a: Args) -> hn_shared::Result<()> {
    let params = Params {
        objective: a.objective,
        n_estimators: a.n_estimators,
        max_depth: a.max_depth,
        eta: a.eta,
        lambda: a.lambda,
        gamma: a.gamma,
        min_child_weight: a.min_child_weight,
        subsample: a.subsample,
        colsample_bytree: a.colsample_bytree,
        seed: a.seed,
        threads: a.threads,
        base_score: a.base_score,
        early_stopping_rounds: a.early_stopping_rounds,
        method: match a.tree_method.as_str() {
            "hist" => TreeMethod::Hist { max_bin: a.max_bin },
            _ => TreeMethod::Exact,
        },
    };
    let engine = if a.engine == "gbdt" {
        Source::Gbdt
    } else {
        Source::Native
    };
    let job = TrainJob {
        train: a.train,
        output: a.output,
        validation: a.validation,
        vectorizer: a.vectorizer,
        options: TrainOptions {
            params,
            engine,
            max_dense_bytes: a.max_dense_bytes,
        },
        import: a.import_xgboost.map(|dump| ImportSpec {
            dump,
            base_score: a.base_score.unwrap_or_default(),
            absent_is_missing: a.xgboost_matrix == "sparse",
        }),
        n_features: a.n_features,
        top_terms: a.top_terms,
        args: std::env::args().skip(1).collect(),
    };
    let out = model::run_train(&job)?;
    if let Some(s) = &out.summary {
        for n in &s.notes {
            warn!("{n}");
        }
        let valid = s
            .validation
            .map(|v| format!(", validation {}", v.brief()))
            .unwrap_or_default();
        let how = match out.model.source {
            Source::XgboostImport => "imported".to_string(),
            _ => format!("in {:.2}s", s.seconds),
        };
        info!(
            "{} rows x {} features, {} trees {how}: train {}{valid}",
            out.model.training.as_ref().map_or(0, |t| t.rows),
            out.model.n_features,
            out.model.n_trees(),
            s.train.brief()
        );
    }
    info!(
        "wrote {} ({} engine{})",
        job.output,
        out.model.source.name(),
        out.card.map(|c| format!(", card {c}")).unwrap_or_default()
    );
    Ok(())
}
