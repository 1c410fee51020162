/*
 * structure.c - what the page is made of: the article's own metadata
 * (headline, byline, dateline, source, publication stamp), the regions
 * that are the article (doc->body) as opposed to web clutter, and the DCT
 * taken from the stamp when the caller gave none.
 *
 * Works on doc->work, doc->lines and doc->paragraphs only (no tokens), so
 * it does not depend on the tokenizer's details. Every number and word
 * list it uses is a `settings:` key of the rules (rules/05-structure.yaml);
 * the C defaults below equal the shipped YAML values, and the YAML wins
 * when present. docs/structure.md explains the method and every key.
 *
 * The settings and the stage's four regexes are read and compiled once per
 * workspace (nfi_structure_ws, freed with it), not once per document; the
 * rules handle stays immutable and shareable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "html.h"
#include "rules.h"

/* ------------------------------------------------------------ settings */

static const char *const dflt_clutter[] = {
    "subscribe", "subscription", "subscriptions", "subscriber", "newsletter", "newsletters",
    "cookie", "cookies", "privacy policy", "terms of use", "terms of service",
    "terms and conditions", "sign in", "sign up", "log in", "login", "register now",
    "advertisement", "share this", "share on", "read more", "read next",
    "all rights reserved", "follow us", "download the app", "download our app", "paywall",
    "free trial", "renews automatically", "cancel anytime", "/month", "/year", "ad-free",
    "epaper", "e-paper", "sitemap", "click here", "tap here", "learn more", "view all",
    "see all", "explore more", "load more", "most read", "most popular",
    "you may also like", "don't miss", "listen to article", "min read", "minute read",
    "skip to content", "logo"};
static const char *const dflt_section_cues[] = {
    "related", "related articles", "related stories", "related news", "read more",
    "read also", "also read", "more from", "more on", "more stories", "more news",
    "recommended", "you may also like", "most read", "most popular", "trending",
    "latest news", "top stories", "explore more", "next story", "previous story",
    "next post", "previous post", "comments", "leave a comment", "post a comment",
    "key takeaways", "takeaways", "key points", "highlights", "quick summary", "summary",
    "faq", "faqs", "frequently asked questions", "advertisement", "sponsored",
    "subscribe", "sign up", "newsletter", "share", "share this article", "follow us",
    "tags", "topics", "filed under", "about the author", "disclaimer", "copyright"};
/* section cues that open a list of other content, which usually runs to
 * the end of the page: the blocks after such a heading are penalised */
static const char *const dflt_trailing_cues[] = {
    "related", "related articles", "related stories", "related news", "read more",
    "also read", "more from", "more on", "more stories", "more news", "recommended",
    "you may also like", "most read", "most popular", "trending", "latest news",
    "top stories", "explore more", "next story", "comments", "leave a comment",
    "post a comment", "key takeaways", "faq", "faqs", "frequently asked questions",
    "tags", "topics", "filed under", "about the author"};
static const char *const dflt_credit_cues[] = {
    "reporting by", "additional reporting", "writing by", "written by", "editing by",
    "edited by", "compiled by", "graphics by", "reported by"};
static const char *const dflt_caption_cues[] = {
    "photo:", "photo :", "photos:", "photograph:", "image:", "picture:", "pic:",
    "file photo", "representational", "representative image", "image credit",
    "photo credit", "credit:", "getty images", "(photo", "| photo", "photo by",
    "image source", "caption:"};
static const char *const dflt_copyright[] = {"copyright", "\xc2\xa9", "all rights reserved",
                                             "(c)"};
static const char *const dflt_function_words[] = {
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "and", "but", "or", "that",
    "this", "these", "those", "is", "are", "was", "were", "be", "been", "being", "has",
    "have", "had", "it", "its", "he", "she", "they", "we", "his", "her", "their", "our",
    "said", "says", "say", "at", "by", "from", "as", "after", "before", "will", "would",
    "could", "should", "can", "may", "not", "which", "who", "whom", "whose", "than",
    "also", "into", "over", "about", "while", "when", "where", "there", "if", "because",
    "did", "does", "do", "them", "him", "between", "during", "since", "until", "told"};
static const char *const dflt_agencies[] = {
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "Bloomberg",
    "dpa", "DPA", "Xinhua", "TASS", "RIA Novosti", "RIA", "Interfax", "Kyodo", "Yonhap",
    "ANSA", "EFE", "PTI", "IANS", "ANI", "UNI", "UPI", "AAP", "CP", "Anadolu", "ANTARA",
    "Bernama", "KUNA", "WAM", "SPA", "IRNA", "APA", "Ukrinform", "PAP", "CTK", "BTA",
    "Jiji", "CNA", "Prensa Latina", "Europa Press", "Press Association", "PA"};
static const char *const dflt_kickers[] = {
    "BREAKING", "EXCLUSIVE", "LIVE", "UPDATE", "UPDATED", "WATCH", "VIDEO", "ANALYSIS",
    "OPINION", "EDITORIAL", "COMMENT", "COMMENTS", "FEATURE", "INTERVIEW", "PHOTOS",
    "ADVERTISEMENT", "SPONSORED", "NEWS", "HOME", "MENU", "SEARCH", "SHARE", "FAQ"};
/* zone abbreviation and UTC offset; IST is India's, CST the US central zone */
static const char *const dflt_zones[] = {
    "UTC +00:00", "GMT +00:00", "Z +00:00", "WET +00:00", "BST +01:00", "CET +01:00",
    "WAT +01:00", "CEST +02:00", "EET +02:00", "SAST +02:00", "CAT +02:00",
    "EEST +03:00", "MSK +03:00", "EAT +03:00", "AST +03:00", "GST +04:00", "PKT +05:00",
    "IST +05:30", "NPT +05:45", "ICT +07:00", "WIB +07:00", "SGT +08:00", "HKT +08:00",
    "PHT +08:00", "AWST +08:00", "JST +09:00", "KST +09:00", "ACST +09:30",
    "AEST +10:00", "AEDT +11:00", "NZST +12:00", "NZDT +13:00", "EST -05:00",
    "EDT -04:00", "CST -06:00", "CDT -05:00", "MST -07:00", "MDT -06:00", "PST -08:00",
    "PDT -07:00", "AKST -09:00", "AKDT -08:00", "HST -10:00", "ET -05:00", "PT -08:00"};
static const char *const dflt_updated_labels[] = {"updated", "modified", "edited", "revised"};
static const char *const dflt_published_labels[] = {"published", "posted", "released",
                                                    "issued", "dated", "date"};

typedef struct st_list {
    const char *const *dflt;
    size_t ndflt;
    const nfi_setting *set;
    /* the items, their number and lengths, made once (list_lens): a scan
       makes no call to the settings nor strlen */
    size_t count;
    const char **item;
    uint32_t *len;
} st_list;

static size_t list_count(const st_list *l) { return l->count; }
static const char *list_item(const st_list *l, size_t i) { return l->item[i]; }
static size_t list_len(const st_list *l, size_t i) { return l->len[i]; }

/* l->count, l->item and l->len from the settings (or the defaults). */
static bool list_lens(st_list *l)
{
    size_t n = l->set ? nfi_setting_count(l->set) : l->ndflt;
    l->item = malloc((n ? n : 1) * sizeof *l->item);
    l->len = malloc((n ? n : 1) * sizeof *l->len);
    if (!l->item || !l->len) return false;
    l->count = n;
    for (size_t i = 0; i < n; i++) {
        const char *s = l->set ? nfi_setting_item(l->set, i) : l->dflt[i];
        l->item[i] = s ? s : "";
        l->len[i] = (uint32_t)strlen(l->item[i]);
    }
    return true;
}

typedef struct cfg {
    double block_cost, prose_word, fragment_word, other_word, fragment_min_words,
        fragment_func_share, title_share, title_penalty, bullet_penalty, question_penalty,
        question_max_words, short_words, menu_run, menu_penalty, repeat_penalty,
        clutter_weight, clutter_max_hits, cue_weight, cue_max_words, credit_weight,
        caption_weight, price_weight, copyright_weight, stamp_weight, extra_ratio,
        min_body_score, restate_min_words, restate_share, restate_window, headline_repeat_bytes, trailing_penalty, trailing_blocks, trailing_max_words, extra_max_gap, extra_before, crosshead_max_words, crosshead_min_inside, wrap_max_bytes, wrap_min_bytes, stamp_max_words, headline_window, headline_min_words,
        headline_max_words, continue_min_words, table_min_numbers, table_row, table_gap, table_min_rows, plain_text, plain_header_blocks;
    st_list clutter, cues, trailing, credits, captions, copyright, func, agencies, kickers, zones,
        upd_labels, pub_labels;
    /* phrase lists indexed by their first (lower-cased) byte; phr holds
       only the phrases that begin with a byte other than a letter or digit */
    struct phr *phr, *fw, *cue, *label, *trail;
    uint32_t phr_start[257], fw_start[257], cue_start[257], label_start[257], trail_start[257];
    /* the phrases that begin with a letter or digit, by their first word
       (phr_word_count): a word of the text looks them up at once */
    struct phr *pw;
    struct phr_word *pw_slots;
    uint32_t pw_mask;
    uint32_t pw_runs[256]; /* by first byte: bit n set when a phrase's first word has n bytes (31: more) */
    uint32_t fw_lens[256]; /* by first byte: bit n set when a function word has n bytes (n < 32) */
    /* the word_key of every function word of at most 8 bytes and of every
       first word of at most 8 bytes of c->pw, by hash (0: empty; a word
       has no NUL byte, so its key is never 0 and tells its length), and
       what it is (fw_kinds: WK_*): one probe for most words */
    uint64_t *fw_keys;
    uint8_t *fw_kinds;
    uint32_t fw_kmask;
    /* the blk.cw_bits of the function words (cw_bit): a block's other
       bits are its content words' (restated_later) */
    uint64_t fw_bits[4];
    /* by first byte: the second bytes of the phrases (a bit set of 256),
       bit 0 standing for a phrase of one byte; phr_scan skips a position
       whose two bytes begin no phrase */
    uint8_t phr_second[256][32];
    /* BC_* bits of every byte, for the one scan of a block (analyze) */
    uint8_t byte_class[256];
} cfg;

/* Byte classes (cfg.byte_class), for analyze. BC_AT: the first byte of a
 * phrase that does not begin with a letter or digit (phr_at). BC_PUNCT:
 * ASCII other than a letter or digit. BC_SPECIAL: such a byte analyze must
 * look at ('$' of a price, the second byte of a breadcrumb separator,
 * BC_AT). BC_JOIN: a byte that may go on with a word (inner ' - . & and
 * every byte of 0x80 or more). */
enum {
    BC_LOWER = 1, BC_UPPER = 2, BC_DIGIT = 4, BC_ALNUM = BC_LOWER | BC_UPPER | BC_DIGIT,
    BC_AT = 8, BC_PUNCT = 16, BC_SPECIAL = 32, BC_JOIN = 64
};

enum { PL_CLUTTER, PL_COPYRIGHT, PL_CREDIT, PL_CAPTION, PL_COUNT }; /* nfi_structure_phrase_hits */

typedef struct phr {
    const char *p;
    uint32_t len;
    uint8_t list, edge_l, edge_r;
    uint8_t second; /* p[1] lower-cased (0 when len is 1): a cheap first test */
    uint64_t key;   /* word_key of p when len <= 8 (is_function_word) */
    uint32_t run;   /* bytes of its first word (ASCII letters and digits) */
} phr;

/* A slot of the table of first words: the phrases c->pw[first, first + n)
 * begin with the word of run bytes whose first min(run, 8) have word_key key
 * (n = 0: an empty slot). */
typedef struct phr_word {
    uint64_t key;
    uint32_t run, first, n;
} phr_word;

static bool ascii_alnum_byte(unsigned char c);
static void fw_bits_build(cfg *c);
static unsigned char lower_byte(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 32) : c; }

/* The n <= 8 bytes of w as one number, A-Z lower-cased as ascii_ieq
 * compares them: two such words are ascii_ieq when their lengths and keys
 * are equal. */
static NFI_HOT_INLINE uint64_t word_key(const char *w, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* the bytes in two loads that may overlap (byte i lands at bits 8i,
       as in the loop below), then A-Z lower-cased eight at a time: this
       runs for every word of a page */
    const unsigned char *u = (const unsigned char *)w;
    uint64_t k;
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, u, 4);
        memcpy(&hi, u + n - 4, 4);
        k = (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
    } else {
        k = n ? (uint64_t)u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1)) : 0;
    }
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low7 = k & ~high;                       /* each byte's low 7 bits: no carry below */
    uint64_t ge_a = low7 + ones * (0x80 - 'A');       /* high bit: >= 'A' */
    uint64_t gt_z = low7 + ones * (0x80 - 'Z' - 1);   /* high bit: > 'Z' */
    uint64_t upper = ge_a & ~gt_z & ~k & high;        /* A-Z (and no byte >= 0x80) */
    return k | upper >> 2;                            /* 0x80 >> 2 = 0x20 */
#else
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++) k |= (uint64_t)lower_byte((unsigned char)w[i]) << (8 * i);
    return k;
#endif
}

static int phr_cmp(const void *a, const void *b)
{
    const phr *x = a, *y = b;
    unsigned char cx = lower_byte((unsigned char)x->p[0]), cy = lower_byte((unsigned char)y->p[0]);
    if (cx != cy) return cx < cy ? -1 : 1;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    uint64_t kx = word_key(x->p, x->run < 8 ? x->run : 8), ky = word_key(y->p, y->run < 8 ? y->run : 8);
    return kx < ky ? -1 : kx > ky;
}

enum { PHR_ALL, PHR_WORD, PHR_OTHER }; /* which phrases phr_index takes, by their first byte */

/* Builds an index of the phrases of lists[0..n) by first byte (phrases
 * longer than max_len bytes left out; only those that begin with a letter
 * or digit (PHR_WORD), or only the others (PHR_OTHER)); within a first
 * byte, phrases with the same first word are adjacent. */
static phr *phr_index(const st_list *const *lists, size_t n, size_t max_len, int which,
                      uint32_t start[257])
{
    size_t total = 0;
    for (size_t l = 0; l < n; l++) total += list_count(lists[l]);
    phr *v = malloc((total ? total : 1) * sizeof *v);
    if (!v) return NULL;
    size_t k = 0;
    for (size_t l = 0; l < n; l++)
        for (size_t i = 0, m = list_count(lists[l]); i < m; i++) {
            const char *it = list_item(lists[l], i);
            size_t len = strlen(it);
            if (!len || len > max_len) continue;
            bool word = ascii_alnum_byte((unsigned char)it[0]);
            if ((which == PHR_WORD && !word) || (which == PHR_OTHER && word)) continue;
            size_t run = 0;
            while (run < len && ascii_alnum_byte((unsigned char)it[run])) run++;
            v[k].run = (uint32_t)run;
            v[k].p = it;
            v[k].len = (uint32_t)len;
            v[k].second = len > 1 ? lower_byte((unsigned char)it[1]) : 0;
            v[k].key = len <= 8 ? word_key(it, len) : 0;
            v[k].list = (uint8_t)l;
            v[k].edge_l = ascii_alnum_byte((unsigned char)it[0]);
            v[k].edge_r = ascii_alnum_byte((unsigned char)it[len - 1]);
            k++;
        }
    qsort(v, k, sizeof *v, phr_cmp);
    size_t j = 0;
    for (uint32_t ch = 0; ch < 256; ch++) {
        start[ch] = (uint32_t)j;
        while (j < k && lower_byte((unsigned char)v[j].p[0]) == ch) j++;
    }
    start[256] = (uint32_t)k;
    return v;
}

static size_t fw_key_slot(uint64_t key, uint32_t mask)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
}

static size_t phr_word_slot(uint64_t key, uint32_t run, uint32_t mask)
{
    return fw_key_slot(key ^ ((uint64_t)run << 56) ^ run, mask);
}

/* c->pw_slots and c->pw_runs from c->pw (sorted by phr_index: a first
 * word's phrases are adjacent). */
static bool phr_words_build(cfg *c, size_t n)
{
    size_t slots = 16;
    while (slots < 4 * n) slots *= 2;
    c->pw_slots = calloc(slots, sizeof *c->pw_slots);
    if (!c->pw_slots) return false;
    c->pw_mask = (uint32_t)(slots - 1);
    memset(c->pw_runs, 0, sizeof c->pw_runs);
    for (size_t j = 0; j < n;) {
        const phr *p = &c->pw[j];
        uint64_t key = word_key(p->p, p->run < 8 ? p->run : 8);
        size_t q = j + 1;
        while (q < n && c->pw[q].run == p->run &&
               word_key(c->pw[q].p, p->run < 8 ? p->run : 8) == key &&
               lower_byte((unsigned char)c->pw[q].p[0]) == lower_byte((unsigned char)p->p[0]))
            q++;
        size_t h = phr_word_slot(key, p->run, c->pw_mask);
        while (c->pw_slots[h].n) h = (h + 1) & c->pw_mask;
        c->pw_slots[h] = (phr_word){key, p->run, (uint32_t)j, (uint32_t)(q - j)};
        c->pw_runs[lower_byte((unsigned char)p->p[0])] |= 1u << (p->run < 31 ? p->run : 31);
        j = q;
    }
    return true;
}

