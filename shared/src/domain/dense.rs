//! The `gbdt` crate as the alternative engine: training on dense rows (`train --engine gbdt`),
//! and serving trees exported from Python XGBoost through the crate's XGBoost loader.
//!
//! The crate is dense-only and has sharp edges this module keeps away from users:
//! - it panics on NaN (its sort compares floats with `partial_cmp` and unwraps), so non-finite values are refused
//!   here first;
//! - `f32::MIN` (`VALUE_TYPE_UNKNOWN`) is its "missing" marker: a trained model gets absent
//!   entries as real 0.0 (what they are in TF-IDF), an XGBoost import gets them as missing (what
//!   XGBoost made of them when it trained on a sparse matrix);
//! - training holds every row densely plus a per-feature sorted copy of (row, value) pairs, about
//!   20 bytes per cell, so the matrix is sized first and refused over a memory limit;
//! - its row/feature sampling uses an unseeded RNG, so only ratios of 1 are offered (outputs stay
//!   deterministic);
//! - prediction asserts that rows are long enough: rows are built to the model's width, in
//!   bounded chunks, never the whole matrix at once.

use crate::boost::Objective;
use crate::error::{Error, Result};
use crate::sparse::Csr;
use gbdt::config::Config;
use gbdt::decision_tree::{Data, DataVec, VALUE_TYPE_UNKNOWN};
use gbdt::gradient_boost::GBDT;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Bytes the crate's training needs per dense cell: the f32 itself, and a (usize, f32) pair in
/// its per-feature sorted cache (16 bytes with padding).
pub const TRAIN_BYTES_PER_CELL: u64 = 4 + 16;

/// Default limit on the estimated training memory (`--max-dense-bytes`).
pub const DEFAULT_MAX_DENSE_BYTES: u64 = 2 << 30;

/// Dense rows built per prediction chunk are capped at about this many bytes.
const PREDICT_CHUNK_BYTES: usize = 32 << 20;

/// What `train --engine gbdt` hands the crate.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseParams {
    pub n_estimators: usize,
    pub max_depth: usize,
    pub eta: f64,
    /// Mapped to the crate's `min_leaf_size` (rows, not hessian weight): `ceil`, at least 1.
    pub min_child_weight: f64,
    /// Initial prediction (margin space); `None`: the crate's own, the target mean.
    pub base_score: Option<f64>,
    /// Train on `log1p(target)` and map predictions back with `expm1`.
    pub log1p: bool,
    /// Refuse when the estimated training memory exceeds this.
    pub max_dense_bytes: u64,
}

/// A model the `gbdt` crate evaluates: trained here, or imported from an XGBoost dump.
#[derive(Serialize, Deserialize)]
pub struct DenseModel {
    pub gbdt: GBDT,
    /// Length of the dense rows the trees read (largest split feature + 1 for an import).
    pub width: usize,
    /// Absent sparse entries are "missing" (XGBoost's reading of a sparse matrix) rather than 0.0.
    pub absent_is_missing: bool,
    /// Per-row initial value given to the crate (its `initial_guess`), when set.
    pub initial_guess: Option<f32>,
    /// How the margin maps back to comments (the objective it was trained with).
    pub objective: Objective,
    pub n_trees: usize,
    /// Total split gain per feature, descending, when known (an XGBoost dump with stats).
    pub gains: Vec<(u32, f64)>,
}

/// Estimated bytes the crate needs to train on `rows` x `cols`.
pub fn training_bytes(rows: usize, cols: usize) -> u64 {
    (rows as u64)
        .saturating_mul(cols as u64)
        .saturating_mul(TRAIN_BYTES_PER_CELL)
}

