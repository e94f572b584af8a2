// SPDX-License-Identifier: GPL-2.0
/*
 * rtgate-verify - check the EFI runtime gate's event log against the TPM
 *
 * Every time /sys/firmware/efi/runtime_enable is switched from closed to
 * open, the kernel extends one PCR (efi_rtgate_pcr, default 18) with the same
 * EV_EVENT_TAG event and appends a TCG_PCR_EVENT2 record to
 * /sys/kernel/security/efi_rtgate/binary_measurements. When the gate was
 * closed at boot, each opening first extends the PCR with a runtime code
 * event: the SHA-256 digests of the firmware's runtime code, taken by the
 * first opening before any of it ran. This tool parses that log (TCG PC Client
 * crypto-agile format: a Spec ID Event03 header, then the events), checks
 * that every record is a documented event with digests equal to
 * HASH(event), prints the runtime code digests, replays the log per bank
 * from the PCR's start value and compares the result with the PCR read
 * from the TPM.
 *
 * Usage: rtgate-verify [-n] [-T TCTI] [-l LOG] [-d DRTMLOG] [-p PCR]
 *                      [-s ALG:HEX ...]
 *
 *   -T TCTI  tss2 TCTI string (default "device:/dev/tpmrm0")
 *   -l LOG   event log (default: the securityfs file above)
 *   -d DRTMLOG
 *            the D-RTM launch's event log (Secure Launch:
 *            /sys/kernel/security/slaunch/eventlog, TPM 2.0 crypto-agile
 *            format). Its events for the PCR are replayed first, in log
 *            order, then the gate's: after a launch, both logs together
 *            explain the D-RTM PCR. The log may be followed by zero bytes
 *            up to the end of its container (Secure Launch returns the
 *            whole container); EV_NO_ACTION events extend nothing.
 *   -p PCR   PCR index (default: that of the events in the log, else 18)
 *   -s ALG:HEX
 *            value of the PCR in bank ALG (sha1, sha256, sha384, sha512)
 *            before the first opening; repeatable. The default is all
 *            zeros for PCRs 0-15, and with -d for PCRs 17-22 (a D-RTM
 *            launch resets them to zero before its first measurement).
 *            Otherwise PCRs 16-23 have no such value (the D-RTM PCRs hold
 *            the launch measurements), so it must be given for every bank
 *            read. With -d it is the value before the D-RTM log's first
 *            event.
 *   -n, --parse-only
 *            parse and replay the log, print the replayed values and do
 *            not read the TPM
 *
 * The banks read are those listed in the log header, or sha256 when the log
 * is empty (as it is before the first opening).
 *
 * Exit status:
 *   0  never opened: the log is empty and the PCR holds its start value
 *   1  opened (or a kexec image loaded while the gate was armed: the
 *      next kernel can call firmware): the PCR equals the replayed log in
 *      every bank
 *   2  the log and the PCR disagree (in any bank)
 *   3  usage error, unreadable or malformed log, or TPM error
 * With --parse-only: 0 if the log has no opening or kexec event, 1 if it
 * has, 3 if malformed. Runtime code events alone (an opening that failed
 * after its first extension) let no firmware run: status 0 or 2.
 *
 * Example, after a D-RTM launch that left PCR 18 at known values:
 *   rtgate-verify -s sha1:<40 hex digits> -s sha256:<64 hex digits>
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))

#define DEFAULT_TCTI		"device:/dev/tpmrm0"
#define DEFAULT_LOG		"/sys/kernel/security/efi_rtgate/binary_measurements"
#define DEFAULT_DRTM_LOG	"/sys/kernel/security/slaunch/eventlog"
#define DEFAULT_PCR		18
#define MAX_PCR			23
/* Highest PCR whose value before the first opening is all zeros */
#define MAX_ZERO_START_PCR	15
/* PCRs a D-RTM launch resets to zero (TCG PC Client PTP, locality 4) */
#define MIN_DRTM_PCR		17
#define MAX_DRTM_PCR		22
/* About 80000 openings with four banks; anything larger is not our log */
#define MAX_LOG_SIZE		(16 << 20)

/* TCG PC Client Platform Firmware Profile event types */
#define EV_NO_ACTION		0x00000003
#define EV_EVENT_TAG		0x00000006

#define TCG_EVENT_DIGEST_SIZE	20	/* the SHA-1 sized digest of TCG_PCR_EVENT */
#define SPEC_ID_SIGNATURE	"Spec ID Event03"	/* 16 bytes with the NUL */
#define SPEC_ID_SIGNATURE_SIZE	16

/*
 * The measured events: TCG_PCClientTaggedEvents, each always the same
 * bytes: an opening of the gate, and the load of a kexec image while the
 * gate was armed (a kernel that can call firmware: counted as an opening).
 */
#define RTGATE_TAG_ID		0x8F3B22EE
enum { EV_OPEN, EV_KEXEC, NR_EVENT_KINDS, EV_CODE = NR_EVENT_KINDS };
static const char *const rtgate_tag_data[NR_EVENT_KINDS] = {
	[EV_OPEN] = "efi_rtgate:open",
	[EV_KEXEC] = "efi_rtgate:kexec",
};
#define RTGATE_MAX_EVENT_SIZE	(8 + 16)

/*
 * The runtime code event: the same tag, then "efi_rtgate:code" and its
 * NUL, the source of the ranges and their number (le32 each), then per
 * range its physical start and length (le64 each) and the SHA-256 digest
 * of its content.
 */
