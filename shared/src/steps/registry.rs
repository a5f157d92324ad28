//! `registry`: every trained model kept in `DATA/models/<id>/`, one of them the champion that
//! serves predictions (`DATA/champion`, a relative symlink `models/<id>`), and the decisions that
//! switched it (`DATA/champion.history.jsonl`).
//!
//! The layout (the report reads it through the reading functions here: [`list`], [`champion`],
//! [`history`]):
//! - `models/<id>/`: `model.bin`, `model.bin.json` (the card), `vectorizer.bin`, `metrics.json`,
//!   `settings.json` (what made it), and when given `drift.json` (drift at training time) and
//!   `train.parquet` (its training stories: the reference `make monitor` compares new stories
//!   with). `<id>` is `YYYYMMDDTHHMMSSZ-<first 8 hex of the model's sha256>`: sortable by time,
//!   and the same model is never registered twice. A folder appears whole (built under a hidden
//!   name and renamed), so a killed `add` leaves no half entry.
//! - `champion`: switched atomically (a new symlink renamed over the old one).
//! - `champion.history.jsonl`: one line per decision: `promote` (promoted or not, with both
//!   values on the same test stories) and `rollback`.
//!
//! Promotion compares candidate and champion on the same current test stories, each through its
//! own vectorizer (a champion trained on older stories has another vocabulary), on R² (the guide's
//! metric) or Spearman (for ranking).

use crate::error::{Context, Error, Result};
use crate::io::{Input, write_atomically, write_json};
use crate::vectorize::{Columns, Docs};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The registry's folder under DATA.
pub const MODELS: &str = "models";
/// The champion symlink under DATA.
pub const CHAMPION: &str = "champion";
/// The decisions' history under DATA.
pub const CHAMPION_HISTORY: &str = "champion.history.jsonl";
/// The files an entry always has.
pub const ENTRY_FILES: [&str; 5] = [
    "model.bin",
    "model.bin.json",
    "vectorizer.bin",
    "metrics.json",
    "settings.json",
];

/// One registered model, as read back. JSON files that are absent or unreadable are `None`
/// (the report shows what there is rather than failing on one damaged entry).
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    /// Unix seconds, from the id.
    pub time: i64,
    pub dir: PathBuf,
    pub card: Option<Value>,
    pub metrics: Option<Value>,
    pub settings: Option<Value>,
    pub drift: Option<Value>,
}

impl Entry {
    /// `sha256:<hex>` of model.bin, from the card (the card records it).
    pub fn fingerprint(&self) -> Option<&str> {
        self.card.as_ref()?.get("model_fingerprint")?.as_str()
    }

    /// A metric from metrics.json (`r2`, `spearman`, `mae`, ...).
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.as_ref()?.get(name)?.as_f64()
    }

    /// A file of the entry.
    pub fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }

    /// The entry as JSON (what `registry list --json` prints).
    pub fn to_json(&self, champion: Option<&str>) -> Value {
        json!({
            "id": self.id,
            "time": crate::clock::rfc3339(self.time),
            "champion": champion == Some(self.id.as_str()),
            "fingerprint": self.fingerprint(),
            "path": self.dir.to_string_lossy(),
            "metrics": self.metrics,
            "settings": self.settings,
            "card": self.card,
            "drift": self.drift,
        })
    }
}

/// `YYYYMMDDTHHMMSSZ-<8 hex>` for a time and a `sha256:<hex>` fingerprint.
pub fn make_id(time: i64, fingerprint: &str) -> String {
    let stamp: String = crate::clock::rfc3339(time)
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    let hex = fingerprint.strip_prefix("sha256:").unwrap_or(fingerprint);
    format!("{stamp}-{}", hex.get(..8).unwrap_or(hex))
}

/// The time an id names, or `None` when it is not an id.
pub fn id_time(id: &str) -> Option<i64> {
    let (stamp, hex) = id.split_once('-')?;
    let b = stamp.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || hex.len() != 8 {
        return None;
    }
    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| stamp.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(crate::clock::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s)
}

