use super::*;

#[test]
fn appends_lines_and_reads_them_back() {
    let dir = std::env::temp_dir().join(format!("hn-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("h.jsonl");
    let p = path.to_str().unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(read(p).unwrap().0.len(), 0, "a missing history is empty");
    append(p, &json!({"a": 1, "provenance": {"x": 1}})).unwrap();
    append(p, &json!({"a": 2})).unwrap();
    // A torn last line is counted, not fatal.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"a\": 3")
        .unwrap();
    let (lines, bad) = read(p).unwrap();
    assert_eq!(bad, 1);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["a"], 1);
    assert!(lines[0]["timestamp"].is_string());
    assert!(lines[0].get("provenance").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}
