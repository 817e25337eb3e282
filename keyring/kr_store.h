/*
 * NAME
 *	kr_store - keyring directory layout, locking and atomic file updates
 * OWNS
 *	The open lock descriptor inside struct kr_store (closed, and so
 *	unlocked, by kr_store_unlock). Buffers returned by kr_store_read
 *	are malloc'd and belong to the caller.
 * PROMISES
 *	- Layout: DIR/state (kr_state text), DIR/lock (flock target, never
 *	  renamed), DIR/audit.log (kr_audit), DIR/keys/<FPR>.asc (minimal
 *	  armored public keys). Nothing else is written.
 *	- Every write of a file is atomic: a temporary file in the same
 *	  directory, written in full, fsync, rename over the old name,
 *	  fsync of the directory. So DIR/state is replaced by a new inode
 *	  on every change, which is what the milter's snapshot check
 *	  (stat: device, inode) relies on to see a revocation at once.
 *	- A replaced file keeps the mode (and, when allowed, the group) of
 *	  the file it replaces; a new one is created 0644 less the umask.
 *	- Writers hold an exclusive flock on DIR/lock from reading the
 *	  state to renaming the new one; readers may take a shared one.
 *	- Errors name the path and the errno text, and say what to do.
 * API
 *	kr_store_create(dir, st, err, n)	makes DIR (if absent or empty),
 *				DIR/keys, DIR/lock, DIR/audit.log (empty)
 *				and DIR/state from st. PM_ECONFIG when DIR
 *				already holds a keyring, PM_EIO.
 *	kr_store_lock(s, dir, exclusive, err, n)	opens DIR/lock and
 *				flocks it (blocking). PM_EIO; a missing lock
 *				file says "not a keyring; run pankey init".
 *	kr_store_unlock(s)	releases the lock; safe to call twice.
 *	kr_store_load(dir, st, err, n)	reads and parses DIR/state; st
 *				must be init'ed. PM_EIO, PM_ECONFIG (err
 *				"DIR/state: line N: ..."), PM_ENOMEM.
 *	kr_store_save(dir, st, err, n)	serializes st, writes it atomically.
 *	kr_store_write_atomic(dir, name, data, len, err, n)	any file
 *				of the layout (mode 0644 less the umask).
 *	kr_store_read(path, max, &buf, &len, err, n)	a whole file,
 *				NUL-terminated; PM_ELIMIT past max bytes.
 *	kr_store_key_path(dir, fpr, out, n)	"DIR/keys/<FPR>.asc".
 *	kr_store_exists(path)	1 when path exists.
 * LIMITS
 *	flock is advisory and local: a keyring on NFS is not supported.
 *	Paths are limited to KR_STORE_PATH_MAX bytes.
 * SEE ALSO
 *	kr_state, kr_audit, rename(2), flock(2).
 */
#ifndef KR_STORE_H
#define KR_STORE_H

#include <stddef.h>

#include "kr_state.h"
#include "pm_status.h"

#define KR_STORE_PATH_MAX	4096
#define KR_STORE_STATE		"state"
#define KR_STORE_LOCK		"lock"
#define KR_STORE_AUDIT		"audit.log"
#define KR_STORE_KEYS		"keys"
#define KR_STORE_MAX_STATE	(64u * 1024 * 1024)
#define KR_STORE_MAX_KEY	(1024u * 1024)

struct kr_store {
	int lockfd;		/* -1 when not locked */
};

pm_status kr_store_create(const char *dir, const struct kr_state *st,
    char *err, size_t errlen);
pm_status kr_store_lock(struct kr_store *s, const char *dir, int exclusive,
    char *err, size_t errlen);
void kr_store_unlock(struct kr_store *s);
pm_status kr_store_load(const char *dir, struct kr_state *st, char *err,
    size_t errlen);
pm_status kr_store_save(const char *dir, const struct kr_state *st,
    char *err, size_t errlen);
pm_status kr_store_write_atomic(const char *dir, const char *name,
    const void *data, size_t len, char *err, size_t errlen);
pm_status kr_store_read(const char *path, size_t max, char **buf,
    size_t *len, char *err, size_t errlen);
pm_status kr_store_key_path(const char *dir, const char *fpr, char *out,
    size_t outlen);
int kr_store_exists(const char *path);

#endif