#define RTGATE_CODE_MAGIC	"efi_rtgate:code"
#define RTGATE_CODE_HEAD	(sizeof(RTGATE_CODE_MAGIC) + 8)
#define RTGATE_CODE_RANGE	48
#define RTGATE_CODE_MAX_RANGES	128
static const char *const rtgate_code_source[] = {
	[1] = "memory attributes table",
	[2] = "memory map",
};

/* Exit status */
enum {
	RTGATE_NEVER_OPENED	= 0,
	RTGATE_OPENED		= 1,
	RTGATE_MISMATCH		= 2,
	RTGATE_ERROR		= 3,
};

struct bank {
	const char *name;
	TPM2_ALG_ID alg;
	unsigned int size;
	const EVP_MD *(*md)(void);

	bool have_start;		/* -s given */
	unsigned char start[EVP_MAX_MD_SIZE];

	bool in_log;			/* listed in the log header */
	/* HASH(event) for each kind of event */
	unsigned char ev_digest[NR_EVENT_KINDS][EVP_MAX_MD_SIZE];
	unsigned char replay[EVP_MAX_MD_SIZE];
	unsigned char tpm[EVP_MAX_MD_SIZE];
};

static struct bank banks[] = {
	{ .name = "sha1",   .alg = TPM2_ALG_SHA1,   .size = 20, .md = EVP_sha1 },
	{ .name = "sha256", .alg = TPM2_ALG_SHA256, .size = 32, .md = EVP_sha256 },
	{ .name = "sha384", .alg = TPM2_ALG_SHA384, .size = 48, .md = EVP_sha384 },
	{ .name = "sha512", .alg = TPM2_ALG_SHA512, .size = 64, .md = EVP_sha512 },
};

/* What the log says, once parsed and checked */
struct rtgate_log {
	const char *path;
	struct bank *bank[ARRAY_SIZE(banks)];	/* in header order */
	unsigned int nr_banks;
	unsigned long nr_events;
	unsigned long nr_kexec;			/* of them, kexec loads */
	unsigned long nr_code;			/* of them, runtime code events */
	unsigned char *kind;			/* each event's kind, in order */
	/* each event's digest per bank (banks[] order), in order */
	unsigned char (*digest)[ARRAY_SIZE(banks)][EVP_MAX_MD_SIZE];
	unsigned char *code;			/* the first code event's data */
	uint32_t code_len;
	bool code_differs;			/* a later one is not the same */
	unsigned int pcr;			/* valid if nr_events */
};

/* One record of the D-RTM log that extends a PCR */
struct drtm_event {
	uint32_t pcr;
	const unsigned char *digest[ARRAY_SIZE(banks)];	/* NULL: not in record */
};

/* The D-RTM launch's log (-d), parsed; the buffer stays allocated */
struct drtm_log {
	const char *path;
	unsigned char *buf;
	bool in_log[ARRAY_SIZE(banks)];	/* listed in its header */
	struct drtm_event *ev;
	unsigned long nr_events;	/* records that extend a PCR */
	unsigned long nr_no_action;
};

/* A bounds-checked reader over a byte buffer */
struct cursor {
	const unsigned char *buf;
	size_t len;
	size_t pos;
	size_t base;		/* offset of buf in the log, for messages */
};

static const char *prog = "rtgate-verify";

/* Encode the tagged event of @kind into @buf; return its size. */
static size_t rtgate_event(int kind, unsigned char *buf)
{
	size_t len = strlen(rtgate_tag_data[kind]);
	uint32_t id = RTGATE_TAG_ID;
	int i;

	for (i = 0; i < 4; i++) {
		buf[i] = (id >> (8 * i)) & 0xff;
		buf[4 + i] = (len >> (8 * i)) & 0xff;
	}
	memcpy(buf + 8, rtgate_tag_data[kind], len);
	return 8 + len;
}

static void __printf(1, 2) error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __printf(3, 4)
log_error(const struct rtgate_log *log, size_t off, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: offset %zu: ", prog, log->path, off);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-n] [-T TCTI] [-l LOG] [-d DRTMLOG] [-p PCR] [-s ALG:HEX ...]\n"
		"Check the EFI runtime gate's event log against the TPM.\n"
		"\n"
		"  -T TCTI     tss2 TCTI string (default \"%s\")\n"
		"  -l LOG      event log (default %s)\n"
		"  -d DRTMLOG  the D-RTM launch's event log (e.g. %s):\n"
		"              its events for the PCR are replayed before the gate's\n"
		"  -p PCR      PCR index (default: that of the events in the log, else %u)\n"
		"  -s ALG:HEX  value of the PCR in bank ALG (sha1, sha256, sha384, sha512)\n"
		"              before the first event; repeatable. Default all zeros for\n"
		"              PCRs 0-%u, and for PCRs %u-%u with -d; other PCRs need it\n"
		"              for every bank read\n"
		"  -n, --parse-only\n"
		"              parse and replay the log, print the values, do not read the TPM\n"
		"  -h, --help  show this help\n"
		"\n"
		"Exit status: 0 never opened (empty log, PCR holds its start value),\n"
		"1 opened (PCR equals the replayed log in every bank), 2 log and PCR\n"
		"disagree, 3 error (options, log or TPM). With -n: 0 no event, 1 events,\n"
		"3 error.\n",
		prog, DEFAULT_TCTI, DEFAULT_LOG, DEFAULT_DRTM_LOG, DEFAULT_PCR,
		MAX_ZERO_START_PCR, MIN_DRTM_PCR, MAX_DRTM_PCR);
}

