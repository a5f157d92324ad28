//! `predict`: comment counts for stories, from their titles, by a model and the vectorizer it was
//! trained with. Every format carries the same columns (id, title, time as Unix seconds,
//! predicted_comments, model fingerprint): Parquet in the input's order, CSV, JSON Lines, JSON
//! and a table for people sorted by prediction, highest first. The format follows the output's
//! extension unless one is asked for.

use crate::error::{Error, Result};
use crate::table::{Provenance, Table, write_parquet, write_parquet_staged_to};
use arrow::array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray, StringViewArray,
    UInt64Array,
};
use arrow::buffer::ScalarBuffer;
use arrow::datatypes::{DataType, Field, Int32Type, Schema, SchemaRef};
use std::io::Write;
use std::sync::Arc;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    /// Aligned columns for people: time as UTC date-time, the fingerprint shortened, control
    /// characters in titles shown escaped.
    Table,
    Csv,
    Jsonl,
    /// One JSON array of objects.
    Json,
}

impl Format {
    /// The format an output's file name asks for: .parquet, .csv, .jsonl/.ndjson, .json,
    /// .txt/.table. `None` for any other name.
    pub fn from_extension(path: &str) -> Option<Format> {
        let ext = std::path::Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "parquet" | "pq" => Format::Parquet,
            "csv" => Format::Csv,
            "jsonl" | "ndjson" => Format::Jsonl,
            "json" => Format::Json,
            "txt" | "table" => Format::Table,
            _ => return None,
        })
    }

    /// What to write: `--format` if given, else the output's extension, else Parquet for a file
    /// and the table for stdout (no `-o`).
    pub fn choose(asked: Option<Format>, output: Option<&str>) -> Format {
        asked
            .or_else(|| output.and_then(Format::from_extension))
            .unwrap_or(if output.is_some() {
                Format::Parquet
            } else {
                Format::Table
            })
    }
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

/// Predictions, row for row with the stories read. The columns are Arrow buffers: the Parquet
/// output in the input's order writes the input's ids, titles and times as they were read, and
/// the predictions as they were made, without copying them row by row.
pub struct Predictions {
    pub ids: ScalarBuffer<i64>,
    /// As read: views into the stories file's pages, written out as strings.
    pub titles: StringViewArray,
    pub times: Int64Array,
    pub predicted: ScalarBuffer<f64>,
    pub model: String,
}

impl Predictions {
    /// Row `i`'s title (None when null).
    pub fn title(&self, i: usize) -> Option<&str> {
        self.titles.is_valid(i).then(|| self.titles.value(i))
    }

    /// Row `i`'s time (None when null).
    pub fn time(&self, i: usize) -> Option<i64> {
        self.times.is_valid(i).then(|| self.times.value(i))
    }
}

/// Read, check the pair belongs together, transform, predict, write. Returns the predictions.
pub fn run_predict(job: &PredictJob) -> Result<Predictions> {
    let c = &job.columns;
    // The three inputs are read at once (they share nothing); errors are still reported in
    // this order: the model, the vectorizer, whether they belong together, the stories.
    let (pair, t) = rayon::join(
        || crate::model::read_with_vectorizer(&job.model, &job.vectorizer),
        // Only the columns used (a stories table's url, by and score are not decoded), and
        // those that tell a features table given by mistake.
        // The titles as views of the file's pages: tokenized and written out, never copied.
        || {
            let cols = [&c.id, &c.title, &c.time, "indices", "values"];
            Table::read_available_viewing(&job.stories, &cols, &[&c.title])
        },
    );
    let (model, vec) = pair?;
    let t = t?;
    if !t.has_column(&c.title) && t.looks_like() == Some("features") {
        return Err(Error::new(format!(
            "{}: this looks like a features table, not stories; predict reads stories (id, title) and vectorizes \
             them itself with --vectorizer; to measure a model on features, use `score --model MODEL FEATURES`",
            t.name
        )));
    }
    let ids = t.required_i64_values(&c.id)?;
    if ids.is_empty() {
        return Err(Error::new(format!("{}: no stories to predict", t.name)));
    }
    let titles = t.str_view_column(&c.title)?;
    if !t.has_column(&c.time) {
        crate::verbose!("{}: no column \"{}\": times left empty", t.name, c.time);
    }
    let times = t.i64_array_or_nulls(&c.time)?;
    let predict = || -> ScalarBuffer<f64> { model.body.predict_texts(&vec.body, &titles).into() };
    let format = Format::choose(job.format, job.output.as_deref());
    let out = job.output.as_deref().unwrap_or("-");
    let prov = || {
        Provenance::new("predict", job.args.iter().cloned())
            .input(&t.name, &t.fingerprint)
            .input(&model.name, &model.fingerprint)
            .input(&vec.name, &vec.fingerprint)
            .extra("model", model.fingerprint.clone())
            .extra("vectorizer", vec.fingerprint.clone())
    };
    // Parquet in the stories' order: their ids, titles and times are encoded and written while
    // the predictions are made, and the file is finished with those.
    let staged = matches!((format, job.top), (Format::Parquet, None));
    let predicted = if staged {
        let early: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::new(ids.clone(), None)),
            Arc::new(titles.clone()),
            Arc::new(times.clone()),
        ];
        let mut predicted = None;
        let late = || -> Result<Vec<ArrayRef>> {
            let p = predicted.insert(predict());
            Ok(vec![
                Arc::new(Float64Array::new(p.clone(), None)),
                Arc::new(repeated(&model.fingerprint, p.len())?),
            ])
        };
        crate::io::write_atomically(out, |o| write_parquet_staged_to(o, schema(), early, late, &prov()))?;
        // The write asks for the late columns whenever it succeeds.
        predicted.unwrap_or_default()
    } else {
        predict()
    };
    let p = Predictions {
        ids,
        titles,
        times,
        predicted,
        model: model.fingerprint.clone(),
    };
    if !staged {
        // People's formats, and any --top, rank highest first.
        let order = ranked(&p, job.top);
        match format {
            Format::Parquet => write_parquet(out, &to_batch(&p, &order)?, &prov())?,
            text => crate::io::write_atomically(out, |o| write_text(o, &p, text, &order))?,
        }
    }
    Ok(p)
}

