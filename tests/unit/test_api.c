/* test_api.c - versions, options, errors, input handling through the public API. */
#include <stdlib.h>

#include "harness.h"
#include "newsfacts.h"

static nf_rules *empty_rules(void)
{
    static const char yaml[] = "schema: 1\n";
    nf_error err;
    return nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
}

NF_TEST(api_version_macros_match_runtime)
{
    NF_CHECK_EQ_INT(nf_version(), NF_VERSION_NUMBER);
    NF_CHECK_EQ_STR(nf_version_string(), NF_VERSION_STRING);
    NF_CHECK_EQ_INT(nf_version() >> 16, NF_VERSION_MAJOR);
}

NF_TEST(api_status_strings)
{
    NF_CHECK_EQ_STR(nf_status_str(NF_OK), "ok");
    NF_CHECK_EQ_STR(nf_status_str(NF_ERR_UTF8), "invalid UTF-8");
    NF_CHECK_EQ_STR(nf_status_str((nf_status)-99), "unknown status");
}

NF_TEST(api_error_format)
{
    nf_error err = {0};
    err.code = NF_ERR_RULE;
    snprintf(err.source, sizeof err.source, "rules/x.yaml");
    err.line = 12;
    err.column = 9;
    snprintf(err.message, sizeof err.message, "unknown key 'patern'");
    char buf[128];
    size_t n = nf_error_format(&err, buf, sizeof buf);
    NF_CHECK_EQ_STR(buf, "rules/x.yaml:12:9: error: unknown key 'patern'");
    NF_CHECK_EQ_INT(n, strlen(buf));
    char tiny[8];
    nf_error_format(&err, tiny, sizeof tiny);
    NF_CHECK_EQ_INT(strlen(tiny), 7); /* truncated, still terminated */
}

NF_TEST(api_free_functions_accept_null)
{
    nf_doc_free(NULL);
    nf_rules_free(NULL);
    nf_workspace_free(NULL);
    nf_free(NULL);
    NF_CHECK_EQ_INT(nf_doc_count(NULL, NF_KIND_TOKEN), 0);
    NF_CHECK(nf_doc_token(NULL, 0) == NULL);
}

NF_TEST(api_invalid_utf8_reports_offset)
{
    nf_rules *rules = empty_rules();
    NF_CHECK(rules != NULL);
    const char text[] = "caf\xc3\xa9 ok \xe2\x82 bad";
    nf_error err;
    nf_doc *doc = nf_extract(rules, NULL, text, sizeof text - 1, NULL, &err);
    NF_CHECK(doc == NULL);
    NF_CHECK_EQ_INT(err.code, NF_ERR_UTF8);
    NF_CHECK_EQ_INT(err.offset, 9);
    nf_rules_free(rules);
}

NF_TEST(api_invalid_utf8_replaced_keeps_offsets)
{
    nf_rules *rules = empty_rules();
    const char text[] = "ab\xff" "cd";
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_REPLACE_INVALID;
    nf_error err;
    nf_doc *doc = nf_extract(rules, NULL, text, sizeof text - 1, &eo, &err);
    NF_CHECK(doc != NULL);
    NF_CHECK_EQ_INT(nf_doc_bytes(doc), 5);
    NF_CHECK(memcmp(nf_doc_text(doc), text, 5) == 0); /* original bytes kept */
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_WARNING), 1);
    char *js = nf_doc_to_json(doc, 0, NULL, &err);
    NF_CHECK(js && strstr(js, "\"bytes\":5"));
    nf_free(js);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* The JSON string writer against a byte-at-a-time reference: ids of
 * random bytes (plain ASCII, the bytes JSON escapes, UTF-8 sequences valid
 * and not) at every position of strings longer and shorter than its
 * eight-byte step. */
static size_t json_escape_ref(char *out, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        size_t k = 0; /* a valid UTF-8 sequence's length */
        if (c >= 0xC2 && c < 0xE0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) k = 2;
        if (c >= 0xE1 && c < 0xED && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) k = 3;
        if (k) {
            memcpy(out + o, s + i, k);
            o += k;
            i += k - 1;
        } else if (c >= 0x80) {
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
        } else if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out[o++] = '\\';
            out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(out + o, "\\u00", 4);
            out[o + 4] = hex[c >> 4];
            out[o + 5] = hex[c & 15];
            o += 6;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return o;
}

