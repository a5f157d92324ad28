//! The one error type every tool returns, and the exit-code policy.
//!
//! Exit codes follow diff/grep: 0 ok, 1 "the check said no" (drift found, a score gate failed),
//! 2 trouble (bad usage, bad input, I/O or network failure). An error is a message that reads
//! outward-in once printed: `reading stories.parquet: column "title": expected strings, found Int64`.

use std::fmt;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when a check ran fine and its answer is "no".
pub const EXIT_CHECK: u8 = 1;
/// Exit code for any trouble: usage, input, I/O, network.
pub const EXIT_TROUBLE: u8 = 2;

/// An error that travels up to the tool's one sink ([`crate::cli::run`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    msg: String,
    check: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Trouble: exit code 2.
    pub fn new(msg: impl Into<String>) -> Self {
        Error {
            msg: msg.into(),
            check: false,
        }
    }

    /// A check whose answer is "no": exit code 1. The message says what failed.
    pub fn check_failed(msg: impl Into<String>) -> Self {
        Error {
            msg: msg.into(),
            check: true,
        }
    }

    /// Prefix the message with where it happened (`ctx: msg`).
    pub fn context(mut self, ctx: impl fmt::Display) -> Self {
        self.msg = format!("{ctx}: {}", self.msg);
        self
    }

    pub fn message(&self) -> &str {
        &self.msg
    }

    pub fn exit_code(&self) -> u8 {
        if self.check { EXIT_CHECK } else { EXIT_TROUBLE }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, always: a multi-line message from a library (serde, parquet) is folded.
        let mut first = true;
        for line in self.msg.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(line)?;
            first = false;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `bail!("...")`-style early return of a trouble error.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err($crate::error::Error::new(format!($($arg)*))) };
}

/// Attach context to any fallible result whose error can be displayed.
pub trait Context<T> {
    fn context(self, ctx: impl fmt::Display) -> Result<T>;
    fn with_context<C: fmt::Display, F: FnOnce() -> C>(self, f: F) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, ctx: impl fmt::Display) -> Result<T> {
        self.map_err(|e| Error::new(format!("{ctx}: {e}")))
    }
    fn with_context<C: fmt::Display, F: FnOnce() -> C>(self, f: F) -> Result<T> {
        self.map_err(|e| Error::new(format!("{}: {e}", f())))
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, ctx: impl fmt::Display) -> Result<T> {
        self.ok_or_else(|| Error::new(ctx.to_string()))
    }
    fn with_context<C: fmt::Display, F: FnOnce() -> C>(self, f: F) -> Result<T> {
        self.ok_or_else(|| Error::new(f().to_string()))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(e.to_string())
    }
}

#[cfg(test)]
#[path = "tests/error.rs"]
mod tests;
