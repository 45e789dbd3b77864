// SPDX-License-Identifier: MIT
/*
 * A test harness of the kind the skeleton is for: examples/mount.fault,
 * embedded by 'kfault build --emit skel', opened, loaded, attached and
 * armed through mount.skel.h, around a command it runs.
 *
 *   skel-mount BACKEND COMMAND [ARG...]
 *   skel-mount --dump        the embedded object, to stdout
 *
 * Prints "armed", the command's output, then "injected N", and exits with
 * the command's status (3 when the skeleton fails).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount.skel.h"

static int fail(struct mount_kfault *skel, const char *what, int err)
{
	fprintf(stderr, "skel-mount: %s: %s (%s)\n", what, strerror(-err),
		skel ? mount_kfault__errmsg(skel) : "no skeleton");
	mount_kfault__destroy(skel);
	return 3;
}

int main(int argc, char **argv)
{
	struct kf_stats st, st_all;
	struct mount_kfault *skel;
	const unsigned char *elf;
	int err, status;
	size_t size;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "--dump") == 0) {
		elf = (const unsigned char *)mount_kfault__elf_bytes(&size);
		return fwrite(elf, 1, size, stdout) == size && fflush(stdout) == 0 ? 0 : 3;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: skel-mount BACKEND COMMAND [ARG...]\n");
		return 2;
	}
	KF_INJECTOR_OPTS(opts, .backend = strcmp(argv[1], "fmod_ret") == 0 ? KF_BACKEND_FMOD_RET :
					  strcmp(argv[1], "kprobe") == 0 ? KF_BACKEND_KPROBE :
					  KF_BACKEND_AUTO);

	/* what the skeleton says before anything is loaded */
	elf = (const unsigned char *)mount_kfault__elf_bytes(&size);
	if (size < 64 || memcmp(elf, "\177ELF", 4)) {
		fprintf(stderr, "skel-mount: the embedded object is not ELF\n");
		return 3;
	}
	skel = mount_kfault__open(&opts);
	if (!skel)
		return fail(NULL, "open", -errno);
	if (MOUNT_KFAULT_INJECTION_CNT != 1 ||
	    strcmp(mount_kfault__slab_meta(skel)->site, "should_failslab") ||
	    strcmp(mount_kfault__slab_meta(skel)->frames[0], "__x64_sys_mount") ||
	    strcmp(mount_kfault__slab_knobs(skel)->comm, "mount-loop")) {
		fprintf(stderr, "skel-mount: unexpected injection: %s, %s, comm '%s'\n",
			mount_kfault__slab_meta(skel)->site, mount_kfault__slab_meta(skel)->frames[0],
			mount_kfault__slab_knobs(skel)->comm);
		return fail(skel, "meta", -EINVAL);
	}

	err = mount_kfault__load(skel);
	if (err)
		return fail(skel, "load", err);
	err = mount_kfault__attach(skel);
	if (err)
		return fail(skel, "attach", err);
	err = mount_kfault__arm(skel, true);
	if (err)
		return fail(skel, "arm", err);
	printf("armed (%s backend)\n", kf_backend_name(kf_injector__backend(skel->injector)));
	fflush(stdout);

	pid = fork();
	if (pid < 0)
		return fail(skel, "fork", -errno);
	if (pid == 0) {
		execv(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return fail(skel, "waitpid", -errno);

	err = mount_kfault__slab_arm(skel, false);
	if (err)
		return fail(skel, "disarm", err);
	err = mount_kfault__slab_stats(skel, &st);
	if (!err)
		err = mount_kfault__stats(skel, MOUNT_KFAULT_SLAB, &st_all);
	if (err)
		return fail(skel, "stats", err);
	if (st.injected != st_all.injected)
		return fail(skel, "stats differ", -EINVAL);
	printf("injected %llu\n", (unsigned long long)st.injected);
	mount_kfault__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}
