// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the EFI runtime gate's variable snapshot: the parser that
 * takes it whole or not at all, and the GetVariable(),
 * GetNextVariableName() and QueryVariableInfo() answers served from it.
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/efi.h>
#include <linux/efi_rtgate.h>
#include <linux/efi_rtgate_vars.h>
#include <linux/efi_varfile.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/stddef.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "rtgate.h"

#define RT_ATTR	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
		 EFI_VARIABLE_RUNTIME_ACCESS)

struct vt_var {
	const char *name;	/* ASCII, widened to UCS-2 */
	efi_guid_t vendor;
	u32 attr;
	const char *data;
	u32 data_size;
};

static const struct vt_var vt_vars[] = {
	{ "SecureBoot", EFI_GLOBAL_VARIABLE_GUID,
	  EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, "\x01", 1 },
	{ "BootOrder", EFI_GLOBAL_VARIABLE_GUID, RT_ATTR, "\x01\x00\x00\x00", 4 },
	{ "dbx", EFI_IMAGE_SECURITY_DATABASE_GUID, RT_ATTR |
	  EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS, "0123456789abc", 13 },
	{ "Empty", EFI_SHIM_LOCK_GUID, RT_ATTR, "", 0 },
};

static const struct efi_rtgate_vars_qvi vt_qvi = {
	.attr = RT_ATTR,
	.storage_space = 0x40000,
	.remaining_space = 0x3c000,
	.max_variable_size = 0x8400,
};

/*
 * Build the snapshot the EFI stub would write for @vars (test memory),
 * with one QueryVariableInfo() answer; @flags and @left_out go into the
 * header.
 */
static u8 *vt_build(struct kunit *test, const struct vt_var *vars, int nr,
		    u16 flags, u32 left_out, size_t *len)
{
	struct efi_rtgate_vars_header *hdr;
	u8 *buf = kunit_kzalloc(test, SZ_8K, GFP_KERNEL);
	size_t off;
	int i, j;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	hdr = (void *)buf;
	off = sizeof(*hdr);
	memcpy(buf + off, &vt_qvi, sizeof(vt_qvi));
	off += sizeof(vt_qvi);
	for (i = 0; i < nr; i++) {
		struct efi_rtgate_var *v = (void *)(buf + off);
		efi_char16_t *name = (void *)(v + 1);
		size_t n = strlen(vars[i].name) + 1;

		v->vendor = vars[i].vendor;
		v->attr = vars[i].attr;
		v->name_size = n * sizeof(*name);
		v->data_size = vars[i].data_size;
		for (j = 0; j < n; j++)
			name[j] = vars[i].name[j];
		memcpy((u8 *)name + v->name_size, vars[i].data, v->data_size);
		off = ALIGN(off + sizeof(*v) + v->name_size + v->data_size,
			    EFI_RTGATE_VARS_ALIGN);
		KUNIT_ASSERT_LE(test, off, SZ_8K);
	}
	hdr->magic = EFI_RTGATE_VARS_MAGIC;
	hdr->version = EFI_RTGATE_VARS_VERSION;
	hdr->flags = flags;
	hdr->len = off;
	hdr->nr_qvi = 1;
	hdr->nr_vars = nr;
	hdr->nr_left_out = left_out;
	*len = off;
	return buf;
}

static struct rtgate_vars *vt_parse(struct kunit *test, const u8 *buf,
				    size_t len)
{
	struct rtgate_vars *vars;
	const char *why = NULL;

	vars = rtgate_vars_parse(buf, len, &why);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(vars), "rejected: %s", why);
	return vars;
}

static void vt_name(efi_char16_t *out, const char *name)
{
	size_t i;

	for (i = 0; i <= strlen(name); i++)
		out[i] = name[i];
}

/* A whole snapshot: every variable, its attributes and data, in order. */
static void rtgate_vars_test_roundtrip(struct kunit *test)
{
	efi_char16_t name[64], want[64];
	struct rtgate_vars *vars;
	unsigned long size;
	efi_guid_t vendor;
	u64 a, b, c;
	u8 data[32];
	size_t len;
	u32 attr;
	int i;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);

	vars = vt_parse(test, buf, len);
	KUNIT_EXPECT_EQ(test, vars->nr_vars, ARRAY_SIZE(vt_vars));
	/* The parser works on its own copy. */
	memset(buf, 0, len);

	name[0] = 0;
	for (i = 0; i < ARRAY_SIZE(vt_vars); i++) {
		size = sizeof(name);
		KUNIT_ASSERT_EQ(test, rtgate_vars_next(vars, &size, name, &vendor),
				EFI_SUCCESS);
		vt_name(want, vt_vars[i].name);
		KUNIT_EXPECT_EQ(test, size, (strlen(vt_vars[i].name) + 1) * 2);
		KUNIT_EXPECT_MEMEQ(test, name, want, size);
		KUNIT_EXPECT_TRUE(test, !efi_guidcmp(vendor, vt_vars[i].vendor));

		size = sizeof(data);
		memset(data, 0xa5, sizeof(data));
		KUNIT_ASSERT_EQ(test, rtgate_vars_get(vars, name, &vendor, &attr,
						      &size, data), EFI_SUCCESS);
		KUNIT_EXPECT_EQ(test, attr, vt_vars[i].attr);
		KUNIT_EXPECT_EQ(test, size, vt_vars[i].data_size);
		KUNIT_EXPECT_MEMEQ(test, data, vt_vars[i].data, size);
		KUNIT_EXPECT_EQ(test, data[size], 0xa5);
	}
	size = sizeof(name);
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, name, &vendor),
			EFI_NOT_FOUND);

	KUNIT_EXPECT_EQ(test, rtgate_vars_query(vars, RT_ATTR, &a, &b, &c),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, a, vt_qvi.storage_space);
	KUNIT_EXPECT_EQ(test, b, vt_qvi.remaining_space);
	KUNIT_EXPECT_EQ(test, c, vt_qvi.max_variable_size);
	KUNIT_EXPECT_EQ(test, rtgate_vars_query(vars, RT_ATTR |
			EFI_VARIABLE_HARDWARE_ERROR_RECORD, &a, &b, &c),
			EFI_UNSUPPORTED);
	rtgate_vars_free(vars);
}

