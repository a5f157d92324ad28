use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

// Reference values below are SciPy's (scipy.special.gammaincc, scipy.stats, scipy.spatial).

#[test]
fn gamma_and_chi_square_match_scipy() {
    assert!(close(gamma_q(2.5, 3.0), 0.306_218_918_413_278_75, 1e-10));
    assert!(close(gamma_q(10.0, 3.0), 0.998_897_511_869_884_5, 1e-10));
    assert!(close(gamma_q(0.5, 0.1), 0.654_720_846_018_576_8, 1e-10));
    assert!(close(chi2_sf(12.0, 5.0), 0.034_787_780_506_241_85, 1e-9));
    assert!(close(chi2_isf(0.001, 9.0), 27.877_164_871_256_575, 1e-8));
    assert!(close(normal_isf(0.001_25), 3.023_341_439_739_147_6, 1e-8));
    assert!(close(normal_sf(0.0), 0.5, 1e-12));
    assert!(close(normal_sf(-1.0) + normal_sf(1.0), 1.0, 1e-12));
    assert_eq!(gamma_q(1.0, 0.0), 1.0);
    assert!(gamma_q(1.0, f64::NAN).is_nan());
}

#[test]
fn ks_and_wasserstein_by_hand_and_scipy() {
    let a: Vec<f64> = (1..=10).map(f64::from).collect();
    let b: Vec<f64> = (3..=14).map(f64::from).collect();
    assert!(close(ks_statistic(&a, &b), 1.0 / 3.0, 1e-12));
    assert!(close(wasserstein(&a, &b), 3.0, 1e-12));
    // Ties move together: identical samples have D = 0 and W = 0.
    let t = [1.0, 1.0, 2.0, 2.0, 2.0, 3.0];
    assert_eq!(ks_statistic(&t, &t), 0.0);
    assert_eq!(wasserstein(&t, &t), 0.0);
    // Shifting every value by 2 moves the distance by exactly 2.
    let shifted: Vec<f64> = t.iter().map(|x| x + 2.0).collect();
    assert!(close(wasserstein(&t, &shifted), 2.0, 1e-12));
    // scipy.stats.ks_2samp(method="asymp") on n=3000, m=2000, D=0.07567: p = 2.0e-6. Stephens'
    // correction moves it a little; the same order of magnitude is what matters.
    let p = ks_sf(0.075_666_666_666_666_66, 3000, 2000);
    assert!(p > 1.0e-6 && p < 4.0e-6, "{p}");
    assert_eq!(ks_sf(0.0, 100, 100), 1.0);
}

#[test]
fn categorical_statistics_match_scipy() {
    // scipy.stats.chi2_contingency([[10,20,30],[20,20,20]], correction=False)
    let (stat, dof, p) = chi2_homogeneity(&[10.0, 20.0, 30.0], &[20.0, 20.0, 20.0]);
    assert!(close(stat, 5.333_333_333_333_334, 1e-12));
    assert_eq!(dof, 2.0);
    assert!(close(p, 0.069_483_451_222_801_5, 1e-9));
    // A category absent on both sides does not count as a degree of freedom.
    let (_, dof, _) = chi2_homogeneity(&[10.0, 0.0, 20.0, 30.0], &[20.0, 0.0, 20.0, 20.0]);
    assert_eq!(dof, 2.0);
    // scipy.spatial.distance.jensenshannon([.1,.2,.7],[.3,.3,.4])
    assert!(close(
        js_distance(&[0.1, 0.2, 0.7], &[0.3, 0.3, 0.4]),
        0.227_842_619_450_583_54,
        1e-10
    ));
    assert!(close(js_distance(&[5.0, 5.0], &[1.0, 1.0]), 0.0, 1e-12));
    assert!(close(js_distance(&[1.0, 0.0], &[0.0, 1.0]), 2f64.ln().sqrt(), 1e-12));
}

#[test]
fn psi_and_its_noise() {
    assert!(close(psi(&[25.0; 4], &[25.0; 4]), 0.0, 1e-12));
    let v = psi(&[0.5, 0.5], &[0.6, 0.4]);
    assert!(close(v, 0.1 * (0.6f64 / 0.5).ln() + 0.1 * (0.5f64 / 0.4).ln(), 1e-12));
    // An empty bin stays finite.
    assert!(psi(&[1.0, 0.0], &[0.5, 0.5]).is_finite());
    // Noise shrinks with the samples; the p-value at the noise threshold is the level asked.
    let small = psi_noise(0.01, 10, 500, 500);
    let large = psi_noise(0.01, 10, 50_000, 50_000);
    assert!(small > 50.0 * large);
    assert!(close(psi_p_value(small, 10, 500, 500), 0.01, 1e-6));
}

#[test]
fn auc_like_sklearn() {
    // sklearn.metrics.roc_auc_score([0,0,1,1,1], [0.1,0.4,0.35,0.8,0.4]) = 0.75
    let auc = roc_auc(&[0.1, 0.4, 0.35, 0.8, 0.4], &[false, false, true, true, true]);
    assert!(close(auc, 0.75, 1e-12));
    assert!(roc_auc(&[1.0, 2.0], &[true, true]).is_nan());
    assert!(close(
        auc_null_sd(250, 250),
        (501.0f64 / (12.0 * 250.0 * 250.0)).sqrt(),
        1e-12
    ));
}

#[test]
fn quantile_bins() {
    let v: Vec<f64> = (0..100).map(f64::from).collect();
    let e = quantile_edges(&v, 4);
    assert_eq!(e, vec![25.0, 50.0, 75.0]);
    assert_eq!(bin_counts(&v, &e), vec![25.0; 4]);
    // Heavy ties collapse edges instead of making empty bins.
    let tied = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0];
    let e = quantile_edges(&tied, 5);
    assert_eq!(e, vec![2.0]);
    assert_eq!(bin_counts(&tied, &e).iter().sum::<f64>(), 10.0);
    assert!(quantile_edges(&[], 10).is_empty());
    assert_eq!(quantile(&v, 0.5), 50.0);
}

#[test]
fn story_kinds_and_domains() {
    assert_eq!(story_kind("Ask HN: what now?", None), "Ask HN");
    assert_eq!(story_kind("  show hn: a thing", Some("story")), "Show HN");
    assert_eq!(story_kind("Launch HN: Foo (YC W21)", None), "Launch HN");
    assert_eq!(story_kind("Acme is hiring", Some("job")), "job");
    assert_eq!(story_kind("Asking HN nothing", None), "other");
    assert_eq!(story_kind("é", None), "other");
    assert_eq!(
        url_domain("https://www.GitHub.com/x/y?z#w").as_deref(),
        Some("github.com")
    );
    assert_eq!(
        url_domain("http://user@example.org:8080/").as_deref(),
        Some("example.org")
    );
    assert_eq!(url_domain("example.net/page").as_deref(), Some("example.net"));
    assert_eq!(url_domain(""), None);
    assert_eq!(url_domain("https:///nohost"), None);
}
