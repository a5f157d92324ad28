//! The model artifact `train` writes and `score`/`predict` read, its JSON model card, and the
//! training entry point that picks an engine.
//!
//! The artifact is an [`artifact`] file of kind `MODEL`, format version 1: the engine's trees
//! (the native sparse booster, or a `gbdt` crate model trained here or imported from XGBoost),
//! the parameters, the number of features, the fingerprint of the vectorizer the training
//! features came from, and the training features' fingerprint, row count and target mean (the
//! baseline `score` compares against). A model and features (or a vectorizer) whose vectorizer
//! fingerprints or feature counts disagree are refused: they do not belong together.
//!
//! The model card is JSON beside the model, at `MODEL.json` (`model.bin` → `model.bin.json`).

use crate::artifact::{self, Kind, Loaded};
use crate::boost::{self, Booster, Objective, Params, TreeMethod};
use crate::dense::{self, DenseModel, DenseParams};
use crate::error::{Error, Result};
use crate::features::FeaturesFile;
use crate::metrics::{Fit, Task};
use crate::sparse::Csr;
use crate::table::Provenance;
use crate::tfidf::{Texts, Vectorizer};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::Instant;

/// The model artifact's header: tag, name for messages, format version.
pub const KIND: Kind = Kind {
    tag: "MODEL",
    name: "model",
    version: 1,
};

/// The engines behind a model.
#[derive(Serialize, Deserialize)]
pub enum Engine {
    /// The sparse, sparsity-aware booster in [`crate::boost`] (default).
    Native(Booster),
    /// Trees the `gbdt` crate evaluates: trained with `--engine gbdt`, or imported from XGBoost.
    Dense(DenseModel),
}

/// Where a model's trees came from, as the model card and messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Source {
    Native,
    Gbdt,
    XgboostImport,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Native => "native",
            Source::Gbdt => "gbdt",
            Source::XgboostImport => "xgboost-import",
        }
    }
}

/// The features a model was trained on, by fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingData {
    pub name: String,
    pub fingerprint: String,
    pub rows: usize,
    /// The mean target: the constant baseline `score` measures the model against.
    pub target_mean: f64,
}

/// A model as stored in the artifact.
#[derive(Serialize, Deserialize)]
pub struct Model {
    pub engine: Engine,
    pub source: Source,
    /// The parameters asked for (for an import: the objective; the rest are defaults).
    pub params: Params,
    pub n_features: usize,
    /// Fingerprint of the vectorizer whose features the model reads, when known.
    pub vectorizer: Option<String>,
    pub training: Option<TrainingData>,
}

impl Model {
    /// Read a model artifact; a file of another kind or version, cut short or garbled, is a
    /// one-line error naming it.
    pub fn read(path: &str) -> Result<Loaded<Model>> {
        let m: Loaded<Model> = artifact::read(path, KIND)?;
        m.body.check().map_err(|e| e.context(&m.name))?;
        Ok(m)
    }

    /// Predicted comment counts (target space) for every row.
    pub fn predict(&self, x: &Csr) -> Vec<f64> {
        match &self.engine {
            Engine::Native(b) => b.predict(x),
            Engine::Dense(d) => d.predict(x),
        }
    }

    /// Predictions for titles through their vectorizer: the same numbers as [`Model::predict`]
    /// of `vec.transform(texts)`, each chunk of rows predicted as soon as it is weighted.
    pub fn predict_texts<T: Texts + ?Sized>(&self, vec: &Vectorizer, texts: &T) -> Vec<f64> {
        match &self.engine {
            Engine::Native(b) => {
                let p = b.predictor();
                vec.transform_each(texts, |x| p.predict(x))
            }
            Engine::Dense(d) => vec.transform_each(texts, |x| d.predict(x)),
        }
    }

    /// Which metrics fit the model: a logistic model is a classifier, the rest regressions.
    pub fn task(&self) -> Task {
        task_of(self.params.objective)
    }

