//! The checks `drift` runs, each a reference-vs-current comparison that says what it measured,
//! against which threshold, how likely noise alone was (p-value), and whether it fired.
//!
//! Every check fires only when both hold: its statistic exceeds `threshold` (Evidently's floor,
//! or for small-sample tests the critical value of the test itself) and its p-value is below
//! `p_threshold` (alpha / number of checks). Evidently applies the floor alone, which on a random
//! split of one period still flags a high-cardinality column: its noise exceeds the floor.

use super::{Options, Stories};
use crate::boost::{self, Objective, Params};
use crate::drift_stats as st;
use crate::error::{Error, Result};
use crate::metrics;
use crate::tfidf::{DocFreq, Settings, Vectorizer};
use arrow::array::Array;
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// What every check needs to decide.
pub struct Context<'a> {
    pub options: &'a Options,
    /// alpha / number of checks.
    pub p_threshold: f64,
    /// The model's vectorizer, when given: out-of-vocabulary tokens are counted against it too.
    pub vocabulary: Option<&'a Vectorizer>,
    /// Unix seconds now (`HN_NOW`): which comment counts have settled.
    pub now: i64,
}

impl Context<'_> {
    /// Small samples are judged by the test alone, as Evidently does (on the reference's size).
    fn small(&self, reference_rows: usize) -> bool {
        reference_rows <= self.options.small_sample
    }
}

/// One check's outcome.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: &'static str,
    /// The input column the check reads (derived columns name their source).
    pub column: &'static str,
    pub method: String,
    pub statistic: f64,
    pub threshold: f64,
    pub p_value: Option<f64>,
    pub drifted: bool,
    /// For prediction and performance drift: beyond the major threshold too.
    pub major: bool,
    pub reference_rows: usize,
    pub current_rows: usize,
    /// What moved, in a few words, for the summary line and the page.
    pub moved: String,
    /// The check's own findings (category shares, bins, terms...), merged into its JSON.
    pub found: Map<String, Value>,
}

/// What a check measured, before the noise guard decides.
pub struct Measured {
    pub method: String,
    pub statistic: f64,
    pub threshold: f64,
    pub p_value: f64,
    pub rows: (usize, usize),
    pub moved: String,
    pub found: Map<String, Value>,
}

impl Measured {
    /// `test` is (method, statistic, threshold).
    pub fn new(
        (method, statistic, threshold): (&str, f64, f64),
        p_value: f64,
        rows: (usize, usize),
        moved: String,
        found: Map<String, Value>,
    ) -> Measured {
        Measured {
            method: method.to_string(),
            statistic,
            threshold,
            p_value,
            rows,
            moved,
            found,
        }
    }
}

