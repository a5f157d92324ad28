//! Self-contained HTML pages with inline-SVG charts: values in, an HTML or SVG string out.
//!
//! Pages made here load nothing from the network (no script, style sheet, font or image URL; a
//! Content-Security-Policy meta tag says so to the browser too), so they open from a file, a mail
//! attachment or an air-gapped machine. Every text that reaches a page (titles, labels, legend
//! entries, table cells) goes through [`escape`]: HN titles are untrusted, and a title such as
//! `<script>alert(1)</script>` must show as text.
//!
//! Each chart function (histograms, bars, lines, a layered DAG) returns exactly one `<svg>` element with a `<title>` (what screen readers
//! and tooltips show). Series are drawn in a fixed palette: the first series is the reference
//! (muted blue), the second the current data (orange), so every chart on a page reads alike.

use std::fmt::Write as _;

/// Colours by series index: reference, current, then more for charts with more series.
const PALETTE: [&str; 6] = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2"];

/// Chart width in pixels (the page's content column); charts scale down on narrow screens.
const WIDTH: f64 = 640.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
/// Room above the plot for the title line and the legend line.
const TOP: f64 = 40.0;
const BOTTOM: f64 = 34.0;

/// One named series of numbers: per-bin heights, per-category values, or points over time.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub label: &'a str,
    pub values: &'a [f64],
}

impl<'a> Series<'a> {
    pub fn new(label: &'a str, values: &'a [f64]) -> Self {
        Series { label, values }
    }
}

/// Escape text for HTML element content and quoted attribute values (also valid inside SVG).
/// NUL, which HTML parsers replace anyway, becomes U+FFFD here so the output is the same
/// whatever parses it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A whole HTML document: `title` (escaped) in the head and as the first heading, then `body`,
/// which must already be HTML made by this module's helpers or escaped by the caller.
pub fn page(title: &str, body: &str) -> String {
    let t = escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{t}</h1>\n{body}\n</body>\n</html>\n"
    )
}

/// The page's only style: readable text, charts that shrink with the window, verdict colours.
const CSS: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:960px;\
margin:2em auto;padding:0 1em;color:#222;background:#fff}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd}\
svg{max-width:100%;height:auto;display:block;margin:.5em 0}\
svg text{font:11px system-ui,sans-serif;fill:#333}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\
.verdict{padding:.6em 1em;border-radius:4px;font-weight:600}\
.ok{background:#e3f4e1;color:#1d5b1a}.bad{background:#fbe3e1;color:#8a1c12}.note{color:#666}";

/// `<hN>` with escaped text (`level` is clamped to 1..=6).
pub fn heading(level: u8, text: &str) -> String {
    let l = level.clamp(1, 6);
    format!("<h{l}>{}</h{l}>\n", escape(text))
}

/// A paragraph of escaped text, with an optional CSS class (`ok`, `bad`, `note`, `verdict`...).
pub fn paragraph(class: Option<&str>, text: &str) -> String {
    match class {
        Some(c) => format!("<p class=\"{}\">{}</p>\n", escape(c), escape(text)),
        None => format!("<p>{}</p>\n", escape(text)),
    }
}

/// A table: a header row and body rows, every cell escaped. Cells that parse as numbers are
/// right-aligned.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table>\n<thead><tr>");
    for h in headers {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for cell in row {
            let class = if cell.trim().parse::<f64>().is_ok() {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(s, "<td{class}>{}</td>", escape(cell));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A number short enough for an axis label: 3 significant digits, no trailing zeros; `n/a` for
/// NaN and infinities.
pub fn short_number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let a = x.abs();
    let s = if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else if a >= 100.0 || a == 0.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    };
    trim_zeros(s)
}

fn trim_zeros(s: String) -> String {
    let (num, unit) = match s.strip_suffix(['k', 'M']) {
        Some(n) => (n, &s[n.len()..]),
        None => (s.as_str(), ""),
    };
    if !num.contains('.') {
        return s;
    }
    let t = num.trim_end_matches('0').trim_end_matches('.');
    format!("{t}{unit}")
}

/// Histogram bars per bin between `edges` (len = bins + 1), one bar per series side by side in
/// each bin: reference vs current when two series are given. Heights are the series' values
/// (counts or shares, one per bin).
pub fn histogram(title: &str, edges: &[f64], series: &[Series]) -> String {
    let bins = edges.len().saturating_sub(1);
    let height = 232.0;
    let mut s = open_svg(title, height);
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, TOP, height - BOTTOM);
    let top = max_of(series).max(f64::MIN_POSITIVE);
    y_axis(&mut s, 0.0, top, y0, y1);
    if bins > 0 && !series.is_empty() {
        let slot = (x1 - x0) / bins as f64;
        let bar = (slot * 0.85) / series.len() as f64;
        for (k, sr) in series.iter().enumerate() {
            for (b, &v) in sr.values.iter().take(bins).enumerate() {
                let h = if v.is_finite() {
                    (v / top).clamp(0.0, 1.0) * (y1 - y0)
                } else {
                    0.0
                };
                let x = x0 + b as f64 * slot + slot * 0.075 + k as f64 * bar;
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}: [{}, {}) {}</title></rect>",
                    y1 - h,
                    bar.max(0.5),
                    PALETTE[k % PALETTE.len()],
                    escape(sr.label),
                    short_number(edges[b]),
                    short_number(edges[b + 1]),
                    short_number(v)
                );
            }
        }
        // Edge labels: first, middle, last, so wide ranges stay legible.
        for i in [0, bins / 2, bins] {
            let x = x0 + i as f64 * slot;
            let _ = write!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                y1 + 14.0,
                escape(&short_number(edges[i]))
            );
        }
    }
    legend(&mut s, series);
    s.push_str("</svg>\n");
    s
}

