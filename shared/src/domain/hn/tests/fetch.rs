use super::*;

#[test]
fn id_ranges() {
    assert_eq!(parse_id_range("10..20").unwrap(), (10, 20));
    assert_eq!(parse_id_range("10..=20").unwrap(), (10, 20));
    assert_eq!(parse_id_range("7").unwrap(), (7, 7));
    assert!(parse_id_range("20..10").is_err());
    assert!(parse_id_range("a..b").is_err());
    assert!(parse_id_range("0..5").is_err());
}

#[test]
fn failure_allowances() {
    assert_eq!(FailureAllowance::parse("3").unwrap().of(1000), 3);
    assert_eq!(FailureAllowance::parse("1%").unwrap().of(1000), 10);
    assert_eq!(FailureAllowance::parse("0.5%").unwrap().of(100), 0);
    assert!(FailureAllowance::parse("x").is_err());
    assert!(FailureAllowance::parse("101%").is_err());
}

fn story(id: i64, time: i64, fetched_at: i64, desc: i64) -> Story {
    Story {
        id,
        kind: "story".into(),
        time,
        title: Some(format!("s{id}")),
        descendants: Some(desc),
        fetched_at,
        ..Default::default()
    }
}

fn dump_request(path: &str, since: Option<String>, out: &str) -> Request {
    Request {
        source: Source::Dump(path.into()),
        selection: Selection::Latest(100),
        filter: Filter {
            now: 10_000,
            ..Default::default()
        },
        since,
        settle: 1000,
        before: None,
        below: None,
        concurrency: 1,
        timeout: Duration::from_secs(1),
        retries: 0,
        backoff: Duration::from_millis(1),
        max_failures: FailureAllowance::Count(0),
        raw: false,
        output: out.into(),
        args: vec![],
    }
}

#[test]
fn since_merges_newest_copy_wins_and_refetches_only_young() {
    let dir = std::env::temp_dir().join(format!("hn-fetch-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prevp = dir.join("prev.parquet").to_string_lossy().into_owned();
    // 1: settled (fetched 5000 s after posting); 2: young (fetched after 10 s); 3: young, now dead.
    let prev = vec![story(1, 100, 5100, 7), story(2, 200, 210, 1), story(3, 300, 310, 0)];
    write_parquet(&prevp, &stories_to_batch(&prev).unwrap(), &Provenance::new("t", vec![])).unwrap();
    let dump = dir.join("d.jsonl");
    let lines = [
        r#"{"id":1,"type":"story","time":100,"title":"s1","descendants":99}"#,
        r#"{"id":2,"type":"story","time":200,"title":"s2","descendants":40}"#,
        r#"{"id":3,"type":"story","time":300,"title":"s3","dead":true}"#,
        r#"{"id":4,"type":"story","time":400,"title":"s4","descendants":2}"#,
        r#"{"id":5,"type":"comment","time":500}"#,
    ];
    std::fs::write(&dump, lines.join("\n")).unwrap();
    let out = dir.join("out.parquet").to_string_lossy().into_owned();
    let req = dump_request(dump.to_str().unwrap(), Some(prevp.clone()), &out);
    let s = run(&req).unwrap();
    assert_eq!(s.asked, 3, "ids 2 and 3 (young) and 4 (new)");
    let rows = read_stories(&Table::read(&out, None).unwrap()).unwrap();
    let got: Vec<(i64, Option<i64>)> = rows.iter().map(|s| (s.id, s.descendants)).collect();
    // 1 kept as it was (settled, not refetched), 2 refreshed, 3 dropped (now dead), 4 new.
    assert_eq!(got, vec![(1, Some(7)), (2, Some(40)), (4, Some(2))]);
    assert_eq!(rows[1].fetched_at, 10_000);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn latest_window_from_a_dump_ends_at_the_newest_old_enough_id() {
    let dir = std::env::temp_dir().join(format!("hn-fetch-latest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dump = dir.join("d.jsonl");
    let lines: Vec<String> = (1..=50)
        .map(|i| format!(r#"{{"id":{i},"type":"story","time":{},"title":"t{i}"}}"#, i * 100))
        .collect();
    std::fs::write(&dump, lines.join("\n")).unwrap();
    let out = dir.join("o.parquet").to_string_lossy().into_owned();
    let mut req = dump_request(dump.to_str().unwrap(), None, &out);
    req.selection = Selection::Latest(10);
    req.filter.now = 6000;
    req.filter.min_age = Some(2000); // old enough: time <= 4000, i.e. ids <= 40
    run(&req).unwrap();
    let ids: Vec<i64> = read_stories(&Table::read(&out, None).unwrap())
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, (31..=40).collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn before_keeps_the_window_and_the_previous_rows_below_the_stories_to_predict_for() {
    let dir = std::env::temp_dir().join(format!("hn-fetch-before-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    // The stories to predict for start at id 8; an earlier training file reached id 9.
    let latest = vec![story(8, 800, 900, 0), story(10, 1000, 1100, 0)];
    write_parquet(
        &p("latest.parquet"),
        &stories_to_batch(&latest).unwrap(),
        &Provenance::new("t", vec![]),
    )
    .unwrap();
    let prev = vec![story(1, 100, 5100, 7), story(9, 900, 5900, 3)];
    write_parquet(
        &p("prev.parquet"),
        &stories_to_batch(&prev).unwrap(),
        &Provenance::new("t", vec![]),
    )
    .unwrap();
    let lines: Vec<String> = (1..=10)
        .map(|i| {
            format!(
                r#"{{"id":{i},"type":"story","time":{},"title":"s{i}","descendants":1}}"#,
                i * 100
            )
        })
        .collect();
    std::fs::write(dir.join("d.jsonl"), lines.join("\n")).unwrap();
    let mut req = dump_request(&p("d.jsonl"), Some(p("prev.parquet")), &p("out.parquet"));
    req.selection = Selection::Latest(3);
    req.before = Some(p("latest.parquet"));
    run(&req).unwrap();
    let ids: Vec<i64> = read_stories(&Table::read(&p("out.parquet"), None).unwrap())
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    // The window is the 3 ids ending at 7 (not 10); row 9 of the previous file is dropped.
    assert_eq!(ids, vec![1, 5, 6, 7]);
    std::fs::remove_dir_all(&dir).unwrap();
}
