/* test_timex.c - table tests of TIMEX3 normalisation (lib/timex.c).
 *
 * Each case: the attributes a rule would emit ("key=value" joined by ','),
 * the DCT, the previous reference in the text, the expected value ("" =
 * value null) and type. Expected values were worked out by hand and the
 * calendar ones (weekdays, ISO weeks, day arithmetic) checked with
 * Python's datetime. Articles are dated Thursday 2025-04-10 unless the
 * case says otherwise. */
#include <stdlib.h>

#include "harness.h"
#include "timex.h"

#define D "2025-04-10"

typedef struct tcase {
    const char *attrs;
    const char *dct;
    const char *ref;
    const char *value;
    const char *type;
} tcase;

static const tcase cases[] = {
    /* ---- absolute dates */
    {"year=2014", D, NULL, "2014", "DATE"},
    {"year=2025,month=April,day=10", D, NULL, "2025-04-10", "DATE"},
    {"year=2025,month=Apr,day=10", NULL, NULL, "2025-04-10", "DATE"},
    {"year=2025,month=4,day=10", D, NULL, "2025-04-10", "DATE"},
    {"day=10,month=april,year=2025", D, NULL, "2025-04-10", "DATE"},
    {"year=2025,month=February", D, NULL, "2025-02", "DATE"},
    {"year=1987,month=Sept.,day=3rd", D, NULL, "1987-09-03", "DATE"},
    {"year=2025,month=Feb.,day=27", NULL, NULL, "2025-02-27", "DATE"},
    {"year=1999,month=12,day=31", D, NULL, "1999-12-31", "DATE"},
    {"year=2001,month=1,day=first", D, NULL, "2001-01-01", "DATE"},
    {"year=2025,month=3,day=twenty-first", D, NULL, "2025-03-21", "DATE"},
    {"year=2025,month=April,day=10,weekday=Thursday", D, NULL, "2025-04-10", "DATE"},
    /* invalid calendar dates and leap years */
    {"year=2025,month=2,day=30", D, NULL, "", "DATE"},
    {"year=2025,month=2,day=29", D, NULL, "", "DATE"},
    {"year=2024,month=2,day=29", D, NULL, "2024-02-29", "DATE"},
    {"year=2000,month=2,day=29", D, NULL, "2000-02-29", "DATE"},
    {"year=1900,month=2,day=29", D, NULL, "", "DATE"},
    {"year=2100,month=2,day=29", D, NULL, "", "DATE"},
    {"year=2025,month=4,day=31", D, NULL, "", "DATE"},
    {"year=2025,month=6,day=31", D, NULL, "", "DATE"},
    {"year=2025,month=7,day=31", D, NULL, "2025-07-31", "DATE"},
    {"year=2025,day=12", D, NULL, "", "DATE"},
    /* month and day without a year: the DCT's year, moved by tense */
    {"month=February,day=27", D, NULL, "2025-02-27", "DATE"},
    {"month=Feb,day=27", NULL, NULL, "XXXX-02-27", "DATE"},
    {"month=February", D, NULL, "2025-02", "DATE"},
    {"month=February", NULL, NULL, "XXXX-02", "DATE"},
    {"month=December", D, NULL, "2025-12", "DATE"},
    {"month=December,direction=past", D, NULL, "2024-12", "DATE"},
    {"month=December,direction=future", D, NULL, "2025-12", "DATE"},
    {"month=January,direction=future", D, NULL, "2026-01", "DATE"},
    {"month=January,direction=past", D, NULL, "2025-01", "DATE"},
    {"month=April,direction=past", D, NULL, "2025-04", "DATE"},
    {"month=April,direction=future", D, NULL, "2025-04", "DATE"},
    {"month=April,day=12,direction=past", D, NULL, "2024-04-12", "DATE"},
    {"month=April,day=9,direction=past", D, NULL, "2025-04-09", "DATE"},
    {"month=April,day=10,direction=past", D, NULL, "2025-04-10", "DATE"},
    {"month=April,day=3,direction=future", D, NULL, "2026-04-03", "DATE"},
    {"month=April,day=11,direction=future", D, NULL, "2025-04-11", "DATE"},
    {"month=Feb,day=29", "2024-06-01", NULL, "2024-02-29", "DATE"},
    {"month=Feb,day=29", D, NULL, "", "DATE"},
    {"month=Feb,day=29", NULL, NULL, "XXXX-02-29", "DATE"},
    {"month=Feb,day=30", NULL, NULL, "", "DATE"},
    {"month=Nov,day=31", D, NULL, "", "DATE"},
    {"month=Feb,day=29,direction=past", "2025-03-01", NULL, "", "DATE"},
    {"month=December,day=31,direction=past", "2025-01-01", NULL, "2024-12-31", "DATE"},
    {"month=January,day=2,direction=future", "2025-12-31", NULL, "2026-01-02", "DATE"},
    /* a day alone ("on the 5th") */
    {"day=5th,direction=past", D, NULL, "2025-04-05", "DATE"},
    {"day=20th,direction=past", D, NULL, "2025-03-20", "DATE"},
    {"day=20th,direction=future", D, NULL, "2025-04-20", "DATE"},
    {"day=3rd,direction=future", D, NULL, "2025-05-03", "DATE"},
    {"day=20", D, NULL, "2025-04-20", "DATE"},
    {"day=31st,direction=past", D, NULL, "2025-03-31", "DATE"},
    {"day=31st,direction=past", "2025-03-10", NULL, "", "DATE"},
    {"day=15,direction=past", "2025-01-10", NULL, "2024-12-15", "DATE"},
    {"day=15", NULL, NULL, "", "DATE"},
    /* two-digit years */
    {"year='98", D, NULL, "1998", "DATE"},
    {"year='05", D, NULL, "2005", "DATE"},
    {"year='30", D, NULL, "2030", "DATE"},
    {"year='98", NULL, NULL, "1998", "DATE"},
    {"year='49", NULL, NULL, "2049", "DATE"},
    {"yy=75", "1990-01-01", NULL, "1975", "DATE"},
    {"yy=05", "1990-01-01", NULL, "2005", "DATE"},
    {"month=April,year='98", D, NULL, "1998-04", "DATE"},
    {"month=10,day=4,year=24", D, NULL, "2024-10-04", "DATE"},
    /* decades and centuries */
    {"decade=1990s", D, NULL, "199", "DATE"},
    {"decade=1990", D, NULL, "199", "DATE"},
    {"decade=199", NULL, NULL, "199", "DATE"},
    {"decade=2010s", D, NULL, "201", "DATE"},
    {"decade='90s", D, NULL, "199", "DATE"},
    {"decade='20s", D, NULL, "202", "DATE"},
    {"decade='20s", "1950-06-01", NULL, "192", "DATE"},
    {"decade=ninety", NULL, NULL, "199", "DATE"},
    {"decade=1980s,mod=START", D, NULL, "198", "DATE"},
    {"century=20th", D, NULL, "19", "DATE"},
    {"century=21st", NULL, NULL, "20", "DATE"},
    {"century=nineteenth", D, NULL, "18", "DATE"},
    /* mid-, fiscal, quarters, halves, weeks, seasons */
    {"year=2023,mod=MID", D, NULL, "2023", "DATE"},
    {"year=2025,fiscal=1", D, NULL, "2025", "DATE"},
    {"yy=25,fiscal=1", D, NULL, "2025", "DATE"},
    {"year=2024,quarter=Q3", D, NULL, "2024-Q3", "DATE"},
    {"year=2025,quarter=3,fiscal=yes", D, NULL, "2025-Q3", "DATE"},
    {"quarter=third", D, NULL, "2025-Q3", "DATE"},
    {"quarter=4", NULL, NULL, "", "DATE"},
    {"year=2025,half=H1", D, NULL, "2025-H1", "DATE"},
    {"half=second", D, NULL, "2025-H2", "DATE"},
    {"week=15", D, NULL, "2025-W15", "DATE"},
    {"year=2020,week=53", D, NULL, "2020-W53", "DATE"},
    {"year=2025,week=53", D, NULL, "", "DATE"},
    {"year=2026,week=1,weekday=Monday", D, NULL, "2025-12-29", "DATE"},
    {"week=1", "2024-12-30", NULL, "2025-W01", "DATE"},
    {"year=2024,season=summer", D, NULL, "2024-SU", "DATE"},
    {"year=2024,season=autumn", D, NULL, "2024-FA", "DATE"},
    {"year=2024,season=fall", D, NULL, "2024-FA", "DATE"},
    {"season=summer", D, NULL, "2025-SU", "DATE"},
    {"season=winter,offset=last", D, NULL, "2024-WI", "DATE"},
    {"season=summer,offset=last", D, NULL, "2024-SU", "DATE"},
    {"season=winter,offset=next", D, NULL, "2025-WI", "DATE"},
    {"season=spring,offset=last", D, NULL, "2024-SP", "DATE"},
    {"season=spring,offset=next", D, NULL, "2026-SP", "DATE"},
    {"season=spring,offset=this", D, NULL, "2025-SP", "DATE"},
    {"season=winter,offset=this", "2025-01-15", NULL, "2024-WI", "DATE"},
    {"season=fall,offset=last", "2025-10-15", NULL, "2024-FA", "DATE"},
    {"season=summer,offset=last", "2025-10-15", NULL, "2025-SU", "DATE"},
    /* ---- bare weekdays: on or before the DCT, or on or after it when the
     * tense points forward (DCT Thursday 2025-04-10) */
    {"weekday=Thursday", D, NULL, "2025-04-10", "DATE"},
    {"weekday=Tuesday", D, NULL, "2025-04-08", "DATE"},
    {"weekday=Monday", D, NULL, "2025-04-07", "DATE"},
    {"weekday=Wednesday", D, NULL, "2025-04-09", "DATE"},
    {"weekday=Friday", D, NULL, "2025-04-04", "DATE"},
    {"weekday=Sat", D, NULL, "2025-04-05", "DATE"},
    {"weekday=Sun", D, NULL, "2025-04-06", "DATE"},
    {"weekday=Friday,direction=past", D, NULL, "2025-04-04", "DATE"},
    {"weekday=Monday,direction=future", D, NULL, "2025-04-14", "DATE"},
    {"weekday=Tues,direction=future", D, NULL, "2025-04-15", "DATE"},
    {"weekday=Wed,direction=future", D, NULL, "2025-04-16", "DATE"},
    {"weekday=Thursday,direction=future", D, NULL, "2025-04-10", "DATE"},
    {"weekday=Friday,direction=future", D, NULL, "2025-04-11", "DATE"},
    {"weekday=Saturday,direction=future", D, NULL, "2025-04-12", "DATE"},
    {"weekday=Sunday,direction=future", D, NULL, "2025-04-13", "DATE"},
    {"weekday=Thursday", NULL, NULL, "XXXX-WXX-4", "DATE"},
    {"weekday=7", NULL, NULL, "XXXX-WXX-7", "DATE"},
    /* across month, year and leap-day boundaries */
    {"weekday=Friday", "2025-01-01", NULL, "2024-12-27", "DATE"},
    {"weekday=Monday", "2025-01-01", NULL, "2024-12-30", "DATE"},
    {"weekday=Wednesday", "2025-01-01", NULL, "2025-01-01", "DATE"},
    {"weekday=Friday,direction=future", "2025-01-01", NULL, "2025-01-03", "DATE"},
    {"weekday=Thursday", "2024-03-01", NULL, "2024-02-29", "DATE"},
    {"weekday=Wednesday", "2024-03-01", NULL, "2024-02-28", "DATE"},
    {"weekday=Tuesday", "2023-03-01", NULL, "2023-02-28", "DATE"},
    {"weekday=Monday,direction=future", "2025-12-31", NULL, "2026-01-05", "DATE"},
    {"weekday=Tuesday", "2016-05-05", NULL, "2016-05-03", "DATE"},
    {"weekday=Tuesday,anchor=ref", D, "2016-05-05", "2016-05-03", "DATE"},
    /* last / next / this weekday */
    {"weekday=Monday,offset=last", D, NULL, "2025-04-07", "DATE"},
    {"weekday=Thursday,offset=last", D, NULL, "2025-04-03", "DATE"},
    {"weekday=Friday,offset=last", D, NULL, "2025-04-04", "DATE"},
    {"weekday=Monday,offset=next", D, NULL, "2025-04-14", "DATE"},
    {"weekday=Thursday,offset=next", D, NULL, "2025-04-17", "DATE"},
    {"weekday=Friday,offset=next", D, NULL, "2025-04-11", "DATE"},
    {"weekday=Monday,offset=this", D, NULL, "2025-04-07", "DATE"},
    {"weekday=Sunday,offset=this", D, NULL, "2025-04-13", "DATE"},
    {"weekday=Friday,offset=last", "2025-01-02", NULL, "2024-12-27", "DATE"},
    {"weekday=Monday,offset=last", NULL, NULL, "", "DATE"},
    /* ---- relative days */
    {"unit=day,offset=0", D, NULL, "2025-04-10", "DATE"},
    {"unit=day,offset=-1", D, NULL, "2025-04-09", "DATE"},
    {"unit=day,offset=+1", D, NULL, "2025-04-11", "DATE"},
    {"unit=day,offset=yesterday", "2024-03-01", NULL, "2024-02-29", "DATE"},
    {"unit=day,offset=yesterday", "2023-03-01", NULL, "2023-02-28", "DATE"},
    {"unit=day,offset=tomorrow", "2024-02-28", NULL, "2024-02-29", "DATE"},
    {"unit=day,offset=tomorrow", "2025-12-31", NULL, "2026-01-01", "DATE"},
    {"unit=day,offset=yesterday", "2025-01-01", NULL, "2024-12-31", "DATE"},
    {"unit=day,offset=yesterday", NULL, NULL, "", "DATE"},
    {"amount=ten,unit=days,offset=ago", D, NULL, "2025-03-31", "DATE"},
    {"amount=100,unit=days,offset=later", "2025-01-01", NULL, "2025-04-11", "DATE"},
    {"amount=six,unit=days,offset=later,anchor=ref", D, "2025-04-10", "2025-04-16", "DATE"},
    {"amount=six,unit=days,offset=later,anchor=ref", D, "2024-02-25", "2024-03-02", "DATE"},
    {"amount=six,unit=days,offset=later,anchor=ref", D, "2023-02-25", "2023-03-03", "DATE"},
    {"amount=three,unit=days,offset=earlier,anchor=ref", D, "2025-03-02", "2025-02-27", "DATE"},
    {"amount=six,unit=days,offset=later,anchor=ref", D, NULL, "", "DATE"},
    {"amount=six,unit=days,offset=later,anchor=ref", D, "2016", "", "DATE"},
    {"amount=six,unit=days,offset=later,anchor=ref", D, "PAST_REF", "", "DATE"},
    {"unit=day,offset=next,anchor=ref", D, "2024-02-28", "2024-02-29", "DATE"},
    {"unit=day,offset=next,anchor=ref", D, "2025-04-10TMO", "2025-04-11", "DATE"},
    {"unit=day,offset=previous,anchor=ref", D, "2025-03-01T09:00", "2025-02-28", "DATE"},
    /* ---- weeks (ISO, with year boundaries) */
    {"unit=week,offset=this", D, NULL, "2025-W15", "DATE"},
    {"unit=week,offset=last", D, NULL, "2025-W14", "DATE"},
    {"unit=week,offset=next", D, NULL, "2025-W16", "DATE"},
    {"amount=two,unit=weeks,offset=ago", D, NULL, "2025-W13", "DATE"},
    {"unit=week,offset=this", "2025-01-01", NULL, "2025-W01", "DATE"},
    {"unit=week,offset=last", "2025-01-01", NULL, "2024-W52", "DATE"},
    {"unit=week,offset=this", "2024-12-30", NULL, "2025-W01", "DATE"},
    {"unit=week,offset=last", "2024-12-30", NULL, "2024-W52", "DATE"},
    {"unit=week,offset=this", "2021-01-03", NULL, "2020-W53", "DATE"},
    {"unit=week,offset=next", "2021-01-03", NULL, "2021-W01", "DATE"},
    {"unit=week,offset=last", "2021-01-03", NULL, "2020-W52", "DATE"},
    {"unit=week,offset=this", "2027-01-01", NULL, "2026-W53", "DATE"},
    {"unit=week,offset=this", "2016-01-01", NULL, "2015-W53", "DATE"},
    {"unit=week,offset=last", "2016-01-01", NULL, "2015-W52", "DATE"},
    {"unit=week,offset=next", "2025-12-31", NULL, "2026-W02", "DATE"},
    {"unit=week,offset=this", "2020-12-31", NULL, "2020-W53", "DATE"},
    {"unit=week,offset=this", "2008-12-29", NULL, "2009-W01", "DATE"},
    {"unit=weekend,offset=this", D, NULL, "2025-W15-WE", "DATE"},
    {"unit=weekend,offset=last", D, NULL, "2025-W14-WE", "DATE"},
    {"unit=weekend,offset=next", D, NULL, "2025-W16-WE", "DATE"},
    {"unit=week,offset=last,weekday=Monday", D, NULL, "2025-03-31", "DATE"},
    {"unit=week,offset=next,weekday=Friday", D, NULL, "2025-04-18", "DATE"},
    {"unit=week,offset=following,anchor=ref", D, "2025-04-10", "2025-W16", "DATE"},
    {"amount=two,unit=weeks,offset=later,anchor=ref", D, "2025-04-10", "2025-04-24", "DATE"},
    {"amount=a,unit=week,offset=later,anchor=ref", D, "2025-04-10", "2025-04-17", "DATE"},
    {"unit=week,offset=last", NULL, NULL, "", "DATE"},
    /* ---- months, quarters, halves */
    {"unit=month,offset=this", D, NULL, "2025-04", "DATE"},
    {"unit=month,offset=last", D, NULL, "2025-03", "DATE"},
    {"unit=month,offset=next", D, NULL, "2025-05", "DATE"},
    {"unit=month,offset=last", "2025-01-01", NULL, "2024-12", "DATE"},
    {"unit=month,offset=next", "2025-12-31", NULL, "2026-01", "DATE"},
    {"amount=three,unit=months,offset=ago", D, NULL, "2025-01", "DATE"},
    {"amount=six,unit=months,offset=ago", D, NULL, "2024-10", "DATE"},
    {"amount=18,unit=months,offset=ago", D, NULL, "2023-10", "DATE"},
    {"amount=24,unit=months,offset=later", D, NULL, "2027-04", "DATE"},
    {"unit=month,offset=last,day=5th", D, NULL, "2025-03-05", "DATE"},
    {"unit=month,offset=last,day=31st", "2025-03-10", NULL, "", "DATE"},
    {"unit=month,offset=previous,anchor=ref", D, "2025-01-15", "2024-12", "DATE"},
    {"unit=month,offset=this,anchor=ref", D, "2016", "", "DATE"},
    {"month=April,offset=last", D, NULL, "2024-04", "DATE"},
    {"month=February,offset=last", D, NULL, "2025-02", "DATE"},
    {"month=December,offset=last", D, NULL, "2024-12", "DATE"},
    {"month=April,offset=next", D, NULL, "2026-04", "DATE"},
    {"month=May,offset=next", D, NULL, "2025-05", "DATE"},
    {"month=December,offset=this", D, NULL, "2025-12", "DATE"},
    {"month=March,day=3,offset=next", D, NULL, "2026-03-03", "DATE"},
    {"unit=quarter,offset=this", D, NULL, "2025-Q2", "DATE"},
    {"unit=quarter,offset=last", D, NULL, "2025-Q1", "DATE"},
    {"unit=quarter,offset=next", D, NULL, "2025-Q3", "DATE"},
    {"unit=quarter,offset=last", "2025-01-01", NULL, "2024-Q4", "DATE"},
    {"unit=quarter,offset=next", "2025-12-31", NULL, "2026-Q1", "DATE"},
    {"quarter=4,offset=last", D, NULL, "2024-Q4", "DATE"},
    {"quarter=1,offset=last", D, NULL, "2025-Q1", "DATE"},
    {"unit=half,offset=last", D, NULL, "2024-H2", "DATE"},
    {"unit=half,offset=this", "2025-07-01", NULL, "2025-H2", "DATE"},
    /* ---- years, decades, centuries */
    {"unit=year,offset=this", D, NULL, "2025", "DATE"},
    {"unit=year,offset=last", D, NULL, "2024", "DATE"},
    {"unit=year,offset=next", D, NULL, "2026", "DATE"},
    {"amount=two,unit=years,offset=ago", D, NULL, "2023", "DATE"},
    {"amount=five,unit=years,offset=later,anchor=ref", D, "2016", "2021", "DATE"},
    {"unit=year,offset=before,anchor=ref", D, "2016-05", "2015", "DATE"},
    {"unit=year,offset=last", "2025-01-01", NULL, "2024", "DATE"},
    {"unit=year,offset=last,month=April", D, NULL, "2024-04", "DATE"},
    {"unit=year,offset=last,month=March,day=3", D, NULL, "2024-03-03", "DATE"},
    {"unit=year,offset=last,month=Feb,day=29", D, NULL, "2024-02-29", "DATE"},
    {"unit=year,offset=last,month=Feb,day=29", "2026-01-05", NULL, "", "DATE"},
    {"unit=year,offset=last,quarter=3", D, NULL, "2024-Q3", "DATE"},
    {"unit=year,offset=next,season=summer", D, NULL, "2026-SU", "DATE"},
    {"unit=year,offset=last", NULL, NULL, "", "DATE"},
    {"amount=a,unit=decade,offset=ago", D, NULL, "2015", "DATE"},
    {"amount=two,unit=decades,offset=ago", D, NULL, "2005", "DATE"},
    {"unit=decade,offset=this", D, NULL, "202", "DATE"},
    {"unit=decade,offset=last", D, NULL, "201", "DATE"},
    {"unit=decade,offset=last", "2020-01-01", NULL, "201", "DATE"},
    {"unit=century,offset=this", D, NULL, "20", "DATE"},
    {"unit=century,offset=last", D, NULL, "19", "DATE"},
    {"amount=a,unit=century,offset=ago", D, NULL, "1925", "DATE"},
    /* ---- vague references */
    {"ref=PAST_REF", D, NULL, "PAST_REF", "DATE"},
    {"ref=present_ref", D, NULL, "PRESENT_REF", "DATE"},
    {"ref=FUTURE_REF", NULL, NULL, "FUTURE_REF", "DATE"},
    {"ref=PRESENT_REF,type=date", NULL, NULL, "PRESENT_REF", "DATE"},
    /* ---- times */
    {"hour=9,minute=24,ampm=PM", D, NULL, "2025-04-10T21:24", "TIME"},
    {"hour=9,minute=24,ampm=p.m.,zone=IST", D, NULL, "2025-04-10T21:24+05:30", "TIME"},
    {"hour=14,minute=00,zone=GMT", D, NULL, "2025-04-10T14:00Z", "TIME"},
    {"hour=14,minute=00,zone=UTC", D, NULL, "2025-04-10T14:00Z", "TIME"},
    {"hour=8,ampm=am,zone=EST", D, NULL, "2025-04-10T08:00-05:00", "TIME"},
    {"hour=8,ampm=am,zone=EDT", D, NULL, "2025-04-10T08:00-04:00", "TIME"},
    {"hour=18,minute=30,zone=CET", D, NULL, "2025-04-10T18:30+01:00", "TIME"},
    {"hour=18,minute=30,zone=CEST", D, NULL, "2025-04-10T18:30+02:00", "TIME"},
    {"hour=10,zone=MSK", D, NULL, "2025-04-10T10:00+03:00", "TIME"},
    {"hour=10,zone=PST", D, NULL, "2025-04-10T10:00-08:00", "TIME"},
    {"hour=10,zone=PDT", D, NULL, "2025-04-10T10:00-07:00", "TIME"},
    {"hour=10,zone=BST", D, NULL, "2025-04-10T10:00+01:00", "TIME"},
    {"hour=10,zone=JST", D, NULL, "2025-04-10T10:00+09:00", "TIME"},
    {"hour=10,zone=+0530", D, NULL, "2025-04-10T10:00+05:30", "TIME"},
    {"hour=10,zone=UTC-3", D, NULL, "2025-04-10T10:00-03:00", "TIME"},
    {"hour=10,zone=XYZ", D, NULL, "2025-04-10T10:00", "TIME"},
    {"hour=12,ampm=AM", D, NULL, "2025-04-10T00:00", "TIME"},
    {"hour=12,ampm=PM", D, NULL, "2025-04-10T12:00", "TIME"},
    {"hour=12,minute=30,ampm=am", D, NULL, "2025-04-10T00:30", "TIME"},
    {"hour=13,ampm=PM", D, NULL, "", "TIME"},
    {"hour=noon", D, NULL, "2025-04-10T12:00", "TIME"},
    {"hour=midnight", D, NULL, "2025-04-10T00:00", "TIME"},
    {"hour=9,minute=5,second=7", D, NULL, "2025-04-10T09:05:07", "TIME"},
    {"time=9:24 PM,zone=IST", D, NULL, "2025-04-10T21:24+05:30", "TIME"},
    {"time=21:24:30", D, NULL, "2025-04-10T21:24:30", "TIME"},
    {"time=9 a.m.,weekday=Friday,direction=future", D, NULL, "2025-04-11T09:00", "TIME"},
    {"time=12:15 am,unit=day,offset=tomorrow", D, NULL, "2025-04-11T00:15", "TIME"},
    {"part_of_day=tonight,offset=0,hour=9", D, NULL, "2025-04-10T21:00", "TIME"},
    {"part_of_day=morning,unit=day,offset=+1,hour=9", D, NULL, "2025-04-11T09:00", "TIME"},
    {"hour=9,minute=24,ampm=pm", NULL, NULL, "XXXX-XX-XXT21:24", "TIME"},
    {"hour=9,minute=24,ampm=pm", "2025-04-10T06:00+05:30", NULL, "2025-04-10T21:24", "TIME"},
    {"weekday=Thursday,hour=9,ampm=pm", D, NULL, "2025-04-10T21:00", "TIME"},
    {"weekday=Monday,hour=7,minute=45", D, NULL, "2025-04-07T07:45", "TIME"},
    {"unit=day,offset=+1,hour=8,minute=30,ampm=am", D, NULL, "2025-04-11T08:30", "TIME"},
    {"month=April,day=9,hour=14,minute=5", D, NULL, "2025-04-09T14:05", "TIME"},
    {"year=2024,month=2,day=29,hour=23,minute=59", D, NULL, "2024-02-29T23:59", "TIME"},
    {"year=2025,month=April,hour=9", D, NULL, "", "TIME"},
    {"hour=8,part_of_day=evening", D, NULL, "2025-04-10T20:00", "TIME"},
    {"hour=10,part_of_day=night", D, NULL, "2025-04-10T22:00", "TIME"},
    {"hour=2,part_of_day=night", D, NULL, "2025-04-10T02:00", "TIME"},
    {"hour=3,part_of_day=afternoon", D, NULL, "2025-04-10T15:00", "TIME"},
    {"hour=9,part_of_day=morning", D, NULL, "2025-04-10T09:00", "TIME"},
    {"part_of_day=morning,offset=this", D, NULL, "2025-04-10TMO", "TIME"},
    {"part_of_day=afternoon,unit=day,offset=yesterday", D, NULL, "2025-04-09TAF", "TIME"},
    {"part_of_day=tonight,offset=0", D, NULL, "2025-04-10TNI", "TIME"},
    {"part_of_day=night,offset=last", D, NULL, "2025-04-09TNI", "TIME"},
    {"part_of_day=night,offset=last", "2025-03-01", NULL, "2025-02-28TNI", "TIME"},
    {"weekday=Monday,part_of_day=evening", D, NULL, "2025-04-07TEV", "TIME"},
    {"part_of_day=morning", NULL, NULL, "XXXX-XX-XXTMO", "TIME"},
    {"amount=two,unit=hours,offset=ago", "2025-04-10T21:24+05:30", NULL, "2025-04-10T19:24", "TIME"},
    {"amount=two,unit=hours,offset=ago", D, NULL, "", "TIME"},
    {"amount=30,unit=minutes,offset=later,anchor=ref", D, "2025-04-10T09:45", "2025-04-10T10:15", "TIME"},
    {"amount=three,unit=hours,offset=later,anchor=ref", D, "2025-04-10T22:30", "2025-04-11T01:30", "TIME"},
    {"amount=three,unit=hours,offset=ago", "2025-01-01T01:00", NULL, "2024-12-31T22:00", "TIME"},
    /* ---- durations */
    {"amount=six,unit=hours", D, NULL, "PT6H", "DURATION"},
    {"amount=five,amount_max=six,unit=hours", D, NULL, "PT6H", "DURATION"},
    {"amount=three,unit=decades", D, NULL, "P30Y", "DURATION"},
    {"unit=decade,type=duration", D, NULL, "P10Y", "DURATION"},
    {"unit=decade,offset=past,type=DURATION", D, NULL, "P10Y", "DURATION"},
    {"amount=three,unit=years,offset=past,type=duration", D, NULL, "P3Y", "DURATION"},
    {"unit=years,vague=1", D, NULL, "PXY", "DURATION"},
    {"amount=several,unit=weeks", D, NULL, "PXW", "DURATION"},
    {"amount=a few,unit=days", D, NULL, "PXD", "DURATION"},
    {"unit=hours,vague=true", D, NULL, "PTXH", "DURATION"},
    {"unit=minutes,vague=true", D, NULL, "PTXM", "DURATION"},
    {"unit=decades,vague=true", D, NULL, "PXE", "DURATION"},
    {"unit=centuries,vague=true", D, NULL, "PXC", "DURATION"},
    {"unit=months,vague=true", NULL, NULL, "PXM", "DURATION"},
    {"amount=two,unit=months", D, NULL, "P2M", "DURATION"},
    {"amount=90,unit=minutes", D, NULL, "PT90M", "DURATION"},
    {"amount=30,unit=seconds", D, NULL, "PT30S", "DURATION"},
    {"amount=a,unit=fortnight", D, NULL, "P2W", "DURATION"},
    {"amount=half,unit=hour", D, NULL, "PT30M", "DURATION"},
    {"amount=1.5,unit=years", D, NULL, "P18M", "DURATION"},
    {"amount=two,amount_half=1,unit=years", D, NULL, "P30M", "DURATION"},
    {"amount=one,amount_half=1,unit=hours", D, NULL, "PT90M", "DURATION"},
    {"amount=half,unit=day", D, NULL, "PT12H", "DURATION"},
    {"amount=half,unit=century", D, NULL, "P50Y", "DURATION"},
    {"amount=a,amount_half=1,unit=month", D, NULL, "P1.5M", "DURATION"},
    {"amount=a,amount_half=1,unit=week", D, NULL, "P1.5W", "DURATION"},
    {"amount=two,unit=quarters", D, NULL, "P2Q", "DURATION"},
    {"amount=several,unit=quarters", D, NULL, "PXQ", "DURATION"},
    {"amount=a,unit=quarter", D, NULL, "P1Q", "DURATION"},
    {"amount=a,amount_half=1,unit=quarter", D, NULL, "", "DURATION"},
    {"amount=three,unit=weeks", NULL, NULL, "P3W", "DURATION"},
    {"amount=a,unit=century", D, NULL, "P100Y", "DURATION"},
    {"amount=two,unit=centuries", D, NULL, "P200Y", "DURATION"},
    {"amount=10,unit=days", D, NULL, "P10D", "DURATION"},
    {"amount=24,unit=hrs", D, NULL, "PT24H", "DURATION"},
    {"amount=a,unit=weekend", D, NULL, "P1WE", "DURATION"},
    {"amount=twenty-five,unit=years", D, NULL, "P25Y", "DURATION"},
    {"amount=a dozen,unit=years", D, NULL, "P12Y", "DURATION"},
    {"amount=six,unit=hours,mod=MORE_THAN", D, NULL, "PT6H", "DURATION"},
    {"type=duration", D, NULL, "", "DURATION"},
    /* ---- sets */
    {"unit=week,type=set", D, NULL, "P1W", "SET"},
    {"unit=year,type=set", D, NULL, "P1Y", "SET"},
    {"unit=day,type=set", NULL, NULL, "P1D", "SET"},
    {"unit=month,type=set", D, NULL, "P1M", "SET"},
    {"unit=hour,type=set", D, NULL, "PT1H", "SET"},
    {"unit=quarter,type=set", D, NULL, "P1Q", "SET"},
    {"amount=two,unit=years,type=set", D, NULL, "P2Y", "SET"},
    {"freq=P1W", D, NULL, "P1W", "SET"},
    {"freq=p2w,type=set", D, NULL, "P2W", "SET"},
    {"weekday=Monday,type=set", D, NULL, "XXXX-WXX-1", "SET"},
    {"weekday=Sunday,part_of_day=morning,type=set", D, NULL, "XXXX-WXX-7TMO", "SET"},
    {"month=April,type=set", D, NULL, "XXXX-04", "SET"},
    {"month=July,day=4,type=set", D, NULL, "XXXX-07-04", "SET"},
    {"part_of_day=morning,type=set", D, NULL, "XXXX-XX-XXTMO", "SET"},
    {"season=summer,type=set", D, NULL, "", "SET"},
    /* ---- things that cannot be resolved */
    {"offset=last", D, NULL, "", "DATE"},
    {"unit=month,offset=last", NULL, NULL, "", "DATE"},
    {"unit=decade,offset=last", NULL, NULL, "", "DATE"},
    {"amount=a,unit=year,amount_half=1,offset=ago", D, NULL, "", "DATE"},
    {"quarter=2", NULL, NULL, "", "DATE"},
    {"season=summer", NULL, NULL, "", "DATE"},
    {"week=10", NULL, NULL, "", "DATE"},
    {"amount=9000,unit=years,offset=later", D, NULL, "", "DATE"},
    {"amount=3000,unit=years,offset=ago", D, NULL, "", "DATE"},
    {"", D, NULL, "", "DATE"},
};

