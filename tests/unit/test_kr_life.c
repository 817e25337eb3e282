/*
 * test_kr_life - the lifecycle rules as pure functions: custodian
 * registration, enrollment (pending/active), approval by a different
 * custodian and OS user, revocation by address/fingerprint/domain,
 * fingerprints refused for ever, the strength floor (table-driven) and
 * the periodic check. Every refusal is also checked to leave the state
 * byte-identical (same serialization before and after).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_life.h"

#define FPR_A	"BDC55199698530561EF418D0B4AF4BE8AE65BA7E"
#define FPR_B	"0123456789ABCDEF0123456789ABCDEF01234567"
#define FPR_C	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define NOW	1800000000
#define DAY	86400

static const struct kr_actor carol = { "carol", "carol", NOW };
static const struct kr_actor dave = { "dave", "dave", NOW };
static const struct kr_actor dave_as_carol = { "dave", "carol", NOW };
static const struct kr_actor mallory = { "mallory", "mallory", NOW };

/* setup - a keyring with two custodians; dual control per argument */
static void
setup(struct kr_state *st, int dual, int same_os)
{
	char why[256];

	kr_state_init(st);
	st->dual_control = dual;
	st->allow_same_os_user = same_os;
	assert_int_equal(kr_life_custodian_add(st, "carol", "carol", 1000,
	    NOW, why, sizeof(why)), PM_OK);
	assert_int_equal(kr_life_custodian_add(st, "dave", "dave", 1001, NOW,
	    why, sizeof(why)), PM_OK);
}

/* key - an enrollment request with a strong Curve25519 key */
static struct kr_enroll
key(const char *addr, const char *fpr)
{
	struct kr_enroll e;

	memset(&e, 0, sizeof(e));
	snprintf(e.address, sizeof(e.address), "%s", addr);
	snprintf(e.fpr, sizeof(e.fpr), "%s", fpr);
	strcpy(e.algo, "cv25519");
	e.bits = 255;
	strcpy(e.primary_algo, "ed25519");
	e.primary_bits = 255;
	e.key_created = NOW - DAY;
	e.expires = NOW + 365 * DAY;
	return e;
}

/* snap - the serialized state (caller frees) */
static char *
snap(const struct kr_state *st)
{
	char *t = NULL;
	size_t n = 0;

	assert_int_equal(kr_state_serialize(st, &t, &n), PM_OK);
	return t;
}

/* refused - rc is a refusal, why mentions want, state unchanged */
static void
refused(const struct kr_state *st, const char *before, pm_status rc,
    const char *why, const char *want)
{
	char *after = snap(st);

	assert_int_equal(rc, PM_ECONFIG);
	if (strstr(why, want) == NULL)
		fail_msg("refusal \"%s\" lacks \"%s\"", why, want);
	assert_string_equal(before, after);
	free(after);
}

/* enroll_ok - enroll and return the index */
static size_t
enroll_ok(struct kr_state *st, const char *addr, const char *fpr,
    const struct kr_actor *who)
{
	struct kr_enroll e = key(addr, fpr);
	char why[512];
	size_t idx = 99;

	assert_int_equal(kr_life_enroll(st, &e, who, &idx, why, sizeof(why)),
	    PM_OK);
	return idx;
}

/* test_custodian - registration, duplicates, bad names */
static void
test_custodian(void **state)
{
	struct kr_state st;
	char why[256], *b = NULL;

	(void)state;
	setup(&st, 0, 0);
	assert_int_equal(st.ncust, 2);
	assert_string_equal(st.cust[1].os_user, "dave");
	assert_int_equal(st.cust[1].uid, 1001);
	assert_int_equal(st.cust[1].acknowledged, NOW);
	b = snap(&st);
	refused(&st, b, kr_life_custodian_add(&st, "carol", "x", 1, NOW, why,
	    sizeof(why)), why, "already a registered custodian");
	refused(&st, b, kr_life_custodian_add(&st, "bad name", "x", 1, NOW,
	    why, sizeof(why)), why, "bad custodian name");
	refused(&st, b, kr_life_custodian_add(&st, "", "x", 1, NOW, why,
	    sizeof(why)), why, "bad custodian name");
	assert_int_equal(kr_life_name_ok("a.b-c_d@e"), 1);
	assert_int_equal(kr_life_name_ok("tab\there"), 0);
	free(b);
	kr_state_fini(&st);
}

