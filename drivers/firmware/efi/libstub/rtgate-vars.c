// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot of the UEFI variables readable at runtime, taken before
 * ExitBootServices() for the EFI runtime services gate: while the gate is
 * closed, the kernel answers variable reads from this snapshot instead of
 * running firmware. See include/linux/efi_rtgate_vars.h for the layout.
 */

#include <linux/efi.h>
#include <linux/efi_rtgate_vars.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/efi.h>
#include <asm/setup.h>

#include "efistub.h"
#include "x86-stub.h"

/* GetNextVariableName() calls per pass, at most */
#define RTGATE_MAX_WALK		(4 * EFI_RTGATE_VARS_MAX_VARS)

/* The QueryVariableInfo() answers kept: what efivarfs and pstore ask. */
static const u32 rtgate_qvi_attrs[] = {
	EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
		EFI_VARIABLE_RUNTIME_ACCESS,
	EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
		EFI_VARIABLE_RUNTIME_ACCESS |
		EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS,
	EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS,
};

struct rtgate_snap {
	u8 *buf;
	u32 off;
	struct efi_rtgate_vars_header *hdr;
};

/*
 * Secure Boot, boot manager and boot loader variables go first, so that
 * the size cap can only leave out others: the global variables (SecureBoot,
 * SetupMode, Boot####, BootOrder, OsIndications...), db and dbx, shim's
 * MokListRT, MokListXRT and SbatLevelRT, and the Loader* variables of the
 * Boot Loader Interface.
 */
static bool rtgate_var_first(const efi_guid_t *vendor)
{
	static const efi_guid_t first[] = {
		EFI_GLOBAL_VARIABLE_GUID,
		EFI_IMAGE_SECURITY_DATABASE_GUID,
		EFI_SHIM_LOCK_GUID,
		LINUX_EFI_LOADER_ENTRY_GUID,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(first); i++)
		if (!efi_guidcmp(*vendor, first[i]))
			return true;
	return false;
}

static bool rtgate_var_known(const struct rtgate_snap *s,
			     const efi_char16_t *name, u32 name_size,
			     const efi_guid_t *vendor)
{
	u32 off = sizeof(*s->hdr) +
		  s->hdr->nr_qvi * sizeof(struct efi_rtgate_vars_qvi);
	u32 i;

	for (i = 0; i < s->hdr->nr_vars; i++) {
		const struct efi_rtgate_var *v = (void *)(s->buf + off);

		if (v->name_size == name_size && !efi_guidcmp(v->vendor, *vendor) &&
		    !memcmp(v + 1, name, name_size))
			return true;
		off += ALIGN(sizeof(*v) + v->name_size + v->data_size,
			     EFI_RTGATE_VARS_ALIGN);
	}
	return false;
}

/* Add the variable @name (@name_size bytes, NUL included) if it fits. */
static void rtgate_var_add(struct rtgate_snap *s, const efi_char16_t *name,
			   u32 name_size, const efi_guid_t *vendor)
{
	struct efi_rtgate_var *v = (void *)(s->buf + s->off);
	unsigned long room, data_size;
	efi_status_t status;
	u32 attr;

	/* Firmware that lists a variable twice gets it once. */
	if (rtgate_var_known(s, name, name_size, vendor))
		return;
	if (s->hdr->nr_vars == EFI_RTGATE_VARS_MAX_VARS ||
	    s->off + sizeof(*v) + name_size > EFI_RTGATE_VARS_MAX_LEN)
		goto left_out;

	room = EFI_RTGATE_VARS_MAX_LEN - s->off - sizeof(*v) - name_size;
	data_size = room;
	status = get_efi_var(name, vendor, &attr, &data_size,
			     (u8 *)(v + 1) + name_size);
	/* Gone since it was listed, or not readable at runtime: not there. */
	if (status == EFI_NOT_FOUND ||
	    (status == EFI_SUCCESS && !(attr & EFI_VARIABLE_RUNTIME_ACCESS)))
		return;
	/*
	 * Too big, or a read error: the variable exists but is left out, so
	 * that the kernel refuses it rather than report it absent (an absent
	 * SecureBoot would read as "Secure Boot off").
	 */
	if (status != EFI_SUCCESS || data_size > room)
		goto left_out;

	memcpy(v + 1, name, name_size);
	v->vendor = *vendor;
	v->attr = attr;
	v->name_size = name_size;
	v->data_size = data_size;
	v->reserved = 0;
	s->off += sizeof(*v) + name_size + data_size;
	while (s->off % EFI_RTGATE_VARS_ALIGN)
		s->buf[s->off++] = 0;
	s->hdr->nr_vars++;
	return;

left_out:
	s->hdr->flags |= EFI_RTGATE_VARS_TRUNCATED;
	s->hdr->nr_left_out++;
}

/* One pass over the variable store: @first selects the class to add. */
static void rtgate_vars_pass(struct rtgate_snap *s, bool first)
{
	efi_char16_t name[EFI_RTGATE_VARS_MAX_NAME / sizeof(efi_char16_t)];
	efi_guid_t vendor = NULL_GUID;
	unsigned long size;
	efi_status_t status;
	int i;

	name[0] = 0;
	/* Bounded: some firmware lists the same name forever. */
	for (i = 0; i < RTGATE_MAX_WALK; i++) {
		size = sizeof(name);
		status = efi_rt_call(get_next_variable, &size, name,
				     &vendor);
		if (status == EFI_NOT_FOUND)
			return;
		/*
		 * A name too long for the cap, an empty one (passing it back
		 * would restart the walk), or a firmware error: the walk
		 * cannot go on past it, so the rest is left out.
		 */
		if (status != EFI_SUCCESS || size < 2 * sizeof(efi_char16_t) ||
		    size > sizeof(name) || size % sizeof(efi_char16_t) ||
		    !name[0] || name[size / sizeof(efi_char16_t) - 1]) {
			s->hdr->flags |= EFI_RTGATE_VARS_TRUNCATED;
			s->hdr->nr_left_out++;
			return;
		}
		if (rtgate_var_first(&vendor) == first)
			rtgate_var_add(s, name, size, &vendor);
	}
	s->hdr->flags |= EFI_RTGATE_VARS_TRUNCATED;
	s->hdr->nr_left_out++;
}