/// Bin raw samples into `bins` equal-width bins over their common range and draw them as a
/// [`histogram`] of shares (each series sums to 1), so samples of different sizes compare.
pub fn histogram_of(title: &str, samples: &[Series], bins: usize) -> String {
    let finite = || {
        samples
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
    };
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let bins = bins.max(1);
    let (lo, hi) = if lo.is_finite() {
        (lo, if hi > lo { hi } else { lo + 1.0 })
    } else {
        (0.0, 1.0)
    };
    let edges: Vec<f64> = (0..=bins).map(|i| lo + (hi - lo) * i as f64 / bins as f64).collect();
    let shares: Vec<Vec<f64>> = samples.iter().map(|s| bin_shares(s.values, &edges)).collect();
    let series: Vec<Series> = samples
        .iter()
        .zip(&shares)
        .map(|(s, v)| Series::new(s.label, v))
        .collect();
    histogram(title, &edges, &series)
}

/// Shares of the finite `values` in each bin of `edges` (the last bin includes its right edge;
/// values outside the range go to the nearest end bin).
pub fn bin_shares(values: &[f64], edges: &[f64]) -> Vec<f64> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0.0; bins];
    if bins == 0 {
        return counts;
    }
    let mut n = 0.0;
    for &v in values.iter().filter(|v| v.is_finite()) {
        // partition_point: the number of inner edges <= v is the bin index.
        let b = edges[1..bins].partition_point(|&e| e <= v);
        counts[b] += 1.0;
        n += 1.0;
    }
    if n > 0.0 {
        counts.iter_mut().for_each(|c| *c /= n);
    }
    counts
}

/// Horizontal bars, one row per category, one bar per series in each row (reference and
/// current shares of each category, or a single series of term weights). Negative values draw
/// leftwards from a zero line.
pub fn bar_chart(title: &str, categories: &[&str], series: &[Series]) -> String {
    let per = 11.0 * series.len().max(1) as f64 + 6.0;
    let label_w = 190.0;
    let height = TOP + categories.len() as f64 * per + 24.0;
    let mut s = open_svg(title, height);
    let (x0, x1) = (label_w, WIDTH - RIGHT - 40.0);
    let all = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
    };
    let hi = all().fold(0.0, f64::max);
    let lo = all().fold(0.0, f64::min);
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let zero = x0 + (-lo / span) * (x1 - x0);
    for (c, cat) in categories.iter().enumerate() {
        let row = TOP + c as f64 * per;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            row + per / 2.0 + 3.0,
            escape(&clip(cat, 30))
        );
        for (k, sr) in series.iter().enumerate() {
            let v = sr.values.get(c).copied().filter(|v| v.is_finite()).unwrap_or(0.0);
            let w = (v.abs() / span) * (x1 - x0);
            let x = if v < 0.0 { zero - w } else { zero };
            let y = row + 3.0 + k as f64 * 11.0;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{}\"><title>{} — {}: {}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                w.max(0.5),
                PALETTE[k % PALETTE.len()],
                escape(cat),
                escape(sr.label),
                short_number(v),
                x + w.max(0.5) + 3.0,
                y + 9.0,
                short_number(v)
            );
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{zero:.1}\" x2=\"{zero:.1}\" y1=\"{TOP}\" y2=\"{:.1}\" stroke=\"#999\"/>",
        height - 24.0
    );
    legend(&mut s, series);
    s.push_str("</svg>\n");
    s
}

