use super::*;

fn preds() -> Predictions {
    Predictions {
        ids: vec![1, 2, 3].into(),
        titles: StringArray::from(vec![Some("a, \"quoted\""), None, Some("c")]),
        times: Int64Array::from(vec![Some(0), None, Some(86400)]),
        predicted: vec![5.0, 10.0, 5.0].into(),
        model: "sha256:x".into(),
    }
}

#[test]
fn text_formats_rank_and_escape() {
    let p = preds();
    let mut b = Vec::new();
    write_text(&mut b, &p, Format::Csv, &ranked(&p, None)).unwrap();
    assert_eq!(
        String::from_utf8(b).unwrap(),
        "id,title,time,predicted_comments,model\n2,,,10,sha256:x\n1,\"a, \"\"quoted\"\"\",0,5,sha256:x\n3,c,86400,5,sha256:x\n"
    );
    let mut b = Vec::new();
    write_text(&mut b, &p, Format::Jsonl, &ranked(&p, Some(1))).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!((v["id"].as_i64(), v["title"].is_null()), (Some(2), true));
    let mut b = Vec::new();
    write_text(&mut b, &p, Format::Json, &ranked(&p, Some(2))).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[1]["time"].as_i64(), Some(0));
    let mut b = Vec::new();
    write_text(&mut b, &p, Format::Table, &ranked(&p, Some(2))).unwrap();
    let s = String::from_utf8(b).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("predicted  id"), "{s}");
    assert!(lines[1].starts_with("     10.0   2"), "{s}");
}

#[test]
fn table_shows_control_characters() {
    assert_eq!(visible("a\nb\u{1b}[2Jc"), "a\\nb\\u{1b}[2Jc");
}

#[test]
fn format_follows_extension() {
    assert_eq!(Format::choose(None, Some("p.csv")), Format::Csv);
    assert_eq!(Format::choose(None, Some("p.JSONL")), Format::Jsonl);
    assert_eq!(Format::choose(None, Some("p.json")), Format::Json);
    assert_eq!(Format::choose(None, Some("p.txt")), Format::Table);
    assert_eq!(Format::choose(None, Some("p.parquet")), Format::Parquet);
    assert_eq!(Format::choose(None, Some("p.out")), Format::Parquet);
    assert_eq!(Format::choose(None, None), Format::Table);
    assert_eq!(Format::choose(Some(Format::Csv), Some("p.parquet")), Format::Csv);
}

#[test]
fn repeated_column_holds_n_copies() {
    let a = repeated("sha256:ab", 3).unwrap();
    assert_eq!(a.len(), 3);
    assert!(a.iter().all(|v| v == Some("sha256:ab")));
    assert_eq!(repeated("x", 0).unwrap().len(), 0);
    // Past what one string column can hold: an error, not a panic or a wrapped offset.
    assert!(repeated("0123456789", usize::MAX / 4).is_err());
    assert!(repeated("0123456789", 300_000_000).is_err());
}
