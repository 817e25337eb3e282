# panmilter - top-level, non-recursive Makefile.
#
# Objects go to build/$(VARIANT)/ so the variants (default, asan, fuzz)
# never overwrite each other. Every milter/*.c except daemon.c is part of
# libpm.a; every tests/unit/test_*.c is one cmocka binary.

VARIANT	?= default
B	:= build/$(VARIANT)
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR	?=
FUZZ_TIME ?= 60
SMOKE_TIME ?= 20
VERSION	:= 0.1.0
SHELL	:= /bin/bash

PKGS	:= gpgme libpcre2-8 libconfig libarchive jansson openssl libidn2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN	:= -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
HARDEN	:= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now

ifneq ($(filter asan%,$(VARIANT)),)
CC	:= gcc
OPT	:= -O1 -g -fno-omit-frame-pointer \
	   -fsanitize=address,undefined -fno-sanitize-recover=all
LDOPT	:= -fsanitize=address,undefined
HARDEN	:= -fPIE
else ifeq ($(VARIANT),fuzz)
CC	:= clang
OPT	:= -O1 -g -fno-omit-frame-pointer \
	   -fsanitize=fuzzer-no-link,address,undefined \
	   -fno-sanitize-recover=all -DPM_FUZZ
LDOPT	:= -fsanitize=address,undefined
HARDEN	:= -fPIE
else
OPT	:= -O2 -g
LDOPT	:=
endif

CPPFLAGS += -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE \
	    -DPM_VERSION='"$(VERSION)"' -Imilter -Ipolicy -Ikeyring -Itests/lib
ALL_CFLAGS = $(CPPFLAGS) $(OPT) $(HARDEN) $(WARN) $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(OPT) $(LDOPT) $(LDHARDEN) $(LDFLAGS)
LIBS	= $(PKG_LIBS) -lmilter -lpthread

