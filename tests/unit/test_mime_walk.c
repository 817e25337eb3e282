/*
 * test_mime_walk - the MIME walker on hand-written rows, generated
 * hostile messages and the third-party corpus.
 *
 * Every leaf and header event is recorded as one text line:
 *	L <path> <type> <charset|-> <filename|-> <flags> <cte> [<body>]
 *	H <path> <name>: <value>
 * and rows compare the L lines exactly and look for H lines.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "mime_walk.h"
#include "pm_arena.h"
#include "pm_limits.h"

struct rec {
	char *l;		/* leaf lines */
	size_t ll, lc;
	char *h;		/* header lines */
	size_t hl, hc;
	const unsigned char *buf;	/* the walked buffer */
	size_t len;
	int bad_body;		/* a body outside the buffer */
	int bad_path;		/* a malformed path */
	unsigned leaves;
	unsigned defects;	/* OR of the leaves' defects */
};

/* rec_put - append to a growing test string */
static void
rec_put(char **s, size_t *len, size_t *cap, const char *p, size_t n)
{
	char *np = NULL;

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		np = malloc(*cap);
		assert_non_null(np);
		if (*s != NULL)
			memcpy(np, *s, *len);
		free(*s);
		*s = np;
	}
	memcpy(*s + *len, p, n);
	*len += n;
	(*s)[*len] = '\0';
}

