//! The drift page, drawn from the JSON report alone (and the history lines), so that any report
//! on disk can be drawn again: a verdict first, a table of the checks, then a chart per check,
//! then the history. Every text comes from data and goes through [`crate::svg`]'s escaping.

use crate::svg::{self, Series};
use serde_json::Value;

const REFERENCE: &str = "reference";
const CURRENT: &str = "current";

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().map_or(Vec::new(), |a| a.iter().map(f).collect())
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The whole page for `report`, with `history` (oldest first, this run last) when given.
pub fn page(report: &Value, history: &[Value]) -> String {
    let mut body = String::new();
    // null: no check could run (too few rows), so neither verdict.
    let (class, headline) = match report["dataset_drift"].as_bool() {
        Some(true) => ("verdict bad", "Dataset drift"),
        Some(false) => ("verdict ok", "No dataset drift"),
        None => ("note", "No drift check ran"),
    };
    body.push_str(&svg::paragraph(
        Some(class),
        &format!("{headline}: {}", text(&report["verdict"])),
    ));
    let inputs = &report["inputs"];
    let mut about = format!(
        "Reference {} ({} rows) against current {} ({} rows).",
        text(&inputs["reference"]["path"]),
        inputs["reference"]["rows"],
        text(&inputs["current"]["path"]),
        inputs["current"]["rows"],
    );
    if inputs["model"].is_object() {
        about.push_str(&format!(" Model {}.", text(&inputs["model"]["path"])));
    }
    let empty = Vec::new();
    let checks = report["checks"].as_array().unwrap_or(&empty);
    // No threshold and no table when no check ran (too few rows): the skipped list says why.
    if !checks.is_empty() {
        about.push_str(&format!(
            " A check fires when its statistic exceeds its threshold and its p-value is below {:.2e} \
             (alpha {} over {} checks).",
            f(&report["p_threshold"]),
            report["settings"]["alpha"],
            report["checks_run"]
        ));
    }
    body.push_str(&svg::paragraph(Some("note"), &about));
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            vec![
                text(&c["name"]).to_string(),
                verdict(c).to_string(),
                text(&c["method"]).to_string(),
                format!("{:.4}", f(&c["statistic"])),
                format!("{:.4}", f(&c["threshold"])),
                c["p_value"].as_f64().map_or("-".into(), super::checks::short_p),
                text(&c["moved"]).to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        body.push_str(&svg::table(
            &[
                "check",
                "verdict",
                "method",
                "statistic",
                "threshold",
                "p-value",
                "what moved",
            ],
            &rows,
        ));
    }
    for c in checks {
        body.push_str(&svg::heading(2, &format!("{} — {}", text(&c["name"]), verdict(c))));
        body.push_str(&svg::paragraph(
            None,
            &format!(
                "{} {:.4} against threshold {:.4} on {} reference and {} current rows. {}",
                text(&c["method"]),
                f(&c["statistic"]),
                f(&c["threshold"]),
                c["reference_rows"],
                c["current_rows"],
                text(&c["moved"])
            ),
        ));
        body.push_str(&chart(c));
    }
    if let Some(skipped) = report["skipped"].as_array().filter(|s| !s.is_empty()) {
        body.push_str(&svg::heading(2, "Skipped checks"));
        let rows: Vec<Vec<String>> = skipped
            .iter()
            .map(|s| vec![text(&s["name"]).to_string(), text(&s["reason"]).to_string()])
            .collect();
        body.push_str(&svg::table(&["check", "why"], &rows));
    }
    if !history.is_empty() {
        body.push_str(&history_section(history, f(&report["settings"]["share"])));
    }
    svg::page("Drift report", &body)
}

fn verdict(c: &Value) -> &'static str {
    match (c["drifted"].as_bool().unwrap_or(false), c["severity"].as_str()) {
        (true, Some("major")) => "major drift",
        (true, _) => "drift",
        _ => "no drift",
    }
}