enum { WK_FUNC = 1, WK_PHRASE = 2 }; /* what a word of c->fw_keys is */

static void fw_key_add(cfg *c, uint64_t key, uint8_t kind)
{
    size_t h = fw_key_slot(key, c->fw_kmask);
    while (c->fw_keys[h] && c->fw_keys[h] != key) h = (h + 1) & c->fw_kmask;
    c->fw_keys[h] = key;
    c->fw_kinds[h] |= kind;
}

/* c->fw_keys and fw_kinds from c->fw and the first n of c->pw. */
static bool fw_keys_build(cfg *c, size_t n)
{
    size_t nf = c->fw_start[256], slots = 16;
    while (slots < 4 * (nf + n)) slots *= 2;
    c->fw_keys = calloc(slots, sizeof *c->fw_keys);
    c->fw_kinds = calloc(slots, sizeof *c->fw_kinds);
    if (!c->fw_keys || !c->fw_kinds) return false;
    c->fw_kmask = (uint32_t)(slots - 1);
    for (size_t j = 0; j < nf; j++)
        if (c->fw[j].len <= 8) fw_key_add(c, c->fw[j].key, WK_FUNC);
    for (size_t j = 0; j < n; j++)
        if (c->pw[j].run <= 8) fw_key_add(c, word_key(c->pw[j].p, c->pw[j].run), WK_PHRASE);
    return true;
}

static void cfg_free(cfg *c)
{
    free(c->fw_keys);
    free(c->fw_kinds);
    c->fw_keys = NULL;
    c->fw_kinds = NULL;
    free(c->pw_slots);
    free(c->pw);
    c->pw_slots = NULL;
    c->pw = NULL;
    free(c->phr);
    free(c->fw);
    free(c->cue);
    free(c->label);
    free(c->trail);
    c->phr = c->fw = c->cue = c->label = c->trail = NULL;
    st_list *lists[] = {&c->clutter, &c->cues, &c->trailing, &c->credits, &c->captions,
                        &c->copyright, &c->func, &c->agencies, &c->kickers, &c->zones,
                        &c->upd_labels, &c->pub_labels};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        free(lists[i]->item);
        free(lists[i]->len);
        lists[i]->item = NULL;
        lists[i]->len = NULL;
        lists[i]->count = 0;
    }
}

#define LIST(field, key, arr) \
    (c->field.dflt = (arr), c->field.ndflt = sizeof(arr) / sizeof(arr)[0], \
     c->field.set = rules ? nfi_rules_setting(rules, key) : NULL)
#define NUM(field, key, dv) (c->field = rules ? nfi_rules_number(rules, key, dv) : (dv))

static bool cfg_load(cfg *c, const nf_rules *rules)
{
    NUM(block_cost, "structure.block_cost", 6);
    NUM(prose_word, "structure.prose_word", 1.0);
    NUM(fragment_word, "structure.fragment_word", 0.5);
    NUM(other_word, "structure.other_word", 0.1);
    NUM(fragment_min_words, "structure.fragment_min_words", 8);
    NUM(fragment_func_share, "structure.fragment_function_share", 0.15);
    NUM(title_share, "structure.title_share", 0.6);
    NUM(title_penalty, "structure.title_penalty", 4);
    NUM(bullet_penalty, "structure.bullet_penalty", 4);
    NUM(question_penalty, "structure.question_penalty", 4);
    NUM(question_max_words, "structure.question_max_words", 15);
    NUM(short_words, "structure.short_words", 5);
    NUM(menu_run, "structure.menu_run", 3);
    NUM(menu_penalty, "structure.menu_penalty", 6);
    NUM(repeat_penalty, "structure.repeat_penalty", 15);
    NUM(clutter_weight, "structure.clutter_weight", 12);
    NUM(clutter_max_hits, "structure.clutter_max_hits", 3);
    NUM(cue_weight, "structure.section_cue_weight", 40);
    NUM(cue_max_words, "structure.section_cue_max_words", 12);
    NUM(credit_weight, "structure.credit_weight", 25);
    NUM(caption_weight, "structure.caption_weight", 15);
    NUM(price_weight, "structure.price_weight", 10);
    NUM(copyright_weight, "structure.copyright_weight", 25);
    NUM(stamp_weight, "structure.stamp_weight", 25);
    NUM(extra_ratio, "structure.extra_region_ratio", 0.25);
    NUM(extra_max_gap, "structure.extra_region_max_gap", 6);
    NUM(crosshead_max_words, "structure.crosshead_max_words", 8);
    NUM(crosshead_min_inside, "structure.crosshead_min_inside", 2);
    NUM(restate_min_words, "structure.restate_min_words", 6);
    NUM(restate_share, "structure.restate_share", 0.7);
    NUM(restate_window, "structure.restate_window", 30);
    NUM(headline_repeat_bytes, "structure.headline_repeat_bytes", 1000000);
    NUM(trailing_penalty, "structure.trailing_penalty", 10);
    NUM(trailing_blocks, "structure.trailing_blocks", 15);
    NUM(trailing_max_words, "structure.trailing_max_words", 4);
    NUM(extra_before, "structure.extra_region_before", 0);
    NUM(wrap_max_bytes, "structure.wrap_max_bytes", 100);
    NUM(wrap_min_bytes, "structure.wrap_min_bytes", 45);
    NUM(min_body_score, "structure.min_body_score", 8);
    NUM(stamp_max_words, "structure.stamp_max_words", 10);
    NUM(headline_window, "structure.headline_window", 60);
    NUM(headline_min_words, "structure.headline_min_words", 3);
    NUM(headline_max_words, "structure.headline_max_words", 30);
    NUM(continue_min_words, "structure.continue_min_words", 3);
    NUM(table_min_numbers, "structure.table_min_numbers", 2);
    NUM(table_row, "structure.table_row", 1.0);
    NUM(table_gap, "structure.table_gap", 3);
    NUM(table_min_rows, "structure.table_min_rows", 3);
    NUM(plain_text, "structure.plain_text", 1);
    NUM(plain_header_blocks, "structure.plain_header_blocks", 4);
    LIST(clutter, "structure.clutter_words", dflt_clutter);
    LIST(cues, "structure.section_cues", dflt_section_cues);
    LIST(trailing, "structure.trailing_cues", dflt_trailing_cues);
    LIST(credits, "structure.credit_cues", dflt_credit_cues);
    LIST(captions, "structure.caption_cues", dflt_caption_cues);
    LIST(copyright, "structure.copyright_cues", dflt_copyright);
    LIST(func, "structure.function_words", dflt_function_words);
    LIST(agencies, "structure.agencies", dflt_agencies);
    LIST(kickers, "structure.kickers", dflt_kickers);
    LIST(zones, "structure.zones", dflt_zones);
    LIST(upd_labels, "structure.updated_labels", dflt_updated_labels);
    LIST(pub_labels, "structure.published_labels", dflt_published_labels);
    st_list *lists[] = {&c->clutter, &c->cues, &c->trailing, &c->credits, &c->captions,
                        &c->copyright, &c->func, &c->agencies, &c->kickers, &c->zones,
                        &c->upd_labels, &c->pub_labels};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (!list_lens(lists[i])) {
            cfg_free(c);
            return false;
        }
    const st_list *pl[PL_COUNT] = {&c->clutter, &c->copyright, &c->credits, &c->captions};
    const st_list *fl[1] = {&c->func}, *cl[1] = {&c->cues};
    uint32_t pw_start[257];
    c->pw = phr_index(pl, PL_COUNT, 200, PHR_WORD, pw_start);
    c->phr = phr_index(pl, PL_COUNT, 200, PHR_OTHER, c->phr_start);
    memset(c->phr_second, 0, sizeof c->phr_second);
    for (uint32_t ch = 0; c->phr && ch < 256; ch++)
        for (uint32_t j = c->phr_start[ch]; j < c->phr_start[ch + 1]; j++) {
            unsigned char second = c->phr[j].second; /* 0 for a phrase of one byte */
            c->phr_second[ch][second >> 3] |= (uint8_t)(1u << (second & 7));
        }
    for (uint32_t ch = 0; ch < 256; ch++) {
        uint8_t bc = 0;
        if (ch >= 'a' && ch <= 'z') bc = BC_LOWER;
        else if (ch >= 'A' && ch <= 'Z') bc = BC_UPPER;
        else if (ch >= '0' && ch <= '9') bc = BC_DIGIT;
        else if (ch < 0x80) bc = BC_PUNCT;
        if (c->phr && c->phr_start[ch] != c->phr_start[ch + 1]) bc |= BC_AT;
        if (ch == '$' || ch == '>' || ch == '/' || ((bc & BC_AT) && ch < 0x80)) bc |= BC_SPECIAL;
        if (ch == '\'' || ch == '-' || ch == '.' || ch == '&' || ch >= 0x80) bc |= BC_JOIN;
        c->byte_class[ch] = bc;
    }
    c->fw = phr_index(fl, 1, 200, PHR_ALL, c->fw_start);
    memset(c->fw_lens, 0, sizeof c->fw_lens);
    for (uint32_t ch = 0; c->fw && ch < 256; ch++)
        for (uint32_t j = c->fw_start[ch]; j < c->fw_start[ch + 1]; j++)
            if (c->fw[j].len < 32) c->fw_lens[ch] |= 1u << c->fw[j].len;
    fw_bits_build(c);
    c->cue = phr_index(cl, 1, SIZE_MAX, PHR_ALL, c->cue_start);
    const st_list *ll[2] = {&c->upd_labels, &c->pub_labels}; /* stamp_label's order */
    c->label = phr_index(ll, 2, SIZE_MAX, PHR_ALL, c->label_start);
    const st_list *tl[1] = {&c->trailing};
    c->trail = phr_index(tl, 1, SIZE_MAX, PHR_ALL, c->trail_start);
    if (!c->phr || !c->fw || !c->cue || !c->label || !c->trail || !c->pw || !fw_keys_build(c, pw_start[256]) ||
        !phr_words_build(c, pw_start[256])) {
        cfg_free(c);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ text helpers */

static size_t space_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\n' || c == '\r') return 1;
    if (c < 0x80) return 0;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) return 2;
    if (i + 2 >= n) return 0;
    unsigned char c1 = (unsigned char)s[i + 1], c2 = (unsigned char)s[i + 2];
    if (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8B || c2 == 0xAF)) return 3;
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;
    if (c == 0xEF && c1 == 0xBB && c2 == 0xBF) return 3;
    return 0;
}

static size_t skip_space(const char *s, size_t i, size_t e)
{
    if (i < e && (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x80) return i; /* the common case */
    while (i < e) {
        size_t k = space_len(s, e, i);
        if (!k) break;
        i += k;
    }
    return i;
}

/* The end of s[b,e) without trailing white space (as space_len reads it,
 * character by character from b). */
static size_t rtrim(const char *s, size_t b, size_t e)
{
    const unsigned char *u = (const unsigned char *)s;
    /* the common case, as the scan below finds it: a last byte that is
       ASCII but no white space, and two more ASCII bytes before it */
    if (e >= b + 3 && u[e - 1] > ' ' && u[e - 1] < 0x80 && u[e - 2] < 0x80 && u[e - 3] < 0x80) return e;
    size_t j = e;
    while (j > b && (u[j - 1] == ' ' || u[j - 1] == '\t' || u[j - 1] == '\n' ||
                     u[j - 1] == '\r' || u[j - 1] == '\f' || u[j - 1] == '\v'))
        j--;
    if (j == b) return b;
    /* The scan from b has a character boundary at any x whose three bytes
       before (back to b) are ASCII: a character of n bytes takes in at
       most n - 1 after its first. If the last of them is not white space,
       the answer is x or later, and the scan can start at x: the last such
       x is most often j itself, or a few bytes before a line's closing
       quote or dash. */
    size_t from = b;
    for (size_t x = j; x > b; x--) {
        if (u[x - 1] >= 0x80 || u[x - 1] <= ' ') continue;
        if ((x < b + 2 || u[x - 2] < 0x80) && (x < b + 3 || u[x - 3] < 0x80)) {
            from = x;
            break;
        }
    }
    if (from == j) return j;
    size_t last = from, i = from;
    while (i < e) {
        if ((unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x80) { /* the common case */
            last = ++i;
            continue;
        }
        size_t k = space_len(s, e, i);
        if (k) {
            i += k;
            continue;
        }
        nfi_utf8_next(s, e, &i);
        last = i;
    }
    return last;
}

/* The code point ending at e (start in *pos), or 0. */
static uint32_t prev_cp(const char *s, size_t b, size_t e, size_t *pos)
{
    if (e <= b) return 0;
    size_t i = e - 1;
    if ((unsigned char)s[i] < 0x80) { /* the common case: ASCII */
        if (pos) *pos = i;
        return (unsigned char)s[i];
    }
    while (i > b && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    if (pos) *pos = i;
    size_t j = i;
    return nfi_utf8_next(s, e, &j);
}

static bool is_alpha(uint32_t c) { return c < 0x80 ? ((c | 32) - 'a' < 26) : u_isalpha((UChar32)c); }
static bool is_alnum(uint32_t c) { return (c >= '0' && c <= '9') || is_alpha(c); }
static bool is_upper(uint32_t c) { return c < 0x80 ? (c - 'A' < 26) : u_isupper((UChar32)c); }
static bool is_lower(uint32_t c) { return c < 0x80 ? (c - 'a' < 26) : u_islower((UChar32)c); }

static bool ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x | 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y | 32);
        if (x != y) return false;
    }
    return true;
}

/* ASCII letters and digits, by byte (one load instead of range tests:
 * the phrase scan asks for every byte of a page). */
static const char alnum_bytes[257] =
    "0000000000000000000000000000000000000000000000001111111111000000"
    "0111111111111111111111111110000001111111111111111111111111100000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000";

static bool ascii_alnum_byte(unsigned char c) { return alnum_bytes[c] == '1'; }

/* Occurrences (up to max) of phrase[0, pn) in s[b,e), case-insensitive
 * (ASCII), at word edges where the phrase itself begins/ends with a letter
 * or digit. */
static int phrase_count_n(const char *s, size_t b, size_t e, const char *phrase, size_t pn, int max)
{
    if (!pn || e - b < pn) return 0;
    bool edge_l = ascii_alnum_byte((unsigned char)phrase[0]);
    bool edge_r = ascii_alnum_byte((unsigned char)phrase[pn - 1]);
    int hits = 0;
    /* the phrase's first byte lower-cased, and the byte that lower-cases to it */
    unsigned char p0 = lower_byte((unsigned char)phrase[0]);
    unsigned char p0_upper = p0 >= 'a' && p0 <= 'z' ? (unsigned char)(p0 - 32) : p0;
    for (size_t i = b; i + pn <= e && hits < max; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch != p0 && ch != p0_upper) || !ascii_ieq(s + i, phrase, pn)) continue;
        if (edge_l && i > b && ascii_alnum_byte((unsigned char)s[i - 1])) continue;
        if (edge_r && i + pn < e && ascii_alnum_byte((unsigned char)s[i + pn])) continue;
        hits++;
        i += pn - 1;
    }
    return hits;
}

/* Whether the word "by" (any case) is in the first 8 bytes of s[b,e), as
 * phrase_count finds it there: the cue of a byline, which only spaces,
 * bullets and dashes may come before. */
static bool by_near_start(const char *s, size_t b, size_t e)
{
    size_t lim = e - b < 8 ? e : b + 8;
    for (size_t i = b; i + 2 <= lim; i++)
        if ((s[i] | 32) == 'b' && (s[i + 1] | 32) == 'y' &&
            (i == b || !ascii_alnum_byte((unsigned char)s[i - 1])) &&
            (i + 2 == lim || !ascii_alnum_byte((unsigned char)s[i + 2])))
            return true;
    return false;
}

/* phrase_count_n of a NUL-terminated phrase (its length folded for a literal). */
static inline int phrase_count(const char *s, size_t b, size_t e, const char *phrase, int max)
{
    return phrase_count_n(s, b, e, phrase, strlen(phrase), max);
}

/* The breadcrumb separators " > ", " » " and " / ": each counted like
 * phrase_count (non-overlapping, at most CRUMB_MAX), all in one pass. */
enum { CRUMB_MAX = 4 };
static const char *const crumb_seps[] = {" > ", " \xc2\xbb ", " / "};
static const size_t crumb_lens[] = {3, 4, 3};

/* Counts the phrases of c->pw that begin with the word s[i, i + run) (a
 * whole run of ASCII letters and digits of s[b,e)): such a phrase has a
 * first word of the same bytes, so one look-up finds them. */
static void phr_word_count(const cfg *c, const char *s, size_t i, size_t run, size_t e,
                           uint64_t key, int counts[PL_COUNT], int max)
{
    size_t known = run < 8 ? run : 8; /* the bytes the key compares (key: their word_key) */
    for (size_t h = phr_word_slot(key, (uint32_t)run, c->pw_mask); c->pw_slots[h].n;
         h = (h + 1) & c->pw_mask) {
        const phr_word *w = &c->pw_slots[h];
        if (w->key != key || w->run != run) continue;
        for (uint32_t j = w->first; j < w->first + w->n; j++) {
            const phr *p = &c->pw[j];
            if (counts[p->list] >= max || i + p->len > e) continue;
            if (!ascii_ieq(s + i + known, p->p + known, p->len - known)) continue;
            if (p->edge_r && i + p->len < e && ascii_alnum_byte((unsigned char)s[i + p->len])) continue;
            counts[p->list]++;
        }
        return;
    }
}

