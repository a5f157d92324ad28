//! The HN API over HTTP: one `ureq` agent (one connection pool shared by every worker thread),
//! a timeout per request, retries with exponential backoff and jitter on anything transient
//! (timeouts, 429/5xx, dropped connections, malformed or truncated JSON), and a cap on body size
//! so that nothing the network sends can exhaust memory. New connections are opened one after
//! another (see [`Paced`]), so many workers starting together do not burst SYNs at the server.

use super::item::Item;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{ConnectionDetails, Connector, DefaultConnector, Transport};

/// The public API.
pub const DEFAULT_API: &str = "https://hacker-news.firebaseio.com/v0";
/// Largest response body accepted. Real items are a few KB (a story's `kids` list is the bulk).
pub const MAX_BODY: u64 = 4 << 20;
/// Longest single backoff sleep.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How requests are made and retried.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base: String,
    /// Connections kept in the pool (the number of requests in flight).
    pub concurrency: usize,
    /// Whole-request timeout (connect + send + receive).
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubles each retry.
    pub backoff: Duration,
}

/// Counters every worker bumps.
#[derive(Debug, Default)]
pub struct ClientStats {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
}

/// A request that failed for good.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchError {
    /// Nothing answered at all (refused, unknown host, connect timeout).
    pub unreachable: bool,
    pub msg: String,
}

enum Attempt<T> {
    Done(T),
    /// Worth another try; with the server's Retry-After if it sent one.
    Retry(String, Option<Duration>),
    Fatal(String),
    Unreachable(String),
}

pub struct Client {
    agent: ureq::Agent,
    cfg: ClientConfig,
    pub stats: ClientStats,
}

impl Client {
    pub fn new(mut cfg: ClientConfig) -> Client {
        cfg.base = cfg.base.trim_end_matches('/').to_string();
        let pool = cfg.concurrency.max(1);
        // An unreachable host should be reported within a couple of seconds, whatever the
        // (longer) request timeout is.
        let connect = cfg.timeout.min(Duration::from_secs(2));
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            .timeout_connect(Some(connect))
            .http_status_as_error(false)
            .max_idle_connections(pool)
            .max_idle_connections_per_host(pool)
            .user_agent(concat!("hn-fetch/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::with_parts(config, Paced::default(), DefaultResolver::default()),
            cfg,
            stats: ClientStats::default(),
        }
    }

    pub fn base(&self) -> &str {
        &self.cfg.base
    }

    /// The largest item id.
    pub fn max_item(&self) -> Result<i64, FetchError> {
        self.get("maxitem.json", 0, true, |b| {
            let v: Value = serde_json::from_slice(b).map_err(|e| format!("invalid JSON: {e}"))?;
            v.as_i64().ok_or_else(|| format!("expected an item id, found {v}"))
        })
    }

    /// A story list: `new`, `top`, `best`, `ask`, `show` or `job`.
    pub fn list(&self, name: &str) -> Result<Vec<i64>, FetchError> {
        self.get(&format!("{name}stories.json"), 0, true, |b| {
            let v: Vec<Value> = serde_json::from_slice(b).map_err(|e| format!("expected a list of ids: {e}"))?;
            v.iter()
                .map(|x| x.as_i64().ok_or_else(|| format!("expected an item id, found {x}")))
                .collect()
        })
    }

    /// One item: `None` when the API answers `null` (the id has no item). The second value is
    /// the item's JSON, compact, for `--raw` and the journal.
    pub fn item(&self, id: i64) -> Result<Option<(Item, String)>, FetchError> {
        self.get(&format!("item/{id}.json"), id as u64, false, |b| {
            match Item::parse(b)? {
                None => Ok(None),
                Some((it, _)) if it.id != id => Err(format!("asked for item {id}, got item {}", it.id)),
                Some((it, v)) => Ok(Some((it, v.to_string()))),
            }
        })
    }

    /// GET `base/path` and parse the body, retrying what is transient. With `fail_fast`, an
    /// unreachable server is reported at once (used for the first request of a run).
    fn get<T>(
        &self,
        path: &str,
        key: u64,
        fail_fast: bool,
        parse: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<T, FetchError> {
        let url = format!("{}/{path}", self.cfg.base);
        let mut attempt = 0;
        loop {
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let (why, wait) = match self.attempt(&url, &parse) {
                Attempt::Done(v) => return Ok(v),
                Attempt::Fatal(msg) => {
                    return Err(FetchError {
                        unreachable: false,
                        msg,
                    });
                }
                Attempt::Unreachable(msg) if fail_fast => return Err(FetchError { unreachable: true, msg }),
                Attempt::Unreachable(msg) => (msg, None),
                Attempt::Retry(msg, wait) => (msg, wait),
            };
            if attempt >= self.cfg.retries {
                let tries = attempt + 1;
                return Err(FetchError {
                    unreachable: false,
                    msg: format!("{why} (after {tries} tries)"),
                });
            }
            let delay = backoff_delay(self.cfg.backoff, attempt, key).max(wait.unwrap_or_default().min(MAX_BACKOFF));
            crate::debug!("GET {url}: {why}; retrying in {delay:?}");
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(delay);
            attempt += 1;
        }
    }

    fn attempt<T>(&self, url: &str, parse: &impl Fn(&[u8]) -> Result<T, String>) -> Attempt<T> {
        let mut resp = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(e) => return classify(e),
        };
        let status = resp.status().as_u16();
        if status != 200 {
            let wait = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let msg = format!("HTTP {status}");
            return if status == 429 || status >= 500 {
                Attempt::Retry(msg, wait)
            } else {
                Attempt::Fatal(msg)
            };
        }
        let body = match resp.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
            Ok(b) => b,
            Err(ureq::Error::BodyExceedsLimit(n)) => {
                return Attempt::Fatal(format!("response body larger than {n} bytes"));
            }
            Err(e) => return Attempt::Retry(format!("reading the response: {e}"), None),
        };
        match parse(&body) {
            Ok(v) => Attempt::Done(v),
            Err(e) => Attempt::Retry(format!("bad response: {e}"), None),
        }
    }
}

