// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: measuring an opening and its event log.
 *
 * An opening, or the load of a kexec image while the gate is armed,
 * extends one PCR with a fixed, documented event; an opening of a gate
 * closed at boot first extends it with the digests of the runtime code
 * taken at boot (rtgate_code.c). The kernel
 * hashes the event itself for every allocated PCR bank and extends with
 * tpm_pcr_extend(), so the digests the log records are known before the
 * TPM is touched, and a bank the kernel cannot hash stops the opening
 * before anything is extended. The log is in the TCG PC Client
 * crypto-agile format and is published in securityfs.
 */

#define pr_fmt(fmt) "efi_rtgate: " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ima.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/tpm_eventlog.h>
#include <linux/unaligned.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "rtgate.h"

/* Protected by rtgate_mutex. */
static struct rtgate_log rtgate_log;

/*
 * Fill @event (2 * sizeof(u32) + @len bytes) with the
 * TCG_PCClientTaggedEvent carrying @data; return its length.
 */
static size_t rtgate_encode_tagged(u8 *event, const u8 *data, u32 len)
{
	put_unaligned_le32(RTGATE_EVENT_TAG_ID, event);
	put_unaligned_le32(len, event + 4);
	memcpy(event + 8, data, len);
	return 2 * sizeof(u32) + len;
}

#if IS_ENABLED(CONFIG_KUNIT)
/* For the tests' golden bytes: the opening event (RTGATE_EVENT_LEN bytes) */
void rtgate_encode_event(u8 *event)
{
	rtgate_encode_tagged(event, (const u8 *)RTGATE_EVENT_DATA,
			     RTGATE_EVENT_DATA_LEN);
}

/* ... and the kexec event (RTGATE_KEXEC_EVENT_LEN bytes) */
void rtgate_encode_kexec_event(u8 *event)
{
	rtgate_encode_tagged(event, (const u8 *)RTGATE_KEXEC_EVENT_DATA,
			     sizeof(RTGATE_KEXEC_EVENT_DATA) - 1);
}
#endif

/*
 * Encode the Spec ID Event03 header (a TCG_PCR_EVENT) that names the banks.
 * With @buf NULL, only return the size.
 */
VISIBLE_IF_KUNIT size_t rtgate_log_header(u8 *buf,
					  const struct tpm_bank_info *banks,
					  u32 nr_banks)
{
	size_t spec_len = sizeof(struct tcg_efi_specid_event_head) +
			  nr_banks * sizeof(struct tcg_efi_specid_event_algs) + 1;
	size_t len = sizeof(struct tcg_pcr_event) + spec_len;
	u8 *p = buf;
	u32 i;

	if (!buf)
		return len;

	memset(buf, 0, len);
	put_unaligned_le32(0, p);				/* PCRIndex */
	put_unaligned_le32(RTGATE_EV_NO_ACTION, p + 4);		/* EventType */
	p += 8 + TPM_DIGEST_SIZE;				/* zero digest */
	put_unaligned_le32(spec_len, p);			/* EventSize */
	p += 4;

	memcpy(p, TCG_SPECID_SIG, sizeof(TCG_SPECID_SIG));	/* signature */
	p += 16 + 4;						/* platformClass */
	*p++ = 0;						/* specVersionMinor */
	*p++ = 2;						/* specVersionMajor */
	*p++ = 0;						/* specErrata */
	*p++ = 2;						/* uintnSize: UINT64 */
	put_unaligned_le32(nr_banks, p);
	p += 4;
	for (i = 0; i < nr_banks; i++) {
		put_unaligned_le16(banks[i].alg_id, p);
		put_unaligned_le16(banks[i].digest_size, p + 2);
		p += 4;
	}
	*p = 0;							/* vendorInfoSize */

	return len;
}

/*
 * Encode one TCG_PCR_EVENT2 with the digests extended into each bank.
 * With @buf NULL, only return the size.
 */
VISIBLE_IF_KUNIT size_t rtgate_log_entry(u8 *buf, u32 pcr,
					 const struct tpm_digest *digests,
					 const struct tpm_bank_info *banks,
					 u32 nr_banks, const u8 *event,
					 u32 event_len)
{
	size_t len = 3 * sizeof(u32) + sizeof(u32) + event_len;
	u8 *p = buf;
	u32 i;

	for (i = 0; i < nr_banks; i++)
		len += sizeof(u16) + banks[i].digest_size;
	if (!buf)
		return len;

	put_unaligned_le32(pcr, p);
	put_unaligned_le32(RTGATE_EV_EVENT_TAG, p + 4);
	put_unaligned_le32(nr_banks, p + 8);
	p += 12;
	for (i = 0; i < nr_banks; i++) {
		put_unaligned_le16(digests[i].alg_id, p);
		memcpy(p + 2, digests[i].digest, banks[i].digest_size);
		p += 2 + banks[i].digest_size;
	}
	put_unaligned_le32(event_len, p);
	memcpy(p + 4, event, event_len);

	return len;
}

