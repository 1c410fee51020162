/*
 * timex.c - TIMEX3 normalisation of date attributes against the DCT.
 *
 * Calendar arithmetic is done on day numbers (days since 1970-01-01,
 * proleptic Gregorian), so leap years and month lengths come out of one
 * formula; ISO weeks are derived from the Thursday of the week. The
 * conventions (which "Monday", which year for "in December", ...) are
 * documented rule by rule in docs/dates.md.
 */
#include "timex.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define UNSET NFI_TIMEX_UNSET

/* ------------------------------------------------------------ calendar */

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static bool valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* Days since 1970-01-01 of a valid date (years 1..9999). */
static long days_from_civil(int y, int m, int d)
{
    long yy = y - (m <= 2);
    long era = yy / 400; /* yy >= 0 here */
    long yoe = yy - era * 400;
    long mp = m > 2 ? m - 3 : m + 9;
    long doy = (153 * mp + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

/* ISO weekday 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday). */
static int weekday_of(long days)
{
    long r = (days + 3) % 7;
    if (r < 0) r += 7;
    return (int)r + 1;
}

static void iso_week_of(long days, int *iso_year, int *week)
{
    long thu = days - (weekday_of(days) - 1) + 3;
    int y, m, d;
    civil_from_days(thu, &y, &m, &d);
    *iso_year = y;
    *week = (int)((thu - days_from_civil(y, 1, 1)) / 7) + 1;
}

static int iso_weeks_in_year(int y)
{
    int iy, w;
    iso_week_of(days_from_civil(y, 12, 28), &iy, &w);
    return w;
}

/* Day number of weekday wd (1..7) in ISO week w of ISO year y. */
static long iso_week_day(int y, int w, int wd)
{
    long jan4 = days_from_civil(y, 1, 4);
    long mon1 = jan4 - (weekday_of(jan4) - 1);
    return mon1 + (long)(w - 1) * 7 + (wd - 1);
}

static bool days_in_range(long days)
{
    return days >= days_from_civil(1, 1, 1) && days <= days_from_civil(9999, 12, 31);
}

/* ------------------------------------------------------------ words */

static size_t lower_copy(char *dst, size_t cap, const char *s, size_t len)
{
    /* trims spaces, a trailing '.' and ','; lower-cases ASCII */
    while (len > 0 && (*s == ' ' || *s == '\t')) s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '.' ||
                       s[len - 1] == ','))
        len--;
    if (len + 1 > cap) return SIZE_MAX;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    dst[len] = '\0';
    return len;
}

/* The first byte is compared before the call: most words of a list differ
 * from w there. */
static int find_word(const char *const *words, const char *w)
{
    for (int i = 0; words[i]; i++)
        if (words[i][0] == w[0] && strcmp(words[i], w) == 0) return i;
    return -1;
}

static const char *const units_words[] = {"zero", "one", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", NULL};
static const char *const tens_words[] = {"", "", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", NULL};
static const char *const ord_words[] = {"zeroth", "first", "second", "third", "fourth",
    "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
    "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
    "nineteenth", NULL};
static const char *const ord_tens_words[] = {"", "", "twentieth", "thirtieth", "fortieth",
    "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth", NULL};
static const char *const month_words[] = {"january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", NULL};
static const char *const weekday_words[] = {"monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", NULL};

/* A number below 100 written in words ("six", "twenty-one", "third"). */
static int word_number(const char *w)
{
    int i;
    if ((i = find_word(units_words, w)) >= 0) return i;
    if ((i = find_word(ord_words, w)) >= 0) return i;
    if ((i = find_word(tens_words, w)) >= 2) return i * 10;
    if ((i = find_word(ord_tens_words, w)) >= 2) return i * 10;
    const char *sep = strpbrk(w, "- ");
    if (sep) {
        char head[16];
        size_t hl = (size_t)(sep - w);
        if (hl >= sizeof head) return -1;
        memcpy(head, w, hl);
        head[hl] = '\0';
        int t = find_word(tens_words, head);
        int u = find_word(units_words, sep + 1);
        if (u < 0) u = find_word(ord_words, sep + 1);
        if (t >= 2 && u >= 1 && u <= 9) return t * 10 + u;
    }
    static const char *const one[] = {"a", "an", "single", NULL};
    static const char *const two[] = {"couple", "a couple", NULL};
    static const char *const twelve[] = {"dozen", "a dozen", NULL};
    static const char *const hundred[] = {"hundred", "a hundred", NULL};
    if (find_word(one, w) >= 0) return 1;
    if (find_word(two, w) >= 0) return 2;
    if (find_word(twelve, w) >= 0) return 12;
    if (find_word(hundred, w) >= 0) return 100;
    return -1;
}

/* Parses a lower-cased number: "+1", "-2", "2025", "3rd", "1990s", "'98",
 * "six". *apostrophe is set for a leading ' or U+2019. */
static bool parse_num(const char *w, int *out, bool *apostrophe)
{
    bool apo = false;
    if (w[0] == '\'') w++, apo = true;
    else if ((unsigned char)w[0] == 0xE2 && (unsigned char)w[1] == 0x80 &&
             (unsigned char)w[2] == 0x99)
        w += 3, apo = true;
    if (apostrophe) *apostrophe = apo;
    int sign = 1;
    if (*w == '+') w++;
    else if (*w == '-') w++, sign = -1;
    if (*w >= '0' && *w <= '9') {
        long v = 0;
        while (*w >= '0' && *w <= '9') {
            v = v * 10 + (*w - '0');
            if (v > 1000000) return false;
            w++;
        }
        if (*w && strcmp(w, "st") && strcmp(w, "nd") && strcmp(w, "rd") && strcmp(w, "th") &&
            strcmp(w, "s") && strcmp(w, "'s"))
            return false;
        *out = sign * (int)v;
        return true;
    }
    if (sign < 0) return false;
    int v = word_number(w);
    if (v < 0) return false;
    *out = v;
    return true;
}

static int parse_month(const char *w)
{
    /* a month's name first: no name is also a number (parse_num) */
    int i = find_word(month_words, w);
    if (i >= 0) return i + 1;
    int v;
    if (parse_num(w, &v, NULL)) return v >= 1 && v <= 12 ? v : -1;
    if (!strcmp(w, "sept")) return 9;
    if (strlen(w) == 3)
        for (i = 0; month_words[i]; i++)
            if (!strncmp(month_words[i], w, 3)) return i + 1;
    return -1;
}

static int parse_weekday(const char *w)
{
    /* the names first: none is also a number (parse_num) */
    size_t n = strlen(w);
    if (n > 0 && w[n - 1] == 's' && n > 6) n--; /* "mondays" */
    for (int i = 0; weekday_words[i]; i++) {
        size_t wl = strlen(weekday_words[i]);
        if (n == wl && !strncmp(weekday_words[i], w, n)) return i + 1;
    }
    static const char *const abbr[] = {"mon", "tue", "tues", "wed", "thu", "thur", "thurs",
                                       "fri", "sat", "sun", NULL};
    static const int abbr_day[] = {1, 2, 2, 3, 4, 4, 4, 5, 6, 7};
    int i = find_word(abbr, w);
    if (i >= 0) return abbr_day[i];
    int v;
    if (parse_num(w, &v, NULL)) return v >= 1 && v <= 7 ? v : -1;
    return -1;
}

static nfi_timex_unit parse_unit(const char *w)
{
    static const struct {
        const char *w;
        nfi_timex_unit u;
    } tab[] = {
        {"second", NFI_TU_SECOND}, {"sec", NFI_TU_SECOND}, {"minute", NFI_TU_MINUTE},
        {"min", NFI_TU_MINUTE}, {"hour", NFI_TU_HOUR}, {"hr", NFI_TU_HOUR},
        {"day", NFI_TU_DAY}, {"weekend", NFI_TU_WEEKEND}, {"week", NFI_TU_WEEK},
        {"wk", NFI_TU_WEEK}, {"fortnight", NFI_TU_FORTNIGHT}, {"month", NFI_TU_MONTH},
        {"quarter", NFI_TU_QUARTER}, {"half", NFI_TU_HALF}, {"year", NFI_TU_YEAR},
        {"yr", NFI_TU_YEAR}, {"decade", NFI_TU_DECADE}, {"century", NFI_TU_CENTURY},
        {"centuries", NFI_TU_CENTURY}, {"halves", NFI_TU_HALF},
    };
    char b[16];
    size_t n = strlen(w);
    if (n >= sizeof b) return NFI_TU_NONE;
    memcpy(b, w, n + 1);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
            if (tab[i].w[0] == b[0] && !strcmp(tab[i].w, b)) return tab[i].u;
        if (n > 1 && b[n - 1] == 's') b[--n] = '\0'; /* plural */
        else break;
    }
    return NFI_TU_NONE;
}

static int parse_offset(const char *w)
{
    static const char *const minus[] = {"last", "past", "previous", "ago", "earlier",
        "before", "prior", "yesterday", "preceding", NULL};
    static const char *const plus[] = {"next", "coming", "later", "after", "following",
        "upcoming", "hence", "from now", "tomorrow", NULL};
    static const char *const zero[] = {"this", "current", "today", "present", NULL};
    /* the words first: none is also a number (parse_num) */
    if (find_word(minus, w) >= 0) return -1;
    if (find_word(plus, w) >= 0) return 1;
    if (find_word(zero, w) >= 0) return 0;
    int v;
    if (parse_num(w, &v, NULL)) return v;
    return UNSET;
}

/* ------------------------------------------------------------ zones */

static bool fmt_offset(int minutes, char out[8])
{
    if (minutes < -14 * 60 || minutes > 14 * 60) return false;
    if (minutes == 0) {
        memcpy(out, "Z", 2);
        return true;
    }
    int a = minutes < 0 ? -minutes : minutes;
    snprintf(out, 8, "%c%02d:%02d", minutes < 0 ? '-' : '+', (a / 60) % 100, a % 60);
    return true;
}

/* "+5", "+05", "+0530", "+05:30", "-4:00"; s starts at the sign. */
static bool parse_offset_text(const char *s, int *minutes)
{
    int sign = *s == '-' ? -1 : 1;
    if (*s != '+' && *s != '-') return false;
    s++;
    int digits[4], nd = 0;
    bool colon = false;
    size_t colon_at = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (nd == 4) return false;
            digits[nd++] = *s - '0';
        } else if (*s == ':' && !colon && nd > 0) {
            colon = true;
            colon_at = (size_t)nd;
        } else {
            return false;
        }
    }
    int h, m = 0;
    if (colon) {
        if (colon_at > 2 || nd - (int)colon_at != 2) return false;
        h = colon_at == 1 ? digits[0] : digits[0] * 10 + digits[1];
        m = digits[colon_at] * 10 + digits[colon_at + 1];
    } else if (nd == 1) {
        h = digits[0];
    } else if (nd == 2) {
        h = digits[0] * 10 + digits[1];
    } else if (nd == 3) {
        h = digits[0];
        m = digits[1] * 10 + digits[2];
    } else if (nd == 4) {
        h = digits[0] * 10 + digits[1];
        m = digits[2] * 10 + digits[3];
    } else {
        return false;
    }
    if (h > 14 || m > 59) return false;
    *minutes = sign * (h * 60 + m);
    return true;
}

