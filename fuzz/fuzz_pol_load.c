/*
 * fuzz_pol_load - libFuzzer target for the policy parser: any bytes
 * through pol_load_string, and when a policy loads, a decision, its
 * JSON rendering and the key check, so the whole read path is total.
 *
 * The Makefile links fuzz targets with libpm.a and libtest.a only, so
 * this file compiles the policy sources in (define FUZZ_WITH_LIBPOL
 * when libpol.a is linked instead). Inputs that mention "include" are
 * skipped: libconfig would open the named file.
 *
 * gcc reproduction: cc -DFUZZ_STANDALONE ... fuzz_pol_load.c, then
 * ./a.out crash-file...
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef FUZZ_WITH_LIBPOL
#include "pol_addr.c"
#include "pol_check.c"
#include "pol_decide.c"
#include "pol_diag.c"
#include "pol_explain.c"
#include "pol_index.c"
#include "pol_load.c"
#else
#include "pol_check.h"
#include "pol_explain.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * __lsan_default_suppressions - libconfig 1.5 leaks the string being
 * scanned when a syntax error follows it (strbuf_append); not ours
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static FILE *fuzz_null;		/* /dev/null for the text rendering */

/* fuzz_has_key - a key for addresses of odd length */
static int
fuzz_has_key(void *arg, const char *addr)
{
	(void)arg;
	return strlen(addr) % 2;
}

/* fuzz_use - exercise a loaded policy */
static void
fuzz_use(const struct pol *p, struct pol_diags *d)
{
	static const char *rcpts[] = { "a@b.example", "x@y.corp.example",
	    "Bob+t@Example.COM", "<>", "user@xn--bcher-kva.example" };
	struct pol_facts f;
	struct pol_decision *dec = NULL;
	struct pol_explain_in x;
	json_t *j = NULL;

	(void)pol_check_keys(p, fuzz_has_key, NULL, d);
	memset(&f, 0, sizeof(f));
	f.verdict = POL_V_PAN;
	f.npans = 2;
	f.pans[0].confidence = POL_CONF_HIGH;
	f.pans[1].confidence = POL_CONF_MEDIUM;
	f.pans[1].is_test = 1;
	if (pol_decide(p, "s@corp.example", rcpts, 5, &f, fuzz_has_key, NULL,
	    &dec) != PM_OK)
		return;
	memset(&x, 0, sizeof(x));
	x.p = p;
	x.facts = &f;
	x.from = "s@corp.example";
	x.rcpts = rcpts;
	x.dec = dec;
	j = pol_explain_json(&x);
	json_decref(j);
	if (fuzz_null != NULL)
		pol_explain_text(&x, fuzz_null);
	pol_decision_free(dec);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_diags d;
	struct pol *p = NULL;
	char *text = NULL;

	if (size > 1 << 20)
		return 0;
	if (fuzz_null == NULL)
		fuzz_null = fopen("/dev/null", "w");
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strcasestr(text, "include") != NULL)
		goto out;
	pol_diags_init(&d);
	if (pol_load_string(text, "fuzz.conf", &p, &d) == PM_OK)
		fuzz_use(p, &d);
	pol_free(p);
	pol_diags_fini(&d);
out:
	free(text);
	return 0;
}

#ifdef FUZZ_STANDALONE
/* main - run each file given once (gcc reproduction) */
int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		static uint8_t buf[1 << 20];
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
