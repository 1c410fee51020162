/*
 * newsfacts.h - extract structured facts from English news text.
 *
 * The one public header of libnewsfacts. It depends only on <stddef.h> and
 * <stdint.h>, compiles as C99, C11 and C++.
 *
 * OVERVIEW
 *   1. Load rules once:      nf_rules *r = nf_rules_load_path("rules/", NULL, &err);
 *   2. One workspace/thread: nf_workspace *ws = nf_workspace_new(r, &err);
 *   3. Extract:              nf_doc *d = nf_extract(r, ws, text, len, NULL, &err);
 *   4. Read facts by index:  nf_doc_count(d, NF_KIND_ENTITY), nf_doc_entity(d, i)
 *      or serialise:         char *js = nf_doc_to_json(d, 0, &n, &err); nf_free(js);
 *   5. Free:                 nf_doc_free(d); nf_workspace_free(ws); nf_rules_free(r);
 *
 * OWNERSHIP
 *   Every pointer a function returns is owned by the object it came from
 *   and stays valid until that object is freed: strings and structs read
 *   from an nf_doc live until nf_doc_free. Buffers the library hands over
 *   (nf_doc_to_json) are released with nf_free, never with libc free.
 *   A document copies what it needs of the input: it holds no pointer into
 *   the caller's buffer or into the rules, and may outlive both.
 *   Every free function accepts NULL.
 *
 * THREADS
 *   A loaded nf_rules is immutable: any number of threads may use one
 *   rules handle at once without locks. An nf_workspace holds per-call
 *   scratch state and belongs to one thread at a time. An nf_doc is
 *   immutable after nf_extract returns and may be read from any thread.
 *   The library has no global state, never prints, never exits.
 *
 * POSITIONS
 *   Every span is half-open [start, end) in bytes into exactly the buffer
 *   the caller passed to nf_extract. A span that is absent has
 *   start == end == NF_UNSET.
 *
 * ERRORS
 *   Functions that create something return NULL on failure; the others
 *   return nf_status. Both fill an optional caller-owned nf_error.
 */
#ifndef NEWSFACTS_H
#define NEWSFACTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NF_STATIC)
#define NF_API
#elif defined(_WIN32)
#ifdef NF_BUILDING
#define NF_API __declspec(dllexport)
#else
#define NF_API __declspec(dllimport)
#endif
#else
#define NF_API __attribute__((visibility("default")))
#endif

/* ---------------------------------------------------------------- version */

#define NF_VERSION_MAJOR 0
#define NF_VERSION_MINOR 1
#define NF_VERSION_PATCH 0
#define NF_VERSION_STRING "0.1.0"
#define NF_VERSION_NUMBER \
    ((NF_VERSION_MAJOR << 16) | (NF_VERSION_MINOR << 8) | NF_VERSION_PATCH)

/* The rule-file schema this library reads (`schema: 1` in every file). */
#define NF_RULES_SCHEMA 1

/* Returns NF_VERSION_NUMBER of the library actually linked.
 * Thread safety: safe. */
NF_API uint32_t nf_version(void);

/* Returns NF_VERSION_STRING of the library actually linked (static string).
 * Thread safety: safe. */
NF_API const char *nf_version_string(void);

/* ----------------------------------------------------------------- errors */

typedef enum nf_status {
    NF_OK = 0,
    NF_ERR_NOMEM = -1,   /* out of memory */
    NF_ERR_INVALID = -2, /* bad argument or option */
    NF_ERR_UTF8 = -3,    /* input is not valid UTF-8; err->offset = first bad byte */
    NF_ERR_YAML = -4,    /* rule file is not well-formed YAML */
    NF_ERR_RULE = -5,    /* rule file is YAML but not a valid rule set */
    NF_ERR_REGEX = -6,   /* a regular expression does not compile */
    NF_ERR_ICU = -7,     /* ICU failed; err->detail holds the UErrorCode */
    NF_ERR_IO = -8,      /* a file could not be read; err->detail holds errno */
    NF_ERR_LIMIT = -9    /* a configured limit was reached */
} nf_status;

/* Static English name of a status ("out of memory", ...).
 * Thread safety: safe. */
