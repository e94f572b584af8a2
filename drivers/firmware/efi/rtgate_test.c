// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the EFI runtime services gate. The TPM, IMA, the CPU
 * feature check and the TXT register are replaced by static stubs; the
 * gate's state and its refusal hooks are the real ones. Nothing here
 * reaches firmware or a TPM, and every test puts the gate back as it found
 * it.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <crypto/sha2.h>
#include <linux/efi.h>
#include <linux/efi_rtgate.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/tpm.h>
#include <linux/unaligned.h>

#include <asm/setup.h>

#include "rtgate.h"

/* ---- Boot parameters ---- */

struct rtgate_mode_case {
	const char *arg;
	int err;
	enum rtgate_mode mode;
};

static const struct rtgate_mode_case rtgate_mode_cases[] = {
	{ "auto", 0, RTGATE_MODE_AUTO },
	{ "on", 0, RTGATE_MODE_ON },
	{ "off", 0, RTGATE_MODE_OFF },
	{ "", -EINVAL },
	{ "ON", -EINVAL },
	{ "1", -EINVAL },
	{ "onx", -EINVAL },
	{ "of", -EINVAL },
	{ NULL, -EINVAL },
};

static void rtgate_mode_desc(const struct rtgate_mode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "efi_rtgate=%s", c->arg ?: "(null)");
}

KUNIT_ARRAY_PARAM(rtgate_mode, rtgate_mode_cases, rtgate_mode_desc);

/* Only the three documented words select a mode; anything else is refused. */
static void rtgate_test_parse_mode(struct kunit *test)
{
	const struct rtgate_mode_case *c = test->param_value;
	enum rtgate_mode mode = RTGATE_MODE_AUTO;

	KUNIT_EXPECT_EQ(test, rtgate_parse_mode(c->arg, &mode), c->err);
	if (!c->err)
		KUNIT_EXPECT_EQ(test, mode, c->mode);
}

struct rtgate_pcr_case {
	const char *arg;
	int err;
};

static const struct rtgate_pcr_case rtgate_pcr_cases[] = {
	{ "0", 0 }, { "7", 0 }, { "15", 0 }, { "17", 0 }, { "18", 0 },
	{ "19", 0 },
	{ "16", -ERANGE }, { "20", -ERANGE }, { "21", -ERANGE },
	{ "22", -ERANGE }, { "23", -ERANGE }, { "24", -ERANGE },
	{ "4294967295", -ERANGE },
	{ "", -EINVAL }, { "x", -EINVAL }, { "-1", -EINVAL },
	{ "18x", -EINVAL }, { NULL, -EINVAL },
};

static void rtgate_pcr_desc(const struct rtgate_pcr_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "efi_rtgate_pcr=%s",
		 c->arg ?: "(null)");
}

KUNIT_ARRAY_PARAM(rtgate_pcr, rtgate_pcr_cases, rtgate_pcr_desc);

/* PCRs software can reset (16, 20-23) are refused, the value is kept. */
static void rtgate_test_parse_pcr(struct kunit *test)
{
	const struct rtgate_pcr_case *c = test->param_value;
	u32 pcr = 99;
	u32 want = 99;

	if (!c->err)
		KUNIT_ASSERT_EQ(test, kstrtou32(c->arg, 0, &want), 0);
	KUNIT_EXPECT_EQ(test, rtgate_parse_pcr(c->arg, &pcr), c->err);
	KUNIT_EXPECT_EQ(test, pcr, want);
}

struct rtgate_write_case {
	const char *buf;
	int err;
	bool open;
};

static const struct rtgate_write_case rtgate_write_cases[] = {
	{ "1", 0, true }, { "1\n", 0, true }, { "y", 0, true },
	{ "on", 0, true }, { "on\n", 0, true },
	{ "0", 0, false }, { "0\n", 0, false }, { "n", 0, false },
	{ "off", 0, false },
	{ "", -EINVAL }, { "\n", -EINVAL }, { "2", -EINVAL },
	{ "11", -EINVAL }, { "1x", -EINVAL }, { "yes please", -EINVAL },
	{ "yes", -EINVAL }, { "Y", -EINVAL }, { " 1", -EINVAL },
	{ "1\n\n", -EINVAL }, { "twrong", -EINVAL }, { "-1", -EINVAL },
	{ "0x1", -EINVAL }, { "true", -EINVAL }, { "offf", -EINVAL },
};

static void rtgate_write_desc(const struct rtgate_write_case *c, char *desc)
{
	int i, n = 0;

	n += scnprintf(desc, KUNIT_PARAM_DESC_SIZE, "write \"");
	for (i = 0; c->buf[i]; i++)
		n += scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n,
			       c->buf[i] == '\n' ? "\\n" : "%c", c->buf[i]);
	scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, "\"");
}

KUNIT_ARRAY_PARAM(rtgate_write, rtgate_write_cases, rtgate_write_desc);

/* Whole values only: a prefix match would open on "11" or "yes please". */
static void rtgate_test_parse_write(struct kunit *test)
{
	const struct rtgate_write_case *c = test->param_value;
	bool open = !c->open;

	KUNIT_EXPECT_EQ(test, rtgate_parse_write(c->buf, &open), c->err);
	if (!c->err)
		KUNIT_EXPECT_EQ(test, open, c->open);
}

/* ---- Launch detection ---- */

struct rtgate_detect_case {
	const char *name;
	enum rtgate_mode mode;
	struct rtgate_launch launch;
	bool closed;
	enum rtgate_reason reason;
	const char *reason_name;
};

static const struct rtgate_detect_case rtgate_detect_cases[] = {
	{ "no launch, no SMX (TXT.STS ignored)", RTGATE_MODE_AUTO,
	  { 0, false, false, ~0ULL }, false, RTGATE_REASON_NONE, "none" },
	{ "SMX, SENTER.DONE", RTGATE_MODE_AUTO, { 0, false, true, BIT(0) },
	  true, RTGATE_REASON_TXT, "txt" },
	{ "SMX, SENTER.DONE and SEXIT.DONE", RTGATE_MODE_AUTO,
	  { 0, false, true, BIT(0) | BIT(1) }, false, RTGATE_REASON_NONE, "none" },
	{ "SMX, no SENTER.DONE", RTGATE_MODE_AUTO, { 0, false, true, BIT(1) },
	  false, RTGATE_REASON_NONE, "none" },
	{ "Secure Launch TXT", RTGATE_MODE_AUTO, { RTGATE_SL_TXT, false, true, 0 },
	  true, RTGATE_REASON_SECURE_LAUNCH, "secure-launch" },
	{ "Secure Launch active, not TXT", RTGATE_MODE_AUTO,
	  { BIT(0), false, false, 0 }, false, RTGATE_REASON_NONE, "none" },
	{ "tboot", RTGATE_MODE_AUTO, { 0, true, true, 0 },
	  true, RTGATE_REASON_TBOOT, "tboot" },
	{ "off overrides a launch", RTGATE_MODE_OFF,
	  { RTGATE_SL_TXT, true, true, BIT(0) }, false, RTGATE_REASON_CMDLINE,
	  "cmdline" },
	{ "on without a launch", RTGATE_MODE_ON, { 0, false, false, 0 },
	  true, RTGATE_REASON_CMDLINE, "cmdline" },
};

static void rtgate_detect_desc(const struct rtgate_detect_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtgate_detect, rtgate_detect_cases, rtgate_detect_desc);

/* Each source closes the gate; the command line overrides them. */
static void rtgate_test_detect(struct kunit *test)
{
	const struct rtgate_detect_case *c = test->param_value;
	enum rtgate_reason reason;
	bool closed = !c->closed;

	reason = rtgate_decide(c->mode, &c->launch, &closed);
	KUNIT_EXPECT_EQ(test, closed, c->closed);
	KUNIT_EXPECT_EQ(test, reason, c->reason);
	KUNIT_EXPECT_STREQ(test, rtgate_reason_name(reason), c->reason_name);
}

