//! score: how good a model is on held-out features, with gates for automation.

use clap::Parser;
use hn_shared::cli::{self, Verbosity};
use hn_shared::score::{self, Gates, ScoreJob};
use hn_shared::{Error, info, warn};
use std::process::ExitCode;

/// Score a model on test features. Regressions (squared-error, poisson, squared-log1p): r2 (the
/// guide's number), mae, rmse, spearman, r2 on log1p, and a constant mean baseline (the training
/// mean the model recorded). Logistic models: auc, logloss, accuracy at 0.5, and the base-rate
/// baseline. A metric undefined on the test set (r2 of constant targets, auc of one class) is
/// null with the reason under "undefined"; under 30 rows, a warning. A summary goes to stderr;
/// the JSON report to -o (`-o -` for stdout).
///
/// Gates compare r2 (regressions) or auc (logistic); when one says no, score exits 1 with the
/// reason (the report is still written), so make can promote only a better model. A gate value
/// must be a finite number, and a gate must fit the model (--min-r2 on a logistic model is
/// refused, exit 2), e.g. `score --model M.bin test.parquet --min-auc 0.6 -o metrics.json`.
#[derive(Parser, Debug)]
#[command(name = "score", version, after_help = cli::after_help(&[
    "score --model model.bin test_features.parquet -o metrics.json",
    "score --model model.bin test_features.parquet --must-beat-baseline --min-r2 0.05",
    "score --model new/model.bin test_features.parquet --against champion/metrics.json -o -",
], Some("a gate said no (--min-r2, --must-beat-baseline, --against); the report is still written")))]
struct Args {
    /// Test features (Parquet from `vectorize`, made by the model's vectorizer).
    #[arg(value_name = "TEST_FEATURES")]
    features: String,
    /// The model artifact (from `train`).
    #[arg(long, value_name = "MODEL")]
    model: String,
    /// Write the metrics report (JSON) here; `-` for stdout.
    #[arg(short, long, value_name = "METRICS.json")]
    output: Option<String>,
    /// Append the report as one JSON line with a timestamp to this file.
    #[arg(long, value_name = "FILE")]
    history: Option<String>,
    /// Gate (regression models): r2 must be at least X.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    min_r2: Option<f64>,
    /// Gate (logistic models): auc must be at least X.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    min_auc: Option<f64>,
    /// Gate: beat the constant baseline: r2 above its r2 (logistic: logloss below its logloss).
    #[arg(long)]
    must_beat_baseline: bool,
    /// Gate: r2 (logistic: auc) must beat the one in this metrics report (the champion's).
    #[arg(long, value_name = "CHAMPION_METRICS.json")]
    against: Option<String>,
    /// With --against: beat the champion's r2 (auc) by more than this.
    #[arg(long, default_value_t = 0.0, value_name = "D", requires = "against")]
    min_improvement: f64,
    #[command(flatten)]
    verbosity: Verbosity,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("score", &verbosity, || run(args))
}

fn run(a: Args) -> hn_shared::Result<()> {
    let job = ScoreJob {
        model: a.model,
        features: a.features,
        output: a.output,
        history: a.history,
        gates: Gates {
            min_r2: a.min_r2,
            min_auc: a.min_auc,
            must_beat_baseline: a.must_beat_baseline,
            against: a.against,
            min_improvement: a.min_improvement,
        },
        args: std::env::args().skip(1).collect(),
    };
    let out = score::run_score(&job)?;
    for w in &out.warnings {
        warn!("{w}");
    }
    info!("{}", score::summary_line(&out.metrics));
    match out.failed {
        Some(reason) => Err(Error::check_failed(format!("gate failed: {reason}"))),
        None => Ok(()),
    }
}
