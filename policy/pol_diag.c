/*
 * pol_diag - policy messages. Texts are formatted once into a bounded
 * buffer, scrubbed of anything that looks like a card number, then
 * copied to the heap. The array grows by allocate-copy-free: it holds
 * policy text only, never message bytes.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pol_diag.h"

#define POL_DIAG_HIDDEN	"(card number hidden)"

/* pol_diags_init - empty list */
void
pol_diags_init(struct pol_diags *d)
{
	memset(d, 0, sizeof(*d));
}

/* pol_diags_fini - free every message and the array */
void
pol_diags_fini(struct pol_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].text);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* pol_diag_luhn - 1 when the n digits pass the Luhn check */
static int
pol_diag_luhn(const char *dg, size_t n)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v = (unsigned)(dg[n - 1 - i] - '0');

		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/*
 * pol_diag_pan_run - length in bytes of a card-number-like run at s (0
 * when none): digits with single space/dash separators, 13-19 digits,
 * Luhn-valid, not glued to another digit.
 */
static size_t
pol_diag_pan_run(const char *s)
{
	char dg[20];
	size_t nd = 0, i = 0, end = 0;

	while (s[i] != '\0') {
		if (isdigit((unsigned char)s[i])) {
			if (nd == sizeof(dg) - 1)
				return 0;	/* too long for a PAN */
			dg[nd++] = s[i++];
			end = i;
		} else if ((s[i] == ' ' || s[i] == '-') && nd > 0 &&
		    isdigit((unsigned char)s[i + 1])) {
			i++;
		} else {
			break;
		}
	}
	if (nd < 13 || nd > 19 || !pol_diag_luhn(dg, nd))
		return 0;
	return end;
}

/* pol_diag_safe - copy s to out, replacing card-number-like runs */
void
pol_diag_safe(const char *s, char *out, size_t outlen)
{
	size_t o = 0, run;
	int prev_digit = 0;

	if (outlen == 0)
		return;
	while (*s != '\0' && o + 1 < outlen) {
		run = prev_digit ? 0 : pol_diag_pan_run(s);
		if (run > 0) {
			size_t hl = strlen(POL_DIAG_HIDDEN);

			if (o + hl >= outlen)
				break;
			memcpy(out + o, POL_DIAG_HIDDEN, hl);
			o += hl;
			s += run;
			prev_digit = 0;
			continue;
		}
		prev_digit = isdigit((unsigned char)*s) != 0;
		out[o++] = *s++;
	}
	out[o] = '\0';
}

/* pol_diag_looks_like_pan - 1 when s holds a card-number-like run */
int
pol_diag_looks_like_pan(const char *s)
{
	int prev_digit = 0;

	for (; *s != '\0'; s++) {
		if (!prev_digit && pol_diag_pan_run(s) > 0)
			return 1;
		prev_digit = isdigit((unsigned char)*s) != 0;
	}
	return 0;
}

/* pol_diag_grow - make room for one more message */
static pm_status
pol_diag_grow(struct pol_diags *d)
{
	struct pol_diag *nv = NULL;
	size_t ncap;

	if (d->n < d->cap)
		return PM_OK;
	ncap = d->cap == 0 ? 8 : d->cap * 2;
	nv = calloc(ncap, sizeof(*nv));
	if (nv == NULL)
		return PM_ENOMEM;
	if (d->n > 0)
		memcpy(nv, d->v, d->n * sizeof(*nv));
	free(d->v);
	d->v = nv;
	d->cap = ncap;
	return PM_OK;
}

/* pol_diag_add - format, scrub and append one message */
pm_status
pol_diag_add(struct pol_diags *d, enum pol_diag_sev sev, const char *file,
    unsigned line, const char *fmt, ...)
{
	char raw[POL_DIAG_MAX], safe[POL_DIAG_MAX];
	struct pol_diag *m = NULL;
	va_list ap;

	if (d == NULL)
		return PM_OK;
	if (pol_diag_grow(d) != PM_OK)
		return PM_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	pol_diag_safe(raw, safe, sizeof(safe));
	m = &d->v[d->n];
	m->sev = sev;
	m->line = line;
	m->file = file != NULL ? strdup(file) : NULL;
	m->text = strdup(safe);
	if (m->text == NULL || (file != NULL && m->file == NULL)) {
		free(m->file);
		free(m->text);
		memset(m, 0, sizeof(*m));
		return PM_ENOMEM;
	}
	d->n++;
	return PM_OK;
}

/* pol_diags_errors - count the errors (warnings do not count) */
size_t
pol_diags_errors(const struct pol_diags *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == POL_DIAG_ERROR)
			n++;
	return n;
}

/* pol_diag_file_rank - index of the first message naming the same file */
static size_t
pol_diag_file_rank(const struct pol_diags *d, size_t from, size_t i)
{
	size_t j;

	for (j = from; j < i; j++)
		if (d->v[j].file != NULL && d->v[i].file != NULL &&
		    strcmp(d->v[j].file, d->v[i].file) == 0)
			return j;
	return i;
}

/* pol_diags_sort - stable insertion sort by (file rank, line) */
void
pol_diags_sort(struct pol_diags *d, size_t from)
{
	size_t i, j, *rank = NULL;
	struct pol_diag tmp;
	size_t rt;

	if (d == NULL || d->n <= from + 1 || d->n - from > 4096)
		return;
	rank = calloc(d->n, sizeof(*rank));
	if (rank == NULL)
		return;
	for (i = from; i < d->n; i++)
		rank[i] = pol_diag_file_rank(d, from, i);
	for (i = from + 1; i < d->n; i++) {
		tmp = d->v[i];
		rt = rank[i];
		for (j = i; j > from && (rank[j - 1] > rt ||
		    (rank[j - 1] == rt && d->v[j - 1].line > tmp.line)); j--) {
			d->v[j] = d->v[j - 1];
			rank[j] = rank[j - 1];
		}
		d->v[j] = tmp;
		rank[j] = rt;
	}
	free(rank);
}

/* pol_diags_print - one "file:line: text" line per message */
void
pol_diags_print(const struct pol_diags *d, FILE *fp)
{
	size_t i;

	char f[POL_DIAG_MAX];

	for (i = 0; i < d->n; i++) {
		const struct pol_diag *m = &d->v[i];
		const char *w = m->sev == POL_DIAG_WARNING ? "warning: " : "";

		if (m->file != NULL)
			pol_diag_safe(m->file, f, sizeof(f));
		if (m->file != NULL && m->line > 0)
			fprintf(fp, "%s:%u: %s%s\n", f, m->line, w, m->text);
		else if (m->file != NULL)
			fprintf(fp, "%s: %s%s\n", f, w, m->text);
		else
			fprintf(fp, "%s%s\n", w, m->text);
	}
}