struct rtgate_policy_case {
	enum rtgate_reason reason;
	u32 pcr;
	bool reachable;
};

/*
 * Per boot reason: the D-RTM PCRs 17-19 need locality 2, which only
 * Secure Launch gives the TPM driver; PCRs 0-15 work at any locality.
 * For efi_rtgate=on the TPM decides.
 */
static const struct rtgate_policy_case rtgate_policy_cases[] = {
	{ RTGATE_REASON_SECURE_LAUNCH, 18, true },
	{ RTGATE_REASON_SECURE_LAUNCH, 17, true },
	{ RTGATE_REASON_SECURE_LAUNCH, 15, true },
	{ RTGATE_REASON_TBOOT, 17, false },
	{ RTGATE_REASON_TBOOT, 18, false },
	{ RTGATE_REASON_TBOOT, 19, false },
	{ RTGATE_REASON_TBOOT, 15, true },
	{ RTGATE_REASON_TBOOT, 0, true },
	{ RTGATE_REASON_TXT, 18, false },
	{ RTGATE_REASON_TXT, 14, true },
	{ RTGATE_REASON_CMDLINE, 18, true },
	{ RTGATE_REASON_NONE, 18, true },
};

static void rtgate_policy_desc(const struct rtgate_policy_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, PCR %u",
		 rtgate_reason_name(c->reason), c->pcr);
}

KUNIT_ARRAY_PARAM(rtgate_policy, rtgate_policy_cases, rtgate_policy_desc);

static void rtgate_test_policy(struct kunit *test)
{
	const struct rtgate_policy_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rtgate_pcr_reachable(c->reason, c->pcr),
			c->reachable);
}

/* ---- Event and log encoding ---- */

static const u8 rtgate_golden_event[] = {
	0xee, 0x22, 0x3b, 0x8f,		/* taggedEventID 0x8F3B22EE */
	0x0f, 0x00, 0x00, 0x00,		/* taggedEventDataSize 15 */
	'e', 'f', 'i', '_', 'r', 't', 'g', 'a', 't', 'e', ':',
	'o', 'p', 'e', 'n',
};

/* The event bytes are ABI: verifiers compute the PCR from them. */
static void rtgate_test_event(struct kunit *test)
{
	u8 event[RTGATE_EVENT_LEN];

	KUNIT_ASSERT_EQ(test, sizeof(event), sizeof(rtgate_golden_event));
	rtgate_encode_event(event);
	KUNIT_EXPECT_MEMEQ(test, event, rtgate_golden_event, sizeof(event));
}

static const struct tpm_bank_info rtgate_two_banks[] = {
	{ .alg_id = TPM_ALG_SHA1, .digest_size = 20 },
	{ .alg_id = TPM_ALG_SHA256, .digest_size = 32 },
};

static const u8 rtgate_golden_header[] = {
	0x00, 0x00, 0x00, 0x00,		/* PCRIndex 0 */
	0x03, 0x00, 0x00, 0x00,		/* EV_NO_ACTION */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x25, 0x00, 0x00, 0x00,		/* EventSize 37 */
	'S', 'p', 'e', 'c', ' ', 'I', 'D', ' ', 'E', 'v', 'e', 'n', 't',
	'0', '3', 0x00,
	0x00, 0x00, 0x00, 0x00,		/* platformClass */
	0x00, 0x02, 0x00, 0x02,		/* minor, major, errata, uintnSize */
	0x02, 0x00, 0x00, 0x00,		/* numberOfAlgorithms */
	0x04, 0x00, 0x14, 0x00,		/* sha1, 20 */
	0x0b, 0x00, 0x20, 0x00,		/* sha256, 32 */
	0x00,				/* vendorInfoSize */
};

/* The header is a TCG_PCR_EVENT carrying a Spec ID Event03. */
static void rtgate_test_log_header(struct kunit *test)
{
	size_t len = rtgate_log_header(NULL, rtgate_two_banks, 2);
	u8 *buf;

	KUNIT_ASSERT_EQ(test, len, sizeof(rtgate_golden_header));
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, rtgate_log_header(buf, rtgate_two_banks, 2), len);
	KUNIT_EXPECT_MEMEQ(test, buf, rtgate_golden_header, len);
}

static void rtgate_fill_digests(struct tpm_digest *d)
{
	d[0].alg_id = TPM_ALG_SHA1;
	memset(d[0].digest, 0x11, 20);
	d[1].alg_id = TPM_ALG_SHA256;
	memset(d[1].digest, 0x22, 32);
}

/* One TCG_PCR_EVENT2 with the digests in bank order. */
static void rtgate_test_log_entry(struct kunit *test)
{
	struct tpm_digest digests[2] = {};
	u8 event[RTGATE_EVENT_LEN];
	size_t len;
	u8 *buf;
	int i;

	rtgate_encode_event(event);
	rtgate_fill_digests(digests);
	len = rtgate_log_entry(NULL, 18, NULL, rtgate_two_banks, 2, NULL,
			       sizeof(event));
	/* pcr, type, count, 2 x (alg + digest), size, event */
	KUNIT_ASSERT_EQ(test, len, 12 + (2 + 20) + (2 + 32) + 4 + 23);
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	rtgate_log_entry(buf, 18, digests, rtgate_two_banks, 2, event,
			 sizeof(event));

	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf), 18);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf + 4), 6);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf + 8), 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(buf + 12), TPM_ALG_SHA1);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_EQ(test, buf[14 + i], 0x11);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(buf + 34), TPM_ALG_SHA256);
	for (i = 0; i < 32; i++)
		KUNIT_EXPECT_EQ(test, buf[36 + i], 0x22);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf + 68), 23);
	KUNIT_EXPECT_MEMEQ(test, buf + 72, rtgate_golden_event, 23);
}

/* ---- PCR banks and their digests ---- */

/* The documented event hashed by each bank algorithm, computed elsewhere. */
static const u8 rtgate_event_sha1[] = {
	0x98, 0xdc, 0xb2, 0x0f, 0x35, 0x0e, 0xe2, 0xaa, 0x3f, 0x68,
	0xdb, 0xc5, 0x56, 0xa4, 0x7e, 0xca, 0x23, 0x28, 0x0b, 0x35,
};

static const u8 rtgate_event_sha256[] = {
	0xdf, 0xf9, 0x93, 0x95, 0x10, 0x56, 0x38, 0x79, 0x21, 0x69, 0xeb,
	0xb1, 0x18, 0xd0, 0xf5, 0xfb, 0xfe, 0xf7, 0x90, 0x0d, 0xce, 0xef,
	0xdc, 0xcb, 0x3c, 0x50, 0xa7, 0xaf, 0x30, 0xf9, 0xbf, 0xe2,
};

static const u8 rtgate_event_sha384[] = {
	0xb8, 0x07, 0xa8, 0x85, 0xb6, 0xf8, 0x27, 0x31, 0xce, 0x1a, 0xab,
	0xa8, 0xf5, 0xa2, 0x15, 0x07, 0xd6, 0xc1, 0x32, 0xcc, 0x90, 0xca,
	0xa9, 0x00, 0xbb, 0xd7, 0x65, 0x78, 0x05, 0x65, 0x41, 0x80, 0x4a,
	0xa2, 0x94, 0xb3, 0x9c, 0xe4, 0x7a, 0x43, 0xc6, 0x04, 0x5d, 0x4a,
	0x72, 0xe4, 0x08, 0x8b,
};

