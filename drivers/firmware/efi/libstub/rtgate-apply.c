// SPDX-License-Identifier: GPL-2.0
/*
 * Variable writes that a kernel with a closed EFI runtime services gate
 * kept for the next boot: the file it published as VarToFile, which user
 * space copied to EFI_RTGATE_FILE_NAME in the root of the volume this
 * kernel was loaded from. The stub checks it as a whole, measures it,
 * applies it with SetVariable() and removes it, all before
 * ExitBootServices(), so before any measured launch. See
 * include/linux/efi_rtgate_vars.h and include/linux/efi_varfile.h.
 */

#include <linux/efi.h>
#include <linux/efi_rtgate_vars.h>
#include <linux/efi_varfile.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include <asm/efi.h>

#include "efistub.h"
#include "x86-stub.h"

#define EFI_FILE_SYSTEM_INFO_ID	EFI_GUID(0x09576e93, 0x6d3f, 0x11d2,  0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)

/* EFI_FILE_SYSTEM_INFO, up to the volume label */
struct rtgate_fs_info {
	u64 size;
	u8 read_only;
	u64 volume_size;
	u64 free_space;
	u32 block_size;
	efi_char16_t label[128];
};

#define RTGATE_ATTR_OK		(EFI_VARIABLE_NON_VOLATILE | \
				 EFI_VARIABLE_BOOTSERVICE_ACCESS | \
				 EFI_VARIABLE_RUNTIME_ACCESS | \
				 EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS | \
				 EFI_VARIABLE_APPEND_WRITE)
#define RTGATE_ATTR_NEEDED	(EFI_VARIABLE_NON_VOLATILE | \
				 EFI_VARIABLE_BOOTSERVICE_ACCESS | \
				 EFI_VARIABLE_RUNTIME_ACCESS)

static bool rtgate_all(const u8 *p, u8 c, size_t len)
{
	while (len--)
		if (*p++ != c)
			return false;
	return true;
}

