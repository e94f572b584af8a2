/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface of the EFI runtime services gate, shared with its
 * KUnit tests.
 */
#ifndef _EFI_RTGATE_H
#define _EFI_RTGATE_H

#include <linux/tpm.h>
#include <linux/bits.h>
#include <linux/types.h>
#include <kunit/visibility.h>

/* Boot policy selected with efi_rtgate= */
enum rtgate_mode {
	RTGATE_MODE_AUTO,
	RTGATE_MODE_ON,
	RTGATE_MODE_OFF,
};

/* Why the gate is in its boot state, as shown in runtime_gate_reason */
enum rtgate_reason {
	RTGATE_REASON_NONE,
	RTGATE_REASON_CMDLINE,
	RTGATE_REASON_SECURE_LAUNCH,
	RTGATE_REASON_TBOOT,
	RTGATE_REASON_TXT,
};

/* TCG PC Client event type for tagged events, as the EFI stub uses */
#define RTGATE_EV_NO_ACTION		0x00000003
#define RTGATE_EV_EVENT_TAG		0x00000006
/* taggedEventID of the opening event; 0x8F3B22EC/ED are the EFI stub's */
#define RTGATE_EVENT_TAG_ID		0x8F3B22EE
#define RTGATE_EVENT_DATA		"efi_rtgate:open"
#define RTGATE_EVENT_DATA_LEN		(sizeof(RTGATE_EVENT_DATA) - 1)
/* TCG_PCClientTaggedEvent: taggedEventID, taggedEventDataSize, data */
#define RTGATE_EVENT_LEN		(2 * sizeof(u32) + RTGATE_EVENT_DATA_LEN)

/* PCR 16 and 20-23 can be reset by software: never acceptable. */
static inline bool rtgate_pcr_allowed(u32 pcr)
{
	return pcr <= 15 || (pcr >= 17 && pcr <= 19);
}

/* Intel TXT public configuration space and TXT.STS bits */
#define RTGATE_TXT_PUB_CONFIG_BASE	0xfed30000UL
#define RTGATE_TXT_STS			0x000
#define RTGATE_TXT_STS_SENTER_DONE	BIT(0)
#define RTGATE_TXT_STS_SEXIT_DONE	BIT(1)

/* SL_FLAG_ACTIVE | SL_FLAG_ARCH_TXT of the Secure Launch series */
#define RTGATE_SL_TXT			(BIT(0) | BIT(1))

#if IS_ENABLED(CONFIG_KUNIT)
int rtgate_parse_mode(const char *arg, enum rtgate_mode *mode);
int rtgate_parse_pcr(const char *arg, u32 *pcr);
int rtgate_parse_write(const char *buf, bool *open);
enum rtgate_reason rtgate_decide(enum rtgate_mode mode, bool *closed);
const char *rtgate_reason_name(enum rtgate_reason reason);
void rtgate_encode_event(u8 *event);
size_t rtgate_log_header(u8 *buf, const struct tpm_bank_info *banks,
			 u32 nr_banks);
size_t rtgate_log_entry(u8 *buf, u32 pcr, const struct tpm_digest *digests,
			const struct tpm_bank_info *banks, u32 nr_banks,
			const u8 *event, u32 event_len);
int rtgate_set_open(bool open);
bool rtgate_is_closed(void);
u8 *rtgate_log_dup(size_t *len);
void rtgate_log_swap(u8 **log, size_t *len, u32 *nr_banks);

/* Redirected by KUnit static stubs */
int rtgate_tpm_pcr_event(struct tpm_chip *chip, u32 pcr, const u8 *event,
			 u32 event_len, struct tpm_digest *digests);
struct tpm_chip *rtgate_tpm_chip(void);
void rtgate_tpm_put(struct tpm_chip *chip);
void rtgate_switch(bool close);
u32 rtgate_slaunch_flags(void);
bool rtgate_tboot_enabled(void);
bool rtgate_cpu_has_smx(void);
u64 rtgate_read_txt_sts(void);
#endif

#endif /* _EFI_RTGATE_H */
