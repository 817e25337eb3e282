/*
 * mlfi - callbacks. Each is short: collect, or hand over to mlfi_eom's
 * pipeline (mlfi_decide -> act plan -> mlfi_apply -> log line).
 *
 * The message is assembled as it would be written to a file: header
 * fields "Name:value" with CRLF, a blank line, the body as the MTA sends
 * it (CRLF). The buffer grows by allocate, copy, wipe, free (no realloc),
 * and is wiped whatever way the message ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act_facts.h"
#include "act_mask.h"
#include "act_plan.h"
#include "mlfi.h"
#include "mlfi_crypt.h"
#include "mlfi_apply.h"
#include "pm_arena.h"
#include "pm_log.h"
#include "scan_out.h"
#include "pol_decide.h"
#include "pol_load.h"

#define MLFI_MAX_RCPTS	1000

struct mlfi_msg {
	unsigned char *buf;
	size_t len, cap;
	int oversize;
	int hdr_leadspc;	/* MTA sends the space after the colon */
	char from[320];
	char *rcpts[MLFI_MAX_RCPTS];
	size_t nrcpts;
	int too_many_rcpts;
	struct timespec t0;
};

struct mlfi_conn {
	struct mlfi_daemon *d;
	struct mlfi_msg msg;
	int leadspc;
};

static struct mlfi_daemon *mlfi_d;	/* set once before smfi_main */

/* mlfi_policy_load - pm_snap loader for the policy file */
int
mlfi_policy_load(const char *path, void **obj, char *err, size_t errlen)
{
	struct pol_diags dg;
	struct pol *p = NULL;
	pm_status st;

	pol_diags_init(&dg);
	st = pol_load_file(path, &p, &dg);
	if (st != PM_OK) {
		if (dg.n > 0)
			snprintf(err, errlen, "%s:%u: %s", dg.v[0].file
			    ? dg.v[0].file : path, dg.v[0].line, dg.v[0].text);
		else
			snprintf(err, errlen, "%s: %s", path, pm_status_str(st));
		pol_diags_fini(&dg);
		return -1;
	}
	pol_diags_fini(&dg);
	*obj = p;
	return 0;
}

/* mlfi_policy_free - pm_snap destructor */
void
mlfi_policy_free(void *obj)
{
	pol_free(obj);
}

/* mlfi_msg_reset - wipe and forget the message */
static void
mlfi_msg_reset(struct mlfi_msg *m)
{
	size_t i;

	if (m->buf != NULL) {
		pm_wipe(m->buf, m->cap);
		free(m->buf);
	}
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	memset(m, 0, sizeof(*m));
}

/* mlfi_msg_append - add bytes, within max_message_size */
static int
mlfi_msg_append(struct mlfi_conn *c, const void *p, size_t n)
{
	struct mlfi_msg *m = &c->msg;
	unsigned char *nb;
	size_t cap;

	if (m->oversize)
		return 0;
	if (m->len + n > c->d->sopts.lim.max_message_size) {
		m->oversize = 1;	/* keep nothing more; policy decides */
		return 0;
	}
	if (m->len + n > m->cap) {
		cap = m->cap ? m->cap : 65536;
		while (cap < m->len + n)
			cap *= 2;
		if ((nb = malloc(cap)) == NULL)
			return -1;
		if (m->buf != NULL) {
			memcpy(nb, m->buf, m->len);
			pm_wipe(m->buf, m->cap);
			free(m->buf);
		}
		m->buf = nb;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	return 0;
}

/* mlfi_conn_get - the connection context, or NULL (an internal error) */
static struct mlfi_conn *
mlfi_conn_get(SMFICTX *ctx)
{
	struct mlfi_conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		pm_log(LOG_WARNING, "milter context lost; message handled by"
		    " on_error");
	return c;
}

/* mlfi_on_error - the configured status for an internal error */
static sfsistat
mlfi_on_error(void)
{
	struct act_plan plan;

	act_plan_on_error(&plan, mlfi_d->conf->on_error, "internal error");
	return mlfi_apply_status(&plan);
}

/* mlfi_negotiate - ask for what we use, skip what we do not need */
static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY
	    | SMFIF_ADDRCPT | SMFIF_DELRCPT;
	unsigned long skip = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA
	    | SMFIP_HDR_LEADSPC;
	struct mlfi_conn *c;

	(void)f2;
	(void)f3;
	if ((f0 & want) != want) {
		pm_log(LOG_ERR, "the MTA does not offer header and body"
		    " changes (actions 0x%lx); set milter_protocol = 6 in"
		    " main.cf", f0);
		return SMFIS_REJECT;
	}
	*pf0 = want;
	*pf1 = f1 & skip;
	*pf2 = *pf3 = 0;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SMFIS_TEMPFAIL;
	c->d = mlfi_d;
	c->leadspc = (f1 & SMFIP_HDR_LEADSPC) != 0;
	smfi_setpriv(ctx, c);
	return SMFIS_CONTINUE;
}

