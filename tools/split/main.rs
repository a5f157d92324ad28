//! split: train and test sets from any table, random (seeded, optionally stratified) or by time.

use clap::Parser;
use hn_shared::cli::{self, Verbosity};
use hn_shared::split::{By, NullTarget, SplitOptions, TestSize, split_file};
use hn_shared::table::Provenance;
use hn_shared::{info, warn};
use std::process::ExitCode;

/// Split a table (Parquet) into a training and a test set. Every column is kept; rows keep their
/// order. A random split depends only on the ids and the seed, so runs repeat exactly.
#[derive(Parser, Debug)]
#[command(name = "split", version, max_term_width = 100, after_help = cli::after_help(&[
    "split stories.parquet -o train.parquet --test test.parquet",
    "split stories.parquet --by time --test-size 0.1 -o train.parquet --test test.parquet",
    "hn-fetch --from dump.jsonl.gz --latest 5000 -o - | split - -o train.parquet --test test.parquet",
], None))]
struct Args {
    /// The table to split (Parquet; `-` reads stdin).
    input: String,
    /// Where the training rows go (`-` = stdout).
    #[arg(short, long, value_name = "TRAIN")]
    output: String,
    /// Where the test rows go (`-` = stdout).
    #[arg(long, value_name = "TEST")]
    test: String,
    /// Size of the test set: a fraction like 0.2 (rounded up) or a row count like 500.
    #[arg(long, default_value = "0.2", value_name = "SIZE")]
    test_size: TestSize,
    /// Seed of the random split.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// random: a seeded sample; time: the newest rows are the test set (train on the past,
    /// test on the future, as the model will be used).
    #[arg(long, value_enum, default_value = "random")]
    by: By,
    /// Stratify the random split on BINS target-quantile bins, so both sides see the same mix
    /// of quiet and busy stories.
    #[arg(long, value_name = "BINS")]
    stratify: Option<usize>,
    /// Column with the row ids (never null).
    #[arg(long, default_value = "id", value_name = "COL")]
    id: String,
    /// Column with the time (Unix seconds or a timestamp), for --by time.
    #[arg(long, default_value = "time", value_name = "COL")]
    time: String,
    /// Column with the target (the number to predict).
    #[arg(long, default_value = "descendants", value_name = "COL")]
    target: String,
    /// Rows whose target is null: zero (write 0, as the guide does), keep, or drop them.
    #[arg(long, value_enum, default_value = "zero", value_name = "WHAT")]
    null_target: NullTarget,
    #[command(flatten)]
    verbosity: Verbosity,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run("split", &args.verbosity, || {
        let opts = SplitOptions {
            test_size: args.test_size,
            seed: args.seed,
            by: args.by,
            stratify: args.stratify,
            id: args.id.clone(),
            time: args.time.clone(),
            target: args.target.clone(),
            null_target: args.null_target,
        };
        let prov = Provenance::new("split", std::env::args().skip(1));
        let s = split_file(&args.input, &args.output, &args.test, &opts, prov)?;
        if s.duplicate_ids > 0 {
            warn!(
                "{}: {} rows repeat an id already seen (column \"{}\"); copies may land on both sides",
                hn_shared::io::display_name(&args.input),
                s.duplicate_ids,
                args.id
            );
        }
        let mut note = String::new();
        if s.filled > 0 {
            note = format!(", {} null targets set to 0", s.filled);
        }
        if s.dropped > 0 {
            note = format!(", {} rows with a null target dropped", s.dropped);
        }
        info!(
            "{} train rows -> {}, {} test rows -> {} ({opts}){note}",
            s.train.num_rows(),
            args.output,
            s.test.num_rows(),
            args.test
        );
        Ok(())
    })
}
