/*
 * test_dec_markup - HTML/XML text extraction, table-driven, plus
 * fuzz-like length checks and a large "<<<<" input; the source map of
 * dec_markup_map for every construct, and its consistency with
 * dec_markup on random inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dec_markup.h"

struct mk_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
};

#define ROW(n, i, w) { n, i, sizeof(i) - 1, w, sizeof(w) - 1 }

static const struct mk_case mk_cases[] = {
	ROW("empty", "", ""),
	ROW("plain", "4111 1111 1111 1111", "4111 1111 1111 1111"),
	ROW("inline_bold", "4111 <b>1111</b> 1111 1111",
	    "4111 1111 1111 1111"),
	ROW("inline_split_digits", "41<span style=\"x\">11</span>11",
	    "411111"),
	ROW("table_cells", "<td>4111</td><td>1111</td>",
	    " 4111  1111 "),
	ROW("br_self_closing", "a<br/>b<BR>c", "a b c"),
	ROW("numeric_dec", "&#52;&#49;&#49;&#49;", "4111"),
	ROW("numeric_hex", "&#x34;&#X31;&#x31;", "411"),
	ROW("numeric_no_semi", "&#52&#49 1", "41 1"),
	ROW("numeric_leading_zero", "&#00052;", "4"),
	ROW("numeric_zero", "&#0;", "\xef\xbf\xbd"),
	ROW("numeric_surrogate", "&#xD800;", "\xef\xbf\xbd"),
	ROW("numeric_too_big", "&#x110000;", "\xef\xbf\xbd"),
	ROW("numeric_huge", "&#99999999999999999999;", "\xef\xbf\xbd"),
	ROW("numeric_cp1252", "&#150;", "\xe2\x80\x93"),
	ROW("numeric_astral", "&#x1F600;", "\xf0\x9f\x98\x80"),
	ROW("numeric_empty", "&#;&#x;", "&#;&#x;"),
	ROW("nbsp_between_groups", "4111&nbsp;1111", "4111\xc2\xa0" "1111"),
	ROW("nbsp_legacy", "4111&nbsp1111", "4111\xc2\xa0" "1111"),
	ROW("thinsp", "1&thinsp;2", "1\xe2\x80\x89" "2"),
	ROW("ndash_minus", "1&ndash;2&minus;3&hyphen;4",
	    "1\xe2\x80\x93" "2\xe2\x88\x92" "3\xe2\x80\x90" "4"),
	ROW("zwsp_nobreak", "1&ZeroWidthSpace;2&NoBreak;3",
	    "1\xe2\x80\x8b" "2\xe2\x81\xa0" "3"),
	ROW("basic_named", "&amp;&lt;&gt;&quot;&apos;", "&<>\"'"),
	ROW("shy", "41&shy;11", "41\xc2\xad" "11"),
	ROW("unknown_named", "&zwsp; &bogus; &", "&zwsp; &bogus; &"),
	ROW("apos_needs_semi", "&apos x", "&apos x"),
	ROW("docx_runs",
	    "<w:p><w:r><w:t>4111 1111</w:t></w:r><w:r><w:t> 1111 1111"
	    "</w:t></w:r></w:p>", " 4111 1111 1111 1111 "),
	ROW("docx_split_number",
	    "<w:p><w:r><w:t>41111</w:t></w:r><w:r><w:rPr><w:b/></w:rPr>"
	    "<w:t>11111111111</w:t></w:r></w:p>", " 4111111111111111 "),
	ROW("docx_tab_between", "<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t>",
	    "a b"),
	ROW("xlsx_shared_strings",
	    "<sst><si><t>4111</t></si><si><r><t>11</t></r><r><t>11</t></r>"
	    "</si></sst>", " 4111  1111 "),
	ROW("xlsx_sheet_cells",
	    "<row r=\"1\"><c r=\"A1\"><v>4111</v></c><c r=\"B1\"><v>1111</v>"
	    "</c></row>", "   4111    1111   "),
	ROW("odt_space", "<text:p>4111<text:s/>1111</text:p>",
	    " 4111 1111 "),
	ROW("html_s_inline", "41<s>11</s>", "4111"),
	ROW("outlook_o_p_inline", "<p>4111<o:p></o:p>&#x20;1111</p>",
	    " 4111 1111 "),
	ROW("pptx_paragraph", "<a:p><a:r><a:t>4111</a:t></a:r></a:p>",
	    " 4111 "),
	ROW("script_removed", "a<script>var x = '4111';</script>b", "ab"),
	/* a tag seen before is answered from the tag cache: same result */
	ROW("quick_repeat_block", "<w:p>4</w:p><w:p>1</w:p>", " 4  1 "),
	ROW("quick_repeat_inline", "<w:t>41</w:t><w:t>11</w:t>xxxxxxxx",
	    "4111xxxxxxxx"),
	ROW("quick_repeat_script", "a<script>4</script>b<script>1</script>c",
	    "abc"),
	ROW("quick_repeat_script_unterminated", "<SCRIPT>1</b><script>2",
	    "12"),
	ROW("quick_repeat_style", "<style>4</style>1<style>2</style>3",
	    "13"),
	ROW("quick_repeat_o_p", "<o:p></o:p>1<o:p></o:p>2", "12"),
	/* a run of tags read from the tag cache is remembered, and replayed
	 * when the same bytes come again (the third time: the first reads
	 * the tags, the second remembers the run): same result */
	ROW("run_replay_docx", "1</w:t></w:r></w:p><w:p><w:r><w:t>2</w:t>"
	    "</w:r></w:p><w:p><w:r><w:t>3</w:t></w:r></w:p><w:p><w:r><w:t>"
	    "4", "1  2  3  4"),
	ROW("run_replay_then_more_tags", "1<w:p><b>2<w:p><b>3<w:p><b>4"
	    "<w:p><b><w:p>5", "1 2 3 4  5"),
	ROW("run_replay_at_start", "<p><p>1<p><p>2<p><p>3", "  1  2  3"),
	ROW("run_too_many_blocks", "<p><p><p><p><p><p><p><p><p>1<p><p><p>"
	    "<p><p><p><p><p><p>2<p><p><p><p><p><p><p><p><p>3",
	    "         1         2         3"),
	ROW("run_replay_then_lt_text", "a<b><i>1<b><i>2<b><i>< 3",
	    "a12< 3"),
	ROW("run_replay_prefix_only", "<p><b>1<p><b>2<p><bx>3", " 1 2 3"),
	ROW("script_case", "a<SCRIPT type=x>1 < 2</ScRiPt >b", "ab"),
	ROW("style_removed", "a<style>p { x: 1 }</style>b", "ab"),
	ROW("script_unterminated", "a<script>4111", "a4111"),
	ROW("script_self_closing", "a<script src=x />b</script>c", "abc"),
	ROW("comment_with_gt", "a<!-- x > y -->b", "ab"),
	ROW("comment_unterminated", "a<!-- 4111", "a<!-- 4111"),
	ROW("cdata_kept", "<v><![CDATA[4111 <b> &amp;]]></v>",
	    " 4111 <b> &amp; "),
	ROW("cdata_unterminated", "<![CDATA[4111", "<![CDATA[4111"),
	ROW("processing_instruction", "<?xml version=\"1.0\"?>x", "x"),
	ROW("doctype", "<!DOCTYPE html>x", "x"),
	ROW("unterminated_tag", "4111 <b 1111", "4111 <b 1111"),
	ROW("less_than_text", "a < b <3 c", "a < b <3 c"),
	ROW("lt_at_end", "a<", "a<"),
	ROW("amp_at_end", "a&", "a&"),
	ROW("nul_bytes", "4\0001<b>\0</b>1", "4\0001\0" "1"),
};

