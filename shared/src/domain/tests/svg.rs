use super::*;

const HOSTILE: &str = "<script>alert(1)</script> & \"quotes\" 'too'";

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn escape_neutralises_markup() {
    assert_eq!(
        escape(HOSTILE),
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;"
    );
    assert_eq!(escape("a\0b"), "a\u{FFFD}b");
    assert_eq!(escape("plain ünïcode"), "plain ünïcode");
}

#[test]
fn every_text_is_escaped_everywhere() {
    let v = [0.5, 0.5];
    let s = [Series::new(HOSTILE, &v)];
    let charts = [
        histogram(HOSTILE, &[0.0, 1.0, 2.0], &s),
        histogram_of(HOSTILE, &s, 4),
        bar_chart(HOSTILE, &[HOSTILE, "ok"], &s),
        line_chart(HOSTILE, &[HOSTILE.to_string(), "b".into()], &s, Some(0.4)),
        table(&[HOSTILE], &[vec![HOSTILE.to_string()]]),
        heading(2, HOSTILE),
        paragraph(Some(HOSTILE), HOSTILE),
        page(HOSTILE, ""),
    ];
    for c in &charts {
        assert!(!c.contains("<script"), "unescaped script in {c}");
        assert!(!c.contains("\"quotes\""), "unescaped quote in {c}");
        assert!(c.contains("&lt;script&gt;"), "text lost in {c}");
    }
}

#[test]
fn one_svg_per_chart() {
    let r = [1.0, 2.0, 2.0, 3.0];
    let c = [2.0, 3.0, 3.0, 4.0, 5.0];
    let s = [Series::new("reference", &r), Series::new("current", &c)];
    for chart in [
        histogram("h", &[0.0, 1.0, 2.0, 3.0, 4.0], &s),
        histogram_of("h", &s, 10),
        bar_chart("b", &["a", "b", "c", "d", "e"], &s),
        line_chart("l", &[], &s, None),
    ] {
        assert_eq!(count(&chart, "<svg"), 1, "{chart}");
        assert_eq!(count(&chart, "</svg>"), 1);
        assert!(chart.trim_end().ends_with("</svg>"));
        assert!(chart.contains("<title>"));
        assert!(!chart.contains("NaN") && !chart.contains("inf"), "{chart}");
    }
}

#[test]
fn charts_survive_empty_and_non_finite_input() {
    let nan = [f64::NAN, f64::INFINITY];
    let s = [Series::new("x", &nan)];
    for chart in [
        histogram("h", &[], &[]),
        histogram("h", &[0.0, 1.0, 2.0], &s),
        histogram_of("h", &s, 3),
        histogram_of("h", &[], 3),
        bar_chart("b", &[], &[]),
        bar_chart("b", &["a", "b"], &s),
        line_chart("l", &[], &[], Some(f64::NAN)),
        line_chart("l", &["one".into()], &s, None),
    ] {
        assert_eq!(count(&chart, "<svg"), 1);
        assert!(!chart.contains("NaN") && !chart.contains("inf"), "{chart}");
    }
}

#[test]
fn paired_histogram_draws_a_bar_per_series_per_bin() {
    let r = [0.2, 0.3, 0.5];
    let c = [0.4, 0.4, 0.2];
    let h = histogram(
        "h",
        &[0.0, 1.0, 2.0, 3.0],
        &[Series::new("ref", &r), Series::new("cur", &c)],
    );
    assert_eq!(count(&h, "<rect"), 6 + 2, "six bars and two legend swatches");
    assert!(h.contains(PALETTE[0]) && h.contains(PALETTE[1]));
}

