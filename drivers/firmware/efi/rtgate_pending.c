// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: variable writes deferred to the next boot.
 *
 * While the gate is closed and the stub reported a file system it can read
 * a file from at the next boot (EFI_RTGATE_VARS_DEFER), SetVariable() of a
 * variable readable at runtime is checked as firmware checks it and kept,
 * instead of being refused. Reads answer from the snapshot with the kept
 * writes on top. The kept writes are published as VarToFile in the file
 * format of EBBR chapter 5, with RTStorageVolatile naming the file on the
 * ESP that user space copies it to; the next boot's EFI stub applies that
 * file before ExitBootServices(), before any launch. An opening applies
 * them through firmware first, after its measurement.
 *
 * The pending set belongs to the snapshot: it is protected by the EFI
 * runtime lock (every caller holds it with the gate closed) and ends with
 * the snapshot.
 */

#define pr_fmt(fmt) "efi_rtgate: " fmt

#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/efi.h>
#include <linux/efi_rtgate.h>
#include <linux/efi_rtgate_vars.h>
#include <linux/efi_varfile.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ucs2_string.h>
#include <asm/byteorder.h>

#include "rtgate.h"

#define RTGATE_ATTR_KNOWN	(EFI_VARIABLE_NON_VOLATILE | \
				 EFI_VARIABLE_BOOTSERVICE_ACCESS | \
				 EFI_VARIABLE_RUNTIME_ACCESS | \
				 EFI_VARIABLE_HARDWARE_ERROR_RECORD | \
				 EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS | \
				 EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS | \
				 EFI_VARIABLE_APPEND_WRITE)

/* EFI_VARIABLE_AUTHENTICATION_2: EFI_TIME, WIN_CERTIFICATE_UEFI_GUID header */
#define RTGATE_AUTH2_MIN_LEN	(16 + 8 + sizeof(efi_guid_t))

/* One kept SetVariable(), oldest first in rtgate_vars::pending */
struct rtgate_pending {
	struct list_head list;
	efi_guid_t vendor;
	u32 attr;		/* without APPEND_WRITE unless authenticated */
	u32 name_size;		/* bytes, NUL included */
	u32 data_size;		/* 0: a delete (unless authenticated) */
	u8 buf[];		/* name, then data */
};

static const efi_char16_t rtgate_vartofile[] = L"VarToFile";
static const efi_char16_t rtgate_rtstorage[] = L"RTStorageVolatile";
static const efi_char16_t rtgate_machine[] = EFI_RTGATE_MACHINE_VAR;

static bool rtgate_pending_auth(const struct rtgate_pending *p)
{
	return p->attr & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS;
}

/* Kept in the file for the next boot: non-volatile writes only. */
static bool rtgate_pending_kept(const struct rtgate_pending *p)
{
	return p->attr & EFI_VARIABLE_NON_VOLATILE;
}

static size_t rtgate_entry_len(u32 name_size, u32 data_size)
{
	return ALIGN(sizeof(struct efi_varfile_entry) + name_size + data_size,
		     EFI_VARFILE_ALIGN);
}

static bool rtgate_name_is(const efi_char16_t *name, size_t name_size,
			   const efi_char16_t *want, size_t want_size)
{
	return name_size == want_size && !memcmp(name, want, want_size);
}

/**
 * rtgate_pending_find() - The plain kept write of a variable
 * @vars: the snapshot
 * @name: the variable's name, NUL included
 * @name_size: its size in bytes
 * @vendor: its vendor GUID
 *
 * Authenticated writes are left for firmware to verify: they change no
 * read until applied, and are not returned.
 *
 * Return: the write that decides what a read sees, or NULL.
 */
const struct rtgate_pending *rtgate_pending_find(const struct rtgate_vars *vars,
						 const efi_char16_t *name,
						 size_t name_size,
						 const efi_guid_t *vendor)
{
	const struct rtgate_pending *p;

	list_for_each_entry(p, &vars->pending, list)
		if (!rtgate_pending_auth(p) && p->name_size == name_size &&
		    !efi_guidcmp(p->vendor, *vendor) &&
		    !memcmp(p->buf, name, name_size))
			return p;
	return NULL;
}

/* Attributes and data of a kept write, for reads */
u32 rtgate_pending_attr(const struct rtgate_pending *p)
{
	return p->attr;
}

