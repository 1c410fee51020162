/*
 * engine.h - private structures of the rule engine (rules_yaml.c,
 * lexicon.c, pattern.c, match.c, phases.c). Nothing outside the engine
 * includes this; other stages use rules.h.
 *
 * A loaded rule set (struct nf_rules) is immutable after load: every
 * table below is filled while loading and only read afterwards, so one
 * handle serves any number of threads. Per-call state lives in
 * nfi_engine_ws (match.c).
 */
#ifndef NEWSFACTS_ENGINE_H
#define NEWSFACTS_ENGINE_H

#include <string.h>

#include "rules.h"

#define NFI_NO_WORD (UINT32_MAX - 1) /* a vocab id no token has (nfi_step_gate.word) */
#define NFI_MAX_CAPS 16          /* named captures per token rule */
#define NFI_DEFAULT_MAX_TOKENS 64 /* longest token-pattern match (tokens) */
#define NFI_SET_MAX_WORDS 4      /* nfi_prog.set_words: programs up to 256 instructions */

/* ------------------------------------------------------------ positions */

/* Where a YAML scalar stands, for error messages. */
typedef struct nfi_pos {
    const char *file;
    uint32_t line, col; /* 1-based */
    int style;          /* NFI_STYLE_* */
    bool oneline;
} nfi_pos;

enum { NFI_STYLE_PLAIN = 0, NFI_STYLE_SINGLE = 1, NFI_STYLE_OTHER = 2 };

/* Line/column of byte offset off inside the scalar value (points into the
 * scalar for one-line plain and single-quoted scalars, else its start). */
void nfi_pos_at(const nfi_pos *p, const char *value, size_t off, uint32_t *line,
                uint32_t *col);

/* ------------------------------------------------------------ lexicons */

typedef struct nfi_lex_entry {
    uint32_t attr_start, attr_count; /* into rules->lex_attrs */
    uint32_t ntokens;
} nfi_lex_entry;

typedef struct nfi_kv {
    const char *key;   /* interned in rules->names */
    const char *value;
} nfi_kv;

struct nfi_lexicon {
    const char *name;
    uint32_t index;
    uint32_t root;     /* trie node */
    uint32_t entries;  /* number of entries */
    uint32_t max_tokens;
    const nf_rules *rules;
};

/* An edge of the trie: key (node << 32 | vocab) + 1 (0: an empty slot),
 * and the child node, side by side so that a look-up that finds its edge
 * reads one cache line (the table is larger than the caches). */
typedef struct nfi_trie_slot {
    uint64_t key;
    uint32_t child;
} nfi_trie_slot;

/* Trie: nodes hold an entry (or NFI_NONE); edges are a hash over
 * (node, vocab id) shared by every lexicon. */
typedef struct nfi_trie {
    NFI_VEC(uint32_t) node_entry; /* node -> entry index or NFI_NONE */
    nfi_trie_slot *slots;
    size_t nslots, used;
} nfi_trie;

/* ------------------------------------------------------------ patterns */

enum nfi_test_op {
    NFI_T_AND = 1, NFI_T_OR, NFI_T_NOT,
    NFI_T_TEXT,  /* exact text: str */
    NFI_T_NORM,  /* case-folded form: val = vocab id (NFI_NONE: never) */
    NFI_T_RE,    /* regex over the token text: re */
    NFI_T_SHAPE, /* str */
    NFI_T_KIND,  /* val = nf_token_kind */
    NFI_T_CAP,   /* val = NFI_CAP_* */
    NFI_T_LEX1,  /* single-token entry of lexicon val */
    NFI_T_FLAG,  /* val = NF_TOKEN_* mask or NFI_FLAG_SENT_* */
    NFI_T_ANY
};

enum { NFI_CAP_UPPER = 1, NFI_CAP_LOWER, NFI_CAP_TITLE, NFI_CAP_ALLCAPS };
#define NFI_FLAG_SENT_START 0x10000u
#define NFI_FLAG_SENT_END 0x20000u

/* Feature bits of a token (nfi_run.feat): bits 0-15 its NF_TOKEN_* flags,
 * NFI_FLAG_SENT_START / _END, one bit per cap:* value and per kind. */
#define NFI_FEAT_CAP(v) (1ull << (23 + (v)))  /* v = NFI_CAP_*: bits 24-27 */
#define NFI_FEAT_KIND(k) (1ull << (32 + (k))) /* k < 32 */
#define NFI_FEAT_NEVER (1ull << 20)           /* no token has it */
/* what a regex test's prefilter can demand of a token, as feature bits
 * (pattern.c derives them, nfi_token_feat sets them) */
#define NFI_FEAT_DIGIT_FIRST (1ull << 21) /* its first byte is 0-9 */
#define NFI_FEAT_HYPHEN (1ull << 22)      /* it has a '-' */

/* A token test as a conjunction, checked without walking the test tree:
 * (feat & fmask) == fwant; the vocab id is norm (unless NFI_NONE), the text
 * and shape as given (when given); the
 * token's one-token-entry bits of lexicons
 * (< 64) hold all of lyes, none of lno and, when lany != 0, one of lany;
 * then the tests in rest (evaluated one by one) all pass. never: the parts
 * contradict each other. */