static const u8 rtgate_event_sha512[] = {
	0x2a, 0xda, 0x33, 0x14, 0xc8, 0xe7, 0x86, 0xe8, 0xca, 0x18, 0x28,
	0x57, 0xe9, 0xc1, 0xf4, 0xb5, 0x94, 0x10, 0x8b, 0xc1, 0x09, 0x2d,
	0xbe, 0xa2, 0xe5, 0x35, 0xa1, 0x20, 0xf5, 0xa9, 0x36, 0x7f, 0xda,
	0xb1, 0xce, 0x4a, 0xf7, 0x37, 0x2e, 0xed, 0x02, 0x38, 0x8a, 0x8e,
	0x18, 0x3b, 0x07, 0x58, 0x9e, 0x5c, 0x26, 0x5c, 0xdf, 0xaa, 0x07,
	0xa8, 0xfc, 0x7d, 0xad, 0x77, 0xe0, 0x6c, 0x23, 0x6f,
};

struct rtgate_hash_case {
	const char *name;
	u16 alg_id;
	const u8 *digest;
	u16 size;
};

static const struct rtgate_hash_case rtgate_hash_cases[] = {
	{ "sha1", TPM_ALG_SHA1, rtgate_event_sha1, 20 },
	{ "sha256", TPM_ALG_SHA256, rtgate_event_sha256, 32 },
	{ "sha384", TPM_ALG_SHA384, rtgate_event_sha384, 48 },
	{ "sha512", TPM_ALG_SHA512, rtgate_event_sha512, 64 },
	{ "sm3_256", TPM_ALG_SM3_256, NULL, 0 },
	{ "sha3_256", 0x0027, NULL, 0 },
	{ "null", 0x0010, NULL, 0 },
	{ "0xffff", 0xffff, NULL, 0 },
};

static void rtgate_hash_desc(const struct rtgate_hash_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtgate_hash, rtgate_hash_cases, rtgate_hash_desc);

/* The event's digest per bank is the known answer; unknown banks fail. */
static void rtgate_test_hash(struct kunit *test)
{
	const struct rtgate_hash_case *c = test->param_value;
	u8 event[RTGATE_EVENT_LEN];
	u8 out[TPM2_MAX_DIGEST_SIZE];

	rtgate_encode_event(event);
	KUNIT_EXPECT_EQ(test, rtgate_hash_size(c->alg_id), c->size);
	if (!c->digest) {
		KUNIT_EXPECT_EQ(test, rtgate_hash(c->alg_id, event, sizeof(event), out),
				-EOPNOTSUPP);
		return;
	}
	KUNIT_ASSERT_EQ(test, rtgate_hash(c->alg_id, event, sizeof(event), out), 0);
	KUNIT_EXPECT_MEMEQ(test, out, c->digest, c->size);
}

#define RTGATE_BANK(alg, size)	{ .alg_id = (alg), .digest_size = (size) }

struct rtgate_banks_case {
	const char *name;
	u32 nr;
	struct tpm_bank_info banks[TPM2_MAX_PCR_BANKS + 1];
	int err;
};

static const struct rtgate_banks_case rtgate_banks_cases[] = {
	{ "sha1 only (TPM 1.2)", 1, { RTGATE_BANK(TPM_ALG_SHA1, 20) }, 0 },
	{ "four banks", 4, { RTGATE_BANK(TPM_ALG_SHA1, 20),
			     RTGATE_BANK(TPM_ALG_SHA256, 32),
			     RTGATE_BANK(TPM_ALG_SHA384, 48),
			     RTGATE_BANK(TPM_ALG_SHA512, 64) }, 0 },
	{ "no banks", 0, { }, -ENODEV },
	{ "nine banks", 9, { RTGATE_BANK(TPM_ALG_SHA1, 20) }, -ENODEV },
	{ "sm3_256 bank", 2, { RTGATE_BANK(TPM_ALG_SHA256, 32),
			       RTGATE_BANK(TPM_ALG_SM3_256, 32) }, -ENODEV },
	{ "sha3_256 bank", 2, { RTGATE_BANK(TPM_ALG_SHA256, 32),
				RTGATE_BANK(0x0027, 32) }, -ENODEV },
	{ "duplicate sha256", 2, { RTGATE_BANK(TPM_ALG_SHA256, 32),
				   RTGATE_BANK(TPM_ALG_SHA256, 32) }, -ENODEV },
	{ "sha256 of size 20", 1, { RTGATE_BANK(TPM_ALG_SHA256, 20) }, -ENODEV },
	{ "sha1 of size 64", 1, { RTGATE_BANK(TPM_ALG_SHA1, 64) }, -ENODEV },
	{ "size 0", 1, { RTGATE_BANK(TPM_ALG_SHA1, 0) }, -ENODEV },
};

static void rtgate_banks_desc(const struct rtgate_banks_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtgate_banks, rtgate_banks_cases, rtgate_banks_desc);

/* Only banks the kernel can hash, each once, with their true size. */
static void rtgate_test_check_banks(struct kunit *test)
{
	const struct rtgate_banks_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rtgate_check_banks(c->banks, c->nr), c->err);
}

/* ---- State machine: the real gate, a fake TPM with real PCR arithmetic ---- */

struct rtgate_fake {
	struct rtgate_state saved;	/* the gate's real log, PCR, armed */
	bool closed;			/* the test's gate (never the real one) */
	bool real_closed;		/* the machine's gate, which stays so */
	bool lock_busy;			/* rtgate_try_close() finds the lock taken */
	struct tpm_chip *chip;
	u8 pcrs[24][TPM2_MAX_PCR_BANKS][TPM2_MAX_DIGEST_SIZE];
	int read_rc;
	int extend_rc;
	bool extend_anyway;		/* extend, then fail (lost response) */
	bool tamper;			/* on failure, change the PCR otherwise */
	bool usable;			/* EFI_RUNTIME_SERVICES as seen by the gate */
	int fail_extend;		/* fail the extension of this number */
	const u8 *code;			/* the code event's data, or NULL */
	size_t code_len;
	int vars_drops;			/* calls of rtgate_vars_drop() */
	struct tpm_digest extended[TPM2_MAX_PCR_BANKS];
	int reads;
	int extends;
	int puts;
	int ima;
	u32 pcr;
};

static struct rtgate_fake *fake(void)
{
	return kunit_get_current_test()->priv;
}

static struct tpm_chip *fake_tpm_chip(void)
{
	return fake()->chip;
}

static void fake_tpm_put(struct tpm_chip *chip)
{
	fake()->puts++;
}

static int fake_bank(struct tpm_chip *chip, u16 alg_id)
{
	u32 i;

	for (i = 0; i < chip->nr_allocated_banks; i++)
		if (chip->allocated_banks[i].alg_id == alg_id)
			return i;
	return -1;
}

static int fake_tpm_pcr_read(struct tpm_chip *chip, u32 pcr,
			     struct tpm_digest *digest)
{
	struct rtgate_fake *f = fake();
	int bank = fake_bank(chip, digest->alg_id);

	f->reads++;
	if (f->read_rc)
		return f->read_rc;
	if (bank < 0 || pcr >= 24)
		return -EINVAL;
	memcpy(digest->digest, f->pcrs[pcr][bank],
	       chip->allocated_banks[bank].digest_size);
	return 0;
}

/* PCR := H(PCR || digest) in every bank, as a TPM extends. */
static void fake_extend(struct tpm_chip *chip, u32 pcr,
			const struct tpm_digest *digests)
{
	u8 buf[2 * TPM2_MAX_DIGEST_SIZE];
	u32 i;

	for (i = 0; i < chip->nr_allocated_banks; i++) {
		u16 size = chip->allocated_banks[i].digest_size;

		memcpy(buf, fake()->pcrs[pcr][i], size);
		memcpy(buf + size, digests[i].digest, size);
		rtgate_hash(digests[i].alg_id, buf, 2 * size,
			    fake()->pcrs[pcr][i]);
	}
}

static int fake_tpm_pcr_extend(struct tpm_chip *chip, u32 pcr,
			       struct tpm_digest *digests)
{
	struct rtgate_fake *f = fake();
	u32 i;

