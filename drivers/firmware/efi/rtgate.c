// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate
 *
 * After an Intel TXT / Secure Launch (D-RTM) launch, EFI runtime services
 * are firmware code that runs with kernel privilege but lies outside the
 * measured trusted computing base. The gate keeps every runtime service
 * call away from the firmware while it is closed. Runtime services are
 * still set up at boot, so root can open the gate later; opening first
 * measures an event into a TPM PCR and records it in an event log, and
 * fails closed if the TPM cannot be used.
 */

#define pr_fmt(fmt) "efi_rtgate: " fmt

#include <linux/capability.h>
#include <linux/cpufeature.h>
#include <linux/efi.h>
#include <linux/efi_rtgate.h>
#include <linux/fs.h>
#include <linux/ima.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/sysfs.h>
#include <linux/tboot.h>
#include <linux/tpm.h>
#include <linux/tpm_eventlog.h>
#include <linux/unaligned.h>
#include <asm/efi.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "rtgate.h"

#ifdef CONFIG_SECURE_LAUNCH
#include <linux/slaunch.h>
static_assert(RTGATE_SL_TXT == (SL_FLAG_ACTIVE | SL_FLAG_ARCH_TXT));
#endif

/* Enabled while runtime service calls must not reach firmware. */
DEFINE_STATIC_KEY_FALSE(efi_rtgate_closed_key);

static enum rtgate_mode rtgate_mode __ro_after_init = RTGATE_MODE_AUTO;
static enum rtgate_reason rtgate_reason __ro_after_init = RTGATE_REASON_NONE;
static u32 rtgate_pcr __ro_after_init = CONFIG_EFI_RTGATE_PCR;

/*
 * Serializes writers of runtime_enable, hibernation and readers of the
 * event log: protects the open/closed transitions and rtgate_log.
 */
static DEFINE_MUTEX(rtgate_mutex);

/* The event log: a Spec ID header followed by one event per opening. */
static u8 *rtgate_log;
static size_t rtgate_log_len;
/* The banks named in the log header: every later event must use them. */
static struct tpm_bank_info rtgate_log_banks[TPM2_MAX_PCR_BANKS];
static u32 rtgate_log_nr_banks;

/* Set once the boot decision is taken: the gate then guards every call. */
static bool rtgate_ready __ro_after_init;
/*
 * Set when the gate was closed at boot or has been opened with a
 * measurement: from then on, sleep states that reset the PCR close it.
 */
static bool rtgate_armed;

static const char * const rtgate_service_names[] = {
	[EFI_NONE]			= "mixed-mode call",
	[EFI_GET_TIME]			= "GetTime()",
	[EFI_SET_TIME]			= "SetTime()",
	[EFI_GET_WAKEUP_TIME]		= "GetWakeupTime()",
	[EFI_SET_WAKEUP_TIME]		= "SetWakeupTime()",
	[EFI_GET_VARIABLE]		= "GetVariable()",
	[EFI_GET_NEXT_VARIABLE]		= "GetNextVariableName()",
	[EFI_SET_VARIABLE]		= "SetVariable()",
	[EFI_QUERY_VARIABLE_INFO]	= "QueryVariableInfo()",
	[EFI_GET_NEXT_HIGH_MONO_COUNT]	= "GetNextHighMonotonicCount()",
	[EFI_RESET_SYSTEM]		= "ResetSystem()",
	[EFI_UPDATE_CAPSULE]		= "UpdateCapsule()",
	[EFI_QUERY_CAPSULE_CAPS]	= "QueryCapsuleCapabilities()",
	[EFI_ACPI_PRM_HANDLER]		= "ACPI PRM handler",
};

/**
 * efi_rtgate_report() - Report a runtime service call refused by the gate
 * @id: the refused service
 *
 * Context: any context; does not sleep.
 */
void efi_rtgate_report(enum efi_rts_ids id)
{
	const char *name = NULL;

	if (id < ARRAY_SIZE(rtgate_service_names))
		name = rtgate_service_names[id];

	pr_warn_ratelimited("refused %s from %s[%d]: runtime services are closed\n",
			    name ?: "runtime service", current->comm,
			    task_pid_nr(current));
}

