//! `score`: a model's predictions on held-out features against their targets, as a metrics JSON
//! report, an optional history line, and gates that make automation promote only a better model.
//!
//! What is reported fits the model's objective: for the regressions (squared-error, poisson,
//! squared-log1p) R², MAE, RMSE, Spearman, R² on log1p against the training-mean baseline; for
//! logistic, AUC, log-loss and accuracy at 0.5 against the training base-rate baseline. A metric
//! undefined on the test set is null, with the reason under `undefined`; a test set under 30 rows
//! gets a warning (stderr and `warnings` in the report).
//!
//! Gates (all that are given must pass; a failure is exit 1 with the reasons on one line, and the
//! metrics are still written): `--min-r2 X` (regressions) or `--min-auc X` (logistic),
//! `--must-beat-baseline` (R² above the baseline's; logistic: log-loss below it), `--against
//! CHAMPION.json` (R², or AUC, above the champion's by more than `--min-improvement`). A champion
//! scored on other test data is compared anyway, with a warning. Gate values must be finite, and
//! a gate must fit the model's objective (`--min-r2` on a logistic model is refused, exit 2). A
//! gate whose metric is undefined on the test set cannot pass.

use crate::error::{Context, Error, Result};
use crate::features::read_features;
use crate::metrics::{Metrics, Task, show};
use crate::model::Model;
use crate::table::Provenance;
use serde_json::{Value, json};

/// The gates to apply.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    pub min_r2: Option<f64>,
    /// For a logistic model: AUC must be at least this.
    pub min_auc: Option<f64>,
    pub must_beat_baseline: bool,
    pub against: Option<String>,
    pub min_improvement: f64,
}

impl Gates {
    /// Every gate value must be a finite number: `--min-r2 nan` would fail every model.
    pub fn validate(&self) -> Result<()> {
        for (flag, v) in [
            ("--min-r2", self.min_r2),
            ("--min-auc", self.min_auc),
            ("--min-improvement", Some(self.min_improvement)),
        ] {
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(Error::new(format!("{flag} is {v}; give a finite number")));
            }
        }
        Ok(())
    }

    /// Refuse a gate on a metric the model's kind does not report.
    fn check_fits(&self, task: Task, model_name: &str) -> Result<()> {
        let (flag, instead) = match task {
            Task::Binary if self.min_r2.is_some() => ("--min-r2", "--min-auc"),
            Task::Regression if self.min_auc.is_some() => ("--min-auc", "--min-r2"),
            _ => return Ok(()),
        };
        let kind = match task {
            Task::Binary => "a logistic (classification) model: its report has auc, logloss and accuracy, no r2",
            Task::Regression => "a regression model: its report has r2, mae and spearman, no auc",
        };
        Err(Error::new(format!(
            "{flag} does not fit {model_name}, {kind}; use {instead}"
        )))
    }
}

/// The metric a task's gates and champions compare, higher is better.
fn primary(task: Task) -> &'static str {
    match task {
        Task::Regression => "r2",
        Task::Binary => "auc",
    }
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
    job.gates.validate()?;
    let model = Model::read(&job.model)?;
    let task = model.body.task();
    job.gates.check_fits(task, &model.name)?;
    let f = read_features(&job.features)?;
    if f.features.target.is_empty() {
        return Err(Error::new(format!("{}: no rows to score", f.name)));
    }
    model.body.check_features(&model.name, &f)?;
    model.body.check_targets(&f)?;
    let pred = model.body.predict(&f.features.x);
    if let Some(i) = pred.iter().position(|p| !p.is_finite()) {
        return Err(Error::new(format!(
            "{}: prediction for id {} is not finite ({})",
            model.name, f.features.ids[i], pred[i]
        )));
    }
    let training = model.body.training.as_ref().map(|t| t.target_mean);
    let metrics = match task {
        Task::Regression => Metrics::compute(&f.features.target, &pred, training),
        Task::Binary => Metrics::binary(&f.features.target, &pred, training),
    };
    let mut warnings = metrics.warnings.clone();
    for (name, why) in &metrics.undefined {
        warnings.push(format!("{name} is undefined on {}: {why}", f.name));
    }
    let (failed, gates) = check_gates(&metrics, &f.fingerprint, &job.gates, &mut warnings)?;
    let prov = Provenance::new("score", job.args.iter().cloned())
        .input(&model.name, &model.fingerprint)
        .input(&f.name, &f.fingerprint);
    let mut report = serde_json::to_value(&metrics).map_err(|e| Error::new(e.to_string()))?;
    if let Value::Object(m) = &mut report {
        m.insert("objective".into(), json!(model.body.params.objective.name()));
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
        crate::history::append(h, &report)?;
    }
    Ok(ScoreOutcome {
        metrics,
        report,
        failed,
        warnings,
    })
}

/// A metric for a gate's reason: its value, or why it is undefined.
fn metric_or_why(m: &Metrics, name: &str) -> std::result::Result<f64, String> {
    m.get(name).ok_or_else(|| {
        let why = m.undefined.get(name).map_or("not reported", String::as_str);
        format!("{name} is undefined ({why})")
    })
}

