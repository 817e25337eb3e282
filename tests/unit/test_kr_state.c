/*
 * test_kr_state - the state file: serialize/parse round trip, escaping,
 * determinism, and every parse error (one named test per bad input,
 * each checking the line number and the words of the message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_state.h"

#define FPR_A	"BDC55199698530561EF418D0B4AF4BE8AE65BA7E"
#define FPR_B	"0123456789ABCDEF0123456789ABCDEF01234567"
#define HASH	"F58C8564C15B6273ABC3BB2194657FA055041137B071C48B14283C680349B259"

#define HDR	"pankey-state 1\n"
#define KR	"keyring\tdual_control=1\tallow_same_os_user=0\t" \
		"min_rsa_bits=3072\tmin_ecc_bits=256\tcryptoperiod_days=730\t" \
		"created=100\tgeneration=3\taudit_seq=3\n"
#define ENR(extra) "enrollment\taddress=a@b.example\tfingerprint=" FPR_A \
		"\tstate=active\talgo=cv25519\tbits=255\tprimary_algo=ed25519" \
		"\tprimary_bits=255\tkey_created=1\texpires=0\tenrolled_by=x" \
		"\tenrolled_os_user=root\tenrolled_at=5" extra "\n"

/* sample - a state with every kind of record and awkward strings */
static void
sample(struct kr_state *st)
{
	struct kr_custodian c;
	struct kr_enroll e;

	kr_state_init(st);
	st->dual_control = 1;
	st->allow_same_os_user = 1;
	st->min_rsa_bits = 4096;
	st->created = 1795398614;
	st->generation = 42;
	st->audit_seq = 41;
	memcpy(st->audit_head, HASH, sizeof(st->audit_head));
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "carol");
	strcpy(c.os_user, "root");
	c.acknowledged = 1795398000;
	assert_int_equal(kr_state_add_custodian(st, &c), PM_OK);
	strcpy(c.name, "dave");
	c.uid = 1001;
	assert_int_equal(kr_state_add_custodian(st, &c), PM_OK);
	memset(&e, 0, sizeof(e));
	strcpy(e.address, "alice@partner.example");
	strcpy(e.fpr, FPR_A);
	e.state = KR_REVOKED;
	strcpy(e.algo, "cv25519");
	e.bits = 255;
	strcpy(e.primary_algo, "ed25519");
	e.primary_bits = 255;
	e.key_created = 1;
	e.expires = 1895398614;
	strcpy(e.enrolled_by, "carol");
	strcpy(e.enrolled_os_user, "root");
	e.enrolled_at = 2;
	strcpy(e.approved_by, "dave");
	strcpy(e.approved_os_user, "dave");
	e.approved_at = 3;
	strcpy(e.uid_mismatch_reason, "tab\there, 100% sure=yes\nnewline");
	strcpy(e.revoked_by, "dave");
	strcpy(e.revoked_os_user, "dave");
	e.revoked_at = 4;
	e.reason = KR_REASON_COMPROMISE;
	assert_int_equal(kr_state_add_enroll(st, &e), PM_OK);
	strcpy(e.fpr, FPR_B);
	e.state = KR_PENDING;
	e.reason = KR_REASON_NONE;
	e.revoked_by[0] = e.revoked_os_user[0] = '\0';
	e.revoked_at = 0;
	e.approved_by[0] = e.approved_os_user[0] = '\0';
	e.approved_at = 0;
	e.uid_mismatch_reason[0] = '\0';
	assert_int_equal(kr_state_add_enroll(st, &e), PM_OK);
}

/* same_enroll - every field of two enrollments is equal */
static void
same_enroll(const struct kr_enroll *a, const struct kr_enroll *b)
{
	assert_string_equal(a->address, b->address);
	assert_string_equal(a->fpr, b->fpr);
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->algo, b->algo);
	assert_int_equal(a->bits, b->bits);
	assert_string_equal(a->primary_algo, b->primary_algo);
	assert_int_equal(a->primary_bits, b->primary_bits);
	assert_int_equal(a->key_created, b->key_created);
	assert_int_equal(a->expires, b->expires);
	assert_string_equal(a->enrolled_by, b->enrolled_by);
	assert_string_equal(a->enrolled_os_user, b->enrolled_os_user);
	assert_int_equal(a->enrolled_at, b->enrolled_at);
	assert_string_equal(a->approved_by, b->approved_by);
	assert_string_equal(a->approved_os_user, b->approved_os_user);
	assert_int_equal(a->approved_at, b->approved_at);
	assert_string_equal(a->uid_mismatch_reason, b->uid_mismatch_reason);
	assert_string_equal(a->revoked_by, b->revoked_by);
	assert_string_equal(a->revoked_os_user, b->revoked_os_user);
	assert_int_equal(a->revoked_at, b->revoked_at);
	assert_int_equal(a->reason, b->reason);
}

