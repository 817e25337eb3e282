/*
 * test_pol_check - every message of pol_load and pol_check, byte for
 * byte: each row is a policy text and the exact messages it must give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pol_check.h"
#include "pol_load.h"

struct ccase {
	const char *name;
	const char *policy;
	const char *expect;	/* all messages, "\n" after each */
};

static const struct ccase cases[] = {
	{ "syntax error",
	    "default = { action = \"reject\" }\nrules = (;\n",
	    "p.conf:2: syntax error; look for a missing ';', quote, comma or "
	    "bracket on this line or the one before\n" },
	{ "missing include",
	    "@include \"/nonexistent-h5/x.conf\"\n",
	    "p.conf:1: cannot open include file; check the @include path: it "
	    "is taken from the policy file's directory, and cannot be "
	    "absolute\n" },
	{ "duplicate setting",
	    "track_data = \"reject\";\ntrack_data = \"reject\";\n",
	    "p.conf:2: duplicate setting name; each setting may appear once; "
	    "remove or merge one\n" },
	{ "unknown settings at the top",
	    "defualt = { action = \"reject\"; };\nrule = ();\ncolour = 1;\n",
	    "p.conf:1: unknown setting \"defualt\"; did you mean "
	    "\"default\"?\n"
	    "p.conf:2: unknown setting \"rule\"; did you mean \"rules\"?\n"
	    "p.conf:3: unknown setting \"colour\"; remove it or use one of "
	    "default, track_data, unscannable, protected, min_confidence, "
	    "ignore_test_pans, ignore_tokens, rules\n" },
	{ "unknown settings in a rule and default",
	    "rules = ( { name = \"a\"; recipient = [ \"*\" ];"
	    " action = \"pass\"; } );\ndefault = { acton = \"pass\"; };\n",
	    "p.conf:1: rule \"a\": unknown setting \"recipient\"; did you "
	    "mean \"recipients\"?\n"
	    "p.conf:1: rule \"a\" has no recipients; add recipients = "
	    "[ \"*\" ]; to match every recipient\n"
	    "p.conf:2: default: unknown setting \"acton\"; did you mean "
	    "\"action\"?\n" },
	{ "unknown action",
	    "rules = ( { name = \"billing\"; recipients = [ \"*\" ];\n"
	    "  action = \"maks\"; } );\n",
	    "p.conf:2: rule \"billing\": unknown action \"maks\"; use one of "
	    "pass, mask, encrypt, quarantine, reject, tempfail\n" },
	{ "global settings",
	    "track_data = \"pass\";\nunscannable = \"mask\";\n"
	    "protected = \"foo\";\nmin_confidence = \"low\";\n"
	    "ignore_test_pans = \"no\";\nprotected = 3;\n",
	    "p.conf:6: duplicate setting name; each setting may appear once; "
	    "remove or merge one\n" },
	{ "global values",
	    "track_data = \"pass\";\nunscannable = \"mask\";\n"
	    "protected = \"foo\";\nmin_confidence = \"low\";\n"
	    "ignore_test_pans = \"no\";\n",
	    "p.conf:1: track_data \"pass\" is not allowed here; use quarantine "
	    "or reject\n"
	    "p.conf:2: unscannable \"mask\" is not allowed here; use one of "
	    "pass, quarantine, reject, tempfail\n"
	    "p.conf:3: unknown protected \"foo\"; use one of pass, quarantine, "
	    "reject, tempfail\n"
	    "p.conf:4: unknown min_confidence \"low\"; use medium or high\n"
	    "p.conf:5: ignore_test_pans must be true or false; write "
	    "ignore_test_pans = false;\n" },
	{ "tokens",
	    "ignore_tokens = [ \"4111111111111111\", \"xyz\",\n"
	    " \"4111 1111 1111 1111\", \"9F2C1E07AB43D611\" ];\n",
	    "p.conf:1: ignore_tokens: entry 1 looks like a card number; put "
	    "its token (panmilter --token) here instead\n"
	    "p.conf:1: ignore_tokens: entry 2 is not a token; a token is 16 "
	    "hex digits in quotes, as printed by panmilter --token\n"
	    "p.conf:2: ignore_tokens: entry 3 looks like a card number; put "
	    "its token (panmilter --token) here instead\n" },
	{ "token as a bare number",
	    "ignore_tokens = [ 5555555555554444 ];\n",
	    "p.conf:1: ignore_tokens: entry 1 is a number; if it is a card "
	    "number, put its token (panmilter --token) here instead, in "
	    "quotes\n" },
	{ "tokens not a list",
	    "ignore_tokens = \"abc\";\n",
	    "p.conf:1: ignore_tokens must be a list of strings; write "
	    "ignore_tokens = [ \"9f2c1e07ab43d611\" ];\n" },
	{ "rule shape",
	    "rules = ( { recipients = [ \"*\" ]; action = \"pass\"; },\n"
	    "{ name = \"\"; recipients = [ \"*\" ]; action = \"pass\"; },\n"
	    "{ name = \"c\"; action = \"pass\"; },\n"
	    "{ name = \"d\"; recipients = []; action = \"pass\"; },\n"
	    "{ name = \"e\"; recipients = [ \"*\" ]; },\n"
	    "{ name = \"f\"; recipients = \"*\"; action = \"pass\"; } );\n",
	    "p.conf:1: rule #1 has no name; add name = \"...\"; so messages "
	    "and logs can name it\n"
	    "p.conf:2: rule #2: name is empty; give the rule a name\n"
	    "p.conf:3: rule \"c\" has no recipients; add recipients = "
	    "[ \"*\" ]; to match every recipient\n"
	    "p.conf:4: rule \"d\": recipients is empty, so the rule never "
	    "matches; add a pattern or remove the rule\n"
	    "p.conf:5: rule \"e\" has no action; add action = \"reject\"; (or "
	    "pass, mask, encrypt, quarantine, tempfail)\n"
	    "p.conf:6: rule \"f\": recipients must be a list of strings; "
	    "write recipients = [ \"@example.com\" ];\n" },
	{ "patterns",
	    "rules = ( { name = \"p\"; recipients = [ \"billing\",\n"
	    " \"a+b@x.example\", \"@\", \"@exa mple\", \".\",\n"
	    " \"@4111111111111111.example\" ]; action = \"pass\"; } );\n",
	    "p.conf:1: rule \"p\": recipient \"billing\" is not a pattern; use "
	    "\"user@domain\", \"@domain\", \".domain\" or \"*\"\n"
	    "p.conf:2: rule \"p\": recipient \"a+b@x.example\" has a "
	    "sub-address, which recipients are matched without; write the "
	    "address without \"+...\"\n"
	    "p.conf:2: rule \"p\": recipient \"@\" is not a valid domain name; "
	    "write \"@example.com\" or \".example.com\"\n"
	    "p.conf:2: rule \"p\": recipient \"@exa mple\" is not a valid "
	    "domain name; write \"@example.com\" or \".example.com\"\n"
	    "p.conf:2: rule \"p\": recipient \".\" is not a valid domain name; "
	    "write \"@example.com\" or \".example.com\"\n"
	    "p.conf:3: rule \"p\": recipient 6 looks like a card number; card "
	    "numbers never belong in a policy, remove it\n" },
	{ "bad idn",
	    "rules = ( { name = \"i\"; recipients = [ \"@\xff.example\" ];"
	    " action = \"pass\"; } );\n",
	    "p.conf:1: rule \"i\": recipient \"@\xff.example\" is not a valid "
	    "domain name (IDN conversion failed); check the spelling\n" },
	{ "senders",
	    "rules = ( { name = \"s\"; recipients = [ \"*\" ];"
	    " senders = [ \"nobody\" ]; action = \"pass\"; } );\n",
	    "p.conf:1: rule \"s\": sender \"nobody\" is not a pattern; use "
	    "\"user@domain\", \"@domain\", \".domain\" or \"*\"\n" },
	{ "mask, if_no_key, min_pans",
	    "rules = ( { name = \"m\"; recipients = [ \"*\" ];"
	    " action = \"pass\"; mask = \"last4\"; },\n"
	    "{ name = \"n\"; recipients = [ \"@a.example\" ];"
	    " action = \"mask\"; mask = \"last5\"; },\n"
	    "{ name = \"o\"; recipients = [ \"@b.example\" ];"
	    " action = \"pass\"; if_no_key = \"reject\"; },\n"
	    "{ name = \"q\"; recipients = [ \"@c.example\" ];"
	    " action = \"encrypt\"; if_no_key = \"pass\"; },\n"
	    "{ name = \"r\"; recipients = [ \"@d.example\" ];"
	    " action = \"pass\"; min_pans = 0; },\n"
	    "{ name = \"s\"; recipients = [ \"@e.example\" ];"
	    " action = \"pass\"; min_pans = \"2\"; } );\n",
	    "p.conf:1: rule \"m\": mask applies only to action \"mask\" or "
	    "if_no_key = \"mask\"; remove it\n"
	    "p.conf:2: rule \"n\": unknown mask \"last5\"; use first6last4 or "
	    "last4\n"
	    "p.conf:3: rule \"o\": if_no_key applies only to action "
	    "\"encrypt\"; remove it\n"
	    "p.conf:4: rule \"q\": if_no_key \"pass\" is not allowed here; use "
	    "one of mask, quarantine, reject, tempfail\n"
	    "p.conf:5: rule \"r\": min_pans must be between 1 and 1000000; "
	    "write min_pans = 2;\n"
	    "p.conf:6: rule \"s\": min_pans must be a whole number of at "
	    "least 1; write min_pans = 2;\n" },
	{ "default without action",
	    "default = { mask = \"last4\"; };\n",
	    "p.conf:1: default has no action; add action = \"reject\"; (or "
	    "pass, mask, encrypt, quarantine, tempfail)\n" },
	{ "types",
	    "default = \"reject\";\nrules = { a = 1; };\n",
	    "p.conf:1: default must be a group; write default = { action = "
	    "\"reject\"; };\n"
	    "p.conf:2: rules must be a list of groups; write rules = ( { ... "
	    "}, { ... } );\n" },
	{ "rule not a group, action not a string",
	    "rules = ( \"a\", { name = \"b\"; recipients = [ \"*\" ];"
	    " action = 5; } );\n",
	    "p.conf:1: rules: entry 1 is not a group; write each rule as "
	    "{ name = \"...\"; recipients = [ ... ]; action = \"...\"; }\n"
	    "p.conf:1: rule \"b\": action must be a string; put the value in "
	    "double quotes\n" },
	{ "card number as a name",
	    "rules = ( { name = \"4111111111111111\"; recipients = [ \"*\" ];"
	    " action = \"pass\"; } );\n",
	    "p.conf:1: rule #1: name looks like a card number; card numbers "
	    "never belong in a policy, remove it\n" },
	{ "control characters",
	    "rules = ( { name = \"a\\nb\"; recipients = [ \"*\" ];"
	    " action = \"pass\"; },\n"
	    " { name = \"c\"; recipients = [ \"x\\t@a.example\" ];"
	    " action = \"pass\"; } );\n",
	    "p.conf:1: rule #1: name has a control character (tab, newline, "
	    "escape, ...); remove it\n"
	    "p.conf:2: rule \"c\": recipient 1 has a control character (tab, "
	    "newline, escape, ...); remove it\n" },
	{ "duplicates and shadowing",
	    "rules = (\n"
	    " { name = \"a\"; recipients = [ \"@a.example\", \"x@b.example\" ];"
	    " action = \"pass\"; },\n"
	    " { name = \"a\"; recipients = [ \"@z.example\" ];"
	    " action = \"pass\"; },\n"
	    " { name = \"dup\"; recipients = [ \"@a.example\", \"x@b.example\" ];"
	    " action = \"mask\"; },\n"
	    " { name = \"unr\"; recipients = [ \"@a.example\" ];"
	    " action = \"mask\"; },\n"
	    " { name = \"part\"; recipients = [ \"@y.example\",\n"
	    "  \"x@b.example\" ]; action = \"mask\"; },\n"
	    " { name = \"twice\"; recipients = [ \"@q.example\", \"@Q.example\" ];"
	    " action = \"mask\"; }\n);\n",
	    "p.conf:3: rule \"a\": the name is already used by the rule at "
	    "p.conf:2; give each rule its own name\n"
	    "p.conf:4: rule \"dup\" duplicates rule \"a\" (p.conf:2), which "
	    "comes first and always wins; remove one of them\n"
	    "p.conf:5: rule \"unr\" can never match: other rules match all "
	    "its recipients first (\"@a.example\" by rule \"a\" at p.conf:2); "
	    "remove it, or narrow those rules with senders or "
	    "min_pans\n"
	    "p.conf:7: rule \"part\": recipient \"x@b.example\" is matched "
	    "first by rule \"a\" (p.conf:2), so it has no effect here; remove "
	    "it from one of the two rules\n"
	    "p.conf:8: rule \"twice\": recipient \"@Q.example\" is listed twice "
	    "(also as \"@q.example\" on line 8); remove one\n" },
	{ "min_pans order matters",
	    "rules = ( { name = \"few\"; recipients = [ \"@a.example\" ];"
	    " action = \"pass\"; },\n"
	    " { name = \"many\"; recipients = [ \"@a.example\" ];"
	    " action = \"reject\"; min_pans = 5; } );\n",
	    "p.conf:2: rule \"many\" can never match: other rules match all "
	    "its recipients first (\"@a.example\" by rule \"few\" at "
	    "p.conf:1); remove it, or narrow those rules with senders "
	    "or min_pans\n" },
	{ "sender * covers no sender",
	    "rules = ( { name = \"any\"; recipients = [ \"@a.example\" ];"
	    " action = \"pass\"; },\n"
	    " { name = \"star\"; senders = [ \"*\" ];"
	    " recipients = [ \"@a.example\" ]; action = \"mask\"; } );\n",
	    "p.conf:1: rule \"any\" can never match: other rules match all "
	    "its recipients first (\"@a.example\" by rule \"star\" at "
	    "p.conf:2); remove it, or narrow those rules with senders "
	    "or min_pans\n" },
	{ "good: senders and min_pans narrow",
	    "default = { action = \"reject\"; };\n"
	    "rules = ( { name = \"many\"; recipients = [ \"@a.example\" ];"
	    " action = \"reject\"; min_pans = 5; },\n"
	    " { name = \"few\"; recipients = [ \"@a.example\" ];"
	    " action = \"pass\"; },\n"
	    " { name = \"ceo\"; senders = [ \"ceo@b.example\" ];"
	    " recipients = [ \"@a.example\" ]; action = \"mask\"; },\n"
	    " { name = \"enc\"; recipients = [ \"x@a.example\" ];"
	    " action = \"encrypt\"; if_no_key = \"mask\"; mask = \"last4\"; }"
	    " );\n",
	    "" },
	{ "good: empty policy", "", "" },
};

