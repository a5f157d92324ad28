//! Domain: the pipeline's algorithms and data shapes, on values in memory. Depends only on
//! [`crate::plumbing`].
//!
//! - [`hn`]: Hacker News ingest: API client, dumps, resume journal, fetch engine
//! - [`text`]: Python's lowercasing and `\w`, tokens and n-grams as scikit-learn cuts them
//! - [`tfidf`]: the TF-IDF vectorizer (scikit-learn's `TfidfVectorizer`), fit and transform
//! - [`sparse`]: the CSR matrix features travel in
//! - [`features`]: the features table (id, target, sparse row) in and out
//! - [`boost`]: the sparsity-aware gradient-boosted tree trainer (XGBoost's semantics)
//! - [`drift_stats`]: two-sample drift statistics (KS, Wasserstein, chi-square, Jensen-Shannon, PSI, AUC)
//! - [`dense`]: the `gbdt` crate as an engine: dense training, and serving XGBoost dumps
//! - [`metrics`]: regression metrics (R², MAE, RMSE, Spearman, baseline)
//! - [`svg`]: self-contained HTML pages and inline-SVG charts (histograms, bars, lines, tables)

pub mod boost;
pub mod dense;
pub mod drift_stats;
pub mod features;
pub mod hn;
pub mod metrics;
pub mod sparse;
pub mod svg;
pub mod text;
pub mod tfidf;
