/*
 * pol_load - libconfig tree -> struct pol. One pass over the tree in
 * file order collects every problem; strings go to a bump pool (one
 * free for 100 000 rules); the recipient patterns are then sorted into
 * pol->ents and a power-of-two open-addressing table maps (kind, key)
 * to a run of ents. The schema lives in pol_check.c.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "pol_check.h"
#include "pol_load.h"

#define POL_POOL_CHUNK	(64 * 1024)
#define POL_LD_FILES	64

struct pol_pool {
	struct pol_pool *next;
	size_t size, used;
	unsigned char data[];
};

/* the loader's working state */
struct pol_ld {
	struct pol *p;
	struct pol_diags *d;
	const char *name;
	size_t nfiles;
	const char *from[POL_LD_FILES];
	const char *to[POL_LD_FILES];
	size_t nerr;		/* errors found, even without a diag list */
	int oom;
};

/* pol_pool_alloc - n bytes (16-aligned, zeroed) from the policy's pool */
void *
pol_pool_alloc(struct pol *p, size_t n)
{
	struct pol_pool *c = p->pool;
	size_t size;
	void *r = NULL;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->size - c->used < n) {
		size = n > POL_POOL_CHUNK ? n : POL_POOL_CHUNK;
		c = calloc(1, sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->next = p->pool;
		p->pool = c;
	}
	r = c->data + c->used;
	c->used += n;
	return r;
}

/* pol_pool_strdup - copy of s in the pool */
char *
pol_pool_strdup(struct pol *p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *r = pol_pool_alloc(p, n);

	if (r != NULL)
		memcpy(r, s, n);
	return r;
}

/* pol_free - free a policy and everything it owns */
void
pol_free(struct pol *p)
{
	struct pol_pool *c = NULL, *next = NULL;

	if (p == NULL)
		return;
	for (c = p->pool; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(p->ents);
	free(p->slots);
	free(p->rules);
	free(p->tokens);
	free(p);
}

/* pol_ld_file - interned copy of a setting's source file name */
static const char *
pol_ld_file(struct pol_ld *ld, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);
	const char *copy = NULL;
	size_t i;

	if (f == NULL)
		f = ld->name;
	for (i = 0; i < ld->nfiles; i++)
		if (ld->from[i] == f)
			return ld->to[i];
	copy = pol_pool_strdup(ld->p, f);
	if (copy == NULL) {
		ld->oom = 1;
		return ld->name;
	}
	if (ld->nfiles < POL_LD_FILES) {
		ld->from[ld->nfiles] = f;
		ld->to[ld->nfiles++] = copy;
	}
	return copy;
}

/* pol_ld_err - one error located at setting s */
static void
pol_ld_err(struct pol_ld *ld, const config_setting_t *s, const char *fmt,
    ...)
{
	char buf[POL_DIAG_MAX];
	va_list ap;
	const char *f = config_setting_source_file(s);

	ld->nerr++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (pol_diag_add(ld->d, POL_DIAG_ERROR, f != NULL ? f : ld->name,
	    config_setting_source_line(s), "%s", buf) != PM_OK)
		ld->oom = 1;
}

/* pol_ld_unknown - "unknown setting" with a suggestion */
static void
pol_ld_unknown(struct pol_ld *ld, const config_setting_t *s,
    const char *label, enum pol_ctx ctx)
{
	const char *name = config_setting_name(s);
	const char *sug = pol_check_suggest(ctx, name);

	if (sug != NULL)
		pol_ld_err(ld, s, "%sunknown setting \"%s\"; did you mean "
		    "\"%s\"?", label, name, sug);
	else
		pol_ld_err(ld, s, "%sunknown setting \"%s\"; remove it or use "
		    "one of %s", label, name, pol_check_known_list(ctx));
}

/* pol_ld_has_control - 1 when s has a byte below 0x20 or DEL, which
 * would let a name or pattern forge lines in logs and explanations */
