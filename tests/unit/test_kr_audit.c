/*
 * test_kr_audit - the hash-chained audit log: appends through the real
 * file (kr_audit_append, rollback), a chain that verifies, and one named
 * test per kind of tampering, each checking that verify names the entry
 * and line: edit, deletion in the middle and at the end, reordering,
 * an edited entry whose hash was recomputed, forged extra entries, a
 * replaced log, garbage and a cut last line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kr_audit.h"
#include "kr_store.h"

#define NENT	5
#define LINEMAX	KR_AUDIT_LINE_MAX

struct chain {
	char line[NENT + 1][LINEMAX];
	int64_t seq;			/* the state's head */
	char head[KR_HASH_HEX];
};

/* entry - format entry seq with detail, chained to prev; its hash */
static void
entry(int64_t seq, const char *detail, const char *prev, char *line,
    char *hash)
{
	struct kr_audit_entry e;

	memset(&e, 0, sizeof(e));
	e.seq = seq;
	snprintf(e.time, sizeof(e.time), "2026-11-23T01:00:0%lldZ",
	    (long long)seq);
	strcpy(e.os_user, "root");
	strcpy(e.by, "carol");
	strcpy(e.action, "enroll");
	snprintf(e.detail, sizeof(e.detail), "%s", detail);
	if (prev != NULL)
		memcpy(e.prev, prev, KR_HASH_HEX);
	assert_int_equal(kr_audit_format(&e, line, LINEMAX), PM_OK);
	memcpy(hash, e.hash, KR_HASH_HEX);
}

/* build - a valid chain of NENT entries */
static void
build(struct chain *c, const char *tag)
{
	char hash[KR_HASH_HEX] = "", detail[64];
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NENT; i++) {
		snprintf(detail, sizeof(detail), "address=u%d@%s", i + 1, tag);
		entry(i + 1, detail, i ? hash : NULL, c->line[i], hash);
	}
	c->seq = NENT;
	memcpy(c->head, hash, KR_HASH_HEX);
}

/* join - the lines as one log text (caller frees) */
static char *
join(const struct chain *c, size_t *len)
{
	char *t = calloc(NENT + 1, LINEMAX);
	int i;

	assert_non_null(t);
	for (i = 0; i < NENT + 1; i++)
		strcat(t, c->line[i]);
	*len = strlen(t);
	return t;
}

/* test_intact - a fresh chain verifies; so does an empty log */
static void
test_intact(void **state)
{
	struct chain c;
	struct kr_audit_entry e;
	char why[512] = "", *t = NULL;
	size_t len;

	(void)state;
	build(&c, "x.example");
	t = join(&c, &len);
	assert_int_equal(kr_audit_verify(t, len, c.seq, c.head, why,
	    sizeof(why)), 0);
	assert_int_equal(kr_audit_verify("", 0, 0, "", why, sizeof(why)), 0);
	/* each line parses back */
	assert_int_equal(kr_audit_parse(c.line[2], strlen(c.line[2]) - 1, &e),
	    0);
	assert_int_equal(e.seq, 3);
	assert_string_equal(e.detail, "address=u3@x.example");
	assert_string_equal(e.by, "carol");
	assert_int_equal(strncmp(c.line[0], "1\t", 2), 0);
	assert_non_null(strstr(c.line[0], "\t" "0000000000000000000000000000"));
	free(t);
}

enum op { OP_EDIT, OP_DELETE, OP_SWAP, OP_DROP_LAST, OP_REHASH, OP_EXTRA,
	OP_REPLACE, OP_GARBAGE, OP_CUT };

struct tamper {
	const char *name;
	enum op op;
	int at;			/* 0-based line */
	const char *want;
};

static const struct tamper tampers[] = {
	{ "edited entry", OP_EDIT, 2, "entry 3 (line 3): its hash does not "
	    "match its content: the entry was edited" },
	{ "edited first entry", OP_EDIT, 0, "entry 1 (line 1): its hash does "
	    "not match" },
	{ "deleted entry", OP_DELETE, 2, "entry 3 is missing: it was deleted "
	    "(line 3 holds entry 4)" },
	{ "deleted first entry", OP_DELETE, 0, "entry 1 is missing" },
	{ "reordered entries", OP_SWAP, 1, "line 2 holds entry 3 and entry 2 "
	    "is on line 3: entries were reordered" },
	{ "deleted last entry", OP_DROP_LAST, 0, "the log ends at entry 4 but "
	    "the state records 5 entries: entries 5 to 5 were deleted" },
	{ "edited and rehashed", OP_REHASH, 2, "entry 4 (line 4): its link "
	    "does not match the hash of entry 3" },
	{ "forged extra entry", OP_EXTRA, 0, "entry 6 (line 6) and later are "
	    "not recorded in the state" },
	{ "replaced log", OP_REPLACE, 0, "entry 5 (line 5): its hash differs "
	    "from the one the state records" },
	{ "garbage line", OP_GARBAGE, 3, "line 4: not an audit entry" },
	{ "cut last line", OP_CUT, 0, "the last line is incomplete" },
};

