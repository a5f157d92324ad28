use super::*;

fn preds() -> Predictions {
    Predictions {
        ids: vec![1, 2, 3],
        titles: vec![Some("a, \"quoted\"".into()), None, Some("c".into())],
        times: vec![Some(0), None, Some(86400)],
        predicted: vec![5.0, 10.0, 5.0],
        model: "sha256:x".into(),
    }
}

#[test]
fn text_formats_rank_and_escape() {
    let mut b = Vec::new();
    write_text(&mut b, &preds(), Format::Csv, None).unwrap();
    assert_eq!(
        String::from_utf8(b).unwrap(),
        "id,time,predicted_comments,title\n2,,10,\n1,1970-01-01T00:00:00Z,5,\"a, \"\"quoted\"\"\"\n3,1970-01-02T00:00:00Z,5,c\n"
    );
    let mut b = Vec::new();
    write_text(&mut b, &preds(), Format::Jsonl, Some(1)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!((v["id"].as_i64(), v["title"].is_null()), (Some(2), true));
    let mut b = Vec::new();
    write_text(&mut b, &preds(), Format::Table, Some(2)).unwrap();
    let s = String::from_utf8(b).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("predicted  id"), "{s}");
    assert!(lines[1].starts_with("     10.0   2"), "{s}");
}