/* ---- Boot policy ---- */

VISIBLE_IF_KUNIT int rtgate_parse_mode(const char *arg, enum rtgate_mode *mode)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "auto"))
		*mode = RTGATE_MODE_AUTO;
	else if (!strcmp(arg, "on"))
		*mode = RTGATE_MODE_ON;
	else if (!strcmp(arg, "off"))
		*mode = RTGATE_MODE_OFF;
	else
		return -EINVAL;
	return 0;
}

static int __init rtgate_mode_setup(char *arg)
{
	if (rtgate_parse_mode(arg, &rtgate_mode))
		pr_warn("ignoring efi_rtgate=%s: expected auto, on or off\n",
			arg ?: "");
	return 0;
}
early_param("efi_rtgate", rtgate_mode_setup);

VISIBLE_IF_KUNIT int rtgate_parse_pcr(const char *arg, u32 *pcr)
{
	u32 val;

	if (!arg || kstrtou32(arg, 0, &val))
		return -EINVAL;
	if (!rtgate_pcr_allowed(val))
		return -ERANGE;
	*pcr = val;
	return 0;
}

static int __init rtgate_pcr_setup(char *arg)
{
	int err = rtgate_parse_pcr(arg, &rtgate_pcr);

	if (err == -ERANGE)
		pr_warn("ignoring efi_rtgate_pcr=%s: software can reset that PCR; using PCR %u\n",
			arg, rtgate_pcr);
	else if (err)
		pr_warn("ignoring efi_rtgate_pcr=%s: not a PCR index; using PCR %u\n",
			arg ?: "", rtgate_pcr);
	return 0;
}
early_param("efi_rtgate_pcr", rtgate_pcr_setup);

/* ---- Launch detection ---- */

VISIBLE_IF_KUNIT u32 rtgate_slaunch_flags(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_slaunch_flags);
#ifdef CONFIG_SECURE_LAUNCH
	return slaunch_get_flags();
#else
	return 0;
#endif
}

VISIBLE_IF_KUNIT bool rtgate_tboot_enabled(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tboot_enabled);
	return tboot_enabled();
}

VISIBLE_IF_KUNIT bool rtgate_cpu_has_smx(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_cpu_has_smx);
	return boot_cpu_has(X86_FEATURE_SMX);
}

/* Only called when the CPU has SMX: TXT.STS exists only then. */
VISIBLE_IF_KUNIT u64 rtgate_read_txt_sts(void)
{
	void __iomem *regs;
	u64 sts;

	KUNIT_STATIC_STUB_REDIRECT(rtgate_read_txt_sts);

	regs = ioremap(RTGATE_TXT_PUB_CONFIG_BASE + RTGATE_TXT_STS, sizeof(u64));
	if (!regs)
		return 0;
	sts = readq(regs);
	iounmap(regs);
	return sts;
}

/*
 * The Secure Launch series exposes its flags; tboot reports itself; a
 * launch without either still shows in TXT.STS: SENTER.DONE is set by
 * GETSEC[SENTER] and SEXIT.DONE by GETSEC[SEXIT].
 */
static enum rtgate_reason rtgate_detect_launch(void)
{
	u64 sts;

	if ((rtgate_slaunch_flags() & RTGATE_SL_TXT) == RTGATE_SL_TXT)
		return RTGATE_REASON_SECURE_LAUNCH;
	if (rtgate_tboot_enabled())
		return RTGATE_REASON_TBOOT;
	if (!rtgate_cpu_has_smx())
		return RTGATE_REASON_NONE;

	sts = rtgate_read_txt_sts();
	if ((sts & RTGATE_TXT_STS_SENTER_DONE) &&
	    !(sts & RTGATE_TXT_STS_SEXIT_DONE))
		return RTGATE_REASON_TXT;
	return RTGATE_REASON_NONE;
}

VISIBLE_IF_KUNIT enum rtgate_reason rtgate_decide(enum rtgate_mode mode,
						  bool *closed)
{
	enum rtgate_reason reason;

	switch (mode) {
	case RTGATE_MODE_ON:
		*closed = true;
		return RTGATE_REASON_CMDLINE;
	case RTGATE_MODE_OFF:
		*closed = false;
		return RTGATE_REASON_CMDLINE;
	default:
		reason = rtgate_detect_launch();
		*closed = reason != RTGATE_REASON_NONE;
		return reason;
	}
}

