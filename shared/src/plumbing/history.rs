//! History files: one compact JSON line per run (a report with a timestamp), appended, so a
//! cron job's reports add up to a time series that `jq`, pandas or a page can read back.

use crate::error::{Context, Error, Result};
use serde_json::{Value, json};
use std::io::Write;

/// Append one JSON line (the report without its provenance, with a `timestamp` first) in one
/// `write` call, so that concurrent runs appending to the same history never interleave within
/// a line.
pub fn append(path: &str, report: &Value) -> Result<()> {
    let mut line = json!({"timestamp": crate::clock::rfc3339(crate::clock::now_unix())});
    if let (Value::Object(l), Value::Object(r)) = (&mut line, report) {
        for (k, v) in r {
            if k != "provenance" {
                l.insert(k.clone(), v.clone());
            }
        }
    }
    let mut bytes = serde_json::to_vec(&line).map_err(|e| Error::new(e.to_string()))?;
    bytes.push(b'\n');
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot open history {path}"))?;
    let n = f.write(&bytes).with_context(|| format!("appending to {path}"))?;
    if n != bytes.len() {
        return Err(Error::new(format!(
            "appending to {path}: short write ({n} of {} bytes)",
            bytes.len()
        )));
    }
    Ok(())
}

/// Every line of a history file that parses as a JSON object, oldest first, and how many lines
/// did not (a line cut short by a full disk must not hide the rest). A missing file is empty.
pub fn read(path: &str) -> Result<(Vec<Value>, usize)> {
    let text = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(Error::new(format!("cannot read history {path}: {e}"))),
    };
    let mut good = Vec::new();
    let mut bad = 0;
    for line in text
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
    {
        match serde_json::from_slice::<Value>(line) {
            Ok(v @ Value::Object(_)) => good.push(v),
            _ => bad += 1,
        }
    }
    Ok((good, bad))
}

#[cfg(test)]
#[path = "tests/history.rs"]
mod tests;
