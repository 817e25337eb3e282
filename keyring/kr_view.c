/*
 * kr_view - an immutable, sorted copy of the active enrollments.
 *
 * The view copies what a lookup needs and drops the rest of the state
 * (custodians, history), so a message holds a few kilobytes at most.
 * Lookup is a binary search for the first entry of an address, then a
 * walk over its run: one address may have several active keys (a key
 * roll-over), and the message is then encrypted to all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <idn2.h>

#include "kr_key.h"
#include "kr_state.h"
#include "kr_store.h"
#include "kr_view.h"

struct kr_view_ent {
	char addr[KR_ADDR_MAX];
	char fpr[KR_FPR_MAX];
	int64_t expires;
};

struct kr_view {
	char dir[KR_STORE_PATH_MAX];
	int64_t generation;
	struct kr_view_ent *ent;
	size_t n;
};

/* kr_view_trim - copy in without blanks and angle brackets, lower-cased */
static pm_status
kr_view_trim(const char *in, char *out, size_t outlen)
{
	const char *e = in + strlen(in);
	size_t n, i;

	while (*in == ' ' || *in == '\t' || *in == '<')
		in++;
	while (e > in && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '>'))
		e--;
	n = (size_t)(e - in);
	if (n + 1 > outlen)
		return PM_ECONFIG;
	for (i = 0; i < n; i++) {
		char c = in[i];

		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	return PM_OK;
}