    /// The fit of predictions to targets, in the metrics of the model's kind.
    pub fn fit(&self, y: &[f64], x: &Csr) -> Fit {
        fit_of(self.params.objective, y, &self.predict(x))
    }

    /// Refuse targets the model's objective cannot be measured on (a logistic model on targets
    /// that are not 0/1), naming the column, the id and the value.
    /// Regression metrics measure any finite target (features never hold others).
    pub fn check_targets(&self, f: &FeaturesFile) -> Result<()> {
        match self.task() {
            Task::Binary => check_targets(self.params.objective, f),
            Task::Regression => Ok(()),
        }
    }

    /// Refuse a model whose trees point outside themselves (a damaged or forged artifact would
    /// otherwise panic on the first prediction).
    fn check(&self) -> Result<()> {
        if let Engine::Native(b) = &self.engine {
            if b.n_features != self.n_features {
                return Err(Error::new(format!(
                    "its booster reads {} features but the model says {}: the file is damaged; train it again",
                    b.n_features, self.n_features
                )));
            }
            for (t, tree) in b.trees.iter().enumerate() {
                tree.check().map_err(|e| e.context(format!("tree {t}")))?;
            }
        }
        // The dense engine builds rows of `width` values: it may not exceed the feature count,
        // which `score` and `predict` check against the features or the vectorizer.
        if let Engine::Dense(d) = &self.engine
            && d.width > self.n_features.max(1)
        {
            return Err(Error::new(format!(
                "its trees read {} features but the model says {}: the file is damaged; train it again",
                d.width, self.n_features
            )));
        }
        Ok(())
    }

    pub fn n_trees(&self) -> usize {
        match &self.engine {
            Engine::Native(b) => b.trees.len(),
            Engine::Dense(d) => d.n_trees,
        }
    }

    /// Total split gain per feature, descending; empty when the engine does not record it.
    pub fn feature_gain(&self) -> Vec<(u32, f64)> {
        match &self.engine {
            Engine::Native(b) => b.feature_gain(),
            Engine::Dense(d) => d.gains.clone(),
        }
    }

    /// Refuse features that were not made by this model's vectorizer.
    pub fn check_features(&self, model_name: &str, f: &FeaturesFile) -> Result<()> {
        self.check_belongs(
            model_name,
            &f.name,
            f.features.vectorizer.as_deref(),
            f.features.x.n_cols,
        )
    }

    /// Refuse a vectorizer other than the one this model was trained with.
    pub fn check_vectorizer(
        &self,
        model_name: &str,
        vec_name: &str,
        fingerprint: &str,
        n_features: usize,
    ) -> Result<()> {
        self.check_belongs(model_name, vec_name, Some(fingerprint), n_features)
    }

    fn check_belongs(&self, model_name: &str, other: &str, vectorizer: Option<&str>, n_features: usize) -> Result<()> {
        if let (Some(mine), Some(theirs)) = (self.vectorizer.as_deref(), vectorizer)
            && mine != theirs
        {
            return Err(Error::new(format!(
                "{model_name} and {other} do not belong together: the model was trained on features of vectorizer \
                     {}, {other} comes from vectorizer {}",
                short(mine),
                short(theirs)
            )));
        }
        if self.vectorizer.is_none() || vectorizer.is_none() {
            crate::warn!("{model_name} or {other} does not record its vectorizer: only the feature count is checked");
        }
        if n_features != self.n_features {
            return Err(Error::new(format!(
                "{model_name} and {other} do not belong together: the model reads {} features, {other} has {n_features}",
                self.n_features
            )));
        }
        Ok(())
    }
}

fn task_of(o: Objective) -> Task {
    match o {
        Objective::Logistic => Task::Binary,
        _ => Task::Regression,
    }
}

fn fit_of(o: Objective, y: &[f64], pred: &[f64]) -> Fit {
    match task_of(o) {
        Task::Binary => Fit::binary(y, pred),
        Task::Regression => Fit::of(y, pred),
    }
}

