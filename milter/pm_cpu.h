/*
 * NAME
 *	pm_cpu - what the CPU can do, asked once, and one switch for tests
 * PROMISES
 *	The build is baseline x86-64; the faster paths (the detector's AVX2
 *	kernels, the base64 decoder's AVX2 blocks, pm_memmem's AVX2 loop,
 *	the UTF-16 scan of binary parts) are picked at run time by asking
 *	here. CPUID is asked once per process (pthread_once): in a VM it
 *	traps to the hypervisor (asked per detector it was 1.9 % of the
 *	pipeline bench).
 * API
 *	pm_cpu_avx2()		1 when the CPU has AVX2 and the switch is on.
 *	pm_cpu_fast_pext()	1 when the CPU has BMI2 and PEXT is one fast
 *				instruction (not an AMD CPU before family
 *				19h, where it is microcoded and takes up to
 *				hundreds of cycles); the switch does not
 *				change it (PEXT runs only in an AVX2 path).
 *	pm_cpu_simd(on)		tests and benchmarks: 0 turns every AVX2
 *				path off (the SSE2 and scalar paths run), 1
 *				back on where the CPU has it; returns the
 *				previous setting. Not to be flipped while
 *				other threads scan.
 */
#ifndef PM_CPU_H
#define PM_CPU_H

int pm_cpu_avx2(void);
int pm_cpu_fast_pext(void);
int pm_cpu_simd(int on);

#endif
