/*
 * timex.h - TIMEX3 normalisation: date attributes + DCT -> TIMEX3 value.
 *
 * Pure C11, no allocation, no global state, no dependency on the rest of
 * the library beyond the nf_status / nf_timex_type enums of newsfacts.h.
 * The rules find temporal expressions and attach attributes (year=2025,
 * month=4, weekday=4, offset=-1, unit=week, ...); the dates resolver
 * copies those into an nfi_timex_in with nfi_timex_in_set() and calls
 * nfi_timex_normalize() with the document creation time (DCT).
 * Every rule, with examples, is in docs/dates.md.
 *
 * Thread safety: every function is reentrant (no shared state).
 */
#ifndef NEWSFACTS_TIMEX_H
#define NEWSFACTS_TIMEX_H

#include <stdbool.h>
#include <stddef.h>

#include "newsfacts.h"

/* An integer attribute that was not given. */
#define NFI_TIMEX_UNSET (-2147483647 - 1)

/* Longest value nfi_timex_normalize writes, with the NUL. */
#define NFI_TIMEX_MAX 48

typedef enum nfi_timex_unit {
    NFI_TU_NONE = 0,
    NFI_TU_SECOND, NFI_TU_MINUTE, NFI_TU_HOUR, NFI_TU_DAY, NFI_TU_WEEKEND,
    NFI_TU_WEEK, NFI_TU_FORTNIGHT, NFI_TU_MONTH, NFI_TU_QUARTER, NFI_TU_HALF,
    NFI_TU_YEAR, NFI_TU_DECADE, NFI_TU_CENTURY
} nfi_timex_unit;

/* What the rules said about one expression. Initialise with
 * nfi_timex_in_init(); every int is NFI_TIMEX_UNSET until given. The struct
 * owns all its data (short codes are stored inline), so it may be copied. */
typedef struct nfi_timex_in {
    nf_timex_type type;   /* 0 = infer (see docs/dates.md) */
    /* absolute parts */
    int year;             /* 2025; with two_digit_year: 0..99 ('98) */
    int month;            /* 1..12 */
    int day;              /* 1..31 */
    int hour;             /* 0..23, or 1..12 with ampm / part_of_day */
    int minute, second;
    int ampm;             /* 0 none, 1 AM, 2 PM */
    int decade;           /* 199 or 1990 ("the 1990s"); 90 with two_digit_year */
    int century;          /* ordinal: 20 = "the 20th century" -> "19" */
    int quarter;          /* 1..4 */
    int half;             /* 1..2 (H1, H2) */
    int week;             /* ISO week number 1..53 */
    int weekday;          /* 1 = Monday .. 7 = Sunday */
    bool two_digit_year;  /* year / decade written with two digits */
    bool fiscal;          /* "fiscal 2025": value is the plain year (documented) */
    char season[3];       /* "SP", "SU", "FA", "WI" or "" */
    char part_of_day[3];  /* "MO", "MI", "AF", "EV", "NI", "DT" or "" */
    char zone[8];         /* normalised: "Z", "+05:30", "-04:00", or "" */
    bool zone_unknown;    /* a zone was given but not recognised */
    /* relative parts */
    bool anchor_ref;      /* anchor on the previous date in the text, not the DCT */
    int offset;           /* -1 last/ago/earlier, +1 next/later, 0 this */
    nfi_timex_unit unit;
    int amount;           /* 6 in "six hours"; lower bound of a range */
    int amount_max;       /* 6 in "five to six hours" */
    bool amount_half;     /* "... and a half", "half an hour" (amount 0) */
    bool amount_vague;    /* "years", "several weeks", "a few days" */
    int direction;        /* tense hint: -1 past, +1 future, 0 none */
    /* pass-through codes */
    char ref[12];         /* "PAST_REF", "PRESENT_REF", "FUTURE_REF" or "" */
    char mod[16];         /* TIMEX3 mod ("APPROX", "MID", ...) or "": not used
                             by normalisation, the resolver copies it */
    char freq[16];        /* explicit SET value ("P1W") or "" */
} nfi_timex_in;

/* Sets every member to "not given". */
void nfi_timex_in_init(nfi_timex_in *in);

/* Sets one attribute from a rule: key is an attribute name (type, year,
 * yy, month, day, hour, minute, second, time, ampm, decade, century, quarter,
 * half, week, weekday, season, part_of_day, zone, fiscal, anchor, offset,
 * unit, amount, amount_max, amount_half, vague, direction, tense, ref,
 * mod, freq); value[0, len) need not be NUL-terminated and may be a word
 * ("April", "Thu", "six", "3rd", "'98", "last", "weeks", "p.m.", "IST").
 * Returns NF_OK, or NF_ERR_INVALID for an unknown key or a value that
 * does not fit the key (the struct is then unchanged). */
nf_status nfi_timex_in_set(nfi_timex_in *in, const char *key, const char *value,
                           size_t len);

/* A parsed DCT (or any full date with optional time). */
typedef struct nfi_timex_dct {
    int year, month, day;
    bool has_time;
    int hour, minute, second; /* second = 0 when not written */
    char zone[8];             /* "" when none */
} nfi_timex_dct;

/* Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm", "YYYY-MM-DDThh:mm:ss", each
 * optionally followed by "Z" or "+hh:mm" / "-hhmm" (a space may stand for
 * 'T'). Rejects impossible dates (2025-02-30) and times.
 * out may be NULL (validation only). Returns NF_OK or NF_ERR_INVALID. */
nf_status nfi_timex_parse_dct(const char *s, nfi_timex_dct *out);

/* Normalises in against dct (a string nfi_timex_parse_dct accepts, or
 * NULL when unknown) and prev_ref (the value of the previous date in the
 * text: "2025", "2025-04", "2025-04-10" or "2025-04-10T09:00", or NULL),
 * used when in->anchor_ref is set.
 * Writes the TIMEX3 value into out[0, n) - or "" when the expression cannot
 * be resolved (value null, never a guess) - and the type into *type_out
 * (may be NULL).
 * Returns NF_OK (also for ""), NF_ERR_INVALID when in or out is NULL, n is
 * 0 or dct is not a valid DCT, NF_ERR_LIMIT when out is too small (n of
 * NFI_TIMEX_MAX always suffices; out is then ""). */
nf_status nfi_timex_normalize(const nfi_timex_in *in, const char *dct, const char *prev_ref,
                              char *out, size_t n, nf_timex_type *type_out);

/* Normalises a time-zone name or offset ("IST", "gmt", "+0530", "UTC+3",
 * "-04:00") into out (at least 8 bytes): "Z" for every zero offset,
 * "+hh:mm" otherwise. Returns NF_OK, or NF_ERR_INVALID when unknown
 * (out is then ""). */
nf_status nfi_timex_zone(const char *zone, size_t len, char out[8]);

/* Formats a publication stamp: date "YYYY-MM-DD" (required), time text
 * ("9:24 PM", "21:24", "9.24pm", "9 a.m.", or NULL) and zone (name or
 * offset, or NULL) into out: "2025-04-10T21:24+05:30". An unknown zone is
 * left out. Returns NF_OK, NF_ERR_INVALID for a bad date or time (out ""),
 * NF_ERR_LIMIT when out is too small. */
nf_status nfi_timex_format_stamp(const char *date, const char *time, const char *zone,
                                 char *out, size_t n);

#endif
