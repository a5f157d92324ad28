//! `report`: the page about a DATA folder, checked without a browser: its sections, one `<svg>`
//! per chart, titles escaped, the asset graph from the real Makefile with stale assets marked,
//! "not yet" for what is not made yet, and exit 2 for a DATA folder that does not exist.
//! The DATA folders are made by the real tools (split, vectorize, train, score, predict); the
//! registry, drift and outcomes files follow the operations contract (README, "report").

use crate::stories_fixture::{TempDir, fails_with, ok, stories, story, write_stories};
use hn_shared::svg;
use std::path::Path;
use std::process::{Command, Output};

const HOSTILE: &str = "<script>alert(1)</script> Show HN: \"quotes\" & more";

fn bin(tool: &str) -> String {
    Path::new(env!("CARGO_BIN_EXE_report"))
        .with_file_name(tool)
        .to_string_lossy()
        .into_owned()
}

/// `report` on DATA with the repo's Makefile, in the repo (as `make report` runs it). BIN points
/// make at the tools this test run built, through MAKEFLAGS as an outer make would.
fn report(data: &str, extra: &[&str]) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_report"))
        .parent()
        .unwrap()
        .display()
        .to_string();
    Command::new(env!("CARGO_BIN_EXE_report"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--data", data, "--makefile", "Makefile"])
        .args(extra)
        .env("MAKEFLAGS", format!("-- BIN={bin_dir}"))
        .env("HN_NOW", "1800000000")
        .output()
        .unwrap()
}

fn tool(name: &str, args: &[&str]) {
    ok(Command::new(bin(name)).args(args).output().unwrap());
}

/// The pipeline's files, made by the tools themselves: stories, the newest stories (one with a
/// hostile title), split, features, model, metrics, predictions.
fn pipeline(d: &TempDir) {
    let p = |f: &str| d.path(f);
    write_stories(&p("stories.parquet"), &stories(300));
    let latest = vec![
        story(20_001, 1_700_000_000, Some(HOSTILE), None),
        story(20_002, 1_700_000_100, Some("rust python show"), None),
        story(20_003, 1_700_000_200, Some("ask hn database"), None),
    ];
    write_stories(&p("latest.parquet"), &latest);
    tool(
        "split",
        &[
            &p("stories.parquet"),
            "-o",
            &p("train.parquet"),
            "--test",
            &p("test.parquet"),
            "-q",
        ],
    );
    tool(
        "vectorize",
        &[
            "fit",
            &p("train.parquet"),
            "--vectorizer",
            &p("vectorizer.bin"),
            "-o",
            &p("train_features.parquet"),
            "-q",
        ],
    );
    tool(
        "vectorize",
        &[
            "transform",
            &p("test.parquet"),
            "--vectorizer",
            &p("vectorizer.bin"),
            "-o",
            &p("test_features.parquet"),
            "-q",
        ],
    );
    tool(
        "train",
        &[
            &p("train_features.parquet"),
            "--vectorizer",
            &p("vectorizer.bin"),
            "-o",
            &p("model.bin"),
            "-q",
        ],
    );
    tool(
        "score",
        &[
            "--model",
            &p("model.bin"),
            &p("test_features.parquet"),
            "-o",
            &p("metrics.json"),
            "-q",
        ],
    );
    tool(
        "predict",
        &[
            "--model",
            &p("model.bin"),
            "--vectorizer",
            &p("vectorizer.bin"),
            &p("latest.parquet"),
            "-o",
            &p("predictions.parquet"),
            "-q",
        ],
    );
}

/// Two registered models, the second the champion, their promote decisions, two outcomes runs,
/// a drift report and its page with one chart: the files `make promote/monitor/outcomes` leave.
fn operations(d: &TempDir) {
    let p = |f: &str| d.path(f);
    let write = |f: &str, s: &str| std::fs::write(p(f), s).unwrap();
    for (id, r2, args) in [
        ("20261201T100000Z-aaaaaaaa", 0.12, "--n-estimators 20"),
        ("20261202T100000Z-bbbbbbbb", 0.18, "--objective poisson"),
    ] {
        std::fs::create_dir_all(p(&format!("models/{id}"))).unwrap();
        for f in ["model.bin", "model.bin.json", "vectorizer.bin"] {
            std::fs::copy(p(f), p(&format!("models/{id}/{f}"))).unwrap();
        }
        write(
            &format!("models/{id}/metrics.json"),
            &format!(r#"{{"r2": {r2}, "spearman": 0.5, "mae": 6.5, "n": 60}}"#),
        );
        write(
            &format!("models/{id}/settings.json"),
            &format!(r#"{{"TRAIN_ARGS": "{args}"}}"#),
        );
    }
    std::os::unix::fs::symlink("models/20261202T100000Z-bbbbbbbb", p("champion")).unwrap();
    write(
        "champion.history.jsonl",
        concat!(
            r#"{"time":"2026-12-01T10:00:00Z","candidate":"20261201T100000Z-aaaaaaaa","champion":null,"metric":"r2","candidate_value":0.12,"champion_value":null,"min_improvement":0.0,"promoted":true,"reason":"first model"}"#,
            "\n",
            r#"{"time":"2026-12-02T10:00:00Z","candidate":"20261202T100000Z-bbbbbbbb","champion":"20261201T100000Z-aaaaaaaa","metric":"r2","candidate_value":0.18,"champion_value":0.12,"min_improvement":0.0,"promoted":true,"reason":"better by 0.06"}"#,
            "\n",
            "a torn line\n"
        ),
    );
    write(
        "outcomes.history.jsonl",
        concat!(
            r#"{"time":"2026-12-03T00:00:00Z","model":"sha256:0123456789abcdef","predictions_file":"predictions/20261201T100000Z.parquet","n":80,"r2":0.08,"mae":7.1,"spearman":0.41}"#,
            "\n",
            r#"{"time":"2026-12-04T00:00:00Z","model":"sha256:0123456789abcdef","predictions_file":"predictions/20261202T100000Z.parquet","n":90,"r2":0.11,"mae":6.9,"spearman":0.44}"#,
            "\n"
        ),
    );
    write(
        "drift.json",
        &serde_json::json!({
            "dataset_drift": true,
            "checks": [
                {"name": "title length", "column": "title", "method": "ks", "statistic": 0.31, "threshold": 0.1, "p_value": 0.001, "drifted": true},
                {"name": HOSTILE, "column": "time", "method": "psi", "statistic": 0.02, "threshold": 0.2, "p_value": null, "drifted": false}
            ]
        })
        .to_string(),
    );
    let chart = svg::histogram_of(HOSTILE, &[svg::Series::new("reference", &[1.0, 2.0, 2.0])], 4);
    write("drift.html", &svg::page("drift", &chart));
}

fn page(d: &TempDir) -> String {
    std::fs::read_to_string(d.path("report.html")).unwrap()
}

/// The text of the `<section id=...>`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let len = page[start..].find("</section>").unwrap();
    &page[start..start + len]
}

#[test]
fn report_shows_every_section_with_one_svg_per_chart_and_titles_escaped() {
    let d = TempDir::new("report-full");
    pipeline(&d);
    operations(&d);
    let out = d.path("report.html");
    let o = ok(report(&d.0.display().to_string(), &["-o", &out]));
    assert!(o.stdout.is_empty(), "stdout is for data only");
    let html = page(&d);

    // Escaped everywhere, and no script at all on the page.
    assert!(!html.to_ascii_lowercase().contains("<script"), "unescaped script");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for remote in ["src=", "https:", "url("] {
        assert!(!html.contains(remote), "nothing from the network: {remote}");
    }
    if let Some(keep) = std::env::var_os("HN_KEEP_REPORT") {
        std::fs::copy(&out, keep).unwrap();
    }

    for (id, _) in hn_shared::report::SECTIONS {
        let s = section(&html, id);
        assert!(!s.contains("Not yet"), "section {id} says not yet: {s}");
    }
    // One svg per chart: the asset graph; the card's terms and the models' metrics; the drift
    // page's chart; the outcomes.
    let svgs = |id: &str| section(&html, id).matches("<svg").count();
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert_eq!(svgs("assets"), 1);
    assert_eq!(svgs("models"), 2);
    assert_eq!(svgs("drift"), 1);
    assert_eq!(svgs("outcomes"), 1);
    assert_eq!(svgs("predictions"), 0);

    // The asset graph is the Makefile's: its targets under DATA. Made without make, they have
    // no parameter stamps (.args/*), so make would rebuild them, and the page says so.
    let assets = section(&html, "assets");
    assert!(assets.contains("<td>train.parquet</td><td>stale: "), "{assets}");
    for f in [
        "stories.parquet",
        "train_features.parquet",
        "model.bin.json",
        "champion",
        "predictions.parquet",
    ] {
        assert!(assets.contains(&format!("<td>{f}</td>")), "{f} not in {assets}");
    }
    assert!(
        assets.contains("<td class=\"num\">300</td>"),
        "stories' rows from the footer"
    );
    assert!(!assets.contains("champion.history"), "logs are not make targets");

    let models = section(&html, "models");
    assert!(
        models.contains("20261202T100000Z-bbbbbbbb</p>"),
        "the champion named: {models}"
    );
    assert!(models.contains("better by 0.06"));
    assert!(models.contains("TRAIN_ARGS=--objective poisson"));
    let drift = section(&html, "drift");
    assert!(drift.contains("Drift: 1 of 2 checks drifted."), "{drift}");
    let predictions = section(&html, "predictions");
    assert!(predictions.contains("The 3 highest of 3 predictions"), "{predictions}");
    assert!(predictions.contains("&lt;script&gt;alert(1)&lt;/script&gt; Show HN: &quot;quotes&quot; &amp; more"));
}

#[test]
fn report_says_not_yet_for_what_is_not_made_yet() {
    let d = TempDir::new("report-empty");
    write_stories(&d.path("stories.parquet"), &stories(20));
    let o = ok(report(&d.0.display().to_string(), &["-o", "-"]));
    let html = String::from_utf8(o.stdout).unwrap();
    for id in ["models", "drift", "outcomes", "predictions"] {
        assert!(section(&html, id).contains("Not yet"), "{id}: {}", section(&html, id));
    }
    assert!(section(&html, "assets").contains("<td>model.bin</td><td>missing</td>"));
    assert!(section(&html, "assets").contains("<td>stories.parquet</td><td>stale: "));
    assert!(!d.files().contains(&"report.html".to_string()));
}

#[test]
fn report_refuses_a_data_folder_that_does_not_exist_and_a_makefile_make_cannot_read() {
    let d = TempDir::new("report-bad");
    fails_with(
        report(&d.path("nope"), &["-o", &d.path("r.html")]),
        "report",
        "does not exist",
    );
    // make's own temp files go to TMPDIR: a make that stops on a bad Makefile leaves none there.
    let tmp = TempDir::new("report-bad-tmp");
    let o = Command::new(env!("CARGO_BIN_EXE_report"))
        .args([
            "--data",
            &d.0.display().to_string(),
            "--makefile",
            &d.path("no-such-Makefile"),
            "-o",
            &d.path("r.html"),
        ])
        .env("TMPDIR", &tmp.0)
        .output()
        .unwrap();
    fails_with(o, "report", "could not read");
    assert!(d.files().is_empty(), "nothing written: {:?}", d.files());
    assert!(tmp.files().is_empty(), "make left temp files: {:?}", tmp.files());
}

/// The whole loop as a user runs it: the real Makefile on a dump whose newest story has a hostile
/// title, `make all report`; every asset fresh, the champion and drift on the page, the title
/// escaped.
#[test]
fn make_report_after_the_real_pipeline_shows_every_asset_fresh() {
    let d = TempDir::new("report-make");
    let root = env!("CARGO_MANIFEST_DIR");
    let demo = std::fs::read_to_string(format!("{root}/fixtures/demo-items.jsonl")).unwrap();
    let newest = demo
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((v["id"].as_i64()?, v["time"].as_i64().unwrap_or(0))))
        .max()
        .unwrap();
    // Words the demo's model predicts many comments for, so the title is among the top shown.
    let title = format!("Ask HN: {HOSTILE} salaries layoffs remote AI");
    let hostile = serde_json::json!({"id": newest.0 + 1, "type": "story", "by": "x", "time": newest.1 + 60,
        "title": title, "score": 1, "descendants": 0});
    std::fs::write(d.path("items.jsonl"), format!("{demo}{hostile}\n")).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_report"))
        .parent()
        .unwrap()
        .display()
        .to_string();
    let data = d.path("data");
    let make = |goals: &[&str]| {
        let o = Command::new("make")
            .args(["--no-print-directory", "-C", root, "-o", &format!("{bin_dir}/.built")])
            .arg(format!("BIN={bin_dir}"))
            .arg(format!("DATA={data}"))
            .arg(format!("HN_DUMP={}", d.path("items.jsonl")))
            .args(["TRAIN_IDS=1900", "PREDICT_IDS=100", "MIN_AGE=2d"])
            .args(goals)
            .env("HN_NOW", "1800000000")
            .env_remove("MAKEFLAGS")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "make {goals:?}: {}",
            crate::stories_fixture::stderr(&o)
        );
        std::fs::read_to_string(format!("{data}/report.html")).unwrap()
    };
    let html = make(&["all", "report"]);
    let assets = section(&html, "assets");
    assert!(
        !assets.contains("stale:") && !assets.contains("<td>missing</td>"),
        "{assets}"
    );
    for f in ["stories.parquet", "model.bin", "champion", "predictions.parquet"] {
        assert!(assets.contains(&format!("<td>{f}</td><td>fresh</td>")), "{f}: {assets}");
    }
    assert!(!assets.contains("<tr><td>.args"), "stamps are settings, not assets");
    assert!(section(&html, "models").contains("The champion, serving predictions: "));
    assert!(section(&html, "drift").contains("checks drifted."));
    assert!(section(&html, "outcomes").contains("Not yet"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(section(&html, "predictions").contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());

    // A newer input makes what is made from it stale, and what is made from that.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    let f = std::fs::File::options()
        .write(true)
        .open(format!("{data}/test.parquet"))
        .unwrap();
    f.set_modified(later).unwrap();
    let html = make(&["report"]);
    let assets = section(&html, "assets");
    assert!(
        assets.contains("<td>test_features.parquet</td><td>stale: test.parquet is newer</td>"),
        "{assets}"
    );
    assert!(assets.contains("<td>metrics.json</td><td>stale: test_features.parquet is out of date</td>"));
    assert!(assets.contains("<td>model.bin</td><td>fresh</td>"));

    // A changed variable, before make has run with it: exactly what depends on it is stale.
    let html = make(&["report", "SPLIT_ARGS=--by time"]);
    let assets = section(&html, "assets");
    assert!(
        assets.contains("<td>train.parquet</td><td>stale: its settings changed (.args/split.args)</td>"),
        "{assets}"
    );
    assert!(assets.contains("<td>model.bin</td><td>stale: train_features.parquet is out of date</td>"));
    for f in ["latest.parquet", "stories.parquet", "champion", "predictions.parquet"] {
        assert!(assets.contains(&format!("<td>{f}</td><td>fresh</td>")), "{f}: {assets}");
    }
}
