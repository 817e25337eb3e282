/*
 * NAME
 *	pol_diag - the list of "file:line: what is wrong; what to do"
 *	messages produced while loading and checking a policy
 * OWNS
 *	A growable array of messages; each message owns its file name and
 *	text (heap). The list is freed with pol_diags_fini.
 * PROMISES
 *	- No message ever contains a card number: every text passes
 *	  pol_diag_safe, which replaces any 13-19 digit Luhn-valid run
 *	  (digits, optionally separated by spaces or dashes) before it is
 *	  stored.
 *	- Messages keep the order in which they were found.
 * API
 *	pol_diags_init(d) / pol_diags_fini(d)	embedded lifecycle.
 *	pol_diag_add(d, sev, file, line, fmt, ...)	append one message;
 *				file may be NULL (no location). PM_ENOMEM.
 *	pol_diags_errors(d)	number of POL_DIAG_ERROR messages.
 *	pol_diags_sort(d, from)	order the messages from index from on
 *				by file (in order of first appearance) and
 *				line, keeping the order of equal lines.
 *	pol_diags_print(d, fp)	one line each: "file:line: text".
 *	pol_diag_safe(s, out, outlen)	copy s to out, hiding card numbers.
 *	pol_diag_looks_like_pan(s)	1 when s holds a 13-19 digit
 *				Luhn-valid run (separators: space, '-').
 * LIMITS
 *	A message is cut at POL_DIAG_MAX bytes.
 */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "pm_status.h"

#define POL_DIAG_MAX	512

enum pol_diag_sev {
	POL_DIAG_ERROR = 0,
	POL_DIAG_WARNING
};

struct pol_diag {
	enum pol_diag_sev sev;
	char *file;		/* NULL: no location */
	unsigned line;
	char *text;
};

struct pol_diags {
	size_t n;
	size_t cap;
	struct pol_diag *v;
};

void pol_diags_init(struct pol_diags *d);
void pol_diags_fini(struct pol_diags *d);
pm_status pol_diag_add(struct pol_diags *d, enum pol_diag_sev sev,
    const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
size_t pol_diags_errors(const struct pol_diags *d);
void pol_diags_sort(struct pol_diags *d, size_t from);
void pol_diags_print(const struct pol_diags *d, FILE *fp);
void pol_diag_safe(const char *s, char *out, size_t outlen);
int pol_diag_looks_like_pan(const char *s);

#endif
