/*
 * test_dec_pdf - the text of PDF streams: filters (Flate, raw deflate,
 * ASCIIHex, ASCII85, chains), strings (literal with escapes, hex,
 * UTF-16BE), TJ kerning, text operators, ToUnicode CMaps, what is
 * skipped (images, unknown filters, inline image data), what stops
 * (encryption, the ratio and budget limits, the stream count), and a
 * message with a PDF attachment through scan_message. PDFs are built
 * here with zlib; each row names the text that must come out (or must
 * not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "dec_pdf.h"
#include "scan.h"

#define VISA	"4111111111111111"

/* --- building PDFs -------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void
put(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* deflate - zlib (raw: no header) compression of s */
static struct buf
deflate_(const void *s, size_t n, int raw)
{
	struct buf b = { 0 };
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, raw ? -15 : 15, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	b.cap = deflateBound(&z, n) + 1;
	b.p = malloc(b.cap);
	assert_non_null(b.p);
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)n;
	z.next_out = b.p;
	z.avail_out = (uInt)b.cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	b.n = z.total_out;
	deflateEnd(&z);
	return b;
}

/* obj - "N 0 obj <<dict /Length L>> stream\n data \nendstream endobj" */
static void
obj(struct buf *pdf, int num, const char *dict, const void *data, size_t n)
{
	char h[512];

	snprintf(h, sizeof(h), "%d 0 obj\n<<%s /Length %zu>>\nstream\n", num,
	    dict, n);
	puts_(pdf, h);
	put(pdf, data, n);
	puts_(pdf, "\nendstream\nendobj\n");
}

/* flate_obj - a FlateDecode stream of text s */
static void
flate_obj(struct buf *pdf, int num, const char *s)
{
	struct buf z = deflate_(s, strlen(s), 0);

	obj(pdf, num, "/Filter /FlateDecode", z.p, z.n);
	free(z.p);
}

