/*
 * mlfi_apply - plan -> smfi_* calls.
 *
 * Body replacement goes in 64 KiB pieces (libmilter's own chunk size).
 */
#include <stdio.h>
#include <string.h>

#include "mlfi_apply.h"
#include "pm_log.h"

#define MLFI_BODY_CHUNK	65536

/* mlfi_apply_status - the sfsistat for a plan's status; fails closed */
sfsistat
mlfi_apply_status(const struct act_plan *plan)
{
	switch (plan->status) {
	case ACT_ACCEPT:
		return SMFIS_CONTINUE;
	case ACT_REJECT:
		return SMFIS_REJECT;
	case ACT_TEMPFAIL:
	default:
		return SMFIS_TEMPFAIL;
	}
}

/* mlfi_apply_edits - headers and body; -1 when libmilter refused one */
static int
mlfi_apply_edits(SMFICTX *ctx, const struct act_plan *plan, int leadspc)
{
	char val[ACT_TEXT_MAX + 2];
	size_t i, off, n;

	for (i = 0; i < plan->nhdrs; i++) {
		const struct act_hdr *h = &plan->hdrs[i];
		int rc;

		/* with SMFIP_HDR_LEADSPC the MTA writes "Name:" + value */
		if (h->value != NULL)
			snprintf(val, sizeof(val), "%s%s", leadspc
			    && h->value[0] != ' ' && h->value[0] != '\t'
			    ? " " : "", h->value);
		rc = h->index == 0
		    ? smfi_addheader(ctx, (char *)h->name, val)
		    : smfi_chgheader(ctx, (char *)h->name, h->index,
		    h->value ? val : NULL);

		if (rc != MI_SUCCESS) {
			pm_log(LOG_ERR, "cannot %s header %s; check that the"
			    " MTA allows header changes (milter_protocol >= 2)",
			    h->index == 0 ? "add" : h->value ? "change"
			    : "delete", h->name);
			return -1;
		}
	}
	for (i = 0; i < plan->ndel; i++)
		if (smfi_delrcpt(ctx, plan->del_rcpts[i]) != MI_SUCCESS) {
			pm_log(LOG_ERR, "cannot remove a recipient; check that"
			    " the MTA allows recipient changes");
			return -1;
		}
	if (plan->add_rcpt != NULL && smfi_addrcpt(ctx,
	    (char *)plan->add_rcpt) != MI_SUCCESS) {
		pm_log(LOG_ERR, "cannot add the quarantine recipient");
		return -1;
	}
	for (off = 0; plan->body != NULL && off < plan->body_len; off += n) {
		n = plan->body_len - off;
		if (n > MLFI_BODY_CHUNK)
			n = MLFI_BODY_CHUNK;
		if (smfi_replacebody(ctx, (unsigned char *)plan->body + off,
		    (int)n) != MI_SUCCESS) {
			pm_log(LOG_ERR, "cannot replace the body; check that"
			    " the MTA allows body changes");
			return -1;
		}
	}
	return 0;
}

/* mlfi_apply - carry out a plan at end of message */
sfsistat
mlfi_apply(SMFICTX *ctx, struct act_plan *plan, enum conf_on_error on_error,
    int leadspc)
{
	if (plan->status == ACT_ACCEPT) {
		if (mlfi_apply_edits(ctx, plan, leadspc) < 0) {
			act_plan_on_error(plan, on_error == CONF_ON_ERROR_ACCEPT
			    ? CONF_ON_ERROR_TEMPFAIL : on_error,
			    "message modification failed");
		} else
			return SMFIS_CONTINUE;
	}
	if (plan->rcode[0] != 0 && smfi_setreply(ctx, plan->rcode,
	    plan->xcode, plan->text) != MI_SUCCESS)
		pm_log(LOG_WARNING, "cannot set the SMTP reply text; the MTA"
		    " sends its default text");
	return mlfi_apply_status(plan);
}