NF_API const char *nf_status_str(nf_status status);

/* Filled by failing calls. Needs no heap memory; the caller owns it.
 * line and column are 1-based (column counts code points); 0 = not known.
 * offset is a 0-based byte offset (into the input text, or the rule file). */
typedef struct nf_error {
    nf_status code;
    int detail;           /* dependency code (errno, PCRE2, ICU, libyaml) or 0 */
    uint32_t line;
    uint32_t column;
    size_t offset;
    char source[256];     /* file name, "<buffer>" name, or "" */
    char message[256];    /* what went wrong and what was expected */
} nf_error;

/* Writes "source:line:column: error: message" (parts that are not known are
 * left out) into buf, NUL-terminated and truncated to n bytes.
 * Returns the length the full line would have (as snprintf does).
 * Thread safety: safe. */
NF_API size_t nf_error_format(const nf_error *err, char *buf, size_t n);

/* Releases a buffer the library handed over (nf_doc_to_json). NULL-safe.
 * Thread safety: safe. */
NF_API void nf_free(void *p);

/* ------------------------------------------------------------------ spans */

#define NF_UNSET ((size_t)-1)

typedef struct nf_span {
    size_t start; /* inclusive byte offset */
    size_t end;   /* exclusive byte offset */
} nf_span;

/* ------------------------------------------------------------------ rules */

typedef struct nf_rules nf_rules;

#define NF_OPTIONS_VERSION 1

typedef struct nf_load_options {
    uint32_t version;            /* NF_OPTIONS_VERSION */
    uint32_t flags;              /* reserved, 0 */
    uint32_t max_yaml_depth;     /* nesting depth of a YAML document (64) */
    uint32_t max_include_depth;  /* includes within includes (16) */
    uint32_t max_files;          /* files read by one load (10000) */
    uint32_t regex_match_limit;  /* PCRE2 match limit per regex call (1000000) */
    uint32_t regex_depth_limit;  /* PCRE2 depth limit (10000) */
    uint64_t max_file_bytes;     /* largest rule or list file (64 MiB) */
} nf_load_options;

/* Fills every member with its default. Thread safety: safe. */
NF_API void nf_load_options_init(nf_load_options *opts);

/* Loads and compiles a rule file (YAML) or, when path is a directory, every
 * "*.yaml" file in it in byte-wise sorted name order. opts may be NULL
 * (defaults). Returns a new rules handle owned by the caller (free with
 * nf_rules_free), or NULL with err filled: NF_ERR_IO, NF_ERR_YAML,
 * NF_ERR_RULE, NF_ERR_REGEX, NF_ERR_LIMIT, NF_ERR_NOMEM, each naming
 * file:line:column. A load fully succeeds or returns NULL.
 * Thread safety: safe (no shared state). */
NF_API nf_rules *nf_rules_load_path(const char *path, const nf_load_options *opts,
                                    nf_error *err);

/* Like nf_rules_load_path, from a YAML text in memory; name is used in error
 * messages and as the base for relative includes (NULL = "<buffer>").
 * The buffer need not be NUL-terminated and is not kept.
 * Thread safety: safe. */
NF_API nf_rules *nf_rules_load_buffer(const char *yaml, size_t len, const char *name,
                                      const nf_load_options *opts, nf_error *err);

/* Releases rules. NULL-safe. No workspace or extraction may still be using
 * them (documents do not refer to rules and stay valid).
 * Thread safety: not with concurrent users of the same rules. */
NF_API void nf_rules_free(nf_rules *rules);

/* Number of rules (token-pattern and regex rules) loaded.
 * Thread safety: safe. */
NF_API size_t nf_rules_count(const nf_rules *rules);

/* Receives one failed rule example: failure->source/line/column locate the
 * example in its rule file, failure->message says which rule, what was
 * expected and what was found. The struct is only valid during the call. */
typedef void (*nf_example_report)(void *userdata, const nf_error *failure);

/* Runs the `examples:` and `counter_examples:` of every rule (each text is
 * extracted alone with these rules) and reports each failure through
 * report (may be NULL). *checked and *failed (may be NULL) receive the
 * numbers of examples run and failed. Returns NF_OK when all pass,
 * NF_ERR_RULE when some failed, or another error (NF_ERR_NOMEM) in err.
 * Thread safety: safe (uses its own workspace). */
