use super::*;

#[test]
fn context_reads_outward_in_and_folds_lines() {
    let e: std::result::Result<(), _> = Err(std::io::Error::other("line one\n  line two"));
    let e = e.context("reading x.parquet").unwrap_err().context("hn-fetch");
    assert_eq!(e.to_string(), "hn-fetch: reading x.parquet: line one line two");
    assert_eq!(e.exit_code(), EXIT_TROUBLE);
    assert_eq!(Error::check_failed("r2 0.1 < 0.2").exit_code(), EXIT_CHECK);
}

#[test]
fn option_context() {
    let v: Option<u8> = None;
    assert_eq!(
        v.context("no such column \"title\"").unwrap_err().message(),
        "no such column \"title\""
    );
}
