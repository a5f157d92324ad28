//! Hacker News ingest, the logic of `hn-fetch`.
//!
//! - [`item`]: items as the API gives them, the row filter, HTML entities in titles
//! - [`client`]: the HTTP client (one pool, timeouts, retries with backoff and jitter)
//! - [`dump`]: streaming JSON Lines dumps (plain or gzipped) with file:line errors
//! - [`journal`]: the resume journal that lets a killed run finish where it stopped
//! - [`fetch`]: the engine: selection → ids → items → merged, sorted stories table

pub mod client;
pub mod dump;
pub mod fetch;
pub mod item;
pub mod journal;

pub use client::DEFAULT_API;
pub use fetch::{FailureAllowance, LISTS, Request, Selection, Source, Summary, parse_id_range, run};
pub use item::{Dropped, Filter, Item, parse_types};
