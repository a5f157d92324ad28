use super::*;
use arrow::array::{ArrayRef, AsArray, Float32Array, Float64Array, Int32Array, RecordBatch, StringArray, UInt32Array};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::sync::Arc;

/// The column writer's default page limits, as the tools' files have them.
const LIMITS: PageLimits = PageLimits {
    rows: 20_000,
    bytes: 1 << 20,
};

fn lists(lens: &[usize], items: ArrayRef) -> ListArray {
    ListArray::new(
        Arc::new(Field::new_list_field(items.data_type().clone(), false)),
        OffsetBuffer::from_lengths(lens.iter().copied()),
        items,
        None,
    )
}

/// The Parquet leaf of a column named "x" of type `t`, nullable or not.
fn leaf(t: &DataType, nullable: bool) -> ColumnDescPtr {
    let schema = Schema::new(vec![Field::new("x", t.clone(), nullable)]);
    parquet::arrow::ArrowSchemaConverter::new()
        .convert(&schema)
        .unwrap()
        .column(0)
}

/// A file of the one column `list`, its chunk made by [`list_chunk`] and appended as a column
/// writer's would be; None when `list_chunk` declines it.
fn written(list: &ListArray) -> Option<Vec<u8>> {
    let schema = Arc::new(Schema::new(vec![Field::new("x", list.data_type().clone(), false)]));
    let props = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .set_statistics_enabled(EnabledStatistics::None)
        .build();
    let mut out = Vec::new();
    let w = ArrowWriter::try_new(&mut out, schema, Some(props)).unwrap();
    let (mut file, _) = w.into_serialized_writer().unwrap();
    let descr = file.schema_descr().column(0);
    let (bytes, close) = list_chunk(&descr, list, LIMITS).unwrap()?;
    let mut group = file.next_row_group().unwrap();
    group.append_column(&bytes, close).unwrap();
    group.close().unwrap();
    file.close().unwrap();
    Some(out)
}

/// The one column of a file, read back by the Parquet crate's reader, and its pages' row counts.
fn read_back(file: Vec<u8>) -> (ListArray, Vec<i64>) {
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(
        bytes::Bytes::from(file),
        parquet::arrow::arrow_reader::ArrowReaderOptions::new()
            .with_page_index_policy(parquet::file::metadata::PageIndexPolicy::Required),
    )
    .unwrap();
    let group = builder.metadata().page_index_for_row_group(0);
    let index = group.offset_index(0).expect("an offset index").page_locations().clone();
    let batches: Vec<RecordBatch> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    let schema = batches[0].schema();
    let whole = arrow::compute::concat_batches(&schema, &batches).unwrap();
    let rows = whole.num_rows() as i64;
    let firsts: Vec<i64> = index.iter().map(|p| p.first_row_index).chain([rows]).collect();
    let page_rows = firsts.windows(2).map(|w| w[1] - w[0]).collect();
    (whole.column(0).as_list::<i32>().clone(), page_rows)
}

/// `list` written in bulk reads back the same: the same row lengths, and items bit for bit.
fn same(list: &ListArray) -> Vec<i64> {
    let (back, pages) = read_back(written(list).expect("a list column of numbers is written in bulk"));
    assert_eq!(back.len(), list.len());
    let lens = |l: &ListArray| l.value_offsets().windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>();
    assert_eq!(lens(&back), lens(list));
    // The items' bytes as stored (floats bit for bit: NaN equals itself here).
    let bytes = |l: &ListArray| -> Vec<u8> {
        let first = l.value_offsets()[0] as usize;
        let n = *l.value_offsets().last().unwrap() as usize - first;
        let v = l.values().slice(first, n).to_data();
        let width = v.data_type().primitive_width().unwrap();
        v.buffers()[0].as_slice()[v.offset() * width..(v.offset() + n) * width].to_vec()
    };
    assert_eq!(bytes(&back), bytes(list));
    pages
}

fn hashed(n: usize, modulo: u32) -> Vec<u32> {
    (0..n as u32).map(|i| i.wrapping_mul(2_654_435_761) % modulo).collect()
}