static int
pol_ld_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* pol_ld_string - a string value, refused when it holds a card number */
static const char *
pol_ld_string(struct pol_ld *ld, const config_setting_t *s,
    const char *label, const char *what)
{
	const char *v = NULL;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		pol_ld_err(ld, s, "%s%s must be a string; put the value in "
		    "double quotes", label, what);
		return NULL;
	}
	v = config_setting_get_string(s);
	if (pol_diag_looks_like_pan(v)) {
		pol_ld_err(ld, s, "%s%s looks like a card number; card "
		    "numbers never belong in a policy, remove it", label, what);
		return NULL;
	}
	if (pol_ld_has_control(v)) {
		pol_ld_err(ld, s, "%s%s has a control character (tab, newline, "
		    "escape, ...); remove it", label, what);
		return NULL;
	}
	return v;
}

/* pol_ld_allowed - "a, b or c" for the actions in the bit set */
static void
pol_ld_allowed(unsigned allowed, char *buf, size_t len)
{
	static const enum pol_action order[] = { POL_A_PASS, POL_A_MASK,
	    POL_A_ENCRYPT, POL_A_QUARANTINE, POL_A_REJECT, POL_A_TEMPFAIL };
	size_t i, n = 0, k = 0, o = 0;

	for (i = 0; i < POL_A_COUNT; i++)
		if (allowed & POL_A_BIT(order[i]))
			n++;
	buf[0] = '\0';
	for (i = 0; i < POL_A_COUNT && o < len; i++) {
		if (!(allowed & POL_A_BIT(order[i])))
			continue;
		k++;
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    k == 1 ? "" : (n == 2 ? " or " : ", "),
		    pol_action_str(order[i]));
	}
	if (n > 2 && o + 7 < len) {
		memmove(buf + 7, buf, o + 1);
		memcpy(buf, "one of ", 7);
	}
}

/* pol_ld_action - an action value restricted to the allowed set */
static int
pol_ld_action(struct pol_ld *ld, const config_setting_t *s,
    const char *label, const char *what, unsigned allowed,
    enum pol_action *a)
{
	const char *v = pol_ld_string(ld, s, label, what);
	char list[128];

	if (v == NULL)
		return -1;
	pol_ld_allowed(allowed, list, sizeof(list));
	if (!pol_action_parse(v, a)) {
		pol_ld_err(ld, s, "%sunknown %s \"%s\"; use %s", label, what,
		    v, list);
		return -1;
	}
	if (!(allowed & POL_A_BIT(*a))) {
		pol_ld_err(ld, s, "%s%s \"%s\" is not allowed here; use %s",
		    label, what, v, list);
		return -1;
	}
	return 0;
}

/* pol_ld_pats - a list of patterns (recipients or senders) */
static int
pol_ld_pats(struct pol_ld *ld, const config_setting_t *s, const char *label,
    const char *what, const struct pol_pat **out, size_t *nout)
{
	struct pol_pat *v = NULL;
	char key[POL_ADDR_MAX];
	const char *why = NULL, *txt = NULL;
	int i, n, bad = 0, t = config_setting_type(s);

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		pol_ld_err(ld, s, "%s%ss must be a list of strings; write "
		    "%ss = [ \"@example.com\" ];", label, what, what);
		return -1;
	}
	n = config_setting_length(s);
	if (n == 0) {
		pol_ld_err(ld, s, "%s%ss is empty, so the rule never matches; "
		    "add a pattern or remove the rule", label, what);
		return -1;
	}
	v = pol_pool_alloc(ld->p, (size_t)n * sizeof(*v));
	if (v == NULL) {
		ld->oom = 1;
		return -1;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		char wh[64];

		snprintf(wh, sizeof(wh), "%s %d", what, i + 1);
		txt = pol_ld_string(ld, e, label, wh);
		if (txt == NULL) {
			bad = 1;
			continue;
		}
		if (pol_addr_pattern(txt, &v[i].kind, key, sizeof(key), &why)
		    != PM_OK) {
			pol_ld_err(ld, e, "%s%s \"%s\" %s", label, what, txt,
			    why);
			bad = 1;
			continue;
		}
		v[i].key = pol_pool_strdup(ld->p, key);
		v[i].text = pol_pool_strdup(ld->p, txt);
		v[i].line = config_setting_source_line(e);
		if (v[i].key == NULL || v[i].text == NULL)
			ld->oom = 1;
	}
	*out = v;
	*nout = (size_t)n;
	return bad ? -1 : 0;
}

