use super::*;
use crate::table::{Story, stories_to_batch};
use std::collections::BTreeMap;

fn table(stories: &[Story]) -> Table {
    Table {
        name: "t.parquet".into(),
        fingerprint: "sha256:00".into(),
        batch: stories_to_batch(stories).unwrap(),
        metadata: BTreeMap::new(),
    }
}

fn stories(n: i64) -> Vec<Story> {
    (0..n)
        .map(|i| Story {
            id: 1000 - i,
            kind: "story".into(),
            time: 500 + (i * 37) % 101,
            title: Some(format!("title {i}")),
            descendants: if i % 7 == 0 { None } else { Some(i % 13) },
            ..Default::default()
        })
        .collect()
}

fn col_i64(b: &RecordBatch, c: &str) -> Vec<Option<i64>> {
    use arrow::array::AsArray;
    b.column_by_name(c)
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>()
        .iter()
        .collect()
}

#[test]
fn random_split_sizes_fill_and_repeatability() {
    let t = table(&stories(100));
    let s = split_table(&t, &SplitOptions::default()).unwrap();
    assert_eq!((s.train.num_rows(), s.test.num_rows()), (80, 20));
    assert_eq!(s.filled, 15);
    assert_eq!(s.train.num_columns(), 11);
    assert!(col_i64(&s.train, "descendants").iter().all(Option::is_some));
    let again = split_table(&t, &SplitOptions::default()).unwrap();
    assert_eq!(col_i64(&again.test, "id"), col_i64(&s.test, "id"));
    let other = split_table(
        &t,
        &SplitOptions {
            seed: 7,
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(col_i64(&other.test, "id"), col_i64(&s.test, "id"));
    // Input order does not matter: the same ids go to test.
    let mut rev = stories(100);
    rev.reverse();
    let r = split_table(&table(&rev), &SplitOptions::default()).unwrap();
    let mut a = col_i64(&r.test, "id");
    let mut b = col_i64(&s.test, "id");
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn time_split_takes_the_newest() {
    let st = stories(50);
    let s = split_table(
        &table(&st),
        &SplitOptions {
            by: By::Time,
            test_size: TestSize::Count(10),
            ..Default::default()
        },
    )
    .unwrap();
    let newest_train = col_i64(&s.train, "time").into_iter().max().unwrap();
    let oldest_test = col_i64(&s.test, "time").into_iter().min().unwrap();
    assert!(newest_train <= oldest_test);
    assert_eq!(s.test.num_rows(), 10);
}

#[test]
fn null_targets_kept_or_dropped() {
    let t = table(&stories(70));
    let keep = split_table(
        &t,
        &SplitOptions {
            null_target: NullTarget::Keep,
            ..Default::default()
        },
    )
    .unwrap();
    let nulls = |b: &RecordBatch| col_i64(b, "descendants").iter().filter(|v| v.is_none()).count();
    assert_eq!(nulls(&keep.train) + nulls(&keep.test), 10);
    let drop = split_table(
        &t,
        &SplitOptions {
            null_target: NullTarget::Drop,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(drop.dropped, 10);
    assert_eq!(drop.train.num_rows() + drop.test.num_rows(), 60);
    assert_eq!(nulls(&drop.train) + nulls(&drop.test), 0);
}

#[test]
fn stratified_split_keeps_the_target_mix() {
    let mut st = stories(1000);
    for (i, s) in st.iter_mut().enumerate() {
        s.descendants = Some(if i % 10 < 8 { 0 } else { 100 + i as i64 });
    }
    let s = split_table(
        &table(&st),
        &SplitOptions {
            stratify: Some(5),
            ..Default::default()
        },
    )
    .unwrap();
    let big = col_i64(&s.test, "descendants")
        .iter()
        .filter(|v| v.unwrap() > 0)
        .count();
    assert_eq!(s.test.num_rows(), 200);
    assert_eq!(big, 40, "20% of the test rows should be the 20% with comments");
}

#[test]
fn refusals() {
    let t = table(&stories(3));
    let o = SplitOptions {
        test_size: TestSize::Count(3),
        ..Default::default()
    };
    assert!(split_table(&t, &o).is_err());
    assert!(split_table(&table(&[]), &SplitOptions::default()).is_err());
    let o = SplitOptions {
        target: "nope".into(),
        ..Default::default()
    };
    assert!(
        split_table(&t, &o)
            .unwrap_err()
            .to_string()
            .contains("no column \"nope\"")
    );
    let o = SplitOptions {
        target: "title".into(),
        ..Default::default()
    };
    assert!(
        split_table(&t, &o)
            .unwrap_err()
            .to_string()
            .contains("should hold numbers")
    );
    assert!("0".parse::<TestSize>().is_err());
    assert!("1.0".parse::<TestSize>().is_err());
    assert_eq!("0.25".parse::<TestSize>(), Ok(TestSize::Fraction(0.25)));
    assert_eq!("7".parse::<TestSize>(), Ok(TestSize::Count(7)));
}

#[test]
fn shuffle_is_a_permutation() {
    let mut v: Vec<u32> = (0..1000).collect();
    SplitMix64::new(1).shuffle(&mut v);
    assert_ne!(v, (0..1000).collect::<Vec<_>>());
    v.sort();
    assert_eq!(v, (0..1000).collect::<Vec<_>>());
}