/* CRC-32 as UEFI's CalculateCrc32() and EBBR chapter 5 compute it */
static u32 rtgate_crc32(const u8 *p, size_t len)
{
	u32 crc = ~0U;
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

struct rtgate_file {
	u8 *buf;
	u32 len;			/* the header's length */
	u32 nr;				/* entries after the binding one */
};

/* The entry at @off: its name and data, and the offset of the next one */
static const struct efi_varfile_entry *
rtgate_entry(const struct rtgate_file *f, u32 off, const efi_char16_t **name,
	     u32 *name_size, const u8 **data, u32 *next)
{
	const struct efi_varfile_entry *e = (const void *)(f->buf + off);
	u32 n, room, max, data_size;

	if (f->len - off < sizeof(*e))
		return NULL;
	room = f->len - off - sizeof(*e);
	*name = (const efi_char16_t *)(e + 1);
	max = min_t(u32, room, EFI_RTGATE_VARS_MAX_NAME) / sizeof(efi_char16_t);
	for (n = 0; n < max && (*name)[n]; n++)
		;
	if (!n || n == max)
		return NULL;
	*name_size = (n + 1) * sizeof(efi_char16_t);
	data_size = le32_to_cpu(e->data_size);
	if (room - *name_size < data_size)
		return NULL;
	*data = (const u8 *)*name + *name_size;
	*next = ALIGN(off + sizeof(*e) + *name_size + data_size,
		      EFI_VARFILE_ALIGN);
	if (*next > f->len || !rtgate_all(*data + data_size, 0,
					  f->buf + *next - (*data + data_size)))
		return NULL;
	return e;
}

static bool rtgate_name_is(const efi_char16_t *name, u32 size,
			   const efi_char16_t *want, u32 want_size)
{
	return size == want_size && !memcmp(name, want, size);
}

/*
 * Check the file as a whole. Return: NULL if it is to be applied, or why
 * not, with *status the file's EFI_RTGATE_FILE_* status for the kernel.
 */
static const char *rtgate_check(struct rtgate_file *f, u32 file_size,
				const efi_guid_t *machine, u64 *status)
{
	static const efi_char16_t binding[] = EFI_RTGATE_MACHINE_VAR;
	const efi_guid_t rtgate_guid = LINUX_EFI_RTGATE_GUID;
	const efi_guid_t vartofile = EFI_VARTOFILE_GUID;
	const struct efi_varfile_header *hdr = (const void *)f->buf;
	const struct efi_varfile_entry *e;
	const efi_char16_t *name;
	u32 off, next, name_size, attr;
	const u8 *data;

	*status = EFI_RTGATE_FILE_MALFORMED;
	if (file_size < sizeof(*hdr))
		return "shorter than its header";
	f->len = le32_to_cpu(hdr->length);
	if (hdr->reserved || memcmp(hdr->magic, EFI_VARFILE_MAGIC,
				    EFI_VARFILE_MAGIC_LEN) ||
	    hdr->revision != EFI_VARFILE_REVISION)
		return "not a variable file of EBBR revision 1";
	if (f->len < sizeof(*hdr) || f->len > file_size) {
		*status = EFI_RTGATE_FILE_TRUNCATED;
		return "truncated";
	}
	if (rtgate_crc32(f->buf + sizeof(*hdr), f->len - sizeof(*hdr)) !=
	    le32_to_cpu(hdr->crc32)) {
		*status = EFI_RTGATE_FILE_CRC;
		return "CRC-32 mismatch";
	}

	e = rtgate_entry(f, sizeof(*hdr), &name, &name_size, &data, &next);
	if (!e || efi_guidcmp(e->vendor, rtgate_guid) ||
	    !rtgate_name_is(name, name_size, binding, sizeof(binding)) ||
	    le32_to_cpu(e->attr) != EFI_VARIABLE_BOOTSERVICE_ACCESS ||
	    le32_to_cpu(e->data_size) != sizeof(*machine))
		return "no machine binding entry first";
	if (memcmp(data, machine, sizeof(*machine))) {
		*status = EFI_RTGATE_FILE_FOREIGN;
		return "written on another machine (SMBIOS system UUID)";
	}

	f->nr = 0;
	for (off = next; off < f->len; off = next) {
		e = rtgate_entry(f, off, &name, &name_size, &data, &next);
		if (!e)
			return "malformed entry";
		attr = le32_to_cpu(e->attr);
		if ((attr & ~RTGATE_ATTR_OK) ||
		    (attr & RTGATE_ATTR_NEEDED) != RTGATE_ATTR_NEEDED)
			return "entry not a non-volatile runtime variable";
		if (!efi_guidcmp(e->vendor, rtgate_guid) ||
		    !efi_guidcmp(e->vendor, vartofile))
			return "entry for a protocol variable";
		if (++f->nr > EFI_RTGATE_FILE_MAX_ENTRIES)
			return "too many entries";
	}
	*status = EFI_RTGATE_FILE_APPLIED;
	return NULL;
}

/*
 * Apply each entry after the binding one; @results gets each status.
 * Return: true if a write that firmware acts on while booting was applied.
 */
static bool rtgate_apply(const struct rtgate_file *f, u64 *results)
{
	static const efi_char16_t boot_next[] = L"BootNext";
	static const efi_char16_t os_ind[] = L"OsIndications";
	const efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID;
	const struct efi_varfile_entry *e;
	const efi_char16_t *name;
	u32 off, next, name_size, i = 0;
	efi_status_t status;
	bool reset = false;
	const u8 *data;

	rtgate_entry(f, sizeof(struct efi_varfile_header), &name, &name_size,
		     &data, &next);
	for (off = next; off < f->len; off = next, i++) {
		e = rtgate_entry(f, off, &name, &name_size, &data, &next);
		status = efi_rt_call(set_variable, (efi_char16_t *)name,
				     (efi_guid_t *)&e->vendor,
				     le32_to_cpu(e->attr),
				     le32_to_cpu(e->data_size), (void *)data);
		/* A delete applied before a power loss is done. */
		if (status == EFI_NOT_FOUND && !e->data_size)
			status = EFI_SUCCESS;
		results[i] = status;
		if (status != EFI_SUCCESS) {
			efi_warn("EFI runtime gate: kept write of %ls not applied: 0x%lx\n",
				 name, status);
			continue;
		}
		efi_debug("EFI runtime gate: applied kept write %u of %u\n",
			  i + 1, f->nr);
		if (!efi_guidcmp(e->vendor, global) &&
		    (rtgate_name_is(name, name_size, boot_next, sizeof(boot_next)) ||
		     rtgate_name_is(name, name_size, os_ind, sizeof(os_ind))))
			reset = true;
	}
	return reset;
}

#define RTGATE_APPLIED_ATTR	(EFI_VARIABLE_NON_VOLATILE | \
				 EFI_VARIABLE_BOOTSERVICE_ACCESS | \
				 EFI_VARIABLE_RUNTIME_ACCESS)

/*
 * The report of an earlier boot's stub is for the kernel that booted
 * next: the one right after it, or the one after its reset.
 */