impl Check {
    /// The one rule every check follows: it fires when its statistic is above its threshold and
    /// its p-value below alpha / checks.
    pub fn decide(name: &'static str, column: &'static str, m: Measured, ctx: &Context) -> Check {
        Check {
            name,
            column,
            drifted: m.statistic > m.threshold && m.p_value < ctx.p_threshold,
            method: m.method,
            statistic: m.statistic,
            threshold: m.threshold,
            p_value: Some(m.p_value),
            major: false,
            reference_rows: m.rows.0,
            current_rows: m.rows.1,
            moved: m.moved,
            found: m.found,
        }
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("column".into(), json!(self.column));
        m.insert("method".into(), json!(self.method));
        m.insert("statistic".into(), json!(self.statistic));
        m.insert("threshold".into(), json!(self.threshold));
        m.insert("p_value".into(), json!(self.p_value));
        m.insert("drifted".into(), json!(self.drifted));
        if matches!(self.name, "prediction" | "performance") {
            let severity = match (self.drifted, self.major) {
                (true, true) => "major",
                (true, false) => "moderate",
                _ => "none",
            };
            m.insert("severity".into(), json!(severity));
        }
        m.insert("reference_rows".into(), json!(self.reference_rows));
        m.insert("current_rows".into(), json!(self.current_rows));
        m.insert("moved".into(), json!(self.moved));
        for (k, v) in &self.found {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    pub fn summary_line(&self) -> String {
        let verdict = match (self.drifted, self.major) {
            (true, true) => "MAJOR",
            (true, false) => "DRIFT",
            _ => "ok",
        };
        format!(
            "  {:<16} {:<5} {} {:.4} (threshold {:.4}{}) {}",
            self.name,
            verdict,
            self.method,
            self.statistic,
            self.threshold,
            self.p_value.map_or(String::new(), |p| format!(", p={}", short_p(p))),
            self.moved
        )
    }
}

/// A p-value for people: two significant digits, and "<1e-300" where a double runs out.
pub fn short_p(p: f64) -> String {
    if p < 1e-300 {
        "<1e-300".into()
    } else {
        format!("{p:.2e}")
    }
}

/// Which checks the inputs allow, decided before any is run (their number sets the
/// correction), and why the others are skipped.
pub struct Plan {
    pub titles: bool,
    pub time: bool,
    pub url: bool,
    pub prediction: bool,
    pub target: bool,
    pub performance: bool,
    pub skipped: Vec<(&'static str, String)>,
}

impl Plan {
    pub fn new(r: &Stories, c: &Stories, model: bool, baseline: bool, o: &Options, now: i64) -> Plan {
        let mut skipped = Vec::new();
        let enough = |a: usize, b: usize| a >= o.min_rows && b >= o.min_rows;
        let titles = enough(r.rows() - r.titles.null_count(), c.rows() - c.titles.null_count());
        if !titles {
            skipped.push(("title_*", format!("fewer than {} titles on a side", o.min_rows)));
        }
        let non_null = |t: &Option<Vec<Option<i64>>>| t.as_ref().map_or(0, |t| t.iter().flatten().count());
        let time = enough(non_null(&r.times), non_null(&c.times));
        if !time {
            skipped.push((
                "posting_*",
                format!("no column \"time\" or fewer than {} times on a side", o.min_rows),
            ));
        }
        let url = r.urls.is_some() && c.urls.is_some() && enough(r.rows(), c.rows());
        if !url {
            skipped.push(("url_domain", "no column \"url\" on a side, or too few rows".to_string()));
        }
        let prediction = model && enough(r.rows(), c.rows());
        if !prediction {
            let why = if model {
                "too few rows on a side"
            } else {
                "no --model and --vectorizer"
            };
            skipped.push(("prediction", why.to_string()));
        }
        let (rs, cs) = (
            r.settled_rows(o.settle_seconds, now).len(),
            c.settled_rows(o.settle_seconds, now).len(),
        );
        let target = enough(rs, cs);
        if !target {
            skipped.push((
                "target",
                format!(
                    "settled comment counts: {rs} in the reference, {cs} in the current (need {} each)",
                    o.min_rows
                ),
            ));
        }
        let performance = model && baseline && cs >= o.min_rows;
        if !performance {
            let why = if !model {
                "no --model and --vectorizer".to_string()
            } else if !baseline {
                "no --baseline METRICS.json (score's report on held-out data)".to_string()
            } else {
                format!("{cs} current stories with settled comment counts (need {})", o.min_rows)
            };
            skipped.push(("performance", why));
        }
        Plan {
            titles,
            time,
            url,
            prediction,
            target,
            performance,
            skipped,
        }
    }

    /// How many checks will run.
    pub fn count(&self) -> usize {
        // Titles: text, length, words, kind. Time: hour, weekday.
        4 * self.titles as usize
            + 2 * self.time as usize
            + self.url as usize
            + self.prediction as usize
            + self.target as usize
            + self.performance as usize
    }
}

/// The checks on the stories themselves (everything but prediction and performance).
pub fn run_data_checks(plan: &Plan, r: &Stories, c: &Stories, ctx: &Context) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    if plan.titles {
        out.push(text(r, c, ctx)?);
        let lengths =
            |s: &Stories| -> Vec<f64> { s.titles.iter().flatten().map(|t| t.chars().count() as f64).collect() };
        let words = |s: &Stories| -> Vec<f64> {
            s.titles
                .iter()
                .flatten()
                .map(|t| t.split_whitespace().count() as f64)
                .collect()
        };
        out.push(numerical("title_length", "title", lengths(r), lengths(c), ctx));
        out.push(numerical("title_words", "title", words(r), words(c), ctx));
    }
    if plan.time {
        let hours = |s: &Stories| -> Vec<&'static str> {
            times(s)
                .map(|t| HOURS[(t.rem_euclid(86_400) / 3_600) as usize])
                .collect()
        };
        // 1970-01-01 was a Thursday: day 0 is index 3 from Monday.
        let days = |s: &Stories| -> Vec<&'static str> {
            times(s)
                .map(|t| WEEKDAYS[(t.div_euclid(86_400) + 3).rem_euclid(7) as usize])
                .collect()
        };
        out.push(categorical(
            "posting_hour",
            "time",
            (&hours(r), &hours(c)),
            (24, Some(&HOURS)),
            ctx,
        ));
        let (dr, dc) = (days(r), days(c));
        out.push(categorical(
            "posting_weekday",
            "time",
            (&dr, &dc),
            (7, Some(&WEEKDAYS)),
            ctx,
        ));
    }
    if plan.url {
        let domains = |s: &Stories| -> Vec<String> {
            let Some(u) = &s.urls else { return Vec::new() };
            u.iter()
                .map(|v| v.and_then(st::url_domain).unwrap_or_else(|| "(none)".to_string()))
                .collect()
        };
        let (dr, dc) = (domains(r), domains(c));
        let (dr, dc): (Vec<&str>, Vec<&str>) = (
            dr.iter().map(String::as_str).collect(),
            dc.iter().map(String::as_str).collect(),
        );
        out.push(categorical(
            "url_domain",
            "url",
            (&dr, &dc),
            (ctx.options.top_categories, None),
            ctx,
        ));
    }
    if plan.titles {
        let kinds = |s: &Stories| -> Vec<&'static str> {
            (0..s.rows())
                .map(|i| {
                    let title = if s.titles.is_valid(i) { s.titles.value(i) } else { "" };
                    let kind = s.types.as_ref().and_then(|t| t.is_valid(i).then(|| t.value(i)));
                    st::story_kind(title, kind)
                })
                .collect()
        };
        out.push(categorical(
            "story_kind",
            "title",
            (&kinds(r), &kinds(c)),
            (6, None),
            ctx,
        ));
    }
    if plan.target {
        let settle = ctx.options.settle_seconds;
        let settled = |s: &Stories| -> Vec<f64> {
            let d = s.descendants.as_deref().unwrap_or(&[]);
            s.settled_rows(settle, ctx.now)
                .into_iter()
                .filter_map(|i| d[i])
                .map(|v| v as f64)
                .collect()
        };
        out.push(numerical("target", "descendants", settled(r), settled(c), ctx));
    }
    Ok(out)
}

