use super::*;

#[test]
fn formats_known_instants() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1466740080), "2016-06-24T03:48:00Z");
    assert_eq!(rfc3339(951782400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
}

#[test]
fn days_from_civil_inverts_civil_from_days() {
    for days in [-719_468, -1, 0, 1, 11_016, 19_723, 20_423, 2_932_896] {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m as i64, d as i64), days, "{y}-{m}-{d}");
    }
}
