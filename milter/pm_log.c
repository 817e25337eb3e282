/*
 * pm_log - the one place lines leave the process for the log.
 *
 * The tripwire costs one detector pass over a ~200-byte line; it is a
 * second line of defence behind the typed key=value builders.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "pan_detect.h"
#include "pm_log.h"

static int log_stderr = 1;
static int log_max = LOG_INFO;
static atomic_ulong tripwire;

static const struct {
	const char *name;
	int v;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
}, levels[] = {
	{ "err", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

/* pm_log_lookup - a name in a table; -1 if absent */
static int
pm_log_lookup(const char *name, int which)
{
	size_t i, n = which ? sizeof(levels) / sizeof(levels[0])
	    : sizeof(facilities) / sizeof(facilities[0]);

	for (i = 0; i < n; i++)
		if (strcasecmp(name, which ? levels[i].name
		    : facilities[i].name) == 0)
			return which ? levels[i].v : facilities[i].v;
	return -1;
}

/* pm_log_open - choose the sink; call once before threads start */
int
pm_log_open(const char *ident, const char *facility, int to_stderr,
    const char *level)
{
	int fac = pm_log_lookup(facility ? facility : "mail", 0);
	int lev = pm_log_lookup(level ? level : "info", 1);

	if (fac < 0 || lev < 0)
		return -1;
	log_stderr = to_stderr;
	log_max = lev;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, fac);
	return 0;
}

/* pm_log_tripwire_guard - count and report a line holding a PAN */
int
pm_log_tripwire_guard(const char *s)
{
	if (!pan_detect_has_pan(s, strlen(s)))
		return 0;
	atomic_fetch_add(&tripwire, 1);
	return 1;
}

/* pm_log_tripwire_count - lines suppressed so far */
unsigned long
pm_log_tripwire_count(void)
{
	return atomic_load(&tripwire);
}

/* pm_log - format, check, and write one line; -1 when stderr refused it */
int
pm_log(int level, const char *fmt, ...)
{
	char line[PM_KV_MAX + 512];
	const char *out = line;
	va_list ap;
	size_t i;

	if (level > log_max)
		return 0;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	if (pm_log_tripwire_guard(line))
		out = "suppressed: would contain card data (bug); please report";
	if (log_stderr)
		return fprintf(stderr, "panmilter[%ld]: %s\n", (long)getpid(),
		    out) < 0 || fflush(stderr) != 0 ? -1 : 0;
	syslog(level, "%s", out);	/* no error report from syslog(3) */
	return 0;
}

/* pm_kv_init - empty line */
void
pm_kv_init(struct pm_kv *kv)
{
	kv->n = 0;
	kv->full = 0;
	kv->buf[0] = 0;
}

/* pm_kv_put - append bytes, marking truncation */
static void
pm_kv_put(struct pm_kv *kv, const char *s, size_t n)
{
	if (kv->full)
		return;
	if (kv->n + n + 4 >= sizeof(kv->buf)) {
		memcpy(kv->buf + kv->n, "...", 4);
		kv->n += 3;
		kv->full = 1;
		return;
	}
	memcpy(kv->buf + kv->n, s, n);
	kv->n += n;
	kv->buf[kv->n] = 0;
}

/* pm_kv_key - " key=" */
static void
pm_kv_key(struct pm_kv *kv, const char *key)
{
	if (kv->n > 0)
		pm_kv_put(kv, " ", 1);
	pm_kv_put(kv, key, strlen(key));
	pm_kv_put(kv, "=", 1);
}

/* pm_kv_str - a safe string value, escaped and quoted when needed */
void
pm_kv_str(struct pm_kv *kv, const char *key, const char *val)
{
	char esc[8];
	int quote = val[0] == 0 || strpbrk(val, " \"=") != NULL;
	const unsigned char *p;

	pm_kv_key(kv, key);
	if (quote)
		pm_kv_put(kv, "\"", 1);
	for (p = (const unsigned char *)val; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\') {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			pm_kv_put(kv, esc, 4);
		} else
			pm_kv_put(kv, (const char *)p, 1);
	}
	if (quote)
		pm_kv_put(kv, "\"", 1);
}

/* pm_kv_uint - a number */
void
pm_kv_uint(struct pm_kv *kv, const char *key, unsigned long long v)
{
	char num[24];

	pm_kv_key(kv, key);
	snprintf(num, sizeof(num), "%llu", v);
	pm_kv_put(kv, num, strlen(num));
}

/* pm_kv_masked - a comma-separated list of masked PANs */
void
pm_kv_masked(struct pm_kv *kv, const char *key,
    const struct pan_masked *const *m, size_t n)
{
	size_t i;

	pm_kv_key(kv, key);
	if (n == 0)
		pm_kv_put(kv, "-", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			pm_kv_put(kv, ",", 1);
		pm_kv_put(kv, m[i]->s, strlen(m[i]->s));
	}
}