static const char *type_name(nf_timex_type t)
{
    switch (t) {
    case NF_TIMEX_DATE: return "DATE";
    case NF_TIMEX_TIME: return "TIME";
    case NF_TIMEX_DURATION: return "DURATION";
    case NF_TIMEX_SET: return "SET";
    default: return "?";
    }
}

/* Fills in from "key=value,key=value"; returns false on a rejected pair. */
static bool set_attrs(nfi_timex_in *in, const char *spec)
{
    nfi_timex_in_init(in);
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq) return false;
        char key[32];
        size_t kl = (size_t)(eq - p);
        if (kl >= sizeof key) return false;
        memcpy(key, p, kl);
        key[kl] = '\0';
        if (nfi_timex_in_set(in, key, eq + 1, (size_t)(end - eq - 1)) != NF_OK) return false;
        p = *end ? end + 1 : end;
    }
    return true;
}

NF_TEST(timex_table)
{
    size_t ncases = sizeof cases / sizeof cases[0];
    NF_CHECK(ncases >= 220);
    for (size_t i = 0; i < ncases; i++) {
        const tcase *c = &cases[i];
        nfi_timex_in in;
        bool ok = set_attrs(&in, c->attrs);
        char out[NFI_TIMEX_MAX];
        nf_timex_type type = 0;
        nf_status st = nfi_timex_normalize(&in, c->dct, c->ref, out, sizeof out, &type);
        if (!ok || st != NF_OK || strcmp(out, c->value) != 0 || strcmp(type_name(type), c->type)) {
            fprintf(stderr, "  case %zu {%s} dct=%s ref=%s: got \"%s\" %s (set %s, status %d), "
                            "want \"%s\" %s\n",
                    i, c->attrs, c->dct ? c->dct : "-", c->ref ? c->ref : "-", out,
                    type_name(type), ok ? "ok" : "FAILED", (int)st, c->value, c->type);
        }
        NF_CHECK(ok);
        NF_CHECK_EQ_INT(st, NF_OK);
        NF_CHECK_EQ_STR(out, c->value);
        NF_CHECK_EQ_STR(type_name(type), c->type);
    }
}

