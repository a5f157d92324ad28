//! Unix citizenship end to end: outputs that are not regular files, signals, two writers of one
//! output, formats by extension, a dump with nothing usable, and the messages a user acts on.

use crate::hn_server::{Faults, HnServer};
use crate::stories_fixture::*;
use arrow::array::{Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FETCH: &str = env!("CARGO_BIN_EXE_hn-fetch");
const SPLIT: &str = env!("CARGO_BIN_EXE_split");
const VECTORIZE: &str = env!("CARGO_BIN_EXE_vectorize");
const TRAIN: &str = env!("CARGO_BIN_EXE_train");
const SCORE: &str = env!("CARGO_BIN_EXE_score");
const PREDICT: &str = env!("CARGO_BIN_EXE_predict");

/// Stories, a vectorizer and a model trained on them, in `d`.
struct Trained {
    stories: String,
    vec: String,
    model: String,
}

fn trained(d: &TempDir) -> Trained {
    let t = Trained {
        stories: d.path("stories.parquet"),
        vec: d.path("vec.bin"),
        model: d.path("model.bin"),
    };
    let mut s = stories(200);
    s[3].title = Some("red \u{1b}[31mALERT\nsecond line".into());
    write_stories(&t.stories, &s);
    let feats = d.path("features.parquet");
    ok(run(
        VECTORIZE,
        &["fit", &t.stories, "--vectorizer", &t.vec, "-o", &feats],
    ));
    ok(run(TRAIN, &[&feats, "-o", &t.model, "--n-estimators", "5"]));
    t
}

fn predict_args<'a>(t: &'a Trained, more: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "--model",
        t.model.as_str(),
        "--vectorizer",
        t.vec.as_str(),
        t.stories.as_str(),
    ];
    v.extend_from_slice(more);
    v
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn devices_fifos_and_descriptors_are_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let d = TempDir::new("unix-through");
    let t = trained(&d);

    // A FIFO: its reader gets the whole CSV and the FIFO stays a FIFO.
    let fifo = d.path("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(&fifo).unwrap().read_to_string(&mut s).unwrap();
            s
        })
    };
    ok(run(PREDICT, &predict_args(&t, &["-o", &fifo, "--format", "csv"])));
    let got = reader.join().unwrap();
    assert!(got.starts_with("id,title,time,predicted_comments,model\n"), "{got}");
    // One model fingerprint per record (a title may hold a quoted newline).
    assert_eq!(got.matches(",sha256:").count(), 200);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(d.files().iter().all(|f| !f.contains(".tmp-")), "{:?}", d.files());

    // /dev/stdout: the data reaches the pipe.
    let o = ok(run(
        PREDICT,
        &predict_args(&t, &["-o", "/dev/stdout", "--format", "jsonl", "--top", "2"]),
    ));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);

    // A device node (a copy of /dev/null made with mknod), as root only.
    if is_root() {
        let dev = d.path("null-copy");
        assert!(
            Command::new("mknod")
                .args([dev.as_str(), "c", "1", "3"])
                .status()
                .unwrap()
                .success()
        );
        ok(run(PREDICT, &predict_args(&t, &["-o", &dev])));
        let m = std::fs::metadata(&dev).unwrap();
        assert!(m.file_type().is_char_device(), "the device was replaced by a file");
    } else {
        eprintln!("not root: the mknod device case is skipped");
    }
}

/// Send `sig` (INT, TERM, HUP) to a child.
fn signal(child: &Child, sig: &str) {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .unwrap()
            .success()
    );
}

fn code_of(sig: &str) -> i32 {
    128 + match sig {
        "HUP" => 1,
        "INT" => 2,
        _ => 15,
    }
}