/* What the phrase scan of a block has counted so far: hits of each
 * phrase list (at most max each) and breadcrumb separators. */
typedef struct phr_state {
    int counts[PL_COUNT];
    int max;
    int crumbs[3];
    size_t crumb_from[3];
} phr_state;

/* Whether a breadcrumb separator may begin at s[i] of s[.., e). */
static bool crumb_may(const char *s, size_t i, size_t e)
{
    return s[i] == ' ' && i + 1 < e && (s[i + 1] == '>' || s[i + 1] == '/' || s[i + 1] == '\xc2');
}

static void phr_state_init(phr_state *ps, size_t b, int max)
{
    memset(ps, 0, sizeof *ps);
    ps->max = max;
    ps->crumb_from[0] = ps->crumb_from[1] = ps->crumb_from[2] = b;
}

/* The breadcrumb separators that begin at s[i], a space followed by '>',
 * '/' or 0xC2, of s[.., e). */
static void crumb_at(const char *s, size_t i, size_t e, phr_state *ps)
{
    for (int k = 0; k < 3; k++) {
        size_t pn = crumb_lens[k];
        if (ps->crumbs[k] < CRUMB_MAX && i >= ps->crumb_from[k] && i + pn <= e &&
            memcmp(s + i, crumb_seps[k], pn) == 0) {
            ps->crumbs[k]++;
            ps->crumb_from[k] = i + pn;
        }
    }
}

/* The phrases that do not begin with a letter or digit found at s[i] (a
 * byte other than an ASCII letter or digit) of s[b,e). */
static void phr_at(const cfg *c, const char *s, size_t i, size_t b, size_t e, phr_state *ps)
{
    unsigned char raw = (unsigned char)s[i];
    unsigned char ch = lower_byte(raw);
    if (c->phr_start[ch] == c->phr_start[ch + 1]) return; /* no phrase begins with it */
    /* a phrase of one byte, or one whose second byte follows */
    unsigned char next = i + 1 < e ? lower_byte((unsigned char)s[i + 1]) : 0;
    if (!(c->phr_second[ch][0] & 1) && !(c->phr_second[ch][next >> 3] >> (next & 7) & 1)) return;
    for (uint32_t j = c->phr_start[ch]; j < c->phr_start[ch + 1]; j++) {
        const phr *p = &c->phr[j];
        if (ps->counts[p->list] >= ps->max || i + p->len > e) continue;
        if (p->len > 1 && lower_byte((unsigned char)s[i + 1]) != p->second) continue;
        if (!ascii_ieq(s + i, p->p, p->len)) continue;
        if (p->edge_l && i > b && ascii_alnum_byte((unsigned char)s[i - 1])) continue;
        if (p->edge_r && i + p->len < e && ascii_alnum_byte((unsigned char)s[i + p->len])) continue;
        ps->counts[p->list]++;
    }
}

/* The phrase look-up of the word s[i, i + run), a whole run of ASCII
 * letters and digits of s[.., e). */
static void phr_word_at(const cfg *c, const char *s, size_t i, size_t run, size_t e, phr_state *ps)
{
    if (c->pw_runs[lower_byte((unsigned char)s[i])] >> (run < 31 ? run : 31) & 1)
        phr_word_count(c, s, i, run, e, word_key(s + i, run < 8 ? run : 8), ps->counts, ps->max);
}

/* Counts hits of every indexed phrase list in s[b,e) (at most max each)
 * and returns the number of breadcrumb separators. A phrase that begins
 * with a letter or digit must begin a word and its first word must be the
 * text's whole word: each word of the text looks such phrases up once
 * (phr_word_count), and the other phrases are tried at the other bytes.
 * analyze does the same within its scan of a block. */
static int phr_scan(const cfg *c, const char *s, size_t b, size_t e, int counts[PL_COUNT], int max)
{
    phr_state ps;
    phr_state_init(&ps, b, max);
    for (size_t i = b; i < e; i++) {
        unsigned char raw = (unsigned char)s[i];
        if (ascii_alnum_byte(raw)) { /* a word starts here (the loop steps over whole words) */
            size_t r = i + 1;
            while (r < e && ascii_alnum_byte((unsigned char)s[r])) r++;
            phr_word_at(c, s, i, r - i, e, &ps);
            i = r - 1;
            continue;
        }
        if (crumb_may(s, i, e)) crumb_at(s, i, e, &ps);
        if (c->byte_class[raw] & BC_AT) phr_at(c, s, i, b, e, &ps);
    }
    memcpy(counts, ps.counts, sizeof ps.counts);
    return ps.crumbs[0] + ps.crumbs[1] + ps.crumbs[2];
}

/* Whether the word of n <= 8 bytes with word_key key, whose first byte
 * lower-cased is ch, is a function word: one probe for most words. */
static bool is_function_key(const cfg *c, unsigned char ch, size_t n, uint64_t key)
{
    if (!(c->fw_lens[ch] >> n & 1)) return false;
    for (size_t h = fw_key_slot(key, c->fw_kmask); c->fw_keys[h]; h = (h + 1) & c->fw_kmask)
        if (c->fw_keys[h] == key) return c->fw_kinds[h] & WK_FUNC;
    return false;
}

/* What the word with word_key key (of at most 8 bytes) is: WK_FUNC, a
 * function word; WK_PHRASE, the first word of a phrase of c->pw. */
static NFI_HOT_INLINE unsigned word_kinds(const cfg *c, uint64_t key)
{
    for (size_t h = fw_key_slot(key, c->fw_kmask); c->fw_keys[h]; h = (h + 1) & c->fw_kmask)
        if (c->fw_keys[h] == key) return c->fw_kinds[h];
    return 0;
}

/* Whether w[0,n) is a function word; *key gets its word_key when n <= 8. */
static NFI_HOT_INLINE bool is_function_word_k(const cfg *c, const char *w, size_t n, uint64_t *key)
{
    unsigned char ch = lower_byte((unsigned char)w[0]);
    if (n <= 8) {
        *key = word_key(w, n);
        return is_function_key(c, ch, n, *key);
    }
    if (n < 32 && !(c->fw_lens[ch] >> n & 1)) return false;
    for (uint32_t j = c->fw_start[ch]; j < c->fw_start[ch + 1]; j++)
        if (c->fw[j].len == n && ascii_ieq(c->fw[j].p, w, n)) return true;
    return false;
}

static bool is_function_word(const cfg *c, const char *w, size_t n)
{
    unsigned char ch = lower_byte((unsigned char)w[0]);
    if (n < 32 && !(c->fw_lens[ch] >> n & 1)) return false;
    uint64_t key;
    return is_function_word_k(c, w, n, &key);
}

static bool list_has_word(const st_list *l, const char *w, size_t n)
{
    for (size_t k = 0, m = list_count(l); k < m; k++) {
        if (list_len(l, k) == n && ascii_ieq(list_item(l, k), w, n)) return true;
    }
    return false;
}

/* ------------------------------------------------------------ blocks */

enum {
    BF_STAMP = 1u << 0,
    BF_BYLINE = 1u << 1,
    BF_CREDIT = 1u << 2,
    BF_CUE = 1u << 3,
    BF_CAPTION = 1u << 4,
    BF_BULLET = 1u << 5,
    BF_SENT = 1u << 6,     /* ends like a sentence */
    BF_QUESTION = 1u << 7,
    BF_COPYRIGHT = 1u << 8,
    BF_PRICE = 1u << 9,
    BF_CAMEL = 1u << 10,
    BF_CRUMB = 1u << 11,
    BF_REPEAT = 1u << 12,
    BF_MENU = 1u << 13,
    BF_COLON = 1u << 14,   /* ends with ':' */
    BF_DATELINE = 1u << 15, /* a dateline-only line ("ISTANBUL", "Agency CITY") */
    BF_TRAIL = 1u << 16,    /* follows a heading like "Related stories" */
    BF_TABLE = 1u << 17,    /* a row of a table of figures, or a line inside such a table */
    BF_DIGITS = 1u << 18    /* four ASCII digits in a row (analyze): what a year needs */
};

/* A block of the page. The stage keeps one for every line of a long page
 * (its largest array): the fields are ordered with no padding between them. */
typedef struct blk {
    size_t start, end;   /* trimmed */
    int words, caps, func, clutter;
    int nums; /* numeric tokens: 64, 3:31.526, 6-2, .596 */
    uint32_t flags;
    uint32_t stamp; /* its stamp's index in the stamps found (BF_STAMP) */
    /* the words restated_later reads (content_words' runs of 3 bytes or
       more, function words too): how many (at most CW_COUNT_MAX, more than
       it ever compares them with), and a set of their bits (cw_bit): they
       tell at once that most blocks restate nothing */
    uint8_t cw_runs;
    bool body;
    uint64_t cw_bits[4];
    double score;
} blk;

enum { CW_COUNT_MAX = UINT8_MAX };

/* a + n, at most CW_COUNT_MAX. */
static inline uint8_t cw_count_add(uint8_t a, int n)
{
    int v = a + n;
    return (uint8_t)(v < CW_COUNT_MAX ? v : CW_COUNT_MAX);
}

/* The flags that depend only on how s[b,e) begins and ends: BF_BULLET,
 * BF_SENT, BF_QUESTION, BF_COLON. */
static uint32_t edge_flags(const char *s, size_t b, size_t e)
{
    uint32_t f = 0;
    if (b < e) {
        size_t j = b;
        uint32_t cp = nfi_utf8_next(s, e, &j);
        if (cp == 0x2022 || cp == 0x00B7 || cp == 0x25AA || cp == 0x25E6 || cp == 0x25CF ||
            cp == 0x2023 || cp == 0x25BA || cp == '*' || cp == 0x2013 || cp == 0x2014 ||
            (cp == '-' && j < e && s[j] == ' '))
            f |= BF_BULLET;
        else if (cp >= '0' && cp <= '9') {
            size_t q = j;
            while (q < e && s[q] >= '0' && s[q] <= '9') q++;
            if (q + 1 < e && (s[q] == '.' || s[q] == ')') && s[q + 1] == ' ') f |= BF_BULLET;
        }
    }
    size_t pos;
    uint32_t last = prev_cp(s, b, e, &pos);
    if (last == ')' || last == ']') last = prev_cp(s, b, pos, &pos);
    if (last == '.' || last == '!' || last == 0x2026 || last == ';')
        f |= BF_SENT;
    else if (last == '?')
        f |= BF_SENT | BF_QUESTION;
    else if (last == ':')
        f |= BF_SENT | BF_COLON;
    else if (last == '"' || last == 0x201D || last == 0x2019 || last == '\'' || last == 0xBB) {
        uint32_t before = prev_cp(s, b, pos, NULL);
        if (before == '.' || before == '!' || before == '?' || before == ',' || before == 0x2026)
            f |= BF_SENT;
    }
    return f;
}

/* The phrase scan's look at the bytes s[i, j) (none an ASCII letter or digit). */
static void phr_at_bytes(const cfg *c, const char *s, size_t i, size_t j, size_t b, size_t e,
                         phr_state *ps)
{
    for (; i < j; i++)
        if (c->byte_class[(unsigned char)s[i]] & BC_AT) phr_at(c, s, i, b, e, ps);
}

/* The key content_words gives the word w[0,n): its word_key, or for a
 * longer word a hash of its bytes with A-Z lower-cased. */
static uint64_t content_key(const char *w, size_t n)
{
    if (n <= 8) return word_key(w, n);
    uint64_t h = 1469598103934665603ull;
    for (size_t q = 0; q < n; q++) h = (h ^ lower_byte((unsigned char)w[q])) * 1099511628211ull;
    return h;
}

/* The bit of blk.cw_bits for a content_words run of n bytes whose first
 * min(n, 8) bytes have word_key key8: equal runs (A-Z lower-cased) have
 * equal bits. A longer run's length is mixed in, so that a long word
 * narrows restated_later's bound as a short one does. */
static NFI_HOT_INLINE unsigned cw_bit(uint64_t key8, size_t n)
{
    if (n > 8) key8 ^= (uint64_t)n * 0xFF51AFD7ED558CCDull;
    return (unsigned)((key8 * 0x9E3779B97F4A7C15ull) >> 56);
}

/* c->fw_bits from c->fw: the cw_bit of every function word of 3 bytes or
 * more (a shorter run has none). */
static void fw_bits_build(cfg *c)
{
    memset(c->fw_bits, 0, sizeof c->fw_bits);
    for (uint32_t j = 0; c->fw && j < c->fw_start[256]; j++) {
        size_t n = c->fw[j].len;
        if (n < 3) continue;
        unsigned bit = cw_bit(word_key(c->fw[j].p, n < 8 ? n : 8), n);
        c->fw_bits[bit >> 6] |= 1ull << (bit & 63);
    }
}

/* Notes the bit of a run of n bytes (cw_bit of key8) in k->cw_bits. */
static NFI_HOT_INLINE void cw_note(blk *k, uint64_t key8, size_t n)
{
    unsigned bit = cw_bit(key8, n);
    k->cw_bits[bit >> 6] |= 1ull << (bit & 63);
}

/* A run s[ws, we) of content_words' bytes (ASCII letters and digits,
 * bytes of 0x80 or more): counted and noted in k->cw_bits. */
static NFI_HOT_INLINE void cw_end(const char *s, size_t ws, size_t we, blk *k)
{
    size_t n = we - ws;
    if (n < 3) return;
    k->cw_runs = cw_count_add(k->cw_runs, 1);
    cw_note(k, word_key(s + ws, n < 8 ? n : 8), n);
}

/* The end of the run of bytes in [lo, hi] (a-z, A-Z or 0-9) from s[q] in
 * s[.., e): eight at a time, as word_key tests A-Z. */
static NFI_HOT_INLINE size_t range_end(const char *s, size_t q, size_t e, unsigned char lo,
                                       unsigned char hi)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    for (; q + 8 <= e; q += 8) {
        uint64_t x;
        memcpy(&x, s + q, 8);
        uint64_t low7 = x & ~high; /* no carry between bytes below: lo and hi are ASCII */
        uint64_t in = (low7 + ones * (0x80u - lo)) & ~(low7 + ones * (0x80u - hi - 1)) & ~x & high;
        uint64_t other = ~in & high;
        if (other) return q + ((size_t)__builtin_ctzll(other) >> 3);
    }
#endif
    while (q < e && (unsigned)((unsigned char)s[q] - lo) <= (unsigned)(hi - lo)) q++;
    return q;
}

/* The shapes of a plain word, by what analyze counts of it. */
enum {
    PW_NUMBER,  /* digits: blk.nums */
    PW_LOWER,   /* a-z: blk.words */
    PW_CAPITAL, /* one A-Z, then a-z or nothing: blk.words, blk.caps */
    PW_UPPER,   /* two or more A-Z: blk.words, blk.caps */
    PW_SHAPES
};

/* A plain word for analyze (plain_word_at). */
typedef struct plain_word {
    size_t run;   /* its bytes */
    int shape;    /* PW_* */
    uint64_t key; /* word_key of its first min(run, 8) bytes */
} plain_word;

/* Reads the word at s[i] (an ASCII letter or digit) when it is plain: an
 * ASCII letter and a run of a-z after it ("the", "The"), or a run of A-Z
 * ("NATO") or of 0-9, that ends at e or at an ASCII byte that does not join
 * it to more (not a letter or digit, nor ' - . & with one after). Most
 * words of a page are; for the others false, and analyze's general loop
 * reads the word. */
static NFI_HOT_INLINE bool plain_word_at(const uint8_t *bcls, const char *s, size_t i, size_t e,
                                          plain_word *w)
{
    unsigned char b0 = (unsigned char)s[i];
    size_t end;
    uint64_t fold; /* 0x20 in the bytes that are A-Z: word_key lower-cases them */
    if ((unsigned)(b0 - '0') < 10u) {
        end = range_end(s, i + 1, e, '0', '9');
        w->shape = PW_NUMBER;
        fold = 0;
    } else if ((unsigned)(b0 - 'A') < 26u && i + 1 < e && (unsigned)((unsigned char)s[i + 1] - 'A') < 26u) {
        end = range_end(s, i + 2, e, 'A', 'Z');
        w->shape = PW_UPPER;
        fold = 0x2020202020202020ull;
    } else {
        end = range_end(s, i + 1, e, 'a', 'z');
        bool up0 = (unsigned)(b0 - 'A') < 26u;
        w->shape = up0 ? PW_CAPITAL : PW_LOWER;
        fold = up0 ? 0x20 : 0;
    }
    if (end < e) {
        /* an ASCII letter or digit, or a byte of 0x80 or more, is the only
           kind of byte without BC_PUNCT: such a byte goes on with the word,
           and so does one of ' - . & (BC_JOIN) with such a byte after it */
        uint8_t tc = bcls[(unsigned char)s[end]];
        if (!(tc & BC_PUNCT)) return false;
        if ((tc & BC_JOIN) && end + 1 < e && !(bcls[(unsigned char)s[end + 1]] & BC_PUNCT)) return false;
    }
    size_t n = end - i;
    w->run = n;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (i + 8 <= e) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        w->key = (x | fold) & (n >= 8 ? ~0ull : (1ull << (8 * n)) - 1);
        return true;
    }