/* mlfi_envfrom - a new message begins */
static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct mlfi_conn *c = mlfi_conn_get(ctx);

	if (c == NULL)
		return mlfi_on_error();
	mlfi_msg_reset(&c->msg);
	clock_gettime(CLOCK_MONOTONIC, &c->msg.t0);
	snprintf(c->msg.from, sizeof(c->msg.from), "%s",
	    argv && argv[0] ? argv[0] : "<>");
	return SMFIS_CONTINUE;
}

/* mlfi_envrcpt - one more recipient */
static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mlfi_conn *c = mlfi_conn_get(ctx);
	char *r;

	if (c == NULL)
		return mlfi_on_error();
	if (c->msg.nrcpts == MLFI_MAX_RCPTS) {
		c->msg.too_many_rcpts = 1;
		return SMFIS_CONTINUE;
	}
	if ((r = strdup(argv && argv[0] ? argv[0] : "<>")) == NULL)
		return SMFIS_TEMPFAIL;
	c->msg.rcpts[c->msg.nrcpts++] = r;
	return SMFIS_CONTINUE;
}

/* mlfi_header - one header field, as it will be scanned */
static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct mlfi_conn *c = mlfi_conn_get(ctx);

	if (c == NULL)
		return mlfi_on_error();
	if (mlfi_msg_append(c, name, strlen(name)) < 0
	    || mlfi_msg_append(c, c->leadspc ? ":" : ": ",
	    c->leadspc ? 1 : 2) < 0
	    || mlfi_msg_append(c, value, strlen(value)) < 0
	    || mlfi_msg_append(c, "\r\n", 2) < 0)
		return mlfi_on_error();
	return SMFIS_CONTINUE;
}

/* mlfi_eoh - the blank line after the header */
static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct mlfi_conn *c = mlfi_conn_get(ctx);

	if (c == NULL || mlfi_msg_append(c, "\r\n", 2) < 0)
		return mlfi_on_error();
	return SMFIS_CONTINUE;
}

/* mlfi_body - a body chunk, copied at once */
static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	struct mlfi_conn *c = mlfi_conn_get(ctx);

	if (c == NULL || mlfi_msg_append(c, p, n) < 0)
		return mlfi_on_error();
	return SMFIS_CONTINUE;
}

/* mlfi_kind - the policy's action as a plan kind */
static enum act_kind
mlfi_kind(enum pol_action a)
{
	switch (a) {
	case POL_A_PASS:	return ACT_K_PASS;
	case POL_A_MASK:	return ACT_K_MASK;
	case POL_A_TEMPFAIL:	return ACT_K_TEMPFAIL;
	case POL_A_ENCRYPT:	return ACT_K_ENCRYPT;
	case POL_A_QUARANTINE:	return ACT_K_QUARANTINE;
	case POL_A_REJECT:
	default:		return ACT_K_REJECT;
	}
}

