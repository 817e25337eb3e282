/* act_facts - scan_result -> pol_facts. */
#include <string.h>

#include "act_facts.h"

/* act_facts_from - verdict and per-PAN facts, nothing else */
void
act_facts_from(const struct scan_result *res, struct pol_facts *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	switch (res->verdict) {
	case SCAN_CLEAN:	f->verdict = POL_V_CLEAN; break;
	case SCAN_PAN:		f->verdict = POL_V_PAN; break;
	case SCAN_TRACK_DATA:	f->verdict = POL_V_TRACK; break;
	case SCAN_PROTECTED:	f->verdict = POL_V_PROTECTED; break;
	default:		f->verdict = POL_V_UNSCANNABLE; break;
	}
	/* PANs not described (past SCAN_MAX_PANS) always count */
	f->pans_more = res->distinct_pans - res->npans;
	for (i = 0; i < res->npans; i++) {
		if (f->npans == POL_FACTS_MAX_PANS) {
			f->pans_more++;
			continue;
		}
		f->pans[f->npans].confidence = res->pans[i].conf
		    == PAN_CONF_HIGH ? POL_CONF_HIGH : POL_CONF_MEDIUM;
		f->pans[f->npans].is_test = res->pans[i].is_test;
		memcpy(f->pans[f->npans].token, res->pans[i].token,
		    sizeof(f->pans[f->npans].token));
		f->npans++;
	}
}