#endif
    (void)fold;
    w->key = word_key(s + i, n < 8 ? n : 8);
    return true;
}

/* From s[i], an ASCII letter or digit with no content_words run open
 * before it: the plain words (plain_word_at) and the spaces and ASCII
 * punctuation between them that the general loop only steps over, counted
 * as analyze's general loop counts them. Returns where it stopped (i when
 * the first word is not plain). */
static NFI_HOT_INLINE size_t plain_words(const cfg *c, const char *s, size_t i, size_t e, blk *k,
                                         phr_state *ps, bool full)
{
    int shapes[PW_SHAPES] = {0}, func = 0, runs = 0;
    const uint8_t *bcls = c->byte_class;
    const bool space_plain = (bcls[' '] & (BC_PUNCT | BC_SPECIAL)) == BC_PUNCT; /* no phrase begins with ' ' */
    plain_word w;
    while (plain_word_at(bcls, s, i, e, &w)) {
        size_t ws = i, n = w.run;
        unsigned kinds = 0;
        i += n;
        if (full) {
            bool phrase;
            if (n <= 8) { /* the common case: one look-up of its key */
                kinds = word_kinds(c, w.key);
                phrase = kinds & WK_PHRASE;
            } else {
                unsigned char ch = lower_byte((unsigned char)s[ws]);
                if ((n >= 32 || (c->fw_lens[ch] >> n & 1)) && is_function_word(c, s + ws, n))
                    kinds = WK_FUNC;
                phrase = c->pw_runs[ch] >> (n < 31 ? n : 31) & 1;
            }
            if (phrase) phr_word_count(c, s, ws, n, e, w.key, ps->counts, ps->max);
            /* the word is its content_words run, closed by the byte after it */
            if (n >= 3) {
                runs++;
                cw_note(k, w.key, n);
            }
        }
        shapes[w.shape]++;
        if (w.shape == PW_NUMBER && n >= 4) k->flags |= BF_DIGITS;
        func += w.shape != PW_NUMBER && (kinds & WK_FUNC); /* a number is not looked up */
        /* the ASCII bytes after it that the general loop only steps over
           (no content_words run is open): most often one space */
        if (space_plain && i + 1 < e && s[i] == ' ' && (bcls[(unsigned char)s[i + 1]] & BC_ALNUM)) {
            i++;
            continue;
        }
        while (i < e && (bcls[(unsigned char)s[i]] & (BC_PUNCT | BC_SPECIAL)) == BC_PUNCT) i++;
        if (i >= e || !(bcls[(unsigned char)s[i]] & BC_ALNUM)) break;
    }
    k->words += shapes[PW_LOWER] + shapes[PW_CAPITAL] + shapes[PW_UPPER];
    k->caps += shapes[PW_CAPITAL] + shapes[PW_UPPER];
    k->func += func;
    k->nums += shapes[PW_NUMBER];
    k->cw_runs = cw_count_add(k->cw_runs, runs);
    return i;
}

enum { AN_FULL, AN_WORDS }; /* what analyze finds: all, or only the word counts and edge_flags */

/* Words, their shapes and the block's vocabulary, in one scan of the
 * block: the phrase scan (phr_scan) is done on the way, each run of ASCII
 * letters and digits looked up once as a whole, the other bytes where a
 * phrase or separator can begin; and the runs content_words reads are
 * noted in k->cw_bits. */
static NFI_HOT_INLINE void analyze_mode(const char *s, blk *k, const cfg *c, int mode)
{
    size_t i = k->start, e = k->end, first_word = e;
    const uint8_t *bcls = c->byte_class;
    const bool full = mode == AN_FULL;
    phr_state ps;
    phr_state_init(&ps, k->start, (int)c->clutter_max_hits);
    /* the open run of content_words' bytes (NF_UNSET: none), and the
       word_key kr of s[kr_at, kr_at + kr_len), the last run of ASCII
       letters and digits of at most 8 bytes the phrase look-up keyed: the
       function word test of the same word reuses it */
    size_t cw_at = NF_UNSET, kr_at = NF_UNSET, kr_len = 0;
    uint64_t kr = 0;
#define CW_OPEN(pos) \
    do { if (cw_at == NF_UNSET) cw_at = (pos); } while (0)
#define CW_CLOSE(pos) \
    do { if (cw_at != NF_UNSET) { if (full) cw_end(s, cw_at, (pos), k); cw_at = NF_UNSET; } } while (0)
    k->flags |= edge_flags(s, i, e);
    while (i < e) {
        unsigned char b0 = (unsigned char)s[i];
        uint8_t bc0 = bcls[b0];
        uint32_t first_cp = b0;
        if ((bc0 & BC_ALNUM) && cw_at == NF_UNSET) {
            size_t p = plain_words(c, s, i, e, k, &ps, full);
            if (p != i) {
                if (first_word == e) first_word = i;
                i = p;
                continue;
            }
        }
        if (bc0 & BC_PUNCT) { /* ASCII other than a letter or digit */
            CW_CLOSE(i);
            if (bc0 & BC_SPECIAL) {
                if (b0 == '$' && i + 1 < e && s[i + 1] >= '0' && s[i + 1] <= '9') k->flags |= BF_PRICE;
                if (full) {
                    /* a separator " > " or " / " is looked for at its second byte */
                    if ((b0 == '>' || b0 == '/') && i > k->start && s[i - 1] == ' ')
                        crumb_at(s, i - 1, e, &ps);
                    if (bc0 & BC_AT) phr_at(c, s, i, k->start, e, &ps);
                }
            }
            i++;
            continue;
        }
        if (!(bc0 & BC_ALNUM)) { /* a character of two or more bytes */
            size_t j = i;
            first_cp = nfi_utf8_decode(s, e, &j);
            if (!is_alpha(first_cp)) {
                CW_OPEN(i);
                if ((first_cp == 0x20B9 || first_cp == 0x20AC || first_cp == 0xA3 || first_cp == 0xA5) &&
                    j < e && s[j] >= '0' && s[j] <= '9')
                    k->flags |= BF_PRICE;
                if (full) {
                    if (b0 == 0xC2 && i > k->start && s[i - 1] == ' ') crumb_at(s, i - 1, e, &ps); /* " » " */
                    phr_at_bytes(c, s, i, j, k->start, e, &ps);
                }
                i = j;
                continue;
            }
        }
        /* a word: letters, digits, inner ' ’ - . & */
        size_t ws = i, p = i;
        if (first_word == e) first_word = ws;
        bool has_alpha = false, all_up = true, camel = false;
        bool prev_lower = false; /* the code point before is a lower-case letter */
        int letters = 0;
        for (;;) { /* at a letter or digit */
            uint8_t bc = bcls[(unsigned char)s[p]];
            CW_OPEN(p);
            if (bc & BC_ALNUM) { /* a whole run of ASCII letters and digits (the byte before is none) */
                size_t r = p;
                do {
                    if (bc & BC_LOWER) { /* the commonest bytes: a run of a-z */
                        size_t q = range_end(s, r + 1, e, 'a', 'z');
                        has_alpha = true;
                        letters += (int)(q - r);
                        all_up = false;
                        prev_lower = true;
                        r = q;
                    } else if (bc & BC_UPPER) {
                        has_alpha = true;
                        letters++;
                        /* "NewsSports", not "McCall" or "MacLeod" */
                        if (prev_lower && letters > 4) camel = true;
                        prev_lower = false;
                        r++;
                    } else { /* a run of digits */
                        size_t q = range_end(s, r + 1, e, '0', '9');
                        if (q - r >= 4) k->flags |= BF_DIGITS;
                        prev_lower = false;
                        r = q;
                    }
                } while (r < e && ((bc = bcls[(unsigned char)s[r]]) & BC_ALNUM));
                size_t run = r - p;
                if (full && c->pw_runs[lower_byte((unsigned char)s[p])] >> (run < 31 ? run : 31) & 1) {
                    kr = word_key(s + p, run < 8 ? run : 8);
                    phr_word_count(c, s, p, run, e, kr, ps.counts, ps.max);
                    kr_at = run <= 8 ? p : NF_UNSET; /* else a key of the first 8 bytes only */
                    kr_len = run;
                }
                p = r;
            } else { /* a letter of two or more bytes */
                size_t q = p;
                uint32_t d = nfi_utf8_decode(s, e, &q);
                has_alpha = true;
                letters++;
                if (!is_upper(d)) all_up = false;
                if (prev_lower && is_upper(d) && letters > 4) camel = true;
                prev_lower = is_lower(d);
                if (full) phr_at_bytes(c, s, p, q, k->start, e, &ps);
                p = q;
            }
            /* the word goes on over a letter or digit (after a letter of
               two or more bytes) or a byte of BC_JOIN: most words end at
               once, at a space or punctuation */
            if (p >= e) break;
            uint8_t next = bcls[(unsigned char)s[p]];
            if (next & BC_ALNUM) continue;
            if (!(next & BC_JOIN)) break;
            size_t q = p;
            uint32_t d = nfi_utf8_next(s, e, &q);
            if (d >= 0x80 && is_alpha(d)) continue;
            if ((d == '\'' || d == 0x2019 || d == '-' || d == '.' || d == '&') && q < e) {
                size_t r = q;
                uint32_t nx = nfi_utf8_next(s, e, &r);
                if (is_alnum(nx)) {
                    prev_lower = false;
                    if (d < 0x80) CW_CLOSE(p);
                    else CW_OPEN(p);
                    if (full) phr_at_bytes(c, s, p, q, k->start, e, &ps);
                    p = q;
                    continue;
                }
            }
            break;
        }
        i = p;
        if (!has_alpha) {
            k->nums++;
            continue;
        }
        k->words++;
        if (is_upper(first_cp)) k->caps++;
        if (camel && letters >= 6 && !all_up) k->flags |= BF_CAMEL;
        if (!full) continue;
        size_t n = p - ws;
        if (n < 32 && !(c->fw_lens[lower_byte((unsigned char)s[ws])] >> n & 1)) continue;
        if (n <= 8 ? is_function_key(c, lower_byte((unsigned char)s[ws]), n,
                                     ws == kr_at && n == kr_len ? kr : word_key(s + ws, n))
                   : is_function_word(c, s + ws, n))
            k->func++;
    }
    CW_CLOSE(e);
#undef CW_OPEN
#undef CW_CLOSE
    if (!full) return;
    /* vocabulary, and breadcrumbs: "Home > Section > Title" */
    int *counts = ps.counts;
    int seps = ps.crumbs[0] + ps.crumbs[1] + ps.crumbs[2];
    if (seps >= 2) k->flags |= BF_CRUMB;
    k->clutter = counts[PL_CLUTTER];
    if (counts[PL_COPYRIGHT]) k->flags |= BF_COPYRIGHT;
    if (counts[PL_CAPTION]) k->flags |= BF_CAPTION;
    if (counts[PL_CREDIT] && k->words <= 40) {
        /* a credit line starts with "(" or with a credit cue */
        size_t q = skip_space(s, k->start, e);
        bool starts = s[q] == '(';
        for (size_t m = 0, n = list_count(&c->credits); m < n && !starts; m++) {
            const char *cue = list_item(&c->credits, m);
            size_t cn = list_len(&c->credits, m);
            starts = cn && q + cn <= e && ascii_ieq(s + q, cue, cn);
        }
        if (starts) k->flags |= BF_CREDIT;
    }
    /* a section cue starts the block (at its first word) and the block is heading-like */
    size_t q = first_word;
    if (q < e && !((k->flags & BF_SENT) && !(k->flags & BF_QUESTION) && k->words > (int)c->cue_max_words) &&
        (k->words <= (int)c->cue_max_words + 2 || !(k->flags & BF_SENT))) {
        unsigned char ch = lower_byte((unsigned char)s[q]);
        for (uint32_t m = c->cue_start[ch]; m < c->cue_start[ch + 1]; m++) {
            const phr *cue = &c->cue[m];
            size_t cn = cue->len;
            if (q + cn <= e && ascii_ieq(s + q, cue->p, cn) &&
                (q + cn == e || !ascii_alnum_byte((unsigned char)s[q + cn]) ||
                 is_upper((unsigned char)s[q + cn]))) {
                k->flags |= BF_CUE;
                break;
            }
        }
    }
}

/* analyze_mode made once for each mode: no test of it in the scan */
static void analyze(const char *s, blk *k, const cfg *c) { analyze_mode(s, k, c, AN_FULL); }
static void analyze_words(const char *s, blk *k, const cfg *c) { analyze_mode(s, k, c, AN_WORDS); }

/* The words of s[b,e) as analyze counts them. */
static int count_words(const char *s, size_t b, size_t e, const cfg *c)
{
    blk t;
    memset(&t, 0, sizeof t);
    t.start = b;
    t.end = e;
    analyze_words(s, &t, c);
    return t.words;
}

/* Whether line l of the lines [.., l1) goes on a block in lower case. */
static bool goes_on(const nf_doc *doc, size_t l, size_t l1)
{
    if (l >= l1) return false;
    const nfi_line *ln = &doc->lines.items[l];
    size_t ns = skip_space(doc->work, ln->span.start, ln->span.end), q = ns;
    return ns < ln->span.end && is_lower(nfi_utf8_next(doc->work, ln->span.end, &q));
}

/* The last line of the block that line l of the lines [.., l1) begins (k:
 * that line, trimmed; its end becomes the block's). A line that breaks off
 * mid-sentence, of continue_min_words words or more, and the next lines
 * that go on in lower case are one block ("Results of the national |
 * league games played on Sunday ."), up to the line that ends like a
 * sentence. Whether a line goes on needs only its edges: the words counted
 * are the first line's (the others only add to them), so the block is
 * analysed once, and a long run of such lines costs linear time. */
static size_t continued_block(nf_doc *doc, const cfg *c, size_t l, size_t l1, blk *k)
{
    const char *s = doc->work;
    if (!goes_on(doc, l + 1, l1) || (edge_flags(s, k->start, k->end) & (BF_BULLET | BF_SENT)))
        return l;
    doc->structure_work += k->end - k->start;
    if (count_words(s, k->start, k->end, c) < (int)c->continue_min_words) return l;
    size_t last = l, ns;
    do { /* the next line, trimmed, ends the block */
        const nfi_line *nx = &doc->lines.items[++last];
        ns = skip_space(s, nx->span.start, nx->span.end);
        k->end = rtrim(s, ns, nx->span.end);
    } while (!(edge_flags(s, ns, k->end) & BF_SENT) && goes_on(doc, last + 1, l1));
    return last;
}

static void score_block(blk *k, const cfg *c, bool list_intro)
{
    double w = k->words, sc = -c->block_cost;
    bool sent = (k->flags & BF_SENT) && !(k->flags & BF_QUESTION);
    if (sent && w >= 3)
        sc += c->prose_word * w;
    else if ((k->flags & BF_QUESTION) && w >= 3)
        sc += c->prose_word * w - c->question_penalty * (w <= c->question_max_words);
    else if (w >= c->fragment_min_words && k->func >= c->fragment_func_share * w)
        sc += c->fragment_word * w;
    else if ((k->flags & BF_BULLET) && list_intro)
        sc += c->prose_word * w + c->block_cost / 2; /* an item of a list the text introduced */
    else
        sc += c->other_word * w;
    if (!sent && !list_intro && w >= 2 && k->caps >= c->title_share * w) sc -= c->title_penalty;
    if ((k->flags & BF_BULLET) && !list_intro) sc -= c->bullet_penalty;
    double hits = k->clutter < c->clutter_max_hits ? k->clutter : c->clutter_max_hits;
    sc -= c->clutter_weight * hits;
    if (k->flags & BF_CUE) sc -= c->cue_weight;
    if (k->flags & BF_CREDIT) sc -= c->credit_weight;
    if (k->flags & BF_CAPTION) sc -= c->caption_weight;
    if (k->flags & BF_PRICE) sc -= c->price_weight;
    if (k->flags & BF_COPYRIGHT) sc -= c->copyright_weight;
    if (k->flags & (BF_STAMP | BF_BYLINE | BF_DATELINE)) sc -= c->stamp_weight;
    if (k->flags & (BF_CAMEL | BF_CRUMB | BF_MENU)) sc -= c->menu_penalty;
    if (k->flags & BF_REPEAT) sc -= c->repeat_penalty;
    if (k->flags & BF_TRAIL) sc -= c->trailing_penalty;
    k->score = sc;
}

/* ------------------------------------------------------------ regexes */

#define RE_MONTH                                                                      \
    "(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?" \
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b\\.?"
#define RE_WEEKDAY \
    "(?:(?i:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?i:day)?\\.?,?\\s+)?"