fn read_json_opt(path: &Path) -> Option<Value> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Every registered model, oldest first (ids sort by time). A missing registry is empty.
pub fn list(data: &Path) -> Result<Vec<Entry>> {
    let dir = data.join(MODELS);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::new(format!("cannot read {}: {e}", dir.display()))),
    };
    let mut out = Vec::new();
    for de in rd {
        let de = de.with_context(|| format!("reading {}", dir.display()))?;
        let name = de.file_name().to_string_lossy().into_owned();
        // Hidden names are entries being built or removed; anything else is not ours.
        let Some(time) = id_time(&name) else { continue };
        let path = de.path();
        if !path.is_dir() {
            continue;
        }
        out.push(Entry {
            id: name,
            time,
            card: read_json_opt(&path.join("model.bin.json")),
            metrics: read_json_opt(&path.join("metrics.json")),
            settings: read_json_opt(&path.join("settings.json")),
            drift: read_json_opt(&path.join("drift.json")),
            dir: path,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The champion's id, `None` when there is none yet. A champion link that points outside the
/// registry or at a missing folder is an error (it would serve nothing).
pub fn champion(data: &Path) -> Result<Option<String>> {
    let link = data.join(CHAMPION);
    let target = match std::fs::read_link(&link) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::new(format!(
                "{} is not a symlink to a model folder ({e}): remove it and run `make promote`",
                link.display()
            )));
        }
    };
    let id = target
        .strip_prefix(MODELS)
        .ok()
        .and_then(|p| p.to_str())
        .filter(|s| id_time(s).is_some())
        .ok_or_else(|| {
            Error::new(format!(
                "{} points to {}, not to {MODELS}/<id>: remove it and run `make promote`",
                link.display(),
                target.display()
            ))
        })?;
    if !data.join(MODELS).join(id).is_dir() {
        return Err(Error::new(format!(
            "{} points to {MODELS}/{id}, which does not exist: `make rollback` or `make promote`",
            link.display()
        )));
    }
    Ok(Some(id.to_string()))
}

/// The decisions, oldest first (with a `timestamp` beside their `time`). Lines that are not JSON
/// objects (a torn last line) are skipped.
pub fn history(data: &Path) -> Result<Vec<Value>> {
    Ok(crate::history::read(&data.join(CHAMPION_HISTORY).to_string_lossy())?.0)
}

/// The entry with this id, or the registered model whose model.bin has the same bytes as the
/// file at `id_or_model` (so `make` can name the candidate by `DATA/model.bin`).
pub fn find(data: &Path, id_or_model: &str) -> Result<Entry> {
    let entries = list(data)?;
    if let Some(e) = entries.iter().find(|e| e.id == id_or_model) {
        return Ok(e.clone());
    }
    if id_time(id_or_model).is_some() {
        return Err(Error::new(format!(
            "no model {id_or_model} in {}: `registry list` shows what there is",
            data.join(MODELS).display()
        )));
    }
    let fp = Input::read(id_or_model)?.fingerprint();
    find_by_fingerprint(&entries, &fp).cloned().ok_or_else(|| {
        Error::new(format!(
            "{id_or_model} is not registered in {}: `registry add` it first (make does)",
            data.join(MODELS).display()
        ))
    })
}

fn find_by_fingerprint<'a>(entries: &'a [Entry], fp: &str) -> Option<&'a Entry> {
    entries.iter().find(|e| {
        e.fingerprint() == Some(fp)
            || Input::read(&e.path("model.bin"))
                .map(|i| i.fingerprint() == fp)
                .unwrap_or(false)
    })
}

// ---- Writing ----

/// What `registry add` registers (also `registry add`'s flags).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AddJob {
    /// The DATA folder (the Makefile's DATA).
    #[arg(long, default_value = "data", value_name = "DATA")]
    pub data: PathBuf,
    /// The model artifact; its card MODEL.json is kept too.
    #[arg(long, value_name = "MODEL")]
    pub model: String,
    /// The vectorizer the model was trained with.
    #[arg(long, value_name = "VEC")]
    pub vectorizer: String,
    /// The model's metrics report (from score).
    #[arg(long, value_name = "METRICS.json")]
    pub metrics: String,
    /// The drift report at training time (from drift).
    #[arg(long, value_name = "DRIFT.json")]
    pub drift: Option<String>,
    /// The training stories: the reference `make monitor` checks new stories against.
    #[arg(long, value_name = "TRAIN.parquet")]
    pub reference: Option<String>,
    /// A setting that made the model (a make variable), kept in settings.json; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_setting)]
    pub settings: Vec<(String, String)>,
}

fn parse_setting(s: &str) -> std::result::Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("{s:?} is not KEY=VALUE"))?;
    Ok((k.to_string(), v.to_string()))
}

