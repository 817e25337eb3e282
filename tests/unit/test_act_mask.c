/*
 * test_act_mask - the mask action executor, table-driven.
 *
 * Every row runs act_mask() on a message and checks the status, the new
 * body (exactly, or one re-decoded base64 part), the header edits; after
 * every PM_OK the test rebuilds the message on its own (header edits
 * applied by name/index, new body), asserts that scan_message() finds no
 * PAN or track data in it and that no full PAN is left in its bytes.
 * Only published test numbers are used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "act_mask.h"
#include "dec_b64.h"
#include "mime_word.h"
#include "pangen.h"
#include "pm_arena.h"
#include "scan.h"

#define CRLF "\r\n"

struct am_row {
	const char *name;
	const char *msg;		/* NULL: built by build() */
	void (*build)(char **msg, size_t *len);
	enum pan_mask_style style;
	pm_status want_st;
	int body_null;			/* want body == NULL */
	const char *want_body;		/* exact new body, or NULL */
	const char *part_after;		/* base64 part after this text... */
	const char *want_part;		/* ...decodes to this */
	size_t want_part_len;
	const char *hdr_name;		/* one header edit wanted, or NULL */
	int hdr_index;
	const char *hdr_value;		/* exact value, or NULL */
	const char *hdr_decoded;	/* value after RFC 2047 decoding */
	unsigned masked;		/* PANs masked (0: not checked) */
	const char *why_has;		/* PM_ELIMIT: why contains this */
};

/* full PANs that must never be in a masked message, in the forms the
 * rows write them */
static const char *const full_pans[] = {
	"4111111111111111", "4111 1111 1111 1111", "5555555555554444",
	"5555 5555 5555 4444", "5555-5555-5555-4444", "378282246310005",
	"6011111111111117", "5105105105105100", NULL
};

static const char csv_masked[] = "name,card\r\nAlice,411111******1111\r\n"
    "Bob,5555 55** **** 4444\r\nCarol,378282*****0005\r\nDan,none\r\n";

static const char utf16_masked[] = "\xff\xfe"
    "C\0a\0r\0d\0 \0" "4\0" "1\0" "1\0" "1\0 \0" "1\0" "1\0*\0*\0 \0*\0*\0"
    "*\0*\0 \0" "1\0" "1\0" "1\0" "1\0 \0o\0k\0\r\0\n\0";

static const char utf16le_masked[] =
    "C\0a\0r\0d\0 \0" "5\0" "5\0" "5\0" "5\0 \0" "5\0" "5\0*\0*\0 \0"
    "*\0*\0*\0*\0 \0" "4\0" "4\0" "4\0" "4\0\n\0";

static const char invoice_masked[] =
    "Invoice paid with 6011 11** **** 1117.\r\nThanks\r\n";

/* build_zip - a multipart with a zip attachment holding a card number */
static void
build_zip(char **msg, size_t *len)
{
	static const char csv[] = "card\n4111111111111111\n";
	static const char head[] = "From: a@example.com" CRLF
	    "Subject: export" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"ZZ\"" CRLF CRLF
	    "--ZZ" CRLF "Content-Type: text/plain" CRLF CRLF "see attached"
	    CRLF "--ZZ" CRLF "Content-Type: application/zip; name=\"c.zip\""
	    CRLF "Content-Transfer-Encoding: base64" CRLF CRLF;
	static const char tail[] = CRLF "--ZZ--" CRLF;
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char zip[4096];
	size_t used = 0, i, o;
	struct archive *aw = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char *m = NULL;

	assert_non_null(aw);
	assert_non_null(e);
	assert_int_equal(archive_write_set_format_zip(aw), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(aw, zip, sizeof(zip),
	    &used), ARCHIVE_OK);
	archive_entry_set_pathname(e, "cards.csv");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, sizeof(csv) - 1);
	assert_int_equal(archive_write_header(aw, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(aw, csv, sizeof(csv) - 1),
	    (la_ssize_t)(sizeof(csv) - 1));
	archive_entry_free(e);
	assert_int_equal(archive_write_close(aw), ARCHIVE_OK);
	archive_write_free(aw);
	m = malloc(sizeof(head) + used * 2 + sizeof(tail) + 8);
	assert_non_null(m);
	memcpy(m, head, sizeof(head) - 1);
	o = sizeof(head) - 1;
	for (i = 0; i < used; i += 3) {		/* one long base64 line */
		unsigned v = (unsigned)zip[i] << 16 | (i + 1 < used ?
		    (unsigned)zip[i + 1] << 8 : 0) | (i + 2 < used ?
		    zip[i + 2] : 0);

		m[o++] = tab[v >> 18 & 63];
		m[o++] = tab[v >> 12 & 63];
		m[o++] = i + 1 < used ? tab[v >> 6 & 63] : '=';
		m[o++] = i + 2 < used ? tab[v & 63] : '=';
	}
	memcpy(m + o, tail, sizeof(tail) - 1);
	*len = o + sizeof(tail) - 1;
	*msg = m;
}

