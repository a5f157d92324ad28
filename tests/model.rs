//! End-to-end tests of train, score and predict: the real binaries on small features built here.

use crate::stories_fixture::{TempDir, stderr, story, write_stories as write_story_rows};
use hn_shared::features::{Features, write_features};
use hn_shared::io::fingerprint;
use hn_shared::sparse::Csr;
use hn_shared::table::{Provenance, Story};
use hn_shared::tfidf::{Settings, Vectorizer};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub(crate) fn run(tool: &str, args: &[&str]) -> Output {
    let bin = match tool {
        "train" => env!("CARGO_BIN_EXE_train"),
        "score" => env!("CARGO_BIN_EXE_score"),
        "predict" => env!("CARGO_BIN_EXE_predict"),
        _ => unreachable!(),
    };
    Command::new(bin)
        .args(args)
        .env("HN_NOW", "1700000000")
        .output()
        .unwrap()
}

#[track_caller]
pub(crate) fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
}

#[track_caller]
pub(crate) fn fails(o: &Output, code: i32, needle: &str) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
    let e = stderr(o);
    // The error is the last line, one line long (a gate failure follows the summary).
    let last = e.lines().last().unwrap_or("");
    assert!(last.contains(needle), "expected {needle:?} in the last line of: {e}");
    if code == 2 {
        assert_eq!(e.lines().count(), 1, "one line: {e}");
    }
}

/// Titles whose words decide the comment count: "rust" +40, "ask" +20, "python" +10.
const WORDS: [&str; 8] = ["rust", "ask", "python", "linux", "show", "go", "database", "ai"];

pub(crate) fn synthetic_titles(n: usize, salt: usize) -> Vec<(String, f64)> {
    (0..n)
        .map(|i| {
            let k = i * 7 + salt;
            let mut words = vec![WORDS[k % 8], WORDS[(k / 8 + 3) % 8], WORDS[(k / 3 + 5) % 8]];
            words.dedup();
            let t = words.join(" ");
            let y = 5.0
                + if t.contains("rust") { 40.0 } else { 0.0 }
                + if t.contains("ask") { 20.0 } else { 0.0 }
                + if t.contains("python") { 10.0 } else { 0.0 };
            (t, y)
        })
        .collect()
}

/// A vectorizer fitted on `titles`, written to `vec_path`; features for each set of titles.
pub(crate) fn setup(d: &TempDir, sets: &[(&str, &[(String, f64)])]) -> Vectorizer {
    let texts: Vec<Option<&str>> = sets[0].1.iter().map(|(t, _)| Some(t.as_str())).collect();
    let (vec, _) = Vectorizer::fit(&texts, Settings::default()).unwrap();
    let bytes = vec.to_bytes().unwrap();
    std::fs::write(d.path("vec.bin"), &bytes).unwrap();
    for (name, rows) in sets {
        let texts: Vec<Option<&str>> = rows.iter().map(|(t, _)| Some(t.as_str())).collect();
        let f = Features {
            ids: (0..rows.len() as i64).collect(),
            target: rows.iter().map(|r| r.1).collect(),
            x: vec.transform(&texts),
            vectorizer: Some(fingerprint(&bytes)),
        };
        write_features(&d.path(name), &f, Provenance::new("test", vec![])).unwrap();
    }
    vec
}

/// Features of `n` synthetic titles (train.parquet, vec.bin) and a gbdt model trained on them.
fn gbdt_model(d: &TempDir, n: usize) -> String {
    let train = synthetic_titles(n, 0);
    setup(d, &[("train.parquet", &train)]);
    let model = d.path("model.bin");
    ok(&run(
        "train",
        &[&d.path("train.parquet"), "-o", &model, "--engine", "gbdt", "-q"],
    ));
    model
}

pub(crate) fn write_stories(path: &str, titles: &[&str]) {
    let stories: Vec<Story> = (0..titles.len())
        .map(|i| story(100 + i as i64, 1_700_000_000 + i as i64 * 60, Some(titles[i]), None))
        .collect();
    write_story_rows(path, &stories);
}

