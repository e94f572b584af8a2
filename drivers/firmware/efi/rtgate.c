// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate
 *
 * After an Intel TXT / Secure Launch (D-RTM) launch, EFI runtime services
 * are firmware code that runs with kernel privilege but lies outside the
 * measured trusted computing base. The gate keeps every runtime service
 * call away from the firmware while it is closed, SetVirtualAddressMap()
 * included. Runtime services are still mapped at boot, so root can open
 * the gate later; opening first measures an event into a TPM PCR and
 * records it in an event log (rtgate_measure.c), and fails closed if the
 * TPM cannot be used.
 */

#define pr_fmt(fmt) "efi_rtgate: " fmt

#include <linux/capability.h>
#include <linux/cpufeature.h>
#include <linux/efi.h>
#include <linux/efi_rtgate.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/syscore_ops.h>
#include <linux/sysfs.h>
#include <linux/tboot.h>
#include <asm/efi.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "rtgate.h"

#ifdef CONFIG_SECURE_LAUNCH
#include <linux/slaunch.h>
static_assert(RTGATE_SL_TXT == (SL_FLAG_ACTIVE | SL_FLAG_ARCH_TXT));
#endif

/*
 * A plain flag rather than a static key: flipping a static key takes
 * cpus_read_lock() and jump_label_mutex, which must not nest inside the
 * EFI runtime lock (a semaphore lockdep does not track) that an ACPI PRM
 * handler may wait for with the CPU hotplug lock held.
 */
bool efi_rtgate_closed_state __read_mostly;

/*
 * Taken at boot; after resume from hibernation the decision is taken
 * again, under rtgate_mutex, and may change the reason.
 */
static enum rtgate_mode rtgate_mode __read_mostly = RTGATE_MODE_AUTO;
static enum rtgate_reason rtgate_reason __read_mostly = RTGATE_REASON_NONE;
/* Written by efi_rtgate_pcr= and, in KUnit tests, under rtgate_mutex. */
static u32 rtgate_pcr __read_mostly = CONFIG_EFI_RTGATE_PCR;

/* Serializes the gate's state changes and protects the event log. */
DEFINE_MUTEX(rtgate_mutex);

/* Set once the boot decision is taken: the gate then guards every call. */
static bool rtgate_ready __ro_after_init;
/*
 * Set when the gate was closed at boot, has been opened with a
 * measurement, or was closed by the decision taken again after resume
 * from hibernation: from then on, sleep states that reset the PCR close
 * it, and kexec loads are measured. Protected by rtgate_mutex once the
 * boot decision is taken.
 */
static bool rtgate_armed;
/*
 * Set from a sleep transition's PREPARE notification to its POST one:
 * opening is refused meanwhile. Protected by rtgate_mutex.
 */
static bool rtgate_sleeping;
/* Set when rtgate_syscore_suspend() closed the gate, until syscore resume. */
static bool rtgate_closed_by_sleep;
/*
 * Set from PM_HIBERNATION_PREPARE to PM_POST_HIBERNATION. Not saved in the
 * image: a kernel restored from one reads it as the kernel that restored
 * it left it, false. So PM_POST_HIBERNATION finds it set only where no
 * other kernel ran: the hibernation was aborted (or the machine slept in
 * RAM after writing the image and woke in this kernel), as
 * kernel/power/hibernate.c tells with its own in_suspend.
 */
static bool rtgate_hibernating __nosavedata;

