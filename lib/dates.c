/*
 * dates.c - the dates resolver: temporal-expression annotations -> nf_date
 * facts with TIMEX3 values (docs/dates.md, "The resolver").
 *
 * Input: annotations of type DATE, TIME, DURATION, SET (the type is given
 * to the normaliser unless a `type` attribute overrides it) or TIMEX (the
 * normaliser infers the type). Their attributes are the keys of
 * lib/timex.h (year, month, weekday, offset, unit, ...); a capture-valued
 * attribute stands for the text of its span.
 *
 * Steps:
 *   1. extents: leading prepositions (settings `dates.strip_leading`) and a
 *      trailing possessive 's or punctuation are cut off;
 *   2. annotations inside the publication stamp (meta.published) are left
 *      out: the stamp is metadata, not a body date;
 *   3. overlapping annotations: the longest wins, then the higher
 *      priority, then the earlier start, then the earlier annotation;
 *   4. in text order, each expression is normalised against doc->dct; the
 *      last calendar value seen is the reference of anchor=ref
 *      expressions ("six days later"); a bare weekday or a year-less date
 *      gets a tense hint from the nearest tense word of its sentence
 *      (settings `dates.future_words`, `dates.past_words`,
 *      `dates.tense_window`);
 *   5. doc->dates, sorted by (start asc, end desc); value NULL when the
 *      normaliser cannot resolve the expression.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rules.h"
#include "timex.h"

/* ------------------------------------------------------------ word lists */

/* Built-in defaults; rules/20-dates.yaml carries the same lists as
 * settings, which replace these when present. */
static const char *const default_strip[] = {
    "on", "in", "at", "by", "since", "until", "till", "til", "during", "from", "for", "of",
    "to", "within", "throughout", "into", "upon", "as", "through", NULL};
static const char *const default_future[] = {
    "will", "'ll", "’ll", "shall", "wo", "won't", "won’t", "next", "upcoming", "scheduled",
    "expected", "due", "slated", "planned", "plans", "plan", "planning", "intends", "tomorrow",
    "coming", "aims", "hopes", "soon", "resume", "resumes", "meets", "expects", "awaits",
    NULL};
static const char *const default_past[] = {
    "said", "was", "were", "had", "did", "ago", "last", "earlier", "told", "announced",
    "reported", "met", "held", "took", "came", "went", "began", "ended", "killed", "died",
    "yesterday", "previous", "previously", "wrote", "saw", "made", "gave", "left", "arrived",
    NULL};

/* A list of up to LIST_SLOTS / 2 words of fewer than LIST_WORD_MAX bytes
 * is also hashed (lower-cased), so that a test costs one probe instead of
 * a comparison with every word (the tense words are tested for every word
 * near a date). */
enum { LIST_SLOTS = 256, LIST_WORD_MAX = 64 };

typedef struct word_list {
    const nfi_setting *setting; /* from the rules, or NULL: builtin */
    const char *const *builtin;
    uint32_t lens;              /* bit n: a word of n bytes (n < 31); bit 31: a longer one */
    bool hashed;                /* slot is filled */
    uint16_t slot[LIST_SLOTS];  /* word index + 1 by hash, 0: empty */
} word_list;

static uint32_t len_bit(size_t n) { return n < 31 ? 1u << n : 1u << 31; }

static bool ieq(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    if (m != n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return false;
    }
    return true;
}

static const char *list_word(const word_list *l, size_t i)
{
    return l->setting ? nfi_setting_item(l->setting, i) : l->builtin[i];
}

/* Hash of s[0,n) lower-cased (ASCII, as ieq compares); n < LIST_WORD_MAX. */
static uint32_t list_hash(const char *s, size_t n)
{
    char low[LIST_WORD_MAX];
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    return (uint32_t)nfi_hash(low, n) & (LIST_SLOTS - 1);
}

