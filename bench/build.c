// SPDX-License-Identifier: MIT
/*
 * bench/build: how fast `kfault build` is, against the hand route, in one run.
 *
 *   kf_bench_build --kfault KFAULT --btf VMLINUX [-n RUNS] [--clang CLANG]
 *                  [--bpftool BPFTOOL] FILE.fault...
 *
 * For each file, the median of RUNS (default 9, at least 7) of:
 *
 *   kfault     the whole process: kfault build FILE -o X --btf VMLINUX,
 *              with the BTF index file that kfault's first build against
 *              VMLINUX made (that first build is timed once, apart)
 *   no idx     the same with KFAULT_BTF_INDEX=off: every build reads all
 *              of the BTF's types
 *   hand       what a libbpf user does with the same generated C (kfault
 *              build --emit c): clang-19 -target bpf -O2 -g -c against the
 *              vmlinux.h bpftool dumped once (that dump is timed once, apart)
 *   in-process the library in a warm process (a forked child that set its
 *              heap up as kfault build does and already compiled once
 *              without CO-RE): opening BTF (with its index file), the
 *              front end with BTF checks,
 *              the minimal vmlinux.h, and the compile itself
 *
 * and prints the times and the ratios: hand / kfault is the speed-up.
 * Timing is wall clock; run it on an otherwise idle machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btf_types.h"
#include "build.h"
#include "clang_compile.h"
#include "frontend.h"

#define MAX_RUNS 101

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
	return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Run argv with stdout to out (NULL: /dev/null), stderr to /dev/null; wall
 * clock ms, or -1; the CPU time (user + system) in *cpu if not NULL.
 */
static double run_cpu(char *const argv[], const char *out, double *cpu)
{
	double t0 = now_ms();
	struct rusage ru;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;

		dup2(fd, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: %s failed (status %d)\n", argv[0], status);
		return -1;
	}
	if (cpu)
		*cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
		       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	return now_ms() - t0;
}

static double run(char *const argv[], const char *out)
{
	return run_cpu(argv, out, NULL);
}

enum { P_BTF, P_FRONT, P_HEADER, P_COMPILE, P_TOTAL, P_COMPILE_CPU, NPHASES };

/* In a forked child: warm up, then one kf_build in process, timed by phase. */
static int inprocess_child(const char *path, const char *btf_path, double *ms, size_t *header_len)
{
	static const char warm[] = "int kf_warm(int x) { return x + 1; }\n";
	KF_OPTS(kf_cc_opts, wopts, .in_process = true);
	struct kf_cc_result *res = NULL;
	struct kf_object obj = {0};
	struct kf_source *src;
	struct kf_btf *kbtf;
	struct kf_unit u;
	char *header = NULL;
	double t0, t;
	int err;

	/* The heap as `kfault build` sets it up (huge pages), and as a warm
	 * process has it: grown already, not faulted in page by page.
	 */
	kf_cc_reserve_heap(24 << 20);
	/* Warm: LLVM initialised, clang's code paged in; no CO-RE, so it may repeat. */
	err = kf_cc_compile(warm, sizeof(warm) - 1, &wopts, &res);
	kf_cc_result__free(res);
	if (err)
		return err;

	t0 = t = now_ms();
	kbtf = kf_btf__open_indexed(btf_path);
	if (!kbtf)
		return -errno;
	ms[P_BTF] = now_ms() - t;

	t = now_ms();
	src = kf_source__read(path);
	if (!src)
		return -errno;
	err = kf_unit__compile_btf(&u, src, kbtf);
	ms[P_FRONT] = now_ms() - t;
	if (err)
		goto fini_unit;

	t = now_ms();
	err = kf_build_header(&u, kbtf, &header, header_len);
	ms[P_HEADER] = now_ms() - t;
	free(header);
	if (err)
		goto fini_unit;

	/* kf_build makes the header again: the compile is the rest of its time. */
	t = now_ms();
	t0 = cpu_ms();
	KF_OPTS(kf_build_opts, bo, .btf = kbtf, .in_process = true);
	err = kf_build(&u, &bo, &obj);
	ms[P_COMPILE] = now_ms() - t - ms[P_HEADER];
	ms[P_COMPILE_CPU] = cpu_ms() - t0 - ms[P_HEADER];
	ms[P_TOTAL] = ms[P_BTF] + ms[P_FRONT] + ms[P_HEADER] + ms[P_COMPILE];
	kf_object_fini(&obj);
fini_unit:
	if (err)
		kf_diags__print(&u.diags, stderr);
	kf_unit__fini(&u);
	kf_btf__free(kbtf);
	return err;
}

