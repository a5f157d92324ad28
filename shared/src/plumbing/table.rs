//! Parquet tables in and out.
//!
//! Reading is lenient about how other tools store the same logical column (pyarrow/pandas
//! dictionary-encoded or large strings, string views, DuckDB's and Polars' choices, ints of any
//! width, pandas' float64 for nullable ints, timestamps) and strict about what it means: a column
//! that cannot be read as what is needed is an error naming the file, the column and the row.
//! Writing uses plain types every reader understands, and stamps provenance key-value metadata.

use crate::error::{Context, Error, Result};
use crate::io::{Input, Output};
use crate::ranged::{RangedFile, Source};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch, RecordBatchReader, StringArray, StringViewArray,
};
use arrow::buffer::ScalarBuffer;
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::{Compression, Encoding};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescPtr, ColumnPath};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Casts that fail on a value they cannot carry over (overflow, invalid UTF-8) instead of
/// quietly turning it into null: a lost value must be an error naming the column.
pub(crate) const STRICT_CAST: arrow::compute::CastOptions<'static> = arrow::compute::CastOptions {
    safe: false,
    format_options: arrow::util::display::FormatOptions::new(),
};

/// A float that holds a whole number exactly (pandas' nullable ints, JSON's `3.0`) as an i64;
/// beyond 2^53 a float no longer says which integer it meant.
pub(crate) fn whole_f64_to_i64(x: f64) -> Option<i64> {
    (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
}

/// Metadata key prefix for everything these tools stamp into their outputs.
pub const META_PREFIX: &str = "hn.";

/// A table read whole into one record batch, with where it came from.
pub struct Table {
    pub name: String,
    pub fingerprint: String,
    pub batch: RecordBatch,
    /// The file's key-value metadata (ours and anyone else's).
    pub metadata: BTreeMap<String, String>,
}

impl Table {
    /// Read a Parquet file (or `-`). With `columns`, only those top-level columns are decoded;
    /// a missing one is an error that lists what the file does have.
    pub fn read(path: &str, columns: Option<&[&str]>) -> Result<Table> {
        Self::decode_only(path, columns, false, &[])
    }

    /// Read only those of `columns` the file has: for tools with optional columns, which then
    /// ask [`Table::has_column`]. Reading fewer columns is most of the time on big tables.
    pub fn read_available(path: &str, columns: &[&str]) -> Result<Table> {
        Self::decode_only(path, Some(columns), true, &[])
    }

    /// [`Table::read_available`], with the text columns `views` decoded as string views into
    /// the file's own pages: a title column read only to be tokenized is never copied (take it
    /// with [`Table::str_view_column`]). Not for columns written back out, whose type would
    /// change.
    pub fn read_available_viewing(path: &str, columns: &[&str], views: &[&str]) -> Result<Table> {
        Self::decode_only(path, Some(columns), true, views)
    }

    /// [`Table::read_available_viewing`], and `then` of the table as soon as it is decoded,
    /// while the file's fingerprint is still being made beside it (the table it sees has no
    /// fingerprint yet): what the caller does with the columns (takes them out, or fits on
    /// them, as `vectorize fit` does) starts without waiting for the hash.
    pub fn read_available_viewing_then<T: Send>(
        path: &str,
        columns: &[&str],
        views: &[&str],
        then: impl FnOnce(&Table) -> Result<T> + Send,
    ) -> Result<(Table, T)> {
        Self::decode(path, Some(columns), true, views, then)
    }

    /// [`Table::decode`] with nothing to do beside the fingerprint.
    fn decode_only(path: &str, columns: Option<&[&str]>, missing_ok: bool, views: &[&str]) -> Result<Table> {
        Self::decode(path, columns, missing_ok, views, |_| Ok(())).map(|(t, ())| t)
    }

    fn decode<T: Send>(
        path: &str,
        columns: Option<&[&str]>,
        missing_ok: bool,
        views: &[&str],
        then: impl FnOnce(&Table) -> Result<T> + Send,
    ) -> Result<(Table, T)> {
        // The table as decoded (fingerprinted below), and `then` of it.
        let finish = |name: &str, decoded: Result<(RecordBatch, BTreeMap<String, String>)>| -> Result<(Table, T)> {
            let (batch, metadata) = decoded?;
            let t = Table {
                name: name.to_string(),
                fingerprint: String::new(),
                batch,
                metadata,
            };
            let x = then(&t)?;
            Ok((t, x))
        };
        // The sha256 of the file (about 3 ms for 5 MB) and the decoding share nothing but the
        // file, and neither do the columns: on two cores the fingerprint and all but the
        // biggest column are then free. Below PARALLEL_BYTES, handing work to the thread pool
        // (and starting it) costs more than it saves. Which of the two goes first: see `beside`.
        //
        // Only a projection reads the file in parts: for every column, one whole read beats
        // reading it twice (in parts, then again to hash), which cost `score` half a millisecond.
        let ranged = columns.and_then(|_| RangedFile::open(path));
        let (decoded, fingerprint) = match ranged {
            // Everything, stdin, a pipe, or not Parquet at all: read whole (worded errors below).
            None => {
                let input = Input::read(path)?;
                let parallel = input.bytes.len() >= PARALLEL_BYTES;
                let (decoded, fingerprint) = beside(
                    parallel,
                    || {
                        let decoded =
                            Self::decode_bytes(&input.name, &input.bytes, columns, missing_ok, views, parallel);
                        finish(&input.name, decoded)
                    },
                    || Ok(input.fingerprint()),
                );
                (decoded, fingerprint)
            }
            // A regular Parquet file: only its footer and the chunks of the wanted columns are
            // read, while the whole file is hashed beside them.
            Some(file) => {
                let parallel = file.len >= PARALLEL_BYTES as u64;
                let (decoded, fingerprint) = beside(
                    parallel,
                    || {
                        let (footer_at, footer) = file.footer()?;
                        let meta = load_metadata(&file.name, &footer, views)?;
                        let roots = roots_of(&file.name, meta.schema(), columns, missing_ok)?;
                        let descr = meta.metadata().file_metadata().schema_descr();
                        let leaves: Vec<usize> = (0..descr.num_columns())
                            .filter(|&leaf| roots.binary_search(&descr.get_column_root_idx(leaf)).is_ok())
                            .collect();
                        let source = file.with_columns(footer_at, meta.metadata(), &leaves)?;
                        finish(
                            &file.name,
                            Self::decode_with(&file.name, source, meta, &roots, parallel),
                        )
                    },
                    || file.fingerprint(),
                );
                (decoded, fingerprint)
            }
        };
        let (mut t, x) = decoded?;
        t.fingerprint = fingerprint?;
        Ok((t, x))
    }

    /// The record batch (only `columns`, when given) and the key-value metadata of a Parquet
    /// file read whole into `bytes`; `parallel` decodes each top-level column of each row group
    /// on the thread pool.
    fn decode_bytes(
        name: &str,
        bytes: &bytes::Bytes,
        columns: Option<&[&str]>,
        missing_ok: bool,
        views: &[&str],
        parallel: bool,
    ) -> Result<(RecordBatch, BTreeMap<String, String>)> {
        if bytes.is_empty() {
            return Err(Error::new(format!("{name} is empty, not a Parquet file")));
        }
        if let Some(what) = not_parquet(bytes) {
            return Err(Error::new(format!(
                "{name} is not Parquet: it looks like {what}; convert it first (e.g. duckdb -c \"COPY (FROM 'file') TO 'file.parquet'\")"
            )));
        }
        let source = Source::Whole(bytes.clone());
        let meta = load_metadata(name, &source, views)?;
        let roots = roots_of(name, meta.schema(), columns, missing_ok)?;
        Self::decode_with(name, source, meta, &roots, parallel)
    }

    /// Decode the top-level columns `roots` (sorted) of every row group.
    fn decode_with(
        name: &str,
        source: Source,
        meta: ArrowReaderMetadata,
        roots: &[usize],
        parallel: bool,
    ) -> Result<(RecordBatch, BTreeMap<String, String>)> {
        let metadata: BTreeMap<String, String> = meta
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .map(|kvs| {
                kvs.iter()
                    .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
                    .collect()
            })
            .unwrap_or_default();
        // `group`: one row group only (None: all of them).
        let read = |roots: &[usize], group: Option<usize>| -> Result<RecordBatch> {
            let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(source.clone(), meta.clone());
            let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
            let rows = match group {
                Some(g) => builder.metadata().row_group(g).num_rows(),
                None => builder.metadata().file_metadata().num_rows(),
            };
            if let Some(g) = group {
                builder = builder.with_row_groups(vec![g]);
            }
            // One batch for up to a million rows: no concatenation copy afterwards. Bounded,
            // because the reader may reserve buffers by the batch size and the footer's row
            // count is not checked against the data yet.
            let reader = builder
                .with_projection(mask)
                .with_batch_size(usize::try_from(rows).unwrap_or(0).clamp(1024, 1 << 20))
                .build()
                .with_context(|| format!("reading {name}"))?;
            let schema = reader.schema();
            let mut batches = Vec::new();
            for b in reader {
                batches.push(b.with_context(|| format!("reading {name}"))?);
            }
            match batches.len() {
                1 => Ok(batches.swap_remove(0)),
                _ => concat_batches(&schema, &batches).with_context(|| format!("reading {name}")),
            }
        };
        let groups = meta.metadata().num_row_groups();
        if !parallel || roots.len() * groups < 2 {
            return Ok((read(roots, None)?, metadata));
        }
        // Every column of every row group is a task of its own (a big title column in three row
        // groups is three tasks), then each column's row groups are joined.
        let tasks: Vec<(usize, usize)> = roots.iter().flat_map(|&r| (0..groups).map(move |g| (r, g))).collect();
        let parts = tasks
            .par_iter()
            .map(|&(r, g)| read(&[r], Some(g)))
            .collect::<Result<Vec<RecordBatch>>>()?;
        let columns = parts
            .par_chunks(groups)
            .map(|of_root| {
                let schema = of_root[0].schema();
                match of_root.len() {
                    1 => Ok(of_root[0].clone()),
                    _ => concat_batches(&schema, of_root).with_context(|| format!("reading {name}")),
                }
            })
            .collect::<Result<Vec<RecordBatch>>>()?;
        let fields: Vec<_> = columns.iter().flat_map(|b| b.schema().fields().to_vec()).collect();
        let arrays: Vec<ArrayRef> = columns.iter().flat_map(|b| b.columns().to_vec()).collect();
        let schema = Schema::new_with_metadata(fields, columns[0].schema().metadata().clone());
        // Columns of a damaged file may disagree on their row count: that is an error here.
        let batch = RecordBatch::try_new(Arc::new(schema), arrays).with_context(|| format!("reading {name}"))?;
        Ok((batch, metadata))
    }

    pub fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    pub fn has_column(&self, col: &str) -> bool {
        self.batch.schema().index_of(col).is_ok()
    }

    pub fn column(&self, col: &str) -> Result<&ArrayRef> {
        self.batch
            .column_by_name(col)
            .ok_or_else(|| missing_column(&self.name, col, &self.batch.schema()))
    }

    /// A column as i64: any int width, integral floats (pandas stores nullable ints as float64
    /// with NaN), timestamps (as Unix seconds). Nulls (and NaN) stay `None`.
    pub fn i64_column(&self, col: &str) -> Result<Vec<Option<i64>>> {
        let arr = self.column(col)?;
        let err = |why: String| Error::new(format!("{}: column \"{col}\" {why}", self.name));
        match arr.data_type() {
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                let f = arrow::compute::cast(arr, &DataType::Float64).map_err(|e| err(e.to_string()))?;
                let f = f.as_primitive::<arrow::datatypes::Float64Type>();
                let mut out = Vec::with_capacity(f.len());
                for (row, v) in f.iter().enumerate() {
                    out.push(match v {
                        None => None,
                        Some(x) if x.is_nan() => None,
                        Some(x) => match whole_f64_to_i64(x) {
                            Some(i) => Some(i),
                            None => return Err(err(format!("row {row}: {x} is not a whole number"))),
                        },
                    });
                }
                Ok(out)
            }
            DataType::Timestamp(unit, _) => {
                let div = match unit {
                    TimeUnit::Second => 1,
                    TimeUnit::Millisecond => 1_000,
                    TimeUnit::Microsecond => 1_000_000,
                    TimeUnit::Nanosecond => 1_000_000_000,
                };
                let raw = arrow::compute::cast(arr, &DataType::Int64).map_err(|e| err(e.to_string()))?;
                Ok(raw
                    .as_primitive::<arrow::datatypes::Int64Type>()
                    .iter()
                    .map(|v| v.map(|x| x.div_euclid(div)))
                    .collect())
            }
            t if t.is_integer() => {
                let raw = arrow::compute::cast_with_options(arr, &DataType::Int64, &STRICT_CAST)
                    .map_err(|e| err(format!("does not fit in a 64-bit integer: {e}")))?;
                Ok(raw.as_primitive::<arrow::datatypes::Int64Type>().iter().collect())
            }
            t => Err(err(format!("should hold integers, found {t}"))),
        }
    }

    /// An integer column that must have a value in every row (ids): a null is an error naming the
    /// row.
    pub fn required_i64_column(&self, col: &str) -> Result<Vec<i64>> {
        // A buffer shared with the table is copied; one made from another type is moved out.
        Ok(self.required_i64_values(col)?.into())
    }

    /// [`Table::required_i64_column`] as an Arrow buffer: our own tables' ids (int64 without
    /// nulls) are shared, not copied. The general path builds a column of options first.
    pub fn required_i64_values(&self, col: &str) -> Result<ScalarBuffer<i64>> {
        if let Some(ids) = self.column(col)?.as_primitive_opt::<arrow::datatypes::Int64Type>()
            && ids.null_count() == 0
        {
            return Ok(ids.values().clone());
        }
        self.i64_column(col)?
            .into_iter()
            .enumerate()
            .map(|(row, v)| {
                v.ok_or_else(|| Error::new(format!("{}: column \"{col}\" is null at row {row}", self.name)))
            })
            .collect::<Result<Vec<i64>>>()
            .map(ScalarBuffer::from)
    }

    /// [`Table::f64_column`] a row at a time: `f(row, value)` for each row, in order. An int64 or
    /// float64 column (the targets of our own tables) is read where it is, without first being
    /// cast into a new array and collected into a column of options.
    pub fn each_f64(&self, col: &str, mut f: impl FnMut(usize, Option<f64>) -> Result<()>) -> Result<()> {
        let arr = self.column(col)?;
        if let Some(a) = arr.as_primitive_opt::<arrow::datatypes::Int64Type>() {
            // As arrow's cast to float64 converts them.
            return a
                .iter()
                .enumerate()
                .try_for_each(|(row, v)| f(row, v.map(|x| x as f64)));
        }
        if let Some(a) = arr.as_primitive_opt::<arrow::datatypes::Float64Type>() {
            return a.iter().enumerate().try_for_each(|(row, v)| f(row, v));
        }
        self.f64_column(col)?
            .into_iter()
            .enumerate()
            .try_for_each(|(row, v)| f(row, v))
    }

    /// A column as f64: ints and floats of any width. Nulls stay `None`; NaN stays NaN (the
    /// caller decides whether NaN is acceptable).
    pub fn f64_column(&self, col: &str) -> Result<Vec<Option<f64>>> {
        let arr = self.column(col)?;
        let t = arr.data_type();
        if !(t.is_integer() || t.is_floating() || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..))) {
            return Err(Error::new(format!(
                "{}: column \"{col}\" should hold numbers, found {t}",
                self.name
            )));
        }
        let f = arrow::compute::cast(arr, &DataType::Float64)
            .with_context(|| format!("{}: column \"{col}\"", self.name))?;
        Ok(f.as_primitive::<arrow::datatypes::Float64Type>().iter().collect())
    }

    /// A column as UTF-8 strings: utf8, large_utf8, utf8_view, dictionary-encoded strings, and
    /// binary columns whose every value is valid UTF-8.
    pub fn str_column(&self, col: &str) -> Result<StringArray> {
        Ok(self.text_as(col, DataType::Utf8)?.as_string::<i32>().clone())
    }

    /// [`Table::str_column`] as string views: no copy of the text when the column was read as
    /// views ([`Table::read_available_viewing`]); other text types become views of their own
    /// buffers.
    pub fn str_view_column(&self, col: &str) -> Result<StringViewArray> {
        Ok(self.text_as(col, DataType::Utf8View)?.as_string_view().clone())
    }

    /// A text column cast to `to` (Utf8 or Utf8View), every value checked to be UTF-8.
    fn text_as(&self, col: &str, to: DataType) -> Result<ArrayRef> {
        let arr = self.column(col)?;
        let err = |why: String| Error::new(format!("{}: column \"{col}\" {why}", self.name));
        let is_text = |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
        let is_bin = |t: &DataType| matches!(t, DataType::Binary | DataType::LargeBinary | DataType::BinaryView);
        let ok = match arr.data_type() {
            t if is_text(t) || is_bin(t) => true,
            DataType::Dictionary(_, v) => is_text(v) || is_bin(v),
            DataType::Null => true,
            _ => false,
        };
        if !ok {
            return Err(err(format!("should hold text, found {}", arr.data_type())));
        }
        arrow::compute::cast_with_options(arr, &to, &STRICT_CAST).map_err(|e| {
            let row = first_invalid_utf8_row(arr);
            err(match row {
                Some(r) => format!("row {r} is not valid UTF-8"),
                None => e.to_string(),
            })
        })
    }

    /// [`Table::i64_column`], or all nulls when the table has no such column (an optional one).
    pub fn i64_column_or_nulls(&self, col: &str) -> Result<Vec<Option<i64>>> {
        if self.has_column(col) {
            self.i64_column(col)
        } else {
            Ok(vec![None; self.num_rows()])
        }
    }

    /// [`Table::i64_column_or_nulls`] as an Arrow array: an int64 column is shared, not copied.
    pub fn i64_array_or_nulls(&self, col: &str) -> Result<Int64Array> {
        if let Some(a) = self
            .batch
            .column_by_name(col)
            .and_then(|a| a.as_primitive_opt::<arrow::datatypes::Int64Type>())
        {
            return Ok(a.clone());
        }
        Ok(Int64Array::from(self.i64_column_or_nulls(col)?))
    }

    /// A column as booleans (bool, or ints 0/1); missing column or null means false.
    pub fn bool_column_or_false(&self, col: &str) -> Result<Vec<bool>> {
        let Some(arr) = self.batch.column_by_name(col) else {
            return Ok(vec![false; self.num_rows()]);
        };
        match arr.data_type() {
            DataType::Boolean => Ok(arr.as_boolean().iter().map(|v| v.unwrap_or(false)).collect()),
            t if t.is_integer() => Ok(self.i64_column(col)?.into_iter().map(|v| v.unwrap_or(0) != 0).collect()),
            DataType::Null => Ok(vec![false; self.num_rows()]),
            t => Err(Error::new(format!(
                "{}: column \"{col}\" should hold booleans, found {t}",
                self.name
            ))),
        }
    }

    /// Which of the pipeline's tables this looks like, by its columns: "features" (sparse
    /// `indices`/`values`), "predictions" (`predicted_comments`) or "stories" (`title`). For the
    /// message when a tool is handed the wrong kind.
    pub fn looks_like(&self) -> Option<&'static str> {
        if self.has_column("indices") && self.has_column("values") {
            Some("features")
        } else if self.has_column("predicted_comments") {
            Some("predictions")
        } else if self.has_column("title") {
            Some("stories")
        } else {
            None
        }
    }

    /// Our own metadata value (`hn.<key>`), if the file carries it.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(&format!("{META_PREFIX}{key}")).map(String::as_str)
    }
}

