/*
 * failslab-loader: loads failslab.bpf.o with libbpf, aims it at one comm,
 * runs a command while it is attached, then detaches.
 *
 *   failslab-loader OBJ COMM CMD [ARG...]
 *
 * Prints "attached" once the kprobe on should_failslab is live, runs CMD,
 * detaches, and prints "detached: N allocations failed" (N from the
 * program's hits map). Exits with CMD's exit status (128+signal if it was
 * killed), or 1 if loading or attaching failed, 2 on bad usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define COMM_LEN 16

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int run(char **cmd)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("failslab-loader: fork");
		return -1;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "failslab-loader: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("failslab-loader: waitpid");
		return -1;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *target, *hits;
	struct bpf_link *link = NULL;
	char comm[COMM_LEN] = "";
	unsigned int zero = 0;
	unsigned long long count = 0;
	int status = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: failslab-loader OBJ COMM CMD [ARG...]\n");
		return 2;
	}
	if (strlen(argv[2]) == 0 || strlen(argv[2]) >= COMM_LEN) {
		fprintf(stderr, "failslab-loader: COMM must have 1 to %d characters\n", COMM_LEN - 1);
		return 2;
	}
	strcpy(comm, argv[2]);
	libbpf_set_print(print_libbpf);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "failslab-loader: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (bpf_object__load(obj) != 0) {
		fprintf(stderr, "failslab-loader: load %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	target = bpf_object__find_map_by_name(obj, "target");
	hits = bpf_object__find_map_by_name(obj, "hits");
	prog = bpf_object__find_program_by_name(obj, "fail_slab_for_comm");
	if (!target || !hits || !prog) {
		fprintf(stderr, "failslab-loader: %s lacks map target, map hits or program fail_slab_for_comm\n",
			argv[1]);
		goto out;
	}
	if (bpf_map__update_elem(target, &zero, sizeof(zero), comm, sizeof(comm), BPF_ANY) != 0) {
		fprintf(stderr, "failslab-loader: set target comm: %s\n", strerror(errno));
		goto out;
	}
	link = bpf_program__attach(prog);
	if (!link) {
		fprintf(stderr, "failslab-loader: attach kprobe: %s\n", strerror(errno));
		goto out;
	}
	printf("attached: slab allocations of comm '%s' fail with ENOMEM\n", comm);

	status = run(argv + 3);
	if (status < 0)
		status = 1;

	bpf_link__destroy(link);
	link = NULL;
	if (bpf_map__lookup_elem(hits, &zero, sizeof(zero), &count, sizeof(count), 0) != 0) {
		fprintf(stderr, "failslab-loader: read hits: %s\n", strerror(errno));
		status = 1;
		goto out;
	}
	printf("detached: %llu allocations failed\n", count);
out:
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return status;
}
