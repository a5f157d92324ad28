//! CLI plumbing shared by every tool: the one error sink, verbosity, logging to stderr and a
//! progress line that only appears on a terminal.
//!
//! The library never prints to stdout and never exits: tools call [`run`] from `main` and return
//! the `ExitCode` it gives back. The one exception is a stopping signal (SIGINT, SIGTERM, SIGHUP):
//! [`run`] installs a watcher that removes the temp files being written, says the tool was
//! interrupted and exits 128+signal, as a shell reports a process killed by it.

use crate::error::{EXIT_OK, Result};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Flags every tool takes, flattened into its clap struct with `#[command(flatten)]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Verbosity {
    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more on stderr (repeat for debug detail).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

static LEVEL: AtomicI8 = AtomicI8::new(1);
static TOOL: OnceLock<String> = OnceLock::new();

/// Log levels: 0 errors only (`-q`), 1 info (default), 2 verbose (`-v`), 3 debug (`-vv`).
pub fn level() -> i8 {
    LEVEL.load(Ordering::Relaxed)
}

/// The name the tool was started as, for message prefixes.
pub fn tool_name() -> &'static str {
    TOOL.get().map(String::as_str).unwrap_or("hn")
}

/// The one place errors are printed. Sets up verbosity, runs the tool body, prints an error as
/// `<tool>: <message>` on one line and maps it to its exit code.
pub fn run(tool: &str, verbosity: &Verbosity, body: impl FnOnce() -> Result<()>) -> ExitCode {
    let _ = TOOL.set(tool.to_string());
    let lvl = if verbosity.quiet {
        0
    } else {
        1 + verbosity.verbose.min(2) as i8
    };
    LEVEL.store(lvl, Ordering::Relaxed);
    #[cfg(target_os = "linux")]
    crate::plumbing::memory::tune();
    watch_signals();
    match body() {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            clear_progress_line();
            // A closed stderr has nowhere left to report to; the exit code still tells.
            let _ = writeln!(std::io::stderr().lock(), "{tool}: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The signals that stop a tool cleanly.
const STOP_SIGNALS: [(libc::c_int, &str); 3] = [
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
];

/// Block the stop signals in this thread (and so in every thread it starts later: rayon's pool,
/// fetch workers) and wait for them on one thread of their own. That thread runs ordinary code,
/// so it may take locks and remove files, which a signal handler may not. Called before the
/// tool starts any thread; a second call does nothing.
fn watch_signals() {
    static STARTED: OnceLock<()> = OnceLock::new();
    if STARTED.set(()).is_err() {
        return;
    }
    // SAFETY: sigset_t is plain data initialised by sigemptyset before use; the calls only read
    // and write that set and this thread's mask.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for (sig, _) in STOP_SIGNALS {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return; // signals keep their default action: no cleanup, but no harm either
        }
        set
    };
    let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
        let mut sig: libc::c_int = 0;
        // SAFETY: `set` is an initialised sigset_t and `sig` a valid place for the answer.
        while unsafe { libc::sigwait(&set, &mut sig) } != 0 {}
        let _held = crate::io::cleanup::remove_all_and_hold();
        let name = STOP_SIGNALS
            .iter()
            .find(|(s, _)| *s == sig)
            .map_or("a signal", |(_, n)| n);
        clear_progress_line();
        let _ = writeln!(std::io::stderr().lock(), "{}: interrupted by {name}", tool_name());
        std::process::exit(128 + sig);
    });
    if spawned.is_err() {
        // Without the watcher, blocked signals would never stop the tool: give them back.
        // SAFETY: as above.
        unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
    }
}

#[doc(hidden)]
pub fn log_at(min_level: i8, args: std::fmt::Arguments<'_>) {
    if level() >= min_level {
        clear_progress_line();
        let _ = writeln!(std::io::stderr().lock(), "{}: {args}", tool_name());
    }
}

/// Informational line on stderr (silenced by `-q`).
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::cli::log_at(1, format_args!($($arg)*)) };
}

/// Warning on stderr (silenced by `-q`).
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::cli::log_at(1, format_args!("warning: {}", format_args!($($arg)*))) };
}

/// Detail shown with `-v`.
#[macro_export]
macro_rules! verbose {
    ($($arg:tt)*) => { $crate::cli::log_at(2, format_args!($($arg)*)) };
}

/// Debug detail shown with `-vv`.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::cli::log_at(3, format_args!($($arg)*)) };
}

static PROGRESS_SHOWN: AtomicI8 = AtomicI8::new(0);

fn clear_progress_line() {
    if PROGRESS_SHOWN.swap(0, Ordering::Relaxed) != 0 {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
}

/// A progress counter drawn as one self-rewriting stderr line, only when stderr is a terminal and
/// not quieted; otherwise it only counts. Cheap to bump from many threads.
pub struct Progress {
    label: String,
    total: u64,
    done: AtomicU64,
    started: Instant,
    last_draw_ms: AtomicU64,
    enabled: bool,
}

impl Progress {
    pub fn new(label: impl Into<String>, total: u64) -> Self {
        let enabled = level() >= 1 && std::io::stderr().is_terminal();
        Progress {
            label: label.into(),
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            last_draw_ms: AtomicU64::new(0),
            enabled,
        }
    }

    pub fn inc(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if !self.enabled {
            return;
        }
        // Redraw at most ten times a second, whichever thread gets there first.
        let now = self.started.elapsed().as_millis() as u64;
        let last = self.last_draw_ms.load(Ordering::Relaxed);
        if (now >= last + 100 || done == self.total)
            && self
                .last_draw_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.draw(done, self.started.elapsed());
        }
    }

    fn draw(&self, done: u64, elapsed: Duration) {
        let pct = (done * 100).checked_div(self.total).unwrap_or(100);
        let rate = done as f64 / elapsed.as_secs_f64().max(1e-3);
        PROGRESS_SHOWN.store(1, Ordering::Relaxed);
        let _ = write!(
            std::io::stderr().lock(),
            "\r\x1b[2K{}: {} {done}/{} ({pct}%, {rate:.0}/s)",
            tool_name(),
            self.label,
            self.total
        );
    }

    /// Remove the line (if drawn); call before printing a summary.
    pub fn finish(&self) {
        if self.enabled {
            clear_progress_line();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The end of every tool's `--help`: examples, what the environment and `-` do, and the exit
/// codes. `check` says what exit 1 means for this tool (None: it has no check). One function so
/// that every tool, including new ones, says the same thing the same way.
pub fn after_help(examples: &[&str], check: Option<&str>) -> String {
    let mut s = String::from("Examples:\n");
    for e in examples {
        s.push_str("  ");
        s.push_str(e);
        s.push('\n');
    }
    s.push_str(
        "\n`-` as an input reads stdin; as an output, writes stdout. Outputs that are devices, FIFOs or \
         /dev/fd/N are written through; regular files appear whole or not at all.\n\
         HN_NOW=<unix seconds> pins the clock (ages, fetched_at, the hn.created_at stamp).\n\
         \nExit codes: 0 success",
    );
    if let Some(c) = check {
        s.push_str(&format!("; 1 {c}"));
    }
    s.push_str(
        "; 2 trouble (bad usage, bad input, I/O or network failure: one line on stderr says what); \
         129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (temp files removed).",
    );
    s
}

/// Parse durations such as `10s`, `250ms`, `2d`, `1h30m`, `90` (seconds).
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return Err(format!("bad duration {s:?}: expected a number like 10s, 500ms, 2d"));
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| format!("bad duration {s:?}"))?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let secs = match unit {
            "" | "s" => 1.0,
            "ms" => 0.001,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "w" => 7.0 * 86400.0,
            _ => {
                return Err(format!(
                    "bad duration {s:?}: unknown unit {unit:?} (use ms, s, m, h, d, w)"
                ));
            }
        };
        total += n * secs;
    }
    if !total.is_finite() || total > 1e12 {
        return Err(format!("bad duration {s:?}: too large"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Human-readable byte counts for messages: `1.5 GiB`.
pub fn human_bytes(b: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} bytes")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// Parse `2G`, `512M`, `64k`, `1000` (bytes; binary multiples) (flags such as `--max-dense-bytes`).
pub fn parse_bytes(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("bad size {s:?}: expected e.g. 2G, 512M, 1000"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0f64.powi(4),
        u => return Err(format!("bad size {s:?}: unknown unit {u:?} (use k, M, G, T)")),
    };
    let v = n * mult;
    if !v.is_finite() || v > u64::MAX as f64 {
        return Err(format!("bad size {s:?}: too large"));
    }
    Ok(v as u64)
}

#[cfg(test)]
#[path = "tests/cli.rs"]
mod tests;
