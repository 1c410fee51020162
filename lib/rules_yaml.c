/*
 * rules_yaml.c - loading rule files: YAML (libyaml event API, own depth
 * counter, no aliases) into a small node tree with marks, then strict
 * interpretation into a compiled, immutable rule set (docs/RULES.md,
 * docs/newsfacts-rules.5).
 *
 * Loading runs in two passes: pass 1 reads every file (includes first,
 * in order) and loads lexicons, phases and settings, keeping the rule
 * nodes; pass 2 compiles the rules (which may use lexicons and types from
 * any file), checks cross references and builds the per-phase rule index.
 * A load fully succeeds or frees everything and returns NULL.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "engine.h"

/* ------------------------------------------------------------ YAML tree */

enum { Y_SCALAR = 1, Y_SEQ, Y_MAP };

typedef struct ynode {
    int kind;
    uint32_t line, col;
    int style;
    bool oneline;
    const char *val; /* scalar, NUL-terminated */
    size_t len;
    struct ynode **items; /* SEQ: n items; MAP: n pairs as key, value */
    size_t n;
} ynode;

typedef struct rawrule {
    const ynode *node;
    const char *file;
} rawrule;
typedef NFI_VEC(rawrule) rawrule_vec;
typedef NFI_VEC(nfi_pos) pos_vec;

typedef struct loader {
    nf_rules *r;
    nf_load_options opts;
    nf_error *err;
    nfi_arena tmp; /* trees, freed after load */
    rawrule_vec raw;
    NFI_VEC(char *) stack;  /* real paths of files being loaded (include chain) */
    NFI_VEC(char *) loaded; /* real paths already loaded */
    uint32_t files;
    /* lexicon definitions: name -> position (for duplicate messages) */
    pos_vec lex_pos;
} loader;

static nf_status lerr(loader *L, nf_status code, const char *file, const ynode *n,
                      const char *fmt, ...) NFI_PRINTF(5, 6);
static nf_status lerr(loader *L, nf_status code, const char *file, const ynode *n,
                      const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nfi_error_set(L->err, code, file, n ? n->line : 0, n ? n->col : 0, "%s", msg);
}

static nf_status nomem(loader *L, const char *file)
{
    return nfi_error_set(L->err, NF_ERR_NOMEM, file ? file : "", 0, 0, "out of memory");
}

typedef struct yreader {
    loader *L;
    yaml_parser_t parser;
    const char *file;
    uint32_t depth;
} yreader;

static nf_status next_event(yreader *y, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&y->parser, ev)) {
        yaml_mark_t m = y->parser.problem_mark;
        const char *prob = y->parser.problem ? y->parser.problem : "syntax error";
        nfi_error_set(y->L->err, NF_ERR_YAML, y->file, (uint32_t)m.line + 1,
                      (uint32_t)m.column + 1, "YAML: %s%s%s", prob,
                      y->parser.context ? " " : "",
                      y->parser.context ? y->parser.context : "");
        if (y->L->err) y->L->err->detail = (int)y->parser.error;
        return NF_ERR_YAML;
    }
    return NF_OK;
}

/* Builds the node for the event ev (already read; deleted here). */
static nf_status read_node(yreader *y, yaml_event_t *ev, ynode **out)
{
    loader *L = y->L;
    ynode *n = nfi_arena_alloc(&L->tmp, sizeof *n);
    if (!n) {
        yaml_event_delete(ev);
        return nomem(L, y->file);
    }
    n->line = (uint32_t)ev->start_mark.line + 1;
    n->col = (uint32_t)ev->start_mark.column + 1;
    *out = n;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        yaml_event_delete(ev);
        return lerr(L, NF_ERR_YAML, y->file, n,
                    "YAML aliases (*name) are not supported in rule files: write the value out");
    case YAML_SCALAR_EVENT: {
        n->kind = Y_SCALAR;
        n->style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? NFI_STYLE_PLAIN
                   : ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? NFI_STYLE_SINGLE
                                                                             : NFI_STYLE_OTHER;
        n->oneline = ev->start_mark.line == ev->end_mark.line;
        n->len = ev->data.scalar.length;
        n->val = nfi_arena_strndup(&L->tmp, (const char *)ev->data.scalar.value, n->len);
        yaml_event_delete(ev);
        return n->val ? NF_OK : nomem(L, y->file);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
        n->kind = map ? Y_MAP : Y_SEQ;
        yaml_event_delete(ev);
        if (++y->depth > L->opts.max_yaml_depth)
            return lerr(L, NF_ERR_LIMIT, y->file, n,
                        "YAML nesting deeper than max_yaml_depth (%u)", L->opts.max_yaml_depth);
        NFI_VEC(ynode *) items = {0};
        nf_status st = NF_OK;
        for (;;) {
            yaml_event_t c;
            if ((st = next_event(y, &c)) != NF_OK) break;
            if (c.type == end) {
                yaml_event_delete(&c);
                break;
            }
            ynode *child = NULL;
            if ((st = read_node(y, &c, &child)) != NF_OK) break;
            ynode **slot = nfi_vec_push(&items);
            if (!slot) {
                st = nomem(L, y->file);
                break;
            }
            *slot = child;
            if (map && items.len % 2 == 1) {
                if (child->kind != Y_SCALAR) {
                    st = lerr(L, NF_ERR_RULE, y->file, child, "mapping keys must be plain words");
                    break;
                }
                for (size_t k = 0; k + 1 < items.len; k += 2)
                    if (strcmp(items.items[k]->val, child->val) == 0) {
                        st = lerr(L, NF_ERR_RULE, y->file, child,
                                  "duplicate key '%s' (first at line %u)", child->val,
                                  items.items[k]->line);
                        break;
                    }
                if (st != NF_OK) break;
            }
        }
        y->depth--;
        if (st == NF_OK && items.len) {
            n->items = nfi_arena_alloc(&L->tmp, items.len * sizeof *n->items);
            if (!n->items) st = nomem(L, y->file);
            else memcpy(n->items, items.items, items.len * sizeof *n->items);
        }
        n->n = map ? items.len / 2 : items.len;
        nfi_vec_free(&items);
        return st;
    }
    default:
        yaml_event_delete(ev);
        return lerr(L, NF_ERR_YAML, y->file, n, "unexpected YAML event");
    }
}

/* Parses buf into a tree (NULL root for an empty stream). */
static nf_status parse_yaml(loader *L, const char *file, const char *buf, size_t len,
                            ynode **root)
{
    yreader y;
    memset(&y, 0, sizeof y);
    y.L = L;
    y.file = file;
    *root = NULL;
    if (!yaml_parser_initialize(&y.parser)) return nomem(L, file);
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)buf, len);
    nf_status st = NF_OK;
    int docs = 0;
    for (;;) {
        yaml_event_t ev;
        if ((st = next_event(&y, &ev)) != NF_OK) break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            ynode at = {0};
            at.line = (uint32_t)ev.start_mark.line + 1;
            at.col = (uint32_t)ev.start_mark.column + 1;
            yaml_event_delete(&ev);
            st = lerr(L, NF_ERR_RULE, file, &at, "only one YAML document per rule file");
            break;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
            t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if ((st = read_node(&y, &ev, root)) != NF_OK) break;
    }
    yaml_parser_delete(&y.parser);
    return st;
}

/* ------------------------------------------------------------ helpers */

static nfi_pos pos_of(const char *file, const ynode *n)
{
    nfi_pos p = {file, n->line, n->col, n->style, n->oneline};
    return p;
}

static const char *kind_name(const ynode *n)
{
    return n->kind == Y_MAP ? "a mapping" : n->kind == Y_SEQ ? "a list" : "a scalar";
}

static nf_status want(loader *L, const char *file, const ynode *n, int kind, const char *what)
{
    if (n->kind == kind) return NF_OK;
    return lerr(L, NF_ERR_RULE, file, n, "%s: expected %s, found %s", what,
                kind == Y_MAP ? "a mapping" : kind == Y_SEQ ? "a list" : "a scalar",
                kind_name(n));
}

static nf_status want_int(loader *L, const char *file, const ynode *n, const char *what,
                          long lo, long hi, long *out)
{
    if (n->kind != Y_SCALAR)
        return lerr(L, NF_ERR_RULE, file, n, "%s: expected an integer, found %s", what,
                    kind_name(n));
    char *end;
    errno = 0;
    long v = strtol(n->val, &end, 10);
    if (!n->len || *end || errno || v < lo || v > hi)
        return lerr(L, NF_ERR_RULE, file, n, "%s: expected an integer from %ld to %ld, found '%s'",
                    what, lo, hi, n->val);
    *out = v;
    return NF_OK;
}