static void rec_fmt(char **s, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* rec_fmt - printf into a record string */
static void
rec_fmt(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	rec_put(s, len, cap, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
	    sizeof(tmp) - 1);
}

/* path_ok - digits separated by single dots */
static int
path_ok(const char *p)
{
	int digit = 0;

	if (p == NULL || *p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digit = 1;
		else if (*p == '.' && digit)
			digit = 0;
		else
			return 0;
	}
	return digit;
}

/* rec_header - header callback */
static pm_status
rec_header(void *arg, const char *path, const char *name, const char *value,
    size_t len)
{
	struct rec *r = arg;

	if (path[0] != '\0' && !path_ok(path))
		r->bad_path = 1;
	rec_fmt(&r->h, &r->hl, &r->hc, "H %s %s: ", path, name);
	rec_put(&r->h, &r->hl, &r->hc, value, len);
	rec_put(&r->h, &r->hl, &r->hc, "\n", 1);
	return PM_OK;
}

/* rec_leaf - leaf callback */
static pm_status
rec_leaf(void *arg, const struct mime_part *p)
{
	struct rec *r = arg;

	r->leaves++;
	r->defects |= p->defects;
	if (!path_ok(p->path))
		r->bad_path = 1;
	if (p->body_off > r->len || p->body_len > r->len - p->body_off ||
	    p->body != r->buf + p->body_off)
		r->bad_body = 1;
	rec_fmt(&r->l, &r->ll, &r->lc, "L %s %s %s %s %u %d [", p->path,
	    p->type, p->charset ? p->charset : "-",
	    p->filename ? p->filename : "-", p->flags, (int)p->cte);
	if (!r->bad_body)
		rec_put(&r->l, &r->ll, &r->lc, (const char *)p->body,
		    p->body_len);
	rec_put(&r->l, &r->ll, &r->lc, "]\n", 2);
	return PM_OK;
}

static const struct mime_walk_ops rec_ops = { rec_header, rec_leaf };

/* rec_free - release a record */
static void
rec_free(struct rec *r)
{
	free(r->l);
	free(r->h);
	memset(r, 0, sizeof(*r));
}

/* walk - walk buf with limits lim into r; returns status */
static pm_status
walk(const char *buf, size_t len, const struct pm_limits *lim, struct rec *r,
    struct mime_walk *wout)
{
	struct pm_arena *a = pm_arena_new(0);
	struct mime_walk w;
	pm_status st;

	assert_non_null(a);
	memset(r, 0, sizeof(*r));
	rec_put(&r->l, &r->ll, &r->lc, "", 0);
	rec_put(&r->h, &r->hl, &r->hc, "", 0);
	r->buf = (const unsigned char *)buf;
	r->len = len;
	mime_walk_init(&w, a, lim, &rec_ops, r);
	st = mime_walk_message(&w, (const unsigned char *)buf, len, "", 0);
	if (wout != NULL)
		*wout = w;
	pm_arena_free(a);
	return st;
}

struct walk_case {
	const char *name;
	const char *msg;
	const char *leaves;	/* exact L lines */
	const char *hdr;	/* an H line that must appear, or NULL */
	unsigned defects;	/* bits that must be set in w.defects */
};

static const struct walk_case walk_cases[] = {
	{ "single_text",
	  "Subject: hi\nContent-Type: text/plain; charset=\"ISO-8859-1\"\n"
	  "\nhello\n",
	  "L 1 text/plain iso-8859-1 - 0 0 [hello\n]\n",
	  "H  Subject: hi\n", 0 },
	{ "no_headers_at_all",
	  "hello world\nsecond: line\n",
	  "L 1 text/plain - - 0 0 [hello world\nsecond: line\n]\n",
	  NULL, MIME_DEFECT_NO_HEADER_END },
	{ "empty_message", "", "L 1 text/plain - - 0 0 []\n", NULL, 0 },
	{ "nested_three_deep",
	  "Content-Type: multipart/mixed; boundary=\"a\"\n\n"
	  "--a\nContent-Type: text/plain\n\none\n"
	  "--a\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
	  "--b\nContent-Type: multipart/alternative; boundary=c\n\n"
	  "--c\nContent-Type: text/plain\n\ndeep\n--c--\n"
	  "--b\nContent-Type: text/plain\n\ntwo-two\n--b--\n"
	  "--a--\n",
	  "L 1 text/plain - - 0 0 [one]\n"
	  "L 2.1.1 text/plain - - 0 0 [deep]\n"
	  "L 2.2 text/plain - - 0 0 [two-two]\n",
	  "H 2.1.1 Content-Type: text/plain\n", 0 },
	{ "alternative_html",
	  "Content-Type: Multipart/Alternative;\n\tboundary=\"=_alt\"\n\n"
	  "--=_alt\nContent-Type: text/plain; charset=UTF-8\n\nplain\n"
	  "--=_alt\nContent-Type: TEXT/HTML; charset=UTF-8\n"
	  "Content-Transfer-Encoding: Quoted-Printable\n\n<p>x=3D1</p>\n"
	  "--=_alt--\n",
	  "L 1 text/plain utf-8 - 0 0 [plain]\n"
	  "L 2 text/html utf-8 - 0 4 [<p>x=3D1</p>]\n",
	  "H 2 Content-Transfer-Encoding: Quoted-Printable\n", 0 },
	{ "missing_final_boundary",
	  "Content-Type: multipart/mixed; boundary=z\n\n"
	  "--z\n\nfirst\n--z\n\nlast runs to the end\n",
	  "L 1 text/plain - - 0 0 [first]\n"
	  "L 2 text/plain - - 0 0 [last runs to the end\n]\n",
	  NULL, MIME_DEFECT_NO_FINAL_BOUNDARY },
	{ "boundary_in_preamble_epilogue",
	  "Content-Type: multipart/mixed; boundary=q\n\n"
	  "preamble text --q inline\n--qq not a boundary\n"
	  "--q\n\nbody\n--q--  \nepilogue\n--q\nnot a part\n",
	  "L 0 text/plain - - 2 0 [preamble text --q inline\n"
	  "--qq not a boundary]\n"
	  "L 1 text/plain - - 0 0 [body]\n"
	  "L 2 text/plain - - 4 0 [epilogue\n--q\nnot a part\n]\n",
	  NULL, 0 },
	{ "rfc822_with_multipart",
	  "Content-Type: multipart/mixed; boundary=o\n\n"
	  "--o\n\nouter text\n"
	  "--o\nContent-Type: message/rfc822\n\n"
	  "Subject: inner\nContent-Type: multipart/mixed; boundary=i\n\n"
	  "--i\n\ninner one\n--i\nContent-Type: text/csv\n\na,b\n--i--\n"
	  "--o--\n",
	  "L 1 text/plain - - 0 0 [outer text]\n"
	  "L 2.1 text/plain - - 0 0 [inner one]\n"
	  "L 2.2 text/csv - - 0 0 [a,b]\n",
	  "H 2 Subject: inner\n", 0 },
	{ "message_global_single",
	  "Content-Type: multipart/mixed; boundary=o\n\n"
	  "--o\n\nfirst\n"
	  "--o\nContent-Type: message/global\n\n"
	  "Subject: =?utf-8?q?gr=C3=BC=C3=9F?=\n\nbody of global\n"
	  "--o--\n",
	  "L 1 text/plain - - 0 0 [first]\n"
	  "L 2.1 text/plain - - 0 0 [body of global]\n",
	  "H 2 Subject: gr\xc3\xbc\xc3\x9f\n", 0 },
	{ "top_is_rfc822",
	  "Content-Type: message/rfc822\n\nSubject: in\n\ninner body\n",
	  "L 1.1 text/plain - - 0 0 [inner body\n]\n",
	  "H 1 Subject: in\n", 0 },
	{ "digest_default_type",
	  "Content-Type: multipart/digest; boundary=d\n\n"
	  "--d\n\nSubject: one\n\nmsg one\n"
	  "--d\nContent-Type: text/plain\n\nexplicit\n--d--\n",
	  "L 1.1 text/plain - - 0 0 [msg one]\n"
	  "L 2 text/plain - - 0 0 [explicit]\n",
	  "H 1 Subject: one\n", 0 },
	{ "subject_b_utf8",
	  "Subject: =?UTF-8?B?w6kgY2Fmw6k=?=\n\nx",
	  "L 1 text/plain - - 0 0 [x]\n",
	  "H  Subject: \xc3\xa9 caf\xc3\xa9\n", 0 },
	{ "subject_q_latin1_joined",
	  "Subject: =?iso-8859-1?q?caf=E9?=\n =?ISO-8859-1?Q?_cr=E8me?= end\n"
	  "\nx",
	  "L 1 text/plain - - 0 0 [x]\n",
	  "H  Subject: caf\xc3\xa9 cr\xc3\xa8me end\n", 0 },
	{ "subject_windows1252",
	  "Subject: =?windows-1252?Q?=80_5_=96_price?=\n\nx",
	  "L 1 text/plain - - 0 0 [x]\n",
	  "H  Subject: \xe2\x82\xac 5 \xe2\x80\x93 price\n", 0 },
	{ "filename_rfc2231_continuations",
	  "Content-Type: application/pdf\n"
	  "Content-Disposition: attachment;\n"
	  " filename*0*=utf-8''Rechnung%20f%C3%BCr;\n"
	  " filename*1*=%20M%C3%A4rz;\n filename*2=\".pdf\"\n"
	  "Content-Transfer-Encoding: base64\n\nAAAA\n",
	  "L 1 application/pdf - Rechnung f\xc3\xbcr M\xc3\xa4rz.pdf 1 3 "
	  "[AAAA\n]\n", NULL, 0 },
	{ "filename_outlook_2047_quoted",
	  "Content-Type: multipart/mixed; boundary=x\n\n"
	  "--x\nContent-Type: application/octet-stream;\n"
	  "\tname=\"=?utf-8?B?w7xiZXIudHh0?=\"\n"
	  "Content-Disposition: attachment;\n"
	  "\tfilename=\"=?iso-8859-1?Q?=FCber=2Etxt?=\"\n\ndata\n--x--\n",
	  "L 1 application/octet-stream - \xc3\xbc" "ber.txt 1 0 [data]\n",
	  NULL, 0 },
	/* =00 in an encoded file name: a space, not the end of the name */
	{ "filename_2047_nul_is_space",
	  "Content-Type: application/octet-stream\n"
	  "Content-Disposition: attachment;\n"
	  "\tfilename=\"=?utf-8?Q?a=00b.txt?=\"\n\ndata\n",
	  "L 1 application/octet-stream - a b.txt 1 0 [data\n]\n", NULL, 0 },
	{ "filename_from_ct_name",
	  "Content-Type: text/plain; name=notes.txt\n\nn\n",
	  "L 1 text/plain - notes.txt 0 0 [n\n]\n", NULL, 0 },
	/* the label proves nothing: its parts are walked, scan_prot
	 * decides from the content whether it is encrypted */
	{ "encrypted_descended",
	  "Content-Type: multipart/encrypted; boundary=e;\n"
	  " protocol=\"application/pgp-encrypted\"\n\n"
	  "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	  "--e\nContent-Type: application/octet-stream\n\nBLOB\n--e--\n",
	  "L 1 application/pgp-encrypted - - 0 0 [Version: 1]\n"
	  "L 2 application/octet-stream - - 0 0 [BLOB]\n", NULL, 0 },
	{ "pkcs7_not_descended",
	  "Content-Type: multipart/mixed; boundary=s\n\n"
	  "--s\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data"
	  "\nContent-Transfer-Encoding: base64\n\nMIAG\n--s--\n",
	  "L 1 application/pkcs7-mime - - 0 3 [MIAG]\n", NULL, 0 },
	{ "empty_boundary",
	  "Content-Type: multipart/mixed; boundary=\"\"\n\n"
	  "--\n\nempty one\n--\n\nempty two\n----\n",
	  "L 1 text/plain - - 0 0 [empty one]\n"
	  "L 2 text/plain - - 0 0 [empty two]\n", NULL, 0 },
	{ "inner_boundary_extends_outer",
	  "Content-Type: multipart/mixed; boundary=abc\n\n"
	  "--abc\nContent-Type: multipart/mixed; boundary=abcdef\n\n"
	  "--abcdef\n\ninner1\n--abcdef\n\ninner2\n--abcdef--\n"
	  "--abc\n\nouter2\n--abc--\n",
	  "L 1.1 text/plain - - 0 0 [inner1]\n"
	  "L 1.2 text/plain - - 0 0 [inner2]\n"
	  "L 2 text/plain - - 0 0 [outer2]\n", NULL, 0 },
	{ "inner_boundary_prefix_of_outer",
	  "Content-Type: multipart/mixed; boundary=abcdef\n\n"
	  "--abcdef\nContent-Type: multipart/mixed; boundary=abc\n\n"
	  "--abc\n\ninner1\n--abc--\n"
	  "--abcdef\n\nouter2\n--abcdef--\n",
	  "L 1.1 text/plain - - 0 0 [inner1]\n"
	  "L 2 text/plain - - 0 0 [outer2]\n", NULL, 0 },
	{ "no_boundary_param_guessed",
	  "Content-Type: multipart/mixed\n\n--x\n\ntext\n--x--\n",
	  "L 1 text/plain - - 0 0 [text]\n", NULL,
	  MIME_DEFECT_NO_BOUNDARY_PARAM },
	{ "no_boundary_param_no_guess",
	  "Content-Type: multipart/mixed; bo\n\nplain\n-- \nsig\n",
	  "L 1 text/plain - - 0 0 [plain\n-- \nsig\n]\n", NULL,
	  MIME_DEFECT_NO_BOUNDARY_PARAM },
	{ "utf8_bom_before_headers",
	  "\xef\xbb\xbfSubject: bom\nContent-Type: text/html\n\n<i>x</i>",
	  "L 1 text/html - - 0 0 [<i>x</i>]\n", "H  Subject: bom\n", 0 },
	{ "boundary_not_found",
	  "Content-Type: multipart/mixed; boundary=nope\n\nplain text\n",
	  "L 1 text/plain - - 0 0 [plain text\n]\n", NULL,
	  MIME_DEFECT_BOUNDARY_NOT_FOUND },
	{ "close_delimiter_only",
	  "Content-Type: multipart/mixed; boundary=k\n\ntext\n--k--\n",
	  "L 1 text/plain - - 0 0 [text\n--k--\n]\n", NULL,
	  MIME_DEFECT_BOUNDARY_NOT_FOUND },
	{ "header_without_blank_line",
	  "Subject: x\nContent-Type: text/plain\nthis is body text\nmore\n",
	  "L 1 text/plain - - 0 0 [this is body text\nmore\n]\n", NULL,
	  MIME_DEFECT_NO_HEADER_END | MIME_DEFECT_BAD_HEADER },
	{ "junk_line_between_fields",
	  "Subject: x\njunk line here\nContent-Type: text/html\n\n<b>b</b>",
	  "L 1 text/html - - 0 0 [<b>b</b>]\n",
	  "H  : junk line here\n", MIME_DEFECT_BAD_HEADER },
	{ "mbox_from_line",
	  "From someone@example.org Mon Jan  1 00:00:00 2024\n"
	  "Subject: mbox\n\nbody\n",
	  "L 1 text/plain - - 0 0 [body\n]\n", "H  Subject: mbox\n", 0 },
	{ "cte_variants",
	  "Content-Type: multipart/mixed; boundary=c\n\n"
	  "--c\nContent-Transfer-Encoding: X-UUEncode\n\nbegin\n"
	  "--c\nContent-Transfer-Encoding: x-weird\n\nraw\n"
	  "--c\nContent-Transfer-Encoding: 8BIT (comment)\n\neight\n--c--\n",
	  "L 1 text/plain - - 0 5 [begin]\n"
	  "L 2 text/plain - - 0 6 [raw]\n"
	  "L 3 text/plain - - 0 1 [eight]\n", NULL,
	  MIME_DEFECT_UNKNOWN_CTE },
	{ "encoded_rfc822_is_leaf",
	  "Content-Type: multipart/mixed; boundary=m\n\n--m\n\nhi\n"
	  "--m\nContent-Type: message/rfc822\nContent-Transfer-Encoding: "
	  "base64\n\nU3ViamVjdDogeA0KDQpib2R5\n--m--\n",
	  "L 1 text/plain - - 0 0 [hi]\n"
	  "L 2 message/rfc822 - - 0 3 [U3ViamVjdDogeA0KDQpib2R5]\n",
	  NULL, 0 },
	{ "folded_subject_unfolded",
	  "Subject: part one\r\n\tpart two\r\n  three\r\n\r\nb",
	  "L 1 text/plain - - 0 0 [b]\n",
	  "H  Subject: part one\tpart two  three\n", 0 },
	{ "duplicate_ct_multipart_wins",
	  "Content-Type: text/plain\nContent-Type: multipart/mixed; "
	  "boundary=d\n\n--d\nContent-Transfer-Encoding: base64\n\nQUJD\n"
	  "--d--\n",
	  "L 1 text/plain - - 0 3 [QUJD]\n", NULL, MIME_DEFECT_BAD_HEADER },
	{ "missing_subtype",
	  "Content-Type: multipart; boundary=w\n\n--w\n\nwp\n--w--\n",
	  "L 1 text/plain - - 0 0 [wp]\n", NULL, MIME_DEFECT_BAD_HEADER },
};

/* test_walk_row - one table row */
static void
test_walk_row(void **state)
{
	const struct walk_case *c = *state;
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	pm_status st;

	pm_limits_default(&lim);
	st = walk(c->msg, strlen(c->msg), &lim, &r, &w);
	assert_int_equal(st, PM_OK);
	assert_string_equal(r.l, c->leaves);
	if (c->hdr != NULL && strstr(r.h, c->hdr) == NULL)
		fail_msg("header line %s not in\n%s", c->hdr, r.h);
	assert_int_equal(w.defects & c->defects, c->defects);
	assert_false(r.bad_body);
	assert_false(r.bad_path);
	/* a truncated multipart marks its last part too */
	assert_int_equal(r.defects & c->defects &
	    MIME_DEFECT_NO_FINAL_BOUNDARY,
	    c->defects & MIME_DEFECT_NO_FINAL_BOUNDARY);
	rec_free(&r);
}

/* to_crlf - malloc'd copy of s with every LF made CRLF */
static char *
to_crlf(const char *s, size_t *outlen)
{
	size_t n = strlen(s), i, k = 0;
	char *o = malloc(2 * n + 1);

	assert_non_null(o);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			o[k++] = '\r';
		o[k++] = s[i];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

/* strip_cr - remove every CR in place */
static void
strip_cr(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++)
		if (*s != '\r')
			*d++ = *s;
	*d = '\0';
}

/* test_crlf_same_as_lf - CRLF and LF versions give the same leaves */
static void
test_crlf_same_as_lf(void **state)
{
	struct pm_limits lim;
	struct rec a, b;
	size_t i, n;
	char *crlf = NULL;

	(void)state;
	pm_limits_default(&lim);
	for (i = 0; i < sizeof(walk_cases) / sizeof(walk_cases[0]); i++) {
		crlf = to_crlf(walk_cases[i].msg, &n);
		assert_int_equal(walk(walk_cases[i].msg,
		    strlen(walk_cases[i].msg), &lim, &a, NULL), PM_OK);
		assert_int_equal(walk(crlf, n, &lim, &b, NULL), PM_OK);
		strip_cr(b.l);
		strip_cr(b.h);
		strip_cr(a.h);
		if (strcmp(a.l, b.l) != 0 || strcmp(a.h, b.h) != 0)
			fail_msg("row %s differs with CRLF:\n%s\nvs\n%s",
			    walk_cases[i].name, a.l, b.l);
		assert_false(b.bad_body);
		rec_free(&a);
		rec_free(&b);
		free(crlf);
	}
}

/* walk_exact - walk a malloc'd copy of exactly n bytes (ASan bounds) */
static void
walk_exact(const char *src, size_t n, const char *row)
{
	struct pm_limits lim;
	struct rec r;
	char *copy = malloc(n > 0 ? n : 1);
	pm_status st;

	assert_non_null(copy);
	memcpy(copy, src, n);
	pm_limits_default(&lim);
	st = walk(copy, n, &lim, &r, NULL);
	if (st != PM_OK || r.leaves == 0 || r.bad_body || r.bad_path)
		fail_msg("row %s at %zu bytes: st %d leaves %u", row, n,
		    (int)st, r.leaves);
	rec_free(&r);
	free(copy);
}

/* test_truncations - every row cut at every offset still walks */
static void
test_truncations(void **state)
{
	size_t i, n, len;

	(void)state;
	for (i = 0; i < sizeof(walk_cases) / sizeof(walk_cases[0]); i++) {
		len = strlen(walk_cases[i].msg);
		for (n = 0; n <= len; n++)
			walk_exact(walk_cases[i].msg, n, walk_cases[i].name);
	}
}

/* test_mutations - seeded byte substitutions with MIME syntax bytes */
static void
test_mutations(void **state)
{
	static const char alphabet[] = "-\n\r:;=\"?\\ ()*'%\t/_Bq";
	uint32_t seed = 12345;
	size_t i, k, len;
	char buf[1024];
	int m;

	(void)state;
	for (i = 0; i < sizeof(walk_cases) / sizeof(walk_cases[0]); i++) {
		len = strlen(walk_cases[i].msg);
		if (len == 0 || len > sizeof(buf))
			continue;
		for (m = 0; m < 200; m++) {
			memcpy(buf, walk_cases[i].msg, len);
			for (k = 0; k < 4; k++) {
				seed = seed * 1103515245u + 12345u;
				buf[(seed >> 8) % len] = alphabet[(seed >> 20) %
				    (sizeof(alphabet) - 1)];
			}
			walk_exact(buf, len, walk_cases[i].name);
		}
	}
}

/* test_pure_function - same output on repeat and at another address */
static void
test_pure_function(void **state)
{
	const struct walk_case *c = &walk_cases[7];	/* rfc822 */
	struct pm_limits lim;
	struct rec a, b, d;
	size_t n = strlen(c->msg);
	char *copy = malloc(n + 7);

	(void)state;
	assert_non_null(copy);
	memcpy(copy + 7, c->msg, n);
	pm_limits_default(&lim);
	assert_int_equal(walk(c->msg, n, &lim, &a, NULL), PM_OK);
	assert_int_equal(walk(c->msg, n, &lim, &b, NULL), PM_OK);
	assert_int_equal(walk(copy + 7, n, &lim, &d, NULL), PM_OK);
	assert_string_equal(a.l, b.l);
	assert_string_equal(a.h, b.h);
	assert_string_equal(a.l, d.l);
	assert_string_equal(a.h, d.h);
	rec_free(&a);
	rec_free(&b);
	rec_free(&d);
	free(copy);
}

/* test_encoded_rfc822_rewalk - caller's second call numbers path.1... */
static void
test_encoded_rfc822_rewalk(void **state)
{
	static const char dec[] = "Subject: enc\n\nsingle body\n";
	static const char decmp[] = "Content-Type: multipart/mixed; "
	    "boundary=y\n\n--y\n\nA\n--y\n\nB\n--y--\n";
	struct pm_arena *a = pm_arena_new(0);
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;

	(void)state;
	assert_non_null(a);
	pm_limits_default(&lim);
	memset(&r, 0, sizeof(r));
	rec_put(&r.l, &r.ll, &r.lc, "", 0);
	rec_put(&r.h, &r.hl, &r.hc, "", 0);
	mime_walk_init(&w, a, &lim, &rec_ops, &r);
	r.buf = (const unsigned char *)dec;
	r.len = sizeof(dec) - 1;
	assert_int_equal(mime_walk_message(&w, r.buf, r.len, "2", 2), PM_OK);
	r.buf = (const unsigned char *)decmp;
	r.len = sizeof(decmp) - 1;
	assert_int_equal(mime_walk_message(&w, r.buf, r.len, "3", 2), PM_OK);
	assert_string_equal(r.l, "L 2.1 text/plain - - 0 0 [single body\n]\n"
	    "L 3.1 text/plain - - 0 0 [A]\nL 3.2 text/plain - - 0 0 [B]\n");
	assert_non_null(strstr(r.h, "H 2 Subject: enc\n"));
	assert_int_equal(w.nparts, 3);
	/* depth past the limit at once */
	assert_int_equal(mime_walk_message(&w, r.buf, r.len, "4",
	    lim.max_depth + 1), PM_ELIMIT);
	assert_string_equal(w.limit, "max_depth");
	rec_free(&r);
	pm_arena_free(a);
}

struct offs {
	size_t hdr_off[4], body_off[4], body_len[4];
	unsigned depth[4];
	unsigned n;
};

/* offs_leaf - record offsets of the first four leaves */
static pm_status
offs_leaf(void *arg, const struct mime_part *p)
{
	struct offs *o = arg;

	if (o->n < 4) {
		o->hdr_off[o->n] = p->hdr_off;
		o->body_off[o->n] = p->body_off;
		o->body_len[o->n] = p->body_len;
		o->depth[o->n] = p->depth;
	}
	o->n++;
	return PM_OK;
}

/* test_offsets - hdr_off, body_off and depth of leaves */
static void
test_offsets(void **state)
{
	static const struct mime_walk_ops ops = { NULL, offs_leaf };
	static const char m[] = "Content-Type: multipart/mixed; boundary=a\n"
	    "\n--a\nContent-Type: text/plain\n\none\n--a\n"
	    "Content-Type: message/rfc822\n\nSubject: s\n\ntwo\n--a--\n";
	struct pm_arena *a = pm_arena_new(0);
	struct pm_limits lim;
	struct mime_walk w;
	struct offs o;

	(void)state;
	assert_non_null(a);
	memset(&o, 0, sizeof(o));
	pm_limits_default(&lim);
	mime_walk_init(&w, a, &lim, &ops, &o);
	assert_int_equal(mime_walk_message(&w, (const unsigned char *)m,
	    sizeof(m) - 1, "", 0), PM_OK);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.hdr_off[0], strstr(m, "Content-Type: text") - m);
	assert_int_equal(o.body_off[0], strstr(m, "one") - m);
	assert_int_equal(o.body_len[0], 3);
	assert_int_equal(o.depth[0], 1);
	assert_int_equal(o.hdr_off[1], strstr(m, "Subject") - m);
	assert_int_equal(o.body_off[1], strstr(m, "two") - m);
	assert_int_equal(o.body_len[1], 3);
	assert_int_equal(o.depth[1], 2);
	pm_arena_free(a);
}

