/*
 * conf - the daemon's configuration file.
 *
 * One table lists every setting with its type and where it goes; the
 * loader walks the file's top-level settings and looks each one up, so an
 * unknown or misspelt setting is reported with its line instead of being
 * ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"

enum conf_type { CONF_STR, CONF_SIZE, CONF_UINT, CONF_MASK, CONF_BOOL,
	CONF_ONERR };

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t off;		/* offset in struct conf */
	unsigned long long min, max;
};

#define LIM(f)	(offsetof(struct conf, lim) + offsetof(struct pm_limits, f))

#define STR(f)	CONF_STR, offsetof(struct conf, f), 0, 0

static const struct conf_key conf_keys[] = {
	{ "socket", STR(socket) },
	{ "user", STR(user) },
	{ "group", STR(group) },
	{ "pidfile", STR(pidfile) },
	{ "policy", STR(policy) },
	{ "keyring", STR(keyring) },
	{ "token_key_file", STR(token_key_file) },
	{ "on_error", CONF_ONERR, offsetof(struct conf, on_error), 0, 0 },
	{ "timeout", CONF_UINT, offsetof(struct conf, timeout), 1, 3600 },
	{ "log_facility", STR(log_facility) },
	{ "log_level", STR(log_level) },
	{ "add_header", CONF_BOOL, offsetof(struct conf, add_header), 0, 0 },
	{ "lock_memory", CONF_BOOL, offsetof(struct conf, lock_memory), 0, 0 },
	{ "reject_text", STR(reject_text) },
	{ "tempfail_text", STR(tempfail_text) },
	{ "encrypt_also", STR(encrypt_also) },
	{ "quarantine_address", STR(quarantine_address) },
	{ "quarantine_keys", STR(quarantine_keys) },
	{ "run_dir", STR(run_dir) },
	{ "pgp_helpers", CONF_UINT, offsetof(struct conf, pgp_helpers), 1, 16 },
	{ "mask", CONF_MASK, offsetof(struct conf, mask), 0, 0 },
	{ "max_message_size", CONF_SIZE, LIM(max_message_size), 1024,
	  1ULL << 32 },
	{ "max_depth", CONF_UINT, LIM(max_depth), 1, 256 },
	{ "max_parts", CONF_UINT, LIM(max_parts), 1, 1000000 },
	{ "max_decoded_size", CONF_SIZE, LIM(max_decoded_size), 1024,
	  1ULL << 34 },
	{ "max_archive_entries", CONF_UINT, LIM(max_archive_entries), 1,
	  1000000 },
	{ "max_archive_ratio", CONF_UINT, LIM(max_archive_ratio), 2, 100000 },
	{ "max_archive_depth", CONF_UINT, LIM(max_archive_depth), 0, 32 },
	{ "scan_timeout", CONF_UINT, LIM(scan_timeout), 0, 3600 },
};

/* conf_default - every setting at its default */
void
conf_default(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->mask = PAN_MASK_FIRST6LAST4;
	c->on_error = CONF_ON_ERROR_TEMPFAIL;
	c->timeout = 300;
	c->pgp_helpers = 2;
	pm_limits_default(&c->lim);
}

/* conf_fini - free the strings */
void
conf_fini(struct conf *c)
{
	size_t k;

	for (k = 0; k < sizeof(conf_keys) / sizeof(conf_keys[0]); k++)
		if (conf_keys[k].type == CONF_STR) {
			char **p = (char **)((char *)c + conf_keys[k].off);

			free(*p);
			*p = NULL;
		}
	free(c->path);
	c->path = NULL;
}

/* conf_on_error_str - the setting's value names */
const char *
conf_on_error_str(enum conf_on_error v)
{
	switch (v) {
	case CONF_ON_ERROR_REJECT:	return "reject";
	case CONF_ON_ERROR_ACCEPT:	return "accept";
	default:			return "tempfail";
	}
}

/* conf_mask_style - parse a mask style name */
int
conf_mask_style(const char *name, enum pan_mask_style *style)
{
	if (strcmp(name, "first6last4") == 0)
		*style = PAN_MASK_FIRST6LAST4;
	else if (strcmp(name, "last4") == 0)
		*style = PAN_MASK_LAST4;
	else
		return -1;
	return 0;
}

