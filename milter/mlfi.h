/*
 * NAME
 *	mlfi - the libmilter callbacks and the end-of-message pipeline
 * OWNS
 *	struct mlfi_daemon (process state: configuration, policy snapshot,
 *	token key, scan options; immutable once smfi_main runs, except the
 *	snapshot, which has its own lock) and, per connection, struct
 *	mlfi_conn with the message being received (wiped on every path:
 *	end of message, abort, close).
 * PROMISES
 *	- Negotiates only what it uses (add/change headers, change body) and
 *	  skips HELO, DATA and unknown-command callbacks.
 *	- At end of message: scan, policy, plan, apply, one log line; every
 *	  error, limit or missing piece ends in the on_error plan, never in
 *	  an accept of an unscanned message (unless on_error = accept).
 *	- The policy is acquired per message (reloaded when its file
 *	  changed or on SIGHUP), so a message is decided wholly under one
 *	  policy version.
 * API
 *	mlfi_daemon_init(d, conf, err, n)	load policy and token key.
 *	mlfi_desc(d)	the smfiDesc to register (d kept by pointer).
 *	mlfi_reload(d)	async-signal-safe: reload the policy next message.
 *	mlfi_daemon_fini(d)
 */
#ifndef MLFI_H
#define MLFI_H

#include <libmilter/mfapi.h>

#include "conf.h"
#include "pm_snap.h"
#include "scan.h"

struct pgp_helper;

struct mlfi_daemon {
	const struct conf *conf;
	struct pm_snap policy;
	struct pan_token_key *key;
	struct scan_opts sopts;
	int have_keyring;		/* keyring setting given */
	char keyring_state[4096];	/* KEYRING/state */
	char keyring_keys[4096];	/* KEYRING/keys */
	struct pm_snap keyring;		/* kr_view snapshot */
	struct pgp_helper *pgp;		/* encryption helpers, or NULL */
};

int mlfi_daemon_init(struct mlfi_daemon *d, const struct conf *conf,
    char *err, size_t errlen);
struct smfiDesc *mlfi_desc(struct mlfi_daemon *d);
void mlfi_reload(struct mlfi_daemon *d);
void mlfi_daemon_fini(struct mlfi_daemon *d);
int mlfi_policy_load(const char *path, void **obj, char *err, size_t errlen);
void mlfi_policy_free(void *obj);

#endif
