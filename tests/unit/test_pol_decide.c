/*
 * test_pol_decide - matching and precedence, table-driven: every row is
 * a policy, an envelope and facts, and the expected rule per recipient
 * and action for the message.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pol_decide.h"
#include "pol_load.h"

#define MAXR	6

static const char *base_policy =
    "default = { action = \"reject\"; };\n"
    "track_data = \"quarantine\";\n"
    "unscannable = \"tempfail\";\n"
    "protected = \"pass\";\n"
    "min_confidence = \"high\";\n"
    "ignore_test_pans = true;\n"
    "ignore_tokens = [ \"9f2c1e07ab43d611\" ];\n"
    "rules = (\n"
    " { name = \"star\"; recipients = [ \"*\" ]; action = \"quarantine\"; },\n"
    " { name = \"corp-sub\"; recipients = [ \".corp.example\" ];"
    "   action = \"mask\"; mask = \"last4\"; },\n"
    " { name = \"eu-sub\"; recipients = [ \".eu.corp.example\" ];"
    "   action = \"pass\"; },\n"
    " { name = \"corp\"; recipients = [ \"@corp.example\" ];"
    "   action = \"mask\"; },\n"
    " { name = \"bob\"; recipients = [ \"bob@corp.example\" ];"
    "   action = \"pass\"; },\n"
    " { name = \"bob-from-ceo\"; senders = [ \"ceo@corp.example\" ];"
    "   recipients = [ \"bob@corp.example\" ]; action = \"tempfail\"; },\n"
    " { name = \"acq\"; recipients = [ \"@acquirer.example\" ];"
    "   action = \"encrypt\"; if_no_key = \"quarantine\"; },\n"
    " { name = \"acq2\"; recipients = [ \"@acq2.example\" ];"
    "   action = \"encrypt\"; },\n"
    " { name = \"idn\"; recipients = [ \"@b\xc3\xbc" "cher.example\" ];"
    "   action = \"pass\"; },\n"
    " { name = \"idn-a\"; recipients = [ \"user@xn--caf-dma.example\" ];"
    "   action = \"pass\"; },\n"
    " { name = \"bulk\"; recipients = [ \"@bulk.example\" ];"
    "   action = \"reject\"; min_pans = 3; },\n"
    " { name = \"bulk-few\"; recipients = [ \"@bulk.example\" ];"
    "   action = \"mask\"; },\n"
    " { name = \"tie1\"; recipients = [ \"@tie.example\" ];"
    "   senders = [ \"@a.example\" ]; action = \"pass\"; },\n"
    " { name = \"tie2\"; recipients = [ \"@tie.example\" ];"
    "   senders = [ \"*\" ]; action = \"mask\"; }\n"
    ");\n";

static const char *nodefault_policy =
    "rules = ( { name = \"x\"; recipients = [ \"@x.example\" ];"
    " action = \"pass\"; },\n"
    " { name = \"sub\"; recipients = [ \".corp2.example\" ];"
    " action = \"pass\"; } );\n";

static const char *defonly_policy =
    "default = { action = \"mask\"; };\n";

struct dcase {
	const char *name;
	const char *policy;	/* NULL: base_policy */
	const char *from;
	const char *rcpts[MAXR];
	unsigned pans;		/* high confidence, not test */
	unsigned medium;	/* medium confidence */
	unsigned tests;		/* test numbers */
	const char *token;	/* one more PAN with this token */
	enum pol_verdict verdict;	/* 0: from the counts */
	const char *keys[MAXR];
	const char *action;	/* message action */
	const char *mask;	/* NULL: not checked */
	const char *rules[MAXR];	/* per rcpt: name, "default", "-" */
	size_t nmissing;
	enum pol_why why;
};

