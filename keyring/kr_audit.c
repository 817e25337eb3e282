/*
 * kr_audit - hash chain over the audit log.
 *
 * The hash covers the escaped text of the line up to PREV, so what is
 * verified is exactly the bytes on disk, with no re-encoding step that
 * could hide an edit. Verification works on the whole file in memory:
 * the log grows by a few hundred bytes per change, so even a keyring
 * with years of history verifies in milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kr_audit.h"
#include "kr_store.h"

#define KR_AUDIT_ZERO \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* kr_audit_sha256 - upper-case hex SHA-256 of p[0..n) into hex */
static pm_status
kr_audit_sha256(const char *p, size_t n, char hex[KR_HASH_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return PM_ECRYPTO;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	return PM_OK;
}

/* kr_audit_format - hash e and render its line (newline included) */
pm_status
kr_audit_format(struct kr_audit_entry *e, char *line, size_t linelen)
{
	char f[5][KR_AUDIT_DETAIL_MAX * 3 + 1];
	const char *src[5] = { e->time, e->os_user, e->by, e->action,
		e->detail };
	int n, i;

	for (i = 0; i < 5; i++) {
		if (kr_state_escape(src[i], f[i], sizeof(f[i])) != 0)
			return PM_ELIMIT;
	}
	if (e->prev[0] == '\0')
		memcpy(e->prev, KR_AUDIT_ZERO, KR_HASH_HEX);
	n = snprintf(line, linelen, "%lld\t%s\t%s\t%s\t%s\t%s\t%s",
	    (long long)e->seq, f[0], f[1], f[2], f[3], f[4], e->prev);
	if (n < 0 || (size_t)n + KR_HASH_HEX + 2 > linelen)
		return PM_ELIMIT;
	if (kr_audit_sha256(line, (size_t)n, e->hash) != PM_OK)
		return PM_ECRYPTO;
	snprintf(line + n, linelen - (size_t)n, "\t%s\n", e->hash);
	return PM_OK;
}

/* kr_audit_field - copy the next TAB-separated field, unescaped */
static int
kr_audit_field(const char **p, const char *end, char *out, size_t outlen)
{
	const char *tab = NULL, *fe = NULL;

	if (*p > end)
		return -1;	/* the previous field was the last */
	tab = memchr(*p, '\t', (size_t)(end - *p));
	fe = tab == NULL ? end : tab;
	if (kr_state_unescape(*p, (size_t)(fe - *p), out, outlen) != NULL)
		return -1;
	*p = tab == NULL ? end + 1 : tab + 1;
	return 0;
}

/* kr_audit_parse - one log line (no newline) into e */
int
kr_audit_parse(const char *line, size_t len, struct kr_audit_entry *e)
{
	const char *p = line, *end = line + len;
	char seq[24];
	char *q = NULL;
	long long v;

	memset(e, 0, sizeof(*e));
	if (kr_audit_field(&p, end, seq, sizeof(seq)) != 0 ||
	    kr_audit_field(&p, end, e->time, sizeof(e->time)) != 0 ||
	    kr_audit_field(&p, end, e->os_user, sizeof(e->os_user)) != 0 ||
	    kr_audit_field(&p, end, e->by, sizeof(e->by)) != 0 ||
	    kr_audit_field(&p, end, e->action, sizeof(e->action)) != 0 ||
	    kr_audit_field(&p, end, e->detail, sizeof(e->detail)) != 0 ||
	    kr_audit_field(&p, end, e->prev, sizeof(e->prev)) != 0 ||
	    kr_audit_field(&p, end, e->hash, sizeof(e->hash)) != 0 ||
	    p != end + 1)
		return -1;
	errno = 0;
	v = strtoll(seq, &q, 10);
	if (errno != 0 || q == seq || *q != '\0' || v < 1)
		return -1;
	e->seq = v;
	if (strlen(e->prev) != 64 || strlen(e->hash) != 64)
		return -1;
	return 0;
}

/* kr_audit_time - ISO 8601 UTC text of t */
static void
kr_audit_time(int64_t t, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "@%lld", (long long)t);
}

/* kr_audit_append - append the next entry and advance the state's head */
pm_status
kr_audit_append(const char *dir, struct kr_state *st, const char *os_user,
    const char *by, const char *action, const char *detail, int64_t now,
    off_t *oldsize, char *err, size_t errlen)
{
	struct kr_audit_entry e;
	char path[KR_STORE_PATH_MAX], line[KR_AUDIT_LINE_MAX];
	off_t end;
	ssize_t w;
	size_t n;
	int fd = -1;
	pm_status rc = PM_EIO;

	memset(&e, 0, sizeof(e));
	e.seq = st->audit_seq + 1;
	kr_audit_time(now, e.time, sizeof(e.time));
	snprintf(e.os_user, sizeof(e.os_user), "%s", os_user);
	snprintf(e.by, sizeof(e.by), "%s", by);
	snprintf(e.action, sizeof(e.action), "%s", action);
	snprintf(e.detail, sizeof(e.detail), "%s", detail);
	memcpy(e.prev, st->audit_head[0] ? st->audit_head : KR_AUDIT_ZERO,
	    KR_HASH_HEX);
	rc = kr_audit_format(&e, line, sizeof(line));
	if (rc != PM_OK) {
		snprintf(err, errlen, "%s/%s: entry too long", dir,
		    KR_STORE_AUDIT);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, KR_STORE_AUDIT);
	rc = PM_EIO;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || (end = lseek(fd, 0, SEEK_END)) < 0)
		goto fail;
	*oldsize = end;
	n = strlen(line);
	w = write(fd, line, n);
	if (w != (ssize_t)n || fsync(fd) != 0) {
		if (w > 0 && ftruncate(fd, end) != 0)
			w = -1;	/* reported below */
		goto fail;
	}
	close(fd);
	st->audit_seq = e.seq;
	memcpy(st->audit_head, e.hash, KR_HASH_HEX);
	return PM_OK;
