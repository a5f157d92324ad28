//! `predict`: comment counts for stories, from their titles, by a model and the vectorizer it was
//! trained with. Writes Parquet (id, title, time, predicted_comments, model) in the input's order,
//! or prints a table, CSV or JSON Lines sorted by prediction, highest first.

use crate::error::{Error, Result};
use crate::model::Model;
use crate::table::{Provenance, Table, write_parquet};
use crate::tfidf::Vectorizer;
use arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use std::io::Write;
use std::sync::Arc;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Table,
    Csv,
    Jsonl,
}

/// Which columns of the stories table hold what.
#[derive(Debug, Clone)]
pub struct Columns {
    pub id: String,
    pub title: String,
    /// Optional in the input: absent → null times.
    pub time: String,
}

/// Everything `predict` was asked to do.
#[derive(Debug, Clone)]
pub struct PredictJob {
    pub model: String,
    pub vectorizer: String,
    pub stories: String,
    pub output: Option<String>,
    pub format: Option<Format>,
    pub columns: Columns,
    pub top: Option<usize>,
    pub args: Vec<String>,
}

/// Predictions, row for row with the stories read.
pub struct Predictions {
    pub ids: Vec<i64>,
    pub titles: Vec<Option<String>>,
    pub times: Vec<Option<i64>>,
    pub predicted: Vec<f64>,
    pub model: String,
}

/// Read, check the pair belongs together, transform, predict, write. Returns the predictions.
pub fn run_predict(job: &PredictJob) -> Result<Predictions> {
    let model = Model::read(&job.model)?;
    let vec = Vectorizer::read(&job.vectorizer)?;
    model
        .body
        .check_vectorizer(&model.name, &vec.name, &vec.fingerprint, vec.body.n_features())?;
    let t = Table::read(&job.stories, None)?;
    let c = &job.columns;
    if !t.has_column(&c.title) && t.looks_like() == Some("features") {
        return Err(Error::new(format!(
            "{}: this looks like a features table, not stories; predict reads stories (id, title) and vectorizes \
             them itself with --vectorizer; to measure a model on features, use `score --model MODEL FEATURES`",
            t.name
        )));
    }
    let ids = t.required_i64_column(&c.id)?;
    if ids.is_empty() {
        return Err(Error::new(format!("{}: no stories to predict", t.name)));
    }
    let titles_arr = t.str_column(&c.title)?;
    let titles: Vec<Option<String>> = titles_arr.iter().map(|s| s.map(str::to_string)).collect();
    let times = if t.has_column(&c.time) {
        t.i64_column(&c.time)?
    } else {
        crate::verbose!("{}: no column \"{}\": times left empty", t.name, c.time);
        vec![None; ids.len()]
    };
    let texts: Vec<Option<&str>> = titles.iter().map(|s| s.as_deref()).collect();
    let x = vec.body.transform(&texts);
    let predicted = model.body.predict(&x);
    let p = Predictions {
        ids,
        titles,
        times,
        predicted,
        model: model.fingerprint.clone(),
    };
    let format = job.format.unwrap_or(if job.output.is_some() {
        Format::Parquet
    } else {
        Format::Table
    });
    let out = job.output.as_deref().unwrap_or("-");
    match format {
        Format::Parquet => {
            if job.output.is_none() {
                return Err(Error::new("-o PREDICTIONS is required for --format parquet"));
            }
            let prov = Provenance::new("predict", job.args.iter().cloned())
                .input(&t.name, &t.fingerprint)
                .input(&model.name, &model.fingerprint)
                .input(&vec.name, &vec.fingerprint)
                .extra("model", model.fingerprint.clone())
                .extra("vectorizer", vec.fingerprint.clone());
            write_parquet(out, &to_batch(&p)?, &prov)?;
        }
        text => crate::io::write_atomically(out, |o| write_text(o, &p, text, job.top))?,
    }
    Ok(p)
}

fn to_batch(p: &Predictions) -> Result<RecordBatch> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("title", DataType::Utf8, true),
        Field::new("time", DataType::Int64, true),
        Field::new("predicted_comments", DataType::Float64, false),
        Field::new("model", DataType::Utf8, false),
    ]));
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(p.ids.clone())),
        Arc::new(StringArray::from_iter(p.titles.iter().map(|s| s.as_deref()))),
        Arc::new(Int64Array::from(p.times.clone())),
        Arc::new(Float64Array::from(p.predicted.clone())),
        Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
            p.model.as_str(),
            p.ids.len(),
        ))),
    ];
    Ok(RecordBatch::try_new(schema, cols)?)
}

/// Row order for people: highest prediction first, ties by id.
fn ranked(p: &Predictions, top: Option<usize>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.ids.len()).collect();
    order.sort_by(|&a, &b| p.predicted[b].total_cmp(&p.predicted[a]).then(p.ids[a].cmp(&p.ids[b])));
    order.truncate(top.unwrap_or(usize::MAX));
    order
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Titles in the table are cut to this many characters (with an ellipsis).
const TABLE_TITLE_CHARS: usize = 90;

fn write_text(o: &mut impl Write, p: &Predictions, format: Format, top: Option<usize>) -> Result<()> {
    let order = ranked(p, top);
    let time = |i: usize| p.times[i].map(crate::clock::rfc3339).unwrap_or_default();
    let title = |i: usize| p.titles[i].as_deref().unwrap_or("");
    match format {
        Format::Csv => {
            writeln!(o, "id,time,predicted_comments,title")?;
            for i in order {
                writeln!(o, "{},{},{},{}", p.ids[i], time(i), p.predicted[i], csv_field(title(i)))?;
            }
        }
        Format::Jsonl => {
            for i in order {
                let v = serde_json::json!({
                    "id": p.ids[i], "title": p.titles[i], "time": p.times[i],
                    "predicted_comments": p.predicted[i], "model": p.model,
                });
                writeln!(o, "{v}")?;
            }
        }
        Format::Table | Format::Parquet => {
            let pred: Vec<String> = order.iter().map(|&i| format!("{:.1}", p.predicted[i])).collect();
            let ids: Vec<String> = order.iter().map(|&i| p.ids[i].to_string()).collect();
            let wp = pred.iter().map(String::len).max().unwrap_or(0).max("predicted".len());
            let wi = ids.iter().map(String::len).max().unwrap_or(0).max("id".len());
            writeln!(o, "{:>wp$}  {:>wi$}  {:<20}  title", "predicted", "id", "time (UTC)")?;
            for (k, &i) in order.iter().enumerate() {
                let mut t: String = title(i).chars().filter(|c| !c.is_control()).collect();
                if t.chars().count() > TABLE_TITLE_CHARS {
                    t = t.chars().take(TABLE_TITLE_CHARS - 1).collect::<String>() + "…";
                }
                writeln!(o, "{:>wp$}  {:>wi$}  {:<20}  {t}", pred[k], ids[k], time(i))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "tests/predict.rs"]
mod tests;
