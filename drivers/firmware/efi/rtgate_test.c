// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the EFI runtime services gate. The TPM, the gate switch,
 * the CPU feature check and the TXT register are replaced by static stubs;
 * nothing here reaches firmware or a TPM.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/efi_rtgate.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/unaligned.h>

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
	u32 sl_flags;
	bool tboot;
	bool smx;
	u64 txt_sts;
	bool closed;
	enum rtgate_reason reason;
	bool reads_mmio;
	const char *reason_name;
};

static const struct rtgate_detect_case rtgate_detect_cases[] = {
	{ "no launch, no SMX", RTGATE_MODE_AUTO, 0, false, false, ~0ULL,
	  false, RTGATE_REASON_NONE, false, "none" },
	{ "SMX, SENTER.DONE", RTGATE_MODE_AUTO, 0, false, true, BIT(0),
	  true, RTGATE_REASON_TXT, true, "txt" },
	{ "SMX, SENTER.DONE and SEXIT.DONE", RTGATE_MODE_AUTO, 0, false, true,
	  BIT(0) | BIT(1), false, RTGATE_REASON_NONE, true, "none" },
	{ "SMX, no SENTER.DONE", RTGATE_MODE_AUTO, 0, false, true, BIT(1),
	  false, RTGATE_REASON_NONE, true, "none" },
	{ "Secure Launch TXT", RTGATE_MODE_AUTO, RTGATE_SL_TXT, false, true, 0,
	  true, RTGATE_REASON_SECURE_LAUNCH, false, "secure-launch" },
	{ "Secure Launch active, not TXT", RTGATE_MODE_AUTO, BIT(0), false,
	  false, 0, false, RTGATE_REASON_NONE, false, "none" },
	{ "tboot", RTGATE_MODE_AUTO, 0, true, true, 0,
	  true, RTGATE_REASON_TBOOT, false, "tboot" },
	{ "off overrides a launch", RTGATE_MODE_OFF, RTGATE_SL_TXT, true, true,
	  BIT(0), false, RTGATE_REASON_CMDLINE, false, "cmdline" },
	{ "on without a launch", RTGATE_MODE_ON, 0, false, false, 0,
	  true, RTGATE_REASON_CMDLINE, false, "cmdline" },
};

static void rtgate_detect_desc(const struct rtgate_detect_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtgate_detect, rtgate_detect_cases, rtgate_detect_desc);

static u32 fake_slaunch_flags(void)
{
	const struct rtgate_detect_case *c = kunit_get_current_test()->param_value;

	return c->sl_flags;
}

static bool fake_tboot_enabled(void)
{
	const struct rtgate_detect_case *c = kunit_get_current_test()->param_value;

	return c->tboot;
}

static bool fake_cpu_has_smx(void)
{
	const struct rtgate_detect_case *c = kunit_get_current_test()->param_value;

	return c->smx;
}

static int fake_mmio_reads;

static u64 fake_read_txt_sts(void)
{
	const struct rtgate_detect_case *c = kunit_get_current_test()->param_value;

	fake_mmio_reads++;
	return c->txt_sts;
}

/* Each source closes the gate; TXT.STS is never read without SMX. */
static void rtgate_test_detect(struct kunit *test)
{
	const struct rtgate_detect_case *c = test->param_value;
	enum rtgate_reason reason;
	bool closed = !c->closed;

	fake_mmio_reads = 0;
	kunit_activate_static_stub(test, rtgate_slaunch_flags, fake_slaunch_flags);
	kunit_activate_static_stub(test, rtgate_tboot_enabled, fake_tboot_enabled);
	kunit_activate_static_stub(test, rtgate_cpu_has_smx, fake_cpu_has_smx);
	kunit_activate_static_stub(test, rtgate_read_txt_sts, fake_read_txt_sts);

	reason = rtgate_decide(c->mode, &closed);
	KUNIT_EXPECT_EQ(test, closed, c->closed);
	KUNIT_EXPECT_EQ(test, reason, c->reason);
	KUNIT_EXPECT_STREQ(test, rtgate_reason_name(reason), c->reason_name);
	KUNIT_EXPECT_EQ(test, fake_mmio_reads, c->reads_mmio ? 1 : 0);
	if (!c->smx)
		KUNIT_EXPECT_EQ(test, fake_mmio_reads, 0);
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

/* ---- State machine, with a fake TPM and a fake switch ---- */

struct rtgate_fake {
	u8 *saved_log;
	size_t saved_len;
	u32 saved_banks;
	struct tpm_chip *chip;
	bool closed;
	int tpm_rc;
	int extends;
	int switches;
	int puts;
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

static int fake_tpm_pcr_event(struct tpm_chip *chip, u32 pcr, const u8 *event,
			      u32 event_len, struct tpm_digest *digests)
{
	struct rtgate_fake *f = fake();

	f->extends++;
	f->pcr = pcr;
	if (f->tpm_rc)
		return f->tpm_rc;
	rtgate_fill_digests(digests);
	return 0;
}

static void fake_switch(bool close)
{
	fake()->switches++;
	fake()->closed = close;
}

static bool fake_is_closed(void)
{
	return fake()->closed;
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
	f->closed = true;
	test->priv = f;

	kunit_activate_static_stub(test, rtgate_tpm_chip, fake_tpm_chip);
	kunit_activate_static_stub(test, rtgate_tpm_put, fake_tpm_put);
	kunit_activate_static_stub(test, rtgate_tpm_pcr_event, fake_tpm_pcr_event);
	kunit_activate_static_stub(test, rtgate_switch, fake_switch);
	kunit_activate_static_stub(test, rtgate_is_closed, fake_is_closed);
	/* Set the real log aside: the tests start from an empty one. */
	rtgate_log_swap(&f->saved_log, &f->saved_len, &f->saved_banks);
	return 0;
}

static void rtgate_sm_exit(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	/* Put the real log back and drop the one the test made. */
	rtgate_log_swap(&f->saved_log, &f->saved_len, &f->saved_banks);
	kfree(f->saved_log);
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

/* Opening extends once, then opens, and logs header plus one event. */
static void rtgate_test_open(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t head = sizeof(rtgate_golden_header);
	size_t len;
	u8 *log;

	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_FALSE(test, f->closed);
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, f->switches, 1);
	KUNIT_EXPECT_EQ(test, f->puts, 1);
	KUNIT_EXPECT_TRUE(test, rtgate_pcr_allowed(f->pcr));

	len = rtgate_test_log_len(test, &log);
	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_EXPECT_EQ(test, len, head + 12 + 22 + 34 + 4 + 23);
	if (len == head + 12 + 22 + 34 + 4 + 23) {
		KUNIT_EXPECT_MEMEQ(test, log, rtgate_golden_header, head);
		/* The event names the PCR that was extended. */
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(log + head), f->pcr);
		KUNIT_EXPECT_MEMEQ(test, log + len - 23, rtgate_golden_event, 23);
	}
	kfree(log);
}

/* Opening an open gate is a success without a second extension. */
static void rtgate_test_open_twice(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;

	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, f->switches, 1);
}

