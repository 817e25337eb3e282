/*
 * test_scan - the engine façade: verdicts, precedence, limits, findings
 * that hold no clear PAN, distinct counting, tokens, safe labels.
 * Card numbers are the brands' published test numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan.h"
#include "pm_cpu.h"
#include "scan_out.h"

#define VISA	"4111111111111111"
#define MC	"5555555555554444"

struct row {
	const char *name;
	const char *msg;
	enum scan_verdict verdict;
	size_t nfindings;
	const char *reason;	/* expected prefix, or NULL */
	const char *where;	/* of the first finding, or NULL */
	size_t max_size;	/* 0: default limits */
	unsigned max_parts;
	size_t max_decoded;
};

#define HDR "From: a@b.example\r\nSubject: t\r\nMIME-Version: 1.0\r\n"

static const struct row rows[] = {
	{ "plain pan", HDR "\r\ncard " VISA "\r\n", SCAN_PAN, 1, NULL,
	  "body", 0, 0, 0 },
	{ "clean", HDR "\r\nnothing 12345\r\n", SCAN_CLEAN, 0, NULL, NULL,
	  0, 0, 0 },
	{ "pan in subject", "Subject: card " VISA "\r\n\r\nhi\r\n", SCAN_PAN,
	  1, NULL, "header:Subject", 0, 0, 0 },
	{ "over max_message_size", HDR "\r\ncard " VISA "\r\n",
	  SCAN_UNSCANNABLE, 0, "max_message_size", NULL, 16, 0, 0 },
	{ "over max_parts",
	  HDR "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	  "--b\r\n\r\na\r\n--b\r\n\r\nb\r\n--b\r\n\r\nc\r\n--b--\r\n",
	  SCAN_UNSCANNABLE, 0, "max_parts", NULL, 0, 2, 0 },
	{ "pan beats a limit",
	  HDR "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	  "--b\r\n\r\n" VISA "\r\n--b\r\n\r\nb\r\n--b\r\n\r\nc\r\n--b--\r\n",
	  SCAN_PAN, 1, "max_parts", "body", 0, 2, 0 },
	{ "over max_decoded_size",
	  HDR "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64"
	  "\r\n\r\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n",
	  SCAN_UNSCANNABLE, 0, "max_decoded_size", NULL, 0, 0, 16 },
	{ "pkcs7 is protected",
	  HDR "Content-Type: application/pkcs7-mime; smime-type=enveloped-data"
	  "\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIAC"
	  "\r\n", SCAN_PROTECTED, 0, NULL, NULL, 0, 0, 0 },
	{ "inline pgp is protected",
	  HDR "\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n"
	  "-----END PGP MESSAGE-----\r\n", SCAN_PROTECTED, 0, NULL, NULL,
	  0, 0, 0 },
	/* the label or the armor line proves nothing: what they carry is
	 * read (scan_prot) */
	{ "pgp armor: encrypted first packet, then text",
	  HDR "\r\n-----BEGIN PGP MESSAGE-----\r\n\r\n"
	  "hQEMIGNhcmQgNDExMTExMTExMTExMTExMSB4\r\n"
	  "-----END PGP MESSAGE-----\r\n", SCAN_PAN, 1, NULL, "body",
	  0, 0, 0 },
	{ "pgp armor line alone at the end",
	  HDR "\r\n-----BEGIN PGP MESSAGE-----\r\n", SCAN_UNSCANNABLE, 0,
	  "OpenPGP message that is not encrypted", NULL, 0, 0, 0 },
	{ "pkcs7 label on base64 text",
	  HDR "Content-Type: application/pkcs7-mime; smime-type=enveloped-data"
	  "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	  "Y2FyZCA0MTExMTExMTExMTExMTExIGV4cCAxMi8yOQ==\r\n", SCAN_PAN, 1,
	  NULL, "body", 0, 0, 0 },
	{ "uuencoded part",
	  HDR "Content-Type: text/plain\r\nContent-Transfer-Encoding: "
	  "x-uuencode\r\n\r\nbegin 644 c.txt\r\n"
	  "1-#$Q,3$Q,3$Q,3$Q,3$Q,0H`\r\n`\r\nend\r\n", SCAN_PAN, 1, NULL,
	  "body", 0, 0, 0 },
	{ "html: split by tags", HDR "Content-Type: text/html\r\n\r\n"
	  "<p>4111 <b>1111</b> 1111 1111</p>\r\n", SCAN_PAN, 1, NULL, "body",
	  0, 0, 0 },
	{ "html: in a script", HDR "Content-Type: text/html\r\n\r\n"
	  "<script>var c='" VISA "';</script>\r\n", SCAN_PAN, 1, NULL,
	  "body", 0, 0, 0 },
	{ "html: in a comment and an attribute, once each",
	  HDR "Content-Type: text/html\r\n\r\n<img alt=\"" MC "\">"
	  "<!-- " VISA " --> " VISA "\r\n", SCAN_PAN, 2, NULL, "body",
	  0, 0, 0 },
	{ "filename with a pan is masked",
	  HDR "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	  "Content-Type: text/plain; name=\"" VISA ".txt\"\r\n"
	  "Content-Disposition: attachment\r\n\r\n" MC "\r\n--b--\r\n",
	  SCAN_PAN, 2, NULL, NULL, 0, 0, 0 },
	{ "filename: a pan behind %00 is found",
	  HDR "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	  "Content-Type: text/plain\r\nContent-Disposition: attachment; "
	  "filename*=utf-8''x%00" VISA ".txt\r\n\r\nhi\r\n--b--\r\n",
	  SCAN_PAN, 1, NULL, "header:filename", 0, 0, 0 },
};