/// `decode()` and `hash()` side by side on the thread pool when `parallel`, else one after the
/// other. The decoding (the longer) goes first and the hash waits for an idle worker: the other
/// way round, the decoding sometimes waited for the hash to finish (3 ms of a 10 ms read).
fn beside<D: Send, H: Send>(
    parallel: bool,
    decode: impl FnOnce() -> D + Send,
    hash: impl FnOnce() -> H + Send,
) -> (D, H) {
    if parallel {
        rayon::join(decode, hash)
    } else {
        (decode(), hash())
    }
}

/// A Parquet footer's metadata, with the Arrow schema it implies; the text columns named in
/// `views` (stored as strings) are to be decoded as string views.
fn load_metadata(name: &str, source: &Source, views: &[&str]) -> Result<ArrowReaderMetadata> {
    let unreadable =
        |e: parquet::errors::ParquetError| Error::new(format!("{name} is not a readable Parquet file: {e}"));
    let meta = ArrowReaderMetadata::load(source, ArrowReaderOptions::default()).map_err(unreadable)?;
    let viewed =
        |f: &Field| views.contains(&f.name().as_str()) && matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8);
    if !meta.schema().fields().iter().any(|f| viewed(f)) {
        return Ok(meta);
    }
    let fields: Vec<Field> = meta
        .schema()
        .fields()
        .iter()
        .map(|f| match viewed(f) {
            true => f.as_ref().clone().with_data_type(DataType::Utf8View),
            false => f.as_ref().clone(),
        })
        .collect();
    let schema = Arc::new(Schema::new_with_metadata(fields, meta.schema().metadata().clone()));
    ArrowReaderMetadata::try_new(meta.metadata().clone(), ArrowReaderOptions::new().with_schema(schema))
        .map_err(unreadable)
}

