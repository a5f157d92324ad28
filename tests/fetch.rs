//! hn-fetch end to end: the real binary against a loopback HN API with injected faults, and
//! against dumps (good and bad).

use crate::hn_server::{Faults, HnServer};
use crate::stories_fixture::TempDir;
use hn_shared::table::{Story, Table, read_stories};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hn-fetch");
/// Item `i` is posted at T0 + i hours.
const T0: i64 = 1_700_000_000;
/// "Now" for every run: long after every fixture item unless a test says otherwise.
const NOW: i64 = 1_800_000_000;

/// Items 1..=n: mostly stories, every 7th a comment, every 11th absent (`null`), every 13th
/// dead, every 17th deleted; item 5's title carries HTML entities.
fn items(ids: std::ops::RangeInclusive<i64>) -> Vec<Value> {
    ids.filter(|i| i % 11 != 0)
        .map(|i| {
            let time = T0 + i * 3600;
            if i % 17 == 0 {
                json!({"id": i, "deleted": true, "time": time, "type": "story"})
            } else if i % 7 == 0 {
                json!({"id": i, "by": "c", "parent": i - 1, "text": "hi", "time": time, "type": "comment"})
            } else {
                let title = if i == 5 {
                    "Tom &amp; Jerry&#x27;s Café".to_string()
                } else {
                    format!("Story {i}")
                };
                let mut v = json!({"id": i, "by": "u", "descendants": i % 10, "score": i, "time": time,
                                   "title": title, "type": "story", "url": format!("https://e.com/{i}")});
                if i % 13 == 0 {
                    v["dead"] = json!(true);
                }
                v
            }
        })
        .collect()
}

/// Ids of the items hn-fetch keeps by default (live stories with titles).
fn stories_in(ids: std::ops::RangeInclusive<i64>) -> Vec<i64> {
    ids.filter(|i| i % 11 != 0 && i % 17 != 0 && i % 7 != 0 && i % 13 != 0)
        .collect()
}