static struct buf
pdf_start(void)
{
	struct buf b = { 0 };

	puts_(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	return b;
}

static void
pdf_end(struct buf *b)
{
	puts_(b, "trailer\n<< /Root 1 0 R >>\n%%EOF\n");
}

/* --- running dec_pdf ------------------------------------------------------ */

struct got {
	struct buf text;	/* every callback's text, "|" between */
	unsigned calls;
};

static pm_status
collect(void *arg, const unsigned char *t, size_t n)
{
	struct got *g = arg;

	g->calls++;
	put(&g->text, t, n);
	put(&g->text, "|", 1);
	return PM_OK;
}

static pm_status
run(const struct buf *pdf, size_t budget, unsigned ratio, struct got *g,
    struct dec_pdf_res *res)
{
	struct pm_limits lim;
	struct pm_arena *a = pm_arena_new(0);
	pm_status st;

	assert_non_null(a);
	pm_limits_default(&lim);
	if (ratio)
		lim.max_archive_ratio = ratio;
	memset(g, 0, sizeof(*g));
	puts_(&g->text, "");
	st = dec_pdf_text(a, pdf->p, pdf->n, &lim, budget ? budget :
	    lim.max_decoded_size, collect, g, res);
	assert_int_equal(pm_arena_used(a), 0);	/* all released */
	pm_arena_free(a);
	return st;
}

/* has - the collected text holds s */
static int
has(const struct got *g, const char *s)
{
	return memmem(g->text.p, g->text.n, s, strlen(s)) != NULL;
}

/* one_stream - a PDF with one stream (dict, raw data), its text */
static void
one_stream(const char *dict, const void *data, size_t n, struct got *g,
    struct dec_pdf_res *res)
{
	struct buf pdf = pdf_start();

	obj(&pdf, 4, dict, data, n);
	pdf_end(&pdf);
	assert_int_equal(run(&pdf, 0, 0, g, res), PM_OK);
	free(pdf.p);
}

/* one_flate - a PDF with one FlateDecode stream of content s */
static void
one_flate(const char *s, struct got *g, struct dec_pdf_res *res)
{
	struct buf pdf = pdf_start();

	flate_obj(&pdf, 4, s);
	pdf_end(&pdf);
	assert_int_equal(run(&pdf, 0, 0, g, res), PM_OK);
	free(pdf.p);
}

/* --- strings and operators ------------------------------------------------ */

struct trow {
	const char *name;
	const char *content;	/* the decoded content stream */
	const char *want;	/* in the text */
	const char *wantnot;	/* not in it, or NULL */
};

static const struct trow trows[] = {
	{ "tj_literal", "BT /F1 12 Tf 72 700 Td (Card " VISA ") Tj ET",
	  "Card " VISA, NULL },
	{ "tj_array_small_kerning_joins",
	  "BT [(4111)-20(1111)12(1111)-99(1111)] TJ ET", VISA, NULL },
	{ "tj_array_word_gap_is_space",
	  "BT [(4111)-300(1111)-300(1111)-300(1111)] TJ ET",
	  "4111 1111 1111 1111", NULL },
	{ "glyph_by_glyph_td", "BT (4) Tj 7 0 Td (1) Tj 7 0 Td (1) Tj ET",
	  "4 1 1", NULL },
	{ "shown_strings_run_on", "BT (4111 1111) Tj (1111 1111) Tj ET",
	  "4111 11111111 1111", NULL },
	{ "text_objects_break_line", "BT (4111) Tj ET BT (2222) Tj ET",
	  "4111\n2222", NULL },
	{ "hex_string", "BT <34313131 2031> Tj ET", "4111 1", NULL },
	{ "hex_string_odd_digits", "BT <343> Tj ET", "40", NULL },
	{ "octal_and_escapes", "BT (\\064\\61\\0611\\(x\\)\\\\) Tj ET",
	  "4111(x)\\", NULL },
	{ "line_continuation", "BT (4111\\\n1111) Tj ET", "41111111", NULL },
	{ "nested_parentheses", "BT (a (b) 4111) Tj ET", "a (b) 4111",
	  NULL },
	{ "utf16be_with_bom", "<< /V (\\376\\377\\0004\\0001\\0001\\0001) >>",
	  "4111", NULL },
	{ "utf16be_hex_with_bom", "<< /V <FEFF00340031> >>", "41", NULL },
	{ "dictionary_values_apart", "<< /T (Card) /V (" VISA ") >>"
	  "<< /V (1234) >>", "Card " VISA " 1234", NULL },
	{ "lone_fe_is_a_byte", "(\xfe" "4111) Tj", "\xfe" "4111", NULL },
	{ "comment_skipped", "% (9999) in a comment\nBT (4111) Tj ET",
	  "4111", "9999" },
	{ "names_and_numbers_skipped", "/F1 12 Tf 1 0 0 1 72 700 Tm "
	  "BT (x) Tj ET", "x", "72" },
	{ "inline_image_data_skipped",
	  "BI /W 2 /H 1 /BPC 8 ID ((((\x01\x02 EI BT (4111) Tj ET", "4111",
	  NULL },
	{ "unterminated_string", "BT (4111 1111", "4111 1111", NULL },
};

static void
test_text_row(void **state)
{
	const struct trow *r = *state;
	struct dec_pdf_res res;
	struct got g;

	one_flate(r->content, &g, &res);
	assert_int_equal(res.streams, 1);
	assert_int_equal(res.decoded, 1);
	assert_true(has(&g, r->want));
	if (r->wantnot != NULL)
		assert_false(has(&g, r->wantnot));
	free(g.text.p);
}

/* --- filters -------------------------------------------------------------- */

static void
test_raw_deflate(void **state)
{
	static const char c[] = "BT (" VISA ") Tj ET";
	struct buf z = deflate_(c, strlen(c), 1);
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	one_stream("/Filter /FlateDecode", z.p, z.n, &g, &res);
	assert_true(has(&g, VISA));
	free(z.p);
	free(g.text.p);
}

static void
test_ascii_hex(void **state)
{
	struct dec_pdf_res res;
	struct got g;
	/* "(4111) Tj" in hex, with white space and no '>' pair issue */
	static const char d[] = "28 34 31 31 31 29 20 54 6A>";

	(void)state;
	one_stream("/Filter /AHx", d, strlen(d), &g, &res);
	assert_true(has(&g, "4111"));
	free(g.text.p);
}

/* a85 - ASCII85 of n bytes (with "~>") */
static struct buf
a85(const unsigned char *s, size_t n)
{
	struct buf b = { 0 };
	size_t i, j, k;
	uint32_t v;
	char g[5];

	for (i = 0; i < n; i += 4) {
		k = n - i < 4 ? n - i : 4;
		for (v = 0, j = 0; j < 4; j++)
			v = v << 8 | (j < k ? s[i + j] : 0);
		if (v == 0 && k == 4) {
			put(&b, "z", 1);
			continue;
		}
		for (j = 5; j-- > 0; v /= 85)
			g[j] = (char)('!' + v % 85);
		put(&b, g, k + 1);
	}
	puts_(&b, "~>");
	return b;
}

static void
test_ascii85_flate_chain(void **state)
{
	static const char c[] = "\0\0\0\0BT (" VISA ") Tj ET";
	struct buf z = deflate_(c, sizeof(c) - 1, 0);
	struct buf a = a85(z.p, z.n);
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	one_stream("/Filter [/ASCII85Decode /FlateDecode]", a.p, a.n, &g,
	    &res);
	assert_int_equal(res.decoded, 1);
	assert_true(has(&g, VISA));
	free(z.p);
	free(a.p);
	free(g.text.p);
}

static void
test_unfiltered_stream(void **state)
{
	static const char c[] = "BT [(4111)-5(1111)-5(1111)-5(1111)] TJ ET";
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	one_stream("", c, strlen(c), &g, &res);
	assert_true(has(&g, VISA));
	free(g.text.p);
}

/* skipped streams: their digits must not come out of dec_pdf */
struct srow {
	const char *name;
	const char *dict;
};

static const struct srow srows[] = {
	{ "image", "/Type /XObject /Subtype /Image /Filter /FlateDecode" },
	{ "image_no_space", "/Subtype/Image/Filter/FlateDecode" },
	{ "dct", "/Filter /DCTDecode" },
	{ "lzw", "/Filter /LZWDecode" },
	{ "predictor", "/Filter /FlateDecode /DecodeParms << /Predictor 12 "
	  "/Columns 5 >>" },
	{ "indirect_filter", "/Filter 9 0 R" },
	{ "xref_stream", "/Type /XRef /Filter /FlateDecode" },
	{ "five_filters", "/Filter [/AHx /AHx /AHx /AHx /AHx]" },
	{ "font_program", "/Length1 4242 /Filter /FlateDecode" },
	{ "font_program_cff", "/Subtype /Type1C /Filter /FlateDecode" },
};

static void
test_skip_row(void **state)
{
	const struct srow *r = *state;
	static const char c[] = "BT (" VISA ") Tj ET";
	struct buf z = deflate_(c, strlen(c), 0);
	struct dec_pdf_res res;
	struct got g;

	one_stream(r->dict, z.p, z.n, &g, &res);
	assert_int_equal(res.streams, 1);
	assert_int_equal(res.skipped, 1);
	assert_int_equal(res.decoded, 0);
	assert_int_equal(g.calls, 0);
	free(z.p);
	free(g.text.p);
}

/* --- stream boundaries ---------------------------------------------------- */

static void
test_wrong_length_uses_endstream(void **state)
{
	static const char c[] = "BT (" VISA ") Tj ET";
	struct buf z = deflate_(c, strlen(c), 0), pdf = pdf_start();
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	puts_(&pdf, "4 0 obj\n<</Filter/FlateDecode/Length 99999>>\nstream\r\n");
	put(&pdf, z.p, z.n);
	puts_(&pdf, "\r\nendstream\nendobj\n");
	/* a reference as /Length: found by "endstream" too */
	puts_(&pdf, "5 0 obj\n<</Length 6 0 R>>stream\n(2222) Tj\nendstream\n");
	pdf_end(&pdf);
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_OK);
	assert_int_equal(res.streams, 2);
	assert_true(has(&g, VISA));
	assert_true(has(&g, "2222"));
	free(z.p);
	free(pdf.p);
	free(g.text.p);
}

