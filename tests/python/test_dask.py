"""examples/dask_extract.py on a LocalCluster of 2 worker processes gives the
same JSON Lines as a single-process run (and as `newsfacts --jsonl`).

Dask comes from Debian (python3-distributed): when this interpreter lacks
it, the example runs under /usr/bin/python3 if that one has it; else the
test is skipped.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
if os.environ.get("NEWSFACTS_TEST_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(REPO, "python"))
import newsfacts  # noqa: E402

RULES = os.environ.get("NEWSFACTS_RULES", os.path.join(REPO, "rules"))
SEEDS = os.path.join(REPO, os.pardir, "shared", "corpus", "seeds")
EXAMPLE = os.path.join(REPO, "examples", "dask_extract.py")

# written for this test
TEXTS = [
    "Harbourmaster Lena Duarte said on Monday that the north quay would close in March.",
    "\"We expect delays,\" a spokesman for the Eastern Ferry Company told reporters.",
    "Prices in the old town rose 4% last year, the statistics office reported on 3 June.",
    "Çağla Yılmaz opened a bakery in Łódź — “the bread sells itself”, she said.",
    "Talks between the two unions resumed on Thursday after a six-week break.",
]


def python_with_dask():
    candidates = [sys.executable]
    if os.path.exists("/usr/bin/python3"):
        candidates.append("/usr/bin/python3")
    for py in candidates:
        r = subprocess.run([py, "-c", "import distributed, dask.bag"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        if r.returncode == 0:
            return py
    return None


class DaskExampleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if "libasan" in os.environ.get("LD_PRELOAD", ""):
            raise unittest.SkipTest("not under the sanitizers (make check): the cluster "
                                    "adds minutes and no library code; make test runs it")
        cls.py = python_with_dask()
        if cls.py is None:
            raise unittest.SkipTest("Dask not installed (Debian: apt-get install "
                                    "python3-distributed)")
        cls.tmp = tempfile.mkdtemp(prefix="nf-dask-")
        docs = [{"id": "w%d" % i, "text": t} for i, t in enumerate(TEXTS)]
        docs[1]["dct"] = "2025-05-02"
        for p in sorted(glob.glob(os.path.join(SEEDS, "*.txt"))):
            with open(p, encoding="utf-8") as f:
                docs.append({"id": os.path.basename(p), "text": f.read()})
        cls.files = []
        for k in range(4):  # 4 files = 4 partitions over 2 workers
            path = os.path.join(cls.tmp, "in%d.jsonl" % k)
            with open(path, "w", encoding="utf-8") as f:
                for j, d in enumerate(docs):
                    if (j + k) % 2 == 0 or k == 3:
                        f.write(json.dumps(dict(d, id="%s-%d" % (d["id"], k))) + "\n")
            cls.files.append(path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def reference(self):
        out = []
        with newsfacts.Rules.load(RULES) as rules:
            for path in self.files:
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        d = json.loads(line)
                        with rules.extract(d["text"], doc_id=d["id"], dct=d.get("dct")) as doc:
                            out.append(doc.to_json())
        return out

    def run_example(self, out_dir, *extra):
        env = dict(os.environ)
        env["NEWSFACTS_LIB"] = os.path.abspath(newsfacts.library_path())
        r = subprocess.run([self.py, EXAMPLE, "--rules", RULES, "--out", out_dir] + list(extra)
                           + self.files, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=600, check=False)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace")[-3000:])
        lines = []
        for p in sorted(glob.glob(os.path.join(out_dir, "part-*.jsonl"))):
            with open(p, encoding="utf-8") as f:
                lines += [ln.rstrip("\n") for ln in f if ln.strip()]
        return lines, r.stdout.decode()

    def test_local_cluster_equals_single_process(self):
        expected = self.reference()
        got, summary = self.run_example(os.path.join(self.tmp, "cluster"), "--workers", "2")
        self.assertEqual(len(got), len(expected))
        self.assertEqual(got, expected)
        self.assertIn("%d documents, 0 failed, 4 partitions" % len(expected), summary)
        info = json.loads(summary.strip().splitlines()[-1])
        self.assertNotIn(os.getpid(), info["pids"])  # the work ran in worker processes
        for pid, handles in info["rules_per_pid"].items():
            self.assertEqual(len(handles), 1, "worker %s loaded rules more than once" % pid)
        single, _ = self.run_example(os.path.join(self.tmp, "single"), "--synchronous")
        self.assertEqual(single, expected)
        cli = os.environ.get("NEWSFACTS_CLI") or os.path.join(
            os.path.dirname(os.path.abspath(newsfacts.library_path())), "newsfacts")
        if os.access(cli, os.X_OK):
            r = subprocess.run([cli, "--rules", RULES, "--jsonl"] + self.files,
                               stdout=subprocess.PIPE, check=True)
            self.assertEqual(r.stdout.decode().splitlines(), expected)


if __name__ == "__main__":
    unittest.main()
