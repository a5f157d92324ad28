//! Steps: one module per tool, what it does on files. A tool's `main.rs` parses flags and calls
//! its step; a step calls [`crate::domain`] and [`crate::plumbing`], and only `report`, which shows
//! what the others made, reads through another step (the registry's reading API). Nothing below calls a step.
//!
//! - [`split`]: train/test splits of any table (random, stratified, or by time)
//! - [`vectorize`]: stories in; vectorizer and features out
//! - [`model`]: the model artifact, its JSON card, and training with either engine (`train`)
//! - [`score`]: `score`'s report, history and gates
//! - [`drift`]: reference vs current stories (and the model's predictions and errors): checks, report, page
//! - [`predict`]: stories in, predictions out (Parquet, table, CSV, JSON Lines)
//! - [`registry`]: the model registry, the champion, promotion and rollback (`registry`)
//! - [`outcomes`]: earlier predictions scored against the stories once they settled (`outcomes`)
//! - [`report`]: one self-contained HTML page: the asset graph from the Makefile, models, drift,
//!   outcomes, predictions

pub mod drift;
pub mod model;
pub mod outcomes;
pub mod predict;
pub mod registry;
pub mod report;
pub mod score;
pub mod split;
pub mod vectorize;
