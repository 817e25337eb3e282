/*
 * test_pan_card - Luhn, the brand table, overlaps, published test PANs,
 * and the pangen generator that the other suites rely on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pan_card.h"
#include "pangen.h"

#define ROUNDS	16	/* generated numbers per sample row */

/* --- every brand and length, generated ------------------------------- */

static void
test_sample(void **state)
{
	const struct pangen_sample *s = *state;
	const struct pan_brand *b = NULL;
	struct pangen g;
	char d[PANGEN_MAX_LEN + 1];
	int i;

	pangen_init(&g, 0x5eed0000u + s->len);
	for (i = 0; i < ROUNDS; i++) {
		assert_int_equal(pangen_make(&g, s->prefix, s->len, d), 0);
		assert_int_equal(strlen(d), s->len);
		assert_memory_equal(d, s->prefix, strlen(s->prefix));
		assert_int_equal(pan_card_luhn(d, s->len), 1);
		b = pan_card_brand(d, s->len);
		assert_non_null(b);
		assert_string_equal(b->name, s->brand);
	}
}

/* --- overlaps and unknown prefixes ----------------------------------- */

struct brand_case {
	const char *name;
	const char *prefix;
	size_t len;
	const char *brand;	/* NULL: no brand */
};

static const struct brand_case brand_cases[] = {
	{ "unionpay_622126_discover_accepts", "622126", 16, "unionpay" },
	{ "unionpay_622925_discover_accepts", "622925", 19, "unionpay" },
	{ "overlap_unionpay_below_cobrand", "622125", 16, "unionpay" },
	{ "overlap_unionpay_above_cobrand", "622926", 16, "unionpay" },
	{ "overlap_elo_in_unionpay", "627780", 16, "elo" },
	{ "overlap_elo_len17_falls_to_unionpay", "627780", 17, "unionpay" },
	{ "overlap_elo_in_visa", "401178", 16, "elo" },
	{ "overlap_elo_prefix_len19_is_visa", "401178", 19, "visa" },
	{ "overlap_visa_next_to_elo", "401177", 16, "visa" },
	{ "overlap_lankapay_in_jcb", "357111", 16, "lankapay" },
	{ "overlap_lankapay_len17_is_jcb", "357111", 17, "jcb" },
	{ "overlap_rupay_353_loses_to_jcb", "353000", 16, "jcb" },
	{ "overlap_hipercard_in_diners", "384100", 16, "hipercard" },
	{ "overlap_hipercard_len15_is_diners", "384100", 15, "diners" },
	{ "overlap_diners_next_to_hipercard", "384101", 16, "diners" },
	{ "overlap_verve_in_discover", "650002", 16, "verve" },
	{ "overlap_verve_len17_is_discover", "650002", 17, "discover" },
	{ "overlap_elo_650031_in_discover", "650031", 16, "elo" },
	{ "overlap_discover_650034_gap", "650034", 16, "discover" },
	{ "overlap_tie_65_discover_before_rupay", "659000", 16, "discover" },
	{ "overlap_tie_81_unionpay_before_rupay", "810000", 16, "unionpay" },
	{ "overlap_tie_60_rupay_before_maestro", "600000", 16, "rupay" },
	{ "overlap_maestro_60_len18", "600000", 18, "maestro" },
	{ "overlap_uatp_1946_len15", "194600", 15, "uatp" },
	{ "overlap_gpn_1946_len16", "194600", 16, "gpn" },
	{ "overlap_elo_636297_in_interpayment", "636297", 16, "elo" },
	{ "overlap_interpayment_636297_len17", "636297", 17, "interpayment" },
	{ "overlap_maestro_6304_in_maestro_63", "630400", 16, "maestro" },
	{ "overlap_instapayment_637_in_maestro", "637000", 16,
	  "instapayment" },
	{ "overlap_instapayment_637_len18_maestro", "637000", 18, "maestro" },
	{ "overlap_hiper_637095_in_instapayment", "637095", 16, "hiper" },
	{ "overlap_hiper_637095_len17_maestro", "637095", 17, "maestro" },
	{ "overlap_dankort_5019_in_maestro", "501900", 16, "dankort" },
	{ "overlap_maestro_5019_len18", "501900", 18, "maestro" },
	{ "overlap_meeza_in_verve_gap", "507808", 16, "meeza" },
	{ "overlap_rupay_508_in_maestro", "508000", 16, "rupay" },
	{ "overlap_maestro_5893_len13", "589300", 13, "maestro" },
	{ "overlap_tie_65_discover_before_maestro", "651000", 19,
	  "discover" },
	{ "overlap_65_len13_none", "651000", 13, NULL },
	{ "overlap_62_len15_none", "620000", 15, NULL },
	{ "jcb_3088_legacy", "308800", 16, "jcb" },
	{ "jcb_3088_len17_none", "308800", 17, NULL },
	{ "jcb_3349_legacy_high_end", "334999", 16, "jcb" },
	{ "jcb_3350_above_legacy_none", "335000", 16, NULL },
	{ "jcb_3095_is_diners", "309500", 16, "diners" },
	{ "maestro_6771_len16", "677100", 16, "maestro" },
	{ "maestro_5033_len14_none", "503300", 14, NULL },
	{ "maestro_5893_len14", "589300", 14, "maestro" },
	{ "maestro_5641_len17", "564100", 17, "maestro" },
	{ "unknown_51_len13", "51", 13, NULL },
	{ "maestro_57_len13_none", "57", 13, NULL },
	{ "maestro_57_len16", "57", 16, "maestro" },
	{ "za_id_1965_len13_none", "650101", 13, NULL },
	{ "overlap_hipercard_606282_in_rupay", "606282", 16, "hipercard" },
	{ "overlap_discover_6011_in_rupay", "601100", 16, "discover" },
	{ "mc_2series_low", "222100", 16, "mastercard" },
	{ "mc_2series_below", "222000", 16, NULL },
	{ "mc_2series_above", "272100", 16, NULL },
	{ "mir_borica_border", "220500", 16, "borica" },
	{ "unknown_7_len13", "7", 13, NULL },
	{ "unknown_7_len16", "7", 16, NULL },
	{ "unknown_7_len19", "7", 19, NULL },
	{ "unknown_0_len16", "0", 16, NULL },
	{ "unknown_0_len19", "0", 19, NULL },
	{ "unknown_3300_len16", "3300", 16, NULL },
	{ "unknown_9_len16", "90", 16, NULL },
	{ "unknown_8_len16", "85", 16, NULL },
	{ "unknown_21_len16", "21", 16, NULL },
	{ "visa_len14_none", "424242", 14, NULL },
	{ "visa_len17_none", "424242", 17, NULL },
	{ "visa_len18", "424242", 18, "visa" },
	{ "amex_len16_none", "37", 16, NULL },
	{ "mastercard_len19_none", "51", 19, NULL },
	{ "maestro_len13", "6759", 13, "maestro" },
};

