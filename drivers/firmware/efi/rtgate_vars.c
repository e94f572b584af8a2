// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: variable reads while the gate is closed.
 *
 * The x86 EFI stub hands the kernel a snapshot of the variables readable
 * at runtime, taken before ExitBootServices() (SETUP_EFI_VARS, see
 * include/linux/efi_rtgate_vars.h). When the gate is closed at boot, the
 * snapshot is checked as a whole and copied; until the first opening,
 * GetVariable(), GetNextVariableName() and QueryVariableInfo() are
 * answered from the copy, so readers see the boot-time values and no
 * firmware runs. The first opening frees it: from then on, reads go to
 * firmware or, with the gate closed again, are refused.
 */

#define pr_fmt(fmt) "efi_rtgate: " fmt

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/efi.h>
#include <linux/efi_rtgate.h>
#include <linux/efi_rtgate_vars.h>
#include <linux/efi_varfile.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ucs2_string.h>
#include <asm/setup.h>

#include "rtgate.h"

/*
 * The snapshot in use: set at boot, cleared by the first opening or after
 * resume from hibernation. Readers load it once, with the EFI runtime
 * lock held and the gate closed; it is freed only once no reader can hold
 * it (rtgate_vars_sync()).
 */
static struct rtgate_vars *rtgate_vars;

/*
 * Wait until no reader holds the EFI runtime lock: switching the gate to
 * the state it is in takes that lock and changes nothing. The caller holds
 * rtgate_mutex, under which alone the gate is switched from process
 * context, so the state read here is the one written back.
 */
static void rtgate_vars_sync(void)
{
	lockdep_assert_held(&rtgate_mutex);
	efi_rtgate_switch(efi_rtgate_closed());
}