/// The connector that opens the pool's connections, one after another: a new connection starts
/// [`PACE_FLOOR`] after the one before it started if that one is established by then, or
/// [`PACE_CEILING`] after it if not (a remote server, a slow handshake). A burst of SYNs overflows
/// a small server's listen backlog (Python's default is 5) and each dropped SYN costs the client
/// a one-second retransmit; a fixed 2 ms step between workers made that rare but opened 48
/// connections over 94 ms. Against a backlog-5 Python server under load, 0.25 and 0.5 ms floors
/// lost SYNs often, 1 ms in 1 run of 22, the old ramp in 2 of 35 (BENCHMARKS.md, pipeline). A
/// connection that took a retransmit to open ([`RETRANSMITTED`]) means the server is accepting
/// slowly: the floor doubles (up to [`PACE_MAX`]) for the connections still to come. Reused
/// connections never come here (ureq's pool hands them out first), so only work that needs a
/// new connection waits.
#[derive(Debug, Default)]
struct Paced {
    inner: DefaultConnector,
    state: Mutex<PaceState>,
    changed: Condvar,
}

/// Shortest step between two connections started.
const PACE_FLOOR: Duration = Duration::from_millis(1);
/// Longest wait for the connection before to be established.
const PACE_CEILING: Duration = Duration::from_millis(2);
/// Largest floor after backing off.
const PACE_MAX: Duration = Duration::from_millis(32);
/// A connect this slow waited for at least one SYN retransmit (Linux's first is after 1 s).
const RETRANSMITTED: Duration = Duration::from_millis(900);

#[derive(Debug, Default)]
struct PaceState {
    /// Connections being opened now.
    opening: usize,
    /// When the newest of them started.
    last_start: Option<Instant>,
    /// The step now (zero = not started: [`PACE_FLOOR`]).
    floor: Duration,
}

/// How much longer a new connection must wait, `None` when it may start now: `opening`
/// connections are being opened, the last one started `since` ago, and the step is `floor`.
fn pace_wait(opening: usize, since: Option<Duration>, floor: Duration) -> Option<Duration> {
    let since = since?;
    let step = if opening == 0 { floor } else { floor.max(PACE_CEILING) };
    step.checked_sub(since).filter(|w| !w.is_zero())
}

/// The floor after a connection took `took` to open.
fn pace_floor(floor: Duration, took: Duration) -> Duration {
    if took >= RETRANSMITTED {
        (floor * 2).min(PACE_MAX)
    } else {
        floor
    }
}

impl Paced {
    /// Wait until a new connection may start, and count it as opening.
    fn wait_turn(&self) {
        // A poisoned lock only means another worker panicked; the counters stay meaningful.
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.floor.is_zero() {
            st.floor = PACE_FLOOR;
        }
        while let Some(wait) = pace_wait(st.opening, st.last_start.map(|t| t.elapsed()), st.floor) {
            st = match self.changed.wait_timeout(st, wait) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        st.opening += 1;
        st.last_start = Some(Instant::now());
    }

    /// A connection started at `started` is open (or failed).
    fn opened(&self, started: Instant) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.opening = st.opening.saturating_sub(1);
        st.floor = pace_floor(st.floor, started.elapsed());
        drop(st);
        self.changed.notify_all();
    }
}

impl Connector<()> for Paced {
    type Out = Box<dyn Transport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<()>) -> Result<Option<Self::Out>, ureq::Error> {
        self.wait_turn();
        let started = Instant::now();
        let conn = self.inner.connect(details, chained);
        self.opened(started);
        conn
    }
}

fn classify<T>(e: ureq::Error) -> Attempt<T> {
    use std::io::ErrorKind as K;
    match &e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Attempt::Unreachable(e.to_string()),
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => Attempt::Unreachable(e.to_string()),
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                K::ConnectionRefused | K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable
            ) =>
        {
            Attempt::Unreachable(io.to_string())
        }
        // A failed DNS lookup comes as an uncategorized I/O error; only its text tells.
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
            Attempt::Unreachable(format!("cannot resolve the host ({io})"))
        }
        ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::RequireHttpsOnly(_) => {
            Attempt::Fatal(e.to_string())
        }
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => Attempt::Fatal(e.to_string()),
        _ => Attempt::Retry(e.to_string(), None),
    }
}

/// The sleep before retry number `attempt + 1`: `base * 2^attempt`, capped at 10 s, with
/// "equal jitter" (half fixed, half spread by a hash of `key` and `attempt`) so that workers
/// that failed together do not retry together. Deterministic for a given key.
pub fn backoff_delay(base: Duration, attempt: u32, key: u64) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(20)).min(MAX_BACKOFF);
    let half = exp / 2;
    let spread = splitmix64(key ^ ((attempt as u64) << 56)) % 1_000_000;
    half + half.mul_f64(spread as f64 / 1_000_000.0)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
#[path = "tests/client.rs"]
mod tests;
