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

#[test]
fn pacing_steps_by_the_floor_while_connects_finish_and_by_the_ceiling_while_one_is_open() {
    let ms = Duration::from_millis;
    // The first connection starts at once.
    assert_eq!(pace_wait(0, None, PACE_FLOOR), None);
    // The one before is established: wait out the floor from its start, no more.
    assert_eq!(pace_wait(0, Some(Duration::ZERO), PACE_FLOOR), Some(PACE_FLOOR));
    assert_eq!(pace_wait(0, Some(PACE_FLOOR), PACE_FLOOR), None);
    // Still opening (a slow handshake): wait for the ceiling, then start beside it anyway.
    assert_eq!(
        pace_wait(1, Some(PACE_FLOOR), PACE_FLOOR),
        Some(PACE_CEILING - PACE_FLOOR)
    );
    assert_eq!(pace_wait(3, Some(PACE_CEILING), PACE_FLOOR), None);
    // A backed-off floor above the ceiling holds in both cases.
    assert_eq!(pace_wait(0, Some(ms(3)), ms(8)), Some(ms(5)));
    assert_eq!(pace_wait(1, Some(ms(3)), ms(8)), Some(ms(5)));
}

#[test]
fn pacing_backs_off_only_after_a_retransmitted_syn_and_is_capped() {
    let ms = Duration::from_millis;
    assert_eq!(pace_floor(PACE_FLOOR, ms(1)), PACE_FLOOR);
    assert_eq!(pace_floor(PACE_FLOOR, ms(300)), PACE_FLOOR);
    assert_eq!(pace_floor(PACE_FLOOR, ms(1010)), PACE_FLOOR * 2);
    let mut floor = PACE_FLOOR;
    for _ in 0..20 {
        floor = pace_floor(floor, ms(3000));
    }
    assert_eq!(floor, PACE_MAX);
}