/// The chart that fits what the check found.
fn chart(c: &Value) -> String {
    let name = text(&c["name"]);
    if let Some(h) = c.get("histogram") {
        let (r, cur) = (floats(&h["reference"]), floats(&h["current"]));
        return svg::histogram(
            &format!("{name}: share of rows per bin"),
            &floats(&h["edges"]),
            &[Series::new(REFERENCE, &r), Series::new(CURRENT, &cur)],
        );
    }
    if let Some(cats) = c["categories"].as_array() {
        return shares_chart(&format!("{name}: share of rows"), cats, "category");
    }
    if let Some(terms) = c["terms"].as_array() {
        let mut s = svg::paragraph(
            None,
            &format!(
                "Held-out ROC AUC {:.3} (noise threshold {:.3}, floor {:.2}). Out of the reference's vocabulary: {} \
                 of {} current tokens{}.",
                f(&c["auc"]),
                f(&c["noise_threshold"]),
                f(&c["floor"]),
                pct(f(&c["out_of_vocabulary_share"])),
                c["current_tokens"],
                c["out_of_model_vocabulary_share"]
                    .as_f64()
                    .map_or(String::new(), |m| format!(
                        "; out of the model's vocabulary: {}",
                        pct(m)
                    ))
            ),
        );
        if let Some(titles) = c["most_current_like_titles"].as_array().filter(|t| !t.is_empty()) {
            let rows: Vec<Vec<String>> = titles
                .iter()
                .map(|t| vec![text(&t["title"]).to_string(), format!("{:.3}", f(&t["score"]))])
                .collect();
            s.push_str(&svg::paragraph(
                None,
                "Held-out current titles the classifier finds least like the reference:",
            ));
            s.push_str(&svg::table(&["title", "score"], &rows));
        }
        if terms.is_empty() {
            s.push_str(&svg::paragraph(
                Some("note"),
                "The classifier found no separating term.",
            ));
        } else {
            s.push_str(&shares_chart(
                &format!("{name}: the terms that separate the sides most (share of titles containing each)"),
                terms,
                "term",
            ));
        }
        return s;
    }
    if let Some(b) = c.get("bins") {
        let inner = floats(&b["inner_edges"]);
        let mut edges = vec![f(&c["reference"]["min"]).min(f(&c["current"]["min"]))];
        edges.extend(inner);
        edges.push(f(&c["reference"]["max"]).max(f(&c["current"]["max"])));
        let (r, cur) = (floats(&b["reference"]), floats(&b["current"]));
        return svg::histogram(
            &format!("{name}: predicted comments, share per reference-quantile bin"),
            &edges,
            &[Series::new(REFERENCE, &r), Series::new(CURRENT, &cur)],
        );
    }
    if c.get("baseline").is_some() {
        let (b, cur) = (&c["baseline"], &c["current"]);
        let base = [f(&b["mae"]), f(&b["r2"]), f(&b["spearman"])];
        let now = [f(&cur["mae"]), f(&cur["r2"]), f(&cur["spearman"])];
        return svg::bar_chart(
            &format!("{name}: held-out baseline vs current"),
            &["MAE", "R²", "Spearman"],
            &[Series::new("baseline", &base), Series::new(CURRENT, &now)],
        );
    }
    String::new()
}

/// Reference and current shares of labelled rows (categories, terms) as paired bars.
fn shares_chart(title: &str, items: &[Value], key: &str) -> String {
    let labels: Vec<&str> = items.iter().map(|i| text(&i[key])).collect();
    let r: Vec<f64> = items.iter().map(|i| f(&i["reference_share"])).collect();
    let c: Vec<f64> = items.iter().map(|i| f(&i["current_share"])).collect();
    svg::bar_chart(title, &labels, &[Series::new(REFERENCE, &r), Series::new(CURRENT, &c)])
}

fn history_section(history: &[Value], share: f64) -> String {
    let mut s = svg::heading(2, "History");
    let labels: Vec<String> = history.iter().map(|h| text(&h["timestamp"]).to_string()).collect();
    let shares: Vec<f64> = history.iter().map(|h| f(&h["drifted_share"])).collect();
    s.push_str(&svg::line_chart(
        "share of checks that drifted, per run",
        &labels,
        &[Series::new("drifted share", &shares)],
        Some(share),
    ));
    let stat_of = |h: &Value, name: &str| {
        h["checks"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == name))
            .map_or(f64::NAN, |c| f(&c["statistic"]))
    };
    let auc: Vec<f64> = history.iter().map(|h| stat_of(h, "title_text")).collect();
    if auc.iter().any(|v| v.is_finite()) {
        s.push_str(&svg::line_chart(
            "title text: domain classifier AUC, per run",
            &labels,
            &[Series::new("AUC", &auc)],
            None,
        ));
    }
    let rows: Vec<Vec<String>> = history
        .iter()
        .rev()
        .map(|h| {
            vec![
                text(&h["timestamp"]).to_string(),
                match h["dataset_drift"].as_bool() {
                    Some(true) => "drift",
                    Some(false) => "no drift",
                    None => "no check ran",
                }
                .to_string(),
                format!("{}/{}", h["drifted_checks"], h["checks_run"]),
                text(&h["inputs"]["current"]["path"]).to_string(),
            ]
        })
        .collect();
    s.push_str(&svg::table(&["run", "verdict", "drifted checks", "current"], &rows));
    s
}
