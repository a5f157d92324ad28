//! Known-answer tests of the trainer.

use super::*;

/// Rows of one feature each (`None` = absent).
fn one_feature(xs: &[Option<f32>]) -> Csr {
    let mut m = Csr::new(1);
    for x in xs {
        match x {
            Some(v) => m.push_row(&[0], &[*v]),
            None => m.push_row(&[], &[]),
        }
    }
    m
}

fn exact() -> Params {
    Params {
        method: TreeMethod::Exact,
        ..Params::default()
    }
}

fn hist() -> Params {
    Params::default()
}

/// `p` with the hist method.
fn as_hist(p: &Params) -> Params {
    Params {
        method: hist().method,
        ..p.clone()
    }
}

/// Gradients are f32 (as XGBoost's), so sums carry f32 rounding.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-5 * (1.0 + b.abs())
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
}

#[test]
fn defaults_are_the_guides_xgboost() {
    let p = Params::default();
    assert_eq!((p.n_estimators, p.max_depth), (20, 6));
    assert_eq!((p.eta, p.lambda, p.gamma, p.min_child_weight), (0.3, 1.0, 0.0, 1.0));
    assert_eq!(p.method, TreeMethod::Hist { max_bin: 256 });
    assert_eq!(p.objective, Objective::SquaredError);
    p.validate().unwrap();
}

#[test]
fn first_tree_matches_a_hand_computation() {
    // x = 1, 2, absent, 4; y = 1, 2, 3, 10. Base = mean = 4, so g = 3, 2, 1, -6 and h = 1.
    // Candidate splits, loss change = G_L^2/(H_L+1) + G_R^2/(H_R+1) - G^2/(H+1):
    // present values ascending with the missing row right: {1} | {2,4,miss}: 4.5 + 2.25 = 6.75,
    // {1,2} | {4,miss}: 25/3 + 25/3 = 16.67, {1,2,4} | {miss}: 0.25 + 0.5 = 0.75;
    // descending with the missing row left: {1,2,miss} | {4}: 36/4 + 36/2 = 27 (the best),
    // {1,miss} | {2,4}: 16/3 + 16/3 = 10.67, {miss} | {1,2,4}: 0.75. Root gain 0^2/5 = 0.
    // So threshold (2+4)/2 = 3, missing left; left G=6,H=3: w=-6/4=-1.5, x0.3 = -0.45;
    // right G=-6,H=1: w=6/2=3, x0.3 = 0.9. (XGBoost 3.2's exact and hist dump the same trees.)
    let x = one_feature(&[Some(1.0), Some(2.0), None, Some(4.0)]);
    let y = [1.0, 2.0, 3.0, 10.0];
    let p = Params {
        n_estimators: 1,
        max_depth: 1,
        ..exact()
    };
    let (b, _) = train(&x, &y, &p, None).unwrap();
    assert_eq!(b.base_score, 4.0);
    let root = b.trees[0].nodes[0];
    assert_eq!((root.feature, root.threshold, root.default_left), (0, 3.0, true));
    assert!(close(root.gain, 27.0), "{}", root.gain);
    let pred = b.predict(&x);
    for (got, want) in pred.iter().zip([3.55, 3.55, 3.55, 4.9]) {
        assert!(close(*got, want), "{pred:?}");
    }
    // Hist has the same partition; its threshold is the next present value (4), XGBoost's cut.
    let (h, _) = train(&x, &y, &as_hist(&p), None).unwrap();
    assert_eq!(h.trees[0].nodes[0].threshold, 4.0);
    assert_eq!(h.predict(&x), pred);
}

#[test]
fn learns_a_step_function() {
    let xs: Vec<Option<f32>> = (1..=10).map(|i| Some(i as f32)).collect();
    let y: Vec<f64> = (1..=10).map(|i| if i > 5 { 10.0 } else { 0.0 }).collect();
    let x = one_feature(&xs);
    for method in [exact(), hist()] {
        let p = Params {
            n_estimators: 1,
            max_depth: 1,
            eta: 1.0,
            lambda: 0.0,
            ..method
        };
        let (b, _) = train(&x, &y, &p, None).unwrap();
        assert_eq!(b.predict(&x), y, "{:?}", p.method);
        let t = b.trees[0].nodes[0].threshold;
        match p.method {
            TreeMethod::Exact => assert_eq!(t, 5.5),
            TreeMethod::Hist { .. } => assert_eq!(t, 6.0),
        }
    }
}