static const struct {
    const char *name;
    int minutes;
} zone_tab[] = {
    /* Zero offsets print as "Z". Ambiguous abbreviations take their news
     * reading: IST India, CST/CDT US Central, BST British Summer Time. */
    {"z", 0}, {"utc", 0}, {"gmt", 0}, {"wet", 0}, {"ut", 0},
    {"bst", 60}, {"cet", 60}, {"wat", 60}, {"west", 60},
    {"cest", 120}, {"eet", 120}, {"sast", 120}, {"cat", 120},
    {"eest", 180}, {"msk", 180}, {"eat", 180}, {"trt", 180}, {"ast", 180},
    {"irst", 210}, {"gst", 240}, {"pkt", 300}, {"ist", 330}, {"npt", 345},
    {"ict", 420}, {"wib", 420}, {"hkt", 480}, {"sgt", 480}, {"pht", 480}, {"awst", 480},
    {"jst", 540}, {"kst", 540}, {"acst", 570}, {"aest", 600}, {"aedt", 660},
    {"nzst", 720}, {"nzdt", 780},
    {"edt", -240}, {"est", -300}, {"cdt", -300}, {"cst", -360}, {"mdt", -360},
    {"mst", -420}, {"pdt", -420}, {"pst", -480}, {"akdt", -480}, {"akst", -540},
    {"hst", -600}, {"brt", -180}, {"art", -180},
};

nf_status nfi_timex_zone(const char *zone, size_t len, char out[8])
{
    char w[32];
    out[0] = '\0';
    if (!zone) return NF_ERR_INVALID;
    size_t n = lower_copy(w, sizeof w, zone, len);
    if (n == SIZE_MAX || n == 0) return NF_ERR_INVALID;
    /* drop dots and a trailing "time": "G.M.T.", "IST time" */
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] != '.') w[j++] = w[i];
    w[j] = '\0';
    if (j > 5 && !strcmp(w + j - 5, " time")) w[j - 5] = '\0';
    int minutes;
    if ((w[0] == '+' || w[0] == '-') && parse_offset_text(w, &minutes))
        return fmt_offset(minutes, out) ? NF_OK : NF_ERR_INVALID;
    if ((!strncmp(w, "utc", 3) || !strncmp(w, "gmt", 3)) && (w[3] == '+' || w[3] == '-'))
        return parse_offset_text(w + 3, &minutes) && fmt_offset(minutes, out) ? NF_OK
                                                                                : NF_ERR_INVALID;
    for (size_t i = 0; i < sizeof zone_tab / sizeof zone_tab[0]; i++)
        if (!strcmp(zone_tab[i].name, w)) return fmt_offset(zone_tab[i].minutes, out) ? NF_OK : NF_ERR_INVALID;
    return NF_ERR_INVALID;
}

/* ------------------------------------------------------------ input */

void nfi_timex_in_init(nfi_timex_in *in)
{
    memset(in, 0, sizeof *in);
    in->year = in->month = in->day = UNSET;
    in->hour = in->minute = in->second = UNSET;
    in->decade = in->century = in->quarter = in->half = in->week = in->weekday = UNSET;
    in->offset = UNSET;
    in->amount = in->amount_max = UNSET;
}

static bool parse_bool(const char *w, bool *out)
{
    if (!strcmp(w, "1") || !strcmp(w, "true") || !strcmp(w, "yes") || !*w) *out = true;
    else if (!strcmp(w, "0") || !strcmp(w, "false") || !strcmp(w, "no")) *out = false;
    else return false;
    return true;
}

