/*
 * pol_decide - the decision. Per recipient, candidate rules come from
 * hash lookups in specificity order (address, @domain, each .suffix
 * from the longest, "*"), each lookup giving its rules already ranked
 * (senders first, then file order); the first whose senders and
 * min_pans fit wins, else the default. One malloc per call.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pol_decide.h"

/* pol_decide_count - count the PANs that the ignore settings keep */
static void
pol_decide_count(const struct pol *p, const struct pol_facts *f,
    struct pol_decision *dec)
{
	unsigned i, n = f->npans < POL_FACTS_MAX_PANS ? f->npans :
	    POL_FACTS_MAX_PANS;

	for (i = 0; i < n; i++) {
		const struct pol_pan *pan = &f->pans[i];

		dec->pans_found++;
		if (pan->confidence < p->min_confidence)
			dec->ignored_confidence++;
		else if (p->ignore_test_pans && pan->is_test)
			dec->ignored_test++;
		else if (pol_token_ignored(p, pan->token))
			dec->ignored_token++;
		else
			dec->pans_counted++;
	}
	dec->pans_found += f->pans_more;
	dec->pans_counted += f->pans_more;
}

/* pol_decide_sender_ok - 1 when the rule has no senders or one matches */
static int
pol_decide_sender_ok(const struct pol_rule *r, const char *snd,
    const char *sdom)
{
	size_t i;

	if (r->nsenders == 0)
		return 1;
	for (i = 0; i < r->nsenders; i++)
		if (pol_addr_match(r->senders[i].kind, r->senders[i].key, snd,
		    sdom))
			return 1;
	return 0;
}

/* pol_decide_run - first applicable rule of a lookup run; 1 if found */
static int
pol_decide_run(const struct pol_ent *e, size_t n, const char *snd,
    const char *sdom, unsigned counted, struct pol_rcpt *rc)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pol_rule *r = e[i].rule;

		if (!pol_decide_sender_ok(r, snd, sdom))
			continue;
		if (r->min_pans > counted) {
			if (rc->skipped == NULL)
				rc->skipped = r;
			continue;
		}
		rc->rule = r;
		rc->pat = e[i].pat;
		return 1;
	}
	return 0;
}

/* pol_decide_match - the winning rule of one normalised recipient */
static void
pol_decide_match(const struct pol *p, const char *dom, const char *snd,
    const char *sdom, unsigned counted, struct pol_rcpt *rc)
{
	const struct pol_ent *e = NULL;
	const char *s = NULL;
	size_t n = 0;

	e = pol_lookup(p, POL_PAT_ADDR, rc->addr, &n);
	if (pol_decide_run(e, n, snd, sdom, counted, rc))
		goto found;
	if (dom[0] != '\0') {
		e = pol_lookup(p, POL_PAT_DOMAIN, dom, &n);
		if (pol_decide_run(e, n, snd, sdom, counted, rc))
			goto found;
		for (s = strchr(dom, '.'); s != NULL; s = strchr(s + 1, '.')) {
			e = pol_lookup(p, POL_PAT_SUFFIX, s, &n);
			if (pol_decide_run(e, n, snd, sdom, counted, rc))
				goto found;
		}
	}
	if (pol_decide_run(p->any, p->nany, snd, sdom, counted, rc))
		goto found;
	rc->rule = &p->def;
	rc->pat = NULL;
	rc->why = POL_WHY_DEFAULT;
	rc->action = p->def.action;
	rc->mask = p->def.mask;
	return;
found:
	rc->why = POL_WHY_RULE;
	rc->action = rc->rule->action;
	rc->mask = rc->rule->mask;
}

/* pol_decide_global - the action every recipient gets, for verdicts
 * that the rules do not decide; 0 when the rules decide */
static int
pol_decide_global(const struct pol *p, const struct pol_facts *f,
    const struct pol_decision *dec, enum pol_action *a, enum pol_why *w)
{
	switch (f->verdict) {
	case POL_V_CLEAN:
		*a = POL_A_PASS;
		*w = POL_WHY_CLEAN;
		return 1;
	case POL_V_TRACK:
		*a = p->track_data;
		*w = POL_WHY_TRACK;
		return 1;
	case POL_V_PROTECTED:
		*a = p->protected_mail;
		*w = POL_WHY_PROTECTED;
		return 1;
	case POL_V_PAN:
		if (dec->pans_counted > 0)
			return 0;
		*a = POL_A_PASS;
		*w = POL_WHY_IGNORED;
		return 1;
	case POL_V_UNSCANNABLE:
	default:			/* unknown verdict: fail closed */
		*a = p->unscannable;
		*w = POL_WHY_UNSCANNABLE;
		return 1;
	}
}

