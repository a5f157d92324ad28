//! End-to-end tests: each module drives the built binaries (CARGO_BIN_EXE_<name>).

mod drift;
mod fetch;
// The loopback HN API server that fetch and unix run hn-fetch against.
#[path = "support/hn_server.rs"]
mod hn_server;
mod model;
mod objectives;
mod ops;
mod pipeline;
mod report;
mod split;
mod stories_fixture;
mod unix;
mod vectorize;
