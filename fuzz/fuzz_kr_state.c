/*
 * fuzz_kr_state - libFuzzer target for the keyring state-file parser:
 * any bytes through kr_state_parse; when they parse, the state is
 * serialized, parsed again and serialized again, and the two texts must
 * be identical (the writer and the reader agree on every value the
 * reader accepts), so a crash or an abort here is a real bug.
 *
 * The Makefile links fuzz targets with libpm.a and libtest.a only, so
 * this file compiles kr_state.c in (it needs nothing but libc); define
 * FUZZ_WITH_LIBKR when libkr.a is linked instead.
 *
 * gcc reproduction: cc -DFUZZ_STANDALONE -Imilter -Ikeyring
 * fuzz/fuzz_kr_state.c, then ./a.out crash-file...
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_WITH_LIBKR
#include "kr_state.c"
#else
#include "kr_state.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - parse; on success the round trip is stable */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kr_state a, b;
	char err[512], *t1 = NULL, *t2 = NULL;
	size_t l1 = 0, l2 = 0;

	kr_state_init(&a);
	kr_state_init(&b);
	if (kr_state_parse((const char *)data, size, &a, err, sizeof(err)) !=
	    PM_OK) {
		if (strncmp(err, "line ", 5) != 0)
			abort();	/* every error names its line */
		goto out;
	}
	if (kr_state_serialize(&a, &t1, &l1) != PM_OK)
		goto out;
	if (kr_state_parse(t1, l1, &b, err, sizeof(err)) != PM_OK) {
		fprintf(stderr, "re-parse failed: %s\n", err);
		abort();
	}
	if (kr_state_serialize(&b, &t2, &l2) != PM_OK)
		goto out;
	if (l1 != l2 || memcmp(t1, t2, l1) != 0)
		abort();
	if (a.nenr != b.nenr || a.ncust != b.ncust ||
	    a.generation != b.generation)
		abort();
out:
	free(t1);
	free(t2);
	kr_state_fini(&a);
	kr_state_fini(&b);
	return 0;
}

#ifdef FUZZ_STANDALONE
/* main - run each file given once (gcc reproduction) */
int
main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		size_t n;

		if (fp == NULL) {
			perror(argv[i]);
			return 2;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
