use super::*;

#[test]
fn deterministic_and_in_range() {
    let (mut a, mut b) = (Rng::new(7), Rng::new(7));
    let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
    let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
    assert_eq!(xs, ys);
    assert_ne!(Rng::new(8).next_u64(), xs[0]);
    let mut r = Rng::new(1);
    let mean = (0..10_000).map(|_| r.next_f64()).sum::<f64>() / 10_000.0;
    assert!((mean - 0.5).abs() < 0.02, "{mean}");
    let s = r.sample_sorted(50, 10);
    assert_eq!(s.len(), 10);
    assert!(s.windows(2).all(|w| w[0] < w[1]) && s.iter().all(|&v| v < 50));
}
