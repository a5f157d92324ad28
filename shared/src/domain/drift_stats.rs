//! Drift statistics: two-sample tests and distances between a reference and a current sample,
//! the distributions they need, and what a story says about itself (kind, url domain).
//!
//! The methods are Evidently's defaults, so its users read our numbers the same way:
//! - numbers: two-sample Kolmogorov-Smirnov (statistic D and its p-value), and the Wasserstein
//!   distance divided by the reference's standard deviation (population, floor 0.001);
//! - categories: the chi-square test, here the 2 x K test of homogeneity (Evidently's
//!   goodness-of-fit variant treats the reference shares as exact, which is anti-conservative when
//!   the reference is small); with two categories it equals the two-proportion Z-test (z² = χ²);
//!   and the Jensen-Shannon distance (natural log, so at most sqrt(ln 2));
//! - scores: the population stability index over bins, empty bins given a share of 1e-4;
//! - classifiers: ROC AUC as the Mann-Whitney statistic with ties counted half.
//!
//! `ln Γ` is the boost objectives' ([`crate::boost::objective::ln_gamma`]).
//!
//! What sampling noise alone produces is computed, not guessed: each test's p-value, the
//! AUC's null standard deviation `sqrt((n0 + n1 + 1) / (12 n0 n1))` (the AUC of scores
//! independent of the labels), and PSI's null law `(1/n_r + 1/n_c) χ²(bins - 1)`.

use crate::boost::objective::ln_gamma;

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): a series below
/// x = a + 1, a continued fraction (modified Lentz) above, where each converges fast.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    // Here a >= 0.5 (half the degrees of freedom), where ln_gamma is accurate.
    if x.is_nan() || a.is_nan() || a <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let front = (-x + a * x.ln() - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (1.0 - sum * front).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let step = d * c;
            h *= step;
            if (step - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (front * h).clamp(0.0, 1.0)
    }
}

/// P(χ²(dof) > x).
pub fn chi2_sf(x: f64, dof: f64) -> f64 {
    gamma_q(dof / 2.0, x / 2.0)
}

/// P(Z > z) for a standard normal Z.
pub fn normal_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    // P(|Z| > |z|) = Q(1/2, z²/2).
    let tail = 0.5 * gamma_q(0.5, z * z / 2.0);
    if z >= 0.0 { tail } else { 1.0 - tail }
}

/// The x with `sf(x) = p` for a decreasing survival function on [lo, ∞), by bisection (the
/// quantiles here are computed a handful of times per run; robustness beats speed).
fn inverse_sf(p: f64, mut lo: f64, sf: impl Fn(f64) -> f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    let mut hi = lo.abs().max(1.0);
    while sf(hi) > p {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sf(mid) > p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi.abs().max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// The z with P(Z > z) = p.
pub fn normal_isf(p: f64) -> f64 {
    inverse_sf(p, -40.0, normal_sf)
}

/// The x with P(χ²(dof) > x) = p.
pub fn chi2_isf(p: f64, dof: f64) -> f64 {
    inverse_sf(p, 0.0, |x| chi2_sf(x, dof))
}

/// The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical
/// CDFs. Both inputs sorted ascending, finite.
pub fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        // Step past every copy of the smaller value on both sides, so ties move together.
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / na - j as f64 / nb).abs());
    }
    d
}

