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

PKGS	:= gpgme libpcre2-8 libconfig libarchive jansson openssl libidn2 zlib
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

# keep objects of pattern rules (no rebuild of test objects each run)
.SECONDARY:

.PHONY: all check unit asan golden scripts corpus e2e diff-mime hostile fuzz fuzz-smoke fuzz-long fuzz-build bench \
	demo deps install uninstall installtest deb soak clean distclean lint leakscan tests

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
	$(MAKE) VARIANT=asan unit golden scripts corpus hostile

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

# differential MIME test (Python's email as the independent parser) and
# hostile input, each with its expected verdict and bounds
$(B)/mimedump: tests/tools/mimedump.c $(LIBPM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBPM) $(LIBS)

diff-mime: $(B)/mimedump
	@mkdir -p $(B)/logs
	python3 tests/diff_mime.py --mimedump $(B)/mimedump 2>&1 | \
	    tee $(B)/logs/diff_mime.log; exit $${PIPESTATUS[0]}

hostile: $(B)/panmilter
	@mkdir -p $(B)/logs
	python3 tests/hostile.py $(B)/panmilter 2>&1 | \
	    tee $(B)/logs/hostile.log; exit $${PIPESTATUS[0]}

leakscan: build/default/panmilter
	tests/leakscan.sh build build/default/panmilter

deps:
	contrib/install-deps

check: deps
	$(MAKE) all
	$(MAKE) unit golden scripts diff-mime hostile
	$(MAKE) asan
	$(MAKE) e2e
	$(MAKE) fuzz-smoke
	$(MAKE) installtest
	$(MAKE) deb
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

# every parser to FUZZ_RUNS executions (FUZZ_LONG_TIME seconds at most
# each); conf and pol_load without leak detection: libconfig leaks the
# string it was scanning on a syntax error (suppressed), and LeakSanitizer
# then scans the heap after every such input (14x slower). See fuzz/README.
FUZZ_RUNS ?= 10000000
FUZZ_LONG_TIME ?= 10800
FUZZ_PARSERS := mime_walk dec_b64 dec_qp dec_uu dec_iconv dec_markup \
	dec_archive dec_pdf pan_detect kr_state
FUZZ_NOLEAK := conf pol_load
fuzz-long: fuzz-build
	rc=0; FUZZ_RUNS=$(FUZZ_RUNS) fuzz/run.sh $(FUZZ_LONG_TIME) \
	    $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_PARSERS)) || rc=1; \
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_FLAGS=-detect_leaks=0 fuzz/run.sh \
	    $(FUZZ_LONG_TIME) $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_NOLEAK)) \
	    || rc=1; exit $$rc

# --- soak: long load with kill -9 restarts, long fuzzing (not in check) ---
SOAK_N ?= 10000
SOAK_KILLS ?= 20
soak: all $(B)/e2e/null_milter
	PANMILTER=$(abspath $(B)/panmilter) tests/soak/soak.sh $(SOAK_N) $(SOAK_KILLS)
	$(MAKE) fuzz-long

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

# --- install (operators: see contrib/ and docs/PCI-DSS.md) ---
# Binaries, man pages, the systemd unit, examples and docs. An admin's
# $(SYSCONFDIR)/panmilter/panmilter.conf and policy.conf are never
# written: the examples go beside them as *.example.
DOCDIR	?= $(PREFIX)/share/doc/panmilter
EXDIR	?= $(DOCDIR)/examples
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INST_PROGS := panmilter panpolicy pankey
INST_EX_TOP := contrib/panmilter.conf
INST_EX_DIRS := policies systemd postfix sendmail
INST_DOCS := README.md $(wildcard docs/*.md)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/panmilter \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DOCDIR) \
	    $(addprefix $(DESTDIR)$(EXDIR)/,$(INST_EX_DIRS))
	install -m 0755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 contrib/systemd/panmilter.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/
	sed -i 's|/usr/sbin/panmilter|$(SBINDIR)/panmilter|g; s|/etc/panmilter|$(SYSCONFDIR)/panmilter|g' \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/panmilter.service
	install -m 0644 $(INST_DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(INST_EX_TOP) $(DESTDIR)$(EXDIR)/
	for d in $(INST_EX_DIRS); do \
		install -m 0644 contrib/$$d/* $(DESTDIR)$(EXDIR)/$$d/ || exit 1; \
	done
	install -m 0644 contrib/panmilter.conf \
	    $(DESTDIR)$(SYSCONFDIR)/panmilter/panmilter.conf.example
	install -m 0644 contrib/policies/block-everything.conf \
	    $(DESTDIR)$(SYSCONFDIR)/panmilter/policy.conf.example
	@for f in panmilter.conf policy.conf; do \
		[ -e $(DESTDIR)$(SYSCONFDIR)/panmilter/$$f ] || echo "install:" \
		    "$(SYSCONFDIR)/panmilter/$$f does not exist: copy it from" \
		    "$$f.example, edit it, check with panmilter -n"; \
	done

# uninstall removes what install wrote, never an admin's panmilter.conf,
# policy.conf or token key; directories only when they are left empty
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(INST_PROGS))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/panmilter.service
	rm -f $(DESTDIR)$(SYSCONFDIR)/panmilter/panmilter.conf.example \
	    $(DESTDIR)$(SYSCONFDIR)/panmilter/policy.conf.example
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(INST_DOCS))) \
	    $(DESTDIR)$(EXDIR)/panmilter.conf
	for d in $(INST_EX_DIRS); do \
		for f in contrib/$$d/*; do \
			rm -f $(DESTDIR)$(EXDIR)/$$d/$${f##*/}; \
		done; \
		rmdir $(DESTDIR)$(EXDIR)/$$d 2>/dev/null || true; \
	done
	-rmdir $(DESTDIR)$(EXDIR) $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/panmilter 2>/dev/null

# --- Debian package (debian/): built from a copy of the tree in
# build/deb/src, so the repository is not touched; the .deb ends in
# build/deb/ and is checked with dpkg -c and dpkg -x ---
DEB_DIR	:= build/deb

# installtest: make install/uninstall into a scratch root, examples, unit
installtest: all
	@mkdir -p $(B)/logs
	tests/install.sh 2>&1 | tee $(B)/logs/install.log; exit $${PIPESTATUS[0]}

deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	tar -cf - --exclude=./build --exclude=./.git --exclude=./fuzz/crashes . \
	    | tar -xf - -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b
	tests/install.sh --deb $(DEB_DIR)/panmilter_$(VERSION)_*.deb

clean:
	rm -rf build

distclean: clean
	rm -rf fuzz/crashes

-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d)
