/*
 * test_pan_detect - the streaming detector: separators, Unicode digits,
 * glue and long-number rules, confidence, track data, CVC, and the same
 * hits whatever the chunking (every fixture split at every offset, fed
 * byte by byte, and run through every kernel).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pan_ctx.h"
#include "pan_detect.h"
#include "pan_uni.h"
#include "pangen.h"

#define MAXHITS	512
#define SERMAX	(MAXHITS * 80)

struct hitrec {
	enum pan_kind kind;
	enum pan_conf conf;
	const char *brand;
	char dig[PAN_MAX_DIGITS + 1];
	uint64_t start, end;
};

struct hits {
	struct hitrec h[MAXHITS];
	size_t n;
	int over;
	int bad_digits;		/* digits not ASCII or wrong length */
};

/* collect - callback: record a hit */
static void
collect(void *arg, const struct pan_hit *hit)
{
	struct hits *hs = arg;
	struct hitrec *r = NULL;
	size_t i;

	for (i = 0; i < hit->ndigits; i++)
		if (hit->digits[i] < '0' || hit->digits[i] > '9')
			hs->bad_digits = 1;
	if (hit->ndigits < PAN_MIN_DIGITS || hit->ndigits > PAN_MAX_DIGITS)
		hs->bad_digits = 1;
	if (hs->n == MAXHITS) {
		hs->over = 1;
		return;
	}
	r = &hs->h[hs->n++];
	r->kind = hit->kind;
	r->conf = hit->conf;
	r->brand = hit->brand ? hit->brand->name : "?";
	memcpy(r->dig, hit->digits, hit->ndigits < PAN_MAX_DIGITS ?
	    hit->ndigits : PAN_MAX_DIGITS);
	r->dig[hit->ndigits < PAN_MAX_DIGITS ? hit->ndigits :
	    PAN_MAX_DIGITS] = '\0';
	r->start = hit->start;
	r->end = hit->end;
}

/* ser - hits as one string "kind/conf/brand/digits/start/end;..." */
static void
ser(const struct hits *hs, char *out, size_t cap)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < hs->n && o < cap; i++)
		o += (size_t)snprintf(out + o, cap - o,
		    "%s/%s/%s/%s/%llu/%llu;",
		    pan_kind_str(hs->h[i].kind), pan_conf_str(hs->h[i].conf),
		    hs->h[i].brand, hs->h[i].dig,
		    (unsigned long long)hs->h[i].start,
		    (unsigned long long)hs->h[i].end);
}

/* run_split - feed p in two chunks, cut at `cut` */
static void
run_split(const char *p, size_t n, size_t cut, struct hits *hs)
{
	struct pan_detect *d = pan_detect_new(collect, hs);

	assert_non_null(d);
	memset(hs, 0, sizeof(*hs));
	pan_detect_feed(d, p, cut);
	pan_detect_feed(d, p + cut, n - cut);
	pan_detect_finish(d);
	pan_detect_free(d);
}

/* run_bytes - feed p one byte at a time, through a reset detector */
static void
run_bytes(const char *p, size_t n, struct hits *hs)
{
	struct hits junk;
	struct pan_detect *d = pan_detect_new(collect, &junk);
	size_t i;

	assert_non_null(d);
	/* dirty the detector first: reset must forget everything */
	memset(&junk, 0, sizeof(junk));
	pan_detect_feed(d, "4111 1111 1111", 14);
	pan_detect_reset(d);
	pan_detect_free(d);
	memset(hs, 0, sizeof(*hs));
	d = pan_detect_new(collect, hs);
	assert_non_null(d);
	pan_detect_feed(d, "x", 1);
	pan_detect_reset(d);
	for (i = 0; i < n; i++)
		pan_detect_feed(d, p + i, 1);
	pan_detect_finish(d);
	pan_detect_free(d);
}

/* run_one - one-shot hits of p */
static void
run_one(const char *p, size_t n, struct hits *hs)
{
	memset(hs, 0, sizeof(*hs));
	assert_int_equal(pan_detect_buf(p, n, collect, hs), PM_OK);
	assert_false(hs->over);
	assert_false(hs->bad_digits);
}

/* check_invariance - every split, byte by byte, every kernel: same */
static void
check_invariance(const char *p, size_t n, int splits)
{
	static char ref[SERMAX], got[SERMAX];
	static struct hits hs;
	size_t cut;
	int k, old;

	run_one(p, n, &hs);
	ser(&hs, ref, sizeof(ref));
	if (splits) {
		for (cut = 0; cut <= n; cut++) {
			run_split(p, n, cut, &hs);
			ser(&hs, got, sizeof(got));
			assert_string_equal(got, ref);
		}
		run_bytes(p, n, &hs);
		ser(&hs, got, sizeof(got));
		assert_string_equal(got, ref);
	}
	for (k = 1; k <= 4; k++) {
		old = pan_detect_set_kernel(k);
		run_one(p, n, &hs);
		pan_detect_set_kernel(old);
		ser(&hs, got, sizeof(got));
		assert_string_equal(got, ref);
	}
}

/* --- the fixture table ------------------------------------------------ */

/*
 * expect: "" for no hit, else hits in order, ';'-separated, each
 * "kind/conf/digits[/start[/end]]".
 */
struct dcase {
	const char *name;
	const char *text;
	const char *expect;
};

#define V16	"4111111111111111"

