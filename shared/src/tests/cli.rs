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
