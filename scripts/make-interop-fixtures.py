#!/usr/bin/env python3
"""Write small stories tables the way other tools write them, for shared/src/table.rs's tests.

Run once by hand (needs pyarrow, pandas, duckdb, polars); the outputs are committed under
shared/testdata/interop/ so the tests themselves need no Python:

    python3 scripts/make-interop-fixtures.py shared/testdata/interop

Every file holds the same five stories (see ROWS), stored with the quirks each writer has:
dictionary-encoded, large and view strings and several row groups (pyarrow), float64 nullable ints
and datetime columns (pandas), DuckDB's and Polars' defaults (Polars compresses with zstd).
"""
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

ROWS = {
    "id": [101, 102, 103, 104, 105],
    "type": ["story", "story", "job", "story", "story"],
    "by": ["alice", "bob", None, "dmitri", "ève"],
    "time": [1700000000, 1700000100, 1700000200, 1700000300, 1700000400],
    "title": ["Show HN: A thing", "Ask HN: Why?", "Acme is hiring", "Ünïcödé title ✓", "R&D at 東京"],
    "url": ["https://a.example", None, None, "https://d.example", "https://e.example"],
    "score": [10, 3, 1, 7, 250],
    "descendants": [4, 0, None, 12, 99],
}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    base = pa.table(ROWS, schema=pa.schema([
        ("id", pa.int64()), ("type", pa.string()), ("by", pa.string()), ("time", pa.int64()),
        ("title", pa.string()), ("url", pa.string()), ("score", pa.int64()), ("descendants", pa.int64()),
    ]))

    # pyarrow: dictionary-encoded strings, two rows per row group.
    dict_tbl = base.set_column(4, "title", base.column("title").dictionary_encode())
    dict_tbl = dict_tbl.set_column(1, "type", dict_tbl.column("type").dictionary_encode())
    pq.write_table(dict_tbl, out / "pyarrow_dictionary.parquet", row_group_size=2)

    # pyarrow: large_string and string_view, int32 ids/scores, timestamps in seconds.
    cast = base.cast(pa.schema([
        ("id", pa.int32()), ("type", pa.large_string()), ("by", pa.string_view()),
        ("time", pa.timestamp("s")), ("title", pa.large_string()), ("url", pa.string_view()),
        ("score", pa.int32()), ("descendants", pa.int32()),
    ]))
    pq.write_table(cast, out / "pyarrow_large_view.parquet", row_group_size=3)

    # pandas: descendants with a null becomes float64 with NaN; time as datetime64[ns]; an index column.
    df = pd.DataFrame(ROWS)
    df["descendants"] = df["descendants"].astype("float64")
    df["time"] = pd.to_datetime(df["time"], unit="s")
    df.index = df.index + 1000
    df.to_parquet(out / "pandas.parquet", engine="pyarrow")

    # DuckDB's own writer.
    con = duckdb.connect()
    con.register("src", base)
    con.execute(f"COPY (SELECT * FROM src) TO '{out / 'duckdb.parquet'}' (FORMAT parquet)")

    # Polars' writer (zstd by default, string views in memory).
    pl.from_arrow(base).write_parquet(out / "polars.parquet")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "shared/testdata/interop"))
