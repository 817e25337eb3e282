/*
 * NAME
 *	kr_report - the keyring inventory and history as text or JSON
 * OWNS
 *	Nothing: renders a kr_state (or the audit log's bytes) to a stream.
 * PROMISES
 *	- The inventory a QSA asks for (PCI DSS 3.6.1.1): for every
 *	  enrollment its address, fingerprint, algorithm and size (primary
 *	  and encryption subkey), key creation, expiry, state, who enrolled
 *	  and approved it and when; for the keyring its dual-control mode
 *	  (with "allow_same_os_user" shown, as it is weaker), strength
 *	  floor and cryptoperiod.
 *	- Times are UTC, ISO 8601. The JSON form is one object on one line:
 *	  {"keyring":{...},"custodians":[...],"enrollments":[...]}.
 *	- Only public data is rendered (no key material).
 * API
 *	kr_report_table(st, dir, fp)	"pankey list": settings, then one
 *				line per enrollment.
 *	kr_report_json(st, dir, fp)	"pankey list --json"; 0 or -1.
 *	kr_report_show(st, dir, addr, fp)	"pankey show": every field of
 *				each enrollment of addr; returns how many.
 *	kr_report_custodians(st, fp)	"pankey custodian list".
 *	kr_report_audit(buf, len, fp)	"pankey audit": one line per entry;
 *				a line that does not parse is printed as
 *				"line N: damaged" (run pankey audit verify).
 * SEE ALSO
 *	pankey(8), kr_state, kr_audit.
 */
#ifndef KR_REPORT_H
#define KR_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "kr_state.h"

void kr_report_table(const struct kr_state *st, const char *dir, FILE *fp);
int kr_report_json(const struct kr_state *st, const char *dir, FILE *fp);
size_t kr_report_show(const struct kr_state *st, const char *dir,
    const char *addr, FILE *fp);
void kr_report_custodians(const struct kr_state *st, FILE *fp);
void kr_report_audit(const char *buf, size_t len, FILE *fp);

#endif
