//! The histogram method (XGBoost's `hist`): each feature's present values are cut into at most
//! `max_bin` bins at quantiles, and splits are only tried between bins. Thresholds are the cut
//! values as XGBoost places them: with few distinct values every distinct value but the first is
//! a cut (so a split sends `value < next value` left); the last cut lies beyond the maximum and
//! the lowest threshold below the minimum.
//!
//! Growth works on histograms, as XGBoost's `hist` does: each row's non-zeros are mapped to
//! global bin ids once; a node's histogram (gradient sums per bin of every feature) is built
//! from its rows, and of two siblings only the smaller is built: the other is the parent's
//! histogram minus it. Splits unbalanced the way sparse text splits are (the few rows that have
//! a word against the many that do not) thus cost only the few rows. A split's candidates are
//! scanned over the bins of each feature both ways, the missing rows (node totals minus the
//! feature's present sums) on the right, then on the left.

use super::Params;
use super::exact::Columns;
use super::grow::{Frontier, Grow, MIN_LOSS_CHANGE, NONE, Rules, Split, Stats, compact};
use super::tree::{Node, Tree};
use crate::sparse::Csr;
use rayon::prelude::*;

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

/// XGBoost's `WQSketch::kFactor`: its intermediate summaries keep 8 x max_bin entries.
const SKETCH_FACTOR: usize = 8;

/// An entry of a weighted quantile summary (XGBoost's `WQSummary::Entry`, ranks in f32 as
/// there): `rmin`/`rmax` bound the number of values below / up to `value`, `wmin` is its count.
#[derive(Clone, Copy, Debug)]
struct Rank {
    value: f32,
    rmin: f32,
    rmax: f32,
    wmin: f32,
}

/// The exact summary of sorted values: one entry per distinct value.
fn summarize(sorted: &[f32], out: &mut Vec<Rank>) {
    let mut below = 0usize;
    for run in sorted.chunk_by(|a, b| a == b) {
        let w = run.len();
        out.push(Rank {
            value: run[0],
            rmin: below as f32,
            rmax: (below + w) as f32,
            wmin: w as f32,
        });
        below += w;
    }
}