static nf_status want_bool(loader *L, const char *file, const ynode *n, const char *what,
                           bool *out)
{
    if (n->kind == Y_SCALAR && strcmp(n->val, "true") == 0) *out = true;
    else if (n->kind == Y_SCALAR && strcmp(n->val, "false") == 0) *out = false;
    else
        return lerr(L, NF_ERR_RULE, file, n, "%s: expected true or false, found %s%s%s", what,
                    n->kind == Y_SCALAR ? "'" : "", n->kind == Y_SCALAR ? n->val : kind_name(n),
                    n->kind == Y_SCALAR ? "'" : "");
    return NF_OK;
}

static bool valid_name(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-'))
            return false;
    return true;
}

static char *dir_of(nfi_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return nfi_arena_strdup(a, ".");
    if (slash == path) return nfi_arena_strdup(a, "/");
    return nfi_arena_strndup(a, path, (size_t)(slash - path));
}

static char *join_path(nfi_arena *a, const char *base_file, const char *rel)
{
    if (rel[0] == '/') return nfi_arena_strdup(a, rel);
    char *dir = dir_of(a, base_file);
    if (!dir) return NULL;
    if (strcmp(dir, ".") == 0) return nfi_arena_strdup(a, rel);
    return nfi_arena_printf(a, "%s/%s", dir, rel);
}

static nf_status read_file(loader *L, const char *path, const char *from_file,
                           const ynode *from, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        nf_status st = from ? lerr(L, NF_ERR_IO, from_file, from, "cannot open '%s': %s", path,
                                   strerror(e))
                            : nfi_error_set(L->err, NF_ERR_IO, path, 0, 0, "cannot open: %s",
                                            strerror(e));
        if (L->err) L->err->detail = e;
        return st;
    }
    size_t cap = 4096, n = 0, got;
    char *b = malloc(cap);
    nf_status st = b ? NF_OK : nomem(L, path);
    while (st == NF_OK && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n > L->opts.max_file_bytes) {
            st = nfi_error_set(L->err, NF_ERR_LIMIT, path, 0, 0,
                               "file is larger than max_file_bytes (%llu)",
                               (unsigned long long)L->opts.max_file_bytes);
            break;
        }
        if (n + 1 == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) st = nomem(L, path);
            else b = nb, cap *= 2;
        }
    }
    if (st == NF_OK && ferror(f)) st = nfi_error_set(L->err, NF_ERR_IO, path, 0, 0, "read error");
    fclose(f);
    if (st != NF_OK) {
        free(b);
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return NF_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "*.yaml" files of a directory, sorted byte-wise; NULL-terminated, malloc'd. */
static nf_status list_dir(loader *L, const char *dir, const char *from_file, const ynode *from,
                          char ***out)
{
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        return from ? lerr(L, NF_ERR_IO, from_file, from, "cannot open directory '%s': %s", dir,
                           strerror(e))
                    : nfi_error_set(L->err, NF_ERR_IO, dir, 0, 0, "cannot open directory: %s",
                                    strerror(e));
    }
    NFI_VEC(char *) names = {0};
    nf_status st = NF_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
        char **slot = nfi_vec_push(&names);
        char *p = slot ? nfi_arena_printf(&L->tmp, "%s/%s", dir, de->d_name) : NULL;
        if (!p) {
            st = nomem(L, dir);
            break;
        }
        *slot = p;
    }
    closedir(d);
    if (st == NF_OK) {
        if (names.len) qsort(names.items, names.len, sizeof *names.items, cmp_str);
        char **slot = nfi_vec_push(&names);
        if (!slot) st = nomem(L, dir);
    }
    if (st != NF_OK) {
        nfi_vec_free(&names);
        return st;
    }
    *out = names.items;
    return NF_OK;
}

/* ------------------------------------------------------------ pass 1 */

static nf_status load_file(loader *L, const char *path, const char *from_file,
                           const ynode *from);
static nf_status load_text(loader *L, const char *file, const char *buf, size_t len);

/* A file or a directory of "*.yaml". */
static nf_status load_path(loader *L, const char *path, const char *from_file,
                           const ynode *from)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        char **names = NULL;
        nf_status st = list_dir(L, path, from_file, from, &names);
        for (size_t i = 0; st == NF_OK && names[i]; i++) st = load_file(L, names[i], from_file, from);
        free(names);
        return st;
    }
    return load_file(L, path, from_file, from);
}

static nf_status load_file(loader *L, const char *path, const char *from_file,
                           const ynode *from)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        int e = errno;
        nf_status st = from ? lerr(L, NF_ERR_IO, from_file, from, "cannot include '%s': %s",
                                   path, strerror(e))
                            : nfi_error_set(L->err, NF_ERR_IO, path, 0, 0, "cannot open: %s",
                                            strerror(e));
        if (L->err) L->err->detail = e;
        return st;
    }
    for (size_t i = 0; i < L->stack.len; i++)
        if (strcmp(L->stack.items[i], real) == 0)
            return lerr(L, NF_ERR_RULE, from_file, from, "include cycle: '%s' includes itself",
                        path);
    for (size_t i = 0; i < L->loaded.len; i++)
        if (strcmp(L->loaded.items[i], real) == 0) return NF_OK; /* already in */
    if (L->stack.len > L->opts.max_include_depth)
        return lerr(L, NF_ERR_LIMIT, from_file, from,
                    "includes nested deeper than max_include_depth (%u)",
                    L->opts.max_include_depth);
    if (++L->files > L->opts.max_files)
        return lerr(L, NF_ERR_LIMIT, from_file, from, "more than max_files (%u) rule files",
                    L->opts.max_files);
    char *buf = NULL;
    size_t len = 0;
    const char *file = nfi_arena_strdup(&L->r->arena, path);
    if (!file) return nomem(L, path);
    nf_status st = read_file(L, path, from_file, from, &buf, &len);
    if (st != NF_OK) return st;
    char **slot = nfi_vec_push(&L->stack);
    char *copy = slot ? nfi_arena_strdup(&L->tmp, real) : NULL;
    if (!copy) {
        free(buf);
        return nomem(L, path);
    }
    *slot = copy;
    char **done = nfi_vec_push(&L->loaded);
    if (!done) {
        free(buf);
        return nomem(L, path);
    }
    *done = copy;
    st = load_text(L, file, buf, len);
    L->stack.len--;
    free(buf);
    return st;
}

static nf_status add_phase(loader *L, const char *file, const ynode *n)
{
    nf_rules *r = L->r;
    if (n->kind != Y_SCALAR || !valid_name(n->val))
        return lerr(L, NF_ERR_RULE, file, n, "phase: expected a name (letters, digits, _ . -)");
    for (size_t i = 0; i < r->phases.len; i++)
        if (strcmp(r->phases.items[i].name, n->val) == 0) return NF_OK;
    nfi_phase *ph = nfi_vec_push(&r->phases);
    if (!ph) return nomem(L, file);
    ph->name = nfi_arena_strdup(&r->arena, n->val);
    return ph->name ? NF_OK : nomem(L, file);
}

static nf_status load_settings(loader *L, const char *file, const ynode *n)
{
    nf_rules *r = L->r;
    nf_status st = want(L, file, n, Y_MAP, "settings");
    for (size_t i = 0; st == NF_OK && i < n->n; i++) {
        const ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
        struct nfi_setting *s = NULL;
        for (size_t j = 0; j < r->settings.len; j++)
            if (strcmp(r->settings.items[j].key, k->val) == 0) s = &r->settings.items[j];
        if (!s) { /* a later file's value replaces an earlier one */
            s = nfi_vec_push(&r->settings);
            if (!s) return nomem(L, file);
            s->key = nfi_arena_strdup(&r->arena, k->val);
            if (!s->key) return nomem(L, file);
        }
        s->scalar = NULL;
        s->items = NULL;
        s->count = 0;
        if (v->kind == Y_SCALAR) {
            s->scalar = nfi_arena_strdup(&r->arena, v->val);
            if (!s->scalar) return nomem(L, file);
        } else if (v->kind == Y_SEQ) {
            s->items = nfi_arena_alloc(&r->arena, (v->n + 1) * sizeof *s->items);
            if (!s->items) return nomem(L, file);
            for (size_t j = 0; j < v->n; j++) {
                if (v->items[j]->kind != Y_SCALAR)
                    return lerr(L, NF_ERR_RULE, file, v->items[j],
                                "setting '%s': expected a list of scalars", k->val);
                s->items[j] = nfi_arena_strdup(&r->arena, v->items[j]->val);
                if (!s->items[j]) return nomem(L, file);
            }
            s->count = v->n;
        } else {
            return lerr(L, NF_ERR_RULE, file, v, "setting '%s': expected a scalar or a list",
                        k->val);
        }
    }
    return st;
}

