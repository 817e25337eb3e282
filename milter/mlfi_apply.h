/*
 * NAME
 *	mlfi_apply - carry out an act_plan with libmilter's smfi_* calls
 * PROMISES
 *	The only file that calls smfi_* modifiers (setreply, addheader,
 *	chgheader, replacebody). Every return value is checked; a failed
 *	modification turns the result into the on_error status, never into
 *	an accept of a half-modified message.
 * API
 *	mlfi_apply(ctx, plan, on_error)	returns the sfsistat for eom.
 */
#ifndef MLFI_APPLY_H
#define MLFI_APPLY_H

#include <libmilter/mfapi.h>

#include "act_plan.h"

sfsistat mlfi_apply(SMFICTX *ctx, struct act_plan *plan,
    enum conf_on_error on_error);
sfsistat mlfi_apply_status(const struct act_plan *plan);

#endif
