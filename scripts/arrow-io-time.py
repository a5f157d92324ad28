#!/usr/bin/env python3
"""Benchmark helper for `scripts/bench io`: the time arrow alone needs to read a tool's inputs and
write its outputs, as the floor a tool's whole process is compared against.

  scripts/arrow-io-time.py RUNS [--read FILE[:COL,COL...]]... [--bytes FILE]... [--write FILE]...

--read reads a Parquet file (only the named columns, as the tool does); --bytes reads a file's
bytes (artifacts arrow cannot parse); --write writes the content of an existing output again
(Parquet with pyarrow's defaults, other files as bytes) to a temp file beside it. The content to
write is loaded before timing, and one untimed round warms pyarrow up. Prints the median
seconds over RUNS, in process (no interpreter start-up: the comparison is generous to arrow).
"""
import os
import statistics
import sys
import time

import pyarrow.parquet as pq


def main():
    runs = int(sys.argv[1])
    reads, raw, writes = [], [], []
    args = sys.argv[2:]
    for flag, val in zip(args[::2], args[1::2]):
        {"--read": reads, "--bytes": raw, "--write": writes}[flag].append(val)
    contents = []
    for w in writes:
        if w.endswith(".parquet"):
            contents.append((w, pq.read_table(w)))
        else:
            with open(w, "rb") as f:
                contents.append((w, f.read()))
    times = []
    # One untimed round first: pyarrow initialises lazily on first use (hundreds of ms for list
    # columns), which is start-up, not I/O.
    for i in range(runs + 1):
        t0 = time.perf_counter()
        for r in reads:
            path, _, cols = r.partition(":")
            pq.read_table(path, columns=cols.split(",") if cols else None)
        for r in raw:
            with open(r, "rb") as f:
                f.read()
        for w, content in contents:
            tmp = os.path.join(os.path.dirname(w), ".arrow-io-" + os.path.basename(w))
            if isinstance(content, bytes):
                with open(tmp, "wb") as f:
                    f.write(content)
            else:
                pq.write_table(content, tmp)
            os.remove(tmp)
        if i > 0:
            times.append(time.perf_counter() - t0)
    print(f"{statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
