// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: tests for /sys/firmware/efi/runtime_enable
 * and /sys/firmware/efi/runtime_gate_reason.
 *
 * Must run as root on a kernel with CONFIG_EFI_RTGATE=y booted through
 * EFI; every test is skipped otherwise.
 *
 * The tests of the contract that holds whatever the TPM always run: the
 * file formats and modes, invalid values refused with EINVAL, closing,
 * EACCES for a non-root writer and EPERM for root in a user namespace.
 * None of them opens a closed gate.
 *
 * The environment selects the rest:
 *
 * EFI_RTGATE_EXPECT_OPEN
 *	unset: the tests that open the gate are skipped.
 *	"ok": opening must work (a usable TPM whose configured PCR can be
 *	extended). open, open_again, close_after_open, efivars_gated and
 *	concurrent_open run; with the gate closed on entry each of them
 *	opens it exactly once (efivars_gated: none if it skips).
 *	An errno name ("ENODEV", "EIO", "EOPNOTSUPP", ...): opening must
 *	fail with exactly that errno and leave the gate closed (open_refused).
 *	"EOPNOTSUPP" means mixed-mode firmware, where the boot state is final
 *	and closing is refused with EOPNOTSUPP as well.
 *
 * EFI_RTGATE_FINAL
 *	"0" or "1": the state the gate is left in (final_state, the last
 *	test). Unset: the state found when the program started.
 *
 * Each test puts the gate back in the state it found: with the gate open
 * on entry, a test that leaves it closed opens it again (one more
 * opening). Opening needs a working TPM, so an open gate is only closed
 * when it can be opened again (EFI_RTGATE_EXPECT_OPEN=ok) or may stay
 * closed (EFI_RTGATE_FINAL=0); otherwise the tests that must close it
 * skip. userns_write skips if user namespaces are unavailable.
 *
 * Measurements. Every opening of a closed gate that must succeed is
 * checked: in open, open_again, close_after_open, efivars_gated and
 * concurrent_open, and where the teardown or final_state opens the gate
 * again. The test reads the event log
 * /sys/kernel/security/efi_rtgate/binary_measurements before and after
 * the write, mounting securityfs on /sys/kernel/security if needed (it
 * stays mounted; the tests that open skip if it cannot be mounted). The
 * log must be well formed: a Spec ID Event03 header, then TCG_PCR_EVENT2
 * entries with a digest for each bank of the header. The write must add
 * exactly one opening (also with 64 concurrent writers): an event of type
 * EV_EVENT_TAG holding the documented 23-byte event, after a runtime code
 * event where the gate was closed at boot (well formed: tag, size, source
 * and page-aligned ranges), with each digest the hash of its event. No
 * new event fails with "opened without a new measurement".
 *
 * The PCR checked is the new event's PCRIndex, so efi_rtgate_pcr= need
 * not be known. Before the write the test reads the PCR of the log's
 * earlier events (a new event in another PCR fails) or, while the log is
 * empty, all 24 PCRs. In each bank of the log header that
 * /sys/class/tpm/tpm0 shows (pcr-sha1, pcr-sha256, pcr-sha384 and
 * pcr-sha512; a TPM 1.2 shows sha1 in its pcrs file) the PCR must have
 * changed, by these extensions in log order: after == H(before ||
 * digest), once per new event. At least
 * one bank must be shown. Firmware or a launch may have extended the PCR
 * before the gate did, so replaying the log is only checked when this
 * run appended the log's first event to a PCR holding zeros: then the
 * replay from zeros must equal the PCR after each later opening, in the
 * banks that held zeros.
 *
 * Writes that must not measure add no event and leave the PCR of the
 * log's events as it was: opening an open gate (open_again) and, when the
 * log is readable, every write of open_refused. The exception is EIO
 * after the TPM extended the PCR but its answer was lost: that write must
 * add one event and extend the PCR by it, as an opening does.
 *
 * hash_known_answers checks the test's own SHA-1 and SHA-2 code
 * (rtgate_hash.h) against known digests; it needs neither root nor the
 * gate.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "rtgate_hash.h"

#define RTGATE_DIR	"/sys/firmware/efi"
#define RTGATE_ENABLE	RTGATE_DIR "/runtime_enable"
#define RTGATE_REASON	RTGATE_DIR "/runtime_gate_reason"
#define RTGATE_EFIVARS	RTGATE_DIR "/efivars"
#define RTGATE_SECFS	"/sys/kernel/security"
#define RTGATE_LOG	RTGATE_SECFS "/efi_rtgate/binary_measurements"
#define RTGATE_TPM	"/sys/class/tpm/tpm0"

#define RTGATE_NOBODY	65534
#define RTGATE_THREADS	64

#define RTGATE_NR_PCRS		24
#define RTGATE_MAX_ALGS		8	/* banks in a log header */
#define RTGATE_NR_BANKS		4	/* banks the test can check */
#define RTGATE_EV_NO_ACTION	0x00000003U
#define RTGATE_EV_EVENT_TAG	0x00000006U

/* The measured event: TCG_PCClientTaggedEvent 0x8F3B22EE, "efi_rtgate:open" */
static const __u8 rtgate_event[] = {
	0xee, 0x22, 0x3b, 0x8f, 0x0f, 0x00, 0x00, 0x00,
	'e', 'f', 'i', '_', 'r', 't', 'g', 'a', 't', 'e', ':', 'o', 'p', 'e',
	'n',
};

/*
 * The runtime code event that precedes each opening of a gate closed at
 * boot: the same tag, then "efi_rtgate:code" and its NUL, the source of
 * the ranges (1 memory attributes table, 2 memory map) and their number
 * (le32 each), then per range its start and length (le64 each) and the
 * SHA-256 digest of its content.
 */
static const char rtgate_code_magic[] = "efi_rtgate:code";
#define RTGATE_CODE_HEAD	(sizeof(rtgate_code_magic) + 8)
#define RTGATE_CODE_RANGE	48
#define RTGATE_CODE_MAX_RANGES	128
#define RTGATE_CODE_EVENT_MAX	(8 + RTGATE_CODE_HEAD + \
				 RTGATE_CODE_MAX_RANGES * RTGATE_CODE_RANGE)

/* The PCR banks the test can check, and their names in sysfs */
static const struct {
	const char *name;
	__u16 alg;
} rtgate_banks[RTGATE_NR_BANKS] = {
	{ "sha1", RTGATE_ALG_SHA1 },
	{ "sha256", RTGATE_ALG_SHA256 },
	{ "sha384", RTGATE_ALG_SHA384 },
	{ "sha512", RTGATE_ALG_SHA512 },
};

/* Environment values that are neither "ok"/"0"/"1" nor an errno */
#define RTGATE_UNSET	(-1)
#define RTGATE_BAD	(-2)