/* GetVariable() and GetNextVariableName() answer as the specification says. */
static void rtgate_vars_test_semantics(struct kunit *test)
{
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID, other = NULL_GUID;
	efi_guid_t secdb = EFI_IMAGE_SECURITY_DATABASE_GUID;
	efi_char16_t name[16], big[16];
	struct rtgate_vars *vars;
	unsigned long size;
	u8 data[8];
	size_t len;
	u32 attr = 0;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);

	vars = vt_parse(test, buf, len);
	vt_name(name, "BootOrder");

	size = 2;
	KUNIT_EXPECT_EQ(test, rtgate_vars_get(vars, name, &global, &attr, &size,
					      data), EFI_BUFFER_TOO_SMALL);
	KUNIT_EXPECT_EQ(test, size, 4);
	KUNIT_EXPECT_EQ(test, attr, RT_ATTR);
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, rtgate_vars_get(vars, name, &global, NULL, &size,
					      NULL), EFI_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, rtgate_vars_get(vars, name, &global, NULL, NULL,
					      data), EFI_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, rtgate_vars_get(vars, name, &other, NULL, &size,
					      data), EFI_NOT_FOUND);
	vt_name(big, "BootOrde");
	KUNIT_EXPECT_EQ(test, rtgate_vars_get(vars, big, &global, NULL, &size,
					      data), EFI_NOT_FOUND);

	/* Next after dbx is Empty: 12 bytes of name. */
	vt_name(name, "dbx");
	size = 8;
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, name, &secdb),
			EFI_BUFFER_TOO_SMALL);
	KUNIT_EXPECT_EQ(test, size, 12);
	/* The previous name must end within the buffer size given. */
	size = 6;
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, name, &secdb),
			EFI_INVALID_PARAMETER);
	/* A previous name that is not in the store */
	size = sizeof(name);
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, name, &global),
			EFI_INVALID_PARAMETER);
	size = sizeof(big);
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, big, &global),
			EFI_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, NULL, name, &global),
			EFI_INVALID_PARAMETER);
	rtgate_vars_free(vars);
}

/*
 * A snapshot the size cap cut short states no absence: a missing name and
 * the end of the list are refused, not "not found".
 */
static void rtgate_vars_test_truncated(struct kunit *test)
{
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID, vendor;
	struct rtgate_vars *vars;
	efi_char16_t name[16];
	unsigned long size;
	u8 data[8];
	size_t len;
	int i;
	u8 *buf = vt_build(test, vt_vars, 2, EFI_RTGATE_VARS_TRUNCATED, 3, &len);

	vars = vt_parse(test, buf, len);
	vt_name(name, "Missing");
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, rtgate_vars_get(vars, name, &global, NULL, &size,
					      data), EFI_SECURITY_VIOLATION);
	name[0] = 0;
	for (i = 0; i < 2; i++) {
		size = sizeof(name);
		KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, name, &vendor),
				EFI_SUCCESS);
	}
	size = sizeof(name);
	KUNIT_EXPECT_EQ(test, rtgate_vars_next(vars, &size, name, &vendor),
			EFI_SECURITY_VIOLATION);
	rtgate_vars_free(vars);
}

static void vt_reject(struct kunit *test, const u8 *buf, size_t len,
		      const char *what)
{
	struct rtgate_vars *vars;
	const char *why = NULL;

	vars = rtgate_vars_parse(buf, len, &why);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(vars), "accepted: %s", what);
	if (!IS_ERR(vars))
		rtgate_vars_free(vars);
	else
		KUNIT_EXPECT_NOT_NULL(test, why);
}

/* Every prefix of a snapshot is rejected, with or without its length fixed up. */
static void rtgate_vars_test_prefixes(struct kunit *test)
{
	size_t len, cut;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);
	u8 *copy = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	for (cut = 0; cut < len; cut++) {
		vt_reject(test, buf, cut, "prefix");
		memcpy(copy, buf, len);
		if (cut >= sizeof(struct efi_rtgate_vars_header))
			((struct efi_rtgate_vars_header *)copy)->len = cut;
		vt_reject(test, copy, cut, "prefix, length fixed");
	}
}

