#!/usr/bin/env python3
"""Generates rules/20-dates.yaml: python3 rules/20-dates.gen.py > rules/20-dates.yaml

Regex rules for temporal expressions; the fragments below (month names, numbers,
units, approximators, zones) are shared by many rules. Our own work; same licence
as newsfacts. Examples and counter-examples are sentences written for the project."""
import sys

# ---------------------------------------------------------------- fragments
MONF = 'January|February|March|April|May|June|July|August|September|October|November|December'
MONA = 'Jan|Febr?|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec'
# case-sensitive month (capitalised or all caps), with an optional abbreviation period
MON = r'(?-i:(?:%s|%s)\b|(?:%s|%s)\b\.?)' % (MONF, MONF.upper(), MONA, MONA.upper())
MONFULL = r'(?-i:(?:%s|%s)\b)' % (MONF, MONF.upper())
WDF = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'
WD = r'(?:%s)\b' % WDF
WDX = r'(?:%s|Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?' % WDF
DAY = r'(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b'
YEAR = r'(?:1[0-9]\d\d|20\d\d)\b'
B = r'(?<![\w.$€£#/])'          # start boundary for numbers
NW = ('one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|'
      'fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|'
      'eighty|ninety|hundred')
NUMW = r'(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|seven|eight|nine)|%s)' % NW
NUM = r'(?:\d+(?:\.\d+)?|%s|a\s+dozen|dozen|several|a\s+few|few|many|some|a\s+couple\s+of|couple\s+of|an?)' % NUMW
NUMC = r'(?:\d+(?:\.\d+)?|%s|a\s+dozen|dozen|an?)' % NUMW   # countable only
UNIT = r'(?:seconds?|minutes?|hours?|days?|weeks?|weekends?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)|hrs?|mins?|yrs?)'
UNITP = r'(?:seconds|minutes|hours|days|weeks|weekends|months|years|decades|centuries)'
UNIT1 = r'(?:second|minute|hour|day|week|weekend|fortnight|month|quarter|year|decade|century)'
END = r'(?![\w\'’-])'             # end: not inside a word or a hyphenated word
MODW = (r'(?:about|around|approximately|roughly|some|nearly|almost|close\s+to|an\s+estimated|'
        r'more\s+than|over|upwards\s+of|well\s+over|just\s+over|less\s+than|under|fewer\s+than|'
        r'just\s+under|at\s+least|up\s+to|no\s+more\s+than|at\s+most)')
ZONE = (r'(?-i:GMT|UTC|IST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|EET|EEST|MSK|JST|KST|HKT|'
        r'SGT|AEST|AEDT|ET|PT|CT|WIB|PKT|NZST|NZDT|SAST|WAT|EAT|GST|ICT|PHT|AWST|WET|AST|ADT|'
        r'HST|AKST|AKDT|IRST|NPT|TRT|BRT|ART)\b')
AMPM = r'(?:[ap]\.\s?m\.|[ap]m\b|(?-i:[AP]M)\b|(?-i:[AP]\.M\.))'
ORD = r'(?:first|second|third|fourth|1st|2nd|3rd|4th)'
OFF = r'(?:this|last|next|past|coming|previous|current)'


def q(s):
    """YAML single-quoted scalar."""
    return "'" + s.replace("'", "''") + "'"


rules = []


CROSS = {'time_with_weekday', 'time_with_deictic', 'date_month_day_year', 'date_month_day',
         'date_month_year', 'date_day_month_year', 'date_mod_month', 'date_part_of', 'time_clock_ampm'}
FIRST = ['date_a_year_earlier', 'date_mod_month', 'date_mod_year', 'date_decade', 'date_decade_words', 'date_century',
         'date_quarter_adjective', 'date_year_earlier', 'set_every_weekday', 'set_every_month',
         'set_every', 'set_adverb', 'set_times_per', 'set_per_unit', 'duration_adjective',
         'duration_half', 'duration_many']


def rule(name, regex, emit, attrs, examples, counter=(), priority=None, desc=None):
    rules.append((name, regex, emit, attrs, examples, counter, priority, desc))


# ---------------------------------------------------------------- absolute dates
rule('date_month_day_year',
     r'(?i)(?:(?<wd>%s),?\s+)?(?<m>%s)\s*(?<d>%s),?\s*(?<y>%s)' % (WDX, MON, DAY, YEAR),
     'DATE', {'weekday': '$wd', 'month': '$m', 'day': '$d', 'year': '$y'},
     [{'text': 'The plant reopened on March 3, 2019 after repairs.', 'match': 'March 3, 2019'},
      {'text': 'Filed Sept. 9 1987 in the county court.', 'match': 'Sept. 9 1987'},
      {'text': 'It was signed Tuesday, Jan. 6, 2004, in the capital.', 'match': 'Tuesday, Jan. 6, 2004'},
      {'text': 'Last Updated : Nov 23 2031 | 8:05 AM', 'match': 'Nov 23 2031'}],
     ['The 2019 model sold 3 million units.'])
rule('date_day_month_year',
     r'(?i)(?:(?<wd>%s),?\s+)?(?:the\s+)?(?<!\d)(?<d>%s)\s+(?:of\s+)?(?<m>%s),?\s+(?<y>%s)' % (WDX, DAY, MON, YEAR),
     'DATE', {'weekday': '$wd', 'day': '$d', 'month': '$m', 'year': '$y'},
     [{'text': 'Elections were held on 14 October 2012 nationwide.', 'match': '14 October 2012'},
      {'text': 'Her term ends on the 3rd of June 2030.', 'match': 'the 3rd of June 2030'},
      {'text': 'The talks resume on Tuesday, 4 March 2025 in Geneva.',
       'match': 'Tuesday, 4 March 2025'}],
     ['He scored 14 points in 2012.'])
rule('date_month_day',
     r'(?i)(?:(?<wd>%s),?\s+)?(?<m>%s)\s*(?<d>%s)(?![\d:.,]\d|\s*(?:%%|percent|million|billion|points?|per\b|-\d))' % (WDX, MON, DAY),
     'DATE', {'weekday': '$wd', 'month': '$m', 'day': '$d'},
     [{'text': 'The vote is set for Feb. 27 in the capital.', 'match': 'Feb. 27'},
      {'text': 'Talks resumed on August 4th after a pause.', 'match': 'August 4th'},
      {'text': 'On Friday, Oct. 3 the strike ended.', 'match': 'Friday, Oct. 3'}],
     ['Theresa May 5 percent ahead in the polls.'])
rule('date_day_month',
     r'(?i)(?:(?<wd>%s),?\s+)?(?:the\s+)?(?<![\d.,])(?<d>%s)\s+(?:of\s+)?(?<m>%s)' % (WDX, DAY, MON),
     'DATE', {'weekday': '$wd', 'day': '$d', 'month': '$m'},
     [{'text': 'The ceasefire began on 9 January along the border.', 'match': '9 January'},
      {'text': 'Payment is due by the 21st of March.', 'match': 'the 21st of March'}],
     ['She has 9 Mayfair shops.'])
rule('date_month_year',
     r'(?i)(?<m>%s),?\s+(?:of\s+)?(?<y>%s)' % (MON, YEAR),
     'DATE', {'month': '$m', 'year': '$y'},
     [{'text': 'Prices peaked in November 2021 and fell.', 'match': 'November 2021'},
      {'text': 'The law took effect in Sept. 2008.', 'match': 'Sept. 2008'}],
     [])
