//! The whole-process floor for `scripts/bench io`: a process that only reads a tool's inputs and
//! writes its outputs with arrow-rs and the parquet crate, at their defaults, so a tool's time
//! can be set beside what any Rust process doing that I/O pays, start-up and exit included
//! (`scripts/arrow-io-time.py` is the in-process pyarrow floor).
//!
//!   arrow_io [--read FILE[:COL,COL...]]... [--bytes FILE]... [--write FILE]...
//!
//! --read decodes a Parquet file (only the named top-level columns, as the tool does) into one
//! record batch; --bytes reads a file's bytes; --write writes an existing output's content again
//! (Parquet through `ArrowWriter` with default properties, other files as bytes) to a temp file
//! beside it, then removes it. The content to write has to come from somewhere: it is loaded
//! first, and the seconds that took are printed on stdout for the caller to subtract from the
//! process's time. No fsync: arrow alone does not make a write durable (the tools do).

use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("arrow_io: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

enum Content {
    Table(Vec<RecordBatch>),
    Bytes(Vec<u8>),
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut reads, mut raw, mut writes) = (Vec::new(), Vec::new(), Vec::new());
    for pair in args.chunks(2) {
        match pair {
            [flag, val] if flag == "--read" => reads.push(val.as_str()),
            [flag, val] if flag == "--bytes" => raw.push(val.as_str()),
            [flag, val] if flag == "--write" => writes.push(val.as_str()),
            _ => return Err("usage: arrow_io [--read FILE[:COLS]]... [--bytes FILE]... [--write FILE]...".into()),
        }
    }
    let setup = Instant::now();
    let contents = writes
        .iter()
        .map(|w| {
            Ok((
                *w,
                if is_parquet(w) {
                    Content::Table(read(w, None)?)
                } else {
                    Content::Bytes(std::fs::read(w)?)
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let setup = setup.elapsed().as_secs_f64();

    for r in reads {
        let (path, cols) = match r.split_once(':') {
            Some((p, c)) => (p, Some(c.split(',').collect::<Vec<_>>())),
            None => (r, None),
        };
        read(path, cols.as_deref())?;
    }
    for r in raw {
        std::fs::read(r)?;
    }
    for (w, content) in &contents {
        let tmp = beside(w);
        match content {
            Content::Bytes(b) => std::fs::write(&tmp, b)?,
            Content::Table(batches) => {
                let mut writer = ArrowWriter::try_new(File::create(&tmp)?, batches[0].schema(), None)?;
                for b in batches {
                    writer.write(b)?;
                }
                writer.close()?;
            }
        }
        std::fs::remove_file(&tmp)?;
    }
    println!("{setup:.6}");
    Ok(())
}

fn is_parquet(path: &str) -> bool {
    path.ends_with(".parquet")
}

/// A Parquet file's rows (only `cols`, when given), in one batch per row group at most: the
/// batch size is the file's row count, arrow at its fastest.
fn read(path: &str, cols: Option<&[&str]>) -> Result<Vec<RecordBatch>> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?;
    let rows = builder.metadata().file_metadata().num_rows().max(1) as usize;
    let mask = match cols {
        Some(cols) => {
            let schema = builder.schema().clone();
            let roots = cols
                .iter()
                .map(|c| schema.index_of(c))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            ProjectionMask::roots(builder.parquet_schema(), roots)
        }
        None => ProjectionMask::all(),
    };
    let reader = builder.with_projection(mask).with_batch_size(rows).build()?;
    Ok(reader.collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A temp name beside `path` for the rewritten output.
fn beside(path: &str) -> PathBuf {
    let p = Path::new(path);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    p.with_file_name(format!(".arrow-io-{name}"))
}