static const char * const rtgate_service_names[] = {
	[EFI_NONE]			= "firmware call",
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
 * efi_rtgate_report() - Report a firmware call refused by the gate
 * @id: the refused service, %EFI_NONE outside the runtime services table
 * @caller: where the call came from
 *
 * Context: any context; does not sleep.
 */
void efi_rtgate_report(enum efi_rts_ids id, const void *caller)
{
	const char *name = NULL;

	if (id < ARRAY_SIZE(rtgate_service_names))
		name = rtgate_service_names[id];

	pr_warn_ratelimited("refused %s from %s[%d] (%pS): runtime services are closed\n",
			    name ?: "runtime service", current->comm,
			    task_pid_nr(current), caller);
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

/*
 * Read what the platform shows of a launch: the Secure Launch series
 * exposes its flags, tboot reports itself, and a launch without either
 * still shows in TXT.STS, which exists only where the CPU has SMX.
 */
VISIBLE_IF_KUNIT void rtgate_read_launch(struct rtgate_launch *launch)
{
	void __iomem *regs;

	KUNIT_STATIC_STUB_REDIRECT(rtgate_read_launch, launch);

	memset(launch, 0, sizeof(*launch));
#ifdef CONFIG_SECURE_LAUNCH
	launch->slaunch_flags = slaunch_get_flags();
#endif
	launch->tboot = tboot_enabled();
	launch->smx = boot_cpu_has(X86_FEATURE_SMX);
	if (!launch->smx)
		return;
	regs = ioremap(RTGATE_TXT_PUB_CONFIG_BASE + RTGATE_TXT_STS, sizeof(u64));
	if (regs) {
		launch->txt_sts = readq(regs);
		iounmap(regs);
	}
}

/*
 * The boot decision for @mode, given @launch: efi_rtgate=on and =off
 * decide alone; auto closes after a launch. In TXT.STS, SENTER.DONE is
 * set by GETSEC[SENTER] and SEXIT.DONE by GETSEC[SEXIT].
 */
VISIBLE_IF_KUNIT enum rtgate_reason rtgate_decide(enum rtgate_mode mode,
						  const struct rtgate_launch *launch,
						  bool *closed)
{
	enum rtgate_reason reason = RTGATE_REASON_NONE;

	switch (mode) {
	case RTGATE_MODE_ON:
		*closed = true;
		return RTGATE_REASON_CMDLINE;
	case RTGATE_MODE_OFF:
		*closed = false;
		return RTGATE_REASON_CMDLINE;
	default:
		break;
	}

	if ((launch->slaunch_flags & RTGATE_SL_TXT) == RTGATE_SL_TXT)
		reason = RTGATE_REASON_SECURE_LAUNCH;
	else if (launch->tboot)
		reason = RTGATE_REASON_TBOOT;
	else if (launch->smx &&
		 (launch->txt_sts & RTGATE_TXT_STS_SENTER_DONE) &&
		 !(launch->txt_sts & RTGATE_TXT_STS_SEXIT_DONE))
		reason = RTGATE_REASON_TXT;
	*closed = reason != RTGATE_REASON_NONE;
	return reason;
}

/* Decide now, reading the platform only where efi_rtgate=auto asks. */
static enum rtgate_reason rtgate_decide_now(bool *closed)
{
	struct rtgate_launch launch = {};

	if (rtgate_mode == RTGATE_MODE_AUTO)
		rtgate_read_launch(&launch);
	return rtgate_decide(rtgate_mode, &launch, closed);
}

/*
 * PCRs 17-19 can be extended from locality 2 and up only. Secure Launch
 * moves the kernel's TPM driver to locality 2 after its launch; after a
 * tboot launch, or one seen only in TXT.STS, the driver works at locality
 * 0, where opening could never measure into those PCRs. Given the boot
 * reason, can the gate's PCR be extended?
 */
VISIBLE_IF_KUNIT bool rtgate_pcr_reachable(enum rtgate_reason reason, u32 pcr)
{
	if (pcr <= 15)
		return true;
	return reason != RTGATE_REASON_TBOOT && reason != RTGATE_REASON_TXT;
}

VISIBLE_IF_KUNIT enum rtgate_reason rtgate_boot_reason(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_boot_reason);
	return rtgate_reason;
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
 * Called once runtime services are mapped and before the kernel makes its
 * first runtime service call: before SetVirtualAddressMap() where the
 * architecture asks efi_rtgate_novamap(), and when the runtime wrappers
 * are installed. Only the first call decides.
 */
void __init efi_rtgate_boot_init(void)
{
	bool closed;

	if (rtgate_ready)
		return;

	/* Kconfig cannot express the holes in the allowed range. */
	BUILD_BUG_ON(!rtgate_pcr_allowed(CONFIG_EFI_RTGATE_PCR));

	rtgate_reason = rtgate_decide_now(&closed);
	/* No runtime service call has been made yet: no lock needed. */
	WRITE_ONCE(efi_rtgate_closed_state, closed);
	rtgate_armed = closed;
	rtgate_ready = true;

	pr_info("runtime services %s at boot (reason: %s)\n",
		closed ? "closed" : "open", rtgate_reason_name(rtgate_reason));
	/* No firmware has run since ExitBootServices(): find what may. */
	if (closed) {
		rtgate_code_init();
		rtgate_vars_init();
	}
	/*
	 * Stay closed: the launch is real, and opening without a measurement
	 * would break the gate's promise. Say how to get an opening that can
	 * be measured.
	 */
	if (closed && !rtgate_pcr_reachable(rtgate_reason, rtgate_pcr))
		pr_warn("PCR %u needs TPM locality 2, which the TPM driver does not use after a %s launch: opening will be refused; boot with efi_rtgate_pcr= set to a PCR from 0 to 15 that no other software uses, or efi_rtgate=off\n",
			rtgate_pcr, rtgate_reason_name(rtgate_reason));
}

/**
 * efi_rtgate_novamap() - Should the firmware stay in physical mode?
 *
 * SetVirtualAddressMap() runs every runtime driver's address change
 * handler at ring 0: it is a firmware call like any other, and a gate
 * closed at boot must keep it from running. The firmware then stays in
 * physical mode, as the UEFI specification allows when the call is never
 * made, and runtime services are called through the 1:1 mapping of their
 * regions that efi_mm holds in either mode. Opening needs nothing else:
 * no code that is freed after boot, no memory kept for it.
 *
 * Takes the boot decision if it has not been taken yet.
 *
 * Return: true if SetVirtualAddressMap() must not be called.
 */
bool __init efi_rtgate_novamap(void)
{
	efi_rtgate_boot_init();
	if (!efi_rtgate_closed())
		return false;

	pr_info("SetVirtualAddressMap() not called: firmware stays in physical mode\n");
	return true;
}

/*
 * EFI_RUNTIME_SERVICES is cleared for good when a call wedges in firmware
 * or faults there. No call reaches firmware while the gate is closed, so
 * the answer cannot change between this check and the opening.
 */
VISIBLE_IF_KUNIT bool rtgate_runtime_usable(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_runtime_usable);
	return efi_enabled(EFI_RUNTIME_SERVICES);
}

/*
 * The gate as the state machine below reads and moves it. KUnit redirects
 * these three to a flag of its own, so that a test never opens (or
 * closes) the machine's gate: the tests run at boot, possibly after a
 * launch closed it.
 */
VISIBLE_IF_KUNIT bool rtgate_closed(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_closed);
	return efi_rtgate_closed();
}