/* test_round_trip - serialize, parse, compare field by field, again */
static void
test_round_trip(void **state)
{
	struct kr_state a, b;
	char *t1 = NULL, *t2 = NULL, err[256];
	size_t l1 = 0, l2 = 0, i;

	(void)state;
	sample(&a);
	kr_state_init(&b);
	assert_int_equal(kr_state_serialize(&a, &t1, &l1), PM_OK);
	assert_int_equal(kr_state_parse(t1, l1, &b, err, sizeof(err)), PM_OK);
	assert_int_equal(b.dual_control, 1);
	assert_int_equal(b.allow_same_os_user, 1);
	assert_int_equal(b.min_rsa_bits, 4096);
	assert_int_equal(b.min_ecc_bits, KR_DEFAULT_MIN_ECC_BITS);
	assert_int_equal(b.generation, 42);
	assert_string_equal(b.audit_head, HASH);
	assert_int_equal(b.ncust, 2);
	assert_int_equal(b.cust[1].uid, 1001);
	assert_int_equal(b.nenr, 2);
	for (i = 0; i < 2; i++)
		same_enroll(&a.enr[i], &b.enr[i]);
	assert_string_equal(b.enr[0].uid_mismatch_reason,
	    "tab\there, 100% sure=yes\nnewline");
	assert_string_equal(b.cust[1].name, "dave");
	assert_int_equal(b.cust[0].acknowledged, 1795398000);
	assert_int_equal(kr_state_serialize(&b, &t2, &l2), PM_OK);
	assert_int_equal(l1, l2);
	assert_memory_equal(t1, t2, l1);
	/* escaped on disk: no raw TAB inside a value, one line per record */
	assert_non_null(strstr(t1, "tab%09here, 100%25 sure=yes%0Anewline"));
	free(t1);
	free(t2);
	kr_state_fini(&a);
	kr_state_fini(&b);
}

/* test_many_records - growth past the first allocations */
static void
test_many_records(void **state)
{
	struct kr_state a, b;
	struct kr_enroll e;
	char *t = NULL, err[256];
	size_t len = 0, i;

	(void)state;
	sample(&a);
	e = a.enr[1];
	for (i = 0; i < 300; i++) {
		snprintf(e.address, sizeof(e.address), "u%zu@x.example", i);
		assert_int_equal(kr_state_add_enroll(&a, &e), PM_OK);
	}
	kr_state_init(&b);
	assert_int_equal(kr_state_serialize(&a, &t, &len), PM_OK);
	assert_int_equal(kr_state_parse(t, len, &b, err, sizeof(err)), PM_OK);
	assert_int_equal(b.nenr, 302);
	assert_string_equal(b.enr[301].address, "u299@x.example");
	free(t);
	kr_state_fini(&a);
	kr_state_fini(&b);
}

/* test_minimal - header and keyring record only */
static void
test_minimal(void **state)
{
	struct kr_state st;
	char err[256];
	const char *t = HDR KR;

	(void)state;
	kr_state_init(&st);
	assert_int_equal(kr_state_parse(t, strlen(t), &st, err, sizeof(err)),
	    PM_OK);
	assert_int_equal(st.audit_seq, 3);
	assert_string_equal(st.audit_head, "");
	assert_int_equal(st.nenr, 0);
	kr_state_fini(&st);
}

/* test_names - enum names and fingerprint validation */
static void
test_names(void **state)
{
	enum kr_reason r = KR_REASON_NONE;

	(void)state;
	assert_string_equal(kr_estate_str(KR_PENDING), "pending");
	assert_string_equal(kr_estate_str(KR_REVOKED), "revoked");
	assert_string_equal(kr_reason_str(KR_REASON_LEFT), "left");
	assert_int_equal(kr_reason_parse("superseded", &r), 0);
	assert_int_equal(r, KR_REASON_SUPERSEDED);
	assert_int_equal(kr_reason_parse("none", &r), -1);
	assert_int_equal(kr_reason_parse("Key-Compromise", &r), -1);
	assert_int_equal(kr_fpr_valid(FPR_A), 1);
	assert_int_equal(kr_fpr_valid(HASH), 1);
	assert_int_equal(kr_fpr_valid("bdc55199698530561ef418d0b4af4be8ae65ba7e"),
	    0);
	assert_int_equal(kr_fpr_valid("B4AF4BE8AE65BA7E"), 0);
}