NF_API nf_status nf_rules_check_examples(const nf_rules *rules, nf_example_report report,
                                         void *userdata, size_t *checked, size_t *failed,
                                         nf_error *err);

/* ------------------------------------------------------------- workspace */

typedef struct nf_workspace nf_workspace;

/* Creates per-thread scratch state for extracting with rules (ICU iterator
 * clones, regex match data, buffers, and what the stages derive from the
 * rules once: compiled page-structure patterns, settings, word tables).
 * It also remembers, across documents, how the rules' first token tests
 * answered for the token texts it has seen (at most about 2.5 MB), so that
 * reusing one workspace for many documents is faster than a new one each.
 * Owned by the caller; free with
 * nf_workspace_free before the rules. NULL with err on failure.
 * Thread safety: safe; the workspace is then used by one thread at a time. */
NF_API nf_workspace *nf_workspace_new(const nf_rules *rules, nf_error *err);

/* Releases a workspace. NULL-safe. Thread safety: owner thread only. */
NF_API void nf_workspace_free(nf_workspace *ws);

/* ------------------------------------------------------------- extraction */

/* nf_extract_options.flags */
#define NF_EXTRACT_REPLACE_INVALID 0x0001u /* replace bad UTF-8 instead of failing */
#define NF_EXTRACT_ALL_TEXT 0x0002u        /* keep facts outside the body (flagged); the
                                              rules then run over the clutter too */
#define NF_EXTRACT_HTML 0x0004u            /* input is HTML */
#define NF_EXTRACT_PLAIN 0x0008u           /* input is plain text: never detect HTML */
#define NF_EXTRACT_NO_RULES 0x0010u        /* tokens and sentences only */

typedef struct nf_extract_options {
    uint32_t version;         /* NF_OPTIONS_VERSION */
    uint32_t flags;           /* NF_EXTRACT_* */
    const char *dct;          /* document creation time "YYYY-MM-DD[Thh:mm]" or NULL
                                 (then the publication stamp found in the text) */
    const char *doc_id;       /* copied into the document ("doc.id"), or NULL */
    uint64_t max_input_bytes; /* larger input gives NF_ERR_LIMIT (default 1 GiB; 0: no
                                 limit of the caller's, but a text of 4 GiB - 1 bytes
                                 or more always gives NF_ERR_LIMIT) */
    uint64_t max_results;     /* annotations per document (default 50,000,000) */
} nf_extract_options;

/* Fills every member with its default. Thread safety: safe. */
NF_API void nf_extract_options_init(nf_extract_options *opts);

typedef struct nf_doc nf_doc;

/* Extracts facts from text[0, len) (UTF-8, need not be NUL-terminated,
 * may contain NUL bytes, CRLF, a BOM). ws may be NULL: a temporary
 * workspace is made for the call (some allocations, about 10 microseconds;
 * pass a workspace when extracting many documents). opts may be NULL
 * (defaults).
 * Returns a new document owned by the caller (free with nf_doc_free), or
 * NULL with err filled: NF_ERR_UTF8 (err->offset = first bad byte),
 * NF_ERR_LIMIT, NF_ERR_INVALID (bad dct), NF_ERR_NOMEM, NF_ERR_ICU.
 * Empty input gives an empty, valid document.
 * Thread safety: safe with a shared rules handle and a workspace per thread. */
NF_API nf_doc *nf_extract(const nf_rules *rules, nf_workspace *ws, const char *text,
                          size_t len, const nf_extract_options *opts, nf_error *err);

/* Releases a document and everything read from it. NULL-safe.
 * Thread safety: not with concurrent readers of the same document. */
NF_API void nf_doc_free(nf_doc *doc);

/* What nf_doc_count counts. Values are fixed forever. */
typedef enum nf_kind {
    NF_KIND_TOKEN = 1,
    NF_KIND_SENTENCE = 2,
    NF_KIND_PARAGRAPH = 3,
    NF_KIND_ENTITY = 4,
    NF_KIND_DATE = 5,
    NF_KIND_QUOTE = 6,
    NF_KIND_BODY = 7,       /* body regions */
    NF_KIND_WARNING = 8,    /* non-fatal problems (a regex hit its limit, ...) */
    NF_KIND_ANNOTATION = 9  /* raw rule annotations of every phase (for debugging) */
} nf_kind;

