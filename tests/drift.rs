//! End-to-end tests of drift: the real binary on small stories tables made here, with and
//! without a planted shift, with a model trained by the real vectorize and train.

use crate::stories_fixture::{TempDir, exists, fails_with, stderr, write_batch, write_stories};
use arrow::array::{Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use hn_shared::table::Story;
use serde_json::Value;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

const DRIFT: &str = env!("CARGO_BIN_EXE_drift");
const HOSTILE: &str = "<script>alert(1)</script>";

fn drift(args: &[&str]) -> Output {
    Command::new(DRIFT)
        .args(args)
        .env("HN_NOW", "1700000000")
        .output()
        .unwrap()
}

fn tool(bin: &str, args: &[&str]) -> Output {
    let o = Command::new(bin).args(args).output().unwrap();
    assert!(o.status.success(), "{bin}: {}", stderr(&o));
    o
}

/// `n` stories of one population (a small LCG picks words, hours and sites); with `planted`, a
/// third of the titles carry it and link to a site of their own.
fn population(n: usize, seed: u64, planted: Option<&str>) -> Vec<Story> {
    const WORDS: [&str; 24] = [
        "rust", "python", "database", "linux", "startup", "design", "google", "apple", "security", "open", "source",
        "release", "new", "web", "data", "learning", "why", "how", "api", "cloud", "game", "music", "space", "book",
    ];
    let mut x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    (0..n)
        .map(|i| {
            let words = 3 + next(6) as usize;
            let mut title: Vec<&str> = (0..words).map(|_| WORDS[next(24) as usize]).collect();
            let plant = planted.is_some() && next(3) == 0;
            if let (true, Some(p)) = (plant, planted) {
                title.push(p);
            }
            let time = 1_690_000_000 + next(14 * 86_400) as i64;
            let url = if plant {
                format!("https://{HOSTILE}/x")
            } else {
                format!("https://site{}.example/a", next(12))
            };
            Story {
                id: 1 + i as i64,
                kind: "story".into(),
                by: None,
                time,
                title: Some(title.join(" ")),
                url: Some(url),
                score: Some(1),
                descendants: Some(next(40) as i64),
                dead: false,
                deleted: false,
                fetched_at: time + 3 * 86_400,
            }
        })
        .collect()
}

fn write(dir: &TempDir, name: &str, stories: &[Story]) -> String {
    let p = dir.path(name);
    write_stories(&p, stories);
    p
}

fn json(path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The `name` of every entry of a report's list (`checks`, `skipped`).
fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect()
}

#[test]
fn same_population_is_no_drift_with_report_and_page() {
    let d = TempDir::new("drift-same");
    let r = write(&d, "ref.parquet", &population(800, 1, None));
    let c = write(&d, "cur.parquet", &population(600, 2, None));
    let (out, page) = (d.path("drift.json"), d.path("drift.html"));
    let o = drift(&["--reference", &r, "--current", &c, "-o", &out, "--html", &page]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "stdout carries data only");
    let e = stderr(&o);
    // One line per check and the verdict: a screen, not a scroll.
    assert!(e.lines().count() <= 16, "{e}");
    assert!(e.contains("title_text") && e.contains("no dataset drift"), "{e}");
    let v = json(&out);
    assert_eq!(v["dataset_drift"], false);
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 8, "{v:#}");
    for c in checks {
        for key in [
            "name",
            "column",
            "method",
            "statistic",
            "threshold",
            "p_value",
            "drifted",
            "reference_rows",
            "current_rows",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        assert_eq!(c["drifted"], false, "{c:#}");
    }
    assert_eq!(v["inputs"]["reference"]["rows"], 800);
    assert!(v["settings"]["alpha"].is_number());
    assert!(exists(&page));
    assert_eq!(
        d.files(),
        vec!["cur.parquet", "drift.html", "drift.json", "ref.parquet"]
    );
}

#[test]
fn planted_shift_is_exit_1_and_the_page_escapes_titles() {
    let d = TempDir::new("drift-shift");
    let r = write(&d, "ref.parquet", &population(1500, 1, None));
    let c = write(&d, "cur.parquet", &population(1500, 2, Some(HOSTILE)));
    let (out, page) = (d.path("drift.json"), d.path("drift.html"));
    let o = drift(&["--reference", &r, "--current", &c, "-o", &out, "--html", &page]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("drift: dataset drift: "),
        "{e}"
    );
    let v = json(&out);
    assert_eq!(v["dataset_drift"], true);
    let by_name = |n: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("title_text")["drifted"], true);
    assert_eq!(by_name("url_domain")["drifted"], true);
    // The planted word is the separating term ("script" and "alert" are its tokens).
    let text = by_name("title_text");
    let terms: Vec<&str> = text["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert!(terms.iter().any(|t| ["script", "alert"].contains(t)), "{terms:?}");

    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script"),
        "a title or domain reached the page unescaped"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the hostile title shows as text"
    );
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    // One svg per check (each draws one chart), every one closed.
    assert_eq!(html.matches("<svg").count(), v["checks"].as_array().unwrap().len());
    assert_eq!(html.matches("</svg>").count(), html.matches("<svg").count());
    assert_balanced(&html);
    // Nothing from the network.
    let local = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!local.contains("http://") && !local.contains("https://") && !local.contains("<link"));
}

