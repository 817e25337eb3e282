/*
 * pol_explain - text and JSON views of one decision. Both views are
 * built from the same small helpers (pol_explain_why_rcpt,
 * pol_explain_why_msg) so they cannot disagree.
 */
#include <string.h>

#include "pol_explain.h"

/* pol_explain_src - where a global setting came from */
static void
pol_explain_src(const struct pol_src *s, char *buf, size_t len)
{
	if (s->file != NULL && s->line > 0)
		snprintf(buf, len, "%s:%u", s->file, s->line);
	else
		snprintf(buf, len, "built-in");
}

/* pol_explain_rule_at - "rule "x" (file:line)" or "default (...)" */
static void
pol_explain_rule_at(const struct pol *p, const struct pol_rule *r,
    char *buf, size_t len)
{
	if (r == &p->def && p->def_implicit)
		snprintf(buf, len, "default (built-in)");
	else if (r == &p->def)
		snprintf(buf, len, "default (%s:%u)", r->file, r->line);
	else
		snprintf(buf, len, "rule \"%s\" (%s:%u)", r->name, r->file,
		    r->line);
}

/* pol_explain_why_rcpt - why one recipient got its action */
static void
pol_explain_why_rcpt(const struct pol *p, const struct pol_decision *dec,
    const struct pol_rcpt *rc, char *buf, size_t len)
{
	char src[256];
	size_t o = 0;

	switch (rc->why) {
	case POL_WHY_RULE:
		o = (size_t)snprintf(buf, len, "matches \"%s\" (%s)%s",
		    rc->pat->text, pol_pat_kind_str(rc->pat->kind),
		    rc->rule->nsenders > 0 ? " and the sender matches" : "");
		break;
	case POL_WHY_DEFAULT:
		o = (size_t)snprintf(buf, len, "no rule matches");
		break;
	case POL_WHY_CLEAN:
		snprintf(buf, len, "no card data");
		return;
	case POL_WHY_IGNORED:
		snprintf(buf, len, "every finding is ignored (min_confidence, "
		    "ignore_test_pans, ignore_tokens)");
		return;
	case POL_WHY_TRACK:
		pol_explain_src(&p->track_data_src, src, sizeof(src));
		snprintf(buf, len, "track data: track_data (%s)", src);
		return;
	case POL_WHY_PROTECTED:
		pol_explain_src(&p->protected_src, src, sizeof(src));
		snprintf(buf, len, "already encrypted: protected (%s)", src);
		return;
	case POL_WHY_UNSCANNABLE:
		pol_explain_src(&p->unscannable_src, src, sizeof(src));
		snprintf(buf, len, "could not be scanned: unscannable (%s)",
		    src);
		return;
	}
	if (rc->skipped != NULL && o < len)
		snprintf(buf + o, len - o, "; rule \"%s\" skipped: min_pans = "
		    "%u, the message has %u", rc->skipped->name,
		    rc->skipped->min_pans, dec->pans_counted);
}

/* pol_explain_missing - "a, b" of the recipients without a key */
static void
pol_explain_missing(const struct pol_decision *dec, int want_key,
    char *buf, size_t len)
{
	char safe[POL_ADDR_MAX];
	size_t i, o = 0;
	int k = 0;

	buf[0] = '\0';
	for (i = 0; i < dec->nrcpts && o < len; i++) {
		const struct pol_rcpt *rc = &dec->rcpts[i];

		if (!rc->needs_key || rc->has_key != want_key)
			continue;
		pol_diag_safe(rc->addr, safe, sizeof(safe));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", k++ ? ", " :
		    "", safe);
	}
}

/* pol_explain_why_msg - why the message got its action */
static void
pol_explain_why_msg(const struct pol *p, const struct pol_decision *dec,
    char *buf, size_t len)
{
	char at[512], miss[1024];

	if (dec->wanted == POL_A_ENCRYPT && dec->nmissing > 0) {
		pol_explain_missing(dec, 0, miss, sizeof(miss));
		if (dec->fallback != NULL)
			pol_explain_rule_at(p, dec->fallback, at, sizeof(at));
		else
			snprintf(at, sizeof(at), "no rule");
		snprintf(buf, len, "encrypt needs a key for every recipient; "
		    "no key for %s; if_no_key of %s is %s", miss, at,
		    pol_action_str(dec->action));
		return;
	}
	if (dec->why != POL_WHY_RULE && dec->why != POL_WHY_DEFAULT) {
		struct pol_rcpt rc;

		memset(&rc, 0, sizeof(rc));
		rc.why = dec->why;
		pol_explain_why_rcpt(p, dec, &rc, buf, len);
		return;
	}
	if (dec->deciding != NULL)
		pol_explain_rule_at(p, dec->deciding, at, sizeof(at));
	else
		snprintf(at, sizeof(at), "no recipient");
	snprintf(buf, len, "strictest recipient action, from %s", at);
}

