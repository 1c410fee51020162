/*
 * fuzz_extract.c - libFuzzer target: extraction with the repository's rules.
 * The first 4 bytes choose options and a DCT (fuzz_common.h), the rest is
 * the text. Every document must keep the invariants of nff_check_doc, every
 * failure must be a documented error. One workspace is reused across inputs
 * (unless byte 0 says otherwise), as a long-running host would.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nf_workspace *ws;
    nf_rules *rules = nff_rules();
    nf_error err;
    if (!ws) {
        ws = nf_workspace_new(rules, &err);
        NFF_CHECK(ws != NULL, "workspace: %s", err.message);
    }
    nff_input in;
    nff_parse(data, size, &in);
    nf_doc *doc = nf_extract(rules, in.use_ws ? ws : NULL, in.text, in.len, &in.eo, &err);
    if (!doc) {
        nff_check_extract_error(&err, in.text, in.len, &in.eo);
        return 0;
    }
    nff_check_doc(doc, in.text, in.len, &in.eo);
    nf_doc_free(doc);
    return 0;
}
