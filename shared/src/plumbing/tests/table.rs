use super::*;

fn tmp(name: &str) -> String {
    let d = std::env::temp_dir().join(format!("hn-table-{}-{name}", std::process::id()));
    d.to_string_lossy().into_owned()
}

#[test]
fn stories_round_trip_with_provenance() {
    let s = vec![
        Story {
            id: 3,
            kind: "story".into(),
            title: Some("Hi & bye".into()),
            time: 10,
            descendants: Some(4),
            ..Default::default()
        },
        Story {
            id: 4,
            kind: "job".into(),
            time: 11,
            dead: true,
            ..Default::default()
        },
    ];
    let p = tmp("rt.parquet");
    let prov = Provenance::new("test", vec!["a".into()])
        .input("x.jsonl", "sha256:00")
        .extra("k", "v");
    write_parquet(&p, &stories_to_batch(&s).unwrap(), &prov).unwrap();
    let t = Table::read(&p, None).unwrap();
    assert_eq!(read_stories(&t).unwrap(), s);
    assert_eq!(t.meta("tool"), Some("test"));
    assert_eq!(t.meta("k"), Some("v"));
    assert_eq!(t.meta("args"), Some("[\"a\"]"));
    assert!(t.meta("inputs").unwrap().contains("sha256:00"));
    let t = Table::read(&p, Some(&["title"])).unwrap();
    assert_eq!(t.batch.num_columns(), 1);
    let e = Table::read(&p, Some(&["nope"])).err().unwrap();
    assert!(e.to_string().contains("no column \"nope\""), "{e}");
    std::fs::remove_file(&p).unwrap();
}

/// Files written by pyarrow (dictionary, large and view strings, several row groups), pandas
/// (float64 nullable ints, datetimes, an index column), DuckDB and Polars (zstd): made by
/// scripts/make-interop-fixtures.py.
#[test]
fn reads_what_other_tools_write() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/interop");
    let files = ["pyarrow_dictionary", "pyarrow_large_view", "pandas", "duckdb", "polars"];
    for f in files {
        let path = format!("{dir}/{f}.parquet");
        let t = Table::read(&path, None).unwrap_or_else(|e| panic!("{f}: {e}"));
        let s = read_stories(&t).unwrap_or_else(|e| panic!("{f}: {e}"));
        let ids: Vec<i64> = s.iter().map(|s| s.id).collect();
        assert_eq!(ids, [101, 102, 103, 104, 105], "{f}");
        assert_eq!(s[0].time, 1700000000, "{f}");
        assert_eq!(s[3].title.as_deref(), Some("Ünïcödé title ✓"), "{f}");
        assert_eq!(s[4].title.as_deref(), Some("R&D at 東京"), "{f}");
        assert_eq!(s[4].by.as_deref(), Some("ève"), "{f}");
        assert_eq!(s[2].by, None, "{f}");
        assert_eq!(s[2].kind, "job", "{f}");
        assert_eq!(s[1].url, None, "{f}");
        let desc: Vec<Option<i64>> = s.iter().map(|s| s.descendants).collect();
        assert_eq!(desc, [Some(4), Some(0), None, Some(12), Some(99)], "{f}");
        assert_eq!(s[4].score, Some(250), "{f}");
    }
}

