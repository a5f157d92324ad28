//! `drift`: have new stories, or the model's predictions and errors, moved away from what the
//! model learned? Reference and current stories tables in; a JSON report, an HTML page and a
//! history line out; dataset drift is exit 1.
//!
//! The checks (each in [`checks`]) are Evidently's methods with Evidently's thresholds as floors,
//! plus a noise guard: a check fires only when its effect exceeds the floor *and* sampling noise
//! at these sample sizes is an unlikely explanation (its p-value is below `alpha / number of
//! checks`, a Bonferroni correction, so the whole run cries wolf with probability <= alpha when
//! nothing moved). The page is drawn from the report alone ([`html`]).

pub mod checks;
pub mod html;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::table::{Provenance, Table};
use crate::tfidf::Vectorizer;
use arrow::array::{Array, StringArray};
use checks::Check;
use serde_json::{Value, json};

/// Thresholds and knobs; [`Options::default`] is what `drift --help` shows.
#[derive(Debug, Clone)]
pub struct Options {
    /// Family-wise significance level: the chance that a run over same-distribution samples
    /// flags any check at all. Each check's p-value is compared with alpha / checks.
    pub alpha: f64,
    /// References with at most this many rows use the small-sample tests (KS, chi-square),
    /// larger ones the distances (Wasserstein, Jensen-Shannon) with Evidently's floors.
    pub small_sample: usize,
    /// Floor for the Wasserstein distance in reference standard deviations.
    pub wasserstein: f64,
    /// Floor for the Jensen-Shannon distance.
    pub jensen_shannon: f64,
    /// Floor for the text domain classifier's ROC AUC (large samples).
    pub text_auc: f64,
    /// PSI of the predictions: moderate and major drift.
    pub psi_moderate: f64,
    pub psi_major: f64,
    /// Relative rise of the MAE on current over the baseline's: moderate and major.
    pub mae_moderate: f64,
    pub mae_major: f64,
    /// Dataset drift when at least this share of the checks drifted.
    pub share: f64,
    /// Categorical columns keep at most this many categories (most frequent first), the rest
    /// pooled as "(other)".
    pub top_categories: usize,
    /// The text classifier sees at most this many titles per side.
    pub classifier_rows: usize,
    /// Trees of the text classifier.
    pub trees: usize,
    /// Bins of the prediction PSI (at the reference's quantiles).
    pub bins: usize,
    /// A story's comment count has settled when it was fetched at least this long after posting.
    pub settle_seconds: i64,
    /// Fewest rows per side a check needs.
    pub min_rows: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            alpha: 0.01,
            small_sample: 1000,
            wasserstein: 0.1,
            jensen_shannon: 0.1,
            text_auc: 0.55,
            psi_moderate: 0.1,
            psi_major: 0.25,
            mae_moderate: 0.1,
            mae_major: 0.25,
            share: 0.5,
            top_categories: 20,
            classifier_rows: 10_000,
            trees: 30,
            bins: 10,
            settle_seconds: 2 * 86_400,
            min_rows: 30,
            seed: 42,
        }
    }
}

impl Options {
    /// Refuse settings that make no sense, before any data is read.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str, want: &str| Err(Error::new(format!("--{what} must be {want}")));
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return bad("alpha", "between 0 and 1");
        }
        if !(self.share > 0.0 && self.share <= 1.0) {
            return bad("share", "in (0, 1]");
        }
        if !(self.text_auc >= 0.5 && self.text_auc < 1.0) {
            return bad("text-auc", "in [0.5, 1)");
        }
        for (name, v) in [
            ("wasserstein", self.wasserstein),
            ("jensen-shannon", self.jensen_shannon),
            ("psi-moderate", self.psi_moderate),
            ("mae-moderate", self.mae_moderate),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return bad(name, "a number >= 0");
            }
        }
        if self.psi_major.is_nan() || self.psi_major < self.psi_moderate {
            return bad("psi-major", "at least --psi-moderate");
        }
        if self.mae_major.is_nan() || self.mae_major < self.mae_moderate {
            return bad("mae-major", "at least --mae-moderate");
        }
        if self.bins < 2 || self.top_categories < 1 || self.trees < 1 || self.classifier_rows < 20 {
            return bad(
                "bins, --top-categories, --trees or --classifier-rows",
                "at least 2, 1, 1 and 20",
            );
        }
        if self.min_rows < 2 {
            return bad("min-rows", "at least 2");
        }
        Ok(())
    }

    fn to_json(&self) -> Value {
        json!({
            "alpha": self.alpha,
            "small_sample": self.small_sample,
            "wasserstein": self.wasserstein,
            "jensen_shannon": self.jensen_shannon,
            "text_auc": self.text_auc,
            "psi_moderate": self.psi_moderate,
            "psi_major": self.psi_major,
            "mae_moderate": self.mae_moderate,
            "mae_major": self.mae_major,
            "share": self.share,
            "top_categories": self.top_categories,
            "classifier_rows": self.classifier_rows,
            "trees": self.trees,
            "bins": self.bins,
            "settle_seconds": self.settle_seconds,
            "min_rows": self.min_rows,
            "seed": self.seed,
        })
    }
}