typedef struct nfi_ctest {
    uint64_t fmask, fwant;
    uint64_t lyes, lno, lany;
    uint32_t norm; /* the token's vocab id must be this one (NFI_NONE: any) */
    uint32_t *words, nwords; /* nwords > 0: its vocab id must be one of these (sorted) */
    /* bit (id % 256) of each of words: a quick necessary check (a word set
     * of 30 words leaves about one id in nine to the search of words) */
    uint64_t words_bits[4];
    const char *text, *shape; /* the token's text / shape must be this (NULL: any) */
    uint32_t text_len, shape_len;
    /* of a regex part (the first): what every token it matches has (see
     * nfi_test.re_*; re_minlen 0, re_first NULL, re_req -1: nothing) */
    uint32_t re_minlen;
    int32_t re_req, re_unit;
    const uint8_t *re_first;
    uint32_t *rest, nrest;
    /* per rest test: feature bits every token it can fail on has (for
     * "!re:X", those every match of X has): a token missing one passes it
     * without running it; 0: always run */
    uint64_t *rest_skip;
    bool slow; /* more than feature and lexicon bits: nfi_ctest_rest has work */
    bool lex; /* lyes, lno or lany is set: the lexicon bits are checked */
    /* slow for its word (norm) or word set (words) only: the inline checks
     * and the search of words decide it, without nfi_ctest_rest */
    bool words_only;
    /* slow for one rest test only, which a token missing a bit of
     * rest_skip[0] passes: rest1_skip is that mask (0: not so), checked
     * inline before nfi_ctest_rest ("[cap:upper & !re:\".*-based\"]" runs
     * its regex only for tokens with a hyphen) */
    uint64_t rest1_skip;
    /* the bit of the test among those whose result is kept per token class
     * (nfi_run.class_tests; equal tests share one), 0: not kept. A test's
     * result is the same at every token of a class (its text and context
     * decide it), and these are the tests nfi_ctest_rest has work for */
    uint64_t memo_bit;
    bool never;
    bool ok; /* compiled (tests that instructions run); else use the tree */
} nfi_ctest;

typedef struct nfi_test {
    uint8_t op;
    uint32_t a, b;     /* children (AND, OR: a, b; NOT: a) */
    uint32_t val;
    const char *str;
    uint32_t len;
    pcre2_code *re;
    /* re: what every token it matches has (from pcre2_pattern_info; checked
     * before pcre2_match): at least re_minlen bytes, a first byte in
     * re_first (256 bits, when not NULL), the byte re_req (an ASCII
     * character without case, when >= 0) */
    uint32_t re_minlen;
    int32_t re_req;
    const uint8_t *re_first;
    int32_t re_unit; /* the first byte (ASCII) when fixed, else -1 */
    uint32_t re_id; /* equal sources, equal ids (< 64: results cached per token) */
} nfi_test;

enum nfi_op { NFI_OP_TEST = 1, NFI_OP_LEX, NFI_OP_ANN, NFI_OP_SPLIT, NFI_OP_JMP,
              NFI_OP_SAVE, NFI_OP_MATCH };

typedef struct nfi_inst {
    uint8_t op;
    uint32_t x, y; /* TEST: x = test; LEX: x = lexicon; ANN: x = type id;
                      SPLIT: x, y; JMP: x; SAVE: x = slot */
} nfi_inst;

/* What a token must have for an instruction to take it: feature bits
 * (feat & fmask) == fwant (those of its test's nfi_ctest; 0, 0 for no test
 * or one not compiled), and when word is not NFI_NONE the vocab id word, the
 * instruction being a word test and nothing else ("the": a comparison of
 * ids instead of the test; NFI_NO_WORD: a word no token has). Many rules
 * start with a common word and one of many words after it ("the
 * (past|coming|...)"). */
typedef struct nfi_step_gate {
    uint64_t fmask, fwant;
    uint32_t word;
} nfi_step_gate;

typedef struct nfi_prog {
    nfi_inst *code;
    uint32_t len;
    nfi_test *tests;
    uint32_t ntests;
    uint32_t ncaps;          /* named captures */
    const char **cap_names;
    /* per capture: lexicons and annotation types inside it (for $cap.key) */
    uint32_t **cap_lexes, *cap_nlexes;
    uint32_t **cap_types, *cap_ntypes;
    /* prefilter: when pf_n > 0, the token at start + pf_off must have one
     * of the vocab ids pf_keys (checked before the VM runs) */
    uint32_t pf_off, pf_n;
    uint32_t *pf_keys;
    uint64_t pf_bits; /* bit (key % 64) of each of pf_keys: a quick check first */
    /* the consuming instructions a match can start with; any_first: the
     * rule is tried at every token, so these are checked before the VM */
    uint32_t *first_pcs, nfirst;
    bool any_first;
    /* no captures, and every match is one of the first instructions (all
     * one-token tests) followed by the end: matched without the VM */
    bool one_token;
    /* the whole program is one lexicon step (in a capture or not): the
     * match is the longest entry at the start, found without the VM;
     * lex_only_lex is the lexicon */
    bool lex_only;
    uint32_t lex_only_lex;
    /* run_max > 0: the whole program is test run_test repeated
     * run_min..run_max times (in a capture or not), as "[cap:upper]{1,8}"
     * compiles: the match is the longest run, found without the VM */
    uint32_t run_test, run_min, run_max;
    /* set_words > 0: no thread's captures can differ from another's at the
     * same instruction and token (no capture, or one around the whole
     * pattern), so the order of threads decides nothing and nfi_match_at
     * runs the program as one set of instructions per token (set_words
     * 64-bit words, at most NFI_SET_MAX_WORDS): set_clo + pc * set_words
     * holds the consuming instructions and MATCH reachable from pc through
     * JMP, SPLIT and SAVE (rows 0..len); set_rep[pc], the first TEST
     * instruction with the same test as TEST pc (its result is taken once a
     * token) */
    uint64_t *set_clo;
    uint8_t *set_rep;
    uint32_t set_words;
    /* for the first instruction first_pcs[i] when it is a one-token test:
     * fs_ends[i], whether a match can end right after it, and
     * fs_pcs[fs_start[i], fs_start[i + 1]), the instructions that can take
     * the next token; fs_ends is true for a lexicon or annotation. So a
     * start where no first instruction takes the token, or only tests
     * after which no match ends and none of whose next instructions takes
     * the next token, cannot match (phases.c first_steps_ok). fs_check:
     * some first test has !fs_ends, so the check can rule out starts. */
    uint32_t *fs_start, *fs_pcs;
    bool *fs_ends;
    bool fs_check;
    /* per first instruction (first_gate) and per entry of fs_pcs
     * (fs_gate): what a token needs for it to take the token, checked by
     * first_steps_ok before (or instead of) the instruction */
    struct nfi_step_gate *first_gate, *fs_gate;
    /* consuming instructions one of which every match runs (a cut of the
     * program), by which the rule can be skipped at a start where no token
     * before its limit passes any of them (phases.c); req_n 0: none worth
     * checking */
    uint32_t *req_pcs, req_n;
    /* the look-ahead state of req_pcs (phases.c required_ahead) is kept in
     * slot req_slot, shared by the rules of a phase whose required tests
     * are the same (they pass at the same tokens) */
    uint32_t req_slot;
    /* what the look-ahead can test before (or instead of) running the
     * required instructions at a token: when each of them needs a word or
     * a set of words, all their words (vocab ids, sorted; req_nwords 0:
     * none) with a 256-bit quick check (bit id % 256), enough by
     * themselves when req_words_exact (the tests are words and nothing
     * else); else when each needs a one-token lexicon entry (< 64), those
     * lexicons' bits (req_lexmask) */
    uint32_t *req_words, req_nwords;
    uint64_t req_wbits[4];
    bool req_words_exact;
    uint64_t req_lexmask;
    /* how many tokens a match takes before the token where it runs one of
     * req_pcs: at least req_min; at most req_max (NFI_NONE: no bound) when
     * each annotation on the way is one token, and (ann_max - 1) more for
     * each of at most req_anns annotations when ann_max is the longest
     * annotation of the document (known per phase) */
    uint32_t req_min, req_max, req_anns;
    nfi_ctest *ct; /* per test: the same test as a conjunction (see ok) */
} nfi_prog;