/// The top-level column indices of `columns` (all of them for `None`), sorted; a missing one
/// is an error listing what the file has, unless `missing_ok`.
fn roots_of(name: &str, schema: &SchemaRef, columns: Option<&[&str]>, missing_ok: bool) -> Result<Vec<usize>> {
    let Some(cols) = columns else {
        return Ok((0..schema.fields().len()).collect());
    };
    let mut roots = Vec::with_capacity(cols.len());
    for c in cols {
        match schema.index_of(c) {
            Ok(i) => roots.push(i),
            Err(_) if missing_ok => {}
            Err(_) => return Err(missing_column(name, c, schema)),
        }
    }
    roots.sort_unstable();
    roots.dedup();
    Ok(roots)
}

/// What a file that does not start with Parquet's magic looks like, for the error message.
/// `None` when it does start like Parquet (a truncated one is reported by the reader).
fn not_parquet(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PAR1") {
        return None;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    Some(match text.trim_ascii_start().first() {
        _ if head.starts_with(&[0x1f, 0x8b]) => "gzip data",
        _ if head.starts_with(b"ARROW1") => "an Arrow IPC file",
        Some(b'{') => "JSON Lines (a dump? hn-fetch --from reads those)",
        Some(b'[') => "JSON",
        _ if std::str::from_utf8(first_line).is_ok() && first_line.contains(&b',') => "CSV",
        _ if std::str::from_utf8(first_line).is_ok() && first_line.contains(&b'\t') => "TSV",
        _ if std::str::from_utf8(text).is_ok() => "text",
        _ => "something else (no Parquet magic bytes at its start)",
    })
}