	f->extends++;
	f->pcr = pcr;
	if (f->extends == f->fail_extend)
		return -EIO;
	for (i = 0; i < chip->nr_allocated_banks; i++)
		f->extended[i] = digests[i];
	if (pcr >= 24)
		return -EINVAL;
	if (f->extend_rc && !f->extend_anyway) {
		if (f->tamper)
			f->pcrs[pcr][0][0] ^= 0xff;
		return f->extend_rc;
	}
	fake_extend(chip, pcr, digests);
	return f->extend_rc;
}

static void fake_ima_measure(const char *name, const u8 *data, size_t len)
{
	fake()->ima++;
}

static bool fake_runtime_usable(void)
{
	return fake()->usable;
}

static void fake_vars_drop(bool apply)
{
	fake()->vars_drops++;
}

static bool fake_closed(void)
{
	return fake()->closed;
}

static void fake_switch(bool close)
{
	fake()->closed = close;
}

static bool fake_try_close(void)
{
	if (fake()->lock_busy)
		return false;
	fake()->closed = true;
	return true;
}

static const u8 *fake_code_data(size_t *len)
{
	*len = fake()->code_len;
	return fake()->code;
}

/* The test's own PCR, log and armed flag take the place of the real ones. */
static void rtgate_fake_set_pcr(u32 pcr)
{
	struct rtgate_state state = {};

	rtgate_state_swap(&state);
	state.pcr = pcr;
	rtgate_state_swap(&state);
}

static void rtgate_fake_set_armed(bool armed)
{
	struct rtgate_state state = {};

	rtgate_state_swap(&state);
	state.armed = armed;
	rtgate_state_swap(&state);
}

static bool rtgate_fake_armed(void)
{
	struct rtgate_state state = {};
	bool armed;

	rtgate_state_swap(&state);
	armed = state.armed;
	rtgate_state_swap(&state);
	return armed;
}

static int rtgate_sm_init(struct kunit *test)
{
	struct rtgate_fake *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->chip = kunit_kzalloc(test, sizeof(*f->chip), GFP_KERNEL);
	if (!f->chip)
		return -ENOMEM;
	f->chip->nr_allocated_banks = 2;
	memcpy(f->chip->allocated_banks, rtgate_two_banks,
	       sizeof(rtgate_two_banks));
	f->usable = true;
	test->priv = f;

	kunit_activate_static_stub(test, rtgate_tpm_chip, fake_tpm_chip);
	kunit_activate_static_stub(test, rtgate_tpm_put, fake_tpm_put);
	kunit_activate_static_stub(test, rtgate_tpm_pcr_read, fake_tpm_pcr_read);
	kunit_activate_static_stub(test, rtgate_tpm_pcr_extend, fake_tpm_pcr_extend);
	kunit_activate_static_stub(test, rtgate_ima_measure, fake_ima_measure);
	kunit_activate_static_stub(test, rtgate_runtime_usable, fake_runtime_usable);
	/* No runtime code digests unless a test sets them. */
	kunit_activate_static_stub(test, rtgate_code_data, fake_code_data);
	/* The real variable snapshot stays the machine's. */
	kunit_activate_static_stub(test, rtgate_vars_drop, fake_vars_drop);

	/*
	 * The test's own gate, closed: the machine's gate is never switched
	 * (the suite runs at boot, possibly closed by a launch).
	 */
	f->closed = true;
	f->real_closed = efi_rtgate_closed();
	kunit_activate_static_stub(test, rtgate_closed, fake_closed);
	kunit_activate_static_stub(test, rtgate_switch, fake_switch);
	kunit_activate_static_stub(test, rtgate_try_close, fake_try_close);

	/* Set the real log, PCR and armed flag aside. */
	f->saved.pcr = 17;
	rtgate_state_swap(&f->saved);
	return 0;
}

static void rtgate_sm_exit(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	/* No test moved the machine's gate. */
	KUNIT_EXPECT_EQ(test, efi_rtgate_closed(), f->real_closed);
	/* Put the real state back; drop the test's. */
	rtgate_state_swap(&f->saved);
	kfree(f->saved.log.data);
}

/* Length of the log; with @copy, also a copy the caller frees. */
static size_t rtgate_test_log_len(struct kunit *test, u8 **copy)
{
	size_t len;
	u8 *log;

	log = rtgate_log_dup(&len);
	KUNIT_ASSERT_FALSE(test, IS_ERR(log));
	if (copy)
		*copy = log;
	else
		kfree(log);
	return len;
}

/* A TCG_PCR_EVENT2 with the two banks: its fixed part, then the event */
#define RTGATE_ENTRY_HEAD	(12 + (2 + 20) + (2 + 32) + 4)
#define RTGATE_ENTRY_LEN	(RTGATE_ENTRY_HEAD + 23)

/*
 * Replay the log's events for @pcr from zero in every bank and compare
 * with the fake TPM's PCR: the log must explain the PCR exactly.
 */
static void rtgate_expect_replay(struct kunit *test, u32 pcr)
{
	struct rtgate_fake *f = test->priv;
	u8 value[2][TPM2_MAX_DIGEST_SIZE] = {};
	u8 buf[2 * TPM2_MAX_DIGEST_SIZE];
	size_t head = sizeof(rtgate_golden_header);
	size_t len, off;
	u8 *log;
	int b;

	len = rtgate_test_log_len(test, &log);
	for (off = head; log && off + RTGATE_ENTRY_HEAD <= len;
	     off += RTGATE_ENTRY_HEAD +
		    get_unaligned_le32(log + off + RTGATE_ENTRY_HEAD - 4)) {
		u8 *d = log + off + 12;

		KUNIT_EXPECT_EQ(test, get_unaligned_le32(log + off), pcr);
		for (b = 0; b < 2; b++) {
			u16 size = rtgate_two_banks[b].digest_size;

			memcpy(buf, value[b], size);
			memcpy(buf + size, d + 2, size);
			rtgate_hash(rtgate_two_banks[b].alg_id, buf, 2 * size,
				    value[b]);
			d += 2 + size;
		}
	}
	KUNIT_EXPECT_EQ(test, off, len ? len : head);
	KUNIT_EXPECT_MEMEQ(test, value[0], f->pcrs[pcr][0], 20);
	KUNIT_EXPECT_MEMEQ(test, value[1], f->pcrs[pcr][1], 32);
	kfree(log);
}

/*
 * Opening hashes the documented event for each bank, reads and extends the
 * configured PCR once, then opens the real gate and logs header plus event.
 */
static void rtgate_test_open(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t head = sizeof(rtgate_golden_header);
	size_t len;
	u8 *log;

	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, f->reads, 2);
	KUNIT_EXPECT_EQ(test, f->puts, 1);
	KUNIT_EXPECT_EQ(test, f->ima, 1);
	KUNIT_EXPECT_EQ(test, f->pcr, 17);
	KUNIT_EXPECT_TRUE(test, rtgate_fake_armed());
	KUNIT_EXPECT_EQ(test, f->extended[0].alg_id, TPM_ALG_SHA1);
	KUNIT_EXPECT_MEMEQ(test, f->extended[0].digest, rtgate_event_sha1, 20);
	KUNIT_EXPECT_EQ(test, f->extended[1].alg_id, TPM_ALG_SHA256);
	KUNIT_EXPECT_MEMEQ(test, f->extended[1].digest, rtgate_event_sha256, 32);

	len = rtgate_test_log_len(test, &log);
	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_EXPECT_EQ(test, len, head + RTGATE_ENTRY_LEN);
	if (len == head + RTGATE_ENTRY_LEN) {
		KUNIT_EXPECT_MEMEQ(test, log, rtgate_golden_header, head);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(log + head), 17);
		KUNIT_EXPECT_MEMEQ(test, log + head + 14, rtgate_event_sha1, 20);
		KUNIT_EXPECT_MEMEQ(test, log + len - 23, rtgate_golden_event, 23);
	}
	kfree(log);
	rtgate_expect_replay(test, 17);
}

static const u32 rtgate_pcr_params[] = { 0, 15, 18, 19 };

static void rtgate_pcr_param_desc(const u32 *pcr, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "PCR %u", *pcr);
}

