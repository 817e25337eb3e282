/*
 * fuzz_conf - conf_load (libconfig + our table) on any file content:
 * returns a defined status, fills err on failure, leaks nothing. The input
 * is handed over as a memfd, so nothing is written to disk.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * __lsan_default_suppressions - libconfig 1.5 leaks the string being
 * scanned when a syntax error follows it (strbuf_append); not ours
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	struct conf c;
	pm_status st;
	int fd;

	if (size > 65536 || (fd = memfd_create("conf", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = 0;
	conf_default(&c);
	st = conf_load(path, &c, err, sizeof(err));
	if (st != PM_OK && (st != PM_ECONFIG || err[0] == 0))
		__builtin_trap();
	conf_fini(&c);
	close(fd);
	return 0;
}
