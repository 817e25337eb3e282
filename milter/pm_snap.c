/*
 * pm_snap - snapshots behind one mutex.
 *
 * The lock is held only to compare stat results and to swap pointers,
 * and while a changed file is loaded (rare), so the per-message cost is
 * one stat(2) and two uncontended lock round trips.
 */
#include <stdlib.h>
#include <string.h>

#include "pm_snap.h"

struct pm_snap_ent {
	struct pm_snap_ent *next;	/* older entries still in use */
	void *obj;
	unsigned refs;
};

/* pm_snap_init - an empty holder for path */
void
pm_snap_init(struct pm_snap *s, const char *path, pm_snap_load_fn load,
    pm_snap_free_fn free_fn)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->path = path;
	s->load = load;
	s->free = free_fn;
}

/* pm_snap_same - whether two stats name the same unchanged file */
static int
pm_snap_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino
	    && a->st_size == b->st_size
	    && a->st_mtim.tv_sec == b->st_mtim.tv_sec
	    && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* pm_snap_gc - free old entries nobody uses (lock held) */
static void
pm_snap_gc(struct pm_snap *s)
{
	struct pm_snap_ent **pp, *e;

	if (s->cur == NULL)
		return;
	pp = &s->cur->next;
	while ((e = *pp) != NULL) {
		if (e->refs == 0) {
			*pp = e->next;
			s->free(e->obj);
			free(e);
		} else
			pp = &e->next;
	}
}

/* pm_snap_reload - load the file anew (lock held); 0 or -1 */
static int
pm_snap_reload(struct pm_snap *s, const struct stat *st, char *err,
    size_t errlen)
{
	struct pm_snap_ent *e;
	void *obj = NULL;

	if (s->load(s->path, &obj, err, errlen) != 0)
		return -1;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		s->free(obj);
		return -1;
	}
	e->obj = obj;
	e->next = s->cur;
	s->cur = e;
	s->st = *st;
	pm_snap_gc(s);
	return 0;
}

/* pm_snap_acquire - the current object, reloaded when its file changed */
void *
pm_snap_acquire(struct pm_snap *s, int *stale, char *err, size_t errlen)
{
	struct stat st;
	void *obj = NULL;
	int changed;

	*stale = 0;
	if (err != NULL && errlen > 0)
		err[0] = 0;
	pthread_mutex_lock(&s->lock);
	if (stat(s->path, &st) != 0)
		changed = -1;
	else
		changed = s->cur == NULL || s->reload
		    || !pm_snap_same(&st, &s->st);
	if (changed > 0) {
		s->reload = 0;
		s->failed = pm_snap_reload(s, &st, err, errlen) != 0;
	} else if (changed < 0)
		s->failed = 1;
	*stale = s->failed;
	if (s->cur != NULL) {
		s->cur->refs++;
		obj = s->cur->obj;
	}
	pthread_mutex_unlock(&s->lock);
	return obj;
}

/* pm_snap_release - one user fewer */
void
pm_snap_release(struct pm_snap *s, void *obj)
{
	struct pm_snap_ent *e;

	if (obj == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	for (e = s->cur; e != NULL; e = e->next)
		if (e->obj == obj) {
			e->refs--;
			break;
		}
	pm_snap_gc(s);
	pthread_mutex_unlock(&s->lock);
}

/* pm_snap_request_reload - from a signal handler */
void
pm_snap_request_reload(struct pm_snap *s)
{
	s->reload = 1;
}

/* pm_snap_fini - free every entry */
void
pm_snap_fini(struct pm_snap *s)
{
	struct pm_snap_ent *e, *n;

	for (e = s->cur; e != NULL; e = n) {
		n = e->next;
		s->free(e->obj);
		free(e);
	}
	s->cur = NULL;
	pthread_mutex_destroy(&s->lock);
}