/* pol_ld_min_pans - a whole number of at least 1 */
static int
pol_ld_min_pans(struct pol_ld *ld, const config_setting_t *s,
    const char *label, unsigned *out)
{
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		pol_ld_err(ld, s, "%smin_pans must be a whole number of at "
		    "least 1; write min_pans = 2;", label);
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < 1 || v > 1000000) {
		pol_ld_err(ld, s, "%smin_pans must be between 1 and 1000000; "
		    "write min_pans = 2;", label);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* pol_ld_mask - a mask value */
static int
pol_ld_mask(struct pol_ld *ld, const config_setting_t *s, const char *label,
    enum pol_mask *m)
{
	const char *v = pol_ld_string(ld, s, label, "mask");

	if (v == NULL)
		return -1;
	if (!pol_mask_parse(v, m)) {
		pol_ld_err(ld, s, "%sunknown mask \"%s\"; use first6last4 or "
		    "last4", label, v);
		return -1;
	}
	return 0;
}

#define POL_RULE_ACTIONS	(POL_A_BIT(POL_A_PASS) | \
	POL_A_BIT(POL_A_MASK) | POL_A_BIT(POL_A_ENCRYPT) | \
	POL_A_BIT(POL_A_QUARANTINE) | POL_A_BIT(POL_A_REJECT) | \
	POL_A_BIT(POL_A_TEMPFAIL))
#define POL_NOKEY_ACTIONS	(POL_A_BIT(POL_A_MASK) | \
	POL_A_BIT(POL_A_QUARANTINE) | POL_A_BIT(POL_A_REJECT) | \
	POL_A_BIT(POL_A_TEMPFAIL))

/* settings seen in a rule or default group, for the consistency checks */
struct pol_ld_seen {
	const config_setting_t *action, *mask, *if_no_key, *rcpts;
	int bad;
};

/* pol_ld_member - one setting of a rule (or of default when r->rcpts
 * is not wanted, ctx POL_CTX_DEFAULT) */
static void
pol_ld_member(struct pol_ld *ld, const config_setting_t *m,
    const char *label, enum pol_ctx ctx, struct pol_rule *r,
    struct pol_ld_seen *seen)
{
	const char *k = config_setting_name(m);
	int rc = 0;

	if (!pol_check_known(ctx, k)) {
		pol_ld_unknown(ld, m, label, ctx);
		rc = -1;
	} else if (strcmp(k, "name") == 0) {
		rc = 0;		/* read by pol_ld_rule */
	} else if (strcmp(k, "recipients") == 0) {
		seen->rcpts = m;
		rc = pol_ld_pats(ld, m, label, "recipient", &r->rcpts,
		    &r->nrcpts);
	} else if (strcmp(k, "senders") == 0) {
		rc = pol_ld_pats(ld, m, label, "sender", &r->senders,
		    &r->nsenders);
	} else if (strcmp(k, "action") == 0) {
		seen->action = m;
		rc = pol_ld_action(ld, m, label, "action", POL_RULE_ACTIONS,
		    &r->action);
	} else if (strcmp(k, "mask") == 0) {
		seen->mask = m;
		rc = pol_ld_mask(ld, m, label, &r->mask);
	} else if (strcmp(k, "if_no_key") == 0) {
		seen->if_no_key = m;
		rc = pol_ld_action(ld, m, label, "if_no_key",
		    POL_NOKEY_ACTIONS, &r->if_no_key);
	} else if (strcmp(k, "min_pans") == 0) {
		rc = pol_ld_min_pans(ld, m, label, &r->min_pans);
	}
	if (rc != 0)
		seen->bad = 1;
}

