//! Metrics for scoring a model. Regressions: R² (the guide's number), MAE, RMSE, Spearman's
//! rank correlation, R² on log1p, against a constant mean baseline. Binary classification (the
//! logistic objective): ROC AUC, log-loss, accuracy at 0.5, against the constant base-rate
//! baseline.
//!
//! A metric that is undefined on the data is `None` (null in a report) with a reason, never a
//! number standing in for it: R² when the targets are constant (it divides by their variance;
//! scikit-learn's 1.0-or-0.0 convention would put a made-up number in a report and a gate),
//! Spearman when either side is constant, AUC when the targets are all one class, anything
//! needing spread at n < 2. Spearman is the Pearson correlation of average ranks (ties share the
//! mean of their positions). R² on log1p compares `ln(1 + max(v, 0))` of both sides: comment
//! counts are never negative, and a squared-error model's small negative predictions would
//! otherwise have no logarithm.

use serde::{Deserialize, Serialize};

/// Coefficient of determination, `1 - SS_res / SS_tot`; `None` when it is undefined: fewer
/// than 2 rows or constant targets (see [`why_r2_undefined`]).
pub fn r2(y: &[f64], pred: &[f64]) -> Option<f64> {
    if why_r2_undefined(y).is_some() {
        return None;
    }
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let ss_tot: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let ss_res: f64 = y.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum();
    Some(1.0 - ss_res / ss_tot)
}

/// Why R² of targets `y` is undefined, if it is.
pub fn why_r2_undefined(y: &[f64]) -> Option<String> {
    if y.len() < 2 {
        return Some(format!("needs at least 2 rows, there are {}", y.len()));
    }
    constant(y).map(|v| format!("the targets are all {v}: R² divides by their variance, which is 0"))
}

/// The value every element equals, if they all do.
fn constant(v: &[f64]) -> Option<f64> {
    let first = *v.first()?;
    v.iter().all(|&x| x == first).then_some(first)
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
    // Sorted as (key, position) pairs rather than positions compared through `v`: no indirect
    // loads, and an unstable sort is fine since tied positions share one rank anyway. The key
    // orders as `f64::total_cmp` does (negatives' bits flipped, positives' sign bit set).
    let mut order: Vec<(u64, usize)> = v
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let b = x.to_bits();
            (if b >> 63 == 1 { !b } else { b | 1 << 63 }, i)
        })
        .collect();
    order.sort_unstable();
    let mut ranks = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        let at = v[order[i].1];
        while j + 1 < order.len() && v[order[j + 1].1] == at {
            j += 1;
        }
        // Positions i..=j (0-based) share the mean of ranks i+1..=j+1.
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &(_, k) in &order[i..=j] {
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

/// Why Spearman's correlation is undefined, if it is.
pub fn why_spearman_undefined(y: &[f64], pred: &[f64]) -> Option<String> {
    if y.len() < 2 {
        return Some(format!("needs at least 2 rows, there are {}", y.len()));
    }
    if let Some(v) = constant(y) {
        return Some(format!("the targets are all {v}: no ranking to compare"));
    }
    constant(pred).map(|v| format!("every prediction is {v}: no ranking to compare"))
}

fn log1p_of(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| x.max(0.0).ln_1p()).collect()
}

/// R² of `ln(1 + max(v, 0))` on both sides; `None` where R² is.
pub fn r2_log1p(y: &[f64], pred: &[f64]) -> Option<f64> {
    r2(&log1p_of(y), &log1p_of(pred))
}

/// XGBoost's clip of probabilities in log-loss: a confident miss costs ~36.8, not infinity.
const LOGLOSS_EPS: f64 = 1e-16;

/// The log-loss of one probability `p` for a 0/1 target `t`.
pub fn logloss_one(t: f64, p: f64) -> f64 {
    let p = p.clamp(LOGLOSS_EPS, 1.0 - LOGLOSS_EPS);
    -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
}

/// Mean log-loss of probabilities `p` for 0/1 targets `y`.
pub fn logloss(y: &[f64], p: &[f64]) -> f64 {
    y.iter().zip(p).map(|(&t, &q)| logloss_one(t, q)).sum::<f64>() / y.len() as f64
}

