/*
 * bench_policy - time to decide a 50-recipient message against a
 * 10-rule and a 100 000-rule generated policy, measured in the same
 * run, and load time and memory of the large policy.
 *
 * The large policy has 60 000 address rules, 30 000 @domain rules,
 * 9 999 .subdomain rules and one "*" rule; the recipients hit every
 * kind and some miss. The bar (issue #4): large within 3x of small and
 * well under a millisecond.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pol_decide.h"
#include "pol_load.h"

#define BENCH_RCPTS	50
#define BENCH_ITERS	20000

/* bench_now - monotonic seconds */
static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_rule - one rule with one recipient pattern */
static void
bench_rule(FILE *fp, size_t i, const char *pat, const char *action)
{
	fprintf(fp, "  { name = \"r%zu\"; recipients = [ \"%s\" ]; "
	    "action = \"%s\"; }", i, pat, action);
}

/* bench_write - generate a policy of n rules (n >= 10) into path */
static int
bench_write(const char *path, size_t n)
{
	static const char *acts[] = { "pass", "mask", "encrypt", "quarantine" };
	size_t i, na = n * 6 / 10, nd = n * 3 / 10;
	char pat[128];
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		return -1;
	fprintf(fp, "default = { action = \"reject\"; };\nrules = (\n");
	for (i = 0; i < n; i++) {
		if (i == n - 1)
			snprintf(pat, sizeof(pat), "*");
		else if (i < na)
			snprintf(pat, sizeof(pat), "user%zu@d%zu.example", i,
			    i % 997);
		else if (i < na + nd)
			snprintf(pat, sizeof(pat), "@p%zu.example", i);
		else
			snprintf(pat, sizeof(pat), ".s%zu.example", i);
		bench_rule(fp, i, pat, acts[i % 4]);
		fputs(i + 1 < n ? ",\n" : "\n", fp);
	}
	fprintf(fp, ");\n");
	return fclose(fp) == 0 ? 0 : -1;
}

/* bench_rcpts - 50 recipients: addresses, domains, subdomains, misses */
static void
bench_rcpts(size_t n, char r[BENCH_RCPTS][96])
{
	size_t i, na = n * 6 / 10, nd = n * 3 / 10, ns = n - 1 - na - nd;

	for (i = 0; i < BENCH_RCPTS; i++) {
		size_t k = (i * 7919) % 4;
		size_t a = (i * 104729) % na, d = na + (i * 31) % nd;
		size_t s = na + nd + (ns > 0 ? (i * 17) % ns : 0);

		if (k == 0)
			snprintf(r[i], 96, "User%zu+tag@D%zu.example", a,
			    a % 997);
		else if (k == 1)
			snprintf(r[i], 96, "someone@p%zu.example", d);
		else if (k == 2)
			snprintf(r[i], 96, "x@host.s%zu.example", s);
		else
			snprintf(r[i], 96, "nobody%zu@nowhere.example", i);
	}
}

/* bench_yes - every recipient has a key */
static int
bench_yes(void *arg, const char *addr)
{
	(void)arg;
	return addr[0] != '\0';
}

/* bench_decide - mean microseconds per decision; -1 on error */
static double
bench_decide(const struct pol *p, size_t nrules)
{
	static char r[BENCH_RCPTS][96];
	const char *rp[BENCH_RCPTS];
	struct pol_facts f;
	struct pol_decision *dec = NULL;
	double t0;
	size_t i;

	bench_rcpts(nrules, r);
	for (i = 0; i < BENCH_RCPTS; i++)
		rp[i] = r[i];
	memset(&f, 0, sizeof(f));
	f.verdict = POL_V_PAN;
	f.npans = 2;
	f.pans[0].confidence = f.pans[1].confidence = POL_CONF_HIGH;
	t0 = bench_now();
	for (i = 0; i < BENCH_ITERS; i++) {
		if (pol_decide(p, "sender@corp.example", rp, BENCH_RCPTS, &f,
		    bench_yes, NULL, &dec) != PM_OK)
			return -1;
		pol_decision_free(dec);
	}
	return (bench_now() - t0) * 1e6 / BENCH_ITERS;
}

/* bench_heap - bytes in use on the heap */
static size_t
bench_heap(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* bench_load - generate, load; prints problems */
static struct pol *
bench_load(const char *dir, size_t n, double *ms, size_t *bytes)
{
	char path[512];
	struct pol_diags d;
	struct pol *p = NULL;
	size_t h0;
	double t0;

	snprintf(path, sizeof(path), "%s/policy-%zu.conf", dir, n);
	if (bench_write(path, n) != 0)
		return NULL;
	pol_diags_init(&d);
	h0 = bench_heap();
	t0 = bench_now();
	if (pol_load_file(path, &p, &d) != PM_OK)
		pol_diags_print(&d, stderr);
	*ms = (bench_now() - t0) * 1e3;
	*bytes = bench_heap() - h0;
	pol_diags_fini(&d);
	unlink(path);
	return p;
}

/* main - generate, load, decide, print one line */
int
main(void)
{
	char dir[] = "/tmp/bench_policy.XXXXXX";
	struct pol *small = NULL, *large = NULL;
	double ms_small, ms_large, us_small, us_large;
	size_t b_small, b_large;
	int rc = 1;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	small = bench_load(dir, 10, &ms_small, &b_small);
	large = bench_load(dir, 100000, &ms_large, &b_large);
	if (small == NULL || large == NULL)
		goto out;
	us_small = bench_decide(small, 10);
	us_large = bench_decide(large, 100000);
	if (us_small < 0 || us_large < 0)
		goto out;
	printf("policy decide %d rcpts: 10 rules %.1f us, 100000 rules "
	    "%.1f us = %.2fx; load 100000 rules %.0f ms, %.1f MiB\n",
	    BENCH_RCPTS, us_small, us_large, us_large / us_small, ms_large,
	    (double)b_large / (1024.0 * 1024.0));
	rc = 0;
out:
	pol_free(small);
	pol_free(large);
	rmdir(dir);
	return rc;
}