static void
test_brand_case(void **state)
{
	const struct brand_case *c = *state;
	const struct pan_brand *b = NULL;
	struct pangen g;
	char d[PANGEN_MAX_LEN + 1];
	int i;

	pangen_init(&g, 42);
	for (i = 0; i < ROUNDS; i++) {
		assert_int_equal(pangen_make(&g, c->prefix, c->len, d), 0);
		assert_int_equal(pan_card_luhn(d, c->len), 1);
		b = pan_card_brand(d, c->len);
		if (c->brand == NULL) {
			assert_null(b);
		} else {
			assert_non_null(b);
			assert_string_equal(b->name, c->brand);
		}
	}
}

/* --- published test numbers ------------------------------------------ */

struct test_pan {
	const char *name;
	const char *d;
	const char *brand;
};

static const struct test_pan test_pans[] = {
	{ "test_visa_4111", "4111111111111111", "visa" },
	{ "test_visa_4012", "4012888888881881", "visa" },
	{ "test_visa_13", "4222222222222", "visa" },
	{ "test_visa_4242", "4242424242424242", "visa" },
	{ "test_visa_debit", "4000056655665556", "visa" },
	{ "test_mc_5555", "5555555555554444", "mastercard" },
	{ "test_mc_5105", "5105105105105100", "mastercard" },
	{ "test_mc_2223", "2223003122003222", "mastercard" },
	{ "test_mc_debit", "5200828282828210", "mastercard" },
	{ "test_amex_3782", "378282246310005", "amex" },
	{ "test_amex_3714", "371449635398431", "amex" },
	{ "test_amex_3787", "378734493671000", "amex" },
	{ "test_discover_6011_1", "6011111111111117", "discover" },
	{ "test_discover_6011_0", "6011000990139424", "discover" },
	{ "test_jcb_3530", "3530111333300000", "jcb" },
	{ "test_jcb_3566", "3566002020360505", "jcb" },
	{ "test_diners_3056", "30569309025904", "diners" },
	{ "test_diners_3852", "38520000023237", "diners" },
	{ "test_diners_3622", "36227206271667", "diners" },
	{ "test_diners_16", "3056930009020004", "diners" },
	{ "test_unionpay", "6200000000000005", "unionpay" },
	{ "test_dankort", "5019717010103742", "dankort" },
	{ "test_jcb_3088", "3088000000000017", "jcb" },
	{ "test_maestro_6771", "6771798021000008", "maestro" },
	{ "test_visa_18", "401795000000000009", "visa" },
	{ "test_unionpay_622126", "6221261111117766", "unionpay" },
	{ "test_hiper", "6370950000000005", "hiper" },
};