/// The predictions' columns: the stories' id, title and time, the prediction, and the model.
fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        // Written as strings (see `table::encode`).
        Field::new("title", DataType::Utf8View, true),
        Field::new("time", DataType::Int64, true),
        Field::new("predicted_comments", DataType::Float64, false),
        Field::new(
            "model",
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            false,
        ),
    ]))
}

fn to_batch(p: &Predictions, order: &[usize]) -> Result<RecordBatch> {
    // The columns as read and made; another order (people's, --top) is taken from them.
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::new(p.ids.clone(), None)),
        Arc::new(p.titles.clone()),
        Arc::new(p.times.clone()),
        Arc::new(Float64Array::new(p.predicted.clone(), None)),
        Arc::new(repeated(&p.model, p.ids.len())?),
    ];
    let batch = RecordBatch::try_new(schema(), cols)?;
    if order.iter().copied().eq(0..p.ids.len()) {
        return Ok(batch);
    }
    let order = UInt64Array::from_iter_values(order.iter().map(|&i| i as u64));
    Ok(arrow::compute::take_record_batch(&batch, &order)?)
}

/// A column of `n` copies of `s`, as a dictionary of one value: the model's 71-byte
/// fingerprint laid down on every row (845 kB for 11.9k stories), only for the writer to hash
/// each copy back into a one-value dictionary, was a tenth of `predict`'s run. Written as plain
/// strings (see `table::encode`).
fn repeated(s: &str, n: usize) -> Result<DictionaryArray<Int32Type>> {
    let keys = Int32Array::new(vec![0; n].into(), None);
    Ok(DictionaryArray::try_new(keys, Arc::new(StringArray::from(vec![s])))?)
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

/// The columns of every format, in the Parquet's order.
const COLUMNS: [&str; 5] = ["id", "title", "time", "predicted_comments", "model"];

/// A title for the table: control characters (a newline, an escape sequence) shown as escapes,
/// so that one story stays on one line and cannot repaint the terminal.
fn visible(title: &str) -> String {
    title
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn write_text(o: &mut impl Write, p: &Predictions, format: Format, order: &[usize]) -> Result<()> {
    let json_row = |i: usize| {
        serde_json::json!({
            "id": p.ids[i], "title": p.title(i), "time": p.time(i),
            "predicted_comments": p.predicted[i], "model": p.model,
        })
    };
    match format {
        Format::Csv => {
            writeln!(o, "{}", COLUMNS.join(","))?;
            for &i in order {
                let time = p.time(i).map(|t| t.to_string()).unwrap_or_default();
                let title = csv_field(p.title(i).unwrap_or(""));
                writeln!(o, "{},{title},{time},{},{}", p.ids[i], p.predicted[i], p.model)?;
            }
        }
        Format::Jsonl => {
            for &i in order {
                writeln!(o, "{}", json_row(i))?;
            }
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = order.iter().map(|&i| json_row(i)).collect();
            serde_json::to_writer_pretty(&mut *o, &rows).map_err(|e| Error::new(e.to_string()))?;
            writeln!(o)?;
        }
        Format::Table | Format::Parquet => {
            let pred: Vec<String> = order.iter().map(|&i| format!("{:.1}", p.predicted[i])).collect();
            let ids: Vec<String> = order.iter().map(|&i| p.ids[i].to_string()).collect();
            let wp = pred.iter().map(String::len).max().unwrap_or(0).max("predicted".len());
            let wi = ids.iter().map(String::len).max().unwrap_or(0).max("id".len());
            // The fingerprint is the same on every row: its first 12 hex digits tell models apart.
            let model: String = p.model.chars().take("sha256:".len() + 12).collect();
            let wm = model.len().max("model".len());
            writeln!(
                o,
                "{:>wp$}  {:>wi$}  {:<20}  {:<wm$}  title",
                "predicted", "id", "time (UTC)", "model"
            )?;
            for (k, &i) in order.iter().enumerate() {
                let time = p.time(i).map(crate::clock::rfc3339).unwrap_or_default();
                let mut t = visible(p.title(i).unwrap_or(""));
                if t.chars().count() > TABLE_TITLE_CHARS {
                    t = t.chars().take(TABLE_TITLE_CHARS - 1).collect::<String>() + "…";
                }
                writeln!(o, "{:>wp$}  {:>wi$}  {time:<20}  {model:<wm$}  {t}", pred[k], ids[k])?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "tests/predict.rs"]
mod tests;
