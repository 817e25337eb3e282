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
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>

#include "pan_mask.h"
#include "pm_limits.h"
#include "pm_status.h"

#define CONF_DEFAULT_PATH	"/etc/panmilter/panmilter.conf"

struct conf {
	char *path;			/* the file read, or NULL */
	char *token_key_file;		/* NULL: no tokens */
	enum pan_mask_style mask;	/* log/scan mask style */
	struct pm_limits lim;
};

void conf_default(struct conf *c);
pm_status conf_load(const char *path, struct conf *c, char *err,
    size_t errlen);
void conf_fini(struct conf *c);
int conf_mask_style(const char *name, enum pan_mask_style *style);

#endif
