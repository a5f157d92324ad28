//! Plumbing: what every tool needs whatever it computes. Depends on nothing else in the crate.
//!
//! - [`error`]: the one error type and the exit-code policy (0 ok, 1 check said no, 2 trouble)
//! - [`cli`]: the error sink, verbosity, stderr logging, a TTY-only progress line, durations
//! - [`io`]: `-` for stdin/stdout, whole-file inputs with fingerprints, atomic outputs
//! - [`memory`]: the allocator (glibc's kept from giving memory back, huge pages for big buffers)
//! - [`clock`]: Unix time now (overridable for tests) and RFC 3339 formatting
//! - [`history`]: history files, one JSON line per run, appended and read back
//! - [`artifact`]: binary artifacts (vectorizer, model) behind a checked header
//! - [`bulk`]: Parquet column chunks of never-null columns (the features' lists, ids, times), encoded in bulk
//! - [`ranged`]: a Parquet file's bytes for the decoder: whole, or only the chunks it decodes
//! - [`table`]: Parquet tables in and out, provenance metadata, the stories table

pub mod artifact;
pub(crate) mod bulk;
pub mod cli;
pub mod clock;
pub mod error;
pub mod history;
pub mod io;
#[cfg(target_os = "linux")]
pub mod memory;
pub mod ranged;
pub mod table;