static void
run_row(void **state)
{
	const struct row *r = *state;
	struct scan_opts o;
	struct scan_result res;
	size_t i;

	scan_opts_default(&o);
	if (r->max_size)
		o.lim.max_message_size = r->max_size;
	if (r->max_parts)
		o.lim.max_parts = r->max_parts;
	if (r->max_decoded)
		o.lim.max_decoded_size = r->max_decoded;
	assert_int_equal(scan_message((const unsigned char *)r->msg,
	    strlen(r->msg), &o, &res), PM_OK);
	assert_string_equal(scan_verdict_str(res.verdict),
	    scan_verdict_str(r->verdict));
	assert_int_equal(res.nfindings, r->nfindings);
	if (r->reason != NULL)
		assert_memory_equal(res.reason, r->reason, strlen(r->reason));
	if (r->where != NULL)
		assert_string_equal(res.findings[0].where, r->where);
	/* invariant 1: nothing in a finding holds the clear digits */
	for (i = 0; i < res.nfindings; i++) {
		assert_null(memmem(&res.findings[i], sizeof(res.findings[i]),
		    VISA, 16));
		assert_null(memmem(&res.findings[i], sizeof(res.findings[i]),
		    MC, 16));
		assert_true(strlen(res.findings[i].masked.s) >= 13);
	}
	scan_result_fini(&res);
	scan_result_fini(&res);		/* idempotent */
}

static void
test_distinct_and_tokens(void **state)
{
	static const char msg[] = HDR "\r\n" VISA " and again " VISA
	    " and " MC "\r\n";
	struct pan_token_key *key = pan_token_key_new("0123456789abcdef", 16);
	struct scan_opts o;
	struct scan_result res;

	(void)state;
	scan_opts_default(&o);
	o.key = key;
	assert_int_equal(scan_message((const unsigned char *)msg,
	    sizeof(msg) - 1, &o, &res), PM_OK);
	assert_int_equal(res.nfindings, 3);
	assert_int_equal(res.distinct_pans, 2);
	assert_int_equal(strlen(res.findings[0].token), 16);
	assert_string_equal(res.findings[0].token, res.findings[1].token);
	assert_string_not_equal(res.findings[0].token, res.findings[2].token);
	assert_string_equal(res.findings[0].masked.s, "411111******1111");
	assert_true(res.findings[0].is_test);
	scan_result_fini(&res);
	pan_token_key_free(key);
}

/*
 * test_utf16_simd - a binary part holding, one per 32 bytes, the units on
 * each edge of the ranges the UTF-16 scan reads as text (each is text or
 * not; alone in its block, it decides whether the block is skipped and
 * so moves the offset of what follows), then a UTF-16LE card number; the
 * whole at every offset over 34 bytes (both alignments, every position
 * in a block). The AVX2 and the SSE2 scan of the units find the same,
 * at the same offsets, and find the card.
 */