rule('date_month_alone',
     r'(?<![\w-])(?:(?<off>(?i:last|next|this|coming|past))\s+)?(?<m>(?-i:January|February|April|June|July|September|October|November|December))\b(?:\s+(?<off2>(?i:last|this|next))\s+(?<u>year)\b)?(?!\s+(?-i:[A-Z][a-z]))(?!-)',
     'DATE', {'offset': '$off', 'month': '$m', 'offset_2': '$off2', 'unit': '$u'},
     [{'text': 'The factory closed in February for repairs.', 'match': 'February'},
      {'text': 'Since October, exports have doubled.', 'match': 'October'},
      {'text': 'Rates were cut last November.', 'match': 'last November'},
      {'text': 'Fares rose in June last year.', 'match': 'June last year'}],
     ['April Jones won the race.', 'The July Revolution is remembered.'])
rule('date_month_ambiguous_offset',
     r'(?i)\b(?<off>last|next|this|coming|past)\s+(?<m>(?-i:May|March|August))\b(?!\s+(?-i:[A-Z][a-z]))(?!-)',
     'DATE', {'offset': '$off', 'month': '$m'},
     [{'text': 'The plant closed last March.', 'match': 'last March'}],
     ['The next May Day rally.'])
rule('date_month_ambiguous',
     r'(?i)(?<=\bin |\bsince |\buntil |\btill |\bby |\bof |\bthrough |\bfrom |\bto |\bduring |\bbefore |\bafter |\bearly |\blate |\bmid-|\bmid |\bearly-|\blate-|\bbetween |\band |\bfor |\blast |\bnext |\bthis |\bin early |\bin late )(?<m>(?-i:May|March|August))\b(?!\s+(?-i:[A-Z][a-z]))(?!-)',
     'DATE', {'month': '$m'},
     [{'text': 'Fighting broke out in May and never stopped.', 'match': 'May'},
      {'text': 'Sales have risen since March.', 'match': 'March'}],
     ['Theresa May said the talks failed.', 'Protesters march in the capital.',
      'It may rain in the capital.', 'He met with May officials.'])
rule('date_iso',
     r'(?<![\w.-])(?<y>[12]\d{3})-(?<m>0[1-9]|1[0-2])-(?<d>0[1-9]|[12]\d|3[01])(?![\w-])',
     'DATE', {'year': '$y', 'month': '$m', 'day': '$d'},
     [{'text': 'The file is dated 2031-07-04 in the archive.', 'match': '2031-07-04'}],
     ['Call 2031-07-0455 for details.'])
rule('date_numeric_mdy',
     r'(?<![\w./-])(?<m>1[0-2]|0?[1-9])/(?<d>3[01]|[12]\d|0?[1-9])/(?<y>[12]\d{3}|\d\d)(?![\w/-])',
     'DATE', {'month': '$m', 'day': '$d', 'year': '$y'},
     [{'text': 'The form was filed on 6/30/2017 by the clerk.', 'match': '6/30/2017'}],
     ['The score was 6/30/20170 points.'])
rule('date_numeric_dmy',
     r'(?<![\w./-])(?<d>1[3-9]|2\d|3[01])[/.](?<m>1[0-2]|0?[1-9])[/.](?<y>[12]\d{3})(?![\w/.-]\w)',
     'DATE', {'day': '$d', 'month': '$m', 'year': '$y'},
     [{'text': 'It happened on 23/11/2019 near the port.', 'match': '23/11/2019'},
      {'text': 'The ferry sailed on 14.06.2021 at dawn.', 'match': '14.06.2021'}],
     [])
rule('date_year',
     r'(?:(?<=\b1[6-9]\d\d[-–])|(?<=\b20\d\d[-–])|(?<![\w$€£#.,/:\'’-]))(?<y>1[6-9]\d\d|20\d\d)(?![\w%]|[.,:/]\d|\s*(?:%|percent|per\s+cent|people|troops|soldiers|workers|jobs|students|units|cars|homes|meters|metres|km|miles|feet|tons|tonnes|votes|seats|points|members|employees|cases|deaths)\b)',
     'DATE', {'year': '$y'},
     [{'text': 'The company was founded in 1987 by two brothers.', 'match': '1987'},
      {'text': 'Output fell between 2016 and 2018, data showed.', 'match': '2016'},
      {'text': 'The 2030 target was dropped.', 'match': '2030'}],
     ['The army sent 2000 troops.', 'Shares rose 1999 points.', 'The bill costs $1999.',
      'Call 555-1999 now.'])
rule('date_two_digit_year',
     r'(?i)(?<=\bin |\bsince |\bof |\bby |\buntil |\bclass of )(?<y>[\'’]\d\d)(?![\w\'’])',
     'DATE', {'year': '$y'},
     [{'text': "The club was relegated in '98 and never recovered.", 'match': "'98"}],
     ["Rock from the '90s is back."])

# ---------------------------------------------------------------- decades, centuries, parts
rule('date_decade',
     r'(?i)(?<![\w\'’-])(?:the\s+)?(?:(?<mw>early|mid|late)[- ]?)?(?<dec>(?:1[0-9]|20)\d0s|[\'’]\d0s)(?![\w\'’])',
     'DATE', {'mod_word': '$mw', 'decade': '$dec'},
     [{'text': 'Growth slowed in the 1990s across the region.', 'match': 'the 1990s'},
      {'text': 'It was popular in the early 2000s.', 'match': 'the early 2000s'},
      {'text': "Fashion from the '70s returned.", 'match': "the '70s"},
      {'text': 'The plant was built in the mid-1960s.', 'match': 'the mid-1960s'}],
     ['The temperature hit the 90s.'])
rule('date_decade_words',
     r'(?i)\bthe\s+(?:(?<mw>early|mid|late)[- ]?)?(?<dec>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b',
     'DATE', {'mod_word': '$mw', 'decade': '$dec'},
     [{'text': 'Cinema flourished in the sixties.', 'match': 'the sixties'}],
     ['She is in her sixties.'])
rule('date_century',
     r'(?i)(?:the\s+)?(?:(?<mw>early|mid|late)[- ]?)?(?<c>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first|twenty-second)[- ]century\b(?!-)',
     'DATE', {'mod_word': '$mw', 'century': '$c'},
     [{'text': 'The bridge dates from the 18th century.', 'match': 'the 18th century'},
      {'text': 'Cities of the twenty-first century need water.', 'match': 'the twenty-first century'}],
     [])
rule('date_mod_month',
     r'(?i)(?<mw>early|late|mid)[- ](?<m>%s)(?:,?\s+(?<y>%s))?' % (MON, YEAR),
     'DATE', {'mod_word': '$mw', 'month': '$m', 'year': '$y'},
     [{'text': 'Results are due in early December.', 'match': 'early December'},
      {'text': 'Work stopped in mid-July 2016.', 'match': 'mid-July 2016'}],
     [])
rule('date_mod_year',
     r'(?i)(?<mw>early|late|mid)[- ](?<y>1[6-9]\d\d|20\d\d)(?![\w%])',
     'DATE', {'mod_word': '$mw', 'year': '$y'},
     [{'text': 'A deal is expected by mid-2031.', 'match': 'mid-2031'},
      {'text': 'Construction began in late 2019.', 'match': 'late 2019'}],
     ['He arrived late 2019 delegates said.'] if False else [])
rule('date_part_of',
     r'(?i)\bthe\s+(?<mw>end|beginning|start|middle|close)\s+of\s+(?:(?<y>1[6-9]\d\d|20\d\d)\b|(?<m>%s)(?:,?\s+(?<y2>%s))?)' % (MON, YEAR),
     'DATE', {'mod_word': '$mw', 'year': '$y', 'month': '$m', 'year_2': '$y2'},
     [{'text': 'Troops will leave by the end of 2031.', 'match': 'the end of 2031'},
      {'text': 'Prices rose at the beginning of June.', 'match': 'the beginning of June'}],
     [])
