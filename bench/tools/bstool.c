/*
 * bstool: the benchmark's helpers in the guest, compiled so that setting up a
 * dirty root stays fast under software emulation (a shell loop forks per file).
 *
 *   bstool time OUT CMD [ARG...]   run CMD; write "WALL_US MAXRSS_KB EXIT" to OUT
 *                                  (CLOCK_MONOTONIC around fork+exec+wait4; the
 *                                  peak RSS is wait4's ru_maxrss of the child)
 *   bstool bytes FILE MIB          write MIB MiB of pseudo-random data (xorshift64*,
 *                                  incompressible, so lz4 keeps every byte)
 *   bstool files DIR N [SIZE]      create N files of SIZE (default 100) bytes,
 *                                  1000 to a directory: DIR/dNNNN/fNNNN
 *   bstool umount-under DIR        unmount every mount strictly beneath DIR,
 *                                  deepest and newest first (/proc/self/mountinfo)
 *
 * Built static on the host (Makefile, target bench-tools) and put in the
 * benchmark's initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;

static uint64_t next(void) {
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1Dull;
}

static void fill(uint64_t *buf, size_t words) {
	for (size_t i = 0; i < words; i++)
		buf[i] = next();
}

static int writeall(int fd, const void *p, size_t n) {
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int cmd_time(int argc, char **argv) {
	struct timespec a, b;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 4)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid < 0) {
		perror("bstool: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror("bstool: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("bstool: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	out = fopen(argv[2], "w");
	if (out == NULL) {
		perror("bstool: output");
		return 1;
	}
	fprintf(out, "%lld %ld %d\n",
		(long long)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000,
		ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int cmd_bytes(int argc, char **argv) {
	static uint64_t buf[(1 << 20) / 8];
	long mib, i;
	int fd;

	if (argc < 4)
		return 2;
	mib = atol(argv[3]);
	state ^= (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	for (i = 0; i < mib; i++) {
		fill(buf, sizeof(buf) / 8);
		if (writeall(fd, buf, sizeof(buf)) < 0) {
			perror(argv[2]);
			return 1;
		}
	}
	return close(fd) == 0 ? 0 : 1;
}

static int cmd_files(int argc, char **argv) {
	uint64_t buf[512];
	char path[4096];
	long n, size, i;
	int fd;

	if (argc < 4)
		return 2;
	n = atol(argv[3]);
	size = argc > 4 ? atol(argv[4]) : 100;
	if (size < 0 || size > (long)sizeof(buf))
		return 2;
	state ^= (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	if (mkdir(argv[2], 0755) < 0 && errno != EEXIST) {
		perror(argv[2]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/d%04ld", argv[2], i / 1000);
			if (mkdir(path, 0755) < 0 && errno != EEXIST) {
				perror(path);
				return 1;
			}
		}
		snprintf(path, sizeof(path), "%s/d%04ld/f%04ld", argv[2], i / 1000, i % 1000);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		fill(buf, sizeof(buf) / 8);
		if (writeall(fd, buf, (size_t)size) < 0 || close(fd) < 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

static int cmd_umount_under(int argc, char **argv) {
	char line[8192], **list = NULL;
	size_t n = 0, cap = 0, plen;
	FILE *f;
	int bad = 0;

	if (argc < 3)
		return 2;
	plen = strlen(argv[2]);
	f = fopen("/proc/self/mountinfo", "r");
	if (f == NULL) {
		perror("mountinfo");
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char mp[4096];
		/* id parent major:minor root mount-point … (octal escapes kept: paths here have none) */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		if (strncmp(mp, argv[2], plen) != 0 || mp[plen] != '/')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			list = realloc(list, cap * sizeof(*list));
			if (list == NULL)
				return 1;
		}
		list[n++] = strdup(mp);
	}
	fclose(f);
	/* mountinfo lists a mount after its parent: newest last */
	while (n > 0) {
		n--;
		if (umount2(list[n], MNT_DETACH) < 0) {
			perror(list[n]);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv) {
	if (argc >= 2 && strcmp(argv[1], "umount-under") == 0)
		return cmd_umount_under(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "time") == 0)
		return cmd_time(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "bytes") == 0)
		return cmd_bytes(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "files") == 0)
		return cmd_files(argc, argv);
	fprintf(stderr, "usage: bstool time OUT CMD [ARG...] | bytes FILE MIB | files DIR N [SIZE] | umount-under DIR\n");
	return 2;
}