static const struct {
	const char *name;
	int err;
} rtgate_errnos[] = {
	{ "EPERM", EPERM },
	{ "ENOENT", ENOENT },
	{ "EINTR", EINTR },
	{ "EIO", EIO },
	{ "ENXIO", ENXIO },
	{ "E2BIG", E2BIG },
	{ "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM },
	{ "EACCES", EACCES },
	{ "EFAULT", EFAULT },
	{ "EBUSY", EBUSY },
	{ "ENODEV", ENODEV },
	{ "EINVAL", EINVAL },
	{ "ENOSPC", ENOSPC },
	{ "ERANGE", ERANGE },
	{ "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOTSUP", ENOTSUP },
	{ "ETIMEDOUT", ETIMEDOUT },
};

/* State of the gate when the program started, restored unless told otherwise */
static int rtgate_found = RTGATE_UNSET;

/* Return: RTGATE_UNSET, 0 for "ok", a positive errno, or RTGATE_BAD. */
static int rtgate_expect_open(void)
{
	const char *env = getenv("EFI_RTGATE_EXPECT_OPEN");
	size_t i;

	if (!env || !*env)
		return RTGATE_UNSET;
	if (!strcmp(env, "ok"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(rtgate_errnos); i++)
		if (!strcmp(env, rtgate_errnos[i].name))
			return rtgate_errnos[i].err;
	return RTGATE_BAD;
}

/* Return: RTGATE_UNSET, 0, 1, or RTGATE_BAD. */
static int rtgate_final(void)
{
	const char *env = getenv("EFI_RTGATE_FINAL");

	if (!env || !*env)
		return RTGATE_UNSET;
	if (!strcmp(env, "0"))
		return 0;
	if (!strcmp(env, "1"))
		return 1;
	return RTGATE_BAD;
}

/* Mixed-mode firmware: the boot state is final, every valid write refused */
static bool rtgate_mixed(void)
{
	return rtgate_expect_open() == EOPNOTSUPP;
}

/*
 * Closing an open gate is only undone by opening it, which needs a working
 * TPM: close it only if it can be opened again or may stay closed.
 */
static bool rtgate_may_close(int state)
{
	return state == 0 || rtgate_expect_open() == 0 || rtgate_final() == 0;
}

/* Read at most @size - 1 bytes of @path into @buf; Return: length or -errno */
static ssize_t rtgate_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ret = read(fd, buf + len, size - 1 - len);
		if (ret < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!ret)
			break;
		len += ret;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Write @len bytes of @buf on a fresh fd; Return: write()'s count or -errno */
static ssize_t rtgate_write_buf(const char *path, const void *buf, size_t len)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static ssize_t rtgate_write(const char *value)
{
	return rtgate_write_buf(RTGATE_ENABLE, value, strlen(value));
}

/* Return: 0 (closed), 1 (open), or -1 if the file does not read "0\n"/"1\n" */
static int rtgate_state(void)
{
	char buf[16];

	if (rtgate_read_file(RTGATE_ENABLE, buf, sizeof(buf)) != 2)
		return -1;
	if (!strcmp(buf, "0\n"))
		return 0;
	if (!strcmp(buf, "1\n"))
		return 1;
	return -1;
}

/* Return: 0 or -errno */
static int rtgate_set(int open)
{
	ssize_t ret = rtgate_write(open ? "1" : "0");

	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

static const char *rtgate_skip_reason(void)
{
	if (access(RTGATE_ENABLE, F_OK))
		return RTGATE_ENABLE " is absent (needs CONFIG_EFI_RTGATE and EFI)";
	if (geteuid())
		return "must be run as root";
	return NULL;
}

/* ---- Event log and PCRs ---- */

/* One TCG_PCR_EVENT2 of the event log */
struct rtgate_log_event {
	__u32 pcr;
	__u32 type;
	__u8 digest[RTGATE_MAX_ALGS][RTGATE_HASH_MAX];	/* header order */
	__u32 len;
	__u8 data[RTGATE_CODE_EVENT_MAX];		/* its first bytes */
};

/* What the event log holds */
struct rtgate_log {
	__u32 nr_algs;			/* banks in the Spec ID header */
	__u16 alg[RTGATE_MAX_ALGS];
	__u16 size[RTGATE_MAX_ALGS];
	size_t nr_events;		/* TCG_PCR_EVENT2 entries */
	__u32 last_pcr;			/* PCRIndex of the last one */
	/* The events from the one picked by number on, at most two */
	size_t nr_picked;
	struct rtgate_log_event ev[2];
	/* The log's events in one PCR replayed from zeros, header order */
	__u8 replay[RTGATE_MAX_ALGS][RTGATE_HASH_MAX];
};

/* PCRs @first to @last of every bank in sysfs */
struct rtgate_pcrs {
	unsigned int first, last;
	bool have[RTGATE_NR_BANKS];
	__u8 val[RTGATE_NR_BANKS][RTGATE_NR_PCRS][RTGATE_HASH_MAX];
};

/* The state before a write to the gate */
struct rtgate_measure {
	size_t events;
	struct rtgate_pcrs before;
};

/*
 * Shared by the tests of a run, which each run in their own process: set
 * when this run appended the log's first event, to a PCR that held zeros
 * in the banks marked.
 */
struct rtgate_run {
	bool replay;
	__u32 pcr;
	bool zero[RTGATE_NR_BANKS];
};

static struct rtgate_run *rtgate_run;

static __u32 rtgate_le32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static __u16 rtgate_le16(const __u8 *p)
{
	return p[0] | p[1] << 8;
}

/* Return: the index of @alg in rtgate_banks, or -1 */
static int rtgate_bank(__u16 alg)
{
	int b;

	for (b = 0; b < RTGATE_NR_BANKS; b++)
		if (rtgate_banks[b].alg == alg)
			return b;
	return -1;
}

/* @n bytes at @p as hex into @out, which holds 2 * @n + 1 bytes */
static char *rtgate_hex(char *out, const __u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
	return out;
}

static int rtgate_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse @n bytes written as hex at @s, each pair preceded by spaces if
 * @spaced. Return: the end of the parsed text, or NULL.
 */
static const char *rtgate_unhex(const char *s, __u8 *out, size_t n,
				bool spaced)
{
	int hi, lo;
	size_t i;

	for (i = 0; i < n; i++) {
		while (spaced && *s == ' ')
			s++;
		hi = rtgate_hexval(s[0]);
		if (hi < 0)
			return NULL;
		lo = rtgate_hexval(s[1]);
		if (lo < 0)
			return NULL;
		out[i] = hi << 4 | lo;
		s += 2;
	}
	return s;
}

/* @pcr = H(@pcr || @digest) in TPM algorithm @alg */
static void rtgate_extend(__u16 alg, __u8 *pcr, const __u8 *digest)
{
	size_t size = rtgate_hash_size(alg);
	__u8 buf[2 * RTGATE_HASH_MAX];

	memcpy(buf, pcr, size);
	memcpy(buf + size, digest, size);
	rtgate_hash(alg, buf, 2 * size, pcr);
}

/* Mount securityfs on RTGATE_SECFS unless it is there; Return: 0 or -errno */
static int rtgate_securityfs(void)
{
	struct statfs sfs;

	if (!statfs(RTGATE_SECFS, &sfs) && sfs.f_type == SECURITYFS_MAGIC)
		return 0;
	if (mount("securityfs", RTGATE_SECFS, "securityfs", 0, NULL))
		return -errno;
	return 0;
}

/* Read the whole event log; Return: 0 and *@buf to free, or -errno */
static int rtgate_log_read(__u8 **buf, size_t *len)
{
	size_t size = 4096, n = 0;
	__u8 *p = NULL, *q;
	ssize_t ret;
	int fd;

	fd = open(RTGATE_LOG, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!p || n == size) {
			size = p ? 2 * size : size;
			q = realloc(p, size);
			if (!q) {
				ret = -ENOMEM;
				break;
			}
			p = q;
		}
		ret = read(fd, p + n, size - n);
		if (ret < 0)
			ret = -errno;
		if (ret <= 0)
			break;
		n += ret;
	}
	close(fd);
	if (ret < 0) {
		free(p);
		return ret;
	}
	*buf = p;
	*len = n;
	return 0;
}

/* Parse the Spec ID Event03 header; Return: its length, or 0 and @err */
static size_t rtgate_log_header(const __u8 *buf, size_t len,
				struct rtgate_log *log, char *err,
				size_t errlen)
{
	const __u8 *spec = buf + 32;
	__u32 size, i, j;
	size_t need;

	/* TCG_PCR_EVENT: PCRIndex, EventType, SHA-1 digest, EventSize */
	if (len < 32) {
		snprintf(err, errlen, "header event truncated: %zu bytes", len);
		return 0;
	}
	if (rtgate_le32(buf) || rtgate_le32(buf + 4) != RTGATE_EV_NO_ACTION) {
		snprintf(err, errlen, "header event: PCR %u type %u, want 0 %u",
			 rtgate_le32(buf), rtgate_le32(buf + 4),
			 RTGATE_EV_NO_ACTION);
		return 0;
	}
	size = rtgate_le32(buf + 28);
	/* signature, platformClass, versions, uintnSize, numberOfAlgorithms */
	if (size > len - 32 || size < 28 ||
	    memcmp(spec, "Spec ID Event03", 16)) {
		snprintf(err, errlen, "header event: no Spec ID Event03 (%u bytes of %zu)",
			 size, len - 32);
		return 0;
	}
	log->nr_algs = rtgate_le32(spec + 24);
	need = 28 + 4 * (size_t)log->nr_algs + 1;
	if (!log->nr_algs || log->nr_algs > RTGATE_MAX_ALGS || size < need ||
	    size != need + spec[need - 1]) {
		snprintf(err, errlen, "Spec ID event: %u banks in %u bytes",
			 log->nr_algs, size);
		return 0;
	}
	for (i = 0; i < log->nr_algs; i++) {
		log->alg[i] = rtgate_le16(spec + 28 + 4 * i);
		log->size[i] = rtgate_le16(spec + 30 + 4 * i);
		for (j = 0; j < i; j++)
			if (log->alg[j] == log->alg[i])
				break;
		if (j < i || !log->size[i] || log->size[i] > RTGATE_HASH_MAX ||
		    (rtgate_hash_size(log->alg[i]) &&
		     rtgate_hash_size(log->alg[i]) != log->size[i])) {
			snprintf(err, errlen, "Spec ID event: bank 0x%04x size %u",
				 log->alg[i], log->size[i]);
			return 0;
		}
	}
	return 32 + size;
}

/*
 * Parse the event log @buf into *@log, picking event number @pick
 * (counted from 0) and replaying the events in PCR @replay (-1: none).
 * Return: 0, or -1 with what is wrong in @err.
 */
static int rtgate_log_parse(const __u8 *buf, size_t len, size_t pick,
			    int replay, struct rtgate_log *log, char *err,
			    size_t errlen)
{
	bool seen[RTGATE_MAX_ALGS];
	__u32 pcr, count, size;
	struct rtgate_log_event *ev;
	size_t off, n;
	__u32 i, k;

	memset(log, 0, sizeof(*log));
	if (!len)
		return 0;
	off = rtgate_log_header(buf, len, log, err, errlen);
	if (!off)
		return -1;

	/* TCG_PCR_EVENT2: PCRIndex, EventType, digests, EventSize, Event */
	for (n = 0; off < len; n++) {
		if (len - off < 12)
			goto truncated;
		pcr = rtgate_le32(buf + off);
		count = rtgate_le32(buf + off + 8);
		if (pcr >= RTGATE_NR_PCRS || count != log->nr_algs) {
			snprintf(err, errlen, "event %zu: PCR %u with %u digests for %u banks",
				 n, pcr, count, log->nr_algs);
			return -1;
		}
		log->last_pcr = pcr;
		ev = n >= pick && n - pick < 2 ? &log->ev[n - pick] : NULL;
		if (ev) {
			log->nr_picked++;
			ev->pcr = pcr;
			ev->type = rtgate_le32(buf + off + 4);
		}
		off += 12;
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < count; i++) {
			if (len - off < 2)
				goto truncated;
			for (k = 0; k < log->nr_algs; k++)
				if (log->alg[k] == rtgate_le16(buf + off))
					break;
			if (k == log->nr_algs || seen[k]) {
				snprintf(err, errlen, "event %zu: bank 0x%04x unknown or repeated",
					 n, rtgate_le16(buf + off));
				return -1;
			}
			seen[k] = true;
			off += 2;
			if (len - off < log->size[k])
				goto truncated;
			if (ev)
				memcpy(ev->digest[k], buf + off, log->size[k]);
			if ((int)pcr == replay && rtgate_hash_size(log->alg[k]))
				rtgate_extend(log->alg[k], log->replay[k],
					      buf + off);
			off += log->size[k];
		}
		if (len - off < 4)
			goto truncated;
		size = rtgate_le32(buf + off);
		off += 4;
		if (size > len - off)
			goto truncated;
		if (ev) {
			ev->len = size;
			memcpy(ev->data, buf + off,
			       size < sizeof(ev->data) ? size : sizeof(ev->data));
		}
		off += size;
	}
	log->nr_events = n;
	return 0;

truncated:
	snprintf(err, errlen, "event %zu truncated at byte %zu of %zu",
		 n, off, len);
	return -1;
}

/* Read and parse the log (see rtgate_log_parse()); failing fails the test */
static void rtgate_log_load(struct __test_metadata *_metadata, size_t pick,
			    int replay, struct rtgate_log *log)
{
	__u8 *buf = NULL;
	size_t len = 0;
	char err[160];
	int ret;

	ret = rtgate_log_read(&buf, &len);
	ASSERT_EQ(0, ret) {
		TH_LOG("cannot read %s: %s", RTGATE_LOG, strerror(-ret));
	}
	ret = rtgate_log_parse(buf, len, pick, replay, log, err, sizeof(err));
	free(buf);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s is malformed: %s", RTGATE_LOG, err);
	}
}

