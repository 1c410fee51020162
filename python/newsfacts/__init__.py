"""newsfacts - entities, dates, quotes and metadata from English news text.

A pure-Python (ctypes) binding of libnewsfacts::

    import newsfacts
    with newsfacts.Rules.load("rules/") as rules:
        with rules.extract("Talks ended on Thursday.", dct="2025-04-10") as doc:
            for e in doc.entities:
                print(e.type, e.text, e.start, e.char_start)
            print(doc.to_json())

Every fact carries byte offsets into the UTF-8 input (start, end) and
offsets into the Python string (char_start, char_end): ``doc.text[e.char_start:
e.char_end] == e.text == doc.data[e.start:e.end].decode()``.

One Rules may be shared by any number of threads; each thread gets its own
workspace automatically, and ctypes releases the GIL during extraction.
Rules and Document free their C memory on close(), at the end of a with
block, or when garbage collected.

The library is found through, in order: the path given to load_library(),
$NEWSFACTS_LIB, the build tree (repo/build/libnewsfacts.so) and the
installed library (ctypes.util.find_library("newsfacts")).
"""

import bisect
import codecs
import ctypes
import os
import re
import struct
import threading
import weakref
from dataclasses import dataclass
from typing import List, Optional

from . import _ffi
from ._ffi import LibraryMismatch, LibraryNotFound

__version__ = "0.1.0"

__all__ = [
    "Rules", "Workspace", "Document", "Span", "Token", "Sentence", "Paragraph", "Entity",
    "Date", "Quote", "MetaField", "Meta", "Annotation",
    "NewsfactsError", "OutOfMemoryError", "InvalidArgumentError", "UTF8Error", "RuleError",
    "YAMLError", "RegexError", "ICUError", "RuleFileError", "LimitError", "ClosedError",
    "LibraryNotFound", "LibraryMismatch",
    "load_library", "library_path", "library_version",
]

# --------------------------------------------------------------- library

_lib = None
_lib_path = None
_lib_error = None
_lib_lock = threading.Lock()

try:  # a mismatching library fails the import; a missing one fails on first use
    _lib, _lib_path = _ffi.load()
except LibraryNotFound as _e:
    _lib_error = _e


def load_library(path=None):
    """Loads libnewsfacts from path (a file or directory; None = the default
    search) and uses it for Rules created from now on. Returns the file
    loaded. Raises LibraryNotFound (naming every place tried) or
    LibraryMismatch (wrong major version or struct sizes)."""
    global _lib, _lib_path, _lib_error
    lib, where = _ffi.load(path)
    with _lib_lock:
        _lib, _lib_path, _lib_error = lib, where, None
    return where


def _get_lib(library=None):
    if library is not None:
        return _ffi.load(library)[0]
    lib = _lib
    if lib is None:
        raise LibraryNotFound(_lib_error.tried if _lib_error else [])
    return lib


def library_path():
    """The file the default library was loaded from, or None."""
    return _lib_path


def library_version():
    """Version string of the loaded library ("0.1.0")."""
    return _get_lib().nf_version_string().decode()


# ---------------------------------------------------------------- errors