/// XGBoost's `WQSummary::SetPrune`: keep at most `max_size` entries at evenly spaced ranks,
/// the first and the last included.
fn prune(src: &[Rank], max_size: usize) -> Vec<Rank> {
    if src.len() <= max_size {
        return src.to_vec();
    }
    let begin = src[0].rmax;
    let range = src[src.len() - 1].rmin - src[0].rmax;
    let n = (max_size - 1) as f32;
    let mut out = vec![src[0]];
    let (mut i, mut last) = (1usize, 0usize);
    for k in 1..max_size - 1 {
        let dx2 = 2.0 * ((k as f32 * range) / n + begin);
        while i < src.len() - 1 && dx2 >= src[i + 1].rmax + src[i + 1].rmin {
            i += 1;
        }
        if i == src.len() - 1 {
            break;
        }
        let pick = if dx2 < (src[i].rmin + src[i].wmin) + (src[i + 1].rmax - src[i + 1].wmin) {
            i
        } else {
            i + 1
        };
        if pick != last {
            out.push(src[pick]);
            last = pick;
        }
    }
    if last != src.len() - 1 {
        out.push(src[src.len() - 1]);
    }
    out
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
        let mut summary: Vec<Rank> = Vec::new();
        for f in 0..n_cols {
            let vals = &cols.values[cols.start[f]..cols.start[f + 1]];
            if let (Some(&lo), Some(&hi)) = (vals.first(), vals.last()) {
                // The column's quantile summary pruned as XGBoost prunes it: first to
                // 8 x max_bin entries, then to max_bin + 1. Cuts are the summary's values after
                // the first, at most max_bin - 1 of them, then one beyond the largest value.
                summary.clear();
                summarize(vals, &mut summary);
                if vals.len() > max_bin * SKETCH_FACTOR {
                    summary = prune(&summary, max_bin * SKETCH_FACTOR);
                }
                summary = prune(&summary, max_bin + 1);
                let first = cuts.len();
                cuts.extend(summary[1..summary.len().min(max_bin)].iter().map(|e| e.value));
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

// The column-scan view of the bins: the exact grower run on bins grows the same trees as the
// histogram grower, which the tests use as a cross-check.
#[cfg(test)]
impl super::grow::SplitPoints for HistPoints {
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

/// A histogram bin: the gradient sums and row count of a node's rows in it. The count makes
/// "empty" exact under the sibling subtraction.
#[derive(Clone, Copy, Default)]
struct Bin {
    g: f64,
    h: f64,
    n: u32,
}

fn add(s: Stats, b: &Bin) -> Stats {
    Stats {
        g: s.g + b.g,
        h: s.h + b.h,
    }
}

/// A node's histogram over every feature's bins, and which features its rows have at all (the
/// others' bins are empty and need no look).
struct Hist {
    bins: Vec<Bin>,
    present: Vec<u32>,
}

/// Features per parallel task of the split search.
const FEATURES_PER_TASK: usize = 512;

/// The histogram tree grower over one training matrix.
pub(super) struct HistGrower<'a> {
    x: &'a Csr,
    points: HistPoints,
    /// Per CSR entry of `x`, the global bin id (`cut_start[f] + bin`).
    gbins: Vec<u32>,
    /// Sampled rows, each node's rows contiguous (`range` of the node).
    order: Vec<u32>,
    node_of_row: Vec<u32>,
    /// Zeroed histogram buffers to reuse: a fresh allocation of every bin per node would cost
    /// more than filling the few bins a small node touches.
    pool: Vec<Vec<Bin>>,
}

impl<'a> HistGrower<'a> {
    pub fn new(x: &'a Csr, cols: &Columns, mut points: HistPoints) -> HistGrower<'a> {
        let mut gbins = vec![0u32; x.nnz()];
        let mut fill: Vec<usize> = x.indptr[..x.n_rows()].to_vec();
        // Columns ascend, so each row's entries are filled in its (ascending) feature order.
        for f in 0..cols.n_cols() {
            let base = points.cut_start[f] as u32;
            for i in cols.start[f]..cols.start[f + 1] {
                let slot = &mut fill[cols.rows[i] as usize];
                gbins[*slot] = base + points.bins[i];
                *slot += 1;
            }
        }
        points.bins = Vec::new();
        HistGrower {
            x,
            points,
            gbins,
            order: Vec::new(),
            node_of_row: Vec::new(),
            pool: Vec::new(),
        }
    }

    fn buffer(&mut self) -> Vec<Bin> {
        self.pool
            .pop()
            .unwrap_or_else(|| vec![Bin::default(); self.points.cuts.len()])
    }

    /// Return a histogram's buffer to the pool, zeroing the bins it may have touched.
    fn recycle(&mut self, hist: Hist) {
        let mut bins = hist.bins;
        for &f in &hist.present {
            bins[self.points.cut_start[f as usize]..self.points.cut_start[f as usize + 1]].fill(Bin::default());
        }
        self.pool.push(bins);
    }

    /// The histogram of `rows` in the zeroed buffer `bins`, and the features present in them.
    fn build_hist(&self, rows: &[u32], grads: &[(f32, f32)], mut bins: Vec<Bin>) -> Hist {
        let mut present = Vec::new();
        for &r in rows {
            let (g, h) = grads[r as usize];
            let (g, h) = (g as f64, h as f64);
            let (a, b) = (self.x.indptr[r as usize], self.x.indptr[r as usize + 1]);
            for (&gb, &f) in self.gbins[a..b].iter().zip(&self.x.indices[a..b]) {
                let bin = &mut bins[gb as usize];
                if bin.n == 0 {
                    present.push(f);
                }
                bin.g += g;
                bin.h += h;
                bin.n += 1;
            }
        }
        present.sort_unstable();
        present.dedup();
        Hist { bins, present }
    }

    /// Score every candidate split of feature `f` for a node with histogram `hist`.
    fn eval_feature(&self, f: usize, hist: &[Bin], fr: &Frontier, best: &mut Split) {
        let bins = &hist[self.points.cut_start[f]..self.points.cut_start[f + 1]];
        let mcw = fr.rules.min_child_weight;
        let fid = f as u32;
        let total = fr.totals[0];
        // Ascending: bins up to `prev` left, the rest and the missing rows right.
        let mut left = Stats::default();
        let mut prev = None;
        for (b, bin) in bins.iter().enumerate() {
            if bin.n == 0 {
                continue;
            }
            if let Some(p) = prev
                && left.h >= mcw
            {
                fr.consider(0, left, best, |gain| Split {
                    gain,
                    feature: fid,
                    threshold: self.points.cut(f, p),
                    default_left: false,
                });
            }
            left = add(left, bin);
            prev = Some(b as u32);
        }
        let Some(last) = prev else { return };
        fr.consider(0, left, best, |gain| Split {
            gain,
            feature: fid,
            threshold: self.points.cut(f, last),
            default_left: false,
        });
        // Descending: bins from `prev` up right, the rest and the missing rows left.
        let mut right = Stats::default();
        let mut prev = None;
        for (b, bin) in bins.iter().enumerate().rev() {
            if bin.n == 0 {
                continue;
            }
            if let Some(p) = prev
                && right.h >= mcw
            {
                let left = Stats {
                    g: total.g - right.g,
                    h: total.h - right.h,
                };
                fr.consider(0, left, best, |gain| Split {
                    gain,
                    feature: fid,
                    threshold: self.points.cut(f, p - 1),
                    default_left: true,
                });
            }
            right = add(right, bin);
            prev = Some(b as u32);
        }
        if let Some(first) = prev {
            let left = Stats {
                g: total.g - right.g,
                h: total.h - right.h,
            };
            let threshold = if first == 0 {
                self.points.min_val[f]
            } else {
                self.points.cut(f, first - 1)
            };
            fr.consider(0, left, best, |gain| Split {
                gain,
                feature: fid,
                threshold,
                default_left: true,
            });
        }
    }

    /// The best split of a node from its histogram, over the sampled features present in it.
    fn best_split(&self, hist: &Hist, total: Stats, sampled: &[bool], rules: Rules) -> Split {
        let totals = [total];
        let root_gain = [rules.gain(total.g, total.h)];
        let fr = Frontier {
            totals: &totals,
            root_gain: &root_gain,
            rules,
        };
        let parts: Vec<Split> = hist
            .present
            .par_chunks(FEATURES_PER_TASK)
            .map(|fs| {
                let mut best = Split::NONE;
                for &f in fs.iter().filter(|&&f| sampled[f as usize]) {
                    self.eval_feature(f as usize, &hist.bins, &fr, &mut best);
                }
                best
            })
            .collect();
        let mut best = Split::NONE;
        for p in parts {
            best.merge(p);
        }
        best
    }

    fn goes_left(&self, r: usize, s: &Split) -> bool {
        let (idx, val) = self.x.row(r);
        match idx.binary_search(&s.feature) {
            Ok(k) => val[k] < s.threshold,
            Err(_) => s.default_left,
        }
    }
}

/// Stable partition of `rows` by `left`; returns the number on the left and both sides' sums.
fn partition(rows: &mut [u32], grads: &[(f32, f32)], left: impl Fn(usize) -> bool) -> (usize, Stats, Stats) {
    let mut right_rows = Vec::new();
    let (mut ls, mut rs) = (Stats::default(), Stats::default());
    let mut w = 0;
    for k in 0..rows.len() {
        let r = rows[k];
        let (g, h) = grads[r as usize];
        if left(r as usize) {
            rows[w] = r;
            w += 1;
            ls.g += g as f64;
            ls.h += h as f64;
        } else {
            right_rows.push(r);
            rs.g += g as f64;
            rs.h += h as f64;
        }
    }
    rows[w..].copy_from_slice(&right_rows);
    (w, ls, rs)
}

impl Grow for HistGrower<'_> {
    fn leaf_of_row(&self) -> &[u32] {
        &self.node_of_row
    }

    fn grow(&mut self, grads: &[(f32, f32)], sampled: Option<&[bool]>, feats: &[u32], params: &Params) -> Tree {
        let rules = Rules::of(params);
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        let mut root = Stats::default();
        for (r, &(g, h)) in grads.iter().enumerate() {
            if sampled.is_none_or(|s| s[r]) {
                order.push(r as u32);
                root.g += g as f64;
                root.h += h as f64;
            }
        }
        let mut nodes = vec![Node::leaf(0.0, 0.0)];
        let mut stats = vec![root];
        let mut parent = vec![0u32];
        let mut range = vec![(0usize, order.len())];
        let mut feature_sampled = vec![false; self.points.min_val.len()];
        for &f in feats {
            feature_sampled[f as usize] = true;
        }
        let root_buffer = self.buffer();
        let mut hists: Vec<Option<Hist>> = vec![Some(self.build_hist(&order, grads, root_buffer))];
        let mut frontier: Vec<u32> = vec![0];
        for depth in 0..params.max_depth {
            let best: Vec<Split> = frontier
                .par_iter()
                .map(|&n| {
                    match &hists[n as usize] {
                        Some(hist) => self.best_split(hist, stats[n as usize], &feature_sampled, rules),
                        None => Split::NONE, // every frontier node has a histogram
                    }
                })
                .collect();
            // Nodes that split, with their split; the rest stay leaves.
            let splits_here = |b: &Split| b.feature != NONE && b.gain > MIN_LOSS_CHANGE && b.gain >= params.gamma;
            let mut splits: Vec<(u32, Split)> = Vec::with_capacity(frontier.len());
            for (&n, b) in frontier.iter().zip(&best) {
                if splits_here(b) {
                    splits.push((n, *b));
                } else if let Some(h) = hists[n as usize].take() {
                    self.recycle(h);
                }
            }
            if splits.is_empty() {
                break;
            }
            // Partition each splitting node's rows (disjoint, ascending ranges) in parallel.
            let mut slices = Vec::with_capacity(splits.len());
            let mut rest: &mut [u32] = &mut order;
            let mut offset = 0;
            for &(n, _) in &splits {
                let (b, e) = range[n as usize];
                let (_, tail) = rest.split_at_mut(b - offset);
                let (mine, tail) = tail.split_at_mut(e - b);
                slices.push(mine);
                rest = tail;
                offset = e;
            }
            let parts: Vec<(usize, Stats, Stats)> = slices
                .into_par_iter()
                .zip(&splits)
                .map(|(rows, (_, s))| partition(rows, grads, |r| self.goes_left(r, s)))
                .collect();
            let mut next = Vec::with_capacity(2 * splits.len());
            // (parent, small child, rows of the small child) for the histograms below.
            let mut small = Vec::with_capacity(splits.len());
            for (&(n, s), &(n_left, ls, rs)) in splits.iter().zip(&parts) {
                let left = nodes.len() as u32;
                s.apply(&mut nodes[n as usize], left);
                let (b, e) = range[n as usize];
                for (st, rg) in [(ls, (b, b + n_left)), (rs, (b + n_left, e))] {
                    nodes.push(Node::leaf(0.0, 0.0));
                    stats.push(st);
                    parent.push(n);
                    range.push(rg);
                    hists.push(None);
                }
                next.extend([left, left + 1]);
                let small_child = if n_left <= e - b - n_left { left } else { left + 1 };
                small.push((n, small_child));
            }
            if depth + 1 < params.max_depth {
                let buffers: Vec<Vec<Bin>> = small.iter().map(|_| self.buffer()).collect();
                let order_ref = &order;
                let this = &*self;
                let built: Vec<Hist> = small
                    .par_iter()
                    .zip(buffers)
                    .map(|(&(_, c), buf)| {
                        let (b, e) = range[c as usize];
                        this.build_hist(&order_ref[b..e], grads, buf)
                    })
                    .collect();
                for ((n, c), h) in small.into_iter().zip(built) {
                    let Some(mut big) = hists[n as usize].take() else {
                        continue; // split nodes kept theirs
                    };
                    // The small child's bins are empty outside its features.
                    for &f in &h.present {
                        let bins = self.points.cut_start[f as usize]..self.points.cut_start[f as usize + 1];
                        for (p, q) in big.bins[bins.clone()].iter_mut().zip(&h.bins[bins]) {
                            p.g -= q.g;
                            p.h -= q.h;
                            p.n -= q.n;
                        }
                    }
                    let sibling = if nodes[n as usize].left == c { c + 1 } else { c - 1 };
                    hists[c as usize] = Some(h);
                    hists[sibling as usize] = Some(big);
                }
            } else {
                for (n, _) in small {
                    if let Some(h) = hists[n as usize].take() {
                        self.recycle(h);
                    }
                }
            }
            frontier = next;
        }
        for h in hists.into_iter().flatten() {
            self.recycle(h);
        }
        for (node, st) in nodes.iter_mut().zip(&stats) {
            node.value = params.eta * rules.weight(*st);
            node.cover = st.h;
        }
        self.node_of_row.clear();
        self.node_of_row.resize(grads.len(), NONE);
        for (n, node) in nodes.iter().enumerate() {
            if node.is_leaf() {
                let (b, e) = range[n];
                for &r in &order[b..e] {
                    self.node_of_row[r as usize] = n as u32;
                }
            }
        }
        let (tree, new_id) = compact(&nodes, &parent);
        for n in self.node_of_row.iter_mut() {
            if *n != NONE {
                *n = new_id[*n as usize];
            }
        }
        self.order = order;
        tree
    }
}

#[cfg(test)]
#[path = "tests/hist.rs"]
mod tests;