VISIBLE_IF_KUNIT void rtgate_switch(bool close)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_switch, close);
	efi_rtgate_switch(close);
}

VISIBLE_IF_KUNIT bool rtgate_try_close(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtgate_try_close);
	return efi_rtgate_try_close();
}

/*
 * Refuse, before the TPM is used, a measurement into a PCR the TPM driver
 * cannot extend after this boot's launch; @what names the refused act.
 * Called with rtgate_mutex held.
 */
static int rtgate_check_reachable(const char *what)
{
	enum rtgate_reason reason = rtgate_boot_reason();

	if (rtgate_pcr_reachable(reason, rtgate_pcr))
		return 0;
	pr_warn("%s[%d]: %s refused: PCR %u cannot be extended at the TPM locality the driver uses after a %s launch (see efi_rtgate_pcr=)\n",
		current->comm, task_pid_nr(current), what, rtgate_pcr,
		rtgate_reason_name(reason));
	return -EOPNOTSUPP;
}

/*
 * Open (measuring first) or close the gate. Opening an open gate and
 * closing a closed one succeed without doing anything. Opening after the
 * firmware was disabled for good measures nothing: an event would claim
 * an opening that cannot happen.
 */
VISIBLE_IF_KUNIT int rtgate_set_open(bool open)
{
	int rc = 0;

	if (mutex_lock_killable(&rtgate_mutex))
		return -EINTR;

	if (open && rtgate_closed()) {
		if (rtgate_sleeping) {
			pr_warn("%s[%d]: the system is entering or leaving a sleep state: the gate stays closed\n",
				current->comm, task_pid_nr(current));
			rc = -EBUSY;
			goto out;
		}
		if (!rtgate_runtime_usable()) {
			pr_warn("%s[%d]: runtime services were disabled after a firmware failure: the gate stays closed\n",
				current->comm, task_pid_nr(current));
			rc = -ENXIO;
			goto out;
		}
		rc = rtgate_check_reachable("opening");
		if (rc)
			goto out;
		rc = rtgate_measure_open(rtgate_pcr);
		if (!rc) {
			rtgate_armed = true;
			rtgate_switch(false);
			rtgate_vars_drop(true);
			pr_notice("runtime services opened by %s[%d]; PCR %u extended\n",
				  current->comm, task_pid_nr(current),
				  rtgate_pcr);
		}
	} else if (!open && !rtgate_closed()) {
		rtgate_switch(true);
		pr_notice("runtime services closed by %s[%d]\n", current->comm,
			  task_pid_nr(current));
	}
out:
	mutex_unlock(&rtgate_mutex);
	return rc;
}