VISIBLE_IF_KUNIT const char *rtgate_reason_name(enum rtgate_reason reason)
{
	switch (reason) {
	case RTGATE_REASON_CMDLINE:
		return "cmdline";
	case RTGATE_REASON_SECURE_LAUNCH:
		return "secure-launch";
	case RTGATE_REASON_TBOOT:
		return "tboot";
	case RTGATE_REASON_TXT:
		return "txt";
	default:
		return "none";
	}
}

/**
 * efi_rtgate_boot_init() - Decide whether the gate starts closed
 *
 * Called once runtime services are mapped (after SetVirtualAddressMap) and
 * before the kernel makes its first runtime service call.
 */
void __init efi_rtgate_boot_init(void)
{
	bool closed;

	/* Kconfig cannot express the holes in the allowed range. */
	BUILD_BUG_ON(!rtgate_pcr_allowed(CONFIG_EFI_RTGATE_PCR));

	rtgate_reason = rtgate_decide(rtgate_mode, &closed);
	if (closed)
		static_branch_enable(&efi_rtgate_closed_key);
	rtgate_armed = closed;
	rtgate_ready = true;

	pr_info("runtime services %s at boot (reason: %s)\n",
		closed ? "closed" : "open", rtgate_reason_name(rtgate_reason));
}

/* ---- Measurement and event log ---- */

/* Fill @event (RTGATE_EVENT_LEN bytes) with the TCG_PCClientTaggedEvent. */
VISIBLE_IF_KUNIT void rtgate_encode_event(u8 *event)
{
	put_unaligned_le32(RTGATE_EVENT_TAG_ID, event);
	put_unaligned_le32(RTGATE_EVENT_DATA_LEN, event + 4);
	memcpy(event + 8, RTGATE_EVENT_DATA, RTGATE_EVENT_DATA_LEN);
}

/*
 * Encode the Spec ID Event03 header (a TCG_PCR_EVENT) that names the banks.
 * With @buf NULL, only return the size.
 */
VISIBLE_IF_KUNIT size_t rtgate_log_header(u8 *buf,
					  const struct tpm_bank_info *banks,
					  u32 nr_banks)
{
	size_t spec_len = sizeof(struct tcg_efi_specid_event_head) +
			  nr_banks * sizeof(struct tcg_efi_specid_event_algs) + 1;
	size_t len = sizeof(struct tcg_pcr_event) + spec_len;
	u8 *p = buf;
	u32 i;

	if (!buf)
		return len;

	memset(buf, 0, len);
	put_unaligned_le32(0, p);				/* PCRIndex */
	put_unaligned_le32(RTGATE_EV_NO_ACTION, p + 4);		/* EventType */
	p += 8 + TPM_DIGEST_SIZE;				/* zero digest */
	put_unaligned_le32(spec_len, p);			/* EventSize */
	p += 4;

	memcpy(p, TCG_SPECID_SIG, sizeof(TCG_SPECID_SIG));	/* signature */
	p += 16 + 4;						/* platformClass */
	*p++ = 0;						/* specVersionMinor */
	*p++ = 2;						/* specVersionMajor */
	*p++ = 0;						/* specErrata */
	*p++ = 2;						/* uintnSize: UINT64 */
	put_unaligned_le32(nr_banks, p);
	p += 4;
	for (i = 0; i < nr_banks; i++) {
		put_unaligned_le16(banks[i].alg_id, p);
		put_unaligned_le16(banks[i].digest_size, p + 2);
		p += 4;
	}
	*p = 0;							/* vendorInfoSize */

	return len;
}

/*
 * Encode one TCG_PCR_EVENT2 with the digests the TPM extended.
 * With @buf NULL, only return the size.
 */
