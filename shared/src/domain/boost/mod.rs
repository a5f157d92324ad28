//! A sparsity-aware gradient-boosted tree trainer with XGBoost's semantics.
//!
//! - Second-order boosting: each tree fits the gradients `g` and hessians `h` of the loss at the
//!   current predictions; a leaf's weight is `-G / (H + lambda)` (its magnitude capped at the
//!   objective's max_delta_step when it has one: Poisson's 0.7) times `eta`; a split's gain is
//!   `G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda) - G^2/(H+lambda)` (with a cap, each term is the
//!   loss reduction at the capped weight, as XGBoost computes it), made only if it exceeds 1e-6,
//!   each child holds at least `min_child_weight` of hessian, and (`gamma`, XGBoost's
//!   min_split_loss) splits gaining less than gamma are pruned.
//! - Sparse rows: an absent entry is "missing". Each split learns a default direction for its
//!   missing rows by trying them on both sides (XGBoost's sparsity-aware split finding).
//! - Split search touches only the non-zeros. [`TreeMethod::Exact`]: columns are sorted once per
//!   training and a tree level is one pass over them, every midpoint between distinct values a
//!   candidate (`exact.rs`, `grow.rs`). [`TreeMethod::Hist`]: values are cut into quantile bins
//!   once, a node's histogram is built from its rows' non-zeros, and of two siblings only the
//!   smaller is built, the other being the parent's minus it (`hist.rs`).
//! - Deterministic: the same inputs, parameters and seed give the same trees on any number of
//!   threads (sums run in a fixed order; candidates compare by gain, then feature, then scan
//!   order). Sampling uses its own seeded generator (`rng.rs`).
//!
//! Public: [`train`], [`Params`], [`Booster`] and its [`Tree`]s, [`objective`] (losses, links,
//! intercept).

mod exact;
mod grow;
mod hist;
pub mod objective;
pub mod rng;
pub mod tree;

use crate::error::{Error, Result};
use crate::sparse::Csr;
use exact::Columns;
use grow::{ExactGrower, Grow, Grower, NONE};
use hist::{HistGrower, HistPoints};
use rayon::prelude::*;
use rng::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
pub use tree::{Node, Tree};

/// The loss the trees minimise. CLI names: `squared-error`, `poisson`, `squared-log1p`,
/// `logistic`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Objective {
    /// XGBoost's `reg:squarederror`.
    SquaredError,
    /// XGBoost's `count:poisson`: log link, predictions `exp(margin)`, leaf weights capped at
    /// max_delta_step 0.7.
    Poisson,
    /// Squared error on `ln(1 + target)`, predictions mapped back with `exp(m) - 1`.
    SquaredLog1p,
    /// XGBoost's `binary:logistic`: targets 0/1, log-loss, predictions `sigmoid(margin)`.
    Logistic,
}

/// How split thresholds are searched.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum TreeMethod {
    /// Every midpoint between consecutive distinct values (XGBoost's `exact`).
    Exact,
    /// At most `max_bin` quantile bins per feature (XGBoost's `hist`, its default method).
    Hist { max_bin: u32 },
}

impl TreeMethod {
    /// XGBoost's default `max_bin`.
    pub const DEFAULT_MAX_BIN: u32 = 256;
}

impl fmt::Display for TreeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeMethod::Exact => f.write_str("exact"),
            TreeMethod::Hist { .. } => f.write_str("hist"),
        }
    }
}

impl FromStr for TreeMethod {
    type Err = Error;
    /// `exact` or `hist` (with the default max_bin).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "exact" => Ok(TreeMethod::Exact),
            "hist" => Ok(TreeMethod::Hist {
                max_bin: Self::DEFAULT_MAX_BIN,
            }),
            _ => Err(Error::new(format!(
                "unknown tree method {s:?} (expected exact or hist)"
            ))),
        }
    }
}

