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
        let mut r = open_read(path)?;
        // Sized from the file once: growing by doubling copies the bytes and faults in fresh
        // pages several times over (a tenth of a small tool's run).
        let size = if is_stdio(path) {
            0
        } else {
            std::fs::metadata(path).map(|m| m.len() as usize).unwrap_or(0)
        };
        let mut buf = Vec::with_capacity(size.saturating_add(1));
        r.read_to_end(&mut buf)
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

pub(crate) fn format_digest(digest: &[u8]) -> String {
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

/// A file an [`Output`] writes to. For a temp file to be renamed into place, it asks the kernel
/// to start writing the bytes out to disk as each megabyte arrives ([`Sink::start_writeback`]),
/// so that the fsync at commit waits for little more than the last of them and the journal:
/// written only at the end, `split`'s 6.8 MB train table took 3.2-4.2 ms to sync.
struct Sink {
    file: File,
    /// Bytes written, and how many of them the kernel was asked to start writing out.
    written: u64,
    started: u64,
    /// How many bytes had been written when the file was last synced ([`Output::sync`]).
    synced: Option<u64>,
    /// Whether to ask at all: not for devices, FIFOs and descriptors written through.
    writeback: bool,
}

/// [`Sink`] starts the writeback of this many new bytes at a time.
const WRITEBACK_BYTES: u64 = 1 << 20;

/// Bytes an [`Output`] to a file gathers before writing them.
const WRITE_BUFFER: usize = 64 << 10;

impl Sink {
    fn new(file: File, writeback: bool) -> Sink {
        Sink {
            file,
            written: 0,
            started: 0,
            synced: None,
            writeback,
        }
    }

    /// Ask the kernel to start writing what was written so far to disk, without waiting. Only
    /// a hint: where it is not supported, the fsync at commit does it all, as before.
    fn start_writeback(&mut self) {
        if !self.writeback || self.written == self.started {
            return;
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let (from, len) = (
                self.started as libc::off64_t,
                (self.written - self.started) as libc::off64_t,
            );
            // SAFETY: sync_file_range only reads the descriptor and the range; it does not
            // touch this process's memory.
            unsafe {
                libc::sync_file_range(self.file.as_raw_fd(), from, len, libc::SYNC_FILE_RANGE_WRITE);
            }
        }
        self.started = self.written;
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(data)?;
        self.written += n as u64;
        if self.writeback && self.written - self.started >= WRITEBACK_BYTES {
            self.start_writeback();
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// An output being written. For a regular file (or a path not there yet), bytes go to a temp
/// file in the same directory that is renamed over the target by [`Output::commit`]; dropped
/// without commit, or on SIGINT/SIGTERM/SIGHUP, the temp file is removed. Anything else a path
/// can name (a device such as /dev/null, a FIFO, a socket, /dev/stdout, /dev/fd/N from `>(…)`)
/// is opened and written through: replacing it would break the device or starve the reader.
/// For `-`, bytes are buffered and only reach stdout on commit, so a failure half-way sends
/// nothing down the pipe.
pub struct Output {
    target: Option<PathBuf>,
    tmp: Option<PathBuf>,
    file: Option<std::io::BufWriter<Sink>>,
    buf: Vec<u8>,
    name: String,
    /// Written through (not a regular file): nothing to rename, nothing to sync.
    through: bool,
}

/// How a path given as an output must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// `-`: stdout, buffered until commit.
    Stdout,
    /// A regular file, or nothing there yet: temp file and rename.
    Regular,
    /// A device, FIFO, socket or a descriptor path: opened and written through.
    Through,
}

/// What kind of output `path` is. Descriptor paths (/dev/stdout, /dev/fd/N, /proc/self/fd/N)
/// are written through even when they lead to a regular file: their directory is not where the
/// file lives, so a temp file beside them cannot be renamed over it.
pub fn output_kind(path: &str) -> OutputKind {
    if is_stdio(path) {
        return OutputKind::Stdout;
    }
    match std::fs::metadata(path) {
        _ if descriptor_of(path).is_some() => OutputKind::Through,
        Ok(m) if !m.is_file() && !m.is_dir() => OutputKind::Through,
        _ => OutputKind::Regular,
    }
}

/// The descriptor a path names: /dev/stdout (1), /dev/stderr (2), /dev/fd/N, /proc/self/fd/N.
fn descriptor_of(path: &str) -> Option<i32> {
    match path {
        "/dev/stdout" => Some(1),
        "/dev/stderr" => Some(2),
        _ => path
            .strip_prefix("/dev/fd/")
            .or_else(|| path.strip_prefix("/proc/self/fd/"))
            .and_then(|n| n.parse().ok()),
    }
}

/// Open an output that is written through. A descriptor path is duplicated rather than opened
/// again: opening /dev/stdout anew when it is a regular file (`tool -o /dev/stdout > log`)
/// would start writing at offset 0 over what is there and ignore `>>`; the duplicate shares the
/// shell's offset and append mode, as `> /dev/stdout` does in a shell.
fn open_through(path: &str) -> Result<File> {
    if let Some(fd) = descriptor_of(path) {
        // SAFETY: dup only reads the descriptor table; a new descriptor (or -1) comes back.
        let new = unsafe { libc::dup(fd) };
        if new >= 0 {
            use std::os::fd::FromRawFd;
            // SAFETY: `new` is a fresh descriptor this process owns and nothing else closes.
            return Ok(unsafe { File::from_raw_fd(new) });
        }
    }
    // No truncation: a FIFO or device has nothing to cut.
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {path} for writing"))
}

impl Output {
    pub fn create(path: &str) -> Result<Output> {
        let mut out = Output {
            target: None,
            tmp: None,
            file: None,
            buf: Vec::new(),
            name: path.to_string(),
            through: false,
        };
        match output_kind(path) {
            OutputKind::Stdout => out.name = "<stdout>".into(),
            OutputKind::Through => {
                let file = open_through(path)?;
                out.file = Some(std::io::BufWriter::with_capacity(WRITE_BUFFER, Sink::new(file, false)));
                out.through = true;
            }
            OutputKind::Regular => {
                let target = PathBuf::from(path);
                if std::fs::metadata(&target).is_ok_and(|m| m.is_dir()) {
                    return Err(Error::new(format!(
                        "{path} is a directory: give a file name as the output"
                    )));
                }
                check_other_writers(&target)?;
                let tmp = temp_path_for(&target);
                // Registered before it exists: a signal between the two finds nothing to remove
                // rather than missing a file.
                cleanup::register(&tmp);
                out.tmp = Some(tmp.clone());
                let file = File::create(&tmp).with_context(|| format!("cannot create {path}"))?;
                // Held until the file is closed: tells a second writer of this output that this
                // run is alive (see check_other_writers).
                try_lock_exclusive(&file);
                out.target = Some(target);
                // Small writes (page headers, the footer) are gathered; an encoded column chunk
                // or a serialized artifact is bigger than the buffer and goes straight to the
                // file. A 1 MiB buffer copied `vectorize fit`'s 2.6 MB of features through
                // itself and faulted its 256 pages in: appending the encoded chunks took 1.39
                // instead of 0.99 ms (medians of 41 alternated runs).
                out.file = Some(std::io::BufWriter::with_capacity(WRITE_BUFFER, Sink::new(file, true)));
            }
        }
        Ok(out)
    }

    /// Hand what is buffered to the file and have the kernel start writing it to disk, while
    /// the caller goes on with other work (the next output, the other outputs' syncs). Nothing
    /// for an output written through (it is not synced) or to stdout (sent whole at commit).
    pub fn start_writeback(&mut self) -> Result<()> {
        if self.through {
            return Ok(());
        }
        if let Some(w) = &mut self.file {
            w.flush().with_context(|| format!("writing {}", self.name))?;
            w.get_mut().start_writeback();
        }
        Ok(())
    }

    /// Flush and sync what was written to disk now, ahead of the commit (which then finds
    /// nothing left to sync): for an output finished early, on a thread of its own, while the
    /// others are still being made. Nothing for an output written through or to stdout.
    pub fn sync(&mut self) -> Result<()> {
        if self.through {
            return Ok(());
        }
        if let Some(w) = &mut self.file {
            w.flush().with_context(|| format!("writing {}", self.name))?;
            let sink = w.get_mut();
            sink.file
                .sync_data()
                .with_context(|| format!("writing {}", self.name))?;
            (sink.started, sink.synced) = (sink.written, Some(sink.written));
        }
        Ok(())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when the output is written through (a device, FIFO, descriptor) rather than renamed
    /// into place.
    pub fn is_through(&self) -> bool {
        self.through
    }

    /// Flush, sync and rename into place (or write the buffer to stdout).
    pub fn commit(self) -> Result<()> {
        self.commit_keeping_old().map(drop)
    }

    /// [`Output::commit`], handing back the file the output replaced, still open: the kernel
    /// frees a replaced file's blocks when its last reference goes, in the rename when nothing
    /// else holds it (1 ms for 2.6 MB here). Holding it moves that work to whoever closes it.
    fn commit_keeping_old(mut self) -> Result<Option<File>> {
        // What is left of the run mostly waits for the disk now.
        #[cfg(target_os = "linux")]
        crate::plumbing::memory::release_freed();
        let name = self.name.clone();
        match self.file.take() {
            Some(w) => {
                let f = w.into_inner().map_err(|e| {
                    let e = e.into_error();
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        return Error::new(format!("writing {name}: its reader went away"));
                    }
                    Error::new(format!("writing {name}: {e}"))
                })?;
                if self.through {
                    return Ok(None);
                }
                // Synced already with nothing written since: a second fsync would still wait
                // for the disk to flush its cache (0.3-0.5 ms). `sync_data` (fdatasync), here
                // and in `sync`: the temp file is new, so its size changed and its inode, times
                // included, is written with the data anyway; what `sync_all` adds is a wait
                // for metadata that alone changed, and nothing here does (0.1 ms a sync here).
                let clock = std::time::Instant::now();
                if f.synced != Some(f.written) {
                    f.file.sync_data().with_context(|| format!("writing {name}"))?;
                }
                let f = f.file;
                crate::debug!("{name}: synced in {:.1} ms", clock.elapsed().as_secs_f64() * 1e3);
                drop(f);
                let (tmp, target) = (self.tmp.take(), self.target.take());
                let mut old = None;
                if let (Some(tmp), Some(target)) = (tmp, target) {
                    old = open_replaced(&target);
                    let moved = std::fs::rename(&tmp, &target);
                    if moved.is_err() {
                        let _ = std::fs::remove_file(&tmp);
                    }
                    cleanup::unregister(&tmp);
                    if let Err(e) = moved {
                        return Err(Error::new(format!("cannot move output into place at {name}: {e}")));
                    }
                }
                Ok(old)
            }
            None => {
                let mut out = std::io::stdout().lock();
                match out.write_all(&self.buf).and_then(|_| out.flush()) {
                    // The reader stopped early (`| head`): what it wanted, it got.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
                    r => r.context("writing <stdout>").map(|()| None),
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
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(data),
            None => {
                self.buf.extend_from_slice(data);
                Ok(())
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
            let _ = std::fs::remove_file(&tmp);
            cleanup::unregister(&tmp);
        }
    }
}

/// Files to remove if the process is stopped by a signal: temp files being written, and outputs
/// of a [`commit_all`] group already moved into place while their siblings are not yet. The
/// signal thread ([`crate::cli::run`] starts it) calls [`cleanup::remove_all_and_hold`].
pub mod cleanup {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    fn paths() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
        // A panic while holding the lock leaves a plain Vec behind: still usable.
        PATHS.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remove `path` if a signal stops the process before [`unregister`].
    pub fn register(path: &Path) {
        paths().push(path.to_path_buf());
    }

    pub fn unregister(path: &Path) {
        let mut v = paths();
        if let Some(i) = v.iter().rposition(|p| p == path) {
            v.swap_remove(i);
        }
    }

    /// Remove every registered file, then keep the registry locked until the process exits, so
    /// that no thread can create (register) a new temp file after the sweep.
    pub fn remove_all_and_hold() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
        let v = paths();
        for p in v.iter() {
            let _ = std::fs::remove_file(p);
        }
        v
    }
}

/// An exclusive, advisory lock on an open file, held until the file is closed: two runs that
/// would write the same output see each other at once instead of interleaving. Returns false
/// when another process holds it. Where the filesystem does not support locks, the run proceeds
/// (true): a lock is a courtesy, not a guarantee.
pub fn try_lock_exclusive(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor this File owns; no memory is passed.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EWOULDBLOCK)
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

/// Look at the temp files other processes left for this target. One still locked belongs to a
/// run writing the same output right now: refused, because the two would overwrite each other's
/// result. One not locked belongs to a run that is gone (killed with kill -9, which no cleanup
/// survives): removed.
fn check_other_writers(target: &Path) -> Result<()> {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.tmp-");
    let ours = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        if pid == ours {
            continue;
        }
        let Ok(f) = File::open(entry.path()) else { continue };
        if try_lock_exclusive(&f) {
            let _ = std::fs::remove_file(entry.path());
        } else {
            return Err(Error::new(format!(
                "another process (pid {pid}) is writing {} right now: wait for it to finish, or write to another file",
                target.display()
            )));
        }
    }
    Ok(())
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
pub fn commit_all(mut outs: Vec<Output>) -> Result<()> {
    let mut done: Vec<PathBuf> = Vec::new();
    let mut result = Ok(());
    // Every output's bytes head for the disk at once: the later ones are written out while
    // the first one's fsync waits.
    for out in &mut outs {
        out.start_writeback()?;
    }
    // The files the outputs replace are let go of together at the end, each on a core (see
    // `commit_keeping_old`): `vectorize fit` replacing its two outputs spent 1 ms on each
    // rename, one after the other.
    let mut replaced = Vec::new();
    for out in outs {
        let target = out.target.clone();
        if let Err(e) = out.commit_keeping_old().map(|old| replaced.extend(old)) {
            for p in &done {
                let _ = std::fs::remove_file(p);
            }
            result = Err(e);
            break;
        }
        // Until the whole group is in place, a signal removes this one too.
        if let Some(t) = target {
            cleanup::register(&t);
            done.push(t);
        }
    }
    for p in &done {
        cleanup::unregister(p);
    }
    std::thread::scope(|scope| {
        let last = replaced.pop();
        for old in replaced {
            scope.spawn(move || drop(old));
        }
        drop(last);
    });
    result
}

/// The file at `target`, which a rename is about to replace, opened so that it outlives the
/// rename (`O_PATH`: no permission needed, nothing read; a symlink itself, not what it points
/// to). None when there is nothing there or it cannot be opened: the rename frees it then.
fn open_replaced(target: &Path) -> Option<File> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH | libc::O_NOFOLLOW)
            .open(target)
            .ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = target;
        None
    }
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
