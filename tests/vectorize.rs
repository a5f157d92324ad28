//! End-to-end tests of `vectorize`: the real binary against scikit-learn's output on the
//! committed fixture (shared/testdata/tfidf-sklearn.json, made by scripts/make-tfidf-fixture.py).

use crate::stories_fixture::*;
use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use hn_shared::features::read_features;
use hn_shared::io::fingerprint;
use hn_shared::sparse::Csr;
use std::sync::Arc;

const VECTORIZE: &str = env!("CARGO_BIN_EXE_vectorize");

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("../shared/testdata/tfidf-sklearn.json")).unwrap()
}

fn case<'a>(fx: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    fx["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

fn titles(fx: &serde_json::Value, key: &str) -> Vec<String> {
    fx[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// A stories table with these titles, ids 1.., comment counts i (null for every 5th).
fn write_titles(path: &str, titles: &[String]) {
    let s: Vec<_> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| story(i as i64 + 1, 1000 + i as i64, Some(t), (i % 5 != 0).then_some(i as i64)))
        .collect();
    write_stories(path, &s);
}

fn assert_rows(what: &str, x: &Csr, want: &serde_json::Value) {
    let want = want.as_array().unwrap();
    assert_eq!(x.n_rows(), want.len(), "{what}");
    for (r, w) in want.iter().enumerate() {
        let (idx, val) = x.row(r);
        let wi: Vec<u32> = w[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(idx, &wi[..], "{what}: row {r}");
        for (k, v) in w[1].as_array().unwrap().iter().enumerate() {
            let v = v.as_f64().unwrap();
            assert!(
                (val[k] as f64 - v).abs() < 1e-6,
                "{what}: row {r}: {} vs scikit-learn {v}",
                val[k]
            );
        }
    }
}

fn vocabulary(vec: &str) -> Vec<String> {
    let o = ok(run(VECTORIZE, &["-q", "vocabulary", "--vectorizer", vec]));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["term"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn fit_and_compare(case_name: &str, opts: &[&str]) {
    let fx = fixture();
    let c = case(&fx, case_name);
    let d = TempDir::new("vec-fit");
    let (train, unseen) = (d.path("train.parquet"), d.path("unseen.parquet"));
    write_titles(&train, &titles(&fx, "titles"));
    write_titles(&unseen, &titles(&fx, "unseen"));
    let (vec, tf, uf) = (d.path("vec.bin"), d.path("train_f.parquet"), d.path("unseen_f.parquet"));
    let args = [&["fit", &train, "--vectorizer", &vec, "-o", &tf][..], opts].concat();
    let o = ok(run(VECTORIZE, &args));
    assert!(stderr(&o).contains("rows ->"), "{}", stderr(&o));
    ok(run(VECTORIZE, &["transform", &unseen, "--vectorizer", &vec, "-o", &uf]));
    let want_vocab: Vec<String> = c["vocabulary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().into())
        .collect();
    assert_eq!(vocabulary(&vec), want_vocab, "{case_name}");
    let fit = read_features(&tf).unwrap().features;
    assert_rows(case_name, &fit.x, &c["fit_rows"]);
    assert_eq!(fit.x.n_cols, want_vocab.len());
    let tr = read_features(&uf).unwrap().features;
    assert_rows(case_name, &tr.x, &c["transform_rows"]);
    // Both carry the vectorizer's fingerprint: the sha256 of the file.
    let fp = fingerprint(&std::fs::read(&vec).unwrap());
    assert_eq!(fit.vectorizer.as_deref(), Some(fp.as_str()));
    assert_eq!(tr.vectorizer.as_deref(), Some(fp.as_str()));
    // Targets: descendants with nulls as 0.
    assert_eq!(&fit.target[..6], &[0.0, 1.0, 2.0, 3.0, 4.0, 0.0]);
    assert_eq!(fit.ids[..3], [1, 2, 3]);
}

#[test]
fn defaults_equal_scikit_learn() {
    fit_and_compare("default", &[]);
}

#[test]
fn options_equal_scikit_learn() {
    fit_and_compare("ngram_1_2", &["--ngram", "1,2"]);
    fit_and_compare("min_df_0_05_max_df_3", &["--min-df", "0.05", "--max-df", "3"]);
    fit_and_compare(
        "all_options",
        &[
            "--ngram",
            "1,2",
            "--min-df",
            "2",
            "--max-features",
            "10",
            "--sublinear-tf",
        ],
    );
    fit_and_compare("no_lowercase", &["--no-lowercase"]);
    fit_and_compare("token_pattern_nonspace", &["--token-pattern", r"\S+"]);
}

#[test]
fn metadata_nulls_and_custom_columns() {
    let d = TempDir::new("vec-cols");
    let input = d.path("t.parquet");
    let b = RecordBatch::try_from_iter([
        ("key", Arc::new(Int64Array::from(vec![7, 8, 9])) as ArrayRef),
        (
            "headline",
            Arc::new(StringArray::from(vec![Some("Rust rust go"), None, Some("")])) as ArrayRef,
        ),
        (
            "comments",
            Arc::new(Int64Array::from(vec![Some(3), None, Some(1)])) as ArrayRef,
        ),
    ])
    .unwrap();
    write_batch(&input, &b);
    let (vec, out) = (d.path("v.bin"), d.path("f.parquet"));
    let cols = ["--text", "headline", "--target", "comments", "--id", "key"];
    ok(run(
        VECTORIZE,
        &[&["fit", &input, "--vectorizer", &vec, "-o", &out][..], &cols].concat(),
    ));
    let f = read_features(&out).unwrap();
    assert_eq!(f.features.ids, [7, 8, 9]);
    assert_eq!(f.features.target, [3.0, 0.0, 1.0]);
    assert_eq!(f.features.x.row(0).0, &[0, 1], "go, rust");
    assert!(f.features.x.row(1).0.is_empty() && f.features.x.row(2).0.is_empty());
    let t = read(&out);
    assert_eq!(t.meta("tool"), Some("vectorize"));
    assert_eq!(t.meta("n_features"), Some("2"));
    assert!(t.meta("inputs").unwrap().contains(&t_fp(&input)));
    // transform also accepts zero rows (an empty features file).
    let empty = d.path("empty.parquet");
    write_stories(&empty, &[]);
    let out2 = d.path("f2.parquet");
    ok(run(
        VECTORIZE,
        &["transform", &empty, "--vectorizer", &vec, "-o", &out2],
    ));
    assert_eq!(read_features(&out2).unwrap().features.ids.len(), 0);
}

fn t_fp(p: &str) -> String {
    fingerprint(&std::fs::read(p).unwrap())
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let d = TempDir::new("vec-bad");
    let input = d.path("s.parquet");
    write_stories(&input, &stories(20));
    let (vec, out) = (d.path("v.bin"), d.path("f.parquet"));
    let fit = |extra: &[&str]| {
        run(
            VECTORIZE,
            &[&["fit", &input, "--vectorizer", &vec, "-o", &out][..], extra].concat(),
        )
    };
    fails_with(fit(&["--text", "nope"]), "vectorize", "no column \"nope\"");
    fails_with(
        fit(&["--text", "time"]),
        "vectorize",
        "column \"time\" should hold text",
    );
    fails_with(fit(&["--target", "title"]), "vectorize", "should hold numbers");
    fails_with(
        fit(&["--min-df", "15", "--max-df", "3"]),
        "vectorize",
        "fewer documents than min-df",
    );
    fails_with(fit(&["--min-df", "0.99"]), "vectorize", "no terms remain");
    fails_with(fit(&["--token-pattern", "("]), "vectorize", "bad token pattern");
    assert_eq!(fit(&["--ngram", "2,1"]).status.code(), Some(2));
    assert_eq!(fit(&["--max-df", "1.5"]).status.code(), Some(2));
    assert!(!exists(&vec) && !exists(&out), "nothing written by failed fits");
    // An output that cannot be written is reported before the input is read (here one that
    // is not there either), and the other output is not left half-made.
    fails_with(
        run(
            VECTORIZE,
            &[
                "fit",
                &d.path("missing.parquet"),
                "--vectorizer",
                &d.path("no/v.bin"),
                "-o",
                &out,
            ],
        ),
        "vectorize",
        "cannot create",
    );
    let left: Vec<_> = std::fs::read_dir(d.path("."))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(!exists(&out) && left.len() == 1, "only the input is there: {left:?}");
    let empty = d.path("empty.parquet");
    write_stories(&empty, &[]);
    fails_with(
        run(VECTORIZE, &["fit", &empty, "--vectorizer", &vec, "-o", &out]),
        "vectorize",
        "has no rows",
    );
    let junk = d.path("junk.parquet");
    std::fs::write(&junk, b"PAR1 but not really").unwrap();
    fails_with(
        run(VECTORIZE, &["fit", &junk, "--vectorizer", &vec, "-o", &out]),
        "vectorize",
        "not a readable Parquet file",
    );
    let nullid = d.path("nullid.parquet");
    let b = RecordBatch::try_from_iter([
        ("id", Arc::new(Int64Array::from(vec![Some(1), None])) as ArrayRef),
        ("title", Arc::new(StringArray::from(vec!["aa bb", "cc dd"])) as ArrayRef),
        ("descendants", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef),
    ])
    .unwrap();
    write_batch(&nullid, &b);
    fails_with(
        run(VECTORIZE, &["fit", &nullid, "--vectorizer", &vec, "-o", &out]),
        "vectorize",
        "column \"id\" is null at row 1",
    );

    // Vectorizer artifacts: good, then of another kind, another version, truncated, not one.
    ok(fit(&[]));
    let good = std::fs::read(&vec).unwrap();
    let tr = |bytes: &[u8], want: &str| {
        let bad = d.path("bad.bin");
        std::fs::write(&bad, bytes).unwrap();
        fails_with(
            run(
                VECTORIZE,
                &["transform", &input, "--vectorizer", &bad, "-o", &d.path("x.parquet")],
            ),
            "vectorize",
            want,
        );
    };
    let mut other_kind = good.clone();
    other_kind[8..16].copy_from_slice(b"MODEL\0\0\0");
    tr(&other_kind, "it is a \"MODEL\" artifact");
    let mut v2 = good.clone();
    v2[16..20].copy_from_slice(&2u32.to_le_bytes());
    tr(&v2, "version 2 is not supported");
    tr(&good[..good.len() / 2], "truncated");
    tr(b"", "not a vectorizer file");
    tr(&std::fs::read(&input).unwrap(), "not a vectorizer file");
    assert!(!exists(&d.path("x.parquet")));
}

#[test]
fn makefile_builds_split_and_features() {
    let d = TempDir::new("vec-make");
    let stories_path = d.path("stories.parquet");
    write_stories(&stories_path, &stories(200));
    let bin = std::path::Path::new(VECTORIZE)
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let make = |target: &str| {
        std::process::Command::new("make")
            .args(["--no-print-directory", "-C", env!("CARGO_MANIFEST_DIR")])
            // Binaries and stories are given: make must not rebuild or fetch them here.
            .args(["-o", &format!("{bin}/.built"), "-o", &stories_path])
            .arg(format!("DATA={}", d.0.display()))
            .arg(format!("BIN={bin}"))
            .arg("SPLIT_ARGS=--by time")
            .arg(target)
            .output()
            .unwrap()
    };
    let target = d.path("test_features.parquet");
    let o = ok(make(&target));
    let log = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        log.matches("split ").count(),
        1,
        "one split run for both outputs: {log}"
    );
    assert!(log.contains("--by time"), "{log}");
    for f in [
        "train.parquet",
        "test.parquet",
        "vectorizer.bin",
        "train_features.parquet",
        "test_features.parquet",
    ] {
        assert!(exists(&d.path(f)), "{f} missing");
    }
    let test_f = read_features(&target).unwrap();
    assert_eq!(test_f.features.ids.len(), 40);
    let o = ok(make(&target));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("vectorize"),
        "nothing to redo"
    );
    ok(make("clean"));
    assert_eq!(d.files(), ["stories.parquet"]);
}