NF_TEST(timex_mod_passes_through)
{
    nfi_timex_in in;
    NF_CHECK(set_attrs(&in, "year=2023,mod=mid"));
    NF_CHECK_EQ_STR(in.mod, "MID");
    NF_CHECK(set_attrs(&in, "amount=six,unit=hours,mod=approx"));
    NF_CHECK_EQ_STR(in.mod, "APPROX");
    NF_CHECK(!set_attrs(&in, "year=2023,mod=sometime"));
}

NF_TEST(timex_attr_rejects_bad_values)
{
    static const char *const bad[] = {
        "month=13", "month=0", "month=Foo", "day=0", "day=32", "weekday=8",
        "weekday=Someday", "hour=25", "minute=60", "quarter=5", "half=3", "week=54",
        "year=0", "year=12345", "unit=parsec", "offset=sideways", "ref=SOMETIME",
        "type=moment", "anchor=elsewhere", "ampm=xm", "season=monsoon", "direction=up",
        "decade=1995x", "freq=weekly", "colour=blue", "amount=lots", "time=25:00",
        "time=9:24 XM", "time=quarter past",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nfi_timex_in in;
        bool ok = set_attrs(&in, bad[i]);
        if (ok) fprintf(stderr, "  accepted %s\n", bad[i]);
        NF_CHECK(!ok);
    }
    /* a rejected value leaves the struct as it was */
    nfi_timex_in in;
    nfi_timex_in_init(&in);
    NF_CHECK_EQ_INT(nfi_timex_in_set(&in, "month", "4", 1), NF_OK);
    NF_CHECK_EQ_INT(nfi_timex_in_set(&in, "month", "14", 2), NF_ERR_INVALID);
    NF_CHECK_EQ_INT(in.month, 4);
    /* values need not be NUL-terminated */
    NF_CHECK_EQ_INT(nfi_timex_in_set(&in, "weekday", "Tuesday, 8 April", 7), NF_OK);
    NF_CHECK_EQ_INT(in.weekday, 2);
    NF_CHECK_EQ_INT(nfi_timex_in_set(NULL, "month", "4", 1), NF_ERR_INVALID);
}