/* The TPM 1.2 sysfs file, "PCR-15: 01 02 ..." lines; Return: 0 or -errno */
static int rtgate_pcrs_tpm12(__u8 (*val)[RTGATE_HASH_MAX])
{
	bool found[RTGATE_NR_PCRS] = { false };
	char buf[4096], *line, *end;
	const char *rest;
	unsigned int pcr;
	ssize_t len;
	int i;

	len = rtgate_read_file(RTGATE_TPM "/pcrs", buf, sizeof(buf));
	if (len == -ENOENT)
		len = rtgate_read_file(RTGATE_TPM "/device/pcrs", buf,
				       sizeof(buf));
	if (len < 0)
		return len;
	for (line = buf; *line; line = end) {
		end = strchrnul(line, '\n');
		if (*end)
			*end++ = '\0';
		if (sscanf(line, "PCR-%u:", &pcr) != 1 ||
		    pcr >= RTGATE_NR_PCRS)
			continue;
		rest = rtgate_unhex(strchr(line, ':') + 1, val[pcr], 20, true);
		if (!rest)
			return -EBADMSG;
		found[pcr] = true;
	}
	for (i = 0; i < RTGATE_NR_PCRS; i++)
		if (!found[i])
			return -EBADMSG;
	return 0;
}

/*
 * Read PCRs @first to @last of bank @b into @val[@first..@last].
 * Return: 0, -ENOENT if sysfs does not show the bank, or -errno.
 */
