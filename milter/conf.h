/*
 * NAME
 *	conf - panmilter.conf (libconfig) into an immutable struct conf
 * OWNS
 *	struct conf and its strings (heap), freed by conf_free().
 * PROMISES
 *	- Every setting has a default (conf_default) and one snake_case
 *	  name shared by the file, the struct field and panmilter.conf(5).
 *	- Unknown settings, wrong types and out-of-range values are errors
 *	  reported as "FILE:LINE: problem; what to do" in err.
 * API
 *	conf_default(c)			defaults, no strings set.
 *	conf_load(path, c, err, errlen)	read path over the defaults;
 *					PM_OK, PM_EIO or PM_ECONFIG.
 *	conf_fini(c)			free the strings.
 *	conf_mask_style(name, &style)	"first6last4" | "last4"; 0 if ok.
 *	conf_on_error_str(v)		"tempfail", "reject", "accept".
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>

#include "pan_mask.h"
#include "pm_limits.h"
#include "pm_status.h"

#define CONF_DEFAULT_PATH	"/etc/panmilter/panmilter.conf"

enum conf_on_error {
	CONF_ON_ERROR_TEMPFAIL = 0,
	CONF_ON_ERROR_REJECT,
	CONF_ON_ERROR_ACCEPT
};

struct conf {
	char *path;			/* the file read, or NULL */
	char *socket;			/* libmilter spec: unix:/p, inet:p@h */
	char *user, *group;		/* drop to these after the socket */
	char *pidfile;
	char *policy;			/* policy file */
	char *keyring;			/* keyring directory */
	char *token_key_file;		/* NULL: no tokens */
	enum conf_on_error on_error;
	unsigned timeout;		/* milter protocol timeout, seconds */
	char *log_facility;		/* syslog facility name */
	char *log_level;		/* err, warning, notice, info, debug */
	enum pan_mask_style mask;	/* how PANs are shown */
	int add_header;			/* X-PAN-Control on passed mail */
	int lock_memory;		/* mlockall */
	char *reject_text;		/* reply text templates */
	char *tempfail_text;
	char *encrypt_also;		/* fingerprints, comma/space separated */
	char *quarantine_address;	/* where quarantined mail goes */
	char *quarantine_keys;		/* fingerprints it is encrypted to */
	char *run_dir;			/* private GnuPG homes live here */
	unsigned pgp_helpers;		/* encryption helper processes */
	struct pm_limits lim;
};

void conf_default(struct conf *c);
pm_status conf_load(const char *path, struct conf *c, char *err,
    size_t errlen);
void conf_fini(struct conf *c);
int conf_mask_style(const char *name, enum pan_mask_style *style);
const char *conf_on_error_str(enum conf_on_error v);

#endif
