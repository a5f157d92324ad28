//! The library every hn pipeline tool stands on. Tools are thin: they parse flags, call into
//! here, and report. This crate never prints to stdout, never exits, never parses argv.
//!
//! Layout:
//! - [`error`]: the one error type and the exit-code policy (0 ok, 1 check said no, 2 trouble)
//! - [`cli`]: the error sink, verbosity, stderr logging, a TTY-only progress line, durations
//! - [`io`]: `-` for stdin/stdout, whole-file inputs with fingerprints, atomic outputs
//! - [`clock`]: Unix time now (overridable for tests) and RFC 3339 formatting
//! - [`table`]: Parquet tables in and out, provenance metadata, the stories table
//! - [`sparse`]: the CSR matrix features travel in
//! - [`features`]: the features table (id, target, sparse row) in and out
//! - [`artifact`]: binary artifacts (vectorizer, model) behind a checked header
//! - [`hn`]: Hacker News ingest for `hn-fetch`: API client, dumps, resume journal, fetch engine
//! - [`metrics`]: regression metrics for `score` (R², MAE, RMSE, Spearman, baseline)
//! - [`model`]: the model artifact, its JSON card, and training with either engine
//! - [`score`]: `score`'s report, history and gates
//! - [`predict`]: `predict`'s stories in, predictions out (Parquet, table, CSV, JSON Lines)
//! - [`dense`]: the `gbdt` crate as an engine: dense training, and serving XGBoost dumps
//! - [`text`]: Python's lowercasing and `\w`, tokens and n-grams as scikit-learn cuts them
//! - [`vectorize`]: the vectorize step on files (stories in; vectorizer and features out)
//! - [`split`]: train/test splits of any table (random, stratified, or by time)
//! - [`tfidf`]: the TF-IDF vectorizer (scikit-learn's `TfidfVectorizer`), fit and transform
//! - [`boost`]: the sparsity-aware gradient-boosted tree trainer (XGBoost's semantics)

pub mod artifact;
pub mod boost;
pub mod cli;
pub mod clock;
pub mod dense;
pub mod error;
pub mod features;
pub mod hn;
pub mod io;
pub mod metrics;
pub mod model;
pub mod predict;
pub mod score;
pub mod sparse;
pub mod split;
pub mod table;
pub mod text;
pub mod tfidf;
pub mod vectorize;

pub use error::{Context, Error, Result};