#[test]
fn bin_shares_sum_to_one_and_keep_ends() {
    let edges = [0.0, 1.0, 2.0, 3.0];
    let s = bin_shares(&[-5.0, 0.0, 0.5, 1.0, 2.9, 3.0, 9.0, f64::NAN], &edges);
    assert_eq!(s.len(), 3);
    assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    // -5, 0, 0.5 in the first bin; 1 in the second; 2.9, 3, 9 in the last.
    assert!((s[0] - 3.0 / 7.0).abs() < 1e-12);
    assert!((s[1] - 1.0 / 7.0).abs() < 1e-12);
    assert!((s[2] - 3.0 / 7.0).abs() < 1e-12);
}

#[test]
fn page_is_self_contained() {
    let p = page("Drift", &heading(2, "x"));
    assert!(p.starts_with("<!DOCTYPE html>"));
    assert!(p.contains("<meta charset=\"utf-8\">"));
    assert!(p.contains("Content-Security-Policy"));
    for remote in ["http:", "https:", "<link", "<script", "@import", "url("] {
        // The SVG namespace is an identifier, never fetched; nothing else may point outside.
        let without_ns = p.replace("http://www.w3.org/2000/svg", "");
        assert!(!without_ns.contains(remote), "{remote} in the page");
    }
}

#[test]
fn table_cells_escaped_and_numbers_aligned() {
    let t = table(&["term", "weight"], &[vec!["<b>".into(), "0.25".into()]]);
    assert!(t.contains("<td>&lt;b&gt;</td>"));
    assert!(t.contains("<td class=\"num\">0.25</td>"));
}

#[test]
fn short_numbers() {
    assert_eq!(short_number(0.0), "0");
    assert_eq!(short_number(0.1), "0.1");
    assert_eq!(short_number(0.12345), "0.123");
    assert_eq!(short_number(2.5), "2.5");
    assert_eq!(short_number(150.0), "150");
    assert_eq!(short_number(25_000.0), "25k");
    assert_eq!(short_number(1_250_000.0), "1.25M");
    assert_eq!(short_number(-3.0), "-3");
}

#[test]
fn dag_draws_layers_top_to_bottom_with_every_label_escaped() {
    let node = |label, state| DagNode {
        label,
        detail: "3 rows",
        tooltip: HOSTILE,
        state,
    };
    // a -> b -> d, a -> c -> d, and a skip edge a -> d.
    let nodes = [
        node("a", NodeState::Fresh),
        node("b", NodeState::Stale),
        node(HOSTILE, NodeState::Missing),
        node("d", NodeState::Fresh),
    ];
    let edges = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 3)];
    let s = dag("graph", &nodes, &edges);
    assert_eq!(count(&s, "<svg"), 1);
    assert_eq!(count(&s, "<path"), edges.len());
    assert_eq!(count(&s, "<g><title>"), nodes.len());
    assert!(!s.contains("<script"), "{s}");
    // Layers: a on top, b and c side by side, d below them.
    let y_of = |label: &str| {
        let at = s.find(&format!(">{label}</text>")).unwrap();
        let text = &s[..at];
        let y = text.rfind(" y=\"").unwrap();
        text[y + 4..].split('"').next().unwrap().parse::<f64>().unwrap()
    };
    assert!(y_of("a") < y_of("b"));
    assert!(y_of("b") < y_of("d"));
    assert_eq!(y_of("b"), y_of(&escape(&clip(HOSTILE, 28))));
    assert_eq!(dag_layers(4, &edges), [0, 1, 1, 2]);
}

#[test]
fn dag_survives_a_cycle_and_bad_indices() {
    let nodes: Vec<DagNode> = ["x", "y"]
        .iter()
        .map(|l| DagNode {
            label: l,
            detail: "",
            tooltip: l,
            state: NodeState::Fresh,
        })
        .collect();
    let s = dag("cycle", &nodes, &[(0, 1), (1, 0), (0, 7), (1, 1)]);
    assert_eq!(count(&s, "<g><title>"), 2);
    assert_eq!(count(&s, "<path"), 2);
    assert_eq!(dag("empty", &[], &[]).matches("<svg").count(), 1);
}