/// P(D > d) for the two-sample KS statistic of samples of sizes n and m: the Kolmogorov
/// distribution at the effective size n m / (n + m), with Stephens' small-sample correction.
/// Ties (integer columns) make it conservative, never anti-conservative.
pub fn ks_sf(d: f64, n: usize, m: usize) -> f64 {
    if n == 0 || m == 0 || d.is_nan() {
        return f64::NAN;
    }
    let ne = (n as f64 * m as f64) / (n + m) as f64;
    let sq = ne.sqrt();
    let lambda = (sq + 0.12 + 0.11 / sq) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    let mut sign = 1.0;
    for k in 1..=200 {
        let term = (-2.0 * (k as f64).powi(2) * lambda * lambda).exp();
        sum += sign * term;
        if term < 1e-17 {
            break;
        }
        sign = -sign;
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// The KS statistic above which `ks_sf` falls below `p` for samples of sizes n and m (may
/// exceed 1 when samples this small can never reach `p`).
pub fn ks_critical(p: f64, n: usize, m: usize) -> f64 {
    inverse_sf(p, 0.0, |d| ks_sf(d, n, m))
}

/// The first Wasserstein distance between two empirical distributions: the area between their
/// CDFs. Both inputs sorted ascending, finite, non-empty.
pub fn wasserstein(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0, 0);
    let mut area = 0.0;
    let mut x = match (a.first(), b.first()) {
        (Some(&p), Some(&q)) => p.min(q),
        _ => return f64::NAN,
    };
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&p), Some(&q)) => p.min(q),
            (Some(&p), None) => p,
            (None, Some(&q)) => q,
            (None, None) => break,
        };
        area += (i as f64 / na - j as f64 / nb).abs() * (next - x);
        x = next;
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
    }
    area
}

/// Mean and population standard deviation (NumPy's `std`, ddof 0).
pub fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Wasserstein distance in units of the reference's standard deviation (floored at 0.001, as
/// Evidently does, so a constant reference does not divide by zero).
pub fn wasserstein_normed(reference: &[f64], current: &[f64]) -> f64 {
    wasserstein(reference, current) / mean_std(reference).1.max(0.001)
}

/// The chi-square test of homogeneity of two samples' category counts (a 2 x K table):
/// (statistic, degrees of freedom, p-value). Categories empty on both sides are left out.
pub fn chi2_homogeneity(reference: &[f64], current: &[f64]) -> (f64, f64, f64) {
    let (nr, nc) = (reference.iter().sum::<f64>(), current.iter().sum::<f64>());
    let n = nr + nc;
    let mut stat = 0.0;
    let mut k = 0usize;
    for (&r, &c) in reference.iter().zip(current) {
        let col = r + c;
        if col <= 0.0 {
            continue;
        }
        k += 1;
        let (er, ec) = (nr * col / n, nc * col / n);
        stat += (r - er).powi(2) / er + (c - ec).powi(2) / ec;
    }
    if k < 2 || nr == 0.0 || nc == 0.0 {
        return (0.0, 0.0, 1.0);
    }
    let dof = (k - 1) as f64;
    (stat, dof, chi2_sf(stat, dof))
}

/// Shares of counts (all zero stays all zero).
pub fn shares(counts: &[f64]) -> Vec<f64> {
    let n: f64 = counts.iter().sum();
    counts.iter().map(|&c| if n > 0.0 { c / n } else { 0.0 }).collect()
}

/// The Jensen-Shannon distance (square root of the divergence, natural log) between two
/// distributions given as counts or shares over the same categories.
pub fn js_distance(p: &[f64], q: &[f64]) -> f64 {
    let (p, q) = (shares(p), shares(q));
    let kl = |a: &[f64], m: &[f64]| -> f64 {
        a.iter()
            .zip(m)
            .filter(|(x, _)| **x > 0.0)
            .map(|(x, y)| x * (x / y).ln())
            .sum()
    };
    let m: Vec<f64> = p.iter().zip(&q).map(|(a, b)| 0.5 * (a + b)).collect();
    (0.5 * kl(&p, &m) + 0.5 * kl(&q, &m)).max(0.0).sqrt()
}

/// Share given to an empty bin so PSI stays finite (Evidently's choice).
pub const PSI_EMPTY_SHARE: f64 = 1e-4;

/// The population stability index `Σ (c - r) ln(c / r)` over bin shares.
pub fn psi(reference: &[f64], current: &[f64]) -> f64 {
    let (r, c) = (shares(reference), shares(current));
    r.iter()
        .zip(&c)
        .map(|(&a, &b)| {
            let (a, b) = (a.max(PSI_EMPTY_SHARE), b.max(PSI_EMPTY_SHARE));
            (b - a) * (b / a).ln()
        })
        .sum()
}