NF_TEST(timex_normalize_errors)
{
    nfi_timex_in in;
    nfi_timex_in_init(&in);
    in.year = 2025;
    char out[NFI_TIMEX_MAX] = "junk";
    NF_CHECK_EQ_INT(nfi_timex_normalize(&in, "2025-02-30", NULL, out, sizeof out, NULL),
                    NF_ERR_INVALID);
    NF_CHECK_EQ_STR(out, "");
    NF_CHECK_EQ_INT(nfi_timex_normalize(&in, "April 10", NULL, out, sizeof out, NULL),
                    NF_ERR_INVALID);
    NF_CHECK_EQ_INT(nfi_timex_normalize(NULL, D, NULL, out, sizeof out, NULL), NF_ERR_INVALID);
    NF_CHECK_EQ_INT(nfi_timex_normalize(&in, D, NULL, NULL, 0, NULL), NF_ERR_INVALID);
    NF_CHECK_EQ_INT(nfi_timex_normalize(&in, D, NULL, out, 0, NULL), NF_ERR_INVALID);
    char small[4];
    NF_CHECK_EQ_INT(nfi_timex_normalize(&in, D, NULL, small, sizeof small, NULL), NF_ERR_LIMIT);
    NF_CHECK_EQ_STR(small, "");
    char exact[5];
    NF_CHECK_EQ_INT(nfi_timex_normalize(&in, D, NULL, exact, sizeof exact, NULL), NF_OK);
    NF_CHECK_EQ_STR(exact, "2025");
}