rule('date_part_of_relative',
     r'(?i)\bthe\s+(?<mw>end|beginning|start|middle|close)\s+of\s+(?<off>this|last|next)\s+(?<u>week|month|year|decade|century|quarter)\b',
     'DATE', {'mod_word': '$mw', 'offset': '$off', 'unit': '$u'},
     [{'text': 'Talks resume at the start of next month.', 'match': 'the start of next month'}],
     [])
rule('date_part_of_the_unit',
     r'(?i)\bthe\s+(?<mw>end|beginning|start|middle|close)\s+of\s+the\s+(?<u>week|month|year|decade|century|quarter)\b',
     'DATE', {'mod_word': '$mw', 'offset': 'this', 'unit': '$u'},
     [{'text': 'The law expires at the end of the year.', 'match': 'the end of the year'}],
     [])

# ---------------------------------------------------------------- quarters, halves, fiscal years
rule('date_quarter',
     r'(?i)(?:(?<![\w-])the\s+)?(?:(?<y0>1[6-9]\d\d|20\d\d)\s+)?(?:fiscal\s+|calendar\s+)?(?<q>%s)\s+quarter\b(?:\s+of\s+(?:fiscal\s+|the\s+fiscal\s+year\s+)?(?<y>%s))?' % (ORD, YEAR),
     'DATE', {'year': '$y0', 'quarter': '$q', 'year_2': '$y'},
     [{'text': 'Profit rose in the third quarter.', 'match': 'the third quarter'},
      {'text': 'Sales fell in the second quarter of 2019.', 'match': 'the second quarter of 2019'}],
     ['A quarter of voters stayed home.'])
rule('date_quarter_adjective',
     r'(?i)(?<![\w-])(?:(?<y0>1[6-9]\d\d|20\d\d)\s+)?(?<q>%s)-quarter\b' % ORD,
     'DATE', {'year': '$y0', 'quarter': '$q'},
     [{'text': 'Its fourth-quarter results beat forecasts.', 'match': 'fourth-quarter'}],
     [])
rule('date_quarter_relative',
     r'(?i)(?:the\s+)?(?<q>%s)[- ]quarter\s+(?:of\s+)?(?<off>this|last|next)\s+year\b' % ORD,
     'DATE', {'quarter': '$q', 'offset': '$off', 'unit': 'year'},
     [{'text': 'Output shrank in the first quarter of last year.', 'match': 'the first quarter of last year'}],
     [])
rule('date_q_code',
     r'(?<![\w-])(?<q>Q[1-4])(?:\s+(?:of\s+)?(?:FY\s?)?(?<y>[12]\d{3}|[\'’]\d\d))?(?![\w-])',
     'DATE', {'quarter': '$q', 'year': '$y'},
     [{'text': 'Revenue in Q3 2024 was flat.', 'match': 'Q3 2024'},
      {'text': 'Guidance for Q4 was cut.', 'match': 'Q4'}],
     ['The Q4-class engine failed.'])
rule('date_half',
     r'(?i)(?:the\s+)?(?<h>first|second|1st|2nd)[- ]half\b(?:\s+of\s+(?:(?<y>%s)|(?<the>the\s+year)))?' % YEAR,
     'DATE', {'half': '$h', 'year': '$y'},
     [{'text': 'Hiring slowed in the first half of 2020.', 'match': 'the first half of 2020'}],
     [])
rule('date_h_code',
     r'(?<![\w-])(?<h>H[12])\s+(?<y>[12]\d{3})(?![\w-])',
     'DATE', {'half': '$h', 'year': '$y'},
     [{'text': 'Margins improved in H1 2019 overall.', 'match': 'H1 2019'}],
     [])
rule('date_fiscal_year',
     r'(?i)(?:the\s+)?\bfiscal(?:\s+year)?\s+(?<y>[12]\d{3}|\d\d)(?![\w%-])',
     'DATE', {'year': '$y', 'fiscal': '1'},
     [{'text': 'The budget for fiscal 2026 was approved.', 'match': 'fiscal 2026'},
      {'text': 'It lost money in fiscal year 2019.', 'match': 'fiscal year 2019'}],
     [])
rule('date_fy_code',
     r'(?<![\w-])FY\s?(?<y>[12]\d{3}|\d\d)(?![\w-])',
     'DATE', {'year': '$y', 'fiscal': '1'},
     [{'text': 'Guidance for FY27 was raised.', 'match': 'FY27'}],
     [])

# ---------------------------------------------------------------- seasons
rule('date_season',
     r'(?i)(?<![\w-])(?:(?<off>this|last|next|past|coming)\s+|the\s+)?(?:(?<mw>early|late|mid)[- ])?(?<s>spring|summer|autumn|winter)\b(?:\s+(?:of\s+)?(?<y>%s))?(?![\w-])' % YEAR,
     'DATE', {'offset': '$off', 'mod_word': '$mw', 'season': '$s', 'year': '$y'},
     [{'text': 'The dam will be finished next summer.', 'match': 'next summer'},
      {'text': 'Floods hit the region in the spring of 2019.', 'match': 'the spring of 2019'}],
     ['Spring-loaded doors were fitted.'])
rule('date_season_fall',
     r'(?i)(?:(?<off>this|last|next|past|coming)\s+(?<s>fall)\b|(?<s2>fall)\s+(?:of\s+)?(?<y>%s)|(?<=\bin the |\bthe )(?<s3>fall)\b(?!\s+of\s+(?!%s)))' % (YEAR, YEAR),
     'DATE', {'offset': '$off', 'season': 'fall', 'year': '$y'},
     [{'text': 'Classes restart this fall.', 'match': 'this fall'},
      {'text': 'The vote was in fall 2018.', 'match': 'fall 2018'}],
     ['Prices fall every year.', 'After the fall of the wall.'])

# ---------------------------------------------------------------- relative dates
rule('date_relative_unit',
     r'(?i)\b(?<off>this|last|next|coming|current|past)\s+(?<u>week|weekend|month|year|decade|century|quarter|fortnight)(?![\w-])',
     'DATE', {'offset': '$off', 'unit': '$u'},
     [{'text': 'Inflation eased last month.', 'match': 'last month'},
      {'text': 'The firm will list next year.', 'match': 'next year'},
      {'text': 'This week the court ruled.', 'match': 'This week'}],
     ['The next round of talks failed.', 'The last ambassador left.'])
rule('date_the_weekend',
     r'(?i)\bthe\s+weekend\b',
     'DATE', {'offset': 'this', 'unit': 'weekend'},
     [{'text': 'Shops stayed shut over the weekend.', 'match': 'the weekend'}],
     [])
rule('date_the_past_unit',
     r'(?i)\bthe\s+(?:past|last)\s+(?<u>week|month|year|decade|century)(?![\w-])',
     'DURATION', {'amount': '1', 'unit': '$u'},
     [{'text': 'Crime fell over the past decade.', 'match': 'the past decade'}],
     [])
rule('date_the_current_unit',
     r'(?i)\bthe\s+(?:current|present)\s+(?:fiscal\s+)?(?<u>week|month|year|quarter|decade|century)(?![\w-])',
     'DATE', {'offset': 'this', 'unit': '$u'},
     [{'text': 'Targets for the current year were cut.', 'match': 'the current year'}],
     [])
