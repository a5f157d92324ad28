//! The fetch engine behind `hn-fetch`: resolve the selection to ids, fetch them (from the API
//! with many requests in flight, or from a dump by streaming it), merge with the previous
//! stories file, and write the stories table (or the raw items) atomically.

use super::client::{Client, ClientConfig, FetchError};
use super::dump::Dump;
use super::item::{Dropped, Filter, Item};
use super::journal::{self, Journal};
use crate::error::{Context, Error, Result};
use crate::table::{Provenance, Story, Table, read_stories, stories_to_batch, write_parquet};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where items come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// An API base URL (`…/v0`).
    Api(String),
    /// A JSON Lines dump (`-` for stdin), plain or gzipped.
    Dump(String),
}

/// Which ids to get.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// The newest N ids (ending at the newest id old enough under `--min-age`).
    Latest(u64),
    /// An inclusive id range.
    Ids(i64, i64),
    /// A story list of the API: new, top, best, ask, show, job.
    List(String),
    /// Every item of a dump.
    All,
    /// No items: the newest id at the source, written as one line of text. `make` fetches it
    /// once so that two fetches can derive disjoint windows from it and run at the same time.
    NewestId,
}

/// The lists the API publishes (`<name>stories.json`).
pub const LISTS: [&str; 6] = ["new", "top", "best", "ask", "show", "job"];

/// Parse `A..B` (inclusive) or a single id.
pub fn parse_id_range(s: &str) -> std::result::Result<(i64, i64), String> {
    let bad = || format!("bad id range {s:?}: expected A..B (both ends included), e.g. 40000000..40001000");
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (a, b.strip_prefix('=').unwrap_or(b)),
        None => (s, s),
    };
    let a: i64 = a.trim().parse().map_err(|_| bad())?;
    let b: i64 = b.trim().parse().map_err(|_| bad())?;
    if a < 1 || b < a {
        return Err(format!("bad id range {s:?}: need 1 <= A <= B"));
    }
    if b - a >= 100_000_000 {
        return Err(format!(
            "bad id range {s:?}: more than 100 million ids (for every item of a dump, use --from DUMP --all)"
        ));
    }
    Ok((a, b))
}

/// How many ids may fail for good before the run fails.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FailureAllowance {
    Count(u64),
    Percent(f64),
}

impl FailureAllowance {
    /// Parse `N` or `P%`.
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        let bad = || format!("bad --max-failures {s:?}: expected a count like 5 or a share like 1%");
        match s.strip_suffix('%') {
            Some(p) => {
                let p: f64 = p.trim().parse().map_err(|_| bad())?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(bad());
                }
                Ok(FailureAllowance::Percent(p))
            }
            None => s.parse().map(FailureAllowance::Count).map_err(|_| bad()),
        }
    }

    /// The failures allowed among `n` ids.
    pub fn of(&self, n: usize) -> usize {
        match *self {
            FailureAllowance::Count(c) => c as usize,
            FailureAllowance::Percent(p) => (n as f64 * p / 100.0).floor() as usize,
        }
    }
}

/// Everything one run needs.
#[derive(Debug, Clone)]
pub struct Request {
    pub source: Source,
    pub selection: Selection,
    pub filter: Filter,
    /// The previous stories file (missing file: start fresh).
    pub since: Option<String>,
    /// Stories fetched younger than this (seconds) are fetched again by `--since` runs.
    pub settle: i64,
    /// A stories table whose ids this fetch stays below (`--before`): the stories a model will
    /// predict for, which must never be training rows.
    pub before: Option<String>,
    /// Stay below this id (`--below`): the first id of the stories to predict for, known
    /// without reading them. With `--latest` it is the window's top, so no maxitem request.
    pub below: Option<i64>,
    pub concurrency: usize,
    pub timeout: Duration,
    pub retries: u32,
    pub backoff: Duration,
    pub max_failures: FailureAllowance,
    /// Write the items as JSON Lines instead of the stories table.
    pub raw: bool,
    pub output: String,
    /// The command line, for provenance.
    pub args: Vec<String>,
}