static const char re_date_src[] =
    "(?:(?<hh0>[012]?\\d)[:.](?<mi0>[0-5]\\d)(?!\\d)(?:\\s*(?<ap0>(?i:[ap]\\.?m\\b\\.?)))?"
    "(?:\\s*\\(?(?<zn0>[A-Z]{1,5})\\b\\)?)?\\s*[,|\\x{00B7}\\x{2022}]?\\s*(?:(?i:on)\\s+)?)?"
    RE_WEEKDAY
    "(?:(?<m1>" RE_MONTH ")\\s*(?<d1>[0-3]?\\d)(?:st|nd|rd|th)?(?!\\d),?\\s*(?<y1>(?:19|20)\\d\\d)"
    "|(?<d2>[0-3]?\\d)(?:st|nd|rd|th)?\\s+(?<m2>" RE_MONTH "),?\\s+(?<y2>(?:19|20)\\d\\d)"
    "|(?<y3>(?:19|20)\\d\\d)-(?<m3>[01]\\d)-(?<d3>[0-3]\\d))(?!\\d)"
    "(?:(?:\\s*(?:[,|@\\x{00B7}\\x{2022}]|\\s-\\s|\\s(?i:at)\\s)?\\s*|T)"
    "(?<hh>[012]?\\d)[:.](?<mi>[0-5]\\d)(?<se>:[0-5]\\d(?:\\.\\d+)?)?(?!\\d)"
    "(?:\\s*(?<ap>(?i:[ap]\\.?m\\b\\.?)))?"
    "(?:\\s*\\(?(?<zn>[A-Z]{1,5})\\b\\)?|\\s*(?<zo>Z|(?:UTC|GMT)?\\s?[+-\\x{2212}][01]?\\d(?::?[0-5]\\d)?))?"
    ")?";

#define RE_NAME_WORD "\\p{Lu}[\\p{L}\\x{2019}'.\\-]*"
#define RE_NAME                                                                        \
    RE_NAME_WORD "(?:\\s+(?:" RE_NAME_WORD "|(?:de|da|del|der|van|von|la|le|bin|al|el|di|du|dos))){1,4}"

static const char re_byline_src[] =
    "^[\\s*\\x{2022}\\x{00B7}\\-]*(?i:by)[:\\s]\\s*(?<name>" RE_NAME "(?:\\s*(?:,|\\band\\b|&)\\s*" RE_NAME
    ")*)\\s*(?:$|[,|\\x{2013}\\x{2014}\\-(]|\\s(?i:in|for)\\s)";

static const char re_credit_src[] =
    "(?<cue>(?i:writing|written|reporting|reported|compiled))\\s+(?i:by)\\s+(?<name>" RE_NAME ")";

#define RE_CAPS_WORD "\\p{Lu}[\\p{Lu}'\\x{2019}.\\-]+"
static const char re_dateline_src[] =
    "^(?<city>" RE_CAPS_WORD "(?:\\s" RE_CAPS_WORD "){0,3}|\\p{Lu}\\p{Ll}+(?:\\s\\p{Lu}\\p{Ll}+){0,2}(?=,?\\s*(?:\\p{Lu}[\\p{L}.]*\\s*\\d{1,2}\\s*)?\\())"
    "(?:,\\s*(?<region>\\p{Lu}[\\p{L}.]*(?:\\s\\p{Lu}[\\p{L}.]*)?))?"
    "(?:,\\s*" RE_MONTH "\\s*\\d{1,2})?"
    "\\s*(?:\\((?<agency>\\p{Lu}[^()\\n]{0,40})\\)\\s*)?"
    "(?<dash>-{1,2}|\\x{2013}|\\x{2014})";

/* The named groups the stage reads, by pattern: their numbers are looked
 * up once, when the patterns are compiled. A time's six groups are in the
 * same order after the date (G_HH...) and before it (G_HH0...). */
enum {
    G_Y1, G_M1, G_D1, G_Y2, G_M2, G_D2, G_Y3, G_M3, G_D3,
    G_HH, G_MI, G_SE, G_AP, G_ZN, G_ZO, G_HH0, G_MI0, G_SE0, G_AP0, G_ZN0, G_ZO0,
    G_CITY, G_AGENCY, G_BYLINE_NAME, G_CREDIT_CUE, G_CREDIT_NAME, G_COUNT
};
enum { RE_DATE, RE_DATELINE, RE_BYLINE, RE_CREDIT };
static const struct {
    int re;
    const char *name;
} group_names[G_COUNT] = {
    {RE_DATE, "y1"}, {RE_DATE, "m1"}, {RE_DATE, "d1"}, {RE_DATE, "y2"}, {RE_DATE, "m2"},
    {RE_DATE, "d2"}, {RE_DATE, "y3"}, {RE_DATE, "m3"}, {RE_DATE, "d3"}, {RE_DATE, "hh"},
    {RE_DATE, "mi"}, {RE_DATE, "se"}, {RE_DATE, "ap"}, {RE_DATE, "zn"}, {RE_DATE, "zo"},
    {RE_DATE, "hh0"}, {RE_DATE, "mi0"}, {RE_DATE, "se0"}, {RE_DATE, "ap0"}, {RE_DATE, "zn0"},
    {RE_DATE, "zo0"}, {RE_DATELINE, "city"}, {RE_DATELINE, "agency"}, {RE_BYLINE, "name"},
    {RE_CREDIT, "cue"}, {RE_CREDIT, "name"}};

typedef struct regexes {
    pcre2_code *date, *byline, *credit, *dateline;
    pcre2_match_data *md;
    int group[G_COUNT]; /* group_names' numbers (negative: the pattern has none) */
} regexes;

static void re_free(regexes *r)
{
    pcre2_code_free(r->date);
    pcre2_code_free(r->byline);
    pcre2_code_free(r->credit);
    pcre2_code_free(r->dateline);
    pcre2_match_data_free(r->md);
    memset(r, 0, sizeof *r);
}

static pcre2_code *re_compile(const char *src, uint32_t options)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | options, &code, &off, NULL);
    if (re) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* else: the interpreter */
    return re;
}

static bool re_init(regexes *r)
{
    r->date = re_compile(re_date_src, PCRE2_ANCHORED); /* tried where a date can start: date_match */
    r->byline = re_compile(re_byline_src, 0);
    r->credit = re_compile(re_credit_src, 0);
    r->dateline = re_compile(re_dateline_src, 0);
    r->md = pcre2_match_data_create(24, NULL);
    if (r->date && r->byline && r->credit && r->dateline && r->md) {
        pcre2_code *const by_re[] = {r->date, r->dateline, r->byline, r->credit};
        for (int g = 0; g < G_COUNT; g++)
            r->group[g] = pcre2_substring_number_from_name(by_re[group_names[g].re],
                                                           (PCRE2_SPTR)group_names[g].name);
        return true;
    }
    re_free(r);
    return false;
}

/* A match of re in the subject s[b,e) from s[b + from] on. */
static bool re_match_from(const regexes *r, pcre2_code *re, const char *s, size_t b, size_t e,
                          size_t from)
{
    /* the JIT's own entry skips pcre2_match's checks of the call (the
       subject is valid UTF-8); a pattern without JIT code takes pcre2_match */
    int rc = pcre2_jit_match(re, (PCRE2_SPTR)(s + b), e - b, from, 0, r->md, NULL);
    if (rc == PCRE2_ERROR_JIT_BADOPTION)
        rc = pcre2_match(re, (PCRE2_SPTR)(s + b), e - b, from, PCRE2_NO_UTF_CHECK, r->md, NULL);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* what the interpreter would find */
        rc = pcre2_match(re, (PCRE2_SPTR)(s + b), e - b, from, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT,
                         r->md, NULL);
    return rc > 0;
}

static bool re_match(const regexes *r, pcre2_code *re, const char *s, size_t b, size_t e)
{
    return re_match_from(r, re, s, b, e, 0);
}

#define TRIGRAM(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

/* s[i, i + 3) lower-cased (ASCII) as one number: TRIGRAM. */
static NFI_HOT_INLINE uint32_t trigram_at(const char *s, size_t i)
{
    return TRIGRAM(lower_byte((unsigned char)s[i]), lower_byte((unsigned char)s[i + 1]),
                   lower_byte((unsigned char)s[i + 2]));
}

/* Whether t is the first three letters of a month name. */
static NFI_HOT_INLINE bool month_trigram(uint32_t t)
{
    switch (t) {
    case TRIGRAM('j', 'a', 'n'): case TRIGRAM('f', 'e', 'b'): case TRIGRAM('m', 'a', 'r'):
    case TRIGRAM('a', 'p', 'r'): case TRIGRAM('m', 'a', 'y'): case TRIGRAM('j', 'u', 'n'):
    case TRIGRAM('j', 'u', 'l'): case TRIGRAM('a', 'u', 'g'): case TRIGRAM('s', 'e', 'p'):
    case TRIGRAM('o', 'c', 't'): case TRIGRAM('n', 'o', 'v'): case TRIGRAM('d', 'e', 'c'):
        return true;
    }
    return false;
}

/* Whether a match of the date pattern can start at s[i] of s[.., e): every
 * one starts with a digit (a time, day or year), or with a weekday or
 * month name, whose first three letters are ASCII ones but for U+017F
 * (caseless 's', the first letter only): any character of two or more
 * bytes is let through. */
static bool date_may_start(const char *s, size_t i, size_t e)
{
    unsigned char c = (unsigned char)s[i];
    if ((unsigned)(c - '0') < 10u || c >= 0xC0) return true;
    if (c >= 0x80 || i + 3 > e) return false;
    /* the letters a weekday or month name begins with, as bits from 'a':
       most letters of a line begin none, and need no trigram */
    const uint32_t initials = 1u << ('a' - 'a') | 1u << ('d' - 'a') | 1u << ('f' - 'a') |
                              1u << ('j' - 'a') | 1u << ('m' - 'a') | 1u << ('n' - 'a') |
                              1u << ('o' - 'a') | 1u << ('s' - 'a') | 1u << ('t' - 'a') |
                              1u << ('w' - 'a');
    unsigned letter = (unsigned)((c | 0x20) - 'a'); /* < 26: A-Z, a-z */
    if (letter >= 26u || !(initials >> letter & 1)) return false;
    uint32_t t = trigram_at(s, i);
    switch (t) {
    case TRIGRAM('m', 'o', 'n'): case TRIGRAM('t', 'u', 'e'): case TRIGRAM('w', 'e', 'd'):
    case TRIGRAM('t', 'h', 'u'): case TRIGRAM('f', 'r', 'i'): case TRIGRAM('s', 'a', 't'):
    case TRIGRAM('s', 'u', 'n'):
        return true;
    }
    return month_trigram(t);
}

/* The leftmost match of the date pattern in s[b,e), the one an unanchored
 * search finds: the pattern is compiled anchored and tried only where a
 * match can start (an unanchored search tries every letter, at some
 * hundreds of instructions each). */
static bool date_match(const regexes *r, const char *s, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++)
        if (date_may_start(s, i, e) && re_match_from(r, r->date, s, b, e, i - b)) return true;
    return false;
}

/* Group g (G_*) of the last match of subject s[b, ..): *gs, *ge. */
static bool re_group(const regexes *r, int g, size_t b, size_t *gs, size_t *ge)
{
    int n = r->group[g];
    if (n < 0) return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    if (ov[2 * n] == PCRE2_UNSET) return false;
    *gs = b + ov[2 * n];
    *ge = b + ov[2 * n + 1];
    return true;
}

/* ------------------------------------------------------------ stamps */

typedef struct stamp {
    size_t start, end;   /* span of the date (and time, zone) */
    size_t line_start;   /* the line's trimmed start */
    char value[40];
    int label;           /* 0 none, 1 published, 2 updated, 3 agency */
    size_t src_start, src_end; /* agency before the date, or unset */
} stamp;

static int month_of(const char *s, size_t n)
{
    static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    if (n < 3) return 0;
    for (int i = 0; i < 12; i++)
        if (ascii_ieq(s, m[i], 3)) return i + 1;
    return 0;
}

static int num_of(const char *s, size_t b, size_t e)
{
    int v = 0;
    for (size_t i = b; i < e && v < 100000; i++)
        if (s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i] - '0');
    return v;
}

static bool zone_offset(const cfg *c, const char *z, size_t n, char off[16])
{
    for (size_t k = 0, m = list_count(&c->zones); k < m; k++) {
        const char *it = list_item(&c->zones, k);
        const char *sp = strchr(it, ' ');
        if (!sp || (size_t)(sp - it) != n || memcmp(it, z, n) != 0) continue;
        while (*sp == ' ') sp++;
        if (strlen(sp) != 6) continue;
        memcpy(off, sp, 7);
        return true;
    }
    return false;
}

static bool valid_ymd(int y, int mo, int d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]) return false;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

/* The time of a date match: groups hh, mi, se, ap, zn, zo from g (G_HH
 * after the date, G_HH0 before it). *tend = end of the time and of a known
 * zone. */
static bool parse_time(const regexes *r, const cfg *c, const char *s, size_t b, size_t me,
                       int g, int *hh, int *mi, char off[16], size_t *tend)
{
    size_t gs = 0, ge = 0, g2 = 0, g3 = 0;
    if (!re_group(r, g, b, &gs, &ge)) return false;
    *hh = num_of(s, gs, ge);
    re_group(r, g + G_MI - G_HH, b, &g2, &g3);
    *mi = num_of(s, g2, g3);
    *tend = g3;
    if (re_group(r, g + G_SE - G_HH, b, &g2, &g3)) *tend = g3; /* seconds: in the span, not the value */
    off[0] = 0;
    if (re_group(r, g + G_AP - G_HH, b, &g2, &g3)) {
        bool pm = (s[g2] | 32) == 'p';
        if (*hh > 12 || *hh == 0) *hh = 99;
        else if (pm && *hh < 12) *hh += 12;
        else if (!pm && *hh == 12) *hh = 0;
        *tend = rtrim(s, g2, g3);
    }
    if (re_group(r, g + G_ZN - G_HH, b, &g2, &g3)) {
        if (zone_offset(c, s + g2, g3 - g2, off)) {
            *tend = g3;
            if (*tend < me && s[*tend] == ')') (*tend)++;
        }
        return true;
    }
    if (re_group(r, g + G_ZO - G_HH, b, &g2, &g3)) {
        const char *z = s + g2;
        size_t zn = g3 - g2;
        while (zn && ((*z >= 'A' && *z <= 'Z') || *z == ' ')) {
            if (*z == 'Z' && zn == 1) break;
            z++, zn--;
        }
        if (zn == 1 && *z == 'Z') {
            strcpy(off, "+00:00");
        } else if (zn >= 2) {
            char sign = *z == '-' ? '-' : '+';
            if ((unsigned char)*z == 0xE2) { /* U+2212 MINUS SIGN */
                sign = '-';
                z += 2, zn -= 2;
            }
            z++, zn--;
            int oh = 0, om = 0;
            size_t p = 0;
            while (p < zn && z[p] >= '0' && z[p] <= '9' && p < 2) oh = oh * 10 + (z[p++] - '0');
            if (p < zn && z[p] == ':') p++;
            while (p < zn && z[p] >= '0' && z[p] <= '9' && p < 4) om = om * 10 + (z[p++] - '0');
            if (oh <= 14 && om < 60)
                snprintf(off, 16, "%c%02u:%02u", sign, (unsigned)oh % 100u, (unsigned)om % 100u);
        }
        if (off[0]) *tend = g3;
    }
    return true;
}

/* Whether s[b,e) may hold a match of the date pattern, which needs a
 * month name (its first three letters, caseless: ASCII, or U+017F for
 * 's') or an ISO date, whose month begins "-0" or "-1": a line with
 * neither cannot match, and the pattern need not run. */
static bool may_hold_date(const char *s, size_t b, size_t e)
{
    if (e - b >= 2) { /* "-0" or "-1", or U+017F: their first bytes found by memchr */
        const char *end = s + e - 1; /* the last byte a pair can start at, + 1 */
        for (const char *p = s + b; (p = memchr(p, '-', (size_t)(end - p))) != NULL; p++)
            if (p[1] == '0' || p[1] == '1') return true;
        for (const char *p = s + b; (p = memchr(p, 0xC5, (size_t)(end - p))) != NULL; p++)
            if ((unsigned char)p[1] == 0xBF) return true;
    }
    /* the letters a month name begins with, as bits from 'a' */
    const uint32_t initials = 1u << ('j' - 'a') | 1u << ('f' - 'a') | 1u << ('m' - 'a') |
                              1u << ('a' - 'a') | 1u << ('s' - 'a') | 1u << ('o' - 'a') |
                              1u << ('n' - 'a') | 1u << ('d' - 'a');
    for (size_t i = b; i + 3 <= e; i++) {
        unsigned letter = (unsigned)(((unsigned char)s[i] | 0x20) - 'a'); /* < 26: A-Z, a-z */
        if (letter < 26u && (initials >> letter & 1) && month_trigram(trigram_at(s, i))) return true;
    }
    return false;
}

/* Whether the dateline pattern may match s[b,e): its city begins with an
 * upper-case letter (\p{Lu}), and goes on with another or with ' ’ . - (a
 * word in capitals) or else is a capitalised word the pattern accepts only
 * before a '('. A line that begins with ASCII bytes no such city begins
 * with need not run it (most lines of prose). */
static bool dateline_may_match(const char *s, size_t b, size_t e)
{
    if (e - b < 2) return false;
    unsigned char c0 = (unsigned char)s[b], c1 = (unsigned char)s[b + 1];
    if (c0 >= 0x80 || c1 >= 0x80) return true;
    if (c0 < 'A' || c0 > 'Z') return false;
    if ((c1 >= 'A' && c1 <= 'Z') || c1 == '\'' || c1 == '.' || c1 == '-') return true;
    return memchr(s + b, '(', e - b) != NULL;
}

/* The n decimal digits of v % 10^n at o; returns their end. */
static char *put_digits(char *o, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10) o[i] = (char)('0' + v % 10);
    return o + n;
}