/// The number of rows a Parquet file holds, from its footer alone (nothing else is read or
/// decoded): cheap enough to ask of every asset on a report page.
pub fn parquet_num_rows(path: &str) -> Result<i64> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {path}"))?;
    let reader = parquet::file::reader::SerializedFileReader::new(file)
        .map_err(|e| Error::new(format!("{path} is not a readable Parquet file: {e}")))?;
    Ok(parquet::file::reader::FileReader::metadata(&reader)
        .file_metadata()
        .num_rows())
}

fn first_invalid_utf8_row(arr: &ArrayRef) -> Option<usize> {
    let bin = arrow::compute::cast(arr, &DataType::LargeBinary).ok()?;
    let bin = bin.as_binary::<i64>();
    (0..bin.len()).find(|&i| bin.is_valid(i) && std::str::from_utf8(bin.value(i)).is_err())
}

fn missing_column(name: &str, col: &str, schema: &Schema) -> Error {
    let have: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    Error::new(format!("{name}: no column \"{col}\" (it has: {})", have.join(", ")))
}

/// Lineage stamped into every output: which tool, which version, with which arguments, from
/// which inputs (by fingerprint). Readable with any Parquet reader (`hn.*` keys) or as JSON.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub tool: String,
    pub args: Vec<String>,
    /// (input name, fingerprint)
    pub inputs: Vec<(String, String)>,
    /// Further `hn.<key>` entries a tool wants to record (e.g. `n_features`).
    pub extra: Vec<(String, String)>,
}

impl Provenance {
    pub fn new(tool: &str, args: impl IntoIterator<Item = String>) -> Self {
        Provenance {
            tool: tool.to_string(),
            args: args.into_iter().collect(),
            ..Default::default()
        }
    }

    pub fn input(mut self, name: &str, fingerprint: &str) -> Self {
        self.inputs.push((name.to_string(), fingerprint.to_string()));
        self
    }

    pub fn extra(mut self, key: &str, value: impl Into<String>) -> Self {
        self.extra.push((key.to_string(), value.into()));
        self
    }

    /// As a JSON object, for JSON artifacts (model card, metrics, drift report).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(self.entries().into_iter().collect())
    }

    /// The entries as JSON values: `args` an array, `inputs` an object, the rest strings.
    fn entries(&self) -> Vec<(String, serde_json::Value)> {
        use serde_json::Value;
        let inputs = self
            .inputs
            .iter()
            .map(|(n, f)| (n.clone(), Value::String(f.clone())))
            .collect();
        let mut v = vec![
            ("tool".to_string(), Value::String(self.tool.clone())),
            (
                "version".to_string(),
                Value::String(env!("CARGO_PKG_VERSION").to_string()),
            ),
            ("args".to_string(), Value::from(self.args.clone())),
            ("inputs".to_string(), Value::Object(inputs)),
            (
                "created_at".to_string(),
                Value::String(crate::clock::rfc3339(crate::clock::now_unix())),
            ),
        ];
        v.extend(self.extra.iter().map(|(k, x)| (k.clone(), Value::String(x.clone()))));
        v
    }

    /// Parquet key-value metadata: strings stay as they are, arrays and objects as compact JSON.
    fn key_values(&self) -> Vec<KeyValue> {
        self.entries()
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                KeyValue::new(format!("{META_PREFIX}{k}"), text)
            })
            .collect()
    }
}