/*
 * A kernel started with kexec takes its own boot decision from its own
 * command line and can call firmware without a measured opening. Where
 * the gate matters (closed at boot, or opened with a measurement since),
 * the load of each image, crash kernels included, is therefore measured
 * like an opening, into the same PCR, before the image can run; if that
 * fails, the load fails.
 */
VISIBLE_IF_KUNIT int rtgate_kexec_load(void)
{
	int rc = 0;

	if (mutex_lock_killable(&rtgate_mutex))
		return -EINTR;

	if (!rtgate_armed)
		goto out;
	rc = rtgate_check_reachable("kexec load");
	if (rc)
		goto out;
	rc = rtgate_measure_kexec(rtgate_pcr);
	if (rc)
		pr_warn("%s[%d]: kexec load refused: its measurement into PCR %u failed (%d)\n",
			current->comm, task_pid_nr(current), rtgate_pcr, rc);
	else
		pr_notice("kexec image load by %s[%d] measured into PCR %u\n",
			  current->comm, task_pid_nr(current), rtgate_pcr);
out:
	mutex_unlock(&rtgate_mutex);
	return rc;
}

/**
 * efi_rtgate_kexec_load() - Measure the load of a kexec image
 *
 * Called by the architecture when a kexec image (or crash kernel) is
 * loaded, before it can run.
 *
 * Context: process context; sleeps.
 * Return: 0 if the load may go on, or
 * * -EOPNOTSUPP - the gate's PCR cannot be extended after this launch
 * * -ENODEV	- no usable TPM
 * * -EIO	- the TPM failed to read or extend the PCR
 * * -ENOMEM	- out of memory
 * * -EINTR	- killed while waiting for a runtime_enable writer
 */
int efi_rtgate_kexec_load(void)
{
	/* Not where the wrappers never ran the boot decision (e.g. Xen). */
	if (!rtgate_ready)
		return 0;
	return rtgate_kexec_load();
}

/**
 * efi_rtgate_secureboot_mode() - Secure Boot mode, read while the gate may be closed
 * @mode: what efi_get_secureboot_mode() answered through efi.get_variable
 *
 * A read of the SecureBoot variable that the closed gate refused leaves the
 * mode "unknown", which policies that depend on Secure Boot (IMA's
 * architecture policy, IMA appraisal, the MOK blacklist) read as "Secure
 * Boot off". A closed gate must not weaken them: where the gate made the
 * mode unknown, it is reported as enabled.
 *
 * Context: any context; does not sleep.
 * Return: @mode, or %efi_secureboot_mode_enabled if the gate is closed and
 * @mode is %efi_secureboot_mode_unknown.
 */
enum efi_secureboot_mode efi_rtgate_secureboot_mode(enum efi_secureboot_mode mode)
{
	if (mode != efi_secureboot_mode_unknown || !efi_rtgate_closed())
		return mode;

	pr_warn("Secure Boot state unreadable while runtime services are closed: treated as enabled\n");
	return efi_secureboot_mode_enabled;
}

#if IS_ENABLED(CONFIG_EFI_RTGATE_KUNIT_TEST)
/*
 * Exchange the gate's log, PCR, armed and sleep flags, mode and reason
 * with @state, so that tests leave nothing behind. The open/closed state
 * is the tests' to restore.
 */
