// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helper for the VM tests: create a vTPM proxy chip (/dev/vtpmx,
 * TPM 2.0) and play a minimal TPM 2.0 behind it, so that the kernel
 * registers the chip with one PCR bank (sha256, PCRs 0-23). The gate must
 * refuse to measure into such a chip: any process with CAP_SYS_ADMIN can
 * create one and answer whatever it likes.
 *
 *   vtpm-proxy
 *
 * Once the chip is registered, prints "NAME MAJOR:MINOR PID" (for example
 * "tpm1 254:1 93") on stdout and exits 0, leaving a child that serves the
 * chip until it gets SIGTERM or SIGINT. The child then prints, on stderr,
 * one line per command code it received ("0x0000017a GetCapability 4") and
 * a last line "total N". Exits 1 if the chip is not registered within 10 s.
 * The child keeps stderr but not stdout, so "$(vtpm-proxy 2>FILE)" returns.
 *
 * Served: TPM2_Startup, TPM2_SelfTest, TPM2_Shutdown, TPM2_GetCapability
 * (commands, PCRs, fixed properties), TPM2_GetRandom, TPM2_PCR_Read (all
 * PCRs read as zero, as nothing can extend them) and the proxy's own
 * set-locality command. Everything else, TPM2_PCR_Extend and TPM2_PCR_Event
 * included, is answered with TPM_RC_COMMAND_CODE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/vtpm_proxy.h>

#define TPM_BUFSIZE		4096
#define TPM_HEADER_SIZE		10
#define TPM2_ST_NO_SESSIONS	0x8001

#define TPM_RC_SUCCESS		0x000
#define TPM_RC_BAD_TAG		0x01e
#define TPM_RC_INSUFFICIENT	0x09a
#define TPM_RC_INITIALIZE	0x100
#define TPM_RC_COMMAND_CODE	0x143
#define TPM_RC_VALUE_P1		0x1c4	/* TPM_RC_VALUE + TPM_RC_P + TPM_RC_1 */

#define TPM2_CC_PCR_EVENT	0x13c
#define TPM2_CC_SELF_TEST	0x143
#define TPM2_CC_STARTUP		0x144
#define TPM2_CC_SHUTDOWN	0x145
#define TPM2_CC_GET_CAPABILITY	0x17a
#define TPM2_CC_GET_RANDOM	0x17b
#define TPM2_CC_PCR_READ	0x17e
#define TPM2_CC_PCR_EXTEND	0x182

#define TPM2_CAP_COMMANDS	2
#define TPM2_CAP_PCRS		5
#define TPM2_CAP_TPM_PROPERTIES	6
#define TPM2_CAP_ACT		10	/* last one defined by the spec */
#define TPM2_CAP_VENDOR		0x100

#define TPM_ALG_SHA256		0x000b
#define SHA256_SIZE		32
#define NR_PCRS			24
#define PCR_SELECT_MIN		(NR_PCRS / 8)
#define MAX_PCR_DIGESTS		8	/* per TPM2_PCR_Read response */

#define REGISTER_TIMEOUT_MS	10000
#define POLL_MS			10

struct cmd_name {
	uint32_t cc;
	const char *name;
};

/* The commands served, in TPM2_CAP_COMMANDS order. No handles in any. */
static const struct cmd_name served[] = {
	{ TPM2_CC_SELF_TEST, "SelfTest" },
	{ TPM2_CC_STARTUP, "Startup" },
	{ TPM2_CC_SHUTDOWN, "Shutdown" },
	{ TPM2_CC_GET_CAPABILITY, "GetCapability" },
	{ TPM2_CC_GET_RANDOM, "GetRandom" },
	{ TPM2_CC_PCR_READ, "PCR_Read" },
};