PM_SRCS  := $(filter-out milter/daemon.c,$(wildcard milter/*.c))
POL_SRCS := $(filter-out policy/panpolicy.c,$(wildcard policy/*.c))
KR_SRCS  := $(filter-out keyring/pankey.c,$(wildcard keyring/*.c))
TL_SRCS  := $(wildcard tests/lib/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
BENCH_SRCS := $(wildcard bench/*.c)

obj = $(patsubst %.c,$(B)/%.o,$(1))

LIBPM	:= $(B)/libpm.a
LIBPOL	:= $(B)/libpol.a
LIBKR	:= $(B)/libkr.a
LIBTEST	:= $(B)/libtest.a
PROGS	:= $(B)/panmilter \
	   $(if $(wildcard policy/panpolicy.c),$(B)/panpolicy) \
	   $(if $(wildcard keyring/pankey.c),$(B)/pankey)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
FUZZ_BINS := $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
# link order: callers before callees
APPLIBS	= $(LIBPOL) $(LIBKR) $(LIBPM)

.PHONY: all check unit asan golden scripts corpus e2e fuzz fuzz-smoke fuzz-build bench \
	demo deps install uninstall clean distclean lint leakscan tests

all: $(PROGS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBPM): $(call obj,$(PM_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBPOL): $(call obj,$(POL_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBKR): $(call obj,$(KR_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBTEST): $(call obj,$(TL_SRCS))
	@rm -f $@; ar rcs $@ $^

$(B)/panmilter: $(call obj,milter/daemon.c) $(APPLIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(APPLIBS) -Wl,--end-group $(LIBS)
$(B)/panpolicy: $(call obj,policy/panpolicy.c) $(APPLIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(APPLIBS) -Wl,--end-group $(LIBS)
$(B)/pankey: $(call obj,keyring/pankey.c) $(APPLIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(APPLIBS) -Wl,--end-group $(LIBS)

# engine tests link only the engine, so policy and keyring work never
# blocks them (and the other way round)
$(B)/tests/test_pol_%: $(B)/tests/unit/test_pol_%.o $(LIBTEST) $(LIBPOL) $(LIBPM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS) -lm
$(B)/tests/test_kr_%: $(B)/tests/unit/test_kr_%.o $(LIBTEST) $(LIBKR) $(LIBPM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS) -lm
$(B)/tests/test_mlfi%: $(B)/tests/unit/test_mlfi%.o $(LIBTEST) $(APPLIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBTEST) -Wl,--start-group $(APPLIBS) \
	    -Wl,--end-group $(LIBS) $(CMOCKA_LIBS) -lm
$(B)/tests/%: $(B)/tests/unit/%.o $(LIBTEST) $(LIBPM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS) -lm

tests: $(UNIT_BINS) $(PROGS)

# unit: every cmocka suite (output kept in $(B)/logs for the leak scan);
# a failing suite fails the target after all have run
unit: tests
	@mkdir -p $(B)/logs; fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		$$t 2>&1 | tee $(B)/logs/$$(basename $$t).log; \
		[ $${PIPESTATUS[0]} = 0 ] || fail=1; \
	done; exit $$fail

asan:
	$(MAKE) VARIANT=asan unit golden scripts corpus

# scripts: the shell-driven tests of the command-line tools
scripts: $(PROGS)
	@mkdir -p $(B)/logs
	@fail=0; for t in $(wildcard tests/policy.sh tests/keyring.sh); do \
		echo "== $$t"; \
		case $$t in *policy.sh) bin=$(B)/panpolicy ;; *) bin=$(B)/pankey ;; esac; \
		$$t $$bin 2>&1 | tee $(B)/logs/$$(basename $$t .sh).log; \
		[ $${PIPESTATUS[0]} = 0 ] || fail=1; \
	done; exit $$fail

golden: $(B)/panmilter
	@mkdir -p $(B)/logs
	tests/golden.sh $(B)/panmilter 2>&1 | tee $(B)/logs/golden.log; \
	exit $${PIPESTATUS[0]}

corpus: $(B)/panmilter
	@mkdir -p $(B)/logs
	tests/corpus.sh $(B)/panmilter 2>&1 | tee $(B)/logs/corpus.log; \
	exit $${PIPESTATUS[0]}

# --- end-to-end tests (a real Postfix on 127.0.0.1; needs root) ---
$(B)/e2e/null_milter: tests/e2e/null_milter.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lmilter -lpthread

e2e: $(B)/panmilter $(B)/e2e/null_milter
	@mkdir -p $(B)/logs
	E2E_NULL_MILTER=$(CURDIR)/$(B)/e2e/null_milter \
	PANMILTER=$(abspath $(B)/panmilter) tests/e2e/run.sh 2>&1 | \
	    tee $(B)/logs/e2e.log; exit $${PIPESTATUS[0]}

leakscan: build/default/panmilter
	tests/leakscan.sh build build/default/panmilter

deps:
	contrib/install-deps

check: deps
	$(MAKE) all
	$(MAKE) unit golden scripts
	$(MAKE) asan
	$(MAKE) e2e
	$(MAKE) fuzz-smoke
	$(MAKE) lint
	$(MAKE) leakscan

lint:
	tests/lint.sh

# --- fuzzing (clang, libFuzzer) ---
build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libpm.a build/fuzz/libtest.a
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

fuzz-build:
	$(MAKE) VARIANT=fuzz build/fuzz/libpm.a build/fuzz/libtest.a
	$(MAKE) VARIANT=fuzz $(FUZZ_BINS)

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BINS)

fuzz-smoke: fuzz-build
	fuzz/run.sh $(SMOKE_TIME) $(FUZZ_BINS)

# --- benchmarks ---
$(B)/bench/%: $(B)/bench/%.o $(LIBTEST) $(APPLIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBTEST) -Wl,--start-group $(APPLIBS) \
	    -Wl,--end-group $(LIBS) -lm

bench: deps
	$(MAKE) $(B)/panmilter $(B)/e2e/null_milter \
	    $(patsubst bench/%.c,$(B)/bench/%,$(BENCH_SRCS))
	bench/run.sh $(B)

demo: deps
	$(MAKE) all
	contrib/demo.sh $(B)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/panmilter
	install -m 0755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	for m in man/*.8; do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/; done
	for m in $(wildcard man/*.5); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(PROGS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))

clean:
	rm -rf build

distclean: clean
	rm -rf fuzz/crashes

-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d)
