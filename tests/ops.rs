//! Operations through the real Makefile, offline (a dump written here): parameters as part of
//! each asset's identity, the score gate, the registry and its champion, promote and rollback,
//! outcomes, and the cron runner.

use crate::pipeline::{make_with, ran, stdout};
use crate::stories_fixture::{TempDir, stderr};
use hn_shared::table::Table;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Output;

/// Item times: one id every 10 minutes from T0.
const T0: i64 = 1_700_000_000;
const STEP: i64 = 600;
const DAY: i64 = 86_400;

/// A planted signal: titles about rust draw 80 comments, about python 30, the rest 1-3, so a
/// model that learns anything beats one that does not, with certainty.
fn planted_items(ids: std::ops::RangeInclusive<i64>) -> String {
    let topics = ["rust", "python", "gardening", "cooking", "weather", "football"];
    let fillers = ["today", "release", "notes", "guide", "news", "thoughts", "update"];
    ids.map(|i| {
        let topic = topics[(i as usize * 7) % topics.len()];
        let title = format!("{topic} {} {}", fillers[i as usize % 7], fillers[(i as usize / 7) % 7]);
        let comments = match topic {
            "rust" => 80,
            "python" => 30,
            _ => 1 + i % 3,
        };
        json!({"id": i, "type": "story", "by": "u", "time": T0 + i * STEP, "title": title,
               "score": 5, "descendants": comments})
        .to_string()
            + "\n"
    })
    .collect()
}

/// A data folder and a dump beside it, with the variables the tests share.
struct Ops {
    d: TempDir,
    dump: String,
}

impl Ops {
    fn new(tag: &str, ids: std::ops::RangeInclusive<i64>) -> Ops {
        let d = TempDir::new(tag);
        let dump = d.path("items.jsonl");
        std::fs::write(&dump, planted_items(ids)).unwrap();
        Ops { d, dump }
    }

    /// make with DATA=<dir>/data, the dump, and extra variables, at `now`.
    fn make(&self, vars: &[&str], args: &[&str], now: i64) -> Output {
        let data = TempDir(self.d.0.join("data"));
        let hn_dump = format!("HN_DUMP={}", self.dump);
        let mut v = vec![hn_dump.as_str(), "TRAIN_IDS=300", "PREDICT_IDS=50", "MIN_AGE=1d"];
        v.extend_from_slice(vars);
        let o = make_with(&data, &v, args, now);
        std::mem::forget(data); // the outer TempDir removes it
        o
    }

    fn path(&self, f: &str) -> String {
        self.d.path(&format!("data/{f}"))
    }

