/*
 * act_plan - decisions into plans; reply texts.
 *
 * Templates use {count} {brands} {masked} {rule} {action}; the defaults
 * say what happened and what the sender can do about it, in one line.
 */
#include <stdio.h>
#include <string.h>

#include "act_plan.h"
#include "pm_log.h"

#define ACT_DEFAULT_REJECT \
	"Message refused: it contains {count} payment card number(s)" \
	" ({masked}). Remove the card numbers, or ask your security team" \
	" for an approved encrypted channel (policy rule {rule})."
#define ACT_DEFAULT_TRACK \
	"Message refused: it contains card authentication data (track data" \
	" or a card security code) with {count} card number(s) ({masked})." \
	" Such data must never be sent; remove it."
#define ACT_DEFAULT_TEMPFAIL \
	"Message deferred by the card data filter; it will be retried" \
	" ({action})."

/* act_plan_brands - "visa,amex": distinct brands, in finding order */
void
act_plan_brands(const struct scan_result *res, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < res->nfindings && o + 1 < len; i++) {
		const char *b = res->findings[i].brand;
		const char *s = strstr(out, b);
		size_t bl = strlen(b);

		if (s != NULL && (s == out || s[-1] == ',')
		    && (s[bl] == 0 || s[bl] == ','))
			continue;
		o += (size_t)snprintf(out + o, len - o, "%s%s", o ? "," : "",
		    b);
	}
	if (o >= len)
		out[len - 1] = 0;
}

/* act_plan_masked - distinct masked PANs, comma-separated */
void
act_plan_masked(const struct scan_result *res, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < res->nfindings && o + 1 < len; i++) {
		const char *m = res->findings[i].masked.s;

		if (res->findings[i].kind != PAN_KIND_PAN || strstr(out, m))
			continue;
		if (o + strlen(m) + 2 >= len) {
			snprintf(out + o, len - o, "%s...", o ? "," : "");
			break;
		}
		o += (size_t)snprintf(out + o, len - o, "%s%s", o ? "," : "",
		    m);
	}
}

/* act_reply_expand - fill a template; strip CR/LF, double '%' */
void
act_reply_expand(const char *tmpl, const struct act_plan_in *in, char *out,
    size_t outlen)
{
	char val[256];
	size_t o = 0, n;
	const char *p, *v;

	for (p = tmpl; *p && o + 2 < outlen; p++) {
		v = NULL;
		if (*p == '{') {
			if (strncmp(p, "{count}", 7) == 0) {
				snprintf(val, sizeof(val), "%u", in->res ?
				    in->res->distinct_pans : 0);
				v = val;
			} else if (strncmp(p, "{brands}", 8) == 0 && in->res) {
				act_plan_brands(in->res, val, sizeof(val));
				v = val;
			} else if (strncmp(p, "{masked}", 8) == 0 && in->res) {
				act_plan_masked(in->res, val, sizeof(val));
				v = val;
			} else if (strncmp(p, "{rule}", 6) == 0)
				v = in->rule ? in->rule : "default";
			else if (strncmp(p, "{action}", 8) == 0)
				v = in->why ? in->why : "";
		}
		if (v != NULL) {
			n = strlen(v);
			if (o + n + 1 >= outlen)
				n = outlen - o - 1;
			memcpy(out + o, v, n);
			o += n;
			p = strchr(p, '}');
			continue;
		}
		if (*p == '%')
			out[o++] = '%';		/* libmilter: '%%' for '%' */
		out[o++] = (*p == '\r' || *p == '\n') ? ' ' : *p;
	}
	out[o] = 0;
}

/* act_plan_reply - set code and text */
static void
act_plan_reply(struct act_plan *plan, enum act_status st, const char *tmpl,
    const struct act_plan_in *in)
{
	plan->status = st;
	snprintf(plan->rcode, sizeof(plan->rcode), "%s",
	    st == ACT_REJECT ? "550" : "451");
	snprintf(plan->xcode, sizeof(plan->xcode), "%s",
	    st == ACT_REJECT ? "5.7.1" : "4.7.1");
	act_reply_expand(tmpl, in, plan->text, sizeof(plan->text));
}