/// `predict --format jsonl` on three fixed stories (ids 100..102), through `model` and `vec`:
/// the output lines, highest prediction first.
pub(crate) fn predict_latest(d: &TempDir, model: &str, vec: &str) -> Vec<Value> {
    write_stories(&d.path("latest.parquet"), &["rust ask python", "linux go", "show ai"]);
    let latest = d.path("latest.parquet");
    let o = run(
        "predict",
        &["--model", model, "--vectorizer", vec, &latest, "--format", "jsonl"],
    );
    ok(&o);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `train FEATURES --objective OBJECTIVE` is refused (exit 2) with `needle`; nothing written.
#[track_caller]
pub(crate) fn train_refuses_targets(features: &str, objective: &str, needle: &str) {
    let out = format!("{features}.refused.bin");
    fails(
        &run("train", &[features, "-o", &out, "--objective", objective]),
        2,
        needle,
    );
    assert!(!Path::new(&out).exists());
}

pub(crate) fn json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn gbdt_engine_train_score_gates_history() {
    let d = TempDir::new("gbdt");
    let train = synthetic_titles(120, 0);
    let test = synthetic_titles(40, 3);
    setup(&d, &[("train.parquet", &train), ("test.parquet", &test)]);
    let (tr, te, model) = (d.path("train.parquet"), d.path("test.parquet"), d.path("model.bin"));
    let o = run(
        "train",
        &[
            &tr,
            "-o",
            &model,
            "--engine",
            "gbdt",
            "--vectorizer",
            &d.path("vec.bin"),
            "--lambda",
            "2",
        ],
    );
    ok(&o);
    assert!(
        stderr(&o).contains("the gbdt engine ignores --lambda"),
        "{}",
        stderr(&o)
    );
    let card = json(&d.path("model.bin.json"));
    assert_eq!(card["engine"], "gbdt");
    assert_eq!(card["rows"], 120);
    assert_eq!(card["params"]["n_estimators"], 20);
    assert!(card["training"]["train"]["r2"].as_f64().unwrap() > 0.95, "{card}");
    assert_eq!(card["model_fingerprint"], fingerprint(&std::fs::read(&model).unwrap()));

    // Round trip: scoring the saved model on its training features gives the card's numbers.
    let m = d.path("m.json");
    ok(&run("score", &["--model", &model, &tr, "-o", &m]));
    let r = json(&m);
    assert_eq!(r["r2"], card["training"]["train"]["r2"]);
    assert_eq!(r["rmse"], card["training"]["train"]["rmse"]);

    let (metrics, hist) = (d.path("metrics.json"), d.path("history.jsonl"));
    let gated = |min_r2: &str| {
        run(
            "score",
            &[
                "--model",
                &model,
                &te,
                "-o",
                &metrics,
                "--history",
                &hist,
                "--min-r2",
                min_r2,
            ],
        )
    };
    let o = gated("0.5");
    ok(&o);
    assert!(stderr(&o).contains("r2="), "summary on stderr");
    assert!(o.stdout.is_empty(), "stdout carries data only");
    let r = json(&metrics);
    assert!(r["r2"].as_f64().unwrap() > 0.9, "{r}");
    assert_eq!(r["baseline"]["source"], "training mean");
    assert_eq!(r["n"], 40);
    assert!(r["spearman"].as_f64().unwrap() > 0.8);
    assert_eq!(r["gates"]["passed"], true);
    assert!(r["model"]["fingerprint"].as_str().unwrap().starts_with("sha256:"));

    // Gates: an impossible --min-r2 fails with exit 1 and still writes the report and history.
    let o = gated("1.5");
    fails(&o, 1, "gate failed: r2");
    assert_eq!(json(&metrics)["gates"]["passed"], false);
    let lines = std::fs::read_to_string(&hist).unwrap();
    assert_eq!(lines.lines().count(), 2);
    for l in lines.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["timestamp"], "2023-11-14T22:13:20Z");
    }
    ok(&run("score", &["--model", &model, &te, "--must-beat-baseline", "-q"]));
    // Against a champion: the same model does not beat itself; a weaker champion is beaten.
    let o = run("score", &["--model", &model, &te, "--against", &metrics]);
    fails(&o, 1, "does not beat the champion's r2");
    std::fs::write(d.path("champ.json"), r#"{"r2": 0.1}"#).unwrap();
    ok(&run(
        "score",
        &["--model", &model, &te, "--against", &d.path("champ.json")],
    ));
    // JSON on stdout with -o -.
    let o = run("score", &["--model", &model, &te, "-o", "-", "-q"]);
    ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n"], 40);
}