/*
 * A defect sets a field of the snapshot built from vt_vars (one QVI
 * answer, then SecureBoot: a 32-byte record, 22 bytes of name, 1 byte of
 * data, 1 byte of padding) to @value, or @apply changes it otherwise.
 */
struct vt_defect {
	const char *what;
	size_t off;
	u8 width;
	u32 value;
	void (*apply)(u8 *buf, size_t *len);
};

#define VT_HDR(buf)	((struct efi_rtgate_vars_header *)(buf))
#define VT_QVI_OFF	sizeof(struct efi_rtgate_vars_header)
#define VT_VAR0_OFF	(VT_QVI_OFF + sizeof(struct efi_rtgate_vars_qvi))
#define VT_NAME0_OFF	(VT_VAR0_OFF + sizeof(struct efi_rtgate_var))
#define VT_HDR_FIELD(f)	offsetof(struct efi_rtgate_vars_header, f)
#define VT_VAR0_FIELD(f) (VT_VAR0_OFF + offsetof(struct efi_rtgate_var, f))

static void vt_longer(u8 *buf, size_t *len)
{
	VT_HDR(buf)->len += 8;
}

static void vt_trailing(u8 *buf, size_t *len)
{
	*len += 8;
	VT_HDR(buf)->len += 8;
}

static void vt_oversized(u8 *buf, size_t *len)
{
	*len = EFI_RTGATE_VARS_MAX_LEN + 8;
}

/* The first variable again, as the last one */
static void vt_duplicate(u8 *buf, size_t *len)
{
	struct efi_rtgate_var *v = (void *)(buf + VT_VAR0_OFF);
	size_t n = ALIGN(sizeof(*v) + v->name_size + v->data_size,
			 EFI_RTGATE_VARS_ALIGN);

	memcpy(buf + *len, v, n);
	*len += n;
	VT_HDR(buf)->len += n;
	VT_HDR(buf)->nr_vars++;
}

static void vt_duplicate_qvi(u8 *buf, size_t *len)
{
	size_t n = sizeof(struct efi_rtgate_vars_qvi);

	memmove(buf + VT_QVI_OFF + n, buf + VT_QVI_OFF, *len - VT_QVI_OFF);
	*len += n;
	VT_HDR(buf)->len += n;
	VT_HDR(buf)->nr_qvi++;
}

static const struct vt_defect vt_defects[] = {
	{ "bad magic", VT_HDR_FIELD(magic), 4, EFI_RTGATE_VARS_MAGIC ^ 1 },
	{ "unknown version", VT_HDR_FIELD(version), 2,
	  EFI_RTGATE_VARS_VERSION + 1 },
	{ "unknown flag", VT_HDR_FIELD(flags), 2, BIT(2) },
	{ "machine without deferral", VT_HDR_FIELD(machine), 1, 1 },
	{ "left-out count without the flag", VT_HDR_FIELD(nr_left_out), 4, 1 },
	{ "flag without a left-out count", VT_HDR_FIELD(flags), 2,
	  EFI_RTGATE_VARS_TRUNCATED },
	{ "too many QVI answers", VT_HDR_FIELD(nr_qvi), 4,
	  EFI_RTGATE_VARS_MAX_QVI + 1 },
	{ "too many variables", VT_HDR_FIELD(nr_vars), 4,
	  EFI_RTGATE_VARS_MAX_VARS + 1 },
	{ "more variables than records", VT_HDR_FIELD(nr_vars), 4,
	  ARRAY_SIZE(vt_vars) + 1 },
	{ "fewer variables than records", VT_HDR_FIELD(nr_vars), 4,
	  ARRAY_SIZE(vt_vars) - 1 },
	{ "QVI reserved field", VT_QVI_OFF +
	  offsetof(struct efi_rtgate_vars_qvi, reserved), 4, 1 },
	{ "odd name size", VT_VAR0_FIELD(name_size), 4, 21 },
	{ "empty name", VT_VAR0_FIELD(name_size), 4, 0 },
	{ "name over the cap", VT_VAR0_FIELD(name_size), 4,
	  EFI_RTGATE_VARS_MAX_NAME + 2 },
	{ "data past the end", VT_VAR0_FIELD(data_size), 4, 0x7fffffff },
	{ "variable not readable at runtime", VT_VAR0_FIELD(attr), 4,
	  EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS },
	{ "variable reserved field", VT_VAR0_FIELD(reserved), 4, 1 },
	{ "name without NUL", VT_NAME0_OFF + 20, 2, 'x' },
	{ "NUL inside the name", VT_NAME0_OFF + 6, 2, 0 },
	{ "padding not zero", VT_NAME0_OFF + 23, 1, 1 },
	{ "length differs from the entry", .apply = vt_longer },
	{ "trailing bytes", .apply = vt_trailing },
	{ "oversized", .apply = vt_oversized },
	{ "duplicated variable", .apply = vt_duplicate },
	{ "duplicated QVI answer", .apply = vt_duplicate_qvi },
};

