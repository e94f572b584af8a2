// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: tests for /sys/firmware/efi/runtime_enable
 * and /sys/firmware/efi/runtime_gate_reason.
 *
 * Must run as root on a kernel with CONFIG_EFI_RTGATE=y booted through
 * EFI; every test is skipped otherwise.
 *
 * The tests of the contract that holds whatever the TPM always run: the
 * file formats and modes, invalid values refused with EINVAL, closing,
 * EACCES for a non-root writer and EPERM for root in a user namespace.
 * None of them opens a closed gate.
 *
 * The environment selects the rest:
 *
 * EFI_RTGATE_EXPECT_OPEN
 *	unset: the tests that open the gate are skipped.
 *	"ok": opening must work (a usable TPM whose configured PCR can be
 *	extended). open, open_again, close_after_open, efivars_gated and
 *	concurrent_open run; with the gate closed on entry each of them
 *	opens it exactly once (efivars_gated: none if it skips).
 *	An errno name ("ENODEV", "EIO", "EOPNOTSUPP", ...): opening must
 *	fail with exactly that errno and leave the gate closed (open_refused).
 *	"EOPNOTSUPP" means mixed-mode firmware, where the boot state is final
 *	and closing is refused with EOPNOTSUPP as well.
 *
 * EFI_RTGATE_FINAL
 *	"0" or "1": the state the gate is left in (final_state, the last
 *	test). Unset: the state found when the program started.
 *
 * Each test puts the gate back in the state it found: with the gate open
 * on entry, a test that leaves it closed opens it again (one more
 * opening). Opening needs a working TPM, so an open gate is only closed
 * when it can be opened again (EFI_RTGATE_EXPECT_OPEN=ok) or may stay
 * closed (EFI_RTGATE_FINAL=0); otherwise the tests that must close it
 * skip. userns_write skips if user namespaces are unavailable.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define RTGATE_DIR	"/sys/firmware/efi"
#define RTGATE_ENABLE	RTGATE_DIR "/runtime_enable"
#define RTGATE_REASON	RTGATE_DIR "/runtime_gate_reason"
#define RTGATE_EFIVARS	RTGATE_DIR "/efivars"

#define RTGATE_NOBODY	65534
#define RTGATE_THREADS	64

/* Environment values that are neither "ok"/"0"/"1" nor an errno */
#define RTGATE_UNSET	(-1)
#define RTGATE_BAD	(-2)