/// Train with the `gbdt` crate. Zeros stay 0.0; NaN, ±inf and an over-limit matrix are refused
/// before the crate sees anything.
pub fn train(x: &Csr, y: &[f64], p: &DenseParams) -> Result<DenseModel> {
    let (rows, cols) = (x.n_rows(), x.n_cols);
    if rows == 0 || rows != y.len() {
        return Err(Error::new(format!("gbdt engine: {rows} rows but {} targets", y.len())));
    }
    let cols = cols.max(1);
    let need = training_bytes(rows, cols);
    if need > p.max_dense_bytes {
        return Err(Error::new(format!(
            "--engine gbdt needs a dense {rows} x {cols} matrix, about {} with the gbdt crate's sort cache, \
             over the limit of {} (--max-dense-bytes); use --engine native (sparse), fewer features, \
             or raise the limit",
            crate::cli::human_bytes(need),
            crate::cli::human_bytes(p.max_dense_bytes)
        )));
    }
    if let Some(v) = x.values.iter().find(|v| !v.is_finite()) {
        return Err(Error::new(format!("gbdt engine: feature value {v} is not finite")));
    }
    let mut labels = Vec::with_capacity(rows);
    for (i, &t) in y.iter().enumerate() {
        let t = if p.log1p {
            if t < 0.0 {
                return Err(Error::new(format!(
                    "objective squared-log1p needs targets >= 0 (row {i} has {t})"
                )));
            }
            t.ln_1p()
        } else {
            t
        };
        if !t.is_finite() || !(t as f32).is_finite() {
            return Err(Error::new(format!("gbdt engine: target {t} at row {i} is not finite")));
        }
        labels.push(t as f32);
    }
    if !(p.eta > 0.0 && p.eta.is_finite()) || p.n_estimators == 0 || p.max_depth == 0 {
        return Err(Error::new(
            "gbdt engine: --eta must be > 0, --n-estimators and --max-depth at least 1",
        ));
    }
    let initial_guess = p.base_score.map(|b| b as f32);
    let mut data: DataVec = Vec::with_capacity(rows);
    for (r, &label) in labels.iter().enumerate() {
        let mut feature = vec![0.0f32; cols];
        let (idx, val) = x.row(r);
        for (&i, &v) in idx.iter().zip(val) {
            feature[i as usize] = v;
        }
        data.push(Data::new_training_data(feature, 1.0, label, initial_guess));
    }
    let mut cfg = Config::new();
    cfg.set_feature_size(cols);
    cfg.set_max_depth(p.max_depth.min(u32::MAX as usize) as u32);
    cfg.set_iterations(p.n_estimators);
    cfg.set_shrinkage(p.eta as f32);
    cfg.set_min_leaf_size((p.min_child_weight.ceil() as usize).max(1));
    cfg.set_loss("SquaredError");
    cfg.enabled_initial_guess(initial_guess.is_some());
    let mut gbdt = GBDT::new(&cfg);
    gbdt.fit(&mut data);
    Ok(DenseModel {
        gbdt,
        width: cols,
        absent_is_missing: false,
        initial_guess,
        objective: if p.log1p {
            Objective::SquaredLog1p
        } else {
            Objective::SquaredError
        },
        n_trees: p.n_estimators,
        gains: Vec::new(),
    })
}

impl std::fmt::Debug for DenseModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The crate's GBDT has no Debug; its shape is what matters in messages.
        f.debug_struct("DenseModel")
            .field("width", &self.width)
            .field("n_trees", &self.n_trees)
            .field("absent_is_missing", &self.absent_is_missing)
            .field("objective", &self.objective)
            .finish_non_exhaustive()
    }
}

impl DenseModel {
    /// Predictions (target space) for every row, built densely a bounded chunk at a time.
    pub fn predict(&self, x: &Csr) -> Vec<f64> {
        let width = self.width.max(1);
        let chunk = (PREDICT_CHUNK_BYTES / (width * 4)).clamp(1, 4096);
        let starts: Vec<usize> = (0..x.n_rows()).step_by(chunk).collect();
        let absent = if self.absent_is_missing {
            VALUE_TYPE_UNKNOWN
        } else {
            0.0
        };
        let parts: Vec<Vec<f64>> = starts
            .par_iter()
            .map(|&start| {
                let end = (start + chunk).min(x.n_rows());
                let data: DataVec = (start..end)
                    .map(|r| {
                        let mut feature = vec![absent; width];
                        let (idx, val) = x.row(r);
                        for (&i, &v) in idx.iter().zip(val) {
                            if (i as usize) < width {
                                feature[i as usize] = v;
                            }
                        }
                        let mut d = Data::new_test_data(feature, None);
                        d.initial_guess = self.initial_guess.unwrap_or(0.0);
                        d
                    })
                    .collect();
                self.gbdt
                    .predict(&data)
                    .into_iter()
                    .map(|m| self.objective.to_target(m as f64))
                    .collect()
            })
            .collect();
        parts.concat()
    }
}

/// What an XGBoost dump holds, found by walking it before the crate's loader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpSummary {
    pub trees: usize,
    /// Largest feature index any split reads, if any split exists.
    pub max_feature: Option<u32>,
    pub gains: Vec<(u32, f64)>,
}