rule('date_relative_anchored',
     r'(?i)\bthe\s+(?<off>following|previous|prior|next|preceding)\s+(?<u>day|week|weekend|month|year|quarter)(?![\w-])',
     'DATE', {'offset': '$off', 'unit': '$u', 'anchor': 'ref'},
     [{'text': 'He was arrested on May 2 and charged the following day.', 'match': 'the following day'}],
     ['The previous administration disagreed.'])
rule('date_day_before_after',
     r'(?i)\bthe\s+(?<u>day|week|month|year)\s+(?<off>before|after)(?!\s+(?:yesterday|\w+day\b|last|next|the|a|an|his|her|their|its)\b)',
     'DATE', {'offset': '$off', 'unit': '$u', 'anchor': 'ref'},
     [{'text': 'She resigned on June 4; the day before, she met the board.', 'match': 'the day before'}],
     [])
rule('date_day_before_yesterday',
     r'(?i)\bthe\s+day\s+before\s+yesterday\b',
     'DATE', {'unit': 'day', 'offset': '-2'},
     [{'text': 'They met the day before yesterday.', 'match': 'the day before yesterday'}],
     [])
rule('date_ago',
     r'(?i)(?:(?<mw>%s)\s+)?\b(?<a>%s)(?:\s+(?:or|to)\s+(?<a2>%s))?[\s-]+(?<u>%s)\s+(?<off>ago)\b' % (MODW, NUMC, NUMC, UNIT),
     'DATE', {'mod_word': '$mw', 'amount': '$a', 'amount_max': '$a2', 'unit': '$u', 'offset': '$off'},
     [{'text': 'The bridge fell two years ago.', 'match': 'two years ago'},
      {'text': 'A decade ago the town had no school.', 'match': 'A decade ago'},
      {'text': 'It opened more than 30 years ago.', 'match': 'more than 30 years ago'},
      {'text': 'It closed no more than twenty one or twenty two years ago.',
       'match': 'no more than twenty one or twenty two years ago'}],
     [])
rule('ref_ago_vague',
     r'(?i)\b(?:(?:many|several|a\s+few|few|some|a\s+couple\s+of)\s+)?(?:years|months|weeks|days|decades|centuries)\s+ago\b',
     'DATE', {'ref': 'PAST_REF'},
     [{'text': 'The mine closed several years ago.', 'match': 'several years ago'}],
     [])
rule('date_a_year_earlier',
     r'(?i)\b(?:a|one)\s+year\s+(?:earlier|before)\b',
     'DATE', {'unit': 'year', 'offset': '-1'},
     [{'text': 'Sales rose 4% from a year earlier.', 'match': 'a year earlier'}],
     [])
rule('date_the_quarter',
     r'(?i)\bthe\s+(?:(?:latest|most\s+recent|just-ended|recent|last|previous|past)\s+)?(?:fiscal\s+)?quarter(?![\w-])',
     'DATE', {'unit': 'quarter', 'offset': '-1'},
     [{'text': 'Earnings for the latest quarter beat forecasts.', 'match': 'the latest quarter'}],
     ['A quarter of the city was flooded.'])
rule('date_that_unit',
     r'(?i)\b(?:(?<mw>earlier|later)\s+)?that\s+(?:same\s+)?(?<u>day|week|month|year)(?![\w-])',
     'DATE', {'mod_word': '$mw', 'unit': '$u', 'offset': '0', 'anchor': 'ref'},
     [{'text': 'Police came on May 3; later that day the road reopened.', 'match': 'later that day'}],
     ['Prices that year-round shoppers pay.'])
rule('date_holiday',
     r'(?<![\w-])(?:(?<off>(?i:last|next|this))\s+)?(?:(?<xmas>Christmas)(?:\s+(?<eve>Eve)|\s+Day)?|(?<ny>New\s+Year(?:\'s|’s)?)\s+(?:(?<nye>Eve)|Day)|(?<hw>Halloween)|(?<vd>Valentine(?:\'s|’s)\s+Day))(?:\s+(?<y>%s))?(?![\w-])' % YEAR,
     'DATE', {'offset': '$off', 'holiday_xmas': '$xmas', 'holiday_eve': '$eve', 'holiday_ny': '$ny',
              'holiday_nye': '$nye', 'holiday_hw': '$hw', 'holiday_vd': '$vd', 'year': '$y'},
     [{'text': 'Shops close early on Christmas Eve.', 'match': 'Christmas Eve'},
      {'text': 'The law takes effect on New Year\'s Day 2027.', 'match': 'New Year\'s Day 2027'}],
     [])
rule('date_later_earlier',
     r'(?i)(?:(?<mw>%s)\s+)?\b(?<a>%s)(?:\s+(?:or|to)\s+(?<a2>%s))?[\s-]+(?<u>%s)\s+(?<off>later|earlier)\b' % (MODW, NUMC, NUMC, UNIT),
     'DATE', {'mod_word': '$mw', 'amount': '$a', 'amount_max': '$a2', 'unit': '$u', 'offset': '$off', 'anchor': 'ref'},
     [{'text': 'He left on March 1; six days later he was back.', 'match': 'six days later'}],
     [])
rule('date_year_earlier',
     r'(?i)(?:\bthe\s+)?(?<![\w-])year-(?:earlier|ago)\b(?:\s+(?:quarter|period|month|months)\b)?',
     'DATE', {'unit': 'year', 'offset': '-1'},
     [{'text': 'Profit beat the year-earlier level.', 'match': 'the year-earlier'}],
     [])
rule('date_deictic_day',
     r'(?i)(?<![\w-])(?<d>today|yesterday|tomorrow)(?![\w-])',
     'DATE', {'unit': 'day', 'offset': '$d'},
     [{'text': 'The minister resigned yesterday.', 'match': 'yesterday'},
      {'text': 'Today the court meets.', 'match': 'Today'}],
     ['The Today programme aired.'] if False else [])
rule('date_deictic_part_of_day',
     r'(?i)(?<![\w-])(?:(?<d>today|yesterday|tomorrow|this|last)\s+)(?<p>morning|afternoon|evening|night)\b',
     'TIME', {'unit': 'day', 'offset': '$d', 'part_of_day': '$p'},
     [{'text': 'Fire broke out last night.', 'match': 'last night'},
      {'text': 'He spoke yesterday afternoon.', 'match': 'yesterday afternoon'}],
     [])
rule('date_tonight',
     r'(?i)(?<![\w-])tonight(?![\w-])',
     'TIME', {'unit': 'day', 'offset': '0', 'part_of_day': 'NI'},
     [{'text': 'The vote takes place tonight.', 'match': 'tonight'}],
     [])
rule('date_mod_relative',
     r'(?i)\b(?<mw>early|late|earlier|later)\s+(?<off>this|last|next)\s+(?<u>week|month|year|decade|century|quarter)(?![\w-])',
     'DATE', {'mod_word': '$mw', 'offset': '$off', 'unit': '$u'},
     [{'text': 'The law passed earlier this year.', 'match': 'earlier this year'},
      {'text': 'Talks resume early next week.', 'match': 'early next week'}],
     [])

# ---------------------------------------------------------------- weekdays
rule('date_weekday',
     r'(?i)(?<!Black |Good |Ash |Super |Cyber |Bloody |Holy |Easter |Palm |Maundy |Giving |Black-)(?:(?<mw>early|late|later|earlier)\s+)?(?:(?<off>last|next|this|coming|past)\s+)?(?<wd>%s)(?:\s+(?<p>morning|afternoon|evening|night))?(?![\w-])' % WD,
     'DATE', {'mod_word': '$mw', 'offset': '$off', 'weekday': '$wd', 'part_of_day': '$p'},
     [{'text': 'The talks ended on Thursday.', 'match': 'Thursday'},
      {'text': 'Later Monday the police arrived.', 'match': 'Later Monday'},
      {'text': 'The board met last Tuesday.', 'match': 'last Tuesday'},
      {'text': 'Shots were heard Friday night.', 'match': 'Friday night'}],
     ['Shoppers crowded stores on Black Friday.', 'Robinson Crusoe met Friday.'] if False else
     ['Shoppers crowded stores on Black Friday.'])
