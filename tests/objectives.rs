//! End-to-end tests of the objectives and of scores that never lie (issue 7): logistic through
//! train, score and predict; refusals of targets, gates and tables that do not fit; headers
//! that would size memory checked against the data.

use crate::model::{fails, json, ok, predict_latest, run, setup, synthetic_titles, train_refuses_targets};
use crate::stories_fixture::{TempDir, stderr, stories, write_stories as write_story_rows};
use hn_shared::features::{Features, write_features};
use hn_shared::sparse::Csr;
use hn_shared::table::Provenance;

/// The synthetic titles with a 0/1 label: more than 20 comments.
fn labelled(n: usize, salt: usize) -> Vec<(String, f64)> {
    synthetic_titles(n, salt)
        .into_iter()
        .map(|(t, y)| (t, if y > 20.0 { 1.0 } else { 0.0 }))
        .collect()
}

#[test]
fn logistic_train_score_predict() {
    let d = TempDir::new("logistic");
    let (train, test) = (labelled(200, 0), labelled(60, 3));
    setup(
        &d,
        &[
            ("train.parquet", &train),
            ("test.parquet", &test),
            ("counts.parquet", &synthetic_titles(60, 3)),
        ],
    );
    let (tr, te, vec) = (d.path("train.parquet"), d.path("test.parquet"), d.path("vec.bin"));
    let model = d.path("model.bin");
    let o = run(
        "train",
        &[
            &tr,
            "-o",
            &model,
            "--vectorizer",
            &vec,
            "--validation",
            &te,
            "--objective",
            "logistic",
        ],
    );
    ok(&o);
    assert!(stderr(&o).contains("train auc"), "{}", stderr(&o));
    let card = json(&d.path("model.bin.json"));
    assert_eq!(card["params"]["objective"], "logistic");
    assert_eq!(card["task"], "binary");
    assert_eq!(card["training"]["eval_metric"], "logloss");
    assert!(card["training"]["validation"]["auc"].as_f64().unwrap() > 0.95, "{card}");

    // score: auc, logloss, accuracy, the base-rate baseline; no regression metrics.
    let m = d.path("m.json");
    let gates = ["--min-auc", "0.9", "--must-beat-baseline"];
    let o = run("score", &[&["--model", &model, &te, "-o", &m][..], &gates].concat());
    ok(&o);
    assert!(stderr(&o).contains("auc="), "{}", stderr(&o));
    let r = json(&m);
    assert_eq!(r["task"], "binary");
    assert!(r["auc"].as_f64().unwrap() > 0.9 && r["logloss"].is_number() && r["accuracy"].is_number());
    assert!(r.get("r2").is_none());
    assert_eq!(r["baseline"]["source"], "training base rate");
    // A champion report of the same kind is compared by auc.
    fails(
        &run("score", &["--model", &model, &te, "--against", &m, "-q"]),
        1,
        "does not beat the champion's auc",
    );
    // A gate that does not fit the objective is refused, before any data is read.
    fails(
        &run("score", &["--model", &model, &te, "--min-r2", "0.1"]),
        2,
        "--min-r2 does not fit",
    );
    // Count targets are not 0/1: the column, an id and the value are named.
    fails(
        &run("score", &["--model", &model, &d.path("counts.parquet")]),
        2,
        "column \"target\" is 5 for id 0",
    );
    train_refuses_targets(
        &d.path("counts.parquet"),
        "logistic",
        "column \"target\" is 5 for id 0, which is not 0 or 1",
    );
    fails(
        &run(
            "train",
            &[
                &tr,
                "-o",
                &d.path("x.bin"),
                "--objective",
                "logistic",
                "--engine",
                "gbdt",
            ],
        ),
        2,
        "--engine gbdt has no logistic objective",
    );

    // predict: probabilities.
    for v in predict_latest(&d, &model, &vec) {
        let p = v["predicted_comments"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{v}");
    }
}

#[test]
fn undefined_metrics_are_null_and_gates_must_be_finite() {
    let d = TempDir::new("undefined");
    let train = synthetic_titles(120, 0);
    // Ten test rows, every target 7.
    let flat: Vec<(String, f64)> = synthetic_titles(10, 3).into_iter().map(|(t, _)| (t, 7.0)).collect();
    setup(&d, &[("train.parquet", &train), ("flat.parquet", &flat)]);
    let model = d.path("model.bin");
    ok(&run("train", &[&d.path("train.parquet"), "-o", &model, "-q"]));
    let m = d.path("m.json");
    let o = run("score", &["--model", &model, &d.path("flat.parquet"), "-o", &m]);
    ok(&o);
    let r = json(&m);
    for k in ["r2", "r2_log1p", "spearman"] {
        assert!(r[k].is_null(), "{k}: {r}");
        assert!(r["undefined"][k].as_str().unwrap().contains("all 7"), "{r}");
    }
    assert!(r["mae"].is_number() && r["baseline"]["r2"].is_null());
    assert!(r["warnings"][0].as_str().unwrap().contains("only 10 test rows"), "{r}");
    let e = stderr(&o);
    assert!(
        e.contains("only 10 test rows") && e.contains("r2=n/a") && e.contains("r2 is undefined"),
        "{e}"
    );
    // A gate on an undefined metric cannot pass.
    fails(
        &run("score", &["--model", &model, &d.path("flat.parquet"), "--min-r2", "-5"]),
        1,
        "r2 is undefined",
    );
    // Gate values must be finite numbers.
    for (flag, v) in [("--min-r2", "nan"), ("--min-r2", "inf"), ("--min-auc", "NaN")] {
        fails(
            &run("score", &["--model", &model, &d.path("flat.parquet"), flag, v]),
            2,
            "give a finite number",
        );
    }
}

#[test]
fn headers_that_size_memory_are_checked_against_the_data() {
    let d = TempDir::new("headers");
    // 200 rows of 3 features whose header declares 4,294,967,295 (and 200M) features.
    for (name, declared) in [("huge.parquet", 4_294_967_295usize), ("big.parquet", 200_000_000)] {
        let mut x = Csr::new(declared);
        for i in 0..200u32 {
            x.push_row(&[i % 3], &[1.0]);
        }
        let f = Features {
            ids: (0..200).collect(),
            target: (0..200).map(|i| (i % 7) as f64).collect(),
            x,
            vectorizer: None,
        };
        write_features(&d.path(name), &f, Provenance::new("test", vec![])).unwrap();
        for engine in ["native", "gbdt"] {
            fails(
                &run("train", &[&d.path(name), "-o", &d.path("x.bin"), "--engine", engine]),
                2,
                &format!("hn.n_features says {declared} features but its indices use 3"),
            );
        }
    }
    assert!(!std::path::Path::new(&d.path("x.bin")).exists());
}

#[test]
fn the_wrong_kind_of_table_says_what_to_do() {
    let d = TempDir::new("kinds");
    setup(&d, &[("train.parquet", &synthetic_titles(60, 0))]);
    let model = d.path("model.bin");
    ok(&run("train", &[&d.path("train.parquet"), "-o", &model, "-q"]));
    let st = d.path("stories.parquet");
    write_story_rows(&st, &stories(20));
    fails(
        &run("train", &[&st, "-o", &d.path("x.bin")]),
        2,
        "this looks like a stories table, not features; make features with `vectorize fit",
    );
    fails(
        &run("score", &["--model", &model, &st]),
        2,
        "this looks like a stories table",
    );
    let (vec, features) = (d.path("vec.bin"), d.path("train.parquet"));
    let o = run("predict", &["--model", &model, "--vectorizer", &vec, &features]);
    fails(&o, 2, "this looks like a features table, not stories");
}
