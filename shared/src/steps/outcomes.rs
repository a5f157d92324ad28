//! `outcomes`: how the predictions made earlier turned out. Each predictions file (a kept
//! prediction run) is joined by id with a later stories table, keeping the stories whose comment
//! counts have settled (fetched at least `min_age` after they were posted), and scored with the
//! same metrics as `score`: the model's performance in production, over time.
//!
//! One history line per predictions file that has settled stories, `{time, model,
//! predictions_file, predictions_fingerprint, predicted_at, n, r2, mae, rmse, spearman, ...}`.
//! A line identical in file and settled count to one already in the history is not appended
//! again, so reruns (cron) add lines only when more stories have settled.

use crate::error::{Error, Result};
use crate::metrics;
use crate::table::Table;
use arrow::array::Array;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// What `outcomes` was asked.
#[derive(Debug, Clone)]
pub struct OutcomesJob {
    pub predictions: Vec<String>,
    pub stories: String,
    pub history: Option<String>,
    /// Seconds between posting and fetching for a comment count to count as settled.
    pub min_age: i64,
}

/// One predictions file against the settled stories.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub file: String,
    /// Predictions in the file, and how many of them have settled.
    pub predicted: usize,
    pub n: usize,
    /// The history line (also for files with nothing settled yet, then `r2` etc. are null).
    pub line: Value,
    /// False when the history already had this line (or nothing has settled).
    pub appended: bool,
}

/// The settled comment counts by id.
fn settled(stories: &Table, min_age: i64) -> Result<BTreeMap<i64, f64>> {
    let ids = stories.required_i64_column("id")?;
    let desc = stories.f64_column("descendants")?;
    let times = stories.i64_column("time")?;
    // A table without fetched_at (not from hn-fetch) cannot say when counts were read: all count.
    let fetched = stories.i64_column_or_nulls("fetched_at")?;
    let mut out = BTreeMap::new();
    for i in 0..ids.len() {
        let old_enough = match (times[i], fetched[i]) {
            (Some(t), Some(f)) => f - t >= min_age,
            _ => min_age <= 0 || fetched[i].is_none(),
        };
        if let Some(d) = desc[i].filter(|d| d.is_finite())
            && old_enough
        {
            out.insert(ids[i], d);
        }
    }
    Ok(out)
}

/// The (predictions file fingerprint, n) pairs already in the history.
fn seen(history: &str) -> Result<HashSet<(String, u64)>> {
    Ok(crate::history::read(history)?
        .0
        .iter()
        .filter_map(|v| Some((v["predictions_fingerprint"].as_str()?.to_string(), v["n"].as_u64()?)))
        .collect())
}

/// Score every predictions file against the settled stories; append new lines to the history.
pub fn run_outcomes(job: &OutcomesJob) -> Result<Vec<Outcome>> {
    if job.predictions.is_empty() {
        return Err(Error::new(
            "no predictions files given: `make predict` keeps each run in DATA/predictions/",
        ));
    }
    let stories = Table::read(&job.stories, None)?;
    let truth = settled(&stories, job.min_age)?;
    let done = match &job.history {
        Some(h) => seen(h)?,
        None => HashSet::new(),
    };
    let now = crate::clock::rfc3339(crate::clock::now_unix());
    let mut out = Vec::new();
    for path in &job.predictions {
        let p = Table::read(path, Some(&["id", "predicted_comments", "model"]))?;
        let ids = p.required_i64_column("id")?;
        let pred = p.f64_column("predicted_comments")?;
        let models = p.str_column("model")?;
        let model = (0..models.len())
            .find(|&i| models.is_valid(i))
            .map(|i| models.value(i).to_string());
        let (mut y, mut yhat) = (Vec::new(), Vec::new());
        for (i, id) in ids.iter().enumerate() {
            if let (Some(t), Some(v)) = (truth.get(id), pred[i]) {
                y.push(*t);
                yhat.push(v);
            }
        }
        let n = y.len();
        let mean = |v: &[f64]| (n > 0).then(|| v.iter().sum::<f64>() / n as f64);
        let line = json!({
            "time": now,
            "model": model,
            "predictions_file": p.name,
            "predictions_fingerprint": p.fingerprint,
            "predicted_at": p.meta("created_at"),
            "stories": {"path": stories.name, "fingerprint": stories.fingerprint},
            "min_age_seconds": job.min_age,
            "predicted": ids.len(),
            "n": n,
            "r2": if n > 0 { metrics::r2(&y, &yhat) } else { None },
            "mae": (n > 0).then(|| metrics::mae(&y, &yhat)),
            "rmse": (n > 0).then(|| metrics::rmse(&y, &yhat)),
            "spearman": if n > 1 { metrics::spearman(&y, &yhat) } else { None },
            "mean_predicted": mean(&yhat),
            "mean_actual": mean(&y),
        });
        let appended = n > 0 && !done.contains(&(p.fingerprint.clone(), n as u64));
        if appended && let Some(h) = &job.history {
            crate::history::append(h, &line)?;
        }
        out.push(Outcome {
            file: p.name.clone(),
            predicted: ids.len(),
            n,
            line,
            appended,
        });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "tests/outcomes.rs"]
mod tests;