/* "YYYY-MM-DD" (as "%04u-%02u-%02u" prints y % 10000, mo % 100, d % 100)
 * at o, NUL-terminated; returns the end. */
static char *put_ymd(char *o, int y, int mo, int d)
{
    o = put_digits(o, (unsigned)y % 10000u, 4);
    *o++ = '-';
    o = put_digits(o, (unsigned)mo % 100u, 2);
    *o++ = '-';
    o = put_digits(o, (unsigned)d % 100u, 2);
    *o = 0;
    return o;
}

/* "Thh:mm" and at most 6 bytes of the offset off after a date, as
 * "T%02u:%02u%.6s" prints them; NUL-terminated. */
static void put_time(char *o, int hh, int mi, const char *off)
{
    *o++ = 'T';
    o = put_digits(o, (unsigned)hh % 100u, 2);
    *o++ = ':';
    o = put_digits(o, (unsigned)mi % 100u, 2);
    for (int i = 0; i < 6 && off[i]; i++) *o++ = off[i];
    *o = 0;
}

enum { STAMP_SPAN_WORDS = 18 }; /* see find_stamp */

/* The label of a stamp whose text before the date is s[b,e): 2 when a
 * phrase of updated_labels is there, else 1 for one of published_labels,
 * else 0. Each is found as phrase_count_n finds it (any case, a word's
 * edge at its ends that are letters or digits), all in one pass. */
static int stamp_label(const cfg *c, const char *s, size_t b, size_t e)
{
    bool found[2] = {false, false}; /* by list: updated, published */
    for (size_t i = b; i < e; i++) {
        unsigned char ch = lower_byte((unsigned char)s[i]);
        for (uint32_t j = c->label_start[ch]; j < c->label_start[ch + 1]; j++) {
            const phr *p = &c->label[j];
            if (found[p->list] || p->len > e - i || !ascii_ieq(s + i, p->p, p->len)) continue;
            if (p->edge_l && i > b && ascii_alnum_byte((unsigned char)s[i - 1])) continue;
            if (p->edge_r && i + p->len < e && ascii_alnum_byte((unsigned char)s[i + p->len])) continue;
            found[p->list] = true;
        }
    }
    return found[0] ? 2 : found[1] ? 1 : 0;
}

/* Finds a publication stamp on line s[b,e) (trimmed). Words of the line
 * outside the stamp must be few, so a sentence that mentions a date is not
 * a stamp. */
static bool find_stamp(const regexes *r, const cfg *c, const char *s, size_t b, size_t e,
                       const blk *k, stamp *out)
{
    if (e - b > 300) return false;
    /* A line's words outside a stamp are at least its words less those
       that meet the stamp's span: one across its start, and at most one
       starting at each of the pattern's runs of letters or digits (a time
       of 5 before the date, a weekday, 3 in the date, 8 in a time after
       it). A line with more words than that and stamp_max_words holds no
       stamp. */
    if (k->words > (int)c->stamp_max_words + STAMP_SPAN_WORDS) return false;
    /* every pattern has a four-digit year: skip lines without one */
    bool year = false;
    for (size_t i = b; i + 4 <= e && !year; i++) {
        /* a year has four digits: when the fourth byte from here is none, no
           year starts here or at the three bytes after */
        if (s[i + 3] < '0' || s[i + 3] > '9') {
            i += 3;
            continue;
        }
        year = (s[i] == '1' || s[i] == '2') && (s[i + 1] == '9' || s[i + 1] == '0') &&
               s[i + 2] >= '0' && s[i + 2] <= '9';
    }
    if (!year || !may_hold_date(s, b, e) || !date_match(r, s, b, e)) return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    size_t ms = b + ov[0], me = b + ov[1];
    size_t gs = 0, ge = 0, g2 = 0, g3 = 0;
    int y = 0, mo = 0, d = 0;
    if (re_group(r, G_Y1, b, &gs, &ge)) {
        y = num_of(s, gs, ge);
        re_group(r, G_M1, b, &g2, &g3);
        mo = month_of(s + g2, g3 - g2);
        re_group(r, G_D1, b, &g2, &g3);
        d = num_of(s, g2, g3);
    } else if (re_group(r, G_Y2, b, &gs, &ge)) {
        y = num_of(s, gs, ge);
        re_group(r, G_M2, b, &g2, &g3);
        mo = month_of(s + g2, g3 - g2);
        re_group(r, G_D2, b, &g2, &g3);
        d = num_of(s, g2, g3);
    } else if (re_group(r, G_Y3, b, &gs, &ge)) {
        y = num_of(s, gs, ge);
        re_group(r, G_M3, b, &g2, &g3);
        mo = num_of(s, g2, g3);
        re_group(r, G_D3, b, &g2, &g3);
        d = num_of(s, g2, g3);
    }
    if (!valid_ymd(y, mo, d)) return false;
    stamp st;
    memset(&st, 0, sizeof st);
    st.start = ms;
    st.src_start = st.src_end = NF_UNSET;
    st.line_start = b;
    size_t date_end = me;
    put_ymd(st.value, y, mo, d);
    int hh = 0, mi = 0;
    char off[16] = "";
    size_t tend = 0;
    if (parse_time(r, c, s, b, me, G_HH, &hh, &mi, off, &tend) ||
        parse_time(r, c, s, b, me, G_HH0, &hh, &mi, off, &tend)) {
        if (hh < 24 && mi < 60) {
            put_time(put_ymd(st.value, y, mo, d), hh, mi, off);
            if (re_group(r, G_HH, b, &g2, &g3)) date_end = tend; /* time after the date */
        } else {
            /* not a time after all: the span is the date alone */
            size_t ye = 0, yb = 0;
            if (!re_group(r, G_Y1, b, &yb, &ye) && !re_group(r, G_Y2, b, &yb, &ye))
                re_group(r, G_D3, b, &yb, &ye);
            date_end = ye;
            if (re_group(r, G_HH0, b, &g2, &g3)) { /* drop the bad leading time */
                if (!re_group(r, G_M1, b, &g2, &g3) && !re_group(r, G_D2, b, &g2, &g3))
                    re_group(r, G_Y3, b, &g2, &g3);
                st.start = g2;
            }
        }
    }
    st.end = date_end;
    /* words outside the stamp, and the label before it */
    int before = ms > b ? count_words(s, b, ms, c) : 0;
    int after = st.end < e ? count_words(s, st.end, e, c) : 0;
    if (before + after > (int)c->stamp_max_words) return false; /* a sentence with a date */
    st.label = stamp_label(c, s, b, ms);
    /* "Agency Month D, YYYY": the text before the date is an agency */
    size_t pe = rtrim(s, b, ms);
    while (pe > b && (s[pe - 1] == '|' || s[pe - 1] == ',' || s[pe - 1] == '-')) pe = rtrim(s, b, pe - 1);
    for (size_t m = 0, n = list_count(&c->agencies); m < n && pe > b; m++) {
        size_t an = list_len(&c->agencies, m);
        if (!an || pe - b < an) continue;
        const char *a = list_item(&c->agencies, m);
        if (s[pe - 1] == a[an - 1] && memcmp(s + pe - an, a, an) == 0 &&
            (pe - an == b || !ascii_alnum_byte((unsigned char)s[pe - an - 1]))) {
            st.src_start = pe - an;
            st.src_end = pe;
            if (!st.label) st.label = 3;
            break;
        }
    }
    if ((k->flags & BF_SENT) && !st.label && after >= 3) return false;
    *out = st;
    return true;
}

/* First occurrence of needle[0,nn) in hay[0,hn), or NULL. */
static const char *find_bytes(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (!nn || hn < nn) return NULL;
    for (const char *p = hay, *end = hay + hn - nn; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, nn) == 0) return p;
    }
    return NULL;
}

/* How many times needle[0,nn) occurs in hay[0,hn), overlapping ones too,
 * counted up to max. */
static int occurrences(const char *hay, size_t hn, const char *needle, size_t nn, int max)
{
    int n = 0;
    for (size_t p = 0; n < max && p < hn; n++) {
        const char *hit = find_bytes(hay + p, hn - p, needle, nn);
        if (!hit) break;
        p = (size_t)(hit - hay) + 1;
    }
    return n;
}

/* ------------------------------------------------------------ helpers on blocks */

static bool blk_push(blk **v, size_t *n, size_t *cap, const blk *k)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        blk *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return false;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = *k;
    return true;
}

/* A key of the text s[b,e) that equal texts share: its length and its
 * first and last (up to) 8 bytes. Most texts of a page differ in one of
 * them, and a key reads no more of the text (a hash of every byte did). */
static uint64_t edge_key(const char *s, size_t b, size_t e)
{
    size_t n = e - b;
    uint64_t head = 0, tail = 0;
    memcpy(&head, s + b, n < 8 ? n : 8);
    if (n > 8) memcpy(&tail, s + e - 8, 8);
    return (head * 0x9E3779B97F4A7C15ull) ^ (tail * 0xC2B2AE3D27D4EB4Full) ^ n;
}

/* Whether blocks x and y of the text s have the same text. */
static bool same_text(const char *s, const blk *x, const blk *y)
{
    size_t n = x->end - x->start;
    return y->end - y->start == n && memcmp(s + x->start, s + y->start, n) == 0;
}

/* BF_REPEAT on every block of 2 words or more whose text a later block has
 * (every occurrence of a repeated text but the last): the blocks from the
 * last, with a table of the nearest later block of each text, by
 * edge_key. */
static bool mark_repeats(const char *s, blk *bk, size_t nb)
{
    enum { LOCAL_SLOTS = 256 }; /* a page of up to 128 blocks: no allocation */
    uint32_t local[LOCAL_SLOTS];
    size_t slots = 16;
    while (slots < 2 * nb) slots *= 2;
    /* block index + 1; 0: empty */
    uint32_t *later = slots <= LOCAL_SLOTS ? local : malloc(slots * sizeof *later);
    if (!later) return false;
    memset(later, 0, slots * sizeof *later);
    for (size_t i = nb; i-- > 0;) {
        uint64_t key = edge_key(s, bk[i].start, bk[i].end);
        size_t h = (size_t)(key ^ key >> 29) & (slots - 1);
        while (later[h] && !same_text(s, &bk[later[h] - 1], &bk[i])) h = (h + 1) & (slots - 1);
        if (later[h] && bk[i].words >= 2) bk[i].flags |= BF_REPEAT;
        later[h] = (uint32_t)(i + 1);
    }
    if (later != local) free(later);
    return true;
}

/* Maximum-sum segment of scores in blocks [lo, hi): *a, *b inclusive. */
static double best_segment(const blk *k, size_t lo, size_t hi, size_t *a, size_t *b)
{
    double best = 0, cur = 0;
    size_t cs = lo;
    *a = *b = NF_UNSET;
    for (size_t i = lo; i < hi; i++) {
        if (cur <= 0) {
            cur = 0;
            cs = i;
        }
        cur += k[i].score;
        if (cur > best) {
            best = cur;
            *a = cs;
            *b = i;
        }
    }
    return best;
}

/* Extends the body with further runs that score at least floor_score and
 * start (or, to the left, end) within max_gap blocks of the body taken so
 * far: an article interrupted by an advertisement or a "Read more" box.
 * pre[i] = sum of the scores of blocks [0, i); smax[i] / sarg[i] = the
 * largest pre[j] for j >= i and its j (pmin / parg: the smallest for j <= i),
 * so every candidate start costs O(1). */
static bool extend_regions(blk *k, size_t nb, size_t a, size_t b, double floor_score,
                           size_t max_gap, bool before)
{
    /* the three arrays in one allocation */
    double *pre = malloc((nb + 1) * (2 * sizeof(double) + sizeof(size_t)));
    if (!pre) return false;
    double *ext = pre + nb + 1;
    size_t *arg = (size_t *)(void *)(ext + nb + 1);
    pre[0] = 0;
    for (size_t i = 0; i < nb; i++) pre[i + 1] = pre[i] + k[i].score;
    ext[nb] = pre[nb];
    arg[nb] = nb;
    for (size_t i = nb; i-- > 0;) {
        bool take = pre[i] > ext[i + 1];
        ext[i] = take ? pre[i] : ext[i + 1];
        arg[i] = take ? i : arg[i + 1];
    }
    for (;;) { /* to the right: runs [st, e) with st in (b, b + 1 + max_gap] */
        size_t bs = NF_UNSET, be = NF_UNSET;
        double best = -1e300;
        for (size_t st = b + 1; st < nb && st <= b + 1 + max_gap; st++) {
            double sum = ext[st + 1] - pre[st];
            if (sum > best) {
                best = sum;
                bs = st;
                be = arg[st + 1] - 1;
            }
        }
        if (bs == NF_UNSET || best < floor_score) break;
        for (size_t i = bs; i <= be; i++) k[i].body = true;
        b = be;
    }
    if (before && a > 0) { /* to the left (summaries and standfirsts sit there: off by default) */
        ext[0] = pre[0];
        arg[0] = 0;
        for (size_t i = 1; i <= nb; i++) {
            bool take = pre[i] < ext[i - 1];
            ext[i] = take ? pre[i] : ext[i - 1];
            arg[i] = take ? i : arg[i - 1];
        }
        for (;;) { /* runs [st, e] with e in [a - 1 - max_gap, a - 1] */
            size_t bs = NF_UNSET, be = NF_UNSET;
            double best = -1e300;
            for (size_t e = a; e > 0 && a - e <= max_gap; e--) {
                double sum = pre[e] - ext[e - 1];
                if (sum > best) {
                    best = sum;
                    bs = arg[e - 1];
                    be = e - 1;
                }
            }
            if (bs == NF_UNSET || best < floor_score) break;
            for (size_t i = bs; i <= be; i++) k[i].body = true;
            if (bs == 0) break;
            a = bs;
        }
    }
    free(pre);
    return true;
}

/* A set of word hashes for restated_later: open addressing in a few
 * hundred slots, of which only the flags are cleared (wset_init): a call
 * of the stage per document makes one or two. */
enum { CW_CAP = 96, CW_SLOTS = 256 };
/* restated_later compares blk.cw_runs with at most CW_CAP + 2: its cap does
   not change what it finds */
_Static_assert(CW_CAP + 2 <= CW_COUNT_MAX, "blk's word count holds what restated_later compares");
typedef struct word_set {
    uint64_t key[CW_SLOTS];
    bool used[CW_SLOTS];
    size_t n;
    uint8_t bit[CW_CAP]; /* the cw_bit of each word added, in order: bit[0, n) */
} word_set;

static void wset_init(word_set *w)
{
    memset(w->used, 0, sizeof w->used);
    w->n = 0;
}

static size_t wset_slot(const word_set *w, uint64_t k)
{
    size_t i = (size_t)(k ^ (k >> 29)) & (CW_SLOTS - 1);
    while (w->used[i] && w->key[i] != k) i = (i + 1) & (CW_SLOTS - 1);
    return i;
}

static bool wset_has(const word_set *w, uint64_t k) { return w->used[wset_slot(w, k)]; }

/* Adds k, the key of a word whose cw_bit is bit; whether it was new. At
 * most CW_CAP keys are added. */
static bool wset_add(word_set *w, uint64_t k, unsigned bit)
{
    size_t i = wset_slot(w, k);
    if (w->used[i]) return false;
    w->used[i] = true;
    w->key[i] = k;
    w->bit[w->n++] = (uint8_t)bit;
    return true;
}

/* Adds to w the content words (3+ letters, not function words; keyed by
 * content_key, case-folded) among the first CW_CAP of s[b,e); returns how
 * many of the new ones are in ref (when given). */
static size_t content_words(const cfg *c, const char *s, size_t b, size_t e, word_set *w,
                            const word_set *ref)
{
    size_t n = 0, i = b, hits = 0;
    const uint8_t *bcls = c->byte_class; /* BC_PUNCT: ASCII other than a letter or digit */
    while (i < e && n < CW_CAP) {
        while (i < e && (bcls[(unsigned char)s[i]] & BC_PUNCT)) i++;
        size_t ws = i;
        while (i < e && !(bcls[(unsigned char)s[i]] & BC_PUNCT)) i++;
        if (i - ws < 3) continue;
        uint64_t h = 0, key8;
        if (is_function_word_k(c, s + ws, i - ws, &h)) continue;
        key8 = h;
        if (i - ws > 8) { /* no word_key: a hash of the folded bytes */
            h = content_key(s + ws, i - ws);
            key8 = word_key(s + ws, 8);
        }
        n++;
        if (wset_add(w, h, cw_bit(key8, i - ws)) && ref && wset_has(ref, h)) hits++;
    }
    return hits;
}