/* pol_ld_consistent - action/mask/if_no_key fit together; fill defaults */
static void
pol_ld_consistent(struct pol_ld *ld, const config_setting_t *g,
    const char *label, struct pol_rule *r, struct pol_ld_seen *seen)
{
	if (seen->action == NULL) {
		if (!seen->bad)
			pol_ld_err(ld, g, "%.*s has no action; add action = "
			    "\"reject\"; (or pass, mask, encrypt, quarantine, "
			    "tempfail)", (int)strlen(label) - 2, label);
		seen->bad = 1;
		return;
	}
	if (seen->bad)
		return;
	if (seen->if_no_key != NULL && r->action != POL_A_ENCRYPT) {
		pol_ld_err(ld, seen->if_no_key, "%sif_no_key applies only to "
		    "action \"encrypt\"; remove it", label);
		seen->bad = 1;
	}
	if (r->action == POL_A_ENCRYPT && seen->if_no_key == NULL)
		r->if_no_key = POL_A_REJECT;
	if (seen->mask != NULL && r->action != POL_A_MASK &&
	    !(r->action == POL_A_ENCRYPT && r->if_no_key == POL_A_MASK)) {
		pol_ld_err(ld, seen->mask, "%smask applies only to action "
		    "\"mask\" or if_no_key = \"mask\"; remove it", label);
		seen->bad = 1;
	}
	if (seen->mask == NULL && (r->action == POL_A_MASK ||
	    (r->action == POL_A_ENCRYPT && r->if_no_key == POL_A_MASK)))
		r->mask = POL_MASK_FIRST6LAST4;
}

/* pol_ld_rule - one element of "rules" */
static int
pol_ld_rule(struct pol_ld *ld, const config_setting_t *g, unsigned idx,
    struct pol_rule *r)
{
	struct pol_ld_seen seen;
	const config_setting_t *nm = NULL;
	const char *name = NULL;
	char label[160];
	int i, n;

	memset(&seen, 0, sizeof(seen));
	r->index = idx;
	r->file = pol_ld_file(ld, g);
	r->line = config_setting_source_line(g);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		pol_ld_err(ld, g, "rules: entry %u is not a group; write each "
		    "rule as { name = \"...\"; recipients = [ ... ]; "
		    "action = \"...\"; }", idx + 1);
		return -1;
	}
	snprintf(label, sizeof(label), "rule #%u: ", idx + 1);
	nm = config_setting_get_member(g, "name");
	if (nm == NULL) {
		pol_ld_err(ld, g, "rule #%u has no name; add name = \"...\"; "
		    "so messages and logs can name it", idx + 1);
		seen.bad = 1;
	} else if ((name = pol_ld_string(ld, nm, label, "name")) == NULL) {
		seen.bad = 1;
	} else if (name[0] == '\0') {
		pol_ld_err(ld, nm, "rule #%u: name is empty; give the rule a "
		    "name", idx + 1);
		seen.bad = 1;
	} else {
		snprintf(label, sizeof(label), "rule \"%s\": ", name);
		r->name = pol_pool_strdup(ld->p, name);
	}
	n = config_setting_length(g);
	for (i = 0; i < n; i++)
		pol_ld_member(ld, config_setting_get_elem(g, (unsigned)i),
		    label, POL_CTX_RULE, r, &seen);
	if (seen.rcpts == NULL) {
		pol_ld_err(ld, g, "%.*s has no recipients; add recipients = "
		    "[ \"*\" ]; to match every recipient",
		    (int)strlen(label) - 2, label);
		seen.bad = 1;
	}
	pol_ld_consistent(ld, g, label, r, &seen);
	if (r->name == NULL)
		r->name = "";
	return seen.bad ? -1 : 0;
}

/* pol_ld_rules - the "rules" list */
static int
pol_ld_rules(struct pol_ld *ld, const config_setting_t *s)
{
	int i, n, bad = 0;

	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY &&
	    config_setting_length(s) == 0)) {
		pol_ld_err(ld, s, "rules must be a list of groups; write "
		    "rules = ( { ... }, { ... } );");
		return -1;
	}
	n = config_setting_length(s);
	if (n == 0)
		return 0;
	ld->p->rules = calloc((size_t)n, sizeof(*ld->p->rules));
	if (ld->p->rules == NULL) {
		ld->oom = 1;
		return -1;
	}
	ld->p->nrules = (size_t)n;
	for (i = 0; i < n; i++)
		if (pol_ld_rule(ld, config_setting_get_elem(s, (unsigned)i),
		    (unsigned)i, &ld->p->rules[i]) != 0)
			bad = 1;
	return bad ? -1 : 0;
}