/* One inline lexicon entry: "text", "text<TAB>k=v", or {entry: text, k: v}. */
static nf_status lexicon_entry(loader *L, const char *file, nfi_lexicon *lex, const ynode *e)
{
    nf_rules *r = L->r;
    uint32_t astart = (uint32_t)r->lex_attrs.len, acount = 0;
    const char *text = NULL;
    size_t tlen = 0;
    const ynode *at = e;
    if (e->kind == Y_SCALAR) {
        const char *tab = strchr(e->val, '\t');
        text = e->val;
        tlen = tab ? (size_t)(tab - e->val) : e->len;
        const char *s = tab;
        while (s) { /* key=value fields */
            s++;
            const char *end = strchr(s, '\t');
            size_t fl = end ? (size_t)(end - s) : strlen(s);
            const char *eq = memchr(s, '=', fl);
            if (!eq || eq == s)
                return lerr(L, NF_ERR_RULE, file, e,
                            "lexicon '%s': expected key=value after the TAB in '%s'", lex->name,
                            e->val);
            uint32_t k = nfi_strtab_intern(&r->names, s, (size_t)(eq - s));
            char *v = nfi_arena_strndup(&r->arena, eq + 1, (size_t)(s + fl - eq - 1));
            nfi_kv *kv = nfi_vec_push(&r->lex_attrs);
            if (k == NFI_NONE || !v || !kv) return nomem(L, file);
            kv->key = r->names.strs[k];
            kv->value = v;
            acount++;
            s = end;
        }
    } else if (e->kind == Y_MAP) {
        for (size_t i = 0; i < e->n; i++) {
            const ynode *k = e->items[2 * i], *v = e->items[2 * i + 1];
            if (v->kind != Y_SCALAR)
                return lerr(L, NF_ERR_RULE, file, v,
                            "lexicon '%s': entry attribute '%s': expected a scalar", lex->name,
                            k->val);
            if (strcmp(k->val, "entry") == 0) {
                text = v->val;
                tlen = v->len;
                at = v;
                continue;
            }
            uint32_t kid = nfi_strtab_intern(&r->names, k->val, k->len);
            char *val = nfi_arena_strdup(&r->arena, v->val);
            nfi_kv *kv = nfi_vec_push(&r->lex_attrs);
            if (kid == NFI_NONE || !val || !kv) return nomem(L, file);
            kv->key = r->names.strs[kid];
            kv->value = val;
            acount++;
        }
        if (!text)
            return lerr(L, NF_ERR_RULE, file, e,
                        "lexicon '%s': an entry mapping needs 'entry: TEXT'", lex->name);
    } else {
        return lerr(L, NF_ERR_RULE, file, e,
                    "lexicon '%s': expected an entry (a string or a mapping with 'entry')",
                    lex->name);
    }
    nf_status st = nfi_lexicon_add(r, lex, text, tlen, astart, acount);
    if (st == NF_ERR_RULE)
        return lerr(L, NF_ERR_RULE, file, at, "lexicon '%s': empty or too long entry", lex->name);
    return st == NF_OK ? NF_OK : nomem(L, file);
}

static nf_status load_lexicons(loader *L, const char *file, const ynode *n)
{
    nf_rules *r = L->r;
    nf_status st = want(L, file, n, Y_MAP, "lexicons");
    for (size_t i = 0; st == NF_OK && i < n->n; i++) {
        const ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
        if (!valid_name(k->val))
            return lerr(L, NF_ERR_RULE, file, k,
                        "lexicon name '%s': expected letters, digits, _ . -", k->val);
        const nfi_lexicon *old = nfi_rules_lexicon(r, k->val);
        if (old) {
            const nfi_pos *p = &L->lex_pos.items[old->index];
            return lerr(L, NF_ERR_RULE, file, k, "lexicon '%s' is defined twice (first at %s:%u:%u)",
                        k->val, p->file, p->line, p->col);
        }
        nfi_lexicon *lex = nfi_lexicon_new(r, k->val);
        nfi_pos *lp = nfi_vec_push(&L->lex_pos);
        if (!lex || !lp) return nomem(L, file);
        *lp = pos_of(file, k);
        const ynode *entries = NULL, *files = NULL;
        if (v->kind == Y_SEQ) {
            entries = v;
        } else if (v->kind == Y_MAP) {
            for (size_t j = 0; j < v->n; j++) {
                const ynode *kk = v->items[2 * j], *vv = v->items[2 * j + 1];
                if (strcmp(kk->val, "entries") == 0) {
                    if ((st = want(L, file, vv, Y_SEQ, "entries")) != NF_OK) return st;
                    entries = vv;
                } else if (strcmp(kk->val, "file") == 0 || strcmp(kk->val, "files") == 0) {
                    if (vv->kind == Y_MAP)
                        return lerr(L, NF_ERR_RULE, file, vv,
                                    "file: expected a path or a list of paths");
                    files = vv;
                } else if (strcmp(kk->val, "description") == 0 || strcmp(kk->val, "source") == 0 ||
                           strcmp(kk->val, "license") == 0) {
                    if ((st = want(L, file, vv, Y_SCALAR, kk->val)) != NF_OK) return st;
                } else {
                    return lerr(L, NF_ERR_RULE, file, kk,
                                "unknown key '%s' in lexicon '%s' (expected entries, file, "
                                "description, source or license)", kk->val, k->val);
                }
            }
        } else {
            return lerr(L, NF_ERR_RULE, file, v,
                        "lexicon '%s': expected a list of entries or a mapping with entries/file",
                        k->val);
        }
        for (size_t j = 0; entries && j < entries->n; j++)
            if ((st = lexicon_entry(L, file, lex, entries->items[j])) != NF_OK) return st;
        size_t nf = files ? (files->kind == Y_SEQ ? files->n : 1) : 0;
        for (size_t j = 0; j < nf; j++) {
            const ynode *fn = files->kind == Y_SEQ ? files->items[j] : files;
            if (fn->kind != Y_SCALAR) return lerr(L, NF_ERR_RULE, file, fn, "file: expected a path");
            char *path = join_path(&L->tmp, file, fn->val);
            if (!path) return nomem(L, file);
            if (++L->files > L->opts.max_files)
                return lerr(L, NF_ERR_LIMIT, file, fn, "more than max_files (%u) files",
                            L->opts.max_files);
            nf_error sub;
            st = nfi_lexicon_load_file(r, lex, path, L->opts.max_file_bytes, &sub);
            if (st != NF_OK) {
                if (sub.line || st != NF_ERR_IO) {
                    if (L->err) *L->err = sub;
                } else {
                    lerr(L, st, file, fn, "lexicon '%s': %s: %s", k->val, fn->val, sub.message);
                }
                return st;
            }
        }
    }
    return st;
}

static nf_status load_text(loader *L, const char *file, const char *buf, size_t len)
{
    ynode *root;
    nf_status st = parse_yaml(L, file, buf, len, &root);
    if (st != NF_OK) return st;
    ynode top = {0};
    top.line = top.col = 1;
    if (!root || root->kind != Y_MAP)
        return lerr(L, NF_ERR_RULE, file, root ? root : &top,
                    "a rule file is a mapping that starts with 'schema: 1'");
    const ynode *schema = NULL, *include = NULL;
    for (size_t i = 0; i < root->n; i++) {
        const ynode *k = root->items[2 * i], *v = root->items[2 * i + 1];
        if (strcmp(k->val, "schema") == 0) schema = v;
        else if (strcmp(k->val, "include") == 0) include = v;
        else if (strcmp(k->val, "settings") != 0 && strcmp(k->val, "lexicons") != 0 &&
                 strcmp(k->val, "phases") != 0 && strcmp(k->val, "rules") != 0 &&
                 strcmp(k->val, "description") != 0)
            return lerr(L, NF_ERR_RULE, file, k,
                        "unknown top-level key '%s' (expected schema, include, settings, "
                        "lexicons, phases, rules or description)", k->val);
    }
    if (!schema)
        return lerr(L, NF_ERR_RULE, file, &top, "missing 'schema: %d' at the top of the file",
                    NF_RULES_SCHEMA);
    long sv;
    if ((st = want_int(L, file, schema, "schema", 0, 1000000, &sv)) != NF_OK) return st;
    if (sv != NF_RULES_SCHEMA)
        return lerr(L, NF_ERR_RULE, file, schema,
                    "unsupported schema %ld (this library reads schema %d)", sv, NF_RULES_SCHEMA);
    if (include) {
        size_t n = include->kind == Y_SEQ ? include->n : 1;
        if (include->kind == Y_MAP)
            return lerr(L, NF_ERR_RULE, file, include, "include: expected a path or a list of paths");
        for (size_t i = 0; i < n; i++) {
            const ynode *p = include->kind == Y_SEQ ? include->items[i] : include;
            if (p->kind != Y_SCALAR) return lerr(L, NF_ERR_RULE, file, p, "include: expected a path");
            char *path = join_path(&L->tmp, file, p->val);
            if (!path) return nomem(L, file);
            if ((st = load_path(L, path, file, p)) != NF_OK) return st;
        }
    }
    for (size_t i = 0; i < root->n; i++) {
        const ynode *k = root->items[2 * i], *v = root->items[2 * i + 1];
        if (strcmp(k->val, "settings") == 0) st = load_settings(L, file, v);
        else if (strcmp(k->val, "lexicons") == 0) st = load_lexicons(L, file, v);
        else if (strcmp(k->val, "description") == 0) st = want(L, file, v, Y_SCALAR, "description");
        else if (strcmp(k->val, "phases") == 0) {
            st = want(L, file, v, Y_SEQ, "phases");
            for (size_t j = 0; st == NF_OK && j < v->n; j++) st = add_phase(L, file, v->items[j]);
        } else if (strcmp(k->val, "rules") == 0) {
            st = want(L, file, v, Y_SEQ, "rules");
            for (size_t j = 0; st == NF_OK && j < v->n; j++) {
                if ((st = want(L, file, v->items[j], Y_MAP, "a rule")) != NF_OK) break;
                rawrule *rr = nfi_vec_push(&L->raw);
                if (!rr) return nomem(L, file);
                rr->node = v->items[j];
                rr->file = file;
            }
        }
        if (st != NF_OK) return st;
    }
    return NF_OK;
}