/// The page's elements nest properly (a small check that it parses as HTML: every element
/// that is neither void nor self-closed is closed, in order).
fn assert_balanced(html: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unterminated tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "misnested </{name}>");
        } else if !tag.ends_with('/') && !["meta", "!DOCTYPE"].contains(&name.as_str()) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn history_appends_and_the_page_draws_it() {
    let d = TempDir::new("drift-history");
    let r = write(&d, "ref.parquet", &population(400, 1, None));
    let c = write(&d, "cur.parquet", &population(400, 2, None));
    let (hist, page) = (d.path("history.jsonl"), d.path("drift.html"));
    for _ in 0..2 {
        let o = drift(&["--reference", &r, "--current", &c, "--history", &hist, "--html", &page]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let lines: Vec<Value> = std::fs::read_to_string(&hist)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0]["timestamp"], "2023-11-14T22:13:20Z",
        "HN_NOW pins the timestamp"
    );
    assert!(lines[0]["checks"].is_array() && lines[0].get("provenance").is_none());
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<h2>History</h2>"));
    // The checks' charts, and two over time (drifted share, text AUC).
    assert_eq!(
        html.matches("<svg").count(),
        lines[1]["checks"].as_array().unwrap().len() + 2
    );
}

#[test]
fn report_to_stdout_and_current_from_stdin() {
    let d = TempDir::new("drift-stdio");
    let r = write(&d, "ref.parquet", &population(300, 1, None));
    let c = write(&d, "cur.parquet", &population(300, 2, None));
    let mut child = Command::new(DRIFT)
        .args(["--reference", &r, "--current", "-", "-o", "-", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(&c).unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &bytes).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "-q: {}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inputs"]["current"]["path"], "<stdin>");
}

#[test]
fn too_few_rows_is_a_report_that_no_check_ran_when_allowed() {
    let d = TempDir::new("drift-few");
    let r = write(&d, "ref.parquet", &population(100, 1, None));
    let few = write(&d, "few.parquet", &population(10, 3, None));
    let (out, page, hist) = (d.path("d.json"), d.path("d.html"), d.path("h.jsonl"));
    let args = [
        "--reference",
        &r,
        "--current",
        &few,
        "-o",
        &out,
        "--html",
        &page,
        "--history",
        &hist,
    ];
    // Without the flag it is trouble (exit 2) and nothing is written.
    fails_with(drift(&args), "drift", "too few rows");
    assert!(!exists(&out) && !exists(&page) && !exists(&hist));

    let mut allowed = args.to_vec();
    allowed.push("--allow-too-few");
    let o = drift(&allowed);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("too few rows for any check"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("no dataset drift"), "{}", stderr(&o));
    let v = json(&out);
    assert!(v["dataset_drift"].is_null(), "{v}");
    assert!(v["p_threshold"].is_null() && v["drifted_share"].is_null(), "{v}");
    assert_eq!(v["checks"].as_array().unwrap().len(), 0);
    assert!(v["verdict"].as_str().unwrap().contains("few.parquet has 10"), "{v}");
    let skipped = names(&v["skipped"]);
    assert!(
        skipped.contains(&"title_*") && skipped.contains(&"prediction"),
        "{skipped:?}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("No drift check ran") && html.contains("no check ran"),
        "{html}"
    );
    assert!(
        !html.contains("NaN") && !html.contains("what moved"),
        "no threshold, no empty table: {html}"
    );
    let line: Value = serde_json::from_str(std::fs::read_to_string(&hist).unwrap().trim()).unwrap();
    assert!(line["dataset_drift"].is_null());
    // Any other trouble still fails with the flag.
    let mut missing = allowed.clone();
    missing[3] = "missing.parquet";
    fails_with(drift(&missing), "drift", "missing.parquet");
}