/* pol_ld_default - the "default" group */
static int
pol_ld_default(struct pol_ld *ld, const config_setting_t *g)
{
	struct pol_ld_seen seen;
	struct pol_rule *r = &ld->p->def;
	int i, n;

	memset(&seen, 0, sizeof(seen));
	r->file = pol_ld_file(ld, g);
	r->line = config_setting_source_line(g);
	ld->p->def_implicit = 0;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		pol_ld_err(ld, g, "default must be a group; write default = "
		    "{ action = \"reject\"; };");
		return -1;
	}
	n = config_setting_length(g);
	for (i = 0; i < n; i++)
		pol_ld_member(ld, config_setting_get_elem(g, (unsigned)i),
		    "default: ", POL_CTX_DEFAULT, r, &seen);
	pol_ld_consistent(ld, g, "default: ", r, &seen);
	return seen.bad ? -1 : 0;
}

/* pol_ld_tokens - "ignore_tokens" */
static int
pol_ld_tokens(struct pol_ld *ld, const config_setting_t *s)
{
	char tok[POL_TOKEN_LEN + 1];
	int i, n, t = config_setting_type(s), bad = 0;

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		pol_ld_err(ld, s, "ignore_tokens must be a list of strings; "
		    "write ignore_tokens = [ \"9f2c1e07ab43d611\" ];");
		return -1;
	}
	n = config_setting_length(s);
	ld->p->tokens = calloc((size_t)n + 1, sizeof(*ld->p->tokens));
	if (ld->p->tokens == NULL) {
		ld->oom = 1;
		return -1;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		enum pol_token_rc rc = POL_TOKEN_BAD;

		if (config_setting_type(e) == CONFIG_TYPE_STRING)
			rc = pol_check_token(config_setting_get_string(e), tok);
		else if (config_setting_type(e) == CONFIG_TYPE_INT64 ||
		    config_setting_type(e) == CONFIG_TYPE_INT ||
		    config_setting_type(e) == CONFIG_TYPE_FLOAT) {
			/* libconfig 1.5 cuts long numbers to 32 bits: the
			 * digits are lost, so say what it may be */
			pol_ld_err(ld, e, "ignore_tokens: entry %d is a number; "
			    "if it is a card number, put its token (panmilter "
			    "--token) here instead, in quotes", i + 1);
			bad = 1;
			continue;
		}
		if (rc == POL_TOKEN_PAN)
			pol_ld_err(ld, e, "ignore_tokens: entry %d looks like a "
			    "card number; put its token (panmilter --token) "
			    "here instead", i + 1);
		else if (rc == POL_TOKEN_BAD)
			pol_ld_err(ld, e, "ignore_tokens: entry %d is not a "
			    "token; a token is 16 hex digits in quotes, as "
			    "printed by panmilter --token", i + 1);
		else
			memcpy(ld->p->tokens[ld->p->ntokens++], tok, sizeof(tok));
		if (rc != POL_TOKEN_OK)
			bad = 1;
	}
	return bad ? -1 : 0;
}

/* pol_ld_global - track_data, unscannable, protected */
static void
pol_ld_global(struct pol_ld *ld, const config_setting_t *s, const char *k)
{
	struct pol *p = ld->p;
	unsigned allowed = POL_A_BIT(POL_A_PASS) |
	    POL_A_BIT(POL_A_QUARANTINE) | POL_A_BIT(POL_A_REJECT) |
	    POL_A_BIT(POL_A_TEMPFAIL);
	enum pol_action a;
	struct pol_src *src = &p->protected_src;
	enum pol_action *dst = &p->protected_mail;

	if (strcmp(k, "track_data") == 0) {
		allowed = POL_A_BIT(POL_A_QUARANTINE) | POL_A_BIT(POL_A_REJECT);
		src = &p->track_data_src;
		dst = &p->track_data;
	} else if (strcmp(k, "unscannable") == 0) {
		src = &p->unscannable_src;
		dst = &p->unscannable;
	}
	if (pol_ld_action(ld, s, "", k, allowed, &a) != 0)
		return;
	*dst = a;
	src->file = pol_ld_file(ld, s);
	src->line = config_setting_source_line(s);
}