/* ------------------------------------------------------------ pass 2 */

static const ynode *map_get(const ynode *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[2 * i]->val, key) == 0) return m->items[2 * i + 1];
    return NULL;
}

static uint32_t phase_index(const nf_rules *r, const char *name)
{
    for (size_t i = 0; i < r->phases.len; i++)
        if (strcmp(r->phases.items[i].name, name) == 0) return (uint32_t)i;
    return NFI_NONE;
}

static nf_status type_list(loader *L, const char *file, const ynode *v, const char *what,
                           uint32_t **out, uint32_t *n)
{
    size_t cnt = v->kind == Y_SEQ ? v->n : 1;
    if (v->kind == Y_MAP) return lerr(L, NF_ERR_RULE, file, v, "%s: expected a type or a list of types", what);
    *out = nfi_arena_alloc(&L->r->arena, (cnt + 1) * sizeof **out);
    if (!*out) return nomem(L, file);
    for (size_t i = 0; i < cnt; i++) {
        const ynode *t = v->kind == Y_SEQ ? v->items[i] : v;
        if (t->kind != Y_SCALAR || !valid_name(t->val))
            return lerr(L, NF_ERR_RULE, file, t, "%s: expected a type name", what);
        (*out)[i] = nfi_type_intern(L->r, t->val, t->len);
        if ((*out)[i] == NFI_NONE) return nomem(L, file);
    }
    *n = (uint32_t)cnt;
    return NF_OK;
}

static nf_status compile_attrs(loader *L, const char *file, nfi_rule *rule, const ynode *v)
{
    nf_rules *r = L->r;
    nf_status st = want(L, file, v, Y_MAP, "attrs");
    if (st != NF_OK) return st;
    rule->attrs = nfi_arena_alloc(&r->arena, (v->n + 1) * sizeof *rule->attrs);
    if (!rule->attrs) return nomem(L, file);
    rule->nattrs = (uint32_t)v->n;
    for (size_t i = 0; i < v->n; i++) {
        const ynode *k = v->items[2 * i], *val = v->items[2 * i + 1];
        nfi_emit_attr *a = &rule->attrs[i];
        uint32_t kid = nfi_strtab_intern(&r->names, k->val, k->len);
        if (kid == NFI_NONE) return nomem(L, file);
        a->key = r->names.strs[kid];
        if (val->kind != Y_SCALAR)
            return lerr(L, NF_ERR_RULE, file, val,
                        "attribute '%s': expected a value or $capture[.key]", k->val);
        const char *s = val->val;
        if (s[0] != '$' || s[1] == '$') {
            a->kind = NFI_ATTR_LITERAL;
            a->value = nfi_arena_strdup(&r->arena, s[0] == '$' ? s + 1 : s);
            if (!a->value) return nomem(L, file);
            continue;
        }
        const char *dot = strchr(s + 1, '.');
        size_t nl = dot ? (size_t)(dot - s - 1) : strlen(s + 1);
        uint32_t cap = NFI_NONE;
        if (!rule->re) {
            for (uint32_t c = 0; c < rule->prog->ncaps; c++)
                if (strlen(rule->prog->cap_names[c]) == nl &&
                    memcmp(rule->prog->cap_names[c], s + 1, nl) == 0)
                    cap = c;
        } else if (rule->re) {
            char name[128];
            if (nl < sizeof name) {
                memcpy(name, s + 1, nl);
                name[nl] = '\0';
                int g = pcre2_substring_number_from_name(rule->re, (PCRE2_SPTR)name);
                if (g > 0) cap = (uint32_t)g;
                if (g >= NFI_MAX_CAPS)
                    return lerr(L, NF_ERR_RULE, file, val,
                                "capture '%s' is group %d: regex rules may use groups 1 to %d",
                                name, g, NFI_MAX_CAPS - 1);
            }
        }
        if (cap == NFI_NONE)
            return lerr(L, NF_ERR_RULE, file, val,
                        "attribute '%s': undefined capture '%.*s' (name it in the %s with "
                        "(?<%.*s> ...))", k->val, (int)nl, s + 1, rule->re ? "regex" : "pattern",
                        (int)nl, s + 1);
        a->cap = cap;
        if (!dot) {
            a->kind = NFI_ATTR_CAPTURE;
            continue;
        }
        if (rule->re)
            return lerr(L, NF_ERR_RULE, file, val,
                        "attribute '%s': $capture.key needs a token pattern (regex captures have "
                        "no lexicon attributes)", k->val);
        if (!dot[1])
            return lerr(L, NF_ERR_RULE, file, val, "attribute '%s': expected a key after '.'",
                        k->val);
        if (!rule->prog->cap_nlexes[cap] && !rule->prog->cap_ntypes[cap])
            return lerr(L, NF_ERR_RULE, file, val,
                        "attribute '%s': capture '%.*s' holds no lexicon or annotation to take "
                        "'%s' from", k->val, (int)nl, s + 1, dot + 1);
        uint32_t sk = nfi_strtab_intern(&r->names, dot + 1, strlen(dot + 1));
        if (sk == NFI_NONE) return nomem(L, file);
        a->kind = NFI_ATTR_CAPKEY;
        a->subkey = r->names.strs[sk];
    }
    return NF_OK;
}

static nf_status compile_examples(loader *L, const char *file, nfi_rule *rule, const ynode *ex,
                                  const ynode *cex)
{
    nf_rules *r = L->r;
    nf_status st;
    size_t n = (ex ? ex->n : 0) + (cex ? cex->n : 0);
    if (ex && (st = want(L, file, ex, Y_SEQ, "examples")) != NF_OK) return st;
    if (cex && (st = want(L, file, cex, Y_SEQ, "counter_examples")) != NF_OK) return st;
    rule->examples = nfi_arena_alloc(&r->arena, (n + 1) * sizeof *rule->examples);
    if (!rule->examples) return nomem(L, file);
    for (size_t i = 0; ex && i < ex->n; i++) {
        const ynode *e = ex->items[i];
        nfi_example *x = &rule->examples[rule->nexamples++];
        x->type = NFI_NONE;
        x->pos = pos_of(file, e);
        if (e->kind == Y_SCALAR) {
            x->text = x->match = nfi_arena_strdup(&r->arena, e->val);
        } else if (e->kind == Y_MAP) {
            for (size_t j = 0; j < e->n; j++) {
                const ynode *k = e->items[2 * j], *v = e->items[2 * j + 1];
                if ((st = want(L, file, v, Y_SCALAR, k->val)) != NF_OK) return st;
                if (strcmp(k->val, "text") == 0) x->text = nfi_arena_strdup(&r->arena, v->val);
                else if (strcmp(k->val, "match") == 0) x->match = nfi_arena_strdup(&r->arena, v->val);
                else if (strcmp(k->val, "type") == 0) {
                    x->type = nfi_type_intern(r, v->val, v->len);
                    if (x->type == NFI_NONE) return nomem(L, file);
                } else
                    return lerr(L, NF_ERR_RULE, file, k,
                                "unknown key '%s' in an example (expected text, match, type)",
                                k->val);
            }
            if (!x->text) return lerr(L, NF_ERR_RULE, file, e, "example: missing 'text'");
            if (!x->match) x->match = x->text;
        } else {
            return lerr(L, NF_ERR_RULE, file, e,
                        "example: expected a text or a mapping with text and match");
        }
        if (!x->text || !x->match) return nomem(L, file);
        if (!strstr(x->text, x->match))
            return lerr(L, NF_ERR_RULE, file, e, "example: match '%s' is not part of the text",
                        x->match);
    }
    for (size_t i = 0; cex && i < cex->n; i++) {
        const ynode *e = cex->items[i];
        if ((st = want(L, file, e, Y_SCALAR, "counter example")) != NF_OK) return st;
        nfi_example *x = &rule->examples[rule->nexamples++];
        x->type = NFI_NONE;
        x->pos = pos_of(file, e);
        x->text = nfi_arena_strdup(&r->arena, e->val);
        if (!x->text) return nomem(L, file);
    }
    return NF_OK;
}

