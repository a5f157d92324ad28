//! The whole pipeline as a user runs it: the real Makefile, from the bundled demo dump through
//! every tool to predictions, in parallel (`make -j2`), then incremental rebuilds.

use crate::stories_fixture::{TempDir, stderr};
use hn_shared::features::read_features;
use hn_shared::table::Table;
use std::path::Path;
use std::process::{Command, Output};

/// `make` in the repo with DATA in a temp dir, the given variables and HN_NOW. The tools are the
/// ones cargo just built for this test run (`-o` and CARGO=true keep make from calling cargo).
pub fn make_with(data: &TempDir, vars: &[&str], args: &[&str], now: i64) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_hn-fetch"))
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    Command::new("make")
        .args([
            "--no-print-directory",
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "-o",
            &format!("{bin}/.built"),
        ])
        .arg(format!("BIN={bin}"))
        // Sub-makes (refresh, monitor) do not inherit -o: CARGO=true keeps them from building.
        .arg("CARGO=true")
        .arg(format!("DATA={}", data.0.display()))
        .args(vars)
        .args(args)
        .env("HN_NOW", now.to_string())
        .output()
        .unwrap()
}

/// `make` with the demo's offline source.
fn make(data: &TempDir, args: &[&str]) -> Output {
    make_with(
        data,
        &[
            "HN_DUMP=fixtures/demo-items.jsonl",
            "TRAIN_IDS=1900",
            "PREDICT_IDS=100",
            "MIN_AGE=2d",
        ],
        args,
        1_800_000_000,
    )
}

/// The tools a make run ran, in order (the first word of each command line it echoed).
pub fn ran(o: &Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|cmd| cmd.rsplit('/').next())
        .filter(|t| {
            [
                "hn-fetch",
                "split",
                "vectorize",
                "train",
                "score",
                "predict",
                "registry",
                "drift",
                "outcomes",
            ]
            .contains(t)
        })
        .map(str::to_string)
        .collect()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn make_runs_the_whole_pipeline_and_then_only_what_is_stale() {
    let d = TempDir::new("pipeline");
    let o = make(&d, &["-j2", "all"]);
    assert!(o.status.success(), "make -j2 all: {}", stderr(&o));
    for f in [
        "stories.parquet",
        "latest.parquet",
        "train.parquet",
        "test.parquet",
        "vectorizer.bin",
        "train_features.parquet",
        "test_features.parquet",
        "model.bin",
        "model.bin.json",
        "metrics.json",
        "predictions.parquet",
        "champion/model.bin",
        "champion/settings.json",
    ] {
        assert!(Path::new(&d.path(f)).exists(), "{f} missing after make all");
    }
    // Train and test partition the stories; the features line up with them.
    let n = |f: &str| Table::read(&d.path(f), Some(&["id"])).unwrap().num_rows();
    assert_eq!(n("train.parquet") + n("test.parquet"), n("stories.parquet"));
    assert_eq!(
        read_features(&d.path("test_features.parquet"))
            .unwrap()
            .features
            .ids
            .len(),
        n("test.parquet")
    );
    assert_eq!(n("predictions.parquet"), n("latest.parquet"));
    // The stories predicted for are never training rows: the newest ids, beyond the training set.
    let ids = |f: &str| -> std::collections::BTreeSet<i64> {
        Table::read(&d.path(f), Some(&["id"]))
            .unwrap()
            .required_i64_column("id")
            .unwrap()
            .into_iter()
            .collect()
    };
    let (latest, stories) = (ids("latest.parquet"), ids("stories.parquet"));
    assert!(!latest.is_empty() && stories.iter().max() < latest.iter().min());
    // The demo's titles carry a signal: the model must beat the mean on held-out stories.
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.path("metrics.json")).unwrap()).unwrap();
    let (r2, base) = (m["r2"].as_f64().unwrap(), m["baseline"]["r2"].as_f64().unwrap());
    assert!(r2 > base && r2 > 0.05, "r2 {r2} vs baseline {base}");

    // Nothing is stale: nothing runs.
    let o = make(&d, &["all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(ran(&o).is_empty(), "{}", stdout(&o));

    // New test stories: exactly the steps downstream of them run again.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(d.path("test.parquet"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let o = make(&d, &["all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Drift compares with the model's test score (--baseline metrics.json): it reruns too.
    assert_eq!(ran(&o), ["vectorize", "score", "drift", "registry"], "{}", stdout(&o));
}