/* conf_set - store one setting; 0 or -1 with err filled */
static int
conf_set(struct conf *c, const struct conf_key *k, config_setting_t *s,
    const char *file, char *err, size_t errlen)
{
	int line = config_setting_source_line(s);
	char *base = (char *)c;
	long long v;
	const char *str;

	if (k->type == CONF_BOOL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			goto type;
		*(int *)(base + k->off) = config_setting_get_bool(s);
		return 0;
	}
	if (k->type == CONF_ONERR) {
		if ((str = config_setting_get_string(s)) == NULL)
			goto type;
		if (strcmp(str, "tempfail") == 0)
			*(enum conf_on_error *)(base + k->off) =
			    CONF_ON_ERROR_TEMPFAIL;
		else if (strcmp(str, "reject") == 0)
			*(enum conf_on_error *)(base + k->off) =
			    CONF_ON_ERROR_REJECT;
		else if (strcmp(str, "accept") == 0)
			*(enum conf_on_error *)(base + k->off) =
			    CONF_ON_ERROR_ACCEPT;
		else {
			snprintf(err, errlen, "%s:%d: on_error: unknown value"
			    " \"%.40s\"; use \"tempfail\" (recommended),"
			    " \"reject\" or \"accept\"", file, line, str);
			return -1;
		}
		return 0;
	}
	if (k->type == CONF_STR || k->type == CONF_MASK) {
		if ((str = config_setting_get_string(s)) == NULL)
			goto type;
		if (k->type == CONF_MASK) {
			if (conf_mask_style(str, (enum pan_mask_style *)(base
			    + k->off)) == 0)
				return 0;
			snprintf(err, errlen, "%s:%d: %s: unknown mask \"%.40s\";"
			    " use \"first6last4\" or \"last4\"", file, line,
			    k->name, str);
			return -1;
		}
		free(*(char **)(base + k->off));
		if ((*(char **)(base + k->off) = strdup(str)) == NULL)
			goto type;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT
	    && config_setting_type(s) != CONFIG_TYPE_INT64)
		goto type;
	v = config_setting_get_int64(s);
	if (v < 0 || (unsigned long long)v < k->min
	    || (unsigned long long)v > k->max) {
		snprintf(err, errlen, "%s:%d: %s = %lld is out of range; use a"
		    " value from %llu to %llu", file, line, k->name, v, k->min,
		    k->max);
		return -1;
	}
	if (k->type == CONF_SIZE)
		*(size_t *)(base + k->off) = (size_t)v;
	else
		*(unsigned *)(base + k->off) = (unsigned)v;
	return 0;
type:
	snprintf(err, errlen, "%s:%d: %s has the wrong type; it takes %s",
	    file, line, k->name, k->type == CONF_STR
	    || k->type == CONF_ONERR ? "a quoted string"
	    : k->type == CONF_BOOL ? "true or false"
	    : k->type == CONF_MASK ? "\"first6last4\" or \"last4\""
	    : "a whole number");
	return -1;
}

/* conf_load - read a configuration file over the defaults */
pm_status
conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	config_t cf;
	config_setting_t *root, *s;
	pm_status st = PM_OK;
	FILE *fp;
	int i, n;
	size_t k;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s; check the path"
		    " given with -c", path, strerror(errno));
		return PM_EIO;
	}
	config_init(&cf);
	if (config_read(&cf, fp) != CONFIG_TRUE) {
		snprintf(err, errlen, "%s:%d: %s; fix the syntax (settings"
		    " look like: name = value;)", path,
		    config_error_line(&cf), config_error_text(&cf));
		st = PM_ECONFIG;
		goto out;
	}
	root = config_root_setting(&cf);
	n = config_setting_length(root);
	for (i = 0; i < n && st == PM_OK; i++) {
		s = config_setting_get_elem(root, (unsigned)i);
		for (k = 0; k < sizeof(conf_keys) / sizeof(conf_keys[0]); k++)
			if (strcmp(conf_keys[k].name,
			    config_setting_name(s)) == 0)
				break;
		if (k == sizeof(conf_keys) / sizeof(conf_keys[0])) {
			snprintf(err, errlen, "%s:%d: unknown setting \"%s\";"
			    " see panmilter.conf(5) for the settings", path,
			    config_setting_source_line(s),
			    config_setting_name(s));
			st = PM_ECONFIG;
		} else if (conf_set(c, &conf_keys[k], s, path, err,
		    errlen) < 0)
			st = PM_ECONFIG;
	}
	if (st == PM_OK && (c->path = strdup(path)) == NULL)
		st = PM_ENOMEM;
out:
	config_destroy(&cf);
	fclose(fp);
	return st;
}