/// The targets of `f` must suit `objective` (finite; non-negative for Poisson and log1p; 0 or 1
/// for logistic): the first that does not is named with its id and what to do.
pub fn check_targets(objective: Objective, f: &FeaturesFile) -> Result<()> {
    let y = &f.features.target;
    let Some((row, why)) = y
        .iter()
        .enumerate()
        .find_map(|(r, &t)| objective.check_target(t).err().map(|why| (r, why)))
    else {
        return Ok(());
    };
    let hint = match objective {
        Objective::Logistic => {
            "the logistic objective needs targets 0 or 1 (a label such as descendants > 0, made before training); \
             for comment counts use --objective poisson or squared-error"
        }
        Objective::Poisson | Objective::SquaredLog1p => {
            "this objective needs non-negative targets; use --objective squared-error"
        }
        Objective::SquaredError => "targets must be finite numbers",
    };
    Err(Error::new(format!(
        "{}: column \"{}\" is {} for id {}, which {why}: {hint}",
        f.name,
        crate::features::TARGET,
        y[row],
        f.features.ids[row]
    )))
}

/// Without a vectorizer to vouch for it, a training set's declared feature count
/// (`hn.n_features`) must be the one its indices show: `vectorize fit` writes training features
/// in which every vocabulary term occurs, so a larger count is a damaged or forged header (one
/// of 4,294,967,295 would size the model by it).
fn check_width(f: &FeaturesFile) -> Result<()> {
    let x = &f.features.x;
    let used = x.indices.iter().max().map_or(0, |&m| m as usize + 1);
    // No rows is its own error, said later.
    if x.n_cols == used || x.n_rows() == 0 {
        return Ok(());
    }
    Err(Error::new(format!(
        "{}: metadata hn.n_features says {} features but its indices use {used}; training features from \
         `vectorize fit` use every feature: give the vectorizer that made them (--vectorizer VEC) to confirm \
         the count, or re-create the features",
        f.name, x.n_cols
    )))
}

/// `sha256:0123456789ab` (12 hex digits) for messages.
fn short(fp: &str) -> &str {
    let end = fp.find(':').map_or(0, |i| i + 1) + 12;
    // A fingerprint from a file's metadata may be anything: cut only on a char boundary.
    fp.get(..end).unwrap_or(fp)
}

/// How to train: the booster parameters, which engine, and the dense engine's memory limit.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub params: Params,
    pub engine: Source,
    pub max_dense_bytes: u64,
}

/// What training measured, for the model card and the summary line.
#[derive(Debug, Clone)]
pub struct TrainSummary {
    pub seconds: f64,
    pub rounds: usize,
    pub best_round: Option<usize>,
    pub train: Fit,
    pub validation: Option<Fit>,
    /// The objective's evaluation metric by round (native engine): its name, then the values.
    pub metric: String,
    pub train_metric: Vec<f64>,
    pub valid_metric: Vec<f64>,
    pub train_rmse: Vec<f64>,
    pub valid_rmse: Vec<f64>,
    /// Options the engine could not honour, said once in the card and on stderr.
    pub notes: Vec<String>,
}

/// Record the features an imported model is checked against, and how it fits them.
pub fn attach_training(
    model: &mut Model,
    model_name: &str,
    f: &FeaturesFile,
    valid: Option<&FeaturesFile>,
) -> Result<TrainSummary> {
    model.check_features(model_name, f)?;
    if model.vectorizer.is_none() {
        model.vectorizer = f.features.vectorizer.clone();
    }
    model.training = Some(training_data(f));
    model.check_targets(f)?;
    let validation = match valid {
        Some(v) => {
            model.check_features(model_name, v)?;
            model.check_targets(v)?;
            Some(model.fit(&v.features.target, &v.features.x))
        }
        None => None,
    };
    Ok(TrainSummary {
        seconds: 0.0,
        rounds: model.n_trees(),
        best_round: None,
        train: model.fit(&f.features.target, &f.features.x),
        validation,
        metric: String::new(),
        train_metric: Vec::new(),
        valid_metric: Vec::new(),
        train_rmse: Vec::new(),
        valid_rmse: Vec::new(),
        notes: Vec::new(),
    })
}

