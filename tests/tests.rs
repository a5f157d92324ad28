//! End-to-end tests: each module drives the built binaries (CARGO_BIN_EXE_<name>).

mod fetch;
mod model;
mod pipeline;
mod split;
mod stories_fixture;
mod unix;
mod vectorize;