/* The bits set in x. */
static unsigned bit_count(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* Whether na content words of which at most na - lacks are found may be
 * a restatement, as restated_later compares them. */
static bool restate_share_may(const cfg *c, size_t na, size_t lacks)
{
    return na >= lacks && (double)(na - lacks) >= c->restate_share * (double)na;
}

/* Whether restated_later(k) may be true, by what analyze noted of the
 * blocks alone (blk.cw_runs, cw_bits), before block k's content words are
 * listed. When content_words reads all of them (cw_runs <= CW_CAP), block
 * k has at most cw_runs of them and at least as many as its bits that are
 * no function word's (c->fw_bits), and each of those bits that a later
 * block lacks is a word of k that block does not have. */
static bool may_restate(const cfg *c, const blk *bk, size_t nb, size_t k)
{
    const blk *a = &bk[k];
    if (a->cw_runs > CW_CAP) return true;
    size_t most = a->cw_runs, least = 0;
    uint64_t own[4];
    for (int q = 0; q < 4; q++) {
        own[q] = a->cw_bits[q] & ~c->fw_bits[q];
        least += bit_count(own[q]);
    }
    if (least < (size_t)c->restate_min_words) least = (size_t)c->restate_min_words;
    if (most < least) return false;
    for (size_t j = k + 1; j < nb && j <= k + (size_t)c->restate_window; j++) {
        if (!bk[j].body || (size_t)bk[j].cw_runs < least + 2) continue;
        size_t lacks = 0;
        for (int q = 0; q < 4; q++) lacks += bit_count(own[q] & ~bk[j].cw_bits[q]);
        /* the share found is linear in the number of words: at its ends */
        if (restate_share_may(c, most, lacks) || restate_share_may(c, least, lacks)) return true;
    }
    return false;
}

/* Whether block k restates a later block of the body (a standfirst or a
 * summary): most of its content words recur in one longer block. */
static bool restated_later(const cfg *c, const char *s, const blk *bk, size_t nb, size_t k)
{
    if (!may_restate(c, bk, nb, k)) return false;
    word_set sets[2];
    word_set *a = &sets[0], *o = &sets[1];
    wset_init(a);
    content_words(c, s, bk[k].start, bk[k].end, a, NULL);
    size_t na = a->n;
    if (na < (size_t)c->restate_min_words) return false;
    const uint8_t *bits = a->bit; /* cw_bit of each of the block's content words */
    for (size_t j = k + 1; j < nb && j <= k + (size_t)c->restate_window; j++) {
        if (!bk[j].body) continue;
        /* what analyze noted of block j bounds what content_words finds:
           at most cw_runs words, and among them at most hit_max of ours
           (those whose bit a word of j set) */
        if ((size_t)bk[j].cw_runs < na + 2) continue;
        size_t hit_max = 0;
        for (size_t q = 0; q < na; q++) hit_max += bk[j].cw_bits[bits[q] >> 6] >> (bits[q] & 63) & 1;
        if ((double)hit_max < c->restate_share * (double)na) continue;
        wset_init(o);
        size_t hit = content_words(c, s, bk[j].start, bk[j].end, o, a), no = o->n;
        /* a summary is shorter than what it restates */
        if ((double)hit >= c->restate_share * (double)na && no >= na + 2) return true;
    }
    return false;
}

static nf_span mkspan(size_t s, size_t e)
{
    nf_span sp = {s, e};
    return sp;
}

/* ------------------------------------------------------------ the stage */

typedef struct bylinfo {
    bool found;
    size_t start, end;
} bylinfo;

struct nfi_structure_ws {
    cfg c;
    regexes re;
    bool shared; /* c and the compiled patterns are the rules' (only md is ours) */
};

/* The rules' own one (made while they load, rules->structure still NULL)
 * builds the settings and compiles the patterns (with JIT: about 1 ms);
 * a workspace's borrows them and has its own match data. */
nfi_structure_ws *nfi_structure_ws_new(const nf_rules *rules, nf_error *err)
{
    nfi_structure_ws *w = calloc(1, sizeof *w);
    const nfi_structure_ws *proto = nfi_rules_structure(rules);
    if (w && proto) {
        w->c = proto->c;
        w->re = proto->re;
        w->re.md = pcre2_match_data_create(24, NULL);
        w->shared = true;
        if (w->re.md) return w;
    } else if (w && cfg_load(&w->c, rules)) {
        if (re_init(&w->re)) return w;
        cfg_free(&w->c);
    }
    free(w);
    nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
    return NULL;
}

void nfi_structure_ws_free(nfi_structure_ws *w)
{
    if (!w) return;
    if (w->shared) {
        pcre2_match_data_free(w->re.md);
    } else {
        cfg_free(&w->c);
        re_free(&w->re);
    }
    free(w);
}

int nfi_structure_phrase_hits(const nfi_structure_ws *w, const char *s, size_t n, int counts[4],
                              int max)
{
    for (int k = 0; k < PL_COUNT; k++) counts[k] = 0;
    return phr_scan(&w->c, s, 0, n, counts, max);
}

nf_status nfi_structure(nf_doc *doc, nfi_structure_ws *w, nf_error *err)
{
    (void)err;
    const char *s = doc->work;
    if (!doc->lines.len) return NF_OK;
    const cfg *const c = &w->c; /* not a copy: the struct holds some 12 KB of tables */
    regexes re = w->re;
    nf_status st = NF_OK;
    blk *bk = NULL;
    size_t nb = 0, cap = 0;
    NFI_VEC(stamp) stamps = {0}; /* the blocks' stamps that were found */

    /* 1. blocks: a wrapped prose paragraph is one block, else each line */
    for (size_t p = 0, li = 0; p < doc->paragraphs.len; p++) {
        /* its lines: the blank ones before it end before its start */
        const nf_paragraph *pg = &doc->paragraphs.items[p];
        while (li < doc->lines.len && doc->lines.items[li].span.end <= pg->span.start) li++;
        size_t l0 = li, l1 = li + pg->lines < doc->lines.len ? li + pg->lines : doc->lines.len;
        li = l1;
        /* hard-wrapped prose: three or more short lines, most of them
         * filled and ending mid-sentence */
        bool wrapped = false;
        if (l1 - l0 >= 3) {
            size_t filled = 0;
            bool narrow = true;
            for (size_t l = l0; l < l1 && narrow; l++) { /* a wide line ends the test */
                size_t ts = skip_space(s, doc->lines.items[l].span.start, doc->lines.items[l].span.end);
                size_t te = rtrim(s, ts, doc->lines.items[l].span.end);
                if (te - ts > (size_t)c->wrap_max_bytes) narrow = false;
                if (l + 1 == l1 || !narrow) continue;
                if (te - ts >= (size_t)c->wrap_min_bytes && !(edge_flags(s, ts, te) & (BF_SENT | BF_BULLET)))
                    filled++;
            }
            wrapped = narrow && filled * 10 >= (l1 - l0 - 1) * 8;
        }
        for (size_t l = l0; l < l1; l++) {
            blk k;
            memset(&k, 0, sizeof k);
            if (wrapped) {
                k.start = doc->paragraphs.items[p].span.start;
                k.end = doc->paragraphs.items[p].span.end;
                l = l1;
            } else {
                k.start = skip_space(s, doc->lines.items[l].span.start, doc->lines.items[l].span.end);
                k.end = rtrim(s, k.start, doc->lines.items[l].span.end);
                l = continued_block(doc, c, l, l1, &k);
            }
            analyze(s, &k, c);
            doc->structure_work += k.end - k.start;
            if (!blk_push(&bk, &nb, &cap, &k)) {
                st = NF_ERR_NOMEM;
                goto done;
            }
        }
    }
    if (!nb) goto done;

    /* 2. per-block evidence that needs patterns or the whole page */
    for (size_t i = 0; i < nb; i++) {
        blk *k = &bk[i];
        stamp found;
        /* a stamp has a year: four digits, which analyze would have seen */
        if ((k->flags & BF_DIGITS) && find_stamp(&re, c, s, k->start, k->end, k, &found)) {
            stamp *at = nfi_vec_push(&stamps);
            if (!at) {
                st = NF_ERR_NOMEM;
                goto done;
            }
            *at = found;
            k->stamp = (uint32_t)(stamps.len - 1);
            k->flags |= BF_STAMP;
        }
        if (k->words <= 15 && by_near_start(s, k->start, k->end) &&
            re_match(&re, re.byline, s, k->start, k->end))
            k->flags |= BF_BYLINE;
    }
    if (!mark_repeats(s, bk, nb)) {
        st = NF_ERR_NOMEM;
        goto done;
    }
    /* tables of figures (results, standings, prices of a market report):
     * rows with numbers, at most table_gap other lines apart (sub-heads,
     * a row broken over two lines), table_min_rows rows or more */
    const uint32_t not_row = BF_PRICE | BF_STAMP | BF_COPYRIGHT | BF_CUE | BF_CAPTION |
                             BF_CREDIT | BF_BYLINE | BF_CRUMB | BF_CAMEL;
#define TABLE_ROW(k) (((k)->nums >= (int)c->table_min_numbers ||                          \
                       ((k)->nums >= 1 && (!((k)->flags & BF_BULLET) ||                    \
                                           (s[(k)->start] >= '0' && s[(k)->start] <= '9')))) && \
                      !((k)->flags & not_row) && !(k)->clutter &&                           \
                      !(((k)->flags & BF_SENT) && (k)->words >= (int)c->cue_max_words))
        for (size_t i = 0; i < nb;) {
            if (!TABLE_ROW(&bk[i])) {
                i++;
                continue;
            }
            size_t last = i, rows = 1;
            for (size_t j = i + 1; j < nb && j <= last + 1 + (size_t)c->table_gap; j++) {
                if ((bk[j].flags & not_row) || bk[j].clutter) break;
                if (TABLE_ROW(&bk[j])) {
                    last = j;
                    rows++;
                }
            }
            if (rows >= (size_t)c->table_min_rows) {
                /* with its heading: a short line right before the first row */
                size_t first = i;
                if (i > 0 && !(bk[i - 1].flags & (not_row | BF_TABLE)) && !bk[i - 1].clutter &&
                    bk[i - 1].words <= (int)c->crosshead_max_words)
                    first = i - 1;
                for (size_t q = first; q <= last; q++) bk[q].flags |= BF_TABLE;
            }
            i = last + 1;
        }
    /* menus: runs of short non-sentence blocks */
    for (size_t i = 0; i < nb;) {
        size_t j = i;
        while (j < nb && bk[j].words <= (int)c->short_words && !(bk[j].flags & (BF_SENT | BF_TABLE))) j++;
        if (j - i >= (size_t)c->menu_run)
            for (size_t q = i; q < j; q++) bk[q].flags |= BF_MENU;
        i = j > i ? j : i + 1;
    }
    /* a heading like "Related stories" or "Most read" opens a list of other content */
    {
        size_t left = 0;
        for (size_t i = 0; i < nb; i++) {
            blk *k = &bk[i];
            bool heading = (k->flags & BF_CUE) && !(k->flags & BF_SENT) &&
                           k->words <= (int)c->trailing_max_words;
            if (heading) {
                size_t q = skip_space(s, k->start, k->end);
                /* the cues that begin with its first byte (0: none) */
                unsigned char ch = q < k->end ? lower_byte((unsigned char)s[q]) : 0;
                heading = false;
                for (uint32_t m = c->trail_start[ch]; m < c->trail_start[ch + 1] && !heading; m++) {
                    const phr *cue = &c->trail[m];
                    size_t cn = cue->len;
                    heading = q + cn <= k->end && ascii_ieq(s + q, cue->p, cn) &&
                              (q + cn == k->end || !ascii_alnum_byte((unsigned char)s[q + cn]));
                }
            }
            if (heading) {
                left = (size_t)c->trailing_blocks;
                continue;
            }
            if (left) {
                k->flags |= BF_TRAIL;
                left--;
            }
        }
    }
    for (size_t i = 0, bullets = 0; i < nb; i++) {
        /* a list introduced by a line ending with ':' (bullets: the first
           block of the run of bullets that goes on to block i) */
        bool intro = false;
        if (!(bk[i].flags & BF_BULLET)) {
            bullets = i + 1;
        } else {
            size_t q = bullets;
            intro = q > 0 && (bk[q - 1].flags & BF_COLON) && !(bk[q - 1].flags & BF_CUE);
        }
        score_block(&bk[i], c, intro);
        doc->structure_work++;
        if (bk[i].flags & BF_TABLE) {
            /* a table's rows and the lines among them are the article's,
             * whatever their shape: no title, bullet, menu or repeat
             * penalty, and a row scores at least table_row */
            blk t = bk[i];
            t.flags &= ~(uint32_t)(BF_BULLET | BF_MENU | BF_REPEAT);
            t.caps = 0;
            score_block(&t, c, false);
            double floor = TABLE_ROW(&bk[i]) ? c->table_row : 0;
            bk[i].score = t.score > floor ? t.score : floor;
        }
    }