static const struct am_row am_rows[] = {
	{ .name = "plain_7bit_crlf",
	  .msg = "From: a@example.com" CRLF "To: b@example.com" CRLF
	    "Subject: order" CRLF CRLF "Please charge 4111 1111 1111 1111 "
	    "today." CRLF "Thanks" CRLF,
	  .want_body = "Please charge 4111 11** **** 1111 today." CRLF
	    "Thanks" CRLF, .masked = 1 },
	{ .name = "plain_7bit_lf",
	  .msg = "From: a@example.com\nSubject: order\n\n"
	    "card 5555555555554444 exp 12/27\nbye\n",
	  .want_body = "card 555555******4444 exp 12/27\nbye\n", .masked = 1 },
	{ .name = "last4_style", .style = PAN_MASK_LAST4,
	  .msg = "Subject: x\n\nnumber 4111111111111111\n",
	  .want_body = "number ************1111\n", .masked = 1 },
	{ .name = "qp_soft_break_in_number",
	  .msg = "Subject: qp" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: text/plain; charset=utf-8" CRLF
	    "Content-Transfer-Encoding: quoted-printable" CRLF CRLF
	    "Card: 4111 11=" CRLF "11 1111 1111 caf=C3=A9 =3D" CRLF,
	  .want_body = "Card: 4111 11** **** 1111 caf=C3=A9 =3D" CRLF,
	  .masked = 1 },
	{ .name = "base64_csv_attachment",
	  .msg = "From: a@example.com" CRLF "Subject: export" CRLF
	    "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"XX\"" CRLF CRLF
	    "--XX" CRLF "Content-Type: text/plain" CRLF CRLF
	    "clean text part" CRLF "--XX" CRLF
	    "Content-Type: text/csv; name=\"cards.csv\"" CRLF
	    "Content-Disposition: attachment; filename=\"cards.csv\"" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "bmFtZSxjYXJkDQpBbGljZSw0MTExMTExMTExMTExMTExDQpCb2IsNTU1NSA1NTU1"
	    "IDU1NTUgNDQ0" CRLF
	    "NA0KQ2Fyb2wsMzc4MjgyMjQ2MzEwMDA1DQpEYW4sbm9uZQ0K" CRLF
	    "--XX--" CRLF,
	  .part_after = "Content-Transfer-Encoding: base64" CRLF CRLF,
	  .want_part = csv_masked, .want_part_len = sizeof(csv_masked) - 1,
	  .masked = 3 },
	{ .name = "multipart_clean_parts_identical",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"BB\"" CRLF CRLF
	    "Preamble 5105105105105100." CRLF
	    "--BB" CRLF "Content-Type: text/plain" CRLF CRLF
	    "clean part one" CRLF
	    "--BB" CRLF "Content-Type: text/plain; charset=us-ascii" CRLF CRLF
	    "pay 5555-5555-5555-4444 now" CRLF
	    "--BB" CRLF "Content-Type: application/octet-stream" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF "AAECAwQF" CRLF
	    "--BB--" CRLF "epilogue 378282246310005" CRLF,
	  .want_body = "Preamble 510510******5100." CRLF
	    "--BB" CRLF "Content-Type: text/plain" CRLF CRLF
	    "clean part one" CRLF
	    "--BB" CRLF "Content-Type: text/plain; charset=us-ascii" CRLF CRLF
	    "pay 5555-55**-****-4444 now" CRLF
	    "--BB" CRLF "Content-Type: application/octet-stream" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF "AAECAwQF" CRLF
	    "--BB--" CRLF "epilogue 378282*****0005" CRLF,
	  .masked = 3 },
	{ .name = "part_header_filename",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"PH\"" CRLF CRLF
	    "--PH" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment; filename=\"card "
	    "4111111111111111.txt\"" CRLF CRLF "nothing here" CRLF
	    "--PH--" CRLF,
	  .want_body = "--PH" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment; filename=\"card "
	    "411111******1111.txt\"" CRLF CRLF "nothing here" CRLF
	    "--PH--" CRLF, .masked = 1 },
	{ .name = "part_header_encoded_filename",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"PE\"" CRLF CRLF
	    "--PE" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment; filename=\"=?utf-8?B?"
	    "S8OkcnRlIDQxMTExMTExMTExMTExMTEudHh0?=\"" CRLF CRLF
	    "nothing here" CRLF "--PE--" CRLF,
	  .want_body = "--PE" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment; filename=\"=?UTF-8?B?"
	    "S8OkcnRlIDQxMTExMSoqKioqKjExMTEudHh0?=\"" CRLF CRLF
	    "nothing here" CRLF "--PE--" CRLF, .masked = 1 },
	/* RFC 2231: the card number shows only after percent decoding,
	 * joining continuations or converting the charset; the field is
	 * written anew from its parameters */
	{ .name = "part_header_rfc2231_filename",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"P2\"" CRLF CRLF
	    "--P2" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment; filename*=utf-8''card%20"
	    "4111%201111%201111%201111.txt" CRLF CRLF "nothing here" CRLF
	    "--P2--" CRLF,
	  .want_body = "--P2" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment;" CRLF
	    " filename=\"card 4111 11** **** 1111.txt\"" CRLF CRLF
	    "nothing here" CRLF "--P2--" CRLF, .masked = 1 },
	{ .name = "part_header_rfc2231_continuations",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"P3\"" CRLF CRLF
	    "--P3" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment;" CRLF
	    " filename*0*=utf-8''K%C3%A4rte%204111;" CRLF
	    " filename*1*=%201111%201111%201111.txt; size=12" CRLF CRLF
	    "nothing here" CRLF "--P3--" CRLF,
	  .want_body = "--P3" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: attachment;" CRLF
	    " filename*0*=utf-8''K%C3%A4rte%204111%2011%2A%2A%20%2A%2A%2A%2A"
	    "%201111.txt;" CRLF " size=\"12\"" CRLF CRLF
	    "nothing here" CRLF "--P3--" CRLF, .masked = 1 },
	{ .name = "part_header_rfc2231_latin1_name",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"P4\"" CRLF CRLF
	    "--P4" CRLF "Content-Type: text/plain; charset=us-ascii;" CRLF
	    " name*=iso-8859-1'de'Karte%A04111%A01111%A01111%A01111"
	    CRLF CRLF "nothing here" CRLF "--P4--" CRLF,
	  .want_body = "--P4" CRLF "Content-Type: text/plain;" CRLF
	    " charset=\"us-ascii\";" CRLF " name*0*=utf-8''Karte%C2%A04111"
	    "%C2%A011%2A%2A%C2%A0%2A%2A%2A%2A%C2%A01111" CRLF CRLF
	    "nothing here" CRLF "--P4--" CRLF, .masked = 1 },
	{ .name = "part_header_rfc2231_nul_as_space",
	  .msg = "From: a@example.com" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"P5\"" CRLF CRLF
	    "--P5" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: inline; filename*=utf-8''%00%0D%0A"
	    "4111%201111%201111%201111" CRLF CRLF "nothing here" CRLF
	    "--P5--" CRLF,
	  .want_body = "--P5" CRLF "Content-Type: text/plain" CRLF
	    "Content-Disposition: inline;" CRLF " filename*0*=utf-8''%20%0D%0A"
	    "4111%2011%2A%2A%20%2A%2A%2A%2A%201111" CRLF CRLF
	    "nothing here" CRLF "--P5--" CRLF, .masked = 1 },
	{ .name = "subject_plain",
	  .msg = "From: a@example.com" CRLF
	    "Subject: Card 4111111111111111 declined" CRLF CRLF "hi" CRLF,
	  .body_null = 1, .hdr_name = "Subject", .hdr_index = 1,
	  .hdr_value = " Card 411111******1111 declined", .masked = 1 },
	{ .name = "subject_2047_utf8",
	  .msg = "From: a@example.com" CRLF "Subject: =?UTF-8?B?"
	    "WmFobHVuZyBmw7xyIEthcnRlIDQxMTEgMTExMSAxMTExIDExMTE=?=" CRLF
	    CRLF "hi" CRLF,
	  .body_null = 1, .hdr_name = "Subject", .hdr_index = 1,
	  .hdr_decoded = "Zahlung f\xc3\xbcr Karte 4111 11** **** 1111",
	  .masked = 1 },
	{ .name = "subject_2047_long_folded",
	  .msg = "From: a@example.com" CRLF "Subject: =?UTF-8?B?"
	    "w5xiZXJ3ZWlzdW5nIGbDvHIgUmVjaG51bmcgTnIuIDIwMjYtMTEgw7xiZXIgMjUw"
	    "IOKCrCDigJMgYml0?=" CRLF " =?UTF-8?B?"
	    "dGUgYmVsYXN0ZW4gU2llIGRpZSBLYXJ0ZSA1NTU1IDU1NTUgNTU1NSA0NDQ0IHdp"
	    "ZSBiZXNwcm9jaGVuLCBkYW5rZSBzY2jDtm4=?=" CRLF CRLF "hi" CRLF,
	  .body_null = 1, .hdr_name = "Subject", .hdr_index = 1,
	  .hdr_decoded = "\xc3\x9c" "berweisung f\xc3\xbcr Rechnung Nr. "
	    "2026-11 \xc3\xbc" "ber 250 \xe2\x82\xac \xe2\x80\x93 bitte "
	    "belasten Sie die Karte 5555 55** **** 4444 wie besprochen, "
	    "danke sch\xc3\xb6n", .masked = 1 },
	{ .name = "subject_2047_ascii",
	  .msg = "Subject: =?us-ascii?Q?card_4111_1111_1111_1111?=" CRLF CRLF
	    "hi" CRLF,
	  .body_null = 1, .hdr_name = "Subject", .hdr_index = 1,
	  .hdr_value = " card 4111 11** **** 1111", .masked = 1 },
	{ .name = "second_occurrence_index",
	  .msg = "Comments: nothing" CRLF "Comments: ref 6011111111111117"
	    CRLF CRLF "hi" CRLF,
	  .body_null = 1, .hdr_name = "Comments", .hdr_index = 2,
	  .hdr_value = " ref 601111******1117", .masked = 1 },
	{ .name = "folded_subject",
	  .msg = "Subject: card 4111 1111" CRLF " 1111 1111 please" CRLF CRLF
	    "hi" CRLF,
	  .body_null = 1, .hdr_name = "Subject", .hdr_index = 1,
	  .masked = 1 },
	{ .name = "html_split_by_tags",
	  .msg = "Subject: h" CRLF "Content-Type: text/html; charset=utf-8"
	    CRLF CRLF "<html><body><p>Card: 4111 <b>1111</b> 1111 1111</p>"
	    "</body></html>" CRLF,
	  .want_body = "<html><body><p>Card: 4111 <b>11**</b> **** 1111</p>"
	    "</body></html>" CRLF, .masked = 1 },
	{ .name = "html_char_refs_last4", .style = PAN_MASK_LAST4,
	  .msg = "Subject: h" CRLF "Content-Type: text/html" CRLF CRLF
	    "<p>&#52;111&nbsp;1111&#x20;1111 1111</p>" CRLF,
	  .want_body = "<p>****&nbsp;****&#x20;**** 1111</p>" CRLF,
	  .masked = 1 },
	{ .name = "html_outlook_spans_refs",
	  .msg = "Subject: h" CRLF "Content-Type: text/html; charset=utf-8"
	    CRLF "Content-Transfer-Encoding: quoted-printable" CRLF CRLF
	    "<p class=3DMsoNormal><span style=3D\"font-size:11.0pt\">4111"
	    "</span><span>&nbsp1111 </span>1111<o:p></o:p>&#x20;1111</p>" CRLF
	    "<p>MC: &#53 555 5555 5555 4444</p>" CRLF,
	  /* the long line gets a soft break on re-encoding */
	  .want_body = "<p class=3DMsoNormal><span style=3D\"font-size:11.0pt"
	    "\">4111</span><span>&nbs=" CRLF "p11** </span>****<o:p></o:p>"
	    "&#x20;1111</p>" CRLF "<p>MC: &#53 555 55** **** 4444</p>" CRLF,
	  .masked = 2 },
	/* the two cases where act_mask's old private copy of the markup
	   rules differed from dec_markup: Outlook's <o:p> is inline (the
	   scanner reads "4111  1111 ...", two spaces; a block <o:p> and
	   </o:p> would make four, past the detector's separator run of
	   at most 3), and &#150; is windows-1252's en dash, a separator */
	{ .name = "html_o_p_between_groups",
	  .msg = "Subject: h" CRLF "Content-Type: text/html" CRLF CRLF
	    "<p>4111 <o:p></o:p> 1111 1111 1111</p>" CRLF
	    "<p>and 41111111<o:p></o:p>11111111</p>" CRLF,
	  .want_body = "<p>4111 <o:p></o:p> 11** **** 1111</p>" CRLF
	    "<p>and 411111**<o:p></o:p>****1111</p>" CRLF,
	  .masked = 2 },
	{ .name = "html_cp1252_dash_separator",
	  .msg = "Subject: h" CRLF "Content-Type: text/html" CRLF CRLF
	    "<p>4111&#150;1111&#150;1111&#150;1111</p>" CRLF,
	  .want_body = "<p>4111&#150;11**&#150;****&#150;1111</p>" CRLF,
	  .masked = 1 },
	{ .name = "html_digit_refs_in_cdata_and_comment",
	  .msg = "Subject: h" CRLF "Content-Type: text/html" CRLF CRLF
	    "<p>&#x34;111<!-- 1 --><![CDATA[1111]]>&#49;111 1111</p>" CRLF,
	  .want_body = "<p>&#x34;111<!-- 1 --><![CDATA[11**]]>****"
	    " 1111</p>" CRLF, .masked = 1 },
	{ .name = "utf16le_bom_base64",
	  .msg = "Subject: u" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: text/plain; charset=utf-16" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "//5DAGEAcgBkACAANAAxADEAMQAgADEAMQAxADEAIAAxADEAMQAxACAAMQAxADEA"
	    "MQAgAG8AawAN" CRLF "AAoA" CRLF,
	  .part_after = CRLF CRLF, .want_part = utf16_masked,
	  .want_part_len = sizeof(utf16_masked) - 1, .masked = 1 },
	{ .name = "utf7_roundtrip",
	  .msg = "Subject: u7" CRLF "Content-Type: text/plain; charset=utf-7"
	    CRLF CRLF "Karte 4111+AKA-1111+AKA-1111+AKA-1111 ok" CRLF,
	  .want_body = "Karte 4111+AKA-11+ACoAKgCgACoAKgAqACoAoA-1111 ok" CRLF,
	  .masked = 1 },
	{ .name = "utf16_invalid_refused",
	  .msg = "Subject: u" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: text/plain; charset=utf-16" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "//5DAGEAcgBkACAANAAxADEAMQAgADEAMQAxADEAIAAxADEAMQAxACAAMQAxADEA"
	    "MQAgAADYeAANAAoA" CRLF,
	  .want_st = PM_ELIMIT,
	  .why_has = "cannot mask: card data in part 1 (text/plain)" },
	{ .name = "latin1_nbsp_separators",
	  .msg = "Subject: l" CRLF
	    "Content-Type: text/plain; charset=iso-8859-1" CRLF
	    "Content-Transfer-Encoding: 8bit" CRLF CRLF
	    "K\xe4rtchen 4111\xa0" "1111\xa0" "1111\xa0" "1111" CRLF,
	  .want_body = "K\xe4rtchen 4111\xa0" "11**\xa0****\xa0" "1111" CRLF,
	  .masked = 1 },
	{ .name = "single_part_base64",
	  .msg = "Subject: b" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: text/plain; charset=us-ascii" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "SW52b2ljZSBwYWlkIHdpdGggNjAxMSAxMTExIDExMTEgMTExNy4NClRoYW5rcw0K"
	    CRLF,
	  .part_after = "\r\n\r\n", .want_part = invoice_masked,
	  .want_part_len = sizeof(invoice_masked) - 1, .masked = 1 },
	{ .name = "utf16le_no_bom_base64",
	  .msg = "Subject: u" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: text/plain; charset=UTF-16LE" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "QwBhAHIAZAAgADUANQA1ADUAIAA1ADUANQA1ACAANQA1ADUANQAgADQANAA0ADQA"
	    "CgA=" CRLF,
	  .part_after = "\r\n\r\n", .want_part = utf16le_masked,
	  .want_part_len = sizeof(utf16le_masked) - 1, .masked = 1 },
	{ .name = "fullwidth_digits_utf8",
	  .msg = "Subject: f" CRLF "Content-Type: text/plain; charset=utf-8"
	    CRLF "Content-Transfer-Encoding: 8bit" CRLF CRLF
	    "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 "
	    "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 "
	    "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 "
	    "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91" CRLF,
	  .want_body = "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 "
	    "\xef\xbc\x91\xef\xbc\x91** **** "
	    "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91" CRLF,
	  .masked = 1 },
	{ .name = "math_bold_digits_utf8",
	  .msg = "Subject: m" CRLF "Content-Type: text/plain; charset=utf-8"
	    CRLF "Content-Transfer-Encoding: 8bit" CRLF CRLF
	    "\xf0\x9d\x9f\x92\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f "
	    "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f "
	    "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f "
	    "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f" CRLF,
	  .want_body = "\xf0\x9d\x9f\x92\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f "
	    "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f** **** "
	    "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x8f" CRLF,
	  .masked = 1 },
	{ .name = "cvc_next_to_pan",
	  .msg = "Subject: c" CRLF CRLF "Card 4111111111111111 CVV 123" CRLF,
	  .want_st = PM_ELIMIT,
	  .why_has = "cannot mask: card verification code in part 1" },
	{ .name = "nested_rfc822_7bit",
	  .msg = "From: a" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"Q\"" CRLF CRLF
	    "--Q" CRLF "Content-Type: text/plain" CRLF CRLF "fwd" CRLF
	    "--Q" CRLF "Content-Type: message/rfc822" CRLF CRLF
	    "Subject: inner 4111111111111111" CRLF "From: x" CRLF CRLF
	    "inner body 5555555555554444" CRLF "--Q--" CRLF,
	  .want_body = "--Q" CRLF "Content-Type: text/plain" CRLF CRLF "fwd"
	    CRLF "--Q" CRLF "Content-Type: message/rfc822" CRLF CRLF
	    "Subject: inner 411111******1111" CRLF "From: x" CRLF CRLF
	    "inner body 555555******4444" CRLF "--Q--" CRLF, .masked = 2 },
	{ .name = "binary_attachment_refused",
	  .msg = "From: a" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"R\"" CRLF CRLF
	    "--R" CRLF "Content-Type: text/plain" CRLF CRLF "see pdf" CRLF
	    "--R" CRLF "Content-Type: application/pdf; name=\"x.pdf\"" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "JVBERi0xLjQAAQIgc3RyZWFtIDQxMTExMTExMTExMTExMTEgZW5kc3RyZWFtAP8="
	    CRLF "--R--" CRLF,
	  .want_st = PM_ELIMIT,
	  .why_has = "cannot mask: card data in part 2 (application/pdf)" },
	{ .name = "refusal_reason_has_no_pan",
	  .msg = "From: a" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"R\"" CRLF CRLF
	    "--R" CRLF "Content-Type: application/x-4111111111111111" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "JVBERi0xLjQAAQIgc3RyZWFtIDQxMTExMTExMTExMTExMTEgZW5kc3RyZWFtAP8="
	    CRLF "--R--" CRLF,
	  .want_st = PM_ELIMIT,
	  .why_has = "cannot mask: card data in part 1 (?)" },
	{ .name = "base64_rfc822_refused",
	  .msg = "From: a" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"S\"" CRLF CRLF
	    "--S" CRLF "Content-Type: message/rfc822" CRLF
	    "Content-Transfer-Encoding: base64" CRLF CRLF
	    "U3ViamVjdDogaW5uZXINCg0KY2FyZCA0MTExMTExMTExMTExMTExDQo=" CRLF
	    "--S--" CRLF,
	  .want_st = PM_ELIMIT,
	  .why_has = "cannot mask: card data in part 1.1 (message/rfc822)" },
	{ .name = "container_header",
	  .msg = "From: a" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"T\"" CRLF CRLF
	    "--T" CRLF "Content-Type: multipart/alternative; boundary=\"U\"; "
	    "x-ref=\"4111111111111111\"" CRLF CRLF
	    "--U" CRLF "Content-Type: text/plain" CRLF CRLF "a" CRLF
	    "--U--" CRLF "--T--" CRLF,
	  .want_body = "--T" CRLF "Content-Type: multipart/alternative; "
	    "boundary=\"U\"; x-ref=\"411111******1111\"" CRLF CRLF
	    "--U" CRLF "Content-Type: text/plain" CRLF CRLF "a" CRLF
	    "--U--" CRLF "--T--" CRLF, .masked = 1 },
	{ .name = "forwarded_multipart_subject",
	  .msg = "From: a" CRLF "MIME-Version: 1.0" CRLF
	    "Content-Type: multipart/mixed; boundary=\"F\"" CRLF CRLF
	    "--F" CRLF "Content-Type: text/plain" CRLF CRLF "see below" CRLF
	    "--F" CRLF "Content-Type: message/rfc822" CRLF CRLF
	    "From: b" CRLF "Subject: card 5555 5555 5555 4444" CRLF
	    "Content-Type: multipart/alternative; boundary=\"G\"" CRLF CRLF
	    "--G" CRLF "Content-Type: text/plain" CRLF CRLF "hello" CRLF
	    "--G--" CRLF "--F--" CRLF,
	  .want_body = "--F" CRLF "Content-Type: text/plain" CRLF CRLF
	    "see below" CRLF "--F" CRLF "Content-Type: message/rfc822" CRLF
	    CRLF "From: b" CRLF "Subject: card 5555 55** **** 4444" CRLF
	    "Content-Type: multipart/alternative; boundary=\"G\"" CRLF CRLF
	    "--G" CRLF "Content-Type: text/plain" CRLF CRLF "hello" CRLF
	    "--G--" CRLF "--F--" CRLF, .masked = 1 },
	{ .name = "no_pan_no_edit",
	  .msg = "From: a@example.com" CRLF "Subject: lunch" CRLF CRLF
	    "Order 12345, phone 555 0100." CRLF,
	  .body_null = 1 },
	{ .name = "track_data_refused",
	  .msg = "Subject: t" CRLF CRLF
	    "swipe %B4111111111111111^DOE/JOHN^2512101000000000?" CRLF,
	  .want_st = PM_ELIMIT, .why_has = "track data" },
	{ .name = "zip_attachment_refused", .build = build_zip,
	  .want_st = PM_ELIMIT,
	  .why_has = "cannot mask: card data in part 2 (application/zip)" },
};

