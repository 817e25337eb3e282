/*
 * NAME
 *	kr_life - the key lifecycle rules, as pure functions on a kr_state
 * OWNS
 *	Nothing: every function changes only the state it is given, and
 *	only when it returns PM_OK. No I/O, no clock (the caller passes
 *	"now"), no GPGME: the key's facts arrive already inspected.
 * PROMISES
 *	- Only a registered custodian can enroll, approve or revoke.
 *	- A fingerprint that was ever revoked is refused for ever, under
 *	  any address.
 *	- With dual control an enrollment starts "pending" and becomes
 *	  "active" only when a different custodian approves it, from a
 *	  different OS user unless the keyring was created with
 *	  allow_same_os_user (recorded, shown by pankey, documented as
 *	  weaker). The same custodian name is refused always.
 *	- Strength floor: RSA (and DSA, ElGamal) at least min_rsa_bits;
 *	  elliptic curves from a fixed list rated in bits (Curve25519 and
 *	  Ed25519 256, Ed448/X448 448, NIST P-256/384/521, Brainpool
 *	  P256/384/512) at least min_ecc_bits; anything else is refused.
 *	- A refusal returns PM_ECONFIG with why saying what is wrong and
 *	  what to do, and leaves the state exactly as it was.
 * API
 *	kr_life_name_ok(name)	1 for a valid custodian name.
 *	kr_life_custodian_add(st, name, os_user, uid, now, why, n)
 *	kr_life_enroll(st, key, who, &idx, why, n)	key carries address,
 *				fpr, algorithm facts, expiry and the uid
 *				mismatch reason; the new record is st->enr[idx].
 *	kr_life_approve(st, addr, fpr_or_NULL, who, &idx, why, n)
 *	kr_life_refresh(st, key, who, &idx, why, n)	the owner extended
 *				or re-keyed the subkeys of an enrolled key
 *				(same pinned primary fingerprint): updates
 *				algorithms, sizes and expiry of the pending
 *				or active enrollment key->address/key->fpr;
 *				its state and approvals stay.
 *	kr_life_revoke(st, sel, value, reason, who, &count, why, n)
 *				sel: address, fingerprint or domain; every
 *				pending or active match is revoked.
 *	kr_life_fpr_revoked(st, fpr)	1 when fpr was ever revoked.
 *	kr_life_strength_ok(st, algo, bits, why, n)	1 when strong enough.
 *	kr_life_check(st, now, warn_days, cb, arg)	calls cb once per
 *				problem of a pending or active enrollment
 *				(expired, expiring within warn_days, below the
 *				floor, older than the cryptoperiod); returns
 *				the number of problems.
 * LIMITS
 *	"Different person" is judged by custodian name and OS user; two
 *	people sharing one login with allow_same_os_user can only be told
 *	apart by the names they type.
 * SEE ALSO
 *	PCI DSS 3.6.1, 3.7.x; kr_state; pankey(8).
 */
#ifndef KR_LIFE_H
#define KR_LIFE_H

#include <stddef.h>
#include <stdint.h>

#include "kr_state.h"
#include "pm_status.h"

struct kr_actor {
	const char *name;	/* the custodian (--by) */
	const char *os_user;	/* login name of the real uid */
	int64_t now;
};

enum kr_life_sel {
	KR_SEL_ADDRESS,
	KR_SEL_FPR,
	KR_SEL_DOMAIN
};

typedef void (*kr_life_problem_fn)(void *arg, const struct kr_enroll *e,
    const char *problem);

int kr_life_name_ok(const char *name);
pm_status kr_life_custodian_add(struct kr_state *st, const char *name,
    const char *os_user, int64_t uid, int64_t now, char *why, size_t whylen);
pm_status kr_life_enroll(struct kr_state *st, const struct kr_enroll *key,
    const struct kr_actor *who, size_t *idx, char *why, size_t whylen);
pm_status kr_life_approve(struct kr_state *st, const char *addr,
    const char *fpr, const struct kr_actor *who, size_t *idx, char *why,
    size_t whylen);
pm_status kr_life_refresh(struct kr_state *st, const struct kr_enroll *key,
    const struct kr_actor *who, size_t *idx, char *why, size_t whylen);
pm_status kr_life_revoke(struct kr_state *st, enum kr_life_sel sel,
    const char *value, enum kr_reason reason, const struct kr_actor *who,
    size_t *count, char *why, size_t whylen);
int kr_life_fpr_revoked(const struct kr_state *st, const char *fpr);
int kr_life_strength_ok(const struct kr_state *st, const char *algo,
    uint32_t bits, char *why, size_t whylen);
size_t kr_life_check(const struct kr_state *st, int64_t now,
    uint32_t warn_days, kr_life_problem_fn cb, void *arg);

#endif