const void *rtgate_pending_data(const struct rtgate_pending *p, u32 *size)
{
	*size = p->data_size;
	return p->buf + p->name_size;
}

const efi_char16_t *rtgate_pending_name(const struct rtgate_pending *p,
					u32 *size, efi_guid_t *vendor)
{
	*size = p->name_size;
	*vendor = p->vendor;
	return (const efi_char16_t *)p->buf;
}

/* Is @p a variable that reads list (not a delete, not authenticated)? */
bool rtgate_pending_listed(const struct rtgate_pending *p)
{
	return !rtgate_pending_auth(p) && p->data_size;
}

const struct rtgate_pending *rtgate_pending_next(const struct rtgate_vars *vars,
						 const struct rtgate_pending *p)
{
	if (!p)
		return list_empty(&vars->pending) ? NULL :
		       list_first_entry(&vars->pending, struct rtgate_pending,
					list);
	if (list_is_last(&p->list, &vars->pending))
		return NULL;
	return list_next_entry(p, list);
}

/* The name of @p for a log line, non-ASCII characters as '?' */
static void rtgate_pending_ascii(const struct rtgate_pending *p, char *out,
				 size_t size)
{
	const efi_char16_t *name = (const efi_char16_t *)p->buf;
	size_t i;

	for (i = 0; i < size - 1 && name[i]; i++)
		out[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	out[i] = 0;
}

static size_t rtgate_pending_len(const struct rtgate_pending *p)
{
	return rtgate_pending_kept(p) ?
	       rtgate_entry_len(p->name_size, p->data_size) : 0;
}

static void rtgate_pending_del(struct rtgate_vars *vars,
			       struct rtgate_pending *p)
{
	list_del(&p->list);
	vars->pending_len -= rtgate_pending_len(p);
	vars->nr_pending--;
	kfree(p);
}

/* The file's length with its header and binding entry, before entries */
static size_t rtgate_varfile_base_len(void)
{
	return sizeof(struct efi_varfile_header) +
	       rtgate_entry_len(sizeof(rtgate_machine), sizeof(efi_guid_t));
}

/*
 * Keep a write; @old, if not NULL, is the plain write it replaces.
 * @data2 (@size2 bytes) is appended to @data: the value of an append.
 */
static efi_status_t rtgate_pending_add(struct rtgate_vars *vars,
				       struct rtgate_pending *old,
				       const efi_char16_t *name, u32 name_size,
				       const efi_guid_t *vendor, u32 attr,
				       const void *data, u32 size,
				       const void *data2, u32 size2)
{
	size_t len = rtgate_varfile_base_len() + vars->pending_len;
	struct rtgate_pending *p;
	u32 nr = vars->nr_pending;

	if (old) {
		len -= rtgate_pending_len(old);
		nr--;
	}
	if (size2 > U32_MAX - size)
		return EFI_OUT_OF_RESOURCES;
	if (attr & EFI_VARIABLE_NON_VOLATILE)
		len += rtgate_entry_len(name_size, size + size2);
	if (nr >= EFI_RTGATE_FILE_MAX_ENTRIES || len > EFI_RTGATE_FILE_MAX_LEN)
		return EFI_OUT_OF_RESOURCES;

	p = kmalloc(struct_size(p, buf, name_size + size + size2), GFP_KERNEL);
	if (!p)
		return EFI_OUT_OF_RESOURCES;
	p->vendor = *vendor;
	p->attr = attr;
	p->name_size = name_size;
	p->data_size = size + size2;
	memcpy(p->buf, name, name_size);
	memcpy(p->buf + name_size, data, size);
	memcpy(p->buf + name_size + size, data2, size2);

	if (old)
		rtgate_pending_del(vars, old);
	list_add_tail(&p->list, &vars->pending);
	vars->pending_len += rtgate_pending_len(p);
	vars->nr_pending++;
	return EFI_SUCCESS;
}

/* The largest variable the store takes for @attr, from the snapshot */
static u64 rtgate_max_size(const struct rtgate_vars *vars, u32 attr)
{
	u64 space, left, max;

	if (rtgate_vars_query(vars, attr & ~EFI_VARIABLE_APPEND_WRITE, &space,
			      &left, &max) != EFI_SUCCESS)
		return EFI_RTGATE_FILE_MAX_LEN;
	return max;
}

/**
 * rtgate_pending_set() - SetVariable() while the gate is closed
 * @vars: the snapshot, with deferral
 * @name: the variable's name, NUL-terminated
 * @vendor: its vendor GUID
 * @attr: its attributes
 * @data_size: the size of @data
 * @data: the value
 *
 * Checks the write as firmware checks it against the store the snapshot
 * shows, and keeps it. A plain write replaces the kept write of the same
 * variable; an append is kept as a write of the whole new value; a delete
 * of a variable written while closed only drops that write. A
 * time-authenticated write is kept as given, for the firmware to verify
 * when it is applied, and does not change what reads see before then.
 *
 * Return: the status SetVariable() gives, or
 * * %EFI_WRITE_PROTECTED	- VarToFile, RTStorageVolatile or the gate's own
 * * %EFI_OUT_OF_RESOURCES	- past EFI_RTGATE_FILE_MAX_ENTRIES writes or
 *				  EFI_RTGATE_FILE_MAX_LEN bytes of file
 * * %EFI_UNSUPPORTED		- a hardware error record, or count-based
 *				  authentication
 */
efi_status_t rtgate_pending_set(struct rtgate_vars *vars,
				const efi_char16_t *name, const efi_guid_t *vendor,
				u32 attr, unsigned long data_size,
				const void *data)
{
	const u32 access = EFI_VARIABLE_BOOTSERVICE_ACCESS |
			   EFI_VARIABLE_RUNTIME_ACCESS;
	const void *cur_data = NULL;
	struct rtgate_pending *old;
	u32 cur_attr = 0, cur_size = 0;
	bool exists, append;
	size_t name_size;

	if (!name || !vendor || (data_size && !data))
		return EFI_INVALID_PARAMETER;
	name_size = ucs2_strnlen(name, EFI_RTGATE_VARS_MAX_NAME /
				 sizeof(efi_char16_t));
	if (!name_size || name_size == EFI_RTGATE_VARS_MAX_NAME /
			  sizeof(efi_char16_t))
		return EFI_INVALID_PARAMETER;
	name_size = (name_size + 1) * sizeof(efi_char16_t);
	if (data_size > EFI_RTGATE_FILE_MAX_LEN)
		return EFI_OUT_OF_RESOURCES;

	if ((!efi_guidcmp(*vendor, EFI_VARTOFILE_GUID) &&
	     (rtgate_name_is(name, name_size, rtgate_vartofile,
			     sizeof(rtgate_vartofile)) ||
	      rtgate_name_is(name, name_size, rtgate_rtstorage,
			     sizeof(rtgate_rtstorage)))) ||
	    !efi_guidcmp(*vendor, LINUX_EFI_RTGATE_GUID))
		return EFI_WRITE_PROTECTED;
	if (attr & ~RTGATE_ATTR_KNOWN)
		return EFI_INVALID_PARAMETER;
	if (attr & (EFI_VARIABLE_HARDWARE_ERROR_RECORD |
		    EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS))
		return EFI_UNSUPPORTED;

	/* What the store holds now: the kept write, else the snapshot. */
	old = (struct rtgate_pending *)rtgate_pending_find(vars, name,
							   name_size, vendor);
	if (old) {
		exists = old->data_size;
		cur_attr = old->attr;
		cur_data = rtgate_pending_data(old, &cur_size);
	} else {
		exists = rtgate_vars_lookup(vars, name, name_size, vendor,
					    &cur_attr, &cur_data, &cur_size);
	}

	if (attr & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) {
		if ((attr & access) != access)
			return EFI_INVALID_PARAMETER;
		if (exists && cur_attr != (attr & ~EFI_VARIABLE_APPEND_WRITE))
			return EFI_INVALID_PARAMETER;
		if (data_size < RTGATE_AUTH2_MIN_LEN)
			return EFI_SECURITY_VIOLATION;
		if (data_size > rtgate_max_size(vars, attr))
			return EFI_INVALID_PARAMETER;
		return rtgate_pending_add(vars, NULL, name, name_size, vendor,
					  attr, data, data_size, NULL, 0);
	}

	append = attr & EFI_VARIABLE_APPEND_WRITE;
	attr &= ~EFI_VARIABLE_APPEND_WRITE;
	/* A size or attributes of 0 delete, unless appending. */
	if (!append && (!data_size || !(attr & access))) {
		if (!exists)
			return EFI_NOT_FOUND;
		if (old && !rtgate_vars_lookup(vars, name, name_size, vendor,
					       &cur_attr, &cur_data, &cur_size)) {
			/* Written while closed only: forget the write. */
			rtgate_pending_del(vars, old);
			return EFI_SUCCESS;
		}
		return rtgate_pending_add(vars, old, name, name_size, vendor,
					  cur_attr, NULL, 0, NULL, 0);
	}
	/* Runtime writes need runtime access, which needs boot access. */
	if ((attr & access) != access)
		return EFI_INVALID_PARAMETER;
	if (exists && cur_attr != attr)
		return EFI_INVALID_PARAMETER;
	if (append && !data_size)
		return EFI_SUCCESS;
	if (!append || !exists)
		cur_size = 0;
	if ((u64)cur_size + data_size > rtgate_max_size(vars, attr))
		return EFI_INVALID_PARAMETER;
	return rtgate_pending_add(vars, old, name, name_size, vendor, attr,
				  cur_data, cur_size, data, data_size);
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_pending_set);

static u8 *rtgate_varfile_entry(u8 *out, const efi_guid_t *vendor, u32 attr,
				const void *name, u32 name_size,
				const void *data, u32 data_size)
{
	struct efi_varfile_entry *e = (void *)out;
	size_t len = rtgate_entry_len(name_size, data_size);
	u8 *p = (u8 *)(e + 1);

	e->data_size = cpu_to_le32(data_size);
	e->attr = cpu_to_le32(attr);
	e->time = 0;
	e->vendor = *vendor;
	memcpy(p, name, name_size);
	memcpy(p + name_size, data, data_size);
	memset(p + name_size + data_size, 0,
	       len - sizeof(*e) - name_size - data_size);
	return out + len;
}

/**
 * rtgate_varfile_encode() - The kept writes as a file for the next boot
 * @vars: the snapshot, with deferral
 * @buf: where the file goes, or NULL
 * @size: the size of @buf
 *
 * Encodes the binding entry, then each kept non-volatile write in order.
 *
 * Return: the file's length; @buf holds it if @size was large enough.
 */
VISIBLE_IF_KUNIT size_t rtgate_varfile_encode(const struct rtgate_vars *vars,
					      void *buf, size_t size)
{
	size_t len = rtgate_varfile_base_len() + vars->pending_len;
	const efi_guid_t rtgate_guid = LINUX_EFI_RTGATE_GUID;
	struct efi_varfile_header *hdr = buf;
	const struct rtgate_pending *p;
	u8 *out;

	if (!buf || size < len)
		return len;
	out = (u8 *)(hdr + 1);
	out = rtgate_varfile_entry(out, &rtgate_guid,
				   EFI_VARIABLE_BOOTSERVICE_ACCESS,
				   rtgate_machine, sizeof(rtgate_machine),
				   &vars->machine, sizeof(vars->machine));
	list_for_each_entry(p, &vars->pending, list)
		if (rtgate_pending_kept(p))
			out = rtgate_varfile_entry(out, &p->vendor, p->attr,
						   p->buf, p->name_size,
						   p->buf + p->name_size,
						   p->data_size);
	hdr->reserved = 0;
	memcpy(hdr->magic, EFI_VARFILE_MAGIC, EFI_VARFILE_MAGIC_LEN);
	hdr->revision = EFI_VARFILE_REVISION;
	hdr->length = cpu_to_le32(len);
	hdr->crc32 = cpu_to_le32(crc32_le(~0, (u8 *)(hdr + 1),
					  len - sizeof(*hdr)) ^ ~0);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_varfile_encode);

/**
 * rtgate_pending_get() - GetVariable() of the protocol's own variables
 * @vars: the snapshot, with deferral
 * @name: the variable's name
 * @name_size: its size in bytes, NUL included
 * @vendor: its vendor GUID
 * @attr: set to its attributes if not NULL
 * @data_size: the size of @data in; the variable's size out
 * @data: where its value goes
 *
 * Return: the answer for VarToFile or RTStorageVolatile, or
 * %EFI_NOT_FOUND for any other variable.
 */
efi_status_t rtgate_pending_get(const struct rtgate_vars *vars,
				const efi_char16_t *name, size_t name_size,
				const efi_guid_t *vendor, u32 *attr,
				unsigned long *data_size, void *data)
{
	static const char file[] = EFI_RTGATE_FILE_NAME;
	size_t len;

	if (efi_guidcmp(*vendor, EFI_VARTOFILE_GUID))
		return EFI_NOT_FOUND;
	if (rtgate_name_is(name, name_size, rtgate_rtstorage,
			   sizeof(rtgate_rtstorage)))
		len = sizeof(file);
	else if (rtgate_name_is(name, name_size, rtgate_vartofile,
				sizeof(rtgate_vartofile)))
		len = rtgate_varfile_encode(vars, NULL, 0);
	else
		return EFI_NOT_FOUND;

	if (attr)
		*attr = EFI_VARIABLE_BOOTSERVICE_ACCESS |
			EFI_VARIABLE_RUNTIME_ACCESS;
	if (*data_size < len) {
		*data_size = len;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!data)
		return EFI_INVALID_PARAMETER;
	if (len == sizeof(file))
		memcpy(data, file, len);
	else
		rtgate_varfile_encode(vars, data, len);
	*data_size = len;
	return EFI_SUCCESS;
}

/*
 * The two variables the protocol adds to the listing, after every other:
 * index 0 and 1, or NULL past them.
 */
const efi_char16_t *rtgate_pending_extra(u32 i, u32 *name_size)
{
	switch (i) {
	case 0:
		*name_size = sizeof(rtgate_rtstorage);
		return rtgate_rtstorage;
	case 1:
		*name_size = sizeof(rtgate_vartofile);
		return rtgate_vartofile;
	}
	return NULL;
}

/**
 * rtgate_pending_free() - Forget the kept writes
 * @vars: the snapshot
 */
void rtgate_pending_free(struct rtgate_vars *vars)
{
	struct rtgate_pending *p, *tmp;

	list_for_each_entry_safe(p, tmp, &vars->pending, list)
		rtgate_pending_del(vars, p);
}

/**
 * rtgate_pending_apply() - Apply the kept writes through firmware
 * @vars: the snapshot, no longer visible to readers
 *
 * Called by an opening, after its measurement, with the gate open: each
 * kept write goes to firmware in the order it was made. Then the file
 * they were published as is recorded in EFI_RTGATE_DONE_VAR, so that the
 * next boot's stub removes that file instead of applying it again over
 * later writes.
 */
void rtgate_pending_apply(struct rtgate_vars *vars)
{
	const efi_guid_t rtgate_guid = LINUX_EFI_RTGATE_GUID;
	struct efi_varfile_header *hdr;
	const struct rtgate_pending *p;
	u32 applied = 0, failed = 0;
	efi_status_t status;
	__le32 done[2];
	char name[64];
	size_t len;

	if (!vars->defer)
		return;
	list_for_each_entry(p, &vars->pending, list) {
		status = efi.set_variable((efi_char16_t *)p->buf,
					  (efi_guid_t *)&p->vendor, p->attr,
					  p->data_size,
					  (void *)(p->buf + p->name_size));
		/* A delete of a variable firmware no longer has is done. */
		if (status == EFI_SUCCESS ||
		    (status == EFI_NOT_FOUND && !rtgate_pending_listed(p) &&
		     !rtgate_pending_auth(p))) {
			applied++;
			continue;
		}
		failed++;
		rtgate_pending_ascii(p, name, sizeof(name));
		pr_warn("kept write of %s-%pUl not applied: firmware status 0x%lx\n",
			name, &p->vendor, status);
	}
	if (applied || failed)
		pr_info("kept variable writes applied through firmware: %u applied, %u failed\n",
			applied, failed);
	/* No file with a write in it can be waiting for the next boot. */
	if (!vars->pending_len)
		return;

	len = rtgate_varfile_encode(vars, NULL, 0);
	hdr = kmalloc(len, GFP_KERNEL);
	if (!hdr) {
		pr_warn("cannot record the applied file: the next boot applies it again\n");
		return;
	}
	rtgate_varfile_encode(vars, hdr, len);
	done[0] = hdr->length;
	done[1] = hdr->crc32;
	kfree(hdr);
	status = efi.set_variable((efi_char16_t *)EFI_RTGATE_DONE_VAR,
				  (efi_guid_t *)&rtgate_guid,
				  EFI_VARIABLE_NON_VOLATILE |
				  EFI_VARIABLE_BOOTSERVICE_ACCESS |
				  EFI_VARIABLE_RUNTIME_ACCESS,
				  sizeof(done), done);
	if (status != EFI_SUCCESS)
		pr_warn("cannot record the applied file (0x%lx): the next boot applies it again\n",
			status);
}