fn tmpdir(name: &str) -> TempDir {
    TempDir::new(&format!("fetch-{name}"))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Run hn-fetch with `HN_NOW`, killed (and the test failed) if it takes more than a minute.
fn run_at(now: i64, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("HN_NOW", now.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("hn-fetch {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    run_at(NOW, args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "hn-fetch failed: {}", stderr(o));
}

/// Exit 2 with one error line, which is returned.
fn trouble(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "expected exit 2; stderr: {}", stderr(o));
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.contains("warning:")).collect();
    assert_eq!(lines.len(), 1, "one error line expected: {err}");
    assert!(lines[0].starts_with("hn-fetch: "), "{err}");
    lines[0].to_string()
}

fn stories(path: &Path) -> Vec<Story> {
    read_stories(&Table::read(p(path), None).unwrap()).unwrap()
}

fn ids(path: &Path) -> Vec<i64> {
    stories(path).iter().map(|s| s.id).collect()
}

#[test]
fn fetches_the_latest_stories_sorted_with_provenance() {
    let server = HnServer::start(&items(1..=120), Faults::default());
    let dir = tmpdir("happy");
    let out = dir.join("s.parquet");
    let o = run(&["--api", &server.base, "--latest", "100", "-o", p(&out)]);
    ok(&o);
    assert_eq!(ids(&out), stories_in(21..=120));
    let t = Table::read(p(&out), None).unwrap();
    assert_eq!(t.meta("tool"), Some("hn-fetch"));
    assert_eq!(t.meta("api"), Some(server.base.as_str()));
    assert!(t.meta("args").unwrap().contains("--latest"));
    let all = read_stories(&t).unwrap();
    assert!(
        all.iter()
            .all(|s| s.fetched_at == NOW && s.kind == "story" && !s.dead && !s.deleted)
    );
    // The summary line says what happened.
    let err = stderr(&o);
    assert!(err.contains("100 ids asked") && err.contains("0 failures"), "{err}");
    // Every id asked once, no journal left behind.
    assert_eq!(server.item_requests(), 100);
    assert!(!dir.join(".s.parquet.journal").exists());

    // Entities decoded in titles; every type and dead/deleted on request.
    let o = run(&[
        "--api",
        &server.base,
        "--ids",
        "1..20",
        "--types",
        "all",
        "--include-dead",
        "--include-deleted",
        "-o",
        p(&out),
    ]);
    ok(&o);
    let s = stories(&out);
    assert_eq!(
        s.iter().find(|s| s.id == 5).unwrap().title.as_deref(),
        Some("Tom & Jerry's Café")
    );
    assert_eq!(s.len(), 19, "ids 1..20 less the null item 11");
    assert!(s.iter().any(|s| s.id == 17 && s.deleted) && s.iter().any(|s| s.id == 13 && s.dead));
    assert!(s.iter().any(|s| s.kind == "comment"));
}

#[test]
fn transient_faults_are_retried_until_they_pass() {
    let faults = Faults {
        latency: Duration::from_millis(2),
        unavailable: HashMap::from([(3, 2), (4, 1)]),
        malformed: HashMap::from([(6, 1), (8, 2)]),
        dropped: HashMap::from([(9, 1), (10, 2)]),
        ..Default::default()
    };
    let server = HnServer::start(&items(1..=40), faults);
    let dir = tmpdir("faults");
    let out = dir.join("s.parquet");
    let o = run(&[
        "--api",
        &server.base,
        "--ids",
        "1..40",
        "--backoff",
        "5ms",
        "-o",
        p(&out),
    ]);
    ok(&o);
    assert_eq!(ids(&out), stories_in(1..=40));
    for (id, tries) in [(3, 3), (4, 2), (6, 2), (8, 3), (9, 2), (10, 3), (2, 1)] {
        assert_eq!(server.requests_for(id), tries, "item {id}");
    }
    assert!(stderr(&o).contains("9 retries"), "{}", stderr(&o));
}

#[test]
fn ids_that_keep_failing_fail_the_run_unless_allowed() {
    let faults = Faults {
        unavailable: HashMap::from([(4, u32::MAX), (6, u32::MAX)]),
        malformed: HashMap::from([(8, u32::MAX)]),
        ..Default::default()
    };
    let server = HnServer::start(&items(1..=30), faults);
    let dir = tmpdir("persist");
    let out = dir.join("s.parquet");
    let args = [
        "--api",
        &server.base,
        "--ids",
        "1..30",
        "--retries",
        "2",
        "--backoff",
        "1ms",
        "-o",
        p(&out),
    ];
    let err = trouble(&run(&args));
    assert!(
        err.contains("3 of 30 ids failed") && err.contains("items 4, 6, 8"),
        "{err}"
    );
    assert!(err.contains("HTTP 503 (after 3 tries)"), "{err}");
    assert!(!out.exists(), "no output after a failed run");
    assert_eq!(server.requests_for(4), 3);

    let mut allowed = args.to_vec();
    allowed.extend(["--max-failures", "3"]);
    let o = run(&allowed);
    ok(&o);
    assert!(
        stderr(&o).contains("3 ids failed (allowed by --max-failures): 4, 6, 8"),
        "{}",
        stderr(&o)
    );
    let want: Vec<i64> = stories_in(1..=30)
        .into_iter()
        .filter(|i| ![4, 6, 8].contains(i))
        .collect();
    assert_eq!(ids(&out), want);

    let mut share = args.to_vec();
    share.extend(["--max-failures", "5%"]); // 1 of 30
    assert!(trouble(&run(&share)).contains("3 of 30 ids failed"));
}

#[test]
fn oversized_bodies_fail_without_retry() {
    let faults = Faults {
        huge: vec![7, 9],
        ..Default::default()
    };
    let server = HnServer::start(&items(1..=12), faults);
    let dir = tmpdir("huge");
    let out = dir.join("s.parquet");
    let err = trouble(&run(&["--api", &server.base, "--ids", "1..12", "-o", p(&out)]));
    assert!(
        err.contains("2 of 12 ids failed: items 7, 9") && err.contains("larger than"),
        "{err}"
    );
    assert_eq!((server.requests_for(7), server.requests_for(9)), (1, 1), "not retried");
}

#[test]
fn an_unreachable_api_is_one_line_and_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tmpdir("unreachable");
    let out = dir.join("s.parquet");
    let base = format!("http://127.0.0.1:{port}/v0");
    for sel in [["--latest", "10"], ["--ids", "1..5"], ["--list", "top"]] {
        let err = trouble(&run(&["--api", &base, sel[0], sel[1], "-o", p(&out)]));
        assert!(err.contains(&format!("cannot reach the HN API at {base}")), "{err}");
    }
    assert!(!out.exists());
}