#[test]
fn gbdt_engine_refuses_what_it_cannot_hold() {
    let d = TempDir::new("gbdt-mem");
    let train = synthetic_titles(50, 0);
    setup(&d, &[("train.parquet", &train)]);
    let (tr, m) = (d.path("train.parquet"), d.path("m.bin"));
    let gbdt = |extra: &[&str]| {
        run(
            "train",
            &[&[tr.as_str(), "-o", &m, "--engine", "gbdt"][..], extra].concat(),
        )
    };
    fails(
        &gbdt(&["--max-dense-bytes", "1k"]),
        2,
        "over the limit of 1.0 KiB (--max-dense-bytes)",
    );
    assert!(!Path::new(&m).exists() && !Path::new(&d.path("m.bin.json")).exists());
    fails(&gbdt(&["--subsample", "0.5"]), 2, "unseeded");
    fails(&gbdt(&["--objective", "poisson"]), 2, "no poisson objective");
}

#[test]
fn xgboost_import_predicts_like_python() {
    let d = TempDir::new("xgb");
    let root = env!("CARGO_MANIFEST_DIR");
    let fx = |f: &str| format!("{root}/tests/fixtures/xgboost/{f}");
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(fx("cases.json")).unwrap()).unwrap();
    let rows = cases["rows"].as_array().unwrap();
    let titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().unwrap()).collect();
    // The real vectorize tool, fitted on the same titles, is scikit-learn's: same features.
    let stories: Vec<Story> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let target = r["target"].as_f64().unwrap() as i64;
            story(
                100 + i as i64,
                1_700_000_000,
                Some(r["title"].as_str().unwrap()),
                Some(target),
            )
        })
        .collect();
    write_story_rows(&d.path("stories.parquet"), &stories);
    let o = Command::new(env!("CARGO_BIN_EXE_vectorize"))
        .args([
            "fit",
            &d.path("stories.parquet"),
            "--vectorizer",
            &d.path("vec.bin"),
            "-o",
            &d.path("features.parquet"),
        ])
        .output()
        .unwrap();
    ok(&o);
    let base = std::fs::read_to_string(fx("base_score")).unwrap();
    let model = d.path("model.bin");
    let o = run(
        "train",
        &[
            "--import-xgboost",
            &fx("dump.json"),
            "--base-score",
            base.trim(),
            "--vectorizer",
            &d.path("vec.bin"),
            "-o",
            &model,
        ],
    );
    ok(&o);
    assert_eq!(json(&d.path("model.bin.json"))["engine"], "xgboost-import");
    let o = run(
        "predict",
        &[
            "--model",
            &model,
            "--vectorizer",
            &d.path("vec.bin"),
            &d.path("stories.parquet"),
            "--format",
            "jsonl",
        ],
    );
    ok(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), rows.len());
    for l in out.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let i = (v["id"].as_i64().unwrap() - 100) as usize;
        let (ours, theirs) = (
            v["predicted_comments"].as_f64().unwrap(),
            rows[i]["xgboost_prediction"].as_f64().unwrap(),
        );
        assert!(
            (ours - theirs).abs() < 1e-3,
            "{}: ours {ours}, XGBoost {theirs}",
            titles[i]
        );
    }
    // A dump with no base score, or one that is not a dump, is refused.
    let o = run(
        "train",
        &[
            "--import-xgboost",
            &fx("dump.json"),
            "--vectorizer",
            &d.path("vec.bin"),
            "-o",
            &model,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        "train",
        &[
            "--import-xgboost",
            &fx("cases.json"),
            "--base-score",
            "1",
            "--vectorizer",
            &d.path("vec.bin"),
            "-o",
            &model,
        ],
    );
    fails(&o, 2, "not an XGBoost JSON dump");
    // Too few features for the dump's splits: it was trained on another vectorizer.
    let o = run(
        "train",
        &[
            "--import-xgboost",
            &fx("dump.json"),
            "--base-score",
            "1",
            "--n-features",
            "10",
            "-o",
            &model,
        ],
    );
    fails(&o, 2, "splits on feature");
}

