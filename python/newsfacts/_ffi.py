"""ctypes mirror of include/newsfacts.h (style guide R20).

Every public struct is a ``ctypes.Structure`` with ``_fields_`` in header
order, every function has explicit ``argtypes`` and ``restype``, handles are
``c_void_p`` subclasses, and buffers the library hands over are typed
``c_void_p`` and released with ``nf_free``. Keep this file in step with the
header: ``load()`` checks the major version and the size of every struct
against the library actually loaded.
"""

import ctypes
import ctypes.util
import os
import sys

from ctypes import (POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_size_t,
                    c_uint32, c_uint64, c_void_p)

# ---------------------------------------------------------------- version
NF_VERSION_MAJOR = 0
NF_VERSION_MINOR = 1
NF_VERSION_PATCH = 0
NF_RULES_SCHEMA = 1

# ----------------------------------------------------------------- status
NF_OK = 0
NF_ERR_NOMEM = -1
NF_ERR_INVALID = -2
NF_ERR_UTF8 = -3
NF_ERR_YAML = -4
NF_ERR_RULE = -5
NF_ERR_REGEX = -6
NF_ERR_ICU = -7
NF_ERR_IO = -8
NF_ERR_LIMIT = -9

NF_UNSET = ctypes.c_size_t(-1).value
NF_OPTIONS_VERSION = 1

# nf_extract_options.flags
NF_EXTRACT_REPLACE_INVALID = 0x0001
NF_EXTRACT_ALL_TEXT = 0x0002
NF_EXTRACT_HTML = 0x0004
NF_EXTRACT_PLAIN = 0x0008
NF_EXTRACT_NO_RULES = 0x0010

# nf_kind
NF_KIND_TOKEN = 1
NF_KIND_SENTENCE = 2
NF_KIND_PARAGRAPH = 3
NF_KIND_ENTITY = 4
NF_KIND_DATE = 5
NF_KIND_QUOTE = 6
NF_KIND_BODY = 7
NF_KIND_WARNING = 8
NF_KIND_ANNOTATION = 9

# nf_token_kind
NF_TOKEN_WORD = 1
NF_TOKEN_NUMBER = 2
NF_TOKEN_PUNCT = 3
NF_TOKEN_SYMBOL = 4
NF_TOKEN_QUOTE = 5
NF_TOKEN_URL = 6
NF_TOKEN_EMAIL = 7
TOKEN_KIND_NAMES = {1: "word", 2: "number", 3: "punct", 4: "symbol", 5: "quote", 6: "url",
                    7: "email"}

# nf_token.flags
NF_TOKEN_SPACE_BEFORE = 0x0001
NF_TOKEN_LINE_START = 0x0002
NF_TOKEN_PARA_START = 0x0004
NF_TOKEN_CAPITALIZED = 0x0008
NF_TOKEN_ALL_UPPER = 0x0010
NF_TOKEN_QUOTE_OPEN = 0x0020
NF_TOKEN_QUOTE_CLOSE = 0x0040
NF_TOKEN_ABBREV = 0x0080
NF_TOKEN_NON_ASCII = 0x0100

NF_FACT_OUTSIDE_BODY = 0x0001

# nf_entity_type
NF_ENT_PERSON = 1
NF_ENT_ORG = 2
NF_ENT_GPE = 3
NF_ENT_LOC = 4
NF_ENT_FAC = 5
NF_ENT_NORP = 6
NF_ENT_EVENT = 7

# nf_timex_type
NF_TIMEX_DATE = 1
NF_TIMEX_TIME = 2
NF_TIMEX_DURATION = 3
NF_TIMEX_SET = 4

# nf_dct_source
NF_DCT_NONE = 0
NF_DCT_CALLER = 1
NF_DCT_TEXT = 2

# nf_quote_kind and flags
NF_QUOTE_DIRECT = 1
NF_QUOTE_INDIRECT = 2
NF_QUOTE_UNCLOSED = 0x0100
NF_QUOTE_BLOCK = 0x0200

# nf_doc_to_json flags
NF_JSON_PRETTY = 0x0001
NF_JSON_EXPLAIN = 0x0002
NF_JSON_TOKENS = 0x0004
NF_JSON_ANNOTATIONS = 0x0008