/// Everything `drift` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct DriftJob {
    pub reference: String,
    pub current: String,
    pub model: Option<String>,
    pub vectorizer: Option<String>,
    /// `score`'s report of the model on held-out data: the baseline of performance drift.
    pub baseline: Option<String>,
    pub output: Option<String>,
    pub html: Option<String>,
    pub history: Option<String>,
    /// When no check can run (too few rows), write a report saying so instead of failing.
    pub allow_too_few: bool,
    pub options: Options,
    pub args: Vec<String>,
}

/// What `drift` found.
pub struct DriftOutcome {
    pub report: Value,
    pub checks: Vec<Check>,
    /// None when no check could run (`--allow-too-few`): no verdict either way.
    pub dataset_drift: Option<bool>,
    /// Why there is dataset drift (or why not, or why no check ran), one line.
    pub verdict: String,
}

/// The columns drift reads; all but the title are optional and their checks skipped without them.
const COLUMNS: [&str; 6] = ["title", "time", "url", "type", "descendants", "fetched_at"];

/// One side's stories: the columns drift reads, as they are.
pub struct Stories {
    pub name: String,
    pub fingerprint: String,
    pub titles: StringArray,
    pub times: Option<Vec<Option<i64>>>,
    pub urls: Option<StringArray>,
    pub types: Option<StringArray>,
    pub descendants: Option<Vec<Option<i64>>>,
    pub fetched_at: Option<Vec<Option<i64>>>,
}

impl Stories {
    pub fn read(path: &str) -> Result<Stories> {
        let t = Table::read_available(path, &COLUMNS)?;
        if !t.has_column("title") {
            return Err(Error::new(format!(
                "{}: no column \"title\" (drift needs the story titles; a stories table from hn-fetch has them)",
                t.name
            )));
        }
        if t.num_rows() == 0 {
            return Err(Error::new(format!("{}: no rows to compare", t.name)));
        }
        let i64_col = |c: &str| t.has_column(c).then(|| t.i64_column(c)).transpose();
        let str_col = |c: &str| t.has_column(c).then(|| t.str_column(c)).transpose();
        Ok(Stories {
            titles: t.str_column("title")?,
            times: i64_col("time")?,
            urls: str_col("url")?,
            types: str_col("type")?,
            descendants: i64_col("descendants")?,
            fetched_at: i64_col("fetched_at")?,
            name: t.name,
            fingerprint: t.fingerprint,
        })
    }

    pub fn rows(&self) -> usize {
        self.titles.len()
    }

    /// Titles, null as `None` (what TF-IDF takes).
    pub fn title_opts(&self) -> Vec<Option<&str>> {
        self.titles.iter().collect()
    }

    /// Rows whose comment count has settled: a count is there and, where the table says when
    /// the story was posted, it was fetched (or, without a known `fetched_at`, it is now) at
    /// least `settle` seconds later.
    pub fn settled_rows(&self, settle: i64, now: i64) -> Vec<usize> {
        let Some(d) = &self.descendants else {
            return Vec::new();
        };
        (0..self.rows())
            .filter(|&i| d[i].is_some())
            .filter(|&i| match self.times.as_ref().and_then(|t| t[i]) {
                None => true,
                Some(posted) => {
                    // hn-fetch writes 0 when it does not know when a copy was fetched.
                    let fetched = self.fetched_at.as_ref().and_then(|f| f[i]).filter(|&f| f > 0);
                    let seen = fetched.unwrap_or(now);
                    seen.saturating_sub(posted) >= settle
                }
            })
            .collect()
    }
}

/// The model and vectorizer, checked to belong together.
struct Predictor {
    model: crate::artifact::Loaded<Model>,
    vectorizer: crate::artifact::Loaded<Vectorizer>,
}

impl Predictor {
    fn load(model: &str, vectorizer: &str) -> Result<Predictor> {
        let (model, vectorizer) = crate::model::read_with_vectorizer(model, vectorizer)?;
        Ok(Predictor { model, vectorizer })
    }