/// Share of rows whose probability lands on the right side of 0.5 (0.5 itself counts as 1, as
/// XGBoost's and scikit-learn's `predict` do).
pub fn accuracy(y: &[f64], p: &[f64]) -> f64 {
    let right = y.iter().zip(p).filter(|&(&t, &q)| (q >= 0.5) == (t == 1.0)).count();
    right as f64 / y.len() as f64
}

/// ROC AUC of scores `p` for 0/1 targets `y`: the chance a random positive scores above a random
/// negative (ties count half), from average ranks (Mann-Whitney). `None` when one class is absent.
pub fn auc(y: &[f64], p: &[f64]) -> Option<f64> {
    let pos = y.iter().filter(|&&t| t == 1.0).count();
    let neg = y.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let ranks = average_ranks(p);
    let rank_sum: f64 = ranks.iter().zip(y).filter(|&(_, &t)| t == 1.0).map(|(r, _)| r).sum();
    let (pos, neg) = (pos as f64, neg as f64);
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Why AUC is undefined, if it is.
pub fn why_auc_undefined(y: &[f64]) -> Option<String> {
    constant(y).map(|v| format!("every target is {v}: AUC needs both classes"))
}

/// What a model card reports for training and validation rows: the short set of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Fit {
    Regression {
        r2: Option<f64>,
        rmse: f64,
        mae: f64,
    },
    Binary {
        auc: Option<f64>,
        logloss: f64,
        accuracy: f64,
    },
}

impl Fit {
    /// A regression's fit.
    pub fn of(y: &[f64], pred: &[f64]) -> Fit {
        Fit::Regression {
            r2: r2(y, pred),
            rmse: rmse(y, pred),
            mae: mae(y, pred),
        }
    }

    /// A binary classifier's fit (`p`: probabilities).
    pub fn binary(y: &[f64], p: &[f64]) -> Fit {
        Fit::Binary {
            auc: auc(y, p),
            logloss: logloss(y, p),
            accuracy: accuracy(y, p),
        }
    }

    /// `r2 0.1234 rmse 5.67` / `auc 0.7 logloss 0.6`, for summary lines.
    pub fn brief(&self) -> String {
        match *self {
            Fit::Regression { r2, rmse, .. } => format!("r2 {} rmse {rmse:.2}", show(r2)),
            Fit::Binary { auc, logloss, .. } => format!("auc {} logloss {logloss:.4}", show(auc)),
        }
    }
}

/// A metric for a summary line: 4 decimals, or `n/a` when undefined.
pub fn show(v: Option<f64>) -> String {
    v.map_or("n/a".to_string(), |v| format!("{v:.4}"))
}

/// Which metrics fit the model: the regressions' or the binary classifier's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Regression,
    Binary,
}

/// A regression's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionScores {
    pub r2: Option<f64>,
    pub mae: f64,
    pub rmse: f64,
    pub spearman: Option<f64>,
    pub r2_log1p: Option<f64>,
}

/// A binary classifier's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryScores {
    pub auc: Option<f64>,
    pub logloss: f64,
    /// At a 0.5 threshold.
    pub accuracy: f64,
}

/// The scores of one set of predictions, of the model's kind (flattened into the report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scores {
    Regression(RegressionScores),
    Binary(BinaryScores),
}

/// What the scores of one test set share whatever predicts it (the model, its baseline): the
/// targets' ranks and log1p, computed once. Each was a sort or 12k logarithms per use.
struct Targets<'a> {
    y: &'a [f64],
    ranks: Vec<f64>,
    log1p: Vec<f64>,
}

impl<'a> Targets<'a> {
    fn of(task: Task, y: &'a [f64]) -> Targets<'a> {
        let (ranks, log1p) = match task {
            Task::Regression => rayon::join(|| average_ranks(y), || log1p_of(y)),
            Task::Binary => (Vec::new(), Vec::new()),
        };
        Targets { y, ranks, log1p }
    }
}

impl Scores {
    fn of(task: Task, t: &Targets, pred: &[f64]) -> Scores {
        let y = t.y;
        match task {
            Task::Regression => {
                let (ranks, log1p) = rayon::join(|| average_ranks(pred), || log1p_of(pred));
                Scores::Regression(RegressionScores {
                    r2: r2(y, pred),
                    mae: mae(y, pred),
                    rmse: rmse(y, pred),
                    // Spearman's correlation and R² on log1p, as `spearman` and `r2_log1p` say.
                    spearman: pearson(&t.ranks, &ranks),
                    r2_log1p: r2(&t.log1p, &log1p),
                })
            }
            Task::Binary => Scores::Binary(BinaryScores {
                auc: auc(y, pred),
                logloss: logloss(y, pred),
                accuracy: accuracy(y, pred),
            }),
        }
    }

