/*
 * bench_pgp KEYDIR FPR RUNDIR - ms per encryption through the helper
 * process (pgp_helper) beside the floor, a plain `gpg --encrypt` started
 * with posix_spawn, for 4 KB and 1 MB messages; then the same with this
 * process holding 1 GiB of touched memory (the helpers were forked before
 * it grew, so their cost must stay flat); and 1 MB with and without
 * compression (gpg's default zlib against --compress-algo none).
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pgp_helper.h"

extern char **environ;

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* helper_ms - median-ish (best of runs) ms per encryption via the helper */
static double
helper_ms(struct pgp_helper *h, const char *fpr, const char *buf, size_t n,
    int runs)
{
	const char *f[1] = { fpr };
	double best = 1e9, t;
	char *out = NULL, err[256];
	size_t olen;
	int i;

	for (i = 0; i < runs; i++) {
		t = now_ms();
		if (pgp_helper_encrypt(h, f, 1, buf, n, &out, &olen, err,
		    sizeof(err)) != PM_OK) {
			fprintf(stderr, "bench_pgp: %s\n", err);
			exit(1);
		}
		t = now_ms() - t;
		free(out);
		if (t < best)
			best = t;
	}
	return best;
}

/* spawn_ms - best ms of `gpg --encrypt` over posix_spawn (file in, out) */
static double
spawn_ms(const char *home, const char *fpr, const char *in, int compress,
    int runs)
{
	char *argv[16];
	double best = 1e9, t;
	pid_t pid;
	int i, st, k = 0;

	argv[k++] = "gpg";
	argv[k++] = "--homedir";
	argv[k++] = (char *)home;
	argv[k++] = "--batch";
	argv[k++] = "--yes";
	argv[k++] = "--trust-model";
	argv[k++] = "always";
	argv[k++] = "--armor";
	if (!compress) {
		argv[k++] = "--compress-algo";
		argv[k++] = "none";
	}
	argv[k++] = "-r";
	argv[k++] = (char *)fpr;
	argv[k++] = "-o";
	argv[k++] = "/dev/null";
	argv[k++] = "--encrypt";
	argv[k++] = (char *)in;
	argv[k] = NULL;
	for (i = 0; i < runs; i++) {
		t = now_ms();
		if (posix_spawnp(&pid, "gpg", NULL, NULL, argv, environ) != 0
		    || waitpid(pid, &st, 0) != pid || st != 0) {
			fprintf(stderr, "bench_pgp: gpg failed\n");
			exit(1);
		}
		t = now_ms() - t;
		if (t < best)
			best = t;
	}
	return best;
}

/* text - n bytes of mail-like text */
static char *
text(size_t n)
{
	char *b = malloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (i % 73 == 72) ? '\n' : "abcdefgh 0123,."[i * 7 % 15];
	return b;
}

int
main(int argc, char **argv)
{
	struct pgp_helper *h = NULL;
	char err[256], path[4096];
	size_t sizes[2] = { 4096, 1u << 20 }, i, big = (size_t)1 << 30;
	double hs[2], sp[2], hb[2], t;
	char *bufs[2], *hog;
	int r;
	FILE *fp;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_pgp KEYDIR FPR RUNDIR GNUPGHOME\n");
		return 2;
	}
	if (pgp_helper_start(1, argv[1], argv[3], 60, &h, err, sizeof(err))
	    != PM_OK) {
		fprintf(stderr, "bench_pgp: %s\n", err);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		bufs[i] = text(sizes[i]);
		snprintf(path, sizeof(path), "%s/in%zu", argv[3], i);
		fp = fopen(path, "w");
		fwrite(bufs[i], 1, sizes[i], fp);
		fclose(fp);
		/* interleaved, best of 21 each: a drift of the machine's
		 * speed during the run moves both figures alike */
		hs[i] = sp[i] = 1e9;
		for (r = 0; r < 21; r++) {
			t = helper_ms(h, argv[2], bufs[i], sizes[i], 1);
			hs[i] = t < hs[i] ? t : hs[i];
			t = spawn_ms(argv[4], argv[2], path, 1, 1);
			sp[i] = t < sp[i] ? t : sp[i];
		}
	}
	/* grow to 1 GiB (touched) and measure again */
	hog = malloc(big);
	memset(hog, 1, big);
	for (i = 0; i < 2; i++)
		hb[i] = helper_ms(h, argv[2], bufs[i], sizes[i], 21);
	for (i = 0; i < 2; i++)
		printf("pgp %-4s: helper %.1f ms  gpg posix_spawn floor %.1f ms"
		    " = %.2fx floor speed;  holding 1 GiB: helper %.1f ms ="
		    " %.2fx the small figure\n", i ? "1 MB" : "4 KB", hs[i],
		    sp[i], sp[i] / hs[i], hb[i], hb[i] / hs[i]);
	snprintf(path, sizeof(path), "%s/in1", argv[3]);
	printf("pgp 1 MB gpg floor: zlib (default) %.1f ms, --compress-algo"
	    " none %.1f ms\n", spawn_ms(argv[4], argv[2], path, 1, 5),
	    spawn_ms(argv[4], argv[2], path, 0, 5));
	pgp_helper_stop(h);
	free(hog);
	free(bufs[0]);
	free(bufs[1]);
	return 0;
}