static const struct dcase cases[] = {
	/* published test numbers, no context: medium */
	{ "visa16", "ref " V16 " ok", "pan/medium/" V16 "/4/20" },
	{ "visa16_b", "x 4012888888881881 y",
	    "pan/medium/4012888888881881/2/18" },
	{ "visa13", "x 4222222222222 y", "pan/medium/4222222222222/2/15" },
	{ "mastercard", "x 5555555555554444",
	    "pan/medium/5555555555554444/2/18" },
	{ "mastercard_b", "5105105105105100",
	    "pan/medium/5105105105105100/0/16" },
	{ "amex", "x 378282246310005 y", "pan/medium/378282246310005/2/17" },
	{ "amex_b", "(371449635398431)", "pan/medium/371449635398431/1/16" },
	{ "discover", "6011111111111117,", "pan/medium/6011111111111117/0/16" },
	{ "jcb", "x 3530111333300000 y", "pan/medium/3530111333300000/2/18" },
	{ "diners14", "x 30569309025904 y", "pan/medium/30569309025904/2/16" },
	{ "unionpay", "x 6200000000000005 y",
	    "pan/medium/6200000000000005/2/18" },
	{ "two_pans", V16 " and 5555555555554444",
	    "pan/medium/" V16 "/0/16;pan/medium/5555555555554444/21/37" },
	/* separators */
	{ "sep_space", "x 4111 1111 1111 1111 y", "pan/high/" V16 "/2/21" },
	{ "sep_hyphen", "x 4111-1111-1111-1111 y", "pan/high/" V16 "/2/21" },
	{ "sep_dot", "x 4111.1111.1111.1111 y", "pan/high/" V16 "/2/21" },
	{ "sep_slash", "x 4111/1111/1111/1111 y", "pan/high/" V16 "/2/21" },
	{ "sep_nbsp", "x 4111\xc2\xa0" "1111\xc2\xa0" "1111\xc2\xa0" "1111 y",
	    "pan/high/" V16 "/2/24" },
	{ "sep_thin_2009", "4111\xe2\x80\x89" "1111\xe2\x80\x89"
	    "1111\xe2\x80\x89" "1111", "pan/high/" V16 "/0/25" },
	{ "sep_narrow_nbsp_202f", "4111\xe2\x80\xaf" "1111\xe2\x80\xaf"
	    "1111\xe2\x80\xaf" "1111", "pan/high/" V16 "/0/25" },
	{ "sep_figure_2007", "4111\xe2\x80\x87" "1111\xe2\x80\x87"
	    "1111\xe2\x80\x87" "1111", "pan/high/" V16 "/0/25" },
	{ "sep_en_space_2002", "4111\xe2\x80\x82" "1111\xe2\x80\x82"
	    "1111\xe2\x80\x82" "1111", "pan/high/" V16 "/0/25" },
	{ "sep_hair_200a", "4111\xe2\x80\x8a" "1111 1111 1111",
	    "pan/medium/" V16 "/0/21" },
	{ "sep_zwsp_200b", "4111\xe2\x80\x8b" "1111\xe2\x80\x8b"
	    "1111\xe2\x80\x8b" "1111", "pan/high/" V16 "/0/25" },
	{ "sep_zwnj_200c", "41111111\xe2\x80\x8c" "11111111",
	    "pan/medium/" V16 "/0/19" },
	{ "sep_zwj_200d", "41111111\xe2\x80\x8d" "11111111",
	    "pan/medium/" V16 "/0/19" },
	{ "sep_wj_2060", "41111111\xe2\x81\xa0" "11111111",
	    "pan/medium/" V16 "/0/19" },
	{ "sep_bom_feff", "41111111\xef\xbb\xbf" "11111111",
	    "pan/medium/" V16 "/0/19" },
	{ "sep_space_hyphen_space", "x 4111 - 1111 - 1111 - 1111 y",
	    "pan/high/" V16 "/2/27" },
	{ "sep_two_spaces", "x 4111  1111  1111  1111 y",
	    "pan/high/" V16 "/2/24" },
	{ "sep_mixed", "x 4111 1111-1111.1111 y", "pan/medium/" V16 "/2/21" },
	{ "sep_uneven_groups", "x 41111 11111 111111 y",
	    "pan/medium/" V16 "/2/20" },
	{ "sep_lf", "x 4111 1111\n1111 1111 y", "pan/medium/" V16 "/2/21" },
	{ "sep_crlf_quote", "> x 4111 1111\r\n> 1111 1111 y",
	    "pan/medium/" V16 "/4/26" },
	{ "sep_lf_double_quote", "4111 1111\n>> 1111 1111",
	    "pan/medium/" V16 "/0/22" },
	{ "neg_sep_four_spaces", "4111    1111    1111    1111", "" },
	{ "neg_sep_blank_line", "4111 1111\n\n1111 1111", "" },
	{ "neg_sep_gt_without_break", "4111 1111 > 1111 1111", "" },
	{ "neg_sep_comma", "4111,1111,1111,1111", "" },
	/* Unicode digits */
	{ "uni_fullwidth", "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91"
	    "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91"
	    "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91"
	    "\xef\xbc\x91\xef\xbc\x91", "pan/medium/" V16 "/0/48" },
	{ "uni_mixed_ascii_fullwidth", "4111 1111 \xef\xbc\x91\xef\xbc\x91"
	    "\xef\xbc\x91\xef\xbc\x91 1111", "pan/high/" V16 "/0/27" },
	{ "uni_arabic_indic", "\xd9\xa4\xd9\xa1\xd9\xa1\xd9\xa1 "
	    "\xd9\xa1\xd9\xa1\xd9\xa1\xd9\xa1 \xd9\xa1\xd9\xa1\xd9\xa1\xd9\xa1 "
	    "\xd9\xa1\xd9\xa1\xd9\xa1\xd9\xa1", "pan/high/" V16 "/0/35" },
	{ "uni_ext_arabic_indic", "\xdb\xb4\xdb\xb1\xdb\xb1\xdb\xb1"
	    "\xdb\xb1\xdb\xb1\xdb\xb1\xdb\xb1\xdb\xb1\xdb\xb1\xdb\xb1\xdb\xb1"
	    "\xdb\xb1\xdb\xb1\xdb\xb1\xdb\xb1", "pan/medium/" V16 "/0/32" },
	{ "uni_devanagari", "\xe0\xa5\xaa\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7"
	    "-\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7-"
	    "\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7-"
	    "\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7\xe0\xa5\xa7",
	    "pan/high/" V16 "/0/51" },
	{ "uni_thai", "\xe0\xb9\x94\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91"
	    "\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91"
	    "\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91"
	    "\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91\xe0\xb9\x91",
	    "pan/medium/" V16 "/0/48" },
	{ "uni_bengali", "\xe0\xa7\xaa\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7"
	    "\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7"
	    "\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7"
	    "\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7\xe0\xa7\xa7",
	    "pan/medium/" V16 "/0/48" },
	{ "neg_uni_overlong", "\xc0\xb4" "111111111111111", "" },
	/* glue and long numbers */
	{ "neg_glued_left", "a4111111111111111", "" },
	{ "neg_glued_right", "4111111111111111x", "" },
	{ "neg_hex_prefix", "0x4111111111111111", "" },
	{ "neg_23_digits", "12345678901234567890123", "" },
	{ "neg_20_digits", "41111111111111111111", "" },
	{ "neg_hex_string", "deadbeef4111111111111111cafebabe", "" },
	{ "neg_hex_digits", "c0ffee 0123456789abcdef0123456789 4f1d", "" },
	{ "grouped_then_more", "4111 1111 1111 1111 1234",
	    "pan/high/" V16 "/0/19" },
	{ "more_then_grouped", "1234 4111 1111 1111 1111",
	    "pan/high/" V16 "/5/24" },
	{ "card_exp_space", "Card 4111 1111 1111 1111 exp 12 25",
	    "pan/high/" V16 "/5/24" },
	{ "single_group_in_long", "4111111111111111 12 25",
	    "pan/medium/" V16 "/0/16" },
	{ "two_grouped_pans", "4111 1111 1111 1111 5555 5555 5555 4444",
	    "pan/high/" V16 "/0/19;pan/high/5555555555554444/20/39" },
	{ "neg_long_grouped_no_card", "1234 5678 9012 3456 7890 1234", "" },
	{ "glued_right_grouped", "4111 1111 1111 1111x", "" },
	{ "dot_after", "pay " V16 ".", "pan/medium/" V16 "/4/20" },
	{ "whole_fails_single_group", "12 " V16, "pan/medium/" V16 "/3/19" },
	{ "long_seq_then_grouped", "1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 1 2 3 "
	    "4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 4111 1111 1111 1111",
	    "pan/high/" V16 "/72/91" },
	{ "neg_long_digits_then_pan_glued", "123456789012345678901234567890"
	    "4111111111111111", "" },
	{ "neg_sep_tab", "4111\t1111\t1111\t1111", "" },
	/* negatives that look like numbers */
	{ "neg_imei", "IMEI 490154203237518", "" },
	{ "neg_imei_grouped", "IMEI: 49-015420-323751-8", "" },
	{ "neg_isbn13", "ISBN 978-0-306-40615-7", "" },
	{ "neg_isbn13_plain", "ISBN 9780306406157", "" },
	{ "neg_iban", "IBAN DE89 3704 0044 0532 0130 00", "" },
	{ "neg_ups", "UPS 1Z999AA10123456784", "" },
	{ "neg_fedex12", "FedEx 123456789012", "" },
	{ "neg_fedex15", "FedEx tracking 020207021381215", "" },
	{ "neg_phone_us", "call +1 415 555 2671 now", "" },
	{ "neg_phone_uk", "tel +44 20 7946 0958", "" },
	{ "neg_phone_e164_plus", "call +42 2222 2222222 or +4222222222222",
	    "" },
	{ "neg_phone_list", "+1 415 555 2671, +44 20 7946 0958", "" },
	{ "neg_timestamp", "ts 20261123011045123", "" },
	{ "neg_guid", "550e8400-e29b-41d4-a716-446655440000", "" },
	{ "neg_guid_digits", "12345678-1234-1234-1234-123456789012", "" },
	{ "neg_order", "Order #100234567 shipped on 2026-11-23", "" },
	{ "neg_luhn_no_brand", "id 9999999999999995", "" },
	{ "neg_luhn_no_brand_zeros", "0000 0000 0000 0000", "" },
	{ "neg_luhn_bad", "x 4111111111111112 y", "" },
	{ "neg_date_time", "2026-11-23 01:10:45.123456 +0000", "" },
	{ "neg_base64", "TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu4111111111111111"
	    "aGVsbG8=", "" },
	/* confidence from context */
	{ "high_card", "Card: " V16, "pan/high/" V16 "/6/22" },
	{ "high_credit", "my credit card number is " V16,
	    "pan/high/" V16 "/25/41" },
	{ "high_visa_after", V16 " (Visa)", "pan/high/" V16 "/0/16" },
	{ "high_cc", "cc " V16, "pan/high/" V16 "/3/19" },
	{ "medium_account", "account " V16, "pan/medium/" V16 "/8/24" },
	{ "medium_panel", "panel " V16, "pan/medium/" V16 "/6/22" },
	{ "high_expiry_slash", V16 " 12/27", "pan/high/" V16 "/0/16" },
	{ "high_expiry_long", V16 " 09/2028 thanks", "pan/high/" V16 "/0/16" },
	{ "high_expiry_dash", V16 ", 11-26", "pan/high/" V16 "/0/16" },
	{ "medium_date_not_expiry", V16 " on 2026-11-23",
	    "pan/medium/" V16 "/0/16" },
	{ "high_valid_thru", V16 " valid thru 1227", "pan/high/" V16 "/0/16" },
	{ "high_kreditkarte", "Kreditkarte " V16, "pan/high/" V16 "/12/28" },
	{ "high_karte", "Karte: " V16, "pan/high/" V16 "/7/23" },
	{ "high_carte", "carte " V16, "pan/high/" V16 "/6/22" },
	{ "high_tarjeta", "Tarjeta " V16, "pan/high/" V16 "/8/24" },
	{ "high_cartao", "cart\xc3\xa3o " V16, "pan/high/" V16 "/8/24" },
	{ "high_carta", "carta " V16, "pan/high/" V16 "/6/22" },
	{ "high_kaart", "kaart " V16, "pan/high/" V16 "/6/22" },
	{ "high_karta_ru", "\xd0\xba\xd0\xb0\xd1\x80\xd1\x82\xd0\xb0 " V16,
	    "pan/high/" V16 "/11/27" },
	{ "high_xinyongka", "\xe4\xbf\xa1\xe7\x94\xa8\xe5\x8d\xa1" V16,
	    "pan/high/" V16 "/9/25" },
	{ "high_kaado", "\xe3\x82\xab\xe3\x83\xbc\xe3\x83\x89: " V16,
	    "pan/high/" V16 "/11/27" },
	{ "medium_keyword_far", "card lorem ipsum dolor sit amet consectetur "
	    "adipiscing elit sed do eiusmod tempor " V16,
	    "pan/medium/" V16 "/82/98" },
	{ "high_amex_grouping", "x 3782 822463 10005 y",
	    "pan/high/378282246310005/2/19" },
	{ "high_diners_grouping", "x 3056 930902 5904 y",
	    "pan/high/30569309025904/2/18" },
	/* track data */
	{ "track1_sentinels", "%B" V16 "^DOE/JOHN^25121010000000000000?",
	    "pan/high/" V16 "/2/18;track1/high/" V16 "/0/49" },
	{ "track1_bare", "B" V16 "^DOE/JOHN^2512101",
	    "pan/high/" V16 "/1/17;track1/high/" V16 "/0/34" },
	{ "track2_sentinels", ";" V16 "=25121010000000000?",
	    "pan/high/" V16 "/1/17;track2/high/" V16 "/0/36" },
	{ "track2_bare", V16 "=25121010000000000",
	    "pan/high/" V16 "/0/16;track2/high/" V16 "/0/34" },
	{ "emv57_spaced", "5713 " V16 "D25121010000000000F",
	    "pan/high/" V16 "/5/21;track2/high/" V16 "/0/40" },
	{ "emv57_glued", "5713" V16 "D2512101000000000F",
	    "pan/high/" V16 "/4/20;track2/high/" V16 "/0/38" },
	{ "emv57_hexlen", "571A" V16 "D2512101000000000F",
	    "pan/high/" V16 "/4/20;track2/high/" V16 "/0/38" },
	{ "emv57_tlv_dump", "9F1A020840" "5713" V16 "D25121010000000000F",
	    "pan/high/" V16 "/14/30;track2/high/" V16 "/10/49" },
	{ "emv57_tag_len_spaced", "57 13 " V16 "D25121010000000000F",
	    "pan/high/" V16 "/6/22;track2/high/" V16 "/0/41" },
	{ "track2_d_no_tag", "trackData=" V16 "D24122010000000000000",
	    "pan/high/" V16 "/10/26;track2/high/" V16 "/10/47" },
	{ "track2_d_no_tag_format_b", "B" V16 "D05110000000F",
	    "pan/high/" V16 "/1/17;track2/high/" V16 "/0/30" },
	{ "track2_d_bad_month", V16 "D24132010000000000000", "" },
	/* other identifiers' labels; an IBAN's card-grouped stretch */
	{ "neg_label_imei", "IMEI: 300234063904199", "" },
	{ "neg_label_meid_no", "MEID No. 300234063904199", "" },
	{ "neg_label_siret_n_deg", "SIRET n\xc2\xb0 380 321 430 00023", "" },
	{ "neg_label_ean13_next_line", "EAN-13:\r\n4006383339085", "" },
	{ "label_then_card_word", "IMEI 300234063904199 card",
	    "pan/high/300234063904199/5/20" },
	{ "label_not_next_to_number", "IMEI unknown, 300234063904199",
	    "pan/medium/300234063904199/14/29" },
	{ "neg_iban_card_grouped_stretch", "IBAN ES59 0049 5030 1129 1601 1246",
	    "" },
	{ "neg_iban_at_line_start", "RS35 2600 0560 1001 6113 79", "" },
	{ "iban_head_needs_a_word_of_two", "xES59 0049 5030 1129 1601 1246",
	    "pan/high/5030112916011246/11/30" },
	{ "track2_d_hex_glued", "a9" V16 "D2412201000", "" },
	{ "neg_d_glued_no_tag", V16 "D2512", "" },
	{ "neg_b_glued_no_track", "B" V16 " ok", "" },
	{ "track2_short_tail", V16 "=123", "pan/medium/" V16 "/0/16" },
	/* CVC */
	{ "cvc_after", "Card " V16 " CVV: 123",
	    "pan/high/" V16 "/5/21;cvc/high/" V16 "/27/30" },
	{ "cvc_before", "CVC2=1234, card " V16,
	    "pan/high/" V16 "/16/32;cvc/high/" V16 "/5/9" },
	{ "cvc_security_code", V16 " security code 987",
	    "pan/high/" V16 "/0/16;cvc/high/" V16 "/31/34" },
	{ "cvc_pruefziffer", "Pr\xc3\xbc" "fziffer 321 " V16,
	    "pan/high/" V16 "/16/32;cvc/high/" V16 "/12/15" },
	{ "cvc_code_de_securite", "code de s\xc3\xa9" "curit\xc3\xa9 : 321, "
	    V16, "pan/high/" V16 "/26/42;cvc/high/" V16 "/21/24" },
	{ "cvc_cvv_code_word", V16 " cvv code: 555",
	    "pan/high/" V16 "/0/16;cvc/high/" V16 "/27/30" },
	{ "cvc_after_far", V16 " was charged today for the order lorem ipsum "
	    "dolor sit amet consectetur elit, CVV 123",
	    "pan/high/" V16 "/0/16;cvc/high/" V16 "/98/101" },
	{ "neg_cvc_no_pan", "CVV: 123 and CVC 4567", "" },
	{ "neg_cvc_is_pan", "CVV 4111 1111 1111 1111",
	    "pan/high/" V16 "/4/23" },
	{ "neg_cvc_far", "CVV 123 lorem ipsum dolor sit amet consectetur "
	    "adipiscing elit sed do eiusmod tempor incididunt ut labore "
	    "et dolore magna " V16, "pan/medium/" V16 "/122/138" },
	{ "neg_cvc_two_digits", V16 " CVV 12", "pan/high/" V16 "/0/16" },
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* expect_hits - compare hs with the expect string */
static void
expect_hits(const struct hits *hs, const char *expect)
{
	char buf[512], want[256], got[256];
	char *save = NULL, *tok = NULL;
	size_t i = 0;

	snprintf(buf, sizeof(buf), "%s", expect);
	for (tok = strtok_r(buf, ";", &save); tok != NULL;
	    tok = strtok_r(NULL, ";", &save), i++) {
		size_t nf = 0;
		const char *p = tok;

		while ((p = strchr(p, '/')) != NULL) {
			nf++;
			p++;
		}
		assert_true(i < hs->n);
		if (nf == 2)
			snprintf(got, sizeof(got), "%s/%s/%s",
			    pan_kind_str(hs->h[i].kind),
			    pan_conf_str(hs->h[i].conf), hs->h[i].dig);
		else if (nf == 3)
			snprintf(got, sizeof(got), "%s/%s/%s/%llu",
			    pan_kind_str(hs->h[i].kind),
			    pan_conf_str(hs->h[i].conf), hs->h[i].dig,
			    (unsigned long long)hs->h[i].start);
		else
			snprintf(got, sizeof(got), "%s/%s/%s/%llu/%llu",
			    pan_kind_str(hs->h[i].kind),
			    pan_conf_str(hs->h[i].conf), hs->h[i].dig,
			    (unsigned long long)hs->h[i].start,
			    (unsigned long long)hs->h[i].end);
		snprintf(want, sizeof(want), "%s", tok);
		assert_string_equal(got, want);
	}
	assert_int_equal(hs->n, i);
}

/* test_case - one fixture row: expected hits, then invariance */
static void
test_case(void **state)
{
	const struct dcase *c = *state;
	static struct hits hs;
	size_t n = strlen(c->text);

	static char buf[512];

	run_one(c->text, n, &hs);
	expect_hits(&hs, c->expect);
	assert_int_equal(pan_detect_has_pan(c->text, n),
	    c->expect[0] != '\0');
	check_invariance(c->text, n, 1);
	/* again across block edges: 61 bytes before, 150 after, so blocks
	 * complete and candidates are decided in the middle of a feed */
	assert_true(n + 61 + 150 <= sizeof(buf));
	memset(buf, 'q', 60);
	buf[60] = ',';
	memcpy(buf + 61, c->text, n);
	buf[61 + n] = ',';
	memset(buf + 62 + n, 'q', 149);
	check_invariance(buf, n + 61 + 150, 1);
}

/* test_shift - a fixture behind 0..130 bytes of filler: block edges */
static void
test_shift(void **state)
{
	const struct dcase *c = *state;
	static struct hits hs, ref;
	static char buf[1024];
	size_t n = strlen(c->text), k, i;

	run_one(c->text, n, &ref);
	for (k = 0; k <= 130; k++) {
		memset(buf, 'q', k);
		buf[k] = ',';
		memcpy(buf + k + 1, c->text, n);
		memcpy(buf + k + 1 + n, ",qq", 3);
		run_one(buf, k + n + 4, &hs);
		assert_int_equal(hs.n, ref.n);
		for (i = 0; i < hs.n; i++) {
			assert_int_equal(hs.h[i].start, ref.h[i].start + k + 1);
			assert_int_equal(hs.h[i].end, ref.h[i].end + k + 1);
			assert_int_equal(hs.h[i].kind, ref.h[i].kind);
			assert_string_equal(hs.h[i].dig, ref.h[i].dig);
		}
		if (k % 16 == 0)
			check_invariance(buf, k + n + 4, 0);
	}
}

/* --- generated: every brand and length -------------------------------- */

/* group_pan - d in groups of 4 joined by sep (14, 15: 4-6-rest) */
static size_t
group_pan(const char *d, size_t n, const char *sep, char *out)
{
	size_t i, o = 0, sl = strlen(sep);

	for (i = 0; i < n; i++) {
		int brk = (n == 15 || n == 14) ? (i == 4 || i == 10) :
		    (i > 0 && i % 4 == 0);

		if (brk) {
			memcpy(out + o, sep, sl);
			o += sl;
		}
		out[o++] = d[i];
	}
	out[o] = '\0';
	return o;
}

/* test_sample - pangen sample: plain, grouped and full-width forms */
static void
test_sample(void **state)
{
	const struct pangen_sample *s = *state;
	static struct hits hs;
	char d[PANGEN_MAX_LEN + 1], text[256], g[128];
	struct pangen pg;
	size_t n, i, o;
	int r;

	pangen_init(&pg, 0xdec0de00u + s->len);
	for (r = 0; r < 4; r++) {
		assert_int_equal(pangen_make(&pg, s->prefix, s->len, d), 0);
		/* plain, between words */
		n = (size_t)snprintf(text, sizeof(text), "ref %s ok", d);
		run_one(text, n, &hs);
		assert_int_equal(hs.n, 1);
		assert_string_equal(hs.h[0].dig, d);
		assert_string_equal(hs.h[0].brand, s->brand);
		assert_int_equal(hs.h[0].start, 4);
		assert_int_equal(hs.h[0].end, 4 + s->len);
		/* grouped with spaces, after a keyword */
		group_pan(d, s->len, " ", g);
		n = (size_t)snprintf(text, sizeof(text), "card no. %s.", g);
		run_one(text, n, &hs);
		assert_int_equal(hs.n, 1);
		assert_string_equal(hs.h[0].dig, d);
		assert_int_equal(hs.h[0].conf, PAN_CONF_HIGH);
		/* grouped with hyphens, no keyword: HIGH only for a card
		 * grouping (14: 4-6-4, 15: 4-6-5, 16: 4x4, 19: 4x4+3) */
		group_pan(d, s->len, "-", g);
		n = (size_t)snprintf(text, sizeof(text), "x %s y", g);
		run_one(text, n, &hs);
		assert_int_equal(hs.n, 1);
		assert_string_equal(hs.h[0].dig, d);
		assert_int_equal(hs.h[0].conf, (s->len == 14 || s->len == 15 ||
		    s->len == 16 || s->len == 19) ? PAN_CONF_HIGH :
		    PAN_CONF_MEDIUM);
		/* full-width digits */
		for (i = 0, o = 0; i < s->len; i++) {
			text[o++] = (char)0xef;
			text[o++] = (char)0xbc;
			text[o++] = (char)(0x90 + (d[i] - '0'));
		}
		run_one(text, o, &hs);
		assert_int_equal(hs.n, 1);
		assert_string_equal(hs.h[0].dig, d);
		assert_int_equal(hs.h[0].end, 3 * s->len);
		check_invariance(text, o, 1);
	}
}

/* --- Unicode digit blocks ---------------------------------------------- */

struct ucase {
	const char *name;
	uint32_t zero;
};

/* every Nd block of Unicode 15 (UnicodeData.txt), written out here on
 * its own rather than read from pan_uni */
static const struct ucase ucases[] = {
	{ "nd_arabic_indic_0660", 0x0660 },
	{ "nd_ext_arabic_indic_06f0", 0x06F0 },
	{ "nd_nko_07c0", 0x07C0 },
	{ "nd_devanagari_0966", 0x0966 },
	{ "nd_bengali_09e6", 0x09E6 },
	{ "nd_gurmukhi_0a66", 0x0A66 },
	{ "nd_gujarati_0ae6", 0x0AE6 },
	{ "nd_oriya_0b66", 0x0B66 },
	{ "nd_tamil_0be6", 0x0BE6 },
	{ "nd_telugu_0c66", 0x0C66 },
	{ "nd_kannada_0ce6", 0x0CE6 },
	{ "nd_malayalam_0d66", 0x0D66 },
	{ "nd_sinhala_lith_0de6", 0x0DE6 },
	{ "nd_thai_0e50", 0x0E50 },
	{ "nd_lao_0ed0", 0x0ED0 },
	{ "nd_tibetan_0f20", 0x0F20 },
	{ "nd_myanmar_1040", 0x1040 },
	{ "nd_myanmar_shan_1090", 0x1090 },
	{ "nd_khmer_17e0", 0x17E0 },
	{ "nd_mongolian_1810", 0x1810 },
	{ "nd_limbu_1946", 0x1946 },
	{ "nd_new_tai_lue_19d0", 0x19D0 },
	{ "nd_tai_tham_hora_1a80", 0x1A80 },
	{ "nd_tai_tham_1a90", 0x1A90 },
	{ "nd_balinese_1b50", 0x1B50 },
	{ "nd_sundanese_1bb0", 0x1BB0 },
	{ "nd_lepcha_1c40", 0x1C40 },
	{ "nd_ol_chiki_1c50", 0x1C50 },
	{ "nd_vai_a620", 0xA620 },
	{ "nd_saurashtra_a8d0", 0xA8D0 },
	{ "nd_kayah_li_a900", 0xA900 },
	{ "nd_javanese_a9d0", 0xA9D0 },
	{ "nd_myanmar_tai_laing_a9f0", 0xA9F0 },
	{ "nd_cham_aa50", 0xAA50 },
	{ "nd_meetei_mayek_abf0", 0xABF0 },
	{ "nd_fullwidth_ff10", 0xFF10 },
	{ "nd_osmanya_104a0", 0x104A0 },
	{ "nd_hanifi_rohingya_10d30", 0x10D30 },
	{ "nd_brahmi_11066", 0x11066 },
	{ "nd_sora_sompeng_110f0", 0x110F0 },
	{ "nd_chakma_11136", 0x11136 },
	{ "nd_sharada_111d0", 0x111D0 },
	{ "nd_khudawadi_112f0", 0x112F0 },
	{ "nd_newa_11450", 0x11450 },
	{ "nd_tirhuta_114d0", 0x114D0 },
	{ "nd_modi_11650", 0x11650 },
	{ "nd_takri_116c0", 0x116C0 },
	{ "nd_ahom_11730", 0x11730 },
	{ "nd_warang_citi_118e0", 0x118E0 },
	{ "nd_dives_akuru_11950", 0x11950 },
	{ "nd_bhaiksuki_11c50", 0x11C50 },
	{ "nd_masaram_gondi_11d50", 0x11D50 },
	{ "nd_gunjala_gondi_11da0", 0x11DA0 },
	{ "nd_kawi_11f50", 0x11F50 },
	{ "nd_mro_16a60", 0x16A60 },
	{ "nd_tangsa_16ac0", 0x16AC0 },
	{ "nd_pahawh_hmong_16b50", 0x16B50 },
	{ "nd_math_bold_1d7ce", 0x1D7CE },
	{ "nd_math_double_struck_1d7d8", 0x1D7D8 },
	{ "nd_math_sans_1d7e2", 0x1D7E2 },
	{ "nd_math_sans_bold_1d7ec", 0x1D7EC },
	{ "nd_math_mono_1d7f6", 0x1D7F6 },
	{ "nd_nyiakeng_puachue_hmong_1e140", 0x1E140 },
	{ "nd_wancho_1e2f0", 0x1E2F0 },
	{ "nd_nag_mundari_1e4f0", 0x1E4F0 },
	{ "nd_adlam_1e950", 0x1E950 },
	{ "nd_segmented_1fbf0", 0x1FBF0 },
};
#define NUCASES	(sizeof(ucases) / sizeof(ucases[0]))


/* utf8 - encode cp at out, return bytes */
static size_t
utf8(uint32_t cp, char *out)
{
	if (cp >= 0x10000) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* test_unicode - a published PAN written in one Nd block, spaced */
static void
test_unicode(void **state)
{
	const struct ucase *u = *state;
	static struct hits hs;
	const char *d = "5555555555554444";
	char text[256];
	size_t i, o = 0;
	int val;

	memcpy(text, "Karte ", 6);
	o = 6;
	for (i = 0; i < 16; i++) {
		if (i > 0 && i % 4 == 0)
			o += utf8(0x2009, text + o);	/* thin space */
		o += utf8(u->zero + (uint32_t)(d[i] - '0'), text + o);
	}
	/* the class table agrees */
	i = 0;
	assert_int_equal(pan_ctx_char((const uint8_t *)text + 6, o - 6, 0,
	    &i, &val), PAN_CLS_DIGIT);
	assert_int_equal(val, 5);
	run_one(text, o, &hs);
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.h[0].dig, d);
	assert_int_equal(hs.h[0].conf, PAN_CONF_HIGH);
	assert_int_equal(hs.h[0].start, 6);
	assert_int_equal(hs.h[0].end, o);
	check_invariance(text, o, 1);
}

/* test_uni_digit_all - pan_uni_digit against the table above for every
 * code point (the block edges of its binary search included) */
static void
test_uni_digit_all(void **state)
{
	uint32_t cp;
	size_t k;
	int want;

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		want = cp >= '0' && cp <= '9' ? (int)(cp - '0') : -1;
		for (k = 0; k < NUCASES && want < 0; k++)
			if (cp >= ucases[k].zero && cp - ucases[k].zero < 10)
				want = (int)(cp - ucases[k].zero);
		if (pan_uni_digit(cp) != want)
			fail_msg("U+%04X: %d, want %d", (unsigned)cp,
			    pan_uni_digit(cp), want);
	}
}