static int rtgate_pcrs_read(int b, unsigned int first, unsigned int last,
			    __u8 (*val)[RTGATE_HASH_MAX])
{
	size_t size = rtgate_hash_size(rtgate_banks[b].alg);
	char path[PATH_MAX], buf[2 * RTGATE_HASH_MAX + 8];
	const char *end;
	unsigned int pcr;
	ssize_t len;

	snprintf(path, sizeof(path), RTGATE_TPM "/pcr-%s",
		 rtgate_banks[b].name);
	if (access(path, F_OK)) {
		/* A TPM 1.2 has no pcr-sha1 directory, only a pcrs file */
		if (rtgate_banks[b].alg == RTGATE_ALG_SHA1 &&
		    (!access(RTGATE_TPM "/pcrs", F_OK) ||
		     !access(RTGATE_TPM "/device/pcrs", F_OK)))
			return rtgate_pcrs_tpm12(val);
		return -ENOENT;
	}
	for (pcr = first; pcr <= last; pcr++) {
		snprintf(path, sizeof(path), RTGATE_TPM "/pcr-%s/%u",
			 rtgate_banks[b].name, pcr);
		len = rtgate_read_file(path, buf, sizeof(buf));
		if (len < 0)
			return len;
		end = rtgate_unhex(buf, val[pcr], size, false);
		if (!end || (*end && strcmp(end, "\n")))
			return -EBADMSG;
	}
	return 0;
}

/* Read PCRs @first to @last of every bank that sysfs shows */
static void rtgate_pcrs_snapshot(struct __test_metadata *_metadata,
				 struct rtgate_pcrs *pcrs, unsigned int first,
				 unsigned int last)
{
	int b, ret;

	memset(pcrs, 0, sizeof(*pcrs));
	pcrs->first = first;
	pcrs->last = last;
	for (b = 0; b < RTGATE_NR_BANKS; b++) {
		ret = rtgate_pcrs_read(b, first, last, pcrs->val[b]);
		if (ret == -ENOENT)
			continue;
		ASSERT_EQ(0, ret) {
			TH_LOG("cannot read the %s PCRs in %s: %s",
			       rtgate_banks[b].name, RTGATE_TPM,
			       strerror(-ret));
		}
		pcrs->have[b] = true;
	}
}

/*
 * Before a write: count the events and read the PCRs; the gate's PCR if
 * earlier events name it, all of them otherwise.
 */
static void rtgate_measure_begin(struct __test_metadata *_metadata,
				 struct rtgate_measure *m)
{
	struct rtgate_log log;

	rtgate_log_load(_metadata, SIZE_MAX, -1, &log);
	m->events = log.nr_events;
	if (m->events)
		rtgate_pcrs_snapshot(_metadata, &m->before, log.last_pcr,
				     log.last_pcr);
	else
		rtgate_pcrs_snapshot(_metadata, &m->before, 0,
				     RTGATE_NR_PCRS - 1);
}

/*
 * After the write of @m, which extended @pcr to @after: replaying the log
 * from zeros gives @after in the banks that held zeros before the first
 * event, if this run appended it.
 */
static void rtgate_replay_check(struct __test_metadata *_metadata,
				const struct rtgate_measure *m, __u32 pcr,
				__u8 (*after)[RTGATE_HASH_MAX])
{
	char hex[2][2 * RTGATE_HASH_MAX + 1];
	struct rtgate_log log;
	size_t size;
	__u32 i;
	int b;

	if (!rtgate_run || !rtgate_run->replay || rtgate_run->pcr != pcr)
		return;
	rtgate_log_load(_metadata, SIZE_MAX, pcr, &log);
	for (i = 0; i < log.nr_algs; i++) {
		b = rtgate_bank(log.alg[i]);
		if (b < 0 || !m->before.have[b] || !rtgate_run->zero[b])
			continue;
		size = log.size[i];
		EXPECT_EQ(0, memcmp(log.replay[i], after[b], size)) {
			TH_LOG("PCR %u %s is %s, the log replayed from zeros %s",
			       pcr, rtgate_banks[b].name,
			       rtgate_hex(hex[0], after[b], size),
			       rtgate_hex(hex[1], log.replay[i], size));
		}
	}
}

/* Is @len bytes at @data the documented opening event? */
static bool rtgate_is_open_event(const __u8 *data, __u32 len)
{
	return len == sizeof(rtgate_event) &&
	       !memcmp(data, rtgate_event, sizeof(rtgate_event));
}

/*
 * Is it a runtime code event? Its tag and size, a known source, and as
 * many ranges as its size holds, each page aligned and not empty.
 * Return: NULL, or what is wrong with it.
 */
static const char *rtgate_code_check(const __u8 *ev, __u32 len)
{
	const __u8 *data = ev + 8, *r;
	__u32 source, nr, i;

	if (len < 8 + RTGATE_CODE_HEAD || len > RTGATE_CODE_EVENT_MAX ||
	    memcmp(ev, rtgate_event, 4) ||
	    memcmp(data, rtgate_code_magic, sizeof(rtgate_code_magic)))
		return "neither the opening event nor a runtime code event";
	if (rtgate_le32(ev + 4) != len - 8)
		return "tagged event size differs from the event size";
	source = rtgate_le32(data + sizeof(rtgate_code_magic));
	nr = rtgate_le32(data + sizeof(rtgate_code_magic) + 4);
	if (source != 1 && source != 2)
		return "unknown source of the ranges";
	if (!nr || nr > RTGATE_CODE_MAX_RANGES ||
	    len != 8 + RTGATE_CODE_HEAD + nr * RTGATE_CODE_RANGE)
		return "number of ranges does not match the size";
	for (i = 0; i < nr; i++) {
		r = data + RTGATE_CODE_HEAD + i * RTGATE_CODE_RANGE;
		if ((rtgate_le32(r) & 0xfff) || (rtgate_le32(r + 8) & 0xfff) ||
		    (!rtgate_le32(r + 8) && !rtgate_le32(r + 12)))
			return "a range is not page aligned, or empty";
	}
	return NULL;
}

/*
 * After a write that opened the gate of @m: the documented opening event,
 * after a runtime code event where the gate keeps the runtime code's
 * digests, each digest the hash of its event, and their PCR extended by
 * them in that order in every bank sysfs shows. With @half the opening
 * event may be missing: an opening whose second extension failed leaves
 * the code event alone, which must then explain the PCR.
 */
