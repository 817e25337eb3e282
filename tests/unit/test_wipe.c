/*
 * test_wipe - scan_message() leaves no card number in freed memory.
 *
 * For each row, a message holding one PAN (the published test number
 * 4012888888881881) behind a different decoder (plain, base64, QP,
 * UTF-16, HTML, RFC 2047 header, zip, gzip, base64 message/rfc822) is
 * scanned with pm_arena_before_free_hook set: every arena chunk handed
 * to free() is searched for the PAN's digits (ASCII and UTF-16LE) and
 * for the start of its base64 form. Asserts: the verdict is "pan" (so
 * the decoded bytes did live in the arena), chunks were freed through
 * the hook, and none of them held the number. Covers arena memory only:
 * the caller's message buffer, libarchive's and iconv's own buffers are
 * outside the arena (see panmilter(8), SECURITY).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pm_arena.h"
#include "scan.h"

#define PAN	"4012888888881881"
#define HDR	"From: a@b.example\r\nTo: c@d.example\r\nSubject: t\r\n" \
		"MIME-Version: 1.0\r\n"
#define MP	"Content-Type: multipart/mixed; boundary=\"w\"\r\n\r\n" \
		"--w\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--w\r\n"

struct row {
	const char *name;
	const char *msg;
};

static const struct row rows[] = {
	{ "plain", HDR "\r\ncard " PAN " thanks\r\n" },
	{ "base64 text", HDR "Content-Transfer-Encoding: base64\r\n\r\n"
	  "Y2FyZCA0MDEyODg4ODg4ODgxODgxIHRoYW5rcwo=\r\n" },
	{ "quoted-printable split", HDR
	  "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	  "card 40128888=\r\n88881881 thanks\r\n" },
	{ "utf-16 base64", HDR "Content-Type: text/plain; charset=utf-16\r\n"
	  "Content-Transfer-Encoding: base64\r\n\r\n"
	  "//5jAGEAcgBkACAANAAwADEAMgA4ADgAOAA4ADgAOAA4ADgAMQA4ADgAMQAKAA==\r\n" },
	{ "html entities", HDR "Content-Type: text/html\r\n\r\n"
	  "<p>card <b>4012</b>&#56;&#56;&#56;&#56;88881881</p>\r\n" },
	{ "encoded-word subject", "From: a@b.example\r\nSubject: "
	  "=?utf-8?B?Y2FyZCA0MDEyODg4ODg4ODgxODgx?=\r\n\r\nhi\r\n" },
	{ "zip deflated", HDR MP "Content-Type: application/zip; "
	  "name=\"c.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	  "UEsDBBQAAAAIAAAId13Qa2MEGAAAAB0AAAAJAAAAY2FyZHMuY3N2y0vMTdVJTixK4arQMTEwNLKA\r\n"
	  "AkMg4gIAUEsBAhQDFAAAAAgAAAh3XdBrYwQYAAAAHQAAAAkAAAAAAAAAAAAAAIABAAAAAGNhcmRz\r\n"
	  "LmNzdlBLBQYAAAAAAQABADcAAAA/AAAAAAA=\r\n--w--\r\n" },
	{ "gzip", HDR MP "Content-Type: application/gzip; name=\"c.gz\"\r\n"
	  "Content-Transfer-Encoding: base64\r\n\r\n"
	  "H4sIAAAAAAACA0tOLEpRMDEwNLKAAkMg4gIA5D5DwhYAAAA=\r\n--w--\r\n" },
	{ "message/rfc822 base64", HDR "Content-Type: message/rfc822\r\n"
	  "Content-Transfer-Encoding: base64\r\n\r\n"
	  "U3ViamVjdDogaW5uZXINCg0KY2FyZCA0MDEyODg4ODg4ODgxODgxDQo=\r\n" },
};

static size_t hook_calls, hook_hits;

/* has_pan - the PAN's digits (ASCII or UTF-16LE) or base64 form in p */
static int
has_pan(const unsigned char *p, size_t n)
{
	static const char u16[] = "4\0" "0\0" "1\0" "2\0" "8\0" "8\0" "8\0"
	    "8\0" "8\0" "8\0" "8\0" "8\0" "1\0" "8\0" "8\0" "1";
	static const char *const b64[] = {
		/* "card 4012888888881881" and its shifted encodings */
		"MDEyODg4ODg4ODgx", "NDAxMjg4ODg4ODg4", NULL
	};
	size_t i;

	if (memmem(p, n, PAN, strlen(PAN)) != NULL
	    || memmem(p, n, u16, sizeof(u16) - 1) != NULL)
		return 1;
	for (i = 0; b64[i] != NULL; i++)
		if (memmem(p, n, b64[i], strlen(b64[i])) != NULL)
			return 1;
	return 0;
}

/* search_hook - before-free hook: count chunks still holding the PAN */
static void
search_hook(const void *p, size_t n)
{
	hook_calls++;
	if (has_pan(p, n))
		hook_hits++;
}

/* test_row - scan one row's message, inspect every freed chunk */
static void
test_row(void **state)
{
	const struct row *r = *state;
	struct scan_opts o;
	struct scan_result res;
	pm_status st;

	scan_opts_default(&o);
	hook_calls = hook_hits = 0;
	pm_arena_before_free_hook = search_hook;
	st = scan_message((const unsigned char *)r->msg, strlen(r->msg), &o,
	    &res);
	pm_arena_before_free_hook = NULL;
	assert_int_equal(st, PM_OK);
	assert_string_equal(scan_verdict_str(res.verdict), "pan");
	assert_true(res.nfindings >= 1);
	assert_true(hook_calls > 0);
	assert_int_equal(hook_hits, 0);
	scan_result_fini(&res);
}

/* test_hook_sees - control: the hook's search finds an unwiped PAN */
static void
test_hook_sees(void **state)
{
	unsigned char buf[64];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	memcpy(buf + 10, PAN, strlen(PAN));
	hook_calls = hook_hits = 0;
	search_hook(buf, sizeof(buf));
	assert_int_equal(hook_hits, 1);
	memset(buf, 'x', sizeof(buf));
	memcpy(buf + 3, "NDAxMjg4ODg4ODg4", 16);
	search_hook(buf, sizeof(buf));
	assert_int_equal(hook_hits, 2);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(rows) / sizeof(rows[0]) + 1];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = rows[i].name;
		tests[i].test_func = test_row;
		tests[i].initial_state = (void *)&rows[i];
	}
	memset(&tests[i], 0, sizeof(tests[i]));
	tests[i].name = "hook finds an unwiped PAN (control)";
	tests[i].test_func = test_hook_sees;
	return cmocka_run_group_tests_name("wipe", tests, NULL, NULL);
}
