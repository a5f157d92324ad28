use super::*;
use crate::features::Features;

fn features(n: usize) -> FeaturesFile {
    let mut x = Csr::new(4);
    let mut y = Vec::new();
    for i in 0..n {
        // Feature 2 present adds 30; feature 0's value scales 10.
        let v0 = (i % 5) as f32 / 5.0;
        if i % 3 == 0 {
            x.push_row(&[0, 2], &[v0, 1.0]);
            y.push(30.0 + 10.0 * v0 as f64);
        } else {
            x.push_row(&[0], &[v0]);
            y.push(10.0 * v0 as f64);
        }
    }
    FeaturesFile {
        name: "f.parquet".into(),
        fingerprint: "sha256:f".into(),
        features: Features {
            ids: (0..n as i64).collect(),
            target: y,
            x,
            vectorizer: Some("sha256:v".into()),
        },
    }
}

/// `engine` with the default parameters and dense size.
fn defaults(engine: Source) -> TrainOptions {
    TrainOptions {
        params: Params::default(),
        engine,
        max_dense_bytes: dense::DEFAULT_MAX_DENSE_BYTES,
    }
}

#[test]
fn save_load_round_trip_predicts_identically() {
    let f = features(90);
    for engine in [Source::Native, Source::Gbdt] {
        let opts = defaults(engine);
        let (m, s) = train(&f, None, &opts).unwrap();
        assert!(
            matches!(s.train, Fit::Regression { r2: Some(r2), .. } if r2 > 0.99),
            "{engine:?}: {:?}",
            s.train
        );
        let bytes = artifact::to_bytes(KIND, &m).unwrap();
        let back: Model = artifact::from_bytes(&bytes, KIND).unwrap();
        assert_eq!(back.predict(&f.features.x), m.predict(&f.features.x));
        assert_eq!(back.vectorizer.as_deref(), Some("sha256:v"));
        assert_eq!(back.training.as_ref().unwrap().rows, 90);
        assert_eq!(artifact::to_bytes(KIND, &back).unwrap(), bytes);
    }
}

/// The native engine with the default parameters.
fn native() -> TrainOptions {
    TrainOptions {
        params: Params::default(),
        engine: Source::Native,
        max_dense_bytes: 0,
    }
}

#[test]
fn belonging() {
    let f = features(30);
    let (m, _) = train(&f, None, &native()).unwrap();
    m.check_features("m", &f).unwrap();
    let mut other = features(30);
    other.features.vectorizer = Some("sha256:other".into());
    let e = m.check_features("m", &other).unwrap_err();
    assert!(e.to_string().contains("do not belong together"), "{e}");
    let mut wider = features(30);
    wider.features.x.n_cols = 5;
    assert!(
        m.check_features("m", &wider)
            .unwrap_err()
            .to_string()
            .contains("reads 4 features")
    );
    assert!(m.check_vectorizer("m", "v", "sha256:v", 4).is_ok());
    assert_eq!(short("sha256:0123456789abcdef"), "sha256:0123456789ab");
    assert_eq!(short("é"), "é");
    assert_eq!(short("sha256:aéééééé"), "sha256:aéééééé", "no cut inside a character");
}

#[test]
fn logistic_models_refuse_other_targets_and_the_gbdt_engine() {
    let mut f = features(60);
    let opts = |engine| TrainOptions {
        params: Params {
            objective: Objective::Logistic,
            ..Params::default()
        },
        engine,
        max_dense_bytes: dense::DEFAULT_MAX_DENSE_BYTES,
    };
    let e = train(&f, None, &opts(Source::Native)).err().unwrap().to_string();
    assert!(
        e.contains("f.parquet: column \"target\" is 30 for id 0") && e.contains("0 or 1"),
        "{e}"
    );
    f.features.target = f
        .features
        .target
        .iter()
        .map(|&t| if t > 20.0 { 1.0 } else { 0.0 })
        .collect();
    let e = train(&f, None, &opts(Source::Gbdt)).err().unwrap().to_string();
    assert!(e.contains("--engine gbdt has no logistic objective"), "{e}");
    let (m, s) = train(&f, None, &opts(Source::Native)).unwrap();
    assert_eq!(m.task(), Task::Binary);
    assert_eq!(s.metric, "logloss");
    assert!(
        matches!(s.train, Fit::Binary { auc: Some(a), .. } if a > 0.99),
        "{:?}",
        s.train
    );
    let card = card(&m, "fp", Some(&s), &Provenance::new("train", []), &|_| None, 5);
    assert_eq!(card["training"]["eval_metric"], "logloss");
    assert!(card["training"]["train"]["auc"].is_number() && card["task"] == "binary");
    // Scoring a logistic model on counts is refused the same way.
    let counts = features(10);
    assert!(
        m.check_targets(&counts)
            .unwrap_err()
            .to_string()
            .contains("column \"target\" is 30")
    );
}

#[test]
fn a_damaged_tree_is_refused_on_read() {
    let (mut m, _) = train(&features(30), None, &native()).unwrap();
    if let Engine::Native(b) = &mut m.engine {
        b.trees[0].nodes[0].left = 1000;
    }
    let gbdt = TrainOptions {
        engine: Source::Gbdt,
        max_dense_bytes: dense::DEFAULT_MAX_DENSE_BYTES,
        ..native()
    };
    // A dense model whose rows would be 4 billion values wide.
    let (mut wide, _) = train(&features(30), None, &gbdt).unwrap();
    if let Engine::Dense(d) = &mut wide.engine {
        d.width = u32::MAX as usize;
    }
    let dir = std::env::temp_dir().join(format!("hn-model-damaged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (model, needle) in [
        (m, "tree 0: node 0 has children 1000"),
        (wide, "its trees read 4294967295 features but the model says 4"),
    ] {
        let path = dir.join("m.bin");
        std::fs::write(&path, artifact::to_bytes(KIND, &model).unwrap()).unwrap();
        let e = Model::read(path.to_str().unwrap()).err().unwrap().to_string();
        assert!(e.contains(needle) && e.contains("damaged"), "{e}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Titles predicted chunk by chunk through their vectorizer (the trees prepared once for all
/// chunks) get the predictions of their whole matrix, in both engines.
#[test]
fn predicting_titles_equals_predicting_their_features() {
    let words = ["rust", "python", "launch", "show", "ask", "why", "new", "data"];
    let owned: Vec<String> = (0..5000)
        .map(|i| format!("{} {} {}", words[i % 8], words[(i / 8) % 8], words[(i * 5 + 3) % 8]))
        .collect();
    let texts: Vec<Option<&str>> = owned.iter().map(|s| Some(s.as_str())).collect();
    let (vec, x) = crate::tfidf::Vectorizer::fit(&texts, Default::default()).unwrap();
    let target: Vec<f64> = (0..5000).map(|i| (i % 8 * 3 + i / 8 % 8) as f64).collect();
    let f = FeaturesFile {
        name: "f.parquet".into(),
        fingerprint: "sha256:f".into(),
        features: Features {
            ids: (0..5000).collect(),
            target,
            x: x.clone(),
            vectorizer: None,
        },
    };
    for engine in [Source::Native, Source::Gbdt] {
        let opts = defaults(engine);
        let (m, _) = train(&f, None, &opts).unwrap();
        let whole = m.predict(&x);
        assert_eq!(m.predict_texts(&vec, &texts), whole, "{engine:?}");
        assert!(whole.iter().any(|&p| p != whole[0]), "{engine:?}: the trees split");
    }
}