/// Titles read as views into the file's pages are the titles read as strings, whatever type
/// the writer gave them (strings, large strings, views, a dictionary).
#[test]
fn titles_read_as_views_are_the_titles() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/interop");
    for f in ["pyarrow_dictionary", "pyarrow_large_view", "pandas", "duckdb", "polars"] {
        let path = format!("{dir}/{f}.parquet");
        let strings = Table::read(&path, None).unwrap().str_column("title").unwrap();
        let t = Table::read_available_viewing(&path, &["id", "title", "absent"], &["title", "absent"]).unwrap();
        let views = t.str_view_column("title").unwrap();
        assert_eq!(
            views.iter().collect::<Vec<_>>(),
            strings.iter().collect::<Vec<_>>(),
            "{f}"
        );
        assert!(!t.has_column("absent"), "{f}");
    }
    // A plain string column is decoded as views, not cast afterwards.
    let p = tmp("views.parquet");
    let s = vec![Story {
        id: 1,
        title: Some("a title longer than twelve bytes".into()),
        ..Default::default()
    }];
    write_parquet(&p, &stories_to_batch(&s).unwrap(), &Provenance::new("test", vec![])).unwrap();
    let t = Table::read_available_viewing(&p, &["title"], &["title"]).unwrap();
    assert_eq!(t.column("title").unwrap().data_type(), &DataType::Utf8View);
    assert_eq!(
        t.str_view_column("title").unwrap().value(0),
        "a title longer than twelve bytes"
    );
    let t = Table::read_available(&p, &["title"]).unwrap();
    assert_eq!(t.column("title").unwrap().data_type(), &DataType::Utf8);
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn garbage_and_empty_inputs_are_errors() {
    let p = tmp("bad.parquet");
    std::fs::write(&p, b"").unwrap();
    assert!(Table::read(&p, None).err().unwrap().to_string().contains("is empty"));
    std::fs::write(&p, b"PAR1 not really").unwrap();
    assert!(
        Table::read(&p, None)
            .err()
            .unwrap()
            .to_string()
            .contains("not a readable Parquet file")
    );
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn columns_encoded_in_parallel_give_the_same_bytes() {
    use arrow::array::Float64Array;
    // A features-like table: ids, a nullable number, sparse rows as list<u32>, and text.
    let rows = 5000;
    let list = u32_lists((0..rows).map(|i| i % 9), |v| v.wrapping_mul(2_654_435_761) % 40_000);
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("target", DataType::Float64, true),
        Field::new("indices", list.data_type().clone(), false),
        Field::new("title", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from_iter_values(0..rows as i64)),
            Arc::new(Float64Array::from_iter(
                (0..rows).map(|i| (i % 7 != 0).then_some(i as f64 / 3.0)),
            )),
            Arc::new(list),
            Arc::new(StringArray::from_iter(
                (0..rows).map(|i| (i % 11 != 0).then(|| format!("title {}", i % 97))),
            )),
        ],
    )
    .unwrap();
    let props = || {
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(false)
            .set_column_dictionary_enabled(ColumnPath::from("title"), true)
            .set_data_page_row_count_limit(1000)
            .set_max_row_group_row_count(Some(1200))
            .build()
    };
    let (mut one, mut many) = (Vec::new(), Vec::new());
    encode(&mut one, &batch, props(), false).unwrap();
    encode(&mut many, &batch, props(), true).unwrap();
    assert!(one == many, "parallel encoding changed the file");
    // Four row groups of 1,200 rows and one of 200, read back whole (column by column and row
    // group by row group in parallel, then joined).
    let meta = parquet::file::metadata::ParquetMetaDataReader::new()
        .parse_and_finish(&bytes::Bytes::from(many.clone()))
        .unwrap();
    let groups: Vec<i64> = meta.row_groups().iter().map(|g| g.num_rows()).collect();
    assert_eq!(groups, [1200, 1200, 1200, 1200, 200]);
    let (back, _) = Table::decode_bytes("t.parquet", &many.clone().into(), None, false, &[], true).unwrap();
    assert_eq!(back.columns(), batch.columns());

    // From a file, a projection reads only the footer and its columns' chunks (in parts), and
    // still fingerprints every byte.
    let p = tmp("groups.parquet");
    std::fs::write(&p, &many).unwrap();
    let t = Table::read(&p, Some(&["title", "id"])).unwrap();
    assert_eq!(t.fingerprint, crate::io::fingerprint(&many));
    assert_eq!(t.batch.num_columns(), 2);
    assert_eq!(t.column("id").unwrap(), batch.column(0));
    assert_eq!(t.column("title").unwrap(), batch.column(3));
    assert_eq!(t.metadata, Table::read(&p, None).unwrap().metadata);

    // A footer that places chunks past the end of the file (the middle cut out): an error that
    // names the file, not a panic or a short table.
    let footer_len = u32::from_le_bytes(many[many.len() - 8..many.len() - 4].try_into().unwrap()) as usize + 8;
    let mut cut = many[..many.len() / 3].to_vec();
    cut.extend_from_slice(&many[many.len() - footer_len..]);
    std::fs::write(&p, &cut).unwrap();
    let e = Table::read(&p, Some(&["title"])).err().unwrap().to_string();
    assert!(e.contains(&p) && e.contains("damaged"), "{e}");
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn numbers_read_in_place_agree_with_the_cast() {
    use arrow::array::{Float64Array, Int32Array};
    let batch = RecordBatch::try_from_iter([
        (
            "i64",
            Arc::new(Int64Array::from(vec![Some(3), None, Some(-7)])) as ArrayRef,
        ),
        (
            "f64",
            Arc::new(Float64Array::from(vec![Some(1.5), Some(f64::NAN), None])) as ArrayRef,
        ),
        (
            "i32",
            Arc::new(Int32Array::from(vec![Some(2), None, Some(9)])) as ArrayRef,
        ),
        ("ids", Arc::new(Int64Array::from(vec![10, 11, 12])) as ArrayRef),
    ])
    .unwrap();
    let t = Table {
        name: "t.parquet".into(),
        fingerprint: String::new(),
        batch,
        metadata: Default::default(),
    };
    for col in ["i64", "f64", "i32"] {
        let mut each = Vec::new();
        t.each_f64(col, |row, v| {
            assert_eq!(row, each.len());
            each.push(v);
            Ok(())
        })
        .unwrap();
        let cast = t.f64_column(col).unwrap();
        // NaN != NaN: compare the bits.
        let bits = |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
        assert_eq!(bits(&each), bits(&cast), "{col}");
    }
    // The callback's error stops the walk and comes back.
    let mut seen = 0;
    let err = t.each_f64("i64", |row, _| {
        seen += 1;
        if row == 1 { Err(Error::new("stop")) } else { Ok(()) }
    });
    assert!(err.is_err() && seen == 2);
    assert!(t.each_f64("nope", |_, _| Ok(())).is_err());
    // Ids without nulls are copied as they are; a null is still an error naming the row.
    assert_eq!(t.required_i64_column("ids").unwrap(), vec![10, 11, 12]);
    let e = t.required_i64_column("i64").unwrap_err().to_string();
    assert!(e.contains("null at row 1"), "{e}");
}