static void
test_test_pan(void **state)
{
	const struct test_pan *t = *state;
	size_t n = strlen(t->d);
	const struct pan_brand *b = NULL;
	char tmp[PAN_MAX_DIGITS + 1];

	assert_int_equal(pan_card_luhn(t->d, n), 1);
	assert_int_equal(pan_card_is_test(t->d, n), 1);
	b = pan_card_brand(t->d, n);
	assert_non_null(b);
	assert_string_equal(b->name, t->brand);
	/* one digit changed: not Luhn-valid, not a test number */
	memcpy(tmp, t->d, n);
	tmp[n / 2] = (char)('0' + (tmp[n / 2] - '0' + 1) % 10);
	assert_int_equal(pan_card_luhn(tmp, n), 0);
	assert_int_equal(pan_card_is_test(tmp, n), 0);
	/* a prefix of it is not a test number */
	assert_int_equal(pan_card_is_test(t->d, n - 1), 0);
}

/* --- Luhn ------------------------------------------------------------ */

static void
test_luhn_negatives(void **state)
{
	(void)state;
	assert_int_equal(pan_card_luhn("4111111111111112", 16), 0);
	assert_int_equal(pan_card_luhn("4111111111111121", 16), 0);
	assert_int_equal(pan_card_luhn("1411111111111111", 16), 0);
	assert_int_equal(pan_card_luhn("", 0), 0);
	assert_int_equal(pan_card_luhn(NULL, 16), 0);
	assert_int_equal(pan_card_luhn("0", 1), 0);
	assert_int_equal(pan_card_luhn("4111 1111 1111 1111", 19), 0);
	assert_int_equal(pan_card_luhn("411111111111111a", 16), 0);
	/* a '0'-'9' neighbour that would pass an unchecked subtraction */
	assert_int_equal(pan_card_luhn("411111111111111:", 16), 0);
}

static void
test_luhn_positives(void **state)
{
	(void)state;
	assert_int_equal(pan_card_luhn("00", 2), 1);
	assert_int_equal(pan_card_luhn("18", 2), 1);
	assert_int_equal(pan_card_luhn("79927398713", 11), 1);
	assert_int_equal(pan_card_luhn("79927398710", 11), 0);
	/* only the first n bytes count */
	assert_int_equal(pan_card_luhn("4111111111111111999", 16), 1);
}