/// Register a model (its card is `MODEL.json`). Returns the id and whether it is new: a model
/// already registered (same bytes) keeps its entry.
pub fn add(job: &AddJob) -> Result<(String, bool)> {
    let (model, vec) = crate::model::read_with_vectorizer(&job.model, &job.vectorizer)?;
    let card_path = crate::model::card_path(&job.model);
    let card = Input::read(&card_path).context("the model card")?;
    let metrics = Input::read(&job.metrics)?;
    let m: Value = serde_json::from_slice(&metrics.bytes)
        .with_context(|| format!("{}: not a metrics JSON report", metrics.name))?;
    if m["model"]["fingerprint"]
        .as_str()
        .is_some_and(|f| f != model.fingerprint)
    {
        return Err(Error::new(format!(
            "{} scores another model than {}: run `make` to score it again",
            metrics.name, model.name
        )));
    }
    let entries = list(&job.data)?;
    if let Some(e) = find_by_fingerprint(&entries, &model.fingerprint) {
        return Ok((e.id.clone(), false));
    }
    let now = crate::clock::now_unix();
    let id = make_id(now, &model.fingerprint);
    let models = job.data.join(MODELS);
    std::fs::create_dir_all(&models).with_context(|| format!("cannot create {}", models.display()))?;
    let dest = models.join(&id);
    if dest.exists() {
        return Err(Error::new(format!(
            "{} exists but holds another model: remove it",
            dest.display()
        )));
    }
    // Built under a hidden name, then renamed: the entry appears whole or not at all.
    let tmp = models.join(format!(".{id}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let built = (|| -> Result<()> {
        let copy = |from: &str, name: &str| -> Result<()> {
            std::fs::copy(from, tmp.join(name)).with_context(|| format!("cannot copy {from} into the registry"))?;
            Ok(())
        };
        copy(&job.model, "model.bin")?;
        copy(&card_path, "model.bin.json")?;
        copy(&job.vectorizer, "vectorizer.bin")?;
        copy(&job.metrics, "metrics.json")?;
        if let Some(d) = &job.drift {
            copy(d, "drift.json")?;
        }
        if let Some(r) = &job.reference {
            copy(r, "train.parquet")?;
        }
        let mut s = Map::new();
        for (k, v) in &job.settings {
            s.insert(k.clone(), Value::String(v.clone()));
        }
        let settings = json!({
            "registered": crate::clock::rfc3339(now),
            "model_fingerprint": model.fingerprint,
            "vectorizer_fingerprint": vec.fingerprint,
            "card_fingerprint": card.fingerprint(),
            "variables": s,
        });
        write_json(&tmp.join("settings.json").to_string_lossy(), &settings)
    })();
    if let Err(e) = built.and_then(|_| {
        std::fs::rename(&tmp, &dest).with_context(|| format!("cannot move the entry to {}", dest.display()))
    }) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok((id, true))
}

/// Point the champion at `id`: a new symlink renamed over the old one, so a reader sees the old
/// champion or the new one, never none.
pub fn set_champion(data: &Path, id: &str) -> Result<()> {
    let link = data.join(CHAMPION);
    let tmp = data.join(format!(".{CHAMPION}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(Path::new(MODELS).join(id), &tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    std::fs::rename(&tmp, &link).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::new(format!("cannot switch {}: {e}", link.display()))
    })
}

/// Append one decision to the champion history ([`crate::history::append`]).
fn append_decision(data: &Path, line: &Value) -> Result<()> {
    crate::history::append(&data.join(CHAMPION_HISTORY).to_string_lossy(), line)
}

/// The metric promotion compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    R2,
    Spearman,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::R2 => "r2",
            Metric::Spearman => "spearman",
        }
    }

    fn of(self, y: &[f64], pred: &[f64]) -> Option<f64> {
        match self {
            Metric::R2 => crate::metrics::r2(y, pred).filter(|v| v.is_finite()),
            Metric::Spearman => crate::metrics::spearman(y, pred),
        }
    }
}

impl std::str::FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "r2" => Ok(Metric::R2),
            "spearman" => Ok(Metric::Spearman),
            _ => Err(format!("unknown metric {s:?}: r2 or spearman")),
        }
    }
}

/// The metric of a registered model on stories, through its own vectorizer. `None` when the
/// metric is undefined there (Spearman of constant predictions).
pub fn evaluate(entry: &Entry, stories: &Docs, metric: Metric) -> Result<Option<f64>> {
    let (model, vec) = crate::model::read_with_vectorizer(&entry.path("model.bin"), &entry.path("vectorizer.bin"))?;
    let pred = model.body.predict_texts(&vec.body, stories.texts());
    Ok(metric.of(&stories.target, &pred))
}