class NewsfactsError(Exception):
    """A libnewsfacts failure. Attributes mirror nf_error: code (nf_status,
    negative int), status (its English name), detail, file, line, column
    (1-based; None when not known), offset (0-based byte offset into the
    input text or the rule file) and message."""

    def __init__(self, message, code=_ffi.NF_ERR_INVALID, detail=0, file=None, line=None,
                 column=None, offset=None, status=None, formatted=None):
        super().__init__(formatted or message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
        self._formatted = formatted

    def __reduce__(self):  # picklable with every attribute (multiprocessing, Dask)
        return (self.__class__, (self.message, self.code, self.detail, self.file, self.line,
                                 self.column, self.offset, self.status, self._formatted))


class OutOfMemoryError(NewsfactsError, MemoryError):
    """NF_ERR_NOMEM"""


class InvalidArgumentError(NewsfactsError, ValueError):
    """NF_ERR_INVALID: a bad argument or option (a bad dct, ...)."""


class UTF8Error(NewsfactsError, ValueError):
    """NF_ERR_UTF8: the input is not valid UTF-8; offset is the first bad byte."""


class RuleError(NewsfactsError):
    """NF_ERR_RULE, and the base of every error that makes rules fail to load."""


class YAMLError(RuleError):
    """NF_ERR_YAML: a rule file is not well-formed YAML."""


class RegexError(RuleError):
    """NF_ERR_REGEX: a regular expression in the rules does not compile."""


class RuleFileError(RuleError, OSError):
    """NF_ERR_IO: a rule or list file could not be read (detail = errno)."""


class ICUError(NewsfactsError):
    """NF_ERR_ICU: ICU failed (detail = UErrorCode)."""


class LimitError(NewsfactsError):
    """NF_ERR_LIMIT: a configured limit was reached."""


class ClosedError(NewsfactsError, ValueError):
    """The Rules or Document was closed."""


_ERROR_CLASSES = {
    _ffi.NF_ERR_NOMEM: OutOfMemoryError,
    _ffi.NF_ERR_INVALID: InvalidArgumentError,
    _ffi.NF_ERR_UTF8: UTF8Error,
    _ffi.NF_ERR_YAML: YAMLError,
    _ffi.NF_ERR_RULE: RuleError,
    _ffi.NF_ERR_REGEX: RegexError,
    _ffi.NF_ERR_ICU: ICUError,
    _ffi.NF_ERR_IO: RuleFileError,
    _ffi.NF_ERR_LIMIT: LimitError,
}


def _raise(lib, err, what):
    code = err.code if err.code != _ffi.NF_OK else _ffi.NF_ERR_INVALID
    buf = ctypes.create_string_buffer(800)
    lib.nf_error_format(ctypes.byref(err), buf, len(buf))
    message = err.message.decode("utf-8", "replace") or what
    status = lib.nf_status_str(code)
    cls = _ERROR_CLASSES.get(code, NewsfactsError)
    raise cls(message, code=code, detail=err.detail,
              file=err.source.decode("utf-8", "replace") or None,
              line=err.line or None, column=err.column or None, offset=err.offset,
              status=status.decode() if status else None,
              formatted=buf.value.decode("utf-8", "replace") or message)


def _s(b):
    return None if b is None else b.decode("utf-8", "replace")


# ----------------------------------------------------------- data classes

@dataclass
class Span:
    """A stretch of the input: bytes [start, end), str [char_start, char_end)."""
    start: int
    end: int
    char_start: int
    char_end: int
    text: str


@dataclass
class Token:
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    kind: str        # "word", "number", "punct", "symbol", "quote", "url", "email"
    flags: int       # NF_TOKEN_* (see newsfacts._ffi)
    norm: Optional[str]
    shape: Optional[str]
    sentence: int


@dataclass
class Sentence:
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    first_token: int
    token_count: int
    paragraph: int
    flags: int
    outside_body: bool


@dataclass
class Paragraph:
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    flags: int
    lines: int
    outside_body: bool


@dataclass
class Entity:
    id: str                 # "e1", as in the JSON
    type: Optional[str]     # "PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    cluster: Optional[int]  # 1-based; mentions of one thing share it
    canonical: Optional[str]
    role: Optional[Span]
    flags: int
    outside_body: bool
    rule: Optional[str]


@dataclass
class Date:
    id: str                 # "t1"
    type: Optional[str]     # "DATE", "TIME", "DURATION", "SET"
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    value: Optional[str]    # TIMEX3 value
    mod: Optional[str]
    flags: int
    outside_body: bool
    rule: Optional[str]


@dataclass
class Quote:
    id: str                 # "q1"
    kind: str               # "direct" or "indirect"
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    cue: Optional[Span]
    speaker: Optional[Span]
    speaker_entity: Optional[int]  # index into doc.entities
    entity: Optional[str]          # its id ("e3"), as in the JSON
    canonical: Optional[str]
    normalized: Optional[str]
    flags: int
    unclosed: bool
    block: bool
    outside_body: bool
    rule: Optional[str]


@dataclass
class MetaField:
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    value: Optional[str]


@dataclass
class Meta:
    headline: Optional[MetaField]
    byline: Optional[MetaField]
    dateline: Optional[MetaField]
    source: Optional[MetaField]
    published: Optional[MetaField]


@dataclass
class Annotation:
    type: Optional[str]
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    rule: Optional[str]
    phase: Optional[str]
    first_token: int
    token_count: int


# ------------------------------------------------------ offsets bytes->str

# A well-formed multi-byte UTF-8 sequence (no overlongs, surrogates or
# code points above U+10FFFF): every other byte >= 0x80 is invalid.
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _one_per_byte(e):
    """Decoding error handler: one U+FFFD for each invalid byte, as the
    library replaces invalid input byte for byte (NF_EXTRACT_REPLACE_INVALID)."""
    return "\ufffd", e.start + 1


codecs.register_error("newsfacts.replace_byte", _one_per_byte)
_REPLACE = "newsfacts.replace_byte"


class _Offsets:
    """Maps byte offsets of the UTF-8 input to offsets in the decoded str.
    Invalid bytes (accepted with replace_invalid) are one U+FFFD each."""

    __slots__ = ("ascii", "starts", "extra", "text")

    def __init__(self, data):
        self.ascii = data.isascii()
        self.starts = self.extra = None
        if self.ascii:
            self.text = data.decode("ascii")
            return
        self.text = data.decode("utf-8", _REPLACE)
        starts, extra, total = [], [0], 0
        for m in _UTF8_MULTI.finditer(data):
            starts.append(m.start())
            total += m.end() - m.start() - 1
            extra.append(total)
        self.starts, self.extra = starts, extra

    def char(self, b):
        if self.ascii:
            return b
        # minus the extra bytes of the multi-byte characters that start before b
        return b - self.extra[bisect.bisect_left(self.starts, b)]

    def str_text(self):
        return self.text


# -------------------------------------------------------------- workspace

class Workspace:
    """Per-thread scratch state (nf_workspace) for one Rules. Rules.extract
    makes one per thread by itself; create one explicitly with
    rules.workspace() to control its lifetime. Use from one thread at a time."""

    def __init__(self, rules):
        self._lib = rules._lib
        self._rules_ref = weakref.ref(rules)
        self._lock = threading.Lock()
        with rules._lock:
            if rules._handle is None:
                raise ClosedError("the rules are closed")
            err = _ffi.Error()
            h = self._lib.nf_workspace_new(rules._handle, ctypes.byref(err))
            if not h:
                _raise(self._lib, err, "cannot make a workspace")
            self._handle = h
            rules._workspaces.add(self)

    @property
    def closed(self):
        return self._handle is None

    def close(self):
        """Frees the workspace (idempotent)."""
        with self._lock:
            h, self._handle = self._handle, None
        if h is not None:
            self._lib.nf_workspace_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


# ------------------------------------------------------------------ rules

def _load_options(lib, limits):
    if not limits:
        return None
    opts = _ffi.LoadOptions()
    lib.nf_load_options_init(ctypes.byref(opts))
    for k, v in limits.items():
        if k in ("version",) or not hasattr(opts, k):
            raise TypeError("unknown load option %r" % k)
        setattr(opts, k, v)
    return ctypes.byref(opts)


class Rules:
    """A loaded, immutable rule set (nf_rules). Safe to share between threads."""

    def __init__(self, handle, lib, source=None):
        if not handle:
            raise ValueError("use Rules.load() or Rules.from_string()")
        self._handle = handle
        self._lib = lib
        self._source = source
        # reentrant: a workspace's __del__ may run (garbage collection) while
        # this thread holds it
        self._lock = threading.RLock()
        self._busy = 0
        self._local = threading.local()
        self._workspaces = weakref.WeakSet()

    @classmethod
    def load(cls, path, *, library=None, **limits):
        """Loads a rule file or a directory of *.yaml files. limits are
        nf_load_options members (max_yaml_depth=..., regex_match_limit=...).
        Raises a RuleError subclass naming file, line and column."""
        lib = _get_lib(library)
        err = _ffi.Error()
        h = lib.nf_rules_load_path(os.fsencode(path), _load_options(lib, limits),
                                   ctypes.byref(err))
        if not h:
            _raise(lib, err, "cannot load rules from %s" % path)
        return cls(h, lib, os.fspath(path))

    @classmethod
    def from_string(cls, yaml, name=None, *, library=None, **limits):
        """Loads rules from YAML text (str or bytes); name is used in errors
        and as the base for relative includes."""
        lib = _get_lib(library)
        data = yaml.encode("utf-8") if isinstance(yaml, str) else bytes(yaml)
        err = _ffi.Error()
        h = lib.nf_rules_load_buffer(data, len(data),
                                     os.fsencode(name) if name is not None else None,
                                     _load_options(lib, limits), ctypes.byref(err))
        if not h:
            _raise(lib, err, "cannot load rules")
        return cls(h, lib, name or "<buffer>")

    @property
    def closed(self):
        return self._handle is None

    def __len__(self):
        """Number of rules loaded (nf_rules_count)."""
        return self._lib.nf_rules_count(self._checked())

    @property
    def count(self):
        return len(self)

    def _checked(self):
        h = self._handle
        if h is None:
            raise ClosedError("the rules are closed")
        return h

    def check_examples(self):
        """Runs the examples and counter-examples of every rule
        (nf_rules_check_examples). Returns (checked, failures): the number of
        examples run and a list of RuleError, one per failed example, each
        naming the example's file, line and column."""
        lib = self._lib
        fn = getattr(lib, "nf_rules_check_examples", None)
        if fn is None or fn.argtypes is None:
            raise NewsfactsError("this libnewsfacts has no nf_rules_check_examples")
        failures = []

        def report(_userdata, failure):
            f = failure.contents
            buf = ctypes.create_string_buffer(800)
            lib.nf_error_format(failure, buf, len(buf))
            msg = f.message.decode("utf-8", "replace")
            failures.append(RuleError(msg, code=f.code or _ffi.NF_ERR_RULE, detail=f.detail,
                                      file=f.source.decode("utf-8", "replace") or None,
                                      line=f.line or None, column=f.column or None,
                                      offset=f.offset,
                                      formatted=buf.value.decode("utf-8", "replace") or msg))
        callback = _ffi.ExampleReport(report)
        checked, failed = ctypes.c_size_t(0), ctypes.c_size_t(0)
        err = _ffi.Error()
        with self._lock:
            h = self._checked()
            self._busy += 1
        try:
            st = fn(h, callback, None, ctypes.byref(checked), ctypes.byref(failed),
                    ctypes.byref(err))
        finally:
            with self._lock:
                self._busy -= 1
        if st not in (_ffi.NF_OK, _ffi.NF_ERR_RULE):
            _raise(lib, err, "cannot check the examples")
        return checked.value, failures

    def workspace(self):
        """A new Workspace for these rules (caller-owned, one thread at a time)."""
        return Workspace(self)

    def _thread_workspace(self):
        ws = getattr(self._local, "ws", None)
        if ws is None or ws._handle is None:
            ws = self._local.ws = Workspace(self)
        return ws

    def extract(self, text, *, dct=None, doc_id=None, all_text=False, html=None,
                replace_invalid=False, no_rules=False, max_input_bytes=None,
                max_results=None, workspace=None):
        """Extracts facts from text (str, or UTF-8 bytes) and returns a Document.

        dct: document creation time "YYYY-MM-DD[Thh:mm]" (else found in the
        text); doc_id: copied into the document; all_text: keep facts outside
        the article body (flagged outside_body); html: True = HTML, False =
        plain text, None = detect; replace_invalid: accept bad UTF-8 bytes;
        no_rules: tokens and sentences only. Raises UTF8Error (with .offset),
        InvalidArgumentError (bad dct), LimitError, OutOfMemoryError."""
        if isinstance(text, str):
            data = text.encode("utf-8")
        elif isinstance(text, bytes):
            data = text
        else:
            data = bytes(text)
        opts = _ffi.ExtractOptions()
        lib = self._lib
        lib.nf_extract_options_init(ctypes.byref(opts))
        flags = 0
        if all_text:
            flags |= _ffi.NF_EXTRACT_ALL_TEXT
        if html is True:
            flags |= _ffi.NF_EXTRACT_HTML
        elif html is False:
            flags |= _ffi.NF_EXTRACT_PLAIN
        if replace_invalid:
            flags |= _ffi.NF_EXTRACT_REPLACE_INVALID
        if no_rules:
            flags |= _ffi.NF_EXTRACT_NO_RULES
        opts.flags = flags
        if dct is not None:
            opts.dct = dct.encode("utf-8") if isinstance(dct, str) else dct
        if doc_id is not None:
            opts.doc_id = doc_id.encode("utf-8") if isinstance(doc_id, str) else doc_id
        if max_input_bytes is not None:
            opts.max_input_bytes = max_input_bytes
        if max_results is not None:
            opts.max_results = max_results
        err = _ffi.Error()
        with self._lock:
            if self._handle is None:
                raise ClosedError("the rules are closed")
            self._busy += 1
        try:
            ws = workspace if workspace is not None else self._thread_workspace()
            if ws._handle is None:
                raise ClosedError("the workspace is closed")
            if ws._rules_ref() is not self:
                raise InvalidArgumentError("the workspace was made for other rules")
            h = lib.nf_extract(self._handle, ws._handle, data, len(data), ctypes.byref(opts),
                               ctypes.byref(err))
        finally:
            with self._lock:
                self._busy -= 1
        if not h:
            _raise(lib, err, "extraction failed")
        return Document(h, lib, data)

    def close(self):
        """Frees the rules and every workspace made for them (idempotent).
        Documents stay valid. Raises NewsfactsError while an extraction
        with these rules is running in another thread."""
        with self._lock:
            if self._handle is None:
                return
            if self._busy:
                raise NewsfactsError("the rules are in use by %d extraction(s)" % self._busy)
            h, self._handle = self._handle, None
            workspaces = list(self._workspaces)
        for ws in workspaces:
            ws.close()
        self._lib.nf_rules_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        if self._handle is None:
            return "<newsfacts.Rules closed>"
        return "<newsfacts.Rules %r, %d rules>" % (self._source, len(self))


# --------------------------------------------------------------- document

_DCT_SOURCES = {_ffi.NF_DCT_NONE: None, _ffi.NF_DCT_CALLER: "caller",
                _ffi.NF_DCT_TEXT: "text"}
_UNSET = _ffi.NF_UNSET


def _cached(fn):
    name = "_c_" + fn.__name__

    def get(self):
        v = self._cache.get(name, self)
        if v is self:
            v = self._cache[name] = fn(self)
        return v
    get.__name__ = fn.__name__
    get.__doc__ = fn.__doc__
    return property(get)


class Document:
    """The facts of one document (nf_doc). Lists are read from the library
    on first access and kept; close() (or the end of a with block, or
    garbage collection) frees the C document."""

    def __init__(self, handle, lib, data):
        self._handle = handle
        self._lib = lib
        self._data = data
        self._off = None
        self._cache = {}

    # -- lifetime
    @property
    def closed(self):
        return self._handle is None

    def close(self):
        h, self._handle = self._handle, None
        if h is not None:
            self._lib.nf_doc_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _h(self):
        h = self._handle
        if h is None:
            raise ClosedError("the document is closed")
        return h

    def __repr__(self):
        if self._handle is None:
            return "<newsfacts.Document closed>"
        return "<newsfacts.Document id=%r, %d bytes>" % (self.id, len(self._data))

    # -- helpers
    def _offsets(self):
        if self._off is None:
            self._off = _Offsets(self._data)
        return self._off

    def _span_parts(self, s):
        """(start, end, char_start, char_end, text) of an nf_span."""
        start, end = s.start, s.end
        off = self._offsets()
        return (start, end, off.char(start), off.char(end),
                self._data[start:end].decode("utf-8", _REPLACE))

    def _span(self, s):
        if s.start == _UNSET or s.end == _UNSET:
            return None
        return Span(*self._span_parts(s))

    def _items(self, kind, getter, make):
        h = self._h()
        n = self._lib.nf_doc_count(h, kind)
        return [make(i, getter(h, i).contents) for i in range(n)]

    def _rows(self, kind, name):
        """Items of a kind as tuples of their fields, read in one copy when
        the library keeps them in one array (checked item by item)."""
        h = self._h()
        lib = self._lib
        n = lib.nf_doc_count(h, kind)
        if not n:
            return []
        raw = lib.nf_raw[name]
        fmt = _ffi.RAW_ACCESSORS[name][1]
        size = struct.calcsize(fmt)
        addrs = [raw(h, i) for i in range(n)]
        a0 = addrs[0]
        if all(a == a0 + i * size for i, a in enumerate(addrs)):
            return list(struct.iter_unpack(fmt, ctypes.string_at(a0, n * size)))
        return [struct.unpack(fmt, ctypes.string_at(a, size)) for a in addrs]

    def _parts(self, start, end):
        off = self._offsets()
        return (start, end, off.char(start), off.char(end),
                self._data[start:end].decode("utf-8", _REPLACE))

    # -- the input
    @property
    def data(self) -> bytes:
        """The input as UTF-8 bytes: every byte offset points into this."""
        return self._data

    @property
    def text(self) -> str:
        """The input as str: every char offset points into this (each invalid
        byte, accepted with replace_invalid, is one U+FFFD)."""
        return self._offsets().str_text()

    @_cached
    def id(self) -> Optional[str]:
        return _s(self._lib.nf_doc_id(self._h()))

    @property
    def bytes(self) -> int:
        """Length of the input in bytes (nf_doc_bytes)."""
        return self._lib.nf_doc_bytes(self._h())

    @_cached
    def dct(self) -> Optional[str]:
        """Document creation time used ("2025-04-10"), or None."""
        return _s(self._lib.nf_doc_dct(self._h(), None))

    @_cached
    def dct_source(self) -> Optional[str]:
        """"caller", "text" or None."""
        src = ctypes.c_int(0)
        self._lib.nf_doc_dct(self._h(), ctypes.byref(src))
        return _DCT_SOURCES.get(src.value)

    def count(self, kind) -> int:
        """nf_doc_count for a _ffi.NF_KIND_* value."""
        return self._lib.nf_doc_count(self._h(), kind)

    # -- structure
    @_cached
    def tokens(self) -> List[Token]:
        lib = self._lib
        h = self._h()
        forms = {}  # form id -> str: norms and shapes repeat

        def form(i):
            f = forms.get(i, forms)
            if f is forms:
                f = forms[i] = _s(lib.nf_doc_form(h, i))
            return f

        kinds = _ffi.TOKEN_KIND_NAMES
        parts = self._parts
        return [Token(*parts(start, end), kinds.get(kind, "?"), flags, form(norm), form(shape),
                      sentence)
                for start, end, kind, flags, norm, shape, sentence, _ in
                self._rows(_ffi.NF_KIND_TOKEN, "nf_doc_token")]

    @_cached
    def sentences(self) -> List[Sentence]:
        return [Sentence(*self._parts(start, end), first, count, para, flags,
                         bool(flags & _ffi.NF_FACT_OUTSIDE_BODY))
                for start, end, first, count, para, flags in
                self._rows(_ffi.NF_KIND_SENTENCE, "nf_doc_sentence")]

    @_cached
    def paragraphs(self) -> List[Paragraph]:
        def make(i, p):
            return Paragraph(*self._span_parts(p.span), p.flags, p.lines,
                             bool(p.flags & _ffi.NF_FACT_OUTSIDE_BODY))
        return self._items(_ffi.NF_KIND_PARAGRAPH, self._lib.nf_doc_paragraph, make)

    @_cached
    def body(self) -> List[Span]:
        """The regions judged to be the article."""
        h = self._h()
        n = self._lib.nf_doc_count(h, _ffi.NF_KIND_BODY)
        return [self._span(self._lib.nf_doc_body(h, i)) for i in range(n)]

    # -- facts
    @_cached
    def entities(self) -> List[Entity]:
        lib = self._lib

        def make(i, e):
            return Entity("e%d" % (i + 1), _s(lib.nf_entity_type_name(e.type)),
                          *self._span_parts(e.span), e.cluster or None, _s(e.canonical),
                          self._span(e.role), e.flags,
                          bool(e.flags & _ffi.NF_FACT_OUTSIDE_BODY), _s(e.rule))
        return self._items(_ffi.NF_KIND_ENTITY, lib.nf_doc_entity, make)

    @_cached
    def dates(self) -> List[Date]:
        lib = self._lib

        def make(i, d):
            return Date("t%d" % (i + 1), _s(lib.nf_timex_type_name(d.type)),
                        *self._span_parts(d.span), _s(d.value), _s(d.mod), d.flags,
                        bool(d.flags & _ffi.NF_FACT_OUTSIDE_BODY), _s(d.rule))
        return self._items(_ffi.NF_KIND_DATE, lib.nf_doc_date, make)

    @_cached
    def quotes(self) -> List[Quote]:
        def make(i, q):
            ent = q.speaker_entity if q.speaker_entity >= 0 else None
            return Quote("q%d" % (i + 1),
                         "direct" if q.kind == _ffi.NF_QUOTE_DIRECT else "indirect",
                         *self._span_parts(q.span), self._span(q.cue), self._span(q.speaker),
                         ent, None if ent is None else "e%d" % (ent + 1), _s(q.canonical),
                         _s(q.normalized), q.flags, bool(q.flags & _ffi.NF_QUOTE_UNCLOSED),
                         bool(q.flags & _ffi.NF_QUOTE_BLOCK),
                         bool(q.flags & _ffi.NF_FACT_OUTSIDE_BODY), _s(q.rule))
        return self._items(_ffi.NF_KIND_QUOTE, self._lib.nf_doc_quote, make)

    @_cached
    def meta(self) -> Meta:
        m = self._lib.nf_doc_meta(self._h()).contents

        def field(f):
            if f.span.start == _UNSET or f.span.end == _UNSET:
                return None
            return MetaField(*self._span_parts(f.span), _s(f.value))
        return Meta(field(m.headline), field(m.byline), field(m.dateline), field(m.source),
                    field(m.published))

    @_cached
    def warnings(self) -> List[str]:
        h = self._h()
        n = self._lib.nf_doc_count(h, _ffi.NF_KIND_WARNING)
        return [_s(self._lib.nf_doc_warning(h, i)) for i in range(n)]

    @_cached
    def annotations(self) -> List[Annotation]:
        def make(i, a):
            return Annotation(_s(a.type), *self._span_parts(a.span), _s(a.rule), _s(a.phase),
                              a.first_token, a.token_count)
        return self._items(_ffi.NF_KIND_ANNOTATION, self._lib.nf_doc_annotation, make)

    # -- JSON
    def to_json_bytes(self, pretty=False, explain=False, tokens=False, annotations=False):
        """The C serialiser's newsfacts/1 JSON (nf_doc_to_json) as UTF-8 bytes."""
        flags = ((_ffi.NF_JSON_PRETTY if pretty else 0) | (_ffi.NF_JSON_EXPLAIN if explain else 0)
                 | (_ffi.NF_JSON_TOKENS if tokens else 0)
                 | (_ffi.NF_JSON_ANNOTATIONS if annotations else 0))
        n = ctypes.c_size_t(0)
        err = _ffi.Error()
        lib = self._lib
        p = lib.nf_doc_to_json(self._h(), flags, ctypes.byref(n), ctypes.byref(err))
        if not p:
            _raise(lib, err, "cannot write JSON")
        try:
            return ctypes.string_at(p, n.value)
        finally:
            lib.nf_free(p)

    def to_html(self) -> str:
        """The document as one self-contained HTML page (nf_doc_to_html)."""
        n = ctypes.c_size_t(0)
        err = _ffi.Error()
        lib = self._lib
        p = lib.nf_doc_to_html(self._h(), 0, ctypes.byref(n), ctypes.byref(err))
        if not p:
            _raise(lib, err, "cannot write HTML")
        try:
            return ctypes.string_at(p, n.value).decode("utf-8")
        finally:
            lib.nf_free(p)

    def to_json(self, pretty=False, explain=False, tokens=False, annotations=False) -> str:
        """The C serialiser's newsfacts/1 JSON (nf_doc_to_json) as str."""
        return self.to_json_bytes(pretty, explain, tokens, annotations).decode("utf-8")
