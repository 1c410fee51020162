#!/usr/bin/env python3
"""Documents/s through the Python binding vs the C extractor, single thread.

    NEWSFACTS_LIB=build/libnewsfacts.so python3 bench/binding.py [--docs N] [--build build]

Both sides extract the same documents (the seed articles, else the sample
article, repeated to N documents) with the same rules and produce the same
JSON. The C time is the extractor run with -j 1 on N files minus its run on
one empty file (start-up and rule loading); the Python time covers
extract() + to_json() + close() per document, rules loaded beforehand.
Also shown: the binding with every accessor read (full dataclasses).
"""
import argparse
import glob
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
sys.path.insert(0, os.path.join(REPO, "python"))
import newsfacts  # noqa: E402


def best_of(runs, fn):
    """(wall, cpu) seconds of the fastest run; cpu counts this process and its children."""
    best = None
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        t = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (time.process_time() - c0 + (r1.ru_utime - r0.ru_utime)
               + (r1.ru_stime - r0.ru_stime))
        best = (t, cpu) if best is None or t < best[0] else best
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--rules", default=os.path.join(REPO, "rules"))
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(REPO, os.pardir, "shared", "corpus", "seeds", "*.txt")))
    if not files:
        files = [os.path.join(REPO, "examples", "data", "sample-article.txt")]
    cli = os.path.join(a.build, "newsfacts")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(a.docs):  # distinct names, same contents
            src = files[i % len(files)]
            p = os.path.join(tmp, "%05d_%s" % (i, os.path.basename(src)))
            os.symlink(os.path.abspath(src), p)
            paths.append(p)
        listing = os.path.join(tmp, "empty.txt")
        open(listing, "w").close()

        def run_c(args):
            subprocess.run([cli, "--rules", a.rules, "--no-progress", "-j", "1"] + args,
                           stdout=subprocess.DEVNULL, check=True)
        full, empty = best_of(a.runs, lambda: run_c(paths)), best_of(a.runs, lambda: run_c([listing]))
        t_c = (full[0] - empty[0], full[1] - empty[1])
    datas = [open(files[i % len(files)], "rb").read() for i in range(a.docs)]
    names = [os.path.splitext(os.path.basename(files[i % len(files)]))[0] for i in range(a.docs)]
    rules = newsfacts.Rules.load(a.rules)

    def run_py():
        for d, n in zip(datas, names):
            with rules.extract(d, doc_id=n) as doc:
                doc.to_json_bytes()

    def run_py_full():
        for d, n in zip(datas, names):
            with rules.extract(d, doc_id=n) as doc:
                doc.entities, doc.dates, doc.quotes, doc.sentences, doc.meta, doc.tokens

    run_py()  # warm up (workspace, caches)
    t_py = best_of(a.runs, run_py)
    t_full = best_of(a.runs, run_py_full)
    rules.close()
    n = a.docs
    mb = sum(len(d) for d in datas) / 1e6
    print("%d documents (%.1f MB) from %d article(s), library %s"
          % (n, mb, len(files), newsfacts.library_path()))
    print("load average %.1f on %d CPU(s); docs/s by wall time / by CPU time"
          % (os.getloadavg()[0], os.cpu_count()))
    print("C extractor -j 1      : %7.0f / %7.0f docs/s" % (n / t_c[0], n / t_c[1]))
    for name, t in (("binding extract+JSON ", t_py), ("binding all accessors", t_full)):
        print("%s : %7.0f / %7.0f docs/s  (%.0f%% / %.0f%% of C)"
              % (name, n / t[0], n / t[1], 100 * t_c[0] / t[0], 100 * t_c[1] / t[1]))


if __name__ == "__main__":
    main()
