//! A Parquet file's bytes as the decoder asks for them: all of them in memory (stdin, a pipe, a
//! file read whole), or only the footer and the column chunks being decoded.
//!
//! A tool that needs three of a stories table's eleven columns reads less than half of the file
//! into memory this way (`vectorize fit` on 47k stories: 2.1 of 4.9 MB; on a million, 40 of 94
//! MB), while the whole file is still hashed for its fingerprint, streamed through one small
//! buffer on another thread. Both read the same open file, so a rename over the path while a
//! tool reads does not mix two files; a file rewritten in place while it is read is not
//! guarded against (these tools never do that: they rename).

use crate::error::{Context, Error, Result};
use bytes::{Buf, Bytes};
use parquet::errors::ParquetError;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::{ChunkReader, Length};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// Bytes of a file at known offsets, sorted by offset and not overlapping.
#[derive(Clone)]
pub enum Source {
    Whole(Bytes),
    Parts { len: u64, parts: Arc<Vec<(u64, Bytes)>> },
}

impl Source {
    /// The part holding offset `start`: where it begins, and its bytes.
    fn part(&self, start: u64) -> Option<(u64, &Bytes)> {
        match self {
            Source::Whole(b) => Some((0, b)),
            Source::Parts { parts, .. } => {
                let i = parts.partition_point(|(o, _)| *o <= start).checked_sub(1)?;
                Some((parts[i].0, &parts[i].1))
            }
        }
    }

    /// The part holding `start..start + len`, as a slice.
    fn slice(&self, start: u64, len: usize) -> parquet::errors::Result<Bytes> {
        let (offset, bytes) = self.part(start).ok_or_else(|| outside(start, len))?;
        let from = usize::try_from(start - offset).map_err(|_| outside(start, len))?;
        match from.checked_add(len) {
            Some(to) if to <= bytes.len() => Ok(bytes.slice(from..to)),
            _ => Err(outside(start, len)),
        }
    }
}

fn outside(start: u64, len: usize) -> ParquetError {
    ParquetError::EOF(format!(
        "bytes {start}..{} are outside the column chunks the footer names",
        start.saturating_add(len as u64)
    ))
}

impl Length for Source {
    fn len(&self) -> u64 {
        match self {
            Source::Whole(b) => b.len() as u64,
            Source::Parts { len, .. } => *len,
        }
    }
}

impl ChunkReader for Source {
    type T = bytes::buf::Reader<Bytes>;

    /// A reader from `start` to the end of the part holding it (a page header is read this way,
    /// and never crosses out of its column chunk in a sound file).
    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        let (offset, bytes) = self.part(start).ok_or_else(|| outside(start, 0))?;
        let end = offset + bytes.len() as u64;
        let len = usize::try_from(end.saturating_sub(start)).map_err(|_| outside(start, 0))?;
        Ok(self.slice(start, len)?.reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.slice(start, length)
    }
}

/// A regular file opened for reading only parts of it.
pub struct RangedFile {
    pub name: String,
    file: File,
    pub len: u64,
}

/// Parts closer than this are read as one: a syscall and an allocation cost more than reading
/// the gap.
const MERGE_GAP: u64 = 64 << 10;

/// Hashing reads the file in blocks of this size into one buffer, which stays in the cache.
const HASH_BLOCK: usize = 256 << 10;

impl RangedFile {
    /// The file at `path` when it is a regular Parquet file (magic bytes at both ends); `None`
    /// for anything to be read whole instead (stdin, a pipe, an empty or non-Parquet file, whose
    /// errors are worded by the whole-file reader).
    pub fn open(path: &str) -> Option<RangedFile> {
        if crate::io::is_stdio(path) {
            return None;
        }
        let file = File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() < 12 {
            return None;
        }
        let len = meta.len();
        let (mut head, mut tail) = ([0u8; 4], [0u8; 4]);
        file.read_exact_at(&mut head, 0).ok()?;
        file.read_exact_at(&mut tail, len - 4).ok()?;
        (&head == b"PAR1" && &tail == b"PAR1").then(|| RangedFile {
            name: path.to_string(),
            file,
            len,
        })
    }

    /// Fill `buf` from `offset`; a short read (the file shrank) or an I/O error names the file.
    fn fill(&self, buf: &mut [u8], offset: u64) -> Result<()> {
        self.file.read_exact_at(buf, offset).with_context(|| {
            format!(
                "reading {} (if it is still being written, try again once it is complete)",
                self.name
            )
        })
    }

    fn read_at(&self, offset: u64, len: u64) -> Result<Bytes> {
        let n = usize::try_from(len).map_err(|_| Error::new(format!("{}: a part too big to read", self.name)))?;
        let mut buf = vec![0u8; n];
        self.fill(&mut buf, offset)?;
        Ok(buf.into())
    }

    /// The footer alone, enough to load the metadata, and where it starts.
    pub fn footer(&self) -> Result<(u64, Source)> {
        let mut end = [0u8; 8];
        self.fill(&mut end, self.len - 8)?;
        let meta_len = u64::from(u32::from_le_bytes([end[0], end[1], end[2], end[3]]));
        // A damaged length is left for the metadata reader to report: give it what there is.
        let at = self.len - (meta_len + 8).min(self.len);
        let part = (at, self.read_at(at, self.len - at)?);
        Ok((
            at,
            Source::Parts {
                len: self.len,
                parts: Arc::new(vec![part]),
            },
        ))
    }

    /// The footer (from `footer_at`) and the column chunks of `leaves` (leaf column indices) in
    /// every row group. A chunk the footer places outside the file is an error naming the file.
    pub fn with_columns(&self, footer_at: u64, meta: &ParquetMetaData, leaves: &[usize]) -> Result<Source> {
        let mut ranges: Vec<(u64, u64)> = vec![(footer_at, self.len)];
        for rg in meta.row_groups() {
            for &leaf in leaves {
                let (start, len) = rg.column(leaf).byte_range();
                match start.checked_add(len) {
                    Some(end) if end <= self.len => ranges.push((start, end)),
                    _ => {
                        return Err(Error::new(format!(
                            "{} is damaged: its footer places column {} at bytes {start}..+{len}, past the end of the file ({} bytes); make or copy it again",
                            self.name,
                            rg.column(leaf).column_path(),
                            self.len
                        )));
                    }
                }
            }
        }
        // Sorted and merged, the parts never overlap, so each offset has one part to look in.
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1.saturating_add(MERGE_GAP) => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let parts = merged
            .into_iter()
            .map(|(s, e)| Ok((s, self.read_at(s, e - s)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Source::Parts {
            len: self.len,
            parts: Arc::new(parts),
        })
    }

    /// `sha256:<hex>` of the whole file (what `sha256sum` prints), read in small blocks.
    pub fn fingerprint(&self) -> Result<String> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; HASH_BLOCK];
        let mut at = 0u64;
        while at < self.len {
            let n = (self.len - at).min(HASH_BLOCK as u64) as usize;
            self.fill(&mut buf[..n], at)?;
            hasher.update(&buf[..n]);
            at += n as u64;
        }
        Ok(crate::io::format_digest(&hasher.finalize()))
    }
}

#[cfg(test)]
#[path = "tests/ranged.rs"]
mod tests;