/* --- random text and raw bytes ------------------------------------------ */

/* gen_mix - random text rich in digits, separators and Unicode */
static size_t
gen_mix(struct pangen *g, char *out, size_t cap)
{
	static const char *const atoms[] = {
		"0", "1", "4", "7", "9", " ", "-", ".", "/", "\n", "\r\n> ",
		"a", "B", "D", "x", "^", "=", ";", "%", ",", "57", "card ",
		"CVV ", "12/27 ", "\xc2\xa0", "\xe2\x80\x89", "\xe2\x80\x8b",
		"\xef\xbc\x95", "\xd9\xa4", "\xc3\xa9", "\xe2\x82\xac", "\xff",
		"4111 1111 1111 1111", "5555555555554444", "378282246310005",
		"%B4111111111111111^A/B^2512101?", ";6011111111111117=2512101",
		"5713 4111111111111111D2512101F", "    ", "  ",
	};
	size_t o = 0, k, l;

	while (o + 64 < cap) {
		k = (size_t)(pangen_next(g) % (sizeof(atoms) /
		    sizeof(atoms[0])));
		l = strlen(atoms[k]);
		memcpy(out + o, atoms[k], l);
		o += l;
	}
	return o;
}

/* run_random - feed in random chunk sizes */
static void
run_random(const char *p, size_t n, struct pangen *g, struct hits *hs)
{
	struct pan_detect *d = pan_detect_new(collect, hs);
	size_t o = 0, k;

	assert_non_null(d);
	memset(hs, 0, sizeof(*hs));
	while (o < n) {
		k = (size_t)(pangen_next(g) % 200);
		if (k > n - o)
			k = n - o;
		pan_detect_feed(d, p + o, k);
		o += k;
	}
	pan_detect_finish(d);
	pan_detect_free(d);
}