/* The anchored regex's required literal as a regex of its own (its
 * characters escaped), so that the engine can look for it ahead of an
 * anchor with PCRE2's fast search. A rule without one keeps re_lit NULL. */
static nf_status compile_required_literal(nf_rules *r, nfi_rule *rule, const ynode *re,
                                          const nfi_pos *pos)
{
    char lit[NFI_RELIT_MAX], pat[2 * NFI_RELIT_MAX];
    bool caseless;
    size_t n = nfi_regex_required_literal(re->val, re->len, lit, &caseless), k = 0;
    if (!n) return NF_OK;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)lit[i];
        bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
        if (!alnum) pat[k++] = '\\';
        pat[k++] = (char)c;
    }
    nf_error ignored;
    rule->re_lit = nfi_regex_compile(r, pat, k, caseless ? PCRE2_CASELESS : 0, pos, pat, 0, &ignored);
    if (!rule->re_lit) return ignored.code == NF_ERR_NOMEM ? NF_ERR_NOMEM : NF_OK;
    rule->re_lit_len = (uint32_t)n;
    return NF_OK;
}

static const char *const rule_keys =
    "name, phase, priority, pattern, regex, anchor, emit, attrs, remove, retag, cross_sentences, "
    "overlap, max_tokens, examples, counter_examples, description";

static nf_status compile_rule(loader *L, const rawrule *rr, nfi_strtab *names,
                              pos_vec *name_pos)
{
    nf_rules *r = L->r;
    const char *file = rr->file;
    const ynode *m = rr->node;
    static const char *const known[] = {"name", "phase", "priority", "pattern", "regex", "anchor",
                                        "emit", "attrs", "remove", "retag", "cross_sentences", "overlap",
                                        "max_tokens", "examples", "counter_examples",
                                        "description"};
    const ynode *name = map_get(m, "name");
    if (!name) return lerr(L, NF_ERR_RULE, file, m, "rule without 'name'");
    nf_status st = want(L, file, name, Y_SCALAR, "name");
    if (st != NF_OK) return st;
    if (!name->len) return lerr(L, NF_ERR_RULE, file, name, "name: expected a rule name");
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->items[2 * i];
        bool ok = false;
        for (size_t j = 0; j < sizeof known / sizeof known[0]; j++)
            if (strcmp(known[j], k->val) == 0) ok = true;
        if (!ok)
            return lerr(L, NF_ERR_RULE, file, k, "unknown key '%s' in rule '%s' (expected %s)",
                        k->val, name->val, rule_keys);
    }
    uint32_t before = names->count;
    uint32_t nid = nfi_strtab_intern(names, name->val, name->len);
    if (nid == NFI_NONE) return nomem(L, file);
    if (nid < before) {
        const nfi_pos *p = &name_pos->items[nid];
        return lerr(L, NF_ERR_RULE, file, name, "duplicate rule name '%s' (first at %s:%u:%u)",
                    name->val, p->file, p->line, p->col);
    }
    nfi_pos *np = nfi_vec_push(name_pos);
    nfi_rule *rule = nfi_vec_push(&r->rules);
    if (!np || !rule) return nomem(L, file);
    *np = pos_of(file, name);
    rule->index = (uint32_t)(r->rules.len - 1);
    rule->name = nfi_arena_strdup(&r->arena, name->val);
    rule->pos = pos_of(file, name);
    rule->emit = NFI_NONE;
    rule->max_tokens = NFI_DEFAULT_MAX_TOKENS;
    if (!rule->name) return nomem(L, file);
    const ynode *v;
    if ((v = map_get(m, "phase"))) {
        if ((st = want(L, file, v, Y_SCALAR, "phase")) != NF_OK) return st;
        rule->phase = phase_index(r, v->val);
        if (rule->phase == NFI_NONE)
            return lerr(L, NF_ERR_RULE, file, v,
                        "undefined phase '%s' in rule '%s' (declare it under 'phases:')", v->val,
                        name->val);
    } else {
        rule->phase = 0;
    }
    long lv;
    if ((v = map_get(m, "priority"))) {
        if ((st = want_int(L, file, v, "priority", -1000000, 1000000, &lv)) != NF_OK) return st;
        rule->priority = (int32_t)lv;
    }
    if ((v = map_get(m, "max_tokens"))) {
        if ((st = want_int(L, file, v, "max_tokens", 1, 1000, &lv)) != NF_OK) return st;
        rule->max_tokens = (uint32_t)lv;
    }
    if ((v = map_get(m, "cross_sentences")) &&
        (st = want_bool(L, file, v, "cross_sentences", &rule->cross_sentences)) != NF_OK)
        return st;
    if ((v = map_get(m, "overlap")) && (st = want_bool(L, file, v, "overlap", &rule->overlap)) != NF_OK)
        return st;
    const ynode *pat = map_get(m, "pattern"), *re = map_get(m, "regex");
    if (pat && re)
        return lerr(L, NF_ERR_RULE, file, re, "rule '%s' has both 'pattern' and 'regex': keep one",
                    name->val);
    if (!pat && !re)
        return lerr(L, NF_ERR_RULE, file, m, "rule '%s' needs a 'pattern' or a 'regex'", name->val);
    if (pat) {
        if ((st = want(L, file, pat, Y_SCALAR, "pattern")) != NF_OK) return st;
        nfi_pos pp = pos_of(file, pat);
        rule->prog = nfi_pattern_compile(r, pat->val, &pp, rule->name, L->err);
        if (!rule->prog) return L->err ? L->err->code : NF_ERR_RULE;
        if (nfi_prog_prefilter(r, rule->prog) != NF_OK) return nomem(L, file);
    } else {
        if ((st = want(L, file, re, Y_SCALAR, "regex")) != NF_OK) return st;
        if (!re->len) return lerr(L, NF_ERR_RULE, file, re, "regex: expected a regular expression");
        /* With an anchor, the regex is tried only at the tokens where the
         * anchor pattern matches, anchored there, instead of scanning the
         * whole text: the anchor is indexed like a token pattern. */
        const ynode *anchor = map_get(m, "anchor");
        if (anchor) {
            if ((st = want(L, file, anchor, Y_SCALAR, "anchor (a token pattern)")) != NF_OK)
                return st;
            nfi_pos ap = pos_of(file, anchor);
            rule->prog = nfi_pattern_compile(r, anchor->val, &ap, rule->name, L->err);
            if (!rule->prog) return L->err ? L->err->code : NF_ERR_RULE;
            if (nfi_prog_prefilter(r, rule->prog) != NF_OK) return nomem(L, file);
        }
        nfi_pos rp = pos_of(file, re);
        /* anchored at a token: PCRE2's search for a required character
         * ahead (up to thousands of bytes) costs more than it saves; it
         * changes no match unless a backtracking verb "(*...)" is used */
        bool verb = false;
        for (size_t k = 0; k + 1 < re->len && !verb; k++)
            verb = re->val[k] == '(' && re->val[k + 1] == '*';
        uint32_t opts = !anchor ? 0
                        : verb  ? PCRE2_ANCHORED
                                : PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE;
        rule->re = nfi_regex_compile(r, re->val, re->len, opts, &rp, re->val, 0, L->err);
        if (!rule->re) return L->err ? L->err->code : NF_ERR_REGEX;
        if (anchor && (st = compile_required_literal(r, rule, re, &rp)) != NF_OK) return nomem(L, file);
    }
    if (pat && map_get(m, "anchor"))
        return lerr(L, NF_ERR_RULE, file, map_get(m, "anchor"),
                    "rule '%s': 'anchor' belongs to a regex rule (a pattern starts where it "
                    "matches already)", name->val);
    if (rule->max_tokens > r->max_tokens) r->max_tokens = rule->max_tokens;
    bool action = false;
    if ((v = map_get(m, "emit"))) {
        if (v->kind != Y_SCALAR || !valid_name(v->val))
            return lerr(L, NF_ERR_RULE, file, v, "emit: expected a type name (letters, digits, _ . -)");
        rule->emit = nfi_type_intern(r, v->val, v->len);
        if (rule->emit == NFI_NONE) return nomem(L, file);
        action = true;
    }
    if ((v = map_get(m, "attrs"))) {
        if (rule->emit == NFI_NONE)
            return lerr(L, NF_ERR_RULE, file, v, "attrs: the rule has no 'emit' to attach them to");
        if ((st = compile_attrs(L, file, rule, v)) != NF_OK) return st;
    }
    if ((v = map_get(m, "remove"))) {
        if ((st = type_list(L, file, v, "remove", &rule->remove, &rule->nremove)) != NF_OK) return st;
        action = true;
    }
    if ((v = map_get(m, "retag"))) {
        if ((st = want(L, file, v, Y_MAP, "retag (FROM: TO)")) != NF_OK) return st;
        rule->retag_from = nfi_arena_alloc(&r->arena, (v->n + 1) * sizeof *rule->retag_from);
        rule->retag_to = nfi_arena_alloc(&r->arena, (v->n + 1) * sizeof *rule->retag_to);
        if (!rule->retag_from || !rule->retag_to) return nomem(L, file);
        for (size_t i = 0; i < v->n; i++) {
            const ynode *k = v->items[2 * i], *t = v->items[2 * i + 1];
            if (t->kind != Y_SCALAR || !valid_name(t->val) || !valid_name(k->val))
                return lerr(L, NF_ERR_RULE, file, t, "retag: expected FROM_TYPE: TO_TYPE");
            rule->retag_from[i] = nfi_type_intern(r, k->val, k->len);
            rule->retag_to[i] = nfi_type_intern(r, t->val, t->len);
            if (rule->retag_from[i] == NFI_NONE || rule->retag_to[i] == NFI_NONE)
                return nomem(L, file);
        }
        rule->nretag = (uint32_t)v->n;
        action = v->n > 0;
    }
    if (!action)
        return lerr(L, NF_ERR_RULE, file, m,
                    "rule '%s' does nothing: add 'emit: TYPE', 'remove: [TYPE]' or 'retag'",
                    name->val);
    if ((v = map_get(m, "description")) && (st = want(L, file, v, Y_SCALAR, "description")) != NF_OK)
        return st;
    return compile_examples(L, file, rule, map_get(m, "examples"), map_get(m, "counter_examples"));
}

