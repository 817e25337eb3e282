/*
 * NAME
 *	pm_snap - refcounted immutable snapshot of a file-backed object
 * OWNS
 *	The current object and the ones still in use by messages; each is
 *	freed by the snapshot's free function when its last user releases
 *	it and it is no longer current.
 * PROMISES
 *	- pm_snap_acquire() checks the file once (stat: device, inode, size,
 *	  mtime in ns) and reloads when it changed or a reload was asked
 *	  (SIGHUP). A load that fails keeps the previous object in force
 *	  and says so through the error callback; the caller is told with
 *	  *stale = 1 so that actions that must not use stale data (keys:
 *	  invariant 3) can fail closed.
 *	- A message holds one object from acquire to release: a reload never
 *	  changes the object under a message in progress.
 * API
 *	pm_snap_init(s, path, load, free)	load(path, &obj, err, n) -> 0/-1.
 *	pm_snap_acquire(s, &stale, err, n)	current object (or NULL when
 *				none ever loaded); pair with release.
 *	pm_snap_release(s, obj)	drop a reference.
 *	pm_snap_request_reload(s)	async-signal-safe: reload next time.
 *	pm_snap_fini(s)		free everything (no users left).
 */
#ifndef PM_SNAP_H
#define PM_SNAP_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>

typedef int (*pm_snap_load_fn)(const char *path, void **obj, char *err,
    size_t errlen);
typedef void (*pm_snap_free_fn)(void *obj);

struct pm_snap_ent;

struct pm_snap {
	pthread_mutex_t lock;
	const char *path;
	pm_snap_load_fn load;
	pm_snap_free_fn free;
	struct pm_snap_ent *cur;	/* newest; older ones chained */
	struct stat st;			/* of the file behind cur */
	volatile sig_atomic_t reload;
	int failed;			/* the last reload attempt failed */
};

void pm_snap_init(struct pm_snap *s, const char *path, pm_snap_load_fn load,
    pm_snap_free_fn free_fn);
void *pm_snap_acquire(struct pm_snap *s, int *stale, char *err,
    size_t errlen);
void pm_snap_release(struct pm_snap *s, void *obj);
void pm_snap_request_reload(struct pm_snap *s);
void pm_snap_fini(struct pm_snap *s);

#endif