/// Wait for a child (at most a minute) and return its exit code and stderr.
fn finish(mut child: Child) -> (Option<i32>, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the tool did not stop");
        std::thread::sleep(Duration::from_millis(5));
    }
    let o = child.wait_with_output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn signals_remove_temp_files_and_exit_128_plus_signal() {
    let d = TempDir::new("unix-signals");
    // Moment 1: waiting for stdin, before any output exists.
    for sig in ["INT", "TERM", "HUP"] {
        let (a, b) = (d.path("a.parquet"), d.path("b.parquet"));
        let mut child = Command::new(SPLIT)
            .args(["-", "-o", &a, "--test", &b])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.as_mut().unwrap().write_all(b"PAR1").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        signal(&child, sig);
        let (code, err) = finish(child);
        assert_eq!(code, Some(code_of(sig)), "{err}");
        assert_eq!(err.trim(), format!("split: interrupted by SIG{sig}"));
        assert!(d.files().is_empty(), "{:?}", d.files());
    }

    // Moment 2: while the outputs are being written (a temp file is there), and moment 3: a
    // little later, wherever the run is. Either it stopped with nothing left behind, or (if it
    // got there first) it finished with both outputs whole, or the signal came after both were
    // in place; never a temp file, one output without the other, or a part of one.
    let input = d.path("big.parquet");
    write_stories(&input, &stories(400_000));
    for (sig, moment) in [
        ("TERM", "temp"),
        ("INT", "temp"),
        ("HUP", "temp"),
        ("INT", "later"),
        ("TERM", "later"),
    ] {
        let (a, b) = (d.path("a.parquet"), d.path("b.parquet"));
        let child = Command::new(SPLIT)
            .args([&input, "-o", &a, "--test", &b, "-q"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        if moment == "temp" {
            while !d.files().iter().any(|f| f.contains(".tmp-")) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_micros(200));
            }
        } else {
            std::thread::sleep(Duration::from_millis(150));
        }
        signal(&child, sig);
        let (code, err) = finish(child);
        let files = d.files();
        assert!(
            files.iter().all(|f| !f.contains(".tmp-")),
            "{sig} at {moment}: {files:?}"
        );
        let finished = code == Some(0);
        if finished {
            eprintln!("{sig} at {moment}: the run finished first");
        } else {
            assert_eq!(code, Some(code_of(sig)), "{sig} at {moment}: {err}");
            assert!(err.contains("interrupted"), "{err}");
        }
        // Outputs are there when the run finished first, or when the signal came after both
        // were in place (between the last rename and the exit: nothing was left to undo).
        // Either way both are whole; never one without the other.
        if finished || exists(&a) || exists(&b) {
            assert!(
                exists(&a) && exists(&b),
                "{sig} at {moment}: one output alone: {files:?}"
            );
            assert_eq!(read(&a).num_rows() + read(&b).num_rows(), 400_000);
        }
        let _ = std::fs::remove_file(&a);
        let _ = std::fs::remove_file(&b);
    }
}

#[test]
fn a_second_fetch_into_the_same_output_refuses_at_once() {
    let items: Vec<Value> = (1..=300)
        .map(|i| json!({"id": i, "type": "story", "title": format!("S {i}"), "time": 1_600_000_000 + i, "descendants": 1}))
        .collect();
    let latency = Duration::from_millis(20);
    let server = HnServer::start(
        &items,
        Faults {
            latency,
            ..Default::default()
        },
    );
    let d = TempDir::new("unix-two-fetches");
    let out = d.path("s.parquet");
    let line = format!("--api {} --ids 1..300 --concurrency 2 -o {out}", server.base);
    let args: Vec<&str> = line.split(' ').collect();
    let first = Command::new(FETCH).args(&args).stderr(Stdio::piped()).spawn().unwrap();
    let journal = d.path(".s.parquet.journal");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&journal).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the first fetch never started its journal");
        std::thread::sleep(Duration::from_millis(2));
    }
    let started = Instant::now();
    let second = run(FETCH, &args);
    assert!(started.elapsed() < Duration::from_secs(5), "the second run waited");
    fails_with(second, "hn-fetch", "another hn-fetch is writing this output");
    let (code, err) = finish(first);
    assert_eq!(code, Some(0), "the first run was disturbed: {err}");
    assert_eq!(read(&out).num_rows(), 300);
    assert!(!exists(&journal));
}

