/*
 * kr_life - lifecycle rules.
 *
 * Each operation first decides, reading only, and writes into the state
 * as its very last step, so a refusal cannot leave a half-applied change
 * behind. Messages follow "what is wrong; what to do".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "kr_life.h"

#define KR_LIFE_DAY	86400

struct kr_life_curve {
	const char *name;
	uint32_t rating;	/* comparable to min_ecc_bits */
};

/* RFC 7748 / RFC 8032 rate X25519/Ed25519 at ~128-bit security, like P-256 */
static const struct kr_life_curve kr_life_curves[] = {
	{ "cv25519", 256 }, { "ed25519", 256 },		/* RFC 7748, 8032 */
	{ "curve25519", 256 },
	{ "cv448", 448 }, { "ed448", 448 },		/* RFC 7748, 8032 */
	{ "nistp256", 256 }, { "nistp384", 384 },	/* FIPS 186-4 */
	{ "nistp521", 521 },
	{ "brainpoolP256r1", 256 }, { "brainpoolP384r1", 384 },	/* RFC 5639 */
	{ "brainpoolP512r1", 512 },
	{ NULL, 0 }
};

/* kr_life_name_ok - 1 for 1-63 characters of [A-Za-z0-9._@-] */
int
kr_life_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= KR_NAME_MAX)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") == n;
}

/* kr_life_custodian - is who a registered custodian? 0 or -1 with why */
static int
kr_life_custodian(const struct kr_state *st, const struct kr_actor *who,
    char *why, size_t whylen)
{
	if (kr_state_find_custodian(st, who->name) != NULL)
		return 0;
	snprintf(why, whylen, "'%.63s' is not a registered custodian; a "
	    "custodian first accepts the role with: pankey custodian add "
	    "%.63s --acknowledge", who->name, kr_life_name_ok(who->name) ?
	    who->name : "NAME");
	return -1;
}

/* kr_life_custodian_add - register a custodian who acknowledged the role */
pm_status
kr_life_custodian_add(struct kr_state *st, const char *name,
    const char *os_user, int64_t uid, int64_t now, char *why, size_t whylen)
{
	struct kr_custodian c;

	if (!kr_life_name_ok(name)) {
		snprintf(why, whylen, "bad custodian name; use 1 to 63 "
		    "letters, digits, '.', '_', '@' or '-'");
		return PM_ECONFIG;
	}
	if (kr_state_find_custodian(st, name) != NULL) {
		snprintf(why, whylen, "'%s' is already a registered "
		    "custodian", name);
		return PM_ECONFIG;
	}
	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(c.os_user, sizeof(c.os_user), "%s", os_user);
	c.uid = uid;
	c.acknowledged = now;
	if (kr_state_add_custodian(st, &c) != PM_OK) {
		snprintf(why, whylen, "out of memory");
		return PM_ENOMEM;
	}
	return PM_OK;
}

/* kr_life_fpr_revoked - 1 when fpr was revoked under any address */
int
kr_life_fpr_revoked(const struct kr_state *st, const char *fpr)
{
	size_t i;

	for (i = 0; i < st->nenr; i++) {
		if (st->enr[i].state == KR_REVOKED &&
		    strcmp(st->enr[i].fpr, fpr) == 0)
			return 1;
	}
	return 0;
}

/* kr_life_strength_ok - 1 when algo/bits meets the keyring's floor */
int
kr_life_strength_ok(const struct kr_state *st, const char *algo,
    uint32_t bits, char *why, size_t whylen)
{
	size_t i;

	if (strcmp(algo, "rsa") == 0 || strcmp(algo, "dsa") == 0 ||
	    strcmp(algo, "elg") == 0) {
		if (bits >= st->min_rsa_bits)
			return 1;
		snprintf(why, whylen, "%s %lu bits is below the floor of "
		    "%lu bits; ask the owner for an RSA %lu key or a "
		    "Curve25519 key", algo, (unsigned long)bits,
		    (unsigned long)st->min_rsa_bits,
		    (unsigned long)st->min_rsa_bits);
		return 0;
	}
	for (i = 0; kr_life_curves[i].name != NULL; i++) {
		if (strcasecmp(algo, kr_life_curves[i].name) != 0)
			continue;
		if (kr_life_curves[i].rating >= st->min_ecc_bits)
			return 1;
		snprintf(why, whylen, "curve %s (rated %lu) is below the floor "
		    "of %lu bits", algo, (unsigned long)kr_life_curves[i].rating,
		    (unsigned long)st->min_ecc_bits);
		return 0;
	}
	snprintf(why, whylen, "algorithm '%.31s' is not allowed; use RSA "
	    "(at least %lu bits), Curve25519 or NIST P-256 and up", algo,
	    (unsigned long)st->min_rsa_bits);
	return 0;
}