/* Number of items of a kind; 0 for a NULL doc or unknown kind.
 * Thread safety: safe. */
NF_API size_t nf_doc_count(const nf_doc *doc, nf_kind kind);

/* Length of the input in bytes, and the document id (or NULL).
 * Thread safety: safe. */
NF_API size_t nf_doc_bytes(const nf_doc *doc);
NF_API const char *nf_doc_id(const nf_doc *doc);

/* The document's copy of the input bytes (len = nf_doc_bytes). With
 * NF_EXTRACT_REPLACE_INVALID this is still the original bytes.
 * Thread safety: safe. */
NF_API const char *nf_doc_text(const nf_doc *doc);

/* ---- tokens */

typedef enum nf_token_kind {
    NF_TOKEN_WORD = 1,   /* letters, with inner apostrophes, hyphens, periods */
    NF_TOKEN_NUMBER = 2, /* digits, decimals, "9:24", ordinals "27th" */
    NF_TOKEN_PUNCT = 3,  /* . , ; : ! ? ( ) - ... */
    NF_TOKEN_SYMBOL = 4, /* currency, %, &, @, bullets, emoji */
    NF_TOKEN_QUOTE = 5,  /* quotation marks and apostrophes standing alone */
    NF_TOKEN_URL = 6,
    NF_TOKEN_EMAIL = 7
} nf_token_kind;

/* nf_token.flags */
#define NF_TOKEN_SPACE_BEFORE 0x0001u  /* white space precedes the token */
#define NF_TOKEN_LINE_START 0x0002u    /* first token of a line */
#define NF_TOKEN_PARA_START 0x0004u    /* first token of a paragraph */
#define NF_TOKEN_CAPITALIZED 0x0008u   /* first letter upper case */
#define NF_TOKEN_ALL_UPPER 0x0010u     /* has letters, none lower case */
#define NF_TOKEN_QUOTE_OPEN 0x0020u    /* quote mark that opens (by form or context) */
#define NF_TOKEN_QUOTE_CLOSE 0x0040u   /* quote mark that closes */
#define NF_TOKEN_ABBREV 0x0080u        /* word ending in a period that is its own */
#define NF_TOKEN_NON_ASCII 0x0100u

typedef struct nf_token {
    nf_span span;
    uint32_t kind;     /* nf_token_kind */
    uint32_t flags;    /* NF_TOKEN_* */
    uint32_t norm;     /* id of the case-folded form: nf_doc_form(doc, norm) */
    uint32_t shape;    /* id of the shape ("Xxxx", "dd", "X.X."): nf_doc_form */
    uint32_t sentence; /* index of its sentence */
    uint32_t reserved;
} nf_token;

/* Token i, or NULL when i >= nf_doc_count(doc, NF_KIND_TOKEN).
 * A document holds its tokens in a compact form until they are first asked
 * for (here, or by nf_doc_to_json with NF_JSON_TOKENS): that first call
 * makes all of them (time in proportion to their number; the memory was set
 * aside by nf_extract, so it cannot fail for want of it), and the pointers
 * stay valid until nf_doc_free. A caller that never reads tokens saves
 * their memory (20 bytes a token).
 * Thread safety: safe, the first call too: concurrent first calls make the
 * tokens once, and each returns them whole. */
NF_API const nf_token *nf_doc_token(const nf_doc *doc, size_t i);

/* The string of a form id (a token's norm or shape), NUL-terminated, or NULL.
 * Thread safety: safe. */
NF_API const char *nf_doc_form(const nf_doc *doc, uint32_t id);

/* ---- sentences and paragraphs */

typedef struct nf_sentence {
    nf_span span;       /* first token start .. last token end */
    size_t first_token; /* token range [first_token, first_token + token_count) */
    size_t token_count;
    uint32_t paragraph; /* index of its paragraph */
    uint32_t flags;     /* NF_FACT_OUTSIDE_BODY */
} nf_sentence;