static const struct {
	const char *name;
	int err;
} rtgate_errnos[] = {
	{ "EPERM", EPERM },
	{ "ENOENT", ENOENT },
	{ "EINTR", EINTR },
	{ "EIO", EIO },
	{ "ENXIO", ENXIO },
	{ "E2BIG", E2BIG },
	{ "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM },
	{ "EACCES", EACCES },
	{ "EFAULT", EFAULT },
	{ "EBUSY", EBUSY },
	{ "ENODEV", ENODEV },
	{ "EINVAL", EINVAL },
	{ "ENOSPC", ENOSPC },
	{ "ERANGE", ERANGE },
	{ "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOTSUP", ENOTSUP },
	{ "ETIMEDOUT", ETIMEDOUT },
};

/* State of the gate when the program started, restored unless told otherwise */
static int rtgate_found = RTGATE_UNSET;

/* Return: RTGATE_UNSET, 0 for "ok", a positive errno, or RTGATE_BAD. */
static int rtgate_expect_open(void)
{
	const char *env = getenv("EFI_RTGATE_EXPECT_OPEN");
	size_t i;

	if (!env || !*env)
		return RTGATE_UNSET;
	if (!strcmp(env, "ok"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(rtgate_errnos); i++)
		if (!strcmp(env, rtgate_errnos[i].name))
			return rtgate_errnos[i].err;
	return RTGATE_BAD;
}

/* Return: RTGATE_UNSET, 0, 1, or RTGATE_BAD. */
static int rtgate_final(void)
{
	const char *env = getenv("EFI_RTGATE_FINAL");

	if (!env || !*env)
		return RTGATE_UNSET;
	if (!strcmp(env, "0"))
		return 0;
	if (!strcmp(env, "1"))
		return 1;
	return RTGATE_BAD;
}

/* Mixed-mode firmware: the boot state is final, every valid write refused */
static bool rtgate_mixed(void)
{
	return rtgate_expect_open() == EOPNOTSUPP;
}

/*
 * Closing an open gate is only undone by opening it, which needs a working
 * TPM: close it only if it can be opened again or may stay closed.
 */
static bool rtgate_may_close(int state)
{
	return state == 0 || rtgate_expect_open() == 0 || rtgate_final() == 0;
}

/* Read at most @size - 1 bytes of @path into @buf; Return: length or -errno */
static ssize_t rtgate_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ret = read(fd, buf + len, size - 1 - len);
		if (ret < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!ret)
			break;
		len += ret;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Write @len bytes of @buf on a fresh fd; Return: write()'s count or -errno */
static ssize_t rtgate_write_buf(const char *path, const void *buf, size_t len)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static ssize_t rtgate_write(const char *value)
{
	return rtgate_write_buf(RTGATE_ENABLE, value, strlen(value));
}

/* Return: 0 (closed), 1 (open), or -1 if the file does not read "0\n"/"1\n" */
static int rtgate_state(void)
{
	char buf[16];

	if (rtgate_read_file(RTGATE_ENABLE, buf, sizeof(buf)) != 2)
		return -1;
	if (!strcmp(buf, "0\n"))
		return 0;
	if (!strcmp(buf, "1\n"))
		return 1;
	return -1;
}

/* Return: 0 or -errno */
static int rtgate_set(int open)
{
	ssize_t ret = rtgate_write(open ? "1" : "0");

	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

static const char *rtgate_skip_reason(void)
{
	if (access(RTGATE_ENABLE, F_OK))
		return RTGATE_ENABLE " is absent (needs CONFIG_EFI_RTGATE and EFI)";
	if (geteuid())
		return "must be run as root";
	return NULL;
}

static void rtgate_prepare(struct __test_metadata *_metadata, int *found)
{
	ASSERT_NE(RTGATE_BAD, rtgate_expect_open()) {
		TH_LOG("EFI_RTGATE_EXPECT_OPEN=%s is not \"ok\" or an errno name",
		       getenv("EFI_RTGATE_EXPECT_OPEN"));
	}
	ASSERT_NE(RTGATE_BAD, rtgate_final()) {
		TH_LOG("EFI_RTGATE_FINAL=%s is not \"0\" or \"1\"",
		       getenv("EFI_RTGATE_FINAL"));
	}
	*found = rtgate_state();
	ASSERT_LE(0, *found);
}

/* Put the gate back in the state the setup found */
static void rtgate_restore(struct __test_metadata *_metadata, int found)
{
	int state = rtgate_state();

	if (found < 0 || state == found)
		return;
	/* Opening may not work, and EFI_RTGATE_FINAL=0 lets it stay closed */
	if (found == 1 && rtgate_expect_open() != 0 && rtgate_final() == 0)
		return;
	EXPECT_EQ(0, rtgate_set(found)) {
		TH_LOG("cannot put the gate back to %d", found);
	}
}

/* What a child with reduced credentials saw */
struct rtgate_child {
	int unshare_err;	/* errno of unshare(CLONE_NEWUSER), or 0 */
	int setup_err;		/* errno of the step that failed, or 0 */
	ssize_t ret;		/* result of the write */
};

static int rtgate_write_proc(const char *path, const char *value)
{
	ssize_t ret = rtgate_write_buf(path, value, strlen(value));

	if (ret < 0)
		return -ret;
	return ret == (ssize_t)strlen(value) ? 0 : EIO;
}

/* Become uid/gid 65534 without supplementary groups or capabilities */
static void rtgate_become_nobody(struct rtgate_child *res)
{
	if (setgroups(0, NULL) ||
	    setresgid(RTGATE_NOBODY, RTGATE_NOBODY, RTGATE_NOBODY) ||
	    setresuid(RTGATE_NOBODY, RTGATE_NOBODY, RTGATE_NOBODY))
		res->setup_err = errno;
}

/* Become root in a new user namespace: CAP_SYS_ADMIN there, not in init */
static void rtgate_become_userns_root(struct rtgate_child *res)
{
	if (unshare(CLONE_NEWUSER)) {
		res->unshare_err = errno;
		return;
	}
	res->setup_err = rtgate_write_proc("/proc/self/uid_map", "0 0 1");
	if (!res->setup_err)
		res->setup_err = rtgate_write_proc("/proc/self/setgroups",
						   "deny");
	if (!res->setup_err)
		res->setup_err = rtgate_write_proc("/proc/self/gid_map",
						   "0 0 1");
}

/*
 * Write @value to runtime_enable from a child process that first became
 * nobody (@userns false) or root in a new user namespace (@userns true).
 * Return: 0 and *@res filled in, or an errno if the child could not run.
 */
static int rtgate_write_as(bool userns, const char *value,
			   struct rtgate_child *res)
{
	struct rtgate_child *shared;
	int status, err = 0;
	pid_t pid;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return errno;
	memset(shared, 0, sizeof(*shared));

	pid = fork();
	if (pid < 0) {
		err = errno;
		goto out;
	}
	if (!pid) {
		if (userns)
			rtgate_become_userns_root(shared);
		else
			rtgate_become_nobody(shared);
		if (!shared->unshare_err && !shared->setup_err)
			shared->ret = rtgate_write(value);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		err = errno;
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		err = ECHILD;
	*res = *shared;
out:
	munmap(shared, sizeof(*shared));
	return err;
}

/* Return: NULL if tests that expect opening to be @ok may run, or why not */
static const char *rtgate_open_skip(bool ok)
{
	int want = rtgate_expect_open();

	if (want == RTGATE_UNSET)
		return "EFI_RTGATE_EXPECT_OPEN is not set";
	if (ok && want)
		return "EFI_RTGATE_EXPECT_OPEN is an errno: opening must fail";
	if (!ok && !want)
		return "EFI_RTGATE_EXPECT_OPEN=ok: opening must work";
	return NULL;
}

/* First non-empty variable in efivarfs; Return: 0, or -1 if there is none */
static int rtgate_find_efivar(char *path, size_t size)
{
	struct statfs sfs;
	struct dirent *de;
	struct stat st;
	int ret = -1;
	DIR *dir;

	if (statfs(RTGATE_EFIVARS, &sfs) || sfs.f_type != EFIVARFS_MAGIC)
		return -1;
	dir = opendir(RTGATE_EFIVARS);
	if (!dir)
		return -1;
	while (ret && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, size, "%s/%s", RTGATE_EFIVARS, de->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
			ret = 0;
	}
	closedir(dir);
	return ret;
}

FIXTURE(rtgate) {
	int found;	/* state when the test started */
};

FIXTURE_SETUP(rtgate)
{
	const char *why = rtgate_skip_reason();

	if (why)
		SKIP(return, "%s", why);
	rtgate_prepare(_metadata, &self->found);
}

FIXTURE_TEARDOWN(rtgate)
{
	rtgate_restore(_metadata, self->found);
}

/* runtime_enable reads exactly "0\n" or "1\n" */
TEST_F(rtgate, read_format)
{
	char buf[16];

	ASSERT_EQ(2, rtgate_read_file(RTGATE_ENABLE, buf, sizeof(buf)));
	EXPECT_TRUE(!strcmp(buf, "0\n") || !strcmp(buf, "1\n")) {
		TH_LOG("read \"%s\"", buf);
	}
}

/* runtime_enable is a regular file, mode 0644, owned by root */
TEST_F(rtgate, enable_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(RTGATE_ENABLE, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0644, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

/* runtime_gate_reason is mode 0444 and names one of the five reasons */
TEST_F(rtgate, reason_format)
{
	static const char * const reasons[] = {
		"secure-launch\n", "tboot\n", "txt\n", "cmdline\n", "none\n",
	};
	bool known = false;
	struct stat st;
	char buf[64];
	size_t i;

	ASSERT_EQ(0, stat(RTGATE_REASON, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, buf, sizeof(buf)));
	for (i = 0; i < ARRAY_SIZE(reasons); i++)
		known |= !strcmp(buf, reasons[i]);
	EXPECT_TRUE(known) {
		TH_LOG("read \"%s\"", buf);
	}

	/* Not writable, not even by root */
	EXPECT_EQ(-EACCES, rtgate_write_buf(RTGATE_REASON, "none\n", 5));
}

/* Every way of saying "close" succeeds and leaves the gate closed */
TEST_F(rtgate, close_writes)
{
	static const char * const values[] = { "0", "n", "off", "0\n" };
	char reason[64], after[64];
	size_t i;

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, reason, sizeof(reason)));
	if (rtgate_mixed()) {
		/* The boot state is final: closing is refused too */
		for (i = 0; i < ARRAY_SIZE(values); i++) {
			EXPECT_EQ(-EOPNOTSUPP, rtgate_write(values[i]));
			EXPECT_EQ(self->found, rtgate_state());
		}
		return;
	}
	if (!rtgate_may_close(self->found))
		SKIP(return, "gate open and may not reopen: %s",
		     "needs EFI_RTGATE_EXPECT_OPEN=ok or EFI_RTGATE_FINAL=0");

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		EXPECT_EQ((ssize_t)strlen(values[i]), rtgate_write(values[i])) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(0, rtgate_state());
	}

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, after, sizeof(after)));
	EXPECT_STREQ(reason, after);
}

/*
 * A non-root writer is refused by the file mode (open() fails with EACCES)
 * and nothing changes.
 */
TEST_F(rtgate, unprivileged_write)
{
	static const char * const values[] = { "1", "0" };
	struct rtgate_child res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ASSERT_EQ(0, rtgate_write_as(false, values[i], &res));
		ASSERT_EQ(0, res.setup_err) {
			TH_LOG("cannot become uid %d: %s", RTGATE_NOBODY,
			       strerror(res.setup_err));
		}
		EXPECT_EQ(-EACCES, res.ret) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(self->found, rtgate_state());
	}
}