#[test]
fn a_server_that_stops_answering_fails_the_run_naming_ids() {
    let faults = Faults {
        hang_after: Some(10),
        ..Default::default()
    };
    let server = HnServer::start(&items(1..=40), faults);
    let dir = tmpdir("hang");
    let out = dir.join("s.parquet");
    let err = trouble(&run(&[
        "--api",
        &server.base,
        "--ids",
        "1..40",
        "--timeout",
        "300ms",
        "--retries",
        "1",
        "--backoff",
        "1ms",
        "-o",
        p(&out),
    ]));
    // The first ten requests (ten different ids) were answered; which ten depends on scheduling.
    assert!(
        err.contains("30 of 40 ids failed") && err.contains(" and 25 more"),
        "{err}"
    );
    assert!(
        err.contains("timeout") && err.contains("run the same command again"),
        "{err}"
    );
    assert!(!out.exists());

    // Silent from the first item on: the run stops early instead of waiting out every id.
    let faults = Faults {
        hang_after: Some(0),
        ..Default::default()
    };
    let server = HnServer::start(&items(1..=400), faults);
    let err = trouble(&run(&[
        "--api",
        &server.base,
        "--ids",
        "1..400",
        "--timeout",
        "200ms",
        "--retries",
        "0",
        "-o",
        p(&out),
    ]));
    assert!(err.contains("stopped answering"), "{err}");
    assert!(server.item_requests() < 400, "kept asking: {}", server.item_requests());
}

#[test]
fn since_fetches_only_new_and_young_ids_and_merges() {
    let server = HnServer::start(&items(1..=100), Faults::default());
    let dir = tmpdir("since");
    let out = dir.join("s.parquet");
    let o_path = p(&out);
    // First run: a missing --since file means start fresh. "Now" is one minute after item 100:
    // items posted in the last 2 days (ids 53..=100) are too young to have settled.
    let first_now = T0 + 100 * 3600 + 60;
    ok(&run_at(
        first_now,
        &[
            "--api",
            &server.base,
            "--latest",
            "100",
            "--since",
            o_path,
            "-o",
            o_path,
        ],
    ));
    assert_eq!(ids(&out), stories_in(1..=100));

    // Item 60 gets more comments; new items appear.
    let mut grown = items(60..=60);
    grown[0]["descendants"] = json!(999);
    server.add(&grown);
    server.add(&items(101..=150));
    server.reset_counts();
    ok(&run(&[
        "--api",
        &server.base,
        "--latest",
        "100",
        "--since",
        o_path,
        "-o",
        o_path,
    ]));
    for id in 1..=52 {
        assert_eq!(server.requests_for(id), 0, "settled item {id} fetched again");
    }
    let young = stories_in(53..=100);
    for id in 53..=100 {
        assert_eq!(server.requests_for(id), young.contains(&id) as u32, "item {id}");
    }
    for id in 101..=150 {
        assert_eq!(server.requests_for(id), 1, "new item {id}");
    }
    assert_eq!(server.item_requests() as usize, young.len() + 50);
    let s = stories(&out);
    assert_eq!(
        s.iter().map(|s| s.id).collect::<Vec<_>>(),
        stories_in(1..=150),
        "merged, no duplicates"
    );
    let s60 = s.iter().find(|s| s.id == 60).unwrap();
    assert_eq!(
        (s60.descendants, s60.fetched_at),
        (Some(999), NOW),
        "the newest copy wins"
    );
    let s1 = s.iter().find(|s| s.id == 1).unwrap();
    assert_eq!(s1.fetched_at, first_now, "settled rows are kept as they were");
    let t = Table::read(o_path, None).unwrap();
    assert!(
        t.meta("inputs").unwrap().contains("sha256:"),
        "the previous file is an input"
    );
}

