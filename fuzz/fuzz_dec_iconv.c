/*
 * fuzz_dec_iconv - dec_iconv is total for every charset name, known,
 * unknown or invalid: the first input byte picks the name.
 */
#include <stddef.h>
#include <stdint.h>

#include "dec_iconv.h"
#include "pm_arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const charsets[] = {
	NULL, "", "utf-8", "UTF-8", "us-ascii", "iso-8859-1", "iso-8859-15",
	"windows-1252", "windows-1251", "utf-16", "utf-16le", "utf-16be",
	"UTF-16LE", "utf-32", "utf-7", "shift_jis", "euc-jp", "iso-2022-jp",
	"gb2312", "gb18030", "big5", "euc-kr", "koi8-r", "cp437", "cp1047",
	"x-no-such-charset", "utf-8//TRANSLIT", "../../etc/passwd",
	"unicode-1-1-utf-7", "x-unknown", "ISO_8859-1:1987", "ucs-2",
};

#define NCHARSETS (sizeof(charsets) / sizeof(charsets[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_arena *a = NULL;
	const unsigned char *out = NULL;
	size_t outlen = 0, i;
	unsigned flags = 0;
	volatile unsigned sum = 0;
	pm_status st;

	if (size < 1)
		return 0;
	a = pm_arena_new(64u << 20);
	if (a == NULL)
		return 0;
	st = dec_iconv(a, charsets[data[0] % NCHARSETS], data + 1, size - 1,
	    &out, &outlen, &flags);
	if (st != PM_OK && st != PM_ENOMEM)
		__builtin_trap();
	if (st == PM_OK) {
		if (outlen > 0 && out == NULL)
			__builtin_trap();
		for (i = 0; i < outlen; i++)	/* every byte readable */
			sum += out[i];
	}
	pm_arena_free(a);
	return 0;
}