/* mlfi_mask - run the mask executor into the plan; 0 or -1 (reject) */
static int
mlfi_mask(struct mlfi_conn *c, struct pm_arena *a, enum pol_mask pm,
    struct act_plan *plan, char *why, size_t whylen)
{
	struct act_mask_edit edit;
	enum pan_mask_style style = pm == POL_MASK_LAST4 ? PAN_MASK_LAST4
	    : PAN_MASK_FIRST6LAST4;
	size_t i;

	memset(&edit, 0, sizeof(edit));
	if (act_mask(a, c->msg.buf, c->msg.len, &c->d->sopts, style, '*',
	    &edit, why, whylen) != PM_OK)
		return -1;
	if (edit.nhdrs + plan->nhdrs > ACT_MAX_HDRS) {
		snprintf(why, whylen, "cannot mask: too many header fields"
		    " with card numbers");
		return -1;
	}
	for (i = 0; i < edit.nhdrs; i++) {
		plan->hdrs[plan->nhdrs].name = edit.hdrs[i].name;
		plan->hdrs[plan->nhdrs].index = edit.hdrs[i].index;
		plan->hdrs[plan->nhdrs].value = edit.hdrs[i].value;
		plan->nhdrs++;
	}
	plan->body = edit.body;
	plan->body_len = edit.body_len;
	return 0;
}

/* mlfi_scan - scan the message, or mark it unscannable when oversize */
static pm_status
mlfi_scan(struct mlfi_conn *c, struct scan_result *res)
{
	if (c->msg.oversize) {
		memset(res, 0, sizeof(*res));
		res->verdict = SCAN_UNSCANNABLE;
		snprintf(res->reason, sizeof(res->reason), "max_message_size");
		return PM_OK;
	}
	return scan_message(c->msg.buf ? c->msg.buf : (const unsigned char *)"",
	    c->msg.len, &c->d->sopts, res);
}

/* mlfi_subject_has_pan - a finding in the top-level Subject */
static int
mlfi_subject_has_pan(const struct scan_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (res->findings[i].part[0] == 0
		    && strcmp(res->findings[i].where, "header:Subject") == 0)
			return 1;
	return 0;
}

/* mlfi_crypt_plan - encrypt or quarantine into the plan; -1: on_error */
static int
mlfi_crypt_plan(struct mlfi_conn *c, const struct kr_view *kv, int kstale,
    struct pm_arena *a, const struct scan_result *res, int quarantine,
    struct act_plan *plan, char *why, size_t whylen)
{
	struct act_encrypt_edit e;
	size_t i;

	if (kstale) {
		snprintf(why, whylen, "keyring changed and could not be read;"
		    " a revocation cannot be ruled out");
		return -1;
	}
	if (c->msg.oversize) {
		/* only the first max_message_size bytes were kept: encrypting
		 * them would replace the message by a truncated copy */
		snprintf(why, whylen, "message larger than max_message_size"
		    " cannot be encrypted; raise max_message_size");
		return -1;
	}
	if (quarantine && c->d->conf->quarantine_address == NULL) {
		snprintf(why, whylen, "quarantine asked but quarantine_address"
		    " is not set");
		return -1;
	}
	if (mlfi_crypt_run(c->d, kv, a, c->msg.buf, c->msg.len, c->msg.from,
	    c->msg.rcpts, c->msg.nrcpts, quarantine,
	    mlfi_subject_has_pan(res), &e, why, whylen) != PM_OK)
		return -1;
	if (e.nhdrs + plan->nhdrs > ACT_MAX_HDRS) {
		snprintf(why, whylen, "too many header edits");
		return -1;
	}
	for (i = 0; i < e.nhdrs; i++)
		plan->hdrs[plan->nhdrs++] = e.hdrs[i];
	plan->body = e.body;
	plan->body_len = e.body_len;
	if (quarantine) {
		plan->del_rcpts = c->msg.rcpts;
		plan->ndel = c->msg.nrcpts;
		plan->add_rcpt = c->d->conf->quarantine_address;
	}
	return 0;
}