/// Check an XGBoost JSON dump (`booster.dump_model(f, dump_format="json")`) node by node, so
/// that anything the crate's loader would choke on becomes a clear message.
pub fn summarize_dump(text: &str) -> Result<DumpSummary> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::new(format!("not an XGBoost JSON dump (invalid JSON: {e})")))?;
    let trees = v.as_array().ok_or_else(|| {
        Error::new("not an XGBoost JSON dump (expected a list of trees; export with dump_format=\"json\")")
    })?;
    if trees.is_empty() {
        return Err(Error::new("the XGBoost dump has no trees"));
    }
    let mut max_feature: Option<u32> = None;
    let mut gains = std::collections::BTreeMap::<u32, f64>::new();
    for (t, tree) in trees.iter().enumerate() {
        let mut stack = vec![tree];
        while let Some(node) = stack.pop() {
            let here = || {
                format!(
                    "tree {t}, node {}",
                    node.get("nodeid").unwrap_or(&serde_json::Value::Null)
                )
            };
            if !node.is_object() {
                return Err(Error::new(format!("{}: not a tree node", here())));
            }
            if node.get("leaf").is_some() {
                if !node["leaf"].as_f64().is_some_and(f64::is_finite) {
                    return Err(Error::new(format!("{}: leaf value is not a finite number", here())));
                }
                continue;
            }
            let feature = match &node["split"] {
                serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                serde_json::Value::String(s) => s.strip_prefix('f').and_then(|d| d.parse::<u32>().ok()),
                _ => None,
            }
            .ok_or_else(|| {
                Error::new(format!(
                    "{}: split feature {} is not an index like \"f12\" (export from a booster without feature names)",
                    here(),
                    node["split"]
                ))
            })?;
            max_feature = Some(max_feature.map_or(feature, |m| m.max(feature)));
            if !node["split_condition"].as_f64().is_some_and(f64::is_finite) {
                return Err(Error::new(format!(
                    "{}: split_condition is not a finite number",
                    here()
                )));
            }
            let (yes, no, missing) = (node["yes"].as_i64(), node["no"].as_i64(), node["missing"].as_i64());
            let (Some(yes), Some(no), Some(missing)) = (yes, no, missing) else {
                return Err(Error::new(format!("{}: yes/no/missing child ids missing", here())));
            };
            if missing != yes && missing != no {
                return Err(Error::new(format!("{}: missing goes to neither child", here())));
            }
            let children = node["children"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            for id in [yes, no] {
                let child = children.iter().find(|c| c["nodeid"].as_i64() == Some(id));
                stack.push(child.ok_or_else(|| Error::new(format!("{}: child node {id} not found", here())))?);
            }
            if let Some(g) = node.get("gain").and_then(serde_json::Value::as_f64) {
                *gains.entry(feature).or_default() += g;
            }
        }
    }
    let mut gains: Vec<(u32, f64)> = gains.into_iter().collect();
    gains.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(DumpSummary {
        trees: trees.len(),
        max_feature,
        gains,
    })
}

/// Load an XGBoost JSON dump through the `gbdt` crate's loader. The dump does not hold
/// `base_score` (XGBoost >= 2 estimates it from the data); the caller passes it as XGBoost
/// reports it, in target space. The crate expects "base score on the first line, then the JSON
/// trees" (the layout of its own `convert_xgboost.py`), so that line is put in front here, in
/// margin space (`ln(base_score)` for Poisson).
///
/// `absent_is_missing`: true for a model XGBoost trained on a sparse matrix (absent terms were
/// "missing" and take each split's default branch); false for one trained on a dense matrix (the
/// guide's `.toarray()`), where a zero was a value compared against the threshold.
pub fn import_xgboost(
    text: &str,
    base_score: f64,
    objective: Objective,
    absent_is_missing: bool,
) -> Result<(DenseModel, DumpSummary)> {
    let summary = summarize_dump(text)?;
    // XGBoost's base_score is in target space for count:poisson (its margin is the log), and for
    // a model fitted on log1p(y) it is already in that log space: not `to_margin` there.
    let margin = match objective {
        Objective::SquaredError | Objective::SquaredLog1p => base_score,
        Objective::Poisson if base_score > 0.0 => base_score.ln(),
        Objective::Poisson => {
            return Err(Error::new(format!(
                "base_score {base_score} is not > 0, impossible for count:poisson"
            )));
        }
        Objective::Logistic => objective.to_margin(base_score)?,
    };
    if !margin.is_finite() || !(margin as f32).is_finite() {
        return Err(Error::new(format!("base_score {base_score} is not a finite number")));
    }
    let input = format!("{}\n{text}", margin as f32);
    let gbdt = GBDT::from_xgboost_reader(std::io::Cursor::new(input), "reg:linear")
        .map_err(|e| Error::new(format!("the gbdt crate cannot load the XGBoost dump: {e}")))?;
    let model = DenseModel {
        gbdt,
        width: summary.max_feature.map_or(1, |m| m as usize + 1),
        absent_is_missing,
        initial_guess: None,
        objective,
        n_trees: summary.trees,
        gains: summary.gains.clone(),
    };
    Ok((model, summary))
}

#[cfg(test)]
#[path = "tests/dense.rs"]
mod tests;