static void vt_defect_desc(const struct vt_defect *d, char *desc)
{
	strscpy(desc, d->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vt_defect, vt_defects, vt_defect_desc);

static void rtgate_vars_test_defect(struct kunit *test)
{
	const struct vt_defect *d = test->param_value;
	size_t len;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);
	u8 *big = kunit_kzalloc(test, EFI_RTGATE_VARS_MAX_LEN + SZ_4K,
				GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, big);
	memcpy(big, buf, len);
	/* The unchanged snapshot passes: the defect alone is rejected. */
	rtgate_vars_free(vt_parse(test, big, len));
	if (d->apply)
		d->apply(big, &len);
	else if (d->width == 1)
		big[d->off] = d->value;
	else if (d->width == 2)
		*(u16 *)(big + d->off) = d->value;
	else
		*(u32 *)(big + d->off) = d->value;
	vt_reject(test, big, len, d->what);
}

/*
 * Random corruption: whatever the parser accepts must be served without
 * an out-of-bounds access (KASAN watches) and be self-consistent: every
 * listed name can be read back.
 */
static void rtgate_vars_test_fuzz(struct kunit *test)
{
	struct rnd_state rnd;
	/* 1 KiB: on the heap, not in a frame that also holds expectations. */
	efi_char16_t *name = kunit_kmalloc(test, EFI_RTGATE_VARS_MAX_NAME, GFP_KERNEL);
	int iter, accepted = 0, n, k;
	size_t len;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);
	u8 *copy = kunit_kmalloc(test, len, GFP_KERNEL);
	u8 data[64];

	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	prandom_seed_state(&rnd, 0x72746761);
	for (iter = 0; iter < 4000; iter++) {
		struct rtgate_vars *vars;
		const char *why;
		efi_guid_t vendor;
		unsigned long size;

		memcpy(copy, buf, len);
		for (k = 1 + prandom_u32_state(&rnd) % 4; k; k--)
			copy[prandom_u32_state(&rnd) % len] ^=
				1 << (prandom_u32_state(&rnd) % 8);
		vars = rtgate_vars_parse(copy, len, &why);
		if (IS_ERR(vars))
			continue;
		accepted++;
		name[0] = 0;
		for (n = 0; ; n++) {
			efi_status_t st;

			size = EFI_RTGATE_VARS_MAX_NAME;
			st = rtgate_vars_next(vars, &size, name, &vendor);
			if (st != EFI_SUCCESS) {
				KUNIT_EXPECT_EQ(test, st, vars->truncated ?
						EFI_SECURITY_VIOLATION :
						EFI_NOT_FOUND);
				break;
			}
			size = sizeof(data);
			st = rtgate_vars_get(vars, name, &vendor, NULL, &size, data);
			KUNIT_EXPECT_TRUE(test, st == EFI_SUCCESS ||
					  st == EFI_BUFFER_TOO_SMALL);
		}
		/* With deferral, VarToFile and RTStorageVolatile come last. */
		KUNIT_EXPECT_EQ(test, n, vars->nr_vars + (vars->defer ? 2 : 0));
		rtgate_vars_free(vars);
	}
	/* Flips in the data bytes are accepted: the walk above did run. */
	KUNIT_EXPECT_GT(test, accepted, 0);
	kunit_info(test, "%d of 4000 corrupted snapshots accepted\n", accepted);
}

/*
 * In the VM, with the gate closed: the runtime wrappers answer reads from
 * the snapshot in use (here the test's, whose values differ from the
 * firmware's), refuse writes, and refuse reads when there is none.
 */
static void rtgate_vars_test_wrappers(struct kunit *test)
{
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID, vendor;
	struct rtgate_vars *vars, *saved;
	efi_char16_t name[16];
	unsigned long size;
	u64 a = 0, b = 0, c = 0;
	u8 data[8];
	size_t len;
	u32 attr;
	u8 *buf;

	if (!efi_enabled(EFI_RUNTIME_SERVICES) || !efi.get_variable ||
	    !efi_rtgate_closed())
		kunit_skip(test, "no EFI runtime services, or the gate is open");

	buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);
	vars = vt_parse(test, buf, len);
	/* No opening (which frees the snapshot in use) until it is back. */
	mutex_lock(&rtgate_mutex);
	saved = rtgate_vars_swap(vars);

	vt_name(name, "BootOrder");
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, efi.get_variable(name, &global, &attr, &size, data),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, size, 4);
	KUNIT_EXPECT_MEMEQ(test, data, vt_vars[1].data, 4);
	name[0] = 0;
	size = sizeof(name);
	KUNIT_EXPECT_EQ(test, efi.get_next_variable(&size, name, &vendor),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, size, sizeof("SecureBoot") * 2);
	if (efi.runtime_version >= EFI_2_00_SYSTEM_TABLE_REVISION) {
		KUNIT_EXPECT_EQ(test, efi.query_variable_info(RT_ATTR, &a, &b, &c),
				EFI_SUCCESS);
		KUNIT_EXPECT_EQ(test, a, vt_qvi.storage_space);
		KUNIT_EXPECT_EQ(test,
				efi.query_variable_info_nonblocking(RT_ATTR, &a,
								    &b, &c),
				EFI_SUCCESS);
		KUNIT_EXPECT_EQ(test, c, vt_qvi.max_variable_size);
	}
	vt_name(name, "BootOrder");
	KUNIT_EXPECT_EQ(test, efi.set_variable(name, &global, RT_ATTR, 4, data),
			EFI_SECURITY_VIOLATION);

	rtgate_vars_swap(NULL);
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, efi.get_variable(name, &global, &attr, &size, data),
			EFI_SECURITY_VIOLATION);

	rtgate_vars_swap(saved);
	mutex_unlock(&rtgate_mutex);
	rtgate_vars_free(vars);
}

