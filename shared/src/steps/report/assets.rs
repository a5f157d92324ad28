//! The asset graph as the Makefile defines it: make's own database (`make -p`) names every target
//! and its prerequisites, so the report never carries a hand-copied list. Each asset (a target
//! under DATA) is then looked at on disk: when it was built, rows, fingerprint, and whether make
//! would rebuild it.

use crate::clock;
use crate::error::{Context, Error, Result};
use crate::io::FingerprintReader;
use crate::table::parquet_num_rows;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::UNIX_EPOCH;

/// One rule as make's database prints it (a grouped target appears once per file it makes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rule {
    pub prerequisites: Vec<String>,
    pub order_only: Vec<String>,
    /// The other files the same recipe run makes (a grouped `&:` target).
    pub also_makes: Vec<String>,
}

/// Make's view of the Makefile: rules by target, and the phony targets.
#[derive(Debug, Clone, Default)]
pub struct Database {
    pub rules: BTreeMap<String, Rule>,
    pub phony: BTreeSet<String>,
    /// What each parameter stamp would hold now, by name (`split` for `.args/split.args`).
    pub stamps: BTreeMap<String, String>,
}

/// The marker of the lines the report's own makefile prints (`$(info)`) before the database.
const STAMP_LINE: &str = "hn-report-stamp ";

/// Ask make for its database of the Makefile with `DATA=<data>`. The goal is a rule of a second
/// makefile (read from stdin after the Makefile) that has no prerequisites and no recipe, and `-q`
/// runs no recipe: nothing is built or fetched, whatever the Makefile's default goal. Variables
/// given to an outer make (`make report TRAIN_ARGS=...`) reach this one through MAKEFLAGS, so the
/// graph is the one make would run. The second makefile also prints every `STAMP_<name>`
/// variable expanded: what the parameter stamp `DATA/.args/<name>.args` would hold now.
/// It is named `/dev/stdin`, not `-`: GNU make 4.3 copies a `-` makefile to a temp file that it
/// leaves behind in the temp folder whenever it stops with an error (a Makefile it cannot read).
pub fn read_database(make: &str, makefile: &str, data: &str) -> Result<Database> {
    use std::io::Write;
    const GOAL: &str = ".hn-report-no-op";
    let mut child = Command::new(make)
        .args([
            "--no-print-directory",
            "-p",
            "-q",
            "-r",
            "-f",
            makefile,
            "-f",
            "/dev/stdin",
        ])
        .arg(format!("DATA={data}"))
        .arg(GOAL)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {make} (give the make program with --make)"))?;
    let extra =
        format!("{GOAL}:\n$(foreach v,$(filter STAMP_%,$(.VARIABLES)),$(info {STAMP_LINE}$(v:STAMP_%=%)=$($(v))))\n");
    if let Some(mut stdin) = child.stdin.take() {
        // make may stop before reading it (a missing Makefile): its exit status says why.
        let _ = stdin.write_all(extra.as_bytes());
    }
    let out = child.wait_with_output().with_context(|| format!("running {make}"))?;
    // -q exits 1 when the goal is out of date; 2 is make's own trouble (no Makefile, bad syntax).
    if out.status.code() != Some(0) && out.status.code() != Some(1) {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(Error::new(format!(
            "{make} could not read {makefile}: {first} (is --makefile the pipeline's Makefile?)"
        )));
    }
    Ok(parse_database(&String::from_utf8_lossy(&out.stdout)))
}

/// Parse the `# Files` section of `make -p` output (GNU make 4.x): a rule line `targets:
/// prerequisites | order-only` (or `::`), followed by comment lines such as `#  Also makes: ...`.
/// Entries headed `# Not a target:` are files make only heard of as prerequisites.
pub fn parse_database(text: &str) -> Database {
    let mut db = Database::default();
    let mut in_files = false;
    let mut not_a_target = false;
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some((name, value)) = line.strip_prefix(STAMP_LINE).and_then(|l| l.split_once('=')) {
            db.stamps.insert(name.to_string(), value.to_string());
            continue;
        }
        if line == "# Files" {
            in_files = true;
            continue;
        }
        if !in_files {
            continue;
        }
        if line.starts_with("# files hash-table stats") {
            break;
        }
        if line.is_empty() {
            current = None;
            continue;
        }
        if line == "# Not a target:" {
            not_a_target = true;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let (Some(t), Some(also)) = (&current, comment.trim_start().strip_prefix("Also makes:"))
                && let Some(rule) = db.rules.get_mut(t)
            {
                rule.also_makes = also.split_whitespace().filter(|a| a != t).map(String::from).collect();
            }
            continue;
        }
        if line.starts_with('\t') {
            continue; // a recipe line
        }
        let Some((target, rest)) = split_rule_line(line) else {
            continue;
        };
        if std::mem::take(&mut not_a_target) {
            continue;
        }
        let (normal, order_only) = match rest.split_once('|') {
            Some((n, o)) => (n, o),
            None => (rest, ""),
        };
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        if target == ".PHONY" {
            db.phony.extend(words(normal));
            continue;
        }
        db.rules.insert(
            target.to_string(),
            Rule {
                prerequisites: words(normal),
                order_only: words(order_only),
                also_makes: Vec::new(),
            },
        );
        current = Some(target.to_string());
    }
    db
}