/* mlfi_decide - scan, ask the policy, build the plan */
static void
mlfi_decide(struct mlfi_conn *c, struct pm_arena *a, struct scan_result *res,
    struct act_plan *plan, char *rule, size_t rulelen)
{
	const struct conf *conf = c->d->conf;
	struct pol_decision *dec = NULL;
	const struct kr_view *kv = NULL;
	struct act_plan_in in;
	struct pol_facts facts;
	const struct pol *pol;
	char err[600], why[200];
	int stale, kstale = 0;

	snprintf(rule, rulelen, "-");
	pol = pm_snap_acquire(&c->d->policy, &stale, err, sizeof(err));
	if (err[0])
		pm_log(LOG_ERR, "policy not reloaded: %s; the previous policy"
		    " stays in force; run panpolicy check %s", err,
		    conf->policy);
	kv = mlfi_crypt_view(c->d, &kstale, err, sizeof(err));
	if (err[0])
		pm_log(LOG_ERR, "keyring not reloaded: %s; encrypt and"
		    " quarantine fail until it loads; run pankey -k %s list",
		    err, conf->keyring);
	if (pol == NULL) {
		act_plan_on_error(plan, conf->on_error, "no policy loaded");
		goto out;
	}
	if (c->msg.too_many_rcpts || mlfi_scan(c, res) != PM_OK) {
		act_plan_on_error(plan, conf->on_error, c->msg.too_many_rcpts
		    ? "too many recipients" : "scan failed");
		goto out;
	}
	act_facts_from(res, &facts);
	if (pol_decide(pol, c->msg.from, (const char *const *)c->msg.rcpts,
	    c->msg.nrcpts, &facts, kv && !kstale ? mlfi_crypt_has_key : NULL,
	    (void *)kv, &dec) != PM_OK) {
		act_plan_on_error(plan, conf->on_error, "policy failed");
		goto out;
	}
	/* the deciding rule; else the top-level setting that decided */
	snprintf(rule, rulelen, "%s", dec->deciding != NULL
	    ? dec->deciding->name : pol_why_str(dec->why));
	memset(&in, 0, sizeof(in));
	in.kind = mlfi_kind(dec->action);
	in.conf = conf;
	in.res = res;
	in.rule = rule;
	/* a rule or the default is the normal case; say why otherwise */
	in.why = dec->why == POL_WHY_RULE || dec->why == POL_WHY_DEFAULT
	    || dec->why == POL_WHY_CLEAN ? NULL : pol_why_str(dec->why);
	in.add_header = conf->add_header;
	if ((in.kind == ACT_K_ENCRYPT || in.kind == ACT_K_QUARANTINE)
	    && !c->d->have_keyring) {
		pm_log(LOG_WARNING, "rule %s asks to %s, but no keyring is"
		    " configured; the message is rejected instead; set keyring"
		    " in panmilter.conf", rule, pol_action_str(dec->action));
		in.kind = ACT_K_NO_ENCRYPT;
	}
	act_plan_from(plan, &in);
	if (in.kind == ACT_K_MASK && mlfi_mask(c, a, dec->mask, plan, why,
	    sizeof(why)) < 0) {
		pm_log(LOG_WARNING, "%s; the message is rejected instead", why);
		in.kind = ACT_K_REJECT;
		in.why = "cannot mask";	/* details in the warning above */
		act_plan_from(plan, &in);
	}
	if ((in.kind == ACT_K_ENCRYPT || in.kind == ACT_K_QUARANTINE)
	    && mlfi_crypt_plan(c, kv, kstale, a, res, in.kind
	    == ACT_K_QUARANTINE, plan, why, sizeof(why)) < 0) {
		pm_log(LOG_ERR, "cannot %s: %s", plan->action, why);
		act_plan_on_error(plan, conf->on_error, why);
	}
out:
	pol_decision_free(dec);
	mlfi_crypt_release(c->d, kv);
	pm_snap_release(&c->d->policy, (void *)pol);
}