#define MK_NCASES (sizeof(mk_cases) / sizeof(mk_cases[0]))

/* test_mk_row - one row, out of place (exact-size buffer) and in place */
static void
test_mk_row(void **state)
{
	const struct mk_case *c = *state;
	unsigned char *out = malloc(c->in_len + 1);
	unsigned char *buf = malloc(c->in_len + 1);
	size_t got;

	assert_non_null(out);
	assert_non_null(buf);
	got = dec_markup((const unsigned char *)c->in, c->in_len, out);
	assert_int_equal(got, c->want_len);
	assert_memory_equal(out, c->want, got);
	memcpy(buf, c->in, c->in_len);
	got = dec_markup(buf, c->in_len, buf);
	assert_int_equal(got, c->want_len);
	assert_memory_equal(buf, c->want, got);
	free(out);
	free(buf);
}

/* a row of the source map: output, then (src, srclen) per output byte */
struct mk_map_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
	const size_t *map;
	size_t npairs;
};

#define MAP(...)	(const size_t[]){ __VA_ARGS__ },		\
	sizeof((const size_t[]){ __VA_ARGS__ }) / (2 * sizeof(size_t))
#define MROW(n, i, w, ...) \
	{ n, i, sizeof(i) - 1, w, sizeof(w) - 1, MAP(__VA_ARGS__) }

