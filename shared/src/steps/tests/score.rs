use super::*;

fn metrics(r2: f64) -> Metrics {
    let y = [1.0, 2.0, 3.0, 4.0];
    let mut m = Metrics::compute(&y, &y, Some(2.0));
    m.r2 = r2;
    m
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
    append_history(h, &json!({"r2": 0.1, "provenance": {}})).unwrap();
    append_history(h, &json!({"r2": 0.2})).unwrap();
    let text = std::fs::read_to_string(h).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["r2"], 0.2);
    assert!(lines[0]["timestamp"].is_string() && lines[0].get("provenance").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}
