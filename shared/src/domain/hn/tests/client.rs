use super::*;

#[test]
fn backoff_grows_is_jittered_and_capped() {
    let base = Duration::from_millis(100);
    for attempt in 0..6 {
        let exp = Duration::from_millis(100 << attempt);
        for key in 0..50 {
            let d = backoff_delay(base, attempt, key);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
    }
    let spread: std::collections::BTreeSet<_> = (0..50).map(|k| backoff_delay(base, 2, k)).collect();
    assert!(spread.len() > 40, "jitter spreads keys");
    assert_eq!(backoff_delay(base, 3, 7), backoff_delay(base, 3, 7));
    assert!(backoff_delay(base, 40, 1) <= MAX_BACKOFF);
}

#[test]
fn closed_port_is_unreachable_at_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::new(ClientConfig {
        base: format!("http://127.0.0.1:{port}/v0/"),
        concurrency: 1,
        timeout: Duration::from_secs(5),
        retries: 5,
        backoff: Duration::from_secs(5),
    });
    let e = c.max_item().unwrap_err();
    assert!(e.unreachable, "{e:?}");
    assert_eq!(c.stats.retries.load(Ordering::Relaxed), 0);
}
