/*
 * pm_cpu - CPU features, asked once (see pm_cpu.h)
 */
#include <pthread.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "pm_cpu.h"

static int pm_cpu_has_avx2, pm_cpu_pext_ok;
static int pm_cpu_off;		/* pm_cpu_simd(0) */
static pthread_once_t pm_cpu_once = PTHREAD_ONCE_INIT;

/* pm_cpu_probe - fill the answers (pthread_once) */
static void
pm_cpu_probe(void)
{
#if defined(__x86_64__)
	unsigned a, b, c, d, fam;

	__builtin_cpu_init();
	pm_cpu_has_avx2 = __builtin_cpu_supports("avx2") != 0;
	if (!__builtin_cpu_supports("bmi2") || !__get_cpuid(0, &a, &b, &c,
	    &d))
		return;
	if (b != 0x68747541) {	/* not "Auth"enticAMD */
		pm_cpu_pext_ok = 1;
		return;
	}
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	fam = (a >> 8) & 0xF;
	if (fam == 0xF)
		fam += (a >> 20) & 0xFF;
	pm_cpu_pext_ok = fam >= 0x19;
#endif
}

/* pm_cpu_avx2 - AVX2 there and not switched off */
int
pm_cpu_avx2(void)
{
	(void)pthread_once(&pm_cpu_once, pm_cpu_probe);
	return pm_cpu_has_avx2 && !pm_cpu_off;
}

/* pm_cpu_fast_pext - BMI2 there and PEXT fast */
int
pm_cpu_fast_pext(void)
{
	(void)pthread_once(&pm_cpu_once, pm_cpu_probe);
	return pm_cpu_pext_ok;
}

/* pm_cpu_simd - switch every AVX2 path off (0) or back on (1) */
int
pm_cpu_simd(int on)
{
	int old;

	(void)pthread_once(&pm_cpu_once, pm_cpu_probe);
	old = pm_cpu_has_avx2 && !pm_cpu_off;
	pm_cpu_off = !on;
	return old;
}
