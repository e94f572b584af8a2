// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helper for the VM tests: write or read a file once and print the
 * outcome as "OK" or the errno name, so that shell scripts can check the
 * exact error.
 *
 *   rtgate-io write FILE VALUE	write VALUE (no newline added) in one write()
 *   rtgate-io read FILE	read the whole file
 *   rtgate-io race FILE N	N processes write "1" at the same moment;
 *				prints one line per distinct outcome ("64 OK")
 *   rtgate-io toggle FILE N	write "1" then "0" N times; prints failures
 *   rtgate-io fuzz FILE N SEED ERRNO	N generated writes; see fuzz() below
 *   rtgate-io time-read FILE N	read FILE N times; prints the total ns
 *   rtgate-io time-write FILE VALUE	one write; prints "ns outcome"
 *   rtgate-io time-cmd CMD [ARG...]	run CMD; prints "ns exit-status"
 *   rtgate-io rdtsc		print the time stamp counter (under QEMU's
 *				instruction clock: ns since the machine started),
 *				and that counter less CLOCK_MONOTONIC in ns: the
 *				counter when the kernel's clock started (firmware,
 *				EFI stub and the kernel's first steps)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int report(int err)
{
	puts(err ? strerrorname_np(err) : "OK");
	return err ? 1 : 0;
}

/* One write() of LEN bytes on a fresh descriptor: 0 or the errno. */
static int write_once(const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	if (n < 0) {
		n = errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : EIO;
}

static char read_state(const char *path)
{
	char c = '?';
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '?';
		close(fd);
	}
	return c;
}

static int race(const char *path, int n)
{
	int pfd[2], i, status, counts[256] = { 0 };
	char go;

	if (pipe(pfd))
		return report(errno);
	for (i = 0; i < n; i++) {
		if (fork() == 0) {
			close(pfd[1]);
			/* Every child blocks here until the pipe is closed. */
			if (read(pfd[0], &go, 1) < 0)
				_exit(255);
			_exit(write_once(path, "1", 1));
		}
	}
	close(pfd[0]);
	close(pfd[1]);
	while (wait(&status) > 0)
		counts[WIFEXITED(status) ? WEXITSTATUS(status) : 255]++;
	for (i = 0; i < 256; i++)
		if (counts[i])
			printf("%d %s\n", counts[i], i ? strerrorname_np(i) : "OK");
	return counts[0] == n ? 0 : 1;
}