    /// A metric by its report name: `None` when it is undefined or not of this kind.
    pub fn get(&self, name: &str) -> Option<f64> {
        match (self, name) {
            (Scores::Regression(s), "r2") => s.r2,
            (Scores::Regression(s), "mae") => Some(s.mae),
            (Scores::Regression(s), "rmse") => Some(s.rmse),
            (Scores::Regression(s), "spearman") => s.spearman,
            (Scores::Regression(s), "r2_log1p") => s.r2_log1p,
            (Scores::Binary(s), "auc") => s.auc,
            (Scores::Binary(s), "logloss") => Some(s.logloss),
            (Scores::Binary(s), "accuracy") => Some(s.accuracy),
            _ => None,
        }
    }
}

/// The constant baseline every model must beat: predict one number for every row (the mean
/// target; for a classifier, the base rate: the share of 1s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Where the constant came from: "training mean" / "training base rate" (from the model)
    /// or "test mean" / "test base rate".
    pub source: String,
    pub value: f64,
    #[serde(flatten)]
    pub scores: Scores,
}

/// Below this many test rows a report carries a warning: its metrics are noise.
pub const FEW_ROWS: usize = 30;

/// Everything `score` reports about predictions against targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub task: Task,
    pub n: usize,
    #[serde(flatten)]
    pub scores: Scores,
    pub baseline: Baseline,
    /// The metrics reported as null, each with the reason.
    pub undefined: std::collections::BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

impl Metrics {
    /// A regression's metrics. `training_mean` is the baseline's constant when the model knows
    /// it; otherwise the test targets' own mean is used (a slightly flattering baseline: its R²
    /// is exactly 0).
    pub fn compute(y: &[f64], pred: &[f64], training_mean: Option<f64>) -> Metrics {
        Self::of(Task::Regression, y, pred, training_mean)
    }

    /// A binary classifier's metrics (`prob`: probabilities of 1; targets 0/1).
    /// `training_rate` is the training share of 1s, the base-rate baseline's constant.
    pub fn binary(y: &[f64], prob: &[f64], training_rate: Option<f64>) -> Metrics {
        Self::of(Task::Binary, y, prob, training_rate)
    }

    fn of(task: Task, y: &[f64], pred: &[f64], training: Option<f64>) -> Metrics {
        let what = match task {
            Task::Regression => "mean",
            Task::Binary => "base rate",
        };
        let (source, value) = match training {
            Some(m) => (format!("training {what}"), m),
            None => (format!("test {what}"), y.iter().sum::<f64>() / y.len().max(1) as f64),
        };
        let mut undefined = std::collections::BTreeMap::new();
        let mut note = |name: &str, why: Option<String>| {
            if let Some(why) = why {
                undefined.insert(name.to_string(), why);
            }
        };
        let targets = Targets::of(task, y);
        match task {
            Task::Regression => {
                note("r2", why_r2_undefined(y));
                // Said of the targets as given (their log1p is constant when they are).
                note(
                    "r2_log1p",
                    why_r2_undefined(y).or_else(|| why_r2_undefined(&targets.log1p)),
                );
                note("spearman", why_spearman_undefined(y, pred));
            }
            Task::Binary => note("auc", why_auc_undefined(y)),
        }
        let mut warnings = Vec::new();
        if y.len() < FEW_ROWS {
            warnings.push(format!(
                "only {} test rows (fewer than {FEW_ROWS}): these metrics are mostly noise",
                y.len()
            ));
        }
        let (scores, baseline) = rayon::join(
            || Scores::of(task, &targets, pred),
            || Scores::of(task, &targets, &vec![value; y.len()]),
        );
        Metrics {
            task,
            n: y.len(),
            scores,
            baseline: Baseline {
                source,
                value,
                scores: baseline,
            },
            undefined,
            warnings,
        }
    }

    /// A metric by its report name (`None`: undefined, or not of this model's kind).
    pub fn get(&self, name: &str) -> Option<f64> {
        self.scores.get(name)
    }
}

#[cfg(test)]
#[path = "tests/metrics.rs"]
mod tests;