/* Names printed in the statistics for commands that are not served. */
static const struct cmd_name others[] = {
	{ TPM2_CC_PCR_EVENT, "PCR_Event" },
	{ TPM2_CC_PCR_EXTEND, "PCR_Extend" },
	{ TPM2_CC_SET_LOCALITY, "SetLocality" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* TPM2_CAP_TPM_PROPERTIES (fixed), in property order. */
static const struct {
	uint32_t property;
	uint32_t value;
} properties[] = {
	{ 0x100, 0x322e3000 },		/* TPM_PT_FAMILY_INDICATOR "2.0" */
	{ 0x101, 0 },			/* TPM_PT_LEVEL */
	{ 0x102, 164 },			/* TPM_PT_REVISION 1.64 */
	{ 0x105, 0x50525859 },		/* TPM_PT_MANUFACTURER "PRXY" */
	{ 0x106, 0x7674706d },		/* TPM_PT_VENDOR_STRING_1 "vtpm" */
	{ 0x10d, 1024 },		/* TPM_PT_INPUT_BUFFER */
	{ 0x112, NR_PCRS },		/* TPM_PT_PCR_COUNT */
	{ 0x113, PCR_SELECT_MIN },	/* TPM_PT_PCR_SELECT_MIN */
	{ 0x11e, TPM_BUFSIZE },		/* TPM_PT_MAX_COMMAND_SIZE */
	{ 0x11f, TPM_BUFSIZE },		/* TPM_PT_MAX_RESPONSE_SIZE */
	{ 0x120, SHA256_SIZE },		/* TPM_PT_MAX_DIGEST */
	{ 0x129, ARRAY_SIZE(served) },	/* TPM_PT_TOTAL_COMMANDS */
};

/* Commands received, per command code. */
#define MAX_STATS	64
static struct {
	uint32_t cc;
	unsigned long count;
} stats[MAX_STATS];
static unsigned int nr_stats;
static unsigned long nr_other, nr_total;

static bool started;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static bool is_served(uint32_t cc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(served); i++)
		if (served[i].cc == cc)
			return true;
	return false;
}

static const char *cmd_name(uint32_t cc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(served); i++)
		if (served[i].cc == cc)
			return served[i].name;
	for (i = 0; i < ARRAY_SIZE(others); i++)
		if (others[i].cc == cc)
			return others[i].name;
	return "?";
}

static void count_cmd(uint32_t cc)
{
	unsigned int i;

	nr_total++;
	for (i = 0; i < nr_stats; i++) {
		if (stats[i].cc == cc) {
			stats[i].count++;
			return;
		}
	}
	if (nr_stats == MAX_STATS) {
		nr_other++;
		return;
	}
	stats[nr_stats].cc = cc;
	stats[nr_stats++].count = 1;
}

static void print_stats(void)
{
	unsigned int i;

	for (i = 0; i < nr_stats; i++)
		fprintf(stderr, "0x%08x %s %lu\n", stats[i].cc,
			cmd_name(stats[i].cc), stats[i].count);
	if (nr_other)
		fprintf(stderr, "other %lu\n", nr_other);
	fprintf(stderr, "total %lu\n", nr_total);
}

/* TPM2_CAP_COMMANDS: TPMA_CC of the served commands from @first on. */
static size_t cap_commands(uint8_t *out, uint32_t first, uint32_t count,
			   uint8_t *more)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(served); i++) {
		if (served[i].cc < first)
			continue;
		if (n == count) {
			*more = 1;
			break;
		}
		/* commandIndex only: no handles, not nv, not extensive. */
		put32(out + 4 + 4 * n++, served[i].cc);
	}
	put32(out, n);
	return 4 + 4 * n;
}

/* TPM2_CAP_PCRS: one bank, sha256, with every PCR allocated. */
static size_t cap_pcrs(uint8_t *out)
{
	put32(out, 1);
	put16(out + 4, TPM_ALG_SHA256);
	out[6] = PCR_SELECT_MIN;
	memset(out + 7, 0xff, PCR_SELECT_MIN);
	return 7 + PCR_SELECT_MIN;
}

static size_t cap_properties(uint8_t *out, uint32_t first, uint32_t count,
			     uint8_t *more)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(properties); i++) {
		if (properties[i].property < first)
			continue;
		if (n == count) {
			*more = 1;
			break;
		}
		put32(out + 4 + 8 * n, properties[i].property);
		put32(out + 8 + 8 * n++, properties[i].value);
	}
	put32(out, n);
	return 4 + 8 * n;
}

/*
 * Each handler gets the parameters (@in, @len bytes) and writes the response
 * parameters to @out; it returns the response code and sets *@out_len.
 */