    fn predict(&self, s: &Stories) -> Result<Vec<f64>> {
        let p = self.model.body.predict_texts(&self.vectorizer.body, &s.title_opts());
        if let Some(i) = p.iter().position(|v| !v.is_finite()) {
            return Err(Error::new(format!(
                "{}: prediction for row {i} of {} is not finite",
                self.model.name, s.name
            )));
        }
        Ok(p)
    }
}

/// Run every check that the inputs allow, write what was asked, and return the outcome.
pub fn run_drift(job: &DriftJob) -> Result<DriftOutcome> {
    let o = &job.options;
    o.validate()?;
    let outs: Vec<&str> = [&job.output, &job.html]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    crate::io::distinct_outputs(&outs)?;
    if job.model.is_some() != job.vectorizer.is_some() {
        return Err(Error::new(
            "--model and --vectorizer go together (the vectorizer makes the model's features)",
        ));
    }
    if job.baseline.is_some() && job.model.is_none() {
        return Err(Error::new(
            "--baseline needs --model and --vectorizer (it is the model's score)",
        ));
    }
    let predictor = match (&job.model, &job.vectorizer) {
        (Some(m), Some(v)) => Some(Predictor::load(m, v)?),
        _ => None,
    };
    let baseline = job.baseline.as_deref().map(checks::Baseline::read).transpose()?;
    let reference = Stories::read(&job.reference)?;
    let current = Stories::read(&job.current)?;
    let now = crate::clock::now_unix();

    let plan = checks::Plan::new(&reference, &current, predictor.is_some(), baseline.is_some(), o, now);
    let found = if plan.count() == 0 {
        let why = format!(
            "too few rows for any check: {} has {} and {} has {} rows; each check needs at least {} per side",
            reference.name,
            reference.rows(),
            current.name,
            current.rows(),
            o.min_rows
        );
        if !job.allow_too_few {
            return Err(Error::new(why));
        }
        crate::warn!("{why}; the report says no check ran");
        Found {
            checks: Vec::new(),
            p_threshold: None,
            dataset_drift: None,
            verdict: why,
        }
    } else {
        run_checks(
            &plan,
            &reference,
            &current,
            predictor.as_ref(),
            baseline.as_ref(),
            o,
            now,
        )?
    };
    finish(
        job,
        &reference,
        &current,
        predictor.as_ref(),
        baseline.as_ref(),
        &plan,
        found,
    )
}

/// Every check the plan has, and the verdict they add up to.
fn run_checks(
    plan: &checks::Plan,
    reference: &Stories,
    current: &Stories,
    predictor: Option<&Predictor>,
    baseline: Option<&checks::Baseline>,
    o: &Options,
    now: i64,
) -> Result<Found> {
    let p_threshold = o.alpha / plan.count() as f64;
    let ctx = checks::Context {
        options: o,
        p_threshold,
        vocabulary: predictor.map(|p| &p.vectorizer.body),
        now,
    };
    let mut found = checks::run_data_checks(plan, reference, current, &ctx)?;
    if let Some(pr) = predictor {
        let ref_pred = pr.predict(reference)?;
        let cur_pred = pr.predict(current)?;
        found.push(checks::prediction(&ref_pred, &cur_pred, &ctx));
        if let (Some(b), true) = (baseline, plan.performance) {
            let rows = current.settled_rows(o.settle_seconds, now);
            let y: Vec<f64> = rows
                .iter()
                .filter_map(|&i| current.descendants.as_ref().and_then(|d| d[i]))
                .map(|v| v as f64)
                .collect();
            let p: Vec<f64> = rows.iter().map(|&i| cur_pred[i]).collect();
            found.push(checks::performance(&y, &p, b, &ctx));
        }
    }
    let drifted = found.iter().filter(|c| c.drifted).count();
    let share = drifted as f64 / found.len() as f64;
    let mut reasons = Vec::new();
    for c in &found {
        match c.name {
            "title_text" if c.drifted => reasons.push("the model's input (title text) drifted".to_string()),
            "prediction" | "performance" if c.major => reasons.push(format!("{} drift is major", c.name)),
            _ => {}
        }
    }
    if share >= o.share {
        reasons.push(format!(
            "{drifted} of {} checks drifted (share >= {})",
            found.len(),
            o.share
        ));
    }
    let dataset_drift = !reasons.is_empty();
    let verdict = if dataset_drift {
        reasons.join("; ")
    } else {
        format!("{drifted} of {} checks drifted; the model's input did not", found.len())
    };
    Ok(Found {
        checks: found,
        p_threshold: Some(p_threshold),
        dataset_drift: Some(dataset_drift),
        verdict,
    })
}