/* Root in a user namespace lacks CAP_SYS_ADMIN in init: EPERM, no change */
TEST_F(rtgate, userns_write)
{
	static const char * const values[] = { "1", "0" };
	struct rtgate_child res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ASSERT_EQ(0, rtgate_write_as(true, values[i], &res));
		if (res.unshare_err == EPERM || res.unshare_err == EINVAL ||
		    res.unshare_err == ENOSPC)
			SKIP(return, "no user namespaces: %s",
			     strerror(res.unshare_err));
		ASSERT_EQ(0, res.unshare_err);
		ASSERT_EQ(0, res.setup_err) {
			TH_LOG("cannot map root in the user namespace: %s",
			       strerror(res.setup_err));
		}
		EXPECT_EQ(-EPERM, res.ret) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(self->found, rtgate_state());
	}
}

/* EFI_RTGATE_EXPECT_OPEN=ok: "1" opens a closed gate (one opening) */
TEST_F(rtgate, open)
{
	const char *why = rtgate_open_skip(true);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(0, rtgate_state());

	EXPECT_EQ(1, rtgate_write("1"));
	EXPECT_EQ(1, rtgate_state());
}

/* EFI_RTGATE_EXPECT_OPEN=ok: opening an open gate succeeds (one opening) */
TEST_F(rtgate, open_again)
{
	static const char * const values[] = { "1", "y", "on", "1\n" };
	const char *why = rtgate_open_skip(true);
	size_t i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(0, rtgate_set(1));
	ASSERT_EQ(1, rtgate_state());

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		EXPECT_EQ((ssize_t)strlen(values[i]), rtgate_write(values[i])) {
			TH_LOG("writing \"%s\"", values[i]);
		}
		EXPECT_EQ(1, rtgate_state());
	}
}