/* Checks that every type a rule reads was emitted in an earlier phase. */
static nf_status check_types(loader *L, const rawrule_vec *raw)
{
    nf_rules *r = L->r;
    for (size_t i = 0; i < r->rules.len; i++) {
        const nfi_rule *ru = &r->rules.items[i];
        uint32_t ts[64], nt = 0;
        if (ru->emit != NFI_NONE) ts[nt++] = ru->emit;
        for (uint32_t k = 0; k < ru->nretag && nt < 64; k++) ts[nt++] = ru->retag_to[k];
        for (uint32_t k = 0; k < nt; k++)
            if (r->type_phase.items[ts[k]] == NFI_NONE || r->type_phase.items[ts[k]] > ru->phase)
                r->type_phase.items[ts[k]] = ru->phase;
    }
    for (size_t i = 0; i < r->rules.len; i++) {
        const nfi_rule *ru = &r->rules.items[i];
        const rawrule *rr = &raw->items[i];
        const ynode *at = map_get(rr->node, "pattern");
        for (uint32_t pc = 0; ru->prog && pc < ru->prog->len; pc++) {
            if (ru->prog->code[pc].op != NFI_OP_ANN) continue;
            uint32_t t = ru->prog->code[pc].x;
            uint32_t ph = r->type_phase.items[t];
            if (ph == NFI_NONE)
                return lerr(L, NF_ERR_RULE, rr->file, at,
                            "in pattern of rule '%s': undefined type <%s> (no rule emits it)",
                            ru->name, r->types.items[t]);
            if (ph == ru->phase)
                return lerr(L, NF_ERR_RULE, rr->file, at,
                            "in pattern of rule '%s': <%s> is emitted in the same phase '%s'; a "
                            "pattern reads annotations of earlier phases only",
                            ru->name, r->types.items[t], r->phases.items[ph].name);
            if (ph > ru->phase)
                return lerr(L, NF_ERR_RULE, rr->file, at,
                            "in pattern of rule '%s': <%s> is first emitted in phase '%s', which "
                            "does not run before this rule's phase '%s'",
                            ru->name, r->types.items[t], r->phases.items[ph].name,
                            r->phases.items[ru->phase].name);
        }
        const ynode *rm = map_get(rr->node, "remove"), *rt = map_get(rr->node, "retag");
        for (uint32_t k = 0; k < ru->nremove; k++)
            if (r->type_phase.items[ru->remove[k]] == NFI_NONE)
                return lerr(L, NF_ERR_RULE, rr->file, rm,
                            "remove: undefined type '%s' (no rule emits it)",
                            r->types.items[ru->remove[k]]);
        for (uint32_t k = 0; k < ru->nretag; k++)
            if (r->type_phase.items[ru->retag_from[k]] == NFI_NONE)
                return lerr(L, NF_ERR_RULE, rr->file, rt,
                            "retag: undefined type '%s' (no rule emits it)",
                            r->types.items[ru->retag_from[k]]);
        for (uint32_t k = 0; k < ru->nexamples; k++) {
            const nfi_example *x = &ru->examples[k];
            if (x->type != NFI_NONE && r->type_phase.items[x->type] == NFI_NONE)
                return nfi_error_set(L->err, NF_ERR_RULE, x->pos.file, x->pos.line, x->pos.col,
                                     "example: undefined type '%s' (no rule emits it)",
                                     r->types.items[x->type]);
        }
    }
    return NF_OK;
}

typedef struct keyrule {
    uint32_t key, rule;
} keyrule;

static int cmp_keyrule(const void *a, const void *b)
{
    const keyrule *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Groups (key, rule) pairs into lists; returns distinct key count. */
static uint32_t group_lists(keyrule *kr, size_t n, uint32_t *lists, size_t *lpos,
                            uint32_t *keys, uint32_t *starts, uint32_t *counts)
{
    if (n) qsort(kr, n, sizeof *kr, cmp_keyrule);
    uint32_t nk = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && kr[i].key == kr[i - 1].key && kr[i].rule == kr[i - 1].rule) continue;
        if (!nk || keys[nk - 1] != kr[i].key) {
            keys[nk] = kr[i].key;
            starts[nk] = (uint32_t)*lpos;
            counts[nk] = 0;
            nk++;
        }
        lists[(*lpos)++] = kr[i].rule;
        counts[nk - 1]++;
    }
    return nk;
}

typedef struct sigrule {
    const char *sig;
    uint32_t rule, test;
} sigrule;
typedef NFI_VEC(sigrule) sigrule_vec;

/* Files rule ri under the group of its first test t (by the test's text);
 * NF_ERR_RULE when the text is too long to be a key (the caller then keeps
 * the rule in the any bucket). */
static nf_status add_sigrule(loader *L, sigrule_vec *sigs, uint32_t ri, uint32_t t, bool *too_long)
{
    nfi_rule *ru = &L->r->rules.items[ri];
    char sig[512];
    if (nfi_test_sig(ru->prog, t, sig, sizeof sig) >= sizeof sig) {
        *too_long = true;
        return NF_OK;
    }
    sigrule *sr = nfi_vec_push(sigs);
    char *copy = sr ? nfi_arena_strdup(&L->tmp, sig) : NULL;
    if (!copy) return NF_ERR_NOMEM;
    sr->sig = copy;
    sr->rule = ri;
    sr->test = t;
    return NF_OK;
}

