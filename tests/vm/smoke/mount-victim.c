/*
 * mount-victim: the victim of the VM smoke tests' fault injection.
 *
 *   mount-victim MODE DIR COUNT
 *
 * Mounts a tmpfs on DIR (mount("none", DIR, "tmpfs", 0, NULL)) COUNT times,
 * unmounting after each success, and prints one line per attempt:
 *
 *   mount 1: ok
 *   mount 2: ENOMEM
 *
 * MODE says how the injection is aimed at the mount() call, and only at it:
 * every other allocation of this process must keep working, or it could not
 * even print its result.
 *
 *   plain          nothing: just mount
 *   make-it-fail   write 1 to /proc/self/make-it-fail right before mount()
 *                  and 0 right after (for fault injection's task-filter)
 *   comm:NAME      rename this task to NAME (prctl PR_SET_NAME) right before
 *                  mount() and back right after (for a filter on comm)
 *
 * Exits 0 when every attempt ran (whatever mount() returned), 1 on any
 * other error, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

enum mode { PLAIN, MAKE_IT_FAIL, COMM };

static int write_flag(int fd, char c)
{
	if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, &c, 1) != 1)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mount-victim plain|make-it-fail|comm:NAME DIR COUNT\n");
		return 2;
	}
	const char *mode_arg = argv[1], *dir = argv[2];
	int count = atoi(argv[3]);
	enum mode mode;
	char armed_comm[16] = "", own_comm[16] = "";
	int fail_fd = -1;

	if (strcmp(mode_arg, "plain") == 0) {
		mode = PLAIN;
	} else if (strcmp(mode_arg, "make-it-fail") == 0) {
		mode = MAKE_IT_FAIL;
		fail_fd = open("/proc/self/make-it-fail", O_WRONLY);
		if (fail_fd < 0) {
			perror("mount-victim: /proc/self/make-it-fail");
			return 1;
		}
	} else if (strncmp(mode_arg, "comm:", 5) == 0 && mode_arg[5] != '\0' &&
		   strlen(mode_arg + 5) < sizeof(armed_comm)) {
		mode = COMM;
		strcpy(armed_comm, mode_arg + 5);
		if (prctl(PR_GET_NAME, own_comm) != 0) {
			perror("mount-victim: PR_GET_NAME");
			return 1;
		}
	} else {
		fprintf(stderr, "mount-victim: bad MODE '%s'\n", mode_arg);
		return 2;
	}
	if (count < 1) {
		fprintf(stderr, "mount-victim: bad COUNT '%s'\n", argv[3]);
		return 2;
	}

	for (int i = 1; i <= count; i++) {
		int arm_err = 0, disarm_err = 0, ret, err;

		if (mode == MAKE_IT_FAIL)
			arm_err = write_flag(fail_fd, '1');
		else if (mode == COMM)
			arm_err = prctl(PR_SET_NAME, armed_comm);
		ret = mount("none", dir, "tmpfs", 0, NULL);
		err = errno;
		if (mode == MAKE_IT_FAIL)
			disarm_err = write_flag(fail_fd, '0');
		else if (mode == COMM)
			disarm_err = prctl(PR_SET_NAME, own_comm);

		if (arm_err || disarm_err) {
			perror("mount-victim: arming or disarming failed");
			return 1;
		}
		if (ret == 0) {
			printf("mount %d: ok\n", i);
			if (umount(dir) != 0) {
				perror("mount-victim: umount");
				return 1;
			}
		} else {
			const char *name = strerrorname_np(err);
			printf("mount %d: %s\n", i, name ? name : "?");
		}
		fflush(stdout);
	}
	return 0;
}