/* gen_deep - n nested multiparts, each with its own boundary */
static char *
gen_deep(unsigned n, size_t *len)
{
	size_t cap = (size_t)n * 80 + 64, k = 0;
	char *s = malloc(cap);
	unsigned i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(s + k, cap - k, "Content-Type: "
		    "multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
	k += (size_t)snprintf(s + k, cap - k, "\ndeepest\n");
	*len = k;
	return s;
}

/* test_depth_limit - 10000-deep nesting ends in PM_ELIMIT max_depth */
static void
test_depth_limit(void **state)
{
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	size_t len;
	char *s = gen_deep(10000, &len);

	(void)state;
	pm_limits_default(&lim);
	assert_int_equal(walk(s, len, &lim, &r, &w), PM_ELIMIT);
	assert_string_equal(w.limit, "max_depth");
	assert_int_equal(r.leaves, 0);
	rec_free(&r);
	lim.max_depth = 100000;	/* the hard recursion cap still holds */
	assert_int_equal(walk(s, len, &lim, &r, &w), PM_ELIMIT);
	assert_string_equal(w.limit, "max_depth");
	rec_free(&r);
	free(s);
	/* a shallow one under a small limit passes, one deeper fails */
	s = gen_deep(3, &len);
	lim.max_depth = 3;
	assert_int_equal(walk(s, len, &lim, &r, &w), PM_OK);
	assert_int_equal(r.leaves, 1);
	assert_string_equal(r.l, "L 1.1.1 text/plain - - 0 0 [deepest\n]\n");
	rec_free(&r);
	lim.max_depth = 2;
	assert_int_equal(walk(s, len, &lim, &r, &w), PM_ELIMIT);
	rec_free(&r);
	free(s);
}

/* test_depth_limit_rfc822 - 10000 nested message/rfc822 */
static void
test_depth_limit_rfc822(void **state)
{
	static const char lvl[] = "Content-Type: message/rfc822\n\n";
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	size_t n = 10000, i, ll = sizeof(lvl) - 1;
	char *s = malloc(n * ll + 8);

	(void)state;
	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * ll, lvl, ll);
	memcpy(s + n * ll, "body\n", 5);
	pm_limits_default(&lim);
	assert_int_equal(walk(s, n * ll + 5, &lim, &r, &w), PM_ELIMIT);
	assert_string_equal(w.limit, "max_depth");
	rec_free(&r);
	free(s);
}

