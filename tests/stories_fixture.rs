//! Helpers for end-to-end tests of the table tools: temp dirs, small stories tables, running a
//! built binary and reading what it wrote.

use arrow::array::RecordBatch;
use hn_shared::table::{Provenance, Story, Table, stories_to_batch, write_parquet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temp directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("hn-e2e-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    /// A path inside, as a string.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    /// Names of the files inside (to check nothing half-written is left).
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// The directory's path, so a `TempDir` goes wherever a `Path` does.
impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A story with the given id, time, title and comment count.
pub fn story(id: i64, time: i64, title: Option<&str>, descendants: Option<i64>) -> Story {
    Story {
        id,
        kind: "story".into(),
        by: Some(format!("user{}", id % 5)),
        time,
        title: title.map(str::to_string),
        url: None,
        score: Some(id % 17),
        descendants,
        dead: false,
        deleted: false,
        fetched_at: 1_700_000_000,
    }
}

/// `n` stories with varied times, titles and comment counts (every 7th count null).
pub fn stories(n: i64) -> Vec<Story> {
    let words = [
        "rust", "python", "show", "hn", "ask", "startup", "database", "linux", "café", "ΟΔΟΣ",
    ];
    (0..n)
        .map(|i| {
            let title = format!(
                "{} {} {} {}",
                words[(i % 10) as usize],
                words[(i * 3 % 10) as usize],
                words[(i * 7 % 10) as usize],
                i % 4
            );
            let d = if i % 7 == 0 { None } else { Some(i * 13 % 50) };
            story(10_000 + i, 1_600_000_000 + (i * 7919) % 100_000, Some(&title), d)
        })
        .collect()
}

pub fn write_stories(path: &str, s: &[Story]) {
    write_parquet(path, &stories_to_batch(s).unwrap(), &Provenance::new("test", vec![])).unwrap();
}

pub fn write_batch(path: &str, b: &RecordBatch) {
    write_parquet(path, b, &Provenance::new("test", vec![])).unwrap();
}

/// Run a tool with arguments.
pub fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin).args(args).output().unwrap()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Assert a run succeeded, showing stderr if not.
pub fn ok(o: Output) -> Output {
    assert!(o.status.success(), "failed: {}", stderr(&o));
    o
}

/// Assert a run failed with exit 2 and one line on stderr that starts with `tool:` and contains
/// `want`.
pub fn fails_with(o: Output, tool: &str, want: &str) {
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "exit code for: {e}");
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    assert!(e.starts_with(&format!("{tool}: ")), "{e}");
    assert!(e.contains(want), "want {want:?} in: {e}");
}

pub fn read(path: &str) -> Table {
    Table::read(path, None).unwrap()
}

pub fn ids(t: &Table) -> Vec<i64> {
    t.i64_column("id").unwrap().into_iter().map(Option::unwrap).collect()
}

pub fn exists(p: &str) -> bool {
    Path::new(p).exists()
}
