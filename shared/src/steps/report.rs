//! `report`: one self-contained HTML page about a DATA folder, what Dagster's UI shows the guide's
//! users, from files alone: the asset graph as the Makefile defines it (each asset with when it
//! was built, rows, fingerprint, stale or not), the champion model's card, the models' metrics
//! over time and when the champion changed, the latest drift verdict with its charts, outcomes
//! over time, and the top predictions for the newest stories.
//!
//! Every piece but the graph is optional: a folder where `make monitor` or `make outcomes` has
//! not run yet shows "not yet" in that section, never an error. Every text from the data (titles
//! above all) is escaped by [`crate::svg`]; the page loads nothing from the network.

pub mod assets;

use crate::clock;
use crate::error::{Error, Result};
use crate::history;
use crate::io;
use crate::registry;
use crate::svg::{self, DagNode, NodeState, Series};
use crate::table::Table;
use assets::{AssetGraph, Freshness};
use serde_json::Value;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// What `report` was asked to do.
#[derive(Debug, Clone)]
pub struct ReportJob {
    /// The DATA folder, as the Makefile's `DATA` variable names it.
    pub data: String,
    pub makefile: String,
    /// The make program that reads the Makefile.
    pub make: String,
    pub output: String,
    /// How many predictions to show.
    pub top: usize,
}

/// What the page shows, for the tool's summary line.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    pub assets: usize,
    pub stale: usize,
    pub missing: usize,
    /// Sections that said "not yet".
    pub not_yet: Vec<&'static str>,
}

/// The page's sections, in order: (id, heading).
pub const SECTIONS: [(&str, &str); 5] = [
    ("assets", "Assets"),
    ("models", "Models"),
    ("drift", "Drift"),
    ("outcomes", "Outcomes"),
    ("predictions", "Predictions"),
];

/// Read everything, write the page atomically.
pub fn run_report(job: &ReportJob) -> Result<ReportOutcome> {
    let data = job.data.trim_end_matches('/');
    let data = if data.is_empty() { "/" } else { data };
    if !Path::new(data).is_dir() {
        return Err(Error::new(format!(
            "DATA folder {data} does not exist (or is not a folder): run the pipeline first (make all), or give --data"
        )));
    }
    let db = assets::read_database(&job.make, &job.makefile, data)?;
    let graph = assets::asset_graph(&db, data);
    let d = Data(data);
    let mut not_yet = Vec::new();
    let bodies = [
        assets_section(&graph),
        models_section(&d, &mut not_yet),
        drift_section(&d, &mut not_yet),
        outcomes_section(&d, &mut not_yet),
        predictions_section(&d, job.top, &mut not_yet),
    ];
    let stale = graph
        .assets
        .iter()
        .filter(|a| matches!(a.freshness, Freshness::Stale(_)))
        .count();
    let missing = graph
        .assets
        .iter()
        .filter(|a| a.freshness == Freshness::Missing)
        .count();
    let mut body = svg::paragraph(
        Some("note"),
        &format!(
            "DATA folder {data}, made at {} from {}: {} assets, {stale} stale, {missing} missing.",
            clock::rfc3339(clock::now_unix()),
            job.makefile,
            graph.assets.len()
        ),
    );
    body.push_str("<nav>");
    for (i, (id, title)) in SECTIONS.iter().enumerate() {
        let sep = if i == 0 { "" } else { " · " };
        let _ = write!(body, "{sep}<a href=\"#{id}\">{}</a>", svg::escape(title));
    }
    body.push_str("</nav>\n");
    for ((id, title), inner) in SECTIONS.iter().zip(bodies) {
        let _ = write!(
            body,
            "<section id=\"{id}\">\n{}{inner}</section>\n",
            svg::heading(2, title)
        );
    }
    let html = svg::page(&format!("hn pipeline report: {data}"), &body);
    io::write_atomically(&job.output, |o| Ok(o.write_all(html.as_bytes())?))?;
    Ok(ReportOutcome {
        assets: graph.assets.len(),
        stale,
        missing,
        not_yet,
    })
}

/// Paths inside the DATA folder, and its JSON files read leniently: a missing file is `None`
/// ("not yet"); a file that cannot be read is shown as such on the page, not an error.
struct Data<'a>(&'a str);

