use super::*;
use std::io::Write;

fn tmp(name: &str, bytes: &[u8]) -> String {
    let p = std::env::temp_dir().join(format!("hn-dump-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read_all(path: &str) -> Result<Vec<i64>> {
    let mut d = Dump::open(path)?;
    let mut ids = Vec::new();
    while let Some((it, _)) = d.next_item()? {
        ids.push(it.id);
    }
    Ok(ids)
}

const TEXT: &[u8] = b"{\"id\":1,\"type\":\"story\"}\n\nnull\n{\"id\":2}\r\n{\"id\":3}";

#[test]
fn plain_and_gzip_read_the_same() {
    let p = tmp("a.jsonl", TEXT);
    let g = tmp("a.jsonl.gz", &gz(TEXT));
    assert_eq!(read_all(&p).unwrap(), vec![1, 2, 3]);
    assert_eq!(read_all(&g).unwrap(), vec![1, 2, 3]);
    let mut d = Dump::open(&g).unwrap();
    while d.next_item().unwrap().is_some() {}
    assert_eq!(d.fingerprint(), crate::io::fingerprint(&gz(TEXT)));
    std::fs::remove_file(p).unwrap();
    std::fs::remove_file(g).unwrap();
}

#[test]
fn bad_dumps_name_file_and_line() {
    let g = gz(TEXT);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("trunc.gz", g[..g.len() - 12].to_vec(), "truncated gzip"),
        ("bad.jsonl", b"{\"id\":1}\n{\"id\": 2,\n".to_vec(), ":2: invalid JSON"),
        (
            "type.jsonl",
            b"{\"id\":1}\n{\"id\":1}\n{\"id\":\"abc\"}\n".to_vec(),
            ":3: field \"id\"",
        ),
        (
            "utf8.jsonl",
            b"{\"id\":1,\"title\":\"\xff\"}\n".to_vec(),
            ":1: not valid UTF-8",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = tmp(name, &bytes);
        let e = read_all(&p).unwrap_err().to_string();
        assert!(e.contains(&p) && e.contains(want), "{name}: {e}");
        std::fs::remove_file(p).unwrap();
    }
    let mut huge = b"{\"id\":1}\n{\"id\":2,\"title\":\"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
    huge.extend(b"\"}\n");
    let p = tmp("huge.jsonl", &huge);
    let e = read_all(&p).unwrap_err().to_string();
    assert!(e.contains(":2: line longer than 1 MiB"), "{e}");
    std::fs::remove_file(p).unwrap();
}