#[test]
fn killed_run_leaves_no_output_and_resumes_from_its_journal() {
    let faults = Faults {
        latency: Duration::from_millis(10),
        ..Default::default()
    };
    let server = HnServer::start(&items(1..=600), faults);
    let dir = tmpdir("resume");
    let out = dir.join("s.parquet");
    let journal = dir.join(".s.parquet.journal");
    let args = [
        "--api",
        &server.base,
        "--latest",
        "600",
        "--concurrency",
        "4",
        "-o",
        p(&out),
    ];
    let mut child = Command::new(BIN)
        .args(args)
        .env("HN_NOW", NOW.to_string())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 once the journal holds a good part of the work.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let lines = std::fs::read(&journal)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0);
        if lines > 150 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        assert!(Instant::now() < deadline, "journal never grew");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!out.exists(), "a killed run leaves no output");
    let journaled: BTreeSet<i64> = std::fs::read_to_string(&journal)
        .unwrap()
        .split_inclusive('\n')
        .skip(1)
        .filter(|l| l.ends_with('\n'))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok()?["id"].as_i64())
        .collect();
    assert!(journaled.len() > 150 && journaled.len() < 600, "{}", journaled.len());

    server.reset_counts();
    let o = run(&args);
    ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("({} from the journal)", journaled.len())),
        "{err}"
    );
    for id in &journaled {
        assert_eq!(
            server.requests_for(*id),
            0,
            "item {id} was journaled, yet fetched again"
        );
    }
    // The rerun's own count (a request of the killed run may still reach the server late):
    // maxitem, then exactly the ids the journal did not hold.
    let requests = format!("; {} requests, 0 retries", 1 + 600 - journaled.len());
    assert!(err.contains(&requests), "want {requests:?} in {err}");
    assert_eq!(ids(&out), stories_in(1..=600), "complete, sorted, no duplicates");
    assert!(!journal.exists(), "the journal is removed once the output is in place");
}

#[test]
fn min_age_selects_the_newest_old_enough_ids() {
    let server = HnServer::start(&items(1..=1000), Faults::default());
    let dir = tmpdir("minage");
    let out = dir.join("s.parquet");
    // Now = item 1000's time + 1 h: with --min-age 1d, item 977 is the newest old enough.
    let now = T0 + 1000 * 3600 + 3600;
    ok(&run_at(
        now,
        &[
            "--api",
            &server.base,
            "--latest",
            "50",
            "--min-age",
            "1d",
            "-o",
            p(&out),
        ],
    ));
    assert_eq!(ids(&out), stories_in(928..=977));
    assert!(
        server.item_requests() < 50 + 40,
        "a few probes: {}",
        server.item_requests()
    );
}

#[test]
fn story_lists_raw_output_and_stdout() {
    let server = HnServer::start(&items(1..=60), Faults::default());
    let dir = tmpdir("list");
    let raw = dir.join("top.jsonl");
    ok(&run(&["--api", &server.base, "--list", "top", "--raw", "-o", p(&raw)]));
    let lines: Vec<Value> = std::fs::read_to_string(&raw)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<i64> = lines.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert_eq!(got, stories_in(1..=60));
    assert_eq!(
        lines[4]["title"], "Tom &amp; Jerry&#x27;s Café",
        "--raw keeps items verbatim"
    );

    let o = run(&["--api", &server.base, "--ids", "1..20", "-q", "-o", "-"]);
    ok(&o);
    assert!(o.stderr.is_empty(), "-q: {}", stderr(&o));
    assert!(o.stdout.starts_with(b"PAR1"));
    let f = dir.join("stdout.parquet");
    std::fs::write(&f, &o.stdout).unwrap();
    assert_eq!(ids(&f), stories_in(1..=20));
}

fn write_dump(dir: &Path, name: &str, items: &[Value], gzip: bool) -> PathBuf {
    let text: String = items.iter().map(|v| format!("{v}\n")).collect();
    let path = dir.join(name);
    if gzip {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        std::fs::write(&path, e.finish().unwrap()).unwrap();
    } else {
        std::fs::write(&path, text).unwrap();
    }
    path
}