static struct bank *bank_by_alg(TPM2_ALG_ID alg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(banks); i++)
		if (banks[i].alg == alg)
			return &banks[i];
	return NULL;
}

static struct bank *bank_by_name(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(banks); i++)
		if (strlen(banks[i].name) == len &&
		    !strncasecmp(banks[i].name, name, len))
			return &banks[i];
	return NULL;
}

static void print_hex(FILE *f, const unsigned char *buf, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", buf[i]);
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse "ALG:HEX" (HEX may start with 0x) into that bank's start value. */
static int parse_start(const char *arg)
{
	const char *colon = strchr(arg, ':');
	const char *hex;
	struct bank *b;
	unsigned int i;

	if (!colon) {
		error("-s %s: expected ALG:HEX", arg);
		return -1;
	}
	b = bank_by_name(arg, colon - arg);
	if (!b) {
		error("-s %s: unknown bank (sha1, sha256, sha384 or sha512)", arg);
		return -1;
	}
	if (b->have_start) {
		error("-s %s: start value for %s given twice", arg, b->name);
		return -1;
	}
	hex = colon + 1;
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	if (strlen(hex) != 2 * b->size) {
		error("-s %s: %s needs %u hex digits", arg, b->name, 2 * b->size);
		return -1;
	}
	for (i = 0; i < b->size; i++) {
		int hi = hex_nibble(hex[2 * i]);
		int lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			error("-s %s: not a hex digit", arg);
			return -1;
		}
		b->start[i] = hi << 4 | lo;
	}
	b->have_start = true;
	return 0;
}

static int parse_pcr(const char *arg, unsigned int *pcr)
{
	char *end;
	unsigned long val;

	errno = 0;
	val = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || val > MAX_PCR) {
		error("-p %s: PCR index must be 0 to %u", arg, MAX_PCR);
		return -1;
	}
	*pcr = val;
	return 0;
}

/* Read the whole log; securityfs reports size 0, so read until EOF. */
static unsigned char *read_log(const char *path, size_t *len)
{
	unsigned char *buf = NULL, *nbuf;
	size_t size = 0, cap = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		error("%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (size == cap) {
			cap = cap ? 2 * cap : 4096;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				error("%s: out of memory", path);
				goto fail;
			}
			buf = nbuf;
		}
		n = read(fd, buf + size, cap - size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error("%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		size += n;
		if (size > MAX_LOG_SIZE) {
			error("%s: larger than %u bytes, not an efi_rtgate log",
			      path, MAX_LOG_SIZE);
			goto fail;
		}
	}
	close(fd);
	*len = size;
	return buf;

fail:
	free(buf);
	close(fd);
	return NULL;
}

static const unsigned char *take(struct cursor *c, size_t n)
{
	const unsigned char *p;

	if (n > c->len - c->pos)
		return NULL;
	p = c->buf + c->pos;
	c->pos += n;
	return p;
}

static bool take_u8(struct cursor *c, uint8_t *val)
{
	const unsigned char *p = take(c, 1);

	if (!p)
		return false;
	*val = p[0];
	return true;
}

static bool take_le16(struct cursor *c, uint16_t *val)
{
	const unsigned char *p = take(c, 2);

	if (!p)
		return false;
	*val = p[0] | p[1] << 8;
	return true;
}

static bool take_le32(struct cursor *c, uint32_t *val)
{
	const unsigned char *p = take(c, 4);

	if (!p)
		return false;
	*val = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
	return true;
}

static size_t offset(const struct cursor *c)
{
	return c->base + c->pos;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static int hash(const struct bank *b, const void *a, size_t alen,
		const void *d, size_t dlen, unsigned char *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, b->md(), NULL) &&
	     EVP_DigestUpdate(ctx, a, alen) &&
	     (!dlen || EVP_DigestUpdate(ctx, d, dlen)) &&
	     EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		error("%s: hashing failed in libcrypto", b->name);
		return -1;
	}
	return 0;
}

/*
 * TCG_PCR_EVENT { PCRIndex = 0; EventType = EV_NO_ACTION; digest[20] = 0;
 * EventSize; TCG_EfiSpecIdEvent }, which lists the banks every event carries.
 */