#[test]
fn learns_additive_features() {
    // y = 3 * [a present] + 5 * [b > 0.5]: two features, every combination.
    let mut x = Csr::new(2);
    let mut y = Vec::new();
    for k in 0..40 {
        let a = k % 2 == 0;
        let bv = (k / 2 % 4) as f32 * 0.25 + 0.125; // 0.125 .. 0.875
        let mut idx = vec![];
        let mut val = vec![];
        if a {
            idx.push(0);
            val.push(1.0);
        }
        idx.push(1);
        val.push(bv);
        x.push_row(&idx, &val);
        y.push(if a { 3.0 } else { 0.0 } + if bv > 0.5 { 5.0 } else { 0.0 });
    }
    for method in [exact(), hist()] {
        let p = Params {
            n_estimators: 60,
            max_depth: 2,
            ..method
        };
        let (b, r) = train(&x, &y, &p, None).unwrap();
        let pred = b.predict(&x);
        for (p, t) in pred.iter().zip(&y) {
            assert!((p - t).abs() < 1e-3, "{p} vs {t}");
        }
        assert!(r.train_rmse.windows(2).all(|w| w[1] <= w[0] + 1e-12));
        let gains = b.feature_gain();
        assert_eq!(gains[0].0, 1, "b explains more variance than a: {gains:?}");
        assert_eq!(gains.len(), 2);
    }
}

#[test]
fn absent_rows_follow_the_learned_default() {
    // Present values 1..=4: 1, 2 low, 3, 4 high. Absent rows are high in one case, low in the
    // other: the default direction must send them to the matching side.
    let xs = [Some(1.0), Some(2.0), Some(3.0), Some(4.0), None, None, None];
    let x = one_feature(&xs);
    for (missing_target, want_left) in [(10.0, false), (0.0, true)] {
        let y = [0.0, 0.0, 10.0, 10.0, missing_target, missing_target, missing_target];
        for method in [exact(), hist()] {
            let p = Params {
                n_estimators: 1,
                max_depth: 1,
                eta: 1.0,
                lambda: 0.0,
                min_child_weight: 0.0,
                ..method
            };
            let (b, _) = train(&x, &y, &p, None).unwrap();
            let root = b.trees[0].nodes[0];
            assert_eq!(root.default_left, want_left, "{:?}", p.method);
            assert!(root.threshold > 2.0 && root.threshold <= 3.0);
            assert!(close(b.predict_row(&[], &[]), missing_target));
            assert!(all_close(&b.predict(&x), &y));
        }
    }
}

#[test]
fn gamma_prunes_weak_splits() {
    // Two-level data: the root split gains 100, a child split gains less.
    let xs: Vec<Option<f32>> = (1..=8).map(|i| Some(i as f32)).collect();
    let y = [0.0, 0.0, 1.0, 1.0, 10.0, 10.0, 10.0, 10.0];
    let x = one_feature(&xs);
    for method in [exact(), hist()] {
        let base = Params {
            n_estimators: 1,
            max_depth: 2,
            lambda: 0.0,
            min_child_weight: 0.0,
            ..method
        };
        let (b, _) = train(&x, &y, &base, None).unwrap();
        let gains: Vec<f64> = b.trees[0]
            .nodes
            .iter()
            .filter(|n| !n.is_leaf())
            .map(|n| n.gain)
            .collect();
        assert_eq!(gains.len(), 2, "{gains:?}");
        let (root, child) = (gains[0], gains[1]);
        assert!(root > child);
        let mid = Params {
            gamma: (root + child) / 2.0,
            ..base
        };
        let (b, r) = train(&x, &y, &mid, None).unwrap();
        assert_eq!(b.trees[0].n_leaves(), 2, "{:?}", mid.method);
        // The training rows' margins followed the pruned tree: the reported RMSE is the model's.
        let pred = b.predict(&x);
        let rmse = (pred.iter().zip(&y).map(|(p, t)| (p - t).powi(2)).sum::<f64>() / 8.0).sqrt();
        assert!(close(r.train_rmse[0], rmse), "{} vs {rmse}", r.train_rmse[0]);
        let all = Params {
            gamma: root + 1.0,
            ..base
        };
        let (b, _) = train(&x, &y, &all, None).unwrap();
        assert_eq!(b.trees[0].nodes.len(), 1);
        assert!(
            close(b.predict_row(&[0], &[1.0]), 5.25),
            "a lone leaf predicts the mean"
        );
    }
}

