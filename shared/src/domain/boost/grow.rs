//! Growing one tree level by level (XGBoost's depth-wise policy) for the exact method, and the
//! split scoring both methods share.
//!
//! Every row carries its gradient pair and the slot of the frontier node it sits in (or none:
//! finished or not sampled). Finding the best split of every frontier node is one pass over the
//! non-zeros of the sampled columns: each column is scanned in value order (then in reverse),
//! each entry adds its row's gradients to its node's running sums, and where the value changes a
//! candidate split is scored for that node. The rows a node's column does not list — the absent
//! entries — are whatever the running sum is not: they go right in the ascending scan and left in
//! the descending one, so both default directions are tried. Columns are scanned in parallel
//! chunks, and chunk results are merged in column order with a strict total order (higher gain,
//! then lower feature, then scan order), so the tree does not depend on the thread count.

use super::Params;
use super::exact::Columns;
use super::tree::{Node, Tree};
use rayon::prelude::*;

/// No node / no feature.
pub(super) const NONE: u32 = u32::MAX;
/// XGBoost's `kRtEps`: a split must reduce the loss by more than this.
pub(super) const MIN_LOSS_CHANGE: f64 = 1e-6;

/// How a method places thresholds, given the scan keys of one column (values for exact;
/// histogram bins when the tests cross-check the histogram grower against this scan).
pub(super) trait SplitPoints: Sync {
    type Key: Copy + PartialEq + Default + Send;
    /// The scan key of column entry `entry` (entries of a column ascend by key).
    fn key(&self, entry: usize) -> Self::Key;
    /// Whether column `f` needs the ascending (missing goes right) scan.
    fn forward_needed(&self, _f: usize) -> bool {
        true
    }
    /// Threshold between keys `lo < hi` found by the ascending scan.
    fn forward(&self, f: usize, lo: Self::Key, hi: Self::Key) -> f32;
    /// Threshold between keys `lo < hi` found by the descending scan.
    fn backward(&self, f: usize, lo: Self::Key, hi: Self::Key) -> f32;
    /// A threshold above key `hi`: every present row goes left.
    fn above(&self, f: usize, hi: Self::Key) -> f32;
    /// A threshold below key `lo`: every present row goes right.
    fn below(&self, f: usize, lo: Self::Key) -> f32;
}

#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub(super) struct Stats {
    pub g: f64,
    pub h: f64,
}

/// The regularised scores of XGBoost's second-order objective.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rules {
    pub lambda: f64,
    pub min_child_weight: f64,
    /// XGBoost's `max_delta_step`: a leaf weight's magnitude is capped at it (0 = no cap). It is
    /// what keeps Poisson's first steps from overshooting on skewed counts.
    pub max_delta_step: f64,
}

impl Rules {
    pub fn of(params: &Params) -> Rules {
        Rules {
            lambda: params.lambda,
            min_child_weight: params.min_child_weight,
            max_delta_step: params.objective.max_delta_step(),
        }
    }

    /// The loss reduction of a node with sums `g`, `h` at its best weight: `G^2 / (H + lambda)`
    /// uncapped; with a cap, `-(2 G w + (H + lambda) w^2)` at the capped weight `w`, as XGBoost's
    /// `CalcGain` does. 0 for a node lighter than min_child_weight. The capped value is never
    /// above the uncapped one, which [`Frontier::consider`]'s quick rejection relies on.
    #[inline]
    pub fn gain(&self, g: f64, h: f64) -> f64 {
        if h < self.min_child_weight || h <= 0.0 {
            0.0
        } else if self.max_delta_step == 0.0 {
            g * g / (h + self.lambda)
        } else {
            let w = self.weight(Stats { g, h });
            -(2.0 * g * w + (h + self.lambda) * w * w)
        }
    }

