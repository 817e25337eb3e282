/*
 * test_act_plan - plans from decisions, reply templates, the tripwire
 * over plans, on_error, and the sfsistat mapping that fails closed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "act_plan.h"

#define VISA	"4111111111111111"

/* a scan result with one finding, built the way scan_message does */
static void
one_finding(struct scan_result *res, struct scan_finding *f, int track)
{
	memset(res, 0, sizeof(*res));
	memset(f, 0, sizeof(*f));
	f->kind = PAN_KIND_PAN;
	f->brand = "visa";
	pan_mask_digits(VISA, 16, PAN_MASK_FIRST6LAST4, &f->masked);
	res->findings = f;
	res->nfindings = 1;
	res->distinct_pans = 1;
	res->verdict = track ? SCAN_TRACK_DATA : SCAN_PAN;
}

static void
test_reject_text(void **state)
{
	struct scan_result res;
	struct scan_finding f;
	struct conf c;
	struct act_plan plan;
	struct act_plan_in in = { ACT_K_REJECT, &c, &res, "billing", NULL, 0 };

	(void)state;
	conf_default(&c);
	one_finding(&res, &f, 0);
	act_plan_from(&plan, &in);
	assert_int_equal(plan.status, ACT_REJECT);
	assert_string_equal(plan.rcode, "550");
	assert_string_equal(plan.xcode, "5.7.1");
	assert_non_null(strstr(plan.text, "411111******1111"));
	assert_non_null(strstr(plan.text, "rule billing"));
	assert_null(strstr(plan.text, VISA));
	assert_int_equal(act_plan_check(&plan, c.on_error), 0);
}

static void
test_track_text(void **state)
{
	struct scan_result res;
	struct scan_finding f;
	struct conf c;
	struct act_plan plan;
	struct act_plan_in in = { ACT_K_REJECT, &c, &res, NULL, "track_data",
	    0 };

	(void)state;
	conf_default(&c);
	one_finding(&res, &f, 1);
	act_plan_from(&plan, &in);
	assert_non_null(strstr(plan.text, "track data"));
}

static void
test_template_escapes(void **state)
{
	struct scan_result res;
	struct scan_finding f;
	struct conf c;
	struct act_plan plan;
	char tmpl[] = "100% sure: {count} card(s) {brands}\r\nrule {rule}";
	struct act_plan_in in = { ACT_K_REJECT, &c, &res, "r1", NULL, 0 };

	(void)state;
	conf_default(&c);
	c.reject_text = tmpl;
	one_finding(&res, &f, 0);
	act_plan_from(&plan, &in);
	assert_string_equal(plan.text, "100%% sure: 1 card(s) visa  rule r1");
	c.reject_text = NULL;
}

static void
test_pass_header(void **state)
{
	struct scan_result res;
	struct scan_finding f;
	struct conf c;
	struct act_plan plan;
	struct act_plan_in in = { ACT_K_PASS, &c, &res, NULL, NULL, 1 };

	(void)state;
	conf_default(&c);
	one_finding(&res, &f, 0);
	act_plan_from(&plan, &in);
	assert_int_equal(plan.status, ACT_ACCEPT);
	assert_int_equal(plan.nhdrs, 1);
	assert_string_equal(plan.hdrs[0].name, "X-PAN-Control");
	assert_string_equal(plan.hdrs[0].value, "pass; pans=1");
}

static void
test_tripwire_replaces_plan(void **state)
{
	struct act_plan plan;

	(void)state;
	memset(&plan, 0, sizeof(plan));
	plan.status = ACT_REJECT;
	plan.action = "reject";
	strcpy(plan.text, "refused: " VISA);
	assert_int_equal(act_plan_check(&plan, CONF_ON_ERROR_TEMPFAIL), -1);
	assert_int_equal(plan.status, ACT_TEMPFAIL);
	assert_null(strstr(plan.text, VISA));
	assert_string_equal(plan.rcode, "451");
}

static void
test_on_error(void **state)
{
	struct act_plan plan;

	(void)state;
	act_plan_on_error(&plan, CONF_ON_ERROR_TEMPFAIL, "x");
	assert_int_equal(plan.status, ACT_TEMPFAIL);
	act_plan_on_error(&plan, CONF_ON_ERROR_REJECT, "x");
	assert_int_equal(plan.status, ACT_REJECT);
	assert_string_equal(plan.xcode, "5.7.1");
	act_plan_on_error(&plan, CONF_ON_ERROR_ACCEPT, "x");
	assert_int_equal(plan.status, ACT_ACCEPT);
}

static void
test_unknown_kind_fails_closed(void **state)
{
	struct conf c;
	struct act_plan plan;
	struct act_plan_in in = { (enum act_kind)99, &c, NULL, NULL, NULL, 0 };

	(void)state;
	conf_default(&c);
	act_plan_from(&plan, &in);
	assert_int_equal(plan.status, ACT_TEMPFAIL);
}

static void
test_no_encrypt_rejects(void **state)
{
	struct scan_result res;
	struct scan_finding f;
	struct conf c;
	struct act_plan plan;
	struct act_plan_in in = { ACT_K_NO_ENCRYPT, &c, &res, "acq", NULL, 0 };

	(void)state;
	conf_default(&c);
	one_finding(&res, &f, 0);
	act_plan_from(&plan, &in);
	assert_int_equal(plan.status, ACT_REJECT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reject_text),
		cmocka_unit_test(test_track_text),
		cmocka_unit_test(test_template_escapes),
		cmocka_unit_test(test_pass_header),
		cmocka_unit_test(test_tripwire_replaces_plan),
		cmocka_unit_test(test_on_error),
		cmocka_unit_test(test_unknown_kind_fails_closed),
		cmocka_unit_test(test_no_encrypt_rejects),
	};

	return cmocka_run_group_tests_name("act_plan", tests, NULL, NULL);
}
