/*
 * fuzz_json.c - libFuzzer target: the JSON round trip. Byte 0 chooses the
 * NF_JSON_* flags, the next 4 bytes the extraction options (fuzz_common.h;
 * NF_EXTRACT_REPLACE_INVALID is always on, so every input gives a
 * document), the rest is the text. The serialised document must be strict
 * RFC 8259 JSON in valid UTF-8, exactly *len bytes long, and consistent
 * with the document: every object with "start"/"end" lies inside the
 * input, every "text" is the input bytes [start, end) (bytes that are not
 * UTF-8 as U+FFFD), "doc.bytes" is the input length, and the arrays hold
 * as many items as the accessors count.
 *
 * The validator below is written for this test only: a recursive-descent
 * parser that keeps what the checks need and nothing else.
 */
#include "fuzz_common.h"

enum { JMAX_DEPTH = 64 };

typedef struct jparser {
    const unsigned char *s;
    size_t n, i;
    const char *text; /* the input */
    size_t len;
    size_t counts[5]; /* expected lengths of the top-level arrays, SIZE_MAX = absent */
} jparser;

static const char *const top_arrays[5] = {"sentences", "entities", "dates", "quotes", "tokens"};

typedef struct jval {
    char type;      /* o a s n t f z */
    int is_uint;    /* a number without sign, fraction or exponent that fits */
    uint64_t u;
    char *str;      /* decoded string (malloc'd, may hold NUL) */
    size_t slen;
    size_t count;   /* members or items */
} jval;

#define JFAIL(p, ...)                                                                   \
    NFF_CHECK(0, "JSON at byte %zu: %s", (p)->i, (snprintf(jmsg, sizeof jmsg, __VA_ARGS__), jmsg))
static char jmsg[200];

static void ws_skip(jparser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static unsigned hex4(jparser *p)
{
    unsigned v = 0;
    if (p->n - p->i < 4) JFAIL(p, "short \\u escape");
    for (int k = 0; k < 4; k++) {
        unsigned c = p->s[p->i++], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else JFAIL(p, "bad hex digit");
        v = v * 16 + d;
    }
    return v;
}

static void put_cp(char *out, size_t *o, unsigned cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xC0 | cp >> 6);
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xE0 | cp >> 12);
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*o)++] = (char)(0xF0 | cp >> 18);
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* At the opening quote; decodes into v->str. */
static void parse_string(jparser *p, jval *v)
{
    p->i++;
    /* decoded is never longer than the escaped form */
    size_t start = p->i, o = 0;
    char *out = malloc(p->n - start + 1);
    NFF_CHECK(out != NULL, "out of memory");
    for (;;) {
        if (p->i >= p->n) JFAIL(p, "unterminated string");
        unsigned char c = p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20) JFAIL(p, "raw control byte 0x%02x in a string", c);
        if (c >= 0x80) {
            size_t k = nff_utf8_len(p->s + p->i, p->n - p->i);
            if (!k) JFAIL(p, "invalid UTF-8 in a string");
            memcpy(out + o, p->s + p->i, k);
            o += k;
            p->i += k;
            continue;
        }
        p->i++;
        if (c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        if (p->i >= p->n) JFAIL(p, "escape at the end");
        c = p->s[p->i++];
        switch (c) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp = hex4(p);
            if (cp >= 0xDC00 && cp <= 0xDFFF) JFAIL(p, "lone low surrogate");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
                    JFAIL(p, "lone high surrogate");
                p->i += 2;
                unsigned lo = hex4(p);
                if (lo < 0xDC00 || lo > 0xDFFF) JFAIL(p, "bad low surrogate");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_cp(out, &o, cp);
            break;
        }
        default: JFAIL(p, "bad escape \\%c", c);
        }
    }
    out[o] = '\0';
    v->type = 's';
    v->str = out;
    v->slen = o;
}

