#!/usr/bin/env python3
"""Benchmark helper: time scikit-learn's TfidfVectorizer on the titles of two stories tables.

  scripts/sklearn-tfidf-time.py TRAIN.parquet TEST.parquet [RUNS]

Reading the titles is not timed (only fit_transform and transform are, the median of RUNS).
Prints one JSON line: fit_s, transform_s, n_features, nnz, peak_rss_mb (of this process).
"""
import json
import resource
import statistics
import sys
import time

import pyarrow.parquet as pq
from sklearn.feature_extraction.text import TfidfVectorizer


def titles(path):
    return [t if t is not None else "" for t in pq.read_table(path, columns=["title"]).column("title").to_pylist()]


def main():
    train, test = titles(sys.argv[1]), titles(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    fits, trs = [], []
    for _ in range(runs):
        v = TfidfVectorizer()
        t0 = time.perf_counter()
        x = v.fit_transform(train)
        t1 = time.perf_counter()
        v.transform(test)
        t2 = time.perf_counter()
        fits.append(t1 - t0)
        trs.append(t2 - t1)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"fit_s": statistics.median(fits), "transform_s": statistics.median(trs),
                      "n_features": len(v.vocabulary_), "nnz": int(x.nnz), "peak_rss_mb": rss}))


if __name__ == "__main__":
    main()
