/* pm_status - names for status codes. */
#include "pm_status.h"

/* pm_status_str - stable lower-case name of a status */
const char *
pm_status_str(pm_status st)
{
	switch (st) {
	case PM_OK:		return "ok";
	case PM_ENOMEM:		return "out of memory";
	case PM_ELIMIT:		return "limit reached";
	case PM_EIO:		return "i/o error";
	case PM_ECRYPTO:	return "crypto error";
	case PM_ENOKEY:		return "no key";
	case PM_ETIMEOUT:	return "timeout";
	case PM_ECONFIG:	return "configuration error";
	case PM_EINTERNAL:	return "internal error";
	}
	return "unknown status";
}
