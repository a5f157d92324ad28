//! report: one self-contained HTML page about a pipeline's DATA folder.

use clap::Parser;
use hn_shared::cli::{self, Verbosity};
use hn_shared::info;
use hn_shared::report::{self, ReportJob};
use std::process::ExitCode;

/// Write one self-contained HTML page (inline SVG, nothing loaded from the network, every title
/// escaped) about a DATA folder: the asset graph as the Makefile defines it (read from make's own
/// database, `make -p`; nothing is built), each asset with when it was built, rows, sha256 and
/// whether make would rebuild it; the champion model's card, the models' metrics over time and
/// when the champion changed; the latest drift verdict and its charts; outcomes over time; the
/// top predictions for the newest stories. A section whose files are not there yet says "not
/// yet". The page's time stamp honours HN_NOW (Unix seconds).
#[derive(Parser, Debug)]
#[command(name = "report", version)]
#[command(after_help = cli::after_help(&[
    "report --data data --makefile Makefile -o data/report.html",
    "report --data demo -o - | wc -c",
    "make report DATA=demo          (the same, from the Makefile)",
], None))]
struct Args {
    /// The DATA folder, as the Makefile's DATA variable names it.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: String,
    /// The Makefile whose asset graph to show (make runs in the current directory).
    #[arg(long, value_name = "FILE", default_value = "Makefile")]
    makefile: String,
    /// Where to write the page; `-` for stdout.
    #[arg(short, long, value_name = "REPORT.html")]
    output: String,
    /// The make program (GNU make 4.x).
    #[arg(long, value_name = "PROGRAM", default_value = "make")]
    make: String,
    /// How many of the newest stories' predictions to show (highest first).
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    #[command(flatten)]
    verbosity: Verbosity,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("report", &verbosity, || run(args))
}

fn run(a: Args) -> hn_shared::Result<()> {
    let job = ReportJob {
        data: a.data,
        makefile: a.makefile,
        make: a.make,
        output: a.output.clone(),
        top: a.top,
    };
    let out = report::run_report(&job)?;
    let not_yet = if out.not_yet.is_empty() {
        String::new()
    } else {
        format!("; not yet: {}", out.not_yet.join(", "))
    };
    info!(
        "{}: {} assets, {} stale, {} missing{not_yet}",
        hn_shared::io::display_name(&a.output).replace("<stdin>", "<stdout>"),
        out.assets,
        out.stale,
        out.missing
    );
    Ok(())
}