/* ------------------------------------------------------------ rules */

enum { NFI_ATTR_LITERAL = 1, NFI_ATTR_CAPTURE, NFI_ATTR_CAPKEY };

typedef struct nfi_emit_attr {
    const char *key;
    int kind;
    const char *value;  /* literal */
    uint32_t cap;       /* capture index */
    const char *subkey; /* lexicon / annotation attribute */
} nfi_emit_attr;

typedef struct nfi_example {
    const char *text;
    const char *match;  /* expected span text; NULL for counter-examples */
    uint32_t type;      /* expected type or NFI_NONE */
    nfi_pos pos;
} nfi_example;

typedef struct nfi_rule {
    const char *name;
    uint32_t index, phase;
    int32_t priority;
    bool cross_sentences, overlap;
    uint32_t max_tokens;
    nfi_prog *prog;        /* token rule; for a regex rule with 'anchor:', the anchor */
    pcre2_code *re;        /* regex rule (compiled PCRE2_ANCHORED when it has an anchor) */
    /* an anchored regex's required literal (nfi_regex_required_literal) as a
     * regex of its own, searched for ahead of the anchor (phases.c); NULL:
     * none */
    pcre2_code *re_lit;
    uint32_t re_lit_len;
    /* an anchored regex: the first bytes a match can start with (256 bits,
     * from the same regex compiled unanchored; NULL: not known), checked
     * before the regex runs at a token */
    const uint8_t *re_first;
    /* an anchored regex: an ASCII byte every match has (PCRE2's last
     * required code unit of the same compile; a letter in either case, not
     * k or s, which caseless matching also finds outside ASCII), -1: none;
     * a match that must reach past the sentence's end for it is not one */
    int32_t re_last;
    uint32_t re_ncaps;
    const char **re_cap_names; /* by group number (NULL: unnamed) */
    uint32_t emit;         /* type id or NFI_NONE */
    nfi_emit_attr *attrs;
    uint32_t nattrs;
    uint32_t *remove;
    uint32_t nremove;
    uint32_t *retag_from, *retag_to;
    uint32_t nretag;
    nfi_example *examples;
    uint32_t nexamples;
    nfi_pos pos;
} nfi_rule;

/* What a token needs to take one of a set of instructions, each of which
 * has a word, a word set, a feature bit or a first byte that every token
 * it takes has: one of feat_any's bits, or its vocab id's bit (id % 256)
 * in words, or (any_bytes) its first byte in bytes. A necessary
 * condition, of a few loads and masks. */
typedef struct nfi_side_gate {
    uint64_t feat_any, words[4], bytes[4]; /* bytes: bit b % 64 of word b / 64 */
    bool any_bytes;
} nfi_side_gate;

/* Adds word v (a vocab id; none for NFI_NONE, NFI_NO_WORD) to side. */
static inline void nfi_side_add_word(nfi_side_gate *side, uint32_t v)
{
    if (v != NFI_NONE && v != NFI_NO_WORD) side->words[(v >> 6) & 3] |= 1ull << (v & 63);
}

/* Adds what src lets through to dst: a token takes one of both. */
static inline void nfi_side_merge(nfi_side_gate *dst, const nfi_side_gate *src)
{
    dst->feat_any |= src->feat_any;
    for (int k = 0; k < 4; k++) {
        dst->words[k] |= src->words[k];
        dst->bytes[k] |= src->bytes[k];
    }
    dst->any_bytes = dst->any_bytes || src->any_bytes;
}

/* first_steps_ok (phases.c) in bits, for a program whose first
 * instructions and next steps all have an nfi_side_gate: a start can
 * match only if its token may take a first instruction after which a
 * match can end (start) or the next token may take a next step of the
 * others (next). Most tries of a rule that may start with a common word
 * ('the (early|mid|late|[re:"[^-]+-.+"])') end here, before the look-ups
 * of the program's instructions and gates. */
typedef struct nfi_steps_gate {
    nfi_side_gate start, next;
} nfi_steps_gate;

/* What try_rule (phases.c) reads first of a rule, in one array by rule
 * index (nf_rules.gates): most tries end at the prefilter word, and the
 * rule's own struct and its program's are cache misses there. */
typedef struct nfi_rule_gate {
    uint64_t pf_bits;        /* nfi_prog.pf_bits */
    const uint32_t *pf_keys; /* nfi_prog.pf_keys */
    uint32_t pf_off, pf_n;   /* nfi_prog.pf_off, pf_n */
    bool more;               /* a check past the prefilter (re_lit, req_n, any_first, fs_check) */
    const nfi_steps_gate *steps; /* NULL: none (first_steps_ok is not asked, or not all have one) */
    /* what the token after one where a match runs a required instruction
     * (nfi_prog.req_pcs) needs: a match cannot end there, so a next
     * instruction takes it (nfi_req_next_gate). NULL: none (not all have
     * a gate, or a match can end there). run_hit_rule skips the required
     * tokens whose next token has none of it. */
    const struct nfi_req_next_gate *req_next;
} nfi_rule_gate;