fn training_data(f: &FeaturesFile) -> TrainingData {
    let y = &f.features.target;
    TrainingData {
        name: f.name.clone(),
        fingerprint: f.fingerprint.clone(),
        rows: y.len(),
        target_mean: y.iter().sum::<f64>() / y.len().max(1) as f64,
    }
}

/// Train on `train` (and watch `valid`, with early stopping for the native engine).
pub fn train(train: &FeaturesFile, valid: Option<&FeaturesFile>, opts: &TrainOptions) -> Result<(Model, TrainSummary)> {
    let (x, y) = (&train.features.x, &train.features.target);
    if y.is_empty() {
        return Err(Error::new(format!("{}: no rows to train on", train.name)));
    }
    if let Some(v) = valid {
        if v.features.target.is_empty() {
            return Err(Error::new(format!("{}: no rows to validate on", v.name)));
        }
        let (a, b) = (&train.features.vectorizer, &v.features.vectorizer);
        if a.is_some() && b.is_some() && a != b || v.features.x.n_cols != x.n_cols {
            return Err(Error::new(format!(
                "{} and {} do not belong together: they come from different vectorizers",
                train.name, v.name
            )));
        }
    }
    opts.params.validate()?;
    check_targets(opts.params.objective, train)?;
    if let Some(v) = valid {
        check_targets(opts.params.objective, v)?;
    }
    let started = Instant::now();
    let mut notes = Vec::new();
    let (engine, report) = match opts.engine {
        Source::Native => {
            let valid = valid.map(|v| (&v.features.x, v.features.target.as_slice()));
            let (booster, report) = boost::train(x, y, &opts.params, valid)?;
            (Engine::Native(booster), Some(report))
        }
        Source::Gbdt => {
            let dp = dense_params(&opts.params, opts.max_dense_bytes, &mut notes)?;
            (Engine::Dense(dense::train(x, y, &dp)?), None)
        }
        Source::XgboostImport => return Err(Error::new("an XGBoost model is imported, not trained")),
    };
    let seconds = started.elapsed().as_secs_f64();
    let model = Model {
        engine,
        source: opts.engine,
        // The thread count does not change the trees: it is not stored, so the same data and
        // parameters give a byte-identical model on any machine (the card's args still say it).
        params: Params {
            threads: 0,
            ..opts.params.clone()
        },
        n_features: x.n_cols,
        vectorizer: train.features.vectorizer.clone(),
        training: Some(training_data(train)),
    };
    let train_fit = model.fit(y, x);
    let validation = valid.map(|v| model.fit(&v.features.target, &v.features.x));
    let report = report.unwrap_or_default();
    let summary = TrainSummary {
        seconds,
        rounds: if report.rounds > 0 {
            report.rounds
        } else {
            model.n_trees()
        },
        best_round: report.best_round,
        train: train_fit,
        validation,
        metric: report.metric,
        train_metric: report.train_metric,
        valid_metric: report.valid_metric,
        train_rmse: report.train_rmse,
        valid_rmse: report.valid_rmse,
        notes,
    };
    Ok((model, summary))
}