#[test]
fn a_dictionary_of_strings_is_written_as_strings_when_nothing_else_needs_the_arrow_schema() {
    use arrow::array::{DictionaryArray, Int32Array, LargeStringArray};
    use arrow::datatypes::Int32Type;
    let dict = || {
        let keys = Int32Array::from(vec![0, 0, 0]);
        Arc::new(DictionaryArray::<Int32Type>::try_new(keys, Arc::new(StringArray::from(vec!["m"]))).unwrap())
            as ArrayRef
    };
    let dict_type = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let prov = Provenance::new("test", vec!["a".into()]);
    // Flat columns beside it: no Arrow schema stored, the dictionary reads back as its strings.
    let plain = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("model", dict_type.clone(), false),
        ])),
        vec![Arc::new(Int64Array::from(vec![1, 2, 3])), dict()],
    )
    .unwrap();
    let p = tmp("dict-plain.parquet");
    write_parquet(&p, &plain, &prov).unwrap();
    let t = Table::read(&p, None).unwrap();
    assert_eq!(t.column("model").unwrap().data_type(), &DataType::Utf8);
    assert_eq!(t.column("id").unwrap().data_type(), &DataType::Int64);
    assert_eq!(
        t.str_column("model").unwrap().iter().collect::<Vec<_>>(),
        [Some("m"); 3]
    );
    assert_eq!(t.meta("tool"), Some("test"));
    // Beside a type the Parquet schema alone would not give back (a large string), the Arrow
    // schema is kept: every column reads back as it was written.
    let other = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("big", DataType::LargeUtf8, false),
            Field::new("model", dict_type.clone(), false),
        ])),
        vec![Arc::new(LargeStringArray::from(vec!["a", "b", "c"])), dict()],
    )
    .unwrap();
    write_parquet(&p, &other, &prov).unwrap();
    let t = Table::read(&p, None).unwrap();
    assert_eq!(t.column("big").unwrap().data_type(), &DataType::LargeUtf8);
    assert_eq!(t.column("model").unwrap().data_type(), &dict_type);
    assert_eq!(
        t.str_column("model").unwrap().iter().collect::<Vec<_>>(),
        [Some("m"); 3]
    );
    std::fs::remove_file(&p).unwrap();
}