/* mlfi_log_addr - an envelope address, safe for the log */
static void
mlfi_log_addr(struct pm_kv *kv, const char *key, const char *addr)
{
	char *safe = scan_safe_text(addr, strlen(addr));

	pm_kv_str(kv, key, safe ? safe : "?");
	free(safe);
}

/* mlfi_log - the one info line per message; -1 when it was not written */
static int
mlfi_log(const struct mlfi_conn *c, const char *qid,
    const struct act_plan *plan, const struct scan_result *res,
    const char *rule)
{
	const struct pan_masked *m[32];
	struct timespec t;
	struct pm_kv kv;
	char brands[256], toks[32 * (PAN_TOKEN_LEN + 1)];
	size_t i, j, nm = 0, o = 0;

	pm_kv_init(&kv);
	pm_kv_str(&kv, "qid", qid);
	mlfi_log_addr(&kv, "from", c->msg.from);
	pm_kv_uint(&kv, "rcpts", c->msg.nrcpts);
	pm_kv_str(&kv, "action", plan->action ? plan->action : "?");
	pm_kv_str(&kv, "rule", rule);
	pm_kv_uint(&kv, "pans", res->distinct_pans);
	act_plan_brands(res, brands, sizeof(brands));
	pm_kv_str(&kv, "brands", brands[0] ? brands : "-");
	for (i = 0; i < res->nfindings && nm < 32; i++) {
		if (res->findings[i].kind != PAN_KIND_PAN)
			continue;
		for (j = 0; j < nm; j++)
			if (strcmp(m[j]->s, res->findings[i].masked.s) == 0)
				break;
		if (j == nm)
			m[nm++] = &res->findings[i].masked;
	}
	pm_kv_masked(&kv, "masked", m, nm);
	toks[0] = 0;
	for (i = 0; i < res->npans && i < 32; i++)
		if (res->pans[i].token[0])
			o += (size_t)snprintf(toks + o, sizeof(toks) - o, "%s%s",
			    o ? "," : "", res->pans[i].token);
	pm_kv_str(&kv, "tokens", toks[0] ? toks : "-");
	pm_kv_uint(&kv, "size", c->msg.len);
	clock_gettime(CLOCK_MONOTONIC, &t);
	pm_kv_uint(&kv, "ms", (unsigned long long)((t.tv_sec - c->msg.t0.tv_sec)
	    * 1000 + (t.tv_nsec - c->msg.t0.tv_nsec) / 1000000));
	/* the most precise reason: an error's own, else the engine's (the
	 * limit's name), else why the policy decided as it did */
	if (plan->note[0] && strncmp(plan->action, "error", 5) == 0)
		pm_kv_str(&kv, "reason", plan->note);
	else if (res->reason[0])
		pm_kv_str(&kv, "reason", res->reason);
	else if (plan->note[0] && strcmp(plan->action, "pass") != 0)
		pm_kv_str(&kv, "reason", plan->note);
	return pm_log(LOG_INFO, "%s", kv.buf);
}

