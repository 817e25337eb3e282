/*
 * kr_store - the keyring directory on disk.
 *
 * Writes go through one function, kr_store_write_atomic(), so the
 * write-fsync-rename-fsync sequence exists once. Temporary files are
 * named ".NAME.tmp.PID" in the target directory (rename(2) is atomic
 * only within one file system) and are removed on every error path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kr_store.h"

/* kr_store_exists - 1 when path exists (any type) */
int
kr_store_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* kr_store_join - "dir/name" into out; PM_ELIMIT when too long */
static pm_status
kr_store_join(const char *dir, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= outlen ? PM_ELIMIT : PM_OK;
}

/* kr_store_key_path - "DIR/keys/<FPR>.asc" */
pm_status
kr_store_key_path(const char *dir, const char *fpr, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s/%s.asc", dir, KR_STORE_KEYS, fpr);

	return n < 0 || (size_t)n >= outlen ? PM_ELIMIT : PM_OK;
}

/* kr_store_write_all - write n bytes to fd; 0 or -1 (errno set) */
static int
kr_store_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* kr_store_sync_dir - fsync a directory so a rename is durable */
static int
kr_store_sync_dir(const char *dir)
{
	int fd, rc;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * kr_store_keep_mode - give the new file the mode and group of the one
 * it replaces, so an administrator's choice (say 0640, group panmilter)
 * survives every update; a new file keeps 0644 less the umask
 */
static int
kr_store_keep_mode(int fd, const char *dst)
{
	struct stat sb;

	if (stat(dst, &sb) != 0)
		return 0;
	if (fchown(fd, (uid_t)-1, sb.st_gid) != 0)
		(void)0;	/* not a member of that group: keep ours */
	return fchmod(fd, sb.st_mode & 07777);
}

/* kr_store_write_atomic - replace dir/name by data, atomically */
pm_status
kr_store_write_atomic(const char *dir, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	char tmp[KR_STORE_PATH_MAX], dst[KR_STORE_PATH_MAX], tname[256];
	const char *step = "open";
	const char *sl = NULL;
	int fd = -1;

	sl = strrchr(name, '/');
	snprintf(tname, sizeof(tname), "%.*s.%s.tmp.%ld",
	    sl == NULL ? 0 : (int)(sl - name + 1), name,
	    sl == NULL ? name : sl + 1, (long)getpid());
	if (kr_store_join(dir, tname, tmp, sizeof(tmp)) != PM_OK ||
	    kr_store_join(dir, name, dst, sizeof(dst)) != PM_OK) {
		snprintf(err, errlen, "%s/%s: path too long", dir, name);
		return PM_EIO;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	step = "fchmod";
	if (kr_store_keep_mode(fd, dst) != 0)
		goto fail;
	step = "write";
	if (kr_store_write_all(fd, data, len) != 0)
		goto fail;
	step = "fsync";
	if (fsync(fd) != 0)
		goto fail;
	step = "close";
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (rename(tmp, dst) != 0)
		goto fail;
	step = "fsync of the directory";
	*strrchr(dst, '/') = '\0';
	if (kr_store_sync_dir(dst) != 0) {
		snprintf(err, errlen, "%s: %s: %s (the new %s is in place)",
		    dir, step, strerror(errno), name);
		return PM_EIO;
	}
	return PM_OK;
fail:
	snprintf(err, errlen, "%s: %s: %s; nothing was changed; check the "
	    "permissions and free space of %s", tmp, step, strerror(errno),
	    dir);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return PM_EIO;
}

/* kr_store_read - a whole file into a NUL-terminated malloc'd buffer */
pm_status
kr_store_read(const char *path, size_t max, char **buf, size_t *len,
    char *err, size_t errlen)
{
	struct stat sb;
	char *p = NULL;
	size_t got = 0;
	ssize_t r;
	int fd = -1;
	pm_status rc = PM_EIO;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size > max) {
		snprintf(err, errlen, "%s: %s", path, S_ISREG(sb.st_mode) ?
		    "file too large" : "not a regular file");
		rc = PM_ELIMIT;
		goto out;
	}
	p = malloc((size_t)sb.st_size + 1);
	if (p == NULL) {
		rc = PM_ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		r = read(fd, p + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	p[got] = '\0';
	*buf = p;
	*len = got;
	p = NULL;
	rc = PM_OK;
out:
	free(p);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* kr_store_load - read and parse DIR/state */
pm_status
kr_store_load(const char *dir, struct kr_state *st, char *err, size_t errlen)
{
	char path[KR_STORE_PATH_MAX], why[512];
	char *buf = NULL;
	size_t len = 0;
	pm_status rc;

	if (kr_store_join(dir, KR_STORE_STATE, path, sizeof(path)) != PM_OK) {
		snprintf(err, errlen, "%s: path too long", dir);
		return PM_EIO;
	}
	rc = kr_store_read(path, KR_STORE_MAX_STATE, &buf, &len, err, errlen);
	if (rc != PM_OK)
		return rc == PM_ELIMIT ? PM_EIO : rc;
	rc = kr_state_parse(buf, len, st, why, sizeof(why));
	if (rc != PM_OK)
		snprintf(err, errlen, "%s: %s; the state file is damaged: "
		    "restore it from a backup (pankey audit shows the history)",
		    path, why);
	free(buf);
	return rc;
}

/* kr_store_save - serialize st and replace DIR/state atomically */
pm_status
kr_store_save(const char *dir, const struct kr_state *st, char *err,
    size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	pm_status rc;

	rc = kr_state_serialize(st, &buf, &len);
	if (rc != PM_OK) {
		snprintf(err, errlen, "%s/state: out of memory", dir);
		return rc;
	}
	rc = kr_store_write_atomic(dir, KR_STORE_STATE, buf, len, err, errlen);
	free(buf);
	return rc;
}

/* kr_store_lock - open DIR/lock and flock it */
pm_status
kr_store_lock(struct kr_store *s, const char *dir, int exclusive, char *err,
    size_t errlen)
{
	char path[KR_STORE_PATH_MAX];
	int r;

	s->lockfd = -1;
	if (kr_store_join(dir, KR_STORE_LOCK, path, sizeof(path)) != PM_OK) {
		snprintf(err, errlen, "%s: path too long", dir);
		return PM_EIO;
	}
	s->lockfd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->lockfd < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s: not a keyring (no lock "
			    "file); create one with: pankey -k %s init", dir,
			    dir);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return PM_EIO;
	}
	do {
		r = flock(s->lockfd, exclusive ? LOCK_EX : LOCK_SH);
	} while (r != 0 && errno == EINTR);
	if (r != 0) {
		snprintf(err, errlen, "%s: flock: %s", path, strerror(errno));
		kr_store_unlock(s);
		return PM_EIO;
	}
	return PM_OK;
}

/* kr_store_unlock - close the lock descriptor (releases the flock) */
void
kr_store_unlock(struct kr_store *s)
{
	if (s->lockfd >= 0)
		close(s->lockfd);
	s->lockfd = -1;
}

/* kr_store_mkdir - mkdir that accepts an existing empty directory */
static pm_status
kr_store_mkdir(const char *dir, char *err, size_t errlen)
{
	char path[KR_STORE_PATH_MAX];

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return PM_EIO;
	}
	if (kr_store_join(dir, KR_STORE_STATE, path, sizeof(path)) != PM_OK) {
		snprintf(err, errlen, "%s: path too long", dir);
		return PM_EIO;
	}
	if (kr_store_exists(path)) {
		snprintf(err, errlen, "%s: already holds a keyring; nothing "
		    "was changed", dir);
		return PM_ECONFIG;
	}
	kr_store_join(dir, KR_STORE_KEYS, path, sizeof(path));
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return PM_EIO;
	}
	return PM_OK;
}

/* kr_store_create - a new keyring in dir holding st */
pm_status
kr_store_create(const char *dir, const struct kr_state *st, char *err,
    size_t errlen)
{
	pm_status rc;

	rc = kr_store_mkdir(dir, err, errlen);
	if (rc != PM_OK)
		return rc;
	rc = kr_store_write_atomic(dir, KR_STORE_LOCK, "", 0, err, errlen);
	if (rc == PM_OK)
		rc = kr_store_write_atomic(dir, KR_STORE_AUDIT, "", 0, err,
		    errlen);
	if (rc == PM_OK)
		rc = kr_store_save(dir, st, err, errlen);
	return rc;
}