/// Lines over ordered points (e.g. a statistic per run, oldest first), labelled on the x axis by
/// `x_labels` (first and last shown), with an optional dashed horizontal line at `threshold`.
pub fn line_chart(title: &str, x_labels: &[String], series: &[Series], threshold: Option<f64>) -> String {
    let height = 232.0;
    let mut s = open_svg(title, height);
    let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, TOP, height - BOTTOM);
    let finite = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .chain(threshold)
            .filter(|v| v.is_finite())
    };
    let mut lo = finite().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    y_axis(&mut s, lo, hi, y0, y1);
    let n = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(x_labels.len());
    let x_at = |i: usize| {
        if n <= 1 {
            (x0 + x1) / 2.0
        } else {
            x0 + (x1 - x0) * i as f64 / (n - 1) as f64
        }
    };
    let y_at = |v: f64| y1 - (v - lo) / (hi - lo) * (y1 - y0);
    if let Some(t) = threshold.filter(|t| t.is_finite()) {
        let _ = write!(
            s,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e45756\" stroke-dasharray=\"4 3\"><title>threshold {}</title></line>",
            short_number(t),
            y = y_at(t)
        );
    }
    for (k, sr) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let pts: Vec<String> = sr
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| format!("{:.1},{:.1}", x_at(i), y_at(v)))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            pts.join(" ")
        );
        for (i, &v) in sr.values.iter().enumerate().filter(|(_, v)| v.is_finite()) {
            let label = x_labels.get(i).map(String::as_str).unwrap_or("");
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{} {}: {}</title></circle>",
                x_at(i),
                y_at(v),
                escape(sr.label),
                escape(label),
                short_number(v)
            );
        }
    }
    let mut shown = vec![0];
    if x_labels.len() > 1 {
        shown.push(x_labels.len() - 1);
    }
    for i in shown.into_iter().filter(|&i| i < x_labels.len()) {
        let anchor = if i == 0 && x_labels.len() > 1 { "start" } else { "end" };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            x_at(i),
            y1 + 14.0,
            escape(&x_labels[i])
        );
    }
    legend(&mut s, series);
    s.push_str("</svg>\n");
    s
}

/// How a node of a [`dag`] is drawn: fresh (green), stale (orange), missing (grey, dashed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    Fresh,
    Stale,
    Missing,
}

impl NodeState {
    fn style(self) -> (&'static str, &'static str, &'static str) {
        // fill, stroke, dash
        match self {
            NodeState::Fresh => ("#e3f4e1", "#54a24b", ""),
            NodeState::Stale => ("#fde8cf", "#f58518", ""),
            NodeState::Missing => ("#f2f2f2", "#999", " stroke-dasharray=\"4 3\""),
        }
    }

    fn label(self) -> &'static str {
        match self {
            NodeState::Fresh => "fresh",
            NodeState::Stale => "stale",
            NodeState::Missing => "missing",
        }
    }
}

/// One node of a [`dag`]: a name in the box, a second smaller line, a tooltip.
#[derive(Debug, Clone)]
pub struct DagNode<'a> {
    pub label: &'a str,
    pub detail: &'a str,
    pub tooltip: &'a str,
    pub state: NodeState,
}

