//! hn-fetch: Hacker News stories into a Parquet stories table, from the API or a dump.

use clap::{ArgGroup, Parser};
use hn_shared::Error;
use hn_shared::cli::{self, Verbosity, parse_duration};
use hn_shared::hn::{
    DEFAULT_API, FailureAllowance, Filter, LISTS, Request, Selection, Source, parse_id_range, parse_types,
};
use std::process::ExitCode;
use std::time::Duration;

/// Fetch Hacker News items into a stories table (Parquet), from the HN API or a JSON Lines dump.
///
/// Keeps stories with a title by default; deleted and dead items are skipped unless asked.
/// HTML entities in titles (&amp;, &#x27;, …) are decoded; everything else is kept verbatim.
/// The output is sorted by id, without duplicates, written atomically. While fetching from the
/// API, items are journaled beside the output (.NAME.journal): a killed run started again with
/// the same command resumes where it stopped.
#[derive(Parser, Debug)]
#[command(name = "hn-fetch", version)]
#[command(group(ArgGroup::new("selection").required(true).args(["latest", "ids", "list", "all", "newest_id"])))]
#[command(after_help = cli::after_help(&[
    "hn-fetch --latest 1000 --min-age 2d --since stories.parquet -o stories.parquet",
    "hn-fetch --from items.jsonl.gz --all -o stories.parquet",
    "hn-fetch --newest-id -o newest-id && hn-fetch --latest 100 --below $(($(cat newest-id) + 1)) -o latest.parquet",
], None))]
struct Args {
    /// Base URL of the HN API (or anything serving its paths).
    #[arg(long, value_name = "URL", default_value = DEFAULT_API, conflicts_with = "from")]
    api: String,

    /// Read items from a JSON Lines dump in the API's item shape (plain or gzipped; - = stdin)
    /// instead of the API.
    #[arg(long, value_name = "DUMP.jsonl[.gz]")]
    from: Option<String>,

    /// The newest N ids (with --min-age: the N ids ending at the newest one old enough).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    latest: Option<u64>,

    /// An id range, both ends included: A..B.
    #[arg(long, value_name = "A..B", value_parser = parse_id_range)]
    ids: Option<(i64, i64)>,

    /// A story list of the API: new, top, best, ask, show or job. The list's order is kept as
    /// a `rank` column (1 = first).
    #[arg(long, value_name = "NAME", value_parser = LISTS)]
    list: Option<String>,

    /// Every item of the dump (with --from).
    #[arg(long, requires = "from")]
    all: bool,

    /// Fetch no items: write the newest id at the source (the API's maxitem, or the largest id
    /// in the dump) as one line. Two fetches that derive their windows from it (--below) can run
    /// at the same time and never overlap.
    #[arg(long)]
    newest_id: bool,

    /// Item types to keep, comma-separated (story, comment, job, poll, pollopt) or all.
    #[arg(long, value_name = "TYPES", default_value = "story")]
    types: String,

    /// Keep dead (flagged) items too.
    #[arg(long)]
    include_dead: bool,

    /// Keep deleted items too (they have no title, author or url).
    #[arg(long)]
    include_deleted: bool,

    /// Keep only items at least this old (e.g. 2d), whose comment counts have settled.
    #[arg(long, value_name = "AGE", value_parser = parse_duration)]
    min_age: Option<Duration>,

    /// The previous stories file: fetch only newer ids, fetch again the stories that were too
    /// young to have settled, and merge. A missing file means start fresh.
    #[arg(long, value_name = "PREVIOUS.parquet")]
    since: Option<String>,

    /// Stay below the lowest id of this stories table (the stories to predict for): --latest's
    /// window ends below it, so they are never training rows.
    #[arg(long, value_name = "STORIES.parquet")]
    before: Option<String>,

    /// Stay below this id: --latest's window ends below it (without asking the API for its
    /// newest id), so ids from ID up, e.g. the stories to predict for, are never fetched.
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(i64).range(1..))]
    below: Option<i64>,

    /// With --since: stories fetched younger than this are fetched again [default: --min-age,
    /// or 2d].
    #[arg(long, value_name = "AGE", value_parser = parse_duration)]
    settle: Option<Duration>,

    /// Requests in flight (one connection each).
    #[arg(long, value_name = "N", default_value_t = 48, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,

    /// Retries per request after the first try (timeouts, 429/5xx, dropped connections, bad JSON).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    retries: u32,

    /// Timeout of one request.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    timeout: Duration,

    /// First retry delay; it doubles with each retry (with jitter, at most 10s).
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = parse_duration)]
    backoff: Duration,

    /// Ids allowed to fail after all retries without failing the run: a count or a share (1%).
    #[arg(long, value_name = "N|P%", default_value = "0", value_parser = FailureAllowance::parse)]
    max_failures: FailureAllowance,

    /// Write the items' JSON as JSON Lines instead of the stories table.
    #[arg(long)]
    raw: bool,

    /// Output file (- for stdout).
    #[arg(short, long, value_name = "FILE")]
    output: String,

    #[command(flatten)]
    verbosity: Verbosity,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run("hn-fetch", &args.verbosity, || {
        let selection = match (args.latest, args.ids, &args.list) {
            (Some(n), _, _) => Selection::Latest(n),
            (_, Some((a, b)), _) => Selection::Ids(a, b),
            (_, _, Some(l)) => Selection::List(l.clone()),
            _ if args.all => Selection::All,
            _ if args.newest_id => Selection::NewestId,
            _ => hn_shared::bail!("give one of --latest, --ids, --list, --all, --newest-id"), // clap's group enforces it
        };
        if args.timeout.is_zero() {
            hn_shared::bail!("--timeout must be more than 0");
        }
        let min_age = args.min_age.map(|d| d.as_secs() as i64);
        let settle = args.settle.map(|d| d.as_secs() as i64).or(min_age).unwrap_or(2 * 86400);
        let req = Request {
            source: match &args.from {
                Some(path) => Source::Dump(path.clone()),
                None => Source::Api(args.api.clone()),
            },
            selection,
            filter: Filter {
                types: parse_types(&args.types).map_err(|e| Error::new(format!("--types: {e}")))?,
                include_dead: args.include_dead,
                include_deleted: args.include_deleted,
                min_age,
                now: hn_shared::clock::now_unix(),
            },
            since: args.since.clone(),
            settle,
            before: args.before.clone(),
            below: args.below,
            concurrency: args.concurrency as usize,
            timeout: args.timeout,
            retries: args.retries,
            backoff: args.backoff,
            max_failures: args.max_failures,
            raw: args.raw,
            output: args.output.clone(),
            args: std::env::args().skip(1).collect(),
        };
        let summary = hn_shared::hn::run(&req)?;
        hn_shared::info!("{summary}");
        if let Some(w) = summary.nothing_kept() {
            hn_shared::warn!("{w}");
        }
        Ok(())
    })
}