static bool copy_code(char *dst, size_t cap, const char *w, const char *const *allowed)
{
    char up[16];
    size_t n = strlen(w);
    if (n >= sizeof up || n >= cap) return false;
    for (size_t i = 0; i <= n; i++)
        up[i] = (w[i] >= 'a' && w[i] <= 'z') ? (char)(w[i] - 'a' + 'A') : w[i];
    if (allowed && find_word(allowed, up) < 0) return false;
    memcpy(dst, up, n + 1);
    return true;
}

static bool parse_season(const char *w, char out[3])
{
    static const char *const names[] = {"spring", "summer", "autumn", "fall", "winter", NULL};
    static const char *const codes[] = {"SP", "SU", "FA", "FA", "WI"};
    static const char *const ok[] = {"SP", "SU", "FA", "WI", NULL};
    int i = find_word(names, w);
    if (i >= 0) {
        memcpy(out, codes[i], 3);
        return true;
    }
    return copy_code(out, 3, w, ok);
}

static bool parse_pod(const char *w, char out[3])
{
    static const char *const names[] = {"morning", "noon", "midday", "afternoon", "evening",
        "night", "tonight", "overnight", "daytime", NULL};
    static const char *const codes[] = {"MO", "MI", "MI", "AF", "EV", "NI", "NI", "NI", "DT"};
    static const char *const ok[] = {"MO", "MI", "AF", "EV", "NI", "DT", NULL};
    int i = find_word(names, w);
    if (i >= 0) {
        memcpy(out, codes[i], 3);
        return true;
    }
    return copy_code(out, 3, w, ok);
}

static bool parse_ampm(const char *w, int *out)
{
    char b[8];
    size_t j = 0;
    for (size_t i = 0; w[i]; i++) {
        if (w[i] == '.' || w[i] == ' ') continue;
        if (j + 1 >= sizeof b) return false;
        b[j++] = w[i];
    }
    b[j] = '\0';
    if (!strcmp(b, "am") || !strcmp(b, "a")) *out = 1;
    else if (!strcmp(b, "pm") || !strcmp(b, "p")) *out = 2;
    else return false;
    return true;
}

static bool parse_type(const char *w, nf_timex_type *out)
{
    if (!strcmp(w, "date")) *out = NF_TIMEX_DATE;
    else if (!strcmp(w, "time")) *out = NF_TIMEX_TIME;
    else if (!strcmp(w, "duration")) *out = NF_TIMEX_DURATION;
    else if (!strcmp(w, "set")) *out = NF_TIMEX_SET;
    else return false;
    return true;
}

static bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

static bool parse_clock(const char *s, int *hh, int *mm, int *ss);

/* key equals the literal lit; its first byte tells most keys apart
 * without the call. */
#define KEY_IS(lit) (key[0] == (lit)[0] && !strcmp(key, (lit)))

nf_status nfi_timex_in_set(nfi_timex_in *in, const char *key, const char *value, size_t len)
{
    char w[64];
    if (!in || !key || (!value && len)) return NF_ERR_INVALID;
    if (lower_copy(w, sizeof w, value ? value : "", len) == SIZE_MAX) return NF_ERR_INVALID;
    int v = 0;
    bool apo = false;
    nfi_timex_in t = *in;

    if (KEY_IS("type")) {
        if (!parse_type(w, &t.type)) return NF_ERR_INVALID;
    } else if (KEY_IS("year") || KEY_IS("yy")) {
        if (!parse_num(w, &v, &apo) || v < 0 || v > 9999) return NF_ERR_INVALID;
        t.year = v;
        t.two_digit_year = apo || KEY_IS("yy") || strlen(w) == 2;
        if (t.two_digit_year && v > 99) return NF_ERR_INVALID;
        if (!t.two_digit_year && v < 1) return NF_ERR_INVALID;
    } else if (KEY_IS("month")) {
        if ((v = parse_month(w)) < 0) return NF_ERR_INVALID;
        t.month = v;
    } else if (KEY_IS("day")) {
        if (!parse_num(w, &v, NULL) || !in_range(v, 1, 31)) return NF_ERR_INVALID;
        t.day = v;
    } else if (KEY_IS("hour")) {
        if (!strcmp(w, "noon") || !strcmp(w, "midday")) t.hour = 12, t.minute = 0;
        else if (!strcmp(w, "midnight")) t.hour = 0, t.minute = 0;
        else if (!parse_num(w, &v, NULL) || !in_range(v, 0, 24)) return NF_ERR_INVALID;
        else t.hour = v;
    } else if (KEY_IS("time")) { /* a clock: "9:24 PM", "21:24", "9 a.m." */
        int h, m, sec;
        if (!parse_clock(w, &h, &m, &sec)) return NF_ERR_INVALID;
        t.hour = h, t.minute = m, t.second = sec >= 0 ? sec : UNSET, t.ampm = 0;
    } else if (KEY_IS("minute")) {
        if (!parse_num(w, &v, NULL) || !in_range(v, 0, 59)) return NF_ERR_INVALID;
        t.minute = v;
    } else if (KEY_IS("second")) {
        if (!parse_num(w, &v, NULL) || !in_range(v, 0, 60)) return NF_ERR_INVALID;
        t.second = v;
    } else if (KEY_IS("ampm")) {
        if (!parse_ampm(w, &t.ampm)) return NF_ERR_INVALID;
    } else if (KEY_IS("decade")) {
        if (!parse_num(w, &v, &apo) || v < 0 || v > 9999) return NF_ERR_INVALID;
        if (!apo && v >= 100 && v < 1000) t.decade = v;
        else if (!apo && v >= 1000) t.decade = v / 10;
        else if (v < 100 && v % 10 == 0) t.decade = v / 10, t.two_digit_year = true;
        else return NF_ERR_INVALID;
    } else if (KEY_IS("century")) {
        if (!parse_num(w, &v, NULL) || !in_range(v, 1, 100)) return NF_ERR_INVALID;
        t.century = v;
    } else if (KEY_IS("quarter")) {
        if (w[0] == 'q') memmove(w, w + 1, strlen(w));
        if (!parse_num(w, &v, NULL) || !in_range(v, 1, 4)) return NF_ERR_INVALID;
        t.quarter = v;
    } else if (KEY_IS("half")) {
        if (w[0] == 'h') memmove(w, w + 1, strlen(w));
        if (!parse_num(w, &v, NULL) || !in_range(v, 1, 2)) return NF_ERR_INVALID;
        t.half = v;
    } else if (KEY_IS("week")) {
        if (w[0] == 'w') memmove(w, w + 1, strlen(w));
        if (!parse_num(w, &v, NULL) || !in_range(v, 1, 53)) return NF_ERR_INVALID;
        t.week = v;
    } else if (KEY_IS("weekday")) {
        if ((v = parse_weekday(w)) < 0) return NF_ERR_INVALID;
        t.weekday = v;
    } else if (KEY_IS("season")) {
        if (!parse_season(w, t.season)) return NF_ERR_INVALID;
    } else if (KEY_IS("part_of_day") || KEY_IS("pod")) {
        if (!parse_pod(w, t.part_of_day)) return NF_ERR_INVALID;
    } else if (KEY_IS("zone")) {
        if (nfi_timex_zone(w, strlen(w), t.zone) != NF_OK) t.zone_unknown = true;
    } else if (KEY_IS("fiscal")) {
        if (!parse_bool(w, &t.fiscal)) return NF_ERR_INVALID;
    } else if (KEY_IS("anchor")) {
        if (!strcmp(w, "ref")) t.anchor_ref = true;
        else if (!strcmp(w, "dct")) t.anchor_ref = false;
        else return NF_ERR_INVALID;
    } else if (KEY_IS("offset")) {
        if ((v = parse_offset(w)) == UNSET || !in_range(v, -1000, 1000)) return NF_ERR_INVALID;
        t.offset = v;
    } else if (KEY_IS("unit")) {
        if ((t.unit = parse_unit(w)) == NFI_TU_NONE) return NF_ERR_INVALID;
    } else if (KEY_IS("amount") || KEY_IS("amount_max")) {
        int *dst = key[6] ? &t.amount_max : &t.amount;
        if (!strcmp(w, "few") || !strcmp(w, "a few") || !strcmp(w, "several") ||
            !strcmp(w, "many") || !strcmp(w, "some") || !strcmp(w, "x")) {
            t.amount_vague = true;
        } else if (!strcmp(w, "half") || !strcmp(w, "a half") || !strcmp(w, "0.5")) {
            *dst = 0;
            t.amount_half = true;
        } else {
            char *dot = strchr(w, '.');
            if (dot && !strcmp(dot, ".5")) *dot = '\0', t.amount_half = true;
            if (!parse_num(w, &v, NULL) || !in_range(v, 0, 100000)) return NF_ERR_INVALID;
            *dst = v;
        }
    } else if (KEY_IS("amount_half")) {
        if (!parse_bool(w, &t.amount_half)) return NF_ERR_INVALID;
    } else if (KEY_IS("vague") || KEY_IS("amount_vague")) {
        if (!parse_bool(w, &t.amount_vague)) return NF_ERR_INVALID;
    } else if (KEY_IS("direction") || KEY_IS("tense")) {
        if (!strcmp(w, "past") || !strcmp(w, "-1") || !strcmp(w, "-")) t.direction = -1;
        else if (!strcmp(w, "future") || !strcmp(w, "+1") || !strcmp(w, "1") ||
                 !strcmp(w, "+"))
            t.direction = 1;
        else if (!strcmp(w, "present") || !strcmp(w, "none") || !strcmp(w, "0"))
            t.direction = 0;
        else return NF_ERR_INVALID;
    } else if (KEY_IS("ref")) {
        static const char *const ok[] = {"PAST_REF", "PRESENT_REF", "FUTURE_REF", NULL};
        if (!copy_code(t.ref, sizeof t.ref, w, ok)) return NF_ERR_INVALID;
    } else if (KEY_IS("mod")) {
        static const char *const ok[] = {"BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER",
            "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE", "START", "MID",
            "END", "APPROX", NULL};
        if (!copy_code(t.mod, sizeof t.mod, w, ok)) return NF_ERR_INVALID;
    } else if (KEY_IS("freq")) {
        if (!copy_code(t.freq, sizeof t.freq, w, NULL) || t.freq[0] != 'P') return NF_ERR_INVALID;
    } else {
        return NF_ERR_INVALID;
    }
    *in = t;
    return NF_OK;
}