KUNIT_ARRAY_PARAM(rtgate_pcr_param, rtgate_pcr_params, rtgate_pcr_param_desc);

/* The configured PCR, and only it, is extended and named in the log. */
static void rtgate_test_open_pcr(struct kunit *test)
{
	const u32 *pcr = test->param_value;
	struct rtgate_fake *f = test->priv;
	u8 zero[TPM2_MAX_DIGEST_SIZE] = {};
	u32 i;

	rtgate_fake_set_pcr(*pcr);
	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->pcr, *pcr);
	for (i = 0; i < 24; i++)
		if (i != *pcr)
			KUNIT_EXPECT_MEMEQ(test, f->pcrs[i][1], zero, 32);
	rtgate_expect_replay(test, *pcr);
}

/* Opening an open gate is a success without a second extension. */
static void rtgate_test_open_twice(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
}

/* Close then open again: two extensions, header once, two events. */
static void rtgate_test_reopen(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(false), 0);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, rtgate_set_open(false), 0);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->extends, 2);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL),
			sizeof(rtgate_golden_header) + 2 * RTGATE_ENTRY_LEN);
	rtgate_expect_replay(test, 17);
}

/* A TPM with other banks than the log's header cannot add to the log. */
static void rtgate_test_banks_changed(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t len;

	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_ASSERT_EQ(test, rtgate_set_open(false), 0);
	len = rtgate_test_log_len(test, NULL);
	f->chip->allocated_banks[0].alg_id = TPM_ALG_SHA384;
	f->chip->allocated_banks[0].digest_size = 48;
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -ENODEV);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), len);
}

/* After a wedged call disabled runtime services, nothing is measured. */
static void rtgate_test_open_after_wedge(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	f->usable = false;
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -ENXIO);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->reads + f->extends, 0);
	KUNIT_EXPECT_EQ(test, f->ima, 0);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);
	KUNIT_EXPECT_FALSE(test, rtgate_fake_armed());
}

static enum rtgate_reason fake_boot_reason(void)
{
	const struct rtgate_policy_case *c = kunit_get_current_test()->param_value;

	return c->reason;
}

/*
 * Opening with the boot reason and PCR of each policy case: where the PCR
 * cannot be reached, EOPNOTSUPP before the TPM is touched; elsewhere one
 * measured opening.
 */
static void rtgate_test_open_policy(struct kunit *test)
{
	const struct rtgate_policy_case *c = test->param_value;
	struct rtgate_fake *f = test->priv;

	kunit_activate_static_stub(test, rtgate_boot_reason, fake_boot_reason);
	rtgate_fake_set_pcr(c->pcr);
	if (c->reachable) {
		KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
		KUNIT_EXPECT_FALSE(test, rtgate_closed());
		KUNIT_EXPECT_EQ(test, f->extends, 1);
		rtgate_expect_replay(test, c->pcr);
		return;
	}
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->reads + f->extends, 0);
	KUNIT_EXPECT_EQ(test, f->ima, 0);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);
	KUNIT_EXPECT_FALSE(test, rtgate_fake_armed());
}

/* The TPM extended but the answer was lost: logged, replays, stays closed. */
static void rtgate_test_lost_response(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	f->extend_rc = -ETIME;
	f->extend_anyway = true;
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -EIO);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL),
			sizeof(rtgate_golden_header) + RTGATE_ENTRY_LEN);
	rtgate_expect_replay(test, 17);
	KUNIT_EXPECT_EQ(test, f->ima, 0);
}

struct rtgate_fail_case {
	const char *name;
	int read_rc;
	int extend_rc;
	bool tamper;
	bool no_chip;
	unsigned long flags;
	u32 banks;
	int err;
	int extends;
};

static const struct rtgate_fail_case rtgate_fail_cases[] = {
	{ "TPM_RC_LOCALITY", 0, 0x907, false, false, 0, 2, -EIO, 1 },
	{ "TPM response code 0x101", 0, 0x101, false, false, 0, 2, -EIO, 1 },
	{ "driver -ETIME", 0, -ETIME, false, false, 0, 2, -EIO, 1 },
	{ "driver -EPIPE", 0, -EPIPE, false, false, 0, 2, -EIO, 1 },
	{ "PCR changed otherwise", 0, -EIO, true, false, 0, 2, -EIO, 1 },
	{ "chip gone during extend", 0, -ENODEV, false, false, 0, 2, -ENODEV, 1 },
	{ "PCR read fails", -EIO, 0, false, false, 0, 2, -EIO, 0 },
	{ "PCR read TPM code", 0x98e, 0, false, false, 0, 2, -EIO, 0 },
	{ "no chip", 0, 0, false, true, 0, 2, -ENODEV, 0 },
	{ "virtual chip", 0, 0, false, false, TPM_CHIP_FLAG_VIRTUAL, 2,
	  -ENODEV, 0 },
	{ "field upgrade", 0, 0, false, false, TPM_CHIP_FLAG_FIRMWARE_UPGRADE, 2,
	  -ENODEV, 0 },
	{ "chip without banks", 0, 0, false, false, 0, 0, -ENODEV, 0 },
};

static void rtgate_fail_desc(const struct rtgate_fail_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtgate_fail, rtgate_fail_cases, rtgate_fail_desc);

/* Any TPM problem leaves the gate closed, the log empty, a clear errno. */
static void rtgate_test_open_fails(struct kunit *test)
{
	const struct rtgate_fail_case *c = test->param_value;
	struct rtgate_fake *f = test->priv;

	f->read_rc = c->read_rc;
	f->extend_rc = c->extend_rc;
	f->tamper = c->tamper;
	f->chip->flags = c->flags;
	f->chip->nr_allocated_banks = c->banks;
	if (c->no_chip)
		f->chip = NULL;

	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), c->err);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->extends, c->extends);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->puts, c->no_chip ? 0 : 1);
	KUNIT_EXPECT_EQ(test, f->ima, 0);
	KUNIT_EXPECT_FALSE(test, rtgate_fake_armed());
}

/* ---- Sleep states ---- */

static void fake_secure_launch(struct rtgate_launch *launch)
{
	*launch = (struct rtgate_launch){ .slaunch_flags = RTGATE_SL_TXT };
}

static void fake_no_launch(struct rtgate_launch *launch)
{
	*launch = (struct rtgate_launch){};
}

/* Resume from hibernation detects the launch again: find none. */
static void rtgate_stub_no_launch(struct kunit *test)
{
	kunit_activate_static_stub(test, rtgate_read_launch, fake_no_launch);
}

/*
 * The sleep tests call rtgate_pm_transition(), as the PM notifier does
 * once the boot decision has run; under kunit.py (no EFI) it never runs.
 *
 * From PREPARE to POST an opening is refused with -EBUSY and touches
 * neither the TPM nor the log; closing still works; POST ends the window.
 */
static void rtgate_test_sleep_window(struct kunit *test)
{
	static const unsigned long prepare[] = {
		PM_SUSPEND_PREPARE, PM_HIBERNATION_PREPARE, PM_RESTORE_PREPARE,
	};
	static const unsigned long post[] = {
		PM_POST_SUSPEND, PM_POST_HIBERNATION, PM_POST_RESTORE,
	};
	struct rtgate_fake *f = test->priv;
	int i;

	rtgate_stub_no_launch(test);
	for (i = 0; i < ARRAY_SIZE(prepare); i++) {
		KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
		rtgate_pm_transition(prepare[i]);
		KUNIT_EXPECT_EQ(test, rtgate_set_open(false), 0);
		KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -EBUSY);
		KUNIT_EXPECT_TRUE(test, rtgate_closed());
		KUNIT_EXPECT_EQ(test, f->extends, i + 1);
		KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL),
				sizeof(rtgate_golden_header) +
				(i + 1) * RTGATE_ENTRY_LEN);
		rtgate_pm_transition(post[i]);
		KUNIT_EXPECT_TRUE(test, rtgate_closed());
	}
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->extends, ARRAY_SIZE(prepare) + 1);
	rtgate_expect_replay(test, 17);
}