struct bad {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *want;	/* substring of the error, "line N: ..." */
};

static const struct bad bads[] = {
	{ "empty file", "", 0, "line 1: empty file" },
	{ "no final newline", HDR "keyring", 0, "line 1: the last line has "
	    "no newline" },
	{ "NUL byte", HDR "x\0y\n", sizeof(HDR "x\0y\n") - 1, "NUL byte" },
	{ "wrong magic", "pankey-state 2\n" KR, 0, "line 1: not a pankey "
	    "state file" },
	{ "magic with CR", "pankey-state 1\r\n" KR, 0, "line 1: not a "
	    "pankey state file" },
	{ "no keyring record", HDR, 0, "line 2: no keyring record" },
	{ "empty line", HDR KR "\n", 0, "line 3: empty line" },
	{ "unknown record", HDR KR "color\tx=1\n", 0, "line 3: unknown "
	    "record type" },
	{ "keyring not first", HDR "custodian\tname=a\tos_user=r\tuid=0\t"
	    "acknowledged=1\n" KR, 0, "line 2: the keyring record must come "
	    "first" },
	{ "second keyring", HDR KR KR, 0, "line 3: a second keyring record" },
	{ "unknown key", HDR KR "custodian\tname=a\tos_user=r\tuid=0\t"
	    "acknowledged=1\tcolor=red\n", 0, "line 3: custodian: unknown "
	    "key 'color'" },
	{ "duplicate key", HDR KR "custodian\tname=a\tname=b\tos_user=r\t"
	    "uid=0\tacknowledged=1\n", 0, "line 3: custodian: duplicate key "
	    "'name'" },
	{ "missing key", HDR KR "custodian\tname=a\tuid=0\tacknowledged=1\n",
	    0, "line 3: custodian: missing key 'os_user'" },
	{ "field without =", HDR KR "custodian\tname\n", 0, "line 3: "
	    "custodian: field is not key=value" },
	{ "empty field", HDR KR "custodian\tname=a\t\tos_user=r\n", 0,
	    "line 3: custodian: field is not key=value" },
	{ "trailing tab", HDR KR "custodian\tname=a\tos_user=r\tuid=0\t"
	    "acknowledged=1\t\n", 0, "line 3: custodian: trailing tab" },
	{ "long unknown key", HDR KR "custodian\t"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1\n", 0,
	    "unknown key" },
	{ "bad number", HDR KR "custodian\tname=a\tos_user=r\tuid=x\t"
	    "acknowledged=1\n", 0, "line 3: custodian: uid: not a number" },
	{ "negative number", HDR KR "custodian\tname=a\tos_user=r\tuid=-1\t"
	    "acknowledged=1\n", 0, "uid: not a number" },
	{ "leading zero", HDR KR "custodian\tname=a\tos_user=r\tuid=01\t"
	    "acknowledged=1\n", 0, "uid: number with a leading zero" },
	{ "empty number", HDR KR "custodian\tname=a\tos_user=r\tuid=\t"
	    "acknowledged=1\n", 0, "uid: empty number" },
	{ "int64 overflow", HDR KR "custodian\tname=a\tos_user=r\t"
	    "uid=9223372036854775808\tacknowledged=1\n", 0,
	    "uid: number too large" },
	{ "u32 overflow", HDR "keyring\tdual_control=1\tallow_same_os_user=0"
	    "\tmin_rsa_bits=4294967296\tmin_ecc_bits=256\tcryptoperiod_days=7"
	    "\tcreated=1\tgeneration=1\taudit_seq=1\n", 0, "line 2: keyring: "
	    "min_rsa_bits: number too large" },
	{ "bad bool", HDR "keyring\tdual_control=yes\n", 0, "line 2: keyring: "
	    "dual_control: not 0 or 1" },
	{ "bad hash", HDR "keyring\taudit_head=abc\n", 0, "audit_head: not a "
	    "SHA-256 hash" },
	{ "lower-case fingerprint", HDR KR "enrollment\tfingerprint="
	    "bdc55199698530561ef418d0b4af4be8ae65ba7e\n", 0, "line 3: "
	    "enrollment: fingerprint: not a fingerprint" },
	{ "short fingerprint", HDR KR "enrollment\tfingerprint=B4AF4BE8\n", 0,
	    "fingerprint: not a fingerprint" },
	{ "bad state", HDR KR "enrollment\tstate=gone\n", 0, "state: not "
	    "pending, active or revoked" },
	{ "reason none", HDR KR "enrollment\treason=none\n", 0, "reason: not "
	    "key-compromise" },
	{ "string too long", HDR KR "custodian\tname="
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\n", 0, "name: value too long" },
	{ "escaped too long", HDR KR "custodian\tname="
	    "%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41"
	    "%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41"
	    "%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41"
	    "%41\n", 0, "name: value too long" },
	{ "truncated escape", HDR KR "custodian\tname=a%4\n", 0,
	    "name: truncated %-escape" },
	{ "lower-case escape", HDR KR "custodian\tname=a%0a\n", 0,
	    "name: bad %-escape" },
	{ "escaped NUL", HDR KR "custodian\tname=a%00b\n", 0,
	    "name: %00 in value" },
	{ "raw control", HDR KR "custodian\tname=a\rb\n", 0,
	    "name: control character in value" },
	{ "duplicate custodian", HDR KR "custodian\tname=a\tos_user=r\tuid=0\t"
	    "acknowledged=1\ncustodian\tname=a\tos_user=s\tuid=1\t"
	    "acknowledged=2\n", 0, "line 4: custodian: duplicate custodian "
	    "name" },
	{ "address without @", HDR KR "enrollment\taddress=ab.example\t"
	    "fingerprint=" FPR_A "\tstate=active\talgo=rsa\tbits=4096\t"
	    "primary_algo=rsa\tprimary_bits=4096\tkey_created=1\texpires=0\t"
	    "enrolled_by=x\tenrolled_os_user=r\tenrolled_at=1\n", 0,
	    "line 3: enrollment: address has no '@'" },
	{ "revoked without reason", HDR KR
	    "enrollment\taddress=a@b.example\tfingerprint=" FPR_A
	    "\tstate=revoked\talgo=rsa\tbits=4096\tprimary_algo=rsa\t"
	    "primary_bits=4096\tkey_created=1\texpires=0\tenrolled_by=x\t"
	    "enrolled_os_user=r\tenrolled_at=1\n", 0,
	    "line 3: enrollment: revoked without a reason" },
	{ "reason on active", HDR KR ENR("\treason=left"), 0,
	    "line 3: enrollment: a reason on an enrollment that is not "
	    "revoked" },
	{ "error on a later line", HDR KR ENR("") ENR("") ENR("\tbits=2"), 0,
	    "line 5: enrollment: duplicate key 'bits'" },
};

/* test_bad - one bad state file: error, line number, state left empty */
static void
test_bad(void **state)
{
	const struct bad *b = *state;
	struct kr_state st;
	char err[256] = "";
	size_t len = b->len ? b->len : strlen(b->text);

	kr_state_init(&st);
	st.generation = 99;
	assert_int_equal(kr_state_parse(b->text, len, &st, err, sizeof(err)),
	    PM_ECONFIG);
	if (strstr(err, b->want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, b->want);
	assert_int_equal(st.generation, 0);
	assert_int_equal(st.nenr, 0);
	assert_int_equal(st.ncust, 0);
	kr_state_fini(&st);
}

/* test_good_enroll - the ENR() line used by the bad rows is itself valid */
static void
test_good_enroll(void **state)
{
	struct kr_state st;
	char err[256];
	const char *t = HDR KR ENR("");

	(void)state;
	kr_state_init(&st);
	assert_int_equal(kr_state_parse(t, strlen(t), &st, err, sizeof(err)),
	    PM_OK);
	assert_int_equal(st.nenr, 1);
	assert_int_equal(st.enr[0].state, KR_ACTIVE);
	kr_state_fini(&st);
}

int
main(void)
{
	struct CMUnitTest tests[5 + sizeof(bads) / sizeof(bads[0])];
	size_t i, n = 0;

	memset(tests, 0, sizeof(tests));
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_round_trip);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_many_records);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_minimal);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_good_enroll);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		tests[n].name = bads[i].name;
		tests[n].test_func = test_bad;
		tests[n].initial_state = (void *)&bads[i];
		n++;
	}
	return cmocka_run_group_tests_name("kr_state", tests, NULL, NULL);
}