# nf_struct_id
NF_STRUCT_ERROR = 1
NF_STRUCT_SPAN = 2
NF_STRUCT_TOKEN = 3
NF_STRUCT_SENTENCE = 4
NF_STRUCT_PARAGRAPH = 5
NF_STRUCT_ENTITY = 6
NF_STRUCT_DATE = 7
NF_STRUCT_QUOTE = 8
NF_STRUCT_META = 9
NF_STRUCT_ANNOTATION = 10
NF_STRUCT_LOAD_OPTIONS = 11
NF_STRUCT_EXTRACT_OPTIONS = 12


# ---------------------------------------------------------------- structs
class Error(Structure):
    _fields_ = [
        ("code", c_int),  # nf_status (an int-sized C enum)
        ("detail", c_int),
        ("line", c_uint32),
        ("column", c_uint32),
        ("offset", c_size_t),
        ("source", c_char * 256),
        ("message", c_char * 256),
    ]


class Span(Structure):
    _fields_ = [("start", c_size_t), ("end", c_size_t)]


class LoadOptions(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("flags", c_uint32),
        ("max_yaml_depth", c_uint32),
        ("max_include_depth", c_uint32),
        ("max_files", c_uint32),
        ("regex_match_limit", c_uint32),
        ("regex_depth_limit", c_uint32),
        ("max_file_bytes", c_uint64),
    ]


class ExtractOptions(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("flags", c_uint32),
        ("dct", c_char_p),
        ("doc_id", c_char_p),
        ("max_input_bytes", c_uint64),
        ("max_results", c_uint64),
    ]


class Token(Structure):
    _fields_ = [
        ("span", Span),
        ("kind", c_uint32),
        ("flags", c_uint32),
        ("norm", c_uint32),
        ("shape", c_uint32),
        ("sentence", c_uint32),
        ("reserved", c_uint32),
    ]


class Sentence(Structure):
    _fields_ = [
        ("span", Span),
        ("first_token", c_size_t),
        ("token_count", c_size_t),
        ("paragraph", c_uint32),
        ("flags", c_uint32),
    ]


class Paragraph(Structure):
    _fields_ = [
        ("span", Span),
        ("flags", c_uint32),
        ("lines", c_uint32),
    ]


class Entity(Structure):
    _fields_ = [
        ("span", Span),
        ("type", c_uint32),
        ("flags", c_uint32),
        ("cluster", c_uint32),
        ("reserved", c_uint32),
        ("canonical", c_char_p),
        ("role", Span),
        ("rule", c_char_p),
    ]


class Date(Structure):
    _fields_ = [
        ("span", Span),
        ("type", c_uint32),
        ("flags", c_uint32),
        ("value", c_char_p),
        ("mod", c_char_p),
        ("rule", c_char_p),
    ]


class Quote(Structure):
    _fields_ = [
        ("span", Span),
        ("kind", c_uint32),
        ("flags", c_uint32),
        ("cue", Span),
        ("speaker", Span),
        ("speaker_entity", c_int64),
        ("canonical", c_char_p),
        ("normalized", c_char_p),
        ("rule", c_char_p),
    ]


class MetaField(Structure):
    _fields_ = [("span", Span), ("value", c_char_p)]


class Meta(Structure):
    _fields_ = [
        ("headline", MetaField),
        ("byline", MetaField),
        ("dateline", MetaField),
        ("source", MetaField),
        ("published", MetaField),
    ]


class Annotation(Structure):
    _fields_ = [
        ("span", Span),
        ("type", c_char_p),
        ("rule", c_char_p),
        ("phase", c_char_p),
        ("first_token", c_size_t),
        ("token_count", c_size_t),
    ]


# The struct mirrors checked against nf_struct_size() at load time.
STRUCTS = {
    NF_STRUCT_ERROR: Error,
    NF_STRUCT_SPAN: Span,
    NF_STRUCT_TOKEN: Token,
    NF_STRUCT_SENTENCE: Sentence,
    NF_STRUCT_PARAGRAPH: Paragraph,
    NF_STRUCT_ENTITY: Entity,
    NF_STRUCT_DATE: Date,
    NF_STRUCT_QUOTE: Quote,
    NF_STRUCT_META: Meta,
    NF_STRUCT_ANNOTATION: Annotation,
    NF_STRUCT_LOAD_OPTIONS: LoadOptions,
    NF_STRUCT_EXTRACT_OPTIONS: ExtractOptions,
}


# ---------------------------------------------------------------- handles
class RulesHandle(c_void_p):
    """nf_rules *"""