/// `target: prereqs` or `target:: prereqs`; not a variable assignment (`x := y`).
fn split_rule_line(line: &str) -> Option<(&str, &str)> {
    let at = line.find(':')?;
    let (target, rest) = (line[..at].trim(), &line[at + 1..]);
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if target.is_empty() || target.contains(char::is_whitespace) || rest.starts_with('=') {
        return None;
    }
    Some((target, rest))
}

/// Whether make would rebuild an asset, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum Freshness {
    Fresh,
    /// Out of date: the reason names the input.
    Stale(String),
    Missing,
}

/// One asset: a file under DATA that a rule makes, or that a rule reads (raw inputs).
#[derive(Debug, Clone)]
pub struct Asset {
    /// The path as make names it (`data/train.parquet`).
    pub path: String,
    /// The path inside DATA (`train.parquet`).
    pub name: String,
    pub freshness: Freshness,
    pub built: Option<i64>,
    pub size: Option<u64>,
    pub rows: Option<String>,
    /// sha256, the first 12 hex digits.
    pub fingerprint: Option<String>,
    /// Programs outside DATA the rule runs (prerequisites that are executable files).
    pub made_by: Vec<String>,
    /// Hidden inputs under DATA (parameter stamps such as `.args/split`).
    pub settings: Vec<String>,
    pub also_makes: Vec<String>,
    /// True for a file no rule makes (an input the graph starts from).
    pub is_source: bool,
}

/// The asset graph: assets in a stable order (by path) and edges (input, output) between them.
#[derive(Debug, Clone)]
pub struct AssetGraph {
    pub assets: Vec<Asset>,
    pub edges: Vec<(usize, usize)>,
}

/// A path inside DATA with a hidden component (`.args/split`, `.stories.parquet.journal`):
/// bookkeeping, not an asset a user looks for.
fn is_hidden(name: &str) -> bool {
    name.split('/').any(|c| c.starts_with('.'))
}

/// Build the asset graph of `db` for the assets under `data`, looking at each on disk.
pub fn asset_graph(db: &Database, data: &str) -> AssetGraph {
    let prefix = format!("{}/", data.trim_end_matches('/'));
    let under = |p: &str| p.strip_prefix(&prefix).map(|n| n.trim_start_matches('/').to_string());
    let is_asset = |p: &str| !db.phony.contains(p) && under(p).is_some_and(|n| !n.is_empty() && !is_hidden(&n));

    let mut paths: BTreeSet<String> = BTreeSet::new();
    for (t, rule) in &db.rules {
        if is_asset(t) {
            paths.insert(t.clone());
        }
        for p in rule.prerequisites.iter().chain(&rule.order_only) {
            if is_asset(p) {
                paths.insert(p.clone());
            }
        }
    }
    let paths: Vec<String> = paths.into_iter().collect();
    let index: BTreeMap<&str, usize> = paths.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();

    let mut memo = BTreeMap::new();
    let mut edges = BTreeSet::new();
    let mut assets = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let rule = db.rules.get(path);
        let mut made_by = Vec::new();
        let mut settings = Vec::new();
        for input in visible_inputs(db, path, &is_asset, &under, &mut made_by, &mut settings) {
            if let Some(&j) = index.get(input.as_str()) {
                edges.insert((j, i));
            }
        }
        let name = under(path).unwrap_or_default();
        assets.push(Asset {
            freshness: freshness(db, path, &under, &mut memo, &mut BTreeSet::new()),
            built: mtime(path),
            size: std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.len()),
            rows: rows(path),
            fingerprint: short_fingerprint(path),
            made_by,
            settings,
            also_makes: rule
                .map(|r| r.also_makes.iter().filter_map(|a| under(a)).collect())
                .unwrap_or_default(),
            is_source: rule.is_none(),
            path: path.clone(),
            name,
        });
    }
    AssetGraph {
        assets,
        edges: edges.into_iter().collect(),
    }
}