/// A directed acyclic graph drawn in layers, top to bottom (an asset graph: inputs above what
/// is made from them). `edges` are (from, to) indices into `nodes`. A node's layer is its longest
/// path from a source; within a layer nodes are ordered by the mean position of their
/// neighbours (a few barycenter sweeps down and up), which keeps most edges from crossing on
/// graphs of this size. A cycle (which make would refuse) is drawn anyway, its nodes in the layer
/// after their placed inputs.
pub fn dag(title: &str, nodes: &[DagNode], edges: &[(usize, usize)]) -> String {
    let n = nodes.len();
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a < n && b < n && a != b)
        .collect();
    let layer = dag_layers(n, &edges);
    let layers = layer.iter().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for v in 0..n {
        rows[layer[v]].push(v);
    }
    dag_order(&mut rows, &layer, &edges);

    let box_w = nodes
        .iter()
        .map(|d| d.label.chars().count().min(28) as f64 * 6.6 + 20.0)
        .fold(110.0, f64::max);
    let (box_h, gap_x, row_h) = (36.0, 16.0, 72.0);
    let widest = rows.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let width = (widest * (box_w + gap_x) + gap_x).max(WIDTH);
    let height = TOP + 12.0 + layers as f64 * row_h;
    let mut pos = vec![(0.0, 0.0); n];
    for (l, row) in rows.iter().enumerate() {
        let start = (width - row.len() as f64 * (box_w + gap_x) + gap_x) / 2.0;
        for (i, &v) in row.iter().enumerate() {
            pos[v] = (start + i as f64 * (box_w + gap_x), TOP + 12.0 + l as f64 * row_h);
        }
    }

    let t = escape(title);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" \
         height=\"{height:.0}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>\
         <text x=\"4\" y=\"14\" style=\"font-weight:600\">{t}</text>"
    );
    let mut x = width - RIGHT;
    for state in [NodeState::Missing, NodeState::Stale, NodeState::Fresh] {
        let (fill, stroke, dash) = state.style();
        x -= 7.0 * state.label().len() as f64 + 22.0;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"5\" width=\"10\" height=\"10\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>\
             <text x=\"{:.1}\" y=\"14\">{}</text>",
            x + 14.0,
            state.label()
        );
    }
    for &(a, b) in &edges {
        let (x1, y1) = (pos[a].0 + box_w / 2.0, pos[a].1 + box_h);
        let (x2, y2) = (pos[b].0 + box_w / 2.0, pos[b].1 - 5.0);
        let mid = (y1 + y2) / 2.0;
        let _ = write!(
            s,
            "<path d=\"M{x1:.1},{y1:.1} C{x1:.1},{mid:.1} {x2:.1},{mid:.1} {x2:.1},{y2:.1}\" fill=\"none\" stroke=\"#888\"/>\
             <polygon points=\"{:.1},{y2:.1} {:.1},{y2:.1} {x2:.1},{:.1}\" fill=\"#888\"/>",
            x2 - 4.0,
            x2 + 4.0,
            y2 + 5.0
        );
    }
    for (v, d) in nodes.iter().enumerate() {
        let (fill, stroke, dash) = d.state.style();
        let (x, y) = pos[v];
        let _ = write!(
            s,
            "<g><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{box_w:.1}\" height=\"{box_h}\" rx=\"5\" \
             fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" style=\"font-weight:600\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" style=\"fill:#555\">{}</text></g>",
            escape(d.tooltip),
            x + box_w / 2.0,
            y + 15.0,
            escape(&clip(d.label, 28)),
            x + box_w / 2.0,
            y + 29.0,
            escape(&clip(d.detail, 30))
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Longest-path layers: a source is layer 0, every other node one below its lowest input.
fn dag_layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    for &(_, b) in edges {
        indegree[b] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut placed = vec![false; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut left = n;
    while left > 0 {
        if ready.is_empty() {
            // A cycle: place its first unplaced node below whatever of its inputs is placed.
            if let Some(v) = (0..n).find(|&v| !placed[v]) {
                layer[v] = edges
                    .iter()
                    .filter(|&&(a, b)| b == v && placed[a])
                    .map(|&(a, _)| layer[a] + 1)
                    .max()
                    .unwrap_or(0);
                indegree[v] = 0;
                ready.push(v);
            }
        }
        while let Some(v) = ready.pop() {
            if placed[v] {
                continue;
            }
            placed[v] = true;
            left -= 1;
            for &(a, b) in edges.iter().filter(|&&(a, _)| a == v) {
                layer[b] = layer[b].max(layer[a] + 1);
                indegree[b] = indegree[b].saturating_sub(1);
                if indegree[b] == 0 && !placed[b] {
                    ready.push(b);
                }
            }
        }
    }
    layer
}

/// Order each layer by the mean position of each node's neighbours in the layer above (sweeping
/// down) and below (sweeping up); ties keep the earlier order, so the result is deterministic.
fn dag_order(rows: &mut [Vec<usize>], layer: &[usize], edges: &[(usize, usize)]) {
    let mut at = vec![0.0; layer.len()];
    for row in rows.iter() {
        for (i, &v) in row.iter().enumerate() {
            at[v] = i as f64;
        }
    }
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let key = |v: usize| {
                let near: Vec<f64> = edges
                    .iter()
                    .filter_map(|&(a, b)| match down {
                        true if b == v && layer[a] < l => Some(at[a]),
                        false if a == v && layer[b] > l => Some(at[b]),
                        _ => None,
                    })
                    .collect();
                if near.is_empty() {
                    at[v]
                } else {
                    near.iter().sum::<f64>() / near.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = rows[l].iter().map(|&v| (key(v), v)).collect();
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0));
            rows[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in rows[l].iter().enumerate() {
                at[v] = i as f64;
            }
        }
    }
}

fn open_svg(title: &str, height: f64) -> String {
    let t = escape(title);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" \
         height=\"{height:.0}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>\
         <text x=\"4\" y=\"14\" style=\"font-weight:600\">{t}</text>"
    )
}

fn y_axis(s: &mut String, lo: f64, hi: f64, y0: f64, y1: f64) {
    for (v, y) in [(lo, y1), ((lo + hi) / 2.0, (y0 + y1) / 2.0), (hi, y0)] {
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            short_number(v)
        );
    }
}

fn legend(s: &mut String, series: &[Series]) {
    let mut x = WIDTH - RIGHT;
    for (k, sr) in series.iter().enumerate().rev() {
        let label = clip(sr.label, 24);
        x -= 7.0 * label.chars().count() as f64 + 22.0;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"21\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"30\">{}</text>",
            PALETTE[k % PALETTE.len()],
            x + 14.0,
            escape(&label)
        );
    }
}

fn max_of(series: &[Series]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// At most `n` characters, with an ellipsis when cut (labels must not run over the bars).
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
#[path = "tests/svg.rs"]
mod tests;