/* Suspend to idle never reaches the syscore callback: the gate stays open. */
static void rtgate_test_suspend_to_idle(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	rtgate_pm_transition(PM_SUSPEND_PREPARE);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	rtgate_pm_transition(PM_POST_SUSPEND);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
}

struct rtgate_suspend_case {
	const char *name;
	u32 pcr;
	bool measured;		/* opened with a measurement, else open from boot */
	bool closes;
};

/* Suspend to RAM resets PCRs 16-23 only; an unarmed gate stays as it was. */
static const struct rtgate_suspend_case rtgate_suspend_cases[] = {
	{ "PCR 17, opened with a measurement", 17, true, true },
	{ "PCR 18, opened with a measurement", 18, true, true },
	{ "PCR 15, opened with a measurement", 15, true, false },
	{ "PCR 17, open from boot", 17, false, false },
};

static void rtgate_suspend_desc(const struct rtgate_suspend_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtgate_suspend, rtgate_suspend_cases, rtgate_suspend_desc);

static void rtgate_test_suspend_to_ram(struct kunit *test)
{
	const struct rtgate_suspend_case *c = test->param_value;
	struct rtgate_fake *f = test->priv;

	rtgate_fake_set_pcr(c->pcr);
	if (c->measured)
		KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	else
		rtgate_switch(false);
	KUNIT_ASSERT_FALSE(test, rtgate_closed());

	rtgate_pm_transition(PM_SUSPEND_PREPARE);
	KUNIT_EXPECT_EQ(test, rtgate_syscore_suspend(NULL), 0);
	KUNIT_EXPECT_EQ(test, rtgate_closed(), c->closes);
	rtgate_pm_transition(PM_POST_SUSPEND);
	KUNIT_EXPECT_EQ(test, rtgate_closed(), c->closes);
	if (c->closes) {
		/* The next opening is measured again. */
		KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
		KUNIT_EXPECT_EQ(test, f->extends, 2);
	}
}

/*
 * A call that holds the runtime lock may be on its way into firmware: the
 * suspend is refused rather than taken with the gate open.
 */
static void rtgate_test_suspend_lock_busy(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	rtgate_fake_set_pcr(17);
	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	rtgate_pm_transition(PM_SUSPEND_PREPARE);
	f->lock_busy = true;
	KUNIT_EXPECT_EQ(test, rtgate_syscore_suspend(NULL), -EBUSY);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	f->lock_busy = false;
	KUNIT_EXPECT_EQ(test, rtgate_syscore_suspend(NULL), 0);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	rtgate_pm_transition(PM_POST_SUSPEND);
}

/*
 * What a kernel restored from a hibernation image finds: the flag that is
 * not saved in the image reads as the restoring kernel left it.
 */
static void rtgate_fake_restored(void)
{
	struct rtgate_state state = {};

	rtgate_state_swap(&state);
	state.hibernating = false;
	rtgate_state_swap(&state);
}

/*
 * Hibernation closes an armed gate before the image is taken. After
 * resume the boot decision is taken again: a launch found then closes even
 * a gate that was open from boot, and arms it; none leaves it as it was.
 */
static void rtgate_test_hibernation(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	int drops;

	rtgate_stub_no_launch(test);

	/* Opened with a measurement: closed for the image, stays closed. */
	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	rtgate_pm_transition(PM_HIBERNATION_PREPARE);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	rtgate_fake_restored();
	rtgate_pm_transition(PM_POST_HIBERNATION);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	/* Freed by the opening, and again after the image: it may be stale. */
	KUNIT_EXPECT_EQ(test, f->vars_drops, 2);
	KUNIT_EXPECT_EQ(test, rtgate_boot_reason(), RTGATE_REASON_NONE);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->extends, 2);

	/* Open from boot, no launch before or after: stays open. */
	rtgate_set_open(false);
	rtgate_fake_set_armed(false);
	rtgate_switch(false);
	rtgate_pm_transition(PM_HIBERNATION_PREPARE);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	rtgate_fake_restored();
	rtgate_pm_transition(PM_POST_HIBERNATION);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	KUNIT_EXPECT_FALSE(test, rtgate_fake_armed());

	/*
	 * Open from boot, a launch found now, but the hibernation aborted: no
	 * other kernel ran, so the boot decision and the snapshot stand.
	 */
	kunit_activate_static_stub(test, rtgate_read_launch, fake_secure_launch);
	drops = f->vars_drops;
	rtgate_pm_transition(PM_HIBERNATION_PREPARE);
	rtgate_pm_transition(PM_POST_HIBERNATION);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	KUNIT_EXPECT_FALSE(test, rtgate_fake_armed());
	KUNIT_EXPECT_EQ(test, f->vars_drops, drops);

	/* Open from boot, restored by a launched kernel: closed and armed. */
	rtgate_pm_transition(PM_HIBERNATION_PREPARE);
	rtgate_fake_restored();
	rtgate_pm_transition(PM_POST_HIBERNATION);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_TRUE(test, rtgate_fake_armed());
	KUNIT_EXPECT_EQ(test, rtgate_boot_reason(), RTGATE_REASON_SECURE_LAUNCH);
	KUNIT_EXPECT_EQ(test, f->extends, 2);
}

/* ---- kexec ---- */

static const u8 rtgate_golden_kexec_event[] = {
	0xee, 0x22, 0x3b, 0x8f,		/* taggedEventID 0x8F3B22EE */
	0x10, 0x00, 0x00, 0x00,		/* taggedEventDataSize 16 */
	'e', 'f', 'i', '_', 'r', 't', 'g', 'a', 't', 'e', ':',
	'k', 'e', 'x', 'e', 'c',
};

/* ---- Runtime code digests ---- */

/* Two ranges, 4 KiB at 0x7f000000 and 8 KiB at 0x7f010000 */
static const u8 rtgate_golden_code[] = {
	'e', 'f', 'i', '_', 'r', 't', 'g', 'a', 't', 'e', ':',
	'c', 'o', 'd', 'e', 0x00,
	0x01, 0x00, 0x00, 0x00,		/* memory attributes table */
	0x02, 0x00, 0x00, 0x00,		/* two ranges */
	0x00, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	[40 ... 71] = 0xa1,		/* its digest */
	0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	[88 ... 119] = 0xb2,
};

/* The code event's data is ABI: verifiers read the digests from it. */
static void rtgate_test_code_event(struct kunit *test)
{
	static const u64 phys[] = { 0x7f000000, 0x7f010000 };
	static const u64 len[] = { 0x1000, 0x2000 };
	u8 digests[2 * SHA256_DIGEST_SIZE];
	size_t size;
	u8 *buf;

	memset(digests, 0xa1, SHA256_DIGEST_SIZE);
	memset(digests + SHA256_DIGEST_SIZE, 0xb2, SHA256_DIGEST_SIZE);
	size = rtgate_code_encode(NULL, RTGATE_CODE_SOURCE_MEMATTR, phys, len,
				  digests, 2);
	KUNIT_ASSERT_EQ(test, size, sizeof(rtgate_golden_code));
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, rtgate_code_encode(buf, RTGATE_CODE_SOURCE_MEMATTR,
						 phys, len, digests, 2), size);
	KUNIT_EXPECT_MEMEQ(test, buf, rtgate_golden_code, size);
	KUNIT_EXPECT_EQ(test, rtgate_code_encode(NULL, RTGATE_CODE_SOURCE_MEMMAP,
						 NULL, NULL, NULL, 0),
			RTGATE_CODE_HEAD_LEN);
}

/*
 * The digests of a closed boot, checked against the firmware itself: each
 * range lies in an EfiRuntimeServicesCode region of the memory map and
 * hashes to its digest, and a second call returns the same digests.
 */