fn times(s: &Stories) -> impl Iterator<Item = i64> + '_ {
    s.times.iter().flatten().flatten().copied()
}

const HOURS: [&str; 24] = [
    "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "20", "21", "22", "23",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn sorted_finite(mut v: Vec<f64>) -> Vec<f64> {
    v.retain(|x| x.is_finite());
    v.sort_unstable_by(f64::total_cmp);
    v
}

fn describe(sorted: &[f64]) -> Value {
    let (mean, std) = st::mean_std(sorted);
    json!({
        "mean": mean,
        "std": std,
        "median": st::quantile(sorted, 0.5),
        "p90": st::quantile(sorted, 0.9),
        "min": sorted.first(),
        "max": sorted.last(),
    })
}

/// Bins for the page's histogram: one per value for small integer ranges (words, hours), else
/// 20 equal bins up to the pooled 99.5th percentile (a long tail would squash the rest).
fn display_edges(r: &[f64], c: &[f64]) -> Vec<f64> {
    let mut pooled: Vec<f64> = r.iter().chain(c).copied().collect();
    pooled.sort_unstable_by(f64::total_cmp);
    let lo = pooled.first().copied().unwrap_or(0.0);
    let hi = st::quantile(&pooled, 0.995).max(lo);
    if pooled.iter().all(|v| v.fract() == 0.0) && hi - lo <= 40.0 {
        let n = (hi - lo) as usize + 1;
        return (0..=n).map(|i| lo - 0.5 + i as f64).collect();
    }
    let hi = if hi > lo { hi } else { lo + 1.0 };
    (0..=20).map(|i| lo + (hi - lo) * i as f64 / 20.0).collect()
}