#define AM_NROWS (sizeof(am_rows) / sizeof(am_rows[0]))

/* field_end - offset just past the value of the field starting at s
 * (continuation lines included, final line break excluded) */
static size_t
field_end(const char *m, size_t n, size_t s)
{
	size_t i = s;

	for (;;) {
		while (i < n && m[i] != '\n')
			i++;
		if (i + 1 < n && (m[i + 1] == ' ' || m[i + 1] == '\t')) {
			i++;
			continue;
		}
		return i > s && m[i - 1] == '\r' ? i - 1 : i;
	}
}

/* rebuild - the message as the milter would leave it: header edits by
 * name and occurrence, the new body; heap, *outlen set */
static char *
rebuild(const char *m, size_t n, const struct act_mask_edit *e,
    size_t *outlen)
{
	const char *hb = strstr(m, "\r\n\r\n"), *lb = strstr(m, "\n\n");
	const char *eol = hb != NULL ? "\r\n" : "\n";
	size_t body_off = hb != NULL ? (size_t)(hb - m) + 4 : lb != NULL ?
	    (size_t)(lb - m) + 2 : n, i = 0, o = 0, k, j, cap;
	char *out = NULL;
	int seen[8] = { 0 };

	cap = n + 4096 + (e->body != NULL ? e->body_len : 0);
	assert_non_null(out = malloc(cap));
	while (i < body_off) {
		size_t c = i, fe;
		const char *colon = memchr(m + i, ':', body_off - i);

		if (colon == NULL || m[i] == '\r' || m[i] == '\n')
			break;
		fe = field_end(m, body_off, i);
		for (k = 0; k < e->nhdrs && k < 8; k++) {
			size_t nl = strlen(e->hdrs[k].name);

			if ((size_t)(colon - (m + i)) == nl && strncasecmp(
			    m + i, e->hdrs[k].name, nl) == 0 && ++seen[k]
			    == e->hdrs[k].index)
				break;
		}
		if (k < e->nhdrs && k < 8) {
			c = (size_t)(colon - m) + 1;
			memcpy(out + o, m + i, c - i);
			o += c - i;
			for (j = 0; e->hdrs[k].value[j] != '\0'; j++) {
				if (e->hdrs[k].value[j] == '\n') {
					memcpy(out + o, eol, strlen(eol));
					o += strlen(eol);
				} else
					out[o++] = e->hdrs[k].value[j];
			}
			i = fe;
		}
		fe = field_end(m, body_off, i);
		while (fe < body_off && m[fe] != '\n')
			fe++;
		fe = fe < body_off ? fe + 1 : fe;
		memcpy(out + o, m + i, fe - i);
		o += fe - i;
		i = fe;
	}
	memcpy(out + o, m + i, body_off - i);
	o += body_off - i;
	if (e->body != NULL) {
		memcpy(out + o, e->body, e->body_len);
		o += e->body_len;
	} else {
		memcpy(out + o, m + body_off, n - body_off);
		o += n - body_off;
	}
	*outlen = o;
	return out;
}

