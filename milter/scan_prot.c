/*
 * scan_prot - is this part's content really encrypted? (see scan_prot.h)
 *
 * The CMS content type is read off the DER/BER header by hand (a
 * SEQUENCE, then an OBJECT IDENTIFIER): cheap, and it needs no parser
 * for the encrypted kinds. Only signed-data goes to OpenSSL's CMS
 * parser, to get the content it carries.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>

#include "dec_b64.h"
#include "scan_prot.h"

/* pkcs7 (1.2.840.113549.1.7.x) and smime content types (1.2.840.113549.
 * 1.9.16.1.x), as DER OID contents */
static const unsigned char scan_prot_p7[] = {
	0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07
};
static const unsigned char scan_prot_ct[] = {
	0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01
};

/* scan_prot_first_packet - ENCRYPTED or OPAQUE by the first packet
 * header byte of an OpenPGP message (RFC 9580 section 4.2) */
static int
scan_prot_first_packet(unsigned char b)
{
	unsigned tag;

	if (!(b & 0x80))
		return SCAN_PROT_OPAQUE;	/* not a packet at all */
	tag = (b & 0x40) ? (unsigned)(b & 0x3F) : (unsigned)(b >> 2 & 0x0F);
	switch (tag) {
	case 1:		/* public-key encrypted session key */
	case 3:		/* symmetric-key encrypted session key */
	case 9:		/* symmetrically encrypted data */
	case 18:	/* symmetrically encrypted, integrity protected */
	case 20:	/* AEAD encrypted data (LibrePGP) */
		return SCAN_PROT_ENCRYPTED;
	default:
		return SCAN_PROT_OPAQUE;
	}
}

/* scan_prot_skip_ws - past spaces, tabs and line ends from i */
static size_t
scan_prot_skip_ws(const unsigned char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i;
}

/* scan_prot_line_end - index past the line at i (its '\n'), or n */
static size_t
scan_prot_line_end(const unsigned char *p, size_t n, size_t i)
{
	const unsigned char *lf = memchr(p + i, '\n', n - i);

	return lf != NULL ? (size_t)(lf - p) + 1 : n;
}

int
scan_prot_pgp(const unsigned char *p, size_t n, size_t *body)
{
	static const char beg[] = "-----BEGIN PGP MESSAGE-----";
	unsigned char b64[8], raw[8];
	size_t i = scan_prot_skip_ws(p, n, 0), e, k = 0;

	if (n - i < sizeof(beg) - 1 || memcmp(p + i, beg, sizeof(beg) - 1))
		return SCAN_PROT_NONE;
	i = scan_prot_line_end(p, n, i);
	/* armor headers ("Version: ...") up to the blank line */
	while (i < n) {
		e = scan_prot_line_end(p, n, i);
		if (memchr(p + i, ':', e - i) == NULL)
			break;
		i = e;
	}
	i = scan_prot_skip_ws(p, n, i);
	*body = i;
	for (; i < n && k < sizeof(b64); i++) {
		if ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' &&
		    p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
		    p[i] == '+' || p[i] == '/')
			b64[k++] = p[i];
		else if (p[i] != '\r' && p[i] != '\n')
			break;
	}
	if (k < 4)
		return SCAN_PROT_OPAQUE;	/* an armor with no packet */
	(void)dec_b64(b64, k - k % 4, raw, NULL);
	return scan_prot_first_packet(raw[0]);
}

/* scan_prot_der_len - the length at p[*i] (short, long up to 4 bytes, or
 * BER indefinite as SIZE_MAX); 0 when malformed */
static int
scan_prot_der_len(const unsigned char *p, size_t n, size_t *i, size_t *len)
{
	unsigned k, nb;

	if (*i >= n)
		return 0;
	if (p[*i] < 0x80) {
		*len = p[(*i)++];
		return 1;
	}
	nb = p[(*i)++] & 0x7F;
	if (nb == 0) {
		*len = SIZE_MAX;
		return 1;
	}
	if (nb > 4 || *i + nb > n)
		return 0;
	for (*len = 0, k = 0; k < nb; k++)
		*len = *len << 8 | p[(*i)++];
	return 1;
}

/* scan_prot_signed - the content of a signed-data, copied to the arena */
static int
scan_prot_signed(struct pm_arena *a, const unsigned char *p, size_t n,
    const unsigned char **in, size_t *inlen)
{
	const unsigned char *q = p;
	CMS_ContentInfo *cms = NULL;
	ASN1_OCTET_STRING **pos = NULL;
	unsigned char *buf = NULL;
	int kind = SCAN_PROT_OPAQUE, len;

	if (n > LONG_MAX || (cms = d2i_CMS_ContentInfo(NULL, &q, (long)n))
	    == NULL)
		return SCAN_PROT_OPAQUE;	/* says signed, does not parse */
	if ((pos = CMS_get0_content(cms)) != NULL && *pos != NULL &&
	    (len = ASN1_STRING_length(*pos)) > 0) {
		if ((buf = pm_arena_alloc(a, (size_t)len)) == NULL) {
			kind = -1;
		} else {
			memcpy(buf, ASN1_STRING_get0_data(*pos), (size_t)len);
			*in = buf;
			*inlen = (size_t)len;
			kind = SCAN_PROT_INNER;
		}
		OPENSSL_cleanse((void *)(uintptr_t)ASN1_STRING_get0_data(*pos),
		    (size_t)len);
	}
	CMS_ContentInfo_free(cms);
	return kind;
}

int
scan_prot_cms(struct pm_arena *a, const unsigned char *p, size_t n,
    const unsigned char **in, size_t *inlen)
{
	size_t i = 0, len;

	if (n < 2 || p[i++] != 0x30 || !scan_prot_der_len(p, n, &i, &len) ||
	    i + 2 > n || p[i] != 0x06)
		return SCAN_PROT_NONE;
	len = p[i + 1];
	i += 2;
	if (len >= 0x80 || i + len > n)
		return SCAN_PROT_NONE;
	if (len == sizeof(scan_prot_p7) + 1 &&
	    memcmp(p + i, scan_prot_p7, sizeof(scan_prot_p7)) == 0) {
		switch (p[i + len - 1]) {
		case 2:		/* signed-data */
			return scan_prot_signed(a, p, n, in, inlen);
		case 3:		/* enveloped-data */
		case 6:		/* encrypted-data */
			return SCAN_PROT_ENCRYPTED;
		default:	/* data, digested-data, ... */
			return SCAN_PROT_OPAQUE;
		}
	}
	if (len == sizeof(scan_prot_ct) + 1 &&
	    memcmp(p + i, scan_prot_ct, sizeof(scan_prot_ct)) == 0)
		return p[i + len - 1] == 23 ? SCAN_PROT_ENCRYPTED :
		    SCAN_PROT_OPAQUE;	/* 23 authEnveloped, 9 compressed */
	return SCAN_PROT_NONE;
}