/// Columns written while the rest are still being made give the file the whole table gives,
/// byte for byte: one row group, and past a row group (written whole once all are there).
#[test]
fn a_table_written_in_two_stages_is_the_table_written_whole() {
    use arrow::array::{DictionaryArray, Float64Array, Int32Array};
    use arrow::datatypes::Int32Type;
    let prov = Provenance::new("test", vec!["x".into()]).input("in.parquet", "sha256:00");
    for rows in [3000, ROW_GROUP_ROWS + 5] {
        let list = u32_lists((0..rows).map(|i| i % 5), |v| v % 977);
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("title", DataType::Utf8View, true),
            Field::new("indices", list.data_type().clone(), false),
            Field::new("predicted", DataType::Float64, false),
            Field::new(
                "model",
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                false,
            ),
        ]));
        let early: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(0..rows as i64)),
            Arc::new(StringViewArray::from_iter((0..rows).map(|i| {
                (i % 13 != 0).then(|| format!("a title long enough for a view, {i}"))
            }))),
            Arc::new(list),
        ];
        let late = || -> Result<Vec<ArrayRef>> {
            Ok(vec![
                Arc::new(Float64Array::from_iter_values((0..rows).map(|i| i as f64 / 7.0))),
                Arc::new(DictionaryArray::<Int32Type>::try_new(
                    Int32Array::from(vec![0; rows]),
                    Arc::new(StringArray::from(vec!["sha256:ab"])),
                )?),
            ])
        };
        let whole_path = tmp(&format!("whole-{rows}.parquet"));
        let staged_path = tmp(&format!("staged-{rows}.parquet"));
        let mut columns = early.clone();
        columns.extend(late().unwrap());
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        crate::io::write_atomically(&whole_path, |o| write_parquet_to(o, &batch, &prov)).unwrap();
        crate::io::write_atomically(&staged_path, |o| {
            write_parquet_staged_to(o, schema.clone(), early.clone(), late, &prov)
        })
        .unwrap();
        let (whole, staged) = (
            std::fs::read(&whole_path).unwrap(),
            std::fs::read(&staged_path).unwrap(),
        );
        // Every byte before the footer, and the footer's size; the footers may differ only in
        // when each file was made (the provenance's second).
        let footer = |b: &[u8]| u32::from_le_bytes(b[b.len() - 8..b.len() - 4].try_into().unwrap()) as usize + 8;
        assert_eq!(footer(&whole), footer(&staged), "{rows} rows");
        let data = |b: &[u8]| b[..b.len() - footer(b)].to_vec();
        assert!(
            data(&whole) == data(&staged),
            "{rows} rows: staged writing changed the file"
        );
        let meta = |p: &str| {
            let mut m = Table::read(p, None).unwrap().metadata;
            m.retain(|k, _| k != "hn.created_at" && k != "ARROW:schema");
            m
        };
        assert_eq!(meta(&whole_path), meta(&staged_path), "{rows} rows");
        // Late columns that do not fit the early ones are an error, and nothing is left behind.
        let short =
            || -> Result<Vec<ArrayRef>> { Ok(vec![Arc::new(Float64Array::from(vec![1.0])), batch.column(4).clone()]) };
        let e = crate::io::write_atomically(&staged_path, |o| {
            write_parquet_staged_to(o, schema.clone(), early, short, &prov)
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read(&staged_path).unwrap(), staged);
        std::fs::remove_file(&whole_path).unwrap();
        std::fs::remove_file(&staged_path).unwrap();
    }
}

/// A list<u32> column of lists `lens` long, the k-th value of them all `value(k)`.
fn u32_lists(lens: impl Iterator<Item = usize>, value: impl Fn(u32) -> u32) -> arrow::array::ListArray {
    use arrow::array::{ListArray, UInt32Array};
    use arrow::buffer::OffsetBuffer;
    let lens: Vec<usize> = lens.collect();
    let n = lens.iter().sum::<usize>() as u32;
    ListArray::new(
        Arc::new(Field::new_list_field(DataType::UInt32, false)),
        OffsetBuffer::from_lengths(lens),
        Arc::new(UInt32Array::from_iter_values((0..n).map(value))),
        None,
    )
}

