// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: digests of the runtime code an opening lets
 * run.
 *
 * When the gate is closed at boot, no firmware has run since
 * ExitBootServices() and none runs until an opening, SetVirtualAddressMap()
 * included. The boot decision then finds the firmware code that an opening
 * would let run: the read-only EfiRuntimeServicesCode ranges of the EFI
 * Memory Attributes Table, or, without such a table, every
 * EfiRuntimeServicesCode region of the memory map (data sections included,
 * so those digests change from boot to boot). The first opening hashes
 * them with SHA-256, before any of that code runs; each opening measures
 * the table of digests in an event of its own ("efi_rtgate:code", see
 * rtgate_measure.c) before the opening event. Hashing at the opening
 * rather than at boot keeps the cost (some milliseconds per MiB where the
 * CPU has no SHA instructions) off boots that never open.
 */

#define pr_fmt(fmt) "efi_rtgate: " fmt

#include <crypto/sha2.h>
#include <linux/efi.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "rtgate.h"

/* A range of runtime code */
struct rtgate_code_range {
	u64 phys;
	u64 len;
};

/* The ranges as the memory attributes table or memory map gives them */
static struct rtgate_code_range rtgate_found[RTGATE_CODE_MAX_RANGES] __initdata;
static u32 rtgate_nr_found __initdata;
static bool rtgate_too_many __initdata;

/*
 * The ranges kept for the first opening: NULL where the gate was not
 * closed at boot (no digests to record), an ERR_PTR where none could be
 * kept (openings are refused).
 */
static const struct rtgate_code_range *rtgate_ranges __ro_after_init;
static u32 rtgate_nr_ranges __ro_after_init;
static u32 rtgate_source __ro_after_init;

/*
 * The code event's data, taken by the first opening that gets that far and
 * never changed after. Protected by rtgate_mutex.
 */
static const u8 *rtgate_code;
static size_t rtgate_code_len;

static void __init rtgate_code_add(u64 phys, u64 len)
{
	if (rtgate_nr_found == RTGATE_CODE_MAX_RANGES) {
		rtgate_too_many = true;
		return;
	}
	rtgate_found[rtgate_nr_found].phys = phys;
	rtgate_found[rtgate_nr_found].len = len;
	rtgate_nr_found++;
}

/* efi_memattr_perm_setter: keep the read-only runtime code ranges */
static int __init rtgate_code_memattr(struct mm_struct *mm,
				      efi_memory_desc_t *md, bool has_bti)
{
	if (md->type == EFI_RUNTIME_SERVICES_CODE &&
	    (md->attribute & EFI_MEMORY_RO))
		rtgate_code_add(md->phys_addr, md->num_pages << EFI_PAGE_SHIFT);
	return 0;
}

/**
 * rtgate_code_encode() - Encode the data of the code event
 * @buf: receives the data, or NULL to get the size only
 * @source: where the ranges come from (RTGATE_CODE_SOURCE_*)
 * @phys: physical start of each range
 * @len: length in bytes of each range
 * @digests: SHA-256 digest of each range, one after the other
 * @nr: number of ranges
 *
 * The data is RTGATE_CODE_EVENT_DATA with its NUL, then source and @nr as
 * le32, then per range its start and length as le64 and its digest.
 *
 * Return: the size of the data in bytes.
 */
VISIBLE_IF_KUNIT size_t rtgate_code_encode(u8 *buf, u32 source,
					   const u64 *phys, const u64 *len,
					   const u8 *digests, u32 nr)
{
	size_t size = RTGATE_CODE_HEAD_LEN + nr * RTGATE_CODE_RANGE_LEN;
	u32 i;

	if (!buf)
		return size;
	memcpy(buf, RTGATE_CODE_EVENT_DATA, sizeof(RTGATE_CODE_EVENT_DATA));
	buf += sizeof(RTGATE_CODE_EVENT_DATA);
	put_unaligned_le32(source, buf);
	put_unaligned_le32(nr, buf + 4);
	buf += 8;
	for (i = 0; i < nr; i++) {
		put_unaligned_le64(phys[i], buf);
		put_unaligned_le64(len[i], buf + 8);
		memcpy(buf + 16, digests + i * SHA256_DIGEST_SIZE,
		       SHA256_DIGEST_SIZE);
		buf += RTGATE_CODE_RANGE_LEN;
	}
	return size;
}