    /// The optimal leaf weight `-G / (H + lambda)`, its magnitude capped at max_delta_step when
    /// there is one (0 for a node lighter than min_child_weight).
    pub fn weight(&self, s: Stats) -> f64 {
        if s.h < self.min_child_weight || s.h <= 0.0 {
            return 0.0;
        }
        let w = -s.g / (s.h + self.lambda);
        if self.max_delta_step != 0.0 && w.abs() > self.max_delta_step {
            self.max_delta_step.copysign(w)
        } else {
            w
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Row {
    g: f32,
    h: f32,
    slot: u32,
}

/// The best split found for a node (feature NONE: none).
#[derive(Clone, Copy, Debug)]
pub(super) struct Split {
    pub gain: f64,
    pub feature: u32,
    pub threshold: f32,
    pub default_left: bool,
}

impl Split {
    /// Keep the better of two candidates. Merging in feature order with a strict `>` keeps the
    /// lower feature on ties, as XGBoost does.
    #[inline]
    pub fn merge(&mut self, other: Split) {
        if other.gain > self.gain {
            *self = other;
        }
    }

    /// Turn a leaf into this split, its children at `left` and `left + 1`.
    pub fn apply(&self, node: &mut Node, left: u32) {
        node.feature = self.feature;
        node.threshold = self.threshold;
        node.default_left = self.default_left;
        node.left = left;
        node.right = left + 1;
        node.gain = self.gain;
    }

    pub const NONE: Split = Split {
        gain: 0.0,
        feature: NONE,
        threshold: 0.0,
        default_left: false,
    };
}

#[derive(Clone, Copy, Default)]
struct Acc<K> {
    g: f64,
    h: f64,
    n: u32,
    last: K,
}

impl<K: Copy> Acc<K> {
    #[inline]
    fn add(&mut self, e: &Entry<K>) {
        self.g += e.g as f64;
        self.h += e.h as f64;
        self.n += 1;
        self.last = e.key;
    }

    fn stats(&self) -> Stats {
        Stats { g: self.g, h: self.h }
    }

    /// The node's totals minus this sum.
    fn rest(&self, total: Stats) -> Stats {
        Stats {
            g: total.g - self.g,
            h: total.h - self.h,
        }
    }
}

/// What a level's scan needs about its frontier nodes, by slot.
pub(super) struct Frontier<'a> {
    pub totals: &'a [Stats],
    pub root_gain: &'a [f64],
    pub rules: Rules,
}

impl Frontier<'_> {
    /// Score the split of node `s` into `left` and the rest; keep it if it beats the best.
    #[inline]
    pub fn consider(&self, s: usize, left: Stats, best: &mut Split, make: impl FnOnce(f64) -> Split) {
        let t = self.totals[s];
        let (rg, rh) = (t.g - left.g, t.h - left.h);
        let mcw = self.rules.min_child_weight;
        if left.h >= mcw && rh >= mcw {
            if left.h > 0.0 && rh > 0.0 {
                // Most candidates lose: compare without dividing, divide only for a winner.
                let (a, b) = (left.h + self.rules.lambda, rh + self.rules.lambda);
                let num = left.g * left.g * b + rg * rg * a;
                if num <= (best.gain + self.root_gain[s]) * (a * b) {
                    return;
                }
            }
            let loss = self.rules.gain(left.g, left.h) + self.rules.gain(rg, rh) - self.root_gain[s];
            if loss > best.gain {
                *best = make(loss);
            }
        }
    }
}

/// A column entry of an active row, gathered once per level: its scan key and its row's state.
#[derive(Clone, Copy)]
struct Entry<K> {
    key: K,
    g: f32,
    h: f32,
    slot: u32,
}

/// How far ahead the gather prefetches row states: a column lists its rows in value order, so
/// every row lookup is a random access into the row states.
const PREFETCH: usize = 24;

#[inline(always)]
fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint; it never faults and has no effect on memory.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p as *const T as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Per-thread scratch of the split search.
struct Scratch<K> {
    acc: Vec<Acc<K>>,
    touched: Vec<u32>,
    best: Vec<Split>,
    buf: Vec<Entry<K>>,
}

/// Scan column `f` both ways, updating the best split of every frontier node it touches.
fn scan_column<P: SplitPoints>(f: usize, cols: &Columns, p: &P, rows: &[Row], fr: &Frontier, sc: &mut Scratch<P::Key>) {
    let (from, to) = (cols.start[f], cols.start[f + 1]);
    if from == to {
        return;
    }
    // Gather the column's active entries with their rows' state (the one random access).
    let col_rows = &cols.rows[from..to];
    sc.buf.clear();
    for (k, &r) in col_rows.iter().enumerate() {
        if let Some(&ahead) = col_rows.get(k + PREFETCH) {
            prefetch(&rows[ahead as usize]);
        }
        let row = rows[r as usize];
        if row.slot != NONE {
            sc.buf.push(Entry {
                key: p.key(from + k),
                g: row.g,
                h: row.h,
                slot: row.slot,
            });
        }
    }
    let Scratch {
        acc,
        touched,
        best,
        buf,
    } = sc;
    let fid = f as u32;
    let mcw = fr.rules.min_child_weight;
    if p.forward_needed(f) {
        // Ascending: the running sum is the left side, absent rows go right.
        for e in buf.iter() {
            let s = e.slot as usize;
            let a = &mut acc[s];
            if a.n == 0 {
                touched.push(e.slot);
            } else if e.key != a.last && a.h >= mcw {
                let last = a.last;
                fr.consider(s, a.stats(), &mut best[s], |gain| Split {
                    gain,
                    feature: fid,
                    threshold: p.forward(f, last, e.key),
                    default_left: false,
                });
            }
            a.add(e);
        }
        for &s in touched.iter() {
            let s = s as usize;
            let a = acc[s];
            fr.consider(s, a.stats(), &mut best[s], |gain| Split {
                gain,
                feature: fid,
                threshold: p.above(f, a.last),
                default_left: false,
            });
            acc[s] = Acc::default();
        }
        touched.clear();
    }
    // Descending: the running sum is the right side, absent rows go left.
    for e in buf.iter().rev() {
        let s = e.slot as usize;
        let a = &mut acc[s];
        if a.n == 0 {
            touched.push(e.slot);
        } else if e.key != a.last && a.h >= mcw {
            let last = a.last;
            fr.consider(s, a.rest(fr.totals[s]), &mut best[s], |gain| Split {
                gain,
                feature: fid,
                threshold: p.backward(f, e.key, last),
                default_left: true,
            });
        }
        a.add(e);
    }
    for &s in touched.iter() {
        let s = s as usize;
        let a = acc[s];
        fr.consider(s, a.rest(fr.totals[s]), &mut best[s], |gain| Split {
            gain,
            feature: fid,
            threshold: p.below(f, a.last),
            default_left: true,
        });
        acc[s] = Acc::default();
    }
    touched.clear();
}

/// Chunks of `feats` with about equal non-zeros, a few per thread so uneven columns balance.
fn chunks<'a>(cols: &Columns, feats: &'a [u32]) -> Vec<&'a [u32]> {
    let nnz = |f: u32| cols.start[f as usize + 1] - cols.start[f as usize];
    let total: usize = feats.iter().map(|&f| nnz(f)).sum();
    let target = total / (rayon::current_num_threads() * 8) + 1;
    let mut out = Vec::new();
    let (mut from, mut sum) = (0, 0);
    for (k, &f) in feats.iter().enumerate() {
        sum += nnz(f);
        if sum >= target {
            out.push(&feats[from..=k]);
            from = k + 1;
            sum = 0;
        }
    }
    if from < feats.len() {
        out.push(&feats[from..]);
    }
    out
}