/* test_enroll_single - without dual control a key is active at once */
static void
test_enroll_single(void **state)
{
	struct kr_state st;
	size_t i;

	(void)state;
	setup(&st, 0, 0);
	i = enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	assert_int_equal(i, 0);
	assert_int_equal(st.enr[0].state, KR_ACTIVE);
	assert_string_equal(st.enr[0].enrolled_by, "carol");
	assert_string_equal(st.enr[0].enrolled_os_user, "carol");
	assert_int_equal(st.enr[0].enrolled_at, NOW);
	assert_string_equal(st.enr[0].approved_by, "");
	kr_state_fini(&st);
}

/* test_enroll_refusals - non-custodian, duplicate, expired, bad input */
static void
test_enroll_refusals(void **state)
{
	struct kr_state st;
	struct kr_enroll e;
	char why[512], *b = NULL;
	size_t idx;

	(void)state;
	setup(&st, 1, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	b = snap(&st);
	e = key("bob@partner.example", FPR_B);
	refused(&st, b, kr_life_enroll(&st, &e, &mallory, &idx, why,
	    sizeof(why)), why, "'mallory' is not a registered custodian");
	e = key("alice@partner.example", FPR_A);
	refused(&st, b, kr_life_enroll(&st, &e, &dave, &idx, why,
	    sizeof(why)), why, "already enrolled for this address (pending)");
	e = key("bob@partner.example", FPR_B);
	e.expires = NOW;
	refused(&st, b, kr_life_enroll(&st, &e, &carol, &idx, why,
	    sizeof(why)), why, "the key has expired");
	e = key("bob.partner.example", FPR_B);
	refused(&st, b, kr_life_enroll(&st, &e, &carol, &idx, why,
	    sizeof(why)), why, "not a mail address");
	e = key("bob@partner.example", "B4AF4BE8AE65BA7E");
	refused(&st, b, kr_life_enroll(&st, &e, &carol, &idx, why,
	    sizeof(why)), why, "not a full fingerprint");
	/* one key for two addresses is fine */
	enroll_ok(&st, "accounts@partner.example", FPR_A, &carol);
	assert_int_equal(st.nenr, 2);
	free(b);
	kr_state_fini(&st);
}

/* test_dual_control - pending, then approval by another custodian */
static void
test_dual_control(void **state)
{
	struct kr_state st;
	char why[512], *b = NULL;
	size_t idx = 9;

	(void)state;
	setup(&st, 1, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	assert_int_equal(st.enr[0].state, KR_PENDING);
	b = snap(&st);
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &carol, &idx, why, sizeof(why)), why,
	    "carol enrolled this key and cannot also approve it");
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &dave_as_carol, &idx, why, sizeof(why)), why,
	    "same OS user (carol)");
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &mallory, &idx, why, sizeof(why)), why, "not a registered");
	refused(&st, b, kr_life_approve(&st, "bob@partner.example", NULL,
	    &dave, &idx, why, sizeof(why)), why, "no pending enrollment");
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", FPR_B,
	    &dave, &idx, why, sizeof(why)), why, "with fingerprint " FPR_B);
	assert_int_equal(kr_life_approve(&st, "alice@partner.example", NULL,
	    &dave, &idx, why, sizeof(why)), PM_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(st.enr[0].state, KR_ACTIVE);
	assert_string_equal(st.enr[0].approved_by, "dave");
	assert_string_equal(st.enr[0].approved_os_user, "dave");
	assert_int_equal(st.enr[0].approved_at, NOW);
	free(b);
	b = snap(&st);
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &dave, &idx, why, sizeof(why)), why, "no pending enrollment");
	free(b);
	kr_state_fini(&st);
}

