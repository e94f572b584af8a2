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
#define EFI_RTGATE_VARS_VERSION		2

/* The size cap left variables out (counted in @nr_left_out) */
#define EFI_RTGATE_VARS_TRUNCATED	BIT(0)
/*
 * The kernel was loaded from a writable file system, whose root the stub
 * of the next boot reads EFI_RTGATE_FILE_NAME from; @machine holds the
 * SMBIOS system UUID that binds the file to this machine.
 */
#define EFI_RTGATE_VARS_DEFER		BIT(1)

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
	efi_guid_t machine;
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

/*
 * Variable writes deferred to the next boot. While the gate is closed,
 * the kernel keeps runtime-accessible variable writes and publishes them
 * as VarToFile (include/linux/efi_varfile.h), with RTStorageVolatile
 * naming EFI_RTGATE_FILE_NAME. User space copies VarToFile to that file
 * on the ESP; the next boot's stub applies it before ExitBootServices().
 *
 * Each entry of the file is one SetVariable() call: attributes (with
 * APPEND_WRITE or TIME_BASED_AUTHENTICATED_WRITE_ACCESS as given), name,
 * vendor and data; a @data_size of 0 deletes. The first entry binds the
 * file to a machine: L"RtGateMachine" under LINUX_EFI_RTGATE_GUID,
 * BOOTSERVICE_ACCESS only, holding the SMBIOS system UUID; it is checked,
 * never written.
 */
#define LINUX_EFI_RTGATE_GUID	EFI_GUID(0x29b18b67, 0x47a7, 0x48e1,  0x9c, 0x85, 0xe5, 0x8a, 0xba, 0x96, 0x38, 0x2f)

#define EFI_RTGATE_FILE_NAME		"efi-rtgate.var"
#define EFI_RTGATE_FILE_MAX_LEN		SZ_64K
#define EFI_RTGATE_FILE_MAX_ENTRIES	128

/* UCS-2 names under LINUX_EFI_RTGATE_GUID */
#define EFI_RTGATE_MACHINE_VAR		L"RtGateMachine"
/*
 * Non-volatile, written by the stub that found a file: the status of the
 * file as a whole (EFI_RTGATE_FILE_* in bits 0-31, and
 * EFI_RTGATE_APPLIED_RESET), then the SetVariable() status of each entry
 * after the binding one, u64 each. It is there for the kernel that boots
 * next: the stub of a later boot clears EFI_RTGATE_APPLIED_RESET (the one
 * after a reset), or removes it.
 */
#define EFI_RTGATE_APPLIED_VAR		L"RtGateApplied"
#define EFI_RTGATE_APPLIED_RESET	BIT_ULL(32)	/* the stub reset after it */
#define EFI_RTGATE_FILE_APPLIED		0	/* checked, measured, applied */
#define EFI_RTGATE_FILE_MALFORMED	1
#define EFI_RTGATE_FILE_TRUNCATED	2
#define EFI_RTGATE_FILE_CRC		3	/* CRC-32 mismatch */
#define EFI_RTGATE_FILE_FOREIGN		4	/* another machine's */
#define EFI_RTGATE_FILE_OVERSIZED	5
#define EFI_RTGATE_FILE_UNREADABLE	6
#define EFI_RTGATE_FILE_UNMEASURED	7	/* the TPM refused the event */
#define EFI_RTGATE_FILE_DONE		8	/* an opening applied it */

/* taggedEventID of the stub's event, in PCR 9 with the initrd's */
#define EFI_RTGATE_VARS_EVENT_TAG_ID	0x8F3B22EFU
#define EFI_RTGATE_VARS_EVENT_DATA	"efi_rtgate: kept variable writes"
/*
 * Non-volatile, written by an opening that applied the pending writes
 * through firmware: the length and CRC-32 (le32 each) of the file those
 * writes were published as. A stub that finds that file removes it
 * without applying it again.
 */
#define EFI_RTGATE_DONE_VAR		L"RtGateDone"

#endif /* _LINUX_EFI_RTGATE_VARS_H */
