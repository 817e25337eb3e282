/*
 * NAME
 *	act_mask - the "mask" action: edits that mask every card number
 * OWNS
 *	Nothing beyond the call: the new body, the header array and every
 *	header value are allocated in the caller's arena (which holds
 *	message bytes and is wiped when freed). A private scratch arena
 *	(decoded parts) is wiped and freed before the call returns.
 * PROMISES
 *	- Pure: no libmilter; the caller applies the edits with
 *	  smfi_replacebody (body) and smfi_chgheader (hdrs[i].name,
 *	  hdrs[i].index, hdrs[i].value).
 *	- Every MIME leaf (also preamble and epilogue) whose decoded text
 *	  holds a PAN is transfer-decoded (7bit/8bit/binary, base64,
 *	  quoted-printable), masked in its own charset (ASCII-compatible
 *	  charsets in place; UTF-16/32 and other charsets through UTF-8
 *	  with iconv and back, a BOM kept), re-encoded in its original
 *	  transfer encoding (base64 76-character lines, QP per RFC 2045
 *	  6.7) and spliced back at its offsets. Part headers and all
 *	  bytes outside rewritten leaf bodies and header fields stay
 *	  byte-identical; line ends follow the part (CRLF or LF).
 *	- HTML/XML leaves: numbers in the raw markup are masked first;
 *	  then numbers only visible once tags are skipped and character
 *	  references decoded ("4111 <b>1111</b> ...", "&#52;111 ...") are
 *	  masked through an offset map: a hidden digit written as a
 *	  reference is replaced, reference and all, by the mask character.
 *	- Header fields (top level: hdrs[]; part headers, headers of
 *	  multipart containers and of encapsulated messages: in the body)
 *	  whose RFC 2047-decoded value holds a PAN: digits in the raw value
 *	  are masked in place (structure kept); in Content-Type and
 *	  Content-Disposition, then inside the encoded words only (a run of
 *	  words re-encoded as UTF-8 B words, parameters and quotes kept);
 *	  if the decoded value still holds one, the whole value is
 *	  replaced by the masked decoded value, as plain text when ASCII,
 *	  else as RFC 2047 B UTF-8 words.
 *	  Values keep their original leading white space; folding in a
 *	  value handed out in hdrs[] is "\n" + white space (libmilter).
 *	- Safety net: the rebuilt message (new header block + new body) is
 *	  scanned again with scan_message(); if a PAN or track finding
 *	  remains, or the result is unscannable, act_mask returns
 *	  PM_ELIMIT with why "cannot mask: card data in part P (TYPE)" (no
 *	  digits ever). It never returns PM_OK for a result that scans
 *	  positive.
 *	- Track data anywhere in the input: PM_ELIMIT ("cannot mask: track
 *	  data in part P"); the policy never masks track data. A CVC found
 *	  next to a PAN is sensitive authentication data too (the engine's
 *	  verdict is track_data): PM_ELIMIT ("cannot mask: card
 *	  verification code in part P").
 *	- A message without a PAN: PM_OK, body NULL, nhdrs 0, masked 0.
 * API
 *	act_mask(a, msg, len, opts, style, ch, out, why, whylen)
 *				msg: header block, blank line, body (CRLF
 *				or LF), as the milter rebuilt it from the
 *				header callbacks and body chunks; the body
 *				handed back replaces everything after the
 *				first blank line (mime_hdr_split's view).
 *				style/ch: how to mask (ch '*' normally).
 *				PM_OK with *out filled; PM_ELIMIT (why says
 *				which part cannot be masked, or which limit);
 *				PM_ENOMEM; PM_EINTERNAL.
 * LIMITS
 *	Not rewritten (the safety net turns them into PM_ELIMIT when they
 *	hold a PAN): archives (zip, docx, gzip, ...), binary attachments,
 *	uuencoded and unknown transfer encodings, base64/QP-encoded
 *	message/rfc822, encrypted parts, charsets iconv cannot convert
 *	back losslessly.
 *	Cost: two scan_message() runs (input, result) plus the rewrite;
 *	1.5 to 2.6 times one scan (5 MB message, 60000 PANs in a base64
 *	CSV: 0.65-1.1 s on a loaded 2-core box). Memory: in the caller's
 *	arena the new body plus the
 *	re-encoded leaves (about 1.6 times the message for that case); in
 *	scratch a few times the largest leaf and one rebuilt message.
 *	ch must be printable ASCII other than a digit, '<', '>', '&' or
 *	'='; anything else is replaced by '*'.
 */
#ifndef ACT_MASK_H
#define ACT_MASK_H

#include <stddef.h>

#include "pan_mask.h"
#include "pm_arena.h"
#include "pm_status.h"
#include "scan.h"

struct act_mask_hdr {
	const char *name;	/* field name as written */
	int index;		/* 1-based occurrence of that name
				   (case-insensitive), for smfi_chgheader */
	const char *value;	/* new value as after "Name:" (original
				   leading space kept), NUL-terminated */
};

struct act_mask_edit {
	const unsigned char *body;	/* new body (all after the blank line
					   ending the top-level header block),
					   NULL when the body is unchanged */
	size_t body_len;
	struct act_mask_hdr *hdrs;	/* top-level fields to change */
	size_t nhdrs;
	unsigned masked;		/* PANs masked */
};

pm_status act_mask(struct pm_arena *a, const unsigned char *msg, size_t len,
    const struct scan_opts *opts, enum pan_mask_style style, char ch,
    struct act_mask_edit *out, char *why, size_t whylen);

#endif