static const struct mk_map_case mk_map_cases[] = {
	MROW("map_text", "ab1", "ab1", 0, 1, 1, 1, 2, 1),
	MROW("map_block_tag", "a<p>b", "a b", 0, 1, 1, 3, 4, 1),
	MROW("map_block_attrs_and_end", "<td x=1>4</td>", " 4 ",
	    0, 8, 8, 1, 9, 5),
	MROW("map_block_self_closing", "1<br/>2", "1 2", 0, 1, 1, 5, 6, 1),
	MROW("map_block_xml_prefix", "<w:p>4", " 4", 0, 5, 5, 1),
	MROW("map_quick_block", "<w:p>4<w:p>1234", " 4 1234",
	    0, 5, 5, 1, 6, 5, 11, 1, 12, 1, 13, 1, 14, 1),
	MROW("map_run_replay", "<w:p><b>4<w:p><b>1<w:p><b>1", " 4 1 1",
	    0, 5, 8, 1, 9, 5, 17, 1, 18, 5, 26, 1),
	MROW("map_inline_tag", "4<b>1</b>1", "411", 0, 1, 4, 1, 9, 1),
	MROW("map_outlook_o_p_inline", "4<o:p></o:p>1", "41",
	    0, 1, 12, 1),
	MROW("map_dec_semi", "x&#52;y", "x4y", 0, 1, 1, 5, 6, 1),
	MROW("map_dec_no_semi", "&#52 1", "4 1", 0, 4, 4, 1, 5, 1),
	MROW("map_hex_semi_and_not", "&#x34;&#X31", "41", 0, 6, 6, 5),
	MROW("map_dec_cp1252", "1&#150;2", "1\xe2\x80\x93" "2",
	    0, 1, 1, 6, 1, 6, 1, 6, 7, 1),
	MROW("map_dec_astral", "&#x1F600;", "\xf0\x9f\x98\x80",
	    0, 9, 0, 9, 0, 9, 0, 9),
	MROW("map_dec_zero", "&#0;", "\xef\xbf\xbd", 0, 4, 0, 4, 0, 4),
	MROW("map_dec_empty", "&#;", "&#;", 0, 1, 1, 1, 2, 1),
	MROW("map_named_semi", "1&nbsp;2", "1\xc2\xa0" "2",
	    0, 1, 1, 6, 1, 6, 7, 1),
	MROW("map_named_no_semi", "1&nbsp2", "1\xc2\xa0" "2",
	    0, 1, 1, 5, 1, 5, 6, 1),
	MROW("map_named_legacy_prefix", "&amp1", "&1", 0, 4, 4, 1),
	MROW("map_named_long", "&ndash;", "\xe2\x80\x93", 0, 7, 0, 7, 0, 7),
	MROW("map_named_needs_semi", "&apos x", "&apos x",
	    0, 1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1),
	MROW("map_named_unknown", "&zz;", "&zz;", 0, 1, 1, 1, 2, 1, 3, 1),
	MROW("map_amp_at_end", "a&", "a&", 0, 1, 1, 1),
	MROW("map_cdata", "<![CDATA[4<]]>1", "4<1", 9, 1, 10, 1, 14, 1),
	MROW("map_cdata_unterminated", "<![CDATA[4", "<![CDATA[4",
	    0, 1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1),
	MROW("map_comment", "a<!-- 4 -->b", "ab", 0, 1, 11, 1),
	MROW("map_comment_unterminated", "<!--1", "<!--1",
	    0, 1, 1, 1, 2, 1, 3, 1, 4, 1),
	MROW("map_script", "a<script>4</script>b", "ab", 0, 1, 19, 1),
	MROW("map_style", "<style>1</style>2", "2", 16, 1),
	MROW("map_script_unterminated", "<script>4", "4", 8, 1),
	MROW("map_processing_instruction", "<?x?>1", "1", 5, 1),
	MROW("map_unterminated_tag", "a<b 1", "a<b 1",
	    0, 1, 1, 1, 2, 1, 3, 1, 4, 1),
	MROW("map_lt_text", "1 < 2", "1 < 2", 0, 1, 1, 1, 2, 1, 3, 1, 4, 1),
};