/* Close then open again: two extensions, header once, two events. */
static void rtgate_test_reopen(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t entry = 12 + 22 + 34 + 4 + 23;

	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(false), 0);
	KUNIT_EXPECT_TRUE(test, f->closed);
	KUNIT_EXPECT_EQ(test, rtgate_set_open(false), 0);
	KUNIT_EXPECT_EQ(test, f->switches, 2);
	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_EXPECT_EQ(test, f->extends, 2);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL),
			sizeof(rtgate_golden_header) + 2 * entry);
}

/* A TPM with other banks than the log's header cannot add to the log. */
static void rtgate_test_banks_changed(struct kunit *test)
{
	struct rtgate_fake *f = test->priv;
	size_t len;

	KUNIT_ASSERT_EQ(test, rtgate_set_open(true), 0);
	KUNIT_ASSERT_EQ(test, rtgate_set_open(false), 0);
	len = rtgate_test_log_len(test, NULL);
	f->chip->nr_allocated_banks = 1;
	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), -ENODEV);
	KUNIT_EXPECT_TRUE(test, f->closed);
	KUNIT_EXPECT_EQ(test, f->extends, 1);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), len);
}

struct rtgate_fail_case {
	const char *name;
	int tpm_rc;
	bool no_chip;
	u32 banks;
	int err;
};

static const struct rtgate_fail_case rtgate_fail_cases[] = {
	{ "TPM_RC_LOCALITY", 0x907, false, 2, -EIO },
	{ "TPM response code 0x101", 0x101, false, 2, -EIO },
	{ "driver -ETIME", -ETIME, false, 2, -EIO },
	{ "driver -EPIPE", -EPIPE, false, 2, -EIO },
	{ "unusable chip", -ENODEV, false, 2, -ENODEV },
	{ "no chip", 0, true, 2, -ENODEV },
	{ "chip without banks", 0, false, 0, -ENODEV },
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

	f->tpm_rc = c->tpm_rc;
	f->chip->nr_allocated_banks = c->banks;
	if (c->no_chip)
		f->chip = NULL;

	KUNIT_EXPECT_EQ(test, rtgate_set_open(true), c->err);
	KUNIT_EXPECT_TRUE(test, f->closed);
	KUNIT_EXPECT_EQ(test, f->switches, 0);
	KUNIT_EXPECT_EQ(test, rtgate_test_log_len(test, NULL), 0);
	KUNIT_EXPECT_EQ(test, f->puts, c->no_chip ? 0 : 1);
}

static struct kunit_case rtgate_param_cases[] = {
	KUNIT_CASE_PARAM(rtgate_test_parse_mode, rtgate_mode_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_parse_pcr, rtgate_pcr_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_parse_write, rtgate_write_gen_params),
	KUNIT_CASE_PARAM(rtgate_test_detect, rtgate_detect_gen_params),
	KUNIT_CASE(rtgate_test_event),
	KUNIT_CASE(rtgate_test_log_header),
	KUNIT_CASE(rtgate_test_log_entry),
	{}
};

static struct kunit_suite rtgate_param_suite = {
	.name = "efi_rtgate",
	.test_cases = rtgate_param_cases,
};

static struct kunit_case rtgate_sm_cases[] = {
	KUNIT_CASE(rtgate_test_open),
	KUNIT_CASE(rtgate_test_open_twice),
	KUNIT_CASE(rtgate_test_reopen),
	KUNIT_CASE(rtgate_test_banks_changed),
	KUNIT_CASE_PARAM(rtgate_test_open_fails, rtgate_fail_gen_params),
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
