/*
 * test_mime_hdr - header block split, field iteration, unfolding,
 * Content-Type/-Disposition parameters (RFC 2231) and CTE parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime_hdr.h"
#include "pm_arena.h"

/* ---- split + iterate ---- */

struct split_case {
	const char *name;
	const char *in;
	const char *fields;	/* "name=raw value|" per field */
	const char *body;	/* text from body_off */
	unsigned defects;	/* exact */
};

static const struct split_case split_cases[] = {
	{ "simple", "A: 1\nB:2\n\nbody", "A= 1|B=2|", "body", 0 },
	{ "crlf", "A: 1\r\nB: 2\r\n\r\nbody\r\n", "A= 1|B= 2|", "body\r\n",
	  0 },
	{ "folded", "Subject: a\n b\n\tc\nX: y\n\nz",
	  "Subject= a\n b\n\tc|X= y|", "z", 0 },
	{ "space_before_colon", "Subject : x\n\nb", "Subject= x|", "b", 0 },
	{ "no_headers", "just text\n\nmore", "", "just text\n\nmore",
	  MIME_DEFECT_NO_HEADER_END },
	{ "first_line_wsp", " indented\nA: b\n\nc", "", " indented\nA: b\n\nc",
	  MIME_DEFECT_NO_HEADER_END },
	{ "blank_first", "\nbody only", "", "body only", 0 },
	{ "no_blank_all_fields", "A: 1\nB: 2\n", "A= 1|B= 2|", "",
	  MIME_DEFECT_NO_HEADER_END },
	{ "no_blank_body_after_bad", "A: 1\nhello there\nmore x y\n",
	  "A= 1|", "hello there\nmore x y\n",
	  MIME_DEFECT_NO_HEADER_END | MIME_DEFECT_BAD_HEADER },
	{ "bad_then_field_stays_header", "A: 1\nhello there\nmore: x\n",
	  "A= 1|=hello there|more= x|", "",
	  MIME_DEFECT_NO_HEADER_END | MIME_DEFECT_BAD_HEADER },
	{ "junk_between_fields", "A: 1\n junk? no, continuation\nbad line\n"
	  "B: 2\n\nbody", "A= 1\n junk? no, continuation|=bad line|B= 2|",
	  "body", MIME_DEFECT_BAD_HEADER },
	{ "boundary_line_ends_headers", "A: 1\n--b\nC: d\n\nx", "A= 1|",
	  "--b\nC: d\n\nx",
	  MIME_DEFECT_NO_HEADER_END | MIME_DEFECT_BAD_HEADER },
	{ "mbox_from", "From a@b Mon\nA: 1\n\nb", "=From a@b Mon|A= 1|", "b",
	  0 },
	{ "bom", "\xef\xbb\xbf" "A: 1\n\nb", "A= 1|", "b", 0 },
	{ "empty", "", "", "", 0 },
	{ "colon_only_name", ": x\n\nb", "", ": x\n\nb",
	  MIME_DEFECT_NO_HEADER_END },
	{ "eof_in_header_no_lf", "A: 1", "A= 1|", "",
	  MIME_DEFECT_NO_HEADER_END },
	{ "blank_line_with_cr_only", "A: 1\r\n\r\n", "A= 1|", "", 0 },
};

/* test_split_row - one split/iterate row */
static void
test_split_row(void **state)
{
	const struct split_case *c = *state;
	const unsigned char *p = (const unsigned char *)c->in;
	size_t n = strlen(c->in);
	struct mime_hdr_block blk;
	struct mime_hdr_iter it;
	struct mime_hdr_field f;
	char got[1024];
	size_t k = 0;

	mime_hdr_split(p, n, &blk);
	assert_true(blk.hdr_len <= blk.body_off);
	assert_true(blk.body_off <= n);
	assert_int_equal(blk.defects, c->defects);
	assert_string_equal(c->in + blk.body_off, c->body);
	mime_hdr_iter_init(&it, p, blk.hdr_len);
	got[0] = '\0';
	while (mime_hdr_next(&it, &f)) {
		assert_true(f.value + f.value_len <= p + blk.hdr_len);
		k += (size_t)snprintf(got + k, sizeof(got) - k, "%.*s=%.*s|",
		    (int)f.name_len, (const char *)f.name, (int)f.value_len,
		    (const char *)f.value);
		assert_true(k < sizeof(got));
	}
	assert_string_equal(got, c->fields);
}