static int rtgate_vars_bad(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static const struct efi_rtgate_var *rtgate_var(const struct rtgate_vars *vars,
					       u32 i)
{
	return (const void *)(vars->buf + vars->offsets[i]);
}

static const efi_char16_t *rtgate_var_name(const struct efi_rtgate_var *v)
{
	return (const efi_char16_t *)(v + 1);
}

static bool rtgate_var_same(const struct efi_rtgate_var *a,
			    const struct efi_rtgate_var *b)
{
	return a->name_size == b->name_size &&
	       !efi_guidcmp(a->vendor, b->vendor) &&
	       !memcmp(a + 1, b + 1, a->name_size);
}

static int rtgate_vars_check(struct rtgate_vars *vars, const char **why)
{
	const struct efi_rtgate_vars_header *hdr = (const void *)vars->buf;
	const struct efi_rtgate_vars_qvi *qvi;
	size_t off, end;
	u32 i, j;

	if (vars->len < sizeof(*hdr))
		return rtgate_vars_bad(why, "shorter than its header");
	if (hdr->magic != EFI_RTGATE_VARS_MAGIC ||
	    hdr->version != EFI_RTGATE_VARS_VERSION)
		return rtgate_vars_bad(why, "unknown magic or version");
	if (hdr->flags & ~(EFI_RTGATE_VARS_TRUNCATED | EFI_RTGATE_VARS_DEFER))
		return rtgate_vars_bad(why, "unknown flags");
	if (!(hdr->flags & EFI_RTGATE_VARS_DEFER) &&
	    memchr_inv(&hdr->machine, 0, sizeof(hdr->machine)))
		return rtgate_vars_bad(why, "machine set without deferral");
	if (hdr->len != vars->len)
		return rtgate_vars_bad(why, "length differs from its setup_data entry");
	if (hdr->len > EFI_RTGATE_VARS_MAX_LEN)
		return rtgate_vars_bad(why, "oversized");
	if (hdr->nr_qvi > EFI_RTGATE_VARS_MAX_QVI ||
	    hdr->nr_vars > EFI_RTGATE_VARS_MAX_VARS)
		return rtgate_vars_bad(why, "too many records");
	if (!(hdr->flags & EFI_RTGATE_VARS_TRUNCATED) != !hdr->nr_left_out)
		return rtgate_vars_bad(why, "truncation flag and count disagree");

	off = sizeof(*hdr) + hdr->nr_qvi * sizeof(*qvi);
	if (off > vars->len)
		return rtgate_vars_bad(why, "truncated");
	qvi = (const void *)(vars->buf + sizeof(*hdr));
	for (i = 0; i < hdr->nr_qvi; i++) {
		if (qvi[i].reserved)
			return rtgate_vars_bad(why, "reserved field set");
		for (j = 0; j < i; j++)
			if (qvi[j].attr == qvi[i].attr)
				return rtgate_vars_bad(why, "duplicated QueryVariableInfo answer");
	}
	vars->qvi = qvi;
	vars->nr_qvi = hdr->nr_qvi;
	vars->truncated = hdr->flags & EFI_RTGATE_VARS_TRUNCATED;
	vars->defer = hdr->flags & EFI_RTGATE_VARS_DEFER;
	vars->machine = hdr->machine;

	for (i = 0; i < hdr->nr_vars; i++) {
		const struct efi_rtgate_var *v = (const void *)(vars->buf + off);
		const efi_char16_t *name;
		size_t nlen;

		if (vars->len - off < sizeof(*v))
			return rtgate_vars_bad(why, "truncated");
		if (v->name_size < 2 * sizeof(efi_char16_t) ||
		    v->name_size > EFI_RTGATE_VARS_MAX_NAME ||
		    v->name_size % sizeof(efi_char16_t))
			return rtgate_vars_bad(why, "bad name size");
		if (vars->len - off - sizeof(*v) < v->name_size ||
		    vars->len - off - sizeof(*v) - v->name_size < v->data_size)
			return rtgate_vars_bad(why, "truncated");
		/* One NUL, at the end of the name. */
		name = rtgate_var_name(v);
		nlen = v->name_size / sizeof(efi_char16_t);
		if (ucs2_strnlen(name, nlen) != nlen - 1)
			return rtgate_vars_bad(why, "name not NUL-terminated");
		if (!(v->attr & EFI_VARIABLE_RUNTIME_ACCESS))
			return rtgate_vars_bad(why, "variable not readable at runtime");
		if (v->reserved)
			return rtgate_vars_bad(why, "reserved field set");
		end = off + sizeof(*v) + v->name_size + v->data_size;
		vars->offsets[i] = off;
		off = ALIGN(end, EFI_RTGATE_VARS_ALIGN);
		if (off > vars->len)
			return rtgate_vars_bad(why, "truncated");
		if (memchr_inv(vars->buf + end, 0, off - end))
			return rtgate_vars_bad(why, "padding not zero");
		for (j = 0; j < i; j++)
			if (rtgate_var_same(rtgate_var(vars, j), v))
				return rtgate_vars_bad(why, "duplicated variable");
	}
	if (off != vars->len)
		return rtgate_vars_bad(why, "trailing bytes");
	vars->nr_vars = hdr->nr_vars;
	return 0;
}

/**
 * rtgate_vars_free() - Free a snapshot
 * @vars: the snapshot, or NULL
 */
VISIBLE_IF_KUNIT void rtgate_vars_free(struct rtgate_vars *vars)
{
	if (!vars)
		return;
	rtgate_pending_free(vars);
	kvfree(vars->buf);
	kfree(vars->offsets);
	kfree(vars);
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_vars_free);

/**
 * rtgate_vars_parse() - Check and copy a variable snapshot
 * @data: the snapshot, as the EFI stub wrote it
 * @len: its length, from its setup_data entry
 * @why: set to the reason when the snapshot is rejected
 *
 * The snapshot is used whole or not at all: any malformed, oversized,
 * duplicated or truncated record rejects it.
 *
 * Return: the checked copy, ERR_PTR(-EINVAL) if the snapshot is rejected,
 * ERR_PTR(-ENOMEM) if it cannot be copied.
 */
VISIBLE_IF_KUNIT struct rtgate_vars *rtgate_vars_parse(const void *data,
						       size_t len,
						       const char **why)
{
	struct rtgate_vars *vars;
	int rc = -ENOMEM;

	*why = "out of memory";
	if (len > EFI_RTGATE_VARS_MAX_LEN) {
		*why = "oversized";
		return ERR_PTR(-EINVAL);
	}
	vars = kzalloc(sizeof(*vars), GFP_KERNEL);
	if (!vars)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&vars->pending);
	/* Check the copy: nothing can change it after the check. */
	vars->buf = kvmemdup(data, len, GFP_KERNEL);
	vars->len = len;
	vars->offsets = kcalloc(EFI_RTGATE_VARS_MAX_VARS,
				sizeof(*vars->offsets), GFP_KERNEL);
	if (vars->buf && vars->offsets)
		rc = rtgate_vars_check(vars, why);
	if (rc) {
		rtgate_vars_free(vars);
		return ERR_PTR(rc);
	}
	return vars;
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_vars_parse);