static void
test_not_streams(void **state)
{
	struct buf pdf = pdf_start();
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	/* "stream" in text, without a dictionary, without an end of line,
	 * and a ">>stream" with no "<<" before it */
	puts_(&pdf, "(a stream of 4111) Tj\n<< /A 1 >> streamx\n>>stream\nxx"
	    "\nendstream\n");
	pdf_end(&pdf);
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_OK);
	assert_int_equal(res.streams, 0);
	assert_int_equal(g.calls, 0);
	free(pdf.p);
	free(g.text.p);
}

static void
test_truncated_file(void **state)
{
	static const char c[] = "BT (" VISA ") Tj ET";
	struct buf z = deflate_(c, strlen(c), 0), pdf = pdf_start();
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	puts_(&pdf, "4 0 obj\n<</Filter/FlateDecode>>\nstream\n");
	put(&pdf, z.p, z.n - 4);	/* no Adler-32, no endstream */
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_OK);
	assert_true(has(&g, VISA));
	free(z.p);
	free(pdf.p);
	free(g.text.p);
}

static void
test_damaged_flate(void **state)
{
	static const char c[] = "BT (" VISA ") Tj ET";
	struct buf z = deflate_(c, strlen(c), 0);
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	z.p[z.n - 1] ^= 0xFF;	/* a wrong Adler-32 */
	one_stream("/Filter/FlateDecode", z.p, z.n, &g, &res);
	assert_int_equal(res.damaged, 1);
	assert_true(has(&g, VISA));	/* what came out is still read */
	free(z.p);
	free(g.text.p);
}