#[test]
fn dumps_plain_and_gzipped_give_what_the_api_gives() {
    let dir = tmpdir("dump");
    let all = items(1..=300);
    let server = HnServer::start(&all, Faults::default());
    let from_api = dir.join("api.parquet");
    ok(&run(&["--api", &server.base, "--latest", "120", "-o", p(&from_api)]));
    for gzip in [false, true] {
        let dump = write_dump(&dir, if gzip { "d.jsonl.gz" } else { "d.jsonl" }, &all, gzip);
        let out = dir.join("dump.parquet");
        let o = run(&["--from", p(&dump), "--latest", "120", "-o", p(&out)]);
        ok(&o);
        assert_eq!(stories(&out), stories(&from_api));
        let t = Table::read(p(&out), None).unwrap();
        let fp = hn_shared::io::fingerprint(&std::fs::read(&dump).unwrap());
        assert!(t.meta("inputs").unwrap().contains(&fp), "dump fingerprint recorded");
    }
    let dump = dir.join("d.jsonl");
    let out = dir.join("range.parquet");
    ok(&run(&[
        "--from",
        p(&dump),
        "--ids",
        "10..40",
        "--min-age",
        "1d",
        "-o",
        p(&out),
    ]));
    assert_eq!(ids(&out), stories_in(10..=40));
}

#[test]
fn bad_dumps_fail_naming_file_and_line() {
    let dir = tmpdir("baddump");
    let good = write_dump(&dir, "good.jsonl.gz", &items(1..=200), true);
    let bytes = std::fs::read(&good).unwrap();
    let trunc = dir.join("trunc.jsonl.gz");
    std::fs::write(&trunc, &bytes[..bytes.len() / 2]).unwrap();
    let invalid = dir.join("invalid.jsonl");
    std::fs::write(
        &invalid,
        "{\"id\":1,\"type\":\"story\"}\n{\"id\":2,\"title\":\"unterminated}\n",
    )
    .unwrap();
    let types = dir.join("types.jsonl");
    std::fs::write(&types, "{\"id\":1}\n{\"id\":2}\n{\"id\":\"abc\",\"type\":\"story\"}\n").unwrap();
    let huge = dir.join("huge.jsonl");
    std::fs::write(
        &huge,
        format!("{{\"id\":1}}\n{{\"id\":2,\"title\":\"{}\"}}\n", "x".repeat(2 << 20)),
    )
    .unwrap();
    let out = dir.join("s.parquet");
    for (path, want) in [
        (&trunc, "truncated gzip".to_string()),
        (&invalid, format!("{}:2: invalid JSON", p(&invalid))),
        (&types, format!("{}:3: field \"id\": expected an integer", p(&types))),
        (&huge, format!("{}:2: line longer than 1 MiB", p(&huge))),
    ] {
        let err = trouble(&run(&["--from", p(path), "--latest", "100", "-o", p(&out)]));
        assert!(err.contains(&want) && err.contains(p(path)), "want {want:?} in: {err}");
        assert!(!out.exists());
    }
    let err = trouble(&run(&[
        "--from",
        p(&dir.join("missing.jsonl")),
        "--latest",
        "5",
        "-o",
        p(&out),
    ]));
    assert!(err.contains("cannot open") && err.contains("missing.jsonl"), "{err}");
    let err = trouble(&run(&["--from", p(&good), "--list", "top", "-o", p(&out)]));
    assert!(err.contains("--list top needs the API"), "{err}");
    let err = trouble(&run(&[
        "--from",
        p(&good),
        "--latest",
        "5",
        "--raw",
        "--since",
        p(&out),
        "-o",
        p(&out),
    ]));
    assert!(err.contains("cannot be combined with --raw"), "{err}");
}