static bool list_has(const word_list *l, const char *s, size_t n)
{
    if (!(l->lens & len_bit(n))) return false; /* no word of that length */
    if (l->hashed) {
        if (n >= LIST_WORD_MAX) return false;
        for (uint32_t h = list_hash(s, n); l->slot[h]; h = (h + 1) & (LIST_SLOTS - 1))
            if (ieq(s, n, list_word(l, l->slot[h] - 1u))) return true;
        return false;
    }
    if (l->setting) {
        size_t c = nfi_setting_count(l->setting);
        for (size_t i = 0; i < c; i++) {
            const char *w = nfi_setting_item(l->setting, i);
            if (w && ieq(s, n, w)) return true;
        }
        return false;
    }
    for (size_t i = 0; l->builtin[i]; i++)
        if (ieq(s, n, l->builtin[i])) return true;
    return false;
}

static word_list make_list(const nf_rules *rules, const char *key, const char *const *builtin)
{
    word_list l = {NULL, builtin, 0, false, {0}};
    if (rules) {
        const nfi_setting *s = nfi_rules_setting(rules, key);
        if (s && nfi_setting_count(s)) l.setting = s;
    }
    if (l.setting) {
        for (size_t i = 0, c = nfi_setting_count(l.setting); i < c; i++) {
            const char *w = nfi_setting_item(l.setting, i);
            if (w) l.lens |= len_bit(strlen(w));
        }
    } else {
        for (size_t i = 0; builtin[i]; i++) l.lens |= len_bit(strlen(builtin[i]));
    }
    size_t count = 0;
    if (l.setting)
        count = nfi_setting_count(l.setting);
    else
        while (builtin[count]) count++;
    if (count > LIST_SLOTS / 2) return l;
    for (size_t i = 0; i < count; i++) {
        const char *w = list_word(&l, i);
        if (w && strlen(w) >= LIST_WORD_MAX) return l; /* too long to hash: compared one by one */
    }
    for (size_t i = 0; i < count; i++) {
        const char *w = list_word(&l, i);
        if (!w) continue;
        uint32_t h = list_hash(w, strlen(w));
        while (l.slot[h]) h = (h + 1) & (LIST_SLOTS - 1);
        l.slot[h] = (uint16_t)(i + 1);
    }
    l.hashed = true;
    return l;
}

/* ------------------------------------------------------------ mod words */

/* `mod_word` attribute: the approximator or part word the rule captured
 * ("about", "more than", "early") -> TIMEX3 mod. Words that carry no mod
 * ("earlier", "just") give none. */
typedef struct mod_word {
    const char *word, *mod;
} mod_word;

static const mod_word mod_words[] = {
    {"about", "APPROX"}, {"around", "APPROX"}, {"approximately", "APPROX"},
    {"roughly", "APPROX"}, {"some", "APPROX"}, {"nearly", "APPROX"}, {"almost", "APPROX"},
    {"close to", "APPROX"}, {"an estimated", "APPROX"}, {"estimated", "APPROX"},
    {"circa", "APPROX"}, {"c.", "APPROX"}, {"approx.", "APPROX"}, {"or so", "APPROX"},
    {"more than", "MORE_THAN"}, {"over", "MORE_THAN"}, {"upwards of", "MORE_THAN"},
    {"longer than", "MORE_THAN"}, {"well over", "MORE_THAN"}, {"just over", "MORE_THAN"},
    {"beyond", "MORE_THAN"}, {"less than", "LESS_THAN"}, {"under", "LESS_THAN"},
    {"fewer than", "LESS_THAN"}, {"shorter than", "LESS_THAN"}, {"just under", "LESS_THAN"},
    {"barely", "LESS_THAN"}, {"not quite", "LESS_THAN"}, {"at least", "EQUAL_OR_MORE"},
    {"no less than", "EQUAL_OR_MORE"}, {"up to", "EQUAL_OR_LESS"},
    {"no more than", "EQUAL_OR_LESS"}, {"at most", "EQUAL_OR_LESS"}, {"early", "START"},
    {"earlier", NULL}, {"beginning", "START"}, {"start", "START"}, {"dawn", "START"},
    {"mid", "MID"}, {"middle", "MID"}, {"midst", "MID"}, {"late", "END"}, {"later", NULL},
    {"end", "END"}, {"close", "END"}, {"just", NULL}, {"only", NULL}, {"the", NULL},
    {NULL, NULL}};

/* Looks the (case-insensitive, white space collapsed) word up: true when
 * known, *mod = its mod or NULL. */
