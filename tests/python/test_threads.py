"""One Rules shared by 100 threads gives the same output as one thread."""
import glob
import os
import sys
import threading
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
if os.environ.get("NEWSFACTS_TEST_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(REPO, "python"))
import newsfacts  # noqa: E402

RULES = os.environ.get("NEWSFACTS_RULES", os.path.join(REPO, "rules"))
SEEDS = os.path.join(REPO, os.pardir, "shared", "corpus", "seeds")

# written for this test
TEXTS = [
    "Rivertown mayor Jonas Ek said on Monday that the bridge would reopen in June.",
    "\"It is not finished,\" the engineer told reporters. Repairs began in 2024.",
    "Officials from the Northern Rail Company met unions for six hours on Friday.",
    "Ça coûte 30 € — the café owner in Liège said prices rose 5% last year.",
    "",
]


def inputs():
    docs = [(b"t%d" % i, t.encode()) for i, t in enumerate(TEXTS)]
    path = os.path.join(REPO, "examples", "data", "sample-article.txt")
    with open(path, "rb") as f:
        docs.append((b"sample", f.read()))
    for p in sorted(glob.glob(os.path.join(SEEDS, "*.txt"))):
        with open(p, "rb") as f:
            docs.append((os.path.basename(p).encode(), f.read()))
    return docs


class SharedRulesTest(unittest.TestCase):
    def test_100_threads_match_single_thread(self):
        docs = inputs()
        with newsfacts.Rules.load(RULES) as rules:
            def run(order):
                out = {}
                for i in order:
                    doc_id, data = docs[i]
                    with rules.extract(data, doc_id=doc_id, dct="2025-06-01") as d:
                        out[i] = d.to_json(explain=True, tokens=True)
                return out
            expected = run(range(len(docs)))
            results = [None] * 100
            errors = []
            barrier = threading.Barrier(100)

            def worker(k):
                try:
                    barrier.wait()
                    n = len(docs)
                    results[k] = run([(k + j) % n for j in range(n)])  # each a different order
                except Exception as e:  # reported below
                    errors.append(repr(e))
            threads = [threading.Thread(target=worker, args=(k,)) for k in range(100)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            for k, res in enumerate(results):
                self.assertEqual(res, expected, "thread %d differs" % k)
            # every thread made (and on exit freed) its own workspace
            self.assertFalse(rules.closed)


if __name__ == "__main__":
    unittest.main()
