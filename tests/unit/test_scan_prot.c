/*
 * test_scan_prot - "protected" is earned by the content: OpenPGP armor
 * by its first packet, CMS by its content type, signed S/MIME content
 * handed back to be walked. The CMS inputs are made here with OpenSSL
 * (a throw-away RSA key and self-signed certificate).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pm_arena.h"
#include "scan_prot.h"

#define ARMOR	"-----BEGIN PGP MESSAGE-----\n"
#define ARMOR_END "\n-----END PGP MESSAGE-----\n"

struct pcase {
	const char *name;
	const char *text;
	int want;
	size_t body;	/* where the packets start (when not NONE) */
};

static const struct pcase pcases[] = {
	{ "pkesk_old_format", ARMOR "\nhQEMAw==" ARMOR_END,
	    SCAN_PROT_ENCRYPTED, 29 },
	{ "pkesk_new_format", ARMOR "\nwQwDAQ==" ARMOR_END,
	    SCAN_PROT_ENCRYPTED, 29 },
	{ "skesk", ARMOR "\nww0FCQ==" ARMOR_END, SCAN_PROT_ENCRYPTED, 29 },
	{ "sed_old_format", ARMOR "\npCABAg==" ARMOR_END,
	    SCAN_PROT_ENCRYPTED, 29 },
	{ "seipd", ARMOR "\n0j8BAg==" ARMOR_END, SCAN_PROT_ENCRYPTED, 29 },
	{ "aead", ARMOR "\n1EABBw==" ARMOR_END, SCAN_PROT_ENCRYPTED, 29 },
	{ "armor_headers", "\r\n" ARMOR "Version: GnuPG v2\r\nComment: x\r\n"
	    "\r\nhQEMAw==" ARMOR_END, SCAN_PROT_ENCRYPTED, 63 },
	{ "no_blank_line", ARMOR "hQEMAw==" ARMOR_END, SCAN_PROT_ENCRYPTED,
	    28 },
	{ "compressed_is_opaque", ARMOR "\nowF4nA==" ARMOR_END,
	    SCAN_PROT_OPAQUE, 29 },
	{ "literal_is_opaque", ARMOR "\nyxBiAA==" ARMOR_END, SCAN_PROT_OPAQUE,
	    29 },
	{ "signed_is_opaque", ARMOR "\nkA0DAA==" ARMOR_END, SCAN_PROT_OPAQUE,
	    29 },
	{ "base64_text_is_opaque", ARMOR "\nY2FyZCA0MTEx" ARMOR_END,
	    SCAN_PROT_OPAQUE, 29 },
	{ "empty_armor_is_opaque", ARMOR ARMOR_END, SCAN_PROT_OPAQUE, 29 },
	{ "armor_line_at_end_is_opaque", ARMOR, SCAN_PROT_OPAQUE, 28 },
	{ "clearsigned_is_text", "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\nhello\n", SCAN_PROT_NONE, 0 },
	{ "text_is_text", "hello " ARMOR, SCAN_PROT_NONE, 0 },
};

static void
test_pgp(void **state)
{
	const struct pcase *c = *state;
	size_t body = 0;

	assert_int_equal(scan_prot_pgp((const unsigned char *)c->text,
	    strlen(c->text), &body), c->want);
	if (c->want != SCAN_PROT_NONE)
		assert_int_equal(body, c->body);
}

/* --- CMS --------------------------------------------------------------- */

static EVP_PKEY *key;
static X509 *cert;

static int
make_cert(void **state)
{
	X509_NAME *nm = NULL;

	(void)state;
	if ((key = EVP_RSA_gen(2048)) == NULL || (cert = X509_new()) == NULL)
		return -1;
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, key);
	nm = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)"panmilter test", -1, -1, 0);
	X509_set_issuer_name(cert, nm);
	return X509_sign(cert, key, EVP_sha256()) > 0 ? 0 : -1;
}

static int
free_cert(void **state)
{
	(void)state;
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}

static const char inner[] = "Content-Type: text/plain\r\n\r\nsigned text\r\n";

/* der_of - DER of cms (freed), in malloc'd *out */
static size_t
der_of(CMS_ContentInfo *cms, unsigned char **out)
{
	int n;

	assert_non_null(cms);
	*out = NULL;
	n = i2d_CMS_ContentInfo(cms, out);
	CMS_ContentInfo_free(cms);
	assert_true(n > 0);
	return (size_t)n;
}

/* classify - scan_prot_cms on p[0..n) with a fresh arena */
static int
classify(const unsigned char *p, size_t n, char *copy, size_t cap)
{
	struct pm_arena *a = pm_arena_new(0);
	const unsigned char *in = NULL;
	size_t inlen = 0;
	int k;

	assert_non_null(a);
	k = scan_prot_cms(a, p, n, &in, &inlen);
	if (k == SCAN_PROT_INNER) {
		assert_true(inlen < cap);
		memcpy(copy, in, inlen);
		copy[inlen] = '\0';
	}
	pm_arena_free(a);
	return k;
}