    fn json(&self, f: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(f)).unwrap()).unwrap()
    }

    fn lines(&self, f: &str) -> Vec<Value> {
        std::fs::read_to_string(self.path(f))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn champion(&self) -> String {
        std::fs::read_link(self.path("champion"))
            .unwrap()
            .to_string_lossy()
            .trim_start_matches("models/")
            .to_string()
    }

    /// The model fingerprint the predictions name.
    fn predicted_by(&self) -> String {
        let t = Table::read(&self.path("predictions.parquet"), Some(&["model"])).unwrap();
        t.str_column("model").unwrap().value(0).to_string()
    }

    fn fingerprint_of(&self, id: &str) -> String {
        self.json(&format!("models/{id}/model.bin.json"))["model_fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}\n{}", stdout(o), stderr(o));
}

/// What ran, sorted, without drift (which reruns with the model when the tool is built).
fn steps(o: &Output) -> Vec<String> {
    let mut v: Vec<String> = ran(o).into_iter().filter(|t| t != "drift").collect();
    v.sort();
    v
}

const NOW: i64 = T0 + 500 * STEP + 3600;

#[test]
fn a_changed_variable_rebuilds_exactly_what_depends_on_it() {
    let ops = Ops::new("ops-vars", 1..=500);
    ok(&ops.make(&["-j2"], &["all"], NOW));
    // The stories to predict for (the newest 50 ids) are beyond every training story.
    let ids = |f: &str| {
        Table::read(&ops.path(f), Some(&["id"]))
            .unwrap()
            .required_i64_column("id")
            .unwrap()
    };
    assert_eq!(ids("latest.parquet"), (451..=500).collect::<Vec<_>>());
    assert!(ids("stories.parquet").iter().all(|&i| i < 451));

    let o = ops.make(&[], &["all"], NOW);
    ok(&o);
    assert!(ran(&o).is_empty(), "a second make ran: {}", stdout(&o));

    let o = ops.make(&["SCORE_ARGS=--must-beat-baseline"], &["all"], NOW);
    ok(&o);
    assert_eq!(steps(&o), ["registry", "score"], "{}", stdout(&o));

    // A vectorizer option, then back to the earlier value: both times exactly its dependants.
    for (vec_args, shown) in [("VECTORIZE_ARGS=--min-df 2", true), ("VECTORIZE_ARGS=", false)] {
        let o = ops.make(&["SCORE_ARGS=--must-beat-baseline", vec_args], &["all"], NOW);
        ok(&o);
        assert_eq!(
            steps(&o),
            ["registry", "score", "train", "vectorize", "vectorize"],
            "{}",
            stdout(&o)
        );
        assert_eq!(stdout(&o).contains("--min-df 2"), shown);
    }

    let o = ops.make(&["SCORE_ARGS=--must-beat-baseline", "SEED=7"], &["all"], NOW);
    ok(&o);
    assert_eq!(
        steps(&o),
        ["registry", "score", "split", "train", "vectorize", "vectorize"],
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("--seed 7"));

    // Predictions follow the champion only: none of the above switched it.
    let o = ops.make(&["SCORE_ARGS=--must-beat-baseline", "SEED=7"], &["predict"], NOW);
    ok(&o);
    assert!(ran(&o).is_empty(), "{}", stdout(&o));

    // A fetch parameter refetches the training stories afresh (not incrementally).
    let o = ops.make(
        &["SCORE_ARGS=--must-beat-baseline", "SEED=7", "TRAIN_IDS=200"],
        &["all"],
        NOW,
    );
    ok(&o);
    assert!(!stdout(&o).contains("--since"), "{}", stdout(&o));
    assert_eq!(ids("stories.parquet").len(), 200);
}

#[test]
fn a_failing_gate_fails_the_run_keeps_its_report_and_logs_once() {
    let ops = Ops::new("ops-gate", 1..=500);
    let gate = ["SCORE_ARGS=--min-r2 1.5"]; // R² is at most 1
    for _ in 0..2 {
        let o = ops.make(&gate, &["all"], NOW);
        assert!(!o.status.success(), "the gate did not fail the run: {}", stdout(&o));
        assert!(stderr(&o).contains("a score gate said no"), "{}", stderr(&o));
        let m = ops.json("metrics.json");
        assert_eq!(m["gates"]["passed"], false, "{m}");
        assert_eq!(ops.lines("metrics.history.jsonl").len(), 1, "a rerun logged again");
        // A model that fails the gate is never registered, so it cannot serve.
        assert!(!Path::new(&ops.path("models")).exists());
    }
    let o = ops.make(&gate, &["rollback"], NOW);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no champion") && stderr(&o).contains("nothing to roll back"),
        "{}",
        stderr(&o)
    );
    let o = ops.make(&[], &["all"], NOW);
    ok(&o);
    assert_eq!(ops.lines("metrics.history.jsonl").len(), 2);
    assert!(Path::new(&ops.path("champion/model.bin")).exists());
}

