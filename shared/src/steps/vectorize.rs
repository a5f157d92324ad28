//! The `vectorize` step on files: stories table in, vectorizer artifact and features table out.
//!
//! The features' target is the comment count with nulls as 0 (the guide's `fillna(0)`); a table
//! without the target column at all (stories still to come) gives null targets, which train and
//! score refuse. A null or empty title gives an empty row. The features file records the vectorizer's fingerprint
//! (sha256 of the artifact file), so later steps can tell which vocabulary its columns mean.

use crate::error::{Error, Result};
use crate::features::{Features, write_features_to};
use crate::io::{Output, commit_all, distinct_outputs};
use crate::table::{Provenance, Table};
use crate::tfidf::{Settings, Vectorizer};
use arrow::array::StringViewArray;
use std::io::Write;

/// Which columns of the stories table hold what (the defaults are hn-fetch's names). Flattened
/// into `vectorize fit` and `transform`'s flags.
#[derive(clap::Args, Clone, Debug)]
pub struct Columns {
    /// Column with the text to vectorize.
    #[arg(long, default_value = "title", value_name = "COL")]
    pub text: String,
    /// Column with the target (nulls become 0; a table without it gives null targets).
    #[arg(long, default_value = "descendants", value_name = "COL")]
    pub target: String,
    /// Column with the ids.
    #[arg(long, default_value = "id", value_name = "COL")]
    pub id: String,
}

/// The documents of a stories table: ids, targets (nulls as 0) and texts.
pub struct Docs {
    pub name: String,
    pub fingerprint: String,
    pub ids: Vec<i64>,
    pub target: Vec<f64>,
    /// False when the table had no target column: `target` is all NaN and is written as null.
    pub has_target: bool,
    texts: StringViewArray,
}

impl Docs {
    /// Read only the three columns needed; a null id or an infinite target is an error. Without
    /// a target column, every target is NaN (written as null).
    pub fn read(path: &str, cols: &Columns) -> Result<Docs> {
        Self::read_then(path, cols, |_| Ok(())).map(|(docs, ())| docs)
    }

    /// [`Docs::read`], and `then` of the documents as soon as they are decoded, while the
    /// file's fingerprint is still being made beside them (the documents it sees have none yet).
    pub fn read_then<T: Send>(
        path: &str,
        cols: &Columns,
        then: impl FnOnce(&Docs) -> Result<T> + Send,
    ) -> Result<(Docs, T)> {
        // The titles are only tokenized: read as views into the file's pages, not copied out.
        // The columns are taken out while the file's fingerprint is still being made (0.7 ms
        // of 47k stories' ids and comment counts, where the decoding waited for the hash).
        let columns: [&str; 3] = [&cols.id, &cols.text, &cols.target];
        let (t, (docs, x)) = Table::read_available_viewing_then(path, &columns, &[&cols.text], |t| {
            let docs = Self::of(t, cols)?;
            let x = then(&docs)?;
            Ok((docs, x))
        })?;
        let docs = Docs {
            fingerprint: t.fingerprint,
            ..docs
        };
        Ok((docs, x))
    }