/* mlfi_eom - the whole pipeline for one message */
static sfsistat
mlfi_eom(SMFICTX *ctx)
{
	struct mlfi_conn *c = mlfi_conn_get(ctx);
	struct scan_result res;
	struct act_plan plan;
	struct pm_arena *a = NULL;
	const char *qid;
	char rule[128];
	sfsistat st;

	if (c == NULL)
		return mlfi_on_error();
	memset(&res, 0, sizeof(res));
	qid = smfi_getsymval(ctx, "i");
	if ((a = pm_arena_new(0)) == NULL)
		act_plan_on_error(&plan, c->d->conf->on_error, "out of memory");
	else
		mlfi_decide(c, a, &res, &plan, rule, sizeof(rule));
	if (a == NULL)
		snprintf(rule, sizeof(rule), "-");
	(void)act_plan_check(&plan, c->d->conf->on_error);
	/* the record first: a message whose log line cannot be written
	 * (PCI DSS 10.2) gets on_error, and the attempt is logged again */
	if (mlfi_log(c, qid ? qid : "NOQUEUE", &plan, &res, rule) < 0) {
		act_plan_on_error(&plan, c->d->conf->on_error, "cannot write"
		    " the log; free space where panmilter logs");
		(void)mlfi_log(c, qid ? qid : "NOQUEUE", &plan, &res, rule);
	}
	st = mlfi_apply(ctx, &plan, c->d->conf->on_error, c->leadspc);
	scan_result_fini(&res);
	pm_arena_free(a);
	mlfi_msg_reset(&c->msg);
	return st;
}

/* mlfi_abort - the message ended early: wipe it */
static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	struct mlfi_conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		mlfi_msg_reset(&c->msg);
	return SMFIS_CONTINUE;
}

/* mlfi_close - the connection ended: wipe and free */
static sfsistat
mlfi_close(SMFICTX *ctx)
{
	struct mlfi_conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		mlfi_msg_reset(&c->msg);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc mlfi_desc_tab = {
	"panmilter",		/* name */
	SMFI_VERSION,		/* version */
	SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT
	    | SMFIF_DELRCPT,
	NULL,			/* connect: context is made at negotiate */
	NULL,			/* helo */
	mlfi_envfrom,
	mlfi_envrcpt,
	mlfi_header,
	mlfi_eoh,
	mlfi_body,
	mlfi_eom,
	mlfi_abort,
	mlfi_close,
	NULL,			/* unknown */
	NULL,			/* data */
	mlfi_negotiate
};

/* mlfi_desc - the callback table, bound to the daemon state */
struct smfiDesc *
mlfi_desc(struct mlfi_daemon *d)
{
	mlfi_d = d;
	return &mlfi_desc_tab;
}

/* mlfi_reload - SIGHUP: reload the policy at the next message */
void
mlfi_reload(struct mlfi_daemon *d)
{
	pm_snap_request_reload(&d->policy);
}

/* mlfi_daemon_init - policy (loaded now, so errors show at start), key */
int
mlfi_daemon_init(struct mlfi_daemon *d, const struct conf *conf, char *err,
    size_t errlen)
{
	const void *pol;
	int stale;

	memset(d, 0, sizeof(*d));
	d->conf = conf;
	scan_opts_default(&d->sopts);
	d->sopts.lim = conf->lim;
	d->sopts.mask = conf->mask;
	if (conf->policy == NULL) {
		snprintf(err, errlen, "%s: no policy setting; add policy ="
		    " \"/etc/panmilter/policy.conf\"; (see panmilter.conf(5))",
		    conf->path ? conf->path : CONF_DEFAULT_PATH);
		return -1;
	}
	if (conf->token_key_file != NULL && pan_token_load(conf->token_key_file,
	    &d->key, err, errlen) != PM_OK)
		return -1;
	d->sopts.key = d->key;
	pm_snap_init(&d->policy, conf->policy, mlfi_policy_load,
	    mlfi_policy_free);
	pol = pm_snap_acquire(&d->policy, &stale, err, errlen);
	if (pol == NULL || stale)
		return -1;
	pm_snap_release(&d->policy, (void *)pol);
	return mlfi_crypt_init(d, err, errlen);
}

/* mlfi_daemon_fini - free the process state */
void
mlfi_daemon_fini(struct mlfi_daemon *d)
{
	mlfi_crypt_fini(d);
	pm_snap_fini(&d->policy);
	pan_token_key_free(d->key);
	d->key = NULL;
}