#[test]
fn predict_formats_and_belonging() {
    let d = TempDir::new("predict");
    let model = gbdt_model(&d, 120);
    write_stories(
        &d.path("latest.parquet"),
        &[
            "Ask HN: rust or python?",
            "A linux story",
            "Rust, rust, rust",
            "show go",
        ],
    );
    let (vec, stories) = (d.path("vec.bin"), d.path("latest.parquet"));
    let base = ["--model", &model, "--vectorizer", &vec, &stories];

    let out = d.path("pred.parquet");
    ok(&run("predict", &[&base[..], &["-o", &out]].concat()));
    let t = hn_shared::table::Table::read(&out, None).unwrap();
    assert_eq!(t.num_rows(), 4);
    assert_eq!(t.i64_column("id").unwrap()[0], Some(100), "input order kept");
    let model_fp = fingerprint(&std::fs::read(&model).unwrap());
    assert_eq!(t.str_column("model").unwrap().value(0), model_fp);
    assert_eq!(t.meta("model"), Some(model_fp.as_str()));
    assert!(t.metadata.get("hn.inputs").unwrap().contains(&stories));
    let pred = t.f64_column("predicted_comments").unwrap();
    assert!(
        pred[0].unwrap() > pred[1].unwrap(),
        "ask+rust+python beats linux: {pred:?}"
    );

    let o = run("predict", &[&base[..], &["--format", "table", "--top", "2"]].concat());
    ok(&o);
    let s = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 3, "{s}");
    assert!(lines[0].starts_with("predicted"), "{s}");
    assert!(lines[1].contains("Ask HN: rust or python?"), "highest first: {s}");
    let o = run("predict", &[&base[..], &["--format", "csv"]].concat());
    ok(&o);
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(s.starts_with("id,title,time,predicted_comments,model\n"), "{s}");
    assert!(s.contains("\"Rust, rust, rust\""), "quoted: {s}");

    // A vectorizer fitted elsewhere: refused, exit 2.
    let other: Vec<Option<&str>> = vec![Some("completely different words"), Some("here")];
    let (v2, _) = Vectorizer::fit(&other, Settings::default()).unwrap();
    std::fs::write(d.path("other.bin"), v2.to_bytes().unwrap()).unwrap();
    let o = run(
        "predict",
        &[
            "--model",
            &model,
            "--vectorizer",
            &d.path("other.bin"),
            &stories,
            "--format",
            "csv",
        ],
    );
    fails(&o, 2, "do not belong together");
    // Stories without the title column, and a renamed one.
    let o = run("predict", &[&base[..], &["--title-column", "headline"]].concat());
    fails(&o, 2, "no column \"headline\"");
}