/// A numerical column: Kolmogorov-Smirnov for small references, else the normed Wasserstein
/// distance with the KS p-value as the noise guard.
pub fn numerical(name: &'static str, column: &'static str, r: Vec<f64>, c: Vec<f64>, ctx: &Context) -> Check {
    let (r, c) = (sorted_finite(r), sorted_finite(c));
    let d = st::ks_statistic(&r, &c);
    let p = st::ks_sf(d, r.len(), c.len());
    let w = st::wasserstein_normed(&r, &c);
    let test = if ctx.small(r.len()) {
        (
            "Kolmogorov-Smirnov D",
            d,
            st::ks_critical(ctx.p_threshold, r.len(), c.len()),
        )
    } else {
        ("Wasserstein (normed)", w, ctx.options.wasserstein)
    };
    let edges = display_edges(&r, &c);
    let (dr, dc) = (describe(&r), describe(&c));
    let moved = format!(
        "mean {} -> {}, median {} -> {}",
        num(&dr["mean"]),
        num(&dc["mean"]),
        num(&dr["median"]),
        num(&dc["median"])
    );
    let mut found = Map::new();
    found.insert("reference".into(), dr);
    found.insert("current".into(), dc);
    found.insert("ks".into(), json!({"statistic": d, "p_value": p}));
    found.insert("wasserstein_normed".into(), json!(w));
    found.insert(
        "histogram".into(),
        json!({
            "edges": edges,
            "reference": crate::svg::bin_shares(&r, &edges),
            "current": crate::svg::bin_shares(&c, &edges),
        }),
    );
    let m = Measured::new(test, p, (r.len(), c.len()), moved, found);
    Check::decide(name, column, m, ctx)
}

fn num(v: &Value) -> String {
    v.as_f64().map_or("n/a".into(), |x| format!("{x:.1}"))
}

/// Category label for the pooled rare categories.
pub const OTHER: &str = "(other)";

/// A categorical column: chi-square for small references, else the Jensen-Shannon distance
/// with the chi-square p-value as the noise guard. Categories are the most frequent ones (up to
/// `top_categories`) whose expected count is at least 5 on each side, the rest pooled as
/// "(other)": the chi-square approximation needs those counts, and a long tail of rare domains
/// is what makes Evidently's Jensen-Shannon flag a random split.
/// `max` caps the categories kept; `order`, when given, lists them in that order (hours,
/// weekdays) rather than by frequency.
pub fn categorical(
    name: &'static str,
    column: &'static str,
    (r, c): (&[&str], &[&str]),
    (max, order): (usize, Option<&[&str]>),
    ctx: &Context,
) -> Check {
    let mut counts: HashMap<&str, [f64; 2]> = HashMap::new();
    for &v in r {
        counts.entry(v).or_default()[0] += 1.0;
    }
    for &v in c {
        counts.entry(v).or_default()[1] += 1.0;
    }
    let (nr, nc) = (r.len() as f64, c.len() as f64);
    let total = nr + nc;
    let mut cats: Vec<(&str, [f64; 2])> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    cats.sort_by(|a, b| (b.1[0] + b.1[1]).total_cmp(&(a.1[0] + a.1[1])).then(a.0.cmp(b.0)));
    let distinct = (
        cats.iter().filter(|c| c.1[0] > 0.0).count(),
        cats.iter().filter(|c| c.1[1] > 0.0).count(),
    );
    let min_side = nr.min(nc);
    let mut kept: Vec<(&str, [f64; 2])> = Vec::new();
    let mut other = [0.0, 0.0];
    let mut pooled = 0;
    for (k, v) in cats {
        let expected_min = (v[0] + v[1]) * min_side / total;
        if kept.len() < max && expected_min >= 5.0 && k != OTHER {
            kept.push((k, v));
        } else {
            other[0] += v[0];
            other[1] += v[1];
            pooled += 1;
        }
    }
    if let Some(order) = order {
        kept.sort_by_key(|k| order.iter().position(|o| *o == k.0));
    }
    if pooled > 0 {
        kept.push((OTHER, other));
    }
    let rc: Vec<f64> = kept.iter().map(|k| k.1[0]).collect();
    let cc: Vec<f64> = kept.iter().map(|k| k.1[1]).collect();
    let (chi2, dof, p) = st::chi2_homogeneity(&rc, &cc);
    let js = st::js_distance(&rc, &cc);
    let test = if ctx.small(r.len()) {
        ("chi-square", chi2, st::chi2_isf(ctx.p_threshold, dof.max(1.0)))
    } else {
        ("Jensen-Shannon", js, ctx.options.jensen_shannon)
    };
    let (rs, cs) = (st::shares(&rc), st::shares(&cc));
    let categories: Vec<Value> = kept
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            json!({"category": k, "reference_share": rs[i], "current_share": cs[i],
                   "reference_count": v[0] as u64, "current_count": v[1] as u64})
        })
        .collect();
    let moved = (0..kept.len())
        .max_by(|&a, &b| (cs[a] - rs[a]).abs().total_cmp(&(cs[b] - rs[b]).abs()))
        .map_or(String::new(), |i| {
            format!(
                "most moved: {} {:.1}% -> {:.1}%",
                kept[i].0,
                100.0 * rs[i],
                100.0 * cs[i]
            )
        });
    let mut found = Map::new();
    found.insert("categories".into(), json!(categories));
    found.insert(
        "distinct".into(),
        json!({"reference": distinct.0, "current": distinct.1}),
    );
    found.insert("pooled_into_other".into(), json!(pooled));
    found.insert(
        "chi_square".into(),
        json!({"statistic": chi2, "dof": dof, "p_value": p}),
    );
    found.insert("jensen_shannon".into(), json!(js));
    let m = Measured::new(test, p, (r.len(), c.len()), moved, found);
    Check::decide(name, column, m, ctx)
}

