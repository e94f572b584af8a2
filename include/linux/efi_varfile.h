/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File format for storing UEFI variables: EBBR chapter 5, "File Format For
 * Storing EFI Variables", as U-Boot keeps its variable store on the ESP.
 * All fields are little-endian.
 *
 * A file is the header, then entries from offset sizeof(header) up to
 * @length, each padded with NUL bytes to a multiple of
 * EFI_VARFILE_ALIGN: the entry, the NUL-terminated UCS-2 name, then
 * @data_size bytes of data. @crc32 is the CRC-32 (as UEFI's
 * CalculateCrc32()) of the entries.
 *
 * Firmware that keeps its variables in such a file publishes two
 * variables under EFI_VARTOFILE_GUID, both BS|RT and read-only:
 * RTStorageVolatile, the file's name in the root of the ESP (ASCII,
 * NUL-terminated), and VarToFile, the file's contents; after a variable
 * write, user space copies VarToFile to that file.
 */
#ifndef _LINUX_EFI_VARFILE_H
#define _LINUX_EFI_VARFILE_H

#include <linux/efi.h>
#include <linux/types.h>

#define EFI_VARFILE_MAGIC		"UbEfiVa"
#define EFI_VARFILE_MAGIC_LEN		7
#define EFI_VARFILE_REVISION		1
#define EFI_VARFILE_ALIGN		8

#define EFI_VARTOFILE_GUID	EFI_GUID(0xb2ac5fc9, 0x92b7, 0x4acd,  0xae, 0xac, 0x11, 0xe8, 0x18, 0xc3, 0x13, 0x0c)

struct efi_varfile_header {
	__le64 reserved;
	u8 magic[EFI_VARFILE_MAGIC_LEN];
	u8 revision;
	__le32 length;
	__le32 crc32;
};

struct efi_varfile_entry {
	__le32 data_size;
	__le32 attr;
	__le64 time;		/* 0: not time-authenticated, or in @data */
	efi_guid_t vendor;
};

#endif /* _LINUX_EFI_VARFILE_H */