static void parse_number(jparser *p, jval *v)
{
    size_t i0 = p->i;
    int neg = 0, plain = 1;
    if (p->s[p->i] == '-') {
        neg = 1;
        p->i++;
    }
    if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') JFAIL(p, "bad number");
    uint64_t u = 0;
    int overflow = 0;
    if (p->s[p->i] == '0') {
        p->i++;
    } else {
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
            unsigned d = p->s[p->i++] - '0';
            if (u > (UINT64_MAX - d) / 10) overflow = 1;
            u = u * 10 + d;
        }
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        plain = 0;
        p->i++;
        if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') JFAIL(p, "bad fraction");
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        plain = 0;
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') JFAIL(p, "bad exponent");
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    }
    (void)i0;
    v->type = 'n';
    v->is_uint = plain && !neg && !overflow;
    v->u = u;
}

static void literal(jparser *p, const char *word, char type, jval *v)
{
    size_t k = strlen(word);
    if (p->n - p->i < k || memcmp(p->s + p->i, word, k) != 0) JFAIL(p, "bad literal");
    p->i += k;
    v->type = type;
}

/* text is the input bytes [start, end) with bytes that do not start valid
 * UTF-8 written as U+FFFD, exactly as the serialiser promises. */
static int text_matches(const jparser *p, size_t start, size_t end, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)p->text;
    size_t o = 0;
    for (size_t i = start; i < end;) {
        size_t k = nff_utf8_len(u + i, end - i);
        const char *want = (const char *)u + i;
        if (!k) {
            want = "\xEF\xBF\xBD";
            if (o + 3 > n || memcmp(s + o, want, 3) != 0) return 0;
            o += 3;
            i++;
            continue;
        }
        if (o + k > n || memcmp(s + o, want, k) != 0) return 0;
        o += k;
        i += k;
    }
    return o == n;
}

static void parse_value(jparser *p, jval *v, int depth);

static void parse_object(jparser *p, jval *v, int depth)
{
    p->i++;
    int have_start = 0, have_end = 0;
    uint64_t start = 0, end = 0;
    char *text = NULL;
    size_t tlen = 0;
    size_t count = 0;
    ws_skip(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
    } else {
        for (;;) {
            ws_skip(p);
            if (p->i >= p->n || p->s[p->i] != '"') JFAIL(p, "expected a member name");
            jval key = {0};
            parse_string(p, &key);
            ws_skip(p);
            if (p->i >= p->n || p->s[p->i] != ':') JFAIL(p, "expected ':'");
            p->i++;
            jval val = {0};
            parse_value(p, &val, depth + 1);
            count++;
            const char *k = key.str;
            if (!strcmp(k, "start") || !strcmp(k, "end")) {
                if (!val.is_uint) JFAIL(p, "\"%s\" is not an offset", k);
                if (k[0] == 's') have_start = 1, start = val.u;
                else have_end = 1, end = val.u;
            } else if (!strcmp(k, "text") && val.type == 's') {
                free(text);
                text = val.str;
                tlen = val.slen;
                val.str = NULL;
            } else if (!strcmp(k, "bytes") && depth == 1) {
                if (!val.is_uint || val.u != p->len)
                    JFAIL(p, "doc.bytes is not the input length %zu", p->len);
            } else if (depth == 0 && !strcmp(k, "schema")) {
                if (val.type != 's' || strcmp(val.str, "newsfacts/1") != 0) JFAIL(p, "schema");
            } else if (depth == 0) {
                for (int a = 0; a < 5; a++) {
                    if (strcmp(k, top_arrays[a]) != 0) continue;
                    if (val.type != 'a') JFAIL(p, "\"%s\" is not an array", k);
                    if (p->counts[a] != SIZE_MAX && val.count != p->counts[a])
                        JFAIL(p, "%zu %s in JSON, %zu in the document", val.count, k,
                              p->counts[a]);
                    p->counts[a] = SIZE_MAX - 1; /* seen */
                }
            }
            free(key.str);
            free(val.str);
            ws_skip(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == '}') {
                p->i++;
                break;
            }
            JFAIL(p, "expected ',' or '}'");
        }
    }
    if (have_start != have_end) JFAIL(p, "an object with only one of start/end");
    if (have_start && !(start <= end && end <= p->len))
        JFAIL(p, "span [%llu, %llu) outside %zu bytes", (unsigned long long)start,
              (unsigned long long)end, p->len);
    if (text) {
        if (!have_start) JFAIL(p, "\"text\" without a span");
        if (!text_matches(p, (size_t)start, (size_t)end, text, tlen))
            JFAIL(p, "\"text\" of [%llu, %llu) is not the input there", (unsigned long long)start,
                  (unsigned long long)end);
        free(text);
    }
    v->type = 'o';
    v->count = count;
}

