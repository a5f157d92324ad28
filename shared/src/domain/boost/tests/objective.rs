use super::*;

#[test]
fn names_round_trip() {
    for n in Objective::NAMES {
        assert_eq!(n.parse::<Objective>().unwrap().to_string(), n);
    }
    assert!("poison".parse::<Objective>().is_err());
}

#[test]
fn intercepts_and_links() {
    let t = [1.0, 2.0, 6.0];
    assert_eq!(Objective::SquaredError.estimate_base_margin(&t).unwrap(), 3.0);
    assert!((Objective::Poisson.estimate_base_margin(&t).unwrap() - 3f64.ln()).abs() < 1e-12);
    assert!(Objective::Poisson.estimate_base_margin(&[0.0, 0.0]).is_err());
    let m = Objective::SquaredLog1p.to_margin(4.0).unwrap();
    assert!((Objective::SquaredLog1p.to_target(m) - 4.0).abs() < 1e-12);
    assert!(Objective::Poisson.to_margin(0.0).is_err());
    let (g, h) = Objective::Poisson.grad_hess(0.0, 3.0);
    assert_eq!(g, -2.0);
    assert!((h - 0.7f64.exp()).abs() < 1e-12);
}

#[test]
fn logistic_gradients_intercept_and_metric() {
    let o = Objective::Logistic;
    assert!((o.estimate_base_margin(&[0.0, 1.0, 1.0, 1.0]).unwrap() - 3f64.ln()).abs() < 1e-12);
    assert!(o.estimate_base_margin(&[1.0, 1.0]).is_err());
    let (g, h) = o.grad_hess(0.0, 1.0);
    assert_eq!((g, h), (-0.5, 0.25));
    // A confident row keeps a positive hessian (XGBoost's 1e-16 floor).
    assert_eq!(o.grad_hess(50.0, 1.0).1, 1e-16);
    assert_eq!(o.check_target(0.5), Err("is not 0 or 1"));
    assert!((o.to_target(o.to_margin(0.2).unwrap()) - 0.2).abs() < 1e-12);
    // logloss at p = 0.5 is ln 2; a confident miss is large but finite.
    assert!((o.eval(&[0.0, 0.0], &[0.0, 1.0]) - 2f64.ln()).abs() < 1e-12);
    assert!(o.eval(&[100.0], &[0.0]).is_finite());
}

#[test]
fn metrics_are_xgboosts() {
    assert_eq!(Objective::SquaredError.eval(&[1.0, 3.0], &[2.0, 2.0]), 1.0);
    // poisson-nloglik: mean(exp(m) - y m + ln y!): at m = 0, y = 3: 1 - 0 + ln 6.
    assert!((Objective::Poisson.eval(&[0.0], &[3.0]) - (1.0 + 6f64.ln())).abs() < 1e-10);
    assert!((Objective::Poisson.eval(&[2.0], &[10.0]) - (2f64.exp() - 20.0 + 3628800f64.ln())).abs() < 1e-9);
    assert!((Objective::SquaredLog1p.eval(&[0.0], &[1.0]) - 2f64.ln()).abs() < 1e-12);
    assert_eq!(Objective::Poisson.max_delta_step(), 0.7);
    assert_eq!(Objective::SquaredError.max_delta_step(), 0.0);
}