static bool mod_of_word(const char *s, size_t n, const char **mod)
{
    char w[32];
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '-') {
            space = k > 0;
            continue;
        }
        if (space) {
            if (k + 1 >= sizeof w) return false;
            w[k++] = ' ';
            space = false;
        }
        if (k + 1 >= sizeof w) return false;
        w[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    w[k] = '\0';
    for (size_t i = 0; mod_words[i].word; i++)
        if (!strcmp(w, mod_words[i].word)) {
            *mod = mod_words[i].mod;
            return true;
        }
    return false;
}

/* `freq_word` attribute: a frequency adverb ("daily", "biweekly") -> the
 * unit (and amount) of a SET. */
static bool set_freq_word(nfi_timex_in *in, const char *s, size_t n)
{
    static const struct {
        const char *word, *unit, *amount;
    } words[] = {{"daily", "day", NULL},         {"nightly", "day", NULL},
                 {"hourly", "hour", NULL},       {"weekly", "week", NULL},
                 {"monthly", "month", NULL},     {"quarterly", "quarter", NULL},
                 {"annually", "year", NULL},     {"yearly", "year", NULL},
                 {"annual", "year", NULL},       {"biweekly", "week", "2"},
                 {"fortnightly", "week", "2"},   {"biannually", "month", "6"},
                 {"semiannually", "month", "6"}, {"biennially", "year", "2"},
                 {NULL, NULL, NULL}};
    for (size_t i = 0; words[i].word; i++) {
        if (!ieq(s, n, words[i].word)) continue;
        nfi_timex_in t = *in;
        if (nfi_timex_in_set(&t, "unit", words[i].unit, strlen(words[i].unit)) != NF_OK)
            return false;
        if (words[i].amount &&
            nfi_timex_in_set(&t, "amount", words[i].amount, strlen(words[i].amount)) != NF_OK)
            return false;
        *in = t;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------ candidates */

typedef struct cand {
    size_t ann;             /* index in doc->anns */
    nf_span span;           /* trimmed extent */
    size_t tok_start, tok_end;
    int32_t priority;
    nf_timex_type type;     /* from the annotation type; 0 = infer */
} cand;

/* The annotation types the resolver reads, and what each gives (TIMEX:
 * 0, the normaliser infers the type). */
static const char *const timex_type_names[] = {"DATE", "TIME", "DURATION", "SET", "TIMEX"};
static const nf_timex_type timex_type_values[] = {NF_TIMEX_DATE, NF_TIMEX_TIME,
                                                  NF_TIMEX_DURATION, NF_TIMEX_SET,
                                                  (nf_timex_type)0};
enum { TIMEX_TYPES = 5 };

static nf_timex_type ann_timex_type(const char *t, bool *is_timex)
{
    for (size_t k = 0; t && k < TIMEX_TYPES; k++)
        if (!strcmp(t, timex_type_names[k])) {
            *is_timex = true;
            return timex_type_values[k];
        }
    *is_timex = false;
    return (nf_timex_type)0;
}

static const char *tok_text(const nf_doc *doc, size_t i, size_t *n)
{
    const nfi_token *t = &doc->tokens.items[i];
    *n = t->span.end - t->span.start;
    return doc->work + t->span.start;
}

static bool is_possessive(const char *s, size_t n)
{
    return (n == 2 && s[0] == '\'' && (s[1] == 's' || s[1] == 'S')) ||
           (n == 4 && !memcmp(s, "\xE2\x80\x99", 3) && (s[3] == 's' || s[3] == 'S')) ||
           (n == 1 && s[0] == '\'') || (n == 3 && !memcmp(s, "\xE2\x80\x99", 3));
}

static const char *const keep_period[] = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "a.m", "p.m",
    "am", "pm", "st", "no", "yr", "yrs", "hr", "hrs", "min", "mins", "sec", "secs", "mo", "mos",
    "wk", "wks", "b.c", "a.d", "u.s", NULL};

/* Trims the extent [*s, *e) of bytes: a trailing possessive, punctuation
 * other than an abbreviation's period, white space. */
static void trim_tail(const char *text, size_t s, size_t *e)
{
    for (;;) {
        size_t n = *e - s;
        const char *p = text + s;
        if (n == 0) return;
        char c = p[n - 1];
        if (n > 2 && (c == 's' || c == 'S') && p[n - 2] == '\'') {
            *e -= 2;
            continue;
        }
        if (n > 4 && (c == 's' || c == 'S') && !memcmp(p + n - 4, "\xE2\x80\x99", 3)) {
            *e -= 4;
            continue;
        }
        if (c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' || c == '"' ||
            c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\'' || c == '-') {
            *e -= 1;
            continue;
        }
        if (n >= 3 && (unsigned char)p[n - 1] >= 0x9C && (unsigned char)p[n - 1] <= 0x9D &&
            !memcmp(p + n - 3, "\xE2\x80", 2)) { /* closing curly quote */
            *e -= 3;
            continue;
        }
        if (c == '.') {
            /* the word before the period */
            size_t w = n - 1;
            while (w > 0 && p[w - 1] != ' ' && p[w - 1] != '\n' && p[w - 1] != '\t') w--;
            const char *word = p + w;
            size_t wn = n - 1 - w;
            bool keep = false;
            for (size_t i = 0; keep_period[i]; i++)
                if (ieq(word, wn, keep_period[i])) keep = true;
            for (size_t i = 0; i < wn && !keep; i++)
                if (word[i] == '.') keep = true; /* a.m., U.S. */
            if (wn == 1) keep = true;            /* initials */
            if (!keep) {
                *e -= 1;
                continue;
            }
        }
        return;
    }
}

static void trim_head(const char *text, size_t *s, size_t e)
{
    while (*s < e) {
        char c = text[*s];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == '"' || c == ',') {
            (*s)++;
            continue;
        }
        if (e - *s >= 3 && !memcmp(text + *s, "\xE2\x80", 2) &&
            ((unsigned char)text[*s + 2] == 0x9C || (unsigned char)text[*s + 2] == 0x98)) {
            *s += 3; /* opening curly quote */
            continue;
        }
        return;
    }
}