#[test]
fn bad_inputs_are_clear_errors() {
    let d = TempDir::new("bad");
    let model = gbdt_model(&d, 60);

    // Empty features.
    let empty = Features {
        ids: vec![],
        target: vec![],
        x: Csr::new(5),
        vectorizer: None,
    };
    write_features(&d.path("empty.parquet"), &empty, Provenance::new("test", vec![])).unwrap();
    fails(
        &run("train", &[&d.path("empty.parquet"), "-o", &d.path("x.bin")]),
        2,
        "no rows to train on",
    );
    fails(
        &run("score", &["--model", &model, &d.path("empty.parquet")]),
        2,
        "no rows to score",
    );
    std::fs::write(d.path("zero.parquet"), b"").unwrap();
    fails(
        &run("train", &[&d.path("zero.parquet"), "-o", &d.path("x.bin")]),
        2,
        "is empty",
    );

    // NaN targets.
    let mut x = Csr::new(3);
    x.push_row(&[0], &[1.0]);
    x.push_row(&[1], &[1.0]);
    let nan = Features {
        ids: vec![7, 8],
        target: vec![1.0, f64::NAN],
        x,
        vectorizer: None,
    };
    write_features(&d.path("nan.parquet"), &nan, Provenance::new("test", vec![])).unwrap();
    fails(
        &run("train", &[&d.path("nan.parquet"), "-o", &d.path("x.bin")]),
        2,
        "target is NaN for id 8",
    );
    fails(
        &run(
            "train",
            &[&d.path("nan.parquet"), "-o", &d.path("x.bin"), "--engine", "gbdt"],
        ),
        2,
        "NaN",
    );

    // Features from another vectorizer than the model's.
    let other = synthetic_titles(30, 5);
    let d2 = TempDir::new("bad-other");
    setup(&d2, &[("f.parquet", &other[..])]);
    fails(
        &run("score", &["--model", &model, &d2.path("f.parquet")]),
        2,
        "do not belong together",
    );

    // Foreign, truncated and future-version artifacts.
    let test = d.path("train.parquet");
    fails(
        &run("score", &["--model", &d.path("vec.bin"), &test]),
        2,
        "not a model file",
    );
    std::fs::write(
        d.path("random.bin"),
        (0..200u32).map(|i| (i * 37 % 251) as u8).collect::<Vec<_>>(),
    )
    .unwrap();
    fails(
        &run("score", &["--model", &d.path("random.bin"), &test]),
        2,
        "not a model file",
    );
    fails(&run("score", &["--model", &test, &test]), 2, "not a model file");
    let bytes = std::fs::read(&model).unwrap();
    std::fs::write(d.path("short.bin"), &bytes[..bytes.len() / 2]).unwrap();
    fails(&run("score", &["--model", &d.path("short.bin"), &test]), 2, "truncated");
    let mut v2 = bytes.clone();
    v2[16..20].copy_from_slice(&2u32.to_le_bytes());
    std::fs::write(d.path("v2.bin"), &v2).unwrap();
    fails(
        &run("score", &["--model", &d.path("v2.bin"), &test]),
        2,
        "model format version 2 is not supported",
    );
    fails(
        &run("score", &["--model", &d.path("missing.bin"), &test]),
        2,
        "cannot open",
    );
    fails(
        &run("predict", &["--model", &model, "--vectorizer", &model, &test]),
        2,
        "not a vectorizer file",
    );
}

#[test]
fn native_engine_train_score_predict() {
    let d = TempDir::new("native");
    let train = synthetic_titles(200, 0);
    let test = synthetic_titles(60, 3);
    setup(&d, &[("train.parquet", &train), ("test.parquet", &test)]);
    let (tr, te, vec) = (d.path("train.parquet"), d.path("test.parquet"), d.path("vec.bin"));
    let model = d.path("model.bin");
    let o = run("train", &[&tr, "-o", &model, "--vectorizer", &vec, "--validation", &te]);
    ok(&o);
    assert!(stderr(&o).contains("200 rows"), "{}", stderr(&o));
    let card = json(&d.path("model.bin.json"));
    assert_eq!(card["engine"], "native");
    assert_eq!(card["params"]["tree_method"], "hist");
    assert_eq!(card["trees"], 20);
    assert!(card["training"]["validation"]["r2"].as_f64().unwrap() > 0.9, "{card}");
    // The word worth the most comments is the top term by gain, named through the vectorizer.
    assert_eq!(card["feature_importance"][0]["term"], "rust", "{card}");
    assert_eq!(card["vectorizer"], fingerprint(&std::fs::read(&vec).unwrap()));
    assert_eq!(card["training_features"], fingerprint(&std::fs::read(&tr).unwrap()));
    assert!(card["provenance"]["inputs"].as_object().unwrap().contains_key(&tr));

    // Determinism: same inputs and seed, on one thread: byte-identical model.
    let again = d.path("again.bin");
    let args = [
        &tr,
        "-o",
        &again,
        "--vectorizer",
        &vec,
        "--validation",
        &te,
        "-q",
        "--threads",
        "1",
    ];
    ok(&run("train", &args));
    assert_eq!(std::fs::read(&model).unwrap(), std::fs::read(&again).unwrap());

    // Save/load round trip: the loaded model scores its training rows exactly as trained.
    let m = d.path("m.json");
    ok(&run("score", &["--model", &model, &tr, "-o", &m, "-q"]));
    assert_eq!(json(&m)["r2"], card["training"]["train"]["r2"]);
    ok(&run(
        "score",
        &[
            "--model",
            &model,
            &te,
            "-o",
            &m,
            "--must-beat-baseline",
            "--min-r2",
            "0.9",
        ],
    ));

    // Other objectives and early stopping.
    for extra in [
        &["--objective", "poisson"][..],
        &["--objective", "squared-log1p", "--tree-method", "exact"],
        &[
            "--early-stopping-rounds",
            "2",
            "--n-estimators",
            "200",
            "--subsample",
            "0.8",
            "--colsample-bytree",
            "0.8",
        ],
    ] {
        let p = d.path("o.bin");
        ok(&run(
            "train",
            &[&[&tr[..], "-o", &p, "--validation", &te, "-q"][..], extra].concat(),
        ));
        let card = json(&d.path("o.bin.json"));
        assert!(
            card["training"]["validation"]["r2"].as_f64().unwrap() > 0.8,
            "{extra:?}: {card}"
        );
        ok(&run("score", &["--model", &p, &te, "--must-beat-baseline", "-q"]));
    }
    let card = json(&d.path("o.bin.json"));
    assert!(card["trees"].as_u64().unwrap() < 200, "early stopping stopped: {card}");

    // Predictions through the model's own vectorizer.
    let first = predict_latest(&d, &model, &vec).remove(0);
    assert_eq!(first["id"], 100, "highest first");
    assert!(
        (first["predicted_comments"].as_f64().unwrap() - 75.0).abs() < 5.0,
        "{first}"
    );

    // Bad parameters are refused by name.
    fails(&run("train", &[&tr, "-o", &d.path("x.bin"), "--eta", "0"]), 2, "eta");
    fails(
        &run("train", &[&tr, "-o", &d.path("x.bin"), "--subsample", "1.5"]),
        2,
        "subsample",
    );
    // Negative targets cannot be Poisson.
    let neg: Vec<(String, f64)> = train.iter().map(|(t, y)| (t.clone(), y - 30.0)).collect();
    let d2 = TempDir::new("native-neg");
    setup(&d2, &[("neg.parquet", &neg[..])]);
    train_refuses_targets(&d2.path("neg.parquet"), "poisson", "negative");
}