/* test_long_line_defect - a header line over 998 bytes is flagged */
static void
test_long_line_defect(void **state)
{
	size_t n = 2000;
	char *s = malloc(n + 16);
	struct mime_hdr_block blk;

	(void)state;
	assert_non_null(s);
	memcpy(s, "X: ", 3);
	memset(s + 3, 'a', n);
	memcpy(s + 3 + n, "\n\nb", 3);
	mime_hdr_split((const unsigned char *)s, n + 6, &blk);
	assert_int_equal(blk.defects, MIME_DEFECT_LONG_LINE);
	assert_int_equal(blk.body_off, n + 5);
	free(s);
}

/* ---- unfold ---- */

/* test_unfold - CRLF/LF before WSP removed, ends trimmed */
static void
test_unfold(void **state)
{
	static const char in[] = "  part one\r\n\tpart two\n  three \r";
	struct pm_arena *a = pm_arena_new(0);
	char *out = NULL;
	size_t n = 0;

	(void)state;
	assert_non_null(a);
	assert_int_equal(mime_hdr_unfold(a, (const unsigned char *)in,
	    sizeof(in) - 1, &out, &n), PM_OK);
	assert_string_equal(out, "part one\tpart two  three");
	assert_int_equal(n, strlen(out));
	assert_int_equal(mime_hdr_unfold(a, (const unsigned char *)"", 0,
	    &out, &n), PM_OK);
	assert_string_equal(out, "");
	pm_arena_free(a);
}

/* ---- parameters ---- */

struct param_case {
	const char *name;
	const char *in;
	const char *token;
	const char *params;	/* "name=value|" in order */
	unsigned defects;
};

static const struct param_case param_cases[] = {
	{ "type_and_charset", "Text/Plain; Charset=\"UTF-8\"", "text/plain",
	  "charset=UTF-8|", 0 },
	{ "spaces_comments", " text / html (a comment) ; charset = us-ascii "
	  "(c)", "text/html", "charset=us-ascii|", 0 },
	{ "quoted_escapes", "a/b; name=\"x\\\"y;z\\\\w\"", "a/b",
	  "name=x\"y;z\\w|", 0 },
	{ "unquoted_boundary_with_equals", "multipart/mixed; "
	  "boundary=----=_Part_1_2.3", "multipart/mixed",
	  "boundary=----=_Part_1_2.3|", 0 },
	{ "empty_boundary", "multipart/mixed; boundary=\"\"",
	  "multipart/mixed", "boundary=|", 0 },
	{ "double_semicolon", "text/plain;; charset=us-ascii;",
	  "text/plain", "charset=us-ascii|", 0 },
	{ "unterminated_quote", "a/b; name=\"abc", "a/b", "name=abc|",
	  MIME_DEFECT_BAD_PARAM },
	{ "param_without_value", "a/b; junk; x=1", "a/b", "x=1|",
	  MIME_DEFECT_BAD_PARAM },
	{ "rfc2231_continuations_charset",
	  "attachment; filename*0*=utf-8''Rechnung%20f%C3%BCr; "
	  "filename*1*=%20M%C3%A4rz; filename*2=\".pdf\"", "attachment",
	  "filename=Rechnung f\xc3\xbcr M\xc3\xa4rz.pdf|", 0 },
	{ "rfc2231_out_of_order", "attachment; filename*1=\"b\"; "
	  "filename*0=\"a\"", "attachment", "filename=ab|", 0 },
	{ "rfc2231_single_ext_latin1", "inline; filename*=iso-8859-1'de'"
	  "%E4rger.txt", "inline", "filename=\xc3\xa4rger.txt|", 0 },
	{ "rfc2231_wins_over_plain", "attachment; filename=\"plain.txt\"; "
	  "filename*=utf-8''%C3%A9.txt", "attachment",
	  "filename=\xc3\xa9.txt|", 0 },
	{ "rfc2231_no_charset_quotes", "attachment; filename*=abc%41",
	  "attachment", "filename=abcA|", 0 },
	{ "rfc2231_bad_percent", "attachment; filename*=utf-8''a%ZZ%4",
	  "attachment", "filename=a%ZZ%4|", 0 },
	{ "rfc2231_unknown_charset_raw", "attachment; "
	  "filename*=x-nope''%FFa", "attachment", "filename=\xff" "a|", 0 },
	{ "names_lowercased", "A/B; NAME=v; Boundary=q", "a/b",
	  "name=v|boundary=q|", 0 },
	{ "outlook_2047_kept_raw", "a/b; name=\"=?utf-8?B?w7w=?=\"", "a/b",
	  "name==?utf-8?B?w7w=?=|", 0 },
	{ "empty_value", "", "", "", 0 },
	{ "token_stops_at_space", "attachment filename=x.txt; size=3",
	  "attachment", "size=3|", 0 },
	{ "comment_only", "(just a comment)", "", "", 0 },
	{ "star_in_middle_is_plain", "a/b; x*y=1", "a/b", "x*y=1|", 0 },
	/* a NUL would end the value for its C-string readers (the scanner
	 * of file names): it becomes a space, and is a defect */
	{ "rfc2231_pct00_is_space", "attachment; filename*=utf-8''a%00"
	  "4111%201111", "attachment", "filename=a 4111 1111|",
	  MIME_DEFECT_BAD_PARAM },
};

