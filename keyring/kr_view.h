/*
 * NAME
 *	kr_view - the milter's read-only view of the keyring
 * OWNS
 *	struct kr_view (opaque, heap): for every ACTIVE enrollment its
 *	normalised address, pinned fingerprint and expiry, sorted by
 *	address; plus the keyring directory and generation. Immutable
 *	after kr_view_load(), so any number of threads may read it; freed
 *	by kr_view_free(). Fingerprint strings handed out by
 *	kr_view_keys_for() point into the view and live as long as it.
 * PROMISES
 *	- Pending and revoked enrollments are never in a view; expired
 *	  keys are filtered at lookup time (the clock moves, the view does
 *	  not).
 *	- Lookups are by normalised address: blanks and angle brackets
 *	  removed, ASCII lower case, a sub-address "user+tag@" cut to
 *	  "user@", a trailing dot of the domain removed, a non-ASCII
 *	  domain as its IDNA A-label (libidn2) - the same normal form as
 *	  the policy's pol_addr_norm(), so both agree on who a recipient is.
 *	- Keys are identified by pinned fingerprint only; nothing here
 *	  searches by user id.
 *	- pankey replaces DIR/state by rename on every change, so a holder
 *	  that stats DIR/state per message (pm_snap, with kr_view_snap_load
 *	  and kr_view_snap_free) sees a revocation at the next message.
 * API
 *	kr_view_load(dir, &v, err, n)	reads DIR/state under a shared lock.
 *				PM_EIO, PM_ECONFIG (damaged state), PM_ENOMEM.
 *	kr_view_free(v)		NULL is fine.
 *	kr_view_keys_for(v, addr, fprs, max)	usable fingerprints for a
 *				recipient now: writes up to max pointers and
 *				returns how many there are (may exceed max).
 *	kr_view_keys_for_at(v, addr, now, fprs, max)	same, at time now.
 *	kr_view_has_key(v, addr)	1 when keys_for would return >= 1.
 *	kr_view_count(v)	number of active enrollments in the view.
 *	kr_view_generation(v)	the state's change counter.
 *	kr_view_export_home(v, parent, home, homelen, err, n)	builds a
 *				private GnuPG home (mkdtemp under parent, 0700)
 *				holding exactly the view's active keys, read
 *				from DIR/keys/<FPR>.asc; the caller owns it and
 *				removes it with kr_view_remove_home(). gpg
 *				needs to write there (pubring, trustdb, locks).
 *				Encrypt with GPGME_ENCRYPT_ALWAYS_TRUST: trust
 *				comes from enrollment, not from the web of trust.
 *	kr_view_remove_home(home)	deletes such a home.
 *	kr_view_snap_load(state_path, &obj, err, n)	pm_snap_load_fn
 *				adapter: path is DIR/state; 0 or -1.
 *	kr_view_snap_free(obj)	pm_snap_free_fn adapter.
 *	kr_view_addr_norm(in, out, n)	the normal form above; PM_ECONFIG
 *				when too long or the domain is not valid IDN.
 * LIMITS
 *	Up to KR_STATE_MAX_RECORDS enrollments; lookups are O(log n).
 *	Building a home forks gpg once per key (GPGME): do it when the
 *	view changes, not per message.
 * SEE ALSO
 *	kr_state, kr_key, pm_snap, pol_addr, DESIGN.md invariants 3 and 4.
 */
#ifndef KR_VIEW_H
#define KR_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "pm_status.h"

struct kr_view;

pm_status kr_view_load(const char *dir, struct kr_view **out, char *err,
    size_t errlen);
void kr_view_free(struct kr_view *v);
size_t kr_view_keys_for(const struct kr_view *v, const char *addr,
    const char **fprs, size_t max);
size_t kr_view_keys_for_at(const struct kr_view *v, const char *addr,
    int64_t now, const char **fprs, size_t max);
int kr_view_has_key(const struct kr_view *v, const char *addr);
size_t kr_view_count(const struct kr_view *v);
int64_t kr_view_generation(const struct kr_view *v);
pm_status kr_view_export_home(const struct kr_view *v, const char *parent,
    char *home, size_t homelen, char *err, size_t errlen);
void kr_view_remove_home(const char *home);
int kr_view_snap_load(const char *state_path, void **obj, char *err,
    size_t errlen);
void kr_view_snap_free(void *obj);
pm_status kr_view_addr_norm(const char *in, char *out, size_t outlen);

#endif