VISIBLE_IF_KUNIT size_t rtgate_log_entry(u8 *buf, u32 pcr,
					 const struct tpm_digest *digests,
					 const struct tpm_bank_info *banks,
					 u32 nr_banks, const u8 *event,
					 u32 event_len)
{
	size_t len = 3 * sizeof(u32) + sizeof(u32) + event_len;
	u8 *p = buf;
	u32 i;

	for (i = 0; i < nr_banks; i++)
		len += sizeof(u16) + banks[i].digest_size;
	if (!buf)
		return len;

	put_unaligned_le32(pcr, p);
	put_unaligned_le32(RTGATE_EV_EVENT_TAG, p + 4);
	put_unaligned_le32(nr_banks, p + 8);
	p += 12;
	for (i = 0; i < nr_banks; i++) {
		put_unaligned_le16(digests[i].alg_id, p);
		memcpy(p + 2, digests[i].digest, banks[i].digest_size);
		p += 2 + banks[i].digest_size;
	}
	put_unaligned_le32(event_len, p);
	memcpy(p + 4, event, event_len);

	return len;
}

VISIBLE_IF_KUNIT struct tpm_chip *rtgate_tpm_chip(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_chip);
	return tpm_default_chip();
}

VISIBLE_IF_KUNIT void rtgate_tpm_put(struct tpm_chip *chip)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_put, chip);
	put_device(&chip->dev);
}

VISIBLE_IF_KUNIT int rtgate_tpm_pcr_event(struct tpm_chip *chip, u32 pcr,
					  const u8 *event, u32 event_len,
					  struct tpm_digest *digests)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_tpm_pcr_event, chip, pcr, event,
				   event_len, digests);
	return tpm_pcr_event(chip, pcr, event, event_len, digests);
}

VISIBLE_IF_KUNIT void rtgate_switch(bool close)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_switch, close);
	efi_rtgate_switch(close);
}

/*
 * Extend the PCR with the opening event and log the digests the TPM
 * extended. The log is grown before the TPM is asked, so that a successful
 * extension is always logged. Called with rtgate_mutex held.
 */
static int rtgate_measure_open(void)
{
	u8 event[RTGATE_EVENT_LEN];
	struct tpm_digest *digests;
	struct tpm_chip *chip;
	size_t head, entry;
	u8 *log;
	int rc;

	chip = rtgate_tpm_chip();
	if (!chip)
		return -ENODEV;

	if (!chip->nr_allocated_banks ||
	    chip->nr_allocated_banks > TPM2_MAX_PCR_BANKS) {
		rc = -ENODEV;
		goto out_put;
	}

	if (rtgate_log_len &&
	    (chip->nr_allocated_banks != rtgate_log_nr_banks ||
	     memcmp(chip->allocated_banks, rtgate_log_banks,
		    rtgate_log_nr_banks * sizeof(*rtgate_log_banks)))) {
		pr_warn("the TPM's PCR banks differ from those in the log\n");
		rc = -ENODEV;
		goto out_put;
	}

	digests = kcalloc(chip->nr_allocated_banks, sizeof(*digests),
			  GFP_KERNEL);
	if (!digests) {
		rc = -ENOMEM;
		goto out_put;
	}

	head = rtgate_log_len ? 0 : rtgate_log_header(NULL,
						      chip->allocated_banks,
						      chip->nr_allocated_banks);
	entry = rtgate_log_entry(NULL, rtgate_pcr, NULL, chip->allocated_banks,
				 chip->nr_allocated_banks, NULL,
				 RTGATE_EVENT_LEN);
	log = krealloc(rtgate_log, rtgate_log_len + head + entry, GFP_KERNEL);
	if (!log) {
		rc = -ENOMEM;
		goto out_free;
	}
	rtgate_log = log;

	rtgate_encode_event(event);
	rc = rtgate_tpm_pcr_event(chip, rtgate_pcr, event, sizeof(event),
				  digests);
	if (rc) {
		pr_warn("%s[%d]: extending PCR %u failed (%d): runtime services stay closed\n",
			current->comm, task_pid_nr(current), rtgate_pcr, rc);
		/* Missing chip or unusable chip: -ENODEV; anything else: -EIO. */
		if (rc != -ENODEV && rc != -ENOMEM && rc != -EINTR)
			rc = -EIO;
		goto out_free;
	}

	if (head) {
		rtgate_log_len += rtgate_log_header(log + rtgate_log_len,
						    chip->allocated_banks,
						    chip->nr_allocated_banks);
		rtgate_log_nr_banks = chip->nr_allocated_banks;
		memcpy(rtgate_log_banks, chip->allocated_banks,
		       rtgate_log_nr_banks * sizeof(*rtgate_log_banks));
	}
	rtgate_log_len += rtgate_log_entry(log + rtgate_log_len, rtgate_pcr,
					   digests, chip->allocated_banks,
					   chip->nr_allocated_banks, event,
					   sizeof(event));

	ima_measure_critical_data("efi_rtgate", "efi_rtgate_open",
				  RTGATE_EVENT_DATA, RTGATE_EVENT_DATA_LEN,
				  false, NULL, 0);

out_free:
	kfree(digests);
out_put:
	rtgate_tpm_put(chip);
	return rc;
}