static const struct dcase cases[] = {
	{ "address beats domain", NULL, "a@b.example",
	    { "bob@corp.example" }, 1, 0, 0, NULL, 0, { NULL }, "pass", NULL,
	    { "bob" }, 0, POL_WHY_RULE },
	{ "domain beats subdomain", NULL, "a@b.example",
	    { "x@corp.example" }, 1, 0, 0, NULL, 0, { NULL }, "mask",
	    "first6last4", { "corp" }, 0, POL_WHY_RULE },
	{ "longest subdomain first", NULL, "a@b.example",
	    { "x@h.eu.corp.example" }, 1, 0, 0, NULL, 0, { NULL }, "pass",
	    NULL, { "eu-sub" }, 0, POL_WHY_RULE },
	{ "subdomain", NULL, "a@b.example", { "x@dev.corp.example" }, 1, 0,
	    0, NULL, 0, { NULL }, "mask", "last4", { "corp-sub" }, 0,
	    POL_WHY_RULE },
	{ "star when nothing else", NULL, "a@b.example",
	    { "x@else.example" }, 1, 0, 0, NULL, 0, { NULL }, "quarantine",
	    NULL, { "star" }, 0, POL_WHY_RULE },
	{ "sender narrows and wins", NULL, "ceo@corp.example",
	    { "bob@corp.example" }, 1, 0, 0, NULL, 0, { NULL }, "tempfail",
	    NULL, { "bob-from-ceo" }, 0, POL_WHY_RULE },
	{ "sender case and sub-address", NULL, "<CEO+x@Corp.Example>",
	    { "bob@corp.example" }, 1, 0, 0, NULL, 0, { NULL }, "tempfail",
	    NULL, { "bob-from-ceo" }, 0, POL_WHY_RULE },
	{ "other sender falls back", NULL, "cfo@corp.example",
	    { "bob@corp.example" }, 1, 0, 0, NULL, 0, { NULL }, "pass", NULL,
	    { "bob" }, 0, POL_WHY_RULE },
	{ "recipient case and sub-address", NULL, "a@b.example",
	    { "<Bob+tag@CORP.example>" }, 1, 0, 0, NULL, 0, { NULL }, "pass",
	    NULL, { "bob" }, 0, POL_WHY_RULE },
	{ "idn u-label recipient", NULL, "a@b.example",
	    { "x@B\xc3\x9c" "CHER.example" }, 1, 0, 0, NULL, 0, { NULL },
	    "pass", NULL, { "idn" }, 0, POL_WHY_RULE },
	{ "idn a-label recipient", NULL, "a@b.example",
	    { "x@xn--bcher-kva.example" }, 1, 0, 0, NULL, 0, { NULL }, "pass",
	    NULL, { "idn" }, 0, POL_WHY_RULE },
	{ "idn a-label pattern", NULL, "a@b.example",
	    { "user@caf\xc3\xa9.example" }, 1, 0, 0, NULL, 0, { NULL }, "pass",
	    NULL, { "idn-a" }, 0, POL_WHY_RULE },
	{ "mixed: strictest mask", NULL, "a@b.example",
	    { "bob@corp.example", "x@dev.corp.example", "y@corp.example" }, 1,
	    0, 0, NULL, 0, { NULL }, "mask", "last4",
	    { "bob", "corp-sub", "corp" }, 0, POL_WHY_RULE },
	{ "mixed: quarantine wins", NULL, "a@b.example",
	    { "bob@corp.example", "z@else.example" }, 1, 0, 0, NULL, 0,
	    { NULL }, "quarantine", NULL, { "bob", "star" }, 0, POL_WHY_RULE },
	{ "encrypt with key", NULL, "a@b.example", { "k@acquirer.example" },
	    1, 0, 0, NULL, 0, { "k@acquirer.example" }, "encrypt", NULL,
	    { "acq" }, 0, POL_WHY_RULE },
	{ "if_no_key quarantine", NULL, "a@b.example",
	    { "k@acquirer.example" }, 1, 0, 0, NULL, 0, { NULL },
	    "quarantine", NULL, { "acq" }, 1, POL_WHY_RULE },
	{ "if_no_key defaults to reject", NULL, "a@b.example",
	    { "k@acq2.example" }, 1, 0, 0, NULL, 0, { NULL }, "reject", NULL,
	    { "acq2" }, 1, POL_WHY_RULE },
	{ "encrypt needs keys of pass recipients", NULL, "a@b.example",
	    { "k@acquirer.example", "bob@corp.example" }, 1, 0, 0, NULL, 0,
	    { "k@acquirer.example" }, "quarantine", NULL, { "acq", "bob" }, 1,
	    POL_WHY_RULE },
	{ "encrypt all keys mixed", NULL, "a@b.example",
	    { "k@acquirer.example", "bob@corp.example" }, 1, 0, 0, NULL, 0,
	    { "k@acquirer.example", "bob@corp.example" }, "encrypt", NULL,
	    { "acq", "bob" }, 0, POL_WHY_RULE },
	{ "strictest if_no_key", NULL, "a@b.example",
	    { "k@acquirer.example", "k@acq2.example" }, 1, 0, 0, NULL, 0,
	    { NULL }, "reject", NULL, { "acq", "acq2" }, 2, POL_WHY_RULE },
	{ "min_pans not reached", NULL, "a@b.example", { "x@bulk.example" },
	    2, 0, 0, NULL, 0, { NULL }, "mask", NULL, { "bulk-few" }, 0,
	    POL_WHY_RULE },
	{ "min_pans reached", NULL, "a@b.example", { "x@bulk.example" }, 3,
	    0, 0, NULL, 0, { NULL }, "reject", NULL, { "bulk" }, 0,
	    POL_WHY_RULE },
	{ "below min_confidence ignored", NULL, "a@b.example",
	    { "x@else.example" }, 0, 2, 0, NULL, 0, { NULL }, "pass", NULL,
	    { "-" }, 0, POL_WHY_IGNORED },
	{ "test pans ignored", NULL, "a@b.example", { "x@else.example" }, 0,
	    0, 2, NULL, 0, { NULL }, "pass", NULL, { "-" }, 0,
	    POL_WHY_IGNORED },
	{ "ignored token", NULL, "a@b.example", { "x@else.example" }, 0, 0,
	    0, "9f2c1e07ab43d611", 0, { NULL }, "pass", NULL, { "-" }, 0,
	    POL_WHY_IGNORED },
	{ "other token counts", NULL, "a@b.example", { "x@else.example" }, 0,
	    0, 1, "0123456789abcdef", 0, { NULL }, "quarantine", NULL,
	    { "star" }, 0, POL_WHY_RULE },
	{ "track data beats rules", NULL, "a@b.example",
	    { "bob@corp.example", "x@dev.corp.example" }, 1, 0, 0, NULL,
	    POL_V_TRACK, { NULL }, "quarantine", NULL, { "-", "-" }, 0,
	    POL_WHY_TRACK },
	{ "unscannable", NULL, "a@b.example", { "bob@corp.example" }, 0, 0,
	    0, NULL, POL_V_UNSCANNABLE, { NULL }, "tempfail", NULL, { "-" },
	    0, POL_WHY_UNSCANNABLE },
	{ "protected", NULL, "a@b.example", { "x@else.example" }, 0, 0, 0,
	    NULL, POL_V_PROTECTED, { NULL }, "pass", NULL, { "-" }, 0,
	    POL_WHY_PROTECTED },
	{ "clean", NULL, "a@b.example", { "x@else.example" }, 0, 0, 0, NULL,
	    POL_V_CLEAN, { NULL }, "pass", NULL, { "-" }, 0, POL_WHY_CLEAN },
	{ "tie: first matching sender rule", NULL, "u@a.example",
	    { "t@tie.example" }, 1, 0, 0, NULL, 0, { NULL }, "pass", NULL,
	    { "tie1" }, 0, POL_WHY_RULE },
	{ "tie: second sender rule", NULL, "u@c.example",
	    { "t@tie.example" }, 1, 0, 0, NULL, 0, { NULL }, "mask", NULL,
	    { "tie2" }, 0, POL_WHY_RULE },
	{ "null sender matches *", NULL, "<>", { "t@tie.example" }, 1, 0, 0,
	    NULL, 0, { NULL }, "mask", NULL, { "tie2" }, 0, POL_WHY_RULE },
	{ "implicit default rejects", "N", "a@b.example",
	    { "x@other.example" }, 1, 0, 0, NULL, 0, { NULL }, "reject", NULL,
	    { "default" }, 0, POL_WHY_DEFAULT },
	{ "subdomain pattern skips the domain", "N", "a@b.example",
	    { "x@corp2.example", "y@a.corp2.example" }, 1, 0, 0, NULL, 0,
	    { NULL }, "reject", NULL, { "default", "sub" }, 0,
	    POL_WHY_DEFAULT },
	{ "default only", "D", "a@b.example", { "x@x.example" }, 1, 0, 0,
	    NULL, 0, { NULL }, "mask", "first6last4", { "default" }, 0,
	    POL_WHY_DEFAULT },
};