fn find_splits<P: SplitPoints>(cols: &Columns, p: &P, rows: &[Row], feats: &[u32], fr: &Frontier) -> Vec<Split> {
    let n_slots = fr.totals.len();
    let parts: Vec<Vec<Split>> = chunks(cols, feats)
        .par_iter()
        .map(|fs| {
            let mut sc = Scratch {
                acc: vec![Acc::default(); n_slots],
                touched: Vec::new(),
                best: vec![Split::NONE; n_slots],
                buf: Vec::new(),
            };
            for &f in fs.iter() {
                scan_column(f as usize, cols, p, rows, fr, &mut sc);
            }
            sc.best
        })
        .collect();
    let mut out = vec![Split::NONE; n_slots];
    for part in parts {
        for (o, b) in out.iter_mut().zip(part) {
            o.merge(b);
        }
    }
    out
}

/// A tree grower over one training matrix.
pub(super) trait Grow {
    /// Grow one tree on gradient pairs `grads`, rows where `sampled` (all when `None`), columns
    /// `feats` (ascending).
    fn grow(&mut self, grads: &[(f32, f32)], sampled: Option<&[bool]>, feats: &[u32], params: &Params) -> Tree;
    /// After `grow`: the leaf each sampled row landed in, [`NONE`] for the others.
    fn leaf_of_row(&self) -> &[u32];
}