/// Rows per Parquet row group.
const ROW_GROUP_ROWS: usize = 256 * 1024;

/// Tables smaller than this are read (file size) and written (size in memory) on one thread;
/// from it, each column goes to the thread pool. Measured (medians of alternated runs):
/// `score`'s 640 kB of test features read 1 ms faster on the pool (13.7 -> 12.5 ms, 31 pairs;
/// the tool starts the pool for its trees anyway), `predict`'s 11.9k predictions (1.7 MB in
/// memory) encoded 3.9 -> 3.3 ms (14 runs).
const PARALLEL_BYTES: usize = 256 << 10;

/// Write one record batch as Parquet to `path` (or `-`), atomically, with provenance.
pub fn write_parquet(path: &str, batch: &RecordBatch, prov: &Provenance) -> Result<()> {
    crate::io::write_atomically(path, |out| write_parquet_to(out, batch, prov))
}

/// Write one record batch as Parquet into an output that the caller commits (for outputs that
/// must be committed together, see [`crate::io::commit_all`]).
pub fn write_parquet_to(out: &mut Output, batch: &RecordBatch, prov: &Provenance) -> Result<()> {
    let columns: Vec<Option<&ArrayRef>> = batch.columns().iter().map(Some).collect();
    let (props, schema) = properties(&batch.schema(), &columns, prov);
    let batch = batch.clone().with_schema(schema)?;
    let parallel = batch.get_array_memory_size() >= PARALLEL_BYTES;
    encode(out, &batch, props, parallel)
}

