//! Dumps of HN items: JSON Lines in the API's item shape (what BigQuery's public HN export
//! gives, too), plain or gzipped (detected by its magic bytes, not its name), from a file or
//! stdin. Streamed line by line with a cap on line length, fingerprinted as it is read. Every
//! error names the file and the line.

use super::item::Item;
use crate::error::{Error, Result};
use crate::io::{FingerprintReader, display_name};
use flate2::read::MultiGzDecoder;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};

/// Longest line accepted. Real items are well under 100 KB.
pub const MAX_LINE: usize = 1 << 20;

type Raw = BufReader<FingerprintReader<Box<dyn Read>>>;

enum Src {
    Plain(Raw),
    // Boxed: the decoder's state is large, and a dump is one value for the whole read.
    Gz(Box<BufReader<MultiGzDecoder<Raw>>>),
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
        let inner = crate::io::open_read(path)?;
        let name = display_name(path).to_string();
        let mut raw = BufReader::with_capacity(1 << 16, FingerprintReader::new(inner));
        let head = raw.fill_buf().map_err(|e| Error::new(format!("reading {name}: {e}")))?;
        if head.starts_with(b"PAR1") {
            return Err(Error::new(format!(
                "{name} is Parquet, not a dump: --from reads JSON Lines items as the HN API gives them \
                 (plain or gzipped); to add to a stories table, give it to --since instead"
            )));
        }
        let src = if head.starts_with(&[0x1f, 0x8b]) {
            Src::Gz(Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw))))
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
                .map_err(|e| self.err(&describe_io(&e).to_string()))?;
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
#[path = "tests/dump.rs"]
mod tests;
