use super::*;

#[test]
fn charts_of_a_drift_page_are_kept_and_anything_scripted_is_left_out() {
    let chart = svg::line_chart("a <b> chart on time", &["x".into()], &[Series::new("s", &[1.0])], None);
    let page = format!(
        "<p>x</p>{chart}<svg onload=\"alert(1)\"></svg><svg><script>1</script></svg><svg>\
         <a href=\"javascript:x\"></a></svg>{chart}<svg unterminated"
    );
    let kept = svg_elements(&page);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].trim_end(), chart.trim_end());
}

#[test]
fn cells_show_numbers_briefly_and_nulls_as_empty() {
    assert_eq!(cell(Some(&serde_json::json!(0.123456))), "0.1235");
    assert_eq!(cell(Some(&serde_json::json!(12345.6))), "12346");
    assert_eq!(cell(Some(&serde_json::json!(7))), "7");
    assert_eq!(cell(Some(&serde_json::json!(null))), "");
    assert_eq!(cell(Some(&serde_json::json!(true))), "yes");
    assert_eq!(cell(None), "");
    assert_eq!(short_fp("sha256:0123456789abcdef"), "0123456789ab");
}

#[test]
fn drift_that_could_not_run_says_not_yet_and_the_newer_report_wins() {
    let dir = std::env::temp_dir().join(format!("hn-report-drift-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.to_string_lossy().into_owned();
    let d = Data(&data);
    let mut sections = Vec::new();
    assert!(drift_section(&d, &mut sections).contains("Not yet: no drift report"));
    assert_eq!(sections, ["drift"]);
    std::fs::write(
        dir.join("drift.json"),
        r#"{"dataset_drift": null, "checks": [], "skipped": "too few rows <here>"}"#,
    )
    .unwrap();
    let s = drift_section(&d, &mut Vec::new());
    assert!(
        s.contains("Not yet: no drift checks ran: too few rows &lt;here&gt;"),
        "{s}"
    );
    // A later monitor run is the latest verdict.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        dir.join("monitor.json"),
        r#"{"dataset_drift": false, "checks": [{"drifted": false}]}"#,
    )
    .unwrap();
    let s = drift_section(&d, &mut Vec::new());
    assert!(
        s.contains("From monitor.json") && s.contains("No dataset drift: 0 of 1 checks drifted."),
        "{s}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