#define MK_NMAP (sizeof(mk_map_cases) / sizeof(mk_map_cases[0]))

/* mk_map_check - dec_markup_map of c->in (out of place or in place)
 * gives the row's text and map */
static void
mk_map_check(const struct mk_map_case *c, int in_place)
{
	unsigned char *in = malloc(c->in_len + 1);
	unsigned char *out = malloc(c->in_len + 1);
	size_t *src = calloc(c->in_len + 1, sizeof(size_t));
	size_t *len = calloc(c->in_len + 1, sizeof(size_t));
	size_t got, k;

	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(src);
	assert_non_null(len);
	memcpy(in, c->in, c->in_len);
	got = dec_markup_map(in, c->in_len, in_place ? in : out, src, len);
	assert_int_equal(got, c->want_len);
	assert_memory_equal(in_place ? in : out, c->want, got);
	assert_int_equal(c->npairs, c->want_len);
	for (k = 0; k < got; k++) {
		assert_int_equal(src[k], c->map[2 * k]);
		assert_int_equal(len[k], c->map[2 * k + 1]);
	}
	free(in);
	free(out);
	free(src);
	free(len);
}

/* test_mk_map_row - one map row, out of place and in place */
static void
test_mk_map_row(void **state)
{
	mk_map_check(*state, 0);
	mk_map_check(*state, 1);
}

/* test_mk_map_null - with src or srclen NULL, dec_markup_map is
 * dec_markup */
static void
test_mk_map_null(void **state)
{
	static const char in[] = "<p>4111&nbsp;<b>1111</b>&#150;1111"
	    "<![CDATA[1]]><!-- x --><o:p></o:p>&#x31;11";
	unsigned char a[sizeof(in)], b[sizeof(in)], c[sizeof(in)];
	size_t src[sizeof(in)], la, lb, lc;

	(void)state;
	la = dec_markup((const unsigned char *)in, sizeof(in) - 1, a);
	lb = dec_markup_map((const unsigned char *)in, sizeof(in) - 1, b,
	    NULL, NULL);
	lc = dec_markup_map((const unsigned char *)in, sizeof(in) - 1, c,
	    src, NULL);
	assert_int_equal(la, lb);
	assert_int_equal(la, lc);
	assert_memory_equal(a, b, la);
	assert_memory_equal(a, c, la);
}

/* mk_rand - xorshift32 */
static uint32_t
mk_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* mk_map_sane - the map is inside the input, in order, and a byte
 * mapped to one input byte is that byte */
static void
mk_map_sane(const unsigned char *in, size_t n, const unsigned char *out,
    size_t got, const size_t *src, const size_t *len)
{
	size_t k;

	for (k = 0; k < got; k++) {
		assert_true(len[k] >= 1);
		assert_true(src[k] + len[k] <= n);
		if (k > 0)
			assert_true(src[k] >= src[k - 1]);
		if (len[k] == 1)
			assert_int_equal(out[k], in[src[k]]);
		else
			assert_true(in[src[k]] == '<' || in[src[k]] == '&');
	}
}

/* test_mk_fuzz - random inputs made of markup fragments: output never
 * longer than input, buffers of exactly n bytes */