static bool overlaps(nf_span a, nf_span b) { return a.start < b.end && b.start < a.end; }

/* Order of preference among overlapping candidates. */
static int cmp_pref(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    size_t la = a->span.end - a->span.start, lb = b->span.end - b->span.start;
    if (la != lb) return la > lb ? -1 : 1;
    if (a->priority != b->priority) return a->priority > b->priority ? -1 : 1;
    if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
    return a->ann < b->ann ? -1 : a->ann > b->ann;
}

static int cmp_text(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
    if (a->span.end != b->span.end) return a->span.end > b->span.end ? -1 : 1;
    return a->ann < b->ann ? -1 : a->ann > b->ann;
}

/* ------------------------------------------------------------ tense */

typedef struct tense_ctx {
    word_list future, past;
    size_t window;
} tense_ctx;

/* -1 past, +1 future, 0 unknown: the nearest tense word in the sentence,
 * looking back from the expression first, then forward. */
static int tense_at(const nf_doc *doc, const tense_ctx *tc, size_t ts, size_t te)
{
    if (ts >= doc->tokens.len) return 0;
    uint32_t sent = nfi_token_sentence(doc, ts);
    for (size_t k = 0, i = ts; k < tc->window && i > 0; k++) {
        i--;
        if (nfi_token_sentence(doc, i) != sent) break;
        size_t n;
        const char *w = tok_text(doc, i, &n);
        if (list_has(&tc->future, w, n)) return +1;
        if (list_has(&tc->past, w, n)) return -1;
    }
    for (size_t k = 0, i = te; k < tc->window && i < doc->tokens.len; k++, i++) {
        if (nfi_token_sentence(doc, i) != sent) break;
        size_t n;
        const char *w = tok_text(doc, i, &n);
        if (list_has(&tc->future, w, n)) return +1;
        if (list_has(&tc->past, w, n)) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ resolve */

static bool is_calendar(const char *v)
{
    if (!v || strlen(v) < 4) return false;
    for (int i = 0; i < 4; i++)
        if (v[i] < '0' || v[i] > '9') return false;
    return v[4] == '\0' || (v[4] == '-' && v[5] >= '0' && v[5] <= '9');
}

/* Whether the tense of the sentence decides the expression: a bare
 * weekday, a date without a year, a day of the month. */
static bool needs_tense(const nfi_timex_in *in)
{
    if (in->direction != 0 || in->offset != NFI_TIMEX_UNSET || in->anchor_ref) return false;
    if (in->year != NFI_TIMEX_UNSET || in->ref[0] || in->unit != NFI_TU_NONE) return false;
    if (in->decade != NFI_TIMEX_UNSET || in->century != NFI_TIMEX_UNSET) return false;
    return in->weekday != NFI_TIMEX_UNSET || in->month != NFI_TIMEX_UNSET ||
           in->day != NFI_TIMEX_UNSET || in->season[0] || in->quarter != NFI_TIMEX_UNSET;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Day number of a "YYYY-MM" (the 15th) or "YYYY-MM-DD" value; false when
 * the value is neither. */
static bool value_day(const char *v, long *out)
{
    if (!is_calendar(v) || v[4] != '-') return false;
    long y = strtol(v, NULL, 10), m = strtol(v + 5, NULL, 10), d = 15;
    if (v[7] == '-') d = strtol(v + 8, NULL, 10);
    *out = days_from_civil(y, m, d);
    return true;
}

/* A date with a month but no year ("February 27", "in October"): the year
 * that puts it nearest to the DCT, unless the tense hint points the other
 * way and that date is at most max_days from the DCT. Returns the
 * direction to normalise with (-1, +1, or hint). */
static int yearless_direction(const nfi_timex_in *in, const char *dct, int hint, long max_days)
{
    nfi_timex_dct d;
    if (nfi_timex_parse_dct(dct, &d) != NF_OK) return hint;
    long now = days_from_civil(d.year, d.month, d.day);
    nfi_timex_in t = *in;
    char past[NFI_TIMEX_MAX], fut[NFI_TIMEX_MAX];
    t.direction = -1;
    if (nfi_timex_normalize(&t, dct, NULL, past, sizeof past, NULL) != NF_OK) return hint;
    t.direction = +1;
    if (nfi_timex_normalize(&t, dct, NULL, fut, sizeof fut, NULL) != NF_OK) return hint;
    long dp, df;
    if (!value_day(past, &dp) || !value_day(fut, &df)) return hint;
    if (in->weekday != NFI_TIMEX_UNSET && in->day != NFI_TIMEX_UNSET) {
        /* "Saturday, April 25": the year in which the weekday fits */
        bool okp = (dp % 7 + 7 + 3) % 7 + 1 == in->weekday;
        bool okf = (df % 7 + 7 + 3) % 7 + 1 == in->weekday;
        if (okp != okf) return okp ? -1 : +1;
    }
    long distp = now - dp, distf = df - now;
    if (distp < 0) distp = -distp;
    if (distf < 0) distf = -distf;
    if (hint < 0 && distp <= max_days) return -1;
    if (hint > 0 && distf <= max_days) return +1;
    return distp <= distf ? -1 : +1;
}

static const char *intern_rule(nf_doc *doc, const char *rule, const char **last_in,
                               const char **last_out)
{
    if (!rule) return NULL;
    if (*last_in == rule) return *last_out;
    const char *c = nfi_arena_strdup(&doc->arena, rule);
    *last_in = rule;
    *last_out = c;
    return c;
}

/* The resolver's settings and word lists: made once per workspace (the
 * setting look-ups and the hashing of the three lists cost about 35 K
 * instructions, a third of the stage on a 1 KB document, when made per
 * document), read-only afterwards. */
struct nfi_dates_ws {
    word_list strip;         /* dates.strip_leading */
    tense_ctx tense;         /* dates.future_words, dates.past_words, dates.tense_window */
    bool ref_dct;            /* dates.ref_fallback_dct */
    bool nearest;            /* dates.yearless is not "tense" */
    long max_tense_days;     /* dates.tense_max_days */
    /* the rules' interned timex_type_names (NULL: no rule emits it), so that
       an annotation's type is told by pointer, not by five strcmp; only
       with rules (annotations made without them have other pointers) */
    bool by_pointer;
    const char *types[TIMEX_TYPES];
};

/* ann_timex_type by the interned names when the rules made the annotations. */
static nf_timex_type ws_timex_type(const nfi_dates_ws *ws, const char *t, bool *is_timex)
{
    if (!ws->by_pointer) return ann_timex_type(t, is_timex);
    for (size_t k = 0; k < TIMEX_TYPES; k++)
        if (t == ws->types[k] && t) {
            *is_timex = true;
            return timex_type_values[k];
        }
    *is_timex = false;
    return (nf_timex_type)0;
}

nfi_dates_ws *nfi_dates_ws_new(const nf_rules *rules, nf_error *err)
{
    nfi_dates_ws *w = malloc(sizeof *w);
    if (!w) {
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    w->strip = make_list(rules, "dates.strip_leading", default_strip);
    w->tense.future = make_list(rules, "dates.future_words", default_future);
    w->tense.past = make_list(rules, "dates.past_words", default_past);
    w->tense.window = 8;
    w->ref_dct = false;
    w->nearest = true;
    w->max_tense_days = 300;
    if (rules) {
        const nfi_setting *ys = nfi_rules_setting(rules, "dates.yearless");
        const char *yv = ys ? nfi_setting_str(ys) : NULL;
        if (yv && !strcmp(yv, "tense")) w->nearest = false;
        double md = nfi_rules_number(rules, "dates.tense_max_days", 300);
        if (md >= 0 && md <= 366) w->max_tense_days = (long)md;
        double win = nfi_rules_number(rules, "dates.tense_window", 8);
        if (win >= 0 && win <= 100) w->tense.window = (size_t)win;
        w->ref_dct = nfi_rules_number(rules, "dates.ref_fallback_dct", 0) != 0;
        w->by_pointer = true;
        for (size_t k = 0; k < TIMEX_TYPES; k++)
            w->types[k] = nfi_rules_type(rules, timex_type_names[k]);
    } else {
        w->by_pointer = false;
    }
    return w;
}

void nfi_dates_ws_free(nfi_dates_ws *ws) { free(ws); }

static nf_status resolve(nf_doc *doc, const nfi_dates_ws *ws)
{
    const word_list *strip = &ws->strip;
    const tense_ctx *tc = &ws->tense;
    const bool ref_dct = ws->ref_dct, nearest = ws->nearest;
    const long max_tense_days = ws->max_tense_days;
    nf_span stamp = doc->meta.published.span;

    /* grown as timexes are found (a few of the annotations), not sized by
     * all of them */
    NFI_VEC(cand) found = {NULL, 0, 0};
    for (size_t i = 0; i < doc->anns.len; i++) {
        const nfi_ann *a = &doc->anns.items[i];
        if (a->flags & NFI_ANN_REMOVED) continue;
        bool is_timex;
        nf_timex_type t = ws_timex_type(ws, nfi_ann_type(doc, a), &is_timex);
        if (!is_timex) continue;
        nf_span as = nfi_ann_span(doc, a);
        if (as.start == NF_UNSET || as.end <= as.start || as.end > doc->len) continue;
        size_t ts = a->tok_start, te = a->tok_end;
        if (te > doc->tokens.len) te = doc->tokens.len;
        if (ts > te) ts = te;
        size_t s = as.start, e = as.end;
        /* leading prepositions (whole tokens inside the extent) */
        while (ts + 1 < te) {
            size_t n;
            const char *w = tok_text(doc, ts, &n);
            if (doc->tokens.items[ts].span.start < s || !list_has(strip, w, n)) break;
            /* "at least", "at most": an approximator, not a preposition */
            size_t n2;
            const char *w2 = tok_text(doc, ts + 1, &n2);
            const char *mod;
            if (w2 + n2 - w < 32 && mod_of_word(w, (size_t)(w2 + n2 - w), &mod)) break;
            ts++;
            s = doc->tokens.items[ts].span.start;
        }
        /* trailing possessive or punctuation tokens */
        while (ts + 1 < te) {
            size_t n;
            const char *w = tok_text(doc, te - 1, &n);
            const nfi_token *tk = &doc->tokens.items[te - 1];
            /* a final period is left to trim_tail, which knows abbreviations */
            bool drop = is_possessive(w, n) ||
                        (tk->kind == NF_TOKEN_PUNCT && !(n == 1 && w[0] == '.'));
            if (!drop || tk->span.end > e) break;
            te--;
            e = doc->tokens.items[te - 1].span.end;
        }
        trim_head(doc->work, &s, e);
        trim_tail(doc->work, s, &e);
        if (e <= s) continue;
        if (stamp.start != NF_UNSET && overlaps((nf_span){s, e}, stamp)) continue;
        cand *c = nfi_vec_push(&found);
        if (!c) {
            nfi_vec_free(&found);
            return NF_ERR_NOMEM;
        }
        c->ann = i;
        c->span = (nf_span){s, e};
        c->tok_start = ts;
        c->tok_end = te;
        c->priority = nfi_ann_priority(a);
        c->type = t;
    }
    cand *cands = found.items;
    size_t ncand = found.len;

    /* overlapping candidates: keep the preferred ones */
    if (ncand) nfi_sort(cands, ncand, sizeof *cands, cmp_pref);
    /* a bitmap of the bytes taken: linear in the text, whatever the count */
    size_t kept = 0;
    unsigned char *taken = ncand ? calloc(doc->len / 8 + 1, 1) : NULL;
    if (ncand && !taken) {
        free(cands);
        return NF_ERR_NOMEM;
    }
    for (size_t i = 0; i < ncand; i++) {
        bool clash = false;
        for (size_t b = cands[i].span.start; b < cands[i].span.end && !clash; b++)
            clash = (taken[b / 8] >> (b % 8)) & 1u;
        if (clash) continue;
        for (size_t b = cands[i].span.start; b < cands[i].span.end; b++)
            taken[b / 8] = (unsigned char)(taken[b / 8] | (1u << (b % 8)));
        cands[kept++] = cands[i];
    }
    free(taken);
    if (kept) nfi_sort(cands, kept, sizeof *cands, cmp_text);

    nf_status st = NF_OK;
    char prev[NFI_TIMEX_MAX] = "";
    const char *rule_in = NULL, *rule_out = NULL;
    for (size_t i = 0; i < kept && st == NF_OK; i++) {
        const cand *c = &cands[i];
        const nfi_ann *a = &doc->anns.items[c->ann];
        const char *rule_name = nfi_ann_rule_name(a);
        nfi_timex_in in;
        nfi_timex_in_init(&in);
        bool bad = false, has_type = false;
        for (uint32_t k = 0; k < a->attr_count; k++) {
            const nfi_attr *at = &doc->attrs.items[a->attr_start + k];
            if (!at->key) continue;
            const char *v = at->value;
            size_t vn;
            if (v) {
                vn = strlen(v);
            } else if (at->span.start != NFI_NONE && at->span.end > at->span.start &&
                       at->span.end <= doc->len) {
                v = doc->work + at->span.start;
                vn = at->span.end - at->span.start;
            } else {
                continue; /* an optional capture that matched nothing */
            }
            /* "year_2": a second capture for the same key (alternatives) */
            char key[32];
            size_t kl = strlen(at->key);
            if (kl >= sizeof key) kl = sizeof key - 1;
            memcpy(key, at->key, kl);
            key[kl] = '\0';
            if (kl > 2 && key[kl - 2] == '_' && key[kl - 1] >= '0' && key[kl - 1] <= '9')
                key[kl - 2] = '\0';
            /* the tests below look at the key's first byte before the call */
            if (key[0] == 't' && !strcmp(key, "type")) has_type = true;
            if (key[0] == 'a' && !strcmp(key, "amount_half") && !(vn == 1 && (v[0] == '0' || v[0] == '1'))) {
                v = "1"; /* the captured words (" and a half") */
                vn = 1;
            }
            if (key[0] == 'a' && (!strcmp(key, "amount") || !strcmp(key, "amount_max"))) {
                /* "a couple of" -> "couple" */
                if (vn > 3 && ieq(v + vn - 3, 3, " of")) vn -= 3;
                while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\n')) vn--;
                if (vn > 2 && (v[0] == 'a' || v[0] == 'A') && v[1] == ' ') {
                    nfi_timex_in t = in;
                    if (nfi_timex_in_set(&t, key, v, vn) == NF_OK) {
                        in = t;
                        continue;
                    }
                    v += 2;
                    vn -= 2;
                }
            }
            if (key[0] == 'h' && !strncmp(key, "holiday_", 8)) {
                /* fixed-date holidays: the captured name is only a flag */
                static const struct {
                    const char *name, *month, *day;
                } hol[] = {{"xmas", "12", "25"}, {"eve", "12", "24"}, {"ny", "1", "1"},
                           {"nye", "12", "31"},  {"hw", "10", "31"},  {"vd", "2", "14"},
                           {NULL, NULL, NULL}};
                bool known = false;
                for (size_t h = 0; hol[h].name; h++) {
                    if (strcmp(key + 8, hol[h].name) != 0) continue;
                    known = true;
                    nfi_timex_in_set(&in, "month", hol[h].month, strlen(hol[h].month));
                    nfi_timex_in_set(&in, "day", hol[h].day, strlen(hol[h].day));
                }
                if (!known) {
                    nfi_doc_warn(doc, "dates: rule %s: unknown %s", rule_name ? rule_name : "?", key);
                    bad = true;
                }
                continue;
            }
            if (key[0] == 'f' && !strcmp(key, "freq_word")) {
                if (!set_freq_word(&in, v, vn)) {
                    nfi_doc_warn(doc, "dates: rule %s: unknown freq_word '%.*s'",
                                 rule_name ? rule_name : "?", (int)(vn > 40 ? 40 : vn), v);
                    bad = true;
                }
                continue;
            }
            if (key[0] == 'm' && !strcmp(key, "mod_word")) {
                const char *mod = NULL;
                if (!mod_of_word(v, vn, &mod))
                    nfi_doc_warn(doc, "dates: rule %s: unknown mod_word '%.*s'",
                                 rule_name ? rule_name : "?", (int)(vn > 40 ? 40 : vn), v);
                else if (mod && !in.mod[0])
                    nfi_timex_in_set(&in, "mod", mod, strlen(mod));
                continue;
            }
            if (nfi_timex_in_set(&in, key, v, vn) != NF_OK) {
                nfi_doc_warn(doc, "dates: rule %s: attribute %s=%.*s rejected",
                             rule_name ? rule_name : "?", at->key, (int)(vn > 40 ? 40 : vn), v);
                bad = true;
            }
        }
        if (!has_type && c->type) {
            const char *tn = nfi_ann_type(doc, a);
            nfi_timex_in_set(&in, "type", tn, strlen(tn));
        }
        if (needs_tense(&in)) {
            int d = tense_at(doc, tc, c->tok_start, c->tok_end);
            if (in.month != NFI_TIMEX_UNSET && doc->dct && nearest)
                d = yearless_direction(&in, doc->dct, d, max_tense_days);
            if (d) in.direction = d;
        }
        char out[NFI_TIMEX_MAX] = "";
        nf_timex_type type = c->type;
        if (!bad) {
            const char *pref = prev[0] ? prev : (ref_dct ? doc->dct : NULL);
            nf_status ns = nfi_timex_normalize(&in, doc->dct, pref, out, sizeof out, &type);
            if (ns != NF_OK) out[0] = '\0';
        } else if (!type) {
            type = in.type ? in.type : NF_TIMEX_DATE;
        }
        if (!type) type = NF_TIMEX_DATE;
        nf_date *d = nfi_vec_push(&doc->dates);
        if (!d) {
            st = NF_ERR_NOMEM;
            break;
        }
        d->span = c->span;
        d->type = (uint32_t)type;
        d->flags = 0;
        d->value = out[0] ? nfi_arena_strdup(&doc->arena, out) : NULL;
        d->mod = in.mod[0] ? nfi_arena_strdup(&doc->arena, in.mod) : NULL;
        d->rule = intern_rule(doc, rule_name, &rule_in, &rule_out);
        if ((out[0] && !d->value) || (in.mod[0] && !d->mod) || (rule_name && !d->rule))
            st = NF_ERR_NOMEM;
        if ((type == NF_TIMEX_DATE || type == NF_TIMEX_TIME) && is_calendar(out))
            memcpy(prev, out, sizeof prev);
    }
    free(cands);
    return st;
}

nf_status nfi_dates_resolve(nf_doc *doc, const nfi_dates_ws *ws, nf_error *err)
{
    if (!doc) return NF_ERR_INVALID;
    if (ws) return resolve(doc, ws);
    /* no workspace: the built-in defaults, made for this call */
    nfi_dates_ws *dflt = nfi_dates_ws_new(NULL, err);
    if (!dflt) return NF_ERR_NOMEM;
    nf_status st = resolve(doc, dflt);
    nfi_dates_ws_free(dflt);
    return st;
}