static int toggle(const char *path, int n)
{
	int i, err, bad = 0;

	for (i = 0; i < n; i++) {
		err = write_once(path, "1", 1);
		if (!err && read_state(path) != '1')
			err = EPROTO;
		if (!err)
			err = write_once(path, "0", 1);
		if (!err && read_state(path) != '0')
			err = EPROTO;
		if (err) {
			printf("toggle %d: %s\n", i, strerrorname_np(err));
			bad++;
		}
	}
	printf("%d toggles, %d failed\n", n, bad);
	return bad ? 1 : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int time_read(const char *path, int n)
{
	char buf[4096];
	uint64_t t0;
	int i, fd;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return report(errno);
		/* The outcome (data or EACCES) is what is being timed. */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	printf("%llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}

static int time_write(const char *path, const char *value)
{
	uint64_t t0 = now_ns();
	int err = write_once(path, value, strlen(value));

	printf("%llu %s\n", (unsigned long long)(now_ns() - t0),
	       err ? strerrorname_np(err) : "OK");
	return err ? 1 : 0;
}

static int time_cmd(char **argv)
{
	uint64_t t0 = now_ns();
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return report(errno);
	printf("%llu %d\n", (unsigned long long)(now_ns() - t0),
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}

static uint64_t rng;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng >> 32;
}

static const char * const words[] = {
	"1", "0", "y", "n", "on", "off", "Y", "N", "yes", "no", "true",
	"false", "2", "11", "1x", "yes please", "twrong", "01", "10", "o",
	"of", "offf", "onn", "-1", "+1", "0x1", "1.0", " ", "\t", "\n",
};

/*
 * Make one input: a mutation of a word, random bytes, or a long buffer.
 * Returns its length (may contain NUL bytes).
 */
static size_t make_input(char *buf, size_t size)
{
	size_t len = 0, i, n;
	const char *w;

	switch (next() % 6) {
	case 0:		/* random bytes, NULs included */
		len = next() % 64;
		for (i = 0; i < len; i++)
			buf[i] = next();
		break;
	case 1:		/* long input, up to two pages */
		len = 1000 + next() % (size - 1000);
		memset(buf, "1 0y"[next() % 4], len);
		if (next() % 2)
			buf[0] = '1';
		break;
	default:	/* words with prefixes, suffixes and case changes */
		n = 1 + next() % 3;
		for (i = 0; i < n && len < 200; i++) {
			w = words[next() % (sizeof(words) / sizeof(words[0]))];
			memcpy(buf + len, w, strlen(w));
			len += strlen(w);
			if (next() % 3 == 0)
				buf[len++] = " \n\t\0x"[next() % 5];
		}
		if (len && next() % 4 == 0)
			buf[next() % len] ^= 0x20;
		break;
	}
	return len;
}

/* The documented values: one of six words, one trailing newline allowed. */
static int expected_value(const char *buf, size_t len)
{
	static const char * const open_words[] = { "1", "y", "on" };
	static const char * const close_words[] = { "0", "n", "off" };
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < 3; i++) {
		if (len == strlen(open_words[i]) && !memcmp(buf, open_words[i], len))
			return 1;
		if (len == strlen(close_words[i]) && !memcmp(buf, close_words[i], len))
			return 0;
	}
	return -1;
}

/*
 * N generated writes to a closed gate whose opening fails (the TPM refuses
 * the PCR): documented open values must fail with OPEN_ERR, documented
 * close values must succeed, everything else must fail with EINVAL (E2BIG
 * from sysfs itself above a page); the gate must stay closed throughout.
 */
static int fuzz(const char *path, int n, unsigned long seed, int open_err)
{
	static char buf[8192];
	int i, err, want, bad = 0, valid = 0;
	size_t len;

	rng = seed * 2654435761u + 1;
	for (i = 0; i < n; i++) {
		len = make_input(buf, sizeof(buf));
		if (!len)
			continue;	/* sysfs never calls the store for 0 bytes */
		switch (expected_value(buf, len)) {
		case 1:
			want = open_err;
			valid++;
			break;
		case 0:
			want = 0;
			valid++;
			break;
		default:
			want = len >= 4096 ? E2BIG : EINVAL;
		}
		err = write_once(path, buf, len);
		if ((err != want && !(want == E2BIG && err == EINVAL)) ||
		    read_state(path) != '0') {
			if (bad++ < 10)
				printf("input %d (%zu bytes): got %s, want %s, state %c\n",
				       i, len, err ? strerrorname_np(err) : "OK",
				       want ? strerrorname_np(want) : "OK",
				       read_state(path));
		}
	}
	printf("%d inputs (%d documented values), %d mismatches\n", n, valid, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc == 4 && !strcmp(argv[1], "write")) {
		size_t len = strlen(argv[3]);

		fd = open(argv[2], O_WRONLY);
		if (fd < 0)
			return report(errno);
		n = write(fd, argv[3], len);
		if (n < 0)
			return report(errno);
		close(fd);
		return report((size_t)n == len ? 0 : EIO);
	}
	if (argc == 3 && !strcmp(argv[1], "read")) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return report(errno);
		do {
			n = read(fd, buf, sizeof(buf));
		} while (n > 0);
		if (n < 0)
			return report(errno);
		close(fd);
		return report(0);
	}
	if (argc == 4 && !strcmp(argv[1], "time-read"))
		return time_read(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "time-write"))
		return time_write(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "rdtsc")) {
		unsigned long long tsc, mono;
		struct timespec ts;
		uint32_t lo, hi;

		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		clock_gettime(CLOCK_MONOTONIC, &ts);
		tsc = (unsigned long long)hi << 32 | lo;
		mono = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		printf("%llu %llu\n", tsc, tsc - mono);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "time-cmd"))
		return time_cmd(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "race"))
		return race(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "toggle"))
		return toggle(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "fuzz"))
		return fuzz(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 0),
			    atoi(argv[5]));
	fprintf(stderr, "usage: rtgate-io write FILE VALUE | read FILE | race FILE N |\n"
		"       toggle FILE N | fuzz FILE N SEED OPEN_ERRNO | time-read FILE N |\n"
		"       time-write FILE VALUE | time-cmd CMD [ARG...] | rdtsc\n");
	return 2;
}
