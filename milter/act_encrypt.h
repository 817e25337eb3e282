/*
 * NAME
 *	act_encrypt - the whole message as PGP/MIME (RFC 3156)
 * OWNS
 *	Nothing beyond the call: the new body and header values are in the
 *	caller's arena.
 * PROMISES
 *	- The plaintext is the original top-level MIME entity: every
 *	  Content-* header field as written, a blank line, the body as
 *	  received. With protect_subject the original Subject travels
 *	  inside (Content-Type gets protected-headers="v1", RFC 9788) and
 *	  the outer Subject becomes "[encrypted message]".
 *	- The new body is multipart/encrypted; protocol="application/
 *	  pgp-encrypted" with the "Version: 1" part and the ASCII-armored
 *	  ciphertext (CRLF lines); the edits set the outer Content-Type,
 *	  delete the other top-level Content-* fields and add MIME-Version
 *	  when it is missing. Other header fields are not touched.
 *	- The plaintext copy is wiped before the call returns.
 * API
 *	act_encrypt(a, msg, len, protect_subject, extra, fn, arg, &edit,
 *	    err, n)	extra: header lines (CRLF-terminated) to put first in
 *		the plaintext entity, or NULL (quarantine carries the
 *		envelope there); fn encrypts (pgp_helper_encrypt bound to
 *		the fingerprints);
 *		PM_OK, or fn's status (PM_ENOKEY, PM_ECRYPTO, PM_ETIMEOUT),
 *		or PM_ENOMEM.
 */
#ifndef ACT_ENCRYPT_H
#define ACT_ENCRYPT_H

#include <stddef.h>

#include "act_plan.h"
#include "pm_arena.h"
#include "pm_status.h"

#define ACT_ENCRYPT_MAX_HDRS	12

typedef pm_status (*act_encrypt_fn)(void *arg, const void *plain,
    size_t len, char **out, size_t *outlen, char *err, size_t errlen);

struct act_encrypt_edit {
	struct act_hdr hdrs[ACT_ENCRYPT_MAX_HDRS];	/* value NULL: delete */
	size_t nhdrs;
	const unsigned char *body;
	size_t body_len;
};

pm_status act_encrypt(struct pm_arena *a, const unsigned char *msg,
    size_t len, int protect_subject, const char *extra_hdrs,
    act_encrypt_fn fn, void *arg, struct act_encrypt_edit *out, char *err,
    size_t errlen);

#endif