/// The Makefile's model assets through the real split and vectorize tools, the champion, promote.
#[test]
fn makefile_model_assets_and_promote() {
    let d = TempDir::new("make");
    write_story_rows(&d.path("stories.parquet"), &crate::stories_fixture::stories(300));
    write_stories(
        &d.path("latest.parquet"),
        &["rust database", "ask hn: python or rust?", "linux café"],
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_train"))
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let make = |target: &str| {
        Command::new("make")
            .args(["--no-print-directory", "-C", env!("CARGO_MANIFEST_DIR")])
            // Binaries and raw stories are given: make must not rebuild or fetch them here.
            .args([
                "-o",
                &format!("{bin}/.built"),
                "-o",
                &d.path("stories.parquet"),
                "-o",
                &d.path("latest.parquet"),
            ])
            .arg(format!("DATA={}", d.0.display()))
            .arg(format!("BIN={bin}"))
            .arg(target)
            .env("HN_NOW", "1700000000")
            .output()
            .unwrap()
    };
    let o = make(&d.path("predictions.parquet"));
    ok(&o);
    let o = make(&d.path("metrics.json"));
    ok(&o);
    for f in [
        "model.bin",
        "model.bin.json",
        "metrics.json",
        "metrics.history.jsonl",
        "predictions.parquet",
    ] {
        assert!(Path::new(&d.path(f)).exists(), "{f}");
    }
    let t = hn_shared::table::Table::read(&d.path("predictions.parquet"), None).unwrap();
    assert_eq!(t.num_rows(), 3);
    // Up to date: nothing retrains.
    let o = make(&d.path("metrics.json"));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("train"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // The first model became the champion and made the predictions; it does not beat itself.
    assert_eq!(
        std::fs::read(d.path("champion/model.bin")).unwrap(),
        std::fs::read(d.path("model.bin")).unwrap()
    );
    let o = make("promote");
    ok(&o);
    assert!(stderr(&o).contains("is the champion already"), "{}", stderr(&o));

    ok(&make("clean"));
    assert!(!Path::new(&d.path("model.bin")).exists() && Path::new(&d.path("champion/model.bin")).exists());
}