static void
test_luhn_every_check_digit(void **state)
{
	struct pangen g;
	char d[PANGEN_MAX_LEN + 1];
	size_t len;
	int k, good;

	(void)state;
	pangen_init(&g, 7);
	for (len = 13; len <= 19; len++) {
		assert_int_equal(pangen_make(&g, "9", len, d), 0);
		good = 0;
		for (k = 0; k < 10; k++) {
			d[len - 1] = (char)('0' + k);
			good += pan_card_luhn(d, len);
		}
		assert_int_equal(good, 1);	/* exactly one check digit */
	}
}

static void
test_brand_bad_input(void **state)
{
	(void)state;
	assert_null(pan_card_brand(NULL, 16));
	assert_null(pan_card_brand("411111111111111", 12));
	assert_null(pan_card_brand("41111111111111111111", 20));
	assert_null(pan_card_brand("4111-11111111111", 16));
	assert_int_equal(pan_card_is_test(NULL, 16), 0);
	assert_int_equal(pan_card_is_test("", 0), 0);
}

static void
test_brand_list(void **state)
{
	size_t n = pan_card_brand_count(), i, j, ns = 0;
	const struct pangen_sample *s = pangen_samples(&ns);
	int seen;

	(void)state;
	assert_true(n >= 24);
	assert_null(pan_card_brand_at(n));
	for (i = 0; i < n; i++) {
		const struct pan_brand *b = pan_card_brand_at(i);

		assert_non_null(b);
		assert_non_null(b->name);
		assert_non_null(b->label);
		for (j = 0; j < i; j++)
			assert_string_not_equal(b->name,
			    pan_card_brand_at(j)->name);
		/* every brand has generator samples */
		seen = 0;
		for (j = 0; j < ns; j++)
			seen |= strcmp(s[j].brand, b->name) == 0;
		assert_true(seen);
	}
}

/* test_brand_index - the bucketed lookup against the linear scan: every
 * 4-digit prefix with two tails, every 6-digit prefix of 5x and 6x (where
 * the 6-digit ranges crowd) and every 37th elsewhere, each length */
static void
test_brand_index(void **state)
{
	char d[PAN_MAX_DIGITS + 1];
	unsigned long p;
	size_t n;
	int k, diff = 0, some = 0;

	(void)state;
	for (p = 0; p < 1000000; p++) {
		if (p % 100 != 0 && p % 100 != 99 && (p < 500000 ||
		    p >= 700000) && p % 37 != 0)
			continue;
		for (n = PAN_MIN_DIGITS; n <= PAN_MAX_DIGITS; n++) {
			snprintf(d, sizeof(d), "%06lu", p);
			for (k = 6; k < (int)n; k++)
				d[k] = (char)('0' + (p + (unsigned long)k) % 10);
			d[n] = '\0';
			if (pan_card_brand(d, n) != pan_card_brand_scan(d, n))
				diff++;
			if (pan_card_brand(d, n) != NULL)
				some++;
		}
	}
	assert_int_equal(diff, 0);
	assert_true(some > 100000);
}

/* test_brand_may - pan_card_may(f2, n) is 1 exactly when some number of
 * n digits starting with f2 has a brand: every 6-digit prefix (the
 * longest a row has), each length */
static void
test_brand_may(void **state)
{
	static unsigned char has[100][PAN_MAX_DIGITS + 1];
	char d[PAN_MAX_DIGITS + 1];
	unsigned long p;
	unsigned f;
	size_t n;

	(void)state;
	memset(has, 0, sizeof(has));
	for (n = PAN_MIN_DIGITS; n <= PAN_MAX_DIGITS; n++) {
		memset(d, '0', sizeof(d));
		d[n] = '\0';
		for (p = 0; p < 1000000; p++) {
			snprintf(d, 7, "%06lu", p);
			d[6] = '0';
			if (pan_card_brand(d, n) != NULL)
				has[p / 10000][n] = 1;
		}
	}
	for (f = 0; f < 100; f++)
		for (n = PAN_MIN_DIGITS; n <= PAN_MAX_DIGITS; n++)
			if (pan_card_may(f, n) != has[f][n])
				fail_msg("prefix %02u, %zu digits: may %d, a "
				    "brand %s", f, n, pan_card_may(f, n),
				    has[f][n] ? "exists" : "does not");
	assert_false(pan_card_may(0, 16));	/* no brand starts with 0 */
	assert_true(pan_card_may(41, 16));
	assert_false(pan_card_may(41, 15));	/* Visa: 13, 16, 19 */
	assert_false(pan_card_may(100, 16));
	assert_false(pan_card_may(41, 12));
}