static int cmp_sigrule(const void *a, const void *b)
{
    const sigrule *x = a, *y = b;
    int c = strcmp(x->sig, y->sig);
    if (c) return c;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int cmp_pf(const void *a, const void *b)
{
    const nfi_pfkey *x = a, *y = b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static nf_status build_index(loader *L)
{
    nf_rules *r = L->r;
    nf_status st = NF_OK;
    for (size_t ph = 0; ph < r->phases.len && st == NF_OK; ph++) {
        nfi_phase *P = &r->phases.items[ph];
        NFI_VEC(keyrule) words = {0}, lexes = {0}, types = {0};
        NFI_VEC(uint32_t) regex = {0}, any = {0};
        sigrule_vec sigs = {0};
        for (uint32_t i = 0; i < r->rules.len && st == NF_OK; i++) {
            nfi_rule *ru = &r->rules.items[i];
            if (ru->phase != ph) continue;
            if (ru->re && !ru->prog) { /* unanchored: scans the text */
                uint32_t *s = nfi_vec_push(&regex);
                if (!s) st = NF_ERR_NOMEM;
                else *s = i;
                continue;
            }
            nfi_first f;
            memset(&f, 0, sizeof f);
            st = nfi_prog_first(ru->prog, &f);
            if (st == NF_OK && f.any) {
                ru->prog->any_first = true;
                uint32_t *s = nfi_vec_push(&any);
                if (!s) st = NF_ERR_NOMEM;
                else *s = i;
            } else if (st == NF_OK) {
                for (size_t k = 0; k < f.words.len && st == NF_OK; k++) {
                    if (f.words.items[k] == NFI_NONE) continue;
                    keyrule *kr = nfi_vec_push(&words);
                    if (!kr) st = NF_ERR_NOMEM;
                    else kr->key = f.words.items[k], kr->rule = i;
                }
                for (size_t k = 0; k < f.lexes.len && st == NF_OK; k++) {
                    keyrule *kr = nfi_vec_push(&lexes);
                    if (!kr) st = NF_ERR_NOMEM;
                    else kr->key = f.lexes.items[k], kr->rule = i;
                }
                for (size_t k = 0; k < f.types.len && st == NF_OK; k++) {
                    keyrule *kr = nfi_vec_push(&types);
                    if (!kr) st = NF_ERR_NOMEM;
                    else kr->key = f.types.items[k], kr->rule = i;
                }
                /* first tests with no word key: the rule joins the group of
                 * each (a rule may be a candidate by several keys) */
                bool too_long = false;
                for (size_t k = 0; k < f.tests.len && st == NF_OK; k++)
                    st = add_sigrule(L, &sigs, i, f.tests.items[k], &too_long);
                if (too_long && st == NF_OK) { /* cannot key it: try it at every token */
                    ru->prog->any_first = true;
                    uint32_t *s = nfi_vec_push(&any);
                    if (!s) st = NF_ERR_NOMEM;
                    else *s = i;
                }
            }
            nfi_vec_free(&f.words);
            nfi_vec_free(&f.lexes);
            nfi_vec_free(&f.types);
            nfi_vec_free(&f.tests);
        }
        /* any-bucket rules that start with one token test: group equal tests */
        size_t plain = 0;
        for (size_t k = 0; k < any.len && st == NF_OK; k++) {
            const nfi_prog *pg = r->rules.items[any.items[k]].prog;
            uint32_t t = nfi_prog_first_test(pg);
            char sig[512];
            if (t == NFI_NONE || nfi_test_sig(pg, t, sig, sizeof sig) >= sizeof sig) {
                any.items[plain++] = any.items[k];
                continue;
            }
            sigrule *sr = nfi_vec_push(&sigs);
            char *copy = sr ? nfi_arena_strdup(&L->tmp, sig) : NULL;
            if (!copy) {
                st = NF_ERR_NOMEM;
                break;
            }
            sr->sig = copy;
            sr->rule = any.items[k];
            sr->test = t;
        }
        any.len = plain;
        if (sigs.len) qsort(sigs.items, sigs.len, sizeof *sigs.items, cmp_sigrule);
        for (size_t k = 0; k < lexes.len; k++)
            if (lexes.items[k].key < 64) r->lex_indexed |= 1ull << lexes.items[k].key;
        size_t total = words.len + lexes.len + types.len + sigs.len + 1;
        nfi_arena *a = &r->arena;
        P->lists = st == NF_OK ? nfi_arena_alloc(a, total * sizeof *P->lists) : NULL;
        size_t nw = words.len + 1;
        uint32_t *wkeys = P->lists ? nfi_arena_alloc(a, nw * 3 * sizeof *wkeys) : NULL;
        P->lex_ids = wkeys ? nfi_arena_alloc(a, (lexes.len + 1) * 3 * sizeof *wkeys) : NULL;
        P->type_ids = P->lex_ids ? nfi_arena_alloc(a, (types.len + 1) * 3 * sizeof *wkeys) : NULL;
        P->regex_rules = P->type_ids ? nfi_arena_alloc(a, (regex.len + 1) * sizeof *wkeys) : NULL;
        P->any_rules = P->regex_rules ? nfi_arena_alloc(a, (any.len + 1) * sizeof *wkeys) : NULL;
        if (st == NF_OK && !P->any_rules) st = NF_ERR_NOMEM;
        if (st == NF_OK) {
            size_t lpos = 0;
            uint32_t *wstart = wkeys + nw, *wcount = wkeys + 2 * nw;
            uint32_t nwk = group_lists(words.items, words.len, P->lists, &lpos, wkeys, wstart, wcount);
            P->lex_start = P->lex_ids + lexes.len + 1;
            P->lex_count = P->lex_start + lexes.len + 1;
            P->nlex = group_lists(lexes.items, lexes.len, P->lists, &lpos, P->lex_ids, P->lex_start,
                                  P->lex_count);
            P->type_start = P->type_ids + types.len + 1;
            P->type_count = P->type_start + types.len + 1;
            P->ntypes = group_lists(types.items, types.len, P->lists, &lpos, P->type_ids,
                                    P->type_start, P->type_count);
            /* open hash over the distinct words */
            uint32_t slots = 16;
            while (slots < 2 * nwk + 2) slots *= 2;
            P->word_slots = slots;
            P->word_keys = nfi_arena_alloc(a, slots * 3 * sizeof *P->word_keys);
            if (!P->word_keys) st = NF_ERR_NOMEM;
            else {
                P->word_start = P->word_keys + slots;
                P->word_count = P->word_start + slots;
                for (uint32_t k = 0; k < nwk; k++) {
                    uint32_t h = (wkeys[k] * 2654435761u) & (slots - 1);
                    while (P->word_keys[h]) h = (h + 1) & (slots - 1);
                    P->word_keys[h] = wkeys[k] + 1;
                    P->word_start[h] = wstart[k];
                    P->word_count[h] = wcount[k];
                }
            }
            P->grp_rule = nfi_arena_alloc(a, (sigs.len + 1) * 6 * sizeof *P->grp_rule);
            size_t npf = 0;
            for (size_t k = 0; k < sigs.len; k++) npf += r->rules.items[sigs.items[k].rule].prog->pf_n;
            P->pf = nfi_arena_alloc(a, (npf + 1) * sizeof *P->pf);
            P->grp_pf_bits = nfi_arena_alloc(a, (sigs.len + 1) * sizeof *P->grp_pf_bits);
            if (!P->grp_rule || !P->pf || !P->grp_pf_bits) st = NF_ERR_NOMEM;
            else {
                P->grp_test = P->grp_rule + sigs.len + 1;
                P->grp_start = P->grp_test + sigs.len + 1;
                P->grp_count = P->grp_start + sigs.len + 1;
                P->grp_pf_start = P->grp_count + sigs.len + 1;
                P->grp_pf_count = P->grp_pf_start + sigs.len + 1;
                size_t pfpos = 0;
                for (size_t k = 0; k < sigs.len;) {
                    size_t k2 = k;
                    while (k2 < sigs.len && strcmp(sigs.items[k2].sig, sigs.items[k].sig) == 0) k2++;
                    uint32_t g = P->ngroups++;
                    P->grp_rule[g] = sigs.items[k].rule;
                    P->grp_test[g] = sigs.items[k].test;
                    P->grp_start[g] = (uint32_t)lpos;
                    P->grp_pf_start[g] = (uint32_t)pfpos;
                    for (size_t j = k; j < k2; j++) {
                        const nfi_prog *pg = r->rules.items[sigs.items[j].rule].prog;
                        if (!pg->pf_n) {
                            P->lists[lpos++] = sigs.items[j].rule;
                            continue;
                        }
                        for (uint32_t q = 0; q < pg->pf_n; q++) {
                            uint32_t key = pg->pf_keys[q];
                            P->pf[pfpos].off = pg->pf_off;
                            P->pf[pfpos].key = key;
                            P->pf[pfpos].rule = sigs.items[j].rule;
                            P->grp_pf_bits[g][(key >> 6) & 3] |= 1ull << (key & 63);
                            pfpos++;
                        }
                    }
                    P->grp_count[g] = (uint32_t)(lpos - P->grp_start[g]);
                    P->grp_pf_count[g] = (uint32_t)(pfpos - P->grp_pf_start[g]);
                    if (P->grp_pf_count[g])
                        qsort(P->pf + P->grp_pf_start[g], P->grp_pf_count[g], sizeof *P->pf, cmp_pf);
                    k = k2;
                }
            }
            if (regex.len) memcpy(P->regex_rules, regex.items, regex.len * sizeof *regex.items);
            P->nregex = (uint32_t)regex.len;
            if (any.len) memcpy(P->any_rules, any.items, any.len * sizeof *any.items);
            P->nany = (uint32_t)any.len;
        }
        nfi_vec_free(&words);
        nfi_vec_free(&lexes);
        nfi_vec_free(&types);
        nfi_vec_free(&regex);
        nfi_vec_free(&any);
        nfi_vec_free(&sigs);
    }
    return st == NF_OK ? NF_OK : nomem(L, "");
}

/* ------------------------------------------------------------ load API */

void nf_rules_free(nf_rules *r)
{
    if (!r) return;
    nfi_structure_ws_free(r->structure);
    for (size_t i = 0; i < r->codes.len; i++) pcre2_code_free(r->codes.items[i]);
    nfi_vec_free(&r->codes);
    nfi_strtab_free(&r->re_src);
    nfi_vec_free(&r->re_first);
    if (r->mctx) pcre2_match_context_free(r->mctx);
    nfi_strtab_free(&r->vocab);
    nfi_strtab_free(&r->names);
    nfi_trie_free(&r->trie);
    nfi_vec_free(&r->lex_entries);
    nfi_vec_free(&r->lex_attrs);
    nfi_vec_free(&r->lexicons);
    nfi_vec_free(&r->rules);
    nfi_vec_free(&r->phases);
    nfi_vec_free(&r->settings);
    nfi_vec_free(&r->types);
    nfi_vec_free(&r->type_phase);
    nfi_arena_free(&r->arena);
    free(r);
}

typedef enum { SRC_PATH, SRC_BUFFER } src_kind;

static nf_rules *load(src_kind kind, const char *path_or_name, const char *buf, size_t len,
                      const nf_load_options *opts, nf_error *err)
{
    nfi_error_clear(err);
    loader L;
    memset(&L, 0, sizeof L);
    L.err = err;
    if (opts && opts->version != NF_OPTIONS_VERSION) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0,
                      "load options version %u (expected %u): call nf_load_options_init",
                      opts->version, NF_OPTIONS_VERSION);
        return NULL;
    }
    if (opts) L.opts = *opts;
    else nf_load_options_init(&L.opts);
    nf_rules *r = calloc(1, sizeof *r);
    if (!r) {
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    L.r = r;
    nfi_arena_init(&r->arena);
    nfi_arena_init(&L.tmp);
    nfi_strtab_init(&r->vocab, &r->arena);
    nfi_strtab_init(&r->names, &r->arena);
    nfi_strtab_init(&r->re_src, &r->arena);
    nfi_trie_init(&r->trie);
    r->match_limit = L.opts.regex_match_limit;
    r->depth_limit = L.opts.regex_depth_limit;
    r->max_re_groups = 1;
    nf_status st = NF_OK;
    if (kind == SRC_PATH) {
        st = load_path(&L, path_or_name, NULL, NULL);
    } else {
        const char *name = path_or_name ? path_or_name : "<buffer>";
        const char *file = nfi_arena_strdup(&r->arena, name);
        if (!file) st = nomem(&L, name);
        else if (len > L.opts.max_file_bytes)
            st = nfi_error_set(err, NF_ERR_LIMIT, name, 0, 0,
                               "buffer is larger than max_file_bytes");
        else {
            L.files = 1;
            st = load_text(&L, file, buf, len);
        }
    }
    if (st == NF_OK && !r->phases.len) { /* no phases declared: one phase "main" */
        nfi_phase *ph = nfi_vec_push(&r->phases);
        if (!ph || !(ph->name = nfi_arena_strdup(&r->arena, "main"))) st = nomem(&L, "");
    }
    if (st == NF_OK) {
        nfi_strtab names;
        nfi_strtab_init(&names, &L.tmp);
        pos_vec name_pos = {0};
        for (size_t i = 0; st == NF_OK && i < L.raw.len; i++)
            st = compile_rule(&L, &L.raw.items[i], &names, &name_pos);
        nfi_strtab_free(&names);
        nfi_vec_free(&name_pos);
    }
    if (st == NF_OK) st = check_types(&L, &L.raw);
    if (st == NF_OK) st = build_index(&L);
    if (st == NF_OK && nfi_engine_prepare(r) != NF_OK) st = nomem(&L, "");
    if (st == NF_OK) {
        r->mctx = pcre2_match_context_create(NULL);
        if (!r->mctx) st = nomem(&L, "");
        else {
            pcre2_set_match_limit(r->mctx, r->match_limit);
            pcre2_set_depth_limit(r->mctx, r->depth_limit);
        }
    }
    if (st == NF_OK && !(r->structure = nfi_structure_ws_new(r, err))) st = NF_ERR_NOMEM;
    if (st == NF_OK && r->arena.failed) st = nomem(&L, "");
    nfi_vec_free(&L.raw);
    nfi_vec_free(&L.stack);
    nfi_vec_free(&L.loaded);
    nfi_vec_free(&L.lex_pos);
    nfi_arena_free(&L.tmp);
    if (st != NF_OK) {
        if (err && err->code == NF_OK) nfi_error_set(err, st, "", 0, 0, "%s", nf_status_str(st));
        nf_rules_free(r);
        return NULL;
    }
    return r;
}

nf_rules *nf_rules_load_path(const char *path, const nf_load_options *opts, nf_error *err)
{
    if (!path) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_rules_load_path: path is NULL");
        return NULL;
    }
    return load(SRC_PATH, path, NULL, 0, opts, err);
}

