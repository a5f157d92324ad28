#!/usr/bin/env python3
"""Benchmark helper: Evidently's DataDriftPreset (defaults) on the same rows and the same derived
columns `drift` checks, for scripts/bench drift.

  scripts/evidently-drift.py REFERENCE.parquet CURRENT.parquet

Derived as drift derives them: title length (characters) and words (numerical); posting hour and
weekday (UTC), url domain (host, lowercased, without www. and port; "(none)" without a url) and
story kind (Ask/Show/Tell/Launch HN, job, other) (categorical); the title (text). Prints one JSON
line: seconds for the report alone (reading and deriving excluded), peak RSS of the process, the
dataset verdict and each column's method, score and verdict.
"""
import json
import resource
import sys
import time
import warnings

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

warnings.filterwarnings("ignore")

KINDS = ["Ask HN", "Show HN", "Tell HN", "Launch HN"]


def kind(title, item_type):
    if item_type == "job":
        return "job"
    t = (title or "").lstrip()
    for k in KINDS:
        if t[: len(k)].lower() == k.lower():
            return k
    return "other"


def domain(url):
    if not isinstance(url, str) or not url.strip():
        return "(none)"
    rest = url.strip().split("://", 1)[-1]
    host = rest.split("/")[0].split("?")[0].split("#")[0].rsplit("@", 1)[-1].split(":")[0].rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    return host or "(none)"


def derive(path):
    df = pd.read_parquet(path, columns=["title", "time", "url", "type"])
    df = df[df["title"].notna()]
    t = pd.to_datetime(df["time"], unit="s", utc=True)
    return pd.DataFrame(
        {
            "title": df["title"],
            "title_length": df["title"].str.len(),
            "title_words": df["title"].str.split().str.len(),
            "posting_hour": t.dt.hour.map(lambda h: f"{h:02d}"),
            "posting_weekday": t.dt.day_name().str[:3],
            "url_domain": df["url"].map(domain),
            "story_kind": [kind(a, b) for a, b in zip(df["title"], df["type"])],
        }
    )


def main():
    ref, cur = derive(sys.argv[1]), derive(sys.argv[2])
    definition = DataDefinition(
        numerical_columns=["title_length", "title_words"],
        categorical_columns=["posting_hour", "posting_weekday", "url_domain", "story_kind"],
        text_columns=["title"],
    )
    start = time.perf_counter()
    r = Dataset.from_pandas(ref, data_definition=definition)
    c = Dataset.from_pandas(cur, data_definition=definition)
    snapshot = Report([DataDriftPreset()]).run(c, r)
    seconds = time.perf_counter() - start
    out = {"seconds": round(seconds, 3), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
    columns = {}
    for m in snapshot.dict()["metrics"]:
        name = m.get("metric_name", "") or ""
        cfg = m.get("config", {})
        if name.startswith("DriftedColumnsCount"):
            v = m["value"]
            out["drifted_share"] = v["share"]
            out["dataset_drift"] = v["share"] >= 0.5
        elif name.startswith("ValueDrift"):
            col = cfg.get("column")
            thr = cfg.get("threshold")
            method = cfg.get("method")
            score = m["value"]
            # Evidently's p-value tests drift below the threshold; distances and AUC above it.
            pvalue = method in ("K-S p_value", "chi-square p_value", "Z-test p_value") or "p_value" in str(method)
            columns[col] = {"method": method, "score": score, "threshold": thr,
                            "drifted": (score < thr) if pvalue else (score >= thr)}
    out["columns"] = columns
    print(json.dumps(out, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


if __name__ == "__main__":
    main()