/* act_plan_from - the plan for a decided action */
void
act_plan_from(struct act_plan *plan, const struct act_plan_in *in)
{
	const struct conf *c = in->conf;
	const char *rej = c->reject_text ? c->reject_text
	    : in->res && in->res->verdict == SCAN_TRACK_DATA ? ACT_DEFAULT_TRACK
	    : ACT_DEFAULT_REJECT;

	memset(plan, 0, sizeof(*plan));
	switch (in->kind) {
	case ACT_K_PASS:
	case ACT_K_MASK:
	case ACT_K_ENCRYPT:
	case ACT_K_QUARANTINE:
		plan->status = ACT_ACCEPT;
		plan->action = in->kind == ACT_K_PASS ? "pass"
		    : in->kind == ACT_K_MASK ? "mask"
		    : in->kind == ACT_K_ENCRYPT ? "encrypt" : "quarantine";
		if (in->add_header) {
			snprintf(plan->hval, sizeof(plan->hval),
			    "%s; pans=%u", plan->action, in->res
			    ? in->res->distinct_pans : 0);
			plan->hdrs[0].name = "X-PAN-Control";
			plan->hdrs[0].index = 0;
			plan->hdrs[0].value = plan->hval;
			plan->nhdrs = 1;
		}
		break;
	case ACT_K_REJECT:
	case ACT_K_NO_ENCRYPT:
		plan->action = in->kind == ACT_K_REJECT ? "reject"
		    : "reject-no-encrypt";
		act_plan_reply(plan, ACT_REJECT, rej, in);
		break;
	case ACT_K_TEMPFAIL:
		plan->action = "tempfail";
		act_plan_reply(plan, ACT_TEMPFAIL, c->tempfail_text
		    ? c->tempfail_text : ACT_DEFAULT_TEMPFAIL, in);
		break;
	default:
		act_plan_on_error(plan, c->on_error, "unknown action");
		return;
	}
	snprintf(plan->note, sizeof(plan->note), "%s", in->why ? in->why : "");
}

/* act_plan_on_error - the on_error setting as a plan */
void
act_plan_on_error(struct act_plan *plan, enum conf_on_error on_error,
    const char *why)
{
	memset(plan, 0, sizeof(*plan));
	snprintf(plan->note, sizeof(plan->note), "%s", why);
	switch (on_error) {
	case CONF_ON_ERROR_ACCEPT:
		plan->status = ACT_ACCEPT;
		plan->action = "error-accept";
		return;
	case CONF_ON_ERROR_REJECT:
		plan->status = ACT_REJECT;
		plan->action = "error-reject";
		snprintf(plan->rcode, sizeof(plan->rcode), "550");
		snprintf(plan->xcode, sizeof(plan->xcode), "5.7.1");
		snprintf(plan->text, sizeof(plan->text), "Message refused:"
		    " the card data filter could not check it");
		return;
	default:
		plan->status = ACT_TEMPFAIL;
		plan->action = "error-tempfail";
		snprintf(plan->rcode, sizeof(plan->rcode), "451");
		snprintf(plan->xcode, sizeof(plan->xcode), "4.7.1");
		snprintf(plan->text, sizeof(plan->text), "Message deferred:"
		    " the card data filter could not check it; it will be"
		    " retried");
	}
}

/* act_plan_check - tripwire over everything the plan would emit */
int
act_plan_check(struct act_plan *plan, enum conf_on_error on_error)
{
	size_t i;
	int bad = pm_log_tripwire_guard(plan->text)
	    || pm_log_tripwire_guard(plan->note);

	for (i = 0; i < plan->nhdrs && !bad; i++)
		bad = plan->hdrs[i].value != NULL
		    && pm_log_tripwire_guard(plan->hdrs[i].value);
	if (!bad)
		return 0;
	act_plan_on_error(plan, on_error, "plan would carry card data (bug)");
	return -1;
}
