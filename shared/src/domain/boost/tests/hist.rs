use super::super::grow::SplitPoints;
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
fn prune_keeps_evenly_spaced_ranks() {
    // Ten values, one each, pruned to four: XGBoost's rule picks ranks 0, 3, 6, 9 (worked
    // by hand: targets 2 * (k * 8 / 3 + 1) = 7.33 and 12.67 against rmin + rmax).
    let vals: Vec<f32> = (0..10).map(|i| i as f32).collect();
    let mut s = Vec::new();
    summarize(&vals, &mut s);
    assert_eq!(s.len(), 10);
    let p: Vec<f32> = prune(&s, 4).iter().map(|e| e.value).collect();
    assert_eq!(p, vec![0.0, 3.0, 6.0, 9.0]);
    assert_eq!(prune(&s, 20).len(), 10, "small summaries are kept whole");
    // Duplicates weigh: one value holding most of the mass is picked.
    let mut s = Vec::new();
    summarize(&[1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0], &mut s);
    assert_eq!((s[1].rmin, s[1].rmax, s[1].wmin), (1.0, 7.0, 6.0));
    let p: Vec<f32> = prune(&s, 3).iter().map(|e| e.value).collect();
    assert_eq!(p, vec![1.0, 2.0, 5.0]);
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
