/*
 * pol_check - the schema tables and the checks that need the whole
 * policy. Cross-rule checks walk pol->ents, which pol_index sorted by
 * (kind, key, senders first, file order): every rule that could shadow
 * an entry comes before it in the same run, so the checks are
 * O(entries x run length) instead of O(rules^2).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pol_check.h"

static const char *const pol_check_top[] = { "default", "track_data",
    "unscannable", "protected", "min_confidence", "ignore_test_pans",
    "ignore_tokens", "rules", NULL };
static const char *const pol_check_def[] = { "action", "mask",
    "if_no_key", NULL };
static const char *const pol_check_rule[] = { "name", "recipients",
    "senders", "action", "mask", "if_no_key", "min_pans", NULL };

/* pol_check_table - the known names of a context */
static const char *const *
pol_check_table(enum pol_ctx ctx)
{
	switch (ctx) {
	case POL_CTX_TOP:	return pol_check_top;
	case POL_CTX_DEFAULT:	return pol_check_def;
	case POL_CTX_RULE:	return pol_check_rule;
	}
	return pol_check_top;
}

/* pol_check_known - 1 when name is a setting of ctx */
int
pol_check_known(enum pol_ctx ctx, const char *name)
{
	const char *const *t = pol_check_table(ctx);

	for (; *t != NULL; t++)
		if (strcmp(*t, name) == 0)
			return 1;
	return 0;
}

/* pol_check_dist - Levenshtein distance of two short names (cut at 63) */
static size_t
pol_check_dist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (la > 63 || lb > 63)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/* pol_check_suggest - closest known name within distance 2, or NULL */
const char *
pol_check_suggest(enum pol_ctx ctx, const char *name)
{
	const char *const *t = pol_check_table(ctx);
	const char *best = NULL;
	size_t bd = 3, d;

	for (; *t != NULL; t++) {
		d = pol_check_dist(name, *t);
		if (d < bd) {
			bd = d;
			best = *t;
		}
	}
	return best;
}

/* pol_check_known_list - the known names of ctx, comma separated */
const char *
pol_check_known_list(enum pol_ctx ctx)
{
	switch (ctx) {
	case POL_CTX_TOP:
		return "default, track_data, unscannable, protected, "
		    "min_confidence, ignore_test_pans, ignore_tokens, rules";
	case POL_CTX_DEFAULT:
		return "action, mask, if_no_key";
	case POL_CTX_RULE:
		return "name, recipients, senders, action, mask, if_no_key, "
		    "min_pans";
	}
	return "";
}

