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