static int parse_header(struct rtgate_log *log, struct cursor *c, bool *listed)
{
	uint32_t pcr, type, size, nr_algs, i;
	uint8_t minor, major, errata, uintn_size, vendor_size;
	const unsigned char *digest, *sig;
	uint16_t alg, digest_size;
	struct cursor ev;
	struct bank *b;

	if (!take_le32(c, &pcr) || !take_le32(c, &type))
		goto truncated_header;
	digest = take(c, TCG_EVENT_DIGEST_SIZE);
	if (!digest || !take_le32(c, &size))
		goto truncated_header;
	if (pcr || type != EV_NO_ACTION ||
	    !all_zero(digest, TCG_EVENT_DIGEST_SIZE)) {
		log_error(log, 0, "the first record is not a Spec ID event");
		return -1;
	}
	ev.base = offset(c);
	ev.buf = take(c, size);
	ev.len = size;
	ev.pos = 0;
	if (!ev.buf) {
		log_error(log, ev.base, "Spec ID event of %u bytes is truncated",
			  size);
		return -1;
	}

	sig = take(&ev, SPEC_ID_SIGNATURE_SIZE);
	if (!sig || memcmp(sig, SPEC_ID_SIGNATURE, SPEC_ID_SIGNATURE_SIZE)) {
		log_error(log, ev.base, "no \"%s\" signature", SPEC_ID_SIGNATURE);
		return -1;
	}
	/* platformClass: client or server, both fine */
	if (!take(&ev, 4) || !take_u8(&ev, &minor) || !take_u8(&ev, &major) ||
	    !take_u8(&ev, &errata) || !take_u8(&ev, &uintn_size) ||
	    !take_le32(&ev, &nr_algs))
		goto truncated;
	if (major != 2 || minor != 0) {
		log_error(log, ev.base, "unsupported spec version %u.%u",
			  major, minor);
		return -1;
	}
	if (uintn_size != 1 && uintn_size != 2) {
		log_error(log, ev.base, "bad uintnSize %u", uintn_size);
		return -1;
	}
	if (!nr_algs) {
		log_error(log, ev.base, "Spec ID event lists no algorithm");
		return -1;
	}
	for (i = 0; i < nr_algs; i++) {
		size_t off = offset(&ev);

		if (!take_le16(&ev, &alg) || !take_le16(&ev, &digest_size))
			goto truncated;
		b = bank_by_alg(alg);
		if (!b) {
			log_error(log, off, "unsupported algorithm 0x%04x", alg);
			return -1;
		}
		if (digest_size != b->size) {
			log_error(log, off, "%s digest size %u, expected %u",
				  b->name, digest_size, b->size);
			return -1;
		}
		if (listed[b - banks]) {
			log_error(log, off, "%s listed twice", b->name);
			return -1;
		}
		listed[b - banks] = true;
		log->bank[log->nr_banks++] = b;
	}
	if (!take_u8(&ev, &vendor_size) || !take(&ev, vendor_size))
		goto truncated;
	if (ev.pos != ev.len) {
		log_error(log, offset(&ev), "%zu stray bytes in Spec ID event",
			  ev.len - ev.pos);
		return -1;
	}
	return 0;

truncated:
	log_error(log, offset(&ev), "Spec ID event is truncated");
	return -1;

truncated_header:
	log_error(log, offset(c), "truncated log header");
	return -1;
}

/*
 * The digests of a TCG_PCR_EVENT2: { AlgorithmId; digest }[count], each
 * algorithm one the header lists (@listed, by bank), none twice. Returns 0,
 * -1 for a bad digest (reported), or 1 when the record is truncated.
 */
