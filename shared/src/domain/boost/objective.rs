//! The loss functions: gradients, the link between margin and target, and the intercept.
//!
//! As XGBoost (>= 2; checked against 3.2): squared error's intercept is one Newton step from a
//! zero margin, which is the mean target; Poisson (`count:poisson`) estimates its intercept as
//! the mean target in target space, so the margin starts at `ln(mean y)`, and its hessian is
//! `exp(margin + max_delta_step)` with max_delta_step 0.7. `SquaredLog1p` is squared error
//! trained on `ln(1 + y)`, predictions mapped back with `exp(m) - 1`.

use super::Objective;
use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// XGBoost's `count:poisson` default `max_delta_step`: it damps the Newton steps.
pub const POISSON_MAX_DELTA_STEP: f64 = 0.7;

impl Objective {
    /// The names the command line uses.
    pub const NAMES: [&'static str; 4] = ["squared-error", "poisson", "squared-log1p", "logistic"];

    pub fn name(self) -> &'static str {
        match self {
            Objective::SquaredError => Self::NAMES[0],
            Objective::Poisson => Self::NAMES[1],
            Objective::SquaredLog1p => Self::NAMES[2],
            Objective::Logistic => Self::NAMES[3],
        }
    }

    /// Targets must be finite; Poisson and log1p also need them non-negative.
    pub(super) fn check_target(self, y: f64) -> std::result::Result<(), &'static str> {
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