#[test]
fn predict_formats_follow_the_extension_with_the_same_columns() {
    let d = TempDir::new("unix-formats");
    let t = trained(&d);
    let want = ["id", "title", "time", "predicted_comments", "model"];
    for ext in ["parquet", "csv", "jsonl", "json", "txt"] {
        let out = d.path(&format!("p.{ext}"));
        ok(run(PREDICT, &predict_args(&t, &["-o", &out, "--top", "3"])));
        let bytes = std::fs::read(&out).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        match ext {
            "parquet" => {
                let p = read(&out);
                let names: Vec<String> = p.batch.schema().fields().iter().map(|f| f.name().clone()).collect();
                assert_eq!(names, want);
                assert_eq!(p.num_rows(), 3, "--top applies to Parquet too");
                assert!(p.str_column("model").unwrap().value(0).starts_with("sha256:"));
            }
            "csv" => {
                assert_eq!(text.lines().next(), Some(want.join(",").as_str()));
                assert_eq!(text.matches(",sha256:").count(), 3);
            }
            "jsonl" | "json" => {
                let rows: Vec<Value> = if ext == "json" {
                    serde_json::from_str(&text).unwrap()
                } else {
                    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
                };
                assert_eq!(rows.len(), 3);
                let mut keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
                let mut w = want.to_vec();
                keys.sort();
                w.sort();
                assert_eq!(keys, w);
                assert!(rows[0]["time"].is_i64(), "time is Unix seconds in every format");
            }
            _ => {
                assert!(text.starts_with("predicted"), "{text}");
                assert_eq!(text.lines().count(), 4);
            }
        }
    }
    // --format wins over the extension.
    let out = d.path("p2.parquet");
    ok(run(PREDICT, &predict_args(&t, &["-o", &out, "--format", "csv"])));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("id,title"));
    // The table shows control characters instead of acting on them or deleting them.
    let o = ok(run(PREDICT, &predict_args(&t, &[])));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains(r"red \u{1b}[31mALERT\nsecond line"), "{table}");
    assert!(!table.contains('\u{1b}'));
}

#[test]
fn fetch_says_what_it_dropped_and_takes_whole_dumps() {
    let d = TempDir::new("unix-dump");
    // Nothing usable: only comments and a dead story.
    let mut lines: Vec<Value> = (1..=5)
        .map(|i| json!({"id": i, "type": "comment", "text": "hi", "time": 1_600_000_000 + i}))
        .collect();
    lines.push(json!({"id": 6, "type": "story", "title": "x", "dead": true, "time": 1_600_000_006}));
    let dump = d.path("dump.jsonl");
    std::fs::write(&dump, lines.iter().map(|v| format!("{v}\n")).collect::<String>()).unwrap();
    let out = d.path("s.parquet");
    let o = ok(run(FETCH, &["--from", &dump, "--all", "-o", &out]));
    let e = stderr(&o);
    assert!(e.contains("dropped 5 not of the types kept, 1 dead"), "{e}");
    assert!(
        e.contains("warning:") && e.contains("most for not of the types kept (5)") && e.contains("--types"),
        "{e}"
    );
    assert_eq!(read(&out).num_rows(), 0);
    // --all with --types all keeps every item; --all without --from is refused by clap.
    ok(run(
        FETCH,
        &["--from", &dump, "--all", "--types", "all", "--include-dead", "-o", &out],
    ));
    assert_eq!(read(&out).num_rows(), 6);
    let o = run(FETCH, &["--all", "-o", &out]);
    assert_eq!(o.status.code(), Some(2));

    // --list keeps the list's order as a rank column.
    let items: Vec<Value> = (1..=10)
        .map(|i| json!({"id": i, "type": "story", "title": format!("S {i}"), "time": 1_600_000_000 + i}))
        .collect();
    let server = HnServer::start(&items, Faults::default());
    let top = d.path("top.parquet");
    ok(run(FETCH, &["--api", &server.base, "--list", "top", "-o", &top]));
    let t = read(&top);
    let rank = t.i64_column("rank").unwrap();
    let id = ids(&t);
    // The stand-in server lists the newest first.
    for (i, r) in id.iter().zip(&rank) {
        assert_eq!(*r, Some(11 - i), "id {i}");
    }
}

