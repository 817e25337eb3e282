/*
 * fuzz_scan - the whole engine (scan_message) is total: any bytes give
 * a verdict; no finding field carries a clear PAN (masked shows at most
 * ten digits, part/where scan clean); tokens are 16 hex digits;
 * scan_result_fini is idempotent.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pan_detect.h"
#include "pan_token.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pan_token_key *fs_key;

/* fs_check - one finding holds no clear PAN and is well-formed */
static void
fs_check(const struct scan_finding *f, int with_key)
{
	size_t i, nd = 0, ml = strnlen(f->masked.s, sizeof(f->masked.s));

	if (ml == sizeof(f->masked.s) || ml != f->masked.len)
		__builtin_trap();
	for (i = 0; i < ml; i++) {
		if (f->masked.s[i] >= '0' && f->masked.s[i] <= '9')
			nd++;
		else if (f->masked.s[i] != '*')
			__builtin_trap();
	}
	if (nd > 10)
		__builtin_trap();
	if (strnlen(f->part, sizeof(f->part)) == sizeof(f->part) ||
	    strnlen(f->where, sizeof(f->where)) == sizeof(f->where))
		__builtin_trap();	/* not NUL-terminated */
	if (pan_detect_has_pan(f->part, strlen(f->part)) ||
	    pan_detect_has_pan(f->where, strlen(f->where)))
		__builtin_trap();	/* a clear PAN in part/where */
	if (f->kind == PAN_KIND_PAN && with_key) {
		if (strlen(f->token) != PAN_TOKEN_LEN)
			__builtin_trap();
		for (i = 0; i < PAN_TOKEN_LEN; i++)
			if (strchr("0123456789abcdef", f->token[i]) == NULL)
				__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_result res;
	struct scan_opts o;
	pm_status st;
	size_t i;

	if (fs_key == NULL)
		fs_key = pan_token_key_new("fuzz-token-key-0123456789", 25);
	scan_opts_default(&o);
	o.key = fs_key;
	memset(&res, 0, sizeof(res));
	st = scan_message(data, size, &o, &res);
	if (st != PM_OK && st != PM_ENOMEM && st != PM_EINTERNAL)
		__builtin_trap();
	if (st != PM_OK && res.verdict != SCAN_ERROR)
		__builtin_trap();
	if (res.verdict > SCAN_ERROR || res.nfindings > res.cap)
		__builtin_trap();
	if (scan_verdict_str(res.verdict) == NULL)
		__builtin_trap();
	for (i = 0; i < res.nfindings; i++)
		fs_check(&res.findings[i], fs_key != NULL);
	if (res.nfindings > 0 && res.verdict != SCAN_PAN &&
	    res.verdict != SCAN_TRACK_DATA)
		__builtin_trap();	/* findings, yet no card verdict */
	scan_result_fini(&res);
	scan_result_fini(&res);
	return 0;
}