/// The Makefile's fetch rules, run by make itself with the built binary: the assets are made
/// once, the training stories stay below the stories to predict for, a second `make` leaves
/// them alone, `make clean` keeps them (raw data), `clean-all`
/// removes them.
#[test]
fn makefile_fetch_assets_are_raw_data() {
    let dir = tmpdir("make");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/Makefile"), dir.join("Makefile")).unwrap();
    // The build stamp's prerequisites, older than the stamp: make must not run cargo here.
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    for f in ["Cargo.toml", "Cargo.lock", "shared/Cargo.toml"] {
        std::fs::write(dir.join(f), "").unwrap();
    }
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    std::os::unix::fs::symlink(BIN, dir.join("bin/hn-fetch")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(dir.join("bin/.built"), "").unwrap();
    write_dump(&dir, "items.jsonl", &items(1..=300), false);
    let make = |args: &[&str]| {
        let o = Command::new("make")
            .arg("-C")
            .arg(&dir.0)
            .args([
                "BIN=bin",
                "DATA=data",
                "HN_DUMP=items.jsonl",
                "TRAIN_IDS=200",
                "MIN_AGE=1d",
            ])
            .args(["PREDICT_IDS=50"])
            .args(args)
            .env("HN_NOW", NOW.to_string())
            .output()
            .unwrap();
        assert!(o.status.success(), "make {args:?}: {}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let assets = ["data/stories.parquet", "data/latest.parquet", "data/newest-id"];
    make(&assets);
    assert_eq!(std::fs::read_to_string(dir.join(assets[2])).unwrap(), "300\n");
    // The newest 50 ids up to the source's newest id are predicted for; training takes the 200
    // ids below them.
    assert_eq!(ids(&dir.join(assets[1])), stories_in(251..=300));
    assert_eq!(ids(&dir.join(assets[0])), stories_in(51..=250));
    let again = make(&assets);
    assert!(
        !again.contains("bin/hn-fetch "),
        "up-to-date assets fetched again: {again}"
    );
    make(&["clean"]);
    assert!(
        assets.iter().all(|a| dir.join(a).exists()),
        "make clean deleted fetched data"
    );
    make(&["clean-all"]);
    assert!(assets.iter().all(|a| !dir.join(a).exists()));
}

/// `--newest-id` asks the source once; `--below` windows derived from it are disjoint, need no
/// maxitem request of their own, and work with `--min-age` (what the Makefile's two fetches do
/// at the same time).
#[test]
fn newest_id_and_below_give_disjoint_windows() {
    let server = HnServer::start(&items(1..=120), Faults::default());
    let dir = tmpdir("below");
    let newest = dir.join("newest-id");
    ok(&run(&["--api", &server.base, "--newest-id", "-q", "-o", p(&newest)]));
    assert_eq!(std::fs::read_to_string(&newest).unwrap(), "120\n");
    assert_eq!(server.item_requests(), 0, "maxitem only");

    let (latest, train) = (dir.join("latest.parquet"), dir.join("train.parquet"));
    ok(&run(&[
        "--api",
        &server.base,
        "--latest",
        "20",
        "--below",
        "121",
        "-o",
        p(&latest),
    ]));
    ok(&run(&[
        "--api",
        &server.base,
        "--latest",
        "50",
        "--below",
        "101",
        "-o",
        p(&train),
    ]));
    assert_eq!(ids(&latest), stories_in(101..=120));
    assert_eq!(ids(&train), stories_in(51..=100));
    assert_eq!(server.item_requests(), 70, "every id asked once");

    // With --min-age the window ends at the newest old-enough id below the bound: item i is
    // posted at T0 + i h, so at T0 + 121 h item 97 is the newest a day old. A bound below the
    // old-enough ids leaves the search below it.
    let aged = |n: &str, below: &str| {
        let args = ["--latest", n, "--min-age", "1d", "--below", below, "-o", p(&train)];
        ok(&run_at(
            T0 + 121 * 3600,
            &[&["--api", &server.base][..], &args].concat(),
        ));
        ids(&train)
    };
    assert_eq!(aged("50", "101"), stories_in(48..=97));
    assert_eq!(aged("10", "41"), stories_in(31..=40));

    // A dump's newest id is its largest; - writes it to stdout.
    let dump = write_dump(&dir, "items.jsonl", &items(1..=300), false);
    let o = run(&["--from", p(&dump), "--newest-id", "-q", "-o", "-"]);
    ok(&o);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "300\n");
    let o = run(&["--from", p(&dump), "--latest", "30", "--below", "271", "-o", p(&train)]);
    ok(&o);
    assert_eq!(ids(&train), stories_in(241..=270));
    let empty = write_dump(&dir, "empty.jsonl", &[], false);
    let err = trouble(&run(&["--from", p(&empty), "--newest-id", "-o", p(&newest)]));
    assert!(err.contains("no items"), "{err}");
    assert_eq!(std::fs::read_to_string(&newest).unwrap(), "120\n", "kept as it was");
}