/* test_same_os_user_allowed - the weaker mode chosen at init */
static void
test_same_os_user_allowed(void **state)
{
	struct kr_state st;
	char why[512], *b = NULL;
	size_t idx;

	(void)state;
	setup(&st, 1, 1);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	b = snap(&st);
	/* the same custodian name is refused even then */
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &carol, &idx, why, sizeof(why)), why, "cannot also approve");
	assert_int_equal(kr_life_approve(&st, "alice@partner.example", NULL,
	    &dave_as_carol, &idx, why, sizeof(why)), PM_OK);
	assert_int_equal(st.enr[0].state, KR_ACTIVE);
	assert_string_equal(st.enr[0].approved_os_user, "carol");
	free(b);
	kr_state_fini(&st);
}

/* test_approve_other - no dual control, ambiguity, expiry while pending */
static void
test_approve_other(void **state)
{
	struct kr_state st;
	char why[512], *b = NULL;
	size_t idx;

	(void)state;
	setup(&st, 0, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	b = snap(&st);
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &dave, &idx, why, sizeof(why)), why, "no dual control");
	free(b);
	kr_state_fini(&st);

	setup(&st, 1, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	enroll_ok(&st, "alice@partner.example", FPR_B, &carol);
	st.enr[1].expires = NOW - 1;
	b = snap(&st);
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", NULL,
	    &dave, &idx, why, sizeof(why)), why, "2 pending enrollments");
	refused(&st, b, kr_life_approve(&st, "alice@partner.example", FPR_B,
	    &dave, &idx, why, sizeof(why)), why, "expired while pending");
	assert_int_equal(kr_life_approve(&st, "alice@partner.example", FPR_A,
	    &dave, &idx, why, sizeof(why)), PM_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(st.enr[1].state, KR_PENDING);
	free(b);
	kr_state_fini(&st);
}

