//! vectorize: TF-IDF features of story titles, equal to scikit-learn's TfidfVectorizer.

use clap::{Args as ClapArgs, Parser, Subcommand};
use hn_shared::cli::{self, Verbosity};
use hn_shared::info;
use hn_shared::table::Provenance;
use hn_shared::tfidf::{DocFreq, Settings, Vectorizer};
use hn_shared::vectorize::{Columns, Report, fit_file, transform_file, write_vocabulary_jsonl};
use std::process::ExitCode;

/// TF-IDF features of titles. `fit` learns a vocabulary and idf from training stories and writes
/// the vectorizer and their features; `transform` applies a vectorizer to any stories. Defaults
/// equal scikit-learn's TfidfVectorizer(): Python's lowercasing, tokens of two or more word
/// characters, smooth idf, l2-normalised rows.
#[derive(Parser, Debug)]
#[command(name = "vectorize", version, max_term_width = 100, after_help = cli::after_help(&[
    "vectorize fit train.parquet --vectorizer vec.bin -o train_features.parquet",
    "vectorize transform test.parquet --vectorizer vec.bin -o test_features.parquet",
    "vectorize vocabulary --vectorizer vec.bin | head",
], None))]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
    #[command(flatten)]
    verbosity: Verbosity,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Learn the vocabulary and idf from TRAIN; write the vectorizer and TRAIN's features.
    Fit(Fit),
    /// Features of STORIES under a fitted vectorizer (terms it does not know are ignored).
    Transform(Transform),
    /// Print a vectorizer's settings (stderr) and its vocabulary as JSON Lines (stdout):
    /// {"idf":1.23,"index":0,"term":"..."} per feature.
    Vocabulary(Vocabulary),
}

#[derive(ClapArgs, Debug)]
struct Vocabulary {
    /// A vectorizer made by `vectorize fit`.
    #[arg(long, value_name = "VEC")]
    vectorizer: String,
}

#[derive(ClapArgs, Debug)]
struct Fit {
    /// Training stories (Parquet; `-` reads stdin).
    #[arg(value_name = "TRAIN")]
    input: String,
    /// Where the vectorizer goes.
    #[arg(long, value_name = "VEC")]
    vectorizer: String,
    /// Where the training features go (`-` = stdout).
    #[arg(short, long, value_name = "TRAIN_FEATURES")]
    output: String,
    /// Ignore terms in fewer documents than this: a count (2) or a proportion (0.01).
    #[arg(long, default_value = "1", value_name = "DF")]
    min_df: DocFreq,
    /// Ignore terms in more documents than this: a count (500) or a proportion (0.9).
    #[arg(long, default_value = "1.0", value_name = "DF")]
    max_df: DocFreq,
    /// Keep only the N terms most frequent in the corpus (ties: the earlier term in sorted order).
    #[arg(long, value_name = "N")]
    max_features: Option<usize>,
    /// Word n-grams from MIN to MAX words, joined by a space (1,2 = words and word pairs).
    #[arg(long, default_value = "1,1", value_name = "MIN,MAX", value_parser = parse_ngram)]
    ngram: (usize, usize),
    /// Use 1 + ln(count) instead of the raw count.
    #[arg(long)]
    sublinear_tf: bool,
    /// Keep the case of titles (default: lowercase as Python's str.lower()).
    #[arg(long)]
    no_lowercase: bool,
    /// Token regex for the regex crate (default: scikit-learn's (?u)\b\w\w+\b with Python's
    /// meaning of \w). One capture group makes the group the token.
    #[arg(long, value_name = "REGEX")]
    token_pattern: Option<String>,
    #[command(flatten)]
    columns: Columns,
}

#[derive(ClapArgs, Debug)]
struct Transform {
    /// Stories (Parquet; `-` reads stdin).
    #[arg(value_name = "STORIES")]
    input: String,
    /// A vectorizer made by `vectorize fit`.
    #[arg(long, value_name = "VEC")]
    vectorizer: String,
    /// Where the features go (`-` = stdout).
    #[arg(short, long, value_name = "FEATURES")]
    output: String,
    #[command(flatten)]
    columns: Columns,
}

fn parse_ngram(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("{s:?}: give MIN,MAX like 1,2");
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let (a, b) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a < 1 || a > b {
        return Err(format!("{s:?}: need 1 <= MIN <= MAX"));
    }
    Ok((a, b))
}

fn summary(what: &str, out: &str, r: &Report) {
    info!(
        "{what} {} rows -> {out}: {} features, {} non-zeros ({:.1} per row), {} empty rows",
        r.rows,
        r.n_features,
        r.nnz,
        r.nnz as f64 / r.rows.max(1) as f64,
        r.empty_rows
    );
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run("vectorize", &args.verbosity, || {
        let prov = Provenance::new("vectorize", std::env::args().skip(1));
        match &args.cmd {
            Cmd::Fit(f) => {
                let settings = Settings {
                    lowercase: !f.no_lowercase,
                    token_pattern: f.token_pattern.clone(),
                    ngram: f.ngram,
                    min_df: f.min_df,
                    max_df: f.max_df,
                    max_features: f.max_features,
                    sublinear_tf: f.sublinear_tf,
                };
                let r = fit_file(&f.input, &f.vectorizer, &f.output, &f.columns, settings, prov)?;
                summary("fit", &f.output, &r);
                info!("vectorizer -> {} ({})", f.vectorizer, r.vectorizer);
            }
            Cmd::Transform(t) => {
                let r = transform_file(&t.input, &t.vectorizer, &t.output, &t.columns, prov)?;
                summary("transform", &t.output, &r);
            }
            Cmd::Vocabulary(v) => {
                let loaded = Vectorizer::read(&v.vectorizer)?;
                let vec = &loaded.body;
                info!(
                    "{}: {} terms from {} documents; {}",
                    loaded.name,
                    vec.n_features(),
                    vec.n_docs(),
                    vec.settings()
                );
                write_vocabulary_jsonl(vec)?;
            }
        }
        Ok(())
    })
}
