//! The training matrix by column, built once per training: each column's present entries sorted
//! by value, so the exact greedy split search of a whole tree level is one pass over the
//! non-zeros. Also the exact split points: midpoints between consecutive distinct values, as
//! XGBoost's `exact` tree method puts them.

use super::grow::SplitPoints;
use crate::error::{Error, Result};
use crate::sparse::Csr;
use rayon::prelude::*;

/// XGBoost's `kRtEps`: the margin that puts a threshold strictly beyond an extreme value.
pub(super) const RT_EPS: f32 = 1e-6;

/// Pre-sorted columns (CSC): column `f`'s entries are `rows/values[start[f]..start[f + 1]]`,
/// by ascending value (ties by ascending row).
#[derive(Debug)]
pub(super) struct Columns {
    pub n_rows: usize,
    pub start: Vec<usize>,
    pub rows: Vec<u32>,
    pub values: Vec<f32>,
}

impl Columns {
    /// Transpose and sort `x`. Refuses non-finite values and out-of-range column indices.
    ///
    /// The columns kept are those up to the last one any row uses: `x.n_cols` comes from a
    /// file's header and may be anything up to 2^32, so nothing here is sized by it (columns past
    /// the last used one are empty and could never split anyway).
    pub fn build(x: &Csr) -> Result<Columns> {
        let n_rows = x.n_rows();
        if n_rows > u32::MAX as usize {
            return Err(Error::new(format!(
                "{n_rows} rows is more than the trainer handles (2^32)"
            )));
        }
        if let Some(k) = x.indices.iter().position(|&c| c as usize >= x.n_cols) {
            let row = x.indptr.partition_point(|&p| p <= k) - 1;
            return Err(Error::new(format!(
                "row {row}: feature index {} is out of range for {} features",
                x.indices[k], x.n_cols
            )));
        }
        let n_cols = x.indices.iter().max().map_or(0, |&c| c as usize + 1);
        let mut start = vec![0usize; n_cols + 1];
        for &c in &x.indices {
            start[c as usize + 1] += 1;
        }
        for f in 0..n_cols {
            start[f + 1] += start[f];
        }
        let nnz = x.nnz();
        let mut entries = vec![(0f32, 0u32); nnz];
        let mut next = start.clone();
        for r in 0..n_rows {
            let (idx, val) = x.row(r);
            for (&c, &v) in idx.iter().zip(val) {
                if !v.is_finite() {
                    return Err(Error::new(format!(
                        "row {r}: feature {c} has value {v}, not a finite number"
                    )));
                }
                let slot = &mut next[c as usize];
                entries[*slot] = (v, r as u32);
                *slot += 1;
            }
        }
        // Sort every column by value; rows were filled in order, so a stable sort keeps ties
        // by row. Columns are disjoint slices, sorted in parallel.
        let mut slices: Vec<&mut [(f32, u32)]> = Vec::with_capacity(n_cols);
        let mut rest: &mut [(f32, u32)] = &mut entries;
        for f in 0..n_cols {
            let (head, tail) = rest.split_at_mut(start[f + 1] - start[f]);
            slices.push(head);
            rest = tail;
        }
        slices.par_iter_mut().for_each(|s| {
            if !s.is_sorted_by(|a, b| a.0 <= b.0) {
                s.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
        });
        let (values, rows) = entries.into_iter().unzip();
        Ok(Columns {
            n_rows,
            start,
            rows,
            values,
        })
    }

    pub fn n_cols(&self) -> usize {
        self.start.len() - 1
    }
}

/// Exact split points: between two distinct values, their midpoint.
pub(super) struct ExactPoints<'a> {
    pub cols: &'a Columns,
}

impl SplitPoints for ExactPoints<'_> {
    type Key = f32;

    #[inline]
    fn key(&self, entry: usize) -> f32 {
        self.cols.values[entry]
    }

    fn forward_needed(&self, f: usize) -> bool {
        // XGBoost skips the missing-goes-right scan for a column with no missing values or a
        // single value (there the backward scan already sees every partition).
        let (a, b) = (self.cols.start[f], self.cols.start[f + 1]);
        b - a < self.cols.n_rows && self.cols.values[a] != self.cols.values[b - 1]
    }

    #[inline]
    fn forward(&self, _f: usize, lo: f32, hi: f32) -> f32 {
        (lo + hi) * 0.5
    }

    #[inline]
    fn backward(&self, _f: usize, lo: f32, hi: f32) -> f32 {
        (lo + hi) * 0.5
    }

    fn above(&self, _f: usize, hi: f32) -> f32 {
        hi + (hi.abs() + RT_EPS)
    }

    fn below(&self, _f: usize, lo: f32) -> f32 {
        lo - (lo.abs() + RT_EPS)
    }
}

#[cfg(test)]
#[path = "tests/exact.rs"]
mod tests;