/// Training parameters. [`Params::default`] is the guide's
/// `XGBRegressor(n_estimators=20, objective="reg:squarederror")` with XGBoost's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub objective: Objective,
    /// Boosting rounds (trees).
    pub n_estimators: usize,
    /// Maximum depth of a tree (levels of splits).
    pub max_depth: usize,
    /// Learning rate: the factor on every leaf weight.
    pub eta: f64,
    /// L2 regularisation on leaf weights.
    pub lambda: f64,
    /// Minimum loss reduction of a split (XGBoost's min_split_loss).
    pub gamma: f64,
    /// Minimum hessian sum in each child of a split.
    pub min_child_weight: f64,
    /// Fraction of rows each tree sees, drawn per row with the seeded generator.
    pub subsample: f64,
    /// Fraction of features each tree may split on, drawn among the features up to the last one
    /// any row uses (trailing features no row has could never split).
    pub colsample_bytree: f64,
    /// Seed of the row and column sampling.
    pub seed: u64,
    /// Worker threads; 0 = all cores. The model does not depend on it.
    pub threads: usize,
    /// The starting prediction in target space; `None` estimates it from the targets as
    /// XGBoost 3 does: the mean target (Poisson: margin `ln(mean)`; logistic: `logit(mean)`;
    /// squared-log1p: the mean of `ln(1 + target)` as margin).
    pub base_score: Option<f64>,
    /// Stop after this many rounds without a better validation metric (the objective's:
    /// [`Objective::eval_metric`]) and keep the best round's trees (needs a validation set).
    pub early_stopping_rounds: Option<usize>,
    pub method: TreeMethod,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            objective: Objective::SquaredError,
            n_estimators: 20,
            max_depth: 6,
            eta: 0.3,
            lambda: 1.0,
            gamma: 0.0,
            min_child_weight: 1.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            seed: 0,
            threads: 0,
            base_score: None,
            early_stopping_rounds: None,
            // XGBoost >= 2 trains with `hist` unless told otherwise.
            method: TreeMethod::Hist {
                max_bin: TreeMethod::DEFAULT_MAX_BIN,
            },
        }
    }
}

impl Params {
    /// Refuse parameters XGBoost would refuse or that make no sense, naming the parameter.
    pub fn validate(&self) -> Result<()> {
        let bad =
            |name: &str, v: &dyn fmt::Display, want: &str| Err(Error::new(format!("{name} is {v}; it must be {want}")));
        if self.n_estimators == 0 {
            return bad("n_estimators", &self.n_estimators, "at least 1");
        }
        if self.max_depth == 0 || self.max_depth > 30 {
            return bad("max_depth", &self.max_depth, "between 1 and 30");
        }
        if !(self.eta.is_finite() && self.eta > 0.0) {
            return bad("eta", &self.eta, "a number above 0");
        }
        for (name, v) in [
            ("lambda", self.lambda),
            ("gamma", self.gamma),
            ("min_child_weight", self.min_child_weight),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(name, &v, "a number of at least 0");
            }
        }
        for (name, v) in [
            ("subsample", self.subsample),
            ("colsample_bytree", self.colsample_bytree),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return bad(name, &v, "in (0, 1]");
            }
        }
        if let Some(b) = self.base_score {
            self.objective.to_margin(b)?;
        }
        if self.early_stopping_rounds == Some(0) {
            return bad("early_stopping_rounds", &0, "at least 1");
        }
        if let TreeMethod::Hist { max_bin } = self.method
            && max_bin < 2
        {
            return bad("max_bin", &max_bin, "at least 2");
        }
        Ok(())
    }
}

/// A feature no tree splits on, in [`Booster::by_slot`]'s table.
const NO_SLOT: u32 = u32::MAX;

/// A trained model: the intercept and the trees, whose outputs add up in margin space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Booster {
    pub objective: Objective,
    /// The intercept in margin space.
    pub base_score: f64,
    /// Number of features of the training matrix.
    pub n_features: usize,
    pub trees: Vec<Tree>,
}

impl Booster {
    /// The margin (sum of intercept and trees) for one sparse row.
    pub fn predict_margin(&self, indices: &[u32], values: &[f32]) -> f64 {
        self.base_score + self.trees.iter().map(|t| t.predict_row(indices, values)).sum::<f64>()
    }

    /// The prediction for one sparse row, in target space (exp / expm1 applied).
    pub fn predict_row(&self, indices: &[u32], values: &[f32]) -> f64 {
        self.objective.to_target(self.predict_margin(indices, values))
    }