/* nfi_rule_gate.req_next: the token after a required token t takes a
 * next instruction, so it has one of side's or starts an entry of one
 * of next_lexes (the next lexicon steps' lexicons, each < 64); or a
 * required lexicon step (of req_lexes, each < 64) takes it with t, as
 * the second word of an entry. */
typedef struct nfi_req_next_gate {
    nfi_side_gate side;
    uint64_t next_lexes, req_lexes;
} nfi_req_next_gate;

typedef struct nfi_pfkey {
    uint32_t off, key, rule;
} nfi_pfkey;

/* Candidate rules of a phase by first token. */
typedef struct nfi_phase {
    const char *name;
    uint32_t *regex_rules, nregex;
    uint32_t *any_rules, nany;
    /* rules of the any bucket that share their first token test: the test
     * runs once per token for the group */
    uint32_t *grp_rule, *grp_test, *grp_start, *grp_count, ngroups;
    /* per group: the feature bits of its compiled test (nfi_ctest.fmask,
     * fwant; 0, 0 when it has none), checked in the token loop itself */
    uint64_t *grp_fmask, *grp_fwant;
    /* per group: the first bytes its test's regex part can start with (256
     * bits; NULL: any), checked in the token loop too, as most groups with
     * a regex and no feature bits ('[re:"(?i)valentine.*"]') fail there */
    const uint8_t **grp_first;
    bool grp_any_first;
    /* group members with a prefilter word: (offset, word, rule) sorted, so a
     * token finds its candidates by binary search instead of trying each */
    uint32_t *grp_pf_start, *grp_pf_count;
    struct nfi_pfkey *pf;
    /* per group, 256 bits: bit (word & 255) for each of its prefilter words,
     * so most tokens are ruled out before the binary search */
    uint64_t (*grp_pf_bits)[4];
    /* by vocab id: open hash vocab -> list */
    uint32_t *word_keys;   /* vocab + 1, 0 = empty */
    uint32_t *word_start;  /* list start in lists */
    uint32_t *word_count;
    uint32_t word_slots;
    /* by lexicon first token: lexicon index -> list */
    uint32_t *lex_ids, *lex_start, *lex_count, nlex;
    /* the lexicons of lex_ids as bits when they are all < 64 (else ~0) */
    uint64_t lex_mask;
    /* by annotation type at the start */
    uint32_t *type_ids, *type_start, *type_count, ntypes;
    uint32_t *lists;
    /* rules tried from their required tokens (phases.c run_hit_rules)
     * instead of at every token their broad first test passes: they are in
     * none of the lists above */
    uint32_t *hit_rules, nhit;
} nfi_phase;

typedef struct nfi_re_first {
    uint32_t options;
    pcre2_code *code;
} nfi_re_first;

struct nfi_setting {
    const char *key;
    const char *scalar;
    const char **items;
    size_t count;
};

typedef NFI_VEC(uint32_t) nfi_u32vec;

/* A quick check of an indexed look-ahead slot (nf_rules.reqc): the token
 * is a one-token entry of one of the lexicons in mask (NFI_REQC_SINGLE),
 * starts an entry of one of them (NFI_REQC_STARTS), or has (feat & mask)
 * == want (NFI_REQC_FEAT). */
enum { NFI_REQC_SINGLE = 1, NFI_REQC_STARTS, NFI_REQC_FEAT };
struct nfi_req_check {
    uint32_t kind, slot;
    uint64_t mask, want;
};

struct nf_rules {
    nfi_arena arena;
    /* the structure stage's settings and compiled patterns, made once at
     * load and shared (read-only) by every workspace (structure.c) */
    nfi_structure_ws *structure;
    nfi_strtab vocab;  /* case-folded token forms */
    nfi_strtab names;  /* type names, attribute keys, lexicon names */
    nfi_trie trie;
    NFI_VEC(nfi_lex_entry) lex_entries;
    NFI_VEC(nfi_kv) lex_attrs;
    NFI_VEC(nfi_lexicon *) lexicons;
    NFI_VEC(nfi_rule) rules;
    nfi_rule_gate *gates; /* by rule index, made by nfi_engine_prepare */
    NFI_VEC(nfi_phase) phases;
    NFI_VEC(struct nfi_setting) settings;
    /* types: id -> name (interned); emitted_phase: first phase that emits it */
    NFI_VEC(const char *) types;
    NFI_VEC(uint32_t) type_phase;
    NFI_VEC(pcre2_code *) codes; /* every compiled regex (freed with the rules) */
    /* every regex compiled, by source (id in re_src -> its first compile
     * and options): the same regex with the same options is compiled once
     * and its code shared (nfi_regex_compile) */
    nfi_strtab re_src;
    NFI_VEC(nfi_re_first) re_first;
    pcre2_match_context *mctx;
    uint32_t match_limit, depth_limit;
    uint32_t max_prog, max_caps, max_tokens, max_re_groups;
    uint32_t nreq_slots; /* look-ahead slots (nfi_prog.req_slot) */
    /* The look-ahead slots whose tokens are found per document by an index
     * instead of a scan (phases.c index_required): those each of whose
     * required instructions has a quick necessary check, one of: a set of
     * words, one-token entries of lexicons (< 64), the start of an entry of
     * lexicons (< 64), feature bits. req_indexed: per slot, 1 when indexed.
     * Word checks by word: an open hash over the words (reqw_keys: id + 1,
     * 0 empty; reqw_nkeys a power of two) to reqw_slots[reqw_start[h],
     * + reqw_count[h]], with a 4096-bit quick check (bit id % 4096). The
     * others as a list of checks by kind (reqc; those of kind k are
     * reqc[reqc_from[k], reqc_from[k + 1])), the union of their lexicon bits
     * in reqc_single / reqc_starts; of the feature checks, a bit of each
     * one's want (the rarest kind) in reqc_feat_any, so that a token with
     * none of them skips them all. */
    uint8_t *req_indexed;
    uint32_t *reqw_keys, *reqw_start, *reqw_count, *reqw_slots, reqw_nkeys;
    uint64_t reqw_bits[64];
    struct nfi_req_check *reqc;
    uint32_t reqc_from[NFI_REQC_FEAT + 2];
    uint64_t reqc_single, reqc_starts, reqc_feat_any;
    /* by vocab id (< nvmask): bit l = starts an entry of lexicon l (< 64) /
     * is a one-token entry of it */
    uint64_t *vocab_starts, *vocab_single;
    uint32_t nvmask;
    uint64_t lex_indexed; /* lexicons (< 64) some phase index starts with */
    /* bit nfi_lex_pair_bit(v1, v2) & lex_pair_mask set for the first two
     * words of each entry of two or more words of any lexicon: a pair whose
     * bit is clear begins no entry (nfi_lex_continues, before the trie) */
    uint64_t *lex_pairs;
    uint32_t lex_pair_mask;
};

