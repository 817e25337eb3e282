/*
 * NAME
 *	act_plan - what to do with one message, as plain data
 * OWNS
 *	struct act_plan: fixed-size reply text, a small array of header
 *	edits (strings owned by the caller's arena or static), an optional
 *	body replacement (pointer into the caller's arena).
 * PROMISES
 *	- Built only from masked values, counts, brand ids and rule names,
 *	  so no plan can carry a full PAN; act_plan_check() verifies it
 *	  (tripwire over the reply and every header value) and turns a bad
 *	  plan into the on_error plan.
 *	- Every switch over actions has a default that fails closed.
 *	- Reply texts never contain CR, LF or a lone '%' (libmilter would
 *	  drop them); they stay under 400 characters.
 * API
 *	act_plan_from(plan, in)	the plan for a decision (see struct
 *				act_plan_in); never fails.
 *	act_plan_on_error(plan, on_error, why)	the plan for an error.
 *	act_plan_check(plan, on_error)	0, or -1 after replacing a plan
 *				that would leak.
 *	act_reply_expand(tmpl, in, out, outlen)	fill a reply template:
 *				{count} {brands} {masked} {rule} {action}.
 */
#ifndef ACT_PLAN_H
#define ACT_PLAN_H

#include <stddef.h>

#include "conf.h"
#include "scan.h"

enum act_status {
	ACT_ACCEPT = 0,
	ACT_REJECT,
	ACT_TEMPFAIL
};

#define ACT_MAX_HDRS	16
#define ACT_TEXT_MAX	400

struct act_hdr {
	const char *name;
	int index;		/* 0: add a header; >0: change occurrence */
	const char *value;	/* NULL with index > 0: delete it */
};

struct act_plan {
	enum act_status status;
	const char *action;	/* for the log: pass, mask, reject, ... */
	char rcode[4], xcode[8];
	char text[ACT_TEXT_MAX + 1];
	size_t nhdrs;
	struct act_hdr hdrs[ACT_MAX_HDRS];
	const unsigned char *body;	/* replacement body or NULL */
	size_t body_len;
	char *const *del_rcpts;		/* recipients to remove (quarantine) */
	size_t ndel;
	const char *add_rcpt;		/* recipient to add, or NULL */
	char note[160];		/* why, for the log (no PAN) */
	char hval[64];		/* storage for the X-PAN-Control value */
};

enum act_kind {
	ACT_K_PASS = 0,
	ACT_K_MASK,
	ACT_K_REJECT,
	ACT_K_TEMPFAIL,
	ACT_K_NO_ENCRYPT,	/* encrypt/quarantine asked, not available */
	ACT_K_ENCRYPT,		/* edits filled in by the caller */
	ACT_K_QUARANTINE
};

struct act_plan_in {
	enum act_kind kind;
	const struct conf *conf;
	const struct scan_result *res;
	const char *rule;		/* deciding rule name, or NULL */
	const char *why;		/* short reason: "track data", ... */
	int add_header;
};

void act_plan_from(struct act_plan *plan, const struct act_plan_in *in);
void act_plan_on_error(struct act_plan *plan, enum conf_on_error on_error,
    const char *why);
int act_plan_check(struct act_plan *plan, enum conf_on_error on_error);
void act_reply_expand(const char *tmpl, const struct act_plan_in *in,
    char *out, size_t outlen);
void act_plan_brands(const struct scan_result *res, char *out, size_t len);
void act_plan_masked(const struct scan_result *res, char *out, size_t len);

#endif