/* kr_life_enroll_refused - the checks before an enrollment; 0 or -1 */
static int
kr_life_enroll_refused(const struct kr_state *st, const struct kr_enroll *k,
    const struct kr_actor *who, char *why, size_t whylen)
{
	char w[200];
	size_t i;

	if (kr_life_custodian(st, who, why, whylen) != 0)
		return -1;
	if (kr_life_fpr_revoked(st, k->fpr)) {
		snprintf(why, whylen, "fingerprint %s was revoked before and is "
		    "refused for ever; ask the owner for a new key", k->fpr);
		return -1;
	}
	for (i = 0; i < st->nenr; i++) {
		if (st->enr[i].state != KR_REVOKED &&
		    strcmp(st->enr[i].fpr, k->fpr) == 0 &&
		    strcmp(st->enr[i].address, k->address) == 0) {
			snprintf(why, whylen, "this key is already enrolled "
			    "for this address (%s)",
			    kr_estate_str(st->enr[i].state));
			return -1;
		}
	}
	if (!kr_life_strength_ok(st, k->algo, k->bits, w, sizeof(w)) ||
	    !kr_life_strength_ok(st, k->primary_algo, k->primary_bits, w,
	    sizeof(w))) {
		snprintf(why, whylen, "key too weak: %s", w);
		return -1;
	}
	if (k->expires != 0 && k->expires <= who->now) {
		snprintf(why, whylen, "the key has expired; ask the owner to "
		    "extend it or to send a new key");
		return -1;
	}
	return 0;
}

/* kr_life_enroll - add key for its address: pending or active */
pm_status
kr_life_enroll(struct kr_state *st, const struct kr_enroll *key,
    const struct kr_actor *who, size_t *idx, char *why, size_t whylen)
{
	struct kr_enroll e;
	const char *at = strrchr(key->address, '@');

	if (at == NULL || at == key->address || at[1] == '\0') {
		snprintf(why, whylen, "'%.200s' is not a mail address (want "
		    "local@domain)", key->address);
		return PM_ECONFIG;
	}
	if (!kr_fpr_valid(key->fpr)) {
		snprintf(why, whylen, "not a full fingerprint");
		return PM_ECONFIG;
	}
	if (kr_life_enroll_refused(st, key, who, why, whylen) != 0)
		return PM_ECONFIG;
	e = *key;
	e.state = st->dual_control ? KR_PENDING : KR_ACTIVE;
	snprintf(e.enrolled_by, sizeof(e.enrolled_by), "%s", who->name);
	snprintf(e.enrolled_os_user, sizeof(e.enrolled_os_user), "%s",
	    who->os_user);
	e.enrolled_at = who->now;
	e.approved_by[0] = e.approved_os_user[0] = '\0';
	e.revoked_by[0] = e.revoked_os_user[0] = '\0';
	e.approved_at = e.revoked_at = 0;
	e.reason = KR_REASON_NONE;
	if (kr_state_add_enroll(st, &e) != PM_OK) {
		snprintf(why, whylen, "out of memory");
		return PM_ENOMEM;
	}
	*idx = st->nenr - 1;
	return PM_OK;
}

/* kr_life_find_pending - the one pending enrollment; index or -1 + why */
static long
kr_life_find_pending(const struct kr_state *st, const char *addr,
    const char *fpr, char *why, size_t whylen)
{
	long found = -1;
	size_t i, n = 0;

	for (i = 0; i < st->nenr; i++) {
		if (st->enr[i].state != KR_PENDING ||
		    strcmp(st->enr[i].address, addr) != 0 ||
		    (fpr != NULL && strcmp(st->enr[i].fpr, fpr) != 0))
			continue;
		found = (long)i;
		n++;
	}
	if (n == 1)
		return found;
	if (n == 0)
		snprintf(why, whylen, "no pending enrollment for %.200s%s%s; "
		    "see pankey list", addr, fpr ? " with fingerprint " : "",
		    fpr ? fpr : "");
	else
		snprintf(why, whylen, "%zu pending enrollments for %.200s; "
		    "name one with --fingerprint", n, addr);
	return -1;
}