#[test]
fn rows_of_every_length_read_back_as_written() {
    // Empty rows first, last, in runs and alone; a run of ones longer than a bit-packed group.
    let shapes: [&[usize]; 7] = [
        &[0, 0, 3, 0, 0, 0, 5, 1, 1, 0],
        &[0; 10],
        &[1],
        &[0],
        &[17],
        &[2, 0, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7, 0],
        &[33, 31, 32, 0, 64, 129, 127, 128],
    ];
    for lens in shapes {
        let n: usize = lens.iter().sum();
        same(&lists(lens, Arc::new(UInt32Array::from(hashed(n, 40_000)))));
        same(&lists(
            lens,
            Arc::new(Float32Array::from_iter_values((0..n).map(|i| i as f32 / 7.0))),
        ));
    }
}

#[test]
fn deltas_of_every_width_read_back() {
    // Steps from 0 to 32 bits wide, wrapping both ways: u32::MAX after 0 is a delta of -1 in the
    // column's 32-bit type, 0 after 2^31 one of 2^31, which only wraps.
    let mut v: Vec<u32> = vec![0, u32::MAX, 1, 1 << 31, 0, (1 << 31) - 1, u32::MAX, 0, 5, 5, 5];
    for width in 0..=32u32 {
        let top = if width == 32 {
            u32::MAX
        } else {
            (1u32 << width).wrapping_sub(1)
        };
        v.extend((0..67u32).map(|i| if i % 2 == 0 { top } else { i & top }));
    }
    let lens: Vec<usize> = (0..v.len())
        .map(|i| [1, 3, 0, 8, 2][i % 5])
        .scan(0, |at, l| {
            let l = l.min(v.len() - *at);
            *at += l;
            Some(l)
        })
        .collect();
    same(&lists(&lens, Arc::new(UInt32Array::from(v.clone()))));
    let signed: Vec<i32> = v.iter().map(|&x| x as i32).collect();
    same(&lists(&lens, Arc::new(Int32Array::from(signed))));
    // One value alone, and a page of ascending runs (the features' indices).
    same(&lists(&[1], Arc::new(UInt32Array::from(vec![u32::MAX]))));
    let rows: Vec<usize> = (0..3000).map(|i| i % 13).collect();
    let n = rows.iter().sum();
    let mut ascending = Vec::with_capacity(n);
    for &l in &rows {
        ascending.extend((0..l as u32).map(|k| k * 97 + l as u32));
    }
    same(&lists(&rows, Arc::new(UInt32Array::from(ascending))));
}

#[test]
fn floats_keep_their_bits() {
    let v = vec![
        0.0,
        -0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        1e300,
        -3.5,
    ];
    same(&lists(&[3, 0, 5], Arc::new(Float64Array::from(v.clone()))));
    let v32: Vec<f32> = v.iter().map(|&x| x as f32).collect();
    same(&lists(&[2, 2, 0, 4], Arc::new(Float32Array::from(v32))));
}

#[test]
fn pages_end_at_rows_and_at_their_size() {
    // 45,000 rows: pages of the row limit and the rest.
    let lens: Vec<usize> = (0..45_000).map(|i| i % 4).collect();
    let n = lens.iter().sum();
    let pages = same(&lists(
        &lens,
        Arc::new(Float32Array::from_iter_values((0..n).map(|i| i as f32))),
    ));
    assert_eq!(pages, [20_000, 20_000, 5_000]);
    // A row longer than a page holds: a page of its own, between pages of the rows around it.
    let lens = [1, 2, LIMITS.bytes / 4 + 10, 3, 0];
    let n = lens.iter().sum();
    let pages = same(&lists(&lens, Arc::new(UInt32Array::from(hashed(n, 1 << 20)))));
    assert_eq!(pages, [2, 1, 2]);
}

#[test]
fn a_slice_of_a_list_column_is_its_rows_alone() {
    let lens: Vec<usize> = (0..500).map(|i| i % 6).collect();
    let n = lens.iter().sum();
    let list = lists(&lens, Arc::new(UInt32Array::from(hashed(n, 1000))));
    same(&list.slice(7, 300));
    same(&list.slice(499, 1));
    // A slice of the items array itself (not only of the offsets).
    let items = Float32Array::from_iter_values((0..n + 9).map(|i| i as f32)).slice(9, n);
    same(&lists(&lens, Arc::new(items)));
}