/* pol_explain_action - "mask last4", "encrypt", ... */
static void
pol_explain_action(enum pol_action a, enum pol_mask m, char *buf,
    size_t len)
{
	if (a == POL_A_MASK && m != POL_MASK_NONE)
		snprintf(buf, len, "mask %s", pol_mask_str(m));
	else
		snprintf(buf, len, "%s", pol_action_str(a));
}

/* pol_explain_text_rcpt - one "recipient ..." line */
static void
pol_explain_text_rcpt(const struct pol_explain_in *x, size_t i, FILE *fp)
{
	const struct pol_rcpt *rc = &x->dec->rcpts[i];
	char orig[POL_ADDR_MAX], norm[POL_ADDR_MAX], act[64], at[512];
	char why[1024];

	pol_diag_safe(x->rcpts[i] != NULL ? x->rcpts[i] : "", orig,
	    sizeof(orig));
	pol_diag_safe(rc->addr, norm, sizeof(norm));
	pol_explain_action(rc->action, rc->mask, act, sizeof(act));
	pol_explain_why_rcpt(x->p, x->dec, rc, why, sizeof(why));
	fprintf(fp, "recipient %s", orig);
	if (strcmp(orig, norm) != 0)
		fprintf(fp, " (as %s)", norm);
	if (rc->rule != NULL) {
		pol_explain_rule_at(x->p, rc->rule, at, sizeof(at));
		fprintf(fp, ": %s by %s: %s", act, at, why);
	} else {
		fprintf(fp, ": %s: %s", act, why);
	}
	if (rc->needs_key)
		fprintf(fp, "; key: %s", rc->has_key ? "enrolled" : "missing");
	fputc('\n', fp);
}

/* pol_explain_text - the human explanation */
void
pol_explain_text(const struct pol_explain_in *x, FILE *fp)
{
	const struct pol_decision *dec = x->dec;
	char safe[POL_ADDR_MAX], act[64], why[2048], list[1024];
	size_t i;

	pol_diag_safe(x->p->file, why, sizeof(why));
	fprintf(fp, "policy: %s\n", why);
	pol_diag_safe(x->from != NULL ? x->from : "", safe, sizeof(safe));
	fprintf(fp, "message: from <%s>, %s, %u card number%s counted "
	    "(%u found; ignored: %u below min_confidence, %u test, %u by "
	    "token)\n", safe, pol_verdict_str(x->facts->verdict),
	    dec->pans_counted, dec->pans_counted == 1 ? "" : "s",
	    dec->pans_found, dec->ignored_confidence, dec->ignored_test,
	    dec->ignored_token);
	for (i = 0; i < dec->nrcpts; i++)
		pol_explain_text_rcpt(x, i, fp);
	pol_explain_action(dec->action, dec->mask, act, sizeof(act));
	pol_explain_why_msg(x->p, dec, why, sizeof(why));
	fprintf(fp, "action: %s\nwhy: %s\n", act, why);
	if (dec->wanted != POL_A_ENCRYPT)
		return;
	pol_explain_missing(dec, 1, list, sizeof(list));
	fprintf(fp, "keys used: %s\n", list[0] != '\0' ? list : "none");
	pol_explain_missing(dec, 0, list, sizeof(list));
	fprintf(fp, "keys missing: %s\n", list[0] != '\0' ? list : "none");
	if (!x->keys_known)
		fprintf(fp, "note: no keyring was consulted; every recipient "
		    "counts as having no key\n");
}

/* pol_explain_jstr - a scrubbed JSON string */
static json_t *
pol_explain_jstr(const char *s)
{
	char safe[POL_DIAG_MAX];

	pol_diag_safe(s != NULL ? s : "", safe, sizeof(safe));
	return json_string(safe);
}

/* pol_explain_json_rule - rule name/file/line members of o */
static int
pol_explain_json_rule(json_t *o, const struct pol *p,
    const struct pol_rule *r)
{
	int rc = 0;

	if (r == NULL)
		return json_object_set_new(o, "rule", json_null());
	rc |= json_object_set_new(o, "rule", pol_explain_jstr(r->name));
	if (r == &p->def && p->def_implicit)
		return rc;
	rc |= json_object_set_new(o, "file", pol_explain_jstr(r->file));
	rc |= json_object_set_new(o, "line", json_integer(r->line));
	return rc;
}

