//! End-to-end tests of `split`: the real binary on small tables it writes itself.

use crate::stories_fixture::*;
use arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use std::sync::Arc;

const SPLIT: &str = env!("CARGO_BIN_EXE_split");

#[test]
fn random_split_keeps_everything_and_repeats() {
    let d = TempDir::new("split-random");
    let (input, train, test) = (d.path("s.parquet"), d.path("train.parquet"), d.path("test.parquet"));
    write_stories(&input, &stories(100));
    let o = ok(run(SPLIT, &[&input, "-o", &train, "--test", &test]));
    let e = stderr(&o);
    assert!(e.contains("80 train rows") && e.contains("20 test rows"), "{e}");
    assert!(e.contains("15 null targets set to 0"), "{e}");
    assert!(o.stdout.is_empty());
    let (a, b) = (read(&train), read(&test));
    assert_eq!(a.batch.schema(), b.batch.schema());
    assert_eq!(a.batch.num_columns(), 11);
    let mut all: Vec<i64> = ids(&a).into_iter().chain(ids(&b)).collect();
    all.sort();
    assert_eq!(all, (10_000..10_100).collect::<Vec<_>>());
    // Rows keep their input order.
    assert!(ids(&a).windows(2).all(|w| w[0] < w[1]));
    let desc = a.i64_column("descendants").unwrap();
    assert!(desc.iter().all(Option::is_some), "null targets become 0");
    // Provenance on both outputs.
    let fp = hn_shared::io::fingerprint(&std::fs::read(&input).unwrap());
    for (t, part) in [(&a, "train"), (&b, "test")] {
        assert_eq!(t.meta("tool"), Some("split"));
        assert_eq!(t.meta("part"), Some(part));
        assert!(t.meta("inputs").unwrap().contains(&fp));
        assert!(t.meta("split").unwrap().contains("seed=42"));
    }
    // Same input and seed: the same rows; another seed: others.
    let test2 = d.path("test2.parquet");
    ok(run(SPLIT, &[&input, "-o", &d.path("train2.parquet"), "--test", &test2]));
    assert_eq!(ids(&read(&test2)), ids(&b));
    ok(run(
        SPLIT,
        &[&input, "-o", &d.path("train3.parquet"), "--test", &test2, "--seed", "7"],
    ));
    assert_ne!(ids(&read(&test2)), ids(&b));
    assert!(d.files().iter().all(|f| !f.contains(".tmp-")));
    assert!(!e.contains("repeat an id"), "{e}");
    // A repeated id is kept, with a warning.
    let mut dup = stories(10);
    dup[3].id = dup[4].id;
    write_stories(&input, &dup);
    let o = ok(run(SPLIT, &[&input, "-o", &train, "--test", &test]));
    assert!(stderr(&o).contains("1 rows repeat an id"), "{}", stderr(&o));
    assert_eq!(read(&train).num_rows() + read(&test).num_rows(), 10);
}

#[test]
fn time_split_puts_the_newest_in_test() {
    let d = TempDir::new("split-time");
    let (input, train, test) = (d.path("s.parquet"), d.path("train.parquet"), d.path("test.parquet"));
    write_stories(&input, &stories(60));
    ok(run(
        SPLIT,
        &[
            &input,
            "-o",
            &train,
            "--test",
            &test,
            "--by",
            "time",
            "--test-size",
            "15",
        ],
    ));
    let (a, b) = (read(&train), read(&test));
    assert_eq!(b.num_rows(), 15);
    let newest_train = a.i64_column("time").unwrap().into_iter().max().unwrap();
    let oldest_test = b.i64_column("time").unwrap().into_iter().min().unwrap();
    assert!(newest_train <= oldest_test, "{newest_train:?} > {oldest_test:?}");
}

#[test]
fn null_targets_drop_or_keep_and_stratify() {
    let d = TempDir::new("split-nulls");
    let (input, train, test) = (d.path("s.parquet"), d.path("train.parquet"), d.path("test.parquet"));
    write_stories(&input, &stories(70));
    let o = ok(run(
        SPLIT,
        &[&input, "-o", &train, "--test", &test, "--null-target", "drop"],
    ));
    assert!(
        stderr(&o).contains("10 rows with a null target dropped"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&train).num_rows() + read(&test).num_rows(), 60);
    ok(run(
        SPLIT,
        &[&input, "-o", &train, "--test", &test, "--null-target", "keep"],
    ));
    let nulls = |p: &str| {
        read(p)
            .i64_column("descendants")
            .unwrap()
            .iter()
            .filter(|v| v.is_none())
            .count()
    };
    assert_eq!(nulls(&train) + nulls(&test), 10);
    ok(run(
        SPLIT,
        &[
            &input,
            "-o",
            &train,
            "--test",
            &test,
            "--stratify",
            "4",
            "--test-size",
            "0.5",
        ],
    ));
    assert_eq!(read(&test).num_rows(), 35);
}

