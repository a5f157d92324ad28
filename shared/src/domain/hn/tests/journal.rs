use super::*;

#[test]
fn resumes_same_request_and_drops_torn_line() {
    let dir = std::env::temp_dir().join(format!("hn-journal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("s.parquet");
    let jp = path_for(out.to_str().unwrap()).unwrap();
    assert_eq!(jp.file_name().unwrap(), ".s.parquet.journal");
    let req = json!({"latest": 10});
    let (mut j, e, note) = Journal::open(&jp, &req).unwrap();
    assert!(e.is_empty() && note.is_none());
    j.append(5, 100, Some("{\"id\":5,\"title\":\"a\"}")).unwrap();
    j.append(6, 101, None).unwrap();
    j.flush().unwrap();
    drop(j);
    // A kill mid-write leaves half a line.
    let mut f = OpenOptions::new().append(true).open(&jp).unwrap();
    f.write_all(b"{\"id\":7,\"at\":1").unwrap();
    drop(f);
    let (mut j, e, _) = Journal::open(&jp, &req).unwrap();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].item.as_ref().unwrap()["title"], "a");
    assert_eq!((e[1].id, e[1].item.clone()), (6, None));
    j.append(8, 102, None).unwrap();
    j.flush().unwrap();
    drop(j);
    let (j, e, _) = Journal::open(&jp, &req).unwrap();
    assert_eq!(e.iter().map(|e| e.id).collect::<Vec<_>>(), vec![5, 6, 8]);
    drop(j);
    // Another request does not reuse it.
    let (j, e, note) = Journal::open(&jp, &json!({"latest": 11})).unwrap();
    assert!(e.is_empty() && note.is_some());
    j.remove().unwrap();
    assert!(!jp.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