/// What `registry promote` was asked (also its flags).
#[derive(Debug, Clone, clap::Args)]
pub struct PromoteJob {
    /// The DATA folder (the Makefile's DATA).
    #[arg(long, default_value = "data", value_name = "DATA")]
    pub data: PathBuf,
    /// A model id, or a model file whose bytes are registered (data/model.bin).
    #[arg(long, value_name = "ID|MODEL")]
    pub candidate: String,
    /// The current test stories (id, title, descendants), the same for both models.
    #[arg(long, value_name = "TEST.parquet")]
    pub test: String,
    /// What to compare: r2 (the guide's) or spearman (ranking).
    #[arg(long, default_value = "r2", value_name = "r2|spearman")]
    pub metric: Metric,
    /// The candidate must beat the champion by more than this.
    #[arg(
        long = "min-improvement",
        default_value_t = 0.0,
        value_name = "D",
        allow_negative_numbers = true
    )]
    pub min_improvement: f64,
    /// Why promotion was asked (e.g. "monitor: drift"), recorded in the history.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// A promotion decision, as appended to the history.
#[derive(Debug, Clone)]
pub struct Decision {
    pub candidate: String,
    pub champion: Option<String>,
    pub candidate_value: Option<f64>,
    pub champion_value: Option<f64>,
    pub promoted: bool,
    pub reason: String,
    pub line: Value,
}

/// Score candidate and champion on the same test stories; switch when the candidate is better
/// by more than `min_improvement` (the first model becomes the champion). Appends the decision.
pub fn promote(job: &PromoteJob) -> Result<Decision> {
    let cand = find(&job.data, &job.candidate)?;
    let champ_id = champion(&job.data)?;
    let docs = Docs::read(
        &job.test,
        &Columns {
            text: "title".into(),
            target: "descendants".into(),
            id: "id".into(),
        },
    )?;
    if docs.is_empty() {
        return Err(Error::new(format!("{}: no test stories to compare on", docs.name)));
    }
    let metric = job.metric;
    let candidate_value = evaluate(&cand, &docs, metric)?;
    let (champion_value, promoted, reason) = match &champ_id {
        None => (
            None,
            true,
            "no champion yet: the first model becomes the champion".to_string(),
        ),
        Some(c) if *c == cand.id => (
            candidate_value,
            false,
            "the candidate is the champion already".to_string(),
        ),
        Some(c) => {
            let champ = find(&job.data, c)?;
            let cv = evaluate(&champ, &docs, metric)?;
            let m = metric.name();
            let fmt = |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{v:.4}"));
            let better = match (candidate_value, cv) {
                (Some(a), Some(b)) => a > b + job.min_improvement,
                (Some(_), None) => true,
                (None, _) => false,
            };
            let by = if job.min_improvement > 0.0 {
                format!(" by more than {}", job.min_improvement)
            } else {
                String::new()
            };
            let why = if better {
                format!(
                    "candidate {m} {} beats the champion's {}{by}",
                    fmt(candidate_value),
                    fmt(cv)
                )
            } else {
                format!(
                    "candidate {m} {} does not beat the champion's {}{by}",
                    fmt(candidate_value),
                    fmt(cv)
                )
            };
            (cv, better, why)
        }
    };
    let line = json!({
        "time": crate::clock::rfc3339(crate::clock::now_unix()),
        "action": "promote",
        "candidate": cand.id,
        "champion": champ_id,
        "metric": metric.name(),
        "candidate_value": candidate_value,
        "champion_value": champion_value,
        "min_improvement": job.min_improvement,
        "promoted": promoted,
        "reason": reason,
        "requested_by": job.reason,
        "test": {"path": docs.name, "fingerprint": docs.fingerprint, "rows": docs.len()},
    });
    if promoted {
        set_champion(&job.data, &cand.id)?;
    }
    append_decision(&job.data, &line)?;
    Ok(Decision {
        candidate: cand.id,
        champion: champ_id,
        candidate_value,
        champion_value,
        promoted,
        reason,
        line,
    })
}

/// The champions in the order they served, replayed from the history: a promotion pushes, a
/// rollback pops. The last is the current champion.
pub fn champion_stack(history: &[Value]) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    for h in history {
        match h["action"].as_str() {
            Some("rollback") => {
                stack.pop();
            }
            _ if h["promoted"].as_bool() == Some(true) => {
                if let Some(c) = h["candidate"].as_str() {
                    stack.push(c.to_string());
                }
            }
            _ => {}
        }
    }
    stack
}

