"""doc.to_json() is byte for byte what the command-line extractor prints."""
import glob
import os
import subprocess
import sys
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
if os.environ.get("NEWSFACTS_TEST_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(REPO, "python"))
import newsfacts  # noqa: E402

RULES = os.environ.get("NEWSFACTS_RULES", os.path.join(REPO, "rules"))
SEEDS = os.path.join(REPO, os.pardir, "shared", "corpus", "seeds")
SAMPLE = os.path.join(REPO, "examples", "data", "sample-article.txt")


def cli_path():
    """$NEWSFACTS_CLI, else the extractor next to the library loaded."""
    p = os.environ.get("NEWSFACTS_CLI")
    if p:
        return p
    lib = newsfacts.library_path()
    if lib and os.sep in lib:
        cand = os.path.join(os.path.dirname(os.path.abspath(lib)), "newsfacts")
        if os.path.exists(cand):
            return cand
    return os.path.join(REPO, "build", "newsfacts")


class CliEqualityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cli = cli_path()
        if not os.access(cls.cli, os.X_OK):
            raise unittest.SkipTest("no extractor at %s (run make, or set NEWSFACTS_CLI)"
                                    % cls.cli)
        cls.rules = newsfacts.Rules.load(RULES)

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def compare(self, path, cli_opts=(), **kw):
        out = subprocess.run([self.cli, "--rules", RULES] + list(cli_opts) + [path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        self.assertEqual(out.returncode, 0, out.stderr.decode(errors="replace"))
        stem = os.path.splitext(os.path.basename(path))[0]
        with open(path, "rb") as f:
            data = f.read()
        json_kw = {k: kw.pop(k) for k in ("pretty", "explain", "tokens", "annotations")
                   if k in kw}
        with self.rules.extract(data, doc_id=stem, **kw) as doc:
            self.assertEqual(doc.to_json_bytes(**json_kw) + b"\n", out.stdout, path)

    def test_sample_article(self):
        self.compare(SAMPLE)
        self.compare(SAMPLE, ["--explain", "--tokens"], explain=True, tokens=True)
        self.compare(SAMPLE, ["--pretty", "--all-text"], pretty=True, all_text=True)
        self.compare(SAMPLE, ["--dct", "2025-03-15"], dct="2025-03-15")

    def test_seed_articles(self):
        seeds = sorted(glob.glob(os.path.join(SEEDS, "*.txt")))
        if not seeds:
            self.skipTest("seed articles not found at %s (../shared absent)"
                          % os.path.normpath(SEEDS))
        for p in seeds:
            with self.subTest(seed=os.path.basename(p)):
                self.compare(p)
                self.compare(p, ["--explain", "--annotations"], explain=True, annotations=True)


if __name__ == "__main__":
    unittest.main()