/* kr_life_approve - a second custodian makes a pending enrollment active */
pm_status
kr_life_approve(struct kr_state *st, const char *addr, const char *fpr,
    const struct kr_actor *who, size_t *idx, char *why, size_t whylen)
{
	struct kr_enroll *e = NULL;
	long i;

	if (kr_life_custodian(st, who, why, whylen) != 0)
		return PM_ECONFIG;
	if (!st->dual_control) {
		snprintf(why, whylen, "this keyring has no dual control: "
		    "enrollments are active at once");
		return PM_ECONFIG;
	}
	i = kr_life_find_pending(st, addr, fpr, why, whylen);
	if (i < 0)
		return PM_ECONFIG;
	e = &st->enr[i];
	if (strcmp(e->enrolled_by, who->name) == 0) {
		snprintf(why, whylen, "%s enrolled this key and cannot also "
		    "approve it; dual control needs a second custodian",
		    who->name);
		return PM_ECONFIG;
	}
	if (!st->allow_same_os_user &&
	    strcmp(e->enrolled_os_user, who->os_user) == 0) {
		snprintf(why, whylen, "approving from the same OS user (%s) "
		    "that enrolled the key; the second custodian must log in "
		    "with their own account (or the keyring must be created "
		    "with --allow-same-os-user, which is weaker)", who->os_user);
		return PM_ECONFIG;
	}
	if (e->expires != 0 && e->expires <= who->now) {
		snprintf(why, whylen, "the key expired while pending; revoke "
		    "it and enroll a new key");
		return PM_ECONFIG;
	}
	e->state = KR_ACTIVE;
	snprintf(e->approved_by, sizeof(e->approved_by), "%s", who->name);
	snprintf(e->approved_os_user, sizeof(e->approved_os_user), "%s",
	    who->os_user);
	e->approved_at = who->now;
	*idx = (size_t)i;
	return PM_OK;
}

/* kr_life_refresh - new expiry/subkeys for an enrolled primary key */
pm_status
kr_life_refresh(struct kr_state *st, const struct kr_enroll *key,
    const struct kr_actor *who, size_t *idx, char *why, size_t whylen)
{
	char w[200];
	struct kr_enroll *e = NULL;
	size_t i;

	if (kr_life_custodian(st, who, why, whylen) != 0)
		return PM_ECONFIG;
	for (i = 0; i < st->nenr && e == NULL; i++) {
		if (st->enr[i].state != KR_REVOKED &&
		    strcmp(st->enr[i].address, key->address) == 0 &&
		    strcmp(st->enr[i].fpr, key->fpr) == 0)
			e = &st->enr[i];
	}
	if (e == NULL) {
		snprintf(why, whylen, "%s is not enrolled (pending or active) "
		    "for %.200s; a new key needs pankey enroll",
		    kr_life_fpr_revoked(st, key->fpr) ? "this revoked key" :
		    "this key", key->address);
		return PM_ECONFIG;
	}
	if (!kr_life_strength_ok(st, key->algo, key->bits, w, sizeof(w)) ||
	    !kr_life_strength_ok(st, key->primary_algo, key->primary_bits, w,
	    sizeof(w))) {
		snprintf(why, whylen, "key too weak: %s", w);
		return PM_ECONFIG;
	}
	if (key->expires != 0 && key->expires <= who->now) {
		snprintf(why, whylen, "the key has expired; ask the owner to "
		    "extend it");
		return PM_ECONFIG;
	}
	memcpy(e->algo, key->algo, sizeof(e->algo));
	e->bits = key->bits;
	memcpy(e->primary_algo, key->primary_algo, sizeof(e->primary_algo));
	e->primary_bits = key->primary_bits;
	e->expires = key->expires;
	*idx = (size_t)(e - st->enr);
	return PM_OK;
}

/* kr_life_match - does enrollment e match the revoke selector? */
static int
kr_life_match(const struct kr_enroll *e, enum kr_life_sel sel,
    const char *value)
{
	const char *at = NULL;

	switch (sel) {
	case KR_SEL_ADDRESS:
		return strcmp(e->address, value) == 0;
	case KR_SEL_FPR:
		return strcmp(e->fpr, value) == 0;
	case KR_SEL_DOMAIN:
		at = strrchr(e->address, '@');
		return at != NULL && strcasecmp(at + 1, value) == 0;
	}
	return 0;
}