/* test_parts_limit - 100000 parts end in PM_ELIMIT max_parts */
static void
test_parts_limit(void **state)
{
	static const char hdr[] = "Content-Type: multipart/mixed; "
	    "boundary=x\n\n";
	static const char part[] = "--x\n\npart\n";
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	size_t n = 100000, i, k = 0, pl = sizeof(part) - 1;
	char *s = malloc(sizeof(hdr) + n * pl + 8);

	(void)state;
	assert_non_null(s);
	memcpy(s, hdr, sizeof(hdr) - 1);
	k = sizeof(hdr) - 1;
	for (i = 0; i < n; i++, k += pl)
		memcpy(s + k, part, pl);
	memcpy(s + k, "--x--\n", 6);
	k += 6;
	pm_limits_default(&lim);
	assert_int_equal(walk(s, k, &lim, &r, &w), PM_ELIMIT);
	assert_string_equal(w.limit, "max_parts");
	assert_int_equal(w.nparts, lim.max_parts);
	assert_int_equal(r.leaves, lim.max_parts);
	rec_free(&r);
	lim.max_parts = 200000;
	assert_int_equal(walk(s, k, &lim, &r, &w), PM_OK);
	assert_int_equal(r.leaves, 100000);
	rec_free(&r);
	free(s);
}