/* EFI_RTGATE_EXPECT_OPEN=ok: "0" closes an open gate (one opening) */
TEST_F(rtgate, close_after_open)
{
	const char *why = rtgate_open_skip(true);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(0, rtgate_set(1));
	ASSERT_EQ(1, rtgate_state());

	EXPECT_EQ(1, rtgate_write("0"));
	EXPECT_EQ(0, rtgate_state());
}

/*
 * EFI_RTGATE_EXPECT_OPEN=ok: an efivarfs variable cannot be read while the
 * gate is closed (GetVariable() refused: EACCES) and can be once it is
 * open (one opening).
 */
TEST_F(rtgate, efivars_gated)
{
	const char *why = rtgate_open_skip(true);
	char path[PATH_MAX], buf[1024];

	if (why)
		SKIP(return, "%s", why);
	if (rtgate_find_efivar(path, sizeof(path)))
		SKIP(return, "no variable: efivarfs not mounted on %s",
		     RTGATE_EFIVARS);

	ASSERT_EQ(0, rtgate_set(0));
	EXPECT_EQ(-EACCES, rtgate_read_file(path, buf, sizeof(buf))) {
		TH_LOG("reading %s with the gate closed", path);
	}

	ASSERT_EQ(0, rtgate_set(1));
	EXPECT_LT(0, rtgate_read_file(path, buf, sizeof(buf))) {
		TH_LOG("reading %s with the gate open", path);
	}
}

