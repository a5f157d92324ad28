//! `score`: a model's predictions on held-out features against their targets, as a metrics JSON
//! report, an optional history line, and gates that make automation promote only a better model.
//!
//! Gates (all that are given must pass; a failure is exit 1 with the reasons on one line, and the
//! metrics are still written): `--min-r2 X` (R² >= X), `--must-beat-baseline` (R² above the mean
//! baseline's), `--against CHAMPION.json` (R² above the champion's R² in its metrics report, by
//! more than `--min-improvement`). All compare R², the guide's number, measured on the features
//! given; a champion scored on other test data is compared anyway, with a warning.

use crate::error::{Context, Error, Result};
use crate::features::read_features;
use crate::metrics::Metrics;
use crate::model::Model;
use crate::table::Provenance;
use serde_json::{Value, json};

/// The gates to apply.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    pub min_r2: Option<f64>,
    pub must_beat_baseline: bool,
    pub against: Option<String>,
    pub min_improvement: f64,
}

/// Everything `score` was asked to do.
#[derive(Debug, Clone)]
pub struct ScoreJob {
    pub model: String,
    pub features: String,
    pub output: Option<String>,
    pub history: Option<String>,
    pub gates: Gates,
    pub args: Vec<String>,
}

/// What `score` found.
pub struct ScoreOutcome {
    pub metrics: Metrics,
    pub report: Value,
    /// Why the gates said no, if they did.
    pub failed: Option<String>,
    pub warnings: Vec<String>,
}

/// Score, write the report and history, and say whether the gates passed.
pub fn run_score(job: &ScoreJob) -> Result<ScoreOutcome> {
    let model = Model::read(&job.model)?;
    let f = read_features(&job.features)?;
    if f.features.target.is_empty() {
        return Err(Error::new(format!("{}: no rows to score", f.name)));
    }
    model.body.check_features(&model.name, &f)?;
    let pred = model.body.predict(&f.features.x);
    if let Some(i) = pred.iter().position(|p| !p.is_finite()) {
        return Err(Error::new(format!(
            "{}: prediction for id {} is not finite ({})",
            model.name, f.features.ids[i], pred[i]
        )));
    }
    let metrics = Metrics::compute(
        &f.features.target,
        &pred,
        model.body.training.as_ref().map(|t| t.target_mean),
    );
    let mut warnings = Vec::new();
    let (failed, gates) = check_gates(&metrics, &f.fingerprint, &job.gates, &mut warnings)?;
    let prov = Provenance::new("score", job.args.iter().cloned())
        .input(&model.name, &model.fingerprint)
        .input(&f.name, &f.fingerprint);
    let mut report = serde_json::to_value(&metrics).map_err(|e| Error::new(e.to_string()))?;
    if let Value::Object(m) = &mut report {
        m.insert(
            "model".into(),
            json!({"path": model.name, "fingerprint": model.fingerprint, "engine": model.body.source.name()}),
        );
        m.insert("data".into(), json!({"path": f.name, "fingerprint": f.fingerprint}));
        m.insert("gates".into(), gates);
        m.insert("provenance".into(), prov.to_json());
    }
    if let Some(out) = &job.output {
        crate::io::write_json(out, &report)?;
    }
    if let Some(h) = &job.history {
        append_history(h, &report)?;
    }
    Ok(ScoreOutcome {
        metrics,
        report,
        failed,
        warnings,
    })
}

/// Apply the gates: (the reasons they failed, if any; a JSON account of them).
fn check_gates(m: &Metrics, data_fp: &str, g: &Gates, warnings: &mut Vec<String>) -> Result<(Option<String>, Value)> {
    let mut reasons = Vec::new();
    if let Some(min) = g.min_r2 {
        if !(m.r2 >= min) {
            reasons.push(format!("r2 {:.4} is below --min-r2 {min}", m.r2));
        }
    }
    if g.must_beat_baseline && !(m.r2 > m.baseline.r2) {
        reasons.push(format!(
            "r2 {:.4} does not beat the {} baseline's r2 {:.4}",
            m.r2, m.baseline.source, m.baseline.r2
        ));
    }
    let mut champion = Value::Null;
    if let Some(path) = &g.against {
        let input = crate::io::Input::read(path)?;
        let v: Value = serde_json::from_slice(&input.bytes)
            .with_context(|| format!("{}: not a metrics JSON report", input.name))?;
        let r2 = v["r2"]
            .as_f64()
            .ok_or_else(|| Error::new(format!("{}: no number \"r2\" in it (not a score report?)", input.name)))?;
        if let Some(theirs) = v["data"]["fingerprint"].as_str() {
            if theirs != data_fp {
                warnings.push(format!(
                    "the champion ({}) was scored on other test data: comparing r2 anyway",
                    input.name
                ));
            }
        }
        if !(m.r2 > r2 + g.min_improvement) {
            reasons.push(format!(
                "r2 {:.4} does not beat the champion's r2 {r2:.4} ({}){}",
                m.r2,
                input.name,
                if g.min_improvement > 0.0 {
                    format!(" by more than {}", g.min_improvement)
                } else {
                    String::new()
                }
            ));
        }
        champion = json!({"path": input.name, "r2": r2, "model": v["model"]["fingerprint"]});
    }
    let failed = if reasons.is_empty() {
        None
    } else {
        Some(reasons.join("; "))
    };
    let account = json!({
        "min_r2": g.min_r2,
        "must_beat_baseline": g.must_beat_baseline,
        "against": champion,
        "min_improvement": g.min_improvement,
        "passed": failed.is_none(),
        "reason": failed,
    });
    Ok((failed, account))
}

/// Append the report to a history file (see [`crate::history::append`]).
pub fn append_history(path: &str, report: &Value) -> Result<()> {
    crate::history::append(path, report)
}

/// The short human summary `score` prints on stderr.
pub fn summary_line(m: &Metrics) -> String {
    format!(
        "n={} r2={:.4} mae={:.2} rmse={:.2} spearman={} r2_log1p={:.4} | {} baseline ({:.2}): r2={:.4} mae={:.2}",
        m.n,
        m.r2,
        m.mae,
        m.rmse,
        m.spearman.map_or("n/a".to_string(), |s| format!("{s:.4}")),
        m.r2_log1p,
        m.baseline.source,
        m.baseline.value,
        m.baseline.r2,
        m.baseline.mae
    )
}

#[cfg(test)]
#[path = "tests/score.rs"]
mod tests;