static void rtgate_measure_check(struct __test_metadata *_metadata,
				 const struct rtgate_measure *m, bool half)
{
	__u8 after[RTGATE_NR_BANKS][RTGATE_HASH_MAX], want[RTGATE_HASH_MAX];
	__u8 digest[RTGATE_HASH_MAX];
	char hex[4][2 * RTGATE_HASH_MAX + 1];
	__u8 now[RTGATE_NR_PCRS][RTGATE_HASH_MAX];
	const __u8 *before;
	struct rtgate_log log;
	int b, ret, checked = 0;
	const char *err;
	size_t size, j;
	__u32 i, pcr;

	rtgate_log_load(_metadata, m->events, -1, &log);
	ASSERT_LT(0, log.nr_picked) {
		TH_LOG("opened without a new measurement: %zu events in %s, as before",
		       log.nr_events, RTGATE_LOG);
	}
	pcr = log.ev[0].pcr;
	/* An opening event, after a code event or none */
	for (j = 0; j < log.nr_picked; j++) {
		EXPECT_EQ(pcr, log.ev[j].pcr);
		EXPECT_EQ(RTGATE_EV_EVENT_TAG, log.ev[j].type);
		if (j == log.nr_picked - 1 &&
		    rtgate_is_open_event(log.ev[j].data, log.ev[j].len))
			continue;
		err = j == log.nr_picked - 1 && !half ?
		      "the last new event is not the documented opening event" :
		      rtgate_code_check(log.ev[j].data, log.ev[j].len);
		EXPECT_EQ(NULL, err) {
			TH_LOG("new event %zu: %s: %s", j + 1, err,
			       rtgate_hex(hex[0], log.ev[j].data,
					  log.ev[j].len < 32 ? log.ev[j].len : 32));
		}
	}
	EXPECT_EQ(m->events + log.nr_picked, log.nr_events) {
		TH_LOG("one opening added %zu events to %s",
		       log.nr_events - m->events, RTGATE_LOG);
	}
	ASSERT_TRUE(pcr >= m->before.first && pcr <= m->before.last) {
		TH_LOG("the new event is in PCR %u, the earlier ones in PCR %u",
		       pcr, m->before.first);
	}

	for (i = 0; i < log.nr_algs; i++) {
		b = rtgate_bank(log.alg[i]);
		if (b < 0) {
			TH_LOG("bank 0x%04x: unknown, not checked", log.alg[i]);
			continue;
		}
		size = log.size[i];
		if (!m->before.have[b]) {
			TH_LOG("bank %s: not in %s, not checked",
			       rtgate_banks[b].name, RTGATE_TPM);
			continue;
		}
		before = m->before.val[b][pcr];
		memcpy(want, before, size);
		for (j = 0; j < log.nr_picked; j++) {
			/* Only a malformed event is longer: failed above */
			ASSERT_GE(sizeof(log.ev[j].data), log.ev[j].len);
			rtgate_hash(log.alg[i], log.ev[j].data, log.ev[j].len,
				    digest);
			EXPECT_EQ(0, memcmp(digest, log.ev[j].digest[i], size)) {
				TH_LOG("new event %zu: %s digest in the log %s, of the event %s",
				       j + 1, rtgate_banks[b].name,
				       rtgate_hex(hex[0], log.ev[j].digest[i], size),
				       rtgate_hex(hex[1], digest, size));
			}
			rtgate_extend(log.alg[i], want, digest);
		}
		ret = rtgate_pcrs_read(b, pcr, pcr, now);
		ASSERT_EQ(0, ret) {
			TH_LOG("cannot read PCR %u %s: %s", pcr,
			       rtgate_banks[b].name, strerror(-ret));
		}
		memcpy(after[b], now[pcr], size);
		EXPECT_NE(0, memcmp(before, after[b], size)) {
			TH_LOG("opened, but PCR %u %s did not change: %s",
			       pcr, rtgate_banks[b].name,
			       rtgate_hex(hex[0], before, size));
		}
		EXPECT_EQ(0, memcmp(want, after[b], size)) {
			TH_LOG("PCR %u %s is %s, want %s: %s extended by the %zu new events",
			       pcr, rtgate_banks[b].name,
			       rtgate_hex(hex[0], after[b], size),
			       rtgate_hex(hex[1], want, size),
			       rtgate_hex(hex[2], before, size),
			       log.nr_picked);
		}
		checked++;
	}
	EXPECT_LT(0, checked) {
		TH_LOG("PCR %u not checked: no bank of the log in %s",
		       pcr, RTGATE_TPM);
	}

	if (rtgate_run && !m->events) {
		/* The first event: is the log a complete record of the PCR? */
		rtgate_run->replay = true;
		rtgate_run->pcr = pcr;
		for (b = 0; b < RTGATE_NR_BANKS; b++) {
			size = rtgate_hash_size(rtgate_banks[b].alg);
			memset(want, 0, size);
			rtgate_run->zero[b] = m->before.have[b] &&
				!memcmp(m->before.val[b][pcr], want, size);
		}
	}
	rtgate_replay_check(_metadata, m, pcr, after);
}

static void rtgate_measure_end(struct __test_metadata *_metadata,
			       const struct rtgate_measure *m)
{
	rtgate_measure_check(_metadata, m, false);
}

/*
 * After a write that must not measure: no new event and, if the log names
 * the gate's PCR, that PCR unchanged.
 */
static void rtgate_measure_none(struct __test_metadata *_metadata,
				const struct rtgate_measure *m)
{
	__u8 now[RTGATE_NR_PCRS][RTGATE_HASH_MAX];
	unsigned int pcr = m->before.first;
	struct rtgate_log log;
	size_t size;
	int b, ret;

	rtgate_log_load(_metadata, SIZE_MAX, -1, &log);
	EXPECT_EQ(m->events, log.nr_events) {
		TH_LOG("%zu new events in %s", log.nr_events - m->events,
		       RTGATE_LOG);
	}
	/* Without events before, the gate's PCR is not known */
	if (!m->events)
		return;
	for (b = 0; b < RTGATE_NR_BANKS; b++) {
		if (!m->before.have[b])
			continue;
		size = rtgate_hash_size(rtgate_banks[b].alg);
		ret = rtgate_pcrs_read(b, pcr, pcr, now);
		ASSERT_EQ(0, ret);
		EXPECT_EQ(0, memcmp(m->before.val[b][pcr], now[pcr], size)) {
			TH_LOG("PCR %u %s changed", pcr, rtgate_banks[b].name);
		}
	}
}

/*
 * Write @value, which opens, to the closed gate and check that the opening
 * was measured. Return: the write's result.
 */
static ssize_t rtgate_open_measured(struct __test_metadata *_metadata,
				    const char *value)
{
	struct rtgate_measure m;
	ssize_t ret;

	rtgate_measure_begin(_metadata, &m);
	ret = rtgate_write(value);
	if (ret == (ssize_t)strlen(value))
		rtgate_measure_end(_metadata, &m);
	return ret;
}

/*
 * Open the closed gate; check the measurement unless securityfs cannot be
 * mounted. Return: 0 or -errno.
 */