/// The assets a target is made from, looking through hidden targets under DATA (a stamp made
/// from an asset links the asset to whatever reads the stamp). Tools and stamps on the way are
/// collected into `made_by` and `settings`.
fn visible_inputs(
    db: &Database,
    target: &str,
    is_asset: &dyn Fn(&str) -> bool,
    under: &dyn Fn(&str) -> Option<String>,
    made_by: &mut Vec<String>,
    settings: &mut Vec<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo: Vec<String> = db
        .rules
        .get(target)
        .map(|r| r.prerequisites.iter().chain(&r.order_only).cloned().collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) || db.phony.contains(&p) {
            continue;
        }
        if is_asset(&p) {
            out.push(p);
        } else if let Some(name) = under(&p) {
            settings.push(name);
            if let Some(r) = db.rules.get(&p) {
                todo.extend(r.prerequisites.iter().chain(&r.order_only).cloned());
            }
        } else if is_program(&p) {
            let tool = Path::new(&p).file_name().map(|f| f.to_string_lossy().into_owned());
            made_by.extend(tool);
        }
    }
    made_by.sort();
    made_by.dedup();
    settings.sort();
    out
}

fn is_program(p: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// make's rule, on the files as they are now: missing; stale when a prerequisite is newer, or a
/// prerequisite under DATA is itself missing or stale; otherwise fresh. Prerequisites outside
/// DATA (tools) are compared by time but not followed (whether a tool needs rebuilding from its
/// sources is a build question, not the asset's); phony ones (FORCE) and order-only ones do not
/// make a target stale here.
fn freshness(
    db: &Database,
    target: &str,
    under: &dyn Fn(&str) -> Option<String>,
    memo: &mut BTreeMap<String, Freshness>,
    visiting: &mut BTreeSet<String>,
) -> Freshness {
    if let Some(f) = memo.get(target) {
        return f.clone();
    }
    let Some(built) = mtime_ns(target) else {
        return Freshness::Missing;
    };
    if !visiting.insert(target.to_string()) {
        return Freshness::Fresh; // a cycle: make refuses it; say nothing more here
    }
    let mut verdict = Freshness::Fresh;
    let prerequisites = db
        .rules
        .get(target)
        .map(|r| r.prerequisites.clone())
        .unwrap_or_default();
    for p in prerequisites.iter().filter(|p| !db.phony.contains(*p)) {
        let (name, inner) = match under(p) {
            Some(name) if db.rules.contains_key(p) => (name, freshness(db, p, under, memo, visiting)),
            Some(name) => (name, Freshness::Fresh),
            None => (p.clone(), Freshness::Fresh),
        };
        if stamp_changed(db, p) {
            verdict = Freshness::Stale(format!("its settings changed ({name})"));
            break;
        }
        verdict = match (mtime_ns(p), inner) {
            (None, _) => Freshness::Stale(format!("{name} is missing")),
            (_, Freshness::Stale(_) | Freshness::Missing) => Freshness::Stale(format!("{name} is out of date")),
            (Some(t), _) if t > built => Freshness::Stale(format!("{name} is newer")),
            _ => continue,
        };
        break;
    }
    visiting.remove(target);
    memo.insert(target.to_string(), verdict.clone());
    verdict
}

/// A parameter stamp (`.../.args/<name>.args`) whose file no longer holds what the Makefile's
/// `STAMP_<name>` says now (a variable changed since make last ran): make will rewrite it, and
/// rebuild what depends on it. The stamp rule writes the value with `printf '%s\n'`.
fn stamp_changed(db: &Database, p: &str) -> bool {
    let Some(name) = Path::new(p)
        .file_name()
        .and_then(|f| f.to_str())
        .and_then(|f| f.strip_suffix(".args"))
    else {
        return false;
    };
    match (db.stamps.get(name), std::fs::read_to_string(p)) {
        (Some(want), Ok(have)) => have != format!("{want}\n"),
        _ => false,
    }
}

fn mtime_ns(path: &str) -> Option<u128> {
    let m = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(m.duration_since(UNIX_EPOCH).ok()?.as_nanos())
}

fn mtime(path: &str) -> Option<i64> {
    mtime_ns(path).map(|ns| (ns / 1_000_000_000) as i64)
}

/// Rows from a Parquet footer or the lines of a JSON Lines file; nothing for other files.
fn rows(path: &str) -> Option<String> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    if path.ends_with(".parquet") {
        return Some(match parquet_num_rows(path) {
            Ok(n) => n.to_string(),
            Err(_) => "unreadable".into(),
        });
    }
    if path.ends_with(".jsonl") && meta.len() < 1 << 30 {
        let text = std::fs::read(path).ok()?;
        return Some(
            text.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
                .to_string(),
        );
    }
    None
}

fn short_fingerprint(path: &str) -> Option<String> {
    std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    let mut r = FingerprintReader::new(std::fs::File::open(path).ok()?);
    std::io::copy(&mut r, &mut std::io::sink()).ok()?;
    let fp = r.fingerprint();
    Some(fp.trim_start_matches("sha256:").chars().take(12).collect())
}

/// `2026-12-01 16:05Z` for a time in the asset table (the full time is in the tooltip).
pub fn when(secs: i64) -> String {
    let t = clock::rfc3339(secs);
    format!("{} {}Z", &t[..10], &t[11..16])
}

#[cfg(test)]
#[path = "../tests/report_assets.rs"]
mod tests;