/// Map the booster parameters onto the `gbdt` crate. It has no lambda, gamma, Poisson, logistic
/// loss, histograms, threads or early stopping, counts min_child_weight in rows, and samples with an
/// unseeded RNG: what it cannot do is noted (or refused when it would break determinism).
fn dense_params(p: &Params, max_dense_bytes: u64, notes: &mut Vec<String>) -> Result<DenseParams> {
    if matches!(p.objective, Objective::Poisson | Objective::Logistic) {
        return Err(Error::new(format!(
            "--engine gbdt has no {} objective; use --engine native (the default) or --objective \
             squared-error/squared-log1p",
            p.objective
        )));
    }
    if p.subsample < 1.0 || p.colsample_bytree < 1.0 {
        return Err(Error::new(
            "--engine gbdt cannot take --subsample or --colsample-bytree below 1: the gbdt crate samples with an \
             unseeded random generator, so its models would not be reproducible",
        ));
    }
    let d = Params::default();
    let mut ignored = Vec::new();
    if p.lambda != d.lambda {
        ignored.push("--lambda");
    }
    if p.gamma != d.gamma {
        ignored.push("--gamma");
    }
    if p.method != d.method {
        ignored.push("--tree-method/--max-bin");
    }
    if p.early_stopping_rounds.is_some() {
        ignored.push("--early-stopping-rounds");
    }
    if p.threads != d.threads {
        ignored.push("--threads");
    }
    if !ignored.is_empty() {
        notes.push(format!("the gbdt engine ignores {}", ignored.join(", ")));
    }
    Ok(DenseParams {
        n_estimators: p.n_estimators,
        max_depth: p.max_depth,
        eta: p.eta,
        min_child_weight: p.min_child_weight,
        base_score: p.base_score.map(|b| {
            if p.objective == Objective::SquaredLog1p {
                b.max(0.0).ln_1p()
            } else {
                b
            }
        }),
        log1p: p.objective == Objective::SquaredLog1p,
        max_dense_bytes,
    })
}

/// Turn an XGBoost JSON dump into a model (see [`dense::import_xgboost`]). `n_features` and
/// `vectorizer` say which features it reads: those of the vectorizer used in Python.
pub fn import_xgboost(
    dump_name: &str,
    text: &str,
    base_score: f64,
    objective: Objective,
    absent_is_missing: bool,
    n_features: usize,
    vectorizer: Option<String>,
) -> Result<Model> {
    let (dense, summary) =
        dense::import_xgboost(text, base_score, objective, absent_is_missing).map_err(|e| e.context(dump_name))?;
    if let Some(m) = summary.max_feature
        && m as usize >= n_features
    {
        return Err(Error::new(format!(
            "{dump_name} splits on feature {m} but the vectorizer has only {n_features} features: \
                 it was trained on another vectorizer's features"
        )));
    }
    Ok(Model {
        engine: Engine::Dense(dense),
        source: Source::XgboostImport,
        params: Params {
            objective,
            base_score: Some(base_score),
            n_estimators: summary.trees,
            ..Params::default()
        },
        n_features,
        vectorizer,
        training: None,
    })
}

/// A model and the vectorizer that makes its features, read at once and checked to belong
/// together (errors in that order: the model, the vectorizer, the pair). What every tool that
/// predicts from titles starts with.
pub fn read_with_vectorizer(model: &str, vectorizer: &str) -> Result<(Loaded<Model>, Loaded<Vectorizer>)> {
    // Every caller transforms next: the vectorizer's lookup table is built beside the reading.
    let (m, v) = rayon::join(
        || Model::read(model),
        || Vectorizer::read(vectorizer).inspect(|v| v.body.prepare()),
    );
    let (m, v) = (m?, v?);
    m.body
        .check_vectorizer(&m.name, &v.name, &v.fingerprint, v.body.n_features())?;
    Ok((m, v))
}

/// Where the model card of `model_path` goes: beside it, `.json` appended.
pub fn card_path(model_path: &str) -> String {
    format!("{model_path}.json")
}