fail:
	snprintf(err, errlen, "%s: %s; nothing was changed", path,
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* kr_audit_rollback - cut the log back to oldsize */
void
kr_audit_rollback(const char *dir, off_t oldsize)
{
	char path[KR_STORE_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, KR_STORE_AUDIT);
	if (truncate(path, oldsize) != 0)
		return;	/* verify will then report the extra entry */
}

struct kr_audit_line {
	const char *p;
	size_t len;
};

/* kr_audit_split - index the lines of buf; -1 on a missing newline */
static int
kr_audit_split(const char *buf, size_t len, struct kr_audit_line **out,
    size_t *nout)
{
	struct kr_audit_line *v = NULL;
	const char *p = buf, *end = buf + len, *nl = NULL;
	size_t n = 0, cap = 0;

	for (nl = buf; nl < end; nl++)
		cap += *nl == '\n';
	v = calloc(cap + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			free(v);
			return -2;
		}
		v[n].p = p;
		v[n].len = (size_t)(nl - p);
		n++;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* kr_audit_seq_line - 1-based line holding entry seq, or 0 */
static size_t
kr_audit_seq_line(const struct kr_audit_line *v, size_t n, int64_t seq)
{
	struct kr_audit_entry e;
	size_t i;

	for (i = 0; i < n; i++) {
		if (kr_audit_parse(v[i].p, v[i].len, &e) == 0 && e.seq == seq)
			return i + 1;
	}
	return 0;
}

/* kr_audit_check_one - checks of entry i (0-based); 0 or -1 with why */
static int
kr_audit_check_one(const struct kr_audit_line *v, size_t n, size_t i,
    const char *prev, struct kr_audit_entry *e, char *why, size_t whylen)
{
	char hex[KR_HASH_HEX];
	const char *tab = NULL;
	size_t at, want = i + 1;

	if (kr_audit_parse(v[i].p, v[i].len, e) != 0) {
		snprintf(why, whylen, "line %zu: not an audit entry (damaged "
		    "or inserted)", want);
		return -1;
	}
	tab = v[i].p + v[i].len - KR_HASH_HEX;	/* the TAB before HASH */
	if (kr_audit_sha256(v[i].p, (size_t)(tab - v[i].p), hex) != PM_OK ||
	    strcmp(hex, e->hash) != 0) {
		snprintf(why, whylen, "entry %lld (line %zu): its hash does "
		    "not match its content: the entry was edited",
		    (long long)e->seq, want);
		return -1;
	}
	if (e->seq != (int64_t)want) {
		at = kr_audit_seq_line(v, n, (int64_t)want);
		if (at == 0)
			snprintf(why, whylen, "entry %zu is missing: it was "
			    "deleted (line %zu holds entry %lld)", want, want,
			    (long long)e->seq);
		else
			snprintf(why, whylen, "line %zu holds entry %lld and "
			    "entry %zu is on line %zu: entries were reordered",
			    want, (long long)e->seq, want, at);
		return -1;
	}
	if (strcmp(e->prev, prev) != 0) {
		snprintf(why, whylen, "entry %zu (line %zu): its link does not "
		    "match the hash of entry %zu: an earlier entry was "
		    "edited, deleted or replaced", want, want, want - 1);
		return -1;
	}
	return 0;
}

/* kr_audit_verify - check the whole chain against the state's head */
int
kr_audit_verify(const char *buf, size_t len, int64_t want_seq,
    const char *want_head, char *why, size_t whylen)
{
	struct kr_audit_line *v = NULL;
	struct kr_audit_entry e;
	char prev[KR_HASH_HEX];
	size_t n = 0, i;
	int rc = -1, r;

	memcpy(prev, KR_AUDIT_ZERO, KR_HASH_HEX);
	r = kr_audit_split(buf, len, &v, &n);
	if (r != 0) {
		snprintf(why, whylen, r == -2 ? "the last line is incomplete "
		    "(no newline): the log was cut or edited" :
		    "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (kr_audit_check_one(v, n, i, prev, &e, why, whylen) != 0)
			goto out;
		memcpy(prev, e.hash, KR_HASH_HEX);
	}
	if ((int64_t)n < want_seq) {
		snprintf(why, whylen, "the log ends at entry %zu but the state "
		    "records %lld entries: entries %zu to %lld were deleted",
		    n, (long long)want_seq, n + 1, (long long)want_seq);
	} else if ((int64_t)n > want_seq) {
		snprintf(why, whylen, "entry %lld (line %lld) and later are "
		    "not recorded in the state: an interrupted change or "
		    "forged entries", (long long)want_seq + 1,
		    (long long)want_seq + 1);
	} else if (n > 0 && strcmp(prev, want_head) != 0) {
		snprintf(why, whylen, "entry %zu (line %zu): its hash differs "
		    "from the one the state records: the log was replaced",
		    n, n);
	} else {
		rc = 0;
	}
out:
	free(v);
	return rc;
}