/**
 * rtgate_check_banks() - Can the kernel measure into these PCR banks?
 * @banks: the TPM's allocated banks
 * @nr_banks: number of entries in @banks
 *
 * Every allocated bank must be extended, so every one must use a hash the
 * kernel computes, with the digest size that hash has, and appear once.
 *
 * Return: 0, or -ENODEV if an opening cannot be measured with these banks.
 */
VISIBLE_IF_KUNIT int rtgate_check_banks(const struct tpm_bank_info *banks,
					u32 nr_banks)
{
	u32 i, j;

	if (!nr_banks || nr_banks > TPM2_MAX_PCR_BANKS)
		return -ENODEV;

	for (i = 0; i < nr_banks; i++) {
		u16 size = rtgate_hash_size(banks[i].alg_id);

		if (!size || size != banks[i].digest_size) {
			pr_warn("cannot measure into the TPM's PCR bank 0x%04x (digest size %u)\n",
				banks[i].alg_id, banks[i].digest_size);
			return -ENODEV;
		}
		for (j = 0; j < i; j++)
			if (banks[j].alg_id == banks[i].alg_id)
				return -ENODEV;
	}
	return 0;
}

VISIBLE_IF_KUNIT struct tpm_chip *rtgate_tpm_chip(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_chip);
	return tpm_default_chip();
}

VISIBLE_IF_KUNIT void rtgate_tpm_put(struct tpm_chip *chip)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_put, chip);
	put_device(&chip->dev);
}

VISIBLE_IF_KUNIT int rtgate_tpm_pcr_read(struct tpm_chip *chip, u32 pcr,
					 struct tpm_digest *digest)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_pcr_read, chip, pcr, digest);
	return tpm_pcr_read(chip, pcr, digest);
}

VISIBLE_IF_KUNIT int rtgate_tpm_pcr_extend(struct tpm_chip *chip, u32 pcr,
					   struct tpm_digest *digests)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_pcr_extend, chip, pcr, digests);
	return tpm_pcr_extend(chip, pcr, digests);
}

/* Record the event data in IMA too, as critical data named @name. */
VISIBLE_IF_KUNIT void rtgate_ima_measure(const char *name, const u8 *data,
					 size_t len)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_ima_measure, name, data, len);
	ima_measure_critical_data("efi_rtgate", name, data, len, false,
				  NULL, 0);
}

/* Read @pcr in every bank of @chip into @values (alg_id set by the caller). */
static int rtgate_read_banks(struct tpm_chip *chip, u32 pcr,
			     struct tpm_digest *values)
{
	u32 i;
	int rc;