/* check_clean - the rebuilt message scans free of card data and holds
 * no full PAN */
static void
check_clean(const char *m, size_t n)
{
	struct scan_opts opts;
	struct scan_result res;
	size_t i;

	scan_opts_default(&opts);
	memset(&res, 0, sizeof(res));
	assert_int_equal(scan_message((const unsigned char *)m, n, &opts,
	    &res), PM_OK);
	for (i = 0; i < res.nfindings; i++)
		assert_int_equal(res.findings[i].kind, PAN_KIND_CVC);
	assert_true(res.verdict != SCAN_PAN && res.verdict != SCAN_TRACK_DATA);
	scan_result_fini(&res);
	for (i = 0; full_pans[i] != NULL; i++)
		assert_null(memmem(m, n, full_pans[i], strlen(full_pans[i])));
}

/* check_part - the base64 part after row->part_after decodes to
 * row->want_part byte by byte */
static void
check_part(const struct am_row *r, const struct act_mask_edit *e)
{
	const unsigned char *s = NULL, *end = NULL;
	unsigned char *dec = NULL;
	size_t got;

	assert_non_null(e->body);
	s = memmem(e->body, e->body_len, r->part_after, strlen(r->part_after));
	if (s == NULL)		/* single part: the body is the part */
		s = e->body;
	else
		s += strlen(r->part_after);
	end = memmem(s, e->body_len - (size_t)(s - e->body), "\r\n--", 4);
	if (end == NULL)
		end = e->body + e->body_len;
	assert_non_null(dec = malloc(dec_b64_bound((size_t)(end - s)) + 1));
	got = dec_b64(s, (size_t)(end - s), dec, NULL);
	assert_int_equal(got, r->want_part_len);
	assert_memory_equal(dec, r->want_part, got);
	free(dec);
}