static void parse_array(jparser *p, jval *v, int depth)
{
    p->i++;
    size_t count = 0;
    ws_skip(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
    } else {
        for (;;) {
            jval item = {0};
            parse_value(p, &item, depth + 1);
            free(item.str);
            count++;
            ws_skip(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == ']') {
                p->i++;
                break;
            }
            JFAIL(p, "expected ',' or ']'");
        }
    }
    v->type = 'a';
    v->count = count;
}

static void parse_value(jparser *p, jval *v, int depth)
{
    if (depth > JMAX_DEPTH) JFAIL(p, "nested deeper than %d", JMAX_DEPTH);
    ws_skip(p);
    if (p->i >= p->n) JFAIL(p, "expected a value");
    switch (p->s[p->i]) {
    case '{': parse_object(p, v, depth); break;
    case '[': parse_array(p, v, depth); break;
    case '"': parse_string(p, v); break;
    case 't': literal(p, "true", 't', v); break;
    case 'f': literal(p, "false", 'f', v); break;
    case 'n': literal(p, "null", 'z', v); break;
    default:
        if (p->s[p->i] == '-' || (p->s[p->i] >= '0' && p->s[p->i] <= '9'))
            parse_number(p, v);
        else
            JFAIL(p, "unexpected byte 0x%02x", p->s[p->i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nf_workspace *ws;
    nf_rules *rules = nff_rules();
    nf_error err;
    if (!ws) {
        ws = nf_workspace_new(rules, &err);
        NFF_CHECK(ws != NULL, "workspace: %s", err.message);
    }
    if (!size) return 0;
    uint32_t jflags = data[0] & (NF_JSON_PRETTY | NF_JSON_EXPLAIN | NF_JSON_TOKENS |
                                 NF_JSON_ANNOTATIONS);
    nff_input in;
    nff_parse(data + 1, size - 1, &in);
    in.eo.flags |= NF_EXTRACT_REPLACE_INVALID;
    in.eo.max_results = 0; /* no limit: every input gives a document */
    nf_doc *doc = nf_extract(rules, in.use_ws ? ws : NULL, in.text, in.len, &in.eo, &err);
    if (!doc) {
        nff_check_extract_error(&err, in.text, in.len, &in.eo);
        return 0;
    }
    nff_check_doc(doc, in.text, in.len, &in.eo);
    size_t n = 0;
    char *js = nf_doc_to_json(doc, jflags, &n, &err);
    NFF_CHECK(js != NULL, "nf_doc_to_json failed: %s", err.message);
    NFF_CHECK(strlen(js) == n, "JSON length %zu, *len %zu", strlen(js), n);
    jparser p = {(const unsigned char *)js, n, 0, in.text, in.len, {0}};
    p.counts[0] = nf_doc_count(doc, NF_KIND_SENTENCE);
    p.counts[1] = nf_doc_count(doc, NF_KIND_ENTITY);
    p.counts[2] = nf_doc_count(doc, NF_KIND_DATE);
    p.counts[3] = nf_doc_count(doc, NF_KIND_QUOTE);
    p.counts[4] = jflags & NF_JSON_TOKENS ? nf_doc_count(doc, NF_KIND_TOKEN) : SIZE_MAX;
    jval top = {0};
    parse_value(&p, &top, 0);
    ws_skip(&p);
    NFF_CHECK(p.i == n, "bytes after the JSON value at %zu", p.i);
    NFF_CHECK(top.type == 'o', "the JSON is not an object");
    if (jflags & NF_JSON_TOKENS)
        NFF_CHECK(p.counts[4] == SIZE_MAX - 1, "NF_JSON_TOKENS without \"tokens\"");
    if (!(jflags & NF_JSON_PRETTY)) NFF_CHECK(!memchr(js, '\n', n), "compact JSON has a newline");
    nf_free(js);
    nf_doc_free(doc);
    return 0;
}