/* ------------------------------------------------------------ lexicon.c */

/* Case-folds s[0,n) into out (NUL-terminated, arena); NULL on OOM. */
char *nfi_fold(nfi_arena *a, const char *s, size_t n, size_t *outlen);
/* The same into a caller buffer; returns the length, or (size_t)-1 when it
 * does not fit. */
size_t nfi_fold_buf(const char *s, size_t n, char *out, size_t cap);
uint32_t nfi_trie_child(const nfi_trie *t, uint32_t node, uint32_t vocab);
nf_status nfi_trie_init(nfi_trie *t);
void nfi_trie_free(nfi_trie *t);
/* Adds a lexicon entry (the entry text is split on white space, each part
 * case-folded); attrs already pushed at [attr_start, +attr_count). Returns
 * NF_OK, NF_ERR_NOMEM, or NF_ERR_RULE when the entry is empty. Duplicate
 * entries: the later attributes are added to the first (both kept). */
nf_status nfi_lexicon_add(nf_rules *r, nfi_lexicon *lex, const char *entry, size_t n,
                          uint32_t attr_start, uint32_t attr_count);
nfi_lexicon *nfi_lexicon_new(nf_rules *r, const char *name);
/* Parses a list file (entry<TAB>key=value...) into lex. On error fills err
 * with file:line. */
nf_status nfi_lexicon_load_file(nf_rules *r, nfi_lexicon *lex, const char *path,
                                uint64_t max_bytes, nf_error *err);
/* Longest match of lex at token i, using the per-token vocab ids. Writes
 * every length at which an entry ends into lens (up to cap), returns how
 * many; longest last. entries[k] = entry index of lens[k] (may be NULL). */
size_t nfi_lexicon_walk(const nf_rules *r, const nfi_lexicon *lex, const uint32_t *tokvocab,
                        size_t i, size_t end, uint32_t *lens, uint32_t *entries, size_t cap);
const char *nfi_lex_entry_attr(const nf_rules *r, uint32_t entry, const char *key);
/* Fills rules->vocab_starts / vocab_single (after the last lexicon entry). */
nf_status nfi_lex_vocab_masks(nf_rules *r);

/* ------------------------------------------------------------ pattern.c */

/* Compiles a token pattern. On error fills err (NF_ERR_RULE / NF_ERR_REGEX)
 * with the position inside the scalar. */
nfi_prog *nfi_pattern_compile(nf_rules *r, const char *src, const nfi_pos *pos,
                              const char *rule_name, nf_error *err);
/* Compiles a regex with JIT; on error fills err with the column inside the
 * scalar (value_off = byte offset of the regex inside the scalar value).
 * A regex compiled before with the same options gives the same code. */
pcre2_code *nfi_regex_compile(nf_rules *r, const char *re, size_t n, uint32_t options,
                              const nfi_pos *pos, const char *value, size_t value_off,
                              nf_error *err);
/* The longest run of ASCII characters (up to NFI_RELIT_MAX) that every
 * match of regex re[0,n) contains, found by reading its sequence at the top
 * level and inside groups that are neither optional, repeated, lookarounds
 * nor alternations; one at the very start of a match is not taken (an
 * anchored regex's first token holds it). Its length into *out (0: none),
 * and whether it is to be found without regard to case (by a regex with
 * the same UTF caseless rules, so that k also finds the Kelvin sign). */
#define NFI_RELIT_MAX 32
size_t nfi_regex_required_literal(const char *re, size_t n, char *out, bool *caseless);
/* First-token classes of a program: calls back for each start key. */
typedef struct nfi_first {
    bool any;
    NFI_VEC(uint32_t) words;  /* vocab ids */
    NFI_VEC(uint32_t) lexes;  /* lexicon indexes */
    NFI_VEC(uint32_t) types;  /* annotation type ids */
    NFI_VEC(uint32_t) tests;  /* other first token tests (indexed by their text) */
} nfi_first;
nf_status nfi_prog_first(const nfi_prog *p, nfi_first *out);
uint32_t nfi_type_intern(nf_rules *r, const char *name, size_t n);
/* The one token test every match of p starts with, or NFI_NONE. */
uint32_t nfi_prog_first_test(const nfi_prog *p);
/* Sets p->pf_*: a word test at a fixed offset > 0 that every match passes. */
nf_status nfi_prog_prefilter(nf_rules *r, nfi_prog *p);
/* A canonical text of test t (equal tests, equal texts); cap when it does
 * not fit. */
size_t nfi_test_sig(const nfi_prog *p, uint32_t t, char *buf, size_t cap);
/* Compiles the tests that instructions run to conjunctions (nfi_prog.ct)
 * and fills the vocabulary's lexicon masks; called once when the rules are
 * loaded. */
nf_status nfi_engine_prepare(nf_rules *r);

/* ------------------------------------------------------------ match.c */

