//! The resume journal: while a run fetches from the API, every item it gets is appended to
//! `.<output>.journal` beside the output and flushed regularly. A run killed half-way (even with
//! kill -9) leaves the journal; the same command started again loads it and skips the ids it
//! already holds. The first line records the request, so a different command never reuses
//! another's journal. A torn last line (the kill came mid-write) is dropped on load.
//!
//! Format: JSON Lines. Line 1 `{"hn_fetch_journal":1,"request":{…}}`; then one line per id,
//! `{"id":N,"at":FETCHED_AT,"item":{…}|null}`.

use crate::error::{Context, Error, Result};
use serde_json::{Value, json};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const FORMAT: u64 = 1;
const FLUSH_EVERY: usize = 64;
const FLUSH_AFTER: Duration = Duration::from_millis(200);

/// One journaled fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub fetched_at: i64,
    /// The item's JSON; `None` when the API had no item for the id.
    pub item: Option<Value>,
}

/// `dir/.name.journal` for output `dir/name`; none for stdout.
pub fn path_for(output: &str) -> Option<PathBuf> {
    if crate::io::is_stdio(output) {
        return None;
    }
    let p = Path::new(output);
    let name = p.file_name()?.to_string_lossy().into_owned();
    Some(p.with_file_name(format!(".{name}.journal")))
}

pub struct Journal {
    path: PathBuf,
    out: BufWriter<File>,
    pending: usize,
    last_flush: Instant,
}

impl Journal {
    /// Open the journal at `path` for `request`: its entries if it was written for the same
    /// request, else a fresh journal (the second value says why an existing one was set aside).
    ///
    /// The journal is locked while open: a second hn-fetch writing the same output refuses at
    /// once instead of "resuming" from a journal that is still being written.
    pub fn open(path: &Path, request: &Value) -> Result<(Journal, Vec<Entry>, Option<String>)> {
        let name = path.display().to_string();
        let mut f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("cannot open journal {name}"))?;
        if !crate::io::try_lock_exclusive(&f) {
            return Err(Error::new(format!(
                "another hn-fetch is writing this output (its journal {name} is locked): wait for it to finish, or write to another -o"
            )));
        }
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)
            .with_context(|| format!("reading journal {name}"))?;
        let (entries, keep_len, note) = if bytes.is_empty() {
            (Vec::new(), 0, None)
        } else {
            load(&bytes, request)
        };
        // Keep the valid prefix (cutting a torn last line so that appends start on a fresh
        // line), or start afresh with a header.
        f.set_len(keep_len as u64)
            .with_context(|| format!("repairing journal {name}"))?;
        f.seek(SeekFrom::Start(keep_len as u64))
            .with_context(|| format!("opening journal {name}"))?;
        if keep_len == 0 {
            let header = json!({"hn_fetch_journal": FORMAT, "request": request});
            writeln!(f, "{header}").with_context(|| format!("writing journal {name}"))?;
        }
        let file = f;
        let j = Journal {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 16, file),
            pending: 0,
            last_flush: Instant::now(),
        };
        Ok((j, entries, note))
    }

    /// Record one fetch; flushed every 64 entries or 200 ms.
    pub fn append(&mut self, id: i64, fetched_at: i64, item_json: Option<&str>) -> Result<()> {
        let item = item_json.unwrap_or("null");
        writeln!(self.out, "{{\"id\":{id},\"at\":{fetched_at},\"item\":{item}}}")
            .with_context(|| format!("writing journal {}", self.path.display()))?;
        self.pending += 1;
        if self.pending >= FLUSH_EVERY || self.last_flush.elapsed() >= FLUSH_AFTER {
            self.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.pending = 0;
        self.last_flush = Instant::now();
        self.out
            .flush()
            .with_context(|| format!("writing journal {}", self.path.display()))
    }

    /// The run finished and its output is in place: the journal has served.
    pub fn remove(self) -> Result<()> {
        let Journal { path, out, .. } = self;
        drop(out);
        std::fs::remove_file(&path).with_context(|| format!("removing journal {}", path.display()))
    }
}

/// Entries of a journal for `request`, and the length of its valid prefix (0: start afresh).
fn load(bytes: &[u8], request: &Value) -> (Vec<Entry>, usize, Option<String>) {
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let header_ok = lines
        .next()
        .filter(|l| l.ends_with(b"\n"))
        .and_then(|l| serde_json::from_slice::<Value>(l).ok())
        .is_some_and(|h| h["hn_fetch_journal"] == json!(FORMAT) && &h["request"] == request);
    if !header_ok {
        return (Vec::new(), 0, Some("it was written for a different request".into()));
    }
    let mut valid = bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
    let mut entries = Vec::new();
    for line in lines {
        if !line.ends_with(b"\n") {
            break; // torn by a kill mid-write
        }
        valid += line.len();
        let Ok(v) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        if let (Some(id), Some(at)) = (v["id"].as_i64(), v["at"].as_i64()) {
            let item = match &v["item"] {
                Value::Null => None,
                it => Some(it.clone()),
            };
            entries.push(Entry {
                id,
                fetched_at: at,
                item,
            });
        }
    }
    (entries, valid, None)
}

#[cfg(test)]
#[path = "tests/journal.rs"]
mod tests;