#[test]
fn exact_prunes_bottom_up_hist_stops_top_down() {
    // Nearly XOR: the root split (on a) gains 10, the splits below it (on b) 2000 each.
    // XGBoost's exact keeps the weak root (its children are not leaves when pruning reaches
    // it); hist refuses it when it is made.
    let mut x = Csr::new(2);
    let mut y = vec![];
    for k in 0..40 {
        let (a, b) = (k % 2, k / 2 % 2);
        x.push_row(&[0, 1], &[a as f32 + 1.0, b as f32 + 1.0]);
        y.push(if a == b { 10.0 } else { 0.0 } + a as f64);
    }
    let p = Params {
        n_estimators: 1,
        max_depth: 2,
        gamma: 20.0,
        lambda: 0.0,
        ..exact()
    };
    let (e, _) = train(&x, &y, &p, None).unwrap();
    assert_eq!(e.trees[0].n_leaves(), 4);
    let (h, _) = train(&x, &y, &as_hist(&p), None).unwrap();
    assert_eq!(h.trees[0].n_leaves(), 1);
}

#[test]
fn min_child_weight_stops_a_split() {
    // One outlier row: isolating it is the best split, unless a child needs 2 rows of hessian.
    let xs: Vec<Option<f32>> = (1..=6).map(|i| Some(i as f32)).collect();
    let y = [0.0, 0.0, 0.0, 0.0, 0.0, 100.0];
    let x = one_feature(&xs);
    let p = Params {
        n_estimators: 1,
        max_depth: 1,
        min_child_weight: 1.0,
        ..exact()
    };
    let (b, _) = train(&x, &y, &p, None).unwrap();
    assert_eq!(b.trees[0].nodes[0].threshold, 5.5);
    let p2 = Params {
        min_child_weight: 2.0,
        ..p
    };
    let (b, _) = train(&x, &y, &p2, None).unwrap();
    assert_eq!(b.trees[0].nodes[0].threshold, 4.5);
    let p7 = Params {
        min_child_weight: 7.0,
        ..p
    };
    let (b, _) = train(&x, &y, &p7, None).unwrap();
    assert_eq!(b.trees[0].nodes.len(), 1);
    assert_eq!(
        b.trees[0].nodes[0].value, 0.0,
        "a node below min_child_weight has weight 0"
    );
}

/// A pseudo-random sparse problem: `n` rows over `cols` features.
fn synthetic(n: usize, cols: u32, seed: u64) -> (Csr, Vec<f64>) {
    let mut rng = rng::Rng::new(seed);
    let mut x = Csr::new(cols as usize);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let k = 1 + rng.below(6) as usize;
        let idx = rng.sample_sorted(cols as usize, k);
        let val: Vec<f32> = idx.iter().map(|_| (rng.below(8) as f32 + 1.0) / 8.0).collect();
        let mut t = 0.0;
        for (&i, &v) in idx.iter().zip(&val) {
            t += if i % 3 == 0 { 4.0 * v as f64 } else { 0.0 } + if i == 1 { 20.0 } else { 0.0 };
        }
        t += rng.next_f64();
        x.push_row(&idx, &val);
        y.push(t.round());
    }
    (x, y)
}

#[test]
fn whole_matrix_prediction_equals_row_by_row() {
    // predict() scatters rows into slots of the split features; predict_row() binary-searches:
    // the same bits on rows with split features, unused ones, none, and features past any split.
    let (x, y) = synthetic(800, 40, 3);
    for p in [exact(), hist()] {
        let (b, _) = train(&x, &y, &Params { n_estimators: 8, ..p }, None).unwrap();
        let mut rows = x.clone();
        rows.push_row(&[], &[]);
        rows.push_row(&[0, 1, 39], &[0.5, 1.0, 0.25]);
        let mut wide = Csr::new(1000);
        wide.push_row(&[1, 3, 999], &[1.0, 0.75, 3.0]);
        for m in [&rows, &wide] {
            let each: Vec<f64> = (0..m.n_rows())
                .map(|r| m.row(r))
                .map(|(i, v)| b.predict_row(i, v))
                .collect();
            assert_eq!(b.predict(m), each);
        }
    }
}

