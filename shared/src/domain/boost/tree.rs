//! One regression tree: nodes in an array, the root at 0. A present feature value goes left when
//! `value < threshold`; an absent one (a zero of the sparse row) follows `default_left`.

use serde::{Deserialize, Serialize};

/// A node of a [`Tree`]. A leaf has `left == 0` (the root is nobody's child).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Feature the node splits on (unused in a leaf).
    pub feature: u32,
    /// Present values below this go left.
    pub threshold: f32,
    /// Where rows without the feature go.
    pub default_left: bool,
    /// Child node ids; 0 for a leaf.
    pub left: u32,
    pub right: u32,
    /// The node's output in margin space with the learning rate applied (what a leaf adds).
    pub value: f64,
    /// Loss reduction of the split (0 for a leaf): the basis of feature importance.
    pub gain: f64,
    /// Hessian sum of the training rows that reached the node.
    pub cover: f64,
}

impl Node {
    pub fn leaf(value: f64, cover: f64) -> Node {
        Node {
            feature: 0,
            threshold: 0.0,
            default_left: false,
            left: 0,
            right: 0,
            value,
            gain: 0.0,
            cover,
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Refuse a tree a prediction could not walk: no nodes, a child outside the array or not
    /// after its parent (which could loop), or a leaf value that is not finite.
    pub fn check(&self) -> crate::error::Result<()> {
        let bad = |msg: String| {
            Err(crate::error::Error::new(format!(
                "{msg}: the model file is damaged; train it again"
            )))
        };
        if self.nodes.is_empty() {
            return bad("a tree has no nodes".into());
        }
        let n = self.nodes.len();
        for (i, node) in self.nodes.iter().enumerate() {
            if node.is_leaf() {
                if !node.value.is_finite() {
                    return bad(format!("node {i} has leaf value {}", node.value));
                }
            } else if [node.left, node.right]
                .iter()
                .any(|&c| c as usize <= i || c as usize >= n)
            {
                return bad(format!(
                    "node {i} has children {} and {} of {n} nodes",
                    node.left, node.right
                ));
            }
        }
        Ok(())
    }

    /// The leaf a sparse row (strictly increasing `indices`) lands in.
    pub fn leaf_index(&self, indices: &[u32], values: &[f32]) -> usize {
        self.leaf_of(|f| indices.binary_search(&f).ok().map(|k| values[k]))
    }

    /// The leaf a row lands in, `value_of(feature)` giving the row's value of a node's feature
    /// (None when absent). The one walk behind every way a row is laid out.
    #[inline]
    pub fn leaf_of(&self, value_of: impl Fn(u32) -> Option<f32>) -> usize {
        let mut n = 0usize;
        loop {
            let node = &self.nodes[n];
            if node.is_leaf() {
                return n;
            }
            let left = match value_of(node.feature) {
                Some(v) => v < node.threshold,
                None => node.default_left,
            };
            n = if left { node.left } else { node.right } as usize;
        }
    }

    /// The tree's output (margin space) for a sparse row.
    pub fn predict_row(&self, indices: &[u32], values: &[f32]) -> f64 {
        self.nodes[self.leaf_index(indices, values)].value
    }

    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// Depth of the deepest leaf (a lone root has depth 0).
    pub fn depth(&self) -> usize {
        fn walk(t: &Tree, n: usize) -> usize {
            let node = &t.nodes[n];
            if node.is_leaf() {
                0
            } else {
                1 + walk(t, node.left as usize).max(walk(t, node.right as usize))
            }
        }
        if self.nodes.is_empty() { 0 } else { walk(self, 0) }
    }
}

#[cfg(test)]
#[path = "tests/tree.rs"]
mod tests;