struct rtgate_writer {
	pthread_t thread;
	pthread_barrier_t *start;
	int fd;
	ssize_t ret;
};

static void *rtgate_writer_fn(void *arg)
{
	struct rtgate_writer *w = arg;

	pthread_barrier_wait(w->start);
	w->ret = write(w->fd, "1", 1);
	if (w->ret < 0)
		w->ret = -errno;
	return NULL;
}

/*
 * EFI_RTGATE_EXPECT_OPEN=ok: 64 threads open a closed gate at once; all
 * succeed (one opening: the event log shows a single extension).
 */
TEST_F(rtgate, concurrent_open)
{
	struct rtgate_writer w[RTGATE_THREADS];
	const char *why = rtgate_open_skip(true);
	pthread_barrier_t start;
	int i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, rtgate_set(0));
	ASSERT_EQ(0, rtgate_state());

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, RTGATE_THREADS));
	for (i = 0; i < RTGATE_THREADS; i++) {
		w[i].start = &start;
		w[i].ret = 0;
		w[i].fd = open(RTGATE_ENABLE, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, w[i].fd);
	}
	for (i = 0; i < RTGATE_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL,
					    rtgate_writer_fn, &w[i]));
	for (i = 0; i < RTGATE_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
		close(w[i].fd);
	}
	pthread_barrier_destroy(&start);

	for (i = 0; i < RTGATE_THREADS; i++) {
		EXPECT_EQ(1, w[i].ret) {
			TH_LOG("writer %d", i);
		}
	}
	EXPECT_EQ(1, rtgate_state());
}

/*
 * EFI_RTGATE_EXPECT_OPEN=<errno>: opening fails with exactly that errno,
 * every time, and the gate stays closed.
 */
