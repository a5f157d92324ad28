//! Paths as users give them: `-` for stdin/stdout, whole-file reads with a fingerprint, and
//! atomic writes (temp file beside the target, renamed into place) so that a failed or killed run
//! never leaves a half-written file that make would take as fresh.

use crate::error::{Context, Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// True when the user means stdin/stdout.
pub fn is_stdio(path: &str) -> bool {
    path == "-"
}

/// How a path is named in messages.
pub fn display_name(path: &str) -> &str {
    if is_stdio(path) { "<stdin>" } else { path }
}

/// A whole input file in memory, with its name for messages and its fingerprint for lineage.
/// Parquet needs random access, so stdin is buffered whole.
pub struct Input {
    pub name: String,
    pub bytes: bytes::Bytes,
}

/// Open a path for streaming reads: the file, or stdin for `-`. A directory is refused here
/// rather than failing later with a less clear "Is a directory".
pub fn open_read(path: &str) -> Result<Box<dyn Read>> {
    if is_stdio(path) {
        return Ok(Box::new(std::io::stdin()));
    }
    let f = File::open(path).with_context(|| format!("cannot open {path}"))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::new(format!("{path} is a directory, not a file")));
    }
    Ok(Box::new(f))
}

impl Input {
    pub fn read(path: &str) -> Result<Input> {
        let mut buf = Vec::new();
        open_read(path)?
            .read_to_end(&mut buf)
            .with_context(|| format!("reading {}", display_name(path)))?;
        Ok(Input {
            name: display_name(path).to_string(),
            bytes: buf.into(),
        })
    }

    /// `sha256:<hex>` of the bytes: the same value `sha256sum FILE` prints.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.bytes)
    }
}

/// `sha256:<hex>` of some bytes.
pub fn fingerprint(bytes: &[u8]) -> String {
    format_digest(&Sha256::digest(bytes))
}

fn format_digest(digest: &[u8]) -> String {
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A reader that fingerprints what passes through it, for inputs streamed rather than read
/// whole (a multi-gigabyte dump). [`FingerprintReader::fingerprint`] equals [`fingerprint`] of
/// every byte read.
pub struct FingerprintReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> FingerprintReader<R> {
    pub fn new(inner: R) -> Self {
        FingerprintReader {
            inner,
            hasher: Sha256::new(),
        }
    }

    pub fn fingerprint(&self) -> String {
        format_digest(&self.hasher.clone().finalize())
    }
}

impl<R: Read> Read for FingerprintReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// An output being written. For a path, bytes go to a temp file in the same directory that is
/// renamed over the target by [`Output::commit`]; dropped without commit, the temp file is
/// removed. For `-`, bytes are buffered and only reach stdout on commit, so a failure half-way
/// sends nothing down the pipe.
pub struct Output {
    target: Option<PathBuf>,
    tmp: Option<PathBuf>,
    file: Option<std::io::BufWriter<File>>,
    buf: Vec<u8>,
    name: String,
}

impl Output {
    pub fn create(path: &str) -> Result<Output> {
        if is_stdio(path) {
            return Ok(Output {
                target: None,
                tmp: None,
                file: None,
                buf: Vec::new(),
                name: "<stdout>".into(),
            });
        }
        let target = PathBuf::from(path);
        remove_stale_temps(&target);
        let tmp = temp_path_for(&target);
        let file = File::create(&tmp).with_context(|| format!("cannot create {path}"))?;
        Ok(Output {
            target: Some(target),
            tmp: Some(tmp),
            file: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
            buf: Vec::new(),
            name: path.to_string(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Flush, sync and rename into place (or write the buffer to stdout).
    pub fn commit(mut self) -> Result<()> {
        match self.file.take() {
            Some(w) => {
                let name = self.name.clone();
                let f = w
                    .into_inner()
                    .map_err(|e| Error::new(format!("writing {name}: {}", e.error())))?;
                f.sync_all().with_context(|| format!("writing {name}"))?;
                drop(f);
                let (tmp, target) = (self.tmp.take(), self.target.take());
                if let (Some(tmp), Some(target)) = (tmp, target) {
                    if let Err(e) = std::fs::rename(&tmp, &target) {
                        let _ = std::fs::remove_file(&tmp);
                        return Err(Error::new(format!("cannot move output into place at {name}: {e}")));
                    }
                }
                Ok(())
            }
            None => {
                let mut out = std::io::stdout().lock();
                match out.write_all(&self.buf).and_then(|_| out.flush()) {
                    // The reader stopped early (`| head`): what it wanted, it got.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    r => r.context("writing <stdout>"),
                }
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(data),
            None => {
                self.buf.extend_from_slice(data);
                Ok(data.len())
            }
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            self.file.take();
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// `dir/.name.tmp-<pid>`: hidden, beside the target (same filesystem, so rename is atomic), and
/// unique per process so that two runs never write into each other's file.
pub fn temp_path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    target.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Remove temp files of earlier runs for this target whose process is gone (a run killed with
/// kill -9 cannot clean up after itself). A temp file of a live process is left alone: that run
/// may still be writing. Where /proc is missing, liveness is unknown and nothing is removed.
fn remove_stale_temps(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        if pid
            .parse::<u32>()
            .is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Refuse output paths that name the same file twice (their temp files would collide, and one
/// would overwrite the other).
pub fn distinct_outputs(paths: &[&str]) -> Result<()> {
    for (i, a) in paths.iter().enumerate() {
        if paths[..i].contains(a) {
            return Err(Error::new(format!("{a:?} is given as two different outputs")));
        }
    }
    Ok(())
}

/// Commit outputs that belong together (train and test, a vectorizer and its features) in order.
/// If one fails, those already moved into place are removed again: a half-done run must not
/// leave a fresh-looking file beside a stale sibling.
pub fn commit_all(outs: Vec<Output>) -> Result<()> {
    let mut done: Vec<PathBuf> = Vec::new();
    for out in outs {
        let target = out.target.clone();
        if let Err(e) = out.commit() {
            for p in &done {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        done.extend(target);
    }
    Ok(())
}

/// Write a whole output atomically through a closure.
pub fn write_atomically(path: &str, f: impl FnOnce(&mut Output) -> Result<()>) -> Result<()> {
    let mut out = Output::create(path)?;
    f(&mut out).map_err(|e| e.context(format!("writing {}", out.name())))?;
    out.commit()
}

/// Write a JSON document (pretty, with a final newline) atomically: reports and model cards.
pub fn write_json(path: &str, value: &serde_json::Value) -> Result<()> {
    write_atomically(path, |o| {
        serde_json::to_writer_pretty(&mut *o, value).map_err(|e| Error::new(e.to_string()))?;
        Ok(o.write_all(b"\n")?)
    })
}

#[cfg(test)]
#[path = "tests/io.rs"]
mod tests;
