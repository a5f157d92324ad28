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
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn r2_mae_rmse_by_hand() {
        // y = 1,2,3,4 (mean 2.5, SS_tot = 5); pred = 1,2,3,5 (SS_res = 1): R² = 0.8.
        let (y, p) = ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]);
        assert!(close(r2(&y, &p), 0.8));
        assert!(close(mae(&y, &p), 0.25));
        assert!(close(rmse(&y, &p), 0.5));
        // The mean everywhere has R² 0; 10 everywhere has SS_res = 81+64+49+36 = 230, R² = -45.
        assert!(close(r2(&y, &[2.5; 4]), 0.0));
        assert!(close(r2(&y, &[10.0; 4]), -45.0));
    }

    #[test]
    fn r2_constant_targets_like_sklearn() {
        assert_eq!(r2(&[3.0, 3.0], &[3.0, 3.0]), 1.0);
        assert_eq!(r2(&[3.0, 3.0], &[3.0, 4.0]), 0.0);
    }

    #[test]
    fn average_ranks_share_ties() {
        assert_eq!(average_ranks(&[10.0, 20.0, 20.0, 5.0]), vec![2.0, 3.5, 3.5, 1.0]);
        assert_eq!(average_ranks(&[1.0, 1.0, 1.0]), vec![2.0, 2.0, 2.0]);
    }

    #[test]
    fn spearman_by_hand() {
        assert!(close(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]).unwrap(), 1.0));
        assert!(close(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(), -1.0));
        // Monotone but not linear: still 1.
        assert!(close(
            spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 8.0, 27.0, 64.0]).unwrap(),
            1.0
        ));
        // With ties: y ranks 1,2,3,4; pred ranks 1.5,1.5,3,4. Pearson of those:
        // mean 2.5 both; dev y = -1.5,-.5,.5,1.5; dev p = -1,-1,.5,1.5;
        // sum = 1.5+.5+.25+2.25 = 4.5; |y|² = 5, |p|² = 1+1+.25+2.25 = 4.5 → 4.5/sqrt(22.5).
        let s = spearman(&[1.0, 2.0, 3.0, 4.0], &[7.0, 7.0, 8.0, 9.0]).unwrap();
        assert!(close(s, 4.5 / 22.5f64.sqrt()), "{s}");
        assert_eq!(spearman(&[1.0, 2.0], &[5.0, 5.0]), None);
    }

    #[test]
    fn r2_log1p_clamps_negatives() {
        // ln1p of y = e-1 → 1, 0 → 0; pred -3 is clamped to 0 → log 0.
        let e1 = std::f64::consts::E - 1.0;
        let v = r2_log1p(&[e1, 0.0], &[e1, -3.0]);
        assert!(close(v, 1.0), "{v}");
        assert!(r2_log1p(&[0.0, 10.0], &[5.0, -1.0]).is_finite());
    }

    #[test]
    fn baseline_prefers_training_mean() {
        let y = [1.0, 2.0, 3.0, 4.0];
        let m = Metrics::compute(&y, &y, None);
        assert_eq!(m.baseline.source, "test mean");
        assert!(close(m.baseline.value, 2.5) && close(m.baseline.r2, 0.0) && close(m.baseline.mae, 1.0));
        assert!(close(m.r2, 1.0));
        let m = Metrics::compute(&y, &y, Some(3.5));
        assert_eq!(m.baseline.source, "training mean");
        // SS_res = 2.5²+1.5²+.5²+.5² = 6.25+2.25+.25+.25 = 9 → R² = 1 - 9/5 = -0.8; MAE = 5/4.
        assert!(close(m.baseline.r2, -0.8) && close(m.baseline.mae, 1.25));
        assert_eq!(m.n, 4);
    }
}