/* Index of @name / @vendor, or -1; @size bounds the name in bytes. */
static int rtgate_vars_find(const struct rtgate_vars *vars,
			    const efi_char16_t *name, unsigned long size,
			    const efi_guid_t *vendor)
{
	size_t name_size = (ucs2_strnlen(name, size / sizeof(efi_char16_t)) + 1) *
			   sizeof(efi_char16_t);
	u32 i;

	if (name_size > size)
		return -1;
	for (i = 0; i < vars->nr_vars; i++) {
		const struct efi_rtgate_var *v = rtgate_var(vars, i);

		if (v->name_size == name_size && !efi_guidcmp(v->vendor, *vendor) &&
		    !memcmp(v + 1, name, name_size))
			return i;
	}
	return -1;
}

/**
 * rtgate_vars_lookup() - A variable of the snapshot itself
 * @vars: the snapshot
 * @name: the variable's name, NUL included
 * @name_size: its size in bytes
 * @vendor: its vendor GUID
 * @attr: set to its attributes
 * @data: set to its value
 * @size: set to the size of its value
 *
 * Return: true if the snapshot holds it, kept writes aside.
 */
bool rtgate_vars_lookup(const struct rtgate_vars *vars, const efi_char16_t *name,
			size_t name_size, const efi_guid_t *vendor, u32 *attr,
			const void **data, u32 *size)
{
	const struct efi_rtgate_var *v;
	int i;

	i = rtgate_vars_find(vars, name, name_size, vendor);
	if (i < 0 || rtgate_var(vars, i)->name_size != name_size)
		return false;
	v = rtgate_var(vars, i);
	*attr = v->attr;
	*data = (const u8 *)(v + 1) + v->name_size;
	*size = v->data_size;
	return true;
}

static size_t rtgate_name_size(const efi_char16_t *name, unsigned long size)
{
	size_t n = ucs2_strnlen(name, size / sizeof(efi_char16_t));

	return n < size / sizeof(efi_char16_t) ? (n + 1) * sizeof(*name) : 0;
}

static efi_status_t rtgate_vars_answer(u32 v_attr, const void *v_data,
				       u32 v_size, u32 *attr,
				       unsigned long *data_size, void *data)
{
	if (attr)
		*attr = v_attr;
	if (*data_size < v_size) {
		*data_size = v_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!data && v_size)
		return EFI_INVALID_PARAMETER;
	memcpy(data, v_data, v_size);
	*data_size = v_size;
	return EFI_SUCCESS;
}

/**
 * rtgate_vars_get() - GetVariable() from a snapshot
 * @vars: the snapshot
 * @name: the variable's name, NUL-terminated
 * @vendor: its vendor GUID
 * @attr: set to its attributes if not NULL
 * @data_size: the size of @data in; the variable's size out
 * @data: where its value is copied
 *
 * Return: the EFI status GetVariable() gives for the same store. A name
 * the snapshot lacks is %EFI_NOT_FOUND, or %EFI_SECURITY_VIOLATION if the
 * size cap left variables out (it may exist in firmware).
 */
