use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn r2_mae_rmse_by_hand() {
    // y = 1,2,3,4 (mean 2.5, SS_tot = 5); pred = 1,2,3,5 (SS_res = 1): R² = 0.8.
    let (y, p) = ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]);
    assert!(close(r2(&y, &p), 0.8));
    assert!(close(mae(&y, &p), 0.25));
    assert!(close(rmse(&y, &p), 0.5));
    // The mean everywhere has R² 0; 10 everywhere has SS_res = 81+64+49+36 = 230, R² = -45.
    assert!(close(r2(&y, &[2.5; 4]), 0.0));
    assert!(close(r2(&y, &[10.0; 4]), -45.0));
}

#[test]
fn r2_constant_targets_like_sklearn() {
    assert_eq!(r2(&[3.0, 3.0], &[3.0, 3.0]), 1.0);
    assert_eq!(r2(&[3.0, 3.0], &[3.0, 4.0]), 0.0);
}

#[test]
fn average_ranks_share_ties() {
    assert_eq!(average_ranks(&[10.0, 20.0, 20.0, 5.0]), vec![2.0, 3.5, 3.5, 1.0]);
    assert_eq!(average_ranks(&[1.0, 1.0, 1.0]), vec![2.0, 2.0, 2.0]);
}

#[test]
fn spearman_by_hand() {
    assert!(close(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]).unwrap(), 1.0));
    assert!(close(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(), -1.0));
    // Monotone but not linear: still 1.
    assert!(close(
        spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 8.0, 27.0, 64.0]).unwrap(),
        1.0
    ));
    // With ties: y ranks 1,2,3,4; pred ranks 1.5,1.5,3,4. Pearson of those:
    // mean 2.5 both; dev y = -1.5,-.5,.5,1.5; dev p = -1,-1,.5,1.5;
    // sum = 1.5+.5+.25+2.25 = 4.5; |y|² = 5, |p|² = 1+1+.25+2.25 = 4.5 → 4.5/sqrt(22.5).
    let s = spearman(&[1.0, 2.0, 3.0, 4.0], &[7.0, 7.0, 8.0, 9.0]).unwrap();
    assert!(close(s, 4.5 / 22.5f64.sqrt()), "{s}");
    assert_eq!(spearman(&[1.0, 2.0], &[5.0, 5.0]), None);
}

#[test]
fn r2_log1p_clamps_negatives() {
    // ln1p of y = e-1 → 1, 0 → 0; pred -3 is clamped to 0 → log 0.
    let e1 = std::f64::consts::E - 1.0;
    let v = r2_log1p(&[e1, 0.0], &[e1, -3.0]);
    assert!(close(v, 1.0), "{v}");
    assert!(r2_log1p(&[0.0, 10.0], &[5.0, -1.0]).is_finite());
}

#[test]
fn baseline_prefers_training_mean() {
    let y = [1.0, 2.0, 3.0, 4.0];
    let m = Metrics::compute(&y, &y, None);
    assert_eq!(m.baseline.source, "test mean");
    assert!(close(m.baseline.value, 2.5) && close(m.baseline.r2, 0.0) && close(m.baseline.mae, 1.0));
    assert!(close(m.r2, 1.0));
    let m = Metrics::compute(&y, &y, Some(3.5));
    assert_eq!(m.baseline.source, "training mean");
    // SS_res = 2.5²+1.5²+.5²+.5² = 6.25+2.25+.25+.25 = 9 → R² = 1 - 9/5 = -0.8; MAE = 5/4.
    assert!(close(m.baseline.r2, -0.8) && close(m.baseline.mae, 1.25));
    assert_eq!(m.n, 4);
}