#[test]
fn deterministic_under_a_seed_and_any_thread_count() {
    let (x, y) = synthetic(3000, 40, 1);
    for method in [exact(), hist()] {
        let p = Params {
            subsample: 0.7,
            colsample_bytree: 0.6,
            seed: 42,
            threads: 1,
            ..method
        };
        let (a, ra) = train(&x, &y, &p, None).unwrap();
        for threads in [2, 3, 0] {
            let (b, rb) = train(&x, &y, &Params { threads, ..p.clone() }, None).unwrap();
            assert_eq!(a, b, "threads {threads}");
            assert_eq!(ra.train_rmse, rb.train_rmse);
        }
        let (c, _) = train(&x, &y, &Params { seed: 43, ..p.clone() }, None).unwrap();
        assert_ne!(a, c, "another seed samples other rows");
        // Sampling changes the model but it still learns.
        assert!(ra.train_rmse.last().unwrap() < &(ra.train_rmse[0] * 0.8));
    }
}

#[test]
fn early_stopping_keeps_the_best_round() {
    // Validation rows want half the step the training rows show: predictions cover
    // 1 - 0.7^k of the step after k rounds (eta 0.3, lambda 0), closest to half at k = 2.
    let xs: Vec<Option<f32>> = (1..=10).map(|i| Some(i as f32)).collect();
    let x = one_feature(&xs);
    let y: Vec<f64> = (1..=10).map(|i| if i > 5 { 10.0 } else { 0.0 }).collect();
    let vy: Vec<f64> = (1..=10).map(|i| if i > 5 { 7.5 } else { 2.5 }).collect();
    let p = Params {
        n_estimators: 50,
        max_depth: 1,
        lambda: 0.0,
        early_stopping_rounds: Some(3),
        ..exact()
    };
    let (b, r) = train(&x, &y, &p, Some((&x, &vy))).unwrap();
    assert_eq!(r.best_round, Some(1));
    assert_eq!(r.rounds, 5);
    assert_eq!(r.valid_rmse.len(), 5);
    assert_eq!(b.trees.len(), 2);
    let pred = b.predict(&x);
    assert!(close(pred[9] - pred[0], 10.0 * (1.0 - 0.49)), "{pred:?}");
    // Without early stopping all rounds run and validation is still reported.
    let (b, r) = train(
        &x,
        &y,
        &Params {
            early_stopping_rounds: None,
            ..p
        },
        Some((&x, &vy)),
    )
    .unwrap();
    assert_eq!(
        (b.trees.len(), r.rounds, r.valid_rmse.len(), r.best_round),
        (50, 50, 50, None)
    );
}