struct nfi_match {
    uint32_t rule;
    uint32_t start, end;             /* tokens */
    uint32_t bcap;                   /* regex rules: where its byte captures
                                        start (nfi_ws_bcaps), else NFI_NONE */
    uint32_t caps[2 * NFI_MAX_CAPS]; /* token positions (token rules) */
};
typedef struct nfi_match nfi_match;
typedef NFI_VEC(nfi_match) nfi_match_vec;
/* A match kept for resolution (a phase's candidates): the captures of a
 * token rule live in nfi_found_list.caps from capoff (2 per capture). */
typedef struct nfi_found {
    uint32_t rule, start, end;
    uint32_t bcap;   /* regex rules: as nfi_match.bcap */
    uint32_t capoff; /* token rules with captures, else NFI_NONE */
} nfi_found;
typedef struct nfi_found_list {
    NFI_VEC(nfi_found) items;
    NFI_VEC(uint32_t) caps;
} nfi_found_list;

/* The widths in bits of the fields of a phase's sort keys (phases.c):
 * when they fit in 64 bits together, one sort by a key made of them orders
 * the matches, else two stable sorts (the minor fields first) do. */
typedef struct nfi_sort_widths {
    unsigned prio, len, rule, start, found;
    int32_t prio_max; /* the highest priority of the matches */
} nfi_sort_widths;
/* The widths for the n matches items of a document of nt tokens. */
nfi_sort_widths nfi_sort_widths_of(const nf_rules *r, const nfi_found *items, size_t n, size_t nt);
/* Matches items[o[i].val] in resolution order: priority desc, length desc,
 * rule asc, start asc, then as found (o in found order coming in); tmp: n
 * entries of room. */
void nfi_sort_resolution(const nf_rules *r, const nfi_found *items, nfi_keyed *o, nfi_keyed *tmp,
                         size_t n, const nfi_sort_widths *w);
/* Kept matches items[o[i].val] in the order they are emitted: start asc,
 * length desc, rule asc, then as found (by val). */
void nfi_sort_emission(const nfi_found *items, nfi_keyed *o, nfi_keyed *tmp, size_t n,
                       const nfi_sort_widths *w);

#define NFI_HITS_SEEN 16 /* most look-ahead slots a class's slots are kept for */

/* Per-document state the phases share with the matcher. */
typedef struct nfi_run {
    const nf_rules *r;
    nfi_engine_ws *ws;
    nf_doc *doc;
    uint32_t *tokvocab;   /* per token: rules vocab id or NFI_NONE */
    uint32_t *sent_end;   /* per token: end token of its sentence (the sentences
                             cover the tokens in order: a sentence starts at
                             token 0 and where the one before ends) */
    /* annotations by start token (not removed), before this phase */
    uint32_t *ann_first;  /* ntokens + 1 */
    uint32_t *ann_list;
    uint32_t ann_maxlen;  /* longest of them (tokens), at least 1 */
    uint64_t *feat;       /* per token: feature bits (NFI_FEAT_*) */
    /* per token: its class (nfi_ws_classify; NFI_NONE: none); per class and
     * phase, where its candidate list is in the workspace's pool + 1, 0 when
     * not made yet (phases.c class_candidates) */
    uint32_t *tokclass;
    uint64_t *class_memo;
    /* per class, two words: the kept tests (nfi_ctest.memo_bit) whose
     * result is known, and those that passed */
    uint64_t *class_tests;
    /* per class: the indexed look-ahead slots whose quick checks its tokens
     * pass (they depend on the class alone): NFI_HITS_UNKNOWN, NFI_HITS_NONE,
     * or NFI_HITS_LIST + where the list (a count, then the slots) is in the
     * workspace's pool (nfi_ws_hits_pool) */
    uint32_t *class_hits;
    /* the slots token_hits listed the token in (its first NFI_HITS_SEEN),
     * kept as its class's (phases.c class_hits) */
    uint32_t hits[NFI_HITS_SEEN], hits_seen;
    const uint32_t *memo_pool; /* the workspace's (nfi_ws_memo_pool) */
    uint32_t *regex_off;  /* per rule: 1 = its regex hit a limit in this document */
    uint32_t *lit_next;   /* per rule: where its re_lit was found next + 1 (0:
                             not looked for yet, NFI_NONE: nowhere ahead) */
    pcre2_match_data *ws_md; /* the workspace's, for the literal searches */
    /* per look-ahead slot (phases.c required_ahead): the next token known
     * to pass it (NFI_NONE: none known), and how far tokens have been looked
     * at: a token, or for an indexed slot the next entry of its list */
    uint32_t *req_next, *req_scanned;
    /* per indexed slot, the tokens that pass its quick checks, in order
     * (index_required; the workspace's) */
    nfi_u32vec *req_lists;
    /* the window of the document the engine runs over (nfi_rules_run_windows):
     * its first token and the byte its text starts at (where the window
     * before ends), and the annotations and attributes of the windows
     * before it; all 0 for a document of one window */
    size_t tok_base, byte_base, ann_base, attr_base;
} nfi_run;

/* Runs token rule ri anchored at token s; on a match fills m (longest). */
bool nfi_match_at(nfi_run *run, uint32_t ri, uint32_t s, nfi_match *m);
/* Runs regex rule ri over the text; calls add for each snapped match.
 * Returns NF_OK or NF_ERR_NOMEM (limits give a warning and stop the rule). */
nf_status nfi_match_regex(nfi_run *run, uint32_t ri,
                          nf_status (*add)(nfi_run *, const nfi_match *));
/* False when anchored regex rule ri cannot match at the start of token s
 * by its prefilters (the first byte, re_first; the byte re_last ahead in
 * the sentence) or is off for the document: asked before its anchor runs,
 * which costs more. */
bool nfi_regex_may_start(const nfi_run *run, uint32_t ri, uint32_t s);
/* Runs anchored regex rule ri (one with 'anchor:') at the start of token s,
 * where nfi_regex_may_start said it may match; *ok tells whether m was
 * filled. NF_ERR_NOMEM only; a limit warns once and turns the rule off for
 * the document. */