NF_TEST(api_json_strings_escaped_as_byte_by_byte)
{
    nf_rules *rules = empty_rules();
    static const char *const pieces[] = {"a", "Zq", "0", " ", "\"", "\\", "\n", "\r", "\t", "\x01",
                                         "\x1f", "\x7f", "~", "\xc3\xa9", "\xe2\x80\x9c", "\xff",
                                         "\xc3", "\xe2\x80", "\x80", "\xed\xa0\x80"};
    unsigned seed = 12345;
    for (int round = 0; round < 400; round++) {
        char id[80];
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        size_t want = (seed >> 16) % 40 + 1;
        while (n < want) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            if (round % 3 == 0 && (seed >> 8) % 4) p = "x"; /* long plain runs too */
            size_t pl = strlen(p);
            memcpy(id + n, p, pl);
            n += pl;
        }
        id[n] = '\0';
        nf_extract_options eo;
        nf_extract_options_init(&eo);
        eo.doc_id = id;
        nf_error err;
        nf_doc *doc = nf_extract(rules, NULL, "x", 1, &eo, &err);
        NF_CHECK(doc != NULL);
        char *js = doc ? nf_doc_to_json(doc, 0, NULL, &err) : NULL;
        char want_js[600];
        static const char prefix[] = "{\"schema\":\"newsfacts/1\",\"doc\":{\"id\":";
        memcpy(want_js, prefix, sizeof prefix - 1);
        size_t wl = sizeof prefix - 1 + json_escape_ref(want_js + sizeof prefix - 1, (const unsigned char *)id, n);
        NF_CHECK(js && strncmp(js, want_js, wl) == 0 && js[wl] == ',');
        nf_free(js);
        nf_doc_free(doc);
    }
    nf_rules_free(rules);
}

NF_TEST(api_empty_input_is_a_valid_document)
{
    nf_rules *rules = empty_rules();
    nf_error err;
    nf_doc *doc = nf_extract(rules, NULL, NULL, 0, NULL, &err);
    NF_CHECK(doc != NULL);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_TOKEN), 0);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_SENTENCE), 0);
    size_t len;
    char *js = nf_doc_to_json(doc, 0, &len, &err);
    NF_CHECK(js && strncmp(js, "{\"schema\":\"newsfacts/1\"", 23) == 0);
    NF_CHECK_EQ_INT(len, strlen(js));
    nf_free(js);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(api_bad_dct_is_invalid)
{
    nf_rules *rules = empty_rules();
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    const char *bad[] = {"2025-02-30", "2025-13-01", "yesterday", "2025-1-1", "2025-04-10T25:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eo.dct = bad[i];
        nf_error err;
        nf_doc *doc = nf_extract(rules, NULL, "x", 1, &eo, &err);
        NF_CHECK(doc == NULL);
        NF_CHECK_EQ_INT(err.code, NF_ERR_INVALID);
    }
    eo.dct = "2024-02-29";
    nf_error err;
    nf_doc *doc = nf_extract(rules, NULL, "x", 1, &eo, &err);
    NF_CHECK(doc != NULL);
    nf_dct_source src;
    NF_CHECK_EQ_STR(nf_doc_dct(doc, &src), "2024-02-29");
    NF_CHECK_EQ_INT(src, NF_DCT_CALLER);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(api_input_limit)
{
    nf_rules *rules = empty_rules();
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.max_input_bytes = 4;
    nf_error err;
    NF_CHECK(nf_extract(rules, NULL, "12345", 5, &eo, &err) == NULL);
    NF_CHECK_EQ_INT(err.code, NF_ERR_LIMIT);
    nf_rules_free(rules);
}

NF_TEST(api_struct_sizes)
{
    NF_CHECK_EQ_INT(nf_struct_size(NF_STRUCT_TOKEN), sizeof(nf_token));
    NF_CHECK_EQ_INT(nf_struct_size(NF_STRUCT_QUOTE), sizeof(nf_quote));
    NF_CHECK_EQ_INT(nf_struct_size((nf_struct_id)999), 0);
}