/* --- ToUnicode CMaps ------------------------------------------------------ */

#define CMAP_HEAD "/CIDInit /ProcSet findresource begin 12 dict begin " \
	"begincmap /CMapName /Adobe-Identity-UCS def "
#define CMAP_TAIL " endcmap CMapName currentdict /CMap defineresource pop " \
	"end end"

/* cmap_run - a PDF of objects 4 and 5 (in that order), read: the run
 * succeeds and keeps `cmaps` CMaps; the text is in g (caller frees) */
static void
cmap_run(const char *obj4, const char *obj5, unsigned cmaps, struct got *g)
{
	struct buf pdf = pdf_start();
	struct dec_pdf_res res;

	flate_obj(&pdf, 4, obj4);
	flate_obj(&pdf, 5, obj5);
	pdf_end(&pdf);
	assert_int_equal(run(&pdf, 0, 0, g, &res), PM_OK);
	assert_int_equal(res.cmaps, cmaps);
	free(pdf.p);
}

static void
test_cmap_bfrange(void **state)
{
	struct got g;

	(void)state;
	/* glyph 0x13..0x1C are '0'..'9', 0x03 is a space; the page comes
	 * before its CMap, as writers often put it */
	cmap_run("BT /F1 12 Tf <0017001400140014000300170014> Tj ET",
	    CMAP_HEAD "1 begincodespacerange <0000> <FFFF> "
	    "endcodespacerange 2 beginbfrange <0013> <001C> <0030> "
	    "<0003> <0003> <0020> endbfrange" CMAP_TAIL, 1, &g);
	assert_true(has(&g, "4111 41"));
	free(g.text.p);
}

static void
test_cmap_bfchar_and_array(void **state)
{
	struct got g;

	(void)state;
	cmap_run(CMAP_HEAD "1 begincodespacerange <00> <FF> "
	    "endcodespacerange 2 beginbfchar <41> <0034> <42> /one endbfchar "
	    "1 beginbfrange <50> <52> [<0031> <0032> <D83DDE00>] endbfrange"
	    CMAP_TAIL, "BT (APQRZ) Tj ET", 1, &g);
	/* A -> 4, P Q -> 1 2, R -> U+1F600, Z unmapped -> '?' */
	assert_true(has(&g, "412\xf0\x9f\x98\x80?"));
	assert_true(has(&g, "APQRZ"));	/* and the bytes as they are */
	free(g.text.p);
}

static void
test_cmap_identity_range(void **state)
{
	struct got g;

	(void)state;
	/* one range for every 2-byte code, kept as one range; 0x0100 is
	 * past the second range's end and maps to nothing ('?') */
	cmap_run(CMAP_HEAD "1 begincodespacerange <0000> <FFFF> "
	    "endcodespacerange 2 beginbfrange <0000> <00FF> <0000> "
	    "<0200> <0201> <0034> endbfrange" CMAP_TAIL,
	    "BT <00340031003100310100020002010031> Tj ET", 1, &g);
	assert_true(has(&g, "4111?451"));
	free(g.text.p);
}