/* Hash the kept ranges and keep the encoded table. */
static int rtgate_code_hash(void)
{
	u64 *phys, *len;
	u8 *digests;
	size_t size;
	u32 i, nr = rtgate_nr_ranges;
	int rc = -ENOMEM;
	u8 *data;

	phys = kcalloc(nr, sizeof(*phys), GFP_KERNEL);
	len = kcalloc(nr, sizeof(*len), GFP_KERNEL);
	digests = kcalloc(nr, SHA256_DIGEST_SIZE, GFP_KERNEL);
	if (!phys || !len || !digests)
		goto out;

	for (i = 0; i < nr; i++) {
		void *code;

		phys[i] = rtgate_ranges[i].phys;
		len[i] = rtgate_ranges[i].len;
		code = memremap(phys[i], len[i], MEMREMAP_WB);
		if (!code) {
			pr_err("cannot map the runtime code at 0x%llx\n",
			       phys[i]);
			goto out;
		}
		sha256(code, len[i], digests + i * SHA256_DIGEST_SIZE);
		memunmap(code);
	}

	size = rtgate_code_encode(NULL, rtgate_source, phys, len, digests, nr);
	data = kmalloc(size, GFP_KERNEL);
	if (!data)
		goto out;
	rtgate_code_encode(data, rtgate_source, phys, len, digests, nr);
	rtgate_code = data;
	rtgate_code_len = size;
	rc = 0;
out:
	kfree(digests);
	kfree(len);
	kfree(phys);
	return rc;
}

/**
 * rtgate_code_init() - Find the runtime code an opening would let run
 *
 * Called by the boot decision when it closes the gate, before any runtime
 * service call. If no range is found, or more than RTGATE_CODE_MAX_RANGES,
 * or they cannot be kept, openings are refused.
 */
void __init rtgate_code_init(void)
{
	struct rtgate_code_range *ranges;
	efi_memory_desc_t *md;
	u32 source = RTGATE_CODE_SOURCE_MEMATTR;
	u64 total = 0;
	int rc = 0;
	u32 i;

	if (efi_enabled(EFI_MEM_ATTR))
		efi_memattr_apply_permissions(NULL, rtgate_code_memattr);
	if (!rtgate_nr_found && !rtgate_too_many &&
	    efi_enabled(EFI_MEMMAP)) {
		source = RTGATE_CODE_SOURCE_MEMMAP;
		for_each_efi_memory_desc(md)
			if (md->type == EFI_RUNTIME_SERVICES_CODE &&
			    (md->attribute & EFI_MEMORY_RUNTIME))
				rtgate_code_add(md->phys_addr,
						md->num_pages << EFI_PAGE_SHIFT);
	}

	if (rtgate_too_many)
		rc = -E2BIG;
	else if (!rtgate_nr_found)
		rc = -ENOENT;
	ranges = rc ? NULL : kmemdup(rtgate_found,
				     rtgate_nr_found * sizeof(*ranges),
				     GFP_KERNEL);
	if (!rc && !ranges)
		rc = -ENOMEM;
	if (rc) {
		pr_err("the runtime code cannot be measured (%d): opening will be refused\n",
		       rc);
		rtgate_ranges = ERR_PTR(-EOPNOTSUPP);
		return;
	}
	rtgate_ranges = ranges;
	rtgate_nr_ranges = rtgate_nr_found;
	rtgate_source = source;

	for (i = 0; i < rtgate_nr_ranges; i++)
		total += rtgate_ranges[i].len;
	pr_info("runtime code: %u ranges, %llu KiB from the %s, hashed at the first opening\n",
		rtgate_nr_ranges, total >> 10,
		source == RTGATE_CODE_SOURCE_MEMATTR ?
		"memory attributes table" : "memory map");
}

/**
 * rtgate_code_data() - The data of the code event
 * @len: receives its length
 *
 * The first call after a closed boot hashes the runtime code: it is made
 * by the first opening, before any of that code has run. The digests are
 * kept, so every later opening records the same event.
 *
 * Context: process context, rtgate_mutex held; sleeps.
 * Return: the data, NULL if the gate was not closed at boot (an opening
 * then records no code), ERR_PTR(-EOPNOTSUPP) if the code could not be
 * found at boot, or ERR_PTR(-ENOMEM) if it could not be mapped or hashed
 * now (nothing kept: the next opening tries again).
 */
const u8 *rtgate_code_data(size_t *len)
{
	int rc;

	KUNIT_STATIC_STUB_REDIRECT(rtgate_code_data, len);
	lockdep_assert_held(&rtgate_mutex);
	*len = 0;
	if (IS_ERR_OR_NULL(rtgate_ranges))
		return ERR_CAST(rtgate_ranges);
	if (!rtgate_code) {
		rc = rtgate_code_hash();
		if (rc)
			return ERR_PTR(rc);
	}
	*len = rtgate_code_len;
	return rtgate_code;
}
