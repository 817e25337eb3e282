/*
 * NAME
 *	act_facts - the engine's scan result as the policy's facts
 * PROMISES
 *	Only the verdict and, per distinct PAN, confidence, test flag and
 *	token cross over: the policy never sees digits.
 * API
 *	act_facts_from(res, facts)	fill facts from a scan result.
 */
#ifndef ACT_FACTS_H
#define ACT_FACTS_H

#include "pol_decide.h"
#include "scan.h"

void act_facts_from(const struct scan_result *res, struct pol_facts *f);

#endif
