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
