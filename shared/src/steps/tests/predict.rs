use super::*;

fn preds() -> Predictions {
    Predictions {
        ids: vec![1, 2, 3].into(),
        titles: StringViewArray::from(vec![Some("a, \"quoted\""), None, Some("c")]),
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
fn the_model_column_reads_back_as_plain_strings() {
    let p = Predictions {
        model: "sha256:ab".into(),
        ..preds()
    };
    let a = repeated(&p.model, 3).unwrap();
    let values = a.downcast_dict::<StringArray>().unwrap();
    assert!(values.into_iter().all(|v| v == Some("sha256:ab")));
    assert_eq!(repeated("x", 0).unwrap().len(), 0);
    // Written, the dictionary is a string column to every reader (no Arrow schema stored: see
    // table::encode), with the fingerprint on every row.
    let path = std::env::temp_dir().join(format!("hn-predict-model-{}.parquet", std::process::id()));
    let path = path.to_string_lossy().into_owned();
    let order: Vec<usize> = (0..3).collect();
    write_parquet(
        &path,
        &to_batch(&p, &order).unwrap(),
        &Provenance::new("test", Vec::<String>::new()),
    )
    .unwrap();
    let t = Table::read(&path, None).unwrap();
    assert_eq!(t.column("model").unwrap().data_type(), &DataType::Utf8);
    assert_eq!(
        t.str_column("model").unwrap().iter().collect::<Vec<_>>(),
        [Some("sha256:ab"); 3]
    );
    assert_eq!(t.column("title").unwrap().data_type(), &DataType::Utf8);
    assert_eq!(t.meta("tool"), Some("test"));
    std::fs::remove_file(&path).unwrap();
}