class WorkspaceHandle(c_void_p):
    """nf_workspace *"""


class DocHandle(c_void_p):
    """nf_doc *"""


# ------------------------------------------------------------- prototypes
# name: (restype, [argtypes])
PROTOTYPES = {
    "nf_version": (c_uint32, []),
    "nf_version_string": (c_char_p, []),
    "nf_status_str": (c_char_p, [c_int]),
    "nf_error_format": (c_size_t, [POINTER(Error), c_char_p, c_size_t]),
    "nf_free": (None, [c_void_p]),
    "nf_load_options_init": (None, [POINTER(LoadOptions)]),
    "nf_rules_load_path": (RulesHandle, [c_char_p, POINTER(LoadOptions), POINTER(Error)]),
    "nf_rules_load_buffer": (RulesHandle, [c_char_p, c_size_t, c_char_p, POINTER(LoadOptions),
                                           POINTER(Error)]),
    "nf_rules_free": (None, [RulesHandle]),
    "nf_rules_count": (c_size_t, [RulesHandle]),
    "nf_workspace_new": (WorkspaceHandle, [RulesHandle, POINTER(Error)]),
    "nf_workspace_free": (None, [WorkspaceHandle]),
    "nf_extract_options_init": (None, [POINTER(ExtractOptions)]),
    "nf_extract": (DocHandle, [RulesHandle, WorkspaceHandle, c_char_p, c_size_t,
                               POINTER(ExtractOptions), POINTER(Error)]),
    "nf_doc_free": (None, [DocHandle]),
    "nf_doc_count": (c_size_t, [DocHandle, c_int]),
    "nf_doc_bytes": (c_size_t, [DocHandle]),
    "nf_doc_id": (c_char_p, [DocHandle]),
    "nf_doc_text": (c_void_p, [DocHandle]),  # not NUL-terminated text: read with string_at
    "nf_doc_token": (POINTER(Token), [DocHandle, c_size_t]),
    "nf_doc_form": (c_char_p, [DocHandle, c_uint32]),
    "nf_doc_sentence": (POINTER(Sentence), [DocHandle, c_size_t]),
    "nf_doc_paragraph": (POINTER(Paragraph), [DocHandle, c_size_t]),
    "nf_doc_body": (Span, [DocHandle, c_size_t]),
    "nf_entity_type_name": (c_char_p, [c_uint32]),
    "nf_doc_entity": (POINTER(Entity), [DocHandle, c_size_t]),
    "nf_timex_type_name": (c_char_p, [c_uint32]),
    "nf_doc_date": (POINTER(Date), [DocHandle, c_size_t]),
    "nf_doc_dct": (c_char_p, [DocHandle, POINTER(c_int)]),
    "nf_doc_quote": (POINTER(Quote), [DocHandle, c_size_t]),
    "nf_doc_meta": (POINTER(Meta), [DocHandle]),
    "nf_doc_warning": (c_char_p, [DocHandle, c_size_t]),
    "nf_doc_annotation": (POINTER(Annotation), [DocHandle, c_size_t]),
    "nf_doc_to_json": (c_void_p, [DocHandle, c_uint32, POINTER(c_size_t), POINTER(Error)]),
    "nf_doc_to_html": (c_void_p, [DocHandle, c_uint32, POINTER(c_size_t), POINTER(Error)]),
    "nf_struct_size": (c_size_t, [c_int]),
}

# typedef void (*nf_example_report)(void *userdata, const nf_error *failure);
ExampleReport = ctypes.CFUNCTYPE(None, c_void_p, POINTER(Error))

# Functions newer than some libraries of this major version: declared when
# the library has them (the friendly layer says so when one is missing).
OPTIONAL_PROTOTYPES = {
    "nf_rules_check_examples": (c_int, [RulesHandle, ExampleReport, c_void_p, POINTER(c_size_t),
                                        POINTER(c_size_t), POINTER(Error)]),
}


class LibraryNotFound(OSError):
    """No libnewsfacts could be loaded; .tried lists (place, reason) pairs."""

    def __init__(self, tried):
        self.tried = list(tried)
        lines = ["libnewsfacts not found; tried:"]
        lines += ["  %s (%s)" % (where, why) for where, why in self.tried]
        lines.append("Set NEWSFACTS_LIB to the library file, pass a path to "
                     "newsfacts.load_library(), build the tree (make) or install it "
                     "(make install).")
        super().__init__("\n".join(lines))


