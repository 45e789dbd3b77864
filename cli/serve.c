// SPDX-License-Identifier: MIT
/*
 * kfault serve: a daemon that speaks Chaos Mesh's bpfki protocol over gRPC,
 * so that a KernelChaos controller drives kfault on every node
 * (docs/kubernetes.md). The requests are bpfki.c's; the gRPC server
 * serve-grpc.cpp's. This file parses the options, starts the server and
 * waits for SIGTERM (or SIGINT), then detaches everything and exits 0.
 * Links belong to the process and nothing is pinned, as for 'kfault run':
 * if the daemon dies any other way, the kernel removes every probe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpfki.h"
#include "cli.h"
#include "opts.h"
#include "run.h"
#include "serve-grpc.h"

enum { SERVE_LISTEN = 256, SERVE_BACKEND, SERVE_BTF };

#define SERVE_DEFAULT_LISTEN	"0.0.0.0:50051"

static const struct cli_option serve_options[] = {
	{ "listen", 'L', SERVE_LISTEN, "ADDR:PORT",
	  "listen there (default " SERVE_DEFAULT_LISTEN ", bpfki's port;\nunix:PATH for a socket)" },
	{ "backend", 'b', SERVE_BACKEND, "B",
	  "kprobe, fmod_ret or auto (default: fmod_ret when the kernel\nhas BTF for every function, else kprobe)" },
	{ "btf", 0, SERVE_BTF, "VMLINUX", "compile against this BTF or vmlinux (default: the\nrunning kernel's)" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_serve = {
	"serve", "serve [OPTIONS]",
	"Serve Chaos Mesh's bpfki protocol (gRPC): a drop-in replacement for the bpfki\n"
	"daemon, so that KernelChaos experiments run on kfault. FailMMOrBIO compiles\n"
	"the request as a KernelChaos resource (the same checks; errors come back as\n"
	"INVALID_ARGUMENT with kfault's located message) once per distinct request, and\n"
	"targets the container (the cgroup) of the given pid; more pids asking for it\n"
	"are added to the loaded object. RecoverMMOrBIO stops targeting that pid's\n"
	"container, detaching when none is left. FailSyscall fails the named system\n"
	"calls with -err in the container; the time RPCs are UNIMPLEMENTED. Serves\n"
	"gRPC's health service too. One log line per request on stderr.",
	serve_options,
	"SIGTERM or SIGINT detaches everything and exits 0; if the daemon dies in any\n"
	"other way (kill -9 included), the kernel removes its probes.\n"
	"See docs/kubernetes.md for the protocol, the DaemonSet and Chaos Mesh's settings.\n"
	"\n"
	"Examples:\n"
	"  sudo kfault serve\n"
	"  sudo kfault serve --listen 127.0.0.1:50051\n"
	"\n"
	"Exit status: 0 stopped by a signal, 2 bad usage, 3 cannot start.\n",
};

struct serve_cmd {
	const char *listen;
	const char *btf_path;
	enum kf_backend backend;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct serve_cmd *o = ctx;

	switch (key) {
	case SERVE_LISTEN:
		o->listen = arg;
		return 0;
	case SERVE_BACKEND:
		if (run_parse_backend(arg, &o->backend))
			return cli_usage(&cli_serve, "unknown backend '%s' (kprobe, fmod_ret, auto)", arg);
		return 0;
	case SERVE_BTF:
		o->btf_path = arg;
		return 0;
	default:
		return EXIT_USAGE;
	}
}

/*
 * In a pod, the daemon may be in a cgroup namespace of its own: then the
 * paths /proc/PID/cgroup gives for other containers are relative to it
 * ("/../..."). With the host's pid namespace (hostPID), join the cgroup
 * namespace of the host's init, before any thread starts (threads inherit
 * it), so that they are the host's paths.
 */
static void join_host_cgroupns(void)
{
	struct stat self, host;
	int fd;

	if (stat("/proc/self/ns/cgroup", &self) || stat("/proc/1/ns/cgroup", &host) ||
	    self.st_ino == host.st_ino)
		return;
	fd = open("/proc/1/ns/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWCGROUP))
		fprintf(stderr, "kfault serve: cannot join the cgroup namespace of pid 1 (%s): "
			"containers' cgroups may not be found\n", strerror(errno));
	else
		fprintf(stderr, "kfault serve: joined the cgroup namespace of pid 1\n");
	if (fd >= 0)
		close(fd);
}

int cmd_serve(int argc, char **argv)
{
	struct serve_cmd o = { .listen = SERVE_DEFAULT_LISTEN };
	int first, sig, injections, targets;
	struct serve_grpc *server;
	struct bpfki_daemon *d;
	char err[256];
	sigset_t stop;
	int status = cli_parse(&cli_serve, argc, argv, set_option, &o, &first);

	if (status >= 0)
		return status;
	if (first != argc)
		return cli_usage(&cli_serve, "unexpected operand '%s'", argv[first]);
	/*
	 * A daemon that loads and frees objects for days: blocks of 64 KiB
	 * and more (objects, verifier log buffers) are mapped and unmapped,
	 * never kept in the heap (glibc's threshold otherwise rises with each
	 * such block freed, and freed ones pile up in the heaps of gRPC's
	 * threads, which the RSS shows).
	 */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	/* Every thread gRPC starts inherits this mask: only sigwait() below takes them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	join_host_cgroupns();

	KF_OPTS(bpfki_opts, bo, .btf_path = o.btf_path, .backend = o.backend, .log = stderr);
	d = bpfki__new(&bo);
	if (!d) {
		fprintf(stderr, "kfault serve: cannot read kernel BTF from %s: %s\n",
			o.btf_path ? o.btf_path : "/sys/kernel/btf/vmlinux", strerror(errno));
		return EXIT_FAIL;
	}
	server = serve_grpc__start(d, o.listen, err, sizeof(err));
	if (!server) {
		fprintf(stderr, "kfault serve: %s\n", err);
		bpfki__destroy(d);
		return EXIT_FAIL;
	}
	if (strncmp(o.listen, "unix:", 5) == 0)
		fprintf(stderr, "kfault serve: listening on %s", o.listen);
	else
		fprintf(stderr, "kfault serve: listening on %s (port %d)", o.listen,
			serve_grpc__port(server));
	fprintf(stderr, ": bpfki.BPFKIService, grpc.health.v1; SIGTERM to stop\n");
	sigwait(&stop, &sig);
	fprintf(stderr, "kfault serve: %s: stopping\n", strsignal(sig));
	serve_grpc__stop(server, 5000);
	bpfki__count(d, &injections, &targets);
	bpfki__destroy(d);
	fprintf(stderr, "kfault serve: detached %d injection%s (%d target%s); exiting\n", injections,
		injections == 1 ? "" : "s", targets, targets == 1 ? "" : "s");
	return 0;
}
