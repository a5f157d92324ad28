use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn r2_mae_rmse_by_hand() {
    // y = 1,2,3,4 (mean 2.5, SS_tot = 5); pred = 1,2,3,5 (SS_res = 1): R² = 0.8.
    let (y, p) = ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]);
    assert!(close(r2(&y, &p).unwrap(), 0.8));
    assert!(close(mae(&y, &p), 0.25));
    assert!(close(rmse(&y, &p), 0.5));
    // The mean everywhere has R² 0; 10 everywhere has SS_res = 81+64+49+36 = 230, R² = -45.
    assert!(close(r2(&y, &[2.5; 4]).unwrap(), 0.0));
    assert!(close(r2(&y, &[10.0; 4]).unwrap(), -45.0));
}

#[test]
fn undefined_metrics_are_none_with_a_reason() {
    // Constant targets: no R², whatever the predictions (not sklearn's made-up 1.0 or 0.0).
    assert_eq!(r2(&[3.0, 3.0], &[3.0, 3.0]), None);
    assert_eq!(r2(&[3.0, 3.0], &[3.0, 4.0]), None);
    assert_eq!(r2(&[3.0], &[3.0]), None);
    assert!(why_r2_undefined(&[3.0, 3.0]).unwrap().contains("all 3"));
    assert!(why_r2_undefined(&[3.0]).unwrap().contains("at least 2 rows"));
    // Today's -5e31: log1p of constant targets against any predictions.
    assert_eq!(r2_log1p(&[0.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0]), None);
    let m = Metrics::compute(&[7.0; 40], &(0..40).map(f64::from).collect::<Vec<_>>(), Some(5.0));
    assert_eq!((m.get("r2"), m.get("r2_log1p"), m.get("spearman")), (None, None, None));
    assert_eq!(m.undefined.len(), 3, "{:?}", m.undefined);
    assert!(m.warnings.is_empty());
    let v = serde_json::to_value(&m).unwrap();
    assert!(v["r2"].is_null() && v["undefined"]["r2"].is_string() && v["baseline"]["r2"].is_null());
    assert!(v["mae"].is_number());
    // Constant predictions: Spearman has nothing to rank.
    assert!(
        why_spearman_undefined(&[1.0, 2.0], &[4.0, 4.0])
            .unwrap()
            .contains("every prediction is 4")
    );
    // Few rows: a warning.
    let m = Metrics::compute(&[1.0, 2.0, 3.0], &[1.0, 2.0, 2.0], None);
    assert!(m.warnings[0].contains("only 3 test rows"));
}

#[test]
fn binary_metrics_by_hand() {
    let y = [0.0, 0.0, 1.0, 1.0];
    let p = [0.1, 0.6, 0.4, 0.9];
    // Pairs (pos, neg): (0.4,0.1) yes, (0.4,0.6) no, (0.9,*) yes, yes: 3 of 4.
    assert!(close(auc(&y, &p).unwrap(), 0.75));
    assert!(close(auc(&y, &[0.5; 4]).unwrap(), 0.5), "ties count half");
    assert_eq!(auc(&[1.0, 1.0], &[0.2, 0.3]), None);
    assert!(close(accuracy(&y, &p), 0.5));
    let want = -(0.9f64.ln() + 0.4f64.ln() + 0.4f64.ln() + 0.9f64.ln()) / 4.0;
    assert!(close(logloss(&y, &p), want));
    assert!(logloss(&[1.0], &[0.0]).is_finite());
    let m = Metrics::binary(&y, &p, Some(0.25));
    assert_eq!(m.task, Task::Binary);
    assert_eq!(m.baseline.source, "training base rate");
    // A constant scores every pair as a tie: AUC 0.5, chance.
    assert_eq!(m.baseline.scores.get("auc"), Some(0.5));
    // Base rate 0.25 everywhere: accuracy 0.5 (every row called 0).
    assert!(close(m.baseline.scores.get("accuracy").unwrap(), 0.5));
    let v = serde_json::to_value(&m).unwrap();
    assert!(v["auc"].is_number() && v.get("r2").is_none() && v["task"] == "binary");
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
    assert!(close(v.unwrap(), 1.0), "{v:?}");
    assert!(r2_log1p(&[0.0, 10.0], &[5.0, -1.0]).unwrap().is_finite());
}

#[test]
fn baseline_prefers_training_mean() {
    let y = [1.0, 2.0, 3.0, 4.0];
    let m = Metrics::compute(&y, &y, None);
    assert_eq!(m.baseline.source, "test mean");
    let b = &m.baseline.scores;
    assert!(close(m.baseline.value, 2.5) && close(b.get("r2").unwrap(), 0.0) && close(b.get("mae").unwrap(), 1.0));
    assert!(close(m.get("r2").unwrap(), 1.0));
    let m = Metrics::compute(&y, &y, Some(3.5));
    assert_eq!(m.baseline.source, "training mean");
    // SS_res = 2.5²+1.5²+.5²+.5² = 6.25+2.25+.25+.25 = 9 → R² = 1 - 9/5 = -0.8; MAE = 5/4.
    let b = &m.baseline.scores;
    assert!(close(b.get("r2").unwrap(), -0.8) && close(b.get("mae").unwrap(), 1.25));
    assert_eq!(m.n, 4);
}