TEST_F(rtgate, open_refused)
{
	const char *why = rtgate_open_skip(false);
	int want = rtgate_expect_open();
	int i;

	if (why)
		SKIP(return, "%s", why);
	if (self->found == 1 && !rtgate_mixed()) {
		if (!rtgate_may_close(1))
			SKIP(return, "gate open; set EFI_RTGATE_FINAL=0 to close it");
		ASSERT_EQ(0, rtgate_set(0));
	}

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-want, rtgate_write("1"));
		EXPECT_EQ(rtgate_mixed() ? self->found : 0, rtgate_state());
	}
}

/* Invalid values, refused with EINVAL without changing anything */
FIXTURE(rtgate_invalid) {
	int found;
};

FIXTURE_VARIANT(rtgate_invalid) {
	const char *buf;	/* NULL: a page of '1' */
	size_t len;
};

FIXTURE_VARIANT_ADD(rtgate_invalid, empty) {
	.buf = "",
	.len = 0,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, newline) {
	.buf = "\n",
	.len = 1,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, two) {
	.buf = "2",
	.len = 1,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, eleven) {
	.buf = "11",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, one_x) {
	.buf = "1x",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, yes_please) {
	.buf = "yes please",
	.len = 10,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, yes) {
	.buf = "yes",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, upper_y) {
	.buf = "Y",
	.len = 1,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, space_one) {
	.buf = " 1",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, one_space) {
	.buf = "1 ",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, two_newlines) {
	.buf = "1\n\n",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, on1) {
	.buf = "on1",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, offf) {
	.buf = "offf",
	.len = 4,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, minus_one) {
	.buf = "-1",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, hex_one) {
	.buf = "0x1",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, page_of_ones) {
	.buf = NULL,
	.len = 4096,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, embedded_nul) {
	.buf = "1\0",
	.len = 2,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, binary) {
	.buf = "\xff\x00\x80",
	.len = 3,
};

FIXTURE_VARIANT_ADD(rtgate_invalid, word_true) {
	.buf = "true",
	.len = 4,
};

FIXTURE_SETUP(rtgate_invalid)
{
	const char *why = rtgate_skip_reason();

	if (why)
		SKIP(return, "%s", why);
	rtgate_prepare(_metadata, &self->found);
}

FIXTURE_TEARDOWN(rtgate_invalid)
{
	rtgate_restore(_metadata, self->found);
}

TEST_F(rtgate_invalid, refused)
{
	char reason[64], after[64];
	char *buf;

	buf = malloc(variant->len + 1);
	ASSERT_NE(NULL, buf);
	if (variant->buf)
		memcpy(buf, variant->buf, variant->len);
	else
		memset(buf, '1', variant->len);
	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, reason, sizeof(reason)));

	/* sysfs completes a zero-length write without calling the store */
	EXPECT_EQ(variant->len ? -EINVAL : 0,
		  rtgate_write_buf(RTGATE_ENABLE, buf, variant->len));
	EXPECT_EQ(self->found, rtgate_state());

	ASSERT_LT(0, rtgate_read_file(RTGATE_REASON, after, sizeof(after)));
	EXPECT_STREQ(reason, after);
	free(buf);
}

/* Runs last: leave the gate as EFI_RTGATE_FINAL says, or as found */
FIXTURE(rtgate_final) {
	int found;
};

FIXTURE_SETUP(rtgate_final)
{
	const char *why = rtgate_skip_reason();

	if (why)
		SKIP(return, "%s", why);
	rtgate_prepare(_metadata, &self->found);
}

FIXTURE_TEARDOWN(rtgate_final)
{
}

TEST_F(rtgate_final, final_state)
{
	int want = rtgate_final();

	if (want == RTGATE_UNSET)
		want = rtgate_found;
	ASSERT_LE(0, want);

	if (self->found != want)
		EXPECT_EQ(0, rtgate_set(want));
	EXPECT_EQ(want, rtgate_state());
}

int main(int argc, char **argv)
{
	rtgate_found = rtgate_state();
	return test_harness_run(argc, argv);
}