static uint32_t get_capability(const uint8_t *in, size_t len, uint8_t *out,
			       size_t *out_len)
{
	uint32_t cap, first, count;

	if (len < 12)
		return TPM_RC_INSUFFICIENT;
	cap = get32(in);
	first = get32(in + 4);
	count = get32(in + 8);

	out[0] = 0;		/* moreData */
	put32(out + 1, cap);
	switch (cap) {
	case TPM2_CAP_COMMANDS:
		*out_len = 5 + cap_commands(out + 5, first, count, out);
		break;
	case TPM2_CAP_PCRS:
		*out_len = 5 + cap_pcrs(out + 5);
		break;
	case TPM2_CAP_TPM_PROPERTIES:
		*out_len = 5 + cap_properties(out + 5, first, count, out);
		break;
	default:
		if (cap > TPM2_CAP_ACT && cap != TPM2_CAP_VENDOR)
			return TPM_RC_VALUE_P1;
		/* A capability this TPM has nothing in: an empty list. */
		put32(out + 5, 0);
		*out_len = 9;
		break;
	}
	return TPM_RC_SUCCESS;
}

static uint32_t get_random(const uint8_t *in, size_t len, uint8_t *out,
			   size_t *out_len)
{
	uint16_t n;

	if (len < 2)
		return TPM_RC_INSUFFICIENT;
	/* Like a real TPM: at most the size of the largest digest. */
	n = get16(in);
	if (n > SHA256_SIZE)
		n = SHA256_SIZE;
	if (getrandom(out + 2, n, 0) != n)
		return TPM_RC_INSUFFICIENT;
	put16(out, n);
	*out_len = 2 + n;
	return TPM_RC_SUCCESS;
}

/*
 * TPM2_PCR_Read: the selected sha256 PCRs, at most MAX_PCR_DIGESTS of them,
 * all zero; the returned selection says which ones were read.
 */
static uint32_t pcr_read(const uint8_t *in, size_t len, uint8_t *out,
			 size_t *out_len)
{
	uint8_t digests[4 + MAX_PCR_DIGESTS * (2 + SHA256_SIZE)];
	uint32_t i, count, nr_digests = 0;
	size_t pos = 4, o = 8;
	unsigned int pcr, size;
	uint8_t *d;

	if (len < 4)
		return TPM_RC_INSUFFICIENT;
	count = get32(in);
	if (count > 16)
		return TPM_RC_VALUE_P1;

	put32(out, 0);		/* pcrUpdateCounter */
	put32(out + 4, count);
	for (i = 0; i < count; i++, pos += 3 + size, o += 3 + size) {
		if (len < pos + 3 || len < pos + 3 + in[pos + 2])
			return TPM_RC_INSUFFICIENT;
		size = in[pos + 2];
		if (size > 8)
			return TPM_RC_VALUE_P1;
		memcpy(out + o, in + pos, 3);
		memset(out + o + 3, 0, size);
		/* Another bank: not allocated, nothing read. */
		if (get16(in + pos) != TPM_ALG_SHA256)
			continue;
		for (pcr = 0; pcr < size * 8 && pcr < NR_PCRS; pcr++) {
			if (!(in[pos + 3 + pcr / 8] & 1 << pcr % 8) ||
			    nr_digests == MAX_PCR_DIGESTS)
				continue;
			out[o + 3 + pcr / 8] |= 1 << pcr % 8;
			d = digests + 4 + nr_digests++ * (2 + SHA256_SIZE);
			put16(d, SHA256_SIZE);
			memset(d + 2, 0, SHA256_SIZE);
		}
	}
	put32(digests, nr_digests);
	size = 4 + nr_digests * (2 + SHA256_SIZE);
	memcpy(out + o, digests, size);
	*out_len = o + size;
	return TPM_RC_SUCCESS;
}

