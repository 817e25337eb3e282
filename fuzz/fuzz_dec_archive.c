/*
 * fuzz_dec_archive - dec_archive_walk is total on any bytes: damaged and
 * encrypted archives, bombs (stopped by the limits) and non-archives.
 * The decoded-size limit is 256 KiB here (default 200 MiB): the fuzzer
 * soon finds bombs, and at the default each run inflated megabytes
 * (300 runs a second); the limit logic is the same at any size.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dec_archive.h"
#include "pm_arena.h"
#include "pm_limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fa_ctx {
	unsigned entries;
	volatile unsigned sum;
};

/* fa_entry - every byte of an entry and its name must be readable:
 * strlen and memchr are intercepted by ASan, which checks the whole
 * range at once (a byte loop here was 30% of the time) */
static pm_status
fa_entry(void *arg, const char *name, const unsigned char *p, size_t n)
{
	struct fa_ctx *c = arg;

	c->entries++;
	if (name != NULL)
		c->sum += (unsigned)strlen(name);
	if (n > 0 && memchr(p, 0xFF, n) != NULL)
		c->sum++;
	return PM_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dec_archive_res res = { 0 };
	struct fa_ctx ctx = { 0, 0 };
	struct pm_limits lim;
	static struct pm_arena *a;	/* kept, see below */
	pm_status st;

	pm_limits_default(&lim);
	lim.max_decoded_size = 256u << 10;
	/* one 4 MiB first chunk, kept by pm_arena_reset: a run (at most
	 * 256 KiB decoded) allocates inside it. A fresh arena per run
	 * mallocs chunks of 64 KiB and up, and under ASan every large
	 * malloc and free maps and poisons shadow memory (60% of the time) */
	if (a == NULL) {
		if ((a = pm_arena_new(256u << 20)) == NULL ||
		    pm_arena_alloc(a, 4u << 20) == NULL)
			return 0;
		pm_arena_reset(a);
	}
	(void)dec_archive_sniff(data, size);
	st = dec_archive_walk(a, data, size, &lim, fa_entry, &ctx, &res);
	if (st != PM_OK && st != PM_ELIMIT && st != PM_ENOMEM)
		__builtin_trap();
	if (st == PM_ELIMIT && res.limit == NULL)
		__builtin_trap();	/* a limit must be named */
	if (ctx.entries > lim.max_archive_entries)
		__builtin_trap();
	pm_arena_reset(a);	/* wipes all, frees all but the first chunk */
	return 0;
}