static void
test_cmap_without_digits_unused(void **state)
{
	struct got g;

	(void)state;
	cmap_run(CMAP_HEAD "1 begincodespacerange <00> <FF> "
	    "endcodespacerange 1 beginbfrange <41> <5A> <0061> endbfrange"
	    CMAP_TAIL, "BT (ABC) Tj ET", 0, &g);
	assert_int_equal(g.calls, 1);	/* the page once, the CMap never */
	free(g.text.p);
}

/* --- what stops ----------------------------------------------------------- */

static void
test_encrypted(void **state)
{
	struct buf pdf = pdf_start();
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	flate_obj(&pdf, 4, "BT (" VISA ") Tj ET");
	puts_(&pdf, "trailer\n<< /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF\n");
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_OK);
	assert_int_equal(res.encrypted, 1);
	assert_int_equal(g.calls, 0);
	free(pdf.p);
	free(g.text.p);
}

static void
test_encrypt_metadata_is_not_encrypt(void **state)
{
	struct buf pdf = pdf_start();
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	flate_obj(&pdf, 4, "<< /EncryptMetadata false >> BT (4111) Tj ET");
	pdf_end(&pdf);
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_OK);
	assert_int_equal(res.encrypted, 0);
	assert_true(has(&g, "4111"));
	free(pdf.p);
	free(g.text.p);
}

/* bomb - a PDF with one stream of n spaces then a PAN, compressed */
static struct buf
bomb(size_t n)
{
	struct buf pdf = pdf_start();
	unsigned char *s = malloc(n + 32);

	assert_non_null(s);
	memset(s, ' ', n);
	memcpy(s + n, "(" VISA ") Tj", 22);
	{
		struct buf z = deflate_(s, n + 22, 0);

		obj(&pdf, 4, "/Filter /FlateDecode", z.p, z.n);
		free(z.p);
	}
	free(s);
	pdf_end(&pdf);
	return pdf;
}

static void
test_ratio_limit(void **state)
{
	struct buf pdf = bomb(8u << 20);	/* 8 MiB from ~8 KiB */
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_ELIMIT);
	assert_string_equal(res.limit, "max_archive_ratio");
	free(pdf.p);
	free(g.text.p);
}

static void
test_ratio_off_and_budget(void **state)
{
	struct buf pdf = bomb(2u << 20);
	struct dec_pdf_res res;
	struct got g;

	(void)state;
	/* a high ratio: the whole stream, the PAN at its end */
	assert_int_equal(run(&pdf, 0, 100000, &g, &res), PM_OK);
	assert_true(has(&g, VISA));
	free(g.text.p);
	/* a budget below the stream's size */
	assert_int_equal(run(&pdf, 1u << 20, 100000, &g, &res), PM_ELIMIT);
	assert_string_equal(res.limit, "max_decoded_size");
	assert_false(has(&g, VISA));
	free(pdf.p);
	free(g.text.p);
}

static void
test_stream_count_limit(void **state)
{
	struct buf pdf = pdf_start();
	struct dec_pdf_res res;
	struct got g;
	unsigned i;

	(void)state;
	for (i = 0; i <= DEC_PDF_MAX_STREAMS; i++)
		puts_(&pdf, "<<>>stream\nx\nendstream\n");
	assert_int_equal(run(&pdf, 0, 0, &g, &res), PM_ELIMIT);
	assert_string_equal(res.limit, "pdf_streams");
	free(pdf.p);
	free(g.text.p);
}

static void
test_sniff(void **state)
{
	(void)state;
	assert_true(dec_pdf_sniff((const unsigned char *)"%PDF-1.4\n", 9));
	assert_true(dec_pdf_sniff((const unsigned char *)"\r\n%PDF-2.0",
	    10));
	assert_false(dec_pdf_sniff((const unsigned char *)"%PDF", 4));
	assert_false(dec_pdf_sniff((const unsigned char *)"PK\3\4", 4));
}

/* --- through the scanner -------------------------------------------------- */

