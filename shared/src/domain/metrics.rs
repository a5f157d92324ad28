//! Regression metrics for scoring a model: R² (the guide's number), MAE, RMSE, Spearman's rank
//! correlation, R² on log1p, and a constant mean baseline to read them against.
//!
//! Conventions (as scikit-learn's): R² is `1 - SS_res / SS_tot`; when the targets are constant
//! (SS_tot = 0) it is 1.0 for a perfect prediction and 0.0 otherwise, never NaN. Spearman is the
//! Pearson correlation of average ranks (ties share the mean of their positions), `None` when
//! either side is constant. R² on log1p compares `ln(1 + max(v, 0))` of both sides: comment counts
//! are never negative, and a squared-error model's small negative predictions would otherwise
//! have no logarithm.

use serde::{Deserialize, Serialize};

/// Coefficient of determination (sklearn's `r2_score`).
pub fn r2(y: &[f64], pred: &[f64]) -> f64 {
    let n = y.len();
    if n == 0 {
        return f64::NAN;
    }
    let mean = y.iter().sum::<f64>() / n as f64;
    let ss_tot: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let ss_res: f64 = y.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum();
    if ss_tot == 0.0 {
        return if ss_res == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - ss_res / ss_tot
}

/// Mean absolute error.
pub fn mae(y: &[f64], pred: &[f64]) -> f64 {
    y.iter().zip(pred).map(|(a, b)| (a - b).abs()).sum::<f64>() / y.len() as f64
}

/// Root mean squared error.
pub fn rmse(y: &[f64], pred: &[f64]) -> f64 {
    (y.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len() as f64).sqrt()
}

/// 1-based ranks with ties given the average of the positions they span.
pub fn average_ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        // Positions i..=j (0-based) share the mean of ranks i+1..=j+1.
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson correlation; `None` when either side has no variance.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if a.is_empty() {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    if saa == 0.0 || sbb == 0.0 {
        return None;
    }
    Some(sab / (saa * sbb).sqrt())
}

/// Spearman's rank correlation (average ranks for ties); `None` when either side is constant.
pub fn spearman(y: &[f64], pred: &[f64]) -> Option<f64> {
    pearson(&average_ranks(y), &average_ranks(pred))
}

/// R² of `ln(1 + max(v, 0))` on both sides.
pub fn r2_log1p(y: &[f64], pred: &[f64]) -> f64 {
    let f = |v: &[f64]| v.iter().map(|x| x.max(0.0).ln_1p()).collect::<Vec<_>>();
    r2(&f(y), &f(pred))
}

/// R², RMSE and MAE: the short set a model card reports for training and validation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    pub r2: f64,
    pub rmse: f64,
    pub mae: f64,
}

impl Fit {
    pub fn of(y: &[f64], pred: &[f64]) -> Fit {
        Fit {
            r2: r2(y, pred),
            rmse: rmse(y, pred),
            mae: mae(y, pred),
        }
    }
}

/// The constant baseline every model must beat: predict one number (a mean) for every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Where the constant came from: "training mean" (from the model) or "test mean".
    pub source: String,
    pub value: f64,
    pub r2: f64,
    pub mae: f64,
}

/// Everything `score` reports about predictions against targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub n: usize,
    pub r2: f64,
    pub mae: f64,
    pub rmse: f64,
    pub spearman: Option<f64>,
    pub r2_log1p: f64,
    pub baseline: Baseline,
}

impl Metrics {
    /// `training_mean` is the baseline's constant when the model knows it; otherwise the test
    /// targets' own mean is used (a slightly flattering baseline: its R² is exactly 0).
    pub fn compute(y: &[f64], pred: &[f64], training_mean: Option<f64>) -> Metrics {
        let (source, value) = match training_mean {
            Some(m) => ("training mean", m),
            None => ("test mean", y.iter().sum::<f64>() / y.len().max(1) as f64),
        };
        let constant = vec![value; y.len()];
        Metrics {
            n: y.len(),
            r2: r2(y, pred),
            mae: mae(y, pred),
            rmse: rmse(y, pred),
            spearman: spearman(y, pred),
            r2_log1p: r2_log1p(y, pred),
            baseline: Baseline {
                source: source.to_string(),
                value,
                r2: r2(y, &constant),
                mae: mae(y, &constant),
            },
        }
    }
}

#[cfg(test)]
#[path = "tests/metrics.rs"]
mod tests;