/* Answer one command in @buf (@len bytes) in place; returns the length. */
static size_t handle(uint8_t *buf, size_t len)
{
	uint8_t out[TPM_BUFSIZE - TPM_HEADER_SIZE];
	const uint8_t *in = buf + TPM_HEADER_SIZE;
	size_t out_len = 0;
	uint32_t cc, rc;

	if (len < TPM_HEADER_SIZE || get32(buf + 2) != len) {
		count_cmd(0);
		rc = TPM_RC_INSUFFICIENT;
		goto out;
	}
	cc = get32(buf + 6);
	count_cmd(cc);
	len -= TPM_HEADER_SIZE;

	if (cc == TPM2_CC_SET_LOCALITY) {
		/* The driver asks for locality 0; any is fine here. */
		rc = TPM_RC_SUCCESS;
		goto out;
	}
	if (!is_served(cc)) {
		rc = TPM_RC_COMMAND_CODE;
		goto out;
	}
	if (get16(buf) != TPM2_ST_NO_SESSIONS) {
		/* None of the served commands takes a session. */
		rc = TPM_RC_BAD_TAG;
		goto out;
	}
	if (cc == TPM2_CC_STARTUP) {
		rc = started ? TPM_RC_INITIALIZE : TPM_RC_SUCCESS;
		started = true;
		goto out;
	}
	if (!started) {
		rc = TPM_RC_INITIALIZE;
		goto out;
	}

	switch (cc) {
	case TPM2_CC_GET_CAPABILITY:
		rc = get_capability(in, len, out, &out_len);
		break;
	case TPM2_CC_GET_RANDOM:
		rc = get_random(in, len, out, &out_len);
		break;
	case TPM2_CC_PCR_READ:
		rc = pcr_read(in, len, out, &out_len);
		break;
	default:	/* SelfTest, Shutdown */
		rc = TPM_RC_SUCCESS;
		break;
	}
out:
	if (rc)
		out_len = 0;
	put16(buf, TPM2_ST_NO_SESSIONS);
	put32(buf + 2, TPM_HEADER_SIZE + out_len);
	put32(buf + 6, rc);
	memcpy(buf + TPM_HEADER_SIZE, out, out_len);
	return TPM_HEADER_SIZE + out_len;
}

/* Serve the chip until SIGTERM/SIGINT or until the kernel drops it. */
static int serve(int fd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .events = POLLIN },
	};
	uint8_t buf[TPM_BUFSIZE];
	sigset_t mask;
	ssize_t n;
	int ret = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	pfd[1].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (pfd[1].fd < 0) {
		perror("vtpm-proxy: signalfd");
		return 1;
	}

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("vtpm-proxy: poll");
			ret = 1;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN)) {
			/* POLLHUP: the chip failed to register or went away. */
			fprintf(stderr, "vtpm-proxy: chip closed\n");
			ret = 1;
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("vtpm-proxy: read");
			ret = 1;
			break;
		}
		n = handle(buf, n);
		if (write(fd, buf, n) != n) {
			perror("vtpm-proxy: write");
			ret = 1;
			break;
		}
	}
	print_stats();
	return ret;
}

/*
 * The chip is in the kernel's list once its resource manager device shows
 * up: tpm_add_char_device() makes it available right after adding it.
 */
static int registered(unsigned int num)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/tpmrm/tpmrm%u", num);
	return !stat(path, &st);
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	struct vtpm_proxy_new_dev dev = { .flags = VTPM_PROXY_FLAG_TPM2 };
	struct timespec ts = { 0, POLL_MS * 1000000L }, start;
	int fd, null, status;
	pid_t pid;

	if (argc != 1) {
		fprintf(stderr, "usage: vtpm-proxy\n");
		return 2;
	}

	fd = open("/dev/vtpmx", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("vtpm-proxy: /dev/vtpmx");
		return 1;
	}
	if (ioctl(fd, VTPM_PROXY_IOC_NEW_DEV, &dev) < 0) {
		perror("vtpm-proxy: VTPM_PROXY_IOC_NEW_DEV");
		return 1;
	}
	close(fd);

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("vtpm-proxy: fork");
		return 1;
	}
	if (pid == 0) {
		/* Let a command substitution in the caller return. */
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
		setsid();
		return serve(dev.fd);
	}
	close(dev.fd);

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (elapsed_ms(&start) < REGISTER_TIMEOUT_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "vtpm-proxy: tpm%u was not registered\n",
				dev.tpm_num);
			return 1;
		}
		if (registered(dev.tpm_num)) {
			/* Let the kernel finish tpm_add_char_device(). */
			nanosleep(&ts, NULL);
			printf("tpm%u %u:%u %d\n", dev.tpm_num, dev.major,
			       dev.minor, pid);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "vtpm-proxy: tpm%u not registered after %d s\n",
		dev.tpm_num, REGISTER_TIMEOUT_MS / 1000);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	return 1;
}