static int inprocess(const char *path, const char *btf_path, double *ms, size_t *header_len)
{
	struct { double ms[NPHASES]; size_t header_len; int err; } r = { .err = -EIO };
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		r.err = inprocess_child(path, btf_path, r.ms, &r.header_len);
		if (write(fds[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &r, sizeof(r)) != sizeof(r))
		r.err = -EIO;
	close(fds[0]);
	waitpid(pid, &status, 0);
	memcpy(ms, r.ms, sizeof(r.ms));
	*header_len = r.header_len;
	return r.err;
}

static void usage(void)
{
	fputs("usage: kf_bench_build --kfault KFAULT --btf VMLINUX [-n RUNS] [--clang CLANG]\n"
	      "                      [--bpftool BPFTOOL] FILE.fault...\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "kfault", required_argument, NULL, 'k' },
		{ "btf", required_argument, NULL, 'b' },
		{ "clang", required_argument, NULL, 'c' },
		{ "bpftool", required_argument, NULL, 't' },
		{ "runs", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kfault = NULL, *btf = NULL, *clang = "clang-19", *bpftool = "bpftool";
	char dir[] = "/tmp/kf-bench-XXXXXX", hdr[4200], obj[4200], csrc[4200];
	int runs = 9, c, status = 0;
	double dump_ms, index_ms;

	while ((c = getopt_long(argc, argv, "n:", options, NULL)) != -1) {
		switch (c) {
		case 'k': kfault = optarg; break;
		case 'b': btf = optarg; break;
		case 'c': clang = optarg; break;
		case 't': bpftool = optarg; break;
		case 'n': runs = atoi(optarg); break;
		default: usage();
		}
	}
	if (!kfault || !btf || optind == argc || runs < 7 || runs > MAX_RUNS)
		usage();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(hdr, sizeof(hdr), "%s/vmlinux.h", dir);
	snprintf(obj, sizeof(obj), "%s/out.bpf.o", dir);
	/* A BTF index of this run's own, made by the first build below. */
	snprintf(csrc, sizeof(csrc), "%s/cache", dir);
	setenv("KFAULT_CACHE", csrc, 1);
	unsetenv("KFAULT_BTF_INDEX");

	{
		char *dump[] = { (char *)bpftool, "btf", "dump", "file", (char *)btf, "format", "c", NULL };
		char *tmpl[] = { (char *)kfault, "templates", dir, NULL };
		char *first[] = { (char *)kfault, "build", argv[optind], "-o", obj, "--btf", (char *)btf,
				  NULL };

		dump_ms = run(dump, hdr);
		if (dump_ms < 0 || run(tmpl, NULL) < 0)
			return 1;
		index_ms = run(first, NULL);
		if (index_ms < 0)
			return 1;
	}
	printf("kernel BTF: %s\n", btf);
	printf("hand route's one-time 'bpftool btf dump ... format c > vmlinux.h': %.0f ms\n", dump_ms);
	printf("kfault's first build, which makes the BTF index file: %.0f ms\n", index_ms);
	printf("medians of %d runs, ms; wall clock, and CPU time (user + system) where it says cpu\n\n",
	       runs);
	printf("%-14s %7s %7s %7s %7s %7s %7s %7s | %8s %5s %5s %6s %7s %7s %7s\n", "file", "kfault",
	       "hand", "hand/kf", "kf cpu", "hd cpu", "cpu h/k", "no idx", "in-proc", "btf", "front",
	       "header", "compile", "cmp cpu", "hdr KiB");

	for (int f = optind; f < argc; f++) {
		double t_kf[MAX_RUNS], t_hand[MAX_RUNS], t_in[NPHASES][MAX_RUNS], m_in[NPHASES];
		double t_noidx[MAX_RUNS];
		double c_kf[MAX_RUNS], c_hand[MAX_RUNS];
		char *gen[] = { (char *)kfault, "build", argv[f], "--emit", "c", "-o", csrc,
				"--btf", (char *)btf, NULL };
		char *build[] = { (char *)kfault, "build", argv[f], "-o", obj, "--btf", (char *)btf, NULL };
		char *hand[] = { (char *)clang, "-target", "bpf", "-D__TARGET_ARCH_x86", "-O2", "-g",
				 "-mcpu=v3", "-I", dir, "-c", csrc, "-o", obj, NULL };
		const char *base = strrchr(argv[f], '/') ? strrchr(argv[f], '/') + 1 : argv[f];
		size_t header_len = 0;

		snprintf(csrc, sizeof(csrc), "%s/%s.bpf.c", dir, base);
		if (run(gen, NULL) < 0 || run(build, NULL) < 0 || run(hand, NULL) < 0) {
			status = 1;	/* and one warm-up run of each */
			continue;
		}
		for (int i = 0; i < runs; i++) {
			double ms[NPHASES] = {0};
			int err;

			t_kf[i] = run_cpu(build, NULL, &c_kf[i]);
			t_hand[i] = run_cpu(hand, NULL, &c_hand[i]);
			setenv("KFAULT_BTF_INDEX", "off", 1);
			t_noidx[i] = run(build, NULL);
			unsetenv("KFAULT_BTF_INDEX");
			err = inprocess(argv[f], btf, ms, &header_len);
			if (t_kf[i] < 0 || t_hand[i] < 0 || t_noidx[i] < 0 || err) {
				fprintf(stderr, "bench: %s: run %d failed (%s)\n", argv[f], i,
					err ? strerror(-err) : "see above");
				return 1;
			}
			for (int p = 0; p < NPHASES; p++)
				t_in[p][i] = ms[p];
		}
		for (int p = 0; p < NPHASES; p++)
			m_in[p] = median(t_in[p], runs);
		double mk = median(t_kf, runs), mh = median(t_hand, runs);
		double ck = median(c_kf, runs), ch = median(c_hand, runs);

		printf("%-14s %7.1f %7.1f %6.1fx %7.1f %7.1f %6.1fx %7.1f | %8.1f %5.1f %5.1f %6.1f %7.1f %7.1f %7.1f\n",
		       base, mk, mh, mh / mk, ck, ch, ch / ck, median(t_noidx, runs), m_in[P_TOTAL],
		       m_in[P_BTF], m_in[P_FRONT],
		       m_in[P_HEADER], m_in[P_COMPILE], m_in[P_COMPILE_CPU], header_len / 1024.0);
		printf("%-14s targets: kfault <= 60 ms %s, hand/kfault >= 4 %s, in-process compile <= 30 ms %s\n",
		       "", mk <= 60 ? "yes" : "NO", mh / mk >= 4 ? "yes" : "NO",
		       m_in[P_COMPILE] <= 30 ? "yes" : "NO");
	}
	{
		char *rm[] = { "rm", "-rf", dir, NULL };

		run(rm, NULL);
	}
	return status;
}
