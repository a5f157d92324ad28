//! registry: the models kept under DATA/models, the champion that serves predictions, and the
//! decisions that switched it.

use clap::{Parser, Subcommand};
use hn_shared::cli::{self, Verbosity};
use hn_shared::registry::{self, AddJob, PromoteJob};
use hn_shared::{Error, info};
use std::path::PathBuf;
use std::process::ExitCode;

/// Keep every trained model in DATA/models/<id>/ (model, card, vectorizer, metrics, settings,
/// drift at training time, training stories), with DATA/champion a symlink to the one that
/// serves predictions, switched atomically. `promote` compares a candidate with the champion on
/// the same test stories, each through its own vectorizer, and logs the decision in
/// DATA/champion.history.jsonl; `rollback` returns to the previous champion.
///
/// <id> is YYYYMMDDTHHMMSSZ-<first 8 hex of the model's sha256>, from the time it was
/// registered (HN_NOW=<unix seconds> pins it).
#[derive(Parser, Debug)]
#[command(
    name = "registry",
    version,
    after_help = cli::after_help(&[
        "registry add --data data --model data/model.bin --vectorizer data/vectorizer.bin --metrics data/metrics.json --set TRAIN_ARGS='--eta 0.1'",
        "registry promote --data data --candidate data/model.bin --test data/test.parquet --metric spearman",
        "registry list --data data --json | jq '.[] | select(.champion) | .id'",
    ], None)
)]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
    #[command(flatten)]
    verbosity: Verbosity,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Register a model (the same bytes are registered once); prints its id on stdout.
    Add(AddJob),
    /// List the models, newest first, the champion marked with `*` (or JSON, oldest first).
    List {
        /// The DATA folder (the Makefile's DATA).
        #[arg(long, default_value = "data", value_name = "DATA")]
        data: PathBuf,
        /// JSON: one object per model with its card, metrics, settings and drift.
        #[arg(long)]
        json: bool,
    },
    /// Print the champion's id (nothing when there is none).
    Champion {
        /// The DATA folder (the Makefile's DATA).
        #[arg(long, default_value = "data", value_name = "DATA")]
        data: PathBuf,
    },
    /// Make the candidate the champion if it beats it on the test stories.
    Promote(PromoteJob),
    /// Return to the previous champion.
    Rollback {
        /// The DATA folder (the Makefile's DATA).
        #[arg(long, default_value = "data", value_name = "DATA")]
        data: PathBuf,
    },
    /// Remove all but the newest N models (never the champion, nor the one rollback returns to).
    Prune {
        /// The DATA folder (the Makefile's DATA).
        #[arg(long, default_value = "data", value_name = "DATA")]
        data: PathBuf,
        /// How many of the newest models to keep (at least 1).
        #[arg(long, value_name = "N")]
        keep: usize,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let verbosity = args.verbosity.clone();
    cli::run("registry", &verbosity, || run(args.cmd))
}

fn run(cmd: Cmd) -> hn_shared::Result<()> {
    match cmd {
        Cmd::Add(job) => {
            let (id, new) = registry::add(&job)?;
            info!("{} {id}", if new { "registered" } else { "already registered as" });
            print_line(&id)
        }
        Cmd::List { data, json } => {
            let entries = registry::list(&data)?;
            let champ = registry::champion(&data)?;
            if json {
                registry::write_json_list("-", &entries, champ.as_deref())
            } else {
                hn_shared::io::write_atomically("-", |o| registry::write_table(o, &entries, champ.as_deref()))
            }
        }
        Cmd::Champion { data } => match registry::champion(&data)? {
            Some(id) => print_line(&id),
            None => Ok(()),
        },
        Cmd::Promote(job) => {
            let d = registry::promote(&job)?;
            if d.promoted {
                info!("promote: {} is the new champion ({})", d.candidate, d.reason);
            } else {
                info!(
                    "promote: the champion {} stays ({})",
                    d.champion.as_deref().unwrap_or("-"),
                    d.reason
                );
            }
            Ok(())
        }
        Cmd::Rollback { data } => {
            let (from, to) = registry::rollback(&data)?;
            info!("rollback: the champion is {to} again (was {from})");
            Ok(())
        }
        Cmd::Prune { data, keep } => {
            if keep == 0 {
                return Err(Error::new("--keep 0 would leave no model: keep at least 1"));
            }
            let removed = registry::prune(&data, keep)?;
            info!(
                "prune: removed {} model(s){}",
                removed.len(),
                if removed.is_empty() {
                    String::new()
                } else {
                    format!(": {}", removed.join(", "))
                }
            );
            Ok(())
        }
    }
}

fn print_line(s: &str) -> hn_shared::Result<()> {
    hn_shared::io::write_atomically("-", |o| Ok(writeln!(o, "{s}")?))
}

use std::io::Write;
