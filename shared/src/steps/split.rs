//! Train/test splits of any table: random with a seed (optionally stratified on target
//! quantiles), or by time (the newest rows are the test set). Every column is kept; rows keep
//! their input order within each output.
//!
//! A random split does not depend on the input's row order: rows are ordered by id before the
//! seeded shuffle, so the same stories with the same seed always land on the same side.

use crate::error::{Error, Result};
use crate::io::{Output, commit_all, distinct_outputs};
use crate::table::{Provenance, Table, write_parquet_to};
use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, Scalar, UInt32Array};
use std::fmt;

/// How rows are chosen for the test set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// A seeded random sample (the guide's train_test_split, made repeatable).
    Random,
    /// The newest rows by the time column: the honest split for forecasting new stories.
    Time,
}

/// What to do with rows whose target is null (or NaN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NullTarget {
    /// Write 0 in the target column, as the guide's `fillna(0)` does.
    Zero,
    /// Leave the nulls as they are.
    Keep,
    /// Leave those rows out of both outputs.
    Drop,
}

/// The test set's size: a share of the rows or a row count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TestSize {
    Fraction(f64),
    Count(usize),
}

impl std::str::FromStr for TestSize {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return match s.parse::<usize>() {
                Ok(0) | Err(_) => Err(format!("{s:?}: a row count must be at least 1")),
                Ok(n) => Ok(TestSize::Count(n)),
            };
        }
        match s.parse::<f64>() {
            Ok(f) if f > 0.0 && f < 1.0 => Ok(TestSize::Fraction(f)),
            _ => Err(format!(
                "{s:?}: give a fraction strictly between 0 and 1 (0.2) or a row count (500)"
            )),
        }
    }
}

impl fmt::Display for TestSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TestSize::Fraction(x) => write!(f, "{x}"),
            TestSize::Count(n) => write!(f, "{n}"),
        }
    }
}

impl TestSize {
    /// Test rows out of `n`: a fraction rounds up, as scikit-learn's `train_test_split` does.
    pub fn rows(self, n: usize) -> usize {
        match self {
            TestSize::Fraction(f) => (f * n as f64).ceil() as usize,
            TestSize::Count(c) => c,
        }
    }
}

/// Everything a split needs to know.
#[derive(Clone, Debug)]
pub struct SplitOptions {
    pub test_size: TestSize,
    pub seed: u64,
    pub by: By,
    /// Stratify a random split on this many target-quantile bins.
    pub stratify: Option<usize>,
    pub id: String,
    pub time: String,
    pub target: String,
    pub null_target: NullTarget,
}

impl Default for SplitOptions {
    fn default() -> Self {
        SplitOptions {
            test_size: TestSize::Fraction(0.2),
            seed: 42,
            by: By::Random,
            stratify: None,
            id: "id".into(),
            time: "time".into(),
            target: "descendants".into(),
            null_target: NullTarget::Zero,
        }
    }
}

impl fmt::Display for SplitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.by {
            By::Random => write!(f, "random seed={}", self.seed)?,
            By::Time => write!(f, "time column={}", self.time)?,
        }
        write!(f, " test_size={}", self.test_size)?;
        if let Some(b) = self.stratify {
            write!(f, " stratify={b}")?;
        }
        let nulls = match self.null_target {
            NullTarget::Zero => "zero",
            NullTarget::Keep => "keep",
            NullTarget::Drop => "drop",
        };
        write!(f, " target={} null_target={nulls}", self.target)
    }
}

/// The two sides of a split and what happened on the way.
#[derive(Debug)]
pub struct Split {
    pub train: RecordBatch,
    pub test: RecordBatch,
    /// Rows left out for a null target (`NullTarget::Drop`).
    pub dropped: usize,
    /// Null targets written as 0 (`NullTarget::Zero`).
    pub filled: usize,
    /// Rows whose id another row already has (both copies are kept; the tool warns).
    pub duplicate_ids: usize,
}