	for (i = 0; i < chip->nr_allocated_banks; i++) {
		rc = rtgate_tpm_pcr_read(chip, pcr, &values[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * After a failed extension: did the TPM extend all the same (a lost
 * response)? Compare the PCR with @before and with @before extended by
 * @digests. Return: 1 extended, 0 untouched, -EIO unknown.
 */
static int rtgate_extended(struct tpm_chip *chip, u32 pcr,
			   const struct tpm_digest *before,
			   const struct tpm_digest *digests)
{
	u8 buf[2 * TPM2_MAX_DIGEST_SIZE];
	u8 want[TPM2_MAX_DIGEST_SIZE];
	struct tpm_digest *now;
	u32 i, extended = 0, untouched = 0;
	int rc = -EIO;

	now = kcalloc(chip->nr_allocated_banks, sizeof(*now), GFP_KERNEL);
	if (!now)
		return -EIO;
	for (i = 0; i < chip->nr_allocated_banks; i++)
		now[i].alg_id = chip->allocated_banks[i].alg_id;
	if (rtgate_read_banks(chip, pcr, now))
		goto out;

	for (i = 0; i < chip->nr_allocated_banks; i++) {
		u16 size = chip->allocated_banks[i].digest_size;

		memcpy(buf, before[i].digest, size);
		memcpy(buf + size, digests[i].digest, size);
		if (rtgate_hash(now[i].alg_id, buf, 2 * size, want))
			goto out;
		if (!memcmp(now[i].digest, want, size))
			extended++;
		else if (!memcmp(now[i].digest, before[i].digest, size))
			untouched++;
	}
	if (extended == chip->nr_allocated_banks)
		rc = 1;
	else if (untouched == chip->nr_allocated_banks)
		rc = 0;
out:
	kfree(now);
	return rc;
}

/* Append the header (first time) and one event to the log, grown already. */
static void rtgate_log_append(struct tpm_chip *chip, u32 pcr,
			      const struct tpm_digest *digests, const u8 *event,
			      u32 event_len)
{
	if (!rtgate_log.len) {
		rtgate_log.len = rtgate_log_header(rtgate_log.data,
						   chip->allocated_banks,
						   chip->nr_allocated_banks);
		rtgate_log.nr_banks = chip->nr_allocated_banks;
		memcpy(rtgate_log.banks, chip->allocated_banks,
		       rtgate_log.nr_banks * sizeof(*rtgate_log.banks));
	}
	rtgate_log.len += rtgate_log_entry(rtgate_log.data + rtgate_log.len,
					   pcr, digests, chip->allocated_banks,
					   chip->nr_allocated_banks, event,
					   event_len);
}

/* The TPM must be one the kernel can measure into, with the log's banks. */
static int rtgate_check_chip(struct tpm_chip *chip)
{
	if (chip->flags & TPM_CHIP_FLAG_VIRTUAL || tpm_is_firmware_upgrade(chip))
		return -ENODEV;
	if (rtgate_check_banks(chip->allocated_banks, chip->nr_allocated_banks))
		return -ENODEV;
	if (rtgate_log.len &&
	    (chip->nr_allocated_banks != rtgate_log.nr_banks ||
	     memcmp(chip->allocated_banks, rtgate_log.banks,
		    rtgate_log.nr_banks * sizeof(*rtgate_log.banks)))) {
		pr_warn("the TPM's PCR banks differ from those in the log\n");
		return -ENODEV;
	}
	return 0;
}

/*
 * Hash the tagged event carrying @data (@len bytes) for every allocated
 * bank, extend @pcr with the digests, append the event to the log and
 * record it in IMA as @name. The log is grown
 * and the PCR read before the TPM is asked to extend, so that log and PCR
 * agree whatever happens: if the extension fails, the PCR is read again
 * and the event is logged if the TPM extended all the same.
 *
 * Context: process context, rtgate_mutex held; sleeps.
 * Return: 0 if the PCR was extended and the event logged, or
 * * -ENODEV	- no TPM, a virtual one, one in field upgrade mode, or one
 *		  with a PCR bank the kernel cannot hash (nothing extended)
 * * -EIO	- the TPM failed to read or extend the PCR
 * * -ENOMEM	- out of memory (nothing extended)
 */
static int rtgate_measure(u32 pcr, const u8 *data, size_t len,
			  const char *name)
{
	struct tpm_digest *digests;
	size_t event_len;
	struct tpm_chip *chip;
	size_t head, entry;
	u8 *log, *event;
	u32 i, nr;
	int rc;

	lockdep_assert_held(&rtgate_mutex);

	chip = rtgate_tpm_chip();
	if (!chip)
		return -ENODEV;

	rc = rtgate_check_chip(chip);
	if (rc)
		goto out_put;
	nr = chip->nr_allocated_banks;

	/* The digests to extend, then the PCR values before the extension. */
	digests = kcalloc(2 * nr, sizeof(*digests), GFP_KERNEL);
	event = kmalloc(2 * sizeof(u32) + len, GFP_KERNEL);
	if (!digests || !event) {
		rc = -ENOMEM;
		goto out_free;
	}
	event_len = rtgate_encode_tagged(event, data, len);
	for (i = 0; i < nr; i++) {
		digests[i].alg_id = chip->allocated_banks[i].alg_id;
		digests[nr + i].alg_id = digests[i].alg_id;
		rc = rtgate_hash(digests[i].alg_id, event, event_len,
				 digests[i].digest);
		if (rc) {
			rc = -ENODEV;
			goto out_free;
		}
	}

	head = rtgate_log.len ? 0 : rtgate_log_header(NULL,
						      chip->allocated_banks, nr);
	entry = rtgate_log_entry(NULL, pcr, NULL, chip->allocated_banks, nr,
				 NULL, event_len);
	log = krealloc(rtgate_log.data, rtgate_log.len + head + entry,
		       GFP_KERNEL);
	if (!log) {
		rc = -ENOMEM;
		goto out_free;
	}
	rtgate_log.data = log;

	rc = rtgate_read_banks(chip, pcr, &digests[nr]);
	if (rc) {
		pr_warn("%s[%d]: reading PCR %u failed (%d): runtime services stay closed\n",
			current->comm, task_pid_nr(current), pcr, rc);
		rc = rc == -ENODEV ? -ENODEV : -EIO;
		goto out_free;
	}

	rc = rtgate_tpm_pcr_extend(chip, pcr, digests);
	if (rc) {
		pr_warn("%s[%d]: extending PCR %u failed (%d): runtime services stay closed\n",
			current->comm, task_pid_nr(current), pcr, rc);
		switch (rtgate_extended(chip, pcr, &digests[nr], digests)) {
		case 1:
			pr_warn("PCR %u was extended all the same: the event is logged\n",
				pcr);
			rtgate_log_append(chip, pcr, digests, event,
					  event_len);
			break;
		case 0:
			break;
		default:
			pr_err("PCR %u is in an unknown state: the log may no longer replay to it\n",
			       pcr);
		}
		rc = rc == -ENODEV ? -ENODEV : -EIO;
		goto out_free;
	}

	rtgate_log_append(chip, pcr, digests, event, event_len);
	rtgate_ima_measure(name, data, len);

out_free:
	kfree(event);
	kfree(digests);
out_put:
	rtgate_tpm_put(chip);
	return rc;
}

/**
 * rtgate_measure_open() - Measure an opening of the gate
 * @pcr: the PCR to extend
 *
 * Where the gate was closed at boot, the digests of the runtime code (taken
 * by the first opening) are measured first, in an event of their own: if
 * the opening event then fails, log and PCR still agree and the gate stays
 * closed.
 *
 * Context: process context, rtgate_mutex held; sleeps.
 * Return: see rtgate_measure(), or -EOPNOTSUPP if the runtime code could
 * not be found at boot, -ENOMEM if it could not be hashed (nothing
 * extended).
 */
int rtgate_measure_open(u32 pcr)
{
	const u8 *code;
	size_t len;
	int rc;

	code = rtgate_code_data(&len);
	if (IS_ERR(code)) {
		pr_warn("%s[%d]: opening refused: the runtime code could not be measured (%ld)\n",
			current->comm, task_pid_nr(current), PTR_ERR(code));
		return PTR_ERR(code);
	}
	if (code) {
		rc = rtgate_measure(pcr, code, len, "efi_rtgate_code");
		if (rc)
			return rc;
	}
	return rtgate_measure(pcr, (const u8 *)RTGATE_EVENT_DATA,
			      RTGATE_EVENT_DATA_LEN, "efi_rtgate_open");
}

/**
 * rtgate_measure_kexec() - Measure the load of a kexec image
 * @pcr: the PCR to extend
 *
 * The image is a kernel that can call firmware without a measured opening
 * of its own: its load is recorded like an opening.
 *
 * Context: process context, rtgate_mutex held; sleeps.
 * Return: see rtgate_measure().
 */
int rtgate_measure_kexec(u32 pcr)
{
	return rtgate_measure(pcr, (const u8 *)RTGATE_KEXEC_EVENT_DATA,
			      sizeof(RTGATE_KEXEC_EVENT_DATA) - 1,
			      "efi_rtgate_kexec");
}

/* A copy of the log, so that readers never hold rtgate_mutex in copy_to_user. */
VISIBLE_IF_KUNIT u8 *rtgate_log_dup(size_t *len)
{
	u8 *copy = NULL;

	if (mutex_lock_killable(&rtgate_mutex))
		return ERR_PTR(-EINTR);
	*len = rtgate_log.len;
	if (rtgate_log.len) {
		copy = kmemdup(rtgate_log.data, rtgate_log.len, GFP_KERNEL);
		if (!copy)
			copy = ERR_PTR(-ENOMEM);
	}
	mutex_unlock(&rtgate_mutex);
	return copy;
}

#if IS_ENABLED(CONFIG_EFI_RTGATE_KUNIT_TEST)
/* Exchange the log with *@log, so that tests never touch the real one. */
void rtgate_log_swap(struct rtgate_log *log)
{
	lockdep_assert_held(&rtgate_mutex);
	swap(rtgate_log, *log);
}
#endif

static ssize_t rtgate_log_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	ssize_t ret;
	size_t len;
	u8 *log;

	log = rtgate_log_dup(&len);
	if (IS_ERR(log))
		return PTR_ERR(log);
	ret = simple_read_from_buffer(ubuf, count, ppos, log, len);
	kfree(log);
	return ret;
}

static const struct file_operations rtgate_log_fops = {
	.read = rtgate_log_read,
	.llseek = default_llseek,
};

int __init rtgate_log_init(void)
{
	struct dentry *dir, *log;

	dir = securityfs_create_dir("efi_rtgate", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	log = securityfs_create_file("binary_measurements", 0440, dir, NULL,
				     &rtgate_log_fops);
	if (IS_ERR(log)) {
		securityfs_remove(dir);
		return PTR_ERR(log);
	}
	return 0;
}