void rtgate_state_swap(struct rtgate_state *state)
{
	mutex_lock(&rtgate_mutex);
	rtgate_log_swap(&state->log);
	swap(rtgate_pcr, state->pcr);
	swap(rtgate_armed, state->armed);
	swap(rtgate_sleeping, state->sleeping);
	swap(rtgate_closed_by_sleep, state->closed_by_sleep);
	swap(rtgate_hibernating, state->hibernating);
	swap(rtgate_mode, state->mode);
	swap(rtgate_reason, state->reason);
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
 * * -EBUSY	- the system is entering or leaving a sleep state
 * * -ENXIO	- runtime services were disabled after a firmware failure
 * * -ENODEV	- no usable TPM (none, a virtual one, one in field upgrade
 *		  mode, or one with a PCR bank the kernel cannot hash)
 * * -EIO	- the TPM failed to read or extend the PCR
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

/*
 * Sleep states. The TPM resets every PCR across hibernation, and PCRs
 * 16-23 across suspend to RAM, while the kernel's memory, the gate's state
 * included, survives. Where the gate matters (closed at boot, or opened
 * with a measurement since), it must not come back open with a PCR that no
 * longer records the opening:
 *
 * - From each PREPARE notification to the matching POST one, opening is
 *   refused with -EBUSY, so that no opening can slip in after the gate was
 *   closed for the transition or before the resumed system is settled.
 * - Hibernation closes the gate at PM_HIBERNATION_PREPARE, before the image
 *   is taken.
 * - Suspend closes it, when the PCR is 16 or higher, from the syscore
 *   suspend callback: suspend to RAM and standby reach it, suspend to idle
 *   does not, and the TPM keeps its PCRs in suspend to idle.
 * - After resume from hibernation the boot decision is taken again: the
 *   kernel that restored the image may have been started by a launch that
 *   the kernel that took it was not. It can close the gate, never open it.
 */
VISIBLE_IF_KUNIT void rtgate_pm_transition(unsigned long action)
{
	bool closed;

	mutex_lock(&rtgate_mutex);
	switch (action) {
	case PM_HIBERNATION_PREPARE:
		rtgate_hibernating = true;
		if (rtgate_armed && !rtgate_closed()) {
			rtgate_switch(true);
			pr_info("runtime services closed for hibernation\n");
		}
		fallthrough;
	case PM_SUSPEND_PREPARE:
	case PM_RESTORE_PREPARE:
		rtgate_sleeping = true;
		break;
	case PM_POST_HIBERNATION:
		rtgate_sleeping = false;
		if (rtgate_hibernating) {
			/* No other kernel ran: the boot decision stands. */
			rtgate_hibernating = false;
			break;
		}
		/*
		 * Firmware ran, and another system may have booted, since
		 * the variable snapshot was taken: it may be stale.
		 */
		rtgate_vars_drop(false);
		rtgate_reason = rtgate_decide_now(&closed);
		if (closed && !rtgate_closed()) {
			rtgate_switch(true);
			pr_info("runtime services closed after hibernation (reason: %s)\n",
				rtgate_reason_name(rtgate_reason));
		}
		rtgate_armed |= closed;
		break;
	case PM_POST_SUSPEND:
	case PM_POST_RESTORE:
		rtgate_sleeping = false;
		break;
	}
	mutex_unlock(&rtgate_mutex);
}

static int rtgate_pm_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	/*
	 * Not where the boot decision never ran (e.g. Xen); on mixed-mode
	 * firmware the state never changes after boot.
	 */
	if (rtgate_ready && !efi_is_mixed())
		rtgate_pm_transition(action);
	return NOTIFY_DONE;
}

/*
 * Suspend to RAM, standby, hibernation and a kexec jump reach this; suspend
 * to idle does not. It runs on the last online CPU with interrupts off and
 * tasks frozen; for a sleep state, after the PREPARE notification, so no
 * opening can follow. A caller that has checked the gate under the runtime
 * lock may still be on its way into firmware: if the lock is busy, the
 * sleep is refused (-EBUSY) rather than taken with the gate open.
 */
VISIBLE_IF_KUNIT int rtgate_syscore_suspend(void *data)
{
	if (efi_is_mixed() || READ_ONCE(rtgate_pcr) <= 15 ||
	    !READ_ONCE(rtgate_armed) || rtgate_closed())
		return 0;
	if (!rtgate_try_close())
		return -EBUSY;
	WRITE_ONCE(rtgate_closed_by_sleep, true);
	return 0;
}

static void rtgate_syscore_resume(void *data)
{
	if (READ_ONCE(rtgate_closed_by_sleep)) {
		WRITE_ONCE(rtgate_closed_by_sleep, false);
		pr_info("runtime services closed for suspend\n");
	}
}

static struct notifier_block rtgate_pm_nb = {
	.notifier_call = rtgate_pm_notify,
};

static const struct syscore_ops rtgate_syscore_ops = {
	.suspend = rtgate_syscore_suspend,
	.resume = rtgate_syscore_resume,
};

static struct syscore rtgate_syscore = {
	.ops = &rtgate_syscore_ops,
};

static int __init efi_rtgate_init(void)
{
	int err;

	if (!efi_kobj)
		return 0;

	err = sysfs_create_group(efi_kobj, &rtgate_attr_group);
	if (err)
		return err;

	err = rtgate_log_init();
	if (err) {
		sysfs_remove_group(efi_kobj, &rtgate_attr_group);
		return err;
	}

	register_pm_notifier(&rtgate_pm_nb);
	register_syscore(&rtgate_syscore);
	return 0;
}
late_initcall(efi_rtgate_init);