/* Deferred writes: a snapshot whose stub can apply a file at the next boot */
static const efi_guid_t vt_machine = EFI_GUID(0x01234567, 0x89ab, 0xcdef,
					      0x01, 0x23, 0x45, 0x67, 0x89,
					      0xab, 0xcd, 0xef);

static struct rtgate_vars *vt_defer(struct kunit *test)
{
	size_t len;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars),
			   EFI_RTGATE_VARS_DEFER, 0, &len);

	((struct efi_rtgate_vars_header *)buf)->machine = vt_machine;
	return vt_parse(test, buf, len);
}

static efi_status_t vt_set(struct rtgate_vars *vars, const char *ascii,
			   efi_guid_t vendor, u32 attr, const void *data,
			   unsigned long size)
{
	efi_char16_t name[64];

	vt_name(name, ascii);
	return rtgate_pending_set(vars, name, &vendor, attr, size, data);
}

static efi_status_t vt_get(struct rtgate_vars *vars, const char *ascii,
			   efi_guid_t vendor, u32 *attr, void *data,
			   unsigned long *size)
{
	efi_char16_t name[64];

	vt_name(name, ascii);
	return rtgate_vars_get(vars, name, &vendor, attr, size, data);
}

/* Every name listed, in order, as "Name " (ASCII) into @out */
static void vt_list(struct kunit *test, struct rtgate_vars *vars, char *out,
		    size_t out_size)
{
	efi_char16_t name[64];
	unsigned long size;
	efi_guid_t vendor;
	efi_status_t status;
	int i, n = 0;

	out[0] = 0;
	name[0] = 0;
	while (1) {
		size = sizeof(name);
		status = rtgate_vars_next(vars, &size, name, &vendor);
		if (status != EFI_SUCCESS)
			break;
		for (i = 0; name[i] && n < out_size - 2; i++)
			out[n++] = name[i];
		out[n++] = ' ';
		out[n] = 0;
		KUNIT_ASSERT_LT(test, n, out_size - 1);
	}
	KUNIT_EXPECT_EQ(test, status, EFI_NOT_FOUND);
}

/*
 * A client reads back what it wrote: a new variable is listed after the
 * snapshot's, a changed one reads its new value, a deleted one is gone,
 * and a variable created and deleted while closed leaves nothing kept.
 */
static void rtgate_pending_test_readback(struct kunit *test)
{
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID;
	efi_guid_t shim = EFI_SHIM_LOCK_GUID;
	struct rtgate_vars *vars = vt_defer(test);
	unsigned long size;
	char list[256];
	u8 data[16];
	u32 attr;

	vt_list(test, vars, list, sizeof(list));
	KUNIT_EXPECT_STREQ(test, list,
			   "SecureBoot BootOrder dbx Empty RTStorageVolatile VarToFile ");

	KUNIT_EXPECT_EQ(test, vt_set(vars, "Boot0007", global, RT_ATTR,
				     "entry", 5), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vt_set(vars, "BootOrder", global, RT_ATTR,
				     "\x07\x00\x01\x00", 4), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vt_set(vars, "Empty", shim, RT_ATTR, NULL, 0),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vars->nr_pending, 3);

	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "Boot0007", global, &attr, data,
				     &size), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, size, 5);
	KUNIT_EXPECT_EQ(test, attr, RT_ATTR);
	KUNIT_EXPECT_MEMEQ(test, data, "entry", 5);
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "BootOrder", global, &attr, data,
				     &size), EFI_SUCCESS);
	KUNIT_EXPECT_MEMEQ(test, data, "\x07\x00\x01\x00", 4);
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "Empty", shim, &attr, data, &size),
			EFI_NOT_FOUND);
	vt_list(test, vars, list, sizeof(list));
	KUNIT_EXPECT_STREQ(test, list,
			   "SecureBoot BootOrder dbx Boot0007 RTStorageVolatile VarToFile ");

	/* Deleting what only the kept writes hold forgets the write. */
	KUNIT_EXPECT_EQ(test, vt_set(vars, "Boot0007", global, RT_ATTR, NULL, 0),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vars->nr_pending, 2);
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "Boot0007", global, &attr, data,
				     &size), EFI_NOT_FOUND);
	/* A deleted variable cannot be deleted again. */
	KUNIT_EXPECT_EQ(test, vt_set(vars, "Empty", shim, RT_ATTR, NULL, 0),
			EFI_NOT_FOUND);
	/* Written again, it is back. */
	KUNIT_EXPECT_EQ(test, vt_set(vars, "Empty", shim, RT_ATTR, "x", 1),
			EFI_SUCCESS);
	vt_list(test, vars, list, sizeof(list));
	KUNIT_EXPECT_STREQ(test, list,
			   "SecureBoot BootOrder dbx Empty RTStorageVolatile VarToFile ");
	rtgate_vars_free(vars);
}