/* scan_pdf_msg - a message with pdf as a base64 attachment, scanned */
static void
scan_pdf_msg(const struct buf *pdf, struct scan_result *res)
{
	static const char head[] = "From: a@b.example\r\nSubject: t\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b"
	    "\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
	    "--b\r\nContent-Type: application/pdf; name=\"s.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n";
	struct buf m = { 0 };
	struct scan_opts o;
	unsigned char *b64 = malloc(pdf->n * 2 + 8);

	assert_non_null(b64);
	puts_(&m, head);
	put(&m, b64, (size_t)EVP_EncodeBlock(b64, pdf->p, (int)pdf->n));
	puts_(&m, "\r\n--b--\r\n");
	scan_opts_default(&o);
	assert_int_equal(scan_message(m.p, m.n, &o, res), PM_OK);
	free(b64);
	free(m.p);
}

static void
test_scan_pdf_attachment(void **state)
{
	struct buf pdf = pdf_start();
	struct scan_result res;
	size_t i;

	(void)state;
	flate_obj(&pdf, 4, "BT /F1 10 Tf (Card:) Tj 40 0 Td "
	    "[(4111)-250(1111)-250(1111)-250(1111)] TJ ET");
	/* the same number in clear in an uncompressed stream: one
	 * finding, not two */
	obj(&pdf, 5, "", "BT (5555555555554444) Tj ET", 27);
	flate_obj(&pdf, 6, "BT (5555555555554444) Tj ET");
	pdf_end(&pdf);
	scan_pdf_msg(&pdf, &res);
	assert_string_equal(scan_verdict_str(res.verdict), "pan");
	assert_int_equal(res.nfindings, 2);
	for (i = 0; i < res.nfindings; i++) {
		assert_string_equal(res.findings[i].where, "attachment:s.pdf");
		assert_null(memmem(&res.findings[i], sizeof(res.findings[i]),
		    VISA, 16));
	}
	scan_result_fini(&res);
	free(pdf.p);
}

static void
test_scan_encrypted_pdf(void **state)
{
	struct buf pdf = pdf_start();
	struct scan_result res;

	(void)state;
	flate_obj(&pdf, 4, "BT (x) Tj ET");
	puts_(&pdf, "trailer\n<< /Encrypt 9 0 R >>\n");
	scan_pdf_msg(&pdf, &res);
	assert_string_equal(scan_verdict_str(res.verdict), "unscannable");
	assert_string_equal(res.reason, "encrypted PDF");
	scan_result_fini(&res);
	free(pdf.p);
}

static void
test_scan_pdf_bomb(void **state)
{
	struct buf pdf = bomb(8u << 20);
	struct scan_result res;

	(void)state;
	scan_pdf_msg(&pdf, &res);
	assert_string_equal(scan_verdict_str(res.verdict), "unscannable");
	assert_string_equal(res.reason, "max_archive_ratio");
	scan_result_fini(&res);
	free(pdf.p);
}

int
main(void)
{
	static struct CMUnitTest t[64];
	size_t n = 0, i;

	for (i = 0; i < sizeof(trows) / sizeof(trows[0]); i++)
		t[n++] = (struct CMUnitTest){ trows[i].name, test_text_row,
		    NULL, NULL, (void *)&trows[i] };
	for (i = 0; i < sizeof(srows) / sizeof(srows[0]); i++)
		t[n++] = (struct CMUnitTest){ srows[i].name, test_skip_row,
		    NULL, NULL, (void *)&srows[i] };
#define T(f)	t[n++] = (struct CMUnitTest){ #f, f, NULL, NULL, NULL }
	T(test_raw_deflate);
	T(test_ascii_hex);
	T(test_ascii85_flate_chain);
	T(test_unfiltered_stream);
	T(test_wrong_length_uses_endstream);
	T(test_not_streams);
	T(test_truncated_file);
	T(test_damaged_flate);
	T(test_cmap_bfrange);
	T(test_cmap_bfchar_and_array);
	T(test_cmap_identity_range);
	T(test_cmap_without_digits_unused);
	T(test_encrypted);
	T(test_encrypt_metadata_is_not_encrypt);
	T(test_ratio_limit);
	T(test_ratio_off_and_budget);
	T(test_stream_count_limit);
	T(test_sniff);
	T(test_scan_pdf_attachment);
	T(test_scan_encrypted_pdf);
	T(test_scan_pdf_bomb);
#undef T
	assert_true(n <= sizeof(t) / sizeof(t[0]));
	return _cmocka_run_group_tests("dec_pdf", t, n, NULL, NULL);
}