/// Return to the previous champion. Returns (from, to).
pub fn rollback(data: &Path) -> Result<(String, String)> {
    let current = champion(data)?
        .ok_or_else(|| Error::new(format!("no champion in {}: nothing to roll back", data.display())))?;
    let stack = champion_stack(&history(data)?);
    if stack.last() != Some(&current) {
        return Err(Error::new(format!(
            "{} is {current}, but {} does not end with it (switched by hand?): cannot tell the previous champion; point it with `registry promote`",
            data.join(CHAMPION).display(),
            data.join(CHAMPION_HISTORY).display()
        )));
    }
    let previous = stack
        .len()
        .checked_sub(2)
        .and_then(|i| stack.get(i))
        .ok_or_else(|| Error::new(format!("{current} is the first champion: there is no previous one")))?
        .clone();
    if !data.join(MODELS).join(&previous).is_dir() {
        return Err(Error::new(format!(
            "the previous champion {previous} was pruned from {}: cannot roll back to it",
            data.join(MODELS).display()
        )));
    }
    set_champion(data, &previous)?;
    append_decision(
        data,
        &json!({
            "time": crate::clock::rfc3339(crate::clock::now_unix()),
            "action": "rollback",
            "candidate": null,
            "champion": current,
            "from": current,
            "to": previous,
            "promoted": false,
            "reason": format!("rollback from {current} to {previous}"),
        }),
    )?;
    Ok((current, previous))
}

/// Remove the oldest models beyond the newest `keep`; never the champion, nor the model the
/// champion would roll back to. Returns the ids removed.
pub fn prune(data: &Path, keep: usize) -> Result<Vec<String>> {
    let entries = list(data)?;
    let champ = champion(data)?;
    let stack = champion_stack(&history(data)?);
    let previous = stack.len().checked_sub(2).and_then(|i| stack.get(i)).cloned();
    let mut removed = Vec::new();
    let n = entries.len();
    for (i, e) in entries.iter().enumerate() {
        let newest = i + keep >= n;
        if newest || Some(&e.id) == champ.as_ref() || Some(&e.id) == previous.as_ref() {
            continue;
        }
        // Renamed away first: a reader never sees a half-removed entry.
        let trash = data
            .join(MODELS)
            .join(format!(".{}.trash-{}", e.id, std::process::id()));
        std::fs::rename(&e.dir, &trash).with_context(|| format!("cannot remove {}", e.dir.display()))?;
        std::fs::remove_dir_all(&trash).with_context(|| format!("cannot remove {}", trash.display()))?;
        removed.push(e.id.clone());
    }
    Ok(removed)
}

/// `registry list` as a table for people: one row per model, the champion marked.
pub fn write_table(o: &mut impl std::io::Write, entries: &[Entry], champion: Option<&str>) -> Result<()> {
    let num = |v: Option<f64>, p: usize| v.map_or("-".to_string(), |v| format!("{v:.p$}"));
    writeln!(
        o,
        "  {:<25} {:<20} {:>8} {:>8} {:>8} {:>6}  settings",
        "id", "time (UTC)", "r2", "spearman", "mae", "n"
    )?;
    for e in entries.iter().rev() {
        let mark = if champion == Some(e.id.as_str()) { "*" } else { " " };
        let settings = e
            .settings
            .as_ref()
            .and_then(|s| s["variables"].as_object())
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| v.as_str().is_some_and(|s| !s.is_empty()))
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        writeln!(
            o,
            "{mark} {:<25} {:<20} {:>8} {:>8} {:>8} {:>6}  {settings}",
            e.id,
            crate::clock::rfc3339(e.time),
            num(e.metric("r2"), 4),
            num(e.metric("spearman"), 4),
            num(e.metric("mae"), 2),
            e.metrics
                .as_ref()
                .and_then(|m| m["n"].as_u64())
                .map_or("-".into(), |n| n.to_string()),
        )?;
    }
    Ok(())
}

/// Write `registry list --json`: an array, oldest first.
pub fn write_json_list(out: &str, entries: &[Entry], champion: Option<&str>) -> Result<()> {
    let v = Value::Array(entries.iter().map(|e| e.to_json(champion)).collect());
    write_atomically(out, |o| {
        serde_json::to_writer_pretty(&mut *o, &v).map_err(|e| Error::new(e.to_string()))?;
        writeln!(o)?;
        Ok(())
    })
}

#[cfg(test)]
#[path = "tests/registry.rs"]
mod tests;