/* An append keeps the whole new value; an empty append changes nothing. */
static void rtgate_pending_test_append(struct kunit *test)
{
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID;
	struct rtgate_vars *vars = vt_defer(test);
	const u32 app = RT_ATTR | EFI_VARIABLE_APPEND_WRITE;
	unsigned long size = 16;
	u8 data[16];
	u32 attr;

	KUNIT_EXPECT_EQ(test, vt_set(vars, "BootOrder", global, app,
				     "\x02\x00", 2), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vt_set(vars, "BootOrder", global, app, "", 0),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vt_set(vars, "BootOrder", global, app,
				     "\x03\x00", 2), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "BootOrder", global, &attr, data,
				     &size), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, size, 8);
	KUNIT_EXPECT_MEMEQ(test, data, "\x01\x00\x00\x00\x02\x00\x03\x00", 8);
	/* Kept as one write of the value, attributes without APPEND_WRITE */
	KUNIT_EXPECT_EQ(test, attr, RT_ATTR);
	KUNIT_EXPECT_EQ(test, vars->nr_pending, 1);
	rtgate_vars_free(vars);
}

struct vt_bad_write {
	const char *what;
	const char *name;
	efi_guid_t vendor;
	u32 attr;
	unsigned long size;
	efi_status_t status;
};

#define VT_BS_RT	(EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
#define VT_TIME_AUTH	EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS

static const struct vt_bad_write vt_bad_writes[] = {
	{ "runtime without boot access", "New", EFI_GLOBAL_VARIABLE_GUID,
	  EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_RUNTIME_ACCESS, 1,
	  EFI_INVALID_PARAMETER },
	{ "boot access only", "New", EFI_GLOBAL_VARIABLE_GUID,
	  EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
	  EFI_VARIABLE_APPEND_WRITE, 1, EFI_INVALID_PARAMETER },
	{ "other attributes than the store's", "BootOrder",
	  EFI_GLOBAL_VARIABLE_GUID, VT_BS_RT, 4, EFI_INVALID_PARAMETER },
	{ "unknown attribute", "New", EFI_GLOBAL_VARIABLE_GUID,
	  RT_ATTR | BIT(8), 1, EFI_INVALID_PARAMETER },
	{ "hardware error record", "New", EFI_GLOBAL_VARIABLE_GUID,
	  RT_ATTR | EFI_VARIABLE_HARDWARE_ERROR_RECORD, 1, EFI_UNSUPPORTED },
	{ "count-based authentication", "New", EFI_GLOBAL_VARIABLE_GUID,
	  RT_ATTR | EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS, 64,
	  EFI_UNSUPPORTED },
	{ "delete of a missing variable", "Missing", EFI_GLOBAL_VARIABLE_GUID,
	  RT_ATTR, 0, EFI_NOT_FOUND },
	{ "over the largest variable", "New", EFI_GLOBAL_VARIABLE_GUID,
	  RT_ATTR, 0x8401, EFI_INVALID_PARAMETER },
	{ "empty name", "", EFI_GLOBAL_VARIABLE_GUID, RT_ATTR, 1,
	  EFI_INVALID_PARAMETER },
	{ "VarToFile", "VarToFile", EFI_VARTOFILE_GUID, VT_BS_RT, 1,
	  EFI_WRITE_PROTECTED },
	{ "RTStorageVolatile deleted", "RTStorageVolatile", EFI_VARTOFILE_GUID,
	  VT_BS_RT, 0, EFI_WRITE_PROTECTED },
	{ "the gate's own vendor", "RtGateDone", LINUX_EFI_RTGATE_GUID,
	  RT_ATTR, 8, EFI_WRITE_PROTECTED },
	{ "authenticated write shorter than its descriptor", "db",
	  EFI_IMAGE_SECURITY_DATABASE_GUID, RT_ATTR | VT_TIME_AUTH, 39,
	  EFI_SECURITY_VIOLATION },
	{ "authenticated write, other attributes", "dbx",
	  EFI_IMAGE_SECURITY_DATABASE_GUID, VT_BS_RT | VT_TIME_AUTH, 64,
	  EFI_INVALID_PARAMETER },
};