VISIBLE_IF_KUNIT bool rtgate_is_closed(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_is_closed);
	return efi_rtgate_closed();
}

/*
 * Open (measuring first) or close the gate. Opening an open gate and
 * closing a closed one succeed without doing anything.
 */
VISIBLE_IF_KUNIT int rtgate_set_open(bool open)
{
	int rc = 0;

	if (mutex_lock_killable(&rtgate_mutex))
		return -EINTR;

	if (open && rtgate_is_closed()) {
		rc = rtgate_measure_open();
		if (!rc) {
			rtgate_armed = true;
			rtgate_switch(false);
			pr_notice("runtime services opened by %s[%d]; PCR %u extended\n",
				  current->comm, task_pid_nr(current),
				  rtgate_pcr);
		}
	} else if (!open && !rtgate_is_closed()) {
		rtgate_switch(true);
		pr_notice("runtime services closed by %s[%d]\n", current->comm,
			  task_pid_nr(current));
	}

	mutex_unlock(&rtgate_mutex);
	return rc;
}

/* A copy of the log, so that readers never hold rtgate_mutex in copy_to_user. */
VISIBLE_IF_KUNIT u8 *rtgate_log_dup(size_t *len)
{
	u8 *copy = NULL;

	if (mutex_lock_killable(&rtgate_mutex))
		return ERR_PTR(-EINTR);
	*len = rtgate_log_len;
	if (rtgate_log_len) {
		copy = kmemdup(rtgate_log, rtgate_log_len, GFP_KERNEL);
		if (!copy)
			copy = ERR_PTR(-ENOMEM);
	}
	mutex_unlock(&rtgate_mutex);
	return copy;
}

#if IS_ENABLED(CONFIG_EFI_RTGATE_KUNIT_TEST)
/* Exchange the log with *@log, so that tests never touch the real one. */
void rtgate_log_swap(u8 **log, size_t *len, u32 *nr_banks)
{
	mutex_lock(&rtgate_mutex);
	swap(rtgate_log, *log);
	swap(rtgate_log_len, *len);
	swap(rtgate_log_nr_banks, *nr_banks);
	mutex_unlock(&rtgate_mutex);
}
#endif

/* ---- User interface ---- */

/*
 * A security knob matches whole values only: kstrtobool() would take
 * "11", "1x" or "yes please" as true.
 */
VISIBLE_IF_KUNIT int rtgate_parse_write(const char *buf, bool *open)
{
	if (sysfs_streq(buf, "1") || sysfs_streq(buf, "y") ||
	    sysfs_streq(buf, "on"))
		*open = true;
	else if (sysfs_streq(buf, "0") || sysfs_streq(buf, "n") ||
		 sysfs_streq(buf, "off"))
		*open = false;
	else
		return -EINVAL;
	return 0;
}

static ssize_t runtime_enable_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", !efi_rtgate_closed());
}