#[test]
fn poisson_and_log1p_predict_positive_counts() {
    let (x, y) = synthetic(2000, 30, 5);
    for objective in [Objective::Poisson, Objective::SquaredLog1p] {
        let p = Params { objective, ..exact() };
        let (b, r) = train(&x, &y, &p, None).unwrap();
        let pred = b.predict(&x);
        assert!(pred.iter().all(|&v| v > 0.0 && v.is_finite()), "{objective}");
        assert!(
            r.train_rmse.last().unwrap() < &r.train_rmse[0],
            "{objective}: {:?}",
            r.train_rmse
        );
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        match objective {
            Objective::Poisson => assert!(close(b.base_score, mean.ln())),
            _ => assert!(close(
                b.base_score,
                y.iter().map(|v| v.ln_1p()).sum::<f64>() / y.len() as f64
            )),
        }
    }
    // A given base score is in target space.
    let p = Params {
        objective: Objective::Poisson,
        base_score: Some(2.0),
        n_estimators: 1,
        ..exact()
    };
    let (b, _) = train(&x, &y, &p, None).unwrap();
    assert!(close(b.base_score, 2f64.ln()));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = one_feature(&[Some(1.0), None]);
    let err = |x: &Csr, y: &[f64], p: &Params| train(x, y, p, None).unwrap_err().to_string();
    let p = exact();
    assert!(err(&Csr::new(1), &[], &p).contains("no rows"));
    assert!(err(&x, &[1.0], &p).contains("2 rows but 1 targets"));
    assert!(err(&x, &[1.0, f64::NAN], &p).contains("row 1"));
    assert!(err(&x, &[1.0, f64::INFINITY], &p).contains("not finite"));
    let poisson = Params {
        objective: Objective::Poisson,
        ..exact()
    };
    assert!(err(&x, &[1.0, -1.0], &poisson).contains("negative"));
    let log1p = Params {
        objective: Objective::SquaredLog1p,
        ..exact()
    };
    assert!(err(&x, &[-2.0, 1.0], &log1p).contains("negative"));
    assert!(err(&x, &[0.0, 0.0], &poisson).contains("every target is 0"));
    train(&x, &[1.0, -1.0], &p, None).unwrap();
    for (bad, name) in [
        (Params { eta: 0.0, ..exact() }, "eta"),
        (
            Params {
                eta: f64::NAN,
                ..exact()
            },
            "eta",
        ),
        (
            Params {
                subsample: 0.0,
                ..exact()
            },
            "subsample",
        ),
        (
            Params {
                subsample: 1.5,
                ..exact()
            },
            "subsample",
        ),
        (
            Params {
                colsample_bytree: 0.0,
                ..exact()
            },
            "colsample_bytree",
        ),
        (
            Params {
                n_estimators: 0,
                ..exact()
            },
            "n_estimators",
        ),
        (
            Params {
                max_depth: 0,
                ..exact()
            },
            "max_depth",
        ),
        (
            Params {
                lambda: -1.0,
                ..exact()
            },
            "lambda",
        ),
        (Params { gamma: -1.0, ..exact() }, "gamma"),
        (
            Params {
                min_child_weight: f64::INFINITY,
                ..exact()
            },
            "min_child_weight",
        ),
        (
            Params {
                early_stopping_rounds: Some(0),
                ..exact()
            },
            "early_stopping_rounds",
        ),
        (
            Params {
                method: TreeMethod::Hist { max_bin: 1 },
                ..exact()
            },
            "max_bin",
        ),
        (
            Params {
                objective: Objective::Poisson,
                base_score: Some(0.0),
                ..exact()
            },
            "base score",
        ),
    ] {
        let e = err(&x, &[1.0, 2.0], &bad);
        assert!(e.contains(name), "{e}");
    }
    let stop = Params {
        early_stopping_rounds: Some(2),
        ..exact()
    };
    assert!(err(&x, &[1.0, 2.0], &stop).contains("validation"));
    let e = train(&x, &[1.0, 2.0], &exact(), Some((&x, &[1.0]))).unwrap_err();
    assert!(e.to_string().contains("validation set has 2 rows but 1 targets"));
    let mut nan = Csr::new(1);
    nan.push_row(&[0], &[f32::NAN]);
    assert!(err(&nan, &[1.0], &p).contains("not a finite number"));
}

#[test]
fn predictions_ignore_features_beyond_training() {
    let x = one_feature(&[Some(1.0), Some(2.0), None]);
    let (b, _) = train(&x, &[0.0, 10.0, 5.0], &exact(), None).unwrap();
    assert_eq!(b.n_features, 1);
    assert_eq!(b.predict_row(&[0, 7], &[2.0, 1.0]), b.predict_row(&[0], &[2.0]));
}