/// Whole-number columns are written as deltas, uncompressed, and read back as they were:
/// extremes (a step from i64::MIN to i64::MAX wraps inside the encoder), nulls, descending runs.
#[test]
fn whole_numbers_are_deltas_and_read_back_exactly() {
    use arrow::array::Int32Array;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let wide: Vec<Option<i64>> = vec![
        Some(i64::MIN),
        Some(i64::MAX),
        None,
        Some(-1),
        Some(0),
        Some(7),
        Some(3),
    ];
    let many: Vec<i32> = (0..10_000).map(|i| 5_000 - i * 3).collect();
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("wide", DataType::Int64, true),
            Field::new("many", DataType::Int32, false),
        ])),
        vec![
            Arc::new(Int64Array::from(
                wide.iter().cycle().take(many.len()).copied().collect::<Vec<_>>(),
            )),
            Arc::new(Int32Array::from(many.clone())),
        ],
    )
    .unwrap();
    let p = tmp("deltas.parquet");
    write_parquet(&p, &batch, &Provenance::new("test", vec![])).unwrap();
    let t = Table::read(&p, None).unwrap();
    assert_eq!(t.batch.column(0).as_ref(), batch.column(0).as_ref());
    assert_eq!(t.batch.column(1).as_ref(), batch.column(1).as_ref());
    let file = SerializedFileReader::new(std::fs::File::open(&p).unwrap()).unwrap();
    for c in file.metadata().row_group(0).columns() {
        assert!(c.encodings().any(|e| e == Encoding::DELTA_BINARY_PACKED), "{c:?}");
        assert_eq!(c.compression(), Compression::UNCOMPRESSED, "{c:?}");
    }
    std::fs::remove_file(&p).unwrap();
}

/// Columns of whole numbers that are never null are encoded by `bulk`, not the column writer,
/// and come out byte for byte as the column writer writes them: pages, offset index, the
/// chunk's statistics and the column index, with page boundaries on both sides of the page
/// row limit.
#[test]
fn whole_numbers_in_bulk_are_the_column_writers_bytes() {
    let prov = Provenance::new("test", vec![]);
    for rows in [1usize, 2, 129, 1023, 1024, 20_479, 20_480, 20_481, 61_441] {
        let n = rows as i64;
        let mixed = |i: i64| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) as i64 >> (i % 60);
        let cols: Vec<(&str, Vec<i64>)> = vec![
            ("ascending", (0..n).map(|i| 40_000_000 + 3 * i + i % 7).collect()),
            ("descending", (0..n).map(|i| 1_700_000_000 - 5 * i).collect()),
            ("mixed", (0..n).map(mixed).collect()),
            (
                "extremes",
                (0..n)
                    .map(|i| if i % 3 == 0 { i64::MIN } else { i64::MAX - i })
                    .collect(),
            ),
            ("constant", vec![7; rows]),
        ];
        let schema = Arc::new(Schema::new(
            cols.iter()
                .map(|(name, _)| Field::new(*name, DataType::Int64, false))
                .collect::<Vec<_>>(),
        ));
        let arrays: Vec<ArrayRef> = cols
            .into_iter()
            .map(|(_, v)| Arc::new(Int64Array::from(v)) as ArrayRef)
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays).unwrap();
        let known: Vec<Option<&ArrayRef>> = batch.columns().iter().map(Some).collect();
        let (props, schema) = properties(&schema, &known, &prov);
        let batch = batch.with_schema(schema.clone()).unwrap();
        // Every column here goes to `bulk`.
        let (file, _) = writer(Vec::new(), &schema, props.clone())
            .unwrap()
            .into_serialized_writer()
            .unwrap();
        let bulk = bulk_columns(&file, &schema).unwrap();
        assert!(
            bulk.iter().all(|b| matches!(b, Some(Bulk::Whole { .. }))),
            "{rows} rows"
        );
        let mut ours = Vec::new();
        encode(&mut ours, &batch, props.clone(), true).unwrap();
        let mut theirs = Vec::new();
        let mut w = writer(&mut theirs, &schema, props).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        assert!(
            ours == theirs,
            "{rows} rows: the bulk encoding differs from the column writer's"
        );
    }
}
