//! drift: have new stories, or the model's predictions and errors, moved away from the training
//! stories?

use clap::Parser;
use hn_shared::cli::{self, Verbosity, parse_duration};
use hn_shared::drift::{self, DriftJob, Options};
use hn_shared::{Error, info};
use std::process::ExitCode;
use std::time::Duration;

/// Compare current stories with the reference (training) stories and say whether they drifted,
/// like diff: exit 0 no drift, 1 drift, 2 trouble.
///
/// Checks: the titles as the model sees them (a domain classifier on TF-IDF, ROC AUC on held-out
/// rows), title length and words, posting hour and weekday (UTC, from `time`), url domain (top
/// categories plus "(other)"), story kind (Ask/Show/Tell/Launch HN, job, other), the target
/// (settled comment counts, `descendants`), and with --model/--vectorizer the predictions
/// (PSI) and, with --baseline, the error (MAE against score's report on held-out data).
/// Checks whose columns are missing are skipped and listed.
///
/// A check fires when its statistic is above its threshold (Evidently's floor: Wasserstein 0.1,
/// Jensen-Shannon 0.1, AUC 0.55, PSI 0.1; or for references of at most --small-sample rows the
/// test's critical value: KS, chi-square) AND its p-value is below alpha / number of checks, so
/// two samples of one period do not cry wolf. Dataset drift: the titles drifted, or prediction
/// or performance drift is major, or at least --share of the checks drifted.
///
/// A one-screen summary goes to stderr (a line per check); the JSON report to -o, the page
/// (self-contained HTML, open it in any browser) to --html. A story's comment count has settled
/// when fetched at least --settle after posting (without `fetched_at`: now, or HN_NOW, Unix
/// seconds, is used).
#[derive(Parser, Debug)]
#[command(name = "drift", version)]
#[command(after_help = cli::after_help(&[
    "drift --reference train.parquet --current latest.parquet -o drift.json --html drift.html",
    "drift --reference train.parquet --current latest.parquet --model model.bin --vectorizer vec.bin \\\n      --baseline metrics.json --history drift.jsonl -o drift.json",
    "hn-fetch --latest 500 --min-age 2d -o - | drift --reference train.parquet --current - -q",
], Some("dataset drift (the report is still written)")))]
struct Args {
    /// The reference stories, usually the training stories (Parquet; `-` for stdin).
    #[arg(long, value_name = "TRAIN")]
    reference: String,
    /// The current stories, e.g. the latest fetched (Parquet; `-` for stdin).
    #[arg(long, value_name = "CURRENT")]
    current: String,
    /// The model artifact: adds prediction drift (needs --vectorizer).
    #[arg(long, value_name = "MODEL", requires = "vectorizer")]
    model: Option<String>,
    /// The vectorizer the model was trained with (a different one is refused).
    #[arg(long, value_name = "VEC", requires = "model")]
    vectorizer: Option<String>,
    /// score's report of the model on held-out data: adds performance drift on current stories
    /// with settled comment counts.
    #[arg(long, value_name = "METRICS.json", requires = "model")]
    baseline: Option<String>,
    /// Write the JSON report here; `-` for stdout.
    #[arg(short, long, value_name = "DRIFT.json")]
    output: Option<String>,
    /// Write the HTML page here; `-` for stdout.
    #[arg(long, value_name = "DRIFT.html")]
    html: Option<String>,
    /// Append the report as one JSON line with a timestamp to this file; the page then shows the
    /// history.
    #[arg(long, value_name = "FILE")]
    history: Option<String>,
    /// Family-wise significance level (each check's p-value must be below alpha / checks).
    #[arg(long, value_name = "P", default_value_t = Options::default().alpha)]
    alpha: f64,
    /// Floor for numerical columns: Wasserstein distance in reference standard deviations.
    #[arg(long, value_name = "X", default_value_t = Options::default().wasserstein)]
    wasserstein: f64,
    /// Floor for categorical columns: Jensen-Shannon distance.
    #[arg(long, value_name = "X", default_value_t = Options::default().jensen_shannon)]
    jensen_shannon: f64,
    /// Floor for the title text: the domain classifier's held-out ROC AUC.
    #[arg(long, value_name = "AUC", default_value_t = Options::default().text_auc)]
    text_auc: f64,
    /// Prediction drift: PSI for moderate drift.
    #[arg(long, value_name = "X", default_value_t = Options::default().psi_moderate)]
    psi_moderate: f64,
    /// Prediction drift: PSI for major drift (dataset drift).
    #[arg(long, value_name = "X", default_value_t = Options::default().psi_major)]
    psi_major: f64,
    /// Performance drift: relative MAE rise for moderate drift.
    #[arg(long, value_name = "X", default_value_t = Options::default().mae_moderate)]
    mae_moderate: f64,
    /// Performance drift: relative MAE rise for major drift (dataset drift).
    #[arg(long, value_name = "X", default_value_t = Options::default().mae_major)]
    mae_major: f64,
    /// Dataset drift when at least this share of the checks drifted.
    #[arg(long, value_name = "X", default_value_t = Options::default().share)]
    share: f64,
    /// References of at most N rows use the tests alone (KS, chi-square), as Evidently does.
    #[arg(long, value_name = "N", default_value_t = Options::default().small_sample)]
    small_sample: usize,
    /// Categorical columns: at most N categories (most frequent first), the rest "(other)".
    #[arg(long, value_name = "N", default_value_t = Options::default().top_categories)]
    top_categories: usize,
    /// Text classifier: at most N titles per side (a seeded sample), half to fit, half to score.
    #[arg(long, value_name = "N", default_value_t = Options::default().classifier_rows)]
    classifier_rows: usize,
    /// Text classifier: boosting rounds.
    #[arg(long, value_name = "N", default_value_t = Options::default().trees)]
    trees: usize,
    /// Prediction drift: bins at the reference's quantiles.
    #[arg(long, value_name = "N", default_value_t = Options::default().bins)]
    bins: usize,
    /// A comment count has settled when fetched at least this long after posting.
    #[arg(long, value_name = "AGE", default_value = "2d", value_parser = parse_duration)]
    settle: Duration,
    /// Fewest rows per side for a check to run.
    #[arg(long, value_name = "N", default_value_t = Options::default().min_rows)]
    min_rows: usize,
    /// When no check can run (too few rows on a side), write the report saying so (dataset_drift
    /// null, every check skipped, with why) and exit 0 instead of failing: for a pipeline that
    /// runs before enough new stories exist. Any other trouble still fails.
    #[arg(long)]
    allow_too_few: bool,
    /// Seed of the text classifier's sample and trees.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed)]
    seed: u64,
    #[command(flatten)]
    verbosity: Verbosity,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("drift", &verbosity, || run(args))
}