static int take_digests(const struct rtgate_log *log, struct cursor *c,
			unsigned long nr, uint32_t count, const bool *listed,
			const unsigned char **digest)
{
	struct bank *b;
	uint32_t i;
	uint16_t alg;
	size_t off;

	for (i = 0; i < count; i++) {
		off = offset(c);
		if (!take_le16(c, &alg))
			return 1;
		b = bank_by_alg(alg);
		if (!b || !listed[b - banks]) {
			log_error(log, off, "event %lu: algorithm 0x%04x is not in the header",
				  nr, alg);
			return -1;
		}
		if (digest[b - banks]) {
			log_error(log, off, "event %lu: two %s digests", nr, b->name);
			return -1;
		}
		digest[b - banks] = take(c, b->size);
		if (!digest[b - banks])
			return 1;
	}
	return 0;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * If the next @size bytes of @c are a runtime code event, check its
 * format, take it and keep the first one.
 * Return: 0 taken, 2 not a code event (nothing taken), 1 truncated, -1
 * malformed.
 */
static int parse_code_event(struct rtgate_log *log, struct cursor *c,
			    unsigned long nr, uint32_t size)
{
	const unsigned char *ev = c->buf + c->pos, *data = ev + 8, *r;
	size_t start = offset(c);
	uint32_t source, nr_ranges, i;

	if (size < 8 + sizeof(RTGATE_CODE_MAGIC) || c->len - c->pos < size ||
	    le32(ev) != RTGATE_TAG_ID ||
	    memcmp(data, RTGATE_CODE_MAGIC, sizeof(RTGATE_CODE_MAGIC)))
		return c->len - c->pos < size ? 1 : 2;
	if (size < 8 + RTGATE_CODE_HEAD || le32(ev + 4) != size - 8) {
		log_error(log, start, "event %lu: runtime code event of %u bytes, tagged size %u",
			  nr, size, le32(ev + 4));
		return -1;
	}
	source = le32(data + sizeof(RTGATE_CODE_MAGIC));
	nr_ranges = le32(data + sizeof(RTGATE_CODE_MAGIC) + 4);
	if (source < 1 || source >= ARRAY_SIZE(rtgate_code_source) ||
	    !nr_ranges || nr_ranges > RTGATE_CODE_MAX_RANGES ||
	    size != 8 + RTGATE_CODE_HEAD + nr_ranges * RTGATE_CODE_RANGE) {
		log_error(log, start, "event %lu: runtime code event with source %u and %u ranges in %u bytes",
			  nr, source, nr_ranges, size);
		return -1;
	}
	for (i = 0; i < nr_ranges; i++) {
		r = data + RTGATE_CODE_HEAD + i * RTGATE_CODE_RANGE;
		if ((le64(r) | le64(r + 8)) & 0xfff || !le64(r + 8) ||
		    le64(r) + le64(r + 8) < le64(r)) {
			log_error(log, start, "event %lu: runtime code range %u is not page aligned, empty or wraps",
				  nr, i);
			return -1;
		}
	}
	if (!log->code) {
		log->code = malloc(size - 8);
		if (!log->code) {
			error("out of memory");
			return -1;
		}
		memcpy(log->code, data, size - 8);
		log->code_len = size - 8;
	} else if (log->code_len != size - 8 ||
		   memcmp(log->code, data, size - 8)) {
		log->code_differs = true;
	}
	take(c, size);
	return 0;
}

/*
 * TCG_PCR_EVENT2 { PCRIndex; EventType; DigestCount;
 * { AlgorithmId; digest }[DigestCount]; EventSize; Event }: it must be the
 * documented event, with one digest per header bank, each HASH(event).
 */
static int parse_event(struct rtgate_log *log, struct cursor *c)
{
	const unsigned char *digest[ARRAY_SIZE(banks)] = { NULL };
	uint32_t pcr, type, nr_digests, size, tag, tag_size, i;
	unsigned char expect[RTGATE_MAX_EVENT_SIZE], *k;
	unsigned char code_digest[ARRAY_SIZE(banks)][EVP_MAX_MD_SIZE];
	unsigned char (*dig)[ARRAY_SIZE(banks)][EVP_MAX_MD_SIZE];
	unsigned long nr = log->nr_events + 1;
	int kind;
	bool listed[ARRAY_SIZE(banks)];
	size_t start = offset(c), off;
	struct cursor ev;
	struct bank *b;
	int ret;

	if (!take_le32(c, &pcr) || !take_le32(c, &type) ||
	    !take_le32(c, &nr_digests))
		goto truncated;
	if (pcr > MAX_PCR) {
		log_error(log, start, "event %lu: bad PCR index %u", nr, pcr);
		return -1;
	}
	if (log->nr_events && pcr != log->pcr) {
		log_error(log, start, "event %lu: PCR %u, earlier events are in PCR %u",
			  nr, pcr, log->pcr);
		return -1;
	}
	if (type != EV_EVENT_TAG) {
		log_error(log, start, "event %lu: event type 0x%x, expected EV_EVENT_TAG",
			  nr, type);
		return -1;
	}
	if (nr_digests != log->nr_banks) {
		log_error(log, start, "event %lu: %u digests, the header lists %u banks",
			  nr, nr_digests, log->nr_banks);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(banks); i++)
		listed[i] = banks[i].in_log;
	ret = take_digests(log, c, nr, nr_digests, listed, digest);
	if (ret < 0)
		return -1;
	if (ret)
		goto truncated;

	off = offset(c);
	if (!take_le32(c, &size))
		goto truncated;
	ret = parse_code_event(log, c, nr, size);
	if (ret < 0)
		return -1;
	if (ret == 1)
		goto truncated;
	if (!ret) {
		kind = EV_CODE;
		for (i = 0; i < log->nr_banks; i++) {
			b = log->bank[i];
			if (hash(b, c->buf + c->pos - size, size, NULL, 0,
				 code_digest[b - banks]))
				return -1;
			if (memcmp(digest[b - banks], code_digest[b - banks],
				   b->size)) {
				log_error(log, start, "event %lu: %s digest is not the hash of the event",
					  nr, b->name);
				return -1;
			}
		}
		goto record;
	}
	for (kind = 0; kind < NR_EVENT_KINDS; kind++)
		if (size == rtgate_event(kind, expect))
			break;
	if (kind == NR_EVENT_KINDS) {
		log_error(log, off, "event %lu: event size %u, expected %zu (%s) or %zu (%s)",
			  nr, size, rtgate_event(EV_OPEN, expect),
			  rtgate_tag_data[EV_OPEN], rtgate_event(EV_KEXEC, expect),
			  rtgate_tag_data[EV_KEXEC]);
		return -1;
	}
	rtgate_event(kind, expect);
	ev.base = offset(c);
	ev.buf = take(c, size);
	ev.len = size;
	ev.pos = 0;
	if (!ev.buf)
		goto truncated;
	/* 23 or 24 bytes, checked above: both reads succeed */
	take_le32(&ev, &tag);
	take_le32(&ev, &tag_size);
	if (tag != RTGATE_TAG_ID) {
		log_error(log, ev.base, "event %lu: tagged event id 0x%08x, expected 0x%08x",
			  nr, tag, RTGATE_TAG_ID);
		return -1;
	}
	if (memcmp(ev.buf, expect, size)) {
		log_error(log, ev.base, "event %lu: tagged event data is not \"%s\"",
			  nr, rtgate_tag_data[kind]);
		return -1;
	}
	(void)tag_size;

	/* The event is a known one, so HASH(event) is each bank's ev_digest */
	for (i = 0; i < log->nr_banks; i++) {
		b = log->bank[i];
		if (memcmp(digest[b - banks], b->ev_digest[kind], b->size)) {
			log_error(log, start, "event %lu: %s digest is not the hash of the event",
				  nr, b->name);
			return -1;
		}
	}
record:
	k = realloc(log->kind, log->nr_events + 1);
	if (!k) {
		error("out of memory");
		return -1;
	}
	log->kind = k;
	dig = realloc(log->digest, (log->nr_events + 1) * sizeof(*dig));
	if (!dig) {
		error("out of memory");
		return -1;
	}
	log->digest = dig;
	for (i = 0; i < log->nr_banks; i++) {
		b = log->bank[i];
		memcpy(dig[log->nr_events][b - banks], digest[b - banks],
		       b->size);
	}
	log->kind[log->nr_events++] = kind;
	log->nr_kexec += kind == EV_KEXEC;
	log->nr_code += kind == EV_CODE;
	log->pcr = pcr;
	return 0;

truncated:
	log_error(log, offset(c), "event %lu (at offset %zu) is truncated",
		  nr, start);
	return -1;
}

/*
 * An empty log means the gate was never opened: there is no header either,
 * and sha256 is the bank to check.
 */
static int parse_log(struct rtgate_log *log, const unsigned char *buf,
		     size_t len)
{
	struct cursor c = { .buf = buf, .len = len };
	bool listed[ARRAY_SIZE(banks)] = { false };
	unsigned int i;

	if (!len) {
		struct bank *b = bank_by_alg(TPM2_ALG_SHA256);

		b->in_log = true;
		log->bank[log->nr_banks++] = b;
		return 0;
	}
	if (parse_header(log, &c, listed))
		return -1;
	for (i = 0; i < ARRAY_SIZE(banks); i++)
		banks[i].in_log = listed[i];
	for (i = 0; i < log->nr_banks; i++) {
		struct bank *b = log->bank[i];

		unsigned char ev[RTGATE_MAX_EVENT_SIZE];
		int kind;

		for (kind = 0; kind < NR_EVENT_KINDS; kind++)
			if (hash(b, ev, rtgate_event(kind, ev), NULL, 0,
				 b->ev_digest[kind]))
				return -1;
	}
	while (c.pos < c.len)
		if (parse_event(log, &c))
			return -1;
	return 0;
}

/*
 * The D-RTM log has the same header, then TCG_PCR_EVENT2 records of any
 * type for any D-RTM PCR. Secure Launch returns its whole container, so
 * the records end where only zero bytes are left.
 */
static int parse_drtm_event(struct drtm_log *d, const struct rtgate_log *hdr,
			    struct cursor *c)
{
	const unsigned char *digest[ARRAY_SIZE(banks)] = { NULL };
	unsigned long nr = d->nr_events + d->nr_no_action + 1;
	uint32_t pcr, type, nr_digests, size;
	size_t start = offset(c);
	struct drtm_event *ev;
	int ret;

	if (!take_le32(c, &pcr) || !take_le32(c, &type) ||
	    !take_le32(c, &nr_digests))
		goto truncated;
	if (pcr > MAX_PCR) {
		log_error(hdr, start, "event %lu: bad PCR index %u", nr, pcr);
		return -1;
	}
	if (!nr_digests || nr_digests > hdr->nr_banks) {
		log_error(hdr, start, "event %lu: %u digests, the header lists %u banks",
			  nr, nr_digests, hdr->nr_banks);
		return -1;
	}
	ret = take_digests(hdr, c, nr, nr_digests, d->in_log, digest);
	if (ret < 0)
		return -1;
	if (ret)
		goto truncated;
	if (!take_le32(c, &size) || !take(c, size))
		goto truncated;

	if (type == EV_NO_ACTION) {
		d->nr_no_action++;
		return 0;
	}
	ev = realloc(d->ev, (d->nr_events + 1) * sizeof(*ev));
	if (!ev) {
		error("%s: out of memory", d->path);
		return -1;
	}
	d->ev = ev;
	ev += d->nr_events++;
	ev->pcr = pcr;
	memcpy(ev->digest, digest, sizeof(digest));
	return 0;

truncated:
	log_error(hdr, offset(c), "event %lu (at offset %zu) is truncated",
		  nr, start);
	return -1;
}

static int parse_drtm_log(struct drtm_log *d)
{
	struct rtgate_log hdr = { .path = d->path };
	struct cursor c = { 0 };

	d->buf = read_log(d->path, &c.len);
	if (!d->buf)
		return -1;
	c.buf = d->buf;
	if (parse_header(&hdr, &c, d->in_log))
		return -1;
	while (c.pos < c.len && !all_zero(c.buf + c.pos, c.len - c.pos))
		if (parse_drtm_event(d, &hdr, &c))
			return -1;
	return 0;
}

/* With an empty gate log, check the banks the D-RTM log lists. */
static void use_drtm_banks(struct rtgate_log *log, const struct drtm_log *d)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(banks); i++)
		banks[i].in_log = false;
	log->nr_banks = 0;
	for (i = 0; i < ARRAY_SIZE(banks); i++) {
		if (!d->in_log[i])
			continue;
		banks[i].in_log = true;
		log->bank[log->nr_banks++] = &banks[i];
	}
}