/// Rows of `s` with a title, a seeded sample of at most `k` of them.
fn sample_titled(s: &Stories, k: usize, rng: &mut boost::rng::Rng) -> Vec<usize> {
    let titled: Vec<usize> = (0..s.rows()).filter(|&i| s.titles.is_valid(i)).collect();
    rng.sample_sorted(titled.len(), k)
        .into_iter()
        .map(|j| titled[j as usize])
        .collect()
}

/// How many terms and example titles the text check reports.
const TERMS: usize = 15;
const EXAMPLES: usize = 5;

/// The text check, Evidently's domain classifier: gradient-boosted trees (logistic objective) on
/// TF-IDF learn to tell reference titles (0) from current titles (1) on half of a sample of each,
/// and are scored by ROC AUC on the other half. Under "no drift" the held-out AUC is the
/// Mann-Whitney statistic of scores independent of the labels, whose spread is known: the noise
/// threshold is `0.5 + z(p_threshold) * sd`, the floor Evidently's 0.55 (large samples).
pub fn text(r: &Stories, c: &Stories, ctx: &Context) -> Result<Check> {
    let o = ctx.options;
    let mut rng = boost::rng::Rng::new(o.seed);
    let rs = sample_titled(r, o.classifier_rows, &mut rng);
    let cs = sample_titled(c, o.classifier_rows, &mut rng);
    // Every other sampled row is held out: the sample is random, so this split is too.
    let half = |rows: &[usize], keep: usize| -> Vec<usize> { rows.iter().skip(keep).step_by(2).copied().collect() };
    fn title(s: &Stories, i: usize) -> Option<&str> {
        Some(s.titles.value(i))
    }
    let (r_fit, r_hold, c_fit, c_hold) = (half(&rs, 0), half(&rs, 1), half(&cs, 0), half(&cs, 1));
    let fit_texts: Vec<Option<&str>> = r_fit
        .iter()
        .map(|&i| title(r, i))
        .chain(c_fit.iter().map(|&i| title(c, i)))
        .collect();
    let fit_labels: Vec<f64> = std::iter::repeat_n(0.0, r_fit.len())
        .chain(std::iter::repeat_n(1.0, c_fit.len()))
        .collect();
    let hold_texts: Vec<Option<&str>> = r_hold
        .iter()
        .map(|&i| title(r, i))
        .chain(c_hold.iter().map(|&i| title(c, i)))
        .collect();
    let hold_labels: Vec<bool> = std::iter::repeat_n(false, r_hold.len())
        .chain(std::iter::repeat_n(true, c_hold.len()))
        .collect();
    // A term in one title only cannot generalise to held-out rows; dropping them halves the
    // vocabulary the trees scan.
    let settings = Settings {
        min_df: DocFreq::Count(2),
        ..Settings::default()
    };
    let params = Params {
        objective: Objective::Logistic,
        n_estimators: o.trees,
        seed: o.seed,
        ..Params::default()
    };
    let mut terms = Vec::new();
    let mut examples = Vec::new();
    let (auc, note) = match Vectorizer::fit(&fit_texts, settings) {
        Ok((vec, x_fit)) if vec.n_features() > 0 => {
            let (booster, _) = boost::train(&x_fit, &fit_labels, &params, None)?;
            let x_hold = vec.transform(&hold_texts);
            let scores = booster.predict(&x_hold);
            terms = separating_terms(&booster, &vec, &x_fit, &x_hold, r_fit.len(), r_hold.len());
            // The held-out current titles the classifier finds least like the reference: what a
            // reader looks at to see what is new.
            let mut order: Vec<usize> = (r_hold.len()..hold_texts.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            examples = order
                .iter()
                .take(EXAMPLES)
                .filter_map(|&i| hold_texts[i].map(|t| json!({"title": t, "score": scores[i]})))
                .collect();
            (st::roc_auc(&scores, &hold_labels), None)
        }
        // No term in two titles: nothing tells the sides apart, which is no drift.
        _ => (0.5, Some("no term occurs in two sampled titles; AUC taken as 0.5")),
    };
    let sd = st::auc_null_sd(c_hold.len(), r_hold.len());
    let p = st::normal_sf((auc - 0.5) / sd);
    let noise = 0.5 + st::normal_isf(ctx.p_threshold) * sd;
    let floor = if ctx.small(r.rows()) { 0.5 } else { o.text_auc };
    let threshold = noise.max(floor);
    let (oov, cur_tokens) = out_of_vocabulary(r, c, &Settings::default())?;
    let model_oov = match ctx.vocabulary {
        Some(v) => Some(out_of_model_vocabulary(c, v)?),
        None => None,
    };
    let top: Vec<String> = terms
        .iter()
        .take(3)
        .map(|t| {
            format!(
                "{} {:.1}%->{:.1}%",
                t["term"].as_str().unwrap_or(""),
                100.0 * t["reference_share"].as_f64().unwrap_or(0.0),
                100.0 * t["current_share"].as_f64().unwrap_or(0.0)
            )
        })
        .collect();
    let moved = format!(
        "OOV {:.1}% of current tokens; terms: {}",
        100.0 * oov,
        if top.is_empty() { "none".into() } else { top.join(", ") }
    );
    let mut found = Map::new();
    found.insert("auc".into(), json!(auc));
    found.insert("auc_null_sd".into(), json!(sd));
    found.insert("noise_threshold".into(), json!(noise));
    found.insert("floor".into(), json!(floor));
    found.insert(
        "classifier".into(),
        json!({
            "model": "gradient-boosted trees, logistic objective, on TF-IDF (min_df 2)",
            "trees": o.trees,
            "sampled": {"reference": rs.len(), "current": cs.len()},
            "fit_rows": fit_texts.len(),
            "held_out_rows": hold_texts.len(),
            "subsampled": rs.len() < r.rows() - r.titles.null_count() || cs.len() < c.rows() - c.titles.null_count(),
            "note": note,
        }),
    );
    found.insert("terms".into(), Value::Array(terms));
    found.insert("most_current_like_titles".into(), Value::Array(examples));
    found.insert("out_of_vocabulary_share".into(), json!(oov));
    found.insert("current_tokens".into(), json!(cur_tokens));
    if let Some(m) = model_oov {
        found.insert("out_of_model_vocabulary_share".into(), json!(m));
    }
    let test = ("domain classifier ROC AUC", auc, threshold);
    let m = Measured::new(test, p, (rs.len(), cs.len()), moved, found);
    Ok(Check::decide("title_text", "title", m, ctx))
}

/// The classifier's most useful terms (by split gain), with the share of sampled titles that
/// contain each on either side: which way a term moved is what a reader wants to know.
fn separating_terms(
    booster: &boost::Booster,
    vec: &Vectorizer,
    x_fit: &crate::sparse::Csr,
    x_hold: &crate::sparse::Csr,
    r_fit: usize,
    r_hold: usize,
) -> Vec<Value> {
    let top: Vec<(u32, f64)> = booster.feature_gain().into_iter().take(TERMS).collect();
    let wanted: HashMap<u32, usize> = top.iter().enumerate().map(|(k, (f, _))| (*f, k)).collect();
    let mut hits = vec![[0.0f64; 2]; top.len()];
    let mut rows = [0.0f64; 2];
    for (x, n_ref) in [(x_fit, r_fit), (x_hold, r_hold)] {
        for row in 0..x.n_rows() {
            let side = usize::from(row >= n_ref);
            rows[side] += 1.0;
            for f in x.row(row).0 {
                if let Some(&k) = wanted.get(f) {
                    hits[k][side] += 1.0;
                }
            }
        }
    }
    top.iter()
        .zip(&hits)
        .map(|((f, gain), h)| {
            json!({
                "term": vec.term(*f).unwrap_or("?"),
                "gain": gain,
                "reference_share": h[0] / rows[0].max(1.0),
                "current_share": h[1] / rows[1].max(1.0),
            })
        })
        .collect()
}

/// The share of the current titles' tokens that no reference title has, and the number of
/// current tokens. All rows are used (not the classifier's sample): a bigger reference knows
/// more words, and the share should say so.
fn out_of_vocabulary(r: &Stories, c: &Stories, settings: &Settings) -> Result<(f64, usize)> {
    let analyzer = settings.analyzer()?;
    let known: HashSet<String> = r
        .titles
        .iter()
        .flatten()
        .collect::<Vec<_>>()
        .par_chunks(4096)
        .map(|chunk| {
            let mut set = HashSet::new();
            let mut scratch = crate::text::Scratch::default();
            for t in chunk {
                analyzer.terms(t, &mut scratch, |w| {
                    if !set.contains(w) {
                        set.insert(w.to_string());
                    }
                });
            }
            set
        })
        .reduce(HashSet::new, |mut a, b| {
            a.extend(b);
            a
        });
    let (oov, total) = count_tokens(c, &analyzer, |w| known.contains(w));
    Ok((oov as f64 / total.max(1) as f64, total))
}

/// The share of the current titles' terms the model's vectorizer does not know (they reach the
/// model as nothing at all).
fn out_of_model_vocabulary(c: &Stories, v: &Vectorizer) -> Result<f64> {
    let analyzer = v.settings().analyzer()?;
    let (oov, total) = count_tokens(c, &analyzer, |w| v.index_of(w).is_some());
    Ok(oov as f64 / total.max(1) as f64)
}

/// (unknown, all) tokens of the titles of `s`, by `known`.
fn count_tokens(s: &Stories, analyzer: &crate::text::Analyzer, known: impl Fn(&str) -> bool + Sync) -> (usize, usize) {
    s.titles
        .iter()
        .flatten()
        .collect::<Vec<_>>()
        .par_chunks(4096)
        .map(|chunk| {
            let mut scratch = crate::text::Scratch::default();
            let (mut unknown, mut all) = (0, 0);
            for t in chunk {
                analyzer.terms(t, &mut scratch, |w| {
                    all += 1;
                    unknown += usize::from(!known(w));
                });
            }
            (unknown, all)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// Prediction drift: the population stability index of the model's predictions over bins at the
/// reference's quantiles; moderate above `psi_moderate`, major above `psi_major`, each only when
/// also beyond PSI's noise at these sizes.
pub fn prediction(r: &[f64], c: &[f64], ctx: &Context) -> Check {
    let o = ctx.options;
    let (r, c) = (sorted_finite(r.to_vec()), sorted_finite(c.to_vec()));
    let edges = st::quantile_edges(&r, o.bins);
    let (rc, cc) = (st::bin_counts(&r, &edges), st::bin_counts(&c, &edges));
    let psi = st::psi(&rc, &cc);
    let bins = edges.len() + 1;
    let p = st::psi_p_value(psi, bins, r.len(), c.len());
    let noise = st::psi_noise(ctx.p_threshold, bins, r.len(), c.len());
    let threshold = o.psi_moderate.max(noise);
    let major_threshold = o.psi_major.max(noise);
    let (dr, dc) = (describe(&r), describe(&c));
    let moved = format!("mean predicted comments {} -> {}", num(&dr["mean"]), num(&dc["mean"]));
    let mut found = Map::new();
    found.insert("psi".into(), json!(psi));
    found.insert("noise_threshold".into(), json!(noise));
    found.insert("major_threshold".into(), json!(major_threshold));
    found.insert(
        "bins".into(),
        json!({"inner_edges": edges, "reference": st::shares(&rc), "current": st::shares(&cc)}),
    );
    found.insert("reference".into(), dr);
    found.insert("current".into(), dc);
    let m = Measured::new(("PSI", psi, threshold), p, (r.len(), c.len()), moved, found);
    let mut check = Check::decide("prediction", "title", m, ctx);
    check.major = check.drifted && psi > major_threshold;
    check
}

/// The model's score on held-out data, from `score`'s report.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub path: String,
    pub fingerprint: String,
    pub n: usize,
    /// Null in a report when undefined (constant targets).
    pub r2: Option<f64>,
    pub mae: f64,
    pub spearman: Option<f64>,
}

impl Baseline {
    pub fn read(path: &str) -> Result<Baseline> {
        let input = crate::io::Input::read(path)?;
        let v: Value = serde_json::from_slice(&input.bytes).map_err(|e| {
            Error::new(format!(
                "{}: not a JSON metrics report ({e}); make it with score -o",
                input.name
            ))
        })?;
        let field = |k: &str| {
            v[k].as_f64().ok_or_else(|| {
                Error::new(format!(
                    "{}: no number \"{k}\" in it (not score's report of a regression model?)",
                    input.name
                ))
            })
        };
        let (mae, n) = (field("mae")?, field("n")?);
        if !(mae >= 0.0 && n >= 1.0) {
            return Err(Error::new(format!(
                "{}: mae {mae} or n {n} is out of range",
                input.name
            )));
        }
        Ok(Baseline {
            fingerprint: input.fingerprint(),
            path: input.name,
            n: n as usize,
            r2: v["r2"].as_f64(),
            mae,
            spearman: v["spearman"].as_f64(),
        })
    }
}

/// Performance drift: the model's MAE on the current stories with settled comment counts against
/// its MAE on held-out data (the baseline), as a relative rise. The noise guard is a z-test of
/// the two MAEs, with the spread of absolute errors measured on the current rows.
pub fn performance(y: &[f64], pred: &[f64], b: &Baseline, ctx: &Context) -> Check {
    let o = ctx.options;
    let mae = metrics::mae(y, pred);
    let r2 = metrics::r2(y, pred);
    let abs: Vec<f64> = y.iter().zip(pred).map(|(a, p)| (a - p).abs()).collect();
    let (_, sd) = st::mean_std(&abs);
    let se = sd * (1.0 / y.len().max(1) as f64 + 1.0 / b.n as f64).sqrt();
    let rise = if b.mae > 0.0 { (mae - b.mae) / b.mae } else { 0.0 };
    let p = if se > 0.0 {
        st::normal_sf((mae - b.mae) / se)
    } else {
        1.0
    };
    let moved = format!(
        "MAE {:.2} -> {mae:.2}, R2 {} -> {}",
        b.mae,
        metrics::show(b.r2),
        metrics::show(r2)
    );
    let mut found = Map::new();
    found.insert("relative_mae_rise".into(), json!(rise));
    found.insert("major_threshold".into(), json!(o.mae_major));
    found.insert(
        "current".into(),
        json!({"n": y.len(), "r2": r2, "mae": mae, "rmse": metrics::rmse(y, pred),
               "spearman": metrics::spearman(y, pred)}),
    );
    found.insert(
        "baseline".into(),
        json!({"path": b.path, "n": b.n, "r2": b.r2, "mae": b.mae, "spearman": b.spearman}),
    );
    let test = ("relative MAE rise", rise, o.mae_moderate);
    let measured = Measured::new(test, p, (b.n, y.len()), moved, found);
    let mut check = Check::decide("performance", "descendants", measured, ctx);
    check.major = check.drifted && rise > o.mae_major;
    check
}