/* check_hdr - the one expected header edit */
static void
check_hdr(const struct am_row *r, const struct act_mask_edit *e,
    struct pm_arena *a)
{
	char *dv = NULL;
	size_t dl = 0, vl;
	unsigned defects = 0;

	assert_int_equal(e->nhdrs, 1);
	assert_string_equal(e->hdrs[0].name, r->hdr_name);
	assert_int_equal(e->hdrs[0].index, r->hdr_index);
	if (r->hdr_value != NULL)
		assert_string_equal(e->hdrs[0].value, r->hdr_value);
	if (r->hdr_decoded != NULL) {
		vl = strlen(e->hdrs[0].value);
		assert_null(strchr(e->hdrs[0].value, '\r'));
		if (vl > 76)	/* long values are folded with LF + space */
			assert_non_null(strstr(e->hdrs[0].value, "?=\n =?"));
		assert_non_null(strstr(e->hdrs[0].value, "=?UTF-8?B?"));
		assert_int_equal(mime_word_decode(a, e->hdrs[0].value + 1,
		    vl - 1, &dv, &dl, &defects), PM_OK);
		assert_int_equal(dl, strlen(r->hdr_decoded));
		assert_memory_equal(dv, r->hdr_decoded, dl);
	}
}

/* has_digit_run - whether s holds k or more digits in a row */
static int
has_digit_run(const char *s, int k)
{
	int run = 0;

	for (; *s != '\0'; s++) {
		run = *s >= '0' && *s <= '9' ? run + 1 : 0;
		if (run >= k)
			return 1;
	}
	return 0;
}