/* has_key - the row's keys */
static int
has_key(void *arg, const char *addr)
{
	const struct dcase *c = arg;
	size_t i;

	for (i = 0; i < MAXR && c->keys[i] != NULL; i++)
		if (strcmp(c->keys[i], addr) == 0)
			return 1;
	return 0;
}

/* add_pans - n PANs with the given traits */
static void
add_pans(struct pol_facts *f, unsigned n, enum pol_conf c, int test,
    const char *tok)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		f->pans[f->npans].confidence = c;
		f->pans[f->npans].is_test = test;
		snprintf(f->pans[f->npans].token, sizeof(f->pans[0].token),
		    "%s", tok);
		f->npans++;
	}
}

/* load - one of the test policies */
static struct pol *
load(const char *which)
{
	struct pol_diags d;
	struct pol *p = NULL;
	const char *text = base_policy;

	if (which != NULL && which[0] == 'N')
		text = nodefault_policy;
	else if (which != NULL && which[0] == 'D')
		text = defonly_policy;
	pol_diags_init(&d);
	if (pol_load_string(text, "test.conf", &p, &d) != PM_OK)
		pol_diags_print(&d, stderr);
	pol_diags_fini(&d);
	return p;
}

/* test_row - decide one row and compare */
static void
test_row(void **state)
{
	const struct dcase *c = *state;
	struct pol *p = load(c->policy);
	struct pol_facts f;
	struct pol_decision *dec = NULL;
	size_t n = 0, i;

	assert_non_null(p);
	memset(&f, 0, sizeof(f));
	add_pans(&f, c->pans, POL_CONF_HIGH, 0, "");
	add_pans(&f, c->medium, POL_CONF_MEDIUM, 0, "");
	add_pans(&f, c->tests, POL_CONF_HIGH, 1, "");
	if (c->token != NULL)
		add_pans(&f, 1, POL_CONF_HIGH, 0, c->token);
	f.verdict = c->verdict != POL_V_CLEAN ? c->verdict :
	    (f.npans > 0 ? POL_V_PAN : POL_V_CLEAN);
	while (n < MAXR && c->rcpts[n] != NULL)
		n++;
	assert_int_equal(pol_decide(p, c->from, c->rcpts, n, &f, has_key,
	    (void *)c, &dec), PM_OK);
	assert_string_equal(pol_action_str(dec->action), c->action);
	if (c->mask != NULL)
		assert_string_equal(pol_mask_str(dec->mask), c->mask);
	for (i = 0; i < n; i++) {
		const struct pol_rule *r = dec->rcpts[i].rule;

		assert_string_equal(r == NULL ? "-" : r->name, c->rules[i]);
	}
	assert_int_equal(dec->nmissing, c->nmissing);
	assert_int_equal(dec->why, c->why);
	pol_decision_free(dec);
	pol_free(p);
}