/* run_load - load text, return the messages as one string */
static char *
run_load(const char *text, pm_status *st)
{
	struct pol_diags d;
	struct pol *p = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	pol_diags_init(&d);
	*st = pol_load_string(text, "p.conf", &p, &d);
	pol_diags_print(&d, fp);
	fclose(fp);
	pol_diags_fini(&d);
	pol_free(p);
	return buf;
}

/* test_row - the exact messages of one policy */
static void
test_row(void **state)
{
	const struct ccase *c = *state;
	pm_status st = PM_EINTERNAL;
	char *out = run_load(c->policy, &st);

	assert_non_null(out);
	assert_string_equal(out, c->expect);
	assert_int_equal(st, c->expect[0] == '\0' ? PM_OK : PM_ECONFIG);
	free(out);
}

/* key_of_x - only x@a.example has a key */
static int
key_of_x(void *arg, const char *addr)
{
	(void)arg;
	return strcmp(addr, "x@a.example") == 0;
}

/* test_keys - encrypt for an exact address without a key */
static void
test_keys(void **state)
{
	struct pol_diags d;
	struct pol *p = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = NULL;

	(void)state;
	pol_diags_init(&d);
	assert_int_equal(pol_load_string(
	    "rules = ( { name = \"e\"; recipients = [ \"x@a.example\",\n"
	    " \"Y@a.example\", \"@b.example\" ]; action = \"encrypt\"; } );\n",
	    "k.conf", &p, &d), PM_OK);
	assert_int_equal(pol_check_keys(p, NULL, NULL, &d), PM_OK);
	assert_int_equal(pol_check_keys(p, key_of_x, NULL, &d), PM_ECONFIG);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	pol_diags_print(&d, fp);
	fclose(fp);
	assert_string_equal(buf, "k.conf:2: rule \"e\": action \"encrypt\" "
	    "for y@a.example, which has no enrolled key; enroll one (pankey "
	    "enroll y@a.example) or change the action\n");
	free(buf);
	pol_diags_fini(&d);
	pol_free(p);
}