/* test_param_row - one Content-Type/-Disposition row */
static void
test_param_row(void **state)
{
	const struct param_case *c = *state;
	struct pm_arena *a = pm_arena_new(0);
	struct mime_hdr_value hv;
	const struct mime_hdr_param *p = NULL;
	char got[1024];
	size_t k = 0;

	assert_non_null(a);
	assert_int_equal(mime_hdr_parse(a, c->in, strlen(c->in), &hv), PM_OK);
	assert_string_equal(hv.token, c->token);
	got[0] = '\0';
	for (p = hv.params; p != NULL; p = p->next) {
		assert_int_equal(strlen(p->value), p->value_len);
		k += (size_t)snprintf(got + k, sizeof(got) - k, "%s=%s|",
		    p->name, p->value);
		assert_true(k < sizeof(got));
	}
	assert_string_equal(got, c->params);
	assert_int_equal(hv.defects, c->defects);
	pm_arena_free(a);
}

/* test_param_get - lookup by lower-case name */
static void
test_param_get(void **state)
{
	static const char v[] = "text/plain; CHARSET=koi8-r; format=flowed";
	struct pm_arena *a = pm_arena_new(0);
	struct mime_hdr_value hv;

	(void)state;
	assert_non_null(a);
	assert_int_equal(mime_hdr_parse(a, v, sizeof(v) - 1, &hv), PM_OK);
	assert_string_equal(mime_hdr_param_get(&hv, "charset"), "koi8-r");
	assert_string_equal(mime_hdr_param_get(&hv, "format"), "flowed");
	assert_null(mime_hdr_param_get(&hv, "name"));
	pm_arena_free(a);
}

/* test_many_params - thousands of parameters stay bounded */
static void
test_many_params(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	struct mime_hdr_value hv;
	const struct mime_hdr_param *p = NULL;
	size_t n = 20000, i, k = 0;
	char *v = malloc(n * 16 + 32);
	unsigned cnt = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(v);
	k += (size_t)sprintf(v, "a/b");
	for (i = 0; i < n; i++)
		k += (size_t)sprintf(v + k, "; p*%zu=x", i % 5000);
	assert_int_equal(mime_hdr_parse(a, v, k, &hv), PM_OK);
	for (p = hv.params; p != NULL; p = p->next)
		cnt++;
	assert_int_equal(cnt, 1);
	assert_int_equal(hv.params->value_len, MIME_HDR_MAX_PARAMS);
	assert_true(hv.defects & MIME_DEFECT_BAD_PARAM);
	free(v);
	pm_arena_free(a);
}