static int rtgate_open_checked(struct __test_metadata *_metadata)
{
	ssize_t ret;

	if (rtgate_securityfs())
		return rtgate_set(1);
	ret = rtgate_open_measured(_metadata, "1");
	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

static void rtgate_prepare(struct __test_metadata *_metadata, int *found)
{
	ASSERT_NE(RTGATE_BAD, rtgate_expect_open()) {
		TH_LOG("EFI_RTGATE_EXPECT_OPEN=%s is not \"ok\" or an errno name",
		       getenv("EFI_RTGATE_EXPECT_OPEN"));
	}
	ASSERT_NE(RTGATE_BAD, rtgate_final()) {
		TH_LOG("EFI_RTGATE_FINAL=%s is not \"0\" or \"1\"",
		       getenv("EFI_RTGATE_FINAL"));
	}
	*found = rtgate_state();
	ASSERT_LE(0, *found);
}

/* Put the gate back in the state the setup found */
static void rtgate_restore(struct __test_metadata *_metadata, int found)
{
	int state = rtgate_state();
	int ret;

	/* After a failed ASSERT the harness still has its handler armed */
	EXPECT_EQ(0, 0);
	if (found < 0 || state == found)
		return;
	/* Opening may not work, and EFI_RTGATE_FINAL=0 lets it stay closed */
	if (found == 1 && rtgate_expect_open() != 0 && rtgate_final() == 0)
		return;
	ret = found ? rtgate_open_checked(_metadata) : rtgate_set(0);
	EXPECT_EQ(0, ret) {
		TH_LOG("cannot put the gate back to %d: %s", found,
		       strerror(-ret));
	}
}

/* What a child with reduced credentials saw */
struct rtgate_child {
	int unshare_err;	/* errno of unshare(CLONE_NEWUSER), or 0 */
	int setup_err;		/* errno of the step that failed, or 0 */
	ssize_t ret;		/* result of the write */
};

static int rtgate_write_proc(const char *path, const char *value)
{
	ssize_t ret = rtgate_write_buf(path, value, strlen(value));

	if (ret < 0)
		return -ret;
	return ret == (ssize_t)strlen(value) ? 0 : EIO;
}

/* Become uid/gid 65534 without supplementary groups or capabilities */
static void rtgate_become_nobody(struct rtgate_child *res)
{
	if (setgroups(0, NULL) ||
	    setresgid(RTGATE_NOBODY, RTGATE_NOBODY, RTGATE_NOBODY) ||
	    setresuid(RTGATE_NOBODY, RTGATE_NOBODY, RTGATE_NOBODY))
		res->setup_err = errno;
}

/* Become root in a new user namespace: CAP_SYS_ADMIN there, not in init */
static void rtgate_become_userns_root(struct rtgate_child *res)
{
	if (unshare(CLONE_NEWUSER)) {
		res->unshare_err = errno;
		return;
	}
	res->setup_err = rtgate_write_proc("/proc/self/uid_map", "0 0 1");
	if (!res->setup_err)
		res->setup_err = rtgate_write_proc("/proc/self/setgroups",
						   "deny");
	if (!res->setup_err)
		res->setup_err = rtgate_write_proc("/proc/self/gid_map",
						   "0 0 1");
}

/*
 * Write @value to runtime_enable from a child process that first became
 * nobody (@userns false) or root in a new user namespace (@userns true).
 * Return: 0 and *@res filled in, or an errno if the child could not run.
 */
static int rtgate_write_as(bool userns, const char *value,
			   struct rtgate_child *res)
{
	struct rtgate_child *shared;
	int status, err = 0;
	pid_t pid;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return errno;
	memset(shared, 0, sizeof(*shared));

	pid = fork();
	if (pid < 0) {
		err = errno;
		goto out;
	}
	if (!pid) {
		if (userns)
			rtgate_become_userns_root(shared);
		else
			rtgate_become_nobody(shared);
		if (!shared->unshare_err && !shared->setup_err)
			shared->ret = rtgate_write(value);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		err = errno;
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		err = ECHILD;
	*res = *shared;
out:
	munmap(shared, sizeof(*shared));
	return err;
}

/* Return: NULL if tests that expect opening to be @ok may run, or why not */
static const char *rtgate_open_skip(bool ok)
{
	int want = rtgate_expect_open();

	if (want == RTGATE_UNSET)
		return "EFI_RTGATE_EXPECT_OPEN is not set";
	if (ok && want)
		return "EFI_RTGATE_EXPECT_OPEN is an errno: opening must fail";
	if (!ok && !want)
		return "EFI_RTGATE_EXPECT_OPEN=ok: opening must work";
	return NULL;
}

/*
 * Return: NULL if tests that open a closed gate, and check that it was
 * measured, may run; or why not.
 */
static const char *rtgate_open_ok_skip(void)
{
	const char *why = rtgate_open_skip(true);
	static char buf[128];
	int err;

	if (why)
		return why;
	err = rtgate_securityfs();
	if (!err)
		return NULL;
	snprintf(buf, sizeof(buf), "cannot mount securityfs on %s (%s) to read the event log",
		 RTGATE_SECFS, strerror(-err));
	return buf;
}

/* First non-empty variable in efivarfs; Return: 0, or -1 if there is none */
static int rtgate_find_efivar(char *path, size_t size)
{
	struct statfs sfs;
	struct dirent *de;
	struct stat st;
	int ret = -1;
	DIR *dir;

	if (statfs(RTGATE_EFIVARS, &sfs) || sfs.f_type != EFIVARFS_MAGIC)
		return -1;
	dir = opendir(RTGATE_EFIVARS);
	if (!dir)
		return -1;
	while (ret && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, size, "%s/%s", RTGATE_EFIVARS, de->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
			ret = 0;
	}
	closedir(dir);
	return ret;
}

/* The test's own hashes against known answers; runs anywhere */
TEST(hash_known_answers)
{
	static const struct {
		__u16 alg;
		const char *in;		/* NULL: the measured event */
		int extend;		/* then extend a zero PCR with it */
		const char *out;
	} kat[] = {
		{
			RTGATE_ALG_SHA1, "abc", 0,
			"a9993e364706816aba3e25717850c26c9cd0d89d",
		},
		{
			RTGATE_ALG_SHA256, "abc", 0,
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		},
		{
			RTGATE_ALG_SHA384, "abc", 0,
			"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
		},
		{
			RTGATE_ALG_SHA512, "abc", 0,
			"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		},
		/* The digests and PCR values in Documentation/admin-guide/efi-rtgate.rst */
		{
			RTGATE_ALG_SHA1, NULL, 0,
			"98dcb20f350ee2aa3f68dbc556a47eca23280b35",
		},
		{
			RTGATE_ALG_SHA256, NULL, 0,
			"dff99395105638792169ebb118d0f5fbfef7900dceefdccb3c50a7af30f9bfe2",
		},
		{
			RTGATE_ALG_SHA256, NULL, 1,
			"a5c076fd07633f867bd1986bab80def0b2a50d4153b3350882a60a76fc518031",
		},
		{
			RTGATE_ALG_SHA256, NULL, 2,
			"d5f1b145fcaa32489ddea334d88629981944e7d4adaa4f9569fb8406f4fcc4e8",
		},
	};
	__u8 digest[RTGATE_HASH_MAX], pcr[RTGATE_HASH_MAX], want[RTGATE_HASH_MAX];
	char hex[2 * RTGATE_HASH_MAX + 1];
	size_t i, size, len;
	const void *in;
	int j;

	for (i = 0; i < ARRAY_SIZE(kat); i++) {
		size = rtgate_hash_size(kat[i].alg);
		ASSERT_EQ(2 * size, strlen(kat[i].out));
		ASSERT_NE(NULL, rtgate_unhex(kat[i].out, want, size, false));
		in = kat[i].in ? (const void *)kat[i].in : rtgate_event;
		len = kat[i].in ? strlen(kat[i].in) : sizeof(rtgate_event);
		ASSERT_EQ(0, rtgate_hash(kat[i].alg, in, len, digest));
		memset(pcr, 0, size);
		for (j = 0; j < kat[i].extend; j++)
			rtgate_extend(kat[i].alg, pcr, digest);
		EXPECT_EQ(0, memcmp(want, kat[i].extend ? pcr : digest, size)) {
			TH_LOG("case %zu: got %s", i,
			       rtgate_hex(hex, kat[i].extend ? pcr : digest,
					  size));
		}
	}
	EXPECT_EQ(-1, rtgate_hash(0x0012, "abc", 3, digest));
	EXPECT_EQ(0, rtgate_hash_size(0x0012));
}

FIXTURE(rtgate) {
	int found;	/* state when the test started */
};

FIXTURE_SETUP(rtgate)
{
	const char *why = rtgate_skip_reason();

	if (why)
		SKIP(return, "%s", why);
	rtgate_prepare(_metadata, &self->found);
}

FIXTURE_TEARDOWN(rtgate)
{
	rtgate_restore(_metadata, self->found);
}

/* runtime_enable reads exactly "0\n" or "1\n" */
TEST_F(rtgate, read_format)
{
	char buf[16];

	ASSERT_EQ(2, rtgate_read_file(RTGATE_ENABLE, buf, sizeof(buf)));
	EXPECT_TRUE(!strcmp(buf, "0\n") || !strcmp(buf, "1\n")) {
		TH_LOG("read \"%s\"", buf);
	}
}

/* runtime_enable is a regular file, mode 0644, owned by root */
TEST_F(rtgate, enable_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(RTGATE_ENABLE, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0644, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

/* runtime_gate_reason is mode 0444 and names one of the five reasons */
TEST_F(rtgate, reason_format)
{
	static const char * const reasons[] = {
		"secure-launch\n", "tboot\n", "txt\n", "cmdline\n", "none\n",
	};
	bool known = false;
	struct stat st;
	char buf[64];
	size_t i;

	ASSERT_EQ(0, stat(RTGATE_REASON, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, buf, sizeof(buf)));
	for (i = 0; i < ARRAY_SIZE(reasons); i++)
		known |= !strcmp(buf, reasons[i]);
	EXPECT_TRUE(known) {
		TH_LOG("read \"%s\"", buf);
	}

	/* Not writable, not even by root */
	EXPECT_EQ(-EACCES, rtgate_write_buf(RTGATE_REASON, "none\n", 5));
}

/* Every way of saying "close" succeeds and leaves the gate closed */
TEST_F(rtgate, close_writes)
{
	static const char * const values[] = { "0", "n", "off", "0\n" };
	char reason[64], after[64];
	size_t i;

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, reason, sizeof(reason)));
	if (rtgate_mixed()) {
		/* The boot state is final: closing is refused too */
		for (i = 0; i < ARRAY_SIZE(values); i++) {
			EXPECT_EQ(-EOPNOTSUPP, rtgate_write(values[i]));
			EXPECT_EQ(self->found, rtgate_state());
		}
		return;
	}
	if (!rtgate_may_close(self->found))
		SKIP(return, "gate open and may not reopen: %s",
		     "needs EFI_RTGATE_EXPECT_OPEN=ok or EFI_RTGATE_FINAL=0");

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		EXPECT_EQ((ssize_t)strlen(values[i]), rtgate_write(values[i])) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(0, rtgate_state());
	}

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, after, sizeof(after)));
	EXPECT_STREQ(reason, after);
}