#[test]
fn promote_switches_only_to_a_better_model_predictions_follow_the_champion_and_rollback_returns() {
    let ops = Ops::new("ops-promote", 1..=500);
    let weak = ["TRAIN_ARGS=--n-estimators 1 --eta 0.01 --objective squared-error"];
    // The first model (a weak one) becomes the champion and serves.
    ok(&ops.make(&weak, &["all"], NOW));
    let weak_id = ops.champion();
    assert_eq!(ops.predicted_by(), ops.fingerprint_of(&weak_id));
    let settings = ops.json(&format!("models/{weak_id}/settings.json"));
    assert_eq!(
        settings["variables"]["TRAIN_ARGS"],
        weak[0].trim_start_matches("TRAIN_ARGS=")
    );
    for f in [
        "model.bin",
        "model.bin.json",
        "vectorizer.bin",
        "metrics.json",
        "train.parquet",
    ] {
        assert!(Path::new(&ops.path(&format!("models/{weak_id}/{f}"))).exists(), "{f}");
    }

    // A strong candidate: trained, registered, but serving only once promoted.
    let o = ops.make(&[], &["all"], NOW + 60);
    ok(&o);
    assert_eq!(ops.champion(), weak_id);
    assert_eq!(
        ops.predicted_by(),
        ops.fingerprint_of(&weak_id),
        "predictions by a model that is not the champion"
    );
    let o = ops.make(&[], &["promote"], NOW + 60);
    ok(&o);
    let strong_id = ops.champion();
    assert_ne!(strong_id, weak_id, "{}", stderr(&o));
    assert!(stderr(&o).contains("is the new champion"), "{}", stderr(&o));
    let o = ops.make(&[], &["predict"], NOW + 60);
    ok(&o);
    assert_eq!(ran(&o), ["predict"]);
    assert_eq!(ops.predicted_by(), ops.fingerprint_of(&strong_id));

    // The weak model again as the candidate: the champion stays, and so do its predictions.
    let o = ops.make(&weak, &["all", "promote"], NOW + 120);
    ok(&o);
    assert!(stderr(&o).contains("stays"), "{}", stderr(&o));
    assert_eq!(ops.champion(), strong_id);
    assert!(!ran(&o).contains(&"predict".to_string()), "{}", stdout(&o));
    assert_eq!(ops.predicted_by(), ops.fingerprint_of(&strong_id));
    let h = ops.lines("champion.history.jsonl");
    let last = h.last().unwrap();
    assert_eq!(last["promoted"], false);
    assert_eq!(last["champion"].as_str(), Some(&*strong_id));
    assert!(
        last["champion_value"].as_f64() > last["candidate_value"].as_f64(),
        "{last}"
    );

    // Both are listed, the champion marked.
    let o = ops.make(&[], &["models"], NOW + 120);
    ok(&o);
    let list = stdout(&o);
    assert!(
        list.contains(&format!("* {strong_id}")) && list.contains(&format!("  {weak_id}")),
        "{list}"
    );

    // Rollback returns to the previous champion, and predictions follow.
    ok(&ops.make(&[], &["rollback"], NOW + 180));
    assert_eq!(ops.champion(), weak_id);
    ok(&ops.make(&weak, &["predict"], NOW + 180));
    assert_eq!(ops.predicted_by(), ops.fingerprint_of(&weak_id));
    assert_eq!(
        ops.lines("champion.history.jsonl").last().unwrap()["action"],
        "rollback"
    );
    // Two prediction runs at other times, three kept files in all.
    assert_eq!(std::fs::read_dir(ops.path("predictions")).unwrap().count(), 3);

    // A strong candidate that must win by more than PROMOTE_MIN does not; Spearman is recorded.
    let o = ops.make(
        &["PROMOTE_METRIC=spearman", "PROMOTE_MIN=5"],
        &["all", "promote"],
        NOW + 200,
    );
    ok(&o);
    assert_eq!(ops.champion(), weak_id, "{}", stderr(&o));
    let last = ops.lines("champion.history.jsonl").pop().unwrap();
    assert_eq!(
        (last["metric"].as_str(), last["min_improvement"].as_f64()),
        (Some("spearman"), Some(5.0))
    );
    assert_eq!(last["promoted"], false);
    let list = ops.make(&[], &["models"], NOW + 200);
    let json = std::process::Command::new(env!("CARGO_BIN_EXE_registry"))
        .args(["list", "--json", "--data", &ops.path("")])
        .output()
        .unwrap();
    let models: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(models.as_array().unwrap().len(), 2, "{}", stdout(&list));
    assert_eq!(
        models
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["champion"] == true)
            .count(),
        1
    );

    // Pruning to one model keeps the champion whatever its age.
    ok(&ops.make(&["KEEP_MODELS=1"], &["prune"], NOW + 240));
    assert!(Path::new(&ops.path(&format!("models/{weak_id}"))).exists());
}

#[test]
fn outcomes_score_earlier_predictions_once_their_stories_settled() {
    let ops = Ops::new("ops-outcomes", 1..=500);
    ok(&ops.make(&[], &["all"], NOW));
    // Three days later the dump has 200 newer items; the stories predicted for (451..500) have
    // settled and joined the training window.
    std::fs::write(&ops.dump, planted_items(1..=700)).unwrap();
    let later = NOW + 3 * DAY;
    ok(&ops.make(&[], &["refresh", "predict", "outcomes"], later));
    let h = ops.lines("outcomes.history.jsonl");
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0]["n"], 50, "{}", h[0]);
    assert!(h[0]["r2"].as_f64().unwrap() > 0.5, "{}", h[0]);
    assert!(h[0]["predictions_file"].as_str().unwrap().ends_with(".parquet"));
    // Nothing new has settled: a rerun adds no line.
    ok(&ops.make(&[], &["outcomes"], later));
    assert_eq!(ops.lines("outcomes.history.jsonl").len(), 1);
}