#[test]
fn histogram_grower_matches_the_column_scan_on_bins() {
    // The histogram grower (with sibling subtraction) and the column scan keyed by bin must
    // grow the same tree; few bins so the binning matters.
    let (x, y) = synthetic(3000, 40, 9);
    let params = Params {
        max_depth: 5,
        min_child_weight: 0.0,
        ..hist()
    };
    let cols = exact::Columns::build(&x).unwrap();
    let points = hist::HistPoints::build(&cols, 4);
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let grads: Vec<(f32, f32)> = y.iter().map(|&t| ((mean - t) as f32, 1.0)).collect();
    let feats: Vec<u32> = (0..40).collect();
    let mut scan = grow::Grower::new();
    let a = scan.grow(&cols, &points, &grads, None, &feats, &params, true);
    let mut hg = hist::HistGrower::new(&x, &cols, points);
    let b = grow::Grow::grow(&mut hg, &grads, None, &feats, &params);
    assert!(a.nodes.len() > 10, "a real tree: {}", a.nodes.len());
    assert_eq!(a.nodes.len(), b.nodes.len());
    for (p, q) in a.nodes.iter().zip(&b.nodes) {
        assert_eq!(
            (p.feature, p.threshold, p.default_left, p.left),
            (q.feature, q.threshold, q.default_left, q.left)
        );
        assert!(close(p.value, q.value) && close(p.gain, q.gain));
    }
    assert_eq!(scan.leaf_of_row(), grow::Grow::leaf_of_row(&hg));
}

