//! Benchmark harness for the boost trainer alone (used by `scripts/bench-model`; the tools' own
//! timings are in `scripts/bench-model-tools`): train on one features file, score another, print
//! one JSON line. It times the fit step in-process, without reading or writing artifacts.
//!
//! cargo run --release -p hn-shared --example boost_bench -- TRAIN TEST [exact|hist] [THREADS] [N_ESTIMATORS] [OBJECTIVE]
//!
//! With `BOOST_BENCH_DUMP=FILE` in the environment, the trained booster is also written there as
//! JSON (to compare trees with XGBoost's dump); with `BOOST_BENCH_PRED=FILE`, the test
//! predictions, one per line (so the parity script scores both sides with the same library).

use hn_shared::Result;
use hn_shared::boost::{self, Objective, Params, TreeMethod};
use hn_shared::features::read_features;
use std::time::Instant;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("boost_bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        hn_shared::bail!("usage: boost_bench TRAIN TEST [exact|hist] [THREADS] [N_ESTIMATORS] [OBJECTIVE]");
    }
    let method: TreeMethod = args.get(2).map_or("exact", String::as_str).parse()?;
    let parse = |k: usize, default: usize| -> Result<usize> {
        args.get(k).map_or(Ok(default), |s| {
            s.parse()
                .map_err(|_| hn_shared::Error::new(format!("not a number: {s}")))
        })
    };
    let objective: Objective = args.get(5).map_or("squared-error", String::as_str).parse()?;
    let params = Params {
        objective,
        method,
        threads: parse(3, 0)?,
        n_estimators: parse(4, 20)?,
        ..Params::default()
    };
    let t0 = Instant::now();
    let train = read_features(&args[0])?.features;
    let test = read_features(&args[1])?.features;
    let read_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let (model, _) = boost::train(&train.x, &train.target, &params, None)?;
    let fit_s = t1.elapsed().as_secs_f64();
    if let Ok(path) = std::env::var("BOOST_BENCH_DUMP") {
        let json = serde_json::to_string(&model).map_err(|e| hn_shared::Error::new(e.to_string()))?;
        std::fs::write(&path, json).map_err(|e| hn_shared::Error::new(format!("{path}: {e}")))?;
    }
    let pred = model.predict(&test.x);
    if let Ok(path) = std::env::var("BOOST_BENCH_PRED") {
        let text: String = pred.iter().map(|p| format!("{p}\n")).collect();
        std::fs::write(&path, text).map_err(|e| hn_shared::Error::new(format!("{path}: {e}")))?;
    }
    let leaves: usize = model.trees.iter().map(|t| t.n_leaves()).sum();
    println!(
        "{}",
        serde_json::json!({
            "engine": "ours", "method": method.to_string(), "threads": params.threads,
            "n_train": train.target.len(), "n_test": test.target.len(),
            "n_features": train.x.n_cols, "nnz": train.x.nnz(),
            "read_s": read_s, "fit_s": fit_s, "r2": hn_shared::metrics::r2(&test.target, &pred), "leaves": leaves,
        })
    );
    Ok(())
}