/* test_am_row - one row */
static void
test_am_row(void **state)
{
	const struct am_row *r = *state;
	struct pm_arena *a = NULL;
	struct act_mask_edit e;
	struct scan_opts opts;
	char *msg = NULL, *re = NULL, why[160];
	size_t len = 0, rl = 0;
	pm_status st;

	if (r->build != NULL)
		r->build(&msg, &len);
	else {
		len = strlen(r->msg);
		assert_non_null(msg = malloc(len + 1));
		memcpy(msg, r->msg, len + 1);
	}
	assert_non_null(a = pm_arena_new(0));
	scan_opts_default(&opts);
	st = act_mask(a, (const unsigned char *)msg, len, &opts, r->style,
	    '*', &e, why, sizeof(why));
	assert_int_equal(st, r->want_st);
	if (st != PM_OK) {
		assert_non_null(strstr(why, r->why_has));
		assert_false(has_digit_run(why, 4));
		assert_null(e.body);
		assert_int_equal(e.nhdrs, 0);
		goto out;
	}
	if (r->body_null)
		assert_null(e.body);
	if (r->want_body != NULL) {
		assert_non_null(e.body);
		assert_int_equal(e.body_len, strlen(r->want_body));
		assert_memory_equal(e.body, r->want_body, e.body_len);
	}
	if (r->want_part != NULL)
		check_part(r, &e);
	if (r->hdr_name != NULL)
		check_hdr(r, &e, a);
	else
		assert_int_equal(e.nhdrs, 0);
	if (r->masked > 0)
		assert_int_equal(e.masked, r->masked);
	re = rebuild(msg, len, &e, &rl);
	check_clean(re, rl);
	free(re);
out:
	pm_arena_free(a);
	free(msg);
}

