//! outcomes: how earlier predictions turned out, once the stories' comment counts settled.

use clap::Parser;
use hn_shared::cli::{self, Verbosity};
use hn_shared::info;
use hn_shared::outcomes::{self, OutcomesJob};
use std::process::ExitCode;

/// Score earlier predictions against the comment counts the stories reached: each predictions
/// file (predict's Parquet: id, predicted_comments, model) is joined by id with a later stories
/// table, keeping stories fetched at least --min-age after they were posted, and scored with
/// r2, mae, rmse and spearman. One JSON line per predictions file goes to --history (not again
/// when nothing new has settled) and to stdout; a summary per file to stderr.
#[derive(Parser, Debug)]
#[command(
    name = "outcomes",
    version,
    after_help = cli::after_help(&[
        "outcomes data/predictions/*.parquet --stories data/stories.parquet --history data/outcomes.history.jsonl",
        "outcomes old-predictions.parquet --stories later.parquet --min-age 0 | jq .r2",
    ], None)
)]
struct Args {
    /// Predictions files (from predict; `make predict` keeps each run in DATA/predictions/).
    #[arg(value_name = "PREDICTIONS", required = true)]
    predictions: Vec<String>,
    /// A later stories table (from hn-fetch) with the settled comment counts.
    #[arg(long, value_name = "STORIES")]
    stories: String,
    /// Append one JSON line per predictions file with settled stories here.
    #[arg(long, value_name = "FILE")]
    history: Option<String>,
    /// A story counts once it was fetched at least this long after it was posted (e.g. 2d; 0 for all).
    #[arg(long, default_value = "2d", value_name = "AGE", value_parser = parse_age)]
    min_age: i64,
    #[command(flatten)]
    verbosity: Verbosity,
}

fn parse_age(s: &str) -> Result<i64, String> {
    if s == "0" {
        return Ok(0);
    }
    cli::parse_duration(s).map(|d| d.as_secs() as i64)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("outcomes", &verbosity, || run(args))
}

fn run(a: Args) -> hn_shared::Result<()> {
    let found = outcomes::run_outcomes(&OutcomesJob {
        predictions: a.predictions,
        stories: a.stories,
        history: a.history,
        min_age: a.min_age,
    })?;
    let mut lines = Vec::new();
    for o in &found {
        let l = &o.line;
        let f = |k: &str| l[k].as_f64().map_or("n/a".to_string(), |v| format!("{v:.4}"));
        info!(
            "outcomes: {}: {} of {} settled{}",
            o.file,
            o.n,
            o.predicted,
            if o.n > 0 {
                format!(
                    ": r2={} mae={} spearman={}{}",
                    f("r2"),
                    f("mae"),
                    f("spearman"),
                    if o.appended { "" } else { " (already in the history)" }
                )
            } else {
                String::new()
            }
        );
        if o.n > 0 {
            lines.push(l.to_string());
        }
    }
    hn_shared::io::write_atomically("-", |o| {
        for l in &lines {
            writeln!(o, "{l}")?;
        }
        Ok(())
    })
}

use std::io::Write;