#[test]
fn trouble_is_exit_2_on_one_line() {
    let d = TempDir::new("drift-bad");
    let r = write(&d, "ref.parquet", &population(100, 1, None));
    let empty = d.path("empty.parquet");
    std::fs::write(&empty, b"").unwrap();
    fails_with(drift(&["--reference", &r, "--current", &empty]), "drift", "empty");
    let zero = write(&d, "zero.parquet", &[]);
    fails_with(drift(&["--reference", &r, "--current", &zero]), "drift", "no rows");
    let no_title = d.path("ids.parquet");
    let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
    write_batch(
        &no_title,
        &RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![1, 2, 3]))]).unwrap(),
    );
    fails_with(
        drift(&["--reference", &r, "--current", &no_title]),
        "drift",
        "no column \"title\"",
    );
    let few = write(&d, "few.parquet", &population(10, 3, None));
    fails_with(drift(&["--reference", &r, "--current", &few]), "drift", "too few rows");
    fails_with(drift(&["--reference", "-", "--current", "-"]), "drift", "both be -");
    fails_with(
        drift(&["--reference", &r, "--current", &d.path("missing.parquet")]),
        "drift",
        "missing.parquet",
    );
    fails_with(
        drift(&["--reference", &r, "--current", &r, "--alpha", "2"]),
        "drift",
        "--alpha",
    );
    let o = drift(&["--reference", &r, "--current", &r, "--model", "m.bin"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--model without --vectorizer is a usage error"
    );
    let o = drift(&["--reference", &r, "--current", &r, "-o", "same", "--html", "same"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn with_a_model_prediction_and_performance_drift() {
    let d = TempDir::new("drift-model");
    let vectorize = env!("CARGO_BIN_EXE_vectorize");
    let train = env!("CARGO_BIN_EXE_train");
    let score = env!("CARGO_BIN_EXE_score");
    let r = write(&d, "ref.parquet", &population(1200, 1, None));
    let test = write(&d, "test.parquet", &population(400, 5, None));
    let c = write(&d, "cur.parquet", &population(600, 2, None));
    let (vec, feats, model) = (d.path("vec.bin"), d.path("train.features"), d.path("model.bin"));
    tool(vectorize, &["fit", &r, "--vectorizer", &vec, "-o", &feats]);
    tool(train, &[&feats, "-o", &model]);
    let test_feats = d.path("test.features");
    tool(
        vectorize,
        &["transform", &test, "--vectorizer", &vec, "-o", &test_feats],
    );
    let metrics = d.path("metrics.json");
    tool(score, &["--model", &model, &test_feats, "-o", &metrics]);

    let out = d.path("drift.json");
    let with_model = |vec: &str, extra: &[&str]| {
        let mut args = vec![
            "--reference",
            &r,
            "--current",
            &c,
            "--model",
            &model,
            "--vectorizer",
            vec,
        ];
        args.extend_from_slice(extra);
        drift(&args)
    };
    let o = with_model(&vec, &["--baseline", &metrics, "-o", &out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&out);
    let checks = names(&v["checks"]);
    assert!(
        checks.contains(&"prediction") && checks.contains(&"performance"),
        "{checks:?}"
    );
    assert!(
        v["checks"].as_array().unwrap().iter().all(|c| c["drifted"] == false),
        "{v:#}"
    );
    let pred = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "prediction")
        .unwrap();
    assert_eq!(pred["severity"], "none");
    assert!(pred["bins"]["reference"].is_array());
    assert!(v["inputs"]["model"]["fingerprint"].is_string());

    // A vectorizer the model was not trained with is refused.
    let other_vec = d.path("other.bin");
    tool(
        vectorize,
        &["fit", &c, "--vectorizer", &other_vec, "-o", &d.path("other.features")],
    );
    fails_with(with_model(&other_vec, &[]), "drift", "do not belong together");
}

#[test]
fn help_ends_with_examples_and_exit_codes() {
    let o = Command::new(DRIFT).arg("--help").output().unwrap();
    let h = String::from_utf8_lossy(&o.stdout);
    assert!(h.contains("Examples:") && h.contains("Exit codes:"), "{h}");
    assert!(h.contains("HN_NOW") && h.contains("`-`"), "{h}");
    assert!(h.contains("[default: 0.01]") && h.contains("[default: 0.55]"), "{h}");
}
