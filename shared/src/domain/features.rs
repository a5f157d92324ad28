//! The features table: one row per story with its id, its target (the comment count; nulls
//! already mapped by the vectorizer; null only when the stories had no target column at all),
//! and its sparse TF-IDF row as `indices: list<u32>` and `values: list<f32>`. The number of
//! features and the vectorizer's fingerprint ride in the
//! file's metadata (`hn.n_features`, `hn.vectorizer`).

use crate::error::{Error, Result};
use crate::io::Output;
use crate::sparse::Csr;
use crate::table::{Provenance, Table, write_parquet, write_parquet_to};
use arrow::array::{
    Array, ArrayRef, AsArray, Float32Array, Float64Array, Int64Array, ListArray, RecordBatch, UInt32Array,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Float32Type, Schema, UInt32Type};
use std::sync::Arc;

/// Column names of the features table.
pub const ID: &str = "id";
pub const TARGET: &str = "target";
pub const INDICES: &str = "indices";
pub const VALUES: &str = "values";

/// A features table in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub ids: Vec<i64>,
    pub target: Vec<f64>,
    pub x: Csr,
    /// Fingerprint of the vectorizer that made these rows, when known.
    pub vectorizer: Option<String>,
}

/// A features file as read, with its name and fingerprint for messages and lineage.
pub struct FeaturesFile {
    pub name: String,
    pub fingerprint: String,
    pub features: Features,
}

/// Read and validate a features file: ids and targets present and finite, indices in range and
/// strictly increasing within a row, values finite.
pub fn read_features(path: &str) -> Result<FeaturesFile> {
    let t = Table::read(path, None)?;
    check_kind(&t)?;
    let name = t.name.clone();
    let err = |msg: String| Error::new(format!("{name}: {msg}"));
    let ids = t.required_i64_column(ID)?;
    let mut target = Vec::with_capacity(ids.len());
    t.each_f64(TARGET, |row, v| match v {
        Some(x) if x.is_finite() => {
            target.push(x);
            Ok(())
        }
        Some(x) => Err(err(format!("target is {x} for id {}", ids[row]))),
        None => Err(err(format!(
            "target is null for id {}: these features were made from stories without comment counts \
             (vectorize transform on a table without descendants); train and score need the counts",
            ids[row]
        ))),
    })?;
    let indices = list_column(&t, INDICES, DataType::UInt32)?;
    let values = list_column(&t, VALUES, DataType::Float32)?;
    let declared: Option<usize> = match t.meta("n_features") {
        Some(s) => Some(
            s.parse()
                .map_err(|_| err(format!("metadata hn.n_features is not a number: {s:?}")))?,
        ),
        None => None,
    };
    let mut max_col = 0usize;
    let mut x = Csr::with_capacity(0, ids.len(), indices.values().len());
    // The flat child arrays and their offsets, once: `ListArray::value(row)` would build two
    // sliced arrays (two allocations) per row, a third of `score`'s run on 12k rows.
    let (flat_i, flat_v) = (
        indices.values().as_primitive::<UInt32Type>(),
        values.values().as_primitive::<Float32Type>(),
    );
    let (off_i, off_v) = (indices.value_offsets(), values.value_offsets());
    let nulls_inside = flat_i.null_count() > 0 || flat_v.null_count() > 0;
    for row in 0..ids.len() {
        if indices.is_null(row) || values.is_null(row) {
            return Err(err(format!("sparse row is null for id {}", ids[row])));
        }
        let (ri, rv) = (
            off_i[row] as usize..off_i[row + 1] as usize,
            off_v[row] as usize..off_v[row + 1] as usize,
        );
        if ri.len() != rv.len() {
            return Err(err(format!(
                "id {}: {} indices but {} values",
                ids[row],
                ri.len(),
                rv.len()
            )));
        }
        if nulls_inside && (ri.clone().any(|k| flat_i.is_null(k)) || rv.clone().any(|k| flat_v.is_null(k))) {
            return Err(err(format!("id {}: null inside the sparse row", ids[row])));
        }
        let (iv, vv) = (&flat_i.values()[ri], &flat_v.values()[rv]);
        if let Some(w) = iv.windows(2).find(|w| w[0] >= w[1]) {
            return Err(err(format!(
                "id {}: indices not strictly increasing ({} then {})",
                ids[row], w[0], w[1]
            )));
        }
        if let Some(v) = vv.iter().find(|v| !v.is_finite()) {
            return Err(err(format!("id {}: value {v} is not finite", ids[row])));
        }
        if let Some(&last) = iv.last() {
            max_col = max_col.max(last as usize + 1);
        }
        x.push_row(iv, vv);
    }
    // The declared width sizes nothing by itself (the trainer's columns end at the last index
    // used), but it must be one the indices can address and that covers the indices present.
    x.n_cols = match declared {
        Some(n) if max_col > n => {
            return Err(err(format!(
                "index {} out of range for the {n} features its metadata hn.n_features declares",
                max_col - 1
            )));
        }
        Some(n) if n as u64 > u32::MAX as u64 + 1 => {
            return Err(err(format!(
                "metadata hn.n_features says {n}, more than u32 indices can address (2^32): the file is damaged; \
                 re-create it with `vectorize`"
            )));
        }
        Some(n) => n,
        None => max_col,
    };
    let vectorizer = t.meta("vectorizer").map(str::to_string);
    Ok(FeaturesFile {
        name,
        fingerprint: t.fingerprint,
        features: Features {
            ids,
            target,
            x,
            vectorizer,
        },
    })
}