nf_status nfi_match_regex_at(nfi_run *run, uint32_t ri, uint32_t s, nfi_match *m, bool *ok);
/* The workspace's regex match data (room for every rule's groups). */
pcre2_match_data *nfi_ws_match_data(nfi_engine_ws *ws);
/* Scratch arrays of the workspace. */
uint32_t *nfi_ws_u32(nfi_engine_ws *ws, int which, size_t n);
/* The workspace's token lists of the look-ahead slots (phases.c
 * index_required; nreq_slots + 1 of its rules), NULL when it has fewer
 * than n. */
nfi_u32vec *nfi_ws_req_lists(nfi_engine_ws *ws, size_t n);
nfi_found_list *nfi_ws_found(nfi_engine_ws *ws);
/* Vocab id of a doc form id (cached per document in the workspace). */
nf_status nfi_ws_begin_doc(nfi_engine_ws *ws, const nf_rules *r, const nf_doc *doc);
/* Forgets what the workspace keeps by token index (a regex test's result
 * per token, the regex captures' bytes): at each window of a document. */
void nfi_ws_begin_window(nfi_engine_ws *ws);
uint32_t nfi_ws_form_vocab(nfi_engine_ws *ws, const nf_rules *r, const nf_doc *doc,
                           uint32_t form);
/* The workspace has no document's token words (nfi_ws_token_word answers
 * false): for a run that begins none. */
void nfi_ws_forget_doc(nfi_engine_ws *ws);
/* The words in the NFI_WS_TOKVOCAB buffer (run->tokvocab, once classified)
 * are of tokens [tok_base, + count) of doc, for nfi_ws_token_word. */
void nfi_ws_note_window(nfi_engine_ws *ws, const nf_doc *doc, size_t tok_base, size_t count);
/* Sets run->tokvocab, feat and tokclass for the document's tokens (needs
 * run->sent_end). A token class is a text and a context (NF_TOKEN_* flags,
 * kind, sentence edges): its tokens have the same vocab id and feature bits
 * and pass the same token tests. The workspace keeps its classes across
 * documents, up to a bound, with a row of class_memo (phases.len words, 0
 * until the phase makes the class's candidate list) each, so that what a
 * token's text and context decide of a phase's candidates is worked out
 * once per class, not once per token. Tokens longer than a class holds,
 * or past the bound, get NFI_NONE. */
nf_status nfi_ws_classify(nfi_engine_ws *ws, nfi_run *run);
enum { NFI_HITS_UNKNOWN = 0, NFI_HITS_NONE = 1, NFI_HITS_LIST = 2 };
#define NFI_HITS_POOL_MAX ((size_t)1 << 16) /* words: past it, classes' slots are not kept */
/* Keeps the n look-ahead slots of a class in the workspace's pool; returns
 * the class's nfi_run.class_hits word (NFI_HITS_UNKNOWN when the pool is
 * full or out of memory). */
uint32_t nfi_ws_hits_add(nfi_engine_ws *ws, const uint32_t *slots, uint32_t n);
const uint32_t *nfi_ws_hits_pool(const nfi_engine_ws *ws);
/* A class's candidate list (phases.c class_candidates) in the workspace's
 * pool: list[0] rules, then NFI_MEMO_HEAD - 1 words of what is left to
 * check at each token (list[3]: how many of the rules, the last ones, only
 * the next token can let match), then the rules; then, when list[3] is
 * not 0, what the next token needs for one of those (an nfi_side_gate in
 * NFI_MEMO_GATE words). */
#define NFI_MEMO_HEAD 4
#define NFI_MEMO_GATE ((sizeof(nfi_side_gate) + 3) / 4)
/* The words of list in the pool. */
static inline size_t nfi_memo_len(const uint32_t *list)
{
    return NFI_MEMO_HEAD + list[0] + (list[3] ? NFI_MEMO_GATE : 0);
}
/* The most words the pool holds (256 KB); the classes and lists start
 * afresh at a document when it holds more than half of that. */
#define NFI_MEMO_MAX ((size_t)1 << 16)
/* Stores list (list[0] + NFI_MEMO_HEAD words) in the pool, once for equal
 * lists, and returns where it is + 1; 0 when the pool is full or out of
 * memory (the caller then goes without). */
uint32_t nfi_ws_memo_add(nfi_engine_ws *ws, const uint32_t *list);
/* The pool (moves when nfi_ws_memo_add adds to it). */
const uint32_t *nfi_ws_memo_pool(const nfi_engine_ws *ws);
/* Classes the workspace holds (for tests). */
size_t nfi_ws_nclasses(const nfi_engine_ws *ws);
/* Byte captures of a regex match: start and end of each group up to the
 * highest one its rule's attributes take (NF_UNSET = none). */
const size_t *nfi_ws_bcaps(const nfi_engine_ws *ws, uint32_t idx);
uint64_t *nfi_ws_u64(nfi_engine_ws *ws, int which, size_t n);
/* Threads waiting in the matcher's buckets: 0 between two matches, as
 * each match empties what it filled (for tests). */
size_t nfi_ws_pending_threads(const nfi_engine_ws *ws);
/* Frees the scratch arrays a large document grew past NFI_WS_KEEP_BYTES
 * each, so that the later stages of that document do not hold them and a
 * workspace kept for small documents stays small. */
void nfi_ws_trim(nfi_engine_ws *ws);
/* Recording accepted matches (example checks). */
void nfi_ws_set_record(nfi_engine_ws *ws, bool on);
bool nfi_ws_recording(const nfi_engine_ws *ws);
nf_status nfi_ws_record(nfi_engine_ws *ws, const nfi_match *m);
size_t nfi_ws_recorded(const nfi_engine_ws *ws, const nfi_match **out);
bool nfi_token_test(const nfi_run *run, const nfi_prog *p, uint32_t t, size_t tok);
/* Feature bits of token tok (needs run->sent_end). */
uint64_t nfi_token_feat(const nfi_run *run, size_t tok);
/* The lexicons (< 64) token tok is a one-token entry of. */
uint64_t nfi_token_lexbits(const nfi_run *run, size_t tok);
/* The same, its common case inline: a look-up by the token's vocab id in
 * the table made at load (rules->vocab_single). Not kept per token: that
 * array took 8 bytes a token at the engine's peak. */
