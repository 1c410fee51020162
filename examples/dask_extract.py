#!/usr/bin/env python3
"""dask_extract.py - newsfacts over a Dask distributed cluster.

Reads JSON Lines files ({"id": ..., "text": ..., "dct": ...} per line, as
`newsfacts --jsonl` does) into a Dask bag, extracts every document with the
Python binding and writes JSON Lines: OUT/part-00000.jsonl, part-00001.jsonl,
... one per partition, in input order (concatenated they are what
`newsfacts --jsonl` prints for the same input). Each worker process loads
the rules once (a worker plugin) and shares them among its threads.

    # a local cluster of 2 worker processes
    python3 examples/dask_extract.py --rules rules --out out/ --workers 2 corpus/*.jsonl
    # an existing cluster (newsfacts installed on the workers, NEWSFACTS_LIB set there)
    python3 examples/dask_extract.py --rules /shared/rules --out /shared/out \\
        --scheduler tcp://10.0.0.1:8786 /shared/corpus/*.jsonl
    # no cluster: one process, for comparison and debugging
    python3 examples/dask_extract.py --rules rules --out out/ --synchronous corpus/*.jsonl

Needs Debian's python3-distributed (Dask), libnewsfacts (make; or
NEWSFACTS_LIB) and the binding (pip install ./python, or run from the
repository: the package is then taken from python/). Lines that fail are
reported on standard error and left out; the exit status is then 1.

Prints a summary line: documents, failures, partitions, worker processes.
"""
import argparse
import glob
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
PLUGIN_NAME = "newsfacts-rules"


def _use_tree_package():
    """Imports newsfacts from python/ when run from the repository and not
    installed; worker processes get the same path through PYTHONPATH."""
    try:
        import newsfacts  # noqa: F401
        return
    except ImportError:
        pass
    tree = os.path.join(REPO, "python")
    if os.path.isdir(os.path.join(tree, "newsfacts")):
        sys.path.insert(0, tree)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (tree, os.environ.get("PYTHONPATH")) if p)


_use_tree_package()

from distributed.diagnostics.plugin import WorkerPlugin  # noqa: E402


class RulesPlugin(WorkerPlugin):
    """Loads the rules once in each worker process; closes them at the end."""

    name = PLUGIN_NAME

    def __init__(self, rules_path):
        self.rules_path = rules_path
        self.rules = None

    def setup(self, worker):
        import newsfacts
        self.rules = newsfacts.Rules.load(self.rules_path)

    def teardown(self, worker):
        if self.rules is not None:
            self.rules.close()
            self.rules = None


_LOCAL_RULES = {}  # without a cluster: one handle for this process


def _rules_here(rules_path):
    try:
        from distributed import get_worker
        plugin = get_worker().plugins.get(PLUGIN_NAME)
        if plugin is not None and plugin.rules is not None:
            return plugin.rules
    except ValueError:  # not in a worker
        pass
    rules = _LOCAL_RULES.get(rules_path)
    if rules is None:
        import newsfacts
        rules = _LOCAL_RULES[rules_path] = newsfacts.Rules.load(rules_path)
    return rules


def extract_partition(lines, index, out_dir, rules_path, default_dct, json_flags):
    """Extracts the (line, path) pairs of one partition into
    out_dir/part-NNNNN.jsonl. Returns a small summary dict."""
    import newsfacts
    rules = _rules_here(rules_path)
    done, errors = 0, []
    path = os.path.join(out_dir, "part-%05d.jsonl" % index)
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        for line, src in lines:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            doc_id = None
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise ValueError('expected an object with a "text" string')
                doc_id = obj.get("id")
                if doc_id is not None and not isinstance(doc_id, str):
                    doc_id = json.dumps(doc_id)
                with rules.extract(obj["text"], doc_id=doc_id,
                                   dct=obj.get("dct") or default_dct) as doc:
                    out.write(doc.to_json(**json_flags))
                out.write("\n")
                done += 1
            except (ValueError, newsfacts.NewsfactsError) as e:
                errors.append("%s: id %s: %s" % (src, doc_id, e))
    os.replace(path + ".tmp", path)
    return {"partition": index, "documents": done, "errors": errors, "pid": os.getpid(),
            "rules": id(rules)}


def run(files, out_dir, rules_path, scheduler=None, workers=2, threads=1, synchronous=False,
        blocksize=None, dct=None, json_flags=None):
    """Runs the extraction; returns the list of partition summaries."""
    import dask
    import dask.bag as db

    os.makedirs(out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, "part-*.jsonl")):
        os.unlink(old)
    rules_path = os.path.abspath(rules_path)
    bag = db.read_text(files, blocksize=blocksize, include_path=True)
    tasks = [dask.delayed(extract_partition)(part, i, os.path.abspath(out_dir), rules_path, dct,
                                             json_flags or {})
             for i, part in enumerate(bag.to_delayed())]
    if synchronous:
        return list(dask.compute(*tasks, scheduler="synchronous"))
    from distributed import Client, LocalCluster
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        replies = client.register_worker_plugin(RulesPlugin(rules_path), name=PLUGIN_NAME)
        for worker, reply in (replies or {}).items():
            if isinstance(reply, dict) and reply.get("status") == "error":
                raise RuntimeError("%s: cannot load rules: %s"
                                   % (worker, reply.get("exception_text", reply)))
        return list(client.gather(client.compute(tasks)))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="JSON Lines files (globs allowed)")
    ap.add_argument("--rules", default=os.path.join(REPO, "rules"))
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--scheduler", help="address of a running scheduler")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes (2)")
    ap.add_argument("--threads", type=int, default=1, help="threads per local worker (1)")
    ap.add_argument("--synchronous", action="store_true", help="no cluster: one process")
    ap.add_argument("--blocksize", help='split files into blocks ("64MiB"); default: a '
                    'partition per file')
    ap.add_argument("--dct", help="reference date for lines without one")
    ap.add_argument("--explain", action="store_true")
    a = ap.parse_args(argv)
    files = []
    for pat in a.inputs:
        files.extend(sorted(glob.glob(pat)) or [pat])
    for f in files:
        if not os.path.exists(f):
            ap.error("%s: no such file" % f)
    parts = run(files, a.out, a.rules, a.scheduler, a.workers, a.threads, a.synchronous,
                a.blocksize, a.dct, {"explain": a.explain})
    errors = [e for p in parts for e in p["errors"]]
    for e in errors:
        print("dask_extract: %s" % e, file=sys.stderr)
    pids = {p["pid"] for p in parts}
    print("%d documents, %d failed, %d partitions, %d worker process(es)"
          % (sum(p["documents"] for p in parts), len(errors), len(parts), len(pids)))
    print(json.dumps({"pids": sorted(pids),
                      "rules_per_pid": {str(pid): sorted({p["rules"] for p in parts
                                                           if p["pid"] == pid})
                                        for pid in pids}}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
