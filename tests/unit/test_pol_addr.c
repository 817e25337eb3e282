/*
 * test_pol_addr - address normal form, pattern parsing and matching,
 * table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pol_addr.h"

struct ncase {
	const char *name;
	const char *in;
	const char *out;	/* normal form */
	const char *dom;
	pm_status st;
};

static const struct ncase ncases[] = {
	{ "plain", "bob@example.com", "bob@example.com", "example.com",
	    PM_OK },
	{ "case", "Bob@EXAMPLE.Com", "bob@example.com", "example.com",
	    PM_OK },
	{ "angle brackets and blanks", " <bob@example.com> ",
	    "bob@example.com", "example.com", PM_OK },
	{ "sub-address", "bob+invoices@example.com", "bob@example.com",
	    "example.com", PM_OK },
	{ "leading plus kept", "+tag@example.com", "+tag@example.com",
	    "example.com", PM_OK },
	{ "trailing dot", "bob@example.com.", "bob@example.com",
	    "example.com", PM_OK },
	{ "null sender", "<>", "", "", PM_OK },
	{ "no domain", "postmaster", "postmaster", "", PM_OK },
	{ "idn u-label", "x@b\xc3\xbc" "cher.example",
	    "x@xn--bcher-kva.example", "xn--bcher-kva.example", PM_OK },
	{ "idn upper-case u-label", "x@B\xc3\x9c" "CHER.EXAMPLE",
	    "x@xn--bcher-kva.example", "xn--bcher-kva.example", PM_OK },
	{ "idn a-label", "x@XN--BCHER-KVA.example",
	    "x@xn--bcher-kva.example", "xn--bcher-kva.example", PM_OK },
	{ "bad utf-8 domain", "x@\xff\xfe.example", "x@\xff\xfe.example",
	    "\xff\xfe.example", PM_ECONFIG },
	{ "last @ splits", "\"a@b\"@example.com", "\"a@b\"@example.com",
	    "example.com", PM_OK },
};

struct pcase {
	const char *name;
	const char *in;
	enum pol_pat_kind kind;
	const char *key;	/* NULL: must fail */
};

static const struct pcase pcases[] = {
	{ "star", "*", POL_PAT_ANY, "" },
	{ "address", "Billing@Partner.Example", POL_PAT_ADDR,
	    "billing@partner.example" },
	{ "domain", "@Acquirer.Example", POL_PAT_DOMAIN, "acquirer.example" },
	{ "subdomain", ".Corp.Example", POL_PAT_SUFFIX, ".corp.example" },
	{ "idn domain", "@b\xc3\xbc" "cher.example", POL_PAT_DOMAIN,
	    "xn--bcher-kva.example" },
	{ "idn subdomain", ".b\xc3\xbc" "cher.example", POL_PAT_SUFFIX,
	    ".xn--bcher-kva.example" },
	{ "no at", "billing", POL_PAT_ADDR, NULL },
	{ "empty local", "@", POL_PAT_DOMAIN, NULL },
	{ "empty domain", "bob@", POL_PAT_ADDR, NULL },
	{ "sub-address", "bob+x@example.com", POL_PAT_ADDR, NULL },
	{ "space", "@exa mple.com", POL_PAT_DOMAIN, NULL },
	{ "double dot", ".a..b", POL_PAT_SUFFIX, NULL },
};

struct mcase {
	const char *name;
	const char *pat;
	const char *addr;
	int match;
};

static const struct mcase mcases[] = {
	{ "star matches all", "*", "a@b.example", 1 },
	{ "star matches null sender", "*", "<>", 1 },
	{ "address", "a@b.example", "A+x@B.example", 1 },
	{ "address other", "a@b.example", "c@b.example", 0 },
	{ "domain", "@b.example", "c@B.EXAMPLE", 1 },
	{ "domain not subdomain", "@b.example", "c@x.b.example", 0 },
	{ "subdomain", ".b.example", "c@x.b.example", 1 },
	{ "subdomain deep", ".b.example", "c@y.x.b.example", 1 },
	{ "subdomain not the domain", ".b.example", "c@b.example", 0 },
	{ "subdomain not a suffix string", ".b.example", "c@xb.example", 0 },
	{ "domain not null sender", "@b.example", "<>", 0 },
};

/* test_norm - one normalisation row */
static void
test_norm(void **state)
{
	const struct ncase *c = *state;
	char out[POL_ADDR_MAX];
	const char *dom = NULL;

	assert_int_equal(pol_addr_norm(c->in, out, sizeof(out), &dom), c->st);
	assert_string_equal(out, c->out);
	assert_string_equal(dom, c->dom);
}

/* test_pattern - one pattern row */
static void
test_pattern(void **state)
{
	const struct pcase *c = *state;
	char out[POL_ADDR_MAX];
	enum pol_pat_kind kind = POL_PAT_ANY;
	const char *why = NULL;
	pm_status st = pol_addr_pattern(c->in, &kind, out, sizeof(out), &why);

	if (c->key == NULL) {
		assert_int_equal(st, PM_ECONFIG);
		assert_non_null(why);
		return;
	}
	assert_int_equal(st, PM_OK);
	assert_int_equal(kind, c->kind);
	assert_string_equal(out, c->key);
}

/* test_match - one match row */
static void
test_match(void **state)
{
	const struct mcase *c = *state;
	char key[POL_ADDR_MAX], addr[POL_ADDR_MAX];
	enum pol_pat_kind kind;
	const char *why = NULL, *dom = NULL;

	assert_int_equal(pol_addr_pattern(c->pat, &kind, key, sizeof(key),
	    &why), PM_OK);
	assert_int_equal(pol_addr_norm(c->addr, addr, sizeof(addr), &dom),
	    PM_OK);
	assert_int_equal(pol_addr_match(kind, key, addr, dom), c->match);
}

/* test_too_long - an address longer than the buffer is refused */
static void
test_too_long(void **state)
{
	char in[700], out[POL_ADDR_MAX];
	const char *dom = NULL;

	(void)state;
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	in[300] = '@';
	assert_int_equal(pol_addr_norm(in, out, sizeof(out), &dom),
	    PM_ECONFIG);
	assert_string_equal(out, "");
}

#define NN	(sizeof(ncases) / sizeof(ncases[0]))
#define NP	(sizeof(pcases) / sizeof(pcases[0]))
#define NM	(sizeof(mcases) / sizeof(mcases[0]))

/* main - one named test per row */
int
main(void)
{
	struct CMUnitTest tests[NN + NP + NM + 1];
	size_t i, k = 0;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NN; i++, k++) {
		tests[k].name = ncases[i].name;
		tests[k].test_func = test_norm;
		tests[k].initial_state = (void *)&ncases[i];
	}
	for (i = 0; i < NP; i++, k++) {
		tests[k].name = pcases[i].name;
		tests[k].test_func = test_pattern;
		tests[k].initial_state = (void *)&pcases[i];
	}
	for (i = 0; i < NM; i++, k++) {
		tests[k].name = mcases[i].name;
		tests[k].test_func = test_match;
		tests[k].initial_state = (void *)&mcases[i];
	}
	tests[k].name = "too long";
	tests[k].test_func = test_too_long;
	return cmocka_run_group_tests_name("pol_addr", tests, NULL, NULL);
}