/* test_long_boundary - 200-char boundary accepted, 2000 refused */
static void
test_long_boundary(void **state)
{
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	char b[2001], *s = malloc(8192);
	size_t blen;

	(void)state;
	assert_non_null(s);
	pm_limits_default(&lim);
	for (blen = 200; blen <= 2000; blen += 1800) {
		memset(b, 'B', blen);
		b[blen] = '\0';
		snprintf(s, 8192, "Content-Type: multipart/mixed; boundary=%s"
		    "\n\n--%s\n\none\n--%s--\n", b, b, b);
		assert_int_equal(walk(s, strlen(s), &lim, &r, &w), PM_OK);
		if (blen == 200)
			assert_string_equal(r.l,
			    "L 1 text/plain - - 0 0 [one]\n");
		else
			assert_true(w.defects & MIME_DEFECT_BAD_PARAM);
		assert_int_equal(r.leaves, 1);
		rec_free(&r);
	}
	free(s);
}

/* test_header_callback_stops - a callback error is returned */
static pm_status
stop_header(void *arg, const char *path, const char *name, const char *v,
    size_t n)
{
	(void)arg; (void)path; (void)name; (void)v; (void)n;
	return PM_EIO;
}

/* test_callback_status - the first non-OK callback status comes back */
static void
test_callback_status(void **state)
{
	static const struct mime_walk_ops ops = { stop_header, NULL };
	static const char m[] = "Subject: a\n\nb";
	struct pm_arena *a = pm_arena_new(0);
	struct pm_limits lim;
	struct mime_walk w;

	(void)state;
	pm_limits_default(&lim);
	mime_walk_init(&w, a, &lim, &ops, NULL);
	assert_int_equal(mime_walk_message(&w, (const unsigned char *)m,
	    sizeof(m) - 1, "", 0), PM_EIO);
	pm_arena_free(a);
}