rule('set_weekday_plural',
     r'(?i)(?<![\w-])(?<wd>Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays)(?![\w-])',
     'SET', {'weekday': '$wd', 'type': 'SET'},
     [{'text': 'The market opens on Sundays.', 'match': 'Sundays'}],
     [])

# ---------------------------------------------------------------- vague references
rule('ref_present',
     r'(?i)(?<![\w-])(?:now|currently|nowadays|presently|these\s+days|at\s+present|at\s+the\s+moment|right\s+now)(?![\w-])',
     'DATE', {'ref': 'PRESENT_REF'},
     [{'text': 'The plant is currently closed.', 'match': 'currently'},
      {'text': 'Now the river is dry.', 'match': 'Now'}],
     [])
rule('ref_past',
     r'(?i)(?<![\w-])(?:recently|lately|recent\s+(?:years|months|weeks|days|times|decades)|past\s+(?:years|decades|months)|the\s+past(?!\s+(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten|week|month|year|decade|century|weekend|quarter)\b))(?![\w-])',
     'DATE', {'ref': 'PAST_REF'},
     [{'text': 'Prices have risen in recent years.', 'match': 'recent years'},
      {'text': 'He recently moved.', 'match': 'recently'},
      {'text': 'Those days are in the past.', 'match': 'the past'}],
     ['Over the past decade rents rose.'])
rule('ref_future',
     r'(?i)(?<![\w-])(?:(?<!as )(?<!how )soon(?!\s+as\b|\s+after\b|\s+afterwards?\b)|the\s+(?:near|distant|foreseeable|immediate)\s+(?:future|term)|the\s+future|the\s+(?:short|medium|long)\s+term|(?:the\s+)?coming\s+(?:years|months|weeks|days|decades)|the\s+(?:weeks|months|years|days)\s+ahead)(?![\w-])',
     'DATE', {'ref': 'FUTURE_REF'},
     [{'text': 'A deal is unlikely in the near term.', 'match': 'the near term'},
      {'text': 'We will know soon.', 'match': 'soon'}],
     ['As soon as possible.'] if False else [])

# ---------------------------------------------------------------- durations
rule('duration',
     r'(?i)(?:(?<mw>%s)\s+)?(?<![\w.,-])(?:the\s+(?=\d|%s))?(?!an?[\s-]+%s)(?<a>%s)(?<frac>\s+1/2|\s*½)?(?:\s*(?:to|or|-|–|and)\s*(?<a2>%s))?(?<half>\s+and\s+a\s+half)?(?!-quarters?\b)[\s-]+(?:more\s+|additional\s+|full\s+|straight\s+|consecutive\s+|long\s+)?(?<u>%s)(?<half2>\s+and\s+a\s+half)?(?:-long)?(?![\w\'’-]|\s+(?:ago|later|earlier)\b)' % (MODW, NUMW, UNITP, NUM, NUMC, UNIT),
     'DURATION', {'mod_word': '$mw', 'amount': '$a', 'amount_max': '$a2', 'amount_half': '$half', 'amount_half_2': '$half2', 'amount_half_3': '$frac', 'unit': '$u'},
     [{'text': 'The siege lasted six hours.', 'match': 'six hours'},
      {'text': 'The talks went on for some six hours.', 'match': 'some six hours'},
      {'text': 'Repairs take five to six hours.', 'match': 'five to six hours'},
      {'text': 'She served three decades in office.', 'match': 'three decades'},
      {'text': 'They waited 24 hours for news.', 'match': '24 hours'}],
     ['Two-thirds of voters stayed home.', 'They work day-to-day.', 'A 10-year-old boy was hurt.'])
rule('duration_adjective',
     r'(?i)(?<![\w.,-])(?<a>\d+|%s)-(?<u>second|minute|hour|day|week|month|year|decade|century)(?:-long)?(?![\w\'’-])' % NUMW,
     'DURATION', {'amount': '$a', 'unit': '$u'},
     [{'text': 'A 90-minute meeting ended.', 'match': '90-minute'},
      {'text': 'It signed a two-year deal.', 'match': 'two-year'}],
     ['A 40-year-old man was hurt.'])
rule('duration_half',
     r'(?i)(?:(?<mw>%s)\s+)?\bhalf\s+(?:an?\s+)?(?<u>hour|day|year|decade|century|month|week)\b' % MODW,
     'DURATION', {'mod_word': '$mw', 'amount': 'half', 'unit': '$u'},
     [{'text': 'The meeting lasted half an hour.', 'match': 'half an hour'}],
     [])
rule('duration_span',
     r'(?i)\bthe\s+(?:past|last|next|first|coming|previous|final|latest|following|initial)\s+(?<a>%s)\s+(?<u>%s)(?![\w-])' % (NUM, UNIT),
     'DURATION', {'amount': '$a', 'unit': '$u'},
     [{'text': 'Prices doubled over the past three years.', 'match': 'the past three years'},
      {'text': 'Rain is due in the next few days.', 'match': 'the next few days'}],
     [])
rule('duration_vague',
     r'(?i)(?:(?<=\bfor |\bafter |\bwithin |\bover |\btook |\btake |\bspent |\blasted |\bfor the |\bin )(?<u>years|decades|months|weeks|days|hours|minutes|centuries)|(?<u2>years|decades|months|weeks|days|hours)(?=\s+of\b))(?![\w-])',
     'DURATION', {'unit': '$u', 'unit_2': '$u2', 'vague': '1'},
     [{'text': 'The feud followed years of disputes.', 'match': 'years'},
      {'text': 'The fire burned for days.', 'match': 'days'}],
     ['He has three years of experience.'] if False else [])
rule('duration_vague_long',
     r'(?i)(?<![\w-])(?<u>years|decades|months|weeks|days|hours|centuries)-long(?![\w-])',
     'DURATION', {'unit': '$u', 'vague': '1'},
     [{'text': 'A decades-long feud ended.', 'match': 'decades-long'}],
     [])
rule('duration_many',
     r'(?i)\b(?:many|several|a\s+few|few|some|dozens\s+of|hundreds\s+of)\s+(?:more\s+)?(?<u>%s)(?![\w-])' % UNITP,
     'DURATION', {'amount': 'several', 'unit': '$u'},
     [{'text': 'The repairs took several weeks.', 'match': 'several weeks'}],
     [])

# ---------------------------------------------------------------- sets
rule('set_every_weekday',
     r'(?i)\b(?:every|each)\s+(?<wd>%s)(?:\s+(?<p>morning|afternoon|evening|night))?(?![\w-])' % WD,
     'SET', {'weekday': '$wd', 'part_of_day': '$p', 'type': 'SET'},
     [{'text': 'The club meets every Tuesday evening.', 'match': 'every Tuesday evening'}],
     [])
rule('set_every',
     r'(?i)\b(?:every|each)\s+(?:(?<a>%s)\s+)?(?<u>%s)(?![\w-])' % (NUMC, UNIT),
     'SET', {'amount': '$a', 'unit': '$u', 'type': 'SET'},
     [{'text': 'The council meets every week.', 'match': 'every week'},
      {'text': 'Elections are held every four years.', 'match': 'every four years'}],
     [])