/// What a run did, for the summary line on stderr.
#[derive(Debug, Default)]
pub struct Summary {
    pub from_dump: Option<String>,
    /// Ids the run set out to get (dump: items matched).
    pub asked: usize,
    pub from_journal: usize,
    /// Ids that had no item (`null`).
    pub without_item: usize,
    /// Rows this run fetched that passed the filter.
    pub kept: usize,
    /// Rows written (with `--since`: including the previous file's).
    pub rows: usize,
    pub requests: u64,
    pub retries: u64,
    /// Ids that failed for good, within `--max-failures`.
    pub failed: Vec<i64>,
    /// Items selected but left out, by reason.
    pub dropped: BTreeMap<Dropped, usize>,
    pub elapsed: Duration,
    pub output: String,
    /// `--newest-id`: the id written.
    pub newest_id: Option<i64>,
}

impl Summary {
    /// When a run kept nothing: a warning naming the reason that dropped most and what to do.
    pub fn nothing_kept(&self) -> Option<String> {
        if self.kept > 0 {
            return None;
        }
        let source = self.from_dump.as_deref().unwrap_or("the selection");
        let Some((why, n)) = self.dropped.iter().max_by_key(|&(d, n)| (*n, std::cmp::Reverse(*d))) else {
            return Some(format!(
                "{source}: no item in the selection at all (check the ids, or --all for a whole dump)"
            ));
        };
        let total: usize = self.dropped.values().sum();
        Some(format!(
            "{source}: no story kept: all {total} items selected were dropped, most for {} ({n}); {}",
            why.label(),
            why.hint()
        ))
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        if let Some(id) = self.newest_id {
            return write!(f, "newest id {id} -> {}; {secs:.2}s", self.output);
        }
        match &self.from_dump {
            Some(d) => write!(f, "{d}: {} items selected", self.asked)?,
            None => {
                write!(f, "{} ids asked", self.asked)?;
                if self.from_journal > 0 {
                    write!(f, " ({} from the journal)", self.from_journal)?;
                }
                if self.without_item > 0 {
                    write!(f, ", {} without item", self.without_item)?;
                }
            }
        }
        write!(f, "; {} kept", self.kept)?;
        if !self.dropped.is_empty() {
            let parts: Vec<String> = self.dropped.iter().map(|(d, n)| format!("{n} {}", d.label())).collect();
            write!(f, ", dropped {}", parts.join(", "))?;
        }
        write!(f, "; {} rows in {}", self.rows, self.output)?;
        if self.from_dump.is_none() {
            write!(
                f,
                "; {} requests, {} retries, {} failures",
                self.requests,
                self.retries,
                self.failed.len()
            )?;
        }
        write!(f, "; {secs:.2}s")
    }
}

/// One fetched id.
struct Got {
    item: Option<Item>,
    /// The item's JSON, kept only for `--raw` (stories carry `kids` lists: kilobytes an id).
    json: Option<String>,
    fetched_at: i64,
}

/// The previous stories file of an incremental run.
struct Previous {
    stories: Vec<Story>,
    max_id: i64,
    /// Stories fetched before they had settled: fetched again.
    young: BTreeSet<i64>,
    input: Option<(String, String)>,
}

fn load_previous(req: &Request) -> Result<Previous> {
    let mut prev = Previous {
        stories: Vec::new(),
        max_id: 0,
        young: BTreeSet::new(),
        input: None,
    };
    let Some(path) = &req.since else { return Ok(prev) };
    if !crate::io::is_stdio(path) && !std::path::Path::new(path).exists() {
        crate::info!("{path} does not exist yet: starting fresh");
        return Ok(prev);
    }
    let table = Table::read(path, None).context("--since")?;
    prev.stories = read_stories(&table).context("--since")?;
    prev.max_id = prev.stories.iter().map(|s| s.id).max().unwrap_or(0);
    prev.young = prev
        .stories
        .iter()
        .filter(|s| s.fetched_at > 0 && s.fetched_at - s.time < req.settle)
        .map(|s| s.id)
        .collect();
    prev.input = Some((table.name.clone(), table.fingerprint.clone()));
    Ok(prev)
}