NF_TEST(timex_parse_dct)
{
    static const char *const good[] = {
        "2025-04-10", "2024-02-29", "2000-02-29", "2025-04-10T21:24", "2025-04-10T21:24:05",
        "2025-04-10T21:24+05:30", "2025-04-10T21:24Z", "2025-04-10 21:24", "2025-04-10T00:00-0400",
        "0001-01-01", "9999-12-31",
    };
    static const char *const bad[] = {
        "2025-02-30", "1900-02-29", "2023-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
        "2025-4-10", "April 10", "", "2025-04-10T25:00", "2025-04-10T21:60", "2025-04-10junk",
        "2025-04", "2025", "20250410", "2025-04-10T21", "2025-04-10T21:24+25:00", "0000-01-01",
        "2025-04-10T",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (nfi_timex_parse_dct(good[i], NULL) != NF_OK) fprintf(stderr, "  rejected %s\n", good[i]);
        NF_CHECK_EQ_INT(nfi_timex_parse_dct(good[i], NULL), NF_OK);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (nfi_timex_parse_dct(bad[i], NULL) == NF_OK) fprintf(stderr, "  accepted %s\n", bad[i]);
        NF_CHECK_EQ_INT(nfi_timex_parse_dct(bad[i], NULL), NF_ERR_INVALID);
    }
    NF_CHECK_EQ_INT(nfi_timex_parse_dct(NULL, NULL), NF_ERR_INVALID);
    nfi_timex_dct d;
    NF_CHECK_EQ_INT(nfi_timex_parse_dct("2025-04-10T21:24+05:30", &d), NF_OK);
    NF_CHECK_EQ_INT(d.year, 2025);
    NF_CHECK_EQ_INT(d.month, 4);
    NF_CHECK_EQ_INT(d.day, 10);
    NF_CHECK(d.has_time);
    NF_CHECK_EQ_INT(d.hour, 21);
    NF_CHECK_EQ_INT(d.minute, 24);
    NF_CHECK_EQ_STR(d.zone, "+05:30");
    NF_CHECK_EQ_INT(nfi_timex_parse_dct("2025-04-10", &d), NF_OK);
    NF_CHECK(!d.has_time);
    NF_CHECK_EQ_STR(d.zone, "");
}