/*
 * A non-root writer is refused by the file mode (open() fails with EACCES)
 * and nothing changes.
 */
TEST_F(rtgate, unprivileged_write)
{
	static const char * const values[] = { "1", "0" };
	struct rtgate_child res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ASSERT_EQ(0, rtgate_write_as(false, values[i], &res));
		ASSERT_EQ(0, res.setup_err) {
			TH_LOG("cannot become uid %d: %s", RTGATE_NOBODY,
			       strerror(res.setup_err));
		}
		EXPECT_EQ(-EACCES, res.ret) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(self->found, rtgate_state());
	}
}

/* Root in a user namespace lacks CAP_SYS_ADMIN in init: EPERM, no change */
TEST_F(rtgate, userns_write)
{
	static const char * const values[] = { "1", "0" };
	struct rtgate_child res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ASSERT_EQ(0, rtgate_write_as(true, values[i], &res));
		if (res.unshare_err == EPERM || res.unshare_err == EINVAL ||
		    res.unshare_err == ENOSPC)
			SKIP(return, "no user namespaces: %s",
			     strerror(res.unshare_err));
		ASSERT_EQ(0, res.unshare_err);
		ASSERT_EQ(0, res.setup_err) {
			TH_LOG("cannot map root in the user namespace: %s",
			       strerror(res.setup_err));
		}
		EXPECT_EQ(-EPERM, res.ret) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(self->found, rtgate_state());
	}
}

/*
 * EFI_RTGATE_EXPECT_OPEN=ok: "1" opens a closed gate (one opening, one
 * event, the PCR extended)
 */
TEST_F(rtgate, open)
{
	const char *why = rtgate_open_ok_skip();

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(0, rtgate_state());

	EXPECT_EQ(1, rtgate_open_measured(_metadata, "1"));
	EXPECT_EQ(1, rtgate_state());
}

/*
 * EFI_RTGATE_EXPECT_OPEN=ok: opening an open gate succeeds without a new
 * event or extension (one opening)
 */
TEST_F(rtgate, open_again)
{
	static const char * const values[] = { "1", "y", "on", "1\n" };
	const char *why = rtgate_open_ok_skip();
	struct rtgate_measure m;
	size_t i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(1, rtgate_open_measured(_metadata, "1"));
	ASSERT_EQ(1, rtgate_state());

	rtgate_measure_begin(_metadata, &m);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		EXPECT_EQ((ssize_t)strlen(values[i]), rtgate_write(values[i])) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(1, rtgate_state());
	}
	rtgate_measure_none(_metadata, &m);
}

/* EFI_RTGATE_EXPECT_OPEN=ok: "0" closes an open gate (one opening) */
TEST_F(rtgate, close_after_open)
{
	const char *why = rtgate_open_ok_skip();

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(1, rtgate_open_measured(_metadata, "1"));
	ASSERT_EQ(1, rtgate_state());

	EXPECT_EQ(1, rtgate_write("0"));
	EXPECT_EQ(0, rtgate_state());
}

/*
 * EFI_RTGATE_EXPECT_OPEN=ok: while the gate is closed, an efivarfs
 * variable reads either as refused (GetVariable(): EACCES) or, before the
 * first opening since boot, as the EFI stub's boot-time snapshot has it,
 * which is then what firmware answers once the gate is open (one
 * opening). The opening frees the snapshot: closed again, the read is
 * refused.
 */
TEST_F(rtgate, efivars_gated)
{
	const char *why = rtgate_open_ok_skip();
	char path[PATH_MAX], closed[1024], buf[1024];
	ssize_t closed_len, len;

	if (why)
		SKIP(return, "%s", why);
	if (rtgate_find_efivar(path, sizeof(path)))
		SKIP(return, "no variable: efivarfs not mounted on %s",
		     RTGATE_EFIVARS);

	ASSERT_EQ(0, rtgate_set(0));
	closed_len = rtgate_read_file(path, closed, sizeof(closed));
	if (closed_len < 0) {
		EXPECT_EQ(-EACCES, closed_len) {
			TH_LOG("reading %s with the gate closed", path);
		}
	}

	ASSERT_EQ(1, rtgate_open_measured(_metadata, "1"));
	len = rtgate_read_file(path, buf, sizeof(buf));
	EXPECT_LT(0, len) {
		TH_LOG("reading %s with the gate open", path);
	}
	if (closed_len >= 0) {
		EXPECT_EQ(len, closed_len);
		EXPECT_EQ(0, memcmp(closed, buf, closed_len)) {
			TH_LOG("%s: the snapshot served while closed differs from firmware",
			       path);
		}
	}

	ASSERT_EQ(1, rtgate_write("0"));
	EXPECT_EQ(-EACCES, rtgate_read_file(path, buf, sizeof(buf))) {
		TH_LOG("reading %s with the gate closed after an opening", path);
	}
}