typedef struct nf_paragraph {
    nf_span span;       /* from its first to its last non-space byte */
    uint32_t flags;     /* NF_FACT_OUTSIDE_BODY */
    uint32_t lines;     /* number of lines */
} nf_paragraph;

NF_API const nf_sentence *nf_doc_sentence(const nf_doc *doc, size_t i);
NF_API const nf_paragraph *nf_doc_paragraph(const nf_doc *doc, size_t i);

/* Body region i (the parts judged to be the article), or {NF_UNSET,NF_UNSET}.
 * Thread safety: safe. */
NF_API nf_span nf_doc_body(const nf_doc *doc, size_t i);

/* ---- facts: shared flags */
#define NF_FACT_OUTSIDE_BODY 0x0001u /* lies outside doc.body (NF_EXTRACT_ALL_TEXT) */

/* ---- entities */

typedef enum nf_entity_type {
    NF_ENT_PERSON = 1,
    NF_ENT_ORG = 2,
    NF_ENT_GPE = 3,
    NF_ENT_LOC = 4,
    NF_ENT_FAC = 5,
    NF_ENT_NORP = 6,
    NF_ENT_EVENT = 7
} nf_entity_type;

/* Static name of an entity type ("PERSON"), or NULL. Thread safety: safe. */
NF_API const char *nf_entity_type_name(uint32_t type);

typedef struct nf_entity {
    nf_span span;
    uint32_t type;         /* nf_entity_type */
    uint32_t flags;        /* NF_FACT_* */
    uint32_t cluster;      /* 1-based; mentions of one thing share it ("c3") */
    uint32_t reserved;
    const char *canonical; /* the cluster's fullest name */
    nf_span role;          /* title or role given at this mention, or unset */
    const char *rule;      /* name of the rule that found it */
} nf_entity;

NF_API const nf_entity *nf_doc_entity(const nf_doc *doc, size_t i);

/* ---- dates and times */

typedef enum nf_timex_type {
    NF_TIMEX_DATE = 1,
    NF_TIMEX_TIME = 2,
    NF_TIMEX_DURATION = 3,
    NF_TIMEX_SET = 4
} nf_timex_type;

NF_API const char *nf_timex_type_name(uint32_t type);

typedef struct nf_date {
    nf_span span;
    uint32_t type;     /* nf_timex_type */
    uint32_t flags;    /* NF_FACT_* */
    const char *value; /* TIMEX3 value ("2025-04-10", "PT6H", "PAST_REF"), or NULL */
    const char *mod;   /* TIMEX3 mod ("APPROX", "MORE_THAN"), or NULL */
    const char *rule;
} nf_date;

NF_API const nf_date *nf_doc_date(const nf_doc *doc, size_t i);

/* The document creation time used ("2025-04-10" or "2025-04-10T21:24+05:30")
 * or NULL, and where it came from. Thread safety: safe. */
typedef enum nf_dct_source { NF_DCT_NONE = 0, NF_DCT_CALLER = 1, NF_DCT_TEXT = 2 } nf_dct_source;
NF_API const char *nf_doc_dct(const nf_doc *doc, nf_dct_source *source);

/* ---- quotes */

typedef enum nf_quote_kind { NF_QUOTE_DIRECT = 1, NF_QUOTE_INDIRECT = 2 } nf_quote_kind;

#define NF_QUOTE_UNCLOSED 0x0100u /* the closing mark was missing */
#define NF_QUOTE_BLOCK 0x0200u    /* a block quote set off on its own lines */

typedef struct nf_quote {
    nf_span span;           /* the content, without quotation marks */
    uint32_t kind;          /* nf_quote_kind */
    uint32_t flags;         /* NF_FACT_*, NF_QUOTE_* */
    nf_span cue;            /* "said", "according to", or unset */
    nf_span speaker;        /* the mention naming the source, or unset */
    int64_t speaker_entity; /* index of the linked entity, or -1 */
    const char *canonical;  /* the speaker entity's canonical name, or NULL */
    const char *normalized; /* the quote text normalised for matching across documents */
    const char *rule;
} nf_quote;

NF_API const nf_quote *nf_doc_quote(const nf_doc *doc, size_t i);

