/*
 * NAME
 *	mlfi_apply - carry out an act_plan with libmilter's smfi_* calls
 * PROMISES
 *	The only file that calls smfi_* modifiers (setreply, addheader,
 *	chgheader, replacebody). Every return value is checked; a failed
 *	modification turns the result into the on_error status, never into
 *	an accept of a half-modified message.
 * API
 *	mlfi_apply(ctx, plan, on_error, leadspc)	returns the sfsistat for
 *				eom; leadspc: SMFIP_HDR_LEADSPC was agreed
 *				(added values get their leading space).
 */
#ifndef MLFI_APPLY_H
#define MLFI_APPLY_H

#include <libmilter/mfapi.h>

#include "act_plan.h"

sfsistat mlfi_apply(SMFICTX *ctx, struct act_plan *plan,
    enum conf_on_error on_error, int leadspc);
sfsistat mlfi_apply_status(const struct act_plan *plan);

#endif
