//! Binary artifacts (vectorizer, model): a fixed header, then a bincode body.
//!
//! Header: 8-byte magic `HNPIPE\0\x01`, 8-byte kind tag (e.g. `TFIDF\0\0\0`), format version
//! (u32 LE), body length (u64 LE). A file of another kind, another version, cut short or padded is
//! refused with a message that says which, before bincode sees a byte. Lengths inside the body
//! are checked against a limit before bincode allocates for them.

use crate::error::{Error, Result};
use crate::io::Input;
use serde::Serialize;
use serde::de::DeserializeOwned;

const MAGIC: &[u8; 8] = b"HNPIPE\0\x01";
const HEADER_LEN: usize = 8 + 8 + 4 + 8;

/// What an artifact is, as stored in its header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kind {
    /// Up to 8 ASCII bytes.
    pub tag: &'static str,
    /// Human name for messages ("vectorizer", "model").
    pub name: &'static str,
    pub version: u32,
}

impl Kind {
    fn tag_bytes(&self) -> [u8; 8] {
        let mut t = [0u8; 8];
        let b = self.tag.as_bytes();
        t[..b.len().min(8)].copy_from_slice(&b[..b.len().min(8)]);
        t
    }
}

/// The largest body an artifact may have (1 GiB; a vectorizer of a million terms is ~30 MB).
const MAX_BODY: usize = 1 << 30;

/// bincode's standard encoding, with a limit: a length inside the body (a string's, a vector's)
/// is checked against it before anything is allocated, so a damaged or forged length cannot
/// ask for exabytes (without it a string claiming 2^60 bytes aborts the process).
fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_BODY>()
}

/// Encode `body` behind the header. Callers write the bytes themselves (they also fingerprint
/// them for lineage).
pub fn to_bytes<T: Serialize>(kind: Kind, body: &T) -> Result<Vec<u8>> {
    let body = bincode::serde::encode_to_vec(body, config())
        .map_err(|e| Error::new(format!("encoding the {}: {e}", kind.name)))?;
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&kind.tag_bytes());
    out.extend_from_slice(&kind.version.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// An artifact as read: the decoded body and the file's fingerprint.
pub struct Loaded<T> {
    pub body: T,
    pub name: String,
    pub fingerprint: String,
}

/// Read an artifact of `kind` from `path`; any mismatch is a one-line error naming the file.
pub fn read<T: DeserializeOwned>(path: &str, kind: Kind) -> Result<Loaded<T>> {
    let input = Input::read(path)?;
    let body = from_bytes(&input.bytes, kind).map_err(|e| e.context(&input.name))?;
    Ok(Loaded {
        body,
        fingerprint: input.fingerprint(),
        name: input.name,
    })
}

pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8], kind: Kind) -> Result<T> {
    let what = kind.name;
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(Error::new(format!("not a {what} file (no hn artifact header)")));
    }
    let tag = &bytes[8..16];
    if tag != kind.tag_bytes() {
        let found = String::from_utf8_lossy(tag).trim_end_matches('\0').to_string();
        return Err(Error::new(format!("not a {what} file (it is a {found:?} artifact)")));
    }
    let version = u32::from_le_bytes(bytes[16..20].try_into().map_err(|_| Error::new("short header"))?);
    if version != kind.version {
        return Err(Error::new(format!(
            "{what} format version {version} is not supported (this build reads version {}); re-create it with this version",
            kind.version
        )));
    }
    let len = u64::from_le_bytes(bytes[20..28].try_into().map_err(|_| Error::new("short header"))?);
    let body = &bytes[HEADER_LEN..];
    if (body.len() as u64) < len {
        return Err(Error::new(format!(
            "{what} file is truncated ({} of {len} body bytes)",
            body.len()
        )));
    }
    if len > MAX_BODY as u64 {
        return Err(Error::new(format!(
            "{what} file declares a body of {len} bytes, more than an artifact may hold ({MAX_BODY}): it is damaged"
        )));
    }
    if (body.len() as u64) > len {
        return Err(Error::new(format!(
            "{what} file has {} unexpected trailing bytes",
            body.len() as u64 - len
        )));
    }
    let (val, used) = bincode::serde::decode_from_slice(body, config())
        .map_err(|e| Error::new(format!("{what} file is corrupt: {e}")))?;
    if used != body.len() {
        return Err(Error::new(format!(
            "{what} file is corrupt: {} bytes left undecoded",
            body.len() - used
        )));
    }
    Ok(val)
}

#[cfg(test)]
#[path = "tests/artifact.rs"]
mod tests;