static void print_drtm_count(const struct drtm_log *d, unsigned int pcr,
			     const char *end)
{
	unsigned long n, count = 0;

	for (n = 0; n < d->nr_events; n++)
		count += d->ev[n].pcr == pcr;
	printf("D-RTM log: %lu event%s in PCR %u%s", count,
	       count == 1 ? "" : "s", pcr, end);
}

/*
 * Set each bank's replay value to the PCR's value before the first opening:
 * -s, else zeros where that is the PCR's value until the next reset.
 */
static int set_start(const struct rtgate_log *log, const struct drtm_log *d,
		     unsigned int pcr)
{
	bool zero = pcr <= MAX_ZERO_START_PCR ||
		    (d && pcr >= MIN_DRTM_PCR && pcr <= MAX_DRTM_PCR);
	unsigned int i;

	for (i = 0; i < log->nr_banks; i++) {
		struct bank *b = log->bank[i];

		if (!b->have_start && !zero) {
			error("PCR %u has no fixed start value: give -s %s:HEX",
			      pcr, b->name);
			return -1;
		}
		memcpy(b->replay, b->start, b->size);
	}
	for (i = 0; i < ARRAY_SIZE(banks); i++)
		if (banks[i].have_start && !banks[i].in_log)
			fprintf(stderr, "%s: warning: -s %s ignored, no %s bank to check\n",
				prog, banks[i].name, banks[i].name);
	return 0;
}