class LibraryMismatch(ImportError):
    """The loaded library does not match this binding (version or struct sizes)."""


def build_tree_dir():
    """repo/build, for a package imported from repo/python/newsfacts."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, os.pardir, os.pardir, "build"))


def _lib_file_in(directory):
    for name in ("libnewsfacts.so", "libnewsfacts.so.0", "libnewsfacts.dylib",
                 "newsfacts.dll"):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    return os.path.join(directory, "libnewsfacts.so")


def candidates(path=None):
    """Where load() looks, in order: (description, file or name)."""
    out = []
    if path:
        p = os.fspath(path)
        out.append(("explicit path", _lib_file_in(p) if os.path.isdir(p) else p))
    env = os.environ.get("NEWSFACTS_LIB")
    if env:
        out.append(("$NEWSFACTS_LIB", _lib_file_in(env) if os.path.isdir(env) else env))
    out.append(("build tree", _lib_file_in(build_tree_dir())))
    found = ctypes.util.find_library("newsfacts")
    if found:
        out.append(("installed (find_library)", found))
    else:
        out.append(("installed (find_library)", None))
    out.append(("installed (soname)", "libnewsfacts.so.0"))
    return out


# Address-returning twins of the per-item accessors with many items, so the
# friendly layer can read them in bulk (struct formats match the mirrors).
RAW_ACCESSORS = {
    "nf_doc_token": (Token, "@NNIIIIII"),
    "nf_doc_sentence": (Sentence, "@NNNNII"),
}


def declare(lib):
    """Sets argtypes/restype of every function; raises AttributeError if one is missing.
    Also sets lib.nf_raw: {name: accessor returning the item's address (int)}."""
    raw = {}
    for name in RAW_ACCESSORS:
        fn = lib[name]  # a separate function object for the same symbol
        fn.restype = c_void_p
        fn.argtypes = [DocHandle, c_size_t]
        raw[name] = fn
    lib.nf_raw = raw
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    for name, (restype, argtypes) in OPTIONAL_PROTOTYPES.items():
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            fn.argtypes = argtypes
    return lib


def check(lib, where="libnewsfacts"):
    """Checks the major version and every struct size against the library."""
    version = lib.nf_version()
    if version >> 16 != NF_VERSION_MAJOR:
        raise LibraryMismatch(
            "%s is version %s (major %d) but this binding mirrors major %d"
            % (where, lib.nf_version_string().decode(), version >> 16, NF_VERSION_MAJOR))
    for sid, cls in STRUCTS.items():
        want = lib.nf_struct_size(sid)
        have = ctypes.sizeof(cls)
        if want != have:
            raise LibraryMismatch(
                "%s: struct %s is %d bytes in the library but %d in the binding "
                "(newsfacts/_ffi.py is out of step with newsfacts.h)"
                % (where, cls.__name__, want, have))


def load(path=None):
    """Loads, declares and checks the library. Returns (CDLL, file it came from).

    Order: the explicit path (file or directory), $NEWSFACTS_LIB, the build
    tree (repo/build), the installed library (find_library, then the soname).
    An explicitly named library that fails to load is an error, not a reason
    to fall back to another one.
    """
    tried = []
    for where, target in candidates(path):
        if target is None:
            tried.append((where, "no match"))
            continue
        looks_like_path = os.sep in target
        if looks_like_path and not os.path.exists(target):
            tried.append(("%s %s" % (where, target), "no such file"))
            if where in ("explicit path", "$NEWSFACTS_LIB"):
                raise LibraryNotFound(tried)
            continue
        try:
            lib = ctypes.CDLL(target)
        except OSError as e:
            tried.append(("%s %s" % (where, target), str(e)))
            if where in ("explicit path", "$NEWSFACTS_LIB"):
                raise LibraryNotFound(tried)
            continue
        try:
            declare(lib)
        except AttributeError as e:
            raise LibraryMismatch("%s: missing function: %s" % (target, e))
        check(lib, target)
        return lib, target
    raise LibraryNotFound(tried)


if __name__ == "__main__":  # python -m newsfacts._ffi: show what gets loaded
    try:
        _lib, _where = load(sys.argv[1] if len(sys.argv) > 1 else None)
    except (LibraryNotFound, LibraryMismatch) as _e:
        print(_e, file=sys.stderr)
        sys.exit(1)
    print("%s: libnewsfacts %s" % (_where, _lib.nf_version_string().decode()))
