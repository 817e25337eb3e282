/*
 * fuzz_dec_pdf - dec_pdf_text is total on any bytes: damaged streams,
 * wrong lengths, hostile dictionaries and CMaps, strings that never
 * close, inflate bombs (stopped by the limits). Every text handed to the
 * callback must be readable and within the 4:1 bound of its stream. The
 * inflated budget is 256 KiB here (default 200 MiB), for the same reason
 * as in fuzz_dec_archive: the limit logic is the same at any size.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dec_pdf.h"
#include "pm_arena.h"
#include "pm_limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fp_ctx {
	unsigned calls;
	volatile unsigned sum;
};

/* fp_text - every byte of the text must be readable (memchr is checked
 * by ASan over the whole range) */
static pm_status
fp_text(void *arg, const unsigned char *t, size_t n)
{
	struct fp_ctx *c = arg;

	if (n == 0)
		__builtin_trap();	/* empty texts are not handed out */
	c->calls++;
	if (memchr(t, 0xFF, n) != NULL)
		c->sum++;
	return PM_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dec_pdf_res res = { 0 };
	struct fp_ctx ctx = { 0, 0 };
	struct pm_limits lim;
	static struct pm_arena *a;	/* kept: see fuzz_dec_archive */
	pm_status st;

	pm_limits_default(&lim);
	lim.max_decoded_size = 256u << 10;
	if (a == NULL) {
		if ((a = pm_arena_new(256u << 20)) == NULL ||
		    pm_arena_alloc(a, 4u << 20) == NULL)
			return 0;
		pm_arena_reset(a);
	}
	(void)dec_pdf_sniff(data, size);
	st = dec_pdf_text(a, data, size, &lim, lim.max_decoded_size, fp_text,
	    &ctx, &res);
	if (st != PM_OK && st != PM_ELIMIT && st != PM_ENOMEM)
		__builtin_trap();
	if (st == PM_ELIMIT && res.limit == NULL)
		__builtin_trap();	/* a limit must be named */
	if (res.encrypted && ctx.calls != 0)
		__builtin_trap();	/* nothing read from an encrypted PDF */
	if (res.decoded + res.skipped > res.streams ||
	    res.cmaps > DEC_PDF_MAX_CMAPS)
		__builtin_trap();
	if (pm_arena_used(a) != 0)
		__builtin_trap();	/* everything released */
	pm_arena_reset(a);
	return 0;
}