/// PSI's p-value under "same distribution": PSI ≈ (1/n_r + 1/n_c) χ²(bins - 1).
pub fn psi_p_value(psi: f64, bins: usize, n_ref: usize, n_cur: usize) -> f64 {
    if bins < 2 || n_ref == 0 || n_cur == 0 {
        return 1.0;
    }
    let scale = 1.0 / n_ref as f64 + 1.0 / n_cur as f64;
    chi2_sf(psi / scale, (bins - 1) as f64)
}

/// The PSI that sampling noise alone exceeds with probability `p`.
pub fn psi_noise(p: f64, bins: usize, n_ref: usize, n_cur: usize) -> f64 {
    if bins < 2 || n_ref == 0 || n_cur == 0 {
        return 0.0;
    }
    (1.0 / n_ref as f64 + 1.0 / n_cur as f64) * chi2_isf(p, (bins - 1) as f64)
}

/// ROC AUC of `scores` for `labels` (true = positive): the probability that a random positive
/// scores above a random negative, ties counting half. NaN without both classes.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let ranks = crate::metrics::average_ranks(scores);
    let n1 = labels.iter().filter(|&&l| l).count() as f64;
    let n0 = labels.len() as f64 - n1;
    if n1 == 0.0 || n0 == 0.0 {
        return f64::NAN;
    }
    let rank_sum: f64 = ranks.iter().zip(labels).filter(|(_, l)| **l).map(|(r, _)| r).sum();
    (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// The AUC's standard deviation when scores say nothing about labels (Mann-Whitney's null,
/// without ties; ties only shrink it, so thresholds from it are conservative).
pub fn auc_null_sd(n_pos: usize, n_neg: usize) -> f64 {
    let (a, b) = (n_pos as f64, n_neg as f64);
    ((a + b + 1.0) / (12.0 * a * b)).sqrt()
}

/// Inner bin edges at the reference's quantiles (1/bins, 2/bins, ...), duplicates dropped (tied
/// scores make fewer, fuller bins). `sorted` ascending, finite.
pub fn quantile_edges(sorted: &[f64], bins: usize) -> Vec<f64> {
    let mut edges: Vec<f64> = Vec::with_capacity(bins);
    if sorted.is_empty() {
        return edges;
    }
    for k in 1..bins {
        let at = (k * sorted.len()) / bins;
        let e = sorted[at.min(sorted.len() - 1)];
        // A bin holds values < its upper edge; an edge at the minimum would make an empty bin.
        if e > sorted[0] && edges.last().is_none_or(|&l| e > l) {
            edges.push(e);
        }
    }
    edges
}

/// Counts per bin for inner `edges` (bin k holds edges[k-1] <= v < edges[k]).
pub fn bin_counts(values: &[f64], edges: &[f64]) -> Vec<f64> {
    let mut counts = vec![0.0; edges.len() + 1];
    for &v in values {
        counts[edges.partition_point(|&e| e <= v)] += 1.0;
    }
    counts
}

/// The value at quantile `q` of ascending `sorted` (nearest rank), NaN when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    sorted[i]
}

/// A story's kind from its title and item type: `Ask HN`, `Show HN`, `Tell HN`, `Launch HN`,
/// `job`, or `other`. The prefixes are matched as HN matches them: at the start, any case.
pub fn story_kind(title: &str, item_type: Option<&str>) -> &'static str {
    if item_type == Some("job") {
        return "job";
    }
    let t = title.trim_start();
    for kind in ["Ask HN", "Show HN", "Tell HN", "Launch HN"] {
        if t.get(..kind.len()).is_some_and(|p| p.eq_ignore_ascii_case(kind)) {
            return kind;
        }
    }
    "other"
}

/// The host of an http(s) url, lowercased, without `www.` and port; `None` for no url (Ask HN,
/// text posts) or one without a host.
pub fn url_domain(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.trim_end_matches('.');
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
#[path = "tests/drift_stats.rs"]
mod tests;
