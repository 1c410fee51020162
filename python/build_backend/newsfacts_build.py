"""A PEP 517 build backend using only the standard library.

`pip install ./python` builds in an isolated environment that would have to
download setuptools; with no package index reachable that fails. This
backend needs nothing beyond Python itself, so the install works offline.
It builds a pure-Python wheel (py3-none-any) of the `newsfacts` package, an
sdist, and editable wheels (`pip install -e ./python`).

Metadata comes from the [project] table of pyproject.toml.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "newsfacts"


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        raw = f.read()
    try:
        import tomllib
        return tomllib.loads(raw.decode("utf-8"))["project"]
    except ImportError:  # Python < 3.11: the simple `key = "value"` lines suffice
        proj, inside = {}, False
        for line in raw.decode("utf-8").splitlines():
            s = line.strip()
            if s.startswith("["):
                inside = s == "[project]"
            elif inside:
                m = re.match(r'^([A-Za-z_-]+)\s*=\s*"(.*)"\s*$', s)
                if m:
                    proj[m.group(1)] = m.group(2)
        return proj


def _names():
    p = _project()
    name, version = p["name"], p["version"]
    return p, name, version, "%s-%s" % (name.replace("-", "_"), version)


def _metadata():
    p, name, version, _ = _names()
    lines = ["Metadata-Version: 2.1", "Name: %s" % name, "Version: %s" % version]
    if p.get("description"):
        lines.append("Summary: %s" % p["description"])
    if p.get("requires-python"):
        lines.append("Requires-Python: %s" % p["requires-python"])
    lic = p.get("license")
    if isinstance(lic, dict) and lic.get("text"):
        lines.append("License: %s" % lic["text"])
    for c in p.get("classifiers", []) if isinstance(p.get("classifiers"), list) else []:
        lines.append("Classifier: %s" % c)
    readme = os.path.join(ROOT, "README.md")
    body = ""
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            body = f.read()
    return "\n".join(lines) + "\n\n" + body


def _package_files():
    out = []
    pkg = os.path.join(ROOT, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(pkg):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for fn in sorted(filenames):
            if fn.endswith((".py", ".typed")):
                full = os.path.join(dirpath, fn)
                out.append((full, os.path.relpath(full, ROOT).replace(os.sep, "/")))
    return out


def _dist_info_files(dist):
    wheel = ("Wheel-Version: 1.0\nGenerator: newsfacts_build\nRoot-Is-Purelib: true\n"
             "Tag: py3-none-any\n")
    return {
        "%s.dist-info/METADATA" % dist: _metadata().encode("utf-8"),
        "%s.dist-info/WHEEL" % dist: wheel.encode(),
        "%s.dist-info/top_level.txt" % dist: (PACKAGE + "\n").encode(),
    }


def _write_wheel(wheel_directory, entries):
    """entries: {archive name: bytes}; adds RECORD; returns the file name."""
    _, _, _, dist = _names()
    entries = dict(entries)
    entries.update(_dist_info_files(dist))
    record_name = "%s.dist-info/RECORD" % dist
    record = []
    for arc, data in entries.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (arc, digest, len(data)))
    record.append("%s,," % record_name)
    entries[record_name] = ("\n".join(record) + "\n").encode()
    filename = "%s-py3-none-any.whl" % dist
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for arc in sorted(entries, key=lambda a: (".dist-info/" in a, a)):
            zi = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, entries[arc])
    return filename


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# ------------------------------------------------------------- PEP 517
def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _, _, _, dist = _names()
    for arc, data in _dist_info_files(dist).items():
        path = os.path.join(metadata_directory, *arc.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return "%s.dist-info" % dist


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, {arc: _read(full) for full, arc in _package_files()})


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # a .pth file puts this source directory on sys.path
    return _write_wheel(wheel_directory, {"newsfacts_editable.pth": (ROOT + "\n").encode()})


def build_sdist(sdist_directory, config_settings=None):
    _, _, _, dist = _names()
    filename = "%s.tar.gz" % dist
    files = [(full, arc) for full, arc in _package_files()]
    for extra in ("pyproject.toml", "README.md", "build_backend/newsfacts_build.py"):
        full = os.path.join(ROOT, *extra.split("/"))
        if os.path.exists(full):
            files.append((full, extra))
    pkg_info = _metadata().encode("utf-8")
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz",
                      format=tarfile.PAX_FORMAT) as tar:
        for full, arc in files:
            data = _read(full)
            ti = tarfile.TarInfo("%s/%s" % (dist, arc))
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 1577836800
            tar.addfile(ti, io.BytesIO(data))
        ti = tarfile.TarInfo("%s/PKG-INFO" % dist)
        ti.size, ti.mode, ti.mtime = len(pkg_info), 0o644, 1577836800
        tar.addfile(ti, io.BytesIO(pkg_info))
    return filename