/* tamper - apply one change to a valid chain */
static void
tamper(struct chain *c, const struct tamper *t)
{
	char tmp[LINEMAX], hash[KR_HASH_HEX], prev[KR_HASH_HEX];
	struct chain other;
	struct kr_audit_entry e;
	char *p = NULL;
	int i;

	switch (t->op) {
	case OP_EDIT:
		p = strstr(c->line[t->at], "address=u");
		assert_non_null(p);
		p[8] = 'v';
		break;
	case OP_DELETE:
		for (i = t->at; i < NENT; i++)
			memcpy(c->line[i], c->line[i + 1], LINEMAX);
		break;
	case OP_SWAP:
		memcpy(tmp, c->line[t->at], LINEMAX);
		memcpy(c->line[t->at], c->line[t->at + 1], LINEMAX);
		memcpy(c->line[t->at + 1], tmp, LINEMAX);
		break;
	case OP_DROP_LAST:
		c->line[NENT - 1][0] = '\0';
		break;
	case OP_REHASH:
		assert_int_equal(kr_audit_parse(c->line[t->at],
		    strlen(c->line[t->at]) - 1, &e), 0);
		memcpy(prev, e.prev, KR_HASH_HEX);
		entry(e.seq, "address=forged@x.example", prev, c->line[t->at],
		    hash);
		break;
	case OP_EXTRA:
		entry(NENT + 1, "forged", c->head, c->line[NENT], hash);
		break;
	case OP_REPLACE:
		build(&other, "y.example");
		memcpy(c->line, other.line, sizeof(c->line));
		break;
	case OP_GARBAGE:
		snprintf(c->line[t->at], LINEMAX, "hello\n");
		break;
	case OP_CUT:
		c->line[NENT - 1][strlen(c->line[NENT - 1]) - 1] = '\0';
		break;
	}
}

/* test_tamper - one tampering, found and located */
static void
test_tamper(void **state)
{
	const struct tamper *t = *state;
	struct chain c;
	char why[512] = "", *text = NULL;
	size_t len;

	build(&c, "x.example");
	tamper(&c, t);
	text = join(&c, &len);
	assert_int_equal(kr_audit_verify(text, len, c.seq, c.head, why,
	    sizeof(why)), -1);
	if (strstr(why, t->want) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", why, t->want);
	free(text);
}

/* test_append_file - appends on disk, state head follows, rollback */
static void
test_append_file(void **state)
{
	char dir[] = "/tmp/test_kr_audit.XXXXXX", path[600], err[512] = "";
	char why[512] = "", *buf = NULL, head2[KR_HASH_HEX];
	struct kr_state st;
	struct stat sb;
	off_t old = -1, old2 = -1;
	size_t len = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	kr_state_init(&st);
	assert_int_equal(kr_store_create(dir, &st, err, sizeof(err)), PM_OK);
	assert_int_equal(kr_audit_append(dir, &st, "root", "-", "init",
	    "dual_control=0", 1800000000, &old, err, sizeof(err)), PM_OK);
	assert_int_equal(old, 0);
	assert_int_equal(st.audit_seq, 1);
	assert_int_equal(strlen(st.audit_head), 64);
	assert_int_equal(kr_audit_append(dir, &st, "root", "carol",
	    "custodian-add", "name=carol\ttab", 1800000001, &old, err,
	    sizeof(err)), PM_OK);
	assert_true(old > 0);
	memcpy(head2, st.audit_head, KR_HASH_HEX);
	snprintf(path, sizeof(path), "%s/%s", dir, KR_STORE_AUDIT);
	assert_int_equal(kr_store_read(path, 1 << 20, &buf, &len, err,
	    sizeof(err)), PM_OK);
	assert_int_equal(kr_audit_verify(buf, len, st.audit_seq,
	    st.audit_head, why, sizeof(why)), 0);
	assert_non_null(strstr(buf, "name=carol%09tab"));
	free(buf);
	/* an append whose state is not saved is rolled back */
	assert_int_equal(kr_audit_append(dir, &st, "root", "carol", "x", "y",
	    1800000002, &old2, err, sizeof(err)), PM_OK);
	kr_audit_rollback(dir, old2);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, old2);
	assert_int_equal(kr_store_read(path, 1 << 20, &buf, &len, err,
	    sizeof(err)), PM_OK);
	assert_int_equal(kr_audit_verify(buf, len, 2, head2, why,
	    sizeof(why)), 0);
	/* ... and without the rollback verify would have said so */
	assert_int_equal(kr_audit_verify(buf, len, 3, st.audit_head, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "entries 3 to 3 were deleted"));
	free(buf);
	kr_state_fini(&st);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* test_parse_bad - malformed lines are rejected */
static void
test_parse_bad(void **state)
{
	struct kr_audit_entry e;
	const char *l1 = "1\tt\tu\tb\ta\td\tp\th";
	const char *l0 = "0\tt\tu\tb\ta\td\t"
	    "0000000000000000000000000000000000000000000000000000000000000000\t"
	    "0000000000000000000000000000000000000000000000000000000000000000";

	(void)state;
	assert_int_equal(kr_audit_parse(l1, strlen(l1), &e), -1);
	assert_int_equal(kr_audit_parse(l0, strlen(l0), &e), -1);
	assert_int_equal(kr_audit_parse("", 0, &e), -1);
	assert_int_equal(kr_audit_parse(l0 + 2, strlen(l0 + 2), &e), -1);
}

int
main(void)
{
	struct CMUnitTest tests[3 + sizeof(tampers) / sizeof(tampers[0])];
	size_t i, n = 0;

	memset(tests, 0, sizeof(tests));
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_intact);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_append_file);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_parse_bad);
	for (i = 0; i < sizeof(tampers) / sizeof(tampers[0]); i++) {
		tests[n].name = tampers[i].name;
		tests[n].test_func = test_tamper;
		tests[n].initial_state = (void *)&tampers[i];
		n++;
	}
	return cmocka_run_group_tests_name("kr_audit", tests, NULL, NULL);
}