/// The writer's properties for a table of `schema` whose columns are `columns` (`None`: not
/// made yet, judged by its type alone), and the schema with the provenance in its metadata.
fn properties(schema: &SchemaRef, columns: &[Option<&ArrayRef>], prov: &Provenance) -> (WriterProperties, SchemaRef) {
    let kvs = prov.key_values();
    // Dictionary encoding pays for text that repeats (type, by, a model's fingerprint); for
    // numbers and sparse rows (ids, TF-IDF indices and values, nearly all distinct) building the
    // dictionary only to abandon it was a third of `vectorize fit`'s whole run, and titles are
    // as distinct (see `repeats`).
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(false)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(kvs.clone()))
        .set_created_by(format!("hn-tools {}", env!("CARGO_PKG_VERSION")));
    for (f, column) in schema.fields().iter().zip(columns) {
        match f.data_type() {
            // No min/max statistics for text: finding them compares every value twice (a call to
            // memcmp each), and a title's or URL's smallest and largest value help no reader
            // skip anything. Without them `split` took a tenth less CPU (73 -> 66 ms, medians
            // of 21 alternated runs, 59k stories). Numbers keep theirs (ids, times).
            // A dictionary of strings (a value repeated on every row, e.g. `predict`'s model
            // fingerprint) is written dictionary-encoded, as the strings it stands for (see
            // `encode`): no copy of the value per row is ever laid down.
            DataType::Dictionary(_, value) if is_text(value) => {
                let path = ColumnPath::from(f.name().as_str());
                props = props
                    .set_column_dictionary_enabled(path.clone(), true)
                    .set_column_statistics_enabled(path, EnabledStatistics::None);
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View if column.is_some_and(repeats) => {
                let path = ColumnPath::from(f.name().as_str());
                props = props
                    .set_column_dictionary_enabled(path.clone(), true)
                    .set_column_statistics_enabled(path, EnabledStatistics::None);
            }
            // Distinct text (titles, URLs) is stored as it is. Snappy saved a quarter of titles'
            // bytes and a third of URLs', and cost more than that in time on both ends: writing
            // predict's titles was 8 % of its CPU, and every tool reading titles decompressed
            // them again. Uncompressed (medians of 21-41 alternated runs, 59k stories): split
            // 58.7 -> 45.0 ms, vectorize fit 45.1 -> 41.4, predict 21.4 -> 19.2, transform
            // 18.0 -> 17.3; the stories file 6.0 -> 8.4 MB.
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let path = ColumnPath::from(f.name().as_str());
                props = props
                    .set_column_compression(path.clone(), Compression::UNCOMPRESSED)
                    .set_column_statistics_enabled(path, EnabledStatistics::None);
            }
            // Whole numbers (ids, times, scores, comment counts) as deltas, uncompressed: ids and
            // times ascend in small steps and counts are small, so the deltas take 10-17 bits
            // where snappy left 20-36 of a value's 64 (the union set's training stories: id
            // 199 -> 49 kB, time 215 -> 72, score 107 -> 65, descendants 91 -> 60), and
            // neither end runs a compressor. Medians of 41 alternated runs, 59k stories: split
            // 38.2 -> 36.1 ms, then `vectorize fit` 29.0 -> 27.9 and predict 12.3 -> 11.3 on
            // its outputs. Min/max statistics stay (readers skip row groups by id and time).
            DataType::Int32 | DataType::Int64 => {
                let path = ColumnPath::from(f.name().as_str());
                props = props
                    .set_column_compression(path.clone(), Compression::UNCOMPRESSED)
                    .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
            }
            // Lists are the features' rows. Their floats (TF-IDF values) do not compress:
            // snappy saved 0.4 % of their bytes for 6 % of `vectorize fit`'s CPU, and every
            // reader paid to decompress them again. Their integers (feature indices, ascending
            // within a row) are small steps: delta encoding, uncompressed, made them a quarter
            // smaller than plain + snappy, wrote them in half the time (the slowest column of
            // the features file: 5.4 -> 2.8 ms on 47k titles) and reads them faster. No min/max
            // statistics either: the smallest and largest feature index or weight of a whole
            // row group lets no reader skip anything, and finding them was a look at every
            // value (encoding both columns 0.3-0.5 ms faster, medians of 31 alternated runs).
            // Lists of such numbers that are never null are then written by `bulk`, not by the
            // column writer (see `bulk_columns`).
            DataType::List(item) => {
                let path = ColumnPath::new(vec![f.name().clone(), "list".into(), item.name().clone()]);
                match item.data_type() {
                    DataType::Float32 | DataType::Float64 => {
                        props = props
                            .set_column_compression(path.clone(), Compression::UNCOMPRESSED)
                            .set_column_statistics_enabled(path, EnabledStatistics::None);
                    }
                    DataType::Int32 | DataType::Int64 | DataType::UInt32 | DataType::UInt64 => {
                        props = props
                            .set_column_compression(path.clone(), Compression::UNCOMPRESSED)
                            .set_column_statistics_enabled(path.clone(), EnabledStatistics::None)
                            .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let props = props.build();
    // The same entries ride in the Arrow schema too, so `pyarrow.parquet.read_table(f).schema.metadata`
    // and pandas' `df.attrs` users see the lineage without reaching for the file footer.
    let meta: std::collections::HashMap<String, String> =
        kvs.into_iter().filter_map(|kv| Some((kv.key, kv.value?))).collect();
    (props, Arc::new(schema.as_ref().clone().with_metadata(meta)))
}

/// Write a table whose first columns (`early`, e.g. what was read) are there before the others
/// (`late()`, e.g. what is computed from them): the early columns are encoded and written to
/// `out` while `late` runs, and the file is finished with the late ones. The same bytes as
/// [`write_parquet_to`] on the whole table (see the test). A table of more than one row group
/// is written whole once `late` is done.
pub fn write_parquet_staged_to(
    out: &mut Output,
    schema: SchemaRef,
    early: Vec<ArrayRef>,
    late: impl FnOnce() -> Result<Vec<ArrayRef>> + Send,
    prov: &Provenance,
) -> Result<()> {
    let rows = early.first().map_or(0, |c| c.len());
    if rows == 0 || rows > ROW_GROUP_ROWS || early.len() >= schema.fields().len() {
        let mut columns = early;
        columns.extend(late()?);
        return write_parquet_to(out, &RecordBatch::try_new(schema, columns)?, prov);
    }
    let known: Vec<Option<&ArrayRef>> = (0..schema.fields().len()).map(|c| early.get(c)).collect();
    let (props, schema) = properties(&schema, &known, prov);
    let (mut file, factory) = writer(out, &schema, props)?.into_serialized_writer()?;
    let bulk = bulk_columns(&file, &schema)?;
    let mut first = column_writers(&factory, &schema, 0)?;
    let rest = first.split_off(early.len());
    let tasks = |from: usize, writers: Vec<Vec<ArrowColumnWriter>>| -> Vec<Task> {
        let at = writers.into_iter().enumerate();
        at.map(|(c, w)| (0, (0, rows), from + c, w)).collect()
    };
    let (group, late) = rayon::join(
        || -> Result<_> {
            let chunks = encode_tasks(&schema, &early, tasks(0, first), &bulk, true)?;
            let mut group = file.next_row_group()?;
            for chunk in chunks.into_iter().flat_map(|c| c.1) {
                chunk.append_to(&mut group)?;
            }
            Ok(group)
        },
        late,
    );
    let (mut group, late) = (group?, late?);
    let n_early = early.len();
    // Checks the late columns' types and lengths against the schema and the early ones.
    let batch = RecordBatch::try_new(schema.clone(), early.into_iter().chain(late).collect())?;
    let chunks = encode_tasks(&schema, batch.columns(), tasks(n_early, rest), &bulk, true)?;
    for chunk in chunks.into_iter().flat_map(|c| c.1) {
        chunk.append_to(&mut group)?;
    }
    group.close()?;
    file.close()?;
    Ok(())
}

/// Whether a column of type `t` reads back from the Parquet schema alone as `t` (a dictionary
/// of strings, or string views, as the strings).
fn same_without_arrow_schema(t: &DataType) -> bool {
    use DataType::*;
    match t {
        Boolean | Int32 | Int64 | UInt32 | UInt64 | Float32 | Float64 | Utf8 | Utf8View | Binary => true,
        Dictionary(key, value) => key.is_integer() && matches!(value.as_ref(), Utf8),
        _ => false,
    }
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Whether a text column's values repeat enough for a dictionary to pay: a tenth or more of
/// its first 1,024 values are repeats. Titles and URLs are nearly all distinct, and their
/// dictionary (every value hashed, then stored once more as an index) made `predict`'s output
/// slower to write and no smaller.
fn repeats(column: &ArrayRef) -> bool {
    const SAMPLE: usize = 1024;
    fn share<'a>(values: impl Iterator<Item = Option<&'a str>>) -> bool {
        let mut seen = std::collections::HashSet::with_capacity(SAMPLE);
        let mut sampled = 0;
        for v in values.take(SAMPLE).flatten() {
            sampled += 1;
            seen.insert(v);
        }
        seen.len() * 10 <= sampled * 9
    }
    match column.data_type() {
        DataType::Utf8 => share(column.as_string::<i32>().iter()),
        DataType::LargeUtf8 => share(column.as_string::<i64>().iter()),
        DataType::Utf8View => share(column.as_string_view().iter()),
        _ => false,
    }
}

/// Encode `batch` as one Parquet file into `out`; `parallel` encodes every column of every row
/// group on the thread pool (the same bytes, see the test).
fn encode<W: std::io::Write + Send>(
    out: W,
    batch: &RecordBatch,
    props: WriterProperties,
    parallel: bool,
) -> Result<()> {
    // The writer's own row groups: this many rows each, the last one the rest.
    let per_group = props.max_row_group_row_count().unwrap_or(usize::MAX).max(1);
    let schema = batch.schema();
    let w = writer(out, &schema, props)?;
    let rows = batch.num_rows();
    // The rows of each row group, as (first, end).
    let groups: Vec<(usize, usize)> = (0..rows)
        .step_by(per_group)
        .map(|g| (g, rows.min(g + per_group)))
        .collect();
    if rows == 0 {
        w.close()?;
        return Ok(());
    }
    // Row groups and their columns are encoded independently: every column of every row group
    // is encoded (in parallel when asked), and appended in order, the bytes the writer would
    // produce one after the other (see the test).
    let (mut file, factory) = w.into_serialized_writer()?;
    let bulk = bulk_columns(&file, &schema)?;
    let mut work = Vec::new();
    for (g, &group) in groups.iter().enumerate() {
        for (c, writers) in column_writers(&factory, &schema, g)?.into_iter().enumerate() {
            work.push((g, group, c, writers));
        }
    }
    let mut chunks = encode_tasks(&schema, batch.columns(), work, &bulk, parallel)?
        .into_iter()
        .peekable();
    for g in 0..groups.len() {
        let mut group = file.next_row_group()?;
        while let Some((_, closed)) = chunks.next_if(|c| c.0 == g) {
            for chunk in closed {
                chunk.append_to(&mut group)?;
            }
        }
        group.close()?;
    }
    file.close()?;
    Ok(())
}

/// The Arrow writer of a table of `schema`. A dictionary of strings or string views, made to
/// be written as strings (`predict`'s model column, and its titles as read): the Arrow schema
/// is not stored, so readers take every column's type from the Parquet schema, where the
/// stored Arrow type would make pandas and Polars see a categorical, and pyarrow a string
/// view. Only when every other column reads back from the Parquet schema as the type it has
/// (the types these tools write); a table passed through with other types keeps its Arrow
/// schema. The lineage is in the file's key-value metadata either way, which readers show as
/// the schema's.
fn writer<W: std::io::Write + Send>(out: W, schema: &SchemaRef, props: WriterProperties) -> Result<ArrowWriter<W>> {
    let fields = schema.fields();
    let stand_in = fields
        .iter()
        .any(|f| matches!(f.data_type(), DataType::Dictionary(..) | DataType::Utf8View))
        && fields.iter().all(|f| same_without_arrow_schema(f.data_type()));
    let options = ArrowWriterOptions::new()
        .with_properties(props)
        .with_skip_arrow_metadata(stand_in);
    Ok(ArrowWriter::try_new_with_options(out, schema.clone(), options)?)
}

/// Each row group's rows are handed to a column writer SLICE_ROWS at a time, sequential or in
/// parallel alike (where a write call ends decides where the writer's pages end, so the bytes
/// agree).
fn slices((from, to): (usize, usize)) -> impl Iterator<Item = (usize, usize)> {
    (from..to)
        .step_by(SLICE_ROWS)
        .map(move |at| (at, SLICE_ROWS.min(to - at)))
}

/// How many leaves (Parquet columns) each top-level column of `schema` has.
fn leaf_counts(schema: &SchemaRef) -> Result<Vec<usize>> {
    schema
        .fields()
        .iter()
        .map(|f| Ok(compute_leaves(f, &arrow::array::new_empty_array(f.data_type()))?.len()))
        .collect()
}

/// The column writers of row group `g`, one list per top-level column of `schema` (a column
/// has a writer per leaf).
fn column_writers(
    factory: &ArrowRowGroupWriterFactory,
    schema: &SchemaRef,
    g: usize,
) -> Result<Vec<Vec<ArrowColumnWriter>>> {
    let mut writers = factory.create_column_writers(g)?.into_iter();
    leaf_counts(schema)?
        .into_iter()
        .map(|leaves| Ok(writers.by_ref().take(leaves).collect()))
        .collect()
}

/// A column [`crate::plumbing::bulk`] writes instead of the column writer.
enum Bulk {
    /// A list of numbers (the features' rows), in pages within the file's limits.
    List(ColumnDescPtr, crate::plumbing::bulk::PageLimits),
    /// 64-bit whole numbers, with statistics at `stats`, in pages of `page_rows` rows.
    Whole {
        descr: ColumnDescPtr,
        stats: EnabledStatistics,
        page_rows: usize,
    },
}

/// Per top-level column of `schema`: how [`crate::plumbing::bulk`] writes it, or None for the
/// column writer. Only where the file's properties ask for what that module writes (version 1
/// pages, uncompressed, no dictionary or bloom filter, the encoding it uses, an offset index,
/// no statistics in page headers; no statistics at all for lists; whole numbers only where the
/// schema says they are never null), so the properties and the schema stay the one place that
/// decides how a column is stored. Whether a column's array fits (no nulls in a list) is
/// decided when it is encoded.
fn bulk_columns<W: std::io::Write + Send>(
    file: &SerializedFileWriter<W>,
    schema: &SchemaRef,
) -> Result<Vec<Option<Bulk>>> {
    let (descr, props) = (file.schema_descr(), file.properties());
    let mut leaf = 0;
    let mut bulk = Vec::new();
    for (f, leaves) in schema.fields().iter().zip(leaf_counts(schema)?) {
        let column = descr.column(leaf);
        leaf += leaves;
        let path = column.path();
        let plain = leaves == 1
            && props.writer_version() == WriterVersion::PARQUET_1_0
            && props.compression(path) == Compression::UNCOMPRESSED
            && !props.dictionary_enabled(path)
            && props.bloom_filter_properties(path).is_none()
            && !props.offset_index_disabled()
            && !props.write_page_header_statistics(path);
        let deltas = props.encoding(path) == Some(Encoding::DELTA_BINARY_PACKED);
        let stats = props.statistics_enabled(path);
        let limits = crate::plumbing::bulk::PageLimits {
            rows: props.data_page_row_count_limit(),
            bytes: props.data_page_size_limit(),
        };
        bulk.push(match f.data_type() {
            DataType::List(item) if plain && stats == EnabledStatistics::None => match item.data_type() {
                DataType::Int32 | DataType::UInt32 if deltas => Some(Bulk::List(column, limits)),
                DataType::Float32 | DataType::Float64 if props.encoding(path).is_none() => {
                    Some(Bulk::List(column, limits))
                }
                _ => None,
            },
            // The column writer ends a page after the first batch of `write_batch_size` values
            // that reaches the page row limit (slices of SLICE_ROWS rows keep the batches
            // aligned), or once its estimate of the page passes the page size, which deltas of
            // 64 bits (9 bytes a value with their blocks' heads) do not reach first here.
            DataType::Int64 if plain && deltas && column.max_def_level() == 0 && column.max_rep_level() == 0 => {
                let batch = props.write_batch_size().max(1);
                let page_rows = props.data_page_row_count_limit().max(1).div_ceil(batch) * batch;
                (SLICE_ROWS.is_multiple_of(batch) && page_rows.saturating_mul(9) < props.data_page_size_limit())
                    .then_some(Bulk::Whole {
                        descr: column,
                        stats,
                        page_rows,
                    })
            }
            _ => None,
        });
    }
    Ok(bulk)
}

/// A column chunk encoded, to append to its row group.
enum Chunk {
    /// By the Parquet crate's column writer.
    Writer(ArrowColumnChunk),
    /// By [`crate::plumbing::bulk`].
    Bulk(
        crate::plumbing::bulk::Pieces,
        parquet::column::writer::ColumnCloseResult,
    ),
}

impl Chunk {
    fn append_to<W: std::io::Write + Send>(
        self,
        group: &mut parquet::file::writer::SerializedRowGroupWriter<'_, W>,
    ) -> Result<()> {
        match self {
            Chunk::Writer(c) => c.append_to_row_group(group)?,
            Chunk::Bulk(bytes, close) => group.append_column(&bytes, close)?,
        }
        Ok(())
    }
}

/// A column's rows in one row group, to encode: (row group, its rows as (first, end), the
/// column's index, its writers).
type Task = (usize, (usize, usize), usize, Vec<ArrowColumnWriter>);

/// Encode every task (on the thread pool when `parallel`): each one's closed chunks, with its
/// row group, in task order. A column with a `bulk` entry goes to [`crate::plumbing::bulk`]
/// when its array fits.
fn encode_tasks(
    schema: &SchemaRef,
    columns: &[ArrayRef],
    tasks: Vec<Task>,
    bulk: &[Option<Bulk>],
    parallel: bool,
) -> Result<Vec<(usize, Vec<Chunk>)>> {
    // Each task computes its column's levels a slice at a time and writes them: the levels of a
    // whole list column (a usize per value, grown by doubling) were 14 of the 32 MB `vectorize
    // fit` peaked at, every page of it a page fault.
    let task = |(g, group, c, mut writers): Task| -> Result<(usize, Vec<Chunk>)> {
        let column = &columns[c];
        let rows = column.slice(group.0, group.1 - group.0);
        let bulk = match &bulk[c] {
            Some(Bulk::List(descr, limits)) => match rows.as_list_opt::<i32>() {
                Some(list) => crate::plumbing::bulk::list_chunk(descr, list, *limits)?,
                None => None,
            },
            Some(Bulk::Whole {
                descr,
                stats,
                page_rows,
            }) => match rows.as_primitive_opt::<arrow::datatypes::Int64Type>() {
                Some(v) if v.null_count() == 0 => Some(crate::plumbing::bulk::whole_chunk(
                    descr,
                    v.values(),
                    *stats,
                    *page_rows,
                )?),
                _ => None,
            },
            None => None,
        };
        if let Some((pieces, close)) = bulk {
            return Ok((g, vec![Chunk::Bulk(pieces, close)]));
        }
        for (at, n) in slices(group) {
            let leaves = compute_leaves(schema.field(c), &column.slice(at, n))?;
            for (writer, leaf) in writers.iter_mut().zip(&leaves) {
                writer.write(leaf)?;
            }
        }
        let closed = writers
            .into_iter()
            .map(|w| Ok(Chunk::Writer(w.close()?)))
            .collect::<Result<Vec<_>>>()?;
        Ok((g, closed))
    };
    if parallel {
        tasks.into_par_iter().map(task).collect()
    } else {
        tasks.into_iter().map(task).collect()
    }
}

/// Rows per write call when encoding: small enough that a slice's levels stay in the cache and
/// its buffers are reused by the next slice, big enough that per-call costs do not show.
const SLICE_ROWS: usize = 8192;

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Self {
        Error::new(e.to_string())
    }
}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        Error::new(e.to_string())
    }
}

/// One Hacker News story as the stories table holds it.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Story {
    pub id: i64,
    /// The item's `type`: story, job, poll, … (stories only unless asked).
    pub kind: String,
    pub by: Option<String>,
    /// Unix seconds.
    pub time: i64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub score: Option<i64>,
    /// Comment count; absent for jobs and for items the API gave without it.
    pub descendants: Option<i64>,
    pub dead: bool,
    pub deleted: bool,
    /// Unix seconds when this copy was fetched (its `descendants` is as of then).
    pub fetched_at: i64,
}