    /// Predictions for every row of `x`, in parallel (see [`Predictor`]).
    pub fn predict(&self, x: &Csr) -> Vec<f64> {
        self.predictor().predict(x)
    }

    /// The booster made ready to predict many rows, for a caller predicting chunk by chunk:
    /// the trees are renumbered once, not for every chunk.
    pub fn predictor(&self) -> Predictor<'_> {
        let (slot_of, trees) = self.by_slot();
        let n_slots = slot_of.iter().filter(|&&s| s != NO_SLOT).count();
        let mut split = vec![0u64; slot_of.len().div_ceil(64)];
        for (f, _) in slot_of.iter().enumerate().filter(|(_, s)| **s != NO_SLOT) {
            split[f / 64] |= 1 << (f % 64);
        }
        let mut p = Predictor {
            booster: self,
            slot_of,
            split,
            trees,
            n_slots,
            none: 0.0,
        };
        // A row with none of the features split on takes every tree's default path, walked
        // once for all such rows (a quarter of the union set's test titles under its model).
        p.none = self
            .objective
            .to_target(p.margin(&vec![false; n_slots], &vec![0.0; n_slots]));
        p
    }

    /// The trees with each split's feature renumbered to a dense slot (features in order of
    /// first use), and the slot of every feature up to the largest split on (`NO_SLOT` for
    /// features no tree splits on).
    fn by_slot(&self) -> (Vec<u32>, Vec<Tree>) {
        let splits = || self.trees.iter().flat_map(|t| &t.nodes).filter(|n| !n.is_leaf());
        let top = splits().map(|n| n.feature as usize + 1).max().unwrap_or(0);
        let mut slot_of = vec![NO_SLOT; top];
        let mut n_slots = 0u32;
        let trees = self
            .trees
            .iter()
            .map(|t| {
                let mut t = t.clone();
                for n in t.nodes.iter_mut().filter(|n| !n.is_leaf()) {
                    let s = &mut slot_of[n.feature as usize];
                    if *s == NO_SLOT {
                        *s = n_slots;
                        n_slots += 1;
                    }
                    n.feature = *s;
                }
                t
            })
            .collect();
        (slot_of, trees)
    }

    /// Total split gain per feature over all trees, largest first (ties by feature index).
    pub fn feature_gain(&self) -> Vec<(u32, f64)> {
        let mut by_feature = std::collections::BTreeMap::new();
        for n in self.trees.iter().flat_map(|t| &t.nodes).filter(|n| !n.is_leaf()) {
            *by_feature.entry(n.feature).or_insert(0.0) += n.gain;
        }
        let mut out: Vec<(u32, f64)> = by_feature.into_iter().collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

/// A booster ready to predict: the same numbers as [`Booster::predict_row`] on each row (the
/// same comparisons, the trees summed in the same order), but each row is first scattered into
/// a small dense array of the features the trees split on, so a node reads its feature directly
/// instead of binary-searching the row: `score` spent ~30 % of its CPU in those searches.
pub struct Predictor<'a> {
    booster: &'a Booster,
    /// Per feature up to the largest split on: its slot, or `NO_SLOT`.
    slot_of: Vec<u32>,
    /// Bit f set when feature f is split on.
    split: Vec<u64>,
    /// The trees with each split's feature replaced by its slot.
    trees: Vec<Tree>,
    n_slots: usize,
    /// The prediction for a row with none of the features split on.
    none: f64,
}