nf_rules *nf_rules_load_buffer(const char *yaml, size_t len, const char *name,
                               const nf_load_options *opts, nf_error *err)
{
    if (!yaml && len) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_rules_load_buffer: yaml is NULL");
        return NULL;
    }
    return load(SRC_BUFFER, name, yaml ? yaml : "", len, opts, err);
}

size_t nf_rules_count(const nf_rules *rules) { return rules ? rules->rules.len : 0; }

/* ------------------------------------------------------------ rules.h */

const nfi_setting *nfi_rules_setting(const nf_rules *rules, const char *key)
{
    if (!rules || !key) return NULL;
    for (size_t i = 0; i < rules->settings.len; i++)
        if (strcmp(rules->settings.items[i].key, key) == 0) return &rules->settings.items[i];
    return NULL;
}

const nfi_structure_ws *nfi_rules_structure(const nf_rules *rules)
{
    return rules ? rules->structure : NULL;
}

const char *nfi_setting_str(const nfi_setting *s) { return s ? s->scalar : NULL; }
size_t nfi_setting_count(const nfi_setting *s) { return s ? s->count : 0; }
const char *nfi_setting_item(const nfi_setting *s, size_t i)
{
    return s && i < s->count ? s->items[i] : NULL;
}

/* Locale-independent decimal parser: [+-]digits[.digits][e[+-]digits]. */
static bool parse_number(const char *s, double *out)
{
    double v = 0, sign = 1;
    const char *p = s;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    bool digits = false;
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0'), digits = true;
    if (*p == '.') {
        double scale = 0.1;
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10) v += (*p - '0') * scale, digits = true;
    }
    if (!digits) return false;
    if (*p == 'e' || *p == 'E') {
        int es = 1, e = 0;
        p++;
        if (*p == '+' || *p == '-') es = *p++ == '-' ? -1 : 1;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9' && e < 400) e = e * 10 + (*p++ - '0');
        while (e-- > 0) v = es > 0 ? v * 10 : v / 10;
    }
    if (*p) return false;
    *out = sign * v;
    return true;
}

double nfi_rules_number(const nf_rules *rules, const char *key, double dflt)
{
    const char *s = nfi_setting_str(nfi_rules_setting(rules, key));
    double v;
    return s && parse_number(s, &v) ? v : dflt;
}

const char *nfi_rules_type(const nf_rules *rules, const char *name)
{
    if (!rules || !name) return NULL;
    for (size_t i = 0; i < rules->types.len; i++)
        if (rules->type_phase.items[i] != NFI_NONE && strcmp(rules->types.items[i], name) == 0)
            return rules->types.items[i];
    return NULL;
}

const char *const *nfi_rules_type_names(const nf_rules *rules) { return rules->types.items; }
size_t nfi_rules_type_count(const nf_rules *rules) { return rules->types.len; }

uint32_t nfi_rules_match_limit(const nf_rules *rules) { return rules ? rules->match_limit : 0; }