#[test]
fn any_table_with_named_columns() {
    let d = TempDir::new("split-any");
    let (input, train, test) = (d.path("t.parquet"), d.path("train.parquet"), d.path("test.parquet"));
    let n = 40;
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from_iter_values(0..n)),
        Arc::new(Int32Array::from_iter_values((0..n).map(|i| 1000 - i))),
        Arc::new(Float64Array::from_iter(
            (0..n).map(|i| (i % 3 != 0).then_some(i as f64)),
        )),
        Arc::new(StringArray::from_iter_values((0..n).map(|i| format!("row {i}")))),
    ];
    let b = RecordBatch::try_from_iter(["key", "ts", "y", "note"].into_iter().zip(cols)).unwrap();
    write_batch(&input, &b);
    let args = [
        &input, "-o", &train, "--test", &test, "--id", "key", "--time", "ts", "--target", "y",
    ];
    ok(run(
        SPLIT,
        &[&args[..], &["--by", "time", "--test-size", "0.25"]].concat(),
    ));
    let t = read(&test);
    assert_eq!(t.num_rows(), 10);
    assert_eq!(t.batch.schema().field(3).name(), "note");
    // The newest by `ts` are the lowest keys here.
    let keys = t.i64_column("key").unwrap();
    assert_eq!(keys, (0..10).map(Some).collect::<Vec<_>>());
    assert_eq!(t.f64_column("y").unwrap()[0], Some(0.0), "null target written as 0");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let d = TempDir::new("split-bad");
    let (input, train, test) = (d.path("s.parquet"), d.path("train.parquet"), d.path("test.parquet"));
    write_stories(&input, &stories(10));
    let base = [input.as_str(), "-o", &train, "--test", &test];
    fails_with(
        run(SPLIT, &[&base[..], &["--target", "nope"]].concat()),
        "split",
        "no column \"nope\"",
    );
    fails_with(
        run(SPLIT, &[&base[..], &["--id", "title"]].concat()),
        "split",
        "column \"title\" should hold integers",
    );
    fails_with(
        run(SPLIT, &[&base[..], &["--target", "by"]].concat()),
        "split",
        "should hold numbers",
    );
    fails_with(
        run(SPLIT, &[&base[..], &["--test-size", "10"]].concat()),
        "split",
        "both sides need at least one row",
    );
    fails_with(
        run(SPLIT, &[&base[..], &["--by", "time", "--stratify", "3"]].concat()),
        "split",
        "--by random only",
    );
    fails_with(
        run(SPLIT, &[&input, "-o", &train, "--test", &train]),
        "split",
        "two different outputs",
    );
    let o = run(SPLIT, &[&base[..], &["--test-size", "1.5"]].concat());
    assert_eq!(o.status.code(), Some(2));
    // Not Parquet, empty, zero rows, null ids.
    let junk = d.path("junk.parquet");
    std::fs::write(&junk, "id,title\n1,hello\n").unwrap();
    fails_with(
        run(SPLIT, &[&junk, "-o", &train, "--test", &test]),
        "split",
        "junk.parquet is not Parquet: it looks like CSV",
    );
    let empty = d.path("empty.parquet");
    write_stories(&empty, &[]);
    fails_with(
        run(SPLIT, &[&empty, "-o", &train, "--test", &test]),
        "split",
        "has no rows",
    );
    let nulls = d.path("nullid.parquet");
    let b = RecordBatch::try_from_iter([
        (
            "id",
            Arc::new(arrow::array::Int64Array::from(vec![Some(1), None, Some(3)])) as ArrayRef,
        ),
        (
            "descendants",
            Arc::new(arrow::array::Int64Array::from(vec![1, 2, 3])) as ArrayRef,
        ),
    ])
    .unwrap();
    write_batch(&nulls, &b);
    fails_with(
        run(SPLIT, &[&nulls, "-o", &train, "--test", &test]),
        "split",
        "column \"id\" is null at row 1",
    );
    // An unwritable test output: nothing is written, not even the train side.
    let o = run(
        SPLIT,
        &[&input, "-o", &train, "--test", &d.path("no/such/dir/test.parquet")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!exists(&train), "train written although test failed");
    assert_eq!(
        d.files(),
        ["empty.parquet", "junk.parquet", "nullid.parquet", "s.parquet"]
    );
}