static void
test_cms_signed_gives_content(void **state)
{
	BIO *b = BIO_new_mem_buf(inner, (int)strlen(inner));
	unsigned char *der = NULL;
	char got[256];
	size_t n;

	(void)state;
	n = der_of(CMS_sign(cert, key, NULL, b, CMS_BINARY), &der);
	assert_int_equal(classify(der, n, got, sizeof(got)),
	    SCAN_PROT_INNER);
	assert_string_equal(got, inner);
	OPENSSL_free(der);
	BIO_free(b);
}

static void
test_cms_detached_is_opaque(void **state)
{
	BIO *b = BIO_new_mem_buf(inner, (int)strlen(inner));
	unsigned char *der = NULL;
	size_t n;

	(void)state;
	n = der_of(CMS_sign(cert, key, NULL, b, CMS_BINARY | CMS_DETACHED),
	    &der);
	assert_int_equal(classify(der, n, NULL, 0), SCAN_PROT_OPAQUE);
	OPENSSL_free(der);
	BIO_free(b);
}

static void
test_cms_enveloped_is_encrypted(void **state)
{
	BIO *b = BIO_new_mem_buf(inner, (int)strlen(inner));
	STACK_OF(X509) *to = sk_X509_new_null();
	unsigned char *der = NULL;
	size_t n;

	(void)state;
	assert_non_null(to);
	sk_X509_push(to, cert);
	n = der_of(CMS_encrypt(to, b, EVP_aes_128_cbc(), CMS_BINARY), &der);
	assert_int_equal(classify(der, n, NULL, 0), SCAN_PROT_ENCRYPTED);
	OPENSSL_free(der);
	sk_X509_free(to);
	BIO_free(b);
}

static void
test_cms_data_is_opaque(void **state)
{
	BIO *b = BIO_new_mem_buf(inner, (int)strlen(inner));
	unsigned char *der = NULL;
	size_t n;

	(void)state;
	n = der_of(CMS_data_create(b, CMS_BINARY), &der);
	assert_int_equal(classify(der, n, NULL, 0), SCAN_PROT_OPAQUE);
	OPENSSL_free(der);
	BIO_free(b);
}

/* the content type by hand: BER indefinite length, smime types */
static void
test_cms_headers(void **state)
{
	static const unsigned char auth_env[] = { 0x30, 0x80, 0x06, 0x0B,
	    0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x17,
	    0xA0, 0x80 };
	static const unsigned char compressed[] = { 0x30, 0x82, 0x00, 0x10,
	    0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10,
	    0x01, 0x09 };
	static const unsigned char env_short[] = { 0x30, 0x0B, 0x06, 0x09,
	    0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03 };
	static const unsigned char signed_bad[] = { 0x30, 0x0B, 0x06, 0x09,
	    0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02 };
	static const unsigned char cut[] = { 0x30, 0x0B, 0x06, 0x09, 0x2A };
	static const unsigned char other_oid[] = { 0x30, 0x05, 0x06, 0x03,
	    0x2B, 0x06, 0x01 };

	(void)state;
	assert_int_equal(classify(auth_env, sizeof(auth_env), NULL, 0),
	    SCAN_PROT_ENCRYPTED);
	assert_int_equal(classify(compressed, sizeof(compressed), NULL, 0),
	    SCAN_PROT_OPAQUE);
	assert_int_equal(classify(env_short, sizeof(env_short), NULL, 0),
	    SCAN_PROT_ENCRYPTED);
	/* says signed, does not parse: not read, so not clean either */
	assert_int_equal(classify(signed_bad, sizeof(signed_bad), NULL, 0),
	    SCAN_PROT_OPAQUE);
	assert_int_equal(classify(cut, sizeof(cut), NULL, 0), SCAN_PROT_NONE);
	assert_int_equal(classify(other_oid, sizeof(other_oid), NULL, 0),
	    SCAN_PROT_NONE);
	assert_int_equal(classify((const unsigned char *)"card 4111", 9,
	    NULL, 0), SCAN_PROT_NONE);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(pcases) / sizeof(pcases[0]) + 5];
	const struct CMUnitTest cms[] = {
		cmocka_unit_test(test_cms_signed_gives_content),
		cmocka_unit_test(test_cms_detached_is_opaque),
		cmocka_unit_test(test_cms_enveloped_is_encrypted),
		cmocka_unit_test(test_cms_data_is_opaque),
		cmocka_unit_test(test_cms_headers),
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		tests[n].name = pcases[i].name;
		tests[n].test_func = test_pgp;
		tests[n].setup_func = NULL;
		tests[n].teardown_func = NULL;
		tests[n].initial_state = (void *)&pcases[i];
		n++;
	}
	for (i = 0; i < sizeof(cms) / sizeof(cms[0]); i++)
		tests[n++] = cms[i];
	return _cmocka_run_group_tests("scan_prot", tests, n, make_cert,
	    free_cert);
}