static void rtgate_test_code_firmware(struct kunit *test)
{
	efi_memory_desc_t md;
	u8 digest[SHA256_DIGEST_SIZE];
	const u8 *data, *again, *r;
	u32 source, nr, i;
	u64 phys, len;
	size_t size, size_again;
	void *code;

	/* KUnit runs at boot: a gate closed now was closed at boot. */
	if (!efi_enabled(EFI_RUNTIME_SERVICES) || !rtgate_closed())
		kunit_skip(test, "the gate was not closed at boot: no digests");
	/* The first call hashes, as the first opening would. */
	mutex_lock(&rtgate_mutex);
	data = rtgate_code_data(&size);
	again = rtgate_code_data(&size_again);
	mutex_unlock(&rtgate_mutex);
	KUNIT_ASSERT_NOT_NULL_MSG(test, data, "closed at boot, but no digests");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(data), "no digests taken: %ld",
			       PTR_ERR(data));
	KUNIT_EXPECT_PTR_EQ(test, again, data);
	KUNIT_EXPECT_EQ(test, size_again, size);
	KUNIT_ASSERT_GE(test, size, RTGATE_CODE_HEAD_LEN);
	KUNIT_EXPECT_MEMEQ(test, data, RTGATE_CODE_EVENT_DATA,
			   sizeof(RTGATE_CODE_EVENT_DATA));
	source = get_unaligned_le32(data + sizeof(RTGATE_CODE_EVENT_DATA));
	nr = get_unaligned_le32(data + sizeof(RTGATE_CODE_EVENT_DATA) + 4);
	KUNIT_EXPECT_TRUE(test, source == RTGATE_CODE_SOURCE_MEMATTR ||
				source == RTGATE_CODE_SOURCE_MEMMAP);
	KUNIT_EXPECT_GT(test, nr, 0);
	KUNIT_EXPECT_LE(test, nr, RTGATE_CODE_MAX_RANGES);
	KUNIT_ASSERT_EQ(test, size,
			RTGATE_CODE_HEAD_LEN + nr * RTGATE_CODE_RANGE_LEN);

	for (i = 0; i < nr; i++) {
		r = data + RTGATE_CODE_HEAD_LEN + i * RTGATE_CODE_RANGE_LEN;
		phys = get_unaligned_le64(r);
		len = get_unaligned_le64(r + 8);
		KUNIT_EXPECT_EQ(test, phys & (EFI_PAGE_SIZE - 1), 0);
		KUNIT_EXPECT_EQ(test, len & (EFI_PAGE_SIZE - 1), 0);
		KUNIT_ASSERT_GT(test, len, 0);
		KUNIT_ASSERT_EQ(test, efi_mem_desc_lookup(phys, &md), 0);
		KUNIT_EXPECT_EQ(test, md.type, EFI_RUNTIME_SERVICES_CODE);
		KUNIT_EXPECT_LE(test, phys + len,
				md.phys_addr + (md.num_pages << EFI_PAGE_SHIFT));
		code = memremap(phys, len, MEMREMAP_WB);
		KUNIT_ASSERT_NOT_NULL(test, code);
		sha256(code, len, digest);
		memunmap(code);
		KUNIT_EXPECT_MEMEQ_MSG(test, r + 16, digest, SHA256_DIGEST_SIZE,
				       "range %u at 0x%llx changed", i, phys);
	}
}

/*
 * Where the gate was closed at boot, an opening extends the PCR twice, code
 * event first, and logs both; the log replays to the PCR.
 */
static void rtgate_test_open_code(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t head = sizeof(rtgate_golden_header);
	size_t code_entry = RTGATE_ENTRY_HEAD + 8 + sizeof(rtgate_golden_code);
	u8 *event, *log;
	u8 digest[SHA256_DIGEST_SIZE];
	size_t len;

	f->code = rtgate_golden_code;
	f->code_len = sizeof(rtgate_golden_code);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_FALSE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->extends, 2);
	KUNIT_EXPECT_EQ(test, f->ima, 2);
	/* The opening freed the variable snapshot, once. */
	KUNIT_EXPECT_EQ(test, f->vars_drops, 1);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->vars_drops, 1);
	/* The last extension is the opening event. */
	KUNIT_EXPECT_MEMEQ(test, f->extended[1].digest, rtgate_event_sha256, 32);

	event = kunit_kzalloc(test, 8 + sizeof(rtgate_golden_code), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, event);
	put_unaligned_le32(RTGATE_EVENT_TAG_ID, event);
	put_unaligned_le32(sizeof(rtgate_golden_code), event + 4);
	memcpy(event + 8, rtgate_golden_code, sizeof(rtgate_golden_code));
	rtgate_hash(TPM_ALG_SHA256, event, 8 + sizeof(rtgate_golden_code), digest);

	len = rtgate_test_log_len(test, &log);
	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_EXPECT_EQ(test, len, head + code_entry + RTGATE_ENTRY_LEN);
	if (len == head + code_entry + RTGATE_ENTRY_LEN) {
		KUNIT_EXPECT_MEMEQ(test, log + head + 36, digest, 32);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(log + head + 68),
				8 + sizeof(rtgate_golden_code));
		KUNIT_EXPECT_MEMEQ(test, log + head + 72, event,
				   8 + sizeof(rtgate_golden_code));
		KUNIT_EXPECT_MEMEQ(test, log + len - 23, rtgate_golden_event, 23);
	}
	kfree(log);
	rtgate_expect_replay(test, 17);
}

/* The opening event fails after the code event: logged, replays, closed. */
static void rtgate_test_open_code_half(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	f->code = rtgate_golden_code;
	f->code_len = sizeof(rtgate_golden_code);
	f->fail_extend = 2;
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -EIO);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_FALSE(test, rtgate_fake_armed());
	/* Still closed: the variable snapshot is kept. */
	KUNIT_EXPECT_EQ(test, f->vars_drops, 0);
	KUNIT_EXPECT_EQ(test, f->extends, 2);
	KUNIT_EXPECT_EQ(test, f->ima, 1);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL),
			sizeof(rtgate_golden_header) + RTGATE_ENTRY_HEAD + 8 +
			sizeof(rtgate_golden_code));
	rtgate_expect_replay(test, 17);
}

/* Digests that could not be taken at boot: refused before the TPM. */
static void rtgate_test_open_code_unmeasured(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	f->code = ERR_PTR(-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->reads + f->extends, 0);
	KUNIT_EXPECT_EQ(test, f->ima, 0);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);
}

/* The kexec event bytes are ABI too. */
static void rtgate_test_kexec_event(struct kunit *test)
{
	u8 event[RTGATE_KEXEC_EVENT_LEN];

	KUNIT_ASSERT_EQ(test, sizeof(event), sizeof(rtgate_golden_kexec_event));
	rtgate_encode_kexec_event(event);
	KUNIT_EXPECT_MEMEQ(test, event, rtgate_golden_kexec_event, sizeof(event));
}

/*
 * A kexec load while armed (closed at boot, or opened with a measurement)
 * extends the PCR with the kexec event and logs it; unarmed, it touches
 * nothing. Either way the gate keeps its state.
 */
static void rtgate_test_kexec_load(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t head = sizeof(rtgate_golden_header);
	u8 digest[SHA256_DIGEST_SIZE];
	size_t len;
	u8 *log;

	/* Open from boot: nothing to measure. */
	KUNIT_EXPECT_EQ(test, rtgate_kexec_load(), 0);
	KUNIT_EXPECT_EQ(test, f->reads + f->extends, 0);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);

	/* Closed at boot: measured, and the gate stays closed. */
	rtgate_fake_set_armed(true);
	KUNIT_EXPECT_EQ(test, rtgate_kexec_load(), 0);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, f->pcr, 17);
	KUNIT_EXPECT_EQ(test, f->ima, 1);
	rtgate_hash(TPM_ALG_SHA256, rtgate_golden_kexec_event,
		    sizeof(rtgate_golden_kexec_event), digest);
	KUNIT_EXPECT_MEMEQ(test, f->extended[1].digest, digest, sizeof(digest));

	len = rtgate_test_log_len(test, &log);
	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_EXPECT_EQ(test, len, head + RTGATE_ENTRY_LEN + 1);
	if (len == head + RTGATE_ENTRY_LEN + 1) {
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(log + head), 17);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(log + len - 28), 24);
		KUNIT_EXPECT_MEMEQ(test, log + len - 24, rtgate_golden_kexec_event,
				   24);
	}
	kfree(log);

	/* An opening after it is one more event, in order. */
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL),
			head + 2 * RTGATE_ENTRY_LEN + 1);
}