#undef KEY_IS

/* ------------------------------------------------------------ DCT and refs */

static bool read_digits(const char **p, int ndigits, int *out)
{
    int v = 0;
    for (int i = 0; i < ndigits; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *p += ndigits;
    *out = v;
    return true;
}

/* A partial point: year, year-month, full date, date with time. */
typedef struct pt_ref {
    int year, month, day; /* UNSET when not known */
    bool has_time;
    int hour, minute, second;
    char zone[8];
} pt_ref;

/* Parses "Thh:mm[:ss][zone]" (or with a space for 'T') to the end of p. */
static bool parse_time_part(const char *p, pt_ref *r)
{
    if ((*p != 'T' && *p != ' ') || !p[1]) return false;
    p++;
    int hh, mi, ss = 0;
    if (!read_digits(&p, 2, &hh) || *p != ':') return false;
    p++;
    if (!read_digits(&p, 2, &mi)) return false;
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &ss)) return false;
    }
    if (hh > 23 || mi > 59 || ss > 59) return false;
    char zone[8] = "";
    if (*p == 'Z' && !p[1]) {
        memcpy(zone, "Z", 2);
    } else if (*p == '+' || *p == '-') {
        int minutes;
        if (!parse_offset_text(p, &minutes) || !fmt_offset(minutes, zone)) return false;
    } else if (*p) {
        return false;
    }
    r->has_time = true;
    r->hour = hh, r->minute = mi, r->second = ss;
    memcpy(r->zone, zone, sizeof zone);
    return true;
}

/* Parses "YYYY[-MM[-DD[Thh:mm[:ss][zone]]]]". A DCT (strict) needs the
 * full date and nothing after it but a valid time; a previous reference
 * (not strict) may stop at the year or month and ignores what follows its
 * date ("2025-04-10TMO" is the day 2025-04-10). */
static bool parse_point(const char *s, pt_ref *r, bool strict)
{
    const char *p = s;
    r->year = r->month = r->day = UNSET;
    r->has_time = false;
    r->hour = r->minute = r->second = 0;
    r->zone[0] = '\0';
    int y, m = 1, d = 1, parts = 1;
    if (!read_digits(&p, 4, &y) || y < 1) return false;
    if (*p == '-' && p[1] >= '0' && p[1] <= '9') {
        p++;
        if (!read_digits(&p, 2, &m)) return false;
        parts = 2;
        if (*p == '-') {
            p++;
            if (!read_digits(&p, 2, &d)) return false;
            parts = 3;
        }
    }
    if ((strict && parts < 3) || !valid_ymd(y, m, d)) return false;
    r->year = y;
    if (parts >= 2) r->month = m;
    if (parts >= 3) r->day = d;
    if (!*p) return true;
    if (parts == 3 && parse_time_part(p, r)) return true;
    return !strict;
}

nf_status nfi_timex_parse_dct(const char *s, nfi_timex_dct *out)
{
    pt_ref r;
    if (!s || !parse_point(s, &r, true)) return NF_ERR_INVALID;
    if (out) {
        out->year = r.year, out->month = r.month, out->day = r.day;
        out->has_time = r.has_time;
        out->hour = r.hour, out->minute = r.minute, out->second = r.second;
        memcpy(out->zone, r.zone, sizeof out->zone);
    }
    return NF_OK;
}

/* ------------------------------------------------------------ output points */

typedef enum gran {
    G_NONE, G_CENTURY, G_DECADE, G_YEAR, G_HALF, G_QUARTER, G_SEASON, G_MONTH, G_WEEK,
    G_WEEKEND, G_WEEKDAY_X, G_DAY
} gran;

typedef struct point {
    gran g;
    int y;          /* year, century (G_CENTURY), decade (G_DECADE); UNSET = XXXX */
    int m, d;       /* month, day; half / quarter / week number in m */
    char season[3];
} point;