#[test]
fn the_cron_runner_refuses_to_overlap() {
    let d = TempDir::new("ops-cron");
    let data = d.path("data");
    std::fs::create_dir_all(&data).unwrap();
    let lock = format!("{data}/.cron.lock");
    // Another run holds the lock (flock(1) says so once it has it) until its stdin closes:
    // killing flock would leave its command behind, holding the test's stderr.
    let mut holder = std::process::Command::new("flock")
        .args(["-n", &lock, "-c", "echo locked; exec cat >/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.take().unwrap()), &mut line).unwrap();
    assert_eq!(line.trim(), "locked");
    let o = std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/cron"))
        .arg("all")
        .env("DATA", &data)
        .output()
        .unwrap();
    drop(holder.stdin.take());
    holder.wait().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let log = std::fs::read_to_string(format!("{data}/cron.log")).unwrap();
    assert!(log.contains("skipped: the previous run still holds"), "{log}");
    assert!(!log.contains("start: make"), "{log}");
}

/// The same planted stories, but the newest 50 (the ones predicted for) are about other things.
fn shifted_items() -> String {
    let titles = ["quantum", "blockchain", "satellite", "vaccine", "election"];
    planted_items(1..=450)
        + &(451..=500)
            .map(|i| {
                let t = format!("{} {} {}", titles[i as usize % 5], titles[(i as usize / 5) % 5], i % 13);
                json!({"id": i, "type": "story", "by": "u", "time": T0 + i * STEP, "title": t,
                       "score": 5, "descendants": 4})
                .to_string()
                    + "\n"
            })
            .collect::<String>()
}

#[test]
fn monitor_retrains_on_a_planted_shift_and_not_on_same_period_stories() {
    let ops = Ops::new("ops-monitor", 1..=500);
    ok(&ops.make(&[], &["all"], NOW));
    let o = ops.make(&[], &["monitor"], NOW);
    ok(&o);
    assert!(stderr(&o).contains("monitor: no drift"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("retraining"));
    assert_eq!(ops.lines("drift.history.jsonl").len(), 1);

    std::fs::write(&ops.dump, shifted_items()).unwrap();
    // Any candidate beats the champion (both fit these stories almost perfectly): the champion
    // changes within this run.
    let o = ops.make(&["PROMOTE_MIN=-1"], &["latest", "monitor"], NOW);
    ok(&o);
    assert!(stderr(&o).contains("monitor: drift: retraining"), "{}", stderr(&o));
    assert_eq!(ops.lines("drift.history.jsonl").len(), 2);
    let last = ops.lines("champion.history.jsonl").pop().unwrap();
    assert_eq!(last["requested_by"], "monitor: drift", "{last}");
    assert_eq!(ops.json("monitor.json")["dataset_drift"], true);
    // The predictions monitor leaves are by the champion it leaves (a promotion made in the
    // same make run used to come after the predictions).
    let champion = hn_shared::io::fingerprint(&std::fs::read(ops.path("champion/model.bin")).unwrap());
    let predictions = hn_shared::table::Table::read(&ops.path("predictions.parquet"), None).unwrap();
    assert_eq!(predictions.meta("model"), Some(champion.as_str()), "{last}");

    // Too few newest stories for any check: monitor says so instead of "no drift".
    let o = ops.make(&["PREDICT_IDS=5"], &["latest", "monitor"], NOW);
    ok(&o);
    assert!(stderr(&o).contains("monitor: no drift check ran"), "{}", stderr(&o));
    assert!(ops.json("monitor.json")["dataset_drift"].is_null());
}

#[test]
fn a_step_that_fails_leaves_nothing_make_takes_as_fresh() {
    let ops = Ops::new("ops-failed", 1..=500);
    ok(&ops.make(&[], &["all"], NOW));
    let model = std::fs::read(ops.path("model.bin")).unwrap();
    // The new vectorizer option is refused: the step fails, its stamp already says the new value.
    let bad = ["VECTORIZE_ARGS=--min-df nonsense"];
    for _ in 0..2 {
        let o = ops.make(&bad, &["all"], NOW);
        assert!(!o.status.success());
        assert_eq!(ran(&o), ["vectorize"], "the failed step must run again: {}", stdout(&o));
    }
    // The old model still stands; with a good value everything downstream is rebuilt.
    assert_eq!(std::fs::read(ops.path("model.bin")).unwrap(), model);
    let o = ops.make(&["VECTORIZE_ARGS=--min-df 2"], &["all"], NOW);
    ok(&o);
    assert!(ran(&o).contains(&"train".to_string()), "{}", stdout(&o));
}
