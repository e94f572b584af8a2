// SPDX-License-Identifier: GPL-2.0
/*
 * rtgate-persist: copy the UEFI variable writes that the kernel keeps while
 * its EFI runtime services gate is closed to the ESP, where the next boot's
 * EFI stub applies them before ExitBootServices().
 *
 * The kernel publishes them as firmware with a file-backed variable store
 * does (EBBR chapter 5): VarToFile holds the file, RTStorageVolatile its
 * name in the root of the ESP, both under the vendor GUID below. libefivar
 * builds that copy VarToFile after each write do the same; this tool is for
 * those that do not, run after writes and at shutdown.
 *
 * The copy is atomic: a temporary file in the same directory, fsync(),
 * rename() over the old file, fsync() of the directory. Nothing is written
 * unless VarToFile is a well-formed file header whose length matches.
 *
 * Usage: rtgate-persist [-n] [-e ESP] [-d EFIVARFS]
 *   -e ESP	the ESP's mount point (default: the first of /efi, /boot/efi
 *		and /boot that is a FAT file system)
 *   -d DIR	where efivarfs is mounted (default /sys/firmware/efi/efivars)
 *   -n		print what would be written, write nothing
 * Exit status: 0 written (or nothing to write: no RTStorageVolatile),
 * 1 error, 2 usage.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define VENDOR		"b2ac5fc9-92b7-4acd-aeac-11e818c3130c"
#define MSDOS_MAGIC	0x4d44
#define MAX_FILE	(1 << 20)

static const char *prog = "rtgate-persist";

/* Read an efivarfs file whole, without its 4 bytes of attributes. */
static unsigned char *read_var(const char *dir, const char *name,
			       size_t *len)
{
	char path[PATH_MAX];
	unsigned char *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s-" VENDOR, dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(MAX_FILE + 4);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	while ((n = read(fd, buf + got, MAX_FILE + 4 - got)) > 0)
		got += n;
	close(fd);
	if (n < 0 || got < 4 || got == MAX_FILE + 4) {
		free(buf);
		errno = n < 0 ? errno : EINVAL;
		return NULL;
	}
	memmove(buf, buf + 4, got - 4);
	*len = got - 4;
	return buf;
}

static int is_fat(const char *dir)
{
	struct statfs sfs;

	return !statfs(dir, &sfs) && sfs.f_type == MSDOS_MAGIC;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int persist(const char *esp, const char *name,
		   const unsigned char *data, size_t len)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	int fd, dfd;

	snprintf(dst, sizeof(dst), "%s/%s", esp, name);
	snprintf(tmp, sizeof(tmp), "%s/%s.new", esp, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto err;
	if (write_all(fd, data, len) || fsync(fd)) {
		close(fd);
		unlink(tmp);
		goto err;
	}
	if (close(fd) || rename(tmp, dst)) {
		unlink(tmp);
		goto err;
	}
	dfd = open(esp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		if (dfd >= 0)
			close(dfd);
		goto err;
	}
	close(dfd);
	return 0;
err:
	fprintf(stderr, "%s: %s: %s\n", prog, dst, strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	const char *esp = NULL, *vars = "/sys/firmware/efi/efivars";
	static const char *const esps[] = { "/efi", "/boot/efi", "/boot" };
	unsigned char *name, *file;
	size_t name_len, len;
	uint32_t file_len;
	int opt, dry = 0;
	unsigned int i;

	while ((opt = getopt(argc, argv, "ne:d:")) != -1) {
		switch (opt) {
		case 'n':
			dry = 1;
			break;
		case 'e':
			esp = optarg;
			break;
		case 'd':
			vars = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-n] [-e ESP] [-d EFIVARFS]\n", prog);
			return 2;
		}
	}

	name = read_var(vars, "RTStorageVolatile", &name_len);
	if (!name) {
		if (errno == ENOENT) {
			printf("%s: no RTStorageVolatile: no variable writes are kept\n", prog);
			return 0;
		}
		fprintf(stderr, "%s: RTStorageVolatile: %s\n", prog, strerror(errno));
		return 1;
	}
	/* A file name in the root of the ESP, NUL-terminated ASCII */
	if (name_len < 2 || name_len > NAME_MAX + 1 || name[name_len - 1] ||
	    strlen((char *)name) != name_len - 1 || strchr((char *)name, '/') ||
	    strchr((char *)name, '\\') || name[0] == '.') {
		fprintf(stderr, "%s: RTStorageVolatile does not name a file in the root of the ESP\n",
			prog);
		return 1;
	}
	file = read_var(vars, "VarToFile", &len);
	if (!file) {
		fprintf(stderr, "%s: VarToFile: %s\n", prog, strerror(errno));
		return 1;
	}
	/* EBBR chapter 5: reserved, "UbEfiVa", revision 1, length, CRC-32 */
	if (len >= 24)
		memcpy(&file_len, file + 16, sizeof(file_len));
	if (len < 24 || memcmp(file + 8, "UbEfiVa\1", 8) ||
	    le32toh(file_len) != len) {
		fprintf(stderr, "%s: VarToFile is not a variable file of EBBR revision 1\n",
			prog);
		return 1;
	}

	for (i = 0; !esp && i < sizeof(esps) / sizeof(esps[0]); i++)
		if (is_fat(esps[i]))
			esp = esps[i];
	if (!esp) {
		fprintf(stderr, "%s: no ESP (a FAT file system at /efi, /boot/efi or /boot); use -e\n",
			prog);
		return 1;
	}
	if (dry) {
		printf("%s: would write %zu bytes to %s/%s\n", prog, len, esp,
		       (char *)name);
		return 0;
	}
	if (persist(esp, (char *)name, file, len))
		return 1;
	printf("%s: %zu bytes written to %s/%s\n", prog, len, esp, (char *)name);
	return 0;
}