struct rtgate_writer {
	pthread_t thread;
	pthread_barrier_t *start;
	int fd;
	ssize_t ret;
};

static void *rtgate_writer_fn(void *arg)
{
	struct rtgate_writer *w = arg;

	pthread_barrier_wait(w->start);
	w->ret = write(w->fd, "1", 1);
	if (w->ret < 0)
		w->ret = -errno;
	return NULL;
}

/*
 * EFI_RTGATE_EXPECT_OPEN=ok: 64 threads open a closed gate at once; all
 * succeed (one opening: a single new event and a single extension).
 */
TEST_F(rtgate, concurrent_open)
{
	struct rtgate_writer w[RTGATE_THREADS];
	const char *why = rtgate_open_ok_skip();
	struct rtgate_measure m;
	pthread_barrier_t start;
	int i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(0, rtgate_state());
	rtgate_measure_begin(_metadata, &m);

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, RTGATE_THREADS));
	for (i = 0; i < RTGATE_THREADS; i++) {
		w[i].start = &start;
		w[i].ret = 0;
		w[i].fd = open(RTGATE_ENABLE, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, w[i].fd);
	}
	for (i = 0; i < RTGATE_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL,
					    rtgate_writer_fn, &w[i]));
	for (i = 0; i < RTGATE_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
		close(w[i].fd);
	}
	pthread_barrier_destroy(&start);

	for (i = 0; i < RTGATE_THREADS; i++) {
		EXPECT_EQ(1, w[i].ret) {
			TH_LOG("writer %d", i);
		}
	}
	ASSERT_EQ(1, rtgate_state());
	rtgate_measure_end(_metadata, &m);
}

/*
 * EFI_RTGATE_EXPECT_OPEN=<errno>: opening fails with exactly that errno,
 * every time, and the gate stays closed. If the log can be read, a
 * refused write adds no event and leaves the PCR as it was; but for EIO
 * after the TPM extended the PCR and its answer was lost, which must add
 * one event and extend the PCR by it, like an opening.
 */
TEST_F(rtgate, open_refused)
{
	const char *why = rtgate_open_skip(false);
	int want = rtgate_expect_open();
	struct rtgate_measure m;
	struct rtgate_log now;
	bool log;
	int i;

	if (why)
		SKIP(return, "%s", why);
	if (self->found == 1 && !rtgate_mixed()) {
		if (!rtgate_may_close(1))
			SKIP(return, "gate open; set EFI_RTGATE_FINAL=0 to close it");
		ASSERT_EQ(0, rtgate_set(0));
	}

	log = !rtgate_securityfs();
	for (i = 0; i < 2; i++) {
		if (log)
			rtgate_measure_begin(_metadata, &m);
		EXPECT_EQ(-want, rtgate_write("1"));
		EXPECT_EQ(rtgate_mixed() ? self->found : 0, rtgate_state());
		if (!log)
			continue;
		rtgate_log_load(_metadata, SIZE_MAX, -1, &now);
		if (want == EIO && now.nr_events > m.events) {
			TH_LOG("EIO with an event: the TPM's answer was lost");
			rtgate_measure_check(_metadata, &m, true);
		} else {
			rtgate_measure_none(_metadata, &m);
		}
	}
}

/* Invalid values, refused with EINVAL without changing anything */
FIXTURE(rtgate_invalid) {
	int found;
};

FIXTURE_VARIANT(rtgate_invalid) {
	const char *buf;	/* NULL: a page of '1' */
	size_t len;
};

FIXTURE_VARIANT_ADD(rtgate_invalid, empty) {
	.buf = "",
	.len = 0,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, newline) {
	.buf = "\n",
	.len = 1,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, two) {
	.buf = "2",
	.len = 1,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, eleven) {
	.buf = "11",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, one_x) {
	.buf = "1x",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, yes_please) {
	.buf = "yes please",
	.len = 10,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, yes) {
	.buf = "yes",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, upper_y) {
	.buf = "Y",
	.len = 1,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, space_one) {
	.buf = " 1",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, one_space) {
	.buf = "1 ",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, two_newlines) {
	.buf = "1\n\n",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, on1) {
	.buf = "on1",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, offf) {
	.buf = "offf",
	.len = 4,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, minus_one) {
	.buf = "-1",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, hex_one) {
	.buf = "0x1",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, page_of_ones) {
	.buf = NULL,
	.len = 4096,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, embedded_nul) {
	.buf = "1\0",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, binary) {
	.buf = "\xff\x00\x80",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, word_true) {
	.buf = "true",
	.len = 4,
};

FIXTURE_SETUP(rtgate_invalid)
{
	const char *why = rtgate_skip_reason();

	if (why)
		SKIP(return, "%s", why);
	rtgate_prepare(_metadata, &self->found);
}

FIXTURE_TEARDOWN(rtgate_invalid)
{
	rtgate_restore(_metadata, self->found);
}

TEST_F(rtgate_invalid, refused)
{
	char reason[64], after[64];
	char *buf;

	buf = malloc(variant->len + 1);
	ASSERT_NE(NULL, buf);
	if (variant->buf)
		memcpy(buf, variant->buf, variant->len);
	else
		memset(buf, '1', variant->len);
	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, reason, sizeof(reason)));

	/* sysfs completes a zero-length write without calling the store */
	EXPECT_EQ(variant->len ? -EINVAL : 0,
		  rtgate_write_buf(RTGATE_ENABLE, buf, variant->len));
	EXPECT_EQ(self->found, rtgate_state());

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, after, sizeof(after)));
	EXPECT_STREQ(reason, after);
	free(buf);
}

/* Runs last: leave the gate as EFI_RTGATE_FINAL says, or as found */
FIXTURE(rtgate_final) {
	int found;
};

FIXTURE_SETUP(rtgate_final)
{
	const char *why = rtgate_skip_reason();

	if (why)
		SKIP(return, "%s", why);
	rtgate_prepare(_metadata, &self->found);
}

FIXTURE_TEARDOWN(rtgate_final)
{
}

TEST_F(rtgate_final, final_state)
{
	int want = rtgate_final();

	if (want == RTGATE_UNSET)
		want = rtgate_found;
	ASSERT_LE(0, want);

	if (self->found != want)
		EXPECT_EQ(0, want ? rtgate_open_checked(_metadata) :
			  rtgate_set(0));
	EXPECT_EQ(want, rtgate_state());
}

int main(int argc, char **argv)
{
	rtgate_found = rtgate_state();
	rtgate_run = mmap(NULL, sizeof(*rtgate_run), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rtgate_run == MAP_FAILED)
		rtgate_run = NULL;
	return test_harness_run(argc, argv);
}