/// The exact method: pre-sorted columns, every midpoint tried, gamma pruned bottom-up.
pub(super) struct ExactGrower<'a> {
    pub cols: &'a Columns,
    pub grower: Grower,
}

impl Grow for ExactGrower<'_> {
    fn grow(&mut self, grads: &[(f32, f32)], sampled: Option<&[bool]>, feats: &[u32], params: &Params) -> Tree {
        let points = super::exact::ExactPoints { cols: self.cols };
        self.grower
            .grow(self.cols, &points, grads, sampled, feats, params, false)
    }
    fn leaf_of_row(&self) -> &[u32] {
        self.grower.leaf_of_row()
    }
}

/// Reusable per-row buffers for growing trees over one training matrix.
pub(super) struct Grower {
    rows: Vec<Row>,
    node_of_row: Vec<u32>,
}

impl Grower {
    pub fn new() -> Grower {
        Grower {
            rows: Vec::new(),
            node_of_row: Vec::new(),
        }
    }

    /// After [`Grower::grow`]: the leaf each sampled row landed in, [`NONE`] for the others.
    pub fn leaf_of_row(&self) -> &[u32] {
        &self.node_of_row
    }

    /// Grow one tree on gradient pairs `grads`, rows where `sampled` (all when `None`), columns
    /// `feats` (ascending). With `top_down_gamma` (hist) a split must gain at least gamma when
    /// made; otherwise (exact) splits gaining less than gamma are pruned bottom-up afterwards,
    /// as XGBoost's `prune` updater does.
    // Each argument is a different input of one tree's growth (data, split points, gradients,
    // row and column samples, parameters, pruning mode); a struct around them would only move
    // the list to its two callers.
    #[allow(clippy::too_many_arguments)]
    pub fn grow<P: SplitPoints>(
        &mut self,
        cols: &Columns,
        p: &P,
        grads: &[(f32, f32)],
        sampled: Option<&[bool]>,
        feats: &[u32],
        params: &Params,
        top_down_gamma: bool,
    ) -> Tree {
        let rules = Rules::of(params);
        self.rows.clear();
        self.node_of_row.clear();
        let mut root = Stats::default();
        for (r, &(g, h)) in grads.iter().enumerate() {
            let active = sampled.is_none_or(|s| s[r]);
            let slot = if active { 0 } else { NONE };
            self.rows.push(Row { g, h, slot });
            self.node_of_row.push(slot);
            if active {
                root.g += g as f64;
                root.h += h as f64;
            }
        }
        let mut nodes = vec![Node::leaf(0.0, 0.0)];
        let mut stats = vec![root];
        let mut parent = vec![0u32];
        let mut frontier: Vec<u32> = vec![0];
        for _depth in 0..params.max_depth {
            let totals: Vec<Stats> = frontier.iter().map(|&n| stats[n as usize]).collect();
            let root_gain: Vec<f64> = totals.iter().map(|t| rules.gain(t.g, t.h)).collect();
            let fr = Frontier {
                totals: &totals,
                root_gain: &root_gain,
                rules,
            };
            let best = find_splits(cols, p, &self.rows, feats, &fr);
            let first_new = nodes.len() as u32;
            // Left child of each slot's node (the right child is the next id), NONE if a leaf.
            let mut children = vec![NONE; frontier.len()];
            for (s, &nid) in frontier.iter().enumerate() {
                let b = best[s];
                if b.feature == NONE || b.gain <= MIN_LOSS_CHANGE || (top_down_gamma && b.gain < params.gamma) {
                    continue;
                }
                let left = nodes.len() as u32;
                b.apply(&mut nodes[nid as usize], left);
                for _ in 0..2 {
                    nodes.push(Node::leaf(0.0, 0.0));
                    stats.push(Stats::default());
                    parent.push(nid);
                }
                children[s] = left;
            }
            if nodes.len() as u32 == first_new {
                break;
            }
            // Every row of a split node first takes the default way; rows present in the split
            // column are then sent by their value.
            for (row, node) in self.rows.iter().zip(self.node_of_row.iter_mut()) {
                if row.slot != NONE {
                    let c = children[row.slot as usize];
                    if c != NONE {
                        *node = if best[row.slot as usize].default_left { c } else { c + 1 };
                    }
                }
            }
            let mut split_feats: Vec<u32> = (0..frontier.len())
                .filter(|&s| children[s] != NONE)
                .map(|s| best[s].feature)
                .collect();
            split_feats.sort_unstable();
            split_feats.dedup();
            for f in split_feats {
                let f = f as usize;
                for i in cols.start[f]..cols.start[f + 1] {
                    let r = cols.rows[i] as usize;
                    let s = self.rows[r].slot;
                    if s == NONE {
                        continue;
                    }
                    let (c, b) = (children[s as usize], best[s as usize]);
                    if c != NONE && b.feature as usize == f {
                        self.node_of_row[r] = if cols.values[i] < b.threshold { c } else { c + 1 };
                    }
                }
            }
            for (row, &node) in self.rows.iter_mut().zip(self.node_of_row.iter()) {
                if row.slot == NONE {
                    continue;
                }
                if children[row.slot as usize] == NONE {
                    row.slot = NONE;
                    continue;
                }
                row.slot = node - first_new;
                let st = &mut stats[node as usize];
                st.g += row.g as f64;
                st.h += row.h as f64;
            }
            frontier = (first_new..nodes.len() as u32).collect();
        }
        for (node, st) in nodes.iter_mut().zip(&stats) {
            node.value = params.eta * rules.weight(*st);
            node.cover = st.h;
        }
        if !top_down_gamma && params.gamma > 0.0 {
            prune(&mut nodes, 0, params.gamma);
        }
        let (tree, new_id) = compact(&nodes, &parent);
        for n in self.node_of_row.iter_mut() {
            if *n != NONE {
                *n = new_id[*n as usize];
            }
        }
        tree
    }
}