/// The parameters as JSON, with CLI names.
fn params_json(p: &Params) -> Value {
    let (method, max_bin) = match p.method {
        TreeMethod::Exact => ("exact", None),
        TreeMethod::Hist { max_bin } => ("hist", Some(max_bin)),
    };
    json!({
        "objective": p.objective.name(),
        "n_estimators": p.n_estimators,
        "max_depth": p.max_depth,
        "eta": p.eta,
        "lambda": p.lambda,
        "gamma": p.gamma,
        "min_child_weight": p.min_child_weight,
        "subsample": p.subsample,
        "colsample_bytree": p.colsample_bytree,
        "seed": p.seed,
        "base_score": p.base_score,
        "early_stopping_rounds": p.early_stopping_rounds,
        "tree_method": method,
        "max_bin": max_bin,
    })
}

/// The model card: what a person (or a notebook) wants to know about a model without loading it.
/// `term` maps a feature index to its word, when the vectorizer is at hand.
pub fn card(
    model: &Model,
    model_fingerprint: &str,
    summary: Option<&TrainSummary>,
    prov: &Provenance,
    term: &dyn Fn(u32) -> Option<String>,
    top: usize,
) -> Value {
    let (base_score_margin, absent) = match &model.engine {
        Engine::Native(b) => (Some(b.base_score), "missing"),
        Engine::Dense(d) => (None, if d.absent_is_missing { "missing" } else { "zero" }),
    };
    let importance: Vec<Value> = model
        .feature_gain()
        .into_iter()
        .take(top)
        .map(|(i, g)| json!({"feature": i, "term": term(i), "gain": g}))
        .collect();
    let training = summary.map(|s| {
        json!({
            "seconds": s.seconds,
            "rounds": s.rounds,
            "best_round": s.best_round,
            "train": s.train,
            "validation": s.validation,
            "eval_metric": if s.metric.is_empty() { Value::Null } else { json!(s.metric) },
            "train_metric_by_round": s.train_metric,
            "validation_metric_by_round": s.valid_metric,
            "train_rmse_by_round": s.train_rmse,
            "validation_rmse_by_round": s.valid_rmse,
            "notes": s.notes,
        })
    });
    json!({
        "format": format!("hn model artifact, version {}", KIND.version),
        "model_fingerprint": model_fingerprint,
        "engine": model.source.name(),
        "params": params_json(&model.params),
        "base_score_margin": base_score_margin,
        "absent_features_read_as": absent,
        "trees": model.n_trees(),
        "features": model.n_features,
        "rows": model.training.as_ref().map(|t| t.rows),
        "target_mean": model.training.as_ref().map(|t| t.target_mean),
        "task": model.task(),
        "vectorizer": model.vectorizer,
        "training_features": model.training.as_ref().map(|t| &t.fingerprint),
        "training": training,
        "feature_importance": if importance.is_empty() { Value::Null } else { Value::Array(importance) },
        "provenance": prov.to_json(),
    })
}

/// An XGBoost dump to import instead of training (`train --import-xgboost`).
#[derive(Debug, Clone)]
pub struct ImportSpec {
    pub dump: String,
    /// XGBoost's `base_score`, in target space, as its saved config reports it.
    pub base_score: f64,
    /// Trained on a sparse matrix (absent terms are missing), not a dense one (absent = 0.0).
    pub absent_is_missing: bool,
}

/// Everything `train` was asked to do.
#[derive(Debug, Clone)]
pub struct TrainJob {
    pub train: Option<String>,
    pub output: String,
    pub validation: Option<String>,
    pub vectorizer: Option<String>,
    pub options: TrainOptions,
    pub import: Option<ImportSpec>,
    /// Feature count for an import given neither a vectorizer nor features.
    pub n_features: Option<usize>,
    /// How many top features by gain the card lists.
    pub top_terms: usize,
    pub args: Vec<String>,
}

/// What `train` reports when done.
pub struct TrainOutcome {
    pub model: Model,
    pub fingerprint: String,
    pub summary: Option<TrainSummary>,
    pub card: Option<String>,
}

