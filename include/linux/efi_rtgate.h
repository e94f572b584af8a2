/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EFI runtime services gate: keeps firmware runtime code from running
 * after a measured (D-RTM) launch until root opens the gate, and measures
 * each opening into a TPM PCR first.
 */
#ifndef _LINUX_EFI_RTGATE_H
#define _LINUX_EFI_RTGATE_H

#include <linux/efi.h>
#include <linux/jump_label.h>
#include <linux/types.h>

#ifdef CONFIG_EFI_RTGATE

DECLARE_STATIC_KEY_FALSE(efi_rtgate_closed_key);

void efi_rtgate_report(enum efi_rts_ids id);
void __init efi_rtgate_boot_init(void);
void efi_rtgate_switch(bool close);

/**
 * efi_rtgate_closed() - Is the runtime services gate closed?
 *
 * Costs a NOP while the gate is open. Takes no lock and never sleeps.
 *
 * Return: true if runtime service calls must not reach firmware.
 */
static __always_inline bool efi_rtgate_closed(void)
{
	return static_branch_unlikely(&efi_rtgate_closed_key);
}

/**
 * efi_rtgate_refuse() - Refuse a runtime service call if the gate is closed
 * @id: the runtime service about to be called
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
	if (!efi_rtgate_closed())
		return false;
	efi_rtgate_report(id);
	return true;
}

#else /* !CONFIG_EFI_RTGATE */

static inline bool efi_rtgate_closed(void) { return false; }
static inline bool efi_rtgate_refuse(enum efi_rts_ids id) { return false; }
static inline void efi_rtgate_boot_init(void) { }

#endif /* CONFIG_EFI_RTGATE */

#endif /* _LINUX_EFI_RTGATE_H */