/*
 * The D-RTM log's events for the PCR come first: they were extended at
 * the launch, before the kernel could open the gate. Every gate event
 * extended every bank by the same digest (checked by parse_event()), so
 * replaying it is PCR = HASH(PCR || digest) once per event.
 */
static int replay(const struct rtgate_log *log, const struct drtm_log *d,
		  unsigned int pcr)
{
	unsigned long n;
	unsigned int i;

	for (i = 0; i < log->nr_banks; i++) {
		struct bank *b = log->bank[i];

		for (n = 0; d && n < d->nr_events; n++) {
			const unsigned char *digest = d->ev[n].digest[b - banks];

			if (d->ev[n].pcr != pcr)
				continue;
			if (!digest) {
				error("%s: an event for PCR %u has no %s digest: cannot replay that bank",
				      d->path, pcr, b->name);
				return -1;
			}
			if (hash(b, b->replay, b->size, digest, b->size,
				 b->replay))
				return -1;
		}
		for (n = 0; n < log->nr_events; n++)
			if (hash(b, b->replay, b->size,
				 log->digest[n][b - banks], b->size, b->replay))
				return -1;
	}
	return 0;
}

static int tpm_read_bank(ESYS_CONTEXT *esys, unsigned int pcr, struct bank *b)
{
	TPML_PCR_SELECTION sel = {
		.count = 1,
		.pcrSelections[0] = {
			.hash = b->alg,
			.sizeofSelect = 3,
		},
	};
	TPML_PCR_SELECTION *sel_out = NULL;
	TPML_DIGEST *values = NULL;
	UINT32 update_counter;
	TSS2_RC rc;
	int ret = -1;

	sel.pcrSelections[0].pcrSelect[pcr / 8] = 1 << (pcr % 8);
	rc = Esys_PCR_Read(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
			   &sel, &update_counter, &sel_out, &values);
	if (rc != TSS2_RC_SUCCESS) {
		error("TPM2_PCR_Read of PCR %u in %s failed: 0x%x",
		      pcr, b->name, rc);
		return -1;
	}
	if (values->count != 1) {
		error("the TPM has no active %s bank", b->name);
		goto out;
	}
	if (values->digests[0].size != b->size) {
		error("the TPM returned %u bytes for PCR %u in %s",
		      values->digests[0].size, pcr, b->name);
		goto out;
	}
	memcpy(b->tpm, values->digests[0].buffer, b->size);
	ret = 0;
out:
	Esys_Free(sel_out);
	Esys_Free(values);
	return ret;
}

static int tpm_read(const char *tcti_conf, const struct rtgate_log *log,
		    unsigned int pcr)
{
	TSS2_TCTI_CONTEXT *tcti = NULL;
	ESYS_CONTEXT *esys = NULL;
	unsigned int i;
	TSS2_RC rc;
	int ret = -1;

	rc = Tss2_TctiLdr_Initialize(tcti_conf, &tcti);
	if (rc != TSS2_RC_SUCCESS) {
		error("cannot open TPM through TCTI \"%s\": 0x%x", tcti_conf, rc);
		return -1;
	}
	rc = Esys_Initialize(&esys, tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		error("cannot initialise the TPM context: 0x%x", rc);
		goto out_tcti;
	}
	for (i = 0; i < log->nr_banks; i++)
		if (tpm_read_bank(esys, pcr, log->bank[i]))
			goto out_esys;
	ret = 0;

out_esys:
	Esys_Finalize(&esys);
out_tcti:
	Tss2_TctiLdr_Finalize(&tcti);
	return ret;
}

static void print_bank_list(const struct rtgate_log *log, bool match)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < log->nr_banks; i++) {
		struct bank *b = log->bank[i];
		bool same = !memcmp(b->replay, b->tpm, b->size);

		if (same != match)
			continue;
		printf("%s%s", sep, b->name);
		sep = ", ";
	}
}

/*
 * "opened N time(s)", then ", M kexec load(s)" when there were any, then
 * @tail; "never opened; " without events.
 */
static void print_events(const struct rtgate_log *log, const char *tail)
{
	unsigned long opened = log->nr_events - log->nr_kexec - log->nr_code;

	if (!log->nr_events) {
		printf("never opened; ");
		return;
	}
	printf("opened %lu time%s", opened, opened == 1 ? "" : "s");
	if (log->nr_kexec)
		printf(", %lu kexec load%s", log->nr_kexec,
		       log->nr_kexec == 1 ? "" : "s");
	printf("%s%s", *tail ? " " : "", tail);
}

/* Openings and kexec loads: the events that let firmware run */
static bool opened(const struct rtgate_log *log)
{
	return log->nr_events > log->nr_code;
}

/*
 * The runtime code that openings let run, as the first code event records
 * it: "runtime code (SOURCE): N ranges, K KiB", then a line per range.
 */