/**
 * runtime_enable_store() - Open or close the runtime services gate
 * @kobj: the efi kobject
 * @attr: the runtime_enable attribute
 * @buf: "1", "y" or "on" to open; "0", "n" or "off" to close
 * @count: length of @buf
 *
 * Opening extends the configured PCR first and opens only if that worked.
 *
 * Context: process context; sleeps.
 * Return: @count on success, or
 * * -EPERM	- the writer lacks CAP_SYS_ADMIN in the initial user namespace
 * * -EINVAL	- @buf is not one of the values above
 * * -EOPNOTSUPP - mixed-mode firmware: the boot state cannot change
 * * -ENODEV	- no usable TPM (none, a virtual one, or one without banks)
 * * -EIO	- the TPM failed to extend the PCR
 * * -ENOMEM	- out of memory
 * * -EINTR	- killed while waiting for another writer
 */
static ssize_t runtime_enable_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	bool open;
	int rc;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	/* An embedded NUL would hide the rest of the value from sysfs_streq(). */
	if (strnlen(buf, count) != count || rtgate_parse_write(buf, &open))
		return -EINVAL;

	if (efi_is_mixed())
		return -EOPNOTSUPP;

	rc = rtgate_set_open(open);
	return rc ? rc : count;
}

static ssize_t runtime_gate_reason_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", rtgate_reason_name(rtgate_reason));
}

static struct kobj_attribute runtime_enable_attr = __ATTR_RW_MODE(runtime_enable, 0644);
static struct kobj_attribute runtime_gate_reason_attr = __ATTR_RO_MODE(runtime_gate_reason, 0444);

static struct attribute *rtgate_attrs[] = {
	&runtime_enable_attr.attr,
	&runtime_gate_reason_attr.attr,
	NULL,
};

static umode_t rtgate_attr_is_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	/* Not where the wrappers never ran the boot decision (e.g. Xen). */
	return rtgate_ready && efi_enabled(EFI_RUNTIME_SERVICES) ? attr->mode : 0;
}

static const struct attribute_group rtgate_attr_group = {
	.attrs = rtgate_attrs,
	.is_visible = rtgate_attr_is_visible,
};

static ssize_t rtgate_log_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	ssize_t ret;
	size_t len;
	u8 *log;

	log = rtgate_log_dup(&len);
	if (IS_ERR(log))
		return PTR_ERR(log);
	ret = simple_read_from_buffer(ubuf, count, ppos, log, len);
	kfree(log);
	return ret;
}

static const struct file_operations rtgate_log_fops = {
	.read = rtgate_log_read,
	.llseek = default_llseek,
};

/*
 * The PCR does not survive hibernation, and PCRs 16-23 do not survive
 * suspend to RAM either, while the gate would stay open: close it first,
 * so that the next opening is measured again. Only where the gate was
 * closed at boot or opened with a measurement; on mixed-mode firmware the
 * state never changes after boot.
 */
static int rtgate_pm_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	if (action != PM_HIBERNATION_PREPARE &&
	    !(action == PM_SUSPEND_PREPARE && rtgate_pcr > 15))
		return NOTIFY_DONE;
	if (efi_is_mixed())
		return NOTIFY_DONE;

	mutex_lock(&rtgate_mutex);
	if (rtgate_armed && !rtgate_is_closed()) {
		rtgate_switch(true);
		pr_info("runtime services closed for %s\n",
			action == PM_HIBERNATION_PREPARE ? "hibernation" :
			"suspend");
	}
	mutex_unlock(&rtgate_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block rtgate_pm_nb = {
	.notifier_call = rtgate_pm_notify,
};

static int __init efi_rtgate_init(void)
{
	struct dentry *dir, *log;
	int err;

	if (!efi_kobj)
		return 0;

	err = sysfs_create_group(efi_kobj, &rtgate_attr_group);
	if (err)
		return err;

	dir = securityfs_create_dir("efi_rtgate", NULL);
	if (IS_ERR(dir)) {
		err = PTR_ERR(dir);
		goto err_remove_group;
	}
	log = securityfs_create_file("binary_measurements", 0440, dir, NULL,
				     &rtgate_log_fops);
	if (IS_ERR(log)) {
		err = PTR_ERR(log);
		goto err_remove_dir;
	}

	register_pm_notifier(&rtgate_pm_nb);
	return 0;

err_remove_dir:
	securityfs_remove(dir);
err_remove_group:
	sysfs_remove_group(efi_kobj, &rtgate_attr_group);
	return err;
}
late_initcall(efi_rtgate_init);