static void
test_mk_fuzz(void **state)
{
	static const char *const frag[] = {
		"<", ">", "&", "#", "x", ";", "<!--", "-->", "<![CDATA[",
		"]]>", "<script>", "</script>", "<style", "</style>", "&#",
		"&#x", "9", "1", "F", "&nbsp", "&amp;", "<p>", "</w:p>",
		"<w:t>", "/", "?", "!", "a", " ", "\0", "\xff", "&#1234567",
		"&ZeroWidthSpace;", "&#150", "<br/>", "<text:s/>",
	};
	unsigned char tmp[512], *in = NULL, *out = NULL, *out2 = NULL;
	size_t src[512], len[512];
	uint32_t s = 31337;
	size_t n, l, got, got2;
	int round, k;

	(void)state;
	for (round = 0; round < 5000; round++) {
		n = 0;
		for (k = (int)(mk_rand(&s) % 40); k > 0; k--) {
			const char *f = frag[mk_rand(&s) %
			    (sizeof(frag) / sizeof(frag[0]))];

			l = f[0] == '\0' ? 1 : strlen(f);
			if (n + l > sizeof(tmp))
				break;
			memcpy(tmp + n, f, l);
			n += l;
		}
		in = malloc(n + 1);
		out = malloc(n + 1);
		assert_non_null(in);
		assert_non_null(out);
		memcpy(in, tmp, n);
		got = dec_markup(in, n, out);
		assert_true(got <= n);
		out2 = malloc(n + 1);
		assert_non_null(out2);
		got2 = dec_markup_map(in, n, out2, src, len);
		assert_int_equal(got2, got);
		assert_memory_equal(out2, out, got);
		mk_map_sane(in, n, out, got, src, len);
		free(in);
		free(out);
		free(out2);
	}
}

/* test_mk_many_lt - 10 MB of '<' (and of "<a") finishes: the scan is
 * linear (a quadratic one would not finish within the test timeout) */
static void
test_mk_many_lt(void **state)
{
	size_t n = 10u * 1024 * 1024, i, got;
	unsigned char *in = malloc(n), *out = malloc(n);

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	memset(in, '<', n);
	got = dec_markup(in, n, out);
	assert_int_equal(got, n);
	for (i = 0; i < n; i += 2)
		in[i + 1] = 'a';
	got = dec_markup(in, n, out);
	assert_int_equal(got, n);
	memcpy(in, "<script>", 8);
	for (i = 8; i + 8 <= n; i += 8)
		memcpy(in + i, "<script>", 8);
	got = dec_markup(in, n, out);
	assert_true(got <= n);
	for (i = 0; i + 4 <= n; i += 4)
		memcpy(in + i, "<!--", 4);
	got = dec_markup(in, n, out);
	assert_int_equal(got, n / 4 * 4);
	/* the same with one distant '>' at the end */
	in[n - 1] = '>';
	got = dec_markup(in, n, out);
	assert_true(got <= n);
	for (i = 0; i + 9 <= n; i += 9)
		memcpy(in + i, "<![CDATA[", 9);
	in[n - 1] = '>';
	got = dec_markup(in, n, out);
	assert_true(got <= n);
	for (i = 0; i + 2 <= n; i += 2)
		memcpy(in + i, "<a", 2);
	in[n - 1] = '>';
	got = dec_markup(in, n, out);
	assert_true(got <= n);
	free(in);
	free(out);
}

int
main(void)
{
	struct CMUnitTest tests[MK_NCASES + MK_NMAP + 3];
	size_t i, k;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < MK_NCASES; i++) {
		tests[i].name = mk_cases[i].name;
		tests[i].test_func = test_mk_row;
		tests[i].initial_state = (void *)&mk_cases[i];
	}
	for (k = 0; k < MK_NMAP; k++, i++) {
		tests[i].name = mk_map_cases[k].name;
		tests[i].test_func = test_mk_map_row;
		tests[i].initial_state = (void *)&mk_map_cases[k];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_mk_map_null);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_mk_fuzz);
	tests[i] = (struct CMUnitTest)cmocka_unit_test(test_mk_many_lt);
	return cmocka_run_group_tests_name("dec_markup", tests, NULL, NULL);
}