/* pol_explain_json_rcpt - one recipient object */
static json_t *
pol_explain_json_rcpt(const struct pol_explain_in *x, size_t i)
{
	const struct pol_rcpt *rc = &x->dec->rcpts[i];
	char why[1024];
	json_t *o = json_object();
	int e = 0;

	if (o == NULL)
		return NULL;
	pol_explain_why_rcpt(x->p, x->dec, rc, why, sizeof(why));
	e |= json_object_set_new(o, "address", pol_explain_jstr(x->rcpts[i]));
	e |= json_object_set_new(o, "normalized", pol_explain_jstr(rc->addr));
	e |= json_object_set_new(o, "action",
	    json_string(pol_action_str(rc->action)));
	if (rc->action == POL_A_MASK)
		e |= json_object_set_new(o, "mask",
		    json_string(pol_mask_str(rc->mask)));
	e |= pol_explain_json_rule(o, x->p, rc->rule);
	if (rc->pat != NULL) {
		e |= json_object_set_new(o, "matched",
		    pol_explain_jstr(rc->pat->text));
		e |= json_object_set_new(o, "match",
		    json_string(pol_pat_kind_str(rc->pat->kind)));
	}
	if (rc->skipped != NULL)
		e |= json_object_set_new(o, "skipped",
		    pol_explain_jstr(rc->skipped->name));
	e |= json_object_set_new(o, "reason", json_string(pol_why_str(rc->why)));
	e |= json_object_set_new(o, "why", pol_explain_jstr(why));
	if (rc->needs_key)
		e |= json_object_set_new(o, "key",
		    json_string(rc->has_key ? "enrolled" : "missing"));
	if (e != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* pol_explain_json_keys - the addresses with (want 1) or without keys */
static json_t *
pol_explain_json_keys(const struct pol_decision *dec, int want)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < dec->nrcpts; i++)
		if (dec->rcpts[i].needs_key && dec->rcpts[i].has_key == want &&
		    json_array_append_new(a, pol_explain_jstr(
		    dec->rcpts[i].addr)) != 0) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

/* pol_explain_json_facts - the facts the decision used */
static json_t *
pol_explain_json_facts(const struct pol_explain_in *x)
{
	const struct pol_decision *d = x->dec;

	return json_pack("{s:s, s:I, s:I, s:{s:I, s:I, s:I}}",
	    "verdict", pol_verdict_str(x->facts->verdict),
	    "pans_found", (json_int_t)d->pans_found,
	    "pans_counted", (json_int_t)d->pans_counted,
	    "ignored", "confidence", (json_int_t)d->ignored_confidence,
	    "test", (json_int_t)d->ignored_test,
	    "token", (json_int_t)d->ignored_token);
}

/* pol_explain_json - the machine explanation */
json_t *
pol_explain_json(const struct pol_explain_in *x)
{
	const struct pol_decision *dec = x->dec;
	json_t *o = json_object(), *rs = json_array();
	char why[2048];
	size_t i;
	int e = (o == NULL || rs == NULL);

	for (i = 0; !e && i < dec->nrcpts; i++)
		e |= json_array_append_new(rs, pol_explain_json_rcpt(x, i));
	if (e)
		goto fail;
	pol_explain_why_msg(x->p, dec, why, sizeof(why));
	e |= json_object_set_new(o, "policy", pol_explain_jstr(x->p->file));
	e |= json_object_set_new(o, "from", pol_explain_jstr(x->from));
	e |= json_object_set_new(o, "facts", pol_explain_json_facts(x));
	e |= json_object_set(o, "recipients", rs);
	e |= json_object_set_new(o, "action",
	    json_string(pol_action_str(dec->action)));
	if (dec->action == POL_A_MASK)
		e |= json_object_set_new(o, "mask",
		    json_string(pol_mask_str(dec->mask)));
	e |= pol_explain_json_rule(o, x->p, dec->fallback != NULL ?
	    dec->fallback : dec->deciding);
	e |= json_object_set_new(o, "why", pol_explain_jstr(why));
	if (dec->wanted == POL_A_ENCRYPT) {
		e |= json_object_set_new(o, "wanted", json_string("encrypt"));
		e |= json_object_set_new(o, "keys_used",
		    pol_explain_json_keys(dec, 1));
		e |= json_object_set_new(o, "keys_missing",
		    pol_explain_json_keys(dec, 0));
		e |= json_object_set_new(o, "keyring_consulted",
		    json_boolean(x->keys_known));
	}
	if (e)
		goto fail;
	json_decref(rs);
	return o;
fail:
	json_decref(rs);
	json_decref(o);
	return NULL;
}
