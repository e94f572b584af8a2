// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helper for the VM tests: write or read a file once and print the
 * outcome as "OK" or the errno name, so that shell scripts can check the
 * exact error.
 *
 *   rtgate-io write FILE VALUE	write VALUE (no newline added) in one write()
 *   rtgate-io read FILE	read the whole file
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int report(int err)
{
	puts(err ? strerrorname_np(err) : "OK");
	return err ? 1 : 0;
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
	fprintf(stderr, "usage: rtgate-io write FILE VALUE | read FILE\n");
	return 2;
}