/* pol_ld_scalar - min_confidence and ignore_test_pans */
static void
pol_ld_scalar(struct pol_ld *ld, const config_setting_t *s, const char *k)
{
	const char *v = NULL;

	if (strcmp(k, "ignore_test_pans") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			pol_ld_err(ld, s, "ignore_test_pans must be true or "
			    "false; write ignore_test_pans = false;");
			return;
		}
		ld->p->ignore_test_pans = config_setting_get_bool(s);
		return;
	}
	v = pol_ld_string(ld, s, "", k);
	if (v == NULL)
		return;
	if (strcmp(v, "medium") == 0)
		ld->p->min_confidence = POL_CONF_MEDIUM;
	else if (strcmp(v, "high") == 0)
		ld->p->min_confidence = POL_CONF_HIGH;
	else
		pol_ld_err(ld, s, "unknown min_confidence \"%s\"; use medium "
		    "or high", v);
}

/* pol_ld_top - every top-level setting, in file order */
static void
pol_ld_top(struct pol_ld *ld, const config_setting_t *root)
{
	int i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root,
		    (unsigned)i);
		const char *k = config_setting_name(s);

		if (!pol_check_known(POL_CTX_TOP, k))
			pol_ld_unknown(ld, s, "", POL_CTX_TOP);
		else if (strcmp(k, "default") == 0)
			(void)pol_ld_default(ld, s);
		else if (strcmp(k, "rules") == 0)
			(void)pol_ld_rules(ld, s);
		else if (strcmp(k, "ignore_tokens") == 0)
			(void)pol_ld_tokens(ld, s);
		else if (strcmp(k, "min_confidence") == 0 ||
		    strcmp(k, "ignore_test_pans") == 0)
			pol_ld_scalar(ld, s, k);
		else
			pol_ld_global(ld, s, k);
	}
}

/* pol_ld_new - an empty policy with the documented defaults */
static struct pol *
pol_ld_new(const char *name)
{
	struct pol *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->file = pol_pool_strdup(p, name);
	if (p->file == NULL) {
		pol_free(p);
		return NULL;
	}
	p->def.name = "default";
	p->def.file = p->file;
	p->def.action = POL_A_REJECT;
	p->def_implicit = 1;
	p->track_data = POL_A_REJECT;
	p->unscannable = POL_A_REJECT;
	p->protected_mail = POL_A_PASS;
	p->min_confidence = POL_CONF_MEDIUM;
	return p;
}

/* pol_ld_syntax - report a libconfig parse error as file:line */
static void
pol_ld_syntax(struct pol_diags *d, const config_t *cfg, const char *name)
{
	const char *f = config_error_file(cfg);
	const char *t = config_error_text(cfg);
	const char *hint = "fix the syntax (see panmilter-policy(5))";

	if (t == NULL)
		t = "cannot parse";
	if (strstr(t, "syntax") != NULL)
		hint = "look for a missing ';', quote, comma or bracket on "
		    "this line or the one before";
	else if (strstr(t, "include") != NULL)
		hint = "check the @include path: it is taken from the policy "
		    "file's directory, and cannot be absolute";
	else if (strstr(t, "duplicate") != NULL)
		hint = "each setting may appear once; remove or merge one";
	(void)pol_diag_add(d, POL_DIAG_ERROR, f != NULL ? f : name,
	    (unsigned)config_error_line(cfg), "%s; %s", t, hint);
}

/* pol_load_cfg - a parsed libconfig tree into a checked policy */
static pm_status
pol_load_cfg(const config_t *cfg, const char *name, struct pol **out,
    struct pol_diags *d)
{
	struct pol_ld ld;
	size_t before = d != NULL ? d->n : 0;
	pm_status st = PM_ENOMEM;

