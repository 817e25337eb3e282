/*
 * null_milter - a libmilter milter that accepts every message and adds
 * the header "X-Null-Milter: seen".  Used ONLY to validate the e2e
 * harness (tests/e2e/lib.sh); it is not part of panmilter.
 *
 * Build: cc -o build/h6/null_milter tests/e2e/null_milter.c -lmilter -lpthread
 * Usage: null_milter SOCKET      (e.g. unix:/path/sock or inet:PORT@127.0.0.1)
 *
 * The socket is created with umask 0 so that Postfix's cleanup/smtpd
 * (running as the mail_owner) can connect; restrict access with the
 * permissions of the directory that holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <libmilter/mfapi.h>

/* nm_eom - add the marker header at end of message, then accept */
static sfsistat
nm_eom(SMFICTX *ctx)
{
	char name[] = "X-Null-Milter";
	char value[] = "seen";

	if (smfi_addheader(ctx, name, value) != MI_SUCCESS)
		return SMFIS_TEMPFAIL;
	return SMFIS_ACCEPT;
}

/* nm_negotiate - ask for nothing but end-of-message and header adds */
static sfsistat
nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f1;
	(void)f2;
	(void)f3;
	if ((f0 & SMFIF_ADDHDRS) == 0)
		return SMFIS_REJECT;
	*pf0 = SMFIF_ADDHDRS;
	*pf1 = 0;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* main - register the filter on argv[1] and run until signalled */
int
main(int argc, char **argv)
{
	struct smfiDesc desc;
	char name[] = "null_milter";

	if (argc != 2) {
		fprintf(stderr, "usage: null_milter SOCKET\n");
		return 2;
	}
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = name;
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS;
	desc.xxfi_eom = nm_eom;
	desc.xxfi_negotiate = nm_negotiate;
	umask(0);
	if (smfi_setconn(argv[1]) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "null_milter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