rule('set_every_month',
     r'(?i)\b(?:every|each)\s+(?<m>%s)(?:\s+(?<d>%s))?' % (MONFULL, DAY),
     'SET', {'month': '$m', 'day': '$d', 'type': 'SET'},
     [{'text': 'The fair returns every September.', 'match': 'every September'}],
     [])
rule('set_adverb',
     r'(?i)(?<![\w-])(?<u>daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly|biannually|fortnightly)(?![\w-])',
     'SET', {'freq_word': '$u', 'type': 'SET'},
     [{'text': 'The index is published monthly.', 'match': 'monthly'}],
     [])
rule('set_times_per',
     r'(?i)\b(?:once|twice|thrice|(?:%s)\s+times)\s+(?:a|an|per|every|each)\s+(?<u>%s)(?![\w-])' % (NUMC, UNIT1),
     'SET', {'unit': '$u', 'type': 'SET'},
     [{'text': 'They meet twice a year.', 'match': 'twice a year'}],
     [])
rule('set_per_unit',
     r'(?i)(?<=\d |\dm |\dbn |million |billion |trillion |percent |dollars |euros |pounds |a head |each )(?:a|per)\s+(?<u>year|month|week|day|hour)(?![\w-])',
     'SET', {'unit': '$u', 'type': 'SET'},
     [{'text': 'Imports cost $2 billion a year.', 'match': 'a year'}],
     [])

# ---------------------------------------------------------------- times
rule('time_clock_ampm',
     r'(?i)(?<![\w.:])(?<t>(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?)\s*(?<ap>%s)(?:\s*\(?(?<z>%s)\)?)?' % (AMPM, ZONE),
     'TIME', {'time': '$t', 'ampm': '$ap', 'zone': '$z'},
     [{'text': 'The polls close at 8 p.m. tonight.', 'match': '8 p.m.'},
      {'text': 'Updated 9:24 PM IST on the site.', 'match': '9:24 PM IST'},
      {'text': 'Doors open at 7.45PM for members.', 'match': '7.45PM'}],
     [])
rule('time_clock_24',
     r'(?i)(?<![\w.:])(?<t>(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)(?:\s*(?<h>hrs|hours|h)\b)?(?:\s*\(?(?<z>%s)\)?)?(?![\w:])' % ZONE,
     'TIME', {'time': '$t', 'zone': '$z'},
     [{'text': 'The session opens at 14:00 GMT daily.', 'match': '14:00 GMT'}],
     ['The score was 2:1 at half time.'] if False else [])
rule('time_with_weekday',
     r'(?i)(?<![\w.:])(?:(?<t>(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?)\s*(?<ap>%s)|(?<h>noon|midnight))(?:\s*\(?(?<z>%s)\)?)?,?\s+(?<wd>%s)' % (AMPM, ZONE, WD),
     'TIME', {'time': '$t', 'ampm': '$ap', 'hour': '$h', 'zone': '$z', 'weekday': '$wd'},
     [{'text': 'Polls close at 8 p.m. Sunday in most states.', 'match': '8 p.m. Sunday'}],
     [])
rule('time_with_deictic',
     r'(?i)(?<![\w.:])(?:(?<t>(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?)\s*(?<ap>%s)|(?<h>noon|midnight))(?:\s*\(?(?<z>%s)\)?)?,?\s+(?<d>today|yesterday|tomorrow)\b' % (AMPM, ZONE),
     'TIME', {'time': '$t', 'ampm': '$ap', 'hour': '$h', 'zone': '$z', 'unit': 'day', 'offset': '$d'},
     [{'text': 'The market opens at 9 a.m. tomorrow.', 'match': '9 a.m. tomorrow'}],
     [])
rule('time_named',
     r'(?i)(?<![\w-])(?<h>noon|midnight|midday)(?![\w-])',
     'TIME', {'hour': '$h'},
     [{'text': 'The deadline is midnight.', 'match': 'midnight'}],
     [])
rule('time_oclock',
     r'(?i)\b(?<h>%s|\d{1,2})\s+o[\'’]clock\b' % NUMW,
     'TIME', {'hour': '$h'},
     [{'text': 'They met at nine o\'clock.', 'match': 'nine o\'clock'}],
     [])


# ---------------------------------------------------------------- anchors
# Each regex rule is tried only at the tokens where its anchor (a token
# pattern) matches, anchored at the token's first byte, instead of scanning
# the whole text (docs/RULES.md, "anchor"). An anchor lists every token a
# match can start with: words (case-folded), digits, and hyphenated tokens
# ("mid-March", "3rd-quarter", "two-week" are one token each).
DIGIT = '[re:"[0-9].*"]'
# The number token a rule's match starts with, where the regex decides it
# from that token alone (so that the regex is not tried at every number): a
# year, a decade ("1990s"), a day ("5", "21st") before a month, a clock time
# ("10", "9.30", "10:30pm") before "a.m." or "pm", the day of a numeric
# day-month-year date ("13" of "13/04/2024", "13.04.2024").
YEAR_DIGITS = '[re:"(?:1[6-9]|20)[0-9][0-9].*"]'
DECADE_DIGITS = '[re:"(?:1[0-9]|20)[0-9]0s.*"]'
DAY_DIGITS = '[re:"(?i)(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"]'
DMY_DIGITS = '[re:"(?:1[3-9]|2[0-9]|3[01])(?:[/.].*)?"]'
# A day is a date only before a month ("5 May", "21st of March"), a clock
# time only with "a.m."/"pm" glued or next ("10.30AM", "10 a.m."): the
# anchors say so with the token (any case) the month or the a.m. starts.
MONTH_TOKEN = r'[re:"(?i)(?:%s|%s)(?:\W.*)?"]' % (MONF, MONA)
DAY_MONTH = '%s of? %s' % (DAY_DIGITS, MONTH_TOKEN)
CLOCK_AMPM = ('([re:"(?:1[0-2]|0?[1-9])(?:[:.][0-5][0-9])?[aApP].*"] | '
              '[re:"(?:1[0-2]|0?[1-9])(?:[:.][0-5][0-9])?"] [re:"[aApP].*"])')
APOSNUM = '[re:"[\'’][0-9].*"]'
HYPH = '[re:"[^-]+-.+"]'
MONTH_WORDS = [m.lower() for m in MONF.split('|')] + [
    a + dot for a in ('jan', 'feb', 'febr', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept',
                      'oct', 'nov', 'dec') for dot in ('', '.')]
WEEKDAY_WORDS = [w.lower() for w in WDF.split('|')] + [
    a + dot for a in ('mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun')
    for dot in ('', '.')]
NUM_WORDS = NW.split('|')
MOD_FIRST = ['about', 'around', 'approximately', 'roughly', 'some', 'nearly', 'almost', 'close',
             'an', 'more', 'over', 'upwards', 'well', 'just', 'less', 'under', 'fewer', 'at',
             'up', 'no']
ORD_WORDS = ['first', 'second', 'third', 'fourth']
CENTURY_ORDS = ['fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth',
                'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth',
                'nineteenth', 'twentieth']
OFF_WORDS = ['this', 'last', 'next', 'past', 'coming', 'previous', 'current']
MW = ['early', 'mid', 'late']
AMOUNT = NUM_WORDS + ['a', 'an', 'dozen', 'several', 'few', 'many', 'some', 'couple']


def anchor(*parts, the_next=None):
    """A token pattern: any of the words (lists) or token tests (strings).
    A leading "the" is so common that it is taken only before a token that
    can continue the match: by default one of the other alternatives (the
    regexes here say "(?:the\\s+)?X"), else the words of the_next."""
    alts = []
    for p in parts:
        for a in (p if isinstance(p, list) else [p]):
            if a not in alts:
                alts.append(a)
    if 'the' not in alts:
        return '(' + '|'.join(alts) + ')'
    alts.remove('the')
    nxt = alts if the_next is None else the_next
    return '(' + '|'.join(alts) + ' | the (' + '|'.join(nxt) + '))'