#[test]
fn messages_say_what_is_wrong_and_what_to_do() {
    let d = TempDir::new("unix-messages");
    // A CSV where Parquet is expected.
    let csv = d.path("x.parquet");
    std::fs::write(&csv, "id,title,time\n1,hello,5\n").unwrap();
    fails_with(
        run(
            SPLIT,
            &[&csv, "-o", &d.path("a.parquet"), "--test", &d.path("b.parquet")],
        ),
        "split",
        "x.parquet is not Parquet: it looks like CSV",
    );
    // A Parquet file given to --from.
    let stories_file = d.path("s.parquet");
    write_stories(&stories_file, &stories(5));
    fails_with(
        run(FETCH, &["--from", &stories_file, "--all", "-o", &d.path("o.parquet")]),
        "hn-fetch",
        "is Parquet, not a dump",
    );
    // An --api URL without /v0.
    let server = HnServer::start(
        &[json!({"id": 1, "type": "story", "title": "a", "time": 1})],
        Faults::default(),
    );
    let base = server.base.trim_end_matches("/v0").to_string();
    fails_with(
        run(
            FETCH,
            &[
                "--api",
                &base,
                "--latest",
                "1",
                "--retries",
                "0",
                "-o",
                &d.path("o.parquet"),
            ],
        ),
        "hn-fetch",
        "should end in /v0",
    );
    // --min-df larger than the number of documents.
    fails_with(
        run(
            VECTORIZE,
            &[
                "fit",
                &stories_file,
                "--vectorizer",
                &d.path("v.bin"),
                "-o",
                &d.path("f.parquet"),
                "--min-df",
                "50",
            ],
        ),
        "vectorize",
        "min-df 50 asks for terms in more documents than there are (5)",
    );
    assert!(d.files().iter().all(|f| !f.contains(".tmp-")));
}

#[test]
fn stories_without_a_target_vectorize_and_train_refuses_them() {
    let d = TempDir::new("unix-no-target");
    let t = trained(&d);
    let src = read(&t.stories);
    let (ids_col, titles) = (src.column("id").unwrap().clone(), src.column("title").unwrap().clone());
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("title", DataType::Utf8, true),
        ])),
        vec![ids_col, titles],
    )
    .unwrap();
    let latest = d.path("latest.parquet");
    write_batch(&latest, &batch);
    let feats = d.path("latest_features.parquet");
    ok(run(
        VECTORIZE,
        &["transform", &latest, "--vectorizer", &t.vec, "-o", &feats],
    ));
    let f = read(&feats);
    assert_eq!(f.column("target").unwrap().null_count(), 200);
    fails_with(
        run(TRAIN, &[&feats, "-o", &d.path("m2.bin")]),
        "train",
        "target is null",
    );
    fails_with(run(SCORE, &["--model", &t.model, &feats]), "score", "target is null");
    // Predicting needs no target.
    let o = ok(run(
        PREDICT,
        &["--model", &t.model, "--vectorizer", &t.vec, &latest, "--format", "csv"],
    ));
    assert_eq!(String::from_utf8_lossy(&o.stdout).matches(",sha256:").count(), 200);
}

#[test]
fn every_help_ends_with_examples_exit_codes_and_the_environment() {
    for bin in [FETCH, SPLIT, VECTORIZE, TRAIN, SCORE, PREDICT] {
        let o = ok(run(bin, &["--help"]));
        let h = String::from_utf8_lossy(&o.stdout);
        assert!(h.contains("Examples:\n"), "{bin}: {h}");
        assert!(h.contains("Exit codes: 0 success"), "{bin}: {h}");
        assert!(h.contains("HN_NOW") && h.contains("`-`"), "{bin}: {h}");
    }
}
