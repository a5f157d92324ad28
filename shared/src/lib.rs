//! The library every hn pipeline tool stands on. Tools are thin: they parse flags, call into
//! here, and report. This crate never prints to stdout, never exits, never parses argv.
//!
//! Three layers, each depending only on those below it:
//! - [`plumbing`]: errors, CLI plumbing, I/O, clock, artifacts, Parquet tables
//! - [`domain`]: HN ingest, text and TF-IDF, sparse rows, features, boosting, metrics, HTML/SVG
//! - [`steps`]: one module per tool, what it does on files
//!
//! Every module is also re-exported at the crate root (`hn_shared::io`, `hn_shared::boost`),
//! so a path names the module, not where it sits.

pub mod domain;
pub mod plumbing;
pub mod steps;

pub use domain::{boost, dense, drift_stats, features, hn, metrics, sparse, svg, text, tfidf};
pub use plumbing::{artifact, cli, clock, error, history, io, ranged, table};
pub use steps::{drift, model, outcomes, predict, registry, report, score, split, vectorize};

pub use error::{Context, Error, Result};

/// Every binary linking this crate (the tools, their tests) allocates through
/// [`plumbing::memory::Allocator`]: big buffers in huge pages.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: plumbing::memory::Allocator = plumbing::memory::Allocator;
