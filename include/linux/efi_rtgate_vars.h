/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot of UEFI variables that the x86 EFI stub takes before
 * ExitBootServices() and hands to the kernel in a SETUP_EFI_VARS
 * setup_data entry. While the EFI runtime services gate is closed, the
 * kernel answers GetVariable(), GetNextVariableName() and
 * QueryVariableInfo() from it instead of calling firmware.
 *
 * Layout (native byte order): the header, @nr_qvi QueryVariableInfo()
 * answers, then @nr_vars variable records, each starting 8-byte aligned:
 * the record, the NUL-terminated UCS-2 name (@name_size bytes), the data
 * (@data_size bytes) and zero padding. @len counts all of it.
 */
#ifndef _LINUX_EFI_RTGATE_VARS_H
#define _LINUX_EFI_RTGATE_VARS_H

#include <linux/bits.h>
#include <linux/efi.h>
#include <linux/sizes.h>
#include <linux/types.h>

#define EFI_RTGATE_VARS_MAGIC		0x52415645	/* "EVAR" */
#define EFI_RTGATE_VARS_VERSION		1

/* The size cap left variables out (counted in @nr_left_out) */
#define EFI_RTGATE_VARS_TRUNCATED	BIT(0)

/* Caps: the whole snapshot, its variables, one name, QVI answers */
#define EFI_RTGATE_VARS_MAX_LEN		SZ_256K
#define EFI_RTGATE_VARS_MAX_VARS	1024
#define EFI_RTGATE_VARS_MAX_NAME	1024
#define EFI_RTGATE_VARS_MAX_QVI		4

#define EFI_RTGATE_VARS_ALIGN		8

struct efi_rtgate_vars_header {
	u32 magic;
	u16 version;
	u16 flags;
	u32 len;
	u32 nr_qvi;
	u32 nr_vars;
	u32 nr_left_out;
};

/* One QueryVariableInfo() answer, for the attributes in @attr */
struct efi_rtgate_vars_qvi {
	u32 attr;
	u32 reserved;
	u64 storage_space;
	u64 remaining_space;
	u64 max_variable_size;
};

struct efi_rtgate_var {
	efi_guid_t vendor;
	u32 attr;
	u32 name_size;
	u32 data_size;
	u32 reserved;
};

#endif /* _LINUX_EFI_RTGATE_VARS_H */