    /// The documents of a table just decoded (no fingerprint yet).
    fn of(t: &Table, cols: &Columns) -> Result<Docs> {
        // The id and text columns are required: their readers below name them if missing.
        let name = t.name.clone();
        let ids = t.required_i64_column(&cols.id)?;
        if !t.has_column(&cols.target) {
            crate::info!(
                "{name}: no column \"{}\": the features' target is null (fine for predicting; train and score need it)",
                cols.target
            );
            let texts = t.str_view_column(&cols.text)?;
            return Ok(Docs {
                name,
                fingerprint: String::new(),
                target: vec![f64::NAN; ids.len()],
                has_target: false,
                ids,
                texts,
            });
        }
        let mut target = Vec::with_capacity(ids.len());
        t.each_f64(&cols.target, |row, v| {
            match v {
                Some(x) if x.is_infinite() => {
                    return Err(Error::new(format!(
                        "{name}: column \"{}\" is {x} for id {}",
                        cols.target, ids[row]
                    )));
                }
                Some(x) if !x.is_nan() => target.push(x),
                _ => target.push(0.0),
            }
            Ok(())
        })?;
        let texts = t.str_view_column(&cols.text)?;
        Ok(Docs {
            name,
            fingerprint: String::new(),
            ids,
            target,
            has_target: true,
            texts,
        })
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The texts (a null for a null title).
    pub fn texts(&self) -> &StringViewArray {
        &self.texts
    }
}

fn ms(since: std::time::Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

/// What a run made, for the tool's summary line.
pub struct Report {
    pub rows: usize,
    pub n_features: usize,
    pub nnz: usize,
    pub empty_rows: usize,
    pub vectorizer: String,
}

fn report(f: &Features) -> Report {
    Report {
        rows: f.ids.len(),
        n_features: f.x.n_cols,
        nnz: f.x.nnz(),
        empty_rows: (0..f.x.n_rows()).filter(|&r| f.x.row(r).0.is_empty()).count(),
        vectorizer: f.vectorizer.clone().unwrap_or_default(),
    }
}

/// `vectorize fit`: learn from `input`, write the vectorizer and the input's features together
/// (both or neither).
pub fn fit_file(
    input: &str,
    vectorizer: &str,
    output: &str,
    cols: &Columns,
    settings: Settings,
    prov: Provenance,
) -> Result<Report> {
    distinct_outputs(&[vectorizer, output])?;
    // Both outputs are created first, so a path that cannot be written is reported before the
    // input is read, not after the fit (and their creation, 0.15 ms, is not left for the end,
    // where everything waits for it).
    let (mut vec_out, mut feat_out) = (Output::create(vectorizer)?, Output::create(output)?);
    let clock = std::time::Instant::now();
    // The fit starts as soon as the titles are decoded: the file's sha256 (3 ms for 47k
    // stories) is still being made on the other core, which then joins the counting. Waiting
    // for both left the decoding core idle for 2 ms.
    let (docs, (_, x, encoded)) = Docs::read_then(input, cols, |docs| {
        crate::verbose!("read {} rows in {:.1} ms", docs.len(), ms(clock));
        if docs.is_empty() {
            return Err(Error::new(format!(
                "{} has no rows: nothing to learn a vocabulary from",
                docs.name
            )));
        }
        let clock = std::time::Instant::now();
        let fitted = Vectorizer::fit_encoded(docs.texts(), settings).map_err(|e| e.context(&docs.name))?;
        crate::verbose!("fitted {} terms in {:.1} ms", fitted.0.n_features(), ms(clock));
        Ok(fitted)
    })?;
    let clock = std::time::Instant::now();
    let has_target = docs.has_target;
    let features = Features {
        ids: docs.ids,
        target: docs.target,
        x,
        vectorizer: Some(encoded.fingerprint),
    };
    let prov = prov.input(&docs.name, &docs.fingerprint);
    let rep = report(&features);
    // The vectorizer is written and synced on a thread of its own while the features are
    // encoded: it was 1.5-2.5 ms of the process on one core (writing, then waiting for its
    // fsync) with the other idle. Both are renamed into place only when both are done.
    let (vec_done, feat_done) = std::thread::scope(|scope| {
        let vec_done = scope.spawn(|| -> Result<()> {
            vec_out
                .write_all(&encoded.bytes)
                .map_err(|e| Error::new(format!("writing {}: {e}", vec_out.name())))?;
            vec_out.sync()
        });
        let feat_done = write_features_to(&mut feat_out, features, prov, has_target)
            .map_err(|e| e.context(format!("writing {output}")));
        let vec_done = vec_done.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (vec_done, feat_done)
    });
    vec_done?;
    feat_done?;
    crate::debug!("encoded both outputs in {:.1} ms", ms(clock));
    commit_all(vec![vec_out, feat_out])?;
    crate::verbose!("wrote both outputs in {:.1} ms", ms(clock));
    Ok(rep)
}

/// `vectorize transform`: the features of `input` under a fitted vectorizer.
pub fn transform_file(input: &str, vectorizer: &str, output: &str, cols: &Columns, prov: Provenance) -> Result<Report> {
    let clock = std::time::Instant::now();
    // Both inputs at once, the vectorizer's lookup table built beside the stories' decoding;
    // a bad vectorizer is still reported first.
    let (v, docs) = rayon::join(
        || Vectorizer::read(vectorizer).inspect(|v| v.body.prepare()),
        || Docs::read(input, cols),
    );
    let (v, docs) = (v?, docs?);
    crate::verbose!("read {} rows in {:.1} ms", docs.len(), ms(clock));
    let clock = std::time::Instant::now();
    let x = v.body.transform(docs.texts());
    crate::verbose!("transformed in {:.1} ms", ms(clock));
    let has_target = docs.has_target;
    let features = Features {
        x,
        ids: docs.ids,
        target: docs.target,
        vectorizer: Some(v.fingerprint.clone()),
    };
    let prov = prov.input(&docs.name, &docs.fingerprint).input(&v.name, &v.fingerprint);
    let rep = report(&features);
    crate::io::write_atomically(output, |o| write_features_to(o, features, prov, has_target))?;
    Ok(rep)
}

/// The vocabulary as JSON Lines on stdout (`{"index", "term", "idf"}` per feature), for people
/// and scripts that want to see what the feature columns mean.
pub fn write_vocabulary_jsonl(v: &Vectorizer) -> Result<()> {
    crate::io::write_atomically("-", |out| {
        for (i, (t, idf)) in v.vocabulary().zip(v.idf()).enumerate() {
            let line = serde_json::json!({"index": i, "term": t, "idf": idf});
            writeln!(out, "{line}")?;
        }
        Ok(())
    })
}