/// SplitMix64: a small, fast, well-mixed generator; the split only needs a repeatable shuffle.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so that no value is favoured.
    pub fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

impl SplitOptions {
    /// Option combinations that cannot work, refused before any data is read.
    pub fn check(&self) -> Result<()> {
        match (self.stratify, self.by) {
            (Some(_), By::Time) => Err(Error::new("--stratify applies to --by random only")),
            (Some(bins), _) if bins < 2 => Err(Error::new("--stratify needs at least 2 bins")),
            _ => Ok(()),
        }
    }
}

/// Split `table` as `opts` says.
pub fn split_table(table: &Table, opts: &SplitOptions) -> Result<Split> {
    opts.check()?;
    let name = &table.name;
    let n = table.num_rows();
    if n == 0 {
        return Err(Error::new(format!("{name} has no rows to split")));
    }
    let ids = table.required_i64_column(&opts.id)?;

    let duplicate_ids = {
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.windows(2).filter(|w| w[0] == w[1]).count()
    };
    let need_target = opts.null_target != NullTarget::Keep || opts.stratify.is_some();
    let target: Option<Vec<Option<f64>>> = if need_target {
        let t = table.f64_column(&opts.target).map_err(|e| {
            if table.has_column(&opts.target) {
                e
            } else {
                e.context("the target column is needed for --null-target zero|drop and --stratify (use --target NAME, or --null-target keep)")
            }
        })?;
        Some(t.into_iter().map(|v| v.filter(|x| !x.is_nan())).collect())
    } else {
        None
    };

    let mut batch = table.batch.clone();
    let mut rows: Vec<usize> = (0..n).collect();
    let (mut dropped, mut filled) = (0, 0);
    if let Some(t) = &target {
        let valid = BooleanArray::from_iter(t.iter().map(|v| Some(v.is_some())));
        let nulls = n - valid.true_count();
        match opts.null_target {
            NullTarget::Keep => {}
            NullTarget::Drop => {
                rows.retain(|&r| t[r].is_some());
                dropped = nulls;
            }
            NullTarget::Zero if nulls > 0 => {
                batch = fill_zero(&batch, &opts.target, &valid)?;
                filled = nulls;
            }
            NullTarget::Zero => {}
        }
    }
    let m = rows.len();
    let n_test = opts.test_size.rows(m);
    if m < 2 || n_test == 0 || n_test >= m {
        return Err(Error::new(format!(
            "{name}: cannot split {m} rows with --test-size {}: both sides need at least one row",
            opts.test_size
        )));
    }

    let mut test_rows: Vec<usize> = match opts.by {
        By::Time => {
            let times = table.i64_column(&opts.time)?;
            for &r in &rows {
                if times[r].is_none() {
                    return Err(Error::new(format!(
                        "{name}: column \"{}\" is null for id {}",
                        opts.time, ids[r]
                    )));
                }
            }
            rows.sort_by_key(|&r| (times[r], ids[r], r));
            rows[m - n_test..].to_vec()
        }
        By::Random => {
            rows.sort_by_key(|&r| (ids[r], r));
            let mut rng = SplitMix64::new(opts.seed);
            match opts.stratify {
                None => {
                    rng.shuffle(&mut rows);
                    rows[..n_test].to_vec()
                }
                Some(bins) => {
                    let t = target.as_deref().unwrap_or(&[]);
                    stratified_sample(&rows, t, bins, n_test, &mut rng)?
                }
            }
        }
    };
    test_rows.sort_unstable();
    let mut is_test = vec![false; n];
    test_rows.iter().for_each(|&r| is_test[r] = true);
    let mut train_rows: Vec<usize> = rows.into_iter().filter(|&r| !is_test[r]).collect();
    train_rows.sort_unstable();
    Ok(Split {
        train: take_rows(&batch, &train_rows)?,
        test: take_rows(&batch, &test_rows)?,
        dropped,
        filled,
        duplicate_ids,
    })
}