static void
test_pangen_deterministic(void **state)
{
	struct pangen g1, g2, g3;
	char a[PANGEN_MAX_LEN + 1], b[PANGEN_MAX_LEN + 1];
	char c[PANGEN_MAX_LEN + 1];

	(void)state;
	pangen_init(&g1, 1234);
	pangen_init(&g2, 1234);
	pangen_init(&g3, 1235);
	assert_int_equal(pangen_make(&g1, "4", 16, a), 0);
	assert_int_equal(pangen_make(&g2, "4", 16, b), 0);
	assert_int_equal(pangen_make(&g3, "4", 16, c), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(pangen_make(&g1, "4", 16, b), 0);
	assert_string_not_equal(a, b);
	/* bad arguments */
	assert_int_equal(pangen_make(&g1, "4111", 4, a), -1);
	assert_int_equal(pangen_make(&g1, "4x", 16, a), -1);
	assert_int_equal(pangen_make(&g1, "4", 1, a), -1);
	assert_int_equal(pangen_make(&g1, "4", PANGEN_MAX_LEN + 1, a), -1);
	/* luhn_fix repairs a broken check digit */
	memcpy(a, "4111111111111110", 17);
	pangen_luhn_fix(a, 16);
	assert_string_equal(a, "4111111111111111");
}

/* --- main ------------------------------------------------------------ */

#define NFIXED 8
#define NAMELEN 48

int
main(void)
{
	struct CMUnitTest fixed[NFIXED] = {
		cmocka_unit_test(test_luhn_negatives),
		cmocka_unit_test(test_luhn_positives),
		cmocka_unit_test(test_luhn_every_check_digit),
		cmocka_unit_test(test_brand_bad_input),
		cmocka_unit_test(test_brand_list),
		cmocka_unit_test(test_brand_index),
		cmocka_unit_test(test_brand_may),
		cmocka_unit_test(test_pangen_deterministic),
	};
	const size_t nb = sizeof(brand_cases) / sizeof(brand_cases[0]);
	const size_t nt = sizeof(test_pans) / sizeof(test_pans[0]);
	const struct pangen_sample *s = NULL;
	struct CMUnitTest *tests = NULL;
	char (*names)[NAMELEN] = NULL;
	size_t ns = 0, n = 0, i;
	int rc = 1;

	s = pangen_samples(&ns);
	tests = calloc(NFIXED + ns + nb + nt, sizeof(*tests));
	names = calloc(ns, NAMELEN);
	if (tests == NULL || names == NULL)
		goto out;
	for (i = 0; i < NFIXED; i++)
		tests[n++] = fixed[i];
	for (i = 0; i < ns; i++) {
		snprintf(names[i], NAMELEN, "sample_%s_%s_len%zu",
		    s[i].brand, s[i].prefix, s[i].len);
		tests[n].name = names[i];
		tests[n].test_func = test_sample;
		tests[n++].initial_state = (void *)&s[i];
	}
	for (i = 0; i < nb; i++) {
		tests[n].name = brand_cases[i].name;
		tests[n].test_func = test_brand_case;
		tests[n++].initial_state = (void *)&brand_cases[i];
	}
	for (i = 0; i < nt; i++) {
		tests[n].name = test_pans[i].name;
		tests[n].test_func = test_test_pan;
		tests[n++].initial_state = (void *)&test_pans[i];
	}
	rc = _cmocka_run_group_tests("pan_card", tests, n, NULL, NULL);
out:
	free(names);
	free(tests);
	return rc;
}