static void print_code(const struct rtgate_log *log)
{
	const unsigned char *r;
	uint64_t start, len, total = 0;
	uint32_t nr, i;

	if (!log->code)
		return;
	nr = le32(log->code + sizeof(RTGATE_CODE_MAGIC) + 4);
	for (i = 0; i < nr; i++)
		total += le64(log->code + RTGATE_CODE_HEAD + i * RTGATE_CODE_RANGE + 8);
	printf("runtime code (%s): %u range%s, %llu KiB\n",
	       rtgate_code_source[le32(log->code + sizeof(RTGATE_CODE_MAGIC))],
	       nr, nr == 1 ? "" : "s", (unsigned long long)(total >> 10));
	for (i = 0; i < nr; i++) {
		r = log->code + RTGATE_CODE_HEAD + i * RTGATE_CODE_RANGE;
		start = le64(r);
		len = le64(r + 8);
		printf("  0x%012llx-0x%012llx sha256:",
		       (unsigned long long)start,
		       (unsigned long long)(start + len - 1));
		print_hex(stdout, r + 16, 32);
		putchar('\n');
	}
	if (log->code_differs)
		printf("runtime code: a later code event records other digests\n");
}

/* Print the report on stdout and return the exit status. */
static int report(const struct rtgate_log *log, const struct drtm_log *d,
		  unsigned int pcr)
{
	const char *what = log->nr_events ? "log" : "start value";
	unsigned int i, bad = 0;

	for (i = 0; i < log->nr_banks; i++) {
		struct bank *b = log->bank[i];

		if (!memcmp(b->replay, b->tpm, b->size))
			continue;
		bad++;
		printf("PCR %u %s: expected ", pcr, b->name);
		print_hex(stdout, b->replay, b->size);
		printf("\nPCR %u %s: TPM has  ", pcr, b->name);
		print_hex(stdout, b->tpm, b->size);
		putchar('\n');
	}

	if (d)
		print_drtm_count(d, pcr, "; ");
	print_events(log, "since launch; ");
	if (bad) {
		printf("PCR %u does NOT match %s in ", pcr, what);
		print_bank_list(log, false);
		putchar('\n');
		return RTGATE_MISMATCH;
	}
	printf("PCR %u matches %s in ", pcr, what);
	print_bank_list(log, true);
	putchar('\n');
	print_code(log);
	return opened(log) ? RTGATE_OPENED : RTGATE_NEVER_OPENED;
}

static void print_replay(const struct rtgate_log *log,
			 const struct drtm_log *d, unsigned int pcr)
{
	unsigned int i;

	if (d)
		print_drtm_count(d, pcr, "\n");

	if (log->nr_events) {
		printf("log: ");
		print_events(log, "");
		printf(", PCR %u\n", pcr);
	} else {
		printf("log: empty, PCR %u\n", pcr);
	}
	for (i = 0; i < log->nr_banks; i++) {
		struct bank *b = log->bank[i];

		printf("%s:", b->name);
		print_hex(stdout, b->replay, b->size);
		putchar('\n');
	}
	print_code(log);
}

int main(int argc, char *argv[])
{
	static const struct option long_opts[] = {
		{ "parse-only",	no_argument,	NULL, 'n' },
		{ "drtm-log",	required_argument, NULL, 'd' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 },
	};
	const char *tcti = DEFAULT_TCTI;
	struct rtgate_log log = { .path = DEFAULT_LOG };
	struct drtm_log drtm = { 0 }, *d = NULL;
	unsigned int pcr = DEFAULT_PCR;
	bool pcr_given = false, parse_only = false;
	unsigned char *buf;
	size_t len;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "nT:l:d:p:s:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			parse_only = true;
			break;
		case 'T':
			tcti = optarg;
			break;
		case 'l':
			log.path = optarg;
			break;
		case 'd':
			drtm.path = optarg;
			d = &drtm;
			break;
		case 'p':
			if (parse_pcr(optarg, &pcr))
				return RTGATE_ERROR;
			pcr_given = true;
			break;
		case 's':
			if (parse_start(optarg))
				return RTGATE_ERROR;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return RTGATE_ERROR;
		}
	}
	if (optind != argc) {
		error("unexpected argument \"%s\"", argv[optind]);
		usage(stderr);
		return RTGATE_ERROR;
	}

	buf = read_log(log.path, &len);
	if (!buf)
		return RTGATE_ERROR;
	ret = parse_log(&log, buf, len);
	free(buf);
	if (ret)
		return RTGATE_ERROR;
	if (d) {
		ret = parse_drtm_log(d);
		if (!ret && !len)
			use_drtm_banks(&log, d);
		if (ret)
			goto out;
	}

	if (log.nr_events) {
		if (pcr_given && log.pcr != pcr) {
			error("%s: events are in PCR %u, not PCR %u (-p)",
			      log.path, log.pcr, pcr);
			ret = RTGATE_ERROR;
			goto out;
		}
		pcr = log.pcr;
	}
	ret = RTGATE_ERROR;
	if (set_start(&log, d, pcr) || replay(&log, d, pcr))
		goto out;

	if (parse_only) {
		print_replay(&log, d, pcr);
		ret = opened(&log) ? RTGATE_OPENED : RTGATE_NEVER_OPENED;
	} else if (!tpm_read(tcti, &log, pcr)) {
		ret = report(&log, d, pcr);
	}
out:
	free(drtm.ev);
	free(drtm.buf);
	free(log.kind);
	free(log.digest);
	free(log.code);
	return ret == -1 ? RTGATE_ERROR : ret;
}