/// `split` on files: read `input`, split, and write both outputs together (both or neither),
/// each with provenance naming the input and which side it is.
pub fn split_file(input: &str, train: &str, test: &str, opts: &SplitOptions, prov: Provenance) -> Result<Split> {
    distinct_outputs(&[train, test])?;
    opts.check()?;
    let table = Table::read(input, None)?;
    let s = split_table(&table, opts)?;
    let prov = prov
        .input(&table.name, &table.fingerprint)
        .extra("split", opts.to_string());
    let mut outs = Vec::with_capacity(2);
    for (path, part, batch) in [(train, "train", &s.train), (test, "test", &s.test)] {
        let mut out = Output::create(path)?;
        write_parquet_to(&mut out, batch, &prov.clone().extra("part", part))
            .map_err(|e| e.context(format!("writing {path}")))?;
        outs.push(out);
    }
    commit_all(outs)?;
    Ok(s)
}

/// The target column with nulls (and NaN) replaced by a zero of the column's own type.
fn fill_zero(batch: &RecordBatch, col: &str, valid: &BooleanArray) -> Result<RecordBatch> {
    let schema = batch.schema();
    let i = schema
        .index_of(col)
        .map_err(|_| Error::new(format!("no column \"{col}\"")))?;
    let arr = batch.column(i);
    let zero = arrow::compute::cast(&Int64Array::from(vec![0]), arr.data_type())?;
    let filled = arrow::compute::kernels::zip::zip(valid, arr, &Scalar::new(zero))?;
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    cols[i] = filled;
    Ok(RecordBatch::try_new(schema, cols)?)
}

fn take_rows(batch: &RecordBatch, rows: &[usize]) -> Result<RecordBatch> {
    let idx = UInt32Array::from_iter_values(rows.iter().map(|&r| r as u32));
    Ok(arrow::compute::take_record_batch(batch, &idx)?)
}

/// Stratum of each row: target-quantile bins (equal targets always share a bin; a heavy value
/// such as 0 comments may swallow several bins), plus one stratum for null targets.
fn strata(rows: &[usize], target: &[Option<f64>], bins: usize) -> Vec<usize> {
    let mut vals: Vec<f64> = rows.iter().filter_map(|&r| target[r]).collect();
    vals.sort_by(f64::total_cmp);
    let mut cuts: Vec<f64> = (1..bins)
        .filter_map(|j| vals.get(j * vals.len() / bins).copied())
        .collect();
    cuts.dedup();
    rows.iter()
        .map(|&r| match target[r] {
            Some(x) => cuts.partition_point(|&c| c <= x),
            None => bins,
        })
        .collect()
}

/// A random test sample taking from each stratum its share of `n_test` (largest remainders
/// settle the rounding), so test and train see the same target distribution.
fn stratified_sample(
    rows: &[usize],
    target: &[Option<f64>],
    bins: usize,
    n_test: usize,
    rng: &mut SplitMix64,
) -> Result<Vec<usize>> {
    let m = rows.len();
    let s = strata(rows, target, bins.min(m.max(1)));
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); bins + 1];
    for (k, &r) in rows.iter().enumerate() {
        groups[s[k]].push(r);
    }
    let mut quota: Vec<(usize, f64, usize)> = groups
        .iter()
        .enumerate()
        .map(|(g, rs)| {
            let exact = n_test as f64 * rs.len() as f64 / m as f64;
            (exact.floor() as usize, exact - exact.floor(), g)
        })
        .collect();
    let short = n_test - quota.iter().map(|q| q.0).sum::<usize>();
    let mut order: Vec<usize> = (0..quota.len()).collect();
    order.sort_by(|&a, &b| quota[b].1.total_cmp(&quota[a].1).then(a.cmp(&b)));
    for &g in order.iter().take(short) {
        quota[g].0 += 1;
    }
    let mut out = Vec::with_capacity(n_test);
    for (g, rs) in groups.iter_mut().enumerate() {
        rng.shuffle(rs);
        out.extend_from_slice(&rs[..quota[g].0.min(rs.len())]);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "tests/split.rs"]
mod tests;