enum Doc {
    Absent,
    Broken(String),
    Json(Value),
}

impl Data<'_> {
    fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.0)
    }

    fn json(&self, name: &str) -> Doc {
        let p = self.path(name);
        match std::fs::read(&p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Doc::Absent,
            Err(e) => Doc::Broken(format!("cannot read {p}: {e}")),
            Ok(b) => match serde_json::from_slice(&b) {
                Ok(v) => Doc::Json(v),
                Err(e) => Doc::Broken(format!("{p} is not valid JSON: {e}")),
            },
        }
    }

    /// The JSON objects of a JSON Lines history, oldest first (torn lines skipped); one that
    /// cannot be read at all shows as empty here.
    fn history(&self, name: &str) -> Vec<Value> {
        history::read(&self.path(name)).map(|(v, _)| v).unwrap_or_default()
    }
}

fn not_yet(what: &str) -> String {
    svg::paragraph(Some("note"), &format!("Not yet: {what}"))
}

fn broken(msg: &str) -> String {
    svg::paragraph(Some("bad"), msg)
}

/// A JSON value as a table cell: numbers to 4 significant places, strings as they are.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().map(fixed).unwrap_or_default(),
        },
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.into(),
        Some(other) => other.to_string(),
    }
}

fn fixed(x: f64) -> String {
    if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

/// When a history line was written: `time` (registry, outcomes) or `timestamp` (score, drift).
fn time_of(h: &Value) -> String {
    cell(h.get("time").or_else(|| h.get("timestamp")))
}

/// The two metrics every chart of model quality here shows, r2 (the guide's) and Spearman (the
/// ranking), one point per label, oldest first.
fn quality_chart(title: &str, labels: &[String], r2: &[f64], spearman: &[f64]) -> String {
    svg::line_chart(
        title,
        labels,
        &[Series::new("r2", r2), Series::new("spearman", spearman)],
        None,
    )
}

fn num(v: &Value, key: &str) -> f64 {
    v.pointer(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// `sha256:abcdef...` as its first 12 hex digits.
fn short_fp(s: &str) -> String {
    s.trim_start_matches("sha256:").chars().take(12).collect()
}

fn assets_section(g: &AssetGraph) -> String {
    let details: Vec<String> = g
        .assets
        .iter()
        .map(|a| match (&a.rows, a.built) {
            (Some(r), Some(t)) => format!("{r} rows · {}", assets::when(t)),
            (None, Some(t)) => assets::when(t),
            (_, None) => "not built".into(),
        })
        .collect();
    let tooltips: Vec<String> = g
        .assets
        .iter()
        .map(|a| {
            let mut t = format!("{}: {}", a.path, state_text(&a.freshness));
            if !a.made_by.is_empty() {
                let _ = write!(t, "; made by {}", a.made_by.join(", "));
            }
            if !a.settings.is_empty() {
                let _ = write!(t, "; settings {}", a.settings.join(", "));
            }
            if !a.also_makes.is_empty() {
                let _ = write!(t, "; made in one run with {}", a.also_makes.join(", "));
            }
            t
        })
        .collect();
    let nodes: Vec<DagNode> = g
        .assets
        .iter()
        .zip(details.iter().zip(&tooltips))
        .map(|(a, (detail, tooltip))| DagNode {
            label: &a.name,
            detail,
            tooltip,
            state: match a.freshness {
                Freshness::Fresh => NodeState::Fresh,
                Freshness::Stale(_) => NodeState::Stale,
                Freshness::Missing => NodeState::Missing,
            },
        })
        .collect();
    let mut s = svg::paragraph(
        None,
        "The asset graph as make reads the Makefile: every file under DATA a rule makes or reads, an arrow from each input \
         to what is made from it. Stale = make would rebuild it (an input is newer, or out of date itself).",
    );
    s.push_str(&svg::dag("Asset graph", &nodes, &g.edges));
    let rows: Vec<Vec<String>> = g
        .assets
        .iter()
        .map(|a| {
            vec![
                a.name.clone(),
                state_text(&a.freshness),
                a.built.map(assets::when).unwrap_or_default(),
                a.rows.clone().unwrap_or_default(),
                a.size.map(crate::cli::human_bytes).unwrap_or_default(),
                a.fingerprint.clone().unwrap_or_default(),
                if a.is_source {
                    "(input)".into()
                } else {
                    a.made_by.join(", ")
                },
                a.settings
                    .iter()
                    .map(|st| st.trim_start_matches(".args/").trim_end_matches(".args"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    s.push_str(&svg::table(
        &[
            "asset",
            "state",
            "built (UTC)",
            "rows",
            "size",
            "sha256",
            "made by",
            "settings (.args/)",
        ],
        &rows,
    ));
    s
}

fn state_text(f: &Freshness) -> String {
    match f {
        Freshness::Fresh => "fresh".into(),
        Freshness::Stale(why) => format!("stale: {why}"),
        Freshness::Missing => "missing".into(),
    }
}

/// The registry (`models/<id>/`), the champion, its card, metrics over time, champion changes,
/// read through [`crate::registry`]'s reading functions (the layout is the registry's).
fn models_section(d: &Data, not_yet_sections: &mut Vec<&'static str>) -> String {
    let mut s = svg::heading(3, "The champion");
    let dir = Path::new(d.0);
    let champion_id = match registry::champion(dir) {
        Ok(id) => id,
        Err(e) => {
            s.push_str(&broken(&e.to_string()));
            None
        }
    };
    let models = match registry::list(dir) {
        Ok(m) => m,
        Err(e) => {
            s.push_str(&broken(&e.to_string()));
            Vec::new()
        }
    };
    let card = match &champion_id {
        Some(id) => {
            s.push_str(&svg::paragraph(
                Some("verdict ok"),
                &format!("The champion, serving predictions: {id}"),
            ));
            match models.iter().find(|m| &m.id == id).and_then(|m| m.card.clone()) {
                Some(card) => Doc::Json(card),
                None => Doc::Broken(format!("the champion {id} has no readable card (model.bin.json)")),
            }
        }
        None => {
            s.push_str(&not_yet(
                "no champion (DATA/champion); `make promote` makes the first trained model the champion.",
            ));
            match d.json("model.bin.json") {
                Doc::Absent => Doc::Absent,
                other => {
                    s.push_str(&svg::paragraph(
                        None,
                        "The latest trained model's card (model.bin.json):",
                    ));
                    other
                }
            }
        }
    };
    match card {
        Doc::Json(c) => s.push_str(&card_html(&c)),
        Doc::Broken(m) => s.push_str(&broken(&m)),
        Doc::Absent => not_yet_sections.push("models"),
    }

    s.push_str(&svg::heading(3, "Models over time"));
    let history = d.history("metrics.history.jsonl");
    if !models.is_empty() {
        let labels: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
        let metric = |name: &str| -> Vec<f64> { models.iter().map(|m| m.metric(name).unwrap_or(f64::NAN)).collect() };
        let (r2, sp) = (metric("r2"), metric("spearman"));
        s.push_str(&quality_chart(
            "Each registered model's test metrics, oldest first",
            &labels,
            &r2,
            &sp,
        ));
        let rows: Vec<Vec<String>> = models
            .iter()
            .rev()
            .map(|m| {
                let metric = |k: &str| cell(m.metrics.as_ref().and_then(|v| v.get(k)));
                vec![
                    m.id.clone(),
                    if champion_id.as_ref() == Some(&m.id) {
                        "champion".into()
                    } else {
                        String::new()
                    },
                    metric("r2"),
                    metric("spearman"),
                    metric("mae"),
                    metric("n"),
                    settings_text(m.settings.as_ref()),
                ]
            })
            .collect();
        s.push_str(&svg::table(
            &["model", "", "r2", "spearman", "mae", "n", "settings"],
            &rows,
        ));
    } else if !history.is_empty() {
        s.push_str(&not_yet(
            "no registered models (DATA/models/); the score history of model.bin instead:",
        ));
        let labels: Vec<String> = history.iter().map(time_of).collect();
        let r2: Vec<f64> = history.iter().map(|h| num(h, "/r2")).collect();
        let sp: Vec<f64> = history.iter().map(|h| num(h, "/spearman")).collect();
        s.push_str(&quality_chart(
            "Test metrics per scoring run (metrics.history.jsonl), oldest first",
            &labels,
            &r2,
            &sp,
        ));
    } else {
        s.push_str(&not_yet("no models trained and scored."));
    }

    s.push_str(&svg::heading(3, "When the champion changed"));
    let decisions = registry::history(dir).unwrap_or_default();
    if decisions.is_empty() {
        s.push_str(&not_yet("no promote decisions (champion.history.jsonl)."));
    } else {
        let rows: Vec<Vec<String>> = decisions
            .iter()
            .rev()
            .take(30)
            .map(|h| {
                [
                    "time",
                    "action",
                    "candidate",
                    "champion",
                    "metric",
                    "candidate_value",
                    "champion_value",
                    "promoted",
                    "reason",
                ]
                .iter()
                .map(|k| cell(h.get(*k)))
                .collect()
            })
            .collect();
        s.push_str(&svg::table(
            &[
                "time",
                "action",
                "candidate",
                "champion before",
                "metric",
                "candidate",
                "champion",
                "promoted",
                "reason",
            ],
            &rows,
        ));
    }
    s
}

/// A model's settings.json as `KEY=value` pairs: the make variables that made it (the
/// registry keeps them under `variables`), empty ones left out.
fn settings_text(settings: Option<&Value>) -> String {
    let settings = settings.map(|s| s.get("variables").unwrap_or(s));
    match settings {
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(k, v)| !k.ends_with("fingerprint") && !v.is_null() && !v.is_object() && v.as_str() != Some(""))
            .map(|(k, v)| format!("{k}={}", cell(Some(v))))
            .collect::<Vec<_>>()
            .join(" "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// A model card: the facts a reader looks for first, every scalar field (parameters, training
/// summary) in a folded table, and the terms the trees split on most.
fn card_html(card: &Value) -> String {
    let mut rows = Vec::new();
    flatten("", card, &mut rows);
    let key = [
        "engine",
        "params.objective",
        "params.n_estimators",
        "params.max_depth",
        "params.eta",
        "rows",
        "features",
        "training.train.r2",
        "model_fingerprint",
    ];
    let first: Vec<Vec<String>> = key
        .iter()
        .filter_map(|k| rows.iter().find(|r| r[0] == *k).cloned())
        .collect();
    let mut s = svg::table(&["card field", "value"], &first);
    s.push_str("<details><summary>Every field of the card</summary>\n");
    s.push_str(&svg::table(&["card field", "value"], &rows));
    s.push_str("</details>\n");
    if let Some(terms) = card.get("feature_importance").and_then(Value::as_array) {
        let top: Vec<(&str, f64)> = terms
            .iter()
            .take(12)
            .filter_map(|t| Some((t.get("term")?.as_str()?, t.get("gain")?.as_f64()?)))
            .collect();
        if !top.is_empty() {
            let names: Vec<&str> = top.iter().map(|t| t.0).collect();
            let gains: Vec<f64> = top.iter().map(|t| t.1).collect();
            s.push_str(&svg::bar_chart(
                "Terms the model splits on most (total gain)",
                &names,
                &[Series::new("gain", &gains)],
            ));
        }
    }
    s
}

/// Scalar leaves of a card as `a.b` paths; lists and the provenance are left to the card file.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "provenance" || k == "feature_importance" {
                    continue;
                }
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        Value::Array(_) | Value::Null => {}
        other => out.push(vec![prefix.to_string(), cell(Some(other))]),
    }
}

/// The drift reports the Makefile writes: (stem, what it compares).
const DRIFT_REPORTS: [(&str, &str); 2] = [
    (
        "monitor",
        "the newest stories against the champion's training stories (make monitor)",
    ),
    (
        "drift",
        "the newest stories against the candidate's training stories, at training time",
    ),
];

/// The latest drift verdict (the newer of monitor.json and drift.json), its checks, the drifted
/// share per run, and the charts of the report's own page (monitor.html or drift.html).
fn drift_section(d: &Data, not_yet_sections: &mut Vec<&'static str>) -> String {
    let mut s = String::new();
    let modified = |stem: &str| {
        std::fs::metadata(d.path(&format!("{stem}.json")))
            .and_then(|m| m.modified())
            .ok()
    };
    let newest = DRIFT_REPORTS
        .iter()
        .filter_map(|&(stem, what)| Some((modified(stem)?, stem, what)))
        .max_by_key(|r| r.0);
    let (stem, what) = newest.map_or(DRIFT_REPORTS[1], |(_, stem, what)| (stem, what));
    let doc = d.json(&format!("{stem}.json"));
    if let Doc::Json(_) = doc {
        s.push_str(&svg::paragraph(None, &format!("From {stem}.json: {what}.")));
    }
    match doc {
        Doc::Absent => {
            not_yet_sections.push("drift");
            s.push_str(&not_yet(
                "no drift report (drift.json); `make monitor` compares the newest stories with the champion's training data.",
            ));
        }
        Doc::Broken(m) => s.push_str(&broken(&m)),
        Doc::Json(r) => {
            let checks = r.get("checks").and_then(Value::as_array).cloned().unwrap_or_default();
            let drifted = checks
                .iter()
                .filter(|c| c.get("drifted").and_then(Value::as_bool) == Some(true))
                .count();
            let verdict = r.get("dataset_drift").and_then(Value::as_bool);
            let (class, text) = match verdict {
                Some(true) => (
                    "verdict bad",
                    format!("Drift: {drifted} of {} checks drifted.", checks.len()),
                ),
                Some(false) => (
                    "verdict ok",
                    format!("No dataset drift: {drifted} of {} checks drifted.", checks.len()),
                ),
                // No check could run (too few stories): drift --allow-too-few says why in the
                // verdict (reports written by an older Makefile, in a `skipped` string).
                None => match r
                    .get("skipped")
                    .and_then(Value::as_str)
                    .or_else(|| r.get("verdict").and_then(Value::as_str))
                {
                    Some(why) => ("note", format!("Not yet: no drift checks ran: {why}")),
                    None => ("verdict", format!("{stem}.json has no dataset_drift verdict.")),
                },
            };
            s.push_str(&svg::paragraph(Some(class), &text));
            let rows: Vec<Vec<String>> = checks
                .iter()
                .map(|c| {
                    [
                        "name",
                        "column",
                        "method",
                        "statistic",
                        "threshold",
                        "p_value",
                        "drifted",
                    ]
                    .iter()
                    .map(|k| cell(c.get(*k)))
                    .collect()
                })
                .collect();
            if !rows.is_empty() {
                s.push_str(&svg::table(
                    &[
                        "check",
                        "column",
                        "method",
                        "statistic",
                        "threshold",
                        "p value",
                        "drifted",
                    ],
                    &rows,
                ));
            }
        }
    }
    let history = d.history("drift.history.jsonl");
    if history.len() > 1 {
        let labels: Vec<String> = history.iter().map(time_of).collect();
        let share: Vec<f64> = history.iter().map(drifted_share).collect();
        s.push_str(&svg::line_chart(
            "Share of drift checks that drifted, per run",
            &labels,
            &[Series::new("drifted share", &share)],
            None,
        ));
    }
    let page = format!("{stem}.html");
    let charts = std::fs::read_to_string(d.path(&page))
        .map(|html| svg_elements(&html))
        .unwrap_or_default();
    if !charts.is_empty() {
        s.push_str(&svg::paragraph(
            None,
            &format!("The drift report's charts (from {page}, beside this page):"),
        ));
        for c in &charts {
            s.push_str(c);
            s.push('\n');
        }
        let _ = writeln!(s, "<p><a href=\"{page}\">{page}</a>: the whole drift report.</p>");
    }
    s
}

fn drifted_share(h: &Value) -> f64 {
    let checks = h.get("checks").and_then(Value::as_array);
    match checks {
        Some(c) if !c.is_empty() => {
            c.iter()
                .filter(|c| c.get("drifted").and_then(Value::as_bool) == Some(true))
                .count() as f64
                / c.len() as f64
        }
        _ => num(h, "/drifted_share"),
    }
}

/// The `<svg>...</svg>` elements of a page made by [`crate::svg`] (drift.html), to show its
/// charts here. One that carries script or foreign content is left out: the charts are ours,
/// but the file is only a file.
fn svg_elements(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let Some(len) = rest[start..].find("</svg>") else {
            break;
        };
        let el = &rest[start..start + len + "</svg>".len()];
        let lower = el.to_ascii_lowercase();
        let handler = lower.match_indices(" on").any(|(i, _)| {
            let name = lower[i + 3..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
            name.len() < lower.len() - i - 3 && name.trim_start().starts_with('=')
        });
        if !handler
            && !["<script", "<foreignobject", "javascript:"]
                .iter()
                .any(|bad| lower.contains(bad))
        {
            out.push(el.to_string());
        }
        rest = &rest[start + len..];
    }
    out
}

/// Production performance: outcomes.history.jsonl, one line per outcomes run.
fn outcomes_section(d: &Data, not_yet_sections: &mut Vec<&'static str>) -> String {
    let history = d.history("outcomes.history.jsonl");
    if history.is_empty() {
        not_yet_sections.push("outcomes");
        return not_yet(
            "no outcomes (outcomes.history.jsonl); `make outcomes` scores earlier predictions once their stories have settled.",
        );
    }
    let labels: Vec<String> = history.iter().map(time_of).collect();
    let r2: Vec<f64> = history.iter().map(|h| num(h, "/r2")).collect();
    let sp: Vec<f64> = history.iter().map(|h| num(h, "/spearman")).collect();
    let mut s = svg::paragraph(
        None,
        "Predictions scored against the comment counts their stories settled at: the models' performance in production.",
    );
    s.push_str(&quality_chart(
        "Outcomes per run: predictions against settled comment counts",
        &labels,
        &r2,
        &sp,
    ));
    let rows: Vec<Vec<String>> = history
        .iter()
        .rev()
        .take(20)
        .map(|h| {
            let model = h.get("model").map(|m| short_fp(&cell(Some(m)))).unwrap_or_default();
            let file = cell(h.get("predictions_file"));
            let file = file.rsplit('/').next().unwrap_or_default().to_string();
            vec![
                time_of(h),
                model,
                file,
                cell(h.get("n")),
                cell(h.get("r2")),
                cell(h.get("mae")),
                cell(h.get("spearman")),
            ]
        })
        .collect();
    s.push_str(&svg::table(
        &["time", "model", "predictions", "n", "r2", "mae", "spearman"],
        &rows,
    ));
    s
}

/// The newest predictions (predictions.parquet, made by the champion), highest first.
fn predictions_section(d: &Data, top: usize, not_yet_sections: &mut Vec<&'static str>) -> String {
    let path = d.path("predictions.parquet");
    if !Path::new(&path).exists() {
        not_yet_sections.push("predictions");
        return not_yet("no predictions (predictions.parquet); `make predict` makes them with the champion.");
    }
    let t = match Table::read(&path, None) {
        Ok(t) => t,
        Err(e) => return broken(&e.to_string()),
    };
    let read = || -> Result<Vec<Vec<String>>> {
        let ids = t.required_i64_column("id")?;
        let titles = t.str_column("title")?;
        let pred = t.f64_column("predicted_comments")?;
        let times = t.i64_column_or_nulls("time")?;
        let models = if t.has_column("model") {
            Some(t.str_column("model")?)
        } else {
            None
        };
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (
                pred[a].unwrap_or(f64::NEG_INFINITY),
                pred[b].unwrap_or(f64::NEG_INFINITY),
            );
            y.total_cmp(&x).then(ids[a].cmp(&ids[b]))
        });
        use arrow::array::Array;
        Ok(order
            .into_iter()
            .take(top)
            .map(|i| {
                vec![
                    pred[i].map(|p| format!("{p:.1}")).unwrap_or_default(),
                    ids[i].to_string(),
                    times[i].map(clock::rfc3339).unwrap_or_default(),
                    if titles.is_null(i) {
                        String::new()
                    } else {
                        titles.value(i).to_string()
                    },
                    models
                        .as_ref()
                        .filter(|m| !m.is_null(i))
                        .map(|m| short_fp(m.value(i)))
                        .unwrap_or_default(),
                ]
            })
            .collect())
    };
    match read() {
        Ok(rows) => {
            let mut s = svg::paragraph(
                None,
                &format!(
                    "The {} highest of {} predictions for the newest stories:",
                    rows.len(),
                    t.num_rows()
                ),
            );
            s.push_str(&svg::table(
                &["predicted comments", "id", "posted (UTC)", "title", "model"],
                &rows,
            ));
            s
        }
        Err(e) => broken(&format!("{path}: {e}")),
    }
}

#[cfg(test)]
#[path = "tests/report.rs"]
mod tests;