/* test_no_has_key - NULL callback: nobody has a key */
static void
test_no_has_key(void **state)
{
	struct pol *p = load(NULL);
	struct pol_facts f;
	struct pol_decision *dec = NULL;
	const char *r[] = { "k@acquirer.example" };

	(void)state;
	assert_non_null(p);
	memset(&f, 0, sizeof(f));
	f.verdict = POL_V_PAN;
	f.pans_more = 1;
	assert_int_equal(pol_decide(p, "a@b.example", r, 1, &f, NULL, NULL,
	    &dec), PM_OK);
	assert_int_equal(dec->action, POL_A_QUARANTINE);
	assert_int_equal(dec->wanted, POL_A_ENCRYPT);
	assert_int_equal(dec->rcpts[0].has_key, 0);
	assert_ptr_equal(dec->fallback, dec->rcpts[0].rule);
	assert_int_equal(dec->pans_counted, 1);
	pol_decision_free(dec);
	pol_free(p);
}

struct thr {
	const struct pol *p;
	int bad;
};

/* thr_run - decide the same message many times, count wrong answers */
static void *
thr_run(void *arg)
{
	struct thr *t = arg;
	const char *r[] = { "bob@corp.example", "x@dev.corp.example",
	    "k@acquirer.example" };
	struct pol_facts f;
	struct pol_decision *dec = NULL;
	int i;

	memset(&f, 0, sizeof(f));
	f.verdict = POL_V_PAN;
	f.pans_more = 1;
	for (i = 0; i < 2000; i++) {
		if (pol_decide(t->p, "a@b.example", r, 3, &f, NULL, NULL,
		    &dec) != PM_OK) {
			t->bad++;
			continue;
		}
		if (dec->action != POL_A_QUARANTINE ||
		    dec->rcpts[1].mask != POL_MASK_LAST4)
			t->bad++;
		pol_decision_free(dec);
	}
	return NULL;
}

/* test_threads - one policy, four threads deciding at once */
static void
test_threads(void **state)
{
	struct pol *p = load(NULL);
	pthread_t th[4];
	struct thr t[4];
	int i;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < 4; i++) {
		t[i].p = p;
		t[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, thr_run, &t[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(t[i].bad, 0);
	}
	pol_free(p);
}

/* test_bad_args - NULL policy or facts is an internal error */
static void
test_bad_args(void **state)
{
	struct pol_facts f;
	struct pol_decision *dec = NULL;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(pol_decide(NULL, "", NULL, 0, &f, NULL, NULL, &dec),
	    PM_EINTERNAL);
	assert_null(dec);
}

/* main - one named test per row */
int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 3];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_row;
		tests[i].initial_state = (void *)&cases[i];
	}
	tests[n].name = "no has_key callback";
	tests[n].test_func = test_no_has_key;
	tests[n + 1].name = "bad arguments";
	tests[n + 1].test_func = test_bad_args;
	tests[n + 2].name = "threads share one policy";
	tests[n + 2].test_func = test_threads;
	return cmocka_run_group_tests_name("pol_decide", tests, NULL, NULL);
}