/* mask_ok - act_mask succeeds on m, the result holds no PAN and not
 * the digits pan[] in a row */
static void
mask_ok(const char *m, size_t len, const char *pan)
{
	struct pm_arena *a = NULL;
	struct act_mask_edit e;
	struct scan_opts opts;
	char why[160], *re = NULL;
	size_t rl = 0;

	scan_opts_default(&opts);
	assert_non_null(a = pm_arena_new(0));
	assert_int_equal(act_mask(a, (const unsigned char *)m, len, &opts,
	    PAN_MASK_FIRST6LAST4, '*', &e, why, sizeof(why)), PM_OK);
	assert_true(e.masked >= 1);
	re = rebuild(m, len, &e, &rl);
	check_clean(re, rl);
	assert_null(memmem(re, rl, pan, strlen(pan)));
	free(re);
	pm_arena_free(a);
}

/* test_am_qp_soft_everywhere - a QP soft break at every offset of the
 * number is undone, masked and re-encoded */
static void
test_am_qp_soft_everywhere(void **state)
{
	static const char head[] = "Subject: q" CRLF
	    "Content-Type: text/plain; charset=utf-8" CRLF
	    "Content-Transfer-Encoding: quoted-printable" CRLF CRLF "Card ";
	static const char pan[] = "4111 1111 1111 1111";
	char m[256];
	size_t k, o;

	(void)state;
	for (k = 1; k < sizeof(pan) - 1; k++) {
		o = 0;
		memcpy(m + o, head, sizeof(head) - 1);
		o += sizeof(head) - 1;
		memcpy(m + o, pan, k);
		o += k;
		memcpy(m + o, "=" CRLF, 3);
		o += 3;
		memcpy(m + o, pan + k, sizeof(pan) - 1 - k);
		o += sizeof(pan) - 1 - k;
		memcpy(m + o, " ok" CRLF, 5);
		o += 5;
		mask_ok(m, o, "4111111111111111");
	}
}