#undef TABLE_ROW

    /* 3. body: the best contiguous run, plus good runs close to it */
    size_t main_a = NF_UNSET;
    {
        size_t a, b;
        double best = best_segment(bk, 0, nb, &a, &b);
        if (a != NF_UNSET && best >= c->min_body_score) {
            double floor_score = best * c->extra_ratio;
            if (floor_score < c->min_body_score) floor_score = c->min_body_score;
            for (size_t i = a; i <= b; i++) bk[i].body = true;
            if (!extend_regions(bk, nb, a, b, floor_score, (size_t)c->extra_max_gap,
                                c->extra_before != 0)) {
                st = NF_ERR_NOMEM;
                goto done;
            }
            main_a = a;
        }
    }

    /* 3b. plain text: a text without any sign of a web page around it (no
     * clutter vocabulary, section cue, caption, price list or run-together
     * menu outside long sentences) is the article from the header to its
     * end: the body takes the blocks after the main run, except credit,
     * copyright, stamp and byline lines, and the prose and table blocks
     * right before it (wire copy, transcripts, result tables) */
    if (main_a != NF_UNSET && c->plain_text != 0 && !nfi_html_is(doc)) {
        bool clean = true;
        for (size_t i = 0; i < nb && clean; i++) {
            const blk *k = &bk[i];
            bool prose = (k->flags & BF_SENT) && k->words >= (int)c->cue_max_words;
            if (!prose && (k->clutter || (k->flags & (BF_CUE | BF_CAPTION | BF_PRICE | BF_CAMEL))))
                clean = false;
        }
        if (clean) {
            const uint32_t stop = BF_CREDIT | BF_COPYRIGHT | BF_STAMP | BF_BYLINE;
            /* the header: up to a stamp or byline among the first blocks,
             * then on to the first sentence or table row */
            size_t hz = 0;
            for (size_t i = 0; i < nb && i < (size_t)c->plain_header_blocks; i++)
                if (bk[i].flags & (BF_STAMP | BF_BYLINE)) hz = i + 1;
            while (hz < main_a) {
                const blk *k = &bk[hz];
                bool prose = (k->flags & BF_SENT) && !(k->flags & BF_QUESTION) && k->words >= 3 &&
                             k->caps < c->title_share * k->words;
                if (prose || ((k->flags & BF_TABLE) && k->nums)) break;
                hz++;
            }
            for (size_t i = hz; i < nb; i++)
                if (!(bk[i].flags & stop)) bk[i].body = true;
            if (hz < main_a) main_a = hz;
            while (main_a < nb && !bk[main_a].body) main_a++;
        }
    }

    /* 4. meta */
    /* a standfirst that restates the story is not part of it */
    for (int tries = 0; main_a != NF_UNSET && tries < 2; tries++) {
        size_t next = main_a + 1;
        if (next >= nb || !bk[next].body || !restated_later(c, s, bk, nb, main_a)) break;
        bk[main_a].body = false;
        main_a = next;
    }
    size_t first_body = main_a; /* the first block of the main run */
    size_t head_end = first_body == NF_UNSET ? (nb < (size_t)c->headline_window ? nb : (size_t)c->headline_window)
                                             : first_body;
    size_t dl_trim = NF_UNSET; /* where the body starts after a dateline prefix */

    /* dateline at the start of the first body block, or just before it */
    {
        size_t cand[8];
        size_t nc = 0;
        if (first_body != NF_UNSET) cand[nc++] = first_body;
        for (size_t i = head_end; i > 0 && nc < 8; i--)
            if (!(bk[i - 1].flags & BF_STAMP)) cand[nc++] = i - 1;
        for (size_t q = 0; q < nc && doc->meta.dateline.span.start == NF_UNSET; q++) {
            blk *k = &bk[cand[q]];
            if (dateline_may_match(s, k->start, k->end) && re_match(&re, re.dateline, s, k->start, k->end)) {
                size_t gs = 0, ge = 0, as = 0, ae = 0;
                re_group(&re, G_CITY, k->start, &gs, &ge);
                bool has_agency = re_group(&re, G_AGENCY, k->start, &as, &ae);
                bool caps = true;
                for (size_t z = gs; z < ge; z++)
                    if (s[z] >= 'a' && s[z] <= 'z') caps = false;
                if (!caps && !has_agency) continue;
                if (list_has_word(&c->kickers, s + gs, ge - gs)) continue;
                /* "SOCCER - LEEDS WIN AGAIN": a section and a headline in capitals */
                PCRE2_SIZE *ov0 = pcre2_get_ovector_pointer(re.md);
                bool lower_after = false;
                for (size_t z = k->start + ov0[1]; z < k->end && !lower_after; z++)
                    lower_after = s[z] >= 'a' && s[z] <= 'z';
                if (!has_agency && !lower_after) continue;
                doc->meta.dateline.span = mkspan(gs, ge);
                if (has_agency) doc->meta.source.span = mkspan(as, rtrim(s, as, ae));
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re.md);
                if (cand[q] == first_body) dl_trim = skip_space(s, k->start + ov[1], k->end);
                continue;
            }
            /* "Agency CITY" or a lone "CITY" line before the body */
            if (cand[q] == first_body || k->words < 1 || k->words > 5 || (k->flags & BF_SENT)) continue;
            size_t p = k->start, city = k->start;
            for (size_t m = 0, n = list_count(&c->agencies); m < n; m++) {
                const char *a = list_item(&c->agencies, m);
                size_t an = list_len(&c->agencies, m);
                if (an && k->end - p > an + 1 && memcmp(s + p, a, an) == 0 && s[p + an] == ' ') {
                    city = skip_space(s, p + an, k->end);
                    doc->meta.source.span = mkspan(p, p + an);
                    break;
                }
            }
            bool caps = city < k->end;
            int letters = 0;
            for (size_t z = city; z < k->end; z++) {
                unsigned char ch = (unsigned char)s[z];
                if (ch >= 'a' && ch <= 'z') caps = false;
                if (ch >= 'A' && ch <= 'Z') letters++;
                if (ch >= '0' && ch <= '9') caps = false;
            }
            size_t ce = k->end;
            while (ce > city && (s[ce - 1] == '-' || s[ce - 1] == ',' || s[ce - 1] == ' ')) ce--;
            if (caps && letters >= 3 && !list_has_word(&c->kickers, s + city, ce - city) &&
                !(k->flags & (BF_CUE | BF_BULLET))) {
                doc->meta.dateline.span = mkspan(city, ce);
            } else if (city != k->start) {
                doc->meta.source.span = mkspan(NF_UNSET, NF_UNSET);
            }
        }
    }

    /* wire copy: "LONDON 2019-06-02", "LA PAZ , Bolivia 2019-06-02": the
     * city before the date of a stamp line among the first blocks */
    for (size_t i = 0; doc->meta.dateline.span.start == NF_UNSET && i < nb && i < 4 &&
                       (first_body == NF_UNSET || i < first_body);
         i++) {
        if (!(bk[i].flags & BF_STAMP) || stamps.items[bk[i].stamp].start <= bk[i].start) continue;
        size_t cs = bk[i].start, ce = rtrim(s, cs, stamps.items[bk[i].stamp].start);
        const char *comma = memchr(s + cs, ',', ce - cs);
        size_t city_end = rtrim(s, cs, comma ? (size_t)(comma - s) : ce);
        int letters = 0, words = 1;
        bool caps = city_end > cs;
        for (size_t z = cs; z < city_end && caps; z++) {
            unsigned char ch = (unsigned char)s[z];
            if (ch >= 'A' && ch <= 'Z') letters++;
            else if (ch == ' ') words++;
            else if (!(ch == '.' || ch == '-' || ch == '\'' || ch >= 0x80)) caps = false;
        }
        if (caps && letters >= 3 && words <= 4 && !list_has_word(&c->kickers, s + cs, city_end - cs)) {
            doc->meta.dateline.span = mkspan(cs, city_end);
            break;
        }
    }

    /* published: header stamps first, published/posted/agency over updated */
    {
        size_t best = NF_UNSET;
        int best_rank = 1 << 30;
        for (size_t i = 0; i < nb; i++) {
            if (!(bk[i].flags & BF_STAMP) || bk[i].body) continue;
            int zone = (first_body == NF_UNSET || i < first_body) ? 0 : 1;
            int label = stamps.items[bk[i].stamp].label;
            int rank = zone * 4 + (label == 2 ? 2 : label == 0 ? 1 : 0);
            if (rank < best_rank) {
                best_rank = rank;
                best = i;
            }
        }
        if (best != NF_UNSET) {
            const stamp *sp = &stamps.items[bk[best].stamp];
            doc->meta.published.span = mkspan(sp->start, sp->end);
            doc->meta.published.value = nfi_arena_strdup(&doc->arena, sp->value);
            if (sp->src_start != NF_UNSET && doc->meta.source.span.start == NF_UNSET)
                doc->meta.source.span = mkspan(sp->src_start, sp->src_end);
            if (!doc->dct && doc->meta.published.value) {
                doc->dct = nfi_arena_strdup(&doc->arena, sp->value);
                doc->dct_source = NF_DCT_TEXT;
            }
        }
    }

    /* byline: "By Name" before the body or in its first blocks, else a credit */
    {
        bylinfo by = {false, 0, 0};
        size_t lim = first_body == NF_UNSET ? head_end : first_body + 3;
        if (lim > nb) lim = nb;
        for (size_t i = 0; i < lim && !by.found; i++) {
            if (!(bk[i].flags & BF_BYLINE)) continue;
            if (!re_match(&re, re.byline, s, bk[i].start, bk[i].end)) continue;
            size_t gs = 0, ge = 0;
            re_group(&re, G_BYLINE_NAME, bk[i].start, &gs, &ge);
            ge = rtrim(s, gs, ge);
            /* "A, B and C" lists names; "A, Title" or "A, Agency" ends at the comma */
            const char *comma = memchr(s + gs, ',', ge - gs);
            if (comma) {
                size_t cpos = (size_t)(comma - s), last = cpos;
                for (size_t z = cpos; z < ge; z++)
                    if (s[z] == ',') last = z;
                if (!phrase_count(s, last, ge, "and", 1) && !phrase_count(s, last, ge, "&", 1)) {
                    size_t as = skip_space(s, cpos + 1, ge), ae = ge;
                    const char *c2 = memchr(s + as, ',', ae - as);
                    if (c2) ae = (size_t)(c2 - s);
                    if (list_has_word(&c->agencies, s + as, ae - as) &&
                        doc->meta.source.span.start == NF_UNSET)
                        doc->meta.source.span = mkspan(as, ae);
                    ge = rtrim(s, gs, cpos);
                }
            }
            if (list_has_word(&c->agencies, s + gs, ge - gs)) continue;
            by.found = true;
            by.start = gs;
            by.end = ge;
        }
        for (int pass = 0; pass < 2 && !by.found; pass++)
            for (size_t i = 0; i < nb && !by.found; i++) {
                if (!(bk[i].flags & BF_CREDIT)) continue;
                size_t off = bk[i].start;
                while (off < bk[i].end && re_match(&re, re.credit, s, off, bk[i].end)) {
                    size_t cs = 0, ce = 0, gs = 0, ge = 0;
                    re_group(&re, G_CREDIT_CUE, off, &cs, &ce);
                    re_group(&re, G_CREDIT_NAME, off, &gs, &ge);
                    ge = rtrim(s, gs, ge);
                    bool writing = (s[cs] | 32) == 'w';
                    if ((pass == 0) == writing && !list_has_word(&c->agencies, s + gs, ge - gs)) {
                        by.found = true;
                        by.start = gs;
                        by.end = ge;
                        break;
                    }
                    off = ge;
                }
            }
        if (by.found) doc->meta.byline.span = mkspan(by.start, by.end);
    }

    /* headline: a prominent line before the body */
    {
        double best_sc = -1e9;
        size_t best = NF_UNSET;
        size_t from = head_end > (size_t)c->headline_window ? head_end - (size_t)c->headline_window : 0;
        for (size_t i = from; i < head_end; i++) {
            blk *k = &bk[i];
            if (k->words < c->headline_min_words || k->words > c->headline_max_words) continue;
            if (k->flags & (BF_BULLET | BF_CUE | BF_STAMP | BF_BYLINE | BF_CREDIT | BF_CAPTION |
                            BF_CRUMB | BF_CAMEL | BF_COPYRIGHT | BF_PRICE | BF_MENU))
                continue;
            if (k->clutter) continue;
            /* a sentence end is allowed only to the text's first block right
             * before a stamp or dateline line: "LEEDS WIN AGAIN ." */
            bool wire_head = i == 0 && i + 1 < nb && (bk[i + 1].flags & BF_STAMP) &&
                             doc->meta.dateline.span.start >= bk[i + 1].start &&
                             doc->meta.dateline.span.start < bk[i + 1].end;
            if ((k->flags & BF_SENT) && !(k->flags & BF_QUESTION) && !wire_head) continue;
            if (k->end - k->start > 300) continue;
            if (doc->meta.dateline.span.start >= k->start && doc->meta.dateline.span.end <= k->end)
                continue;
            double sc = 0;
            if (i == 0) sc += 3;
            if (k->words >= 6 && k->words <= 20) sc += 2;
            for (size_t q = i + 1; q < head_end && q <= i + 4; q++)
                if (bk[q].flags & (BF_STAMP | BF_BYLINE)) {
                    sc += 2;
                    break;
                }
            if (first_body != NF_UNSET && first_body - i <= 8) sc += 1;
            /* the same text elsewhere (breadcrumb, page title) adds at most
               3: a block that would not be the best with them is not
               searched for (a search reads the page) */
            if (sc + 3 <= best_sc) continue;
            /* repeats of a headline sit in the page's head or near the article */
            size_t lim = doc->len < (size_t)c->headline_repeat_bytes ? doc->len : (size_t)c->headline_repeat_bytes;
            int occ = occurrences(s, lim > k->end ? lim : k->end, s + k->start, k->end - k->start, 4);
            if (occ >= 2) sc += 3;
            if (occ > 3 && k->words < 6) sc -= 5; /* a site or section name */
            if (sc > best_sc) {
                best_sc = sc;
                best = i;
            }
        }
        if (best != NF_UNSET) doc->meta.headline.span = mkspan(bk[best].start, bk[best].end);
    }

    /* HTML: the page's own elements (<h1>, <meta> author and publication
     * time, <time datetime>) */
    if (nfi_html_is(doc)) {
        nfi_html_meta hm;
        if (nfi_html_meta_get(doc, &hm) == NF_OK) {
            if (hm.h1.start != NF_UNSET) {
                size_t b = skip_space(s, hm.h1.start, hm.h1.end), e = rtrim(s, b, hm.h1.end);
                if (e > b) doc->meta.headline.span = mkspan(b, e);
            } else if (doc->meta.headline.span.start == NF_UNSET && hm.title.start != NF_UNSET) {
                size_t b = skip_space(s, hm.title.start, hm.title.end), e = rtrim(s, b, hm.title.end);
                if (e > b) doc->meta.headline.span = mkspan(b, e);
            }
            if (doc->meta.byline.span.start == NF_UNSET && hm.author.start != NF_UNSET) {
                size_t b = skip_space(doc->text, hm.author.start, hm.author.end);
                if (hm.author.end - b > 3 && ascii_ieq(doc->text + b, "by ", 3)) b = skip_space(doc->text, b + 3, hm.author.end);
                size_t e = rtrim(doc->text, b, hm.author.end);
                if (e > b) doc->meta.byline.span = mkspan(b, e);
            }
            stamp hs;
            blk none;
            memset(&none, 0, sizeof none);
            if (doc->meta.published.span.start == NF_UNSET && hm.published.start != NF_UNSET &&
                find_stamp(&re, c, doc->text, hm.published.start, hm.published.end, &none, &hs)) {
                doc->meta.published.span = mkspan(hs.start, hs.end);
                doc->meta.published.value = nfi_arena_strdup(&doc->arena, hs.value);
                if (!doc->dct && doc->meta.published.value) {
                    doc->dct = nfi_arena_strdup(&doc->arena, hs.value);
                    doc->dct_source = NF_DCT_TEXT;
                }
            }
        }
    }

    /* a crosshead right before the body, shaped like those inside it */
    if (first_body != NF_UNSET && first_body > 0) {
        const uint32_t not_head = BF_SENT | BF_BULLET | BF_CUE | BF_STAMP | BF_BYLINE | BF_CREDIT |
                                  BF_CAPTION | BF_CRUMB | BF_CAMEL | BF_MENU | BF_REPEAT |
                                  BF_PRICE | BF_COPYRIGHT;
#define CROSSHEAD(k) (!((k)->flags & not_head) && !(k)->clutter && (k)->words >= 1 && \
                      (k)->words <= (int)c->crosshead_max_words)
        int inside = 0;
        for (size_t i = first_body; i < nb && bk[i].body; i++)
            if (CROSSHEAD(&bk[i])) inside++;
        blk *k = &bk[first_body - 1];
        if (inside >= (int)c->crosshead_min_inside && CROSSHEAD(k) &&
            k->start != doc->meta.headline.span.start &&
            !(doc->meta.dateline.span.start >= k->start && doc->meta.dateline.span.start < k->end)) {
            k->body = true;
            first_body--;
            dl_trim = NF_UNSET;
        }
#undef CROSSHEAD
    }

    /* 5. body regions from runs of body blocks */
    for (size_t i = 0; i < nb;) {
        if (!bk[i].body) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < nb && bk[j + 1].body) j++;
        size_t bs = bk[i].start;
        if (i == first_body && dl_trim != NF_UNSET && dl_trim < bk[i].end) bs = dl_trim;
        nf_span *sp = nfi_vec_push(&doc->body);
        if (!sp) {
            st = NF_ERR_NOMEM;
            goto done;
        }
        *sp = mkspan(bs, bk[j].end);
        i = j + 1;
    }
    /* paragraphs and regions are both in text order: the one region a
       paragraph can meet is the first that ends after its start */
    for (size_t p = 0, r = 0; p < doc->paragraphs.len && doc->body.len; p++) {
        nf_paragraph *pg = &doc->paragraphs.items[p];
        while (r < doc->body.len && doc->body.items[r].end <= pg->span.start) r++;
        bool in = r < doc->body.len && doc->body.items[r].start < pg->span.end;
        if (!in) pg->flags |= NF_FACT_OUTSIDE_BODY;
    }

done:
    free(bk);
    nfi_vec_free(&stamps);
    return st;
}

/* ------------------------------------------------------------ body ranges */

/* By start, then end (a total order, as nfi_sort needs). */
static int span_cmp(const void *a, const void *b)
{
    const nf_span *x = a, *y = b;
    if (x->start != y->start) return (x->start > y->start) - (x->start < y->start);
    return (x->end > y->end) - (x->end < y->end);
}

/* The token range of the whole sentences that overlap bytes [s, e), or an
 * empty one when no token does. */
static nfi_tok_range sentences_over(const nf_doc *doc, size_t s, size_t e)
{
    size_t nt = doc->tokens.len;
    nfi_tok_range t = {0, 0};
    size_t a = nfi_doc_token_at(doc, s);
    if (a >= nt || doc->tokens.items[a].span.start >= e) return t;
    size_t z = nfi_doc_token_at(doc, e - 1); /* then the last that starts before e */
    if (z >= nt || doc->tokens.items[z].span.start >= e) z--;
    const nf_sentence *sa = &doc->sentences.items[nfi_token_sentence(doc, a)];
    const nf_sentence *sz = &doc->sentences.items[nfi_token_sentence(doc, z)];
    t.start = sa->first_token < a ? sa->first_token : a;
    t.end = sz->first_token + sz->token_count > z ? sz->first_token + sz->token_count : z + 1;
    return t;
}

/* The token ranges the rule engine and the quote stage run over: the
 * whole document, or, when the structure stage found the article's body
 * and the caller keeps no facts outside it (NF_EXTRACT_ALL_TEXT), the
 * whole sentences that overlap a body region or a metadata field (the
 * headline, byline, dateline..., whose names the resolvers read: "there"
 * may be the dateline's city). A fact outside the body is dropped at the
 * end anyway (apply_body), so the clutter of a web page (menus, links,
 * captions: a third of the seed articles' bytes) costs no work; a sentence
 * is kept whole so that a rule reads the same context at a region's edge.
 * In text order, apart (ranges that touch are one).
 * Sets *out (malloc'd, or NULL for the one range [0, nt)) and *n (0: run
 * over nothing, no sentence overlaps). */
nf_status nfi_body_ranges(const nf_doc *doc, nfi_tok_range **out, size_t *n)
{
    *out = NULL;
    *n = 1;
    size_t nb = doc->body.len, nt = doc->tokens.len;
    if (!nb || (doc->extract_flags & NF_EXTRACT_ALL_TEXT) || !doc->sentences.len) return NF_OK;
    const nf_meta_field *meta[] = {&doc->meta.headline, &doc->meta.byline, &doc->meta.dateline,
                                   &doc->meta.source, &doc->meta.published};
    size_t nmeta = sizeof meta / sizeof meta[0], ns = 0;
    nf_span *spans = malloc((nb + nmeta) * sizeof *spans);
    nfi_tok_range *r = malloc((nb + nmeta) * sizeof *r);
    if (!spans || !r) {
        free(spans);
        free(r);
        return NF_ERR_NOMEM;
    }
    for (size_t i = 0; i < nb; i++) spans[ns++] = doc->body.items[i];
    for (size_t i = 0; i < nmeta; i++)
        if (meta[i]->span.start != NF_UNSET && meta[i]->span.end > meta[i]->span.start)
            spans[ns++] = meta[i]->span;
    nfi_sort(spans, ns, sizeof *spans, span_cmp); /* nearly in order: the body's regions are */
    size_t k = 0;
    for (size_t i = 0; i < ns; i++) {
        if (spans[i].end <= spans[i].start) continue;
        nfi_tok_range t = sentences_over(doc, spans[i].start, spans[i].end);
        if (t.end <= t.start) continue;
        if (k && t.start <= r[k - 1].end) { /* touching or overlapping: one range */
            if (t.end > r[k - 1].end) r[k - 1].end = t.end;
            if (t.start < r[k - 1].start) r[k - 1].start = t.start;
        } else {
            r[k++] = t;
        }
    }
    free(spans);
    bool whole = k == 1 && r[0].start == 0 && r[0].end == nt;
    if (whole || !k) { /* the one range [0, nt), or none */
        free(r);
        r = NULL;
    }
    *out = r;
    *n = k;
    return NF_OK;
}