def then(word, *parts):
    """A two-token anchor: word, then any of parts (as in anchor()). Rules
    whose matches all start with a common word ("the") are tried only where
    the next token can continue them."""
    return word + ' ' + anchor(*parts)


def after_optional(words, *parts):
    """The first token of parts (as in anchor()), alone or after one of
    words: for a regex that begins "(?:(?:this|last)\\s+)?X", whose
    optional words are too common to try the regex at each of them."""
    alts = anchor(*parts)
    return '(%s | (%s) %s)' % (alts[1:-1], '|'.join(words), alts)


def then_within(start, words, reach=14):
    """An anchor that also needs one of words within reach tokens after its
    first token: the rule is tried only where that word comes later in the
    sentence (the engine looks ahead for it). reach must cover every token a
    match can have before the word."""
    return '%s []{0,%d} (%s)' % (start, reach, '|'.join(words))


def day_month():
    """The anchor of a day-month date: a day and its month, after an
    optional weekday (with its period and comma) and "the"."""
    wd = '(' + '|'.join(WEEKDAY_WORDS) + ')'
    return '(%s "."? ","? the? %s | the? %s)' % (wd, DAY_MONTH, DAY_MONTH)


def within_or_hyphen(parts, words, reach):
    """An anchor for a rule whose every match has one of words within reach
    tokens after its first word (one of parts, as in anchor(), after an
    optional "the"), where the word can also come glued into a hyphenated
    token ("10-day", "first-half"), which may be the first token itself:
    the rule is tried only where the engine's look-ahead finds one of
    those tokens."""
    alts = []
    for p in parts:
        for a in (p if isinstance(p, list) else [p]):
            if a not in alts and a != 'the':
                alts.append(a)
    the = '(the)? ' if any('the' in (p if isinstance(p, list) else [p]) for p in parts) else ''
    return '%s((%s) []{0,%d})? (%s)' % (the, '|'.join(alts), reach, '|'.join(words + [HYPH]))


UNIT_WORDS = ['second', 'seconds', 'minute', 'minutes', 'hour', 'hours', 'day', 'days', 'week',
              'weeks', 'weekend', 'weekends', 'fortnight', 'fortnights', 'month', 'months',
              'quarter', 'quarters', 'year', 'years', 'decade', 'decades', 'century', 'centuries']
UNIT_ABBREVS = [a + dot for a in ('hr', 'hrs', 'min', 'mins', 'yr', 'yrs') for dot in ('', '.')]
UNIT1_WORDS = ['second', 'minute', 'hour', 'day', 'week', 'weekend', 'fortnight', 'month',
               'quarter', 'year', 'decade', 'century']
UNITP_WORDS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'weekends', 'months', 'years',
               'decades', 'centuries']
SEASON_WORDS = ['spring', 'summer', 'autumn', 'winter']
DEICTIC_DAYS = ['today', 'yesterday', 'tomorrow']
PARTS_OF_DAY = ['morning', 'afternoon', 'evening', 'night']
HALF_UNITS = ['hour', 'day', 'year', 'decade', 'century', 'month', 'week']


def then_hyphen(words):
    """A token test for a hyphenated token that begins with one of words
    ("night-time"): a regex that ends a word with \\b, not (?![\\w-]),
    matches in it."""
    return '[re:"(?i)(%s)-.*"]' % '|'.join(words)

PART_WORDS = ['end', 'beginning', 'start', 'middle', 'close']
DECADE_WORDS = ['twenties', 'thirties', 'forties', 'fifties', 'sixties', 'seventies', 'eighties',
                'nineties']

ANCHORS = {
    'date_month_day_year': anchor(WEEKDAY_WORDS, MONTH_WORDS),
    'date_day_month_year': day_month(),
    'date_month_day': anchor(WEEKDAY_WORDS, MONTH_WORDS),
    'date_day_month': day_month(),
    'date_month_year': anchor(MONTH_WORDS),
    'date_month_alone': after_optional(OFF_WORDS, MONTH_WORDS),
    'date_month_ambiguous_offset': then(anchor(OFF_WORDS), ['may', 'march', 'august']),
    'date_month_ambiguous': anchor(['may', 'march', 'august']),
    'date_iso': anchor(DIGIT),
    'date_numeric_mdy': anchor(DIGIT),
    'date_numeric_dmy': anchor(DMY_DIGITS),
    'date_year': anchor(YEAR_DIGITS),
    'date_two_digit_year': anchor(APOSNUM),
    'date_decade': anchor(['the'], MW, DECADE_DIGITS, APOSNUM, HYPH),
    'date_decade_words': then('the', MW, DECADE_WORDS, HYPH),
    'date_century': anchor(['the'], MW, ORD_WORDS, CENTURY_ORDS, DIGIT, HYPH),
    'date_mod_month': anchor(MW, HYPH),
    'date_mod_year': anchor(MW, HYPH),
    'date_part_of': then('the', PART_WORDS),
    'date_part_of_relative': then('the', PART_WORDS),
    'date_part_of_the_unit': then('the', PART_WORDS),
    'date_quarter': anchor(['the', 'fiscal', 'calendar'], ORD_WORDS, DIGIT),
    'date_quarter_adjective': anchor(ORD_WORDS, DIGIT, HYPH),
    'date_quarter_relative': anchor(['the'], ORD_WORDS, DIGIT, HYPH),
    'date_q_code': anchor('[re:"Q[1-4].*"]'),
    'date_half': anchor(['the', 'first', 'second'], DIGIT, HYPH),
    'date_h_code': anchor('[re:"H[12]"]'),
    'date_fiscal_year': anchor(['the', 'fiscal']),
    'date_fy_code': anchor('[re:"FY.*"]'),
    'date_season': after_optional(['the'] + OFF_WORDS, SEASON_WORDS, MW, HYPH),
    'date_season_fall': '(fall | %s (fall|%s))' % (anchor(OFF_WORDS), then_hyphen(['fall'])),
    'date_relative_unit': then(anchor(OFF_WORDS), ['week', 'weekend', 'month', 'year', 'decade',
                                                   'century', 'quarter', 'fortnight']),
    'date_the_weekend': then('the', ['weekend']),
    'date_the_past_unit': then('the', ['past', 'last']),
    'date_the_current_unit': then('the', ['current', 'present']),
    'date_relative_anchored': then('the', ['following', 'previous', 'prior', 'next',
                                                 'preceding']),
    'date_day_before_after': then('the', ['day', 'week', 'month', 'year']),
    'date_day_before_yesterday': then('the', ['day']),
    # before "ago" / "later": at most 3 (MODW) + 3 (NUMC) + 4 ("or" NUMC) + 1 (unit) tokens
    'date_ago': then_within(anchor(MOD_FIRST, AMOUNT, DIGIT, HYPH), ['ago']),
    'ref_ago_vague': anchor(['many', 'several', 'a', 'few', 'some', 'years', 'months', 'weeks',
                             'days', 'decades', 'centuries']),
    'date_a_year_earlier': anchor(['a', 'one']),
    'date_the_quarter': then('the', ['latest', 'most', 'just-ended', 'recent', 'last', 'previous',
                                           'past', 'fiscal', 'quarter']),
    'date_that_unit': then_within(anchor(['earlier', 'later', 'that']), ['day', 'week', 'month', 'year'], 2),
    'date_holiday': after_optional(['this', 'last', 'next'],
                                   ['christmas', 'new (year)', 'halloween', 'valentine',
                                    '[re:"(?i)valentine.*"]']),
    'date_later_earlier': then_within(anchor(MOD_FIRST, AMOUNT, DIGIT, HYPH),
                                      ['later', 'earlier']),
    'date_year_earlier': anchor(['the'], HYPH),
    'date_deictic_day': anchor(['today', 'yesterday', 'tomorrow']),
    'date_deictic_part_of_day': then(anchor(DEICTIC_DAYS + ['this', 'last']), PARTS_OF_DAY,
                                     then_hyphen(PARTS_OF_DAY)),
    'date_tonight': anchor(['tonight']),
    'date_mod_relative': anchor(MW, ['earlier', 'later']),
    'date_weekday': anchor(MW, ['earlier', 'later'], OFF_WORDS,
                           [w.lower() for w in WDF.split('|')]),
    'set_weekday_plural': anchor([w.lower() + 's' for w in WDF.split('|')]),
    'ref_present': '(now|currently|nowadays|presently|these (days)|at (present|the (moment))|right (now))',
    'ref_past': anchor(['recently', 'lately', 'recent', 'past', 'the']),
    'ref_future': anchor(['soon', 'the', 'coming'],
                         the_next=['near', 'distant', 'foreseeable', 'immediate', 'future',
                                   'short', 'medium', 'long', 'coming', 'weeks', 'months',
                                   'years', 'days']),
    # before the unit: at most 3 (MODW) + 1 (the) + 3 (NUMC) + 3 (1/2) + 4 (to NUMC) +
    # 3 (and a half) + 1 (full) tokens
    'duration': within_or_hyphen([MOD_FIRST, ['the'], AMOUNT, DIGIT, HYPH],
                                 UNIT_WORDS + UNIT_ABBREVS, 18),
    'duration_adjective': anchor(DIGIT, HYPH),
    # before the unit: at most 2 more MODW tokens, "half" and "a"
    'duration_half': then_within(anchor(MOD_FIRST, ['half'], HYPH),
                                 HALF_UNITS + [then_hyphen(HALF_UNITS)], 4),
    'duration_span': then('the', ['past', 'last', 'next', 'first', 'coming', 'previous', 'final',
                                        'latest', 'following', 'initial']),
    'duration_vague': anchor(['years', 'decades', 'months', 'weeks', 'days', 'hours', 'minutes',
                              'centuries']),
    'duration_vague_long': anchor(HYPH),
    # before the unit: "few" or "of", then "more"
    'duration_many': then_within(anchor(['many', 'several', 'a', 'few', 'some', 'dozens', 'hundreds']),
                                 UNITP_WORDS, 2),
    'set_every_weekday': anchor(['every', 'each']),
    'set_every': anchor(['every', 'each']),
    'set_every_month': anchor(['every', 'each']),
    'set_adverb': anchor(['daily', 'weekly', 'monthly', 'annually', 'yearly', 'hourly', 'nightly',
                          'biweekly', 'biannually', 'fortnightly']),
    'set_times_per': then_within(anchor(['once', 'twice', 'thrice'], AMOUNT, DIGIT, HYPH),
                                 UNIT1_WORDS, 8),
    'set_per_unit': then(anchor(['a', 'per']), ['year', 'month', 'week', 'day', 'hour']),
    'time_clock_ampm': CLOCK_AMPM,
    'time_clock_24': anchor(DIGIT),
    'time_with_weekday': anchor(CLOCK_AMPM, ['noon', 'midnight']),
    'time_with_deictic': anchor(CLOCK_AMPM, ['noon', 'midnight']),
    'time_named': anchor(['noon', 'midnight', 'midday']),
    'time_oclock': anchor(NUM_WORDS, DIGIT, HYPH),
}