/* v (0 to 10^w - 1) in w decimal digits, zero-padded, at out[0, w). */
static void put_digits(char *out, int v, int w)
{
    for (int i = w - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* fmt_point of the commonest points, a year, a month or a day, written
 * without snprintf; false for any other (or a part out of its width). */
static bool fmt_point_quick(const point *p, char *out, size_t n, size_t *len)
{
    if (n < 11 || (p->g != G_YEAR && p->g != G_MONTH && p->g != G_DAY)) return false;
    if (p->y != UNSET && p->y < 0) return false;
    bool month = p->g == G_MONTH || (p->g == G_DAY && p->m != UNSET);
    if (month && (p->m < 0 || p->m > 99)) return false;
    if (p->g == G_DAY && (p->d < 0 || p->d > 99)) return false;
    if (p->y == UNSET) memcpy(out, "XXXX", 4);
    else put_digits(out, p->y % 10000, 4);
    size_t k = 4;
    if (p->g != G_YEAR) {
        out[k++] = '-';
        if (month) put_digits(out + k, p->m, 2);
        else memcpy(out + k, "XX", 2);
        k += 2;
    }
    if (p->g == G_DAY) {
        out[k++] = '-';
        put_digits(out + k, p->d, 2);
        k += 2;
    }
    out[k] = '\0';
    *len = k;
    return true;
}

static size_t fmt_point(const point *p, char *out, size_t n)
{
    size_t quick;
    if (fmt_point_quick(p, out, n, &quick)) return quick;
    char y[8];
    int r;
    if (p->y == UNSET) memcpy(y, "XXXX", 5);
    else snprintf(y, sizeof y, "%04d", p->y % 10000);
    switch (p->g) {
    case G_CENTURY: r = snprintf(out, n, "%02d", p->y % 100); break;
    case G_DECADE: r = snprintf(out, n, "%03d", p->y % 1000); break;
    case G_YEAR: r = snprintf(out, n, "%s", y); break;
    case G_HALF: r = snprintf(out, n, "%s-H%d", y, p->m); break;
    case G_QUARTER: r = snprintf(out, n, "%s-Q%d", y, p->m); break;
    case G_SEASON: r = snprintf(out, n, "%s-%s", y, p->season); break;
    case G_MONTH: r = snprintf(out, n, "%s-%02d", y, p->m); break;
    case G_WEEK: r = snprintf(out, n, "%s-W%02d", y, p->m); break;
    case G_WEEKEND: r = snprintf(out, n, "%s-W%02d-WE", y, p->m); break;
    case G_WEEKDAY_X: r = snprintf(out, n, "XXXX-WXX-%d", p->d); break;
    case G_DAY:
        if (p->m == UNSET) r = snprintf(out, n, "%s-XX-%02d", y, p->d);
        else r = snprintf(out, n, "%s-%02d-%02d", y, p->m, p->d);
        break;
    default: r = 0; if (n) out[0] = '\0'; break;
    }
    return r < 0 ? 0 : (size_t)r;
}

static void set_day(point *p, long days)
{
    p->g = G_DAY;
    civil_from_days(days, &p->y, &p->m, &p->d);
}

static void set_week(point *p, long days, gran g)
{
    p->g = g;
    iso_week_of(days, &p->y, &p->m);
}

/* Season index 0..3 (SP SU FA WI) of a code. */
static int season_index(const char *s)
{
    static const char *const codes[] = {"SP", "SU", "FA", "WI", NULL};
    return find_word(codes, s);
}

/* Season and its year for a date: winter belongs to the year it starts in. */
static void season_of(int y, int m, int *sy, int *si)
{
    if (m <= 2) *sy = y - 1, *si = 3;
    else if (m == 12) *sy = y, *si = 3;
    else *sy = y, *si = (m - 3) / 3;
}

/* Two-digit year yy resolved to the century that puts it nearest the
 * anchor year (ties go to the past); without anchor, 00-49 -> 20yy. */
static int expand_yy(int yy, int anchor_year)
{
    if (anchor_year == UNSET) return yy < 50 ? 2000 + yy : 1900 + yy;
    int base = anchor_year - anchor_year % 100;
    int best = base + yy, cands[2] = {base - 100 + yy, base + 100 + yy};
    for (int i = 0; i < 2; i++) {
        int c = cands[i], db = best - anchor_year, dc = c - anchor_year;
        if (db < 0) db = -db;
        if (dc < 0) dc = -dc;
        if (dc < db || (dc == db && c < best)) best = c;
    }
    return best;
}

static int floordiv(int a, int b)
{
    int q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* The anchor (DCT or previous reference) as a point. */
typedef struct anchor {
    bool known;
    pt_ref r;
} anchor;

static bool a_year(const anchor *a) { return a->known && a->r.year != UNSET; }
static bool a_month(const anchor *a) { return a_year(a) && a->r.month != UNSET; }
static bool a_day(const anchor *a) { return a_month(a) && a->r.day != UNSET; }
static long a_days(const anchor *a) { return days_from_civil(a->r.year, a->r.month, a->r.day); }

/* Period units relative to an anchor ("last week", "two years ago",
 * "April last year"). Returns false when it cannot be resolved. */
static bool relative_unit(const nfi_timex_in *in, const anchor *a, point *p, long *time_min)
{
    int k = in->offset;
    if (in->amount != UNSET) k = in->offset * (in->amount_max != UNSET ? in->amount_max : in->amount);
    if (in->amount_half) return false; /* "a year and a half ago": no clean point */
    switch (in->unit) {
    case NFI_TU_DAY:
    case NFI_TU_WEEK:
    case NFI_TU_FORTNIGHT:
    case NFI_TU_WEEKEND: {
        if (!a_day(a)) return false;
        long step = in->unit == NFI_TU_DAY ? 1 : in->unit == NFI_TU_FORTNIGHT ? 14 : 7;
        long days = a_days(a) + (long)k * step;
        if (!days_in_range(days)) return false;
        if (in->unit == NFI_TU_DAY) {
            set_day(p, days);
        } else if (in->unit == NFI_TU_WEEKEND) {
            set_week(p, days, G_WEEKEND);
        } else if (in->weekday != UNSET) { /* "Monday of last week" */
            int wy, wn;
            iso_week_of(days, &wy, &wn);
            set_day(p, iso_week_day(wy, wn, in->weekday));
        } else if (in->amount != UNSET && in->unit == NFI_TU_WEEK && in->anchor_ref) {
            set_day(p, days); /* "two weeks later" after a dated event: a day */
        } else {
            set_week(p, days, G_WEEK);
        }
        return true;
    }
    case NFI_TU_MONTH: {
        if (!a_month(a)) return false;
        int idx = a->r.year * 12 + (a->r.month - 1) + k;
        p->g = G_MONTH;
        p->y = floordiv(idx, 12);
        p->m = idx - p->y * 12 + 1;
        if (in->day != UNSET) { /* "the 5th of last month" */
            if (!valid_ymd(p->y, p->m, in->day)) return false;
            p->g = G_DAY;
            p->d = in->day;
        }
        return p->y >= 1 && p->y <= 9999;
    }
    case NFI_TU_QUARTER:
    case NFI_TU_HALF: {
        if (!a_month(a)) return false;
        int per = in->unit == NFI_TU_QUARTER ? 4 : 2;
        int idx = a->r.year * per + (a->r.month - 1) / (12 / per) + k;
        p->g = in->unit == NFI_TU_QUARTER ? G_QUARTER : G_HALF;
        p->y = floordiv(idx, per);
        p->m = idx - p->y * per + 1;
        return p->y >= 1 && p->y <= 9999;
    }
    case NFI_TU_YEAR:
        if (!a_year(a)) return false;
        p->g = G_YEAR;
        p->y = a->r.year + k;
        if (p->y < 1 || p->y > 9999) return false;
        if (in->month != UNSET) { /* "April last year", "March 3 last year" */
            p->g = G_MONTH;
            p->m = in->month;
            if (in->day != UNSET) {
                if (!valid_ymd(p->y, p->m, in->day)) return false;
                p->g = G_DAY;
                p->d = in->day;
            }
        } else if (in->quarter != UNSET) {
            p->g = G_QUARTER;
            p->m = in->quarter;
        } else if (in->half != UNSET) {
            p->g = G_HALF;
            p->m = in->half;
        } else if (in->season[0]) {
            p->g = G_SEASON;
            memcpy(p->season, in->season, 3);
        }
        return true;
    case NFI_TU_DECADE:
    case NFI_TU_CENTURY: {
        if (!a_year(a)) return false;
        int span = in->unit == NFI_TU_DECADE ? 10 : 100;
        if (in->amount != UNSET) { /* "a decade ago": a year */
            p->g = G_YEAR;
            p->y = a->r.year + k * span;
            return p->y >= 1 && p->y <= 9999;
        }
        p->g = in->unit == NFI_TU_DECADE ? G_DECADE : G_CENTURY;
        p->y = a->r.year / span + k;
        return p->y >= 0;
    }
    case NFI_TU_HOUR:
    case NFI_TU_MINUTE:
    case NFI_TU_SECOND: {
        if (!a_day(a) || !a->r.has_time) return false;
        long step = in->unit == NFI_TU_HOUR ? 60 : 1;
        if (in->unit == NFI_TU_SECOND) return false;
        long t = a_days(a) * 1440 + a->r.hour * 60 + a->r.minute + (long)k * step;
        long days = t >= 0 ? t / 1440 : -((-t + 1439) / 1440);
        if (!days_in_range(days)) return false;
        set_day(p, days);
        *time_min = t - days * 1440;
        return true;
    }
    default:
        return false;
    }
}

/* Hour in 0..23 from hour, am/pm and part of day; -1 when impossible. */
static int hour24(const nfi_timex_in *in)
{
    int h = in->hour;
    if (h == 24 && (in->minute == UNSET || in->minute == 0) && !in->ampm) return 0;
    if (h < 0 || h > 23) return -1;
    int ampm = in->ampm;
    if (!ampm && h >= 1 && h <= 11) {
        const char *pd = in->part_of_day;
        if (!strcmp(pd, "AF") || !strcmp(pd, "EV")) ampm = 2;
        else if (!strcmp(pd, "NI")) ampm = h >= 6 ? 2 : 1;
        else if (!strcmp(pd, "MO")) ampm = 1;
    }
    if (ampm) {
        if (h < 1 || h > 12) return -1;
        if (ampm == 1) return h == 12 ? 0 : h;
        return h == 12 ? 12 : h + 12;
    }
    return h;
}

/* DATE and TIME values. */
static bool point_value(const nfi_timex_in *in, const anchor *a, char *out, size_t n,
                        size_t *len)
{
    point p = {G_NONE, UNSET, UNSET, UNSET, ""};
    long time_min = -1; /* minutes of day from a relative hour/minute */
    bool has_offset = in->offset != UNSET;

    int year = in->year;
    if (year != UNSET && in->two_digit_year) year = expand_yy(year, a_year(a) ? a->r.year : UNSET);

    if (has_offset && in->unit != NFI_TU_NONE) {
        if (!relative_unit(in, a, &p, &time_min)) return false;
    } else if (has_offset && in->weekday != UNSET && year == UNSET && in->month == UNSET) {
        /* "last Monday": strictly before; "next Monday": strictly after;
         * "this Monday": the Monday of the anchor's ISO week */
        if (!a_day(a)) return false;
        long d0 = a_days(a), days;
        int wd0 = weekday_of(d0);
        if (in->offset == 0) {
            days = d0 + (in->weekday - wd0);
        } else if (in->offset < 0) {
            int back = (wd0 - in->weekday + 7) % 7;
            days = d0 - (back == 0 ? 7 : back) - 7L * (-in->offset - 1);
        } else {
            int fwd = (in->weekday - wd0 + 7) % 7;
            days = d0 + (fwd == 0 ? 7 : fwd) + 7L * (in->offset - 1);
        }
        if (!days_in_range(days)) return false;
        set_day(&p, days);
    } else if (has_offset && year == UNSET &&
               (in->month != UNSET || in->season[0] || in->quarter != UNSET)) {
        /* "last April" / "next summer" / "this quarter": the nearest such
         * period strictly before / after the anchor's, or in its year */
        if (!a_month(a)) return false;
        int y = a->r.year, cur, want;
        if (in->month != UNSET) {
            cur = a->r.month - 1, want = in->month - 1;
        } else if (in->quarter != UNSET) {
            cur = (a->r.month - 1) / 3, want = in->quarter - 1;
        } else { /* seasons count in the year the season starts */
            season_of(a->r.year, a->r.month, &y, &cur);
            want = season_index(in->season);
        }
        if (in->offset < 0) y = (want < cur ? y : y - 1) + (in->offset + 1);
        else if (in->offset > 0) y = (want > cur ? y : y + 1) + (in->offset - 1);
        if (y < 1 || y > 9999) return false;
        p.y = y;
        if (in->month != UNSET) {
            p.g = G_MONTH;
            p.m = in->month;
            if (in->day != UNSET) {
                if (!valid_ymd(y, in->month, in->day)) return false;
                p.g = G_DAY;
                p.d = in->day;
            }
        } else if (in->quarter != UNSET) {
            p.g = G_QUARTER;
            p.m = in->quarter;
        } else {
            p.g = G_SEASON;
            memcpy(p.season, in->season, 3);
        }
    } else if (has_offset && in->part_of_day[0]) {
        /* "tonight" (offset 0), "last night" (offset -1): anchor day +- 1 */
        if (!a_day(a)) return false;
        long days = a_days(a) + in->offset;
        if (!days_in_range(days)) return false;
        set_day(&p, days);
    } else if (has_offset) {
        return false; /* an offset with nothing to apply it to */
    } else if (in->century != UNSET && year == UNSET && in->decade == UNSET) {
        p.g = G_CENTURY;
        p.y = in->century - 1;
    } else if (in->decade != UNSET && year == UNSET) {
        int dec = in->decade;
        if (in->two_digit_year) {
            int ay = a_year(a) ? a->r.year : UNSET;
            dec = expand_yy(dec * 10, ay) / 10;
        }
        p.g = G_DECADE;
        p.y = dec;
    } else if (year != UNSET) {
        if (year < 1 || year > 9999) return false;
        p.y = year;
        p.g = G_YEAR;
        if (in->month != UNSET) {
            p.g = G_MONTH;
            p.m = in->month;
            if (in->day != UNSET) {
                if (!valid_ymd(year, in->month, in->day)) return false;
                p.g = G_DAY;
                p.d = in->day;
            }
        } else if (in->day != UNSET) {
            return false;
        } else if (in->week != UNSET) {
            if (in->week > iso_weeks_in_year(year)) return false;
            if (in->weekday != UNSET) set_day(&p, iso_week_day(year, in->week, in->weekday));
            else p.g = G_WEEK, p.m = in->week;
        } else if (in->quarter != UNSET) {
            p.g = G_QUARTER, p.m = in->quarter;
        } else if (in->half != UNSET) {
            p.g = G_HALF, p.m = in->half;
        } else if (in->season[0]) {
            p.g = G_SEASON;
            memcpy(p.season, in->season, 3);
        }
    } else if (in->month != UNSET) {
        /* "February 27", "in February": the anchor's year, moved by tense */
        if (in->day != UNSET && in->day > month_days(2000, in->month)) return false;
        if (!a_year(a)) {
            p.y = UNSET;
        } else {
            int y = a->r.year;
            if (a_month(a) && in->direction != 0) {
                bool days = in->day != UNSET && a->r.day != UNSET;
                int want = in->month * 32 + (days ? in->day : 0);
                int cur = a->r.month * 32 + (days ? a->r.day : 0);
                if (in->direction < 0 && want > cur) y--;
                if (in->direction > 0 && want < cur) y++;
            }
            p.y = y;
        }
        p.g = G_MONTH;
        p.m = in->month;
        if (in->day != UNSET) {
            if (p.y != UNSET && !valid_ymd(p.y, in->month, in->day)) return false;
            p.g = G_DAY;
            p.d = in->day;
        }
    } else if (in->quarter != UNSET || in->half != UNSET || in->season[0] ||
               in->week != UNSET) {
        /* "the third quarter", "the summer", "week 15": the anchor's year */
        if (!a_year(a)) return false;
        p.y = a->r.year;
        if (in->week != UNSET) {
            if (!a_day(a)) return false;
            int wn;
            iso_week_of(a_days(a), &p.y, &wn);
            if (in->week > iso_weeks_in_year(p.y)) return false;
            p.g = G_WEEK, p.m = in->week;
        } else if (in->quarter != UNSET) {
            p.g = G_QUARTER, p.m = in->quarter;
        } else if (in->half != UNSET) {
            p.g = G_HALF, p.m = in->half;
        } else {
            p.g = G_SEASON;
            memcpy(p.season, in->season, 3);
        }
    } else if (in->weekday != UNSET) {
        /* bare weekday: nearest on or before the anchor, or on or after
         * it when the tense points forward */
        if (!a_day(a)) {
            p.g = G_WEEKDAY_X;
            p.d = in->weekday;
        } else {
            long d0 = a_days(a);
            int wd0 = weekday_of(d0);
            long days = in->direction > 0 ? d0 + (in->weekday - wd0 + 7) % 7
                                          : d0 - (wd0 - in->weekday + 7) % 7;
            if (!days_in_range(days)) return false;
            set_day(&p, days);
        }
    } else if (in->day != UNSET) {
        /* "on the 5th": the anchor's month, moved by tense */
        if (!a_day(a)) return false;
        int y = a->r.year, m = a->r.month;
        if (in->direction < 0 && in->day > a->r.day) m--;
        if (in->direction > 0 && in->day < a->r.day) m++;
        if (m < 1) m = 12, y--;
        if (m > 12) m = 1, y++;
        if (!valid_ymd(y, m, in->day)) return false;
        p.g = G_DAY, p.y = y, p.m = m, p.d = in->day;
    }

    /* times */
    bool want_time = in->hour != UNSET || time_min >= 0 || in->part_of_day[0];
    if (!want_time) {
        if (p.g == G_NONE) return false;
        *len = fmt_point(&p, out, n);
        return true;
    }
    if (p.g == G_NONE) { /* "9:24 PM", "in the morning": the anchor's day */
        if (a_day(a)) set_day(&p, a_days(a));
        else p.g = G_DAY, p.y = UNSET, p.m = UNSET, p.d = UNSET;
    }
    if (p.g != G_DAY) return false;
    char date[24];
    if (p.y == UNSET && p.m == UNSET) memcpy(date, "XXXX-XX-XX", 11);
    else fmt_point(&p, date, sizeof date);
    int r;
    if (in->hour != UNSET) {
        int h = hour24(in);
        int mi = in->minute == UNSET ? 0 : in->minute;
        if (h < 0 || mi > 59) return false;
        if (in->second != UNSET && in->second <= 59)
            r = snprintf(out, n, "%sT%02d:%02d:%02d%s", date, h, mi, in->second, in->zone);
        else r = snprintf(out, n, "%sT%02d:%02d%s", date, h, mi, in->zone);
    } else if (time_min >= 0) {
        r = snprintf(out, n, "%sT%02ld:%02ld", date, time_min / 60, time_min % 60);
    } else {
        r = snprintf(out, n, "%sT%s", date, in->part_of_day);
    }
    *len = r < 0 ? 0 : (size_t)r;
    return true;
}

/* Unit letter(s) of a period and whether it takes the ISO 'T'. */
static const char *unit_code(nfi_timex_unit u, bool *timeunit)
{
    *timeunit = u == NFI_TU_HOUR || u == NFI_TU_MINUTE || u == NFI_TU_SECOND;
    switch (u) {
    case NFI_TU_SECOND: return "S";
    case NFI_TU_MINUTE: return "M";
    case NFI_TU_HOUR: return "H";
    case NFI_TU_DAY: return "D";
    case NFI_TU_WEEKEND: return "WE";
    case NFI_TU_WEEK: return "W";
    case NFI_TU_FORTNIGHT: return "W";
    case NFI_TU_MONTH: return "M";
    case NFI_TU_QUARTER: return "Q";
    case NFI_TU_HALF: return "M";
    case NFI_TU_YEAR: return "Y";
    case NFI_TU_DECADE: return "E";
    case NFI_TU_CENTURY: return "C";
    default: return NULL;
    }
}

/* "P" ("PT" with tu), amt (0 to 99,999,999) and code, as period_value's
 * snprintf writes them, when they fit in out[0, n); false otherwise. */
static bool period_quick(char *out, size_t n, bool tu, long amt, const char *code, size_t *len)
{
    size_t cl = strlen(code);
    if (amt < 0 || amt > 99999999 || n < 12 + cl) return false;
    char digits[8], *d = digits + sizeof digits;
    do {
        *--d = (char)('0' + amt % 10);
        amt /= 10;
    } while (amt);
    size_t k = 0, dl = (size_t)(digits + sizeof digits - d);
    out[k++] = 'P';
    if (tu) out[k++] = 'T';
    memcpy(out + k, d, dl);
    k += dl;
    memcpy(out + k, code, cl + 1);
    *len = k + cl;
    return true;
}

/* DURATION (and counted SET) values: "P6Y", "PT6H", "PXY", "P18M". */
static bool period_value(const nfi_timex_in *in, char *out, size_t n, size_t *len)
{
    bool tu;
    const char *code = unit_code(in->unit, &tu);
    if (!code) return false;
    int r;
    if (in->amount_vague && in->amount == UNSET && in->amount_max == UNSET) {
        if (in->unit == NFI_TU_FORTNIGHT) code = "W";
        r = snprintf(out, n, "P%sX%s", tu ? "T" : "", code);
        *len = r < 0 ? 0 : (size_t)r;
        return true;
    }
    long amt = in->amount_max != UNSET ? in->amount_max : in->amount != UNSET ? in->amount : 1;
    if (in->amount == UNSET && in->amount_max == UNSET && in->amount_half) amt = 0;
    /* work in the next smaller unit when a half is involved or the unit is
     * not an ISO designator (decades and centuries in years, fortnights in
     * weeks, halves in months) */
    long mul = 1, half_mul = 0;
    nfi_timex_unit u = in->unit;
    switch (u) {
    case NFI_TU_DECADE: mul = 10, code = "Y"; break;
    case NFI_TU_CENTURY: mul = 100, code = "Y"; break;
    case NFI_TU_FORTNIGHT: mul = 2, code = "W"; break;
    case NFI_TU_HALF: mul = 6, code = "M"; break;
    default: break;
    }
    amt *= mul;
    if (in->amount_half) {
        /* half of the (converted) unit in the next smaller one */
        switch (u) {
        case NFI_TU_YEAR: amt = amt * 12 + 6, code = "M"; break;
        case NFI_TU_DECADE: amt += 5; break;
        case NFI_TU_CENTURY: amt += 50; break;
        case NFI_TU_MONTH: half_mul = 1; break;
        case NFI_TU_QUARTER: return false; /* "a quarter and a half" */
        case NFI_TU_HALF: amt += 3; break;
        case NFI_TU_FORTNIGHT: amt += 1; break;
        case NFI_TU_WEEK: half_mul = 1; break;
        case NFI_TU_DAY: amt = amt * 24 + 12, code = "H", tu = true; break;
        case NFI_TU_HOUR: amt = amt * 60 + 30, code = "M"; break;
        case NFI_TU_MINUTE: amt = amt * 60 + 30, code = "S"; break;
        default: return false;
        }
    }
    if (half_mul != 1 && period_quick(out, n, tu, amt, code, len)) return true;
    if (half_mul == 1) r = snprintf(out, n, "P%s%ld.5%s", tu ? "T" : "", amt, code);
    else r = snprintf(out, n, "P%s%ld%s", tu ? "T" : "", amt, code);
    *len = r < 0 ? 0 : (size_t)r;
    return true;
}

static bool set_value(const nfi_timex_in *in, char *out, size_t n, size_t *len)
{
    int r;
    if (in->freq[0]) r = snprintf(out, n, "%s", in->freq);
    else if (in->unit != NFI_TU_NONE) return period_value(in, out, n, len);
    else if (in->weekday != UNSET && in->part_of_day[0])
        r = snprintf(out, n, "XXXX-WXX-%dT%s", in->weekday, in->part_of_day);
    else if (in->weekday != UNSET) r = snprintf(out, n, "XXXX-WXX-%d", in->weekday);
    else if (in->month != UNSET && in->day != UNSET)
        r = snprintf(out, n, "XXXX-%02d-%02d", in->month, in->day);
    else if (in->month != UNSET) r = snprintf(out, n, "XXXX-%02d", in->month);
    else if (in->part_of_day[0]) r = snprintf(out, n, "XXXX-XX-XXT%s", in->part_of_day);
    else return false;
    *len = r < 0 ? 0 : (size_t)r;
    return true;
}

static nf_timex_type infer_type(const nfi_timex_in *in)
{
    if (in->ref[0]) return NF_TIMEX_DATE;
    if (in->freq[0]) return NF_TIMEX_SET;
    if (in->unit != NFI_TU_NONE && in->offset == UNSET) return NF_TIMEX_DURATION;
    if (in->hour != UNSET || in->part_of_day[0]) return NF_TIMEX_TIME;
    if (in->offset != UNSET && (in->unit == NFI_TU_HOUR || in->unit == NFI_TU_MINUTE))
        return NF_TIMEX_TIME;
    return NF_TIMEX_DATE;
}

nf_status nfi_timex_normalize(const nfi_timex_in *in, const char *dct, const char *prev_ref,
                              char *out, size_t n, nf_timex_type *type_out)
{
    if (!out || n == 0) return NF_ERR_INVALID;
    out[0] = '\0';
    if (!in) return NF_ERR_INVALID;
    anchor a = {false, {UNSET, UNSET, UNSET, false, 0, 0, 0, ""}};
    if (dct) {
        if (!parse_point(dct, &a.r, true)) return NF_ERR_INVALID;
        a.known = true;
    }
    if (in->anchor_ref) {
        a.known = prev_ref && parse_point(prev_ref, &a.r, false);
        if (!a.known) a.r.year = a.r.month = a.r.day = UNSET;
    }
    nf_timex_type type = in->type ? in->type : infer_type(in);
    if (type_out) *type_out = type;

    char buf[NFI_TIMEX_MAX];
    size_t len = 0;
    bool ok;
    if (in->ref[0]) {
        len = strlen(in->ref);
        memcpy(buf, in->ref, len + 1);
        ok = true;
    } else if (type == NF_TIMEX_SET) {
        ok = set_value(in, buf, sizeof buf, &len);
    } else if (type == NF_TIMEX_DURATION) {
        ok = period_value(in, buf, sizeof buf, &len);
    } else {
        ok = point_value(in, &a, buf, sizeof buf, &len);
    }
    if (!ok || len >= sizeof buf) return NF_OK;
    if (len + 1 > n) return NF_ERR_LIMIT;
    memcpy(out, buf, len + 1);
    return NF_OK;
}

/* ------------------------------------------------------------ stamps */

/* "9:24 PM", "21:24", "9.24pm", "9 a.m.", "09:24:10" -> minutes of day
 * and seconds (-1 when none). */
static bool parse_clock(const char *s, int *hh, int *mm, int *ss)
{
    char w[32];
    if (lower_copy(w, sizeof w, s, strlen(s)) == SIZE_MAX) return false;
    const char *p = w;
    int h = 0, m = 0, sec = -1, nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 3) h = h * 10 + (*p++ - '0'), nd++;
    if (nd == 0 || nd > 2) return false;
    if (*p == ':' || *p == '.') {
        p++;
        if (!read_digits(&p, 2, &m)) return false;
        if (*p == ':') {
            p++;
            if (!read_digits(&p, 2, &sec)) return false;
        }
    }
    while (*p == ' ') p++;
    int ampm = 0;
    if (*p && !parse_ampm(p, &ampm)) return false;
    if (m > 59 || sec > 59) return false;
    if (ampm) {
        if (h < 1 || h > 12) return false;
        h = ampm == 1 ? (h == 12 ? 0 : h) : (h == 12 ? 12 : h + 12);
    } else if (h > 23) {
        return false;
    }
    *hh = h, *mm = m, *ss = sec;
    return true;
}

nf_status nfi_timex_format_stamp(const char *date, const char *time, const char *zone,
                                 char *out, size_t n)
{
    if (!out || n == 0) return NF_ERR_INVALID;
    out[0] = '\0';
    pt_ref r;
    if (!date || !parse_point(date, &r, true) || r.has_time) return NF_ERR_INVALID;
    char buf[NFI_TIMEX_MAX];
    int len;
    if (time && *time) {
        int h, m, s;
        if (!parse_clock(time, &h, &m, &s)) return NF_ERR_INVALID;
        char z[8] = "";
        if (zone && *zone && nfi_timex_zone(zone, strlen(zone), z) != NF_OK) z[0] = '\0';
        if (s >= 0)
            len = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", r.year, r.month,
                           r.day, h, m, s, z);
        else
            len = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d%s", r.year, r.month,
                           r.day, h, m, z);
    } else {
        len = snprintf(buf, sizeof buf, "%04d-%02d-%02d", r.year, r.month, r.day);
    }
    if (len < 0 || (size_t)len + 1 > n) return NF_ERR_LIMIT;
    memcpy(out, buf, (size_t)len + 1);
    return NF_OK;
}
