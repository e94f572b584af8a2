/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface of the EFI runtime services gate, shared between its
 * files and with its KUnit tests.
 */
#ifndef _EFI_RTGATE_H
#define _EFI_RTGATE_H

#include <crypto/sha2.h>
#include <linux/bits.h>
#include <linux/efi.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/tpm.h>
#include <linux/types.h>

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

/* TCG PC Client event types: Spec ID header, and tagged events as the EFI stub uses */
#define RTGATE_EV_NO_ACTION		0x00000003
#define RTGATE_EV_EVENT_TAG		0x00000006
/* taggedEventID of the opening event; 0x8F3B22EC/ED are the EFI stub's */
#define RTGATE_EVENT_TAG_ID		0x8F3B22EE
#define RTGATE_EVENT_DATA		"efi_rtgate:open"
#define RTGATE_EVENT_DATA_LEN		(sizeof(RTGATE_EVENT_DATA) - 1)
/* TCG_PCClientTaggedEvent: taggedEventID, taggedEventDataSize, data */
#define RTGATE_EVENT_LEN		(2 * sizeof(u32) + RTGATE_EVENT_DATA_LEN)
/* The event of a kexec image loaded while the gate is armed */
#define RTGATE_KEXEC_EVENT_DATA		"efi_rtgate:kexec"
#define RTGATE_KEXEC_EVENT_LEN		(2 * sizeof(u32) + \
					 sizeof(RTGATE_KEXEC_EVENT_DATA) - 1)

/*
 * The event of the runtime code an opening lets run, measured before the
 * opening event: RTGATE_CODE_EVENT_DATA with its NUL, the source of the
 * ranges and their number (le32 each), then per range its physical start
 * and length in bytes (le64 each) and the SHA-256 digest of its content.
 */
#define RTGATE_CODE_EVENT_DATA		"efi_rtgate:code"
#define RTGATE_CODE_HEAD_LEN		(sizeof(RTGATE_CODE_EVENT_DATA) + \
					 2 * sizeof(u32))
#define RTGATE_CODE_RANGE_LEN		(2 * sizeof(u64) + SHA256_DIGEST_SIZE)
/* At most 6 KiB of event data */
#define RTGATE_CODE_MAX_RANGES		128
/* Read-only EfiRuntimeServicesCode ranges of the memory attributes table */
#define RTGATE_CODE_SOURCE_MEMATTR	1
/* Whole EfiRuntimeServicesCode regions of the memory map */
#define RTGATE_CODE_SOURCE_MEMMAP	2

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

/* What the boot decision reads of a D-RTM launch */
struct rtgate_launch {
	u32 slaunch_flags;	/* Secure Launch's flags */
	bool tboot;		/* tboot launched this kernel */
	bool smx;		/* the CPU has SMX, so TXT.STS exists */
	u64 txt_sts;		/* TXT.STS, read only with SMX */
};

/*
 * The event log: a Spec ID header followed by one event per opening, and
 * the PCR banks the header names (every later event must use them).
 */
struct rtgate_log {
	u8 *data;
	size_t len;
	u32 nr_banks;
	struct tpm_bank_info banks[TPM2_MAX_PCR_BANKS];
};

/*
 * Serializes the gate's state changes (runtime_enable writers, sleep
 * notifications) and protects the event log.
 */
extern struct mutex rtgate_mutex;

/* rtgate_hash.c */
int rtgate_hash(u16 alg_id, const u8 *data, size_t len, u8 *out);
u16 rtgate_hash_size(u16 alg_id);

/* rtgate_code.c */
void __init rtgate_code_init(void);
const u8 *rtgate_code_data(size_t *len);

/* A checked copy of the EFI stub's variable snapshot */
struct rtgate_vars {
	u8 *buf;
	size_t len;
	u32 *offsets;
	const struct efi_rtgate_vars_qvi *qvi;
	u32 nr_qvi;
	u32 nr_vars;
	bool truncated;
	/* Writes kept for the next boot: rtgate_pending.c */
	bool defer;
	efi_guid_t machine;
	struct list_head pending;
	size_t pending_len;
	u32 nr_pending;
};

/* rtgate_vars.c */
void __init rtgate_vars_init(void);
void rtgate_vars_drop(bool apply);
bool rtgate_vars_lookup(const struct rtgate_vars *vars, const efi_char16_t *name,
			size_t name_size, const efi_guid_t *vendor, u32 *attr,
			const void **data, u32 *size);
efi_status_t rtgate_vars_query(const struct rtgate_vars *vars, u32 attr,
			       u64 *storage_space, u64 *remaining_space,
			       u64 *max_variable_size);

/* rtgate_pending.c: variable writes kept while closed */
struct rtgate_pending;
const struct rtgate_pending *rtgate_pending_find(const struct rtgate_vars *vars,
						 const efi_char16_t *name,
						 size_t name_size,
						 const efi_guid_t *vendor);
