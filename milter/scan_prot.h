/*
 * NAME
 *	scan_prot - is this part's content really encrypted?
 * OWNS
 *	Nothing: it reads the bytes it is given.
 * PROMISES
 *	The "protected" verdict is earned by the content, never by a label:
 *	a Content-Type of multipart/encrypted or application/pkcs7-mime,
 *	or an OpenPGP armor line, can be written on any plain text.
 *	- An armored OpenPGP message ("-----BEGIN PGP MESSAGE-----") is
 *	  ENCRYPTED when its first packet starts an encrypted message
 *	  (RFC 9580 section 10.3: PKESK 1, SKESK 3, SED 9, SEIPD 18, and the
 *	  AEAD packet 20 of the LibrePGP drafts); any other first packet
 *	  (signed, compressed or literal data) is OPAQUE: content that
 *	  is not encrypted and that panmilter does not unpack.
 *	- A CMS ContentInfo (RFC 5652; S/MIME application/pkcs7-mime) is
 *	  ENCRYPTED for enveloped-data, authEnveloped-data (RFC 5083) and
 *	  encrypted-data; signed-data with its content inside is INNER
 *	  (the caller walks that content as a MIME entity); anything else
 *	  that parses as CMS (compressed-data, signed-data without its
 *	  content) is OPAQUE.
 *	- Otherwise NONE: the part is read like any other.
 *	The INNER content is copied into the arena (wiped with it), and
 *	OpenSSL's copy of it is cleansed before it is freed; the parser's
 *	own working buffers are OpenSSL's (as zlib's and libarchive's are
 *	theirs, pm_mem.h).
 * API
 *	scan_prot_pgp(p, n, &body)	ENCRYPTED, OPAQUE or NONE; body: where
 *				the armored packets start.
 *	scan_prot_cms(a, p, n, &in, &inlen)	ENCRYPTED, INNER, OPAQUE or
 *				NONE; PM_ENOMEM as -1.
 */
#ifndef SCAN_PROT_H
#define SCAN_PROT_H

#include <stddef.h>

#include "pm_arena.h"

enum scan_prot {
	SCAN_PROT_NONE,
	SCAN_PROT_ENCRYPTED,
	SCAN_PROT_OPAQUE,
	SCAN_PROT_INNER
};

int scan_prot_pgp(const unsigned char *p, size_t n, size_t *body);
int scan_prot_cms(struct pm_arena *a, const unsigned char *p, size_t n,
    const unsigned char **in, size_t *inlen);

#endif