impl Predictor<'_> {
    /// Predictions for every row of `x`, in parallel.
    pub fn predict(&self, x: &Csr) -> Vec<f64> {
        let Predictor {
            booster,
            slot_of,
            split,
            n_slots,
            none,
            ..
        } = self;
        (0..x.n_rows())
            .into_par_iter()
            .map_init(
                || (vec![0.0f32; *n_slots], vec![false; *n_slots], Vec::new()),
                |(vals, present, hits), r| {
                    let (indices, values) = x.row(r);
                    // The row's features split on, found once: most of a title's are not, and
                    // the bitmap that says so stays in the first-level cache where `slot_of`
                    // (4 bytes per feature) does not.
                    hits.clear();
                    for (&f, &v) in indices.iter().zip(values) {
                        let f = f as usize;
                        if split.get(f / 64).is_some_and(|w| w >> (f % 64) & 1 == 1) {
                            hits.push((slot_of[f] as usize, v));
                        }
                    }
                    if hits.is_empty() {
                        return *none;
                    }
                    for &(s, v) in hits.iter() {
                        vals[s] = v;
                        present[s] = true;
                    }
                    let margin = self.margin(present, vals);
                    for &(s, _) in hits.iter() {
                        present[s] = false;
                    }
                    booster.objective.to_target(margin)
                },
            )
            .collect()
    }

    /// The margin of a row given by slot (`present`, `vals`): the intercept plus every tree's
    /// leaf, summed in order.
    fn margin(&self, present: &[bool], vals: &[f32]) -> f64 {
        self.booster.base_score
            + self
                .trees
                .iter()
                .map(|t| t.nodes[t.leaf_of(|s| present[s as usize].then(|| vals[s as usize]))].value)
                .sum::<f64>()
    }
}

/// What happened during training. Rounds are counted from 0.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TrainReport {
    /// Rounds trained (including those early stopping discarded).
    pub rounds: usize,
    /// With early stopping: the round with the lowest validation metric; the model keeps the
    /// trees up to and including it.
    pub best_round: Option<usize>,
    /// The objective's evaluation metric ([`Objective::eval_metric`]: rmse, poisson-nloglik,
    /// rmsle, logloss), which early stopping minimises.
    pub metric: String,
    /// That metric after each round, on the training rows.
    pub train_metric: Vec<f64>,
    /// That metric after each round, on the validation rows (empty without them).
    pub valid_metric: Vec<f64>,
    /// RMSE in target space after each round, on the training rows.
    pub train_rmse: Vec<f64>,
    /// RMSE in target space after each round, on the validation rows (empty without them).
    pub valid_rmse: Vec<f64>,
}

/// Train a booster on rows `x` with targets `y`; `valid` is scored after every round and drives
/// early stopping (by the objective's metric). This is the in-memory entry point: no files. Errors (not panics) on bad params, empty input, length mismatch, non-finite
/// targets or values, negative targets for Poisson / log1p.
pub fn train(x: &Csr, y: &[f64], params: &Params, valid: Option<(&Csr, &[f64])>) -> Result<(Booster, TrainReport)> {
    params.validate()?;
    check_data(x, y, params.objective, "training")?;
    if let Some((vx, vy)) = valid {
        check_data(vx, vy, params.objective, "validation")?;
    }
    if params.early_stopping_rounds.is_some() && valid.is_none() {
        return Err(Error::new("early stopping needs a validation set"));
    }
    if params.threads > 0 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(params.threads)
            .build()
            .map_err(|e| Error::new(format!("starting {} threads: {e}", params.threads)))?;
        pool.install(|| train_in_pool(x, y, params, valid))
    } else {
        train_in_pool(x, y, params, valid)
    }
}

fn check_data(x: &Csr, y: &[f64], objective: Objective, what: &str) -> Result<()> {
    if x.n_rows() == 0 {
        return Err(Error::new(format!("the {what} set has no rows")));
    }
    if x.n_rows() != y.len() {
        return Err(Error::new(format!(
            "the {what} set has {} rows but {} targets",
            x.n_rows(),
            y.len()
        )));
    }
    for (r, &t) in y.iter().enumerate() {
        if let Err(why) = objective.check_target(t) {
            return Err(Error::new(format!(
                "{what} target {t} at row {r} {why} (the {objective} objective needs finite{} targets)",
                if objective == Objective::SquaredError {
                    ""
                } else {
                    ", non-negative"
                }
            )));
        }
    }
    Ok(())
}

fn train_in_pool(x: &Csr, y: &[f64], params: &Params, valid: Option<(&Csr, &[f64])>) -> Result<(Booster, TrainReport)> {
    let cols = Columns::build(x)?;
    let n_cols = cols.n_cols();
    match params.method {
        TreeMethod::Exact => {
            let mut g = ExactGrower {
                cols: &cols,
                grower: Grower::new(),
            };
            boost(x, y, params, valid, n_cols, &mut g)
        }
        TreeMethod::Hist { max_bin } => {
            let points = HistPoints::build(&cols, max_bin);
            let mut g = HistGrower::new(x, &cols, points);
            drop(cols);
            boost(x, y, params, valid, n_cols, &mut g)
        }
    }
}