/* test_quoted_memory_linear - quoted values in a 1 MB field stay small */
static void
test_quoted_memory_linear(void **state)
{
	struct pm_arena *a = pm_arena_new(4u << 20);
	struct mime_hdr_value hv;
	size_t pad = 1u << 20, k = 0, i;
	char *v = malloc(pad + 256 * 16 + 16);

	(void)state;
	assert_non_null(a);
	assert_non_null(v);
	k += (size_t)sprintf(v, "a/b");
	for (i = 0; i < 256; i++)
		k += (size_t)sprintf(v + k, "; p%zu=\"x\"", i);
	memset(v + k, ' ', pad);
	k += pad;
	assert_int_equal(mime_hdr_parse(a, v, k, &hv), PM_OK);
	assert_string_equal(mime_hdr_param_get(&hv, "p255"), "x");
	assert_true(pm_arena_used(a) < (3u << 20));
	free(v);
	pm_arena_free(a);
}

/* ---- Content-Transfer-Encoding ---- */

struct cte_case {
	const char *name;
	const char *in;
	enum mime_cte cte;
	unsigned defects;
};

static const struct cte_case cte_cases[] = {
	{ "cte_absent_empty", "", MIME_CTE_7BIT, 0 },
	{ "cte_7bit", "7bit", MIME_CTE_7BIT, 0 },
	{ "cte_8bit_upper", "8BIT", MIME_CTE_8BIT, 0 },
	{ "cte_binary", " binary ", MIME_CTE_BINARY, 0 },
	{ "cte_base64_mixed", "Base64", MIME_CTE_BASE64, 0 },
	{ "cte_qp_comment", "quoted-printable (yes)", MIME_CTE_QP, 0 },
	{ "cte_x_uuencode", "x-uuencode", MIME_CTE_UUENCODE, 0 },
	{ "cte_uuencode", "UUENCODE", MIME_CTE_UUENCODE, 0 },
	{ "cte_x_uue", "x-uue", MIME_CTE_UUENCODE, 0 },
	{ "cte_unknown", "x-gzip64", MIME_CTE_UNKNOWN,
	  MIME_DEFECT_UNKNOWN_CTE },
	{ "cte_prefix_not_enough", "base6", MIME_CTE_UNKNOWN,
	  MIME_DEFECT_UNKNOWN_CTE },
};

/* test_cte_row - one CTE row */
static void
test_cte_row(void **state)
{
	const struct cte_case *c = *state;
	unsigned defects = 0;

	assert_int_equal(mime_hdr_cte(c->in, strlen(c->in), &defects),
	    c->cte);
	assert_int_equal(defects, c->defects);
}

#define NELEM(x)	(sizeof(x) / sizeof((x)[0]))

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_long_line_defect),
		cmocka_unit_test(test_unfold),
		cmocka_unit_test(test_param_get),
		cmocka_unit_test(test_many_params),
		cmocka_unit_test(test_quoted_memory_linear),
	};
	enum { NS = NELEM(split_cases), NP = NELEM(param_cases),
	    NC = NELEM(cte_cases), NF = NELEM(fixed) };
	struct CMUnitTest tests[NS + NP + NC + NF];
	size_t i, k = 0;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NS; i++, k++) {
		tests[k].name = split_cases[i].name;
		tests[k].test_func = test_split_row;
		tests[k].initial_state = (void *)&split_cases[i];
	}
	for (i = 0; i < NP; i++, k++) {
		tests[k].name = param_cases[i].name;
		tests[k].test_func = test_param_row;
		tests[k].initial_state = (void *)&param_cases[i];
	}
	for (i = 0; i < NC; i++, k++) {
		tests[k].name = cte_cases[i].name;
		tests[k].test_func = test_cte_row;
		tests[k].initial_state = (void *)&cte_cases[i];
	}
	for (i = 0; i < NF; i++, k++)
		tests[k] = fixed[i];
	return cmocka_run_group_tests_name("mime_hdr", tests, NULL, NULL);
}