/* test_random_mix - random chunkings of random text: same hits */
static void
test_random_mix(void **state)
{
	static char text[3000], ref[SERMAX], got[SERMAX];
	static struct hits hs;
	struct pangen g;
	size_t n;
	int round, r;

	(void)state;
	pangen_init(&g, 42);
	for (round = 0; round < 12; round++) {
		n = gen_mix(&g, text, sizeof(text));
		memset(&hs, 0, sizeof(hs));
		(void)pan_detect_buf(text, n, collect, &hs);
		assert_false(hs.bad_digits);
		assert_false(hs.over);
		assert_true(hs.n > 10);
		ser(&hs, ref, sizeof(ref));
		for (r = 0; r < 20; r++) {
			run_random(text, n, &g, &hs);
			ser(&hs, got, sizeof(got));
			assert_string_equal(got, ref);
		}
		check_invariance(text, n, 0);
	}
}

/* test_binary - raw random bytes: no crash, chunk invariant */
static void
test_binary(void **state)
{
	static char buf[1 << 16], ref[SERMAX], got[SERMAX];
	static struct hits hs;
	struct pangen g;
	size_t i;
	int r;

	(void)state;
	pangen_init(&g, 7);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(pangen_next(&g) >> 56);
	memset(&hs, 0, sizeof(hs));
	(void)pan_detect_buf(buf, sizeof(buf), collect, &hs);
	ser(&hs, ref, sizeof(ref));
	for (r = 0; r < 4; r++) {
		run_random(buf, sizeof(buf), &g, &hs);
		ser(&hs, got, sizeof(got));
		assert_string_equal(got, ref);
	}
	/* all digits, all separators, all 0xE2: bounded, no hit */
	memset(buf, '7', sizeof(buf));
	assert_int_equal(pan_detect_has_pan(buf, sizeof(buf)), 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (i % 2) ? ' ' : '1';
	assert_int_equal(pan_detect_has_pan(buf, sizeof(buf)), 0);
	memset(buf, 0xE2, sizeof(buf));
	assert_int_equal(pan_detect_has_pan(buf, sizeof(buf)), 0);
}

/* test_base64 - base64 of random bytes in 76-char lines: no hit */
static void
test_base64(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static char buf[1 << 16];
	struct pangen g;
	size_t i, col = 0;

	(void)state;
	pangen_init(&g, 64);
	for (i = 0; i + 2 < sizeof(buf); i++) {
		if (col == 76) {
			buf[i] = '\n';
			col = 0;
			continue;
		}
		buf[i] = b64[pangen_next(&g) % 64];
		col++;
	}
	assert_int_equal(pan_detect_has_pan(buf, i), 0);
}

/* test_api_misc - NULLs, strings, digits wiped after the callback */
static const char *last_digits;

/* keep_ptr - callback that remembers the digits pointer */
static void
keep_ptr(void *arg, const struct pan_hit *hit)
{
	(void)arg;
	last_digits = hit->digits;
}

/* test_api_misc - edge calls and the wipe promise */
static void
test_api_misc(void **state)
{
	size_t i;

	(void)state;
	pan_detect_free(NULL);
	pan_detect_feed(NULL, "x", 1);
	pan_detect_finish(NULL);
	pan_detect_reset(NULL);
	assert_null(pan_detect_new(NULL, NULL));
	assert_string_equal(pan_kind_str(PAN_KIND_PAN), "pan");
	assert_string_equal(pan_kind_str(PAN_KIND_TRACK1), "track1");
	assert_string_equal(pan_kind_str(PAN_KIND_TRACK2), "track2");
	assert_string_equal(pan_kind_str(PAN_KIND_CVC), "cvc");
	assert_string_equal(pan_conf_str(PAN_CONF_MEDIUM), "medium");
	assert_string_equal(pan_conf_str(PAN_CONF_HIGH), "high");
	assert_int_equal(pan_detect_has_pan("", 0), 0);
	assert_int_equal(pan_detect_has_pan(V16, 16), 1);
	{
		struct pan_detect *d = pan_detect_new(keep_ptr, NULL);

		assert_non_null(d);
		last_digits = NULL;
		pan_detect_feed(d, "pan " V16 " end", 24);
		pan_detect_finish(d);
		assert_non_null(last_digits);
		for (i = 0; i < 16; i++)
			assert_int_equal(last_digits[i], 0);
		pan_detect_free(d);
	}
}

int
main(void)
{
	static struct CMUnitTest tests[2 * NCASES + 64 + NUCASES + 8];
	const struct pangen_sample *sm = NULL;
	size_t i, n = 0, ns = 0;

	for (i = 0; i < NCASES; i++) {
		tests[n].name = cases[i].name;
		tests[n].test_func = test_case;
		tests[n].initial_state = (void *)&cases[i];
		n++;
	}
	for (i = 0; i < NCASES; i++) {
		if (strncmp(cases[i].name, "neg_", 4) == 0 &&
		    i % 3 != 0)
			continue;
		tests[n].name = cases[i].name;
		tests[n].test_func = test_shift;
		tests[n].initial_state = (void *)&cases[i];
		n++;
	}
	sm = pangen_samples(&ns);
	for (i = 0; i < ns && i < 64; i++) {
		static char names[64][48];

		snprintf(names[i], sizeof(names[i]), "gen_%s_%zu_%s",
		    sm[i].brand, sm[i].len, sm[i].prefix);
		tests[n].name = names[i];
		tests[n].test_func = test_sample;
		tests[n].initial_state = (void *)&sm[i];
		n++;
	}
	for (i = 0; i < sizeof(ucases) / sizeof(ucases[0]); i++) {
		tests[n].name = ucases[i].name;
		tests[n].test_func = test_unicode;
		tests[n].initial_state = (void *)&ucases[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_random_mix);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_binary);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_base64);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_api_misc);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_uni_digit_all);
	return _cmocka_run_group_tests("pan_detect", tests, n, NULL, NULL);
}