/* ---- document metadata */

typedef struct nf_meta_field {
    nf_span span;      /* unset when absent */
    const char *value; /* normalised value (published), or NULL */
} nf_meta_field;

typedef struct nf_meta {
    nf_meta_field headline;
    nf_meta_field byline;
    nf_meta_field dateline;
    nf_meta_field source;
    nf_meta_field published;
} nf_meta;

/* Never NULL for a non-NULL doc. Thread safety: safe. */
NF_API const nf_meta *nf_doc_meta(const nf_doc *doc);

/* ---- warnings and raw annotations */

/* Warning i as a message, or NULL. Thread safety: safe. */
NF_API const char *nf_doc_warning(const nf_doc *doc, size_t i);

typedef struct nf_annotation {
    nf_span span;
    const char *type;   /* annotation type name as in the rules ("PERSON", "SAY_CUE") */
    const char *rule;   /* rule name */
    const char *phase;  /* phase name */
    size_t first_token; /* token range */
    size_t token_count;
} nf_annotation;

/* Annotation i, or NULL when i >= nf_doc_count(doc, NF_KIND_ANNOTATION).
 * The rules run over the sentences of the body regions and the metadata
 * fields, so a page's clutter has no annotations unless the document was
 * extracted with NF_EXTRACT_ALL_TEXT (or has no body regions).
 * Made on first use as the tokens are (nf_doc_token; here, or by
 * nf_doc_to_json with NF_JSON_ANNOTATIONS), in memory set aside by
 * nf_extract; valid until nf_doc_free.
 * Thread safety: safe, the first call too. */
NF_API const nf_annotation *nf_doc_annotation(const nf_doc *doc, size_t i);

/* ------------------------------------------------------------------- JSON */

#define NF_JSON_PRETTY 0x0001u      /* indented */
#define NF_JSON_EXPLAIN 0x0002u     /* add "rule" to each fact */
#define NF_JSON_TOKENS 0x0004u      /* add "tokens" */
#define NF_JSON_ANNOTATIONS 0x0008u /* add "annotations" (every phase's output) */

/* Serialises the document as newsfacts/1 JSON (see docs/). Returns a new
 * NUL-terminated buffer (release with nf_free) and its length in *len
 * (len may be NULL), or NULL with err (NF_ERR_NOMEM, NF_ERR_INVALID).
 * Thread safety: safe. */
NF_API char *nf_doc_to_json(const nf_doc *doc, uint32_t flags, size_t *len, nf_error *err);

/* Renders the document as one self-contained HTML page (inline CSS and a
 * little JavaScript, no network access): the text with entities coloured by
 * type, dates with their value on hover, quotes underlined in their
 * speaker's colour, mentions of one cluster lit together on hover, clutter
 * greyed out; a side panel of people and roles, quotes by speaker and a
 * timeline. Everything taken from the text is HTML-escaped. flags: 0.
 * Returns a new NUL-terminated buffer (release with nf_free), or NULL with
 * err. Thread safety: safe. */
NF_API char *nf_doc_to_html(const nf_doc *doc, uint32_t flags, size_t *len, nf_error *err);

/* ------------------------------------------------------ binding support */

typedef enum nf_struct_id {
    NF_STRUCT_ERROR = 1,
    NF_STRUCT_SPAN = 2,
    NF_STRUCT_TOKEN = 3,
    NF_STRUCT_SENTENCE = 4,
    NF_STRUCT_PARAGRAPH = 5,
    NF_STRUCT_ENTITY = 6,
    NF_STRUCT_DATE = 7,
    NF_STRUCT_QUOTE = 8,
    NF_STRUCT_META = 9,
    NF_STRUCT_ANNOTATION = 10,
    NF_STRUCT_LOAD_OPTIONS = 11,
    NF_STRUCT_EXTRACT_OPTIONS = 12
} nf_struct_id;

/* sizeof the public struct in this build of the library, or 0. Lets
 * bindings check their mirror of the header. Thread safety: safe. */
NF_API size_t nf_struct_size(nf_struct_id id);

#ifdef __cplusplus
}
#endif
#endif /* NEWSFACTS_H */
