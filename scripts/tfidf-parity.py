#!/usr/bin/env python3
"""Benchmark helper: check `vectorize` against scikit-learn on the same stories.

  scripts/tfidf-parity.py TRAIN.parquet TEST.parquet VOCAB.jsonl TRAIN_FEATURES TEST_FEATURES [KWARGS_JSON]

VOCAB.jsonl is `vectorize vocabulary --vectorizer VEC`. Fits TfidfVectorizer(**KWARGS) on the
training titles (a null title as ""), transforms the test titles, and compares vocabulary, idf
and every row (indices exactly, values to 1e-6). Prints one summary line; exit 1 on a mismatch.
"""
import json
import sys

import numpy as np
import pyarrow.parquet as pq
from sklearn.feature_extraction.text import TfidfVectorizer


def titles(path):
    return [t if t is not None else "" for t in pq.read_table(path, columns=["title"]).column("title").to_pylist()]


def compare(name, m, feats):
    m = m.tocsr()
    m.sort_indices()
    t = pq.read_table(feats, columns=["indices", "values"])
    idx, val = t.column("indices").to_pylist(), t.column("values").to_pylist()
    bad_rows, worst = 0, 0.0
    for i in range(m.shape[0]):
        a, b = m.indptr[i], m.indptr[i + 1]
        if m.indices[a:b].tolist() != idx[i]:
            bad_rows += 1
            continue
        if b > a:
            worst = max(worst, float(np.max(np.abs(m.data[a:b] - np.asarray(val[i], dtype=np.float64)))))
    print(f"  {name}: {m.shape[0]} rows, {m.nnz} non-zeros, rows with other indices: {bad_rows}, max |value diff|: {worst:.2e}")
    return bad_rows == 0 and worst < 1e-6


def main():
    train, test, vocab, train_f, test_f = sys.argv[1:6]
    kw = json.loads(sys.argv[6]) if len(sys.argv) > 6 else {}
    if "ngram_range" in kw:
        kw["ngram_range"] = tuple(kw["ngram_range"])
    v = TfidfVectorizer(**kw)
    x = v.fit_transform(titles(train))
    ours = [json.loads(line) for line in open(vocab, encoding="utf-8")]
    theirs = v.get_feature_names_out().tolist()
    same_vocab = [o["term"] for o in ours] == theirs
    idf_diff = max(abs(o["idf"] - i) for o, i in zip(ours, v.idf_)) if same_vocab else float("nan")
    print(f"  vocabulary: ours {len(ours)} terms, scikit-learn {len(theirs)}, identical: {same_vocab}, max |idf diff|: {idf_diff:.2e}")
    if not same_vocab:
        a, b = set(o["term"] for o in ours), set(theirs)
        print(f"    only ours: {sorted(a - b)[:10]}  only scikit-learn: {sorted(b - a)[:10]}")
        sys.exit(1)
    ok = compare("fit (train)", x, train_f) & compare("transform (test)", v.transform(titles(test)), test_f)
    sys.exit(0 if ok and idf_diff < 1e-9 else 1)


if __name__ == "__main__":
    main()
