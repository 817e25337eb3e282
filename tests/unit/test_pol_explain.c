/*
 * test_pol_explain - the text and JSON renderings of decisions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pol_explain.h"

static const char *policy =
    "default = { action = \"reject\"; };\n"
    "rules = (\n"
    " { name = \"acq\"; recipients = [ \"@acq.example\" ];\n"
    "   action = \"encrypt\"; if_no_key = \"quarantine\"; },\n"
    " { name = \"int\"; recipients = [ \".corp.example\" ];\n"
    "   action = \"mask\"; mask = \"last4\"; }\n"
    ");\n";

struct fix {
	struct pol *p;
	struct pol_facts f;
	struct pol_decision *dec;
	struct pol_explain_in x;
	const char *rcpts[2];
};

/* only_a - a@acq.example has a key */
static int
only_a(void *arg, const char *addr)
{
	(void)arg;
	return strcmp(addr, "a@acq.example") == 0;
}

/* setup - decide for two recipients, one without a key */
static int
setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));
	struct pol_diags d;

	if (x == NULL)
		return -1;
	pol_diags_init(&d);
	if (pol_load_string(policy, "e.conf", &x->p, &d) != PM_OK)
		return -1;
	pol_diags_fini(&d);
	x->f.verdict = POL_V_PAN;
	x->f.npans = 1;
	x->f.pans[0].confidence = POL_CONF_HIGH;
	x->rcpts[0] = "a@acq.example";
	x->rcpts[1] = "B@Dev.Corp.Example";
	if (pol_decide(x->p, "s@corp.example", x->rcpts, 2, &x->f, only_a,
	    NULL, &x->dec) != PM_OK)
		return -1;
	x->x.p = x->p;
	x->x.facts = &x->f;
	x->x.from = "s@corp.example";
	x->x.rcpts = x->rcpts;
	x->x.dec = x->dec;
	x->x.keys_known = 1;
	*state = x;
	return 0;
}

/* teardown - free the fixture */
static int
teardown(void **state)
{
	struct fix *x = *state;

	pol_decision_free(x->dec);
	pol_free(x->p);
	free(x);
	return 0;
}

/* test_text - the human rendering, whole */
static void
test_text(void **state)
{
	struct fix *x = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	pol_explain_text(&x->x, fp);
	fclose(fp);
	assert_string_equal(buf,
	    "policy: e.conf\n"
	    "message: from <s@corp.example>, pan, 1 card number counted (1 "
	    "found; ignored: 0 below min_confidence, 0 test, 0 by token)\n"
	    "recipient a@acq.example: encrypt by rule \"acq\" (e.conf:3): "
	    "matches \"@acq.example\" (domain); key: enrolled\n"
	    "recipient B@Dev.Corp.Example (as b@dev.corp.example): mask last4 "
	    "by rule \"int\" (e.conf:5): matches \".corp.example\" "
	    "(subdomain); key: missing\n"
	    "action: quarantine\n"
	    "why: encrypt needs a key for every recipient; no key for "
	    "b@dev.corp.example; if_no_key of rule \"acq\" (e.conf:3) is "
	    "quarantine\n"
	    "keys used: a@acq.example\n"
	    "keys missing: b@dev.corp.example\n");
	free(buf);
}

/* test_json - the machine rendering, selected members */
static void
test_json(void **state)
{
	struct fix *x = *state;
	json_t *j = pol_explain_json(&x->x), *r = NULL;

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "action")),
	    "quarantine");
	assert_string_equal(json_string_value(json_object_get(j, "wanted")),
	    "encrypt");
	assert_string_equal(json_string_value(json_object_get(j, "rule")),
	    "acq");
	assert_int_equal(json_array_size(json_object_get(j, "keys_missing")),
	    1);
	r = json_array_get(json_object_get(j, "recipients"), 1);
	assert_string_equal(json_string_value(json_object_get(r, "matched")),
	    ".corp.example");
	assert_string_equal(json_string_value(json_object_get(r, "mask")),
	    "last4");
	assert_string_equal(json_string_value(json_object_get(r, "key")),
	    "missing");
	assert_int_equal(json_integer_value(json_object_get(r, "line")), 5);
	json_decref(j);
}

/* main - the explain tests */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
	};

	return cmocka_run_group_tests_name("pol_explain", tests, NULL, NULL);
}