/// The checks that ran and what they add up to; no p-value threshold and no verdict either way
/// when none could run.
struct Found {
    checks: Vec<Check>,
    p_threshold: Option<f64>,
    dataset_drift: Option<bool>,
    verdict: String,
}

/// The report of what was `found`, written where the job asks.
fn finish(
    job: &DriftJob,
    reference: &Stories,
    current: &Stories,
    predictor: Option<&Predictor>,
    baseline: Option<&checks::Baseline>,
    plan: &checks::Plan,
    found: Found,
) -> Result<DriftOutcome> {
    let o = &job.options;
    let Found {
        checks,
        p_threshold,
        dataset_drift,
        verdict,
    } = found;
    let drifted = checks.iter().filter(|c| c.drifted).count();
    let share = (!checks.is_empty()).then(|| drifted as f64 / checks.len() as f64);
    let mut inputs = json!({
        "reference": {"path": reference.name, "fingerprint": reference.fingerprint, "rows": reference.rows()},
        "current": {"path": current.name, "fingerprint": current.fingerprint, "rows": current.rows()},
    });
    if let Some(pr) = predictor {
        inputs["model"] = json!({"path": pr.model.name, "fingerprint": pr.model.fingerprint});
        inputs["vectorizer"] = json!({"path": pr.vectorizer.name, "fingerprint": pr.vectorizer.fingerprint});
    }
    if let Some(b) = baseline {
        inputs["baseline"] = json!({"path": b.path, "fingerprint": b.fingerprint});
    }
    let mut prov = Provenance::new("drift", job.args.iter().cloned())
        .input(&reference.name, &reference.fingerprint)
        .input(&current.name, &current.fingerprint);
    if let Some(pr) = predictor {
        prov = prov
            .input(&pr.model.name, &pr.model.fingerprint)
            .input(&pr.vectorizer.name, &pr.vectorizer.fingerprint);
    }
    let report = json!({
        // null: no check could run (too few rows, with --allow-too-few): no verdict either way.
        "dataset_drift": dataset_drift,
        "verdict": verdict,
        "drifted_checks": drifted,
        "checks_run": checks.len(),
        "drifted_share": share,
        "p_threshold": p_threshold,
        "checks": checks.iter().map(Check::to_json).collect::<Vec<_>>(),
        "skipped": plan.skipped.iter().map(|(n, why)| json!({"name": n, "reason": why})).collect::<Vec<_>>(),
        "settings": o.to_json(),
        "inputs": inputs,
        "provenance": prov.to_json(),
    });

    if let Some(out) = &job.output {
        crate::io::write_json(out, &report)?;
    }
    let mut history = Vec::new();
    if let Some(h) = &job.history {
        crate::history::append(h, &report)?;
        let (lines, bad) = crate::history::read(h)?;
        if bad > 0 {
            crate::warn!("{h}: {bad} line(s) are not JSON objects; the page's history leaves them out");
        }
        history = lines;
    }
    if let Some(path) = &job.html {
        let page = html::page(&report, &history);
        crate::io::write_atomically(path, |o| Ok(std::io::Write::write_all(o, page.as_bytes())?))?;
    }
    Ok(DriftOutcome {
        report,
        checks,
        dataset_drift,
        verdict,
    })
}

/// The one-screen summary: what was compared, a line per check and per skipped check (the tool
/// adds the verdict: an info line, or the exit-1 message).
pub fn summary_lines(out: &DriftOutcome) -> Vec<String> {
    let r = &out.report;
    let threshold = match r["p_threshold"].as_f64() {
        Some(p) => format!("p-value threshold {p:.2e} (alpha / {} checks)", out.checks.len()),
        None => "no check could run".to_string(),
    };
    let mut lines = vec![format!(
        "reference {} ({} rows) vs current {} ({} rows); {threshold}",
        r["inputs"]["reference"]["path"].as_str().unwrap_or("?"),
        r["inputs"]["reference"]["rows"],
        r["inputs"]["current"]["path"].as_str().unwrap_or("?"),
        r["inputs"]["current"]["rows"],
    )];
    for c in &out.checks {
        lines.push(c.summary_line());
    }
    if let Some(sk) = r["skipped"].as_array() {
        for s in sk {
            lines.push(format!(
                "  {:<16} skipped: {}",
                s["name"].as_str().unwrap_or("?"),
                s["reason"].as_str().unwrap_or("?")
            ));
        }
    }
    lines
}

#[cfg(test)]
#[path = "../tests/drift.rs"]
mod tests;