/*
 * The kernel decides from its command line whether the gate starts
 * closed; with efi_rtgate=off (the last one counts) it never does, and
 * the snapshot would only cost boot time and memory.
 */
static bool rtgate_off(const struct boot_params *boot_params)
{
	const char *cmdline = (const char *)(unsigned long)
		(boot_params->hdr.cmd_line_ptr |
		 (u64)boot_params->ext_cmd_line_ptr << 32);
	char *buf, *str, *param, *val;
	bool off = false;
	efi_status_t status;
	size_t len;

	if (!cmdline)
		return false;
	len = strnlen(cmdline, COMMAND_LINE_SIZE - 1) + 1;
	status = efi_bs_call(allocate_pool, EFI_LOADER_DATA, len, (void **)&buf);
	if (status != EFI_SUCCESS)
		return false;
	memcpy(buf, cmdline, len - 1);
	buf[len - 1] = '\0';

	str = skip_spaces(buf);
	while (*str) {
		str = next_arg(str, &param, &val);
		if (!val && !strcmp(param, "--"))
			break;
		if (!strcmp(param, "efi_rtgate"))
			off = val && !strcmp(val, "off");
	}
	efi_bs_call(free_pool, buf);
	return off;
}

/**
 * efi_rtgate_snapshot_vars() - Hand the runtime-readable variables to the kernel
 * @boot_params: the boot parameters whose setup_data list gets the snapshot
 * @image: the loaded image, NULL when not started through its PE entry
 *
 * First applies the variable writes that a closed gate kept at the last
 * boot (efi_rtgate_apply_kept()), whatever this boot's gate does. Then
 * reads every variable with EFI_VARIABLE_RUNTIME_ACCESS, within
 * EFI_RTGATE_VARS_MAX_LEN, and adds them to @boot_params as a SETUP_EFI_VARS
 * setup_data entry below 4 GiB. Not in mixed mode, and no snapshot with
 * efi_rtgate=off. Failing to take the snapshot is not fatal: the kernel
 * then refuses reads while the gate is closed, as without one.
 */
void efi_rtgate_snapshot_vars(struct boot_params *boot_params,
			      efi_loaded_image_t *image)
{
	struct efi_rtgate_vars_qvi *qvi;
	unsigned long addr, used;
	struct setup_data *sd;
	struct rtgate_snap s;
	efi_guid_t machine;
	efi_status_t status;
	bool defer;
	int i;

	if (!efi_is_native())
		return;
	defer = efi_rtgate_apply_kept(image, &machine);
	if (rtgate_off(boot_params))
		return;

	status = efi_allocate_pages(sizeof(*sd) + EFI_RTGATE_VARS_MAX_LEN,
				    &addr, U32_MAX);
	if (status != EFI_SUCCESS) {
		efi_warn("No memory for the EFI runtime gate's variable snapshot\n");
		return;
	}
	sd = (struct setup_data *)addr;
	s.buf = sd->data;
	s.hdr = (struct efi_rtgate_vars_header *)s.buf;
	memset(s.hdr, 0, sizeof(*s.hdr));
	s.off = sizeof(*s.hdr);

	qvi = (struct efi_rtgate_vars_qvi *)(s.buf + s.off);
	for (i = 0; i < ARRAY_SIZE(rtgate_qvi_attrs) &&
	     efi_system_table->hdr.revision >= EFI_2_00_SYSTEM_TABLE_REVISION; i++) {
		status = efi_rt_call(query_variable_info, rtgate_qvi_attrs[i],
				     &qvi->storage_space, &qvi->remaining_space,
				     &qvi->max_variable_size);
		if (status != EFI_SUCCESS)
			continue;
		qvi->attr = rtgate_qvi_attrs[i];
		qvi->reserved = 0;
		qvi++;
		s.hdr->nr_qvi++;
	}
	s.off = (u8 *)qvi - s.buf;

	rtgate_vars_pass(&s, true);
	rtgate_vars_pass(&s, false);

	if (defer) {
		s.hdr->flags |= EFI_RTGATE_VARS_DEFER;
		s.hdr->machine = machine;
	}
	s.hdr->magic = EFI_RTGATE_VARS_MAGIC;
	s.hdr->version = EFI_RTGATE_VARS_VERSION;
	s.hdr->len = s.off;

	/* Give back the pages the snapshot does not use. */
	used = ALIGN(sizeof(*sd) + s.off, EFI_PAGE_SIZE);
	if (used < ALIGN(sizeof(*sd) + EFI_RTGATE_VARS_MAX_LEN, EFI_PAGE_SIZE))
		efi_free(sizeof(*sd) + EFI_RTGATE_VARS_MAX_LEN - used,
			 addr + used);

	sd->type = SETUP_EFI_VARS;
	sd->len = s.off;
	sd->next = boot_params->hdr.setup_data;
	boot_params->hdr.setup_data = addr;
}