/* A failed measurement fails the load and leaves log and gate alone. */
static void rtgate_test_kexec_load_fails(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	rtgate_fake_set_armed(true);
	f->extend_rc = -EIO;
	KUNIT_EXPECT_EQ(test, rtgate_kexec_load(), -EIO);
	KUNIT_EXPECT_TRUE(test, rtgate_closed());
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);

	f->chip = NULL;
	KUNIT_EXPECT_EQ(test, rtgate_kexec_load(), -ENODEV);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);
}

/*
 * The real hooks: with the gate closed, calls through the runtime services
 * table are refused before they reach firmware.
 */
static void rtgate_test_refusal_hooks(struct kunit *test)
{
	static efi_char16_t name[] = { 'B', 'o', 'o', 't', 'O', 'r', 'd', 'e', 'r', 0 };
	unsigned long size = sizeof(u16);
	efi_char16_t next[64] = {};
	u64 storage, remaining, max;
	efi_guid_t guid = EFI_GLOBAL_VARIABLE_GUID;
	struct rtgate_vars *snapshot;
	u16 data;

	if (!efi_enabled(EFI_RUNTIME_SERVICES) || !efi.get_variable)
		kunit_skip(test, "no EFI runtime services");
	/* The machine's gate: a test does not close it. */
	if (!efi_rtgate_closed())
		kunit_skip(test, "the gate is open: nothing to refuse");

	/* No variable snapshot: reads are refused like every call. */
	mutex_lock(&rtgate_mutex);
	snapshot = rtgate_vars_swap(NULL);
	KUNIT_EXPECT_EQ(test, efi.get_variable(name, &guid, NULL, &size, &data),
			EFI_SECURITY_VIOLATION);
	size = sizeof(next);
	KUNIT_EXPECT_EQ(test, efi.get_next_variable(&size, next, &guid),
			EFI_SECURITY_VIOLATION);
	if (efi.query_variable_info_nonblocking)
		KUNIT_EXPECT_EQ(test,
				efi.query_variable_info_nonblocking(0, &storage,
								    &remaining,
								    &max),
				EFI_SECURITY_VIOLATION);
	rtgate_vars_swap(snapshot);
	mutex_unlock(&rtgate_mutex);
}

/*
 * A SecureBoot read that the closed gate refused must not read as "Secure
 * Boot off"; every other answer, and every answer while open, stands. The
 * machine's gate decides which half runs: a test does not switch it.
 */
static void rtgate_test_secureboot_mode(struct kunit *test)
{
	static const enum efi_secureboot_mode kept[] = {
		efi_secureboot_mode_unset,
		efi_secureboot_mode_disabled,
		efi_secureboot_mode_enabled,
	};
	enum efi_secureboot_mode mode;
	int i;

	for (i = 0; i < ARRAY_SIZE(kept); i++)
		KUNIT_EXPECT_EQ(test, efi_rtgate_secureboot_mode(kept[i]), kept[i]);
	if (!efi_rtgate_closed()) {
		KUNIT_EXPECT_EQ(test, efi_rtgate_secureboot_mode(efi_secureboot_mode_unknown),
				efi_secureboot_mode_unknown);
		return;
	}

	KUNIT_EXPECT_EQ(test, efi_rtgate_secureboot_mode(efi_secureboot_mode_unknown),
			efi_secureboot_mode_enabled);
	/* The whole path IMA takes, against the firmware's own variable. */
	if (efi_enabled(EFI_RUNTIME_SERVICES) && efi.get_variable) {
		struct rtgate_vars *snapshot;

		/* Without a variable snapshot the read is refused. */
		mutex_lock(&rtgate_mutex);
		snapshot = rtgate_vars_swap(NULL);
		mode = efi_get_secureboot_mode(efi.get_variable);
		KUNIT_EXPECT_EQ(test, mode, efi_secureboot_mode_unknown);
		KUNIT_EXPECT_EQ(test, efi_rtgate_secureboot_mode(mode),
				efi_secureboot_mode_enabled);
		rtgate_vars_swap(snapshot);
		mutex_unlock(&rtgate_mutex);
		/* With one, it gives what the EFI stub read before ExitBootServices(). */
		if (snapshot && boot_params.secure_boot != efi_secureboot_mode_unset) {
			mode = efi_get_secureboot_mode(efi.get_variable);
			KUNIT_EXPECT_EQ(test, mode, boot_params.secure_boot);
		}
	}
}

static struct kunit_case rtgate_param_cases[] = {
	KUNIT_CASE_PARAM(rtgate_test_parse_mode, rtgate_mode_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_parse_pcr, rtgate_pcr_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_parse_write, rtgate_write_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_detect, rtgate_detect_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_policy, rtgate_policy_gen_params),
	KUNIT_CASE(rtgate_test_event),
	KUNIT_CASE(rtgate_test_kexec_event),
	KUNIT_CASE(rtgate_test_log_header),
	KUNIT_CASE(rtgate_test_log_entry),
	KUNIT_CASE_PARAM(rtgate_test_hash, rtgate_hash_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_check_banks, rtgate_banks_gen_params),
	KUNIT_CASE(rtgate_test_code_event),
	KUNIT_CASE(rtgate_test_code_firmware),
	{}
};

static struct kunit_suite rtgate_param_suite = {
	.name = "efi_rtgate",
	.test_cases = rtgate_param_cases,
};

static struct kunit_case rtgate_sm_cases[] = {
	KUNIT_CASE(rtgate_test_open),
	KUNIT_CASE_PARAM(rtgate_test_open_pcr, rtgate_pcr_param_gen_params),
	KUNIT_CASE(rtgate_test_open_twice),
	KUNIT_CASE(rtgate_test_reopen),
	KUNIT_CASE(rtgate_test_banks_changed),
	KUNIT_CASE(rtgate_test_open_after_wedge),
	KUNIT_CASE_PARAM(rtgate_test_open_policy, rtgate_policy_gen_params),
	KUNIT_CASE(rtgate_test_lost_response),
	KUNIT_CASE_PARAM(rtgate_test_open_fails, rtgate_fail_gen_params),
	KUNIT_CASE(rtgate_test_open_code),
	KUNIT_CASE(rtgate_test_open_code_half),
	KUNIT_CASE(rtgate_test_open_code_unmeasured),
	KUNIT_CASE(rtgate_test_sleep_window),
	KUNIT_CASE(rtgate_test_suspend_to_idle),
	KUNIT_CASE_PARAM(rtgate_test_suspend_to_ram, rtgate_suspend_gen_params),
	KUNIT_CASE(rtgate_test_suspend_lock_busy),
	KUNIT_CASE(rtgate_test_hibernation),
	KUNIT_CASE(rtgate_test_kexec_load),
	KUNIT_CASE(rtgate_test_kexec_load_fails),
	KUNIT_CASE(rtgate_test_refusal_hooks),
	KUNIT_CASE(rtgate_test_secureboot_mode),
	{}
};

static struct kunit_suite rtgate_sm_suite = {
	.name = "efi_rtgate_state",
	.init = rtgate_sm_init,
	.exit = rtgate_sm_exit,
	.test_cases = rtgate_sm_cases,
};

kunit_test_suites(&rtgate_param_suite, &rtgate_sm_suite);

MODULE_DESCRIPTION("KUnit tests for the EFI runtime services gate");
MODULE_LICENSE("GPL");