const struct rtgate_pending *rtgate_pending_next(const struct rtgate_vars *vars,
						 const struct rtgate_pending *p);
bool rtgate_pending_listed(const struct rtgate_pending *p);
u32 rtgate_pending_attr(const struct rtgate_pending *p);
const void *rtgate_pending_data(const struct rtgate_pending *p, u32 *size);
const efi_char16_t *rtgate_pending_name(const struct rtgate_pending *p,
					u32 *size, efi_guid_t *vendor);
efi_status_t rtgate_pending_get(const struct rtgate_vars *vars,
				const efi_char16_t *name, size_t name_size,
				const efi_guid_t *vendor, u32 *attr,
				unsigned long *data_size, void *data);
const efi_char16_t *rtgate_pending_extra(u32 i, u32 *name_size);
efi_status_t rtgate_pending_set(struct rtgate_vars *vars,
				const efi_char16_t *name,
				const efi_guid_t *vendor, u32 attr,
				unsigned long data_size, const void *data);
void rtgate_pending_free(struct rtgate_vars *vars);
void rtgate_pending_apply(struct rtgate_vars *vars);

/* rtgate_measure.c */
int rtgate_measure_open(u32 pcr);
int rtgate_measure_kexec(u32 pcr);
int __init rtgate_log_init(void);

#if IS_ENABLED(CONFIG_KUNIT)
int rtgate_parse_mode(const char *arg, enum rtgate_mode *mode);
int rtgate_parse_pcr(const char *arg, u32 *pcr);
int rtgate_parse_write(const char *buf, bool *open);
enum rtgate_reason rtgate_decide(enum rtgate_mode mode,
				 const struct rtgate_launch *launch,
				 bool *closed);
const char *rtgate_reason_name(enum rtgate_reason reason);
bool rtgate_pcr_reachable(enum rtgate_reason reason, u32 pcr);
void rtgate_encode_event(u8 *event);
void rtgate_encode_kexec_event(u8 *event);
size_t rtgate_code_encode(u8 *buf, u32 source, const u64 *phys,
			  const u64 *len, const u8 *digests, u32 nr);
struct rtgate_vars *rtgate_vars_parse(const void *data, size_t len,
				      const char **why);
void rtgate_vars_free(struct rtgate_vars *vars);
struct rtgate_vars *rtgate_vars_swap(struct rtgate_vars *vars);
efi_status_t rtgate_vars_get(const struct rtgate_vars *vars, efi_char16_t *name,
			     efi_guid_t *vendor, u32 *attr,
			     unsigned long *data_size, void *data);
efi_status_t rtgate_vars_next(const struct rtgate_vars *vars,
			      unsigned long *name_size, efi_char16_t *name,
			      efi_guid_t *vendor);
size_t rtgate_log_header(u8 *buf, const struct tpm_bank_info *banks,
			 u32 nr_banks);
size_t rtgate_log_entry(u8 *buf, u32 pcr, const struct tpm_digest *digests,
			const struct tpm_bank_info *banks, u32 nr_banks,
			const u8 *event, u32 event_len);
int rtgate_check_banks(const struct tpm_bank_info *banks, u32 nr_banks);
int rtgate_set_open(bool open);
void rtgate_pm_transition(unsigned long action);
int rtgate_syscore_suspend(void *data);
int rtgate_kexec_load(void);
u8 *rtgate_log_dup(size_t *len);
size_t rtgate_varfile_encode(const struct rtgate_vars *vars, void *buf,
			     size_t size);

/* Test-only: exchange the gate's state with a test's own */
struct rtgate_state {
	struct rtgate_log log;
	u32 pcr;
	bool armed;
	bool sleeping;
	bool closed_by_sleep;
	bool hibernating;
	enum rtgate_mode mode;
	enum rtgate_reason reason;
};

void rtgate_state_swap(struct rtgate_state *state);
void rtgate_log_swap(struct rtgate_log *log);

/* Redirected by KUnit static stubs */
struct tpm_chip *rtgate_tpm_chip(void);
void rtgate_tpm_put(struct tpm_chip *chip);
int rtgate_tpm_pcr_read(struct tpm_chip *chip, u32 pcr,
			struct tpm_digest *digest);
int rtgate_tpm_pcr_extend(struct tpm_chip *chip, u32 pcr,
			  struct tpm_digest *digests);
void rtgate_ima_measure(const char *name, const u8 *data, size_t len);
bool rtgate_runtime_usable(void);
bool rtgate_closed(void);
void rtgate_switch(bool close);
bool rtgate_try_close(void);
enum rtgate_reason rtgate_boot_reason(void);
void rtgate_read_launch(struct rtgate_launch *launch);
#endif

#endif /* _EFI_RTGATE_H */