VISIBLE_IF_KUNIT efi_status_t rtgate_vars_get(const struct rtgate_vars *vars,
					      efi_char16_t *name,
					      efi_guid_t *vendor, u32 *attr,
					      unsigned long *data_size,
					      void *data)
{
	const struct rtgate_pending *p;
	const void *v_data;
	u32 v_attr, v_size;
	size_t name_size;
	efi_status_t status;

	if (!name || !vendor || !data_size)
		return EFI_INVALID_PARAMETER;
	name_size = rtgate_name_size(name, EFI_RTGATE_VARS_MAX_NAME);
	if (!name_size)
		return EFI_NOT_FOUND;

	/* A write kept while closed decides, then the snapshot. */
	p = rtgate_pending_find(vars, name, name_size, vendor);
	if (p) {
		if (!rtgate_pending_listed(p))
			return EFI_NOT_FOUND;
		v_attr = rtgate_pending_attr(p);
		v_data = rtgate_pending_data(p, &v_size);
		return rtgate_vars_answer(v_attr, v_data, v_size, attr,
					  data_size, data);
	}
	if (rtgate_vars_lookup(vars, name, name_size, vendor, &v_attr, &v_data,
			       &v_size))
		return rtgate_vars_answer(v_attr, v_data, v_size, attr,
					  data_size, data);
	if (vars->defer) {
		status = rtgate_pending_get(vars, name, name_size, vendor, attr,
					    data_size, data);
		if (status != EFI_NOT_FOUND)
			return status;
	}
	return vars->truncated ? EFI_SECURITY_VIOLATION : EFI_NOT_FOUND;
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_vars_get);

/*
 * What a closed gate lists, in order: the snapshot's variables, those
 * written while closed, then VarToFile and RTStorageVolatile. A slot is
 * listed unless a kept write deleted it or the snapshot already has it.
 */
struct rtgate_slot {
	const efi_char16_t *name;
	u32 name_size;
	efi_guid_t vendor;
	bool listed;
};

static bool rtgate_vars_slot(const struct rtgate_vars *vars, u32 k,
			     struct rtgate_slot *s)
{
	const efi_guid_t vartofile = EFI_VARTOFILE_GUID;
	const struct rtgate_pending *p = NULL;
	const void *data;
	u32 attr, size;

	s->name = NULL;
	if (k < vars->nr_vars) {
		const struct efi_rtgate_var *v = rtgate_var(vars, k);

		s->name = rtgate_var_name(v);
		s->name_size = v->name_size;
		s->vendor = v->vendor;
		p = rtgate_pending_find(vars, s->name, s->name_size, &s->vendor);
		s->listed = !p || rtgate_pending_listed(p);
		return true;
	}
	k -= vars->nr_vars;
	while ((p = rtgate_pending_next(vars, p))) {
		if (k--)
			continue;
		s->name = rtgate_pending_name(p, &s->name_size, &s->vendor);
		s->listed = rtgate_pending_listed(p) &&
			    !rtgate_vars_lookup(vars, s->name, s->name_size,
						&s->vendor, &attr, &data, &size);
		return true;
	}
	if (!vars->defer)
		return false;
	s->name = rtgate_pending_extra(k, &s->name_size);
	s->vendor = vartofile;
	s->listed = true;
	return s->name;
}

/* The slot of @name, bounded by @size bytes, in the listing */
static bool rtgate_vars_slot_of(const struct rtgate_vars *vars,
				const efi_char16_t *name, unsigned long size,
				const efi_guid_t *vendor, u32 *k)
{
	size_t name_size = rtgate_name_size(name, size);
	struct rtgate_slot s;

	if (!name_size)
		return false;
	for (*k = 0; rtgate_vars_slot(vars, *k, &s); (*k)++)
		if (s.name_size == name_size &&
		    !efi_guidcmp(s.vendor, *vendor) &&
		    !memcmp(s.name, name, name_size))
			return true;
	return false;
}

/**
 * rtgate_vars_next() - GetNextVariableName() from a snapshot
 * @vars: the snapshot
 * @name_size: the size of @name in bytes in; the next name's size out
 * @name: the previous name (empty for the first) in; the next name out
 * @vendor: the previous vendor GUID in; the next one out
 *
 * Return: the EFI status GetNextVariableName() gives; the order is the
 * snapshot's. The end of the list is %EFI_SECURITY_VIOLATION instead of
 * %EFI_NOT_FOUND if the size cap left variables out.
 */
