#!/usr/bin/env python3
"""Benchmark helper: HN items (JSON Lines, API item shape) -> a stories Parquet table with the
columns `hn-fetch` writes, so benchmarks can run before or without hn-fetch.

  scripts/jsonl-to-stories.py ITEMS.jsonl OUT.parquet [--rows N]

--rows N replicates the items (new ids above the largest real one) up to N rows: a synthetic
corpus with the real titles' vocabulary and non-zeros per row.
"""
import argparse
import json

import pyarrow as pa
import pyarrow.parquet as pq


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("items")
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=0)
    a = ap.parse_args()
    items = [json.loads(line) for line in open(a.items, encoding="utf-8") if line.strip()]
    n = a.rows or len(items)
    top = max(it["id"] for it in items)
    cols = {k: [] for k in ["id", "type", "by", "time", "title", "url", "score", "descendants"]}
    for i in range(n):
        it = items[i % len(items)]
        cols["id"].append(it["id"] if i < len(items) else top + i)
        for k in ["type", "by", "time", "title", "url", "score", "descendants"]:
            cols[k].append(it.get(k))
    t = pa.table(
        {
            "id": pa.array(cols["id"], pa.int64()),
            "type": pa.array(cols["type"], pa.string()),
            "by": pa.array(cols["by"], pa.string()),
            "time": pa.array(cols["time"], pa.int64()),
            "title": pa.array(cols["title"], pa.string()),
            "url": pa.array(cols["url"], pa.string()),
            "score": pa.array(cols["score"], pa.int64()),
            "descendants": pa.array(cols["descendants"], pa.int64()),
            "dead": pa.array([False] * n),
            "deleted": pa.array([False] * n),
            "fetched_at": pa.array([0] * n, pa.int64()),
        }
    )
    pq.write_table(t, a.out)


if __name__ == "__main__":
    main()