NF_TEST(timex_zone_names)
{
    static const struct {
        const char *in, *out;
    } z[] = {
        {"IST", "+05:30"}, {"ist", "+05:30"}, {"GMT", "Z"}, {"UTC", "Z"}, {"G.M.T.", "Z"},
        {"EST", "-05:00"}, {"EDT", "-04:00"}, {"CET", "+01:00"}, {"CEST", "+02:00"},
        {"MSK", "+03:00"}, {"PST", "-08:00"}, {"PDT", "-07:00"}, {"BST", "+01:00"},
        {"JST", "+09:00"}, {"AEST", "+10:00"}, {"NPT", "+05:45"}, {"+05:30", "+05:30"},
        {"+0530", "+05:30"}, {"-4", "-04:00"}, {"+00:00", "Z"}, {"UTC+3", "+03:00"},
        {"GMT-05:00", "-05:00"}, {"IST time", "+05:30"},
    };
    char out[8];
    for (size_t i = 0; i < sizeof z / sizeof z[0]; i++) {
        NF_CHECK_EQ_INT(nfi_timex_zone(z[i].in, strlen(z[i].in), out), NF_OK);
        NF_CHECK_EQ_STR(out, z[i].out);
    }
    NF_CHECK_EQ_INT(nfi_timex_zone("XYZ", 3, out), NF_ERR_INVALID);
    NF_CHECK_EQ_STR(out, "");
    NF_CHECK_EQ_INT(nfi_timex_zone("+15:00", 6, out), NF_ERR_INVALID);
    NF_CHECK_EQ_INT(nfi_timex_zone("", 0, out), NF_ERR_INVALID);
}