static inline uint64_t nfi_lexbits(const nfi_run *run, size_t tok)
{
    uint32_t v = run->tokvocab[tok];
    return v < run->r->nvmask ? run->r->vocab_single[v] : nfi_token_lexbits(run, tok);
}
/* One-token-entry bits (lexicons in want) of a token whose word has no
 * vocab mask. */
uint64_t nfi_lex_single_slow(const nfi_run *run, size_t tok, uint64_t want);

/* The parts of a compiled test after its feature bits, its lexicon bits
 * and its word (match.c; nfi_ctest_after_feat checks those first). */
bool nfi_ctest_rest(const nfi_run *run, const nfi_prog *p, uint32_t ti, size_t tok);

/* Whether v is in the sorted array a[0, n). */
static inline bool nfi_in_sorted(const uint32_t *a, uint32_t n, uint32_t v)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && a[lo] == v;
}

/* The lexicon bits of compiled test c at token tok, then the rest of it
 * (its feature bits passed). */
static NFI_HOT_INLINE bool nfi_ctest_after_feat(const nfi_run *run, const nfi_prog *p, const nfi_ctest *c,
                                        uint32_t ti, size_t tok)
{
    if (c->lex) {
        uint64_t lb = nfi_lexbits(run, tok);
        if ((lb & c->lyes) != c->lyes || (lb & c->lno) || (c->lany && !(lb & c->lany)))
            return false;
    }
    if (!c->slow) return true;
    /* the word tests that reject most tokens, before the call */
    uint32_t v = run->tokvocab[tok];
    if ((c->norm != NFI_NONE && v != c->norm) ||
        (c->nwords && !((c->words_bits[(v >> 6) & 3] >> (v & 63)) & 1)))
        return false;
    if (c->words_only) return !c->nwords || nfi_in_sorted(c->words, c->nwords, v);
    if ((run->feat[tok] & c->rest1_skip) != c->rest1_skip) return true;
    uint32_t k = run->tokclass[tok];
    if (!c->memo_bit || k == NFI_NONE) return nfi_ctest_rest(run, p, ti, tok);
    uint64_t *known = &run->class_tests[2 * (size_t)k];
    if (!(known[0] & c->memo_bit)) {
        known[0] |= c->memo_bit;
        if (nfi_ctest_rest(run, p, ti, tok)) known[1] |= c->memo_bit;
    }
    return (known[1] & c->memo_bit) != 0;
}

/* pcre2_match through the JIT's fast path when re has JIT code: it skips
 * pcre2_match's checks of the arguments (about 140 instructions a call);
 * the subject is valid UTF-8 and off within it. Else the interpreter. */
static inline int nfi_re_match(const pcre2_code *re, const char *s, size_t n, size_t off,
                               pcre2_match_data *md, pcre2_match_context *mc)
{
    int rc = pcre2_jit_match(re, (PCRE2_SPTR)s, n, off, 0, md, mc);
    if (rc != PCRE2_ERROR_JIT_BADOPTION) return rc;
    return pcre2_match(re, (PCRE2_SPTR)s, n, off, PCRE2_NO_UTF_CHECK, md, mc);
}

/* nfi_token_test of a test an instruction runs, through its conjunction
 * (nfi_prog.ct): the feature bits here (most tokens stop at them), the
 * rest after. Every such test has one once the rules are loaded
 * (nfi_engine_prepare compiles them all, or the load fails), and the
 * tokens have their feature bits before any rule runs (nfi_ws_classify),
 * so neither is checked here: this runs for most tokens of every phase. */
static NFI_HOT_INLINE bool nfi_token_test_fast(const nfi_run *run, const nfi_prog *p, uint32_t ti,
                                       size_t tok)
{
    const nfi_ctest *c = &p->ct[ti];
    if ((run->feat[tok] & c->fmask) != c->fwant) return false;
    return nfi_ctest_after_feat(run, p, c, ti, tok);
}
/* The bit of the word pair (v1, v2) in rules->lex_pairs (before the mask). */
static inline uint32_t nfi_lex_pair_bit(uint32_t v1, uint32_t v2)
{
    return (uint32_t)((((uint64_t)v1 << 32 | v2) * 0x9E3779B97F4A7C15ull) >> 32);
}
/* False when no entry of any lexicon begins with the words v1 v2 (true
 * when that is not known: no pair bits yet, while the rules load). */
static inline bool nfi_lex_pair_may(const nf_rules *r, uint32_t v1, uint32_t v2)
{
    if (!r->lex_pairs) return true;
    uint32_t b = nfi_lex_pair_bit(v1, v2) & r->lex_pair_mask;
    return (r->lex_pairs[b >> 6] >> (b & 63)) & 1;
}
/* Whether token tok starts an entry of lexicon lex / is a one-token entry
 * (one look-up in rules->vocab_starts / vocab_single for lexicons < 64). */
bool nfi_lex_starts(const nfi_run *run, uint32_t lex, size_t tok);
bool nfi_lex_single(const nfi_run *run, uint32_t lex, size_t tok);
/* Whether an entry of lexicon lex can match at token tok: a one-token entry
 * is there, or a longer one whose second word is token tok + 1. A stronger
 * test than nfi_lex_starts for the many words that begin only longer
 * entries ("the" of "the Hague"), one more trie probe for those. */
bool nfi_lex_may_match(const nfi_run *run, uint32_t lex, size_t tok);
/* Whether a longer entry of lexicon lex begins with tokens tok, tok + 1
 * (two trie probes). */
bool nfi_lex_continues(const nfi_run *run, uint32_t lex, size_t tok);

enum { NFI_WS_TOKVOCAB = 0, NFI_WS_SENT_END, NFI_WS_ANN_FIRST,
       NFI_WS_ANN_LIST, NFI_WS_CAND, NFI_WS_STAMP, NFI_WS_SEEN, NFI_WS_REGEX_OFF,
       NFI_WS_REQ_NEXT, NFI_WS_REQ_SCANNED, NFI_WS_TOKCLASS, NFI_WS_LIT_NEXT, NFI_WS_NBUF };
enum { NFI_WS64_FEAT = 0, NFI_WS64_NBUF };

#endif