static unsigned corpus_files;

/* corpus_one - walk one corpus file and check the invariants */
static int
corpus_one(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n;
	pm_status st;

	(void)ftw;
	if (type != FTW_F || sb->st_size > 16 * 1024 * 1024)
		return 0;
	f = fopen(path, "rb");
	assert_non_null(f);
	buf = malloc((size_t)sb->st_size + 1);
	assert_non_null(buf);
	n = fread(buf, 1, (size_t)sb->st_size, f);
	fclose(f);
	pm_limits_default(&lim);
	st = walk(buf, n, &lim, &r, &w);
	if (st != PM_OK && st != PM_ELIMIT)
		fail_msg("%s: status %d", path, (int)st);
	if (r.leaves == 0 || r.bad_body || r.bad_path)
		fail_msg("%s: leaves %u bad_body %d bad_path %d", path,
		    r.leaves, r.bad_body, r.bad_path);
	rec_free(&r);
	free(buf);
	corpus_files++;
	return 0;
}

/* corpus_path - the third-party corpus (PM_CORPUS, else ../shared/...),
 * or a failure that says where it was looked for and what to do */
static const char *
corpus_path(char *buf, size_t len, const char *rel)
{
	const char *dir = getenv("PM_CORPUS");
	struct stat sb;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/corpus/third_party";
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		fail_msg("%s not found: the third-party corpus lives in "
		    "../shared/corpus beside the project; set PM_CORPUS to its "
		    "third_party directory", dir);
	snprintf(buf, len, "%s%s%s", dir, *rel ? "/" : "", rel);
	return buf;
}