NF_TEST(timex_format_stamp)
{
    static const struct {
        const char *date, *time, *zone, *out;
    } s[] = {
        {"2025-04-10", "9:24 PM", "IST", "2025-04-10T21:24+05:30"},
        {"2025-04-10", "14:00", "GMT", "2025-04-10T14:00Z"},
        {"2025-04-10", "9 a.m.", "EDT", "2025-04-10T09:00-04:00"},
        {"2025-04-10", "12:05 am", NULL, "2025-04-10T00:05"},
        {"2025-04-10", "12:05 PM", NULL, "2025-04-10T12:05"},
        {"2025-04-10", NULL, "IST", "2025-04-10"},
        {"2025-04-10", "9:24 PM", "XYZ", "2025-04-10T21:24"},
        {"2025-04-10", "9.24pm", "+0530", "2025-04-10T21:24+05:30"},
        {"2025-04-10", "11:59:30 PM", "UTC+3", "2025-04-10T23:59:30+03:00"},
        {"2024-02-29", "07:05", "CET", "2024-02-29T07:05+01:00"},
    };
    char out[NFI_TIMEX_MAX];
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        NF_CHECK_EQ_INT(nfi_timex_format_stamp(s[i].date, s[i].time, s[i].zone, out, sizeof out),
                        NF_OK);
        NF_CHECK_EQ_STR(out, s[i].out);
    }
    static const char *const bad_times[] = {"25:00", "13 PM", "9:7", "9:24 XM", "noonish", ""};
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        nf_status st = nfi_timex_format_stamp("2025-04-10", bad_times[i], NULL, out, sizeof out);
        /* "" means no time at all */
        if (!*bad_times[i]) NF_CHECK_EQ_STR(out, "2025-04-10");
        else NF_CHECK_EQ_INT(st, NF_ERR_INVALID);
    }
    NF_CHECK_EQ_INT(nfi_timex_format_stamp("2025-02-30", "9:24 PM", "IST", out, sizeof out),
                    NF_ERR_INVALID);
    NF_CHECK_EQ_STR(out, "");
    NF_CHECK_EQ_INT(nfi_timex_format_stamp(NULL, NULL, NULL, out, sizeof out), NF_ERR_INVALID);
    char small[8];
    NF_CHECK_EQ_INT(nfi_timex_format_stamp("2025-04-10", "9:24 PM", "IST", small, sizeof small),
                    NF_ERR_LIMIT);
}

