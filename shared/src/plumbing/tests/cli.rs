use super::*;

#[test]
fn durations() {
    assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
    assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
    assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(2 * 86400));
    assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
    assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
    assert!(parse_duration("ten").is_err());
    assert!(parse_duration("5y").is_err());
    assert!(parse_duration("").is_err());
}

#[test]
fn byte_sizes() {
    assert_eq!(parse_bytes("2G").unwrap(), 2 << 30);
    assert_eq!(parse_bytes("512m").unwrap(), 512 << 20);
    assert_eq!(parse_bytes("1000").unwrap(), 1000);
    assert!(parse_bytes("2 parsecs").is_err());
    assert_eq!(human_bytes(1000), "1000 bytes");
    assert_eq!(human_bytes(3 << 29), "1.5 GiB");
    // train's --max-dense-bytes default, as written in its flag, is the library's default.
    assert_eq!(parse_bytes("2G").unwrap(), crate::dense::DEFAULT_MAX_DENSE_BYTES);
}