/* test_corpus - every third-party message walks cleanly */
static void
test_corpus(void **state)
{
	char path[4096];

	(void)state;
	corpus_files = 0;
	assert_int_equal(nftw(corpus_path(path, sizeof(path), ""), corpus_one,
	    16, FTW_PHYS), 0);
	assert_true(corpus_files >= 171);
}

/* test_corpus_stack_overflow - thousands of encoded words in To: */
static void
test_corpus_stack_overflow(void **state)
{
	char path[4096];
	struct pm_limits lim;
	struct mime_walk w;
	struct rec r;
	FILE *f = fopen(corpus_path(path, sizeof(path),
	    "mimekit/messages/stack-overflow.txt"), "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	(void)state;
	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	assert_non_null(buf);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	pm_limits_default(&lim);
	assert_int_equal(walk(buf, n, &lim, &r, &w), PM_OK);
	assert_true(r.leaves >= 1);
	assert_null(strstr(r.h, "=?utf-8?"));	/* every word decoded */
	rec_free(&r);
	free(buf);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_crlf_same_as_lf),
		cmocka_unit_test(test_pure_function),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_encoded_rfc822_rewalk),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_depth_limit_rfc822),
		cmocka_unit_test(test_parts_limit),
		cmocka_unit_test(test_long_boundary),
		cmocka_unit_test(test_callback_status),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_stack_overflow),
	};
	enum { NROWS = sizeof(walk_cases) / sizeof(walk_cases[0]),
	    NFIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[NROWS + NFIXED];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NROWS; i++) {
		tests[i].name = walk_cases[i].name;
		tests[i].test_func = test_walk_row;
		tests[i].initial_state = (void *)&walk_cases[i];
	}
	for (i = 0; i < NFIXED; i++)
		tests[NROWS + i] = fixed[i];
	return cmocka_run_group_tests_name("mime_walk", tests, NULL, NULL);
}
