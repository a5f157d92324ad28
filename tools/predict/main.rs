//! predict: comment counts for stories, from their titles.

use clap::{Parser, ValueEnum};
use hn_shared::cli::{self, Verbosity};
use hn_shared::info;
use hn_shared::predict::{self, Columns, Format, PredictJob};
use std::process::ExitCode;

/// Predict comment counts for stories with a model and the vectorizer it was trained with (a
/// different vectorizer is refused). Every format has the same columns: id, title, time (Unix
/// seconds), predicted_comments, model (fingerprint). The format follows -o's extension
/// (.parquet, .csv, .jsonl, .json, .txt) unless --format says otherwise; Parquet keeps the
/// stories' order, the others put the highest predictions first. Without -o, a table for people
/// goes to stdout.
#[derive(Parser, Debug)]
#[command(name = "predict", version, after_help = cli::after_help(&[
    "predict --model model.bin --vectorizer vec.bin latest.parquet --top 10",
    "predict --model model.bin --vectorizer vec.bin latest.parquet -o predictions.csv",
    "hn-fetch --list top -o - | predict --model model.bin --vectorizer vec.bin - -o predictions.parquet",
], None))]
struct Args {
    /// Stories (Parquet with id and title, time optional; `-` for stdin).
    #[arg(value_name = "STORIES")]
    stories: String,
    /// The model artifact (from `train`).
    #[arg(long, value_name = "MODEL")]
    model: String,
    /// The vectorizer artifact the model's training features were made with.
    #[arg(long, value_name = "VEC")]
    vectorizer: String,
    /// Where to write; `-` for stdout. Default: stdout for text formats.
    #[arg(short, long, value_name = "PREDICTIONS")]
    output: Option<String>,
    /// Output format [default: from -o's extension; parquet for other names; table without -o].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Only the N highest predictions, highest first (every format).
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Column holding the story id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_column: String,
    /// Column holding the title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    title_column: String,
    /// Column holding the time (Unix seconds); may be absent.
    #[arg(long, default_value = "time", value_name = "NAME")]
    time_column: String,
    #[command(flatten)]
    verbosity: Verbosity,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Parquet,
    Table,
    Csv,
    Jsonl,
    Json,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("predict", &verbosity, || run(args))
}

fn run(a: Args) -> hn_shared::Result<()> {
    let job = PredictJob {
        model: a.model,
        vectorizer: a.vectorizer,
        stories: a.stories,
        output: a.output,
        format: a.format.map(|f| match f {
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Json => Format::Json,
        }),
        columns: Columns {
            id: a.id_column,
            title: a.title_column,
            time: a.time_column,
        },
        top: a.top,
        args: std::env::args().skip(1).collect(),
    };
    let p = predict::run_predict(&job)?;
    let mean = p.predicted.iter().sum::<f64>() / p.predicted.len() as f64;
    info!("{} stories, mean predicted comments {mean:.1}", p.ids.len());
    Ok(())
}
