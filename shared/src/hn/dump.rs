//! Dumps of HN items: JSON Lines in the API's item shape (what BigQuery's public HN export
//! gives, too), plain or gzipped (detected by its magic bytes, not its name), from a file or
//! stdin. Streamed line by line with a cap on line length, fingerprinted as it is read. Every
//! error names the file and the line.

use super::item::Item;
use crate::error::{Error, Result};
use crate::io::{FingerprintReader, display_name, is_stdio};
use flate2::read::MultiGzDecoder;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};

/// Longest line accepted. Real items are well under 100 KB.
pub const MAX_LINE: usize = 1 << 20;

type Raw = BufReader<FingerprintReader<Box<dyn Read>>>;

enum Src {
    Plain(Raw),
    Gz(BufReader<MultiGzDecoder<Raw>>),
}

/// A dump being read.
pub struct Dump {
    name: String,
    src: Src,
    line: u64,
    buf: Vec<u8>,
}

impl Dump {
    pub fn open(path: &str) -> Result<Dump> {
        let inner: Box<dyn Read> = if is_stdio(path) {
            Box::new(std::io::stdin())
        } else {
            let f = std::fs::File::open(path).map_err(|e| Error::new(format!("cannot open {path}: {e}")))?;
            if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                return Err(Error::new(format!("{path} is a directory, not a dump")));
            }
            Box::new(f)
        };
        let name = display_name(path).to_string();
        let mut raw = BufReader::with_capacity(1 << 16, FingerprintReader::new(inner));
        let head = raw.fill_buf().map_err(|e| Error::new(format!("reading {name}: {e}")))?;
        let src = if head.starts_with(&[0x1f, 0x8b]) {
            Src::Gz(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw)))
        } else {
            Src::Plain(raw)
        };
        Ok(Dump {
            name,
            src,
            line: 0,
            buf: Vec::new(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next item and its JSON; `None` at the end. Blank lines and `null` lines (ids without
    /// items) are skipped.
    pub fn next_item(&mut self) -> Result<Option<(Item, Value)>> {
        loop {
            self.buf.clear();
            self.line += 1;
            let reader: &mut dyn BufRead = match &mut self.src {
                Src::Plain(r) => r,
                Src::Gz(r) => r,
            };
            let n = reader
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| self.err(&format!("{}", describe_io(&e))))?;
            if n == 0 {
                return Ok(None);
            }
            if self.buf.len() > MAX_LINE && self.buf.last() != Some(&b'\n') {
                return Err(self.err(&format!("line longer than {} MiB", MAX_LINE >> 20)));
            }
            let mut text = self.buf.as_slice();
            if self.line == 1 {
                text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
            }
            let text = text.trim_ascii();
            if text.is_empty() {
                continue;
            }
            if std::str::from_utf8(text).is_err() {
                return Err(self.err("not valid UTF-8"));
            }
            match Item::parse(text) {
                Ok(Some(v)) => return Ok(Some(v)),
                Ok(None) => continue,
                Err(e) => return Err(self.err(&e)),
            }
        }
    }

    /// `sha256:<hex>` of the bytes read so far (of the whole file once read to the end).
    pub fn fingerprint(&self) -> String {
        match &self.src {
            Src::Plain(r) => r.get_ref().fingerprint(),
            Src::Gz(r) => r.get_ref().get_ref().get_ref().fingerprint(),
        }
    }

    fn err(&self, what: &str) -> Error {
        Error::new(format!("{}:{}: {what}", self.name, self.line))
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "truncated gzip stream (unexpected end of file)".into(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => format!("corrupt gzip data: {e}"),
        _ => format!("read error: {e}"),
    }
}

#[cfg(test)]
mod tests {
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
}