#[test]
fn columns_it_does_not_write_are_left_to_the_column_writer() {
    let items: ArrayRef = Arc::new(UInt32Array::from(vec![1, 2, 3]));
    // A null row.
    let nullable = ListArray::new(
        Arc::new(Field::new_list_field(DataType::UInt32, false)),
        OffsetBuffer::from_lengths([1, 2]),
        items.clone(),
        Some(NullBuffer::from(vec![true, false])),
    );
    assert!(
        list_chunk(&leaf(nullable.data_type(), true), &nullable, LIMITS)
            .unwrap()
            .is_none()
    );
    // Null items, and items of other types.
    let with_nulls = ListArray::new(
        Arc::new(Field::new_list_field(DataType::UInt32, true)),
        OffsetBuffer::from_lengths([2, 1]),
        Arc::new(UInt32Array::from(vec![Some(1), None, Some(3)])),
        None,
    );
    assert!(written(&with_nulls).is_none());
    assert!(written(&lists(&[1, 1], Arc::new(StringArray::from(vec!["a", "b"])))).is_none());
}

#[test]
fn page_headers_are_the_ones_the_crate_writes() {
    use parquet::column::page::{CompressedPage, Page, PageWriter};
    use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
    for (entries, encoding, size) in [
        (0, Encoding::PLAIN, 0),
        (1, Encoding::DELTA_BINARY_PACKED, 63),
        (364_715, Encoding::PLAIN, 1_504_572),
        (1 << 30, Encoding::DELTA_BINARY_PACKED, 70_000),
    ] {
        let mut sink = TrackedWrite::new(Vec::new());
        let mut w = SerializedPageWriter::new(&mut sink);
        let page = Page::DataPage {
            buf: Bytes::from(vec![7u8; size]),
            num_values: entries as u32,
            encoding,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        w.write_page(CompressedPage::new(page, size)).unwrap();
        w.close().unwrap();
        let theirs = sink.into_inner().unwrap();
        let mut ours = Vec::new();
        page_header(&mut ours, entries, encoding, size).unwrap();
        assert_eq!(ours, theirs[..theirs.len() - size], "{entries} entries, {size} bytes");
    }
    // Sizes a header cannot hold are an error, not a wrapped number.
    assert!(page_header(&mut Vec::new(), 1 << 31, Encoding::PLAIN, 1).is_err());
    assert!(page_header(&mut Vec::new(), 1, Encoding::PLAIN, 1 << 31).is_err());
}

#[test]
fn a_chunk_in_pieces_reads_as_one() {
    let list = lists(
        &[3, 0, 5, 2],
        Arc::new(Float32Array::from_iter_values((0..10).map(|i| i as f32))),
    );
    let (pieces, close) = list_chunk(&leaf(list.data_type(), false), &list, LIMITS)
        .unwrap()
        .unwrap();
    // A header and levels, then the floats, still in the array.
    assert_eq!(pieces.parts.len(), 2);
    assert_eq!(pieces.parts[1].as_ptr(), list.values().to_data().buffers()[0].as_ptr());
    let mut whole = Vec::new();
    pieces.get_read(0).unwrap().read_to_end(&mut whole).unwrap();
    assert_eq!(whole.len() as u64, pieces.len());
    assert_eq!(pieces.len(), close.metadata.compressed_size() as u64);
    for start in [
        0,
        1,
        pieces.parts[0].len() - 1,
        pieces.parts[0].len(),
        whole.len() - 3,
        whole.len(),
    ] {
        let mut rest = Vec::new();
        pieces.get_read(start as u64).unwrap().read_to_end(&mut rest).unwrap();
        assert_eq!(rest, whole[start..], "from {start}");
        let n = (whole.len() - start).min(7);
        assert_eq!(
            pieces.get_bytes(start as u64, n).unwrap(),
            whole[start..start + n],
            "from {start}"
        );
    }
    assert!(pieces.get_bytes(whole.len() as u64 - 2, 3).is_err());
}
