//! A loopback stand-in for the HN API for end-to-end tests: std::net only, one thread per
//! connection, HTTP/1.1 keep-alive, serving fixture items at the API's paths. Faults are injected
//! deterministically by item id (the first N requests for an id fail), never at random, and every
//! item request is counted so that tests can check what a run fetched.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Injected faults. `times` maps an id to how many of its first requests get the fault
/// (`u32::MAX`: every one).
#[derive(Default, Clone)]
pub struct Faults {
    /// Added to every response.
    pub latency: Duration,
    /// Answer `503 Service Unavailable`.
    pub unavailable: HashMap<i64, u32>,
    /// Answer 200 with truncated JSON.
    pub malformed: HashMap<i64, u32>,
    /// Close the connection without answering.
    pub dropped: HashMap<i64, u32>,
    /// Answer with a 5 MiB body (more than any client should accept).
    pub huge: Vec<i64>,
    /// After this many item requests, stop answering anything (connections stay open, silent).
    pub hang_after: Option<u64>,
}

struct State {
    items: Mutex<BTreeMap<i64, String>>,
    max_id: AtomicU64,
    faults: Faults,
    counts: Mutex<HashMap<i64, u32>>,
    item_requests: AtomicU64,
}

pub struct HnServer {
    /// `http://127.0.0.1:PORT/v0`
    pub base: String,
    state: Arc<State>,
}

impl HnServer {
    /// Serve `items` (each must have an integer `id`); the largest id is `maxitem`, and ids
    /// without an item answer `null`.
    pub fn start(items: &[serde_json::Value], faults: Faults) -> HnServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            items: Mutex::new(BTreeMap::new()),
            max_id: AtomicU64::new(0),
            faults,
            counts: Mutex::new(HashMap::new()),
            item_requests: AtomicU64::new(0),
        });
        let server = HnServer {
            base: format!("http://127.0.0.1:{port}/v0"),
            state: state.clone(),
        };
        server.add(items);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let state = state.clone();
                std::thread::spawn(move || serve(conn, &state));
            }
        });
        server
    }

    /// Publish more items (the API grows).
    pub fn add(&self, items: &[serde_json::Value]) {
        let mut map = self.state.items.lock().unwrap();
        for it in items {
            let id = it["id"].as_i64().unwrap();
            map.insert(id, it.to_string());
            self.state.max_id.fetch_max(id as u64, Ordering::SeqCst);
        }
    }

    /// Requests for item `id` so far.
    pub fn requests_for(&self, id: i64) -> u32 {
        self.state.counts.lock().unwrap().get(&id).copied().unwrap_or(0)
    }

    /// Item requests so far.
    pub fn item_requests(&self) -> u64 {
        self.state.item_requests.load(Ordering::SeqCst)
    }

    pub fn reset_counts(&self) {
        self.state.counts.lock().unwrap().clear();
        self.state.item_requests.store(0, Ordering::SeqCst);
    }
}

fn serve(conn: TcpStream, state: &State) {
    let _ = conn.set_nodelay(true);
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        loop {
            let mut h = String::new();
            match reader.read_line(&mut h) {
                Ok(0) | Err(_) => return,
                Ok(_) if h == "\r\n" || h == "\n" => break,
                Ok(_) => {}
            }
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
        // Counted on arrival, before the latency, so that a test sees every request made.
        let seen = count(&path, state);
        let f = &state.faults;
        if !f.latency.is_zero() {
            std::thread::sleep(f.latency);
        }
        let (status, body) = match route(&path, seen, state) {
            Route::Silent => loop {
                std::thread::sleep(Duration::from_secs(60));
            },
            Route::Drop => return,
            Route::Answer(status, body) => (status, body),
        };
        let reason = if status == 200 { "OK" } else { "Service Unavailable" };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        // One write: head and body in two would meet Nagle and delayed ACKs (a 40 ms stall).
        if out.write_all(format!("{head}{body}").as_bytes()).is_err() {
            return;
        }
    }
}

enum Route {
    Answer(u16, String),
    Drop,
    Silent,
}

fn item_id(path: &str) -> Option<i64> {
    path.strip_prefix("/v0/item/")
        .and_then(|p| p.strip_suffix(".json"))
        .and_then(|p| p.parse::<i64>().ok())
}

/// Count an item request; returns how many requests for the same item came before it.
fn count(path: &str, state: &State) -> u32 {
    let Some(id) = item_id(path) else { return 0 };
    state.item_requests.fetch_add(1, Ordering::SeqCst);
    let mut counts = state.counts.lock().unwrap();
    let c = counts.entry(id).or_insert(0);
    *c += 1;
    *c - 1
}

fn route(path: &str, seen: u32, state: &State) -> Route {
    let f = &state.faults;
    let max = state.max_id.load(Ordering::SeqCst);
    if let Some(after) = f.hang_after
        && state.item_requests.load(Ordering::SeqCst) > after
    {
        return Route::Silent;
    }
    if path == "/v0/maxitem.json" {
        return Route::Answer(200, max.to_string());
    }
    if let Some(list) = path.strip_prefix("/v0/").and_then(|p| p.strip_suffix("stories.json")) {
        if !["new", "top", "best", "ask", "show", "job"].contains(&list) {
            return Route::Answer(404, "{\"error\":\"Permission denied\"}".into());
        }
        let items = state.items.lock().unwrap();
        let ids: Vec<i64> = items
            .iter()
            .rev()
            .filter(|(_, v)| v.contains("\"type\":\"story\""))
            .map(|(id, _)| *id)
            .take(500)
            .collect();
        return Route::Answer(200, serde_json::to_string(&ids).unwrap());
    }
    let Some(id) = item_id(path) else {
        return Route::Answer(404, "{\"error\":\"Permission denied\"}".into());
    };
    let hit = |m: &HashMap<i64, u32>| m.get(&id).is_some_and(|&n| seen < n);
    if hit(&f.dropped) {
        return Route::Drop;
    }
    if hit(&f.unavailable) {
        return Route::Answer(503, "{\"error\":\"try again\"}".into());
    }
    if f.huge.contains(&id) {
        return Route::Answer(200, format!("{{\"id\":{id},\"title\":\"{}\"}}", "x".repeat(5 << 20)));
    }
    if hit(&f.malformed) {
        return Route::Answer(200, format!("{{\"id\": {id}, \"title\": \"trunc"));
    }
    let body = state
        .items
        .lock()
        .unwrap()
        .get(&id)
        .cloned()
        .unwrap_or_else(|| "null".into());
    Route::Answer(200, body)
}