/* kr_life_revoke - revoke every pending or active match */
pm_status
kr_life_revoke(struct kr_state *st, enum kr_life_sel sel, const char *value,
    enum kr_reason reason, const struct kr_actor *who, size_t *count,
    char *why, size_t whylen)
{
	size_t i, n = 0, old = 0;

	*count = 0;
	if (kr_life_custodian(st, who, why, whylen) != 0)
		return PM_ECONFIG;
	if (reason == KR_REASON_NONE || reason > KR_REASON_OTHER) {
		snprintf(why, whylen, "a reason is required: key-compromise, "
		    "superseded, left or other");
		return PM_ECONFIG;
	}
	for (i = 0; i < st->nenr; i++) {
		if (!kr_life_match(&st->enr[i], sel, value))
			continue;
		if (st->enr[i].state == KR_REVOKED)
			old++;
		else
			n++;
	}
	if (n == 0) {
		snprintf(why, whylen, old ? "already revoked; nothing to do" :
		    "no enrollment matches; see pankey list");
		return PM_ECONFIG;
	}
	for (i = 0; i < st->nenr; i++) {
		struct kr_enroll *e = &st->enr[i];

		if (e->state == KR_REVOKED || !kr_life_match(e, sel, value))
			continue;
		e->state = KR_REVOKED;
		e->reason = reason;
		snprintf(e->revoked_by, sizeof(e->revoked_by), "%s", who->name);
		snprintf(e->revoked_os_user, sizeof(e->revoked_os_user), "%s",
		    who->os_user);
		e->revoked_at = who->now;
	}
	*count = n;
	return PM_OK;
}

/* kr_life_date - YYYY-MM-DD of t (UTC) */
static void
kr_life_date(int64_t t, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
		snprintf(out, outlen, "@%lld", (long long)t);
}

/* kr_life_check_one - the problems of one enrollment; their number */
static size_t
kr_life_check_one(const struct kr_state *st, const struct kr_enroll *e,
    int64_t now, uint32_t warn_days, kr_life_problem_fn cb, void *arg)
{
	char msg[400], w[200], d[32];
	size_t n = 0;
	int64_t period = (int64_t)st->cryptoperiod_days * KR_LIFE_DAY;

	kr_life_date(e->expires, d, sizeof(d));
	if (e->expires != 0 && e->expires <= now) {
		snprintf(msg, sizeof(msg), "expired on %s; revoke it as "
		    "superseded and enroll a new key", d);
		cb(arg, e, msg);
		n++;
	} else if (e->expires != 0 &&
	    e->expires - now <= (int64_t)warn_days * KR_LIFE_DAY) {
		snprintf(msg, sizeof(msg), "expires in %lld days (%s); ask the "
		    "owner for an extended or new key",
		    (long long)((e->expires - now) / KR_LIFE_DAY), d);
		cb(arg, e, msg);
		n++;
	}
	if (!kr_life_strength_ok(st, e->algo, e->bits, w, sizeof(w)) ||
	    !kr_life_strength_ok(st, e->primary_algo, e->primary_bits, w,
	    sizeof(w))) {
		snprintf(msg, sizeof(msg), "below the strength floor: %s", w);
		cb(arg, e, msg);
		n++;
	}
	if (e->key_created != 0 && period > 0 && now - e->key_created > period) {
		kr_life_date(e->key_created, d, sizeof(d));
		snprintf(msg, sizeof(msg), "older than the cryptoperiod of %lu "
		    "days (created %s); enroll a new key and revoke this one "
		    "as superseded", (unsigned long)st->cryptoperiod_days, d);
		cb(arg, e, msg);
		n++;
	}
	return n;
}

/* kr_life_check - report the problems of every pending or active key */
size_t
kr_life_check(const struct kr_state *st, int64_t now, uint32_t warn_days,
    kr_life_problem_fn cb, void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < st->nenr; i++) {
		if (st->enr[i].state != KR_REVOKED)
			n += kr_life_check_one(st, &st->enr[i], now, warn_days,
			    cb, arg);
	}
	return n;
}
