//! The histogram method (XGBoost's `hist`): each feature's present values are cut into at most
//! `max_bin` bins at quantiles, and splits are only tried between bins. Thresholds are the cut
//! values as XGBoost places them: with few distinct values every distinct value but the first is
//! a cut (so a split sends `value < next value` left); the last cut lies beyond the maximum and
//! the lowest threshold below the minimum.
//!
//! The scan is the same one-pass-per-level column scan as `exact`, keyed by bin instead of
//! value, which gives the same splits a histogram would (a node's histogram is the running sum
//! of its column entries by bin) without per-node histograms of every feature.

use super::exact::Columns;
use super::grow::SplitPoints;

/// XGBoost's margin beyond the extreme cut values.
const CUT_EPS: f32 = 1e-5;

pub(super) struct HistPoints {
    /// Column `f`'s cut values are `cuts[cut_start[f]..cut_start[f + 1]]`, ascending; a value
    /// is in bin `b` when it is below `cuts[b]` and not below `cuts[b - 1]`.
    cut_start: Vec<usize>,
    cuts: Vec<f32>,
    /// Per column, a threshold below its smallest value.
    min_val: Vec<f32>,
    /// Per column entry (in the pre-sorted column order), its bin within the column.
    bins: Vec<u32>,
}

impl HistPoints {
    pub fn build(cols: &Columns, max_bin: u32) -> HistPoints {
        let max_bin = max_bin.max(2) as usize;
        let n_cols = cols.n_cols();
        let mut cut_start = Vec::with_capacity(n_cols + 1);
        cut_start.push(0);
        let mut cuts = Vec::new();
        let mut min_val = vec![0f32; n_cols];
        let mut bins = vec![0u32; cols.values.len()];
        let mut summary: Vec<f32> = Vec::new();
        for f in 0..n_cols {
            let vals = &cols.values[cols.start[f]..cols.start[f + 1]];
            if let (Some(&lo), Some(&hi)) = (vals.first(), vals.last()) {
                summary.clear();
                // Distinct values, or (when there are more than max_bin) values at evenly
                // spaced ranks, the smallest and the largest included.
                summary.extend(vals.iter().copied());
                summary.dedup();
                if summary.len() > max_bin {
                    summary.clear();
                    let n = vals.len() - 1;
                    summary.extend((0..max_bin).map(|k| vals[(k * n + (max_bin - 1) / 2) / (max_bin - 1)]));
                    summary.dedup();
                }
                let first = cuts.len();
                cuts.extend_from_slice(&summary[1..]);
                cuts.push(hi + (hi.abs() + CUT_EPS));
                min_val[f] = lo - (lo.abs() + CUT_EPS);
                let col_cuts = &cuts[first..];
                let mut b = 0usize;
                for (k, &v) in vals.iter().enumerate() {
                    while v >= col_cuts[b] {
                        b += 1;
                    }
                    bins[cols.start[f] + k] = b as u32;
                }
            }
            cut_start.push(cuts.len());
        }
        HistPoints {
            cut_start,
            cuts,
            min_val,
            bins,
        }
    }

    #[inline]
    fn cut(&self, f: usize, bin: u32) -> f32 {
        self.cuts[self.cut_start[f] + bin as usize]
    }
}

impl SplitPoints for HistPoints {
    type Key = u32;

    #[inline]
    fn key(&self, entry: usize) -> u32 {
        self.bins[entry]
    }

    // Ascending, the split after bin `lo` sits at that bin's upper cut.
    #[inline]
    fn forward(&self, f: usize, lo: u32, _hi: u32) -> f32 {
        self.cut(f, lo)
    }

    // Descending, the split before bin `hi` sits at its lower cut.
    #[inline]
    fn backward(&self, f: usize, _lo: u32, hi: u32) -> f32 {
        self.cut(f, hi - 1)
    }

    fn above(&self, f: usize, hi: u32) -> f32 {
        self.cut(f, hi)
    }

    fn below(&self, f: usize, lo: u32) -> f32 {
        if lo == 0 { self.min_val[f] } else { self.cut(f, lo - 1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparse::Csr;

    fn column(vals: &[f32]) -> Columns {
        let mut x = Csr::new(1);
        for &v in vals {
            x.push_row(&[0], &[v]);
        }
        Columns::build(&x).unwrap()
    }

    #[test]
    fn few_values_each_get_a_bin() {
        let c = column(&[0.5, 0.25, 0.5, 1.0]);
        let h = HistPoints::build(&c, 256);
        assert_eq!(h.cuts, vec![0.5, 1.0, 1.0 + 1.0 + CUT_EPS]);
        assert_eq!(h.bins, vec![0, 1, 1, 2]);
        assert_eq!(h.forward(0, 0, 1), 0.5);
        assert_eq!(h.backward(0, 1, 2), 1.0);
        assert!(h.below(0, 0) < 0.25);
    }

    #[test]
    fn many_values_are_binned_by_rank() {
        let vals: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        let c = column(&vals);
        let h = HistPoints::build(&c, 10);
        assert_eq!(h.cuts.len(), 10);
        assert!(h.cuts.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(*h.bins.last().unwrap(), 9);
        // Bins are contiguous and each value is below its bin's cut.
        for (k, &v) in vals.iter().enumerate() {
            assert!(v < h.cut(0, h.bins[k]));
        }
    }
}