	memset(&ld, 0, sizeof(ld));
	ld.d = d;
	ld.name = name;
	ld.p = pol_ld_new(name);
	if (ld.p == NULL)
		goto out;
	pol_ld_top(&ld, config_root_setting(cfg));
	if (ld.oom)
		goto out;
	st = PM_ECONFIG;
	if (ld.nerr > 0)
		goto out;
	st = pol_index_build(ld.p);
	if (st != PM_OK)
		goto out;
	st = pol_check_rules(ld.p, d);
	pol_diags_sort(d, before);
	if (st != PM_OK)
		goto out;
	*out = ld.p;
	ld.p = NULL;
out:
	pol_free(ld.p);
	return st;
}

/* pol_load_string - load a policy from memory */
pm_status
pol_load_string(const char *text, const char *name, struct pol **out,
    struct pol_diags *d)
{
	config_t cfg;
	pm_status st = PM_ECONFIG;

	*out = NULL;
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		pol_ld_syntax(d, &cfg, name);
		goto out;
	}
	st = pol_load_cfg(&cfg, name, out, d);
out:
	config_destroy(&cfg);
	return st;
}

/* pol_load_file - load a policy file and its @includes */
pm_status
pol_load_file(const char *path, struct pol **out, struct pol_diags *d)
{
	config_t cfg;
	FILE *fp = NULL;
	char *dcopy = NULL;
	const char *dir = NULL;
	pm_status st = PM_EIO;

	*out = NULL;
	config_init(&cfg);
	fp = fopen(path, "r");
	if (fp == NULL) {
		(void)pol_diag_add(d, POL_DIAG_ERROR, path, 0, "cannot read "
		    "the policy: %s; check the path and its permissions",
		    strerror(errno));
		goto out;
	}
	fclose(fp);
	dcopy = strdup(path);
	if (dcopy == NULL) {
		st = PM_ENOMEM;
		goto out;
	}
	dir = dirname(dcopy);
	if (strcmp(dir, ".") != 0)
		config_set_include_dir(&cfg, dir);
	st = PM_ECONFIG;
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO) {
			(void)pol_diag_add(d, POL_DIAG_ERROR, path, 0, "cannot "
			    "read the policy; check that it is a readable "
			    "file");
			st = PM_EIO;
		} else {
			pol_ld_syntax(d, &cfg, path);
		}
		goto out;
	}
	st = pol_load_cfg(&cfg, path, out, d);
out:
	free(dcopy);
	config_destroy(&cfg);
	return st;
}

/* pol_action_str - the name of an action */
const char *
pol_action_str(enum pol_action a)
{
	switch (a) {
	case POL_A_PASS:	return "pass";
	case POL_A_MASK:	return "mask";
	case POL_A_ENCRYPT:	return "encrypt";
	case POL_A_QUARANTINE:	return "quarantine";
	case POL_A_TEMPFAIL:	return "tempfail";
	case POL_A_REJECT:	return "reject";
	}
	return "unknown";
}

/* pol_action_parse - 1 and *a set when s names an action */
int
pol_action_parse(const char *s, enum pol_action *a)
{
	int i;

	for (i = 0; i < POL_A_COUNT; i++) {
		if (strcmp(s, pol_action_str((enum pol_action)i)) == 0) {
			*a = (enum pol_action)i;
			return 1;
		}
	}
	return 0;
}

/* pol_mask_str - the name of a mask */
const char *
pol_mask_str(enum pol_mask m)
{
	switch (m) {
	case POL_MASK_NONE:		return "none";
	case POL_MASK_FIRST6LAST4:	return "first6last4";
	case POL_MASK_LAST4:		return "last4";
	}
	return "unknown";
}

/* pol_mask_parse - 1 and *m set when s names a mask */
int
pol_mask_parse(const char *s, enum pol_mask *m)
{
	if (strcmp(s, "first6last4") == 0)
		*m = POL_MASK_FIRST6LAST4;
	else if (strcmp(s, "last4") == 0)
		*m = POL_MASK_LAST4;
	else
		return 0;
	return 1;
}

/* pol_conf_str - the name of a confidence level */
const char *
pol_conf_str(enum pol_conf c)
{
	return c == POL_CONF_HIGH ? "high" : "medium";
}