/* test_am_generated - one generated number of every brand and length,
 * in a plain body and in a base64 text part */
static void
test_am_generated(void **state)
{
	static const char b64tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const struct pangen_sample *smp = NULL;
	struct pangen g;
	char pan[PANGEN_MAX_LEN + 1], m[512], txt[128];
	size_t ns = 0, i, j, o, tl;

	(void)state;
	pangen_init(&g, 20261123);
	smp = pangen_samples(&ns);
	assert_true(ns > 0);
	for (i = 0; i < ns; i++) {
		assert_int_equal(pangen_make(&g, smp[i].prefix, smp[i].len,
		    pan), 0);
		o = (size_t)snprintf(m, sizeof(m), "Subject: g" CRLF CRLF
		    "Card number: %s exp 12/27" CRLF, pan);
		mask_ok(m, o, pan);
		tl = (size_t)snprintf(txt, sizeof(txt), "card number %s\r\n",
		    pan);
		o = (size_t)snprintf(m, sizeof(m), "Subject: g" CRLF
		    "Content-Type: text/plain" CRLF
		    "Content-Transfer-Encoding: base64" CRLF CRLF);
		for (j = 0; j < tl; j += 3) {
			unsigned v = (unsigned)(unsigned char)txt[j] << 16
			    | (j + 1 < tl ? (unsigned)(unsigned char)txt[j + 1]
			    << 8 : 0) | (j + 2 < tl ? (unsigned char)txt[j + 2]
			    : 0);

			m[o++] = b64tab[v >> 18 & 63];
			m[o++] = b64tab[v >> 12 & 63];
			m[o++] = j + 1 < tl ? b64tab[v >> 6 & 63] : '=';
			m[o++] = j + 2 < tl ? b64tab[v & 63] : '=';
		}
		memcpy(m + o, CRLF, 2);
		mask_ok(m, o + 2, pan);
	}
}

static size_t dirty_chunks;

/* count_dirty - before-free hook: a chunk with a non-zero byte */
static void
count_dirty(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0) {
			dirty_chunks++;
			return;
		}
}

/* test_am_wiped - every arena chunk (scratch and caller's) is all zero
 * before it is freed */
static void
test_am_wiped(void **state)
{
	const struct am_row *r = &am_rows[4];	/* base64_csv_attachment */
	struct pm_arena *a = NULL;
	struct act_mask_edit e;
	struct scan_opts opts;
	char why[160];

	(void)state;
	assert_string_equal(r->name, "base64_csv_attachment");
	scan_opts_default(&opts);
	dirty_chunks = 0;
	pm_arena_before_free_hook = count_dirty;
	assert_non_null(a = pm_arena_new(0));
	assert_int_equal(act_mask(a, (const unsigned char *)r->msg,
	    strlen(r->msg), &opts, PAN_MASK_FIRST6LAST4, '*', &e, why,
	    sizeof(why)), PM_OK);
	assert_non_null(e.body);
	pm_arena_free(a);
	pm_arena_before_free_hook = NULL;
	assert_int_equal(dirty_chunks, 0);
}

/* test_am_enomem - a caller's arena too small: an error, never PM_OK
 * with half the edits */
static void
test_am_enomem(void **state)
{
	const struct am_row *r = &am_rows[4];
	struct pm_arena *a = NULL;
	struct act_mask_edit e;
	struct scan_opts opts;
	char why[160];
	pm_status st;

	(void)state;
	scan_opts_default(&opts);
	assert_non_null(a = pm_arena_new(64));
	st = act_mask(a, (const unsigned char *)r->msg, strlen(r->msg), &opts,
	    PAN_MASK_FIRST6LAST4, '*', &e, why, sizeof(why));
	assert_int_equal(st, PM_ENOMEM);
	assert_null(e.body);
	assert_int_equal(e.nhdrs, 0);
	assert_non_null(strstr(why, "cannot mask"));
	pm_arena_free(a);
}

int
main(void)
{
	struct CMUnitTest tests[AM_NROWS + 4];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < AM_NROWS; i++) {
		tests[i].name = am_rows[i].name;
		tests[i].test_func = test_am_row;
		tests[i].initial_state = (void *)&am_rows[i];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_am_wiped);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_am_enomem);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(
	    test_am_qp_soft_everywhere);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_am_generated);
	return cmocka_run_group_tests_name("act_mask", tests, NULL, NULL);
}
