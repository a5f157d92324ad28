use super::*;

use crate::metrics::Scores;

fn metrics(r2: f64) -> Metrics {
    let y = [1.0, 2.0, 3.0, 4.0];
    let mut m = Metrics::compute(&y, &y, Some(2.0));
    if let Scores::Regression(s) = &mut m.scores {
        s.r2 = Some(r2);
    }
    m
}

#[test]
fn gate_values_must_be_finite_and_fit_the_model() {
    for g in [
        Gates {
            min_r2: Some(f64::NAN),
            ..Default::default()
        },
        Gates {
            min_auc: Some(f64::INFINITY),
            ..Default::default()
        },
        Gates {
            min_improvement: f64::NAN,
            ..Default::default()
        },
    ] {
        assert!(g.validate().unwrap_err().to_string().contains("give a finite number"));
    }
    let r2 = Gates {
        min_r2: Some(0.1),
        ..Default::default()
    };
    let e = r2.check_fits(Task::Binary, "m.bin").unwrap_err().to_string();
    assert!(
        e.contains("--min-r2 does not fit m.bin") && e.contains("use --min-auc"),
        "{e}"
    );
    r2.check_fits(Task::Regression, "m.bin").unwrap();
    let auc = Gates {
        min_auc: Some(0.6),
        ..Default::default()
    };
    assert!(auc.check_fits(Task::Regression, "m.bin").is_err());
}

#[test]
fn undefined_metrics_fail_gates_and_logistic_gates_use_auc() {
    let mut w = Vec::new();
    // Constant test targets: r2 is null, so --min-r2 cannot pass.
    let m = Metrics::compute(&[5.0; 40], &[4.0; 40], Some(5.0));
    let g = Gates {
        min_r2: Some(-1.0),
        must_beat_baseline: true,
        ..Default::default()
    };
    let (failed, account) = check_gates(&m, "d", &g, &mut w).unwrap();
    let failed = failed.unwrap();
    assert!(
        failed.contains("--min-r2: r2 is undefined (the targets are all 5"),
        "{failed}"
    );
    assert_eq!(account["passed"], false);
    let y = [0.0, 0.0, 1.0, 1.0];
    let b = Metrics::binary(&y, &[0.1, 0.4, 0.6, 0.9], Some(0.5));
    let g = Gates {
        min_auc: Some(0.9),
        must_beat_baseline: true,
        ..Default::default()
    };
    assert!(check_gates(&b, "d", &g, &mut w).unwrap().0.is_none());
    let worse = Metrics::binary(&y, &[0.9, 0.6, 0.4, 0.1], Some(0.5));
    let failed = check_gates(&worse, "d", &g, &mut w).unwrap().0.unwrap();
    assert!(
        failed.contains("auc 0.0000 is below --min-auc 0.9") && failed.contains("logloss"),
        "{failed}"
    );
}

#[test]
fn gates() {
    let mut w = Vec::new();
    let g = Gates {
        min_r2: Some(0.5),
        must_beat_baseline: true,
        ..Default::default()
    };
    assert!(check_gates(&metrics(0.6), "d", &g, &mut w).unwrap().0.is_none());
    let (failed, account) = check_gates(&metrics(0.4), "d", &g, &mut w).unwrap();
    assert!(failed.unwrap().contains("below --min-r2 0.5"));
    assert_eq!(account["passed"], false);
    // The training-mean baseline here has r2 = 1 - (1+0+1+4)/5 = -0.2.
    let (failed, _) = check_gates(
        &metrics(-0.3),
        "d",
        &Gates {
            must_beat_baseline: true,
            ..Default::default()
        },
        &mut w,
    )
    .unwrap();
    assert!(failed.unwrap().contains("does not beat the training mean baseline"));
}

#[test]
fn champion_gate_and_history() {
    let dir = std::env::temp_dir().join(format!("hn-score-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let champ = dir.join("champ.json");
    std::fs::write(&champ, r#"{"r2": 0.5, "data": {"fingerprint": "other"}}"#).unwrap();
    let g = Gates {
        against: Some(champ.to_str().unwrap().into()),
        ..Default::default()
    };
    let mut w = Vec::new();
    assert!(check_gates(&metrics(0.6), "d", &g, &mut w).unwrap().0.is_none());
    assert_eq!(w.len(), 1, "scored on other data: warned");
    assert!(
        check_gates(&metrics(0.5), "d", &g, &mut w).unwrap().0.is_some(),
        "a tie keeps the champion"
    );
    let g2 = Gates {
        min_improvement: 0.2,
        ..g
    };
    assert!(check_gates(&metrics(0.6), "d", &g2, &mut w).unwrap().0.is_some());
    std::fs::write(&champ, "{}").unwrap();
    assert!(
        check_gates(&metrics(0.6), "d", &g2, &mut w)
            .unwrap_err()
            .to_string()
            .contains("no number \"r2\"")
    );

    let h = dir.join("h.jsonl");
    let h = h.to_str().unwrap();
    crate::history::append(h, &json!({"r2": 0.1, "provenance": {}})).unwrap();
    crate::history::append(h, &json!({"r2": 0.2})).unwrap();
    let text = std::fs::read_to_string(h).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["r2"], 0.2);
    assert!(lines[0]["timestamp"].is_string() && lines[0].get("provenance").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}