/// XGBoost 3.2's first trees for count:poisson and binary:logistic, hist and exact, on skewed
/// counts (tests/fixtures/xgboost/make_objectives_fixture.py): the same splits, thresholds,
/// default directions and leaf values (to f32 rounding), the same base score and predictions.
#[test]
fn poisson_and_logistic_trees_equal_xgboosts() {
    let fx: serde_json::Value =
        serde_json::from_str(include_str!("../../../../../tests/fixtures/xgboost/objectives.json")).unwrap();
    let n_features = fx["n_features"].as_u64().unwrap() as usize;
    let mut x = Csr::new(n_features);
    for row in fx["rows"].as_array().unwrap() {
        let idx: Vec<u32> = serde_json::from_value(row["indices"].clone()).unwrap();
        let val: Vec<f32> = serde_json::from_value(row["values"].clone()).unwrap();
        x.push_row(&idx, &val);
    }
    let cases = fx["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    let mut capped = 0;
    for case in cases {
        let name = format!("{} {}", case["objective"], case["tree_method"]);
        let objective: Objective = case["objective"].as_str().unwrap().parse().unwrap();
        let y: Vec<f64> = serde_json::from_value(fx["targets"][case["objective"].as_str().unwrap()].clone()).unwrap();
        let xgb_trees = case["trees"].as_array().unwrap();
        let p = Params {
            objective,
            n_estimators: xgb_trees.len(),
            max_depth: 3,
            method: case["tree_method"].as_str().unwrap().parse().unwrap(),
            ..Params::default()
        };
        assert!(
            (objective.max_delta_step() - case["max_delta_step"].as_f64().unwrap()).abs() < 1e-7,
            "{name}"
        );
        let (b, _) = train(&x, &y, &p, None).unwrap();
        let base = case["base_score"].as_f64().unwrap();
        assert!(
            (objective.to_target(b.base_score) - base).abs() < 1e-5 * base,
            "{name}: base {} vs {base}",
            objective.to_target(b.base_score)
        );
        for (t, (ours, theirs)) in b.trees.iter().zip(xgb_trees).enumerate() {
            same_tree(ours, 0, theirs, &format!("{name} tree {t}"), &mut capped);
        }
        let want: Vec<f64> = serde_json::from_value(case["predictions"].clone()).unwrap();
        for (got, want) in b.predict(&x).iter().zip(&want) {
            assert!(
                (got - want).abs() <= 1e-4 * want.abs().max(1e-2),
                "{name}: {got} vs {want}"
            );
        }
    }
    // The fixture exercises the cap: some Poisson leaves sit at eta * max_delta_step.
    assert!(capped > 0);
}

/// Walk our tree from `node` and XGBoost's JSON dump node together.
fn same_tree(tree: &Tree, node: usize, dump: &serde_json::Value, at: &str, capped: &mut usize) {
    let n = tree.nodes[node];
    let here = format!("{at}, node {}", dump["nodeid"]);
    if let Some(leaf) = dump["leaf"].as_f64() {
        assert!(n.is_leaf(), "{here}: XGBoost has a leaf, we split on f{}", n.feature);
        assert!(
            (n.value - leaf).abs() < 2e-6 * leaf.abs().max(1.0),
            "{here}: leaf {} vs {leaf}",
            n.value
        );
        if (leaf.abs() - 0.3 * 0.7).abs() < 1e-6 {
            *capped += 1;
        }
        return;
    }
    assert!(!n.is_leaf(), "{here}: XGBoost splits, we have a leaf");
    assert_eq!(format!("f{}", n.feature), dump["split"].as_str().unwrap(), "{here}");
    assert_eq!(n.threshold, dump["split_condition"].as_f64().unwrap() as f32, "{here}");
    assert_eq!(
        n.default_left,
        dump["missing"] == dump["yes"],
        "{here}: default direction"
    );
    let child = |id: &serde_json::Value| {
        dump["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["nodeid"] == *id)
            .unwrap()
    };
    same_tree(tree, n.left as usize, child(&dump["yes"]), at, capped);
    same_tree(tree, n.right as usize, child(&dump["no"]), at, capped);
}

/// Comment counts are heavy-tailed: most stories get a handful, a few get thousands. Without
/// max_delta_step's cap Poisson's first trees overshoot by orders of magnitude (training RMSE in
/// the tens of thousands on a mean of 9); with it, predictions stay within the targets' range.
#[test]
fn poisson_stays_within_the_range_of_skewed_counts() {
    let mut rng = rng::Rng::new(11);
    let mut x = Csr::new(50);
    let mut y = Vec::new();
    for _ in 0..3000 {
        let k = 1 + rng.below(5) as usize;
        let idx = rng.sample_sorted(50, k);
        let val: Vec<f32> = idx.iter().map(|_| 0.25 + rng.next_f64() as f32).collect();
        // Mostly 0-5; rows with feature 0 or 1 get heavy-tailed counts up to ~3000.
        let heavy = idx.iter().any(|&i| i < 2);
        let u = rng.next_f64();
        let t = if heavy {
            (u.powi(6) * 3000.0).round()
        } else {
            (u * 5.0).round()
        };
        x.push_row(&idx, &val);
        y.push(t);
    }
    let max_y = y.iter().cloned().fold(0.0, f64::max);
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    for method in [TreeMethod::Exact, hist().method] {
        let p = Params {
            objective: Objective::Poisson,
            method,
            ..Params::default()
        };
        let (b, r) = train(&x, &y, &p, None).unwrap();
        let pred = b.predict(&x);
        let top = pred.iter().cloned().fold(0.0, f64::max);
        assert!(pred.iter().all(|&v| v > 0.0), "{method}");
        assert!(
            top <= max_y,
            "{method}: largest prediction {top} above the largest target {max_y}"
        );
        // The first tree cannot blow up: its training RMSE stays near the targets' own spread.
        let sd = (y.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
        assert!(r.train_rmse[0] < 1.5 * sd, "{method}: {} vs sd {sd}", r.train_rmse[0]);
        assert!(
            r.train_metric.windows(2).all(|w| w[1] <= w[0] + 1e-9),
            "{method}: {:?}",
            r.train_metric
        );
        for t in &b.trees {
            assert!(
                t.nodes
                    .iter()
                    .filter(|n| n.is_leaf())
                    .all(|n| n.value.abs() <= 0.3 * 0.7 + 1e-12)
            );
        }
    }
}

#[test]
fn early_stopping_follows_the_objectives_metric() {
    let (x, y) = synthetic(600, 12, 3);
    let labels: Vec<f64> = y.iter().map(|&t| if t > 10.0 { 1.0 } else { 0.0 }).collect();
    let (vx, vy) = synthetic(300, 12, 4);
    let vlabels: Vec<f64> = vy.iter().map(|&t| if t > 10.0 { 1.0 } else { 0.0 }).collect();
    let p = Params {
        objective: Objective::Logistic,
        early_stopping_rounds: Some(3),
        n_estimators: 50,
        ..Params::default()
    };
    let (b, r) = train(&x, &labels, &p, Some((&vx, &vlabels))).unwrap();
    assert_eq!(r.metric, "logloss");
    let best = r.best_round.unwrap();
    let min = r.valid_metric.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(r.valid_metric[best], min);
    assert_eq!(b.trees.len(), best + 1);
    // Probabilities.
    let prob = b.predict(&vx);
    assert!(prob.iter().all(|&p| (0.0..=1.0).contains(&p)));
}