/// The stories table's schema (DESIGN.md, data contracts).
pub fn stories_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("type", DataType::Utf8, false),
        Field::new("by", DataType::Utf8, true),
        Field::new("time", DataType::Int64, false),
        Field::new("title", DataType::Utf8, true),
        Field::new("url", DataType::Utf8, true),
        Field::new("score", DataType::Int64, true),
        Field::new("descendants", DataType::Int64, true),
        Field::new("dead", DataType::Boolean, false),
        Field::new("deleted", DataType::Boolean, false),
        Field::new("fetched_at", DataType::Int64, false),
    ]))
}

/// Stories as a record batch in the stories schema, in the order given.
pub fn stories_to_batch(stories: &[Story]) -> Result<RecordBatch> {
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(stories.iter().map(|s| s.id))),
        Arc::new(StringArray::from_iter_values(stories.iter().map(|s| s.kind.as_str()))),
        Arc::new(StringArray::from_iter(stories.iter().map(|s| s.by.as_deref()))),
        Arc::new(Int64Array::from_iter_values(stories.iter().map(|s| s.time))),
        Arc::new(StringArray::from_iter(stories.iter().map(|s| s.title.as_deref()))),
        Arc::new(StringArray::from_iter(stories.iter().map(|s| s.url.as_deref()))),
        Arc::new(Int64Array::from_iter(stories.iter().map(|s| s.score))),
        Arc::new(Int64Array::from_iter(stories.iter().map(|s| s.descendants))),
        Arc::new(BooleanArray::from_iter(stories.iter().map(|s| Some(s.dead)))),
        Arc::new(BooleanArray::from_iter(stories.iter().map(|s| Some(s.deleted)))),
        Arc::new(Int64Array::from_iter_values(stories.iter().map(|s| s.fetched_at))),
    ];
    Ok(RecordBatch::try_new(stories_schema(), cols)?)
}