static void
test_utf16_simd(void **state)
{
	static const char head[] = HDR "Content-Type: application/octet-"
	    "stream\r\nContent-Transfer-Encoding: binary\r\n\r\n";
	static const char text[] = "card " VISA " exp 12/29";
	static const unsigned edge[] = {
		0x0020, 0x007e, 0x001f, 0x007f, 0xff10, 0xff19, 0xff0f,
		0xff1a, 0x2000, 0x200d, 0x1fff, 0x200e, 0x00a0, 0x00a1,
		0x009f, 0x0660, 0x0669, 0x065f, 0x066a, 0x06f0, 0x06f9,
		0x06ef, 0x06fa,
	};
	enum { NE = sizeof(edge) / sizeof(edge[0]), BODY = 32 * NE + 200 };
	unsigned char msg[sizeof(head) + BODY + 40];
	struct scan_result res[2];
	struct scan_opts o;
	size_t off, i, b, at, hl = sizeof(head) - 1;
	int simd, old;

	(void)state;
	scan_opts_default(&o);
	for (off = 0; off < 34; off++) {
		memcpy(msg, head, hl);
		/* units 0x8281: neither text nor ASCII digits */
		for (b = 0; b < BODY + 40; b++)
			msg[hl + b] = (unsigned char)(b % 2 ? 0x82 : 0x81);
		for (i = 0; i < NE; i++) {
			at = hl + off + 32 * i + 2 * (i % 16);
			msg[at] = (unsigned char)edge[i];
			msg[at + 1] = (unsigned char)(edge[i] >> 8);
		}
		for (i = 0; i < sizeof(text) - 1; i++) {
			at = hl + off + 32 * NE + 2 * i;
			msg[at] = (unsigned char)text[i];
			msg[at + 1] = 0;
		}
		for (simd = 0; simd < 2; simd++) {
			old = pm_cpu_simd(simd);
			assert_int_equal(scan_message(msg, hl + BODY + 40, &o,
			    &res[simd]), PM_OK);
			pm_cpu_simd(old);
		}
		assert_int_equal(res[0].verdict, SCAN_PAN);
		assert_int_equal(res[0].nfindings, res[1].nfindings);
		assert_true(res[0].nfindings >= 1);
		for (i = 0; i < res[0].nfindings; i++) {
			assert_int_equal(res[0].findings[i].offset,
			    res[1].findings[i].offset);
			assert_string_equal(res[0].findings[i].masked.s,
			    res[1].findings[i].masked.s);
		}
		scan_result_fini(&res[0]);
		scan_result_fini(&res[1]);
	}
}

static void
test_findings_capped(void **state)
{
	static const char head[] = HDR "\r\n";
	size_t n = 1500, i, len = sizeof(head) - 1 + n * 18;
	char *msg = malloc(len + 1), *p = msg;
	struct scan_opts o;
	struct scan_result res;

	(void)state;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	for (i = 0; i < n; i++, p += 18)
		memcpy(p, i % 2 ? VISA "\r\n" : MC "\r\n", 18);
	scan_opts_default(&o);
	assert_int_equal(scan_message((unsigned char *)msg, len, &o, &res),
	    PM_OK);
	assert_int_equal(res.nfindings, SCAN_MAX_FINDINGS);
	assert_int_equal(res.dropped, n - SCAN_MAX_FINDINGS);
	assert_int_equal(res.distinct_pans, 2);
	assert_int_equal(res.npans, 2);
	assert_int_equal(res.verdict, SCAN_PAN);
	scan_result_fini(&res);
	free(msg);
}

static void
test_last4_mask(void **state)
{
	static const char msg[] = HDR "\r\ncard " VISA "\r\n";
	struct scan_opts o;
	struct scan_result res;

	(void)state;
	scan_opts_default(&o);
	o.mask = PAN_MASK_LAST4;
	assert_int_equal(scan_message((const unsigned char *)msg,
	    sizeof(msg) - 1, &o, &res), PM_OK);
	assert_int_equal(res.nfindings, 1);
	assert_string_equal(res.findings[0].masked.s, "************1111");
	scan_result_fini(&res);
}

static void
test_safe_text(void **state)
{
	char *s = scan_safe_text("file-" VISA ".csv\r\n", 27);

	(void)state;
	assert_non_null(s);
	assert_null(strstr(s, VISA));
	assert_string_equal(s, "file-411111******1111.csv??");
	free(s);
}

static void
test_json_has_no_pan(void **state)
{
	static const char msg[] = HDR "\r\ncard " VISA "\r\n";
	struct scan_opts o;
	struct scan_result res;
	char buf[4096];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	scan_opts_default(&o);
	assert_non_null(fp);
	assert_int_equal(scan_message((const unsigned char *)msg,
	    sizeof(msg) - 1, &o, &res), PM_OK);
	assert_int_equal(scan_out_json(fp, "x-" VISA ".eml", &res, NULL), 0);
	scan_out_human(fp, "x-" VISA ".eml", &res);
	fclose(fp);
	assert_null(strstr(buf, VISA));
	assert_non_null(strstr(buf, "\"verdict\":\"pan\""));
	assert_non_null(strstr(buf, "\"masked\":\"411111******1111\""));
	scan_result_fini(&res);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(rows) / sizeof(rows[0]) + 6];
	size_t i, n = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = rows[i].name;
		tests[n].test_func = run_row;
		tests[n].initial_state = (void *)&rows[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_distinct_and_tokens);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_last4_mask);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_findings_capped);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_utf16_simd);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_safe_text);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_json_has_no_pan);
	return _cmocka_run_group_tests("scan", tests, n, NULL, NULL);
}
