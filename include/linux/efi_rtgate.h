/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EFI runtime services gate: keeps firmware runtime code from running
 * after a measured (D-RTM) launch until root opens the gate, and measures
 * each opening into a TPM PCR first.
 */
#ifndef _LINUX_EFI_RTGATE_H
#define _LINUX_EFI_RTGATE_H

#include <linux/compiler.h>
#include <linux/efi.h>
#include <linux/types.h>

#ifdef CONFIG_EFI_RTGATE

/*
 * True while runtime service calls must not reach firmware. Written only
 * with the EFI runtime lock held (efi_rtgate_switch(),
 * efi_rtgate_try_close()) or before the first runtime service call. Paths
 * into firmware read it with that lock held; other readers get a snapshot.
 */
extern bool efi_rtgate_closed_state;

void efi_rtgate_report(enum efi_rts_ids id, const void *caller);
void __init efi_rtgate_boot_init(void);
bool __init efi_rtgate_novamap(void);
void efi_rtgate_switch(bool close);
bool efi_rtgate_try_close(void);
int efi_rtgate_kexec_load(void);
enum efi_secureboot_mode efi_rtgate_secureboot_mode(enum efi_secureboot_mode mode);

/**
 * efi_rtgate_closed() - Is the runtime services gate closed?
 *
 * Takes no lock and never sleeps. The answer is stable while the caller
 * holds the EFI runtime lock.
 *
 * Return: true if runtime service calls must not reach firmware.
 */
static __always_inline bool efi_rtgate_closed(void)
{
	return READ_ONCE(efi_rtgate_closed_state);
}

/**
 * efi_rtgate_refuse() - Refuse a firmware call if the gate is closed
 * @id: the runtime service about to be called; %EFI_NONE for a firmware
 *	call outside the runtime services table (mixed mode, SGI UV BIOS)
 *
 * Must be called with the EFI runtime lock held, so that the answer cannot
 * change before the call reaches firmware. Mixed-mode thunks hold their own
 * lock instead: there the gate keeps its boot state for good.
 *
 * Context: any context, including atomic and panic context.
 * Return: true if the call must not go on (the refusal has been reported).
 */
static __always_inline bool efi_rtgate_refuse(enum efi_rts_ids id)
{
	if (likely(!efi_rtgate_closed()))
		return false;
	efi_rtgate_report(id, __builtin_return_address(0));
	return true;
}

/* Variable reads while the gate is closed, from the EFI stub's snapshot */
efi_status_t efi_rtgate_get_variable(efi_char16_t *name, efi_guid_t *vendor,
				     u32 *attr, unsigned long *data_size,
				     void *data);
efi_status_t efi_rtgate_get_next_variable(unsigned long *name_size,
					  efi_char16_t *name,
					  efi_guid_t *vendor);
efi_status_t efi_rtgate_query_variable_info(u32 attr, u64 *storage_space,
					    u64 *remaining_space,
					    u64 *max_variable_size);
efi_status_t efi_rtgate_set_variable(efi_char16_t *name, efi_guid_t *vendor,
				     u32 attr, unsigned long data_size,
				     void *data);

#else /* !CONFIG_EFI_RTGATE */

static inline efi_status_t
efi_rtgate_get_variable(efi_char16_t *name, efi_guid_t *vendor, u32 *attr,
			unsigned long *data_size, void *data)
{
	return EFI_UNSUPPORTED;
}

static inline efi_status_t
efi_rtgate_get_next_variable(unsigned long *name_size, efi_char16_t *name,
			     efi_guid_t *vendor)
{
	return EFI_UNSUPPORTED;
}

static inline efi_status_t
efi_rtgate_query_variable_info(u32 attr, u64 *storage_space,
			       u64 *remaining_space, u64 *max_variable_size)
{
	return EFI_UNSUPPORTED;
}

static inline efi_status_t
efi_rtgate_set_variable(efi_char16_t *name, efi_guid_t *vendor, u32 attr,
			unsigned long data_size, void *data)
{
	return EFI_UNSUPPORTED;
}

static inline int efi_rtgate_kexec_load(void) { return 0; }
static inline bool efi_rtgate_closed(void) { return false; }
static inline bool efi_rtgate_refuse(enum efi_rts_ids id) { return false; }
static inline void efi_rtgate_boot_init(void) { }
static inline bool efi_rtgate_novamap(void) { return false; }
static inline enum efi_secureboot_mode
efi_rtgate_secureboot_mode(enum efi_secureboot_mode mode) { return mode; }

#endif /* CONFIG_EFI_RTGATE */

#endif /* _LINUX_EFI_RTGATE_H */