/// Read a stories table written by hn-fetch or by anyone else with the same columns. `id` and
/// `time` are required; the rest may be missing (then null/false/0).
pub fn read_stories(table: &Table) -> Result<Vec<Story>> {
    let n = table.num_rows();
    let ids = table.required_i64_column("id")?;
    let times = table.i64_column("time")?;
    let opt_str = |c: &str| -> Result<Option<StringArray>> {
        if table.has_column(c) {
            table.str_column(c).map(Some)
        } else {
            Ok(None)
        }
    };
    let (kind, by, title, url) = (opt_str("type")?, opt_str("by")?, opt_str("title")?, opt_str("url")?);
    let opt_i64 = |c: &str| table.i64_column_or_nulls(c);
    let (score, desc, fetched) = (opt_i64("score")?, opt_i64("descendants")?, opt_i64("fetched_at")?);
    let (dead, deleted) = (
        table.bool_column_or_false("dead")?,
        table.bool_column_or_false("deleted")?,
    );
    let get = |a: &Option<StringArray>, i: usize| a.as_ref().filter(|a| a.is_valid(i)).map(|a| a.value(i).to_string());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let id = ids[i];
        let time =
            times[i].ok_or_else(|| Error::new(format!("{}: column \"time\" is null for item {id}", table.name)))?;
        out.push(Story {
            id,
            kind: get(&kind, i).unwrap_or_else(|| "story".into()),
            by: get(&by, i),
            time,
            title: get(&title, i),
            url: get(&url, i),
            score: score[i],
            descendants: desc[i],
            dead: dead[i],
            deleted: deleted[i],
            fetched_at: fetched[i].unwrap_or(0),
        });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "tests/table.rs"]
mod tests;