/// Run a fetch end to end. Errors are trouble (exit 2); the summary goes to the caller.
pub fn run(req: &Request) -> Result<Summary> {
    let started = Instant::now();
    if req.raw && req.since.is_some() {
        return Err(Error::new(
            "--since merges into a stories table: it cannot be combined with --raw",
        ));
    }
    if let (Source::Dump(_), Selection::List(name)) = (&req.source, &req.selection) {
        return Err(Error::new(format!(
            "--list {name} needs the API: a dump has no story lists (use --latest or --ids)"
        )));
    }
    if let (Source::Api(_), Selection::All) = (&req.source, &req.selection) {
        return Err(Error::new(
            "--all takes every item of a dump: give --from DUMP (from the API, use --latest or --ids)",
        ));
    }
    if req.selection == Selection::NewestId {
        return write_newest_id(req, started);
    }
    let mut prev = load_previous(req)?;
    let cap = id_cap(req)?;
    // --before holds for the previous rows too: a bound that moved down drops them (and the
    // incremental fetch starts after the newest row that stays).
    if let Some(c) = cap {
        prev.stories.retain(|s| s.id <= c);
        prev.young.retain(|&id| id <= c);
        prev.max_id = prev.stories.iter().map(|s| s.id).max().unwrap_or(0);
    }
    let mut summary = Summary {
        output: if crate::io::is_stdio(&req.output) {
            "<stdout>".into()
        } else {
            req.output.clone()
        },
        ..Default::default()
    };
    let mut prov = Provenance::new("hn-fetch", req.args.clone());
    if let Some((name, fp)) = &prev.input {
        prov = prov.input(name, fp);
    }
    let mut journal = None;
    let mut ranks = None;
    let got = match &req.source {
        Source::Dump(path) => {
            let (got, fp, name) = collect_from_dump(req, path, &prev, cap, &mut summary)?;
            summary.from_dump = Some(name.clone());
            summary.asked = got.len();
            prov = prov.input(&name, &fp).extra("source", format!("dump {name}"));
            got
        }
        Source::Api(base) => {
            let client = Client::new(ClientConfig {
                base: base.clone(),
                concurrency: req.concurrency,
                timeout: req.timeout,
                retries: req.retries,
                backoff: req.backoff,
            });
            prov = prov.extra("api", client.base());
            let (got, j, r) = collect_from_api(req, &client, &prev, cap, &mut summary)?;
            journal = j;
            ranks = r;
            got
        }
    };
    summary.without_item = got.values().filter(|g| g.item.is_none()).count();
    if req.raw {
        let mut lines = Vec::new();
        for g in got.values() {
            if let (Some(it), Some(js)) = (&g.item, &g.json) {
                match req.filter.drops(it) {
                    None => lines.push(js.as_str()),
                    Some(why) => *summary.dropped.entry(why).or_default() += 1,
                }
            }
        }
        summary.kept = lines.len();
        summary.rows = lines.len();
        crate::io::write_atomically(&req.output, |o| {
            for l in &lines {
                writeln!(o, "{l}")?;
            }
            Ok(())
        })?;
    } else {
        let mut rows: BTreeMap<i64, Story> = prev.stories.into_iter().map(|s| (s.id, s)).collect();
        // The newest copy wins: a story fetched again replaces the previous row (or removes it,
        // if it has since been deleted or killed). An id the API now answers `null` for keeps
        // its row: that is a glitch, not news about the story.
        for (id, g) in &got {
            let Some(it) = &g.item else { continue };
            rows.remove(id);
            match req.filter.drops(it) {
                None => {
                    rows.insert(*id, it.to_story(g.fetched_at));
                    summary.kept += 1;
                }
                Some(why) => *summary.dropped.entry(why).or_default() += 1,
            }
        }
        let stories: Vec<Story> = rows.into_values().collect();
        summary.rows = stories.len();
        prov = prov.extra("fetched_at", req.filter.now.to_string());
        let mut batch = stories_to_batch(&stories)?;
        if let Some(ranks) = ranks {
            batch = with_rank(batch, &stories, &ranks)?;
        }
        write_parquet(&req.output, &batch, &prov)?;
    }
    if let Some(j) = journal {
        j.remove()?;
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The stories table with a `rank` column: each story's place in the API list it came from
/// (1 = first), null for stories merged from `--since` that were not on the list.
fn with_rank(batch: arrow::array::RecordBatch, stories: &[Story], ranks: &Ranks) -> Result<arrow::array::RecordBatch> {
    use arrow::datatypes::{DataType, Field, Schema};
    let rank = arrow::array::Int64Array::from_iter(stories.iter().map(|s| ranks.get(&s.id).copied()));
    let mut fields: Vec<Field> = batch.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new("rank", DataType::Int64, true));
    let mut cols = batch.columns().to_vec();
    cols.push(std::sync::Arc::new(rank));
    Ok(arrow::array::RecordBatch::try_new(
        std::sync::Arc::new(Schema::new(fields)),
        cols,
    )?)
}

/// The highest id `--before` and `--below` allow: below the lowest id of that table and below
/// the given id (no bound when neither is given or the table is empty).
fn id_cap(req: &Request) -> Result<Option<i64>> {
    let below = req.below.map(|b| b - 1);
    let Some(path) = &req.before else { return Ok(below) };
    let t = Table::read(path, Some(&["id"])).context("--before")?;
    let lowest = t.required_i64_column("id").context("--before")?.into_iter().min();
    if let Some(l) = lowest {
        crate::verbose!("--before {}: ids below {l}", t.name);
    }
    Ok(match (lowest.map(|l| l - 1), below) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// `--newest-id`: the source's newest id (the API's maxitem, or the largest id in the dump) as
/// one line of text.
fn write_newest_id(req: &Request, started: Instant) -> Result<Summary> {
    let newest = match &req.source {
        Source::Api(base) => {
            let client = Client::new(ClientConfig {
                base: base.clone(),
                concurrency: 1,
                timeout: req.timeout,
                retries: req.retries,
                backoff: req.backoff,
            });
            client.max_item().map_err(|e| unreachable_or(&client, "maxitem", e))?
        }
        Source::Dump(path) => {
            let mut dump = Dump::open(path)?;
            let mut newest = None;
            while let Some((item, _)) = dump.next_item()? {
                newest = newest.max(Some(item.id));
            }
            newest.ok_or_else(|| Error::new(format!("{}: no items in the dump", dump.name())))?
        }
    };
    crate::io::write_atomically(&req.output, |o| Ok(writeln!(o, "{newest}")?))?;
    Ok(Summary {
        newest_id: Some(newest),
        elapsed: started.elapsed(),
        output: req.output.clone(),
        ..Default::default()
    })
}

fn collect_from_dump(
    req: &Request,
    path: &str,
    prev: &Previous,
    cap: Option<i64>,
    summary: &mut Summary,
) -> Result<(BTreeMap<i64, Got>, String, String)> {
    let now = req.filter.now;
    let mut dump = Dump::open(path)?;
    let mut got: BTreeMap<i64, Got> = BTreeMap::new();
    // For --latest the window ends at the newest id seen (that is old enough, with --min-age),
    // which is only known at the end: keep what may fall in it, pruning as the end moves.
    let mut anchor = 0i64;
    let window = |anchor: i64, id: i64| match &req.selection {
        Selection::Latest(n) => id > anchor.saturating_sub(*n as i64),
        Selection::Ids(a, b) => (*a..=*b).contains(&id),
        Selection::All => true,
        Selection::List(_) | Selection::NewestId => false, // handled in run()
    };
    // Drops are counted per id for --latest (whose window moves, so they are pruned with it) and
    // simply counted otherwise (a whole dump's comments would not fit in a map).
    let mut dropped_ids: BTreeMap<i64, Dropped> = BTreeMap::new();
    let latest = matches!(req.selection, Selection::Latest(_));
    while let Some((item, value)) = dump.next_item()? {
        let id = item.id;
        if cap.is_some_and(|c| id > c) {
            continue;
        }
        if req.filter.min_age.is_none() || item.time.is_some_and(|t| req.filter.old_enough(t)) {
            anchor = anchor.max(id);
        }
        let young = prev.young.contains(&id);
        let wanted = id > prev.max_id && window(anchor, id);
        let dropped = if wanted { req.filter.drops(&item) } else { None };
        if let Some(why) = dropped {
            if latest {
                dropped_ids.insert(id, why);
            } else {
                *summary.dropped.entry(why).or_default() += 1;
            }
        }
        if young || (wanted && dropped.is_none()) {
            let json = req.raw.then(|| value.to_string());
            got.insert(
                id,
                Got {
                    item: Some(item),
                    json,
                    fetched_at: now,
                },
            );
        }
        if let Selection::Latest(n) = req.selection
            && got.len() > 2 * n as usize + 4096
        {
            got.retain(|&id, _| window(anchor, id) || prev.young.contains(&id));
            dropped_ids.retain(|&id, _| window(anchor, id));
        }
    }
    if let Selection::Latest(_) = req.selection {
        got.retain(|&id, _| (window(anchor, id) && id <= anchor) || prev.young.contains(&id));
        for (&id, &why) in &dropped_ids {
            if window(anchor, id) && id <= anchor {
                *summary.dropped.entry(why).or_default() += 1;
            }
        }
    }
    Ok((got, dump.fingerprint(), dump.name().to_string()))
}

fn unreachable_or(client: &Client, what: &str, e: FetchError) -> Error {
    // The API's paths live under /v0: a base URL without it answers 404 for everything.
    if e.msg.contains("404") && !client.base().trim_end_matches('/').ends_with("/v0") {
        return Error::new(format!(
            "the HN API at {} answered 404 for {what}: the base URL should end in /v0 (e.g. {})",
            client.base(),
            super::client::DEFAULT_API
        ));
    }
    if e.unreachable {
        Error::new(format!("cannot reach the HN API at {}: {}", client.base(), e.msg))
    } else {
        Error::new(format!("the HN API at {} failed: {what}: {}", client.base(), e.msg))
    }
}

/// Each story list id's place in its list (1 = first).
type Ranks = std::collections::HashMap<i64, i64>;

/// What the API gave, the journal still open, and list ranks (for `--list`).
type Collected = (BTreeMap<i64, Got>, Option<Journal>, Option<Ranks>);

fn collect_from_api(
    req: &Request,
    client: &Client,
    prev: &Previous,
    cap: Option<i64>,
    summary: &mut Summary,
) -> Result<Collected> {
    let now = req.filter.now;
    let selected: Vec<i64> = match &req.selection {
        Selection::Latest(n) => {
            // `--below` names the window's top (make read it from the source once, in
            // `--newest-id`): asking maxitem again would only cost a round trip.
            let max = match (req.below, cap) {
                (Some(_), Some(c)) => c,
                _ => {
                    let newest = client.max_item().map_err(|e| unreachable_or(client, "maxitem", e))?;
                    cap.map_or(newest, |c| newest.min(c))
                }
            };
            let end = match req.filter.min_age {
                Some(age) => newest_old_enough(client, max, now - age, req.concurrency)?,
                None => max,
            };
            crate::verbose!("newest id {max}; selection ends at {end}");
            ((end - *n as i64 + 1).max(1)..=end).collect()
        }
        Selection::Ids(a, b) => {
            // One cheap request first: an unreachable API is reported at once, not per id.
            let max = client.max_item().map_err(|e| unreachable_or(client, "maxitem", e))?;
            if *b > max {
                crate::verbose!("ids above {max} (the newest) have no item yet");
            }
            (*a..=(*b).min(max).min(cap.unwrap_or(i64::MAX))).collect()
        }
        Selection::NewestId => Vec::new(), // handled in run()
        Selection::List(name) => client
            .list(name)
            .map_err(|e| unreachable_or(client, &format!("{name}stories"), e))?
            .into_iter()
            .filter(|&id| cap.is_none_or(|c| id <= c))
            .collect(),
        Selection::All => return Err(Error::new("--all needs --from DUMP")), // refused in run()
    };
    // A list's order is its meaning (top, best): kept as a rank column. An id listed twice keeps
    // its first place.
    let ranks = matches!(req.selection, Selection::List(_)).then(|| {
        let mut r = std::collections::HashMap::new();
        for (i, &id) in selected.iter().enumerate() {
            r.entry(id).or_insert(i as i64 + 1);
        }
        r
    });
    let mut plan: BTreeSet<i64> = selected.iter().copied().filter(|&id| id > prev.max_id).collect();
    if prev.max_id > 0 {
        crate::verbose!(
            "--since: {} ids newer than {}, {} young stories to fetch again",
            plan.len(),
            prev.max_id,
            prev.young.len()
        );
    }
    plan.extend(prev.young.iter().copied());
    summary.asked = plan.len();

    let mut got: BTreeMap<i64, Got> = BTreeMap::new();
    let mut journal = None;
    if let Some(jp) = journal::path_for(&req.output) {
        let request = json!({
            "api": client.base(),
            "selection": format!("{:?}", req.selection),
            "types": req.filter.types,
            "include_dead": req.filter.include_dead,
            "include_deleted": req.filter.include_deleted,
            "min_age": req.filter.min_age,
            "since": prev.input.as_ref().map(|(_, fp)| fp.clone()),
            "settle": req.settle,
            "before": cap,
            "raw": req.raw,
        });
        let (j, entries, note) = Journal::open(&jp, &request)?;
        if let Some(note) = note {
            crate::warn!("not resuming from {}: {note}", jp.display());
        }
        for e in entries {
            if !plan.contains(&e.id) {
                continue;
            }
            let item = match &e.item {
                Some(v) => Item::from_json(v).ok().flatten(),
                None => None,
            };
            let json = if req.raw {
                e.item.as_ref().map(Value::to_string)
            } else {
                None
            };
            got.insert(
                e.id,
                Got {
                    item,
                    json,
                    fetched_at: e.fetched_at,
                },
            );
        }
        summary.from_journal = got.len();
        if !got.is_empty() {
            crate::info!("resuming: {} ids already fetched (from {})", got.len(), jp.display());
        }
        journal = Some(j);
    }
    let todo: Vec<i64> = plan.iter().copied().filter(|id| !got.contains_key(id)).collect();
    let allowed = req.max_failures.of(plan.len());
    // A server that stopped answering fails every id: stop early rather than wait out each.
    let breaker = (2 * req.concurrency).max(32);
    let mut failures: Vec<(i64, String)> = Vec::new();
    let mut consecutive = 0usize;
    // The streak that tripped the breaker: answers still in flight may reset `consecutive` after.
    let mut tripped: Option<usize> = None;
    let progress = crate::cli::Progress::new("fetching", todo.len() as u64);
    let res = fetch_many(client, &todo, req.concurrency, |id, r| {
        progress.inc(1);
        match r {
            Ok(found) => {
                consecutive = 0;
                let (item, json) = match found {
                    Some((it, js)) => (Some(it), Some(js)),
                    None => (None, None),
                };
                if let Some(j) = journal.as_mut() {
                    j.append(id, now, json.as_deref())?;
                }
                let json = if req.raw { json } else { None };
                got.insert(
                    id,
                    Got {
                        item,
                        json,
                        fetched_at: now,
                    },
                );
            }
            Err(e) => {
                crate::verbose!("item {id}: {}", e.msg);
                failures.push((id, e.msg));
                consecutive += 1;
                if consecutive >= breaker && tripped.is_none() {
                    tripped = Some(consecutive);
                    return Ok(false);
                }
            }
        }
        Ok(true)
    });
    progress.finish();
    if let Some(j) = journal.as_mut() {
        j.flush()?;
    }
    res?;
    let stats = &client.stats;
    summary.requests = stats.requests.load(Ordering::Relaxed);
    summary.retries = stats.retries.load(Ordering::Relaxed);
    failures.sort();
    if tripped.is_some() || failures.len() > allowed {
        let names: Vec<String> = failures.iter().take(5).map(|(id, _)| id.to_string()).collect();
        let more = if failures.len() > 5 {
            format!(" and {} more", failures.len() - 5)
        } else {
            String::new()
        };
        let why = &failures[0].1;
        let head = if let Some(streak) = tripped {
            format!(
                "the HN API at {} stopped answering ({streak} ids failed in a row)",
                client.base()
            )
        } else {
            format!("{} of {} ids failed", failures.len(), plan.len())
        };
        let resume = if journal.is_some() {
            "; run the same command again to fetch only what is missing"
        } else {
            ""
        };
        return Err(Error::new(format!(
            "{head}: items {}{more} (first error: {why}){resume}",
            names.join(", ")
        )));
    }
    if !failures.is_empty() {
        let ids: Vec<String> = failures.iter().take(10).map(|(id, _)| id.to_string()).collect();
        crate::warn!(
            "{} ids failed (allowed by --max-failures): {}",
            failures.len(),
            ids.join(", ")
        );
    }
    summary.failed = failures.into_iter().map(|(id, _)| id).collect();
    Ok((got, journal, ranks))
}

type ItemResult = std::result::Result<Option<(Item, String)>, FetchError>;

/// Fetch `ids` with `concurrency` workers over the client's one pool; `on` sees every result on
/// the calling thread (so the journal has one writer) and returns false to stop early.
fn fetch_many(
    client: &Client,
    ids: &[i64],
    concurrency: usize,
    mut on: impl FnMut(i64, ItemResult) -> Result<bool>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(i64, ItemResult)>(concurrency * 2);
    std::thread::scope(|s| {
        for _ in 0..concurrency.clamp(1, ids.len()) {
            let tx = tx.clone();
            let (next, stop) = (&next, &stop);
            s.spawn(move || {
                // Every worker starts at once; the client's connector paces the connections
                // they open (a SYN burst would overflow a small server's listen backlog).
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&id) = ids.get(i) else { break };
                    if tx.send((id, client.item(id))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut outcome = Ok(());
        for (id, r) in rx {
            if outcome.is_err() {
                continue;
            }
            match on(id, r) {
                Ok(true) => {}
                Ok(false) => stop.store(true, Ordering::Relaxed),
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    outcome = Err(e);
                }
            }
        }
        outcome
    })
}

/// The newest id whose item is at least as old as `cutoff` (Unix seconds), by a k-ary search
/// over item times (ids grow with time): each round probes up to 16 ids in parallel, so the
/// whole search takes a handful of round trips. Ids without an item or a time are stepped over.
fn newest_old_enough(client: &Client, max: i64, cutoff: i64, concurrency: usize) -> Result<i64> {
    let probe = |id: i64| -> Result<Option<i64>> {
        match client.item(id) {
            Ok(found) => Ok(found.and_then(|(it, _)| it.time)),
            Err(e) => Err(unreachable_or(client, &format!("item {id}"), e)),
        }
    };
    if probe(max)?.is_some_and(|t| t <= cutoff) {
        return Ok(max);
    }
    let k = concurrency.clamp(1, 16) as i64;
    let (mut lo, mut hi) = (0i64, max);
    let mut rounds = 0;
    while hi - lo > 1 {
        rounds += 1;
        let span = hi - lo;
        let mut points: Vec<i64> = (1..=k)
            .map(|i| lo + span * i / (k + 1))
            .filter(|&p| p > lo && p < hi)
            .collect();
        points.dedup();
        let times: Vec<Result<Option<i64>>> = std::thread::scope(|s| {
            let hs: Vec<_> = points.iter().map(|&p| s.spawn(move || probe(p))).collect();
            hs.into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(Error::new("probe thread failed"))))
                .collect()
        });
        let (mut new_lo, mut new_hi) = (lo, hi);
        for (&p, t) in points.iter().zip(times) {
            match t? {
                Some(t) if t <= cutoff => new_lo = p,
                Some(_) if p < new_hi && p > new_lo => new_hi = p,
                _ => {}
            }
        }
        if new_hi <= new_lo {
            new_hi = hi;
        }
        if (new_lo, new_hi) == (lo, hi) {
            break;
        }
        (lo, hi) = (new_lo, new_hi);
    }
    crate::verbose!("--min-age: newest old-enough id {lo} found in {rounds} rounds");
    if lo == 0 {
        return Err(Error::new(format!(
            "no item at {} is old enough for --min-age",
            client.base()
        )));
    }
    Ok(lo)
}

#[cfg(test)]
#[path = "tests/fetch.rs"]
mod tests;