static void vt_bad_write_desc(const struct vt_bad_write *w, char *desc)
{
	strscpy(desc, w->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vt_bad_write, vt_bad_writes, vt_bad_write_desc);

/* A write firmware would refuse gets its status and changes nothing. */
static void rtgate_pending_test_refused(struct kunit *test)
{
	const struct vt_bad_write *w = test->param_value;
	struct rtgate_vars *vars = vt_defer(test);
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID;
	size_t before, after;
	u8 *data, *file, *file2;

	data = kunit_kzalloc(test, w->size + 1, GFP_KERNEL);
	file = kunit_kzalloc(test, EFI_RTGATE_FILE_MAX_LEN, GFP_KERNEL);
	file2 = kunit_kzalloc(test, EFI_RTGATE_FILE_MAX_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_ASSERT_NOT_NULL(test, file2);
	/* One write kept before, so that "nothing changed" means something */
	KUNIT_ASSERT_EQ(test, vt_set(vars, "Boot0001", global, RT_ATTR, "a", 1),
			EFI_SUCCESS);
	before = rtgate_varfile_encode(vars, file, EFI_RTGATE_FILE_MAX_LEN);

	KUNIT_EXPECT_EQ(test, vt_set(vars, w->name, w->vendor, w->attr, data,
				     w->size), w->status);
	after = rtgate_varfile_encode(vars, file2, EFI_RTGATE_FILE_MAX_LEN);
	KUNIT_EXPECT_EQ(test, vars->nr_pending, 1);
	KUNIT_EXPECT_EQ(test, after, before);
	KUNIT_EXPECT_MEMEQ(test, file2, file, before);
	rtgate_vars_free(vars);
}

/*
 * The cap: EFI_RTGATE_FILE_MAX_ENTRIES writes, or EFI_RTGATE_FILE_MAX_LEN
 * bytes of file; past it EFI_OUT_OF_RESOURCES (-ENOSPC through efivarfs),
 * and the set stays as it was.
 */
static void rtgate_pending_test_cap(struct kunit *test)
{
	efi_guid_t vendor = EFI_SHIM_LOCK_GUID;
	struct rtgate_vars *vars = vt_defer(test);
	u8 *big = kunit_kzalloc(test, 0x8000, GFP_KERNEL);
	char name[16];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i < EFI_RTGATE_FILE_MAX_ENTRIES; i++) {
		snprintf(name, sizeof(name), "V%d", i);
		KUNIT_ASSERT_EQ(test, vt_set(vars, name, vendor, RT_ATTR, "v", 1),
				EFI_SUCCESS);
	}
	KUNIT_EXPECT_EQ(test, vt_set(vars, "Over", vendor, RT_ATTR, "v", 1),
			EFI_OUT_OF_RESOURCES);
	/* Rewriting a kept variable takes no new entry. */
	KUNIT_EXPECT_EQ(test, vt_set(vars, "V0", vendor, RT_ATTR, "w", 1),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, vars->nr_pending, EFI_RTGATE_FILE_MAX_ENTRIES);
	rtgate_vars_free(vars);

	vars = vt_defer(test);
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "B%d", i);
		KUNIT_ASSERT_EQ(test, vt_set(vars, name, vendor, RT_ATTR, big,
					     0x2000), EFI_SUCCESS);
	}
	KUNIT_EXPECT_EQ(test, vt_set(vars, "B7", vendor, RT_ATTR, big, 0x2000),
			EFI_OUT_OF_RESOURCES);
	KUNIT_EXPECT_LE(test, rtgate_varfile_encode(vars, NULL, 0),
			EFI_RTGATE_FILE_MAX_LEN);
	KUNIT_EXPECT_EQ(test, vars->nr_pending, 7);
	rtgate_vars_free(vars);
}

/*
 * VarToFile is the EBBR chapter 5 file: header, the binding entry with the
 * machine's UUID, then each non-volatile kept write in order (an
 * authenticated one as given, with its attributes), CRC-32 over the
 * entries. Volatile writes read back but are not kept for the next boot.
 */
