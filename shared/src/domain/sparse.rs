//! Compressed sparse rows: the one matrix shape features take from vectorize to train and
//! predict. Nothing here densifies a whole matrix.

use serde::{Deserialize, Serialize};

/// A CSR matrix of f32 with u32 column indices. Row `i`'s entries are
/// `indices[indptr[i]..indptr[i+1]]` / `values[..]`, column indices strictly increasing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Csr {
    pub n_cols: usize,
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl Csr {
    pub fn new(n_cols: usize) -> Self {
        Csr {
            n_cols,
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn with_capacity(n_cols: usize, rows: usize, nnz: usize) -> Self {
        let mut indptr = Vec::with_capacity(rows + 1);
        indptr.push(0);
        Csr {
            n_cols,
            indptr,
            indices: Vec::with_capacity(nnz),
            values: Vec::with_capacity(nnz),
        }
    }

    /// Append a row; `indices` must be strictly increasing and below `n_cols`.
    pub fn push_row(&mut self, indices: &[u32], values: &[f32]) {
        debug_assert_eq!(indices.len(), values.len());
        self.indices.extend_from_slice(indices);
        self.values.extend_from_slice(values);
        self.indptr.push(self.indices.len());
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// The value at (row, col), 0.0 when absent.
    pub fn get(&self, row: usize, col: u32) -> f32 {
        let (idx, val) = self.row(row);
        idx.binary_search(&col).map(|k| val[k]).unwrap_or(0.0)
    }

    /// Rows `rows` (in that order) as a new matrix.
    pub fn select_rows(&self, rows: &[usize]) -> Csr {
        let nnz = rows.iter().map(|&r| self.indptr[r + 1] - self.indptr[r]).sum();
        let mut out = Csr::with_capacity(self.n_cols, rows.len(), nnz);
        for &r in rows {
            let (i, v) = self.row(r);
            out.push_row(i, v);
        }
        out
    }
}

#[cfg(test)]
#[path = "tests/sparse.rs"]
mod tests;