/* pol_decide_keys - encrypt: look up keys, apply if_no_key */
static void
pol_decide_keys(struct pol_decision *dec, pol_has_key_fn has_key,
    void *arg)
{
	const struct pol_rule *fb = NULL;
	size_t i;

	for (i = 0; i < dec->nrcpts; i++) {
		struct pol_rcpt *rc = &dec->rcpts[i];

		rc->needs_key = 1;
		rc->has_key = has_key != NULL && has_key(arg, rc->addr) != 0;
		if (!rc->has_key)
			dec->nmissing++;
	}
	if (dec->nmissing == 0)
		return;
	for (i = 0; i < dec->nrcpts; i++) {
		const struct pol_rule *r = dec->rcpts[i].rule;

		if (dec->rcpts[i].action != POL_A_ENCRYPT || r == NULL)
			continue;
		if (fb == NULL || r->if_no_key > fb->if_no_key)
			fb = r;
	}
	dec->fallback = fb;
	dec->action = fb != NULL ? fb->if_no_key : POL_A_REJECT;
	if (dec->action == POL_A_MASK && fb != NULL && fb->mask > dec->mask)
		dec->mask = fb->mask;
	if (dec->action == POL_A_MASK && dec->mask == POL_MASK_NONE)
		dec->mask = POL_MASK_FIRST6LAST4;
}

/* pol_decide_combine - the strictest recipient action and mask */
static void
pol_decide_combine(struct pol_decision *dec)
{
	size_t i;

	dec->action = POL_A_PASS;
	for (i = 0; i < dec->nrcpts; i++) {
		const struct pol_rcpt *rc = &dec->rcpts[i];

		if (i == 0 || rc->action > dec->action) {
			dec->action = rc->action;
			dec->deciding = rc->rule;
			dec->why = rc->why;
		}
		if (rc->action == POL_A_MASK && rc->mask > dec->mask)
			dec->mask = rc->mask;
	}
	if (dec->action != POL_A_MASK)
		dec->mask = POL_MASK_NONE;
	dec->wanted = dec->action;
}

/* pol_decide - facts + envelope + keys -> decision */
pm_status
pol_decide(const struct pol *p, const char *from, const char *const *rcpts,
    size_t n, const struct pol_facts *f, pol_has_key_fn has_key, void *arg,
    struct pol_decision **out)
{
	struct pol_decision *dec = NULL;
	char snd[POL_ADDR_MAX];
	const char *sdom = NULL, *dom = NULL;
	enum pol_action ga = POL_A_REJECT;
	enum pol_why gw = POL_WHY_UNSCANNABLE;
	int global;
	size_t i;

	if (p == NULL || f == NULL || out == NULL || (n > 0 && rcpts == NULL))
		return PM_EINTERNAL;
	*out = NULL;
	dec = malloc(sizeof(*dec) + n * sizeof(dec->rcpts[0]));
	if (dec == NULL)
		return PM_ENOMEM;
	memset(dec, 0, sizeof(*dec));
	dec->nrcpts = n;
	pol_decide_count(p, f, dec);
	(void)pol_addr_norm(from != NULL ? from : "", snd, sizeof(snd), &sdom);
	global = pol_decide_global(p, f, dec, &ga, &gw);
	for (i = 0; i < n; i++) {
		struct pol_rcpt *rc = &dec->rcpts[i];

		memset(&rc->why, 0, sizeof(*rc) - offsetof(struct pol_rcpt,
		    why));
		rc->addr_ok = pol_addr_norm(rcpts[i] != NULL ? rcpts[i] : "",
		    rc->addr, sizeof(rc->addr), &dom) == PM_OK;
		if (global) {
			rc->action = ga;
			rc->why = gw;
			continue;
		}
		pol_decide_match(p, dom, snd, sdom, dec->pans_counted, rc);
	}
	pol_decide_combine(dec);
	if (global)
		dec->why = gw;
	if (!global && n == 0) {	/* nobody to ask: the default */
		dec->action = dec->wanted = p->def.action;
		dec->deciding = &p->def;
		dec->why = POL_WHY_DEFAULT;
	}
	if (dec->action == POL_A_ENCRYPT)
		pol_decide_keys(dec, has_key, arg);
	*out = dec;
	return PM_OK;
}

/* pol_decision_free - free a decision */
void
pol_decision_free(struct pol_decision *dec)
{
	free(dec);
}

/* pol_verdict_str - the name of a verdict */
const char *
pol_verdict_str(enum pol_verdict v)
{
	switch (v) {
	case POL_V_CLEAN:	return "clean";
	case POL_V_PAN:		return "pan";
	case POL_V_TRACK:	return "track_data";
	case POL_V_PROTECTED:	return "protected";
	case POL_V_UNSCANNABLE:	return "unscannable";
	}
	return "unknown";
}

/* pol_why_str - the name of a reason */
const char *
pol_why_str(enum pol_why w)
{
	switch (w) {
	case POL_WHY_RULE:		return "rule";
	case POL_WHY_DEFAULT:		return "default";
	case POL_WHY_CLEAN:		return "clean";
	case POL_WHY_IGNORED:		return "ignored";
	case POL_WHY_TRACK:		return "track_data";
	case POL_WHY_PROTECTED:		return "protected";
	case POL_WHY_UNSCANNABLE:	return "unscannable";
	}
	return "unknown";
}
