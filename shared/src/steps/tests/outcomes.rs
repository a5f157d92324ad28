use super::*;
use crate::table::{Provenance, Story, stories_to_batch, write_parquet};

fn story(id: i64, time: i64, descendants: i64, fetched_at: i64) -> Story {
    Story {
        id,
        kind: "story".into(),
        by: None,
        time,
        title: Some(format!("t{id}")),
        url: None,
        score: None,
        descendants: Some(descendants),
        dead: false,
        deleted: false,
        fetched_at,
    }
}

#[test]
fn settled_counts_only_old_enough_rows() {
    let d = std::env::temp_dir().join(format!("outcomes-unit-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join("s.parquet").to_string_lossy().into_owned();
    let rows = [
        story(1, 0, 5, 3 * 86400),
        story(2, 2 * 86400, 7, 3 * 86400),
        story(3, 0, 9, 86400 * 2),
    ];
    write_parquet(&p, &stories_to_batch(&rows).unwrap(), &Provenance::new("t", [])).unwrap();
    let t = Table::read(&p, None).unwrap();
    let s = settled(&t, 2 * 86400).unwrap();
    assert_eq!(s.keys().copied().collect::<Vec<_>>(), [1, 3]);
    assert_eq!(settled(&t, 0).unwrap().len(), 3);
    std::fs::remove_dir_all(&d).unwrap();
}
