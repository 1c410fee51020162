/*
 * fuzz_rules.c - libFuzzer target: the whole input is a rule file handed to
 * nf_rules_load_buffer (no option prefix, so corpus files stay readable
 * YAML). A load must either succeed or fail with a documented code, a
 * message and a position; rules that load must then extract a fixed text
 * without breaking any document invariant, and serialise it to JSON.
 * Limits are lowered so one input costs little: a small file cap (includes
 * of /dev/zero or huge files must stop there), few files, tight regex limits.
 * The buffer is named rules/fuzz-input.yaml, so relative includes and list
 * files resolve in the repository's rules/ (the targets run from the top).
 */
#include "fuzz_common.h"

static const char sample[] =
    "WASHINGTON (Newswire) - Mara Okonkwo, the harbour authority's chief, said on "
    "Tuesday that the new pier \"will open by March 3, 2026.\"\n\n"
    "\"We are not there yet,\" she told reporters at 9:30 a.m. The U.S. Coast Guard "
    "and Lindqvist Shipping Ltd. declined to comment, according to a statement.\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nf_load_options lo;
    nf_load_options_init(&lo);
    lo.max_file_bytes = 1u << 20;
    lo.max_files = 32;
    lo.max_include_depth = 4;
    lo.regex_match_limit = 100000;
    lo.regex_depth_limit = 1000;
    nf_error err;
    memset(&err, 0x5a, sizeof err); /* the loader must fill what it reports */
    nf_rules *rules = nf_rules_load_buffer((const char *)data, size, "rules/fuzz-input.yaml", &lo, &err);
    if (!rules) {
        switch (err.code) {
        case NF_ERR_IO:
        case NF_ERR_YAML:
        case NF_ERR_RULE:
        case NF_ERR_REGEX:
        case NF_ERR_LIMIT:
        case NF_ERR_NOMEM:
        case NF_ERR_UTF8:
        case NF_ERR_ICU:
            break;
        default:
            NFF_CHECK(0, "load failed with undocumented code %d", (int)err.code);
        }
        NFF_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL, "message unterminated");
        NFF_CHECK(memchr(err.source, '\0', sizeof err.source) != NULL, "source unterminated");
        NFF_CHECK(err.message[0] != '\0', "load error %d without a message", (int)err.code);
        char line[64];
        size_t full = nf_error_format(&err, line, sizeof line);
        size_t got = strlen(line);
        NFF_CHECK(full < sizeof line ? got == full : got < sizeof line,
                  "nf_error_format: %zu bytes written, %zu reported", got, full);
        return 0;
    }
    (void)nf_rules_count(rules);
    nf_workspace *ws = nf_workspace_new(rules, &err);
    NFF_CHECK(ws != NULL, "workspace for loaded rules: %s", err.message);
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.dct = "2026-01-20";
    eo.max_results = 100000;
    nf_doc *doc = nf_extract(rules, ws, sample, sizeof sample - 1, &eo, &err);
    if (doc) {
        nff_check_doc(doc, sample, sizeof sample - 1, &eo);
        size_t n = 0;
        char *js = nf_doc_to_json(doc, NF_JSON_ANNOTATIONS | NF_JSON_EXPLAIN, &n, &err);
        NFF_CHECK(js != NULL && strlen(js) == n, "JSON of a document: %s", js ? "" : err.message);
        nf_free(js);
        nf_doc_free(doc);
    } else {
        nff_check_extract_error(&err, sample, sizeof sample - 1, &eo);
    }
    nf_workspace_free(ws);
    nf_rules_free(rules);
    return 0;
}