/* test_suggest - the "did you mean" distance bound */
static void
test_suggest(void **state)
{
	(void)state;
	assert_string_equal(pol_check_suggest(POL_CTX_RULE, "min_pan"),
	    "min_pans");
	assert_string_equal(pol_check_suggest(POL_CTX_RULE, "ACTION"),
	    "action");
	assert_string_equal(pol_check_suggest(POL_CTX_TOP, "trackdata"),
	    "track_data");
	assert_null(pol_check_suggest(POL_CTX_TOP, "policy"));
	assert_null(pol_check_suggest(POL_CTX_DEFAULT, "recipients"));
}

/* test_token - token syntax */
static void
test_token(void **state)
{
	char t[POL_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(pol_check_token("9F2C1E07AB43D611", t), POL_TOKEN_OK);
	assert_string_equal(t, "9f2c1e07ab43d611");
	assert_int_equal(pol_check_token("9f2c1e07ab43d61", t), POL_TOKEN_BAD);
	assert_int_equal(pol_check_token("9f2c1e07ab43d61g", t),
	    POL_TOKEN_BAD);
	assert_int_equal(pol_check_token("6011111111111117", t),
	    POL_TOKEN_PAN);
	assert_int_equal(pol_check_token("3714-496353-98431", t),
	    POL_TOKEN_PAN);
}

/* test_diag_safe - no card number survives a message */
static void
test_diag_safe(void **state)
{
	char out[128];

	(void)state;
	pol_diag_safe("x 4012888888881881 y", out, sizeof(out));
	assert_string_equal(out, "x (card number hidden) y");
	pol_diag_safe("a 4012 8888 8888 1881.", out, sizeof(out));
	assert_string_equal(out, "a (card number hidden).");
	pol_diag_safe("4012888888881882", out, sizeof(out));
	assert_string_equal(out, "4012888888881882");
	pol_diag_safe("94012888888881881", out, sizeof(out));
	assert_string_equal(out, "94012888888881881");
}

/* test_no_diags - without a message list problems still fail the load */
static void
test_no_diags(void **state)
{
	struct pol *p = NULL;

	(void)state;
	assert_int_equal(pol_load_string("rules = ( { name = \"a\"; "
	    "recipients = [ \"*\" ]; action = \"maks\"; } );", "n.conf", &p,
	    NULL), PM_ECONFIG);
	assert_null(p);
	assert_int_equal(pol_load_string("rules = ( { name = \"a\"; "
	    "recipients = [ \"*\" ]; action = \"pass\"; }, { name = \"b\"; "
	    "recipients = [ \"*\" ]; action = \"mask\"; } );", "n.conf", &p,
	    NULL), PM_ECONFIG);
	assert_null(p);
	assert_int_equal(pol_load_string("x = (;", "n.conf", &p, NULL),
	    PM_ECONFIG);
	assert_int_equal(pol_load_file("/nonexistent-h5/p.conf", &p, NULL),
	    PM_EIO);
	assert_null(p);
}

/* main - one named test per row */
int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 5];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_row;
		tests[i].initial_state = (void *)&cases[i];
	}
	tests[n].name = "encrypt without an enrolled key";
	tests[n].test_func = test_keys;
	tests[n + 1].name = "did you mean";
	tests[n + 1].test_func = test_suggest;
	tests[n + 2].name = "token syntax";
	tests[n + 2].test_func = test_token;
	tests[n + 3].name = "messages hide card numbers";
	tests[n + 3].test_func = test_diag_safe;
	tests[n + 4].name = "no message list";
	tests[n + 4].test_func = test_no_diags;
	return cmocka_run_group_tests_name("pol_check", tests, NULL, NULL);
}