/// Bottom-up: a split whose children are both leaves and whose gain is below gamma becomes a
/// leaf (its value, the node's own weight, is already set).
fn prune(nodes: &mut [Node], n: usize, gamma: f64) {
    let node = nodes[n];
    if node.is_leaf() {
        return;
    }
    prune(nodes, node.left as usize, gamma);
    prune(nodes, node.right as usize, gamma);
    if nodes[node.left as usize].is_leaf() && nodes[node.right as usize].is_leaf() && node.gain < gamma {
        nodes[n] = Node::leaf(node.value, node.cover);
    }
}

/// Drop nodes cut off by pruning; renumber breadth-first. Returns the tree and, for every old
/// node, its new id (a dropped node maps to its nearest kept ancestor, the leaf its rows reach).
pub(super) fn compact(nodes: &[Node], parent: &[u32]) -> (Tree, Vec<u32>) {
    let mut new_id = vec![NONE; nodes.len()];
    let mut order = vec![0usize];
    let mut k = 0;
    while k < order.len() {
        let n = order[k];
        new_id[n] = k as u32;
        if !nodes[n].is_leaf() {
            order.push(nodes[n].left as usize);
            order.push(nodes[n].right as usize);
        }
        k += 1;
    }
    // Parents are created before their children, so one forward pass resolves every chain.
    for n in 0..nodes.len() {
        if new_id[n] == NONE {
            new_id[n] = new_id[parent[n] as usize];
        }
    }
    let kept = order
        .iter()
        .map(|&n| {
            let mut node = nodes[n];
            if !node.is_leaf() {
                node.left = new_id[node.left as usize];
                node.right = new_id[node.right as usize];
            }
            node
        })
        .collect();
    (Tree { nodes: kept }, new_id)
}