fn rmse(objective: Objective, margin: &[f64], y: &[f64]) -> f64 {
    let sse: f64 = margin
        .iter()
        .zip(y)
        .map(|(&m, &t)| (objective.to_target(m) - t).powi(2))
        .sum();
    (sse / y.len() as f64).sqrt()
}

fn boost(
    x: &Csr,
    y: &[f64],
    params: &Params,
    valid: Option<(&Csr, &[f64])>,
    n_cols: usize,
    grower: &mut dyn Grow,
) -> Result<(Booster, TrainReport)> {
    let obj = params.objective;
    let n = y.len();
    let t: Vec<f64> = y.iter().map(|&v| obj.train_target(v)).collect();
    let base = match params.base_score {
        Some(b) => obj.to_margin(b)?,
        None => obj.estimate_base_margin(&t)?,
    };
    let mut margin = vec![base; n];
    let mut valid_margin = valid.map(|(vx, _)| vec![base; vx.n_rows()]);
    let mut rng = Rng::new(params.seed);
    let mut grads = vec![(0f32, 0f32); n];
    let mut sampled = vec![true; n];
    let all_feats: Vec<u32> = (0..n_cols as u32).collect();
    let mut trees = Vec::with_capacity(params.n_estimators);
    let mut report = TrainReport {
        metric: obj.eval_metric().to_string(),
        ..TrainReport::default()
    };
    let mut best: Option<(usize, f64)> = None;
    for round in 0..params.n_estimators {
        grads.par_iter_mut().zip(&margin).zip(&t).for_each(|((gh, &m), &tt)| {
            let (g, h) = obj.grad_hess(m, tt);
            *gh = (g as f32, h as f32);
        });
        let rows_mask = if params.subsample < 1.0 {
            for s in sampled.iter_mut() {
                *s = rng.next_f64() < params.subsample;
            }
            Some(&sampled[..])
        } else {
            None
        };
        let col_sample;
        let feats = if params.colsample_bytree < 1.0 {
            let k = ((params.colsample_bytree * n_cols as f64) as usize).max(1);
            col_sample = rng.sample_sorted(n_cols, k);
            &col_sample[..]
        } else {
            &all_feats[..]
        };
        let tree = grower.grow(&grads, rows_mask, feats, params);
        let leaves = grower.leaf_of_row();
        margin.par_iter_mut().enumerate().for_each(|(r, m)| {
            *m += match leaves[r] {
                NONE => {
                    let (i, v) = x.row(r);
                    tree.predict_row(i, v)
                }
                leaf => tree.nodes[leaf as usize].value,
            };
        });
        report.train_rmse.push(rmse(obj, &margin, y));
        report.train_metric.push(obj.eval(&margin, y));
        if let (Some((vx, vy)), Some(vm)) = (valid, valid_margin.as_mut()) {
            vm.par_iter_mut().enumerate().for_each(|(r, m)| {
                let (i, v) = vx.row(r);
                *m += tree.predict_row(i, v);
            });
            report.valid_rmse.push(rmse(obj, vm, vy));
            let score = obj.eval(vm, vy);
            report.valid_metric.push(score);
            if best.is_none_or(|(_, b)| score < b) {
                best = Some((round, score));
            }
        }
        trees.push(tree);
        report.rounds = round + 1;
        if let (Some(patience), Some((best_round, _))) = (params.early_stopping_rounds, best)
            && round - best_round >= patience
        {
            break;
        }
    }
    if params.early_stopping_rounds.is_some()
        && let Some((best_round, _)) = best
    {
        report.best_round = Some(best_round);
        trees.truncate(best_round + 1);
    }
    Ok((
        Booster {
            objective: obj,
            base_score: base,
            // The declared width (the columns the trees saw end at the last one used).
            n_features: x.n_cols,
            trees,
        },
        report,
    ))
}

#[cfg(test)]
#[path = "tests/boost.rs"]
mod tests;