static void rtgate_report_age(void)
{
	const efi_guid_t rtgate_guid = LINUX_EFI_RTGATE_GUID;
	unsigned long size = (EFI_RTGATE_FILE_MAX_ENTRIES + 1) * sizeof(u64);
	efi_status_t status;
	u64 *buf;
	u32 attr;

	if (efi_bs_call(allocate_pool, EFI_LOADER_DATA, size,
			(void **)&buf) != EFI_SUCCESS)
		return;
	status = get_efi_var(EFI_RTGATE_APPLIED_VAR, &rtgate_guid, &attr, &size,
			     buf);
	if (status == EFI_SUCCESS && size >= sizeof(u64) &&
	    (buf[0] & EFI_RTGATE_APPLIED_RESET)) {
		buf[0] &= ~EFI_RTGATE_APPLIED_RESET;
		set_efi_var(EFI_RTGATE_APPLIED_VAR, &rtgate_guid,
			    RTGATE_APPLIED_ATTR, size, buf);
	} else if (status != EFI_NOT_FOUND) {
		set_efi_var(EFI_RTGATE_APPLIED_VAR, &rtgate_guid,
			    RTGATE_APPLIED_ATTR, 0, NULL);
	}
	efi_bs_call(free_pool, buf);
}

/* Leave the file's status, then each entry's, for the kernel. */
static void rtgate_report(u64 status, const u64 *results, u32 nr)
{
	const efi_guid_t rtgate_guid = LINUX_EFI_RTGATE_GUID;
	u64 *buf;

	if (efi_bs_call(allocate_pool, EFI_LOADER_DATA, (nr + 1) * sizeof(u64),
			(void **)&buf) != EFI_SUCCESS)
		return;
	buf[0] = status;
	if (nr)
		memcpy(buf + 1, results, nr * sizeof(u64));
	set_efi_var(EFI_RTGATE_APPLIED_VAR, &rtgate_guid, RTGATE_APPLIED_ATTR,
		    (nr + 1) * sizeof(u64), buf);
	efi_bs_call(free_pool, buf);
}

/* Did an opening apply this very file through firmware already? */
static bool rtgate_done(const struct rtgate_file *f)
{
	const struct efi_varfile_header *hdr = (const void *)f->buf;
	const efi_guid_t rtgate_guid = LINUX_EFI_RTGATE_GUID;
	unsigned long size = 2 * sizeof(__le32);
	__le32 done[2];
	u32 attr;

	if (get_efi_var(EFI_RTGATE_DONE_VAR, &rtgate_guid, &attr, &size,
			done) != EFI_SUCCESS || size != sizeof(done))
		return false;
	set_efi_var(EFI_RTGATE_DONE_VAR, &rtgate_guid, attr, 0, NULL);
	return done[0] == hdr->length && done[1] == hdr->crc32;
}

/* Remove the file, leaving an empty one for user space to write again. */
static void rtgate_remove(efi_file_protocol_t *root, efi_file_protocol_t *fh)
{
	static const efi_char16_t file_name[] = L"" EFI_RTGATE_FILE_NAME;

	if (efi_call_proto(fh, delete) != EFI_SUCCESS) {
		efi_err("EFI runtime gate: cannot remove %s\n",
			EFI_RTGATE_FILE_NAME);
		return;
	}
	if (efi_call_proto(root, open, &fh, (efi_char16_t *)file_name,
			   EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
			   EFI_FILE_MODE_CREATE, 0) == EFI_SUCCESS)
		efi_call_proto(fh, close);
}

static void rtgate_read_apply(efi_file_protocol_t *root,
			      efi_file_protocol_t *fh, u32 file_size,
			      const efi_guid_t *machine)
{
	struct rtgate_file f = {};
	unsigned long size = file_size;
	efi_status_t status;
	const char *why;
	u64 *results;
	u64 verdict;
	bool reset;

	status = efi_bs_call(allocate_pool, EFI_LOADER_DATA,
			     file_size + (EFI_RTGATE_FILE_MAX_ENTRIES + 2) *
			     sizeof(u64), (void **)&f.buf);
	if (status != EFI_SUCCESS) {
		efi_call_proto(fh, close);
		return;
	}
	results = (u64 *)ALIGN((unsigned long)(f.buf + file_size), sizeof(u64));
	status = efi_call_proto(fh, read, &size, f.buf);
	if (status != EFI_SUCCESS || size != file_size) {
		efi_err("EFI runtime gate: cannot read %s (0x%lx): nothing applied\n",
			EFI_RTGATE_FILE_NAME, status);
		rtgate_report(EFI_RTGATE_FILE_UNREADABLE, NULL, 0);
		goto keep;
	}

	why = rtgate_check(&f, file_size, machine, &verdict);
	if (why) {
		efi_err("EFI runtime gate: %s rejected: %s; nothing applied, the file is kept\n",
			EFI_RTGATE_FILE_NAME, why);
		rtgate_report(verdict, NULL, 0);
		goto keep;
	}
	if (rtgate_done(&f)) {
		efi_info("EFI runtime gate: %s was applied by an opening: removed\n",
			 EFI_RTGATE_FILE_NAME);
		rtgate_report(EFI_RTGATE_FILE_DONE, NULL, 0);
		efi_bs_call(free_pool, f.buf);
		rtgate_remove(root, fh);
		return;
	}

	/* Measured before any of it is applied; no TPM means no log. */
	status = efi_measure_rtgate_vars((unsigned long)f.buf, f.len);
	if (status != EFI_SUCCESS && status != EFI_UNSUPPORTED) {
		efi_err("EFI runtime gate: cannot measure %s (0x%lx): nothing applied, the file is kept\n",
			EFI_RTGATE_FILE_NAME, status);
		rtgate_report(EFI_RTGATE_FILE_UNMEASURED, NULL, 0);
		goto keep;
	}
	reset = rtgate_apply(&f, results);
	rtgate_report(EFI_RTGATE_FILE_APPLIED |
		      (reset ? EFI_RTGATE_APPLIED_RESET : 0), results, f.nr);
	efi_info("EFI runtime gate: %u kept variable writes applied\n", f.nr);
	efi_bs_call(free_pool, f.buf);
	/* Applying the same file again is harmless until it is gone. */
	rtgate_remove(root, fh);
	if (reset) {
		efi_info("EFI runtime gate: BootNext or OsIndications applied: resetting\n");
		efi_rt_call(reset_system, EFI_RESET_COLD, EFI_SUCCESS, 0, NULL);
	}
	return;

keep:
	efi_call_proto(fh, close);
	efi_bs_call(free_pool, f.buf);
}

