# newsfacts - plain GNU Makefile.
#
#   make            library, extractor, pkg-config file (in build/)
#   make demo       extract facts from the bundled sample article
#   make test       build and run every test, then the whole suite again
#                   under ASan+UBSan (build-san/)
#   make install    PREFIX=/usr/local DESTDIR= ...
#   make bench      benchmarks (figures, not pass/fail)
#
# Missing system packages are installed by tools/install-deps.sh (Debian)
# before `demo` and `test` build anything.

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
B ?= build

VERSION := $(shell sed -n 's/^\#define NF_VERSION_STRING "\(.*\)"/\1/p' include/newsfacts.h)
ABI := 0
DEPS := libpcre2-8 icu-uc icu-i18n yaml-0.1 libxml-2.0
DEPS_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
DEPS_LIBS = $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null)

WARN := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
        -Wconversion -Wno-sign-conversion
NF_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Ilib $(WARN) \
            $(DEPS_CFLAGS) $(EXTRA_CFLAGS)
NF_LIBS = $(DEPS_LIBS) -lpthread -lm

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
TEST_OBJ := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%.o)
SONAME := libnewsfacts.so.$(ABI)

.PHONY: all lib examples demo test test-build check unit cli-tests rules-bad golden install-test python-tests \
        install uninstall clean deps bench check-abi check-valgrind \
        fuzz fuzz-replay check-tsan

all: lib examples $(B)/newsfacts.pc

lib: $(B)/libnewsfacts.a $(B)/libnewsfacts.so.$(VERSION)
examples: $(B)/newsfacts $(B)/minimal

$(B)/lib/%.o: lib/%.c lib/*.h include/newsfacts.h
	@mkdir -p $(dir $@)
	$(CC) $(NF_CFLAGS) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -DNF_BUILDING -c $< -o $@

$(B)/libnewsfacts.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/libnewsfacts.so.$(VERSION): $(LIB_OBJ) lib/newsfacts.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
	    -Wl,--version-script=lib/newsfacts.map -o $@ $(LIB_OBJ) $(NF_LIBS)
	ln -sf libnewsfacts.so.$(VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libnewsfacts.so

$(B)/examples/%.o: examples/%.c include/newsfacts.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude $(WARN) $(EXTRA_CFLAGS) \
	    $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The examples link the static library so they run from the build tree.
$(B)/newsfacts: $(B)/examples/newsfacts.o $(B)/libnewsfacts.a
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libnewsfacts.a $(NF_LIBS)
$(B)/minimal: $(B)/examples/minimal.o $(B)/libnewsfacts.a
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libnewsfacts.a $(NF_LIBS)

$(B)/newsfacts.pc: pkgconfig/newsfacts.pc.in include/newsfacts.h
	@mkdir -p $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@DEPS@|$(DEPS)|' $< > $@

# ---------------------------------------------------------------- tests

$(B)/tests/tests_list.h: FORCE
	@mkdir -p $(dir $@)
	@sed -n 's/^NF_TEST(\([A-Za-z0-9_]*\)).*/X(\1)/p' $(TEST_SRC) > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