/* pol_check_token - classify an ignore_tokens entry */
enum pol_token_rc
pol_check_token(const char *s, char out[POL_TOKEN_LEN + 1])
{
	size_t i;

	if (pol_diag_looks_like_pan(s))
		return POL_TOKEN_PAN;
	if (strlen(s) != POL_TOKEN_LEN)
		return POL_TOKEN_BAD;
	for (i = 0; i < POL_TOKEN_LEN; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return POL_TOKEN_BAD;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[POL_TOKEN_LEN] = '\0';
	return POL_TOKEN_OK;
}

/* pol_check_err - one error at a rule's or pattern's location */
#define pol_check_err(d, r, line, ...) \
	pol_diag_add((d), POL_DIAG_ERROR, (r)->file, (line), __VA_ARGS__)

/* pol_check_same_senders - 1 when two rules have the same sender set */
static int
pol_check_same_senders(const struct pol_rule *a, const struct pol_rule *b)
{
	size_t i, j;

	if (a->nsenders != b->nsenders)
		return 0;
	for (i = 0; i < a->nsenders; i++) {
		for (j = 0; j < b->nsenders; j++)
			if (a->senders[i].kind == b->senders[j].kind &&
			    strcmp(a->senders[i].key, b->senders[j].key) == 0)
				break;
		if (j == b->nsenders)
			return 0;
	}
	return 1;
}

/* pol_check_any_sender - 1 when the rule applies to every sender */
static int
pol_check_any_sender(const struct pol_rule *r)
{
	size_t i;

	if (r->nsenders == 0)
		return 1;
	for (i = 0; i < r->nsenders; i++)
		if (r->senders[i].kind == POL_PAT_ANY)
			return 1;
	return 0;
}

/*
 * pol_check_covers - 1 when a, ranked before b for the same pattern,
 * applies whenever b does (so b is never reached through it)
 */
static int
pol_check_covers(const struct pol_rule *a, const struct pol_rule *b)
{
	unsigned ma = a->min_pans > 1 ? a->min_pans : 1;
	unsigned mb = b->min_pans > 1 ? b->min_pans : 1;

	return a != b && ma <= mb && (pol_check_any_sender(a) ||
	    pol_check_same_senders(a, b));
}

/* pol_check_name_cmp - rules by name, then file order */
static int
pol_check_name_cmp(const void *x, const void *y)
{
	const struct pol_rule *a = *(const struct pol_rule *const *)x;
	const struct pol_rule *b = *(const struct pol_rule *const *)y;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	return a->index < b->index ? -1 : (a->index > b->index);
}

/* pol_check_names - every rule has its own name */
static pm_status
pol_check_names(const struct pol *p, struct pol_diags *d)
{
	const struct pol_rule **v = NULL;
	size_t i;
	pm_status st = PM_OK;

	if (p->nrules < 2)
		return PM_OK;
	v = calloc(p->nrules, sizeof(*v));
	if (v == NULL)
		return PM_ENOMEM;
	for (i = 0; i < p->nrules; i++)
		v[i] = &p->rules[i];
	qsort(v, p->nrules, sizeof(*v), pol_check_name_cmp);
	for (i = 1; i < p->nrules; i++) {
		if (strcmp(v[i]->name, v[i - 1]->name) != 0)
			continue;
		pol_check_err(d, v[i], v[i]->line, "rule \"%s\": the name is "
		    "already used by the rule at %s:%u; give each rule its "
		    "own name", v[i]->name, v[i - 1]->file, v[i - 1]->line);
		st = PM_ECONFIG;
	}
	free(v);
	return st;
}

/*
 * pol_check_entry - report entry i when an earlier entry of its run
 * (start..i) shadows it or repeats it in the same rule; returns the
 * shadowing entry or NULL
 */
static const struct pol_ent *
pol_check_entry(const struct pol *p, size_t start, size_t i,
    struct pol_diags *d, int *bad)
{
	const struct pol_ent *e = &p->ents[i];
	size_t j;

	for (j = start; j < i; j++) {
		const struct pol_ent *o = &p->ents[j];

		if (o->rule == e->rule) {
			pol_check_err(d, e->rule, e->pat->line, "rule \"%s\": "
			    "recipient \"%s\" is listed twice (also as \"%s\" "
			    "on line %u); remove one", e->rule->name,
			    e->pat->text, o->pat->text, o->pat->line);
			*bad = 1;
			return NULL;
		}
		if (pol_check_covers(o->rule, e->rule))
			return o;
	}
	return NULL;
}

/* pol_check_rule_msgs - the messages for one rule whose entries are
 * shadowed (sh[j]: the entry that shadows pattern j, or NULL); 1 when
 * there was something to say */
static int
pol_check_rule_msgs(const struct pol_rule *r, const struct pol_ent **sh,
    struct pol_diags *d)
{
	const struct pol_rule *a = NULL;
	size_t j, n = 0, same = 0;

	for (j = 0; j < r->nrcpts; j++) {
		if (sh[j] == NULL)
			continue;
		n++;
		if (a == NULL)
			a = sh[j]->rule;
		if (sh[j]->rule == a)
			same++;
	}
	if (n == 0)
		return 0;
	if (n == r->nrcpts && same == n && a->nrcpts == r->nrcpts &&
	    a->min_pans == r->min_pans && pol_check_same_senders(a, r)) {
		pol_check_err(d, r, r->line, "rule \"%s\" duplicates rule \"%s\" "
		    "(%s:%u), which comes first and always wins; remove one "
		    "of them", r->name, a->name, a->file, a->line);
		return 1;
	}
	if (n == r->nrcpts) {
		pol_check_err(d, r, r->line, "rule \"%s\" can never match: "
		    "other rules match all its recipients first (\"%s\" by "
		    "rule \"%s\" at %s:%u); remove it, or narrow those rules "
		    "with senders or min_pans", r->name,
		    r->rcpts[0].text, sh[0]->rule->name, sh[0]->rule->file,
		    sh[0]->rule->line);
		return 1;
	}
	for (j = 0; j < r->nrcpts; j++)
		if (sh[j] != NULL)
			pol_check_err(d, r, r->rcpts[j].line, "rule \"%s\": "
			    "recipient \"%s\" is matched first by rule \"%s\" "
			    "(%s:%u), so it has no effect here; remove it from "
			    "one of the two rules", r->name, r->rcpts[j].text,
			    sh[j]->rule->name, sh[j]->rule->file,
			    sh[j]->rule->line);
	return 1;
}

/* pol_check_shadow - shadowed patterns, duplicate and unreachable rules */
static pm_status
pol_check_shadow(const struct pol *p, struct pol_diags *d)
{
	const struct pol_ent **sh = NULL;
	size_t *off = NULL, i, start = 0;
	int bad = 0;
	pm_status st = PM_ENOMEM;

	off = calloc(p->nrules + 1, sizeof(*off));
	sh = calloc(p->nents + 1, sizeof(*sh));
	if (off == NULL || sh == NULL)
		goto out;
	for (i = 0; i < p->nrules; i++)
		off[i + 1] = off[i] + p->rules[i].nrcpts;
	for (i = 0; i < p->nents; i++) {
		const struct pol_ent *e = &p->ents[i];

		if (i > 0 && (e->pat->kind != p->ents[i - 1].pat->kind ||
		    strcmp(e->pat->key, p->ents[i - 1].pat->key) != 0))
			start = i;
		sh[off[e->rule->index] + (size_t)(e->pat - e->rule->rcpts)] =
		    pol_check_entry(p, start, i, d, &bad);
	}
	for (i = 0; i < p->nrules; i++)
		bad |= pol_check_rule_msgs(&p->rules[i], sh + off[i], d);
	st = bad ? PM_ECONFIG : PM_OK;
out:
	free(off);
	free(sh);
	return st;
}

/* pol_check_rules - every check across rules */
pm_status
pol_check_rules(const struct pol *p, struct pol_diags *d)
{
	pm_status st, st2;

	st = pol_check_names(p, d);
	if (st == PM_ENOMEM)
		return st;
	st2 = pol_check_shadow(p, d);
	if (st2 != PM_OK)
		return st2;
	return st;
}

/* pol_check_keys - encrypt rules for exact addresses need a key */
pm_status
pol_check_keys(const struct pol *p, pol_has_key_fn has_key, void *arg,
    struct pol_diags *d)
{
	size_t i, j;
	pm_status st = PM_OK;

	if (has_key == NULL)
		return PM_OK;
	for (i = 0; i < p->nrules; i++) {
		const struct pol_rule *r = &p->rules[i];

		if (r->action != POL_A_ENCRYPT)
			continue;
		for (j = 0; j < r->nrcpts; j++) {
			if (r->rcpts[j].kind != POL_PAT_ADDR ||
			    has_key(arg, r->rcpts[j].key))
				continue;
			pol_check_err(d, r, r->rcpts[j].line, "rule \"%s\": "
			    "action \"encrypt\" for %s, which has no enrolled "
			    "key; enroll one (pankey enroll %s) or change the "
			    "action", r->name, r->rcpts[j].key,
			    r->rcpts[j].key);
			st = PM_ECONFIG;
		}
	}
	return st;
}