/**
 * efi_rtgate_apply_kept() - Apply the variable writes a closed gate kept
 * @image: the loaded image, NULL when not started through its PE entry
 * @machine: set to the SMBIOS system UUID that binds a file to this machine
 *
 * Return: true if a kernel can keep writes for the next boot: it was
 * loaded from a writable volume, and the machine has a system UUID.
 */
bool efi_rtgate_apply_kept(efi_loaded_image_t *image, efi_guid_t *machine)
{
	static const efi_char16_t file_name[] = L"" EFI_RTGATE_FILE_NAME;
	const struct efi_smbios_type1_record *rec;
	efi_guid_t fs_guid = EFI_FILE_SYSTEM_GUID;
	efi_guid_t fsinfo_guid = EFI_FILE_SYSTEM_INFO_ID;
	efi_guid_t info_guid = EFI_FILE_INFO_ID;
	efi_simple_file_system_protocol_t *io;
	efi_file_protocol_t *root, *fh;
	struct rtgate_fs_info fsinfo;
	efi_file_info_t *info;
	unsigned long size;
	efi_status_t status;
	bool ok = false;

	rtgate_report_age();
	if (!image)
		return false;
	rec = (const void *)efi_get_smbios_record(1);
	if (!rec || rec->header.length < offsetofend(typeof(*rec), uuid))
		return false;
	*machine = rec->uuid;
	/* All zeros: not set; all ones: not present (SMBIOS 7.2.1) */
	if (rtgate_all((u8 *)machine, 0, sizeof(*machine)) ||
	    rtgate_all((u8 *)machine, 0xff, sizeof(*machine)))
		return false;

	status = efi_bs_call(handle_protocol,
			     efi_table_attr(image, device_handle), &fs_guid,
			     (void **)&io);
	if (status != EFI_SUCCESS)
		return false;
	if (efi_call_proto(io, open_volume, &root) != EFI_SUCCESS)
		return false;
	size = sizeof(fsinfo);
	status = efi_call_proto(root, get_info, &fsinfo_guid, &size, &fsinfo);
	if (status != EFI_SUCCESS || fsinfo.read_only)
		goto out;
	ok = true;

	status = efi_call_proto(root, open, &fh, (efi_char16_t *)file_name,
				EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
	if (status != EFI_SUCCESS)
		goto out;
	status = efi_bs_call(allocate_pool, EFI_LOADER_DATA, SZ_4K,
			     (void **)&info);
	if (status != EFI_SUCCESS) {
		efi_call_proto(fh, close);
		goto out;
	}
	size = SZ_4K;
	status = efi_call_proto(fh, get_info, &info_guid, &size, info);
	size = info->file_size;
	efi_bs_call(free_pool, info);
	if (status != EFI_SUCCESS || size > EFI_RTGATE_FILE_MAX_LEN) {
		efi_err("EFI runtime gate: %s rejected: %s; nothing applied, the file is kept\n",
			EFI_RTGATE_FILE_NAME, status ? "no size" : "oversized");
		rtgate_report(EFI_RTGATE_FILE_OVERSIZED, NULL, 0);
		efi_call_proto(fh, close);
		goto out;
	}
	/* An empty file is where user space may write the next one. */
	if (size)
		rtgate_read_apply(root, fh, size, machine);
	else
		efi_call_proto(fh, close);
out:
	efi_call_proto(root, close);
	return ok;
}