/// Train (or import), then write the card and the model, both atomically; the card first, so
/// that a model file on disk always has its card.
pub fn run_train(job: &TrainJob) -> Result<TrainOutcome> {
    use crate::features::read_features;
    use crate::tfidf::Vectorizer;
    let vec = job.vectorizer.as_deref().map(Vectorizer::read).transpose()?;
    let train = job.train.as_deref().map(read_features).transpose()?;
    let valid = job.validation.as_deref().map(read_features).transpose()?;
    if let (Some(v), Some(t)) = (&vec, &train) {
        let fp = t.features.vectorizer.as_deref().unwrap_or(&v.fingerprint);
        if fp != v.fingerprint || t.features.x.n_cols != v.body.n_features() {
            return Err(Error::new(format!(
                "{} and {} do not belong together: the features were made by another vectorizer",
                t.name, v.name
            )));
        }
    }
    if vec.is_none()
        && let Some(t) = &train
    {
        check_width(t)?;
    }
    let vec_fp = vec.as_ref().map(|v| v.fingerprint.clone());
    // (name, fingerprint) of the imported dump, read once (it may be stdin).
    let mut dump_input = None;
    let (model, summary) = match &job.import {
        Some(spec) => {
            let input = crate::io::Input::read(&spec.dump)?;
            dump_input = Some((input.name.clone(), input.fingerprint()));
            let text = std::str::from_utf8(&input.bytes)
                .map_err(|_| Error::new(format!("{}: not an XGBoost JSON dump (not UTF-8 text)", input.name)))?;
            let n_features = vec
                .as_ref()
                .map(|v| v.body.n_features())
                .or(train.as_ref().map(|t| t.features.x.n_cols))
                .or(job.n_features)
                .ok_or_else(|| {
                    Error::new(
                        "--import-xgboost needs to know the features: give --vectorizer VEC (the one used in Python), \
                         TRAIN_FEATURES, or --n-features N",
                    )
                })?;
            let vectorizer = vec_fp
                .clone()
                .or(train.as_ref().and_then(|t| t.features.vectorizer.clone()));
            let mut model = import_xgboost(
                &input.name,
                text,
                spec.base_score,
                job.options.params.objective,
                spec.absent_is_missing,
                n_features,
                vectorizer,
            )?;
            let summary = match &train {
                Some(t) => Some(attach_training(&mut model, &input.name, t, valid.as_ref())?),
                None => None,
            };
            (model, summary)
        }
        None => {
            let t = train
                .as_ref()
                .ok_or_else(|| Error::new("TRAIN_FEATURES is required (unless --import-xgboost)"))?;
            let (mut model, summary) = self::train(t, valid.as_ref(), &job.options)?;
            if model.vectorizer.is_none() {
                model.vectorizer = vec_fp.clone();
            }
            (model, Some(summary))
        }
    };
    let bytes = artifact::to_bytes(KIND, &model)?;
    let fingerprint = crate::io::fingerprint(&bytes);
    let mut prov = Provenance::new("train", job.args.iter().cloned());
    for f in [&train, &valid].into_iter().flatten() {
        prov = prov.input(&f.name, &f.fingerprint);
    }
    if let Some(v) = &vec {
        prov = prov.input(&v.name, &v.fingerprint);
    }
    if let Some((name, fp)) = &dump_input {
        prov = prov.input(name, fp);
    }
    let card_file = if crate::io::is_stdio(&job.output) {
        None
    } else {
        let term = |i: u32| vec.as_ref().and_then(|v| v.body.term(i).map(str::to_string));
        let value = card(&model, &fingerprint, summary.as_ref(), &prov, &term, job.top_terms);
        let path = card_path(&job.output);
        crate::io::write_json(&path, &value)?;
        Some(path)
    };
    crate::io::write_atomically(&job.output, |o| Ok(std::io::Write::write_all(o, &bytes)?))?;
    Ok(TrainOutcome {
        model,
        fingerprint,
        summary,
        card: card_file,
    })
}

#[cfg(test)]
#[path = "tests/model.rs"]
mod tests;