fn run(a: Args) -> hn_shared::Result<()> {
    if a.reference == "-" && a.current == "-" {
        return Err(Error::new("--reference and --current cannot both be - (stdin)"));
    }
    let job = DriftJob {
        reference: a.reference,
        current: a.current,
        model: a.model,
        vectorizer: a.vectorizer,
        baseline: a.baseline,
        output: a.output,
        html: a.html,
        history: a.history,
        allow_too_few: a.allow_too_few,
        options: Options {
            alpha: a.alpha,
            small_sample: a.small_sample,
            wasserstein: a.wasserstein,
            jensen_shannon: a.jensen_shannon,
            text_auc: a.text_auc,
            psi_moderate: a.psi_moderate,
            psi_major: a.psi_major,
            mae_moderate: a.mae_moderate,
            mae_major: a.mae_major,
            share: a.share,
            top_categories: a.top_categories,
            classifier_rows: a.classifier_rows,
            trees: a.trees,
            bins: a.bins,
            settle_seconds: i64::try_from(a.settle.as_secs()).unwrap_or(i64::MAX),
            min_rows: a.min_rows,
            seed: a.seed,
        },
        args: std::env::args().skip(1).collect(),
    };
    let out = drift::run_drift(&job)?;
    for line in drift::summary_lines(&out) {
        info!("{line}");
    }
    match out.dataset_drift {
        Some(true) => return Err(Error::check_failed(format!("dataset drift: {}", out.verdict))),
        Some(false) => info!("no dataset drift: {}", out.verdict),
        // No check could run: the warning has said why.
        None => {}
    }
    Ok(())
}