# -------------------------------------------------------------- output
out = sys.stdout
STRIP = ['on', 'in', 'at', 'by', 'since', 'until', 'till', 'til', 'during', 'from', 'for', 'of',
         'to', 'within', 'throughout', 'into', 'upon', 'as', 'through']
FUTURE = ['will', "'ll", '’ll', 'shall', 'wo', "won't", 'won’t', 'next', 'upcoming', 'scheduled',
          'expected', 'due', 'slated', 'planned', 'plans', 'plan', 'planning', 'intends', 'tomorrow',
          'coming', 'aims', 'hopes', 'soon', 'resume', 'resumes', 'meets', 'expects', 'awaits']
PAST = ['said', 'was', 'were', 'had', 'did', 'ago', 'last', 'earlier', 'told', 'announced',
        'reported', 'met', 'held', 'took', 'came', 'went', 'began', 'ended', 'killed', 'died',
        'yesterday', 'previous', 'previously', 'wrote', 'saw', 'made', 'gave', 'left', 'arrived']


def ylist(xs):
    return '[' + ', '.join(q(x) for x in xs) + ']'


print('''# 20-dates.yaml - temporal expressions (TIMEX3): DATE, TIME, DURATION, SET.
# GENERATED by rules/20-dates.gen.py (python3 rules/20-dates.gen.py >
# rules/20-dates.yaml): edit the generator, whose fragments (month names,
# numbers, units, approximators) are shared by many rules.
# Attributes are the keys of lib/timex.h plus the resolver's own (mod_word,
# freq_word, key_N); lib/dates.c and docs/dates.md describe both.
# Source: our own work; same licence as newsfacts.
schema: 1
description: >-
  Temporal expressions (TIMEX3): DATE, TIME, DURATION, SET with the attributes
  the dates resolver (lib/dates.c) turns into values (docs/dates.md). Regex
  rules: every format of docs/dates.md; month and weekday names are written
  case-sensitively where the word is also an English word (May, March).
  Extents follow ../shared/spec/annotation-guide.md: no leading preposition,
  determiners and approximators that change the meaning inside.
phases: [dates]
settings:
  # tense hints for bare weekdays and year-less dates: the nearest of these
  # words in the sentence, looking back from the expression, then forward
  dates.tense_window: 8
  # year-less dates ("February 27"): nearest to the DCT, or the tense hint
  # when that date is at most dates.tense_max_days away ("tense": hint only)
  dates.yearless: nearest
  dates.tense_max_days: 300
  # anchor=ref expressions ("six days later") with no earlier date: 1 = count
  # from the DCT, 0 = value null
  dates.ref_fallback_dct: 0''')
print('  # words cut from the start of an extent ("on Thursday" -> Thursday)')
print('  dates.strip_leading: ' + ylist(STRIP))
print('  dates.future_words: ' + ylist(FUTURE))
print('  dates.past_words: ' + ylist(PAST))
print('rules:')
rules.sort(key=lambda r: FIRST.index(r[0]) if r[0] in FIRST else len(FIRST))
for (name, regex, emit, attrs, examples, counter, priority, desc) in rules:
    print('  - name: %s' % name)
    print('    phase: dates')
    if name in CROSS:
        print('    cross_sentences: true')
    if priority is not None:
        print('    priority: %d' % priority)
    print('    regex: %s' % q(regex))
    print('    anchor: %s' % q(ANCHORS[name]))
    print('    emit: %s' % emit)
    if attrs:
        print('    attrs:')
        for k, v in attrs.items():
            print('      %s: %s' % (k, q(v)))
    if examples:
        print('    examples:')
        for e in examples:
            if isinstance(e, str):
                print('      - %s' % q(e))
            else:
                print('      - {text: %s, match: %s}' % (q(e['text']), q(e['match'])))
    if counter:
        print('    counter_examples:')
        for e in counter:
            print('      - %s' % q(e))