static void rtgate_pending_test_varfile(struct kunit *test)
{
	static const u8 auth[48] = { [0] = 0xe7, [47] = 0x7e };
	efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID;
	efi_guid_t secdb = EFI_IMAGE_SECURITY_DATABASE_GUID;
	efi_guid_t rtgate = LINUX_EFI_RTGATE_GUID;
	struct rtgate_vars *vars = vt_defer(test);
	const u32 dbx_attr = RT_ATTR | VT_TIME_AUTH | EFI_VARIABLE_APPEND_WRITE;
	struct efi_varfile_header *hdr;
	struct efi_varfile_entry *e;
	unsigned long size = 0;
	efi_char16_t name[16];
	size_t len;
	u8 data[16];
	u32 attr;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, vt_set(vars, "Volatile", global, VT_BS_RT, "v", 1),
			EFI_SUCCESS);
	KUNIT_ASSERT_EQ(test, vt_set(vars, "BootNext", global, RT_ATTR,
				     "\x07\x00", 2), EFI_SUCCESS);
	KUNIT_ASSERT_EQ(test, vt_set(vars, "dbx", secdb, dbx_attr, auth,
				     sizeof(auth)), EFI_SUCCESS);
	/* The authenticated write changes no read before firmware checks it. */
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "dbx", secdb, &attr, data, &size),
			EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, size, vt_vars[2].data_size);

	/* Read as VarToFile: size first, then the file. */
	size = 0;
	KUNIT_ASSERT_EQ(test, vt_get(vars, "VarToFile", EFI_VARTOFILE_GUID,
				     &attr, NULL, &size), EFI_BUFFER_TOO_SMALL);
	KUNIT_EXPECT_EQ(test, attr, VT_BS_RT);
	len = size;
	KUNIT_EXPECT_EQ(test, len, sizeof(*hdr) + 80 + 56 + 88);
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vt_get(vars, "VarToFile", EFI_VARTOFILE_GUID,
				     &attr, buf, &size), EFI_SUCCESS);

	hdr = (void *)buf;
	KUNIT_EXPECT_EQ(test, le64_to_cpu(hdr->reserved), 0);
	KUNIT_EXPECT_MEMEQ(test, buf + 8, "UbEfiVa\x01", 8);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->length), len);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->crc32),
			crc32_le(~0, buf + sizeof(*hdr), len - sizeof(*hdr)) ^ ~0);

	/* The binding entry: 28 bytes of name, 16 of UUID, 80 in all */
	e = (void *)(hdr + 1);
	vt_name(name, "RtGateMachine");
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->attr), EFI_VARIABLE_BOOTSERVICE_ACCESS);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->data_size), 16);
	KUNIT_EXPECT_TRUE(test, !efi_guidcmp(e->vendor, rtgate));
	KUNIT_EXPECT_MEMEQ(test, e + 1, name, 28);
	KUNIT_EXPECT_MEMEQ(test, (u8 *)(e + 1) + 28, &vt_machine, 16);

	/* BootNext: 18 bytes of name, 2 of data, padded to 56 */
	e = (void *)((u8 *)e + 80);
	vt_name(name, "BootNext");
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->attr), RT_ATTR);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->data_size), 2);
	KUNIT_EXPECT_MEMEQ(test, e + 1, name, 18);
	KUNIT_EXPECT_MEMEQ(test, (u8 *)(e + 1) + 18, "\x07\x00\0\0\0\0", 6);

	/* dbx, as given: 8 bytes of name, 48 of data, 88 in all */
	e = (void *)((u8 *)e + 56);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->attr), dbx_attr);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->data_size), sizeof(auth));
	KUNIT_EXPECT_TRUE(test, !efi_guidcmp(e->vendor, secdb));
	KUNIT_EXPECT_MEMEQ(test, (u8 *)(e + 1) + 8, auth, sizeof(auth));

	/* RTStorageVolatile names the file, NUL included. */
	size = sizeof(data);
	KUNIT_EXPECT_EQ(test, vt_get(vars, "RTStorageVolatile",
				     EFI_VARTOFILE_GUID, &attr, data,
				     &size), EFI_SUCCESS);
	KUNIT_EXPECT_EQ(test, size, sizeof(EFI_RTGATE_FILE_NAME));
	KUNIT_EXPECT_MEMEQ(test, data, EFI_RTGATE_FILE_NAME, size);
	rtgate_vars_free(vars);
}

/* Without the stub's word, nothing is kept and nothing extra is listed. */
static void rtgate_pending_test_no_defer(struct kunit *test)
{
	efi_guid_t vendor = EFI_VARTOFILE_GUID;
	unsigned long size = 64;
	struct rtgate_vars *vars;
	char list[256];
	u8 data[64];
	size_t len;
	u8 *buf = vt_build(test, vt_vars, ARRAY_SIZE(vt_vars), 0, 0, &len);

	vars = vt_parse(test, buf, len);
	KUNIT_EXPECT_FALSE(test, vars->defer);
	vt_list(test, vars, list, sizeof(list));
	KUNIT_EXPECT_STREQ(test, list, "SecureBoot BootOrder dbx Empty ");
	KUNIT_EXPECT_EQ(test, vt_get(vars, "VarToFile", vendor, NULL, data,
				     &size), EFI_NOT_FOUND);
	rtgate_vars_free(vars);
}

static struct kunit_case rtgate_pending_test_cases[] = {
	KUNIT_CASE(rtgate_pending_test_readback),
	KUNIT_CASE(rtgate_pending_test_append),
	KUNIT_CASE_PARAM(rtgate_pending_test_refused, vt_bad_write_gen_params),
	KUNIT_CASE(rtgate_pending_test_cap),
	KUNIT_CASE(rtgate_pending_test_varfile),
	KUNIT_CASE(rtgate_pending_test_no_defer),
	{}
};

static struct kunit_suite rtgate_pending_test_suite = {
	.name = "efi_rtgate_pending",
	.test_cases = rtgate_pending_test_cases,
};

static struct kunit_case rtgate_vars_test_cases[] = {
	KUNIT_CASE(rtgate_vars_test_roundtrip),
	KUNIT_CASE(rtgate_vars_test_semantics),
	KUNIT_CASE(rtgate_vars_test_truncated),
	KUNIT_CASE(rtgate_vars_test_prefixes),
	KUNIT_CASE_PARAM(rtgate_vars_test_defect, vt_defect_gen_params),
	KUNIT_CASE(rtgate_vars_test_fuzz),
	KUNIT_CASE(rtgate_vars_test_wrappers),
	{}
};

static struct kunit_suite rtgate_vars_test_suite = {
	.name = "efi_rtgate_vars",
	.test_cases = rtgate_vars_test_cases,
};

kunit_test_suites(&rtgate_vars_test_suite, &rtgate_pending_test_suite);

MODULE_DESCRIPTION("KUnit tests for the EFI runtime gate's variable snapshot");
MODULE_LICENSE("GPL");