$(B)/tests/%.o: tests/unit/%.c tests/unit/harness.h $(B)/tests/tests_list.h lib/*.h include/newsfacts.h
	@mkdir -p $(dir $@)
	$(CC) $(NF_CFLAGS) -I$(B)/tests $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/unit_tests: $(TEST_OBJ) $(B)/libnewsfacts.a
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJ) $(B)/libnewsfacts.a $(NF_LIBS)

test-build: all $(B)/unit_tests $(B)/compile_cxx

# The public header must compile as C++ and as C99.
$(B)/compile_cxx: tests/unit/compile_cxx.cpp include/newsfacts.h $(B)/libnewsfacts.a
	$(CXX) -std=c++11 -Wall -Wextra -Iinclude $(EXTRA_CFLAGS) tests/unit/compile_cxx.cpp -o $@ \
	    $(B)/libnewsfacts.a $(NF_LIBS)
	$(CC) -std=c99 -Wall -Wextra -Wpedantic -Iinclude -fsyntax-only -x c include/newsfacts.h

# Everything one build directory runs.
unit: test-build
	$(B)/unit_tests
cli-tests: test-build
	B=$(B) sh tests/cli.sh
# tests/rules/bad/*.yaml: each file's '# expect:' line vs --check-rules
rules-bad: test-build
	B=$(B) sh tests/rules/run.sh
# The Python binding's tests (tests/python, unittest) against this build's
# library and extractor; with SAN=1 (make check) Python runs with the
# sanitizer runtimes preloaded.
PYTHON ?= python3
PY_SAN_ENV = LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
    ASAN_OPTIONS=detect_leaks=0
python-tests: test-build
	NEWSFACTS_LIB=$(B)/libnewsfacts.so NEWSFACTS_CLI=$(B)/newsfacts $(if $(SAN),$(PY_SAN_ENV)) \
	    $(PYTHON) -m unittest discover -s tests/python -t tests/python
golden: test-build
	B=$(B) sh tests/golden.sh
html-view: test-build
	B=$(B) sh tests/html_view.sh

# make test: deps, the normal build's suite, the install test, then the
# same suite under ASan+UBSan.
test:
	@sh tools/install-deps.sh --test
	$(MAKE) --no-print-directory unit cli-tests rules-bad python-tests golden fuzz-replay html-view check-abi
	$(MAKE) --no-print-directory install-test
	$(MAKE) --no-print-directory check

check:
	$(MAKE) --no-print-directory B=build-san CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    SAN=1 unit cli-tests rules-bad python-tests fuzz-replay

# ---------------------------------------------------------------- fuzzing
# make fuzz FUZZ_SECONDS=N   each libFuzzer target (clang, ASan+UBSan) for N
#                            seconds; new crashes land in tests/fuzz/crashes-open/
# make fuzz-replay           the same targets built with $(CC) and
#                            tests/fuzz/standalone_main.c, replaying
#                            tests/fuzz/corpus/ and tests/fuzz/regressions/
FUZZ_TARGETS := extract rules json
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_B ?= build-fuzz
FUZZ_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(B)/fuzz_replay_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h tests/fuzz/standalone_main.c \
        $(B)/libnewsfacts.a
	$(CC) $(NF_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c \
	    tests/fuzz/standalone_main.c $(B)/libnewsfacts.a $(NF_LIBS)

fuzz-replay: $(FUZZ_TARGETS:%=$(B)/fuzz_replay_%)
	@for t in $(FUZZ_TARGETS); do \
	    $(B)/fuzz_replay_$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t || exit 1; done

fuzz:
	$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_FLAGS)" $(FUZZ_B)/libnewsfacts.a
	@mkdir -p tests/fuzz/crashes-open
	@st=0; for t in $(FUZZ_TARGETS); do \
	    d=extract; len=16384; [ $$t = rules ] && d=rules && len=65536; \
	    $(FUZZ_CC) $(NF_CFLAGS) -O1 -g -fsanitize=fuzzer $(FUZZ_FLAGS) -o $(FUZZ_B)/fuzz_$$t \
	        tests/fuzz/fuzz_$$t.c $(FUZZ_B)/libnewsfacts.a $(NF_LIBS) || exit 1; \
	    mkdir -p $(FUZZ_B)/corpus-$$t; \
	    echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    $(FUZZ_B)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=$$len \
	        -dict=tests/fuzz/$$d.dict -artifact_prefix=tests/fuzz/crashes-open/$$t- \
	        -print_final_stats=1 $(FUZZ_B)/corpus-$$t tests/fuzz/corpus/$$t || st=1; \
	done; exit $$st

install-test: all
	B=$(B) sh tests/install.sh

deps:
	@sh tools/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory -s all >/dev/null
	@$(B)/newsfacts --rules rules --pretty examples/data/sample-article.txt

# Valgrind memcheck: the extractor over the seed articles (one thread, then
# -j 2), and the extraction fuzz corpus; any error or definite/indirect leak
# fails. Without ../shared, the bundled sample article stands in.
VALGRIND = valgrind -q --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
check-valgrind: all $(B)/fuzz_replay_extract
	@seeds=$$(ls ../shared/corpus/seeds/*.txt 2>/dev/null || echo examples/data/sample-article.txt); \
	d=$$(mktemp -d); st=0; \
	echo "valgrind: newsfacts on $$(echo $$seeds | wc -w) articles"; \
	$(VALGRIND) $(B)/newsfacts --rules rules --out-dir $$d $$seeds || st=1; \
	$(VALGRIND) $(B)/newsfacts --rules rules -j 2 $$seeds > $$d/all.jsonl || st=1; \
	$(VALGRIND) $(B)/fuzz_replay_extract tests/fuzz/corpus/extract tests/fuzz/regressions/extract \
	    || st=1; \
	rm -rf $$d; [ $$st = 0 ] && echo "valgrind: clean"; exit $$st

# ThreadSanitizer: tests/unit/test_threads.c alone in its own runner, and the
# extractor with -j 4, built in build-tsan/.
TSAN_B = build-tsan
check-tsan:
	$(MAKE) --no-print-directory B=$(TSAN_B) CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=thread -fno-omit-frame-pointer" $(TSAN_B)/libnewsfacts.a $(TSAN_B)/newsfacts
	@mkdir -p $(TSAN_B)/tsan
	sed -n 's/^NF_TEST(\([A-Za-z0-9_]*\)).*/X(\1)/p' tests/unit/test_threads.c > $(TSAN_B)/tsan/tests_list.h
	$(CC) $(NF_CFLAGS) -I$(TSAN_B)/tsan -O1 -g -fsanitize=thread -fno-omit-frame-pointer \
	    -o $(TSAN_B)/thread_tests tests/unit/main.c tests/unit/test_threads.c \
	    $(TSAN_B)/libnewsfacts.a $(NF_LIBS)
	TSAN_OPTIONS="halt_on_error=1 $(TSAN_OPTIONS)" $(TSAN_B)/thread_tests
	@seeds=$$(ls ../shared/corpus/seeds/*.txt 2>/dev/null || echo examples/data/sample-article.txt); \
	TSAN_OPTIONS="halt_on_error=1 $(TSAN_OPTIONS)" $(TSAN_B)/newsfacts --rules rules -j 4 \
	    $$seeds $$seeds examples/data/sample-article.txt > /dev/null && echo "tsan: clean"

check-abi: lib
	nm -D --defined-only $(B)/libnewsfacts.so.$(VERSION) | awk '$$2=="T"{print $$3}' | sort \
	    | diff -u lib/newsfacts.sym -

bench: all
	B=$(B) sh bench/run.sh

# ---------------------------------------------------------------- install

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(DATADIR)/newsfacts
	install -m 644 include/newsfacts.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(B)/libnewsfacts.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(B)/libnewsfacts.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libnewsfacts.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libnewsfacts.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@DEPS@|$(DEPS)|' pkgconfig/newsfacts.pc.in \
	    > $(DESTDIR)$(PKGCONFIGDIR)/newsfacts.pc
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude $(CPPFLAGS) $(CFLAGS) \
	    -DNF_DEFAULT_RULES='"$(DATADIR)/newsfacts/rules"' -c examples/newsfacts.c -o $(B)/newsfacts-installed.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $(B)/newsfacts-installed $(B)/newsfacts-installed.o \
	    $(B)/libnewsfacts.a $(NF_LIBS)
	install -m 755 $(B)/newsfacts-installed $(DESTDIR)$(BINDIR)/newsfacts
	rm -rf $(DESTDIR)$(DATADIR)/newsfacts/rules
	cp -R rules $(DESTDIR)$(DATADIR)/newsfacts/rules
	if [ -d docs ]; then install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5; \
	    for s in 1 3 5; do for f in docs/*.$$s; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(MANDIR)/man$$s/; done; done; true; fi

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/newsfacts.h $(DESTDIR)$(LIBDIR)/libnewsfacts.a \
	    $(DESTDIR)$(LIBDIR)/libnewsfacts.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libnewsfacts.so $(DESTDIR)$(PKGCONFIGDIR)/newsfacts.pc \
	    $(DESTDIR)$(BINDIR)/newsfacts
	rm -rf $(DESTDIR)$(DATADIR)/newsfacts
	for s in 1 3 5; do for f in docs/*.$$s; do [ -f "$$f" ] && rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$f); done; done; true

clean:
	rm -rf build build-san build-*

FORCE:
.PHONY: FORCE