/// A table of another kind (stories, predictions) is refused with what to do instead; a table
/// that is merely missing a column gets the usual message naming it.
fn check_kind(t: &Table) -> Result<()> {
    if [ID, TARGET, INDICES, VALUES].iter().all(|c| t.has_column(c)) {
        return Ok(());
    }
    let what = match t.looks_like() {
        Some("stories") => {
            "this looks like a stories table, not features; make features with `vectorize fit STORIES --vectorizer VEC \
             -o FEATURES` (or `vectorize transform STORIES --vectorizer VEC -o FEATURES` with an existing vectorizer)"
        }
        Some("predictions") => {
            "this looks like a predictions table (from predict), not features; give the features `vectorize` made"
        }
        _ => {
            return [ID, TARGET, INDICES, VALUES]
                .iter()
                .try_for_each(|c| t.column(c).map(drop));
        }
    };
    Err(Error::new(format!("{}: {what}", t.name)))
}

fn list_column(t: &Table, col: &str, item: DataType) -> Result<ListArray> {
    let arr = t.column(col)?;
    let want = DataType::List(Arc::new(Field::new_list_field(item.clone(), true)));
    let ok = matches!(
        arr.data_type(),
        DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) | DataType::FixedSizeList(..)
    );
    if !ok {
        return Err(Error::new(format!(
            "{}: column \"{col}\" should be a list of {item}, found {}",
            t.name,
            arr.data_type()
        )));
    }
    let cast = arrow::compute::cast_with_options(arr, &want, &crate::table::STRICT_CAST).map_err(|e| {
        Error::new(format!(
            "{}: column \"{col}\" cannot be read as a list of {item}: {e}",
            t.name
        ))
    })?;
    Ok(cast.as_list::<i32>().clone())
}

/// Write a features table atomically. `prov` should already carry the inputs; the number of
/// features and the vectorizer fingerprint are added here.
pub fn write_features(path: &str, f: &Features, prov: Provenance) -> Result<()> {
    let prov = features_provenance(f, prov);
    write_parquet(path, &features_batch(f.clone(), true)?, &prov)
}

/// Write features into an output the caller commits, taking them: their arrays become the
/// Arrow columns without a copy. With `has_target` false the target column is written all null
/// (features of stories that have no comment counts yet: fine to predict from, refused by
/// train and score when read).
pub fn write_features_to(out: &mut Output, f: Features, prov: Provenance, has_target: bool) -> Result<()> {
    let prov = features_provenance(&f, prov);
    write_parquet_to(out, &features_batch(f, has_target)?, &prov)
}

fn features_provenance(f: &Features, prov: Provenance) -> Provenance {
    let mut prov = prov.extra("n_features", f.x.n_cols.to_string());
    if let Some(v) = &f.vectorizer {
        prov = prov.extra("vectorizer", v.clone());
    }
    prov
}

pub fn features_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new(ID, DataType::Int64, false),
        Field::new(TARGET, DataType::Float64, false),
        Field::new(
            INDICES,
            DataType::List(Arc::new(Field::new_list_field(DataType::UInt32, false))),
            false,
        ),
        Field::new(
            VALUES,
            DataType::List(Arc::new(Field::new_list_field(DataType::Float32, false))),
            false,
        ),
    ]))
}

/// The features as a record batch; the vectors move into the arrays (no copy of the non-zeros).
fn features_batch(f: Features, has_target: bool) -> Result<RecordBatch> {
    let offsets: Vec<i32> =
        f.x.indptr
            .iter()
            .map(|&o| i32::try_from(o).map_err(|_| Error::new("too many non-zeros for one features file (over 2^31)")))
            .collect::<Result<_>>()?;
    let offsets = OffsetBuffer::new(offsets.into());
    let n = f.ids.len();
    let idx = ListArray::try_new(
        Arc::new(Field::new_list_field(DataType::UInt32, false)),
        offsets.clone(),
        Arc::new(UInt32Array::from(f.x.indices)),
        None,
    )?;
    let val = ListArray::try_new(
        Arc::new(Field::new_list_field(DataType::Float32, false)),
        offsets,
        Arc::new(Float32Array::from(f.x.values)),
        None,
    )?;
    let mut schema = features_schema();
    let target: ArrayRef = if has_target {
        Arc::new(Float64Array::from(f.target))
    } else {
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        let i = schema.index_of(TARGET)?;
        fields[i] = fields[i].clone().with_nullable(true);
        schema = Arc::new(Schema::new(fields));
        arrow::array::new_null_array(&DataType::Float64, n)
    };
    let cols: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(f.ids)), target, Arc::new(idx), Arc::new(val)];
    Ok(RecordBatch::try_new(schema, cols)?)
}

#[cfg(test)]
#[path = "tests/features.rs"]
mod tests;