/* kr_view_idn - replace a non-ASCII domain (at dom) by its A-label */
static pm_status
kr_view_idn(char *dom, size_t room)
{
	char *alabel = NULL;
	const char *p = NULL;
	int rc;

	for (p = dom; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0')
		return PM_OK;
	rc = idn2_lookup_u8((const uint8_t *)dom, (uint8_t **)&alabel,
	    IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
		rc = idn2_lookup_u8((const uint8_t *)dom, (uint8_t **)&alabel,
		    IDN2_TRANSITIONAL);
	if (rc != IDN2_OK || strlen(alabel) + 1 > room) {
		idn2_free(alabel);
		return PM_ECONFIG;
	}
	memcpy(dom, alabel, strlen(alabel) + 1);
	idn2_free(alabel);
	return PM_OK;
}

/* kr_view_addr_norm - the normal form of a recipient address */
pm_status
kr_view_addr_norm(const char *in, char *out, size_t outlen)
{
	char *at = NULL, *plus = NULL;
	size_t n;

	if (kr_view_trim(in, out, outlen) != PM_OK)
		return PM_ECONFIG;
	at = strrchr(out, '@');
	if (at == NULL)
		return PM_OK;
	plus = memchr(out, '+', (size_t)(at - out));
	if (plus != NULL && plus != out) {
		memmove(plus, at, strlen(at) + 1);
		at = plus;
	}
	n = strlen(at + 1);
	if (n > 0 && at[n] == '.')
		at[n] = '\0';
	return kr_view_idn(at + 1, outlen - (size_t)(at + 1 - out));
}

/* kr_view_cmp - order entries by address, then fingerprint */
static int
kr_view_cmp(const void *a, const void *b)
{
	const struct kr_view_ent *x = a, *y = b;
	int c = strcmp(x->addr, y->addr);

	return c != 0 ? c : strcmp(x->fpr, y->fpr);
}

/* kr_view_build - copy the active enrollments of st into v */
static pm_status
kr_view_build(struct kr_view *v, const struct kr_state *st)
{
	size_t i;

	v->generation = st->generation;
	v->ent = calloc(st->nenr + 1, sizeof(*v->ent));
	if (v->ent == NULL)
		return PM_ENOMEM;
	for (i = 0; i < st->nenr; i++) {
		const struct kr_enroll *e = &st->enr[i];
		struct kr_view_ent *d = &v->ent[v->n];

		if (e->state != KR_ACTIVE)
			continue;
		if (kr_view_addr_norm(e->address, d->addr, sizeof(d->addr))
		    != PM_OK)
			continue;	/* cannot match any recipient */
		memcpy(d->fpr, e->fpr, sizeof(d->fpr));
		d->expires = e->expires;
		v->n++;
	}
	qsort(v->ent, v->n, sizeof(*v->ent), kr_view_cmp);
	return PM_OK;
}

/* kr_view_load - read DIR/state into a new immutable view */
pm_status
kr_view_load(const char *dir, struct kr_view **out, char *err, size_t errlen)
{
	struct kr_store lk = { -1 };
	struct kr_state st;
	struct kr_view *v = NULL;
	pm_status rc;

	*out = NULL;
	kr_state_init(&st);
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		rc = PM_ENOMEM;
		goto out;
	}
	if (snprintf(v->dir, sizeof(v->dir), "%s", dir) >=
	    (int)sizeof(v->dir)) {
		snprintf(err, errlen, "keyring path too long");
		rc = PM_EIO;
		goto out;
	}
	rc = kr_store_lock(&lk, dir, 0, err, errlen);
	if (rc == PM_OK)
		rc = kr_store_load(dir, &st, err, errlen);
	kr_store_unlock(&lk);
	if (rc == PM_OK)
		rc = kr_view_build(v, &st);
	if (rc == PM_OK) {
		*out = v;
		v = NULL;
	}
out:
	kr_state_fini(&st);
	kr_view_free(v);
	return rc;
}

/* kr_view_free - free a view; NULL is fine */
void
kr_view_free(struct kr_view *v)
{
	if (v == NULL)
		return;
	free(v->ent);
	free(v);
}

/* kr_view_first - index of the first entry for addr, or v->n */
static size_t
kr_view_first(const struct kr_view *v, const char *addr)
{
	size_t lo = 0, hi = v->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v->ent[mid].addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* kr_view_keys_for_at - usable fingerprints for addr at time now */
size_t
kr_view_keys_for_at(const struct kr_view *v, const char *addr, int64_t now,
    const char **fprs, size_t max)
{
	char norm[KR_ADDR_MAX];
	size_t i, n = 0;

	if (v == NULL || kr_view_addr_norm(addr, norm, sizeof(norm)) != PM_OK)
		return 0;
	for (i = kr_view_first(v, norm); i < v->n &&
	    strcmp(v->ent[i].addr, norm) == 0; i++) {
		if (v->ent[i].expires != 0 && v->ent[i].expires <= now)
			continue;
		if (n < max)
			fprs[n] = v->ent[i].fpr;
		n++;
	}
	return n;
}

/* kr_view_keys_for - usable fingerprints for addr now */
size_t
kr_view_keys_for(const struct kr_view *v, const char *addr,
    const char **fprs, size_t max)
{
	return kr_view_keys_for_at(v, addr, (int64_t)time(NULL), fprs, max);
}

/* kr_view_has_key - 1 when addr has at least one usable key now */
int
kr_view_has_key(const struct kr_view *v, const char *addr)
{
	return kr_view_keys_for(v, addr, NULL, 0) > 0;
}

/* kr_view_count - active enrollments in the view */
size_t
kr_view_count(const struct kr_view *v)
{
	return v == NULL ? 0 : v->n;
}

/* kr_view_generation - the state's change counter at load time */
int64_t
kr_view_generation(const struct kr_view *v)
{
	return v == NULL ? -1 : v->generation;
}

/* kr_view_export_home - a private GnuPG home with the view's keys */
pm_status
kr_view_export_home(const struct kr_view *v, const char *parent, char *home,
    size_t homelen, char *err, size_t errlen)
{
	char (*paths)[KR_STORE_PATH_MAX] = NULL;
	const char **files = NULL, **fprs = NULL;
	size_t i, j, n = 0;
	pm_status rc = PM_ENOMEM;

	home[0] = '\0';
	paths = calloc(v->n + 1, sizeof(*paths));
	files = calloc(v->n + 1, sizeof(*files));
	fprs = calloc(v->n + 1, sizeof(*fprs));
	if (paths == NULL || files == NULL || fprs == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < v->n; i++) {
		for (j = 0; j < n && strcmp(fprs[j], v->ent[i].fpr) != 0; j++)
			;
		if (j < n)
			continue;	/* one key, several addresses */
		if (kr_store_key_path(v->dir, v->ent[i].fpr, paths[n],
		    sizeof(paths[n])) != PM_OK) {
			snprintf(err, errlen, "%s: path too long", v->dir);
			rc = PM_EIO;
			goto out;
		}
		files[n] = paths[n];
		fprs[n] = v->ent[i].fpr;
		n++;
	}
	rc = kr_key_build_home(parent, files, n, fprs, home, homelen, err,
	    errlen);
out:
	free(paths);
	free(files);
	free(fprs);
	return rc;
}

/* kr_view_remove_home - delete a home made by kr_view_export_home */
void
kr_view_remove_home(const char *home)
{
	kr_key_remove_home(home);
}

/* kr_view_snap_load - pm_snap adapter: path is DIR/state */
int
kr_view_snap_load(const char *state_path, void **obj, char *err,
    size_t errlen)
{
	char dir[KR_STORE_PATH_MAX];
	struct kr_view *v = NULL;
	char *sl = NULL;

	*obj = NULL;
	if (snprintf(dir, sizeof(dir), "%s", state_path) >= (int)sizeof(dir)) {
		snprintf(err, errlen, "keyring path too long");
		return -1;
	}
	sl = strrchr(dir, '/');
	if (sl == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (sl == dir)
		sl[1] = '\0';
	else
		*sl = '\0';
	if (kr_view_load(dir, &v, err, errlen) != PM_OK)
		return -1;
	*obj = v;
	return 0;
}

/* kr_view_snap_free - pm_snap adapter for kr_view_free */
void
kr_view_snap_free(void *obj)
{
	kr_view_free(obj);
}