/* Every day from 1999 to 2031: a bare weekday equal to the DCT's own weekday
 * gives the DCT; "this week" gives the ISO week computed from the Thursday
 * rule by hand here; "tomorrow" of "yesterday" is the DCT again. */
NF_TEST(timex_calendar_sweep)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int wd = 5; /* 1999-01-01 was a Friday */
    int checked = 0;
    for (int y = 1999; y <= 2031; y++) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int md = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= md; d++, wd = wd % 7 + 1) {
                char dct[40], out[NFI_TIMEX_MAX], want[40];
                snprintf(dct, sizeof dct, "%04d-%02d-%02d", y, m, d);
                nfi_timex_in in;
                nfi_timex_in_init(&in);
                in.weekday = wd;
                nfi_timex_normalize(&in, dct, NULL, out, sizeof out, NULL);
                if (strcmp(out, dct) != 0) {
                    NF_CHECK_EQ_STR(out, dct);
                    return;
                }
                nfi_timex_in_init(&in);
                in.unit = NFI_TU_DAY;
                in.offset = -1;
                char prev[NFI_TIMEX_MAX];
                nfi_timex_normalize(&in, dct, NULL, prev, sizeof prev, NULL);
                in.offset = 1;
                in.anchor_ref = true;
                nfi_timex_normalize(&in, dct, prev, out, sizeof out, NULL);
                if (strcmp(out, dct) != 0) {
                    NF_CHECK_EQ_STR(out, dct);
                    return;
                }
                /* ISO week: the week of this day's Thursday, counted from the
                 * year of that Thursday */
                int ty = y, tm = m, td = d + (4 - wd);
                if (td < 1) {
                    if (--tm < 1) tm = 12, ty--;
                    bool tl = (ty % 4 == 0 && ty % 100 != 0) || ty % 400 == 0;
                    td += mdays[tm - 1] + (tm == 2 && tl);
                } else if (td > md) {
                    td -= md;
                    if (++tm > 12) tm = 1, ty++;
                }
                int doy = td;
                bool tl = (ty % 4 == 0 && ty % 100 != 0) || ty % 400 == 0;
                for (int k = 1; k < tm; k++) doy += mdays[k - 1] + (k == 2 && tl);
                snprintf(want, sizeof want, "%04d-W%02d", ty, (doy - 1) / 7 + 1);
                nfi_timex_in_init(&in);
                in.unit = NFI_TU_WEEK;
                in.offset = 0;
                nfi_timex_normalize(&in, dct, NULL, out, sizeof out, NULL);
                if (strcmp(out, want) != 0) {
                    fprintf(stderr, "  dct %s\n", dct);
                    NF_CHECK_EQ_STR(out, want);
                    return;
                }
                checked++;
            }
        }
    }
    NF_CHECK_EQ_INT(checked, 12053);
}