VISIBLE_IF_KUNIT efi_status_t rtgate_vars_next(const struct rtgate_vars *vars,
					       unsigned long *name_size,
					       efi_char16_t *name,
					       efi_guid_t *vendor)
{
	struct rtgate_slot s;
	u32 k = 0;

	if (!name_size || !name || !vendor || *name_size < sizeof(*name))
		return EFI_INVALID_PARAMETER;
	if (name[0]) {
		if (!rtgate_vars_slot_of(vars, name, *name_size, vendor, &k))
			return EFI_INVALID_PARAMETER;
		k++;
	}
	while (rtgate_vars_slot(vars, k, &s) && !s.listed)
		k++;
	/* The end of a list the size cap cut short is not the end. */
	if (!s.name)
		return vars->truncated ? EFI_SECURITY_VIOLATION : EFI_NOT_FOUND;

	if (*name_size < s.name_size) {
		*name_size = s.name_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(name, s.name, s.name_size);
	*name_size = s.name_size;
	*vendor = s.vendor;
	return EFI_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_vars_next);

/**
 * rtgate_vars_query() - QueryVariableInfo() from a snapshot
 * @vars: the snapshot
 * @attr: the attributes asked about
 * @storage_space: set to the size of the store for @attr
 * @remaining_space: set to the space left
 * @max_variable_size: set to the largest variable size
 *
 * Return: %EFI_SUCCESS with the boot-time answer for @attr, or
 * %EFI_UNSUPPORTED if the snapshot has none.
 */
efi_status_t rtgate_vars_query(const struct rtgate_vars *vars, u32 attr,
			       u64 *storage_space, u64 *remaining_space,
			       u64 *max_variable_size)
{
	u32 i;

	for (i = 0; i < vars->nr_qvi; i++) {
		if (vars->qvi[i].attr != attr)
			continue;
		*storage_space = vars->qvi[i].storage_space;
		/* The kept writes will take their room. */
		*remaining_space = vars->qvi[i].remaining_space -
				   min_t(u64, vars->pending_len,
					 vars->qvi[i].remaining_space);
		*max_variable_size = vars->qvi[i].max_variable_size;
		return EFI_SUCCESS;
	}
	return EFI_UNSUPPORTED;
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_vars_query);

/*
 * Report what the stub did with a file of kept writes at this boot, from
 * the volatile variable it leaves (EFI_RTGATE_APPLIED_VAR): the file's
 * status, then each entry's.
 */
static void __init rtgate_vars_applied(const struct rtgate_vars *vars)
{
	static const char * const verdicts[] = {
		[EFI_RTGATE_FILE_MALFORMED]	= "malformed",
		[EFI_RTGATE_FILE_TRUNCATED]	= "truncated",
		[EFI_RTGATE_FILE_CRC]		= "CRC-32 mismatch",
		[EFI_RTGATE_FILE_FOREIGN]	= "written on another machine",
		[EFI_RTGATE_FILE_OVERSIZED]	= "oversized",
		[EFI_RTGATE_FILE_UNREADABLE]	= "unreadable",
		[EFI_RTGATE_FILE_UNMEASURED]	= "its measurement failed",
	};
	static const efi_char16_t applied[] = EFI_RTGATE_APPLIED_VAR;
	const efi_guid_t guid = LINUX_EFI_RTGATE_GUID;
	u32 attr, size, i, nr, failed = 0;
	const u64 *status;
	const void *data;

	if (!rtgate_vars_lookup(vars, applied, sizeof(applied), &guid, &attr,
				&data, &size) || !size || size % sizeof(u64))
		return;
	status = data;
	nr = size / sizeof(u64) - 1;
	switch (lower_32_bits(status[0])) {
	case EFI_RTGATE_FILE_APPLIED:
		for (i = 1; i <= nr; i++)
			failed += status[i] != EFI_SUCCESS;
		pr_info("the EFI stub applied %s: %u kept variable writes, %u refused by firmware\n",
			EFI_RTGATE_FILE_NAME, nr, failed);
		break;
	case EFI_RTGATE_FILE_DONE:
		pr_info("the EFI stub removed %s: an opening had applied it\n",
			EFI_RTGATE_FILE_NAME);
		break;
	default:
		pr_warn("the EFI stub rejected %s (%s): nothing applied, the file is kept\n",
			EFI_RTGATE_FILE_NAME,
			status[0] < ARRAY_SIZE(verdicts) && verdicts[status[0]] ?
			verdicts[status[0]] : "unknown status");
		return;
	}
}

/*
 * Take the snapshot the EFI stub left in setup_data, when the gate is
 * closed at boot. Two entries, or one that fails its check, leave no
 * snapshot: reads are then refused, as without one.
 */
void __init rtgate_vars_init(void)
{
	u64 pa = boot_params.hdr.setup_data, found = 0;
	struct rtgate_vars *vars;
	struct setup_data *sd;
	const char *why;
	u32 len = 0;

	while (pa) {
		sd = memremap(pa, sizeof(*sd), MEMREMAP_WB);
		if (!sd) {
			pr_err("variable snapshot: cannot map setup_data\n");
			return;
		}
		if (sd->type == SETUP_EFI_VARS) {
			if (found) {
				memunmap(sd);
				pr_err("variable snapshot rejected: two SETUP_EFI_VARS entries\n");
				return;
			}
			found = pa + sizeof(*sd);
			len = sd->len;
		}
		pa = sd->next;
		memunmap(sd);
	}
	if (!found) {
		pr_info("no variable snapshot from the EFI stub: variable reads are refused while closed\n");
		return;
	}
	if (len > EFI_RTGATE_VARS_MAX_LEN) {
		pr_err("variable snapshot rejected: oversized (%u bytes)\n", len);
		return;
	}

	sd = memremap(found, len, MEMREMAP_WB);
	if (!sd) {
		pr_err("variable snapshot: cannot map %u bytes\n", len);
		return;
	}
	vars = rtgate_vars_parse(sd, len, &why);
	memunmap(sd);
	if (IS_ERR(vars)) {
		pr_err("variable snapshot rejected: %s; variable reads are refused while closed\n",
		       why);
		return;
	}
	rtgate_vars = vars;
	pr_info("variable snapshot: %u variables, %zu bytes%s\n", vars->nr_vars,
		vars->len, vars->truncated ? " (truncated: the size cap left some out)" : "");
	if (vars->defer)
		pr_info("variable writes while closed are kept for the next boot's stub (file %s on the ESP, machine %pUl)\n",
			EFI_RTGATE_FILE_NAME, &vars->machine);
	rtgate_vars_applied(vars);
}

/*
 * Called with rtgate_mutex held, after the first opening switched reads to
 * firmware (@apply: the writes kept while closed then go to firmware), or
 * after resume from hibernation, when the gate may be closed and readers
 * may still be using the snapshot (the stub of the boot that restored the
 * image found the writes kept before, if user space wrote them out).
 */
void rtgate_vars_drop(bool apply)
{
	struct rtgate_vars *vars;

	KUNIT_STATIC_STUB_REDIRECT(rtgate_vars_drop, apply);
	vars = xchg(&rtgate_vars, NULL);
	if (!vars)
		return;
	rtgate_vars_sync();
	if (apply)
		rtgate_pending_apply(vars);
	else if (vars->nr_pending)
		pr_info("%u kept variable writes dropped with the snapshot\n",
			vars->nr_pending);
	rtgate_vars_free(vars);
	pr_info("variable snapshot freed: reads go to firmware\n");
}

#if IS_ENABLED(CONFIG_EFI_RTGATE_KUNIT_TEST)
/*
 * Exchange the snapshot in use with a test's own (or none); no reader
 * still holds the old one on return. The caller holds rtgate_mutex, so no
 * opening frees either meanwhile.
 * Return: the old snapshot
 */
struct rtgate_vars *rtgate_vars_swap(struct rtgate_vars *vars)
{
	vars = xchg(&rtgate_vars, vars);
	rtgate_vars_sync();
	return vars;
}
EXPORT_SYMBOL_IF_KUNIT(rtgate_vars_swap);
#endif

/**
 * efi_rtgate_get_variable() - GetVariable() while the gate is closed
 * @name: the variable's name, NUL-terminated
 * @vendor: its vendor GUID
 * @attr: set to its attributes if not NULL
 * @data_size: the size of @data in; the variable's size out
 * @data: where its value is copied
 *
 * Called by the runtime wrappers with the EFI runtime lock held and the
 * gate closed. Without a snapshot, the read is refused like any call.
 *
 * Return: the snapshot's answer, or %EFI_SECURITY_VIOLATION.
 */
efi_status_t efi_rtgate_get_variable(efi_char16_t *name, efi_guid_t *vendor,
				     u32 *attr, unsigned long *data_size,
				     void *data)
{
	const struct rtgate_vars *vars = READ_ONCE(rtgate_vars);
	efi_status_t status = EFI_SECURITY_VIOLATION;

	if (vars)
		status = rtgate_vars_get(vars, name, vendor, attr, data_size,
					 data);
	if (status == EFI_SECURITY_VIOLATION)
		efi_rtgate_report(EFI_GET_VARIABLE, __builtin_return_address(0));
	return status;
}

/**
 * efi_rtgate_get_next_variable() - GetNextVariableName() while the gate is closed
 * @name_size: the size of @name in bytes in; the next name's size out
 * @name: the previous name (empty for the first) in; the next name out
 * @vendor: the previous vendor GUID in; the next one out
 *
 * Called like efi_rtgate_get_variable().
 *
 * Return: the snapshot's answer, or %EFI_SECURITY_VIOLATION.
 */
efi_status_t efi_rtgate_get_next_variable(unsigned long *name_size,
					  efi_char16_t *name,
					  efi_guid_t *vendor)
{
	const struct rtgate_vars *vars = READ_ONCE(rtgate_vars);
	efi_status_t status = EFI_SECURITY_VIOLATION;

	if (vars)
		status = rtgate_vars_next(vars, name_size, name, vendor);
	if (status == EFI_SECURITY_VIOLATION)
		efi_rtgate_report(EFI_GET_NEXT_VARIABLE,
				  __builtin_return_address(0));
	return status;
}

/**
 * efi_rtgate_query_variable_info() - QueryVariableInfo() while the gate is closed
 * @attr: the attributes asked about
 * @storage_space: set to the size of the store for @attr
 * @remaining_space: set to the space left
 * @max_variable_size: set to the largest variable size
 *
 * Called like efi_rtgate_get_variable(). The boot-time answer, less the
 * room that the writes kept while closed will take.
 *
 * Return: the snapshot's answer, or %EFI_SECURITY_VIOLATION.
 */
efi_status_t efi_rtgate_query_variable_info(u32 attr, u64 *storage_space,
					    u64 *remaining_space,
					    u64 *max_variable_size)
{
	const struct rtgate_vars *vars = READ_ONCE(rtgate_vars);

	if (!vars) {
		efi_rtgate_report(EFI_QUERY_VARIABLE_INFO,
				  __builtin_return_address(0));
		return EFI_SECURITY_VIOLATION;
	}
	return rtgate_vars_query(vars, attr, storage_space, remaining_space,
				 max_variable_size);
}

/**
 * efi_rtgate_set_variable() - SetVariable() while the gate is closed
 * @name: the variable's name, NUL-terminated
 * @vendor: its vendor GUID
 * @attr: its attributes
 * @data_size: the size of @data
 * @data: its value
 *
 * Called like efi_rtgate_get_variable(). Where the stub of the next boot
 * can apply a file from the volume this kernel was loaded from, the write
 * is checked and kept for it (rtgate_pending_set()); otherwise it is
 * refused like any call.
 *
 * Return: the status of the kept write, or %EFI_SECURITY_VIOLATION.
 */
efi_status_t efi_rtgate_set_variable(efi_char16_t *name, efi_guid_t *vendor,
				     u32 attr, unsigned long data_size,
				     void *data)
{
	struct rtgate_vars *vars = READ_ONCE(rtgate_vars);

	if (vars && vars->defer)
		return rtgate_pending_set(vars, name, vendor, attr, data_size,
					  data);
	if (vars)
		pr_info_once("variable writes are refused while closed: the kernel was not loaded from a writable file system that the next boot's stub reads\n");
	else
		pr_info_once("variable writes are refused while closed: no variable snapshot from the EFI stub\n");
	efi_rtgate_report(EFI_SET_VARIABLE, __builtin_return_address(0));
	return EFI_SECURITY_VIOLATION;
}
