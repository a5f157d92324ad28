//! The loss functions: gradients, the link between margin and target, and the intercept.
//!
//! As XGBoost (>= 2; checked against 3.2's saved config and tree dumps): squared error's
//! intercept is one Newton step from a zero margin, which is the mean target. Poisson
//! (`count:poisson`) and logistic (`binary:logistic`) take the mean target as their intercept in
//! target space, so the margin starts at `ln(mean y)` and `logit(mean y)`. Poisson's hessian is
//! `exp(margin + max_delta_step)` with max_delta_step 0.7, and XGBoost hands that same 0.7 to
//! the tree builder, which caps every leaf weight's magnitude at it (before eta) and scores
//! splits at the capped weights: without the cap the first trees of a skewed count target
//! overshoot by orders of magnitude. `SquaredLog1p` is squared error trained on `ln(1 + y)`,
//! predictions mapped back with `exp(m) - 1`.
//!
//! Each objective has the evaluation metric XGBoost defaults to for it (rmse, poisson-nloglik,
//! logloss; squared-log1p: rmsle, the rmse it optimises), which the training report tracks by
//! round and early stopping minimises.

use super::Objective;
use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// XGBoost's `count:poisson` default `max_delta_step`: it damps the Newton steps.
pub const POISSON_MAX_DELTA_STEP: f64 = 0.7;

impl Objective {
    /// The names the command line uses.
    pub const NAMES: [&'static str; 4] = ["squared-error", "poisson", "squared-log1p", "logistic"];

    /// The cap on a leaf weight's magnitude (XGBoost's `max_delta_step`; 0 = none). XGBoost sets
    /// 0.7 for `count:poisson` and 0 otherwise.
    pub fn max_delta_step(self) -> f64 {
        match self {
            Objective::Poisson => POISSON_MAX_DELTA_STEP,
            _ => 0.0,
        }
    }

    /// The name of the objective's evaluation metric, as XGBoost names it.
    pub fn eval_metric(self) -> &'static str {
        match self {
            Objective::SquaredError => "rmse",
            Objective::Poisson => "poisson-nloglik",
            Objective::SquaredLog1p => "rmsle",
            Objective::Logistic => "logloss",
        }
    }

    /// The evaluation metric (lower is better) of margins `margin` against targets `y` (target
    /// space), as XGBoost computes it.
    pub fn eval(self, margin: &[f64], y: &[f64]) -> f64 {
        let n = y.len().max(1) as f64;
        let mean = |f: &dyn Fn(f64, f64) -> f64| margin.iter().zip(y).map(|(&m, &t)| f(m, t)).sum::<f64>() / n;
        match self {
            Objective::SquaredError => mean(&|m, t| (m - t).powi(2)).sqrt(),
            // The margin is ln(1 + prediction): rmse of log1p, XGBoost's rmsle.
            Objective::SquaredLog1p => mean(&|m, t| (m - t.ln_1p()).powi(2)).sqrt(),
            Objective::Poisson => mean(&|m, t| m.exp() - t * m + ln_gamma(t + 1.0)),
            Objective::Logistic => mean(&|m, t| crate::metrics::logloss_one(t, sigmoid(m))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Objective::SquaredError => Self::NAMES[0],
            Objective::Poisson => Self::NAMES[1],
            Objective::SquaredLog1p => Self::NAMES[2],
            Objective::Logistic => Self::NAMES[3],
        }
    }

    /// Targets must be finite; Poisson and log1p also need them non-negative.
    pub fn check_target(self, y: f64) -> std::result::Result<(), &'static str> {
        if !y.is_finite() {
            return Err("is not finite");
        }
        if y < 0.0 && self != Objective::SquaredError {
            return Err("is negative");
        }
        if self == Objective::Logistic && y != 0.0 && y != 1.0 {
            return Err("is not 0 or 1");
        }
        Ok(())
    }

    /// The target as the loss sees it (log1p for `SquaredLog1p`).
    pub(super) fn train_target(self, y: f64) -> f64 {
        match self {
            Objective::SquaredLog1p => y.ln_1p(),
            _ => y,
        }
    }

    /// Margin (the trees' sum) to a prediction in target space.
    pub fn to_target(self, margin: f64) -> f64 {
        match self {
            Objective::SquaredError => margin,
            Objective::Poisson => margin.exp(),
            Objective::SquaredLog1p => margin.exp_m1(),
            Objective::Logistic => sigmoid(margin),
        }
    }

    /// A prediction in target space to a margin (inverse of [`Objective::to_target`]).
    pub fn to_margin(self, prediction: f64) -> Result<f64> {
        let m = match self {
            Objective::SquaredError => prediction,
            Objective::Poisson if prediction > 0.0 => prediction.ln(),
            Objective::SquaredLog1p if prediction > -1.0 => prediction.ln_1p(),
            Objective::Logistic if prediction > 0.0 && prediction < 1.0 => (prediction / (1.0 - prediction)).ln(),
            _ => f64::NAN,
        };
        if m.is_finite() {
            Ok(m)
        } else {
            Err(Error::new(format!(
                "base score {prediction} is out of range for the {} objective",
                self.name()
            )))
        }
    }

    /// Gradient and hessian of the loss at `margin` for training target `t`.
    #[inline]
    pub(super) fn grad_hess(self, margin: f64, t: f64) -> (f64, f64) {
        match self {
            Objective::SquaredError | Objective::SquaredLog1p => (margin - t, 1.0),
            Objective::Poisson => (margin.exp() - t, (margin + POISSON_MAX_DELTA_STEP).exp()),
            Objective::Logistic => {
                let p = sigmoid(margin);
                // XGBoost floors the hessian so a confident row cannot make a leaf weight blow up.
                (p - t, (p * (1.0 - p)).max(1e-16))
            }
        }
    }

    /// The intercept (margin space) estimated from the training targets as XGBoost does.
    pub(super) fn estimate_base_margin(self, t: &[f64]) -> Result<f64> {
        let mean = t.iter().sum::<f64>() / t.len() as f64;
        match self {
            // One Newton step from 0: -sum(g)/sum(h) = mean(t).
            Objective::SquaredError | Objective::SquaredLog1p => Ok(mean),
            Objective::Poisson if mean > 0.0 => Ok(mean.ln()),
            Objective::Poisson => Err(Error::new(
                "every target is 0: the Poisson objective has nothing to fit (give a base score)",
            )),
            Objective::Logistic if mean > 0.0 && mean < 1.0 => Ok((mean / (1.0 - mean)).ln()),
            Objective::Logistic => Err(Error::new(
                "every target is the same class: the logistic objective needs both 0 and 1",
            )),
        }
    }
}

fn sigmoid(m: f64) -> f64 {
    1.0 / (1.0 + (-m).exp())
}

/// `ln Γ(x)` for x >= 0.5 (Lanczos' approximation, g = 7, nine coefficients; relative error below
/// 1e-13): the constant `ln y!` of the Poisson log-likelihood, so the metric is XGBoost's number,
/// and drift's chi-square and normal tails.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Objective {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            // XGBoost's names too, so a Python user's habit works.
            "squared-error" | "reg:squarederror" => Ok(Objective::SquaredError),
            "poisson" | "count:poisson" => Ok(Objective::Poisson),
            "squared-log1p" => Ok(Objective::SquaredLog1p),
            "logistic" | "binary:logistic" => Ok(Objective::Logistic),
            _ => Err(Error::new(format!(
                "unknown objective {s:?} (expected one of {})",
                Self::NAMES.join(", ")
            ))),
        }
    }
}

#[cfg(test)]
#[path = "tests/objective.rs"]
mod tests;