/* test_revoke_address - revokes pending and active of one address */
static void
test_revoke_address(void **state)
{
	struct kr_state st;
	char why[512], *b = NULL;
	size_t n = 0;

	(void)state;
	setup(&st, 0, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	enroll_ok(&st, "alice@partner.example", FPR_B, &carol);
	enroll_ok(&st, "bob@partner.example", FPR_C, &carol);
	b = snap(&st);
	refused(&st, b, kr_life_revoke(&st, KR_SEL_ADDRESS,
	    "alice@partner.example", KR_REASON_NONE, &dave, &n, why,
	    sizeof(why)), why, "a reason is required");
	refused(&st, b, kr_life_revoke(&st, KR_SEL_ADDRESS,
	    "alice@partner.example", KR_REASON_LEFT, &mallory, &n, why,
	    sizeof(why)), why, "not a registered custodian");
	refused(&st, b, kr_life_revoke(&st, KR_SEL_ADDRESS,
	    "carl@partner.example", KR_REASON_LEFT, &dave, &n, why,
	    sizeof(why)), why, "no enrollment matches");
	assert_int_equal(kr_life_revoke(&st, KR_SEL_ADDRESS,
	    "alice@partner.example", KR_REASON_LEFT, &dave, &n, why,
	    sizeof(why)), PM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(st.enr[0].state, KR_REVOKED);
	assert_int_equal(st.enr[1].state, KR_REVOKED);
	assert_int_equal(st.enr[2].state, KR_ACTIVE);
	assert_int_equal(st.enr[0].reason, KR_REASON_LEFT);
	assert_string_equal(st.enr[0].revoked_by, "dave");
	assert_string_equal(st.enr[0].revoked_os_user, "dave");
	assert_int_equal(st.enr[0].revoked_at, NOW);
	free(b);
	b = snap(&st);
	refused(&st, b, kr_life_revoke(&st, KR_SEL_ADDRESS,
	    "alice@partner.example", KR_REASON_LEFT, &dave, &n, why,
	    sizeof(why)), why, "already revoked");
	free(b);
	kr_state_fini(&st);
}

/* test_revoke_fpr_forever - by fingerprint, then refused everywhere */
static void
test_revoke_fpr_forever(void **state)
{
	struct kr_state st;
	struct kr_enroll e;
	char why[512], *b = NULL;
	size_t n = 0, idx;

	(void)state;
	setup(&st, 0, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	enroll_ok(&st, "accounts@partner.example", FPR_A, &carol);
	enroll_ok(&st, "bob@partner.example", FPR_B, &carol);
	assert_int_equal(kr_life_fpr_revoked(&st, FPR_A), 0);
	assert_int_equal(kr_life_revoke(&st, KR_SEL_FPR, FPR_A,
	    KR_REASON_COMPROMISE, &carol, &n, why, sizeof(why)), PM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(st.enr[2].state, KR_ACTIVE);
	assert_int_equal(kr_life_fpr_revoked(&st, FPR_A), 1);
	b = snap(&st);
	e = key("alice@partner.example", FPR_A);
	refused(&st, b, kr_life_enroll(&st, &e, &carol, &idx, why,
	    sizeof(why)), why, "refused for ever");
	e = key("someone@else.example", FPR_A);
	refused(&st, b, kr_life_enroll(&st, &e, &dave, &idx, why,
	    sizeof(why)), why, "was revoked before");
	/* a new key for the same address is fine */
	enroll_ok(&st, "alice@partner.example", FPR_C, &carol);
	free(b);
	kr_state_fini(&st);
}

/* test_revoke_domain - every enrollment of that domain, and only it */
static void
test_revoke_domain(void **state)
{
	struct kr_state st;
	char why[512];
	size_t n = 0;

	(void)state;
	setup(&st, 1, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);	/* pending */
	enroll_ok(&st, "bob@partner.example", FPR_B, &carol);
	enroll_ok(&st, "carl@eu.partner.example", FPR_C, &carol);
	enroll_ok(&st, "dora@other.example", FPR_C, &carol);
	assert_int_equal(kr_life_revoke(&st, KR_SEL_DOMAIN, "Partner.Example",
	    KR_REASON_COMPROMISE, &dave, &n, why, sizeof(why)), PM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(st.enr[0].state, KR_REVOKED);
	assert_int_equal(st.enr[1].state, KR_REVOKED);
	assert_int_equal(st.enr[2].state, KR_PENDING);
	assert_int_equal(st.enr[3].state, KR_PENDING);
	assert_int_equal(st.enr[1].reason, KR_REASON_COMPROMISE);
	kr_state_fini(&st);
}

/* test_refresh - new expiry/subkey for an enrolled key; state stays */
static void
test_refresh(void **state)
{
	struct kr_state st;
	struct kr_enroll e;
	char why[512], *b = NULL;
	size_t idx = 9, n;

	(void)state;
	setup(&st, 1, 0);
	enroll_ok(&st, "alice@partner.example", FPR_A, &carol);
	enroll_ok(&st, "bob@partner.example", FPR_B, &carol);
	e = key("alice@partner.example", FPR_A);
	e.expires = NOW + 900 * DAY;
	strcpy(e.algo, "rsa");
	e.bits = 4096;
	assert_int_equal(kr_life_refresh(&st, &e, &dave, &idx, why,
	    sizeof(why)), PM_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(st.enr[0].expires, NOW + 900 * DAY);
	assert_string_equal(st.enr[0].algo, "rsa");
	assert_int_equal(st.enr[0].bits, 4096);
	assert_int_equal(st.enr[0].state, KR_PENDING);	/* approval still due */
	assert_string_equal(st.enr[0].enrolled_by, "carol");
	b = snap(&st);
	refused(&st, b, kr_life_refresh(&st, &e, &mallory, &idx, why,
	    sizeof(why)), why, "not a registered custodian");
	e.bits = 2048;
	refused(&st, b, kr_life_refresh(&st, &e, &dave, &idx, why,
	    sizeof(why)), why, "key too weak: rsa 2048");
	e = key("alice@partner.example", FPR_A);
	e.expires = NOW - 1;
	refused(&st, b, kr_life_refresh(&st, &e, &dave, &idx, why,
	    sizeof(why)), why, "the key has expired");
	e = key("alice@partner.example", FPR_B);	/* bob's key */
	refused(&st, b, kr_life_refresh(&st, &e, &dave, &idx, why,
	    sizeof(why)), why, "this key is not enrolled");
	free(b);
	assert_int_equal(kr_life_revoke(&st, KR_SEL_ADDRESS,
	    "bob@partner.example", KR_REASON_LEFT, &dave, &n, why,
	    sizeof(why)), PM_OK);
	b = snap(&st);
	e = key("bob@partner.example", FPR_B);
	refused(&st, b, kr_life_refresh(&st, &e, &dave, &idx, why,
	    sizeof(why)), why, "this revoked key is not enrolled");
	free(b);
	kr_state_fini(&st);
}

struct strength {
	const char *name;
	const char *algo;
	uint32_t bits;
	int ok;			/* with the default floor */
	const char *why;	/* substring when refused */
};

static const struct strength strengths[] = {
	{ "rsa 2048 refused", "rsa", 2048, 0, "below the floor of 3072" },
	{ "rsa 3071 refused", "rsa", 3071, 0, "below the floor" },
	{ "rsa 3072 ok", "rsa", 3072, 1, NULL },
	{ "rsa 4096 ok", "rsa", 4096, 1, NULL },
	{ "dsa 1024 refused", "dsa", 1024, 0, "below the floor" },
	{ "elg 3072 ok", "elg", 3072, 1, NULL },
	{ "cv25519 ok", "cv25519", 255, 1, NULL },
	{ "ed25519 ok", "ed25519", 255, 1, NULL },
	{ "ed448 ok", "ed448", 448, 1, NULL },
	{ "nistp256 ok", "nistp256", 256, 1, NULL },
	{ "nistp521 ok", "nistp521", 521, 1, NULL },
	{ "brainpool 256 ok", "brainpoolP256r1", 256, 1, NULL },
	{ "secp256k1 refused", "secp256k1", 256, 0, "not allowed" },
	{ "unknown refused", "unknown", 9999, 0, "not allowed" },
	{ "empty refused", "", 0, 0, "not allowed" },
};

/* test_strength - one algorithm against the default floor */
static void
test_strength(void **state)
{
	const struct strength *s = *state;
	struct kr_state st;
	char why[256] = "";

	kr_state_init(&st);
	assert_int_equal(kr_life_strength_ok(&st, s->algo, s->bits, why,
	    sizeof(why)), s->ok);
	if (!s->ok && strstr(why, s->why) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", why, s->why);
	kr_state_fini(&st);
}

/* test_strength_configurable - a raised floor; weak keys refused */
static void
test_strength_configurable(void **state)
{
	struct kr_state st;
	struct kr_enroll e;
	char why[512], *b = NULL;
	size_t idx;

	(void)state;
	setup(&st, 0, 0);
	st.min_rsa_bits = 4096;
	st.min_ecc_bits = 384;
	assert_int_equal(kr_life_strength_ok(&st, "rsa", 3072, why,
	    sizeof(why)), 0);
	assert_int_equal(kr_life_strength_ok(&st, "nistp256", 256, why,
	    sizeof(why)), 0);
	assert_int_equal(kr_life_strength_ok(&st, "nistp384", 384, why,
	    sizeof(why)), 1);
	b = snap(&st);
	e = key("alice@partner.example", FPR_A);
	refused(&st, b, kr_life_enroll(&st, &e, &carol, &idx, why,
	    sizeof(why)), why, "key too weak: curve cv25519");
	/* a weak primary key is refused even with a strong subkey */
	st.min_rsa_bits = 3072;
	st.min_ecc_bits = 256;
	free(b);
	b = snap(&st);
	strcpy(e.primary_algo, "rsa");
	e.primary_bits = 1024;
	refused(&st, b, kr_life_enroll(&st, &e, &carol, &idx, why,
	    sizeof(why)), why, "rsa 1024 bits is below the floor");
	free(b);
	kr_state_fini(&st);
}

struct problems {
	size_t n;
	char last[512];
	char all[2048];
};

/* collect - kr_life_check callback */
static void
collect(void *arg, const struct kr_enroll *e, const char *problem)
{
	struct problems *p = arg;
	size_t l = strlen(p->all);

	p->n++;
	snprintf(p->last, sizeof(p->last), "%s: %s", e->address, problem);
	snprintf(p->all + l, sizeof(p->all) - l, "%s\n", p->last);
}

/* test_check - expired, expiring, weak, old; revoked keys ignored */
static void
test_check(void **state)
{
	struct kr_state st;
	struct problems p;
	char why[256];
	size_t n, i;

	(void)state;
	setup(&st, 0, 0);
	memset(&p, 0, sizeof(p));
	i = enroll_ok(&st, "ok@x.example", FPR_A, &carol);
	assert_int_equal(kr_life_check(&st, NOW, 30, collect, &p), 0);
	st.enr[i].expires = 0;	/* never expires: fine too */
	assert_int_equal(kr_life_check(&st, NOW, 30, collect, &p), 0);

	i = enroll_ok(&st, "soon@x.example", FPR_B, &carol);
	st.enr[i].expires = NOW + 10 * DAY;
	n = kr_life_check(&st, NOW, 30, collect, &p);
	assert_int_equal(n, 1);
	assert_non_null(strstr(p.last, "soon@x.example: expires in 10 days"));
	assert_int_equal(kr_life_check(&st, NOW, 5, collect, &p), 0);

	st.enr[i].expires = NOW - 1;
	memset(&p, 0, sizeof(p));
	assert_int_equal(kr_life_check(&st, NOW, 0, collect, &p), 1);
	assert_non_null(strstr(p.last, "soon@x.example: expired on"));

	memset(&p, 0, sizeof(p));
	st.enr[0].key_created = NOW - 731 * (int64_t)DAY;
	st.min_rsa_bits = 3072;
	strcpy(st.enr[0].algo, "rsa");
	st.enr[0].bits = 2048;
	assert_int_equal(kr_life_check(&st, NOW, 0, collect, &p), 3);
	assert_non_null(strstr(p.all, "ok@x.example: below the strength "
	    "floor: rsa 2048 bits"));
	assert_non_null(strstr(p.all, "ok@x.example: older than the "
	    "cryptoperiod of 730 days"));

	assert_int_equal(kr_life_revoke(&st, KR_SEL_DOMAIN, "x.example",
	    KR_REASON_SUPERSEDED, &dave, &n, why, sizeof(why)), PM_OK);
	assert_int_equal(kr_life_check(&st, NOW, 30, collect, &p), 0);
	kr_state_fini(&st);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_custodian),
		cmocka_unit_test(test_enroll_single),
		cmocka_unit_test(test_enroll_refusals),
		cmocka_unit_test(test_dual_control),
		cmocka_unit_test(test_same_os_user_allowed),
		cmocka_unit_test(test_approve_other),
		cmocka_unit_test(test_revoke_address),
		cmocka_unit_test(test_revoke_fpr_forever),
		cmocka_unit_test(test_revoke_domain),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_strength_configurable),
		cmocka_unit_test(test_check),
	};
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) +
	    sizeof(strengths) / sizeof(strengths[0])];
	size_t i, n = 0;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (i = 0; i < sizeof(strengths) / sizeof(strengths[0]); i++) {
		tests[n].name = strengths[i].name;
		tests[n].test_func = test_strength;
		tests[n].initial_state = (void *)&strengths[i];
		n++;
	}
	return cmocka_run_group_tests_name("kr_life", tests, NULL, NULL);
}