/// Apply the gates: (the reasons they failed, if any; a JSON account of them).
fn check_gates(m: &Metrics, data_fp: &str, g: &Gates, warnings: &mut Vec<String>) -> Result<(Option<String>, Value)> {
    let mut reasons = Vec::new();
    let key = primary(m.task);
    for (flag, min) in [("--min-r2", g.min_r2), ("--min-auc", g.min_auc)] {
        if let Some(min) = min {
            match metric_or_why(m, key) {
                Ok(v) if v >= min => {}
                Ok(v) => reasons.push(format!("{key} {v:.4} is below {flag} {min}")),
                Err(why) => reasons.push(format!("{flag}: {why}")),
            }
        }
    }
    if g.must_beat_baseline {
        let b = &m.baseline;
        // A constant has no AUC to beat: a classifier must beat the base rate's log-loss.
        let (name, higher_is_better) = match m.task {
            Task::Regression => ("r2", true),
            Task::Binary => ("logloss", false),
        };
        match (metric_or_why(m, name), b.scores.get(name)) {
            (Ok(v), Some(base)) => {
                if !(if higher_is_better { v > base } else { v < base }) {
                    reasons.push(format!(
                        "{name} {v:.4} does not beat the {} baseline's {name} {base:.4}",
                        b.source
                    ));
                }
            }
            (Err(why), _) => reasons.push(format!("--must-beat-baseline: {why}")),
            (Ok(_), None) => reasons.push(format!(
                "--must-beat-baseline: the {} baseline's {name} is undefined on this test set",
                b.source
            )),
        }
    }
    let mut champion = Value::Null;
    if let Some(path) = &g.against {
        let input = crate::io::Input::read(path)?;
        let v: Value = serde_json::from_slice(&input.bytes)
            .with_context(|| format!("{}: not a metrics JSON report", input.name))?;
        let theirs = v[key].as_f64().ok_or_else(|| {
            Error::new(format!(
                "{}: no number \"{key}\" in it (not a score report, a report of another kind of model, or one \
                 whose {key} was undefined); compare against a report of a {} model scored with a defined {key}",
                input.name,
                match m.task {
                    Task::Regression => "regression",
                    Task::Binary => "logistic",
                }
            ))
        })?;
        if let Some(fp) = v["data"]["fingerprint"].as_str()
            && fp != data_fp
        {
            warnings.push(format!(
                "the champion ({}) was scored on other test data: comparing {key} anyway",
                input.name
            ));
        }
        match metric_or_why(m, key) {
            Ok(ours) if ours > theirs + g.min_improvement => {}
            Ok(ours) => reasons.push(format!(
                "{key} {ours:.4} does not beat the champion's {key} {theirs:.4} ({}){}",
                input.name,
                if g.min_improvement > 0.0 {
                    format!(" by more than {}", g.min_improvement)
                } else {
                    String::new()
                }
            )),
            Err(why) => reasons.push(format!("--against: {why}")),
        }
        champion = json!({"path": input.name, key: theirs, "model": v["model"]["fingerprint"]});
    }
    let failed = if reasons.is_empty() {
        None
    } else {
        Some(reasons.join("; "))
    };
    let account = json!({
        "min_r2": g.min_r2,
        "min_auc": g.min_auc,
        "must_beat_baseline": g.must_beat_baseline,
        "against": champion,
        "min_improvement": g.min_improvement,
        "passed": failed.is_none(),
        "reason": failed,
    });
    Ok((failed, account))
}

/// The short human summary `score` prints on stderr (`n/a` for an undefined metric).
pub fn summary_line(m: &Metrics) -> String {
    let b = &m.baseline;
    // Errors in comments read best with 2 decimals; ratios and correlations with 4.
    let fmt = |name: &str, v: Option<f64>| match (name, v) {
        ("mae" | "rmse", Some(v)) => format!("{v:.2}"),
        (_, v) => show(v),
    };
    let get = |name: &str| fmt(name, m.get(name));
    let base = |name: &str| fmt(name, b.scores.get(name));
    match m.task {
        Task::Regression => format!(
            "n={} r2={} mae={} rmse={} spearman={} r2_log1p={} | {} baseline ({:.2}): r2={} mae={}",
            m.n,
            get("r2"),
            get("mae"),
            get("rmse"),
            get("spearman"),
            get("r2_log1p"),
            b.source,
            b.value,
            base("r2"),
            base("mae")
        ),
        Task::Binary => format!(
            "n={} auc={} logloss={} accuracy={} | {} baseline ({:.4}): logloss={} accuracy={}",
            m.n,
            get("auc"),
            get("logloss"),
            get("accuracy"),
            b.source,
            b.value,
            base("logloss"),
            base("accuracy")
        ),
    }
}

#[cfg(test)]
#[path = "tests/score.rs"]
mod tests;
