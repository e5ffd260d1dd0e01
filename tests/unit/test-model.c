// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 2.4 module-subsystem model (kernel/model/) against the golden
 * transcripts of a real Linux 2.4.37.11 i386 kernel (golden24/ in the shared
 * directory): init-module-errors.txt, proc-modules.txt, autoclean.txt,
 * query-module.txt, proc-ksyms.txt and tainted.txt.  Each test replays one
 * transcript's system calls, in its order, on a fresh i386 model and checks
 * what the real kernel answered: return value and errno, the console lines,
 * /proc/modules and /proc/ksyms text, query_module buffers byte for byte
 * (partial writes of ENOSPC included) and *ret.
 *
 * The modules are images built here by hand with the golden modules' sizes,
 * so the vmalloc addresses come out as in the transcripts (0xc4800000, then
 * one guard page after each area), and, where a transcript shows them, with
 * their exported symbols (names and values), so the buffers are compared
 * with the golden hex dumps as they are.  What a module does at run time is
 * played by the test: MOD_INC_USE_COUNT / MOD_DEC_USE_COUNT (a mount and an
 * umount) are writes into the module's own struct module in the model's
 * memory files, as 2.4's macros write it.  And this program doubles as a
 * tiny executor ("call DIR ADDR"): it understands exactly one i386 code
 * sequence, b8 imm32 c3 = "mov $imm32,%eax; ret", so init_module, cleanup
 * and can_unload return what the golden modules returned (-ENODEV, +5, 0),
 * and it can photograph /proc/modules while it "runs", which shows the
 * "(initializing)" and "(deleted)" states without the transcript's timing.
 *
 * User memory is a few buffers at made-up user addresses; any other
 * address is -EFAULT, as for the kernel.
 */
#include "tests/unit/unit.h"

#include "kernel/model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

/* struct module on i386 (golden: sizeof 96, offsetof(persist_start) 60). */
enum {
	O_SOS = 0,
	O_NEXT = 4,
	O_NAME = 8,
	O_SIZE = 12,
	O_UC = 16,
	O_FLAGS = 20,
	O_NSYMS = 24,
	O_NDEPS = 28,
	O_SYMS = 32,
	O_DEPS = 36,
	O_REFS = 40,
	O_INIT = 44,
	O_CLEANUP = 48,
	O_EXS = 52,
	O_EXE = 56,
	O_PERSIST = 60,
	O_PERSIST_END = 64,
	O_CAN_UNLOAD = 68,
	O_RUNSIZE = 72,
	O_KSS = 76,
	O_KSE = 80,
	O_ADS = 84,
	O_ADE = 88,
	O_KDATA = 92,
	SIZEOF_MODULE = 96,
};
enum { F_RUNNING = 1, F_DELETED = 2, F_AUTOCLEAN = 4, F_VISITED = 8, F_USED_ONCE = 16 };
enum { QM_MODULES = 1, QM_DEPS, QM_REFS, QM_SYMBOLS, QM_INFO };

#define KTEXT 0xc0100000u /* "kernel text": outside every module */

/* ---- user memory ---- */

#define UA_STR 0x10000000u
#define UA_IMG 0x20000000u
#define UA_BUF 0x30000000u
#define UA_RET 0x40000000u
#define STR_MAX (64 * 1024)
#define IMG_MAX (64 * 1024)
#define BUF_MAX (64 * 1024)

static unsigned char ustrings[STR_MAX], img[IMG_MAX], qbuf[BUF_MAX], retbuf[4];
static size_t ustr_used;

struct useg {
	uint64_t addr;
	unsigned char *p;
	size_t n;
};
enum { SEG_STR, SEG_IMG, SEG_BUF, SEG_RET, NSEG };
static struct useg useg[NSEG];

static struct useg *u_find(uint64_t a, size_t n)
{
	for (int i = 0; i < NSEG; i++) {
		struct useg *s = &useg[i];

		if (s->p && a >= s->addr && a - s->addr <= s->n && n <= s->n - (a - s->addr))
			return s;
	}
	return NULL;
}

static int u_read(void *ctx, uint64_t a, void *buf, size_t n)
{
	struct useg *s = u_find(a, n);

	if (!s)
		return -EFAULT;
	memcpy(buf, s->p + (a - s->addr), n);
	return 0;
}

static int u_write(void *ctx, uint64_t a, const void *buf, size_t n)
{
	struct useg *s = u_find(a, n);

	if (!s)
		return -EFAULT;
	memcpy(s->p + (a - s->addr), buf, n);
	return 0;
}

static const struct ml_uaccess ua = { NULL, u_read, u_write };

static void u_reset(void)
{
	useg[SEG_STR] = (struct useg){ UA_STR, ustrings, STR_MAX };
	useg[SEG_IMG] = (struct useg){ UA_IMG, img, IMG_MAX };
	useg[SEG_BUF] = (struct useg){ UA_BUF, qbuf, BUF_MAX };
	useg[SEG_RET] = (struct useg){ UA_RET, retbuf, 4 };
	ustr_used = 0;
}

/* A string in user memory. */
static uint64_t ustr(const char *s)
{
	size_t n = strlen(s) + 1;
	uint64_t a;

	if (n > STR_MAX)
		return 0; /* (no ck_assert here: the executor role uses this too) */
	if (ustr_used + n > STR_MAX)
		ustr_used = 0;
	memcpy(ustrings + ustr_used, s, n);
	a = UA_STR + ustr_used;
	ustr_used += n;
	return a;
}

static void put32(unsigned char *p, uint32_t v)
{
	unit_enc(p, 4, false, v);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)unit_dec(p, 4, false);
}

/* "75 6e 69 6e 00" -> bytes; returns the count. */
static size_t hexbytes(const char *s, unsigned char *out)
{
	size_t n = 0;
	unsigned v;
	int k;

	while (sscanf(s, " %2x%n", &v, &k) == 1) {
		out[n++] = (unsigned char)v;
		s += k;
	}
	return n;
}

/* ---- the model under test ---- */

static char self_exe[PATH_MAX];
static char basedir[64]; /* all tests' directories, removed even when a test fails */
static char tdir[PATH_MAX], kdir[PATH_MAX + 8];
static struct ml_model *M;
static size_t kmark;

static const char *o_mtime = "000000006B024CD1"; /* the _M field of __insmod_*_O */

/* Loaded modules, for deps. */
static struct {
	const char *name;
	uint32_t base;
} loaded[16];
static int nloaded;

/*
 * The kernel's exports: 621 symbols as in the transcripts, the ones they
 * show at their places (the first six, printk, the last three) and fillers
 * whose lengths make the string space come out at the golden 14006 bytes
 * (621 * 8 + 9038): 340 fillers of 14 characters and 271 of 13.
 */
#define NKSYMS 621
static const struct {
	uint32_t v;
	const char *name;
} kfirst[] = {
	{ 0xc01b12c4, "mmu_cr4_features" }, { 0xc019ae24, "acpi_disabled" },
	{ 0xc01b1829, "i8253_lock" },       { 0xc019ad80, "boot_cpu_data" },
	{ 0xc01b12c8, "MCA_bus" },          { 0xc01115a0, "__verify_write" },
	{ 0xc0115ba0, "printk" },
}, klast[] = {
	{ 0xc018a070, "rwsem_down_read_failed" },
	{ 0xc018a1f0, "rwsem_down_write_failed" },
	{ 0xc018a370, "rwsem_wake" },
};

static void write_ksyms(const char *p)
{
	FILE *f = fopen(p, "w");
	int nfill = NKSYMS - (int)ML_ARRAY_SIZE(kfirst) - (int)ML_ARRAY_SIZE(klast);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < ML_ARRAY_SIZE(kfirst); i++)
		fprintf(f, "%08x %s\n", kfirst[i].v, kfirst[i].name);
	for (int i = 0; i < nfill; i++)
		fprintf(f, "%08x filler_%03d%s\n", 0xc0120000u + 16 * i, i,
			i < 340 ? "xxxx" : "xxx");
	for (size_t i = 0; i < ML_ARRAY_SIZE(klast); i++)
		fprintf(f, "%08x %s\n", klast[i].v, klast[i].name);
	ck_assert_int_eq(fclose(f), 0);
}

/* A fresh i386 model; exec NULL = none, "" = this program as the executor. */
static void model_up_v(const char *exec, bool versioned)
{
	struct ml_diags d = { 0 };
	char ks[PATH_MAX + 8];
	struct ml_model_config c = {
		.cpu = "i386", .release = "2.4.37", .ksyms = ks, .versioned = versioned
	};

	u_reset();
	nloaded = 0;
	o_mtime = "000000006B024CD1";
	snprintf(tdir, sizeof(tdir), "%s/t.XXXXXX", basedir);
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(kdir, sizeof(kdir), "%s/k", tdir);
	snprintf(ks, sizeof(ks), "%s/ksyms", tdir);
	write_ksyms(ks);
	c.exec = !exec ? "" : *exec ? exec : self_exe;
	ck_assert_msg(ml_model_create(kdir, &c, &d) == 0, "model create:\n%s", unit_diags(&d));
	M = ml_model_open(kdir, &d);
	ck_assert_msg(M != NULL, "model open:\n%s", unit_diags(&d));
	ml_diags_free(&d);
	kmark = 0;
}

static void model_up(const char *exec)
{
	model_up_v(exec, false);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void suite_setup(void)
{
	snprintf(basedir, sizeof(basedir), "/tmp/test-model.XXXXXX");
	if (!mkdtemp(basedir))
		basedir[0] = 0;
}

static void suite_teardown(void)
{
	if (basedir[0])
		nftw(basedir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void teardown(void)
{
	ml_model_close(M);
	M = NULL;
	if (tdir[0])
		nftw(tdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tdir[0] = 0;
	unsetenv("MLT_SNAP");
	unsetenv("MLT_SNAP_MOD");
}

/* What the model logged since the last call, with the <N> levels removed. */
static char *kmsg_new(void)
{
	size_t len, o = 0;
	char *all = ml_model_kmsg(M, &len), *out = ml_xmalloc(len - kmark + 1);
	bool bol = true;

	for (size_t i = kmark; i < len; i++) {
		if (bol && all[i] == '<' && i + 2 < len && all[i + 2] == '>') {
			i += 2;
			continue;
		}
		bol = all[i] == '\n';
		out[o++] = all[i];
	}
	out[o] = 0;
	kmark = len;
	free(all);
	return out;
}

#define assert_kmsg(exp, ctx)                                                                  \
	do {                                                                                   \
		char *k_ = kmsg_new();                                                         \
		ck_assert_msg(!strcmp(k_, (exp)), "%s: console\n  got: \"%s\"\n  exp: \"%s\"", \
			      (ctx), k_, (exp));                                               \
		free(k_);                                                                      \
	} while (0)

static char *proc(const char *name)
{
	size_t len;
	char *t = ml_model_proc(M, name, &len);

	ck_assert_uint_eq(strlen(t), len);
	return t;
}

#define assert_proc_modules(exp, ctx)                                                            \
	do {                                                                                     \
		char *t_ = proc("modules");                                                      \
		ck_assert_msg(!strcmp(t_, (exp)), "%s: /proc/modules\n--- got:\n%s--- exp:\n%s", \
			      (ctx), t_, (exp));                                                 \
		free(t_);                                                                        \
	} while (0)

static long create(const char *name, uint64_t size, uint32_t *addr)
{
	uint64_t a = 0;
	long r = ml_model_create_module(M, &ua, name ? ustr(name) : 0, size, &a);

	if (addr)
		*addr = r ? 0 : (uint32_t)a;
	return r;
}

static uint32_t create_ok(const char *name, uint64_t size, uint32_t exp_addr)
{
	uint32_t a;
	long r = create(name, size, &a);

	ck_assert_msg(r == 0, "create_module(%s, %" PRIu64 ") = %ld", name, size, r);
	if (exp_addr)
		ck_assert_msg(a == exp_addr, "create_module(%s) -> %#x, golden %#x", name, a,
			      exp_addr);
	return a;
}

static long init_mod(const char *name, uint64_t image)
{
	return ml_model_init_module(M, &ua, name ? ustr(name) : 0, image);
}

static long del(const char *name)
{
	return ml_model_delete_module(M, &ua, name ? ustr(name) : 0);
}

#define assert_call(call, exp, ctx)                                                                \
	do {                                                                                       \
		long r_ = (call);                                                                  \
		ck_assert_msg(r_ == (exp), "%s: %s = %ld (%s), golden %ld (%s)", (ctx), #call, r_, \
			      strerror((int)-r_), (long)(exp), strerror((int)-(exp)));             \
	} while (0)

#define RET_UNCHANGED 0xa5a5a5a5u

/* query_module with a buffer of exactly bufsize bytes (pre-filled 0xee). */
static long qm(const char *name, long which, uint64_t bufsize, uint32_t *ret)
{
	long r;

	memset(qbuf, 0xee, sizeof(qbuf));
	useg[SEG_BUF].n = bufsize > BUF_MAX ? BUF_MAX : (size_t)bufsize;
	put32(retbuf, RET_UNCHANGED);
	r = ml_model_query_module(M, &ua, name ? ustr(name) : 0, which, UA_BUF, bufsize, UA_RET);
	*ret = get32(retbuf);
	useg[SEG_BUF].n = BUF_MAX;
	return r;
}

static void assert_qm(const char *name, long which, uint64_t bufsize, long exp, uint32_t exp_ret)
{
	uint32_t ret;
	long r = qm(name, which, bufsize, &ret);

	ck_assert_msg(r == exp && ret == exp_ret,
		      "query_module(%s, %ld, buf, %" PRIu64 ") = %ld ret=%#x, golden %ld ret=%#x",
		      name ? name : "NULL", which, bufsize, r, ret, exp, exp_ret);
}

/* The returned buffer against a golden hex dump (the whole dump is compared). */
static void assert_qbuf(const char *hex, const char *ctx)
{
	unsigned char exp[1024];
	size_t n = hexbytes(hex, exp);

	unit_assert_bytes(qbuf, exp, n, ctx);
}

static void assert_info(const char *name, uint32_t addr, uint32_t size, uint32_t flags, int32_t uc)
{
	uint32_t ret, a, sz, fl;
	int32_t c;
	long r = qm(name, QM_INFO, 16, &ret);

	ck_assert_msg(r == 0 && ret == 16, "QM_INFO(%s) = %ld ret=%u", name, r, ret);
	a = get32(qbuf);
	sz = get32(qbuf + 4);
	fl = get32(qbuf + 8);
	c = (int32_t)get32(qbuf + 12);
	ck_assert_msg(
		a == addr && sz == size && fl == flags && c == uc,
		"QM_INFO(%s): addr=%#x size=%u flags=%#x usecount=%d, golden addr=%#x size=%u flags=%#x usecount=%d",
		name, a, sz, fl, c, addr, size, flags, uc);
}

static void assert_info_enoent(const char *name)
{
	assert_qm(name, QM_INFO, 16, -ENOENT, RET_UNCHANGED);
}

/* ---- the model's memory: what a module's own code writes ---- */

static void kmem(uint32_t mod, unsigned off, void *buf, size_t n, bool wr)
{
	char p[PATH_MAX + 32];
	int fd;
	ssize_t r;

	snprintf(p, sizeof(p), "%s/mem/%x", kdir, mod);
	fd = open(p, O_RDWR);
	ck_assert_msg(fd >= 0, "%s: %s", p, strerror(errno));
	r = wr ? pwrite(fd, buf, n, off) : pread(fd, buf, n, off);
	ck_assert_int_eq(r, (ssize_t)n);
	close(fd);
}

static uint32_t kget(uint32_t mod, unsigned off)
{
	unsigned char b[4];

	kmem(mod, off, b, 4, false);
	return get32(b);
}

static void kput(uint32_t mod, unsigned off, uint32_t v)
{
	unsigned char b[4];

	put32(b, v);
	kmem(mod, off, b, 4, true);
}

/* 2.4's __MOD_INC_USE_COUNT and __MOD_DEC_USE_COUNT on the module's own struct. */
static void mod_inc(uint32_t mod)
{
	kput(mod, O_UC, kget(mod, O_UC) + 1);
	kput(mod, O_FLAGS, kget(mod, O_FLAGS) | F_VISITED | F_USED_ONCE);
}

static void mod_dec(uint32_t mod)
{
	kput(mod, O_UC, kget(mod, O_UC) - 1);
	kput(mod, O_FLAGS, kget(mod, O_FLAGS) | F_VISITED);
}

/* ---- module images ---- */

/* The valid image insmod would hand over for a created module. */
static void img_reset(uint32_t base, uint32_t size, const char *name)
{
	memset(img, 0, sizeof(img));
	put32(img + O_SOS, SIZEOF_MODULE);
	put32(img + O_NAME, base + SIZEOF_MODULE);
	put32(img + O_SIZE, size);
	strcpy((char *)img + SIZEOF_MODULE, name);
}

/* "mov $v,%eax; ret" at image offset off. */
static void img_code(unsigned off, int32_t v)
{
	img[off] = 0xb8;
	put32(img + off + 1, (uint32_t)v);
	img[off + 5] = 0xc3;
}

#define NOCODE INT32_MIN

struct msym {
	uint32_t off;     /* value = base + off */
	const char *name; /* "@O" = __insmod_<mod>_O/<mod>.o_M<o_mtime>_V132133 */
};

struct mspec {
	const char *name;
	uint32_t size, flags;
	const char *deps[2];
	const struct msym *syms;
	int nsyms;
	int32_t init, cleanup, can_unload; /* code returning this, or NOCODE */
};

static uint32_t base_of(const char *name)
{
	for (int i = nloaded - 1; i >= 0; i--)
		if (!strcmp(loaded[i].name, name))
			return loaded[i].base;
	ck_abort_msg("module %s not loaded by this test", name);
	return 0;
}

/* Build the image of s at base: header, name, syms, deps, strings, code. */
static void img_build(const struct mspec *s, uint32_t base)
{
	unsigned off = SIZEOF_MODULE + (unsigned)strlen(s->name) + 1;
	unsigned syms, deps, ndeps = 0;
	char oname[256];

	img_reset(base, s->size, s->name);
	put32(img + O_FLAGS, s->flags);
	off = (off + 3) & ~3u;
	syms = off;
	off += 8 * (unsigned)s->nsyms;
	while (ndeps < 2 && s->deps[ndeps])
		ndeps++;
	deps = off;
	off += 12 * ndeps;
	put32(img + O_NSYMS, (uint32_t)s->nsyms);
	put32(img + O_SYMS, s->nsyms ? base + syms : 0);
	put32(img + O_NDEPS, ndeps);
	put32(img + O_DEPS, ndeps ? base + deps : 0);
	for (unsigned i = 0; i < ndeps; i++)
		put32(img + deps + 12 * i, base_of(s->deps[i]));
	for (int i = 0; i < s->nsyms; i++) {
		const char *n = s->syms[i].name;
		size_t len;

		if (!strcmp(n, "@O")) {
			snprintf(oname, sizeof(oname), "__insmod_%s_O/%s.o_M%s_V132133", s->name,
				 s->name, o_mtime);
			n = oname;
		}
		len = strlen(n) + 1;
		ck_assert_uint_le(off + len, s->size);
		put32(img + syms + 8 * i, base + s->syms[i].off);
		put32(img + syms + 8 * i + 4, base + off);
		memcpy(img + off, n, len);
		off += (unsigned)len;
	}
	if (s->init != NOCODE) {
		put32(img + O_INIT, base + off);
		img_code(off, s->init);
		off += 6;
	}
	if (s->cleanup != NOCODE) {
		put32(img + O_CLEANUP, base + off);
		img_code(off, s->cleanup);
		off += 6;
	}
	if (s->can_unload != NOCODE) {
		put32(img + O_CAN_UNLOAD, base + off);
		img_code(off, s->can_unload);
		off += 6;
	}
	ck_assert_uint_le(off, s->size);
}

/* create_module + init_module, as an insmod of s; returns the address. */
static uint32_t load_rc(const struct mspec *s, uint32_t exp_addr, long exp_rc)
{
	uint32_t base = create_ok(s->name, s->size, exp_addr);

	img_build(s, base);
	assert_call(init_mod(s->name, UA_IMG), exp_rc, s->name);
	ck_assert_int_lt(nloaded, (int)ML_ARRAY_SIZE(loaded));
	loaded[nloaded].name = s->name;
	loaded[nloaded++].base = base;
	return base;
}

static uint32_t load(const struct mspec *s, uint32_t exp_addr)
{
	return load_rc(s, exp_addr, 0);
}

/* ---- the golden modules (sizes and exports as in the transcripts) ---- */

#define SPEC(n, sz, fl, d0, d1, sy)                                                             \
	{                                                                                       \
		.name = (n), .size = (sz), .flags = (fl), .deps = { (d0), (d1) }, .syms = (sy), \
		.nsyms = (int)ML_ARRAY_SIZE(sy), .init = NOCODE, .cleanup = NOCODE,             \
		.can_unload = NOCODE                                                            \
	}
#define SPEC0(n, sz, fl, d0, d1)                                                                  \
	{                                                                                         \
		.name = (n), .size = (sz), .flags = (fl), .deps = { (d0), (d1) }, .init = NOCODE, \
		.cleanup = NOCODE, .can_unload = NOCODE                                           \
	}

static const struct msym tiny_syms[] = {
	{ 0x194, "tiny_counter" },
	{ 0x060, "tiny_get" },
	{ 0x000, "@O" },
	{ 0x060, "__insmod_tiny_S.text_L65" },
	{ 0x170, "__insmod_tiny_S.rodata_L33" },
	{ 0x194, "__insmod_tiny_S.data_L4" },
};
static const struct msym tinyuser_syms[] = {
	{ 0x060, "__insmod_tinyuser_S.text_L33" },
	{ 0x000, "@O" },
	{ 0x084, "__insmod_tinyuser_S.rodata_L34" },
};
static const struct msym msdos_syms[] = {
	{ 0x0930, "msdos_create" },
	{ 0x0750, "msdos_lookup" },
	{ 0x0be0, "msdos_mkdir" },
	{ 0x1370, "msdos_rename" },
	{ 0x0ae0, "msdos_rmdir" },
	{ 0x0e40, "msdos_unlink" },
	{ 0x14c0, "msdos_read_super" },
	{ 0x0060, "msdos_put_super" },
	{ 0x0000, "@O" },
	{ 0x0060, "__insmod_msdos_S.text_L5345" },
	{ 0x1544, "__insmod_msdos_S.rodata_L218" },
	{ 0x17a0, "__insmod_msdos_S.data_L204" },
};
static const struct msym fat_syms[] = {
	{ 0x2c70, "fat_new_dir" },
	{ 0x2df0, "fat_get_block" },
	{ 0x3340, "fat_clear_inode" },
	{ 0x62c0, "fat_date_unix2dos" },
	{ 0x32e0, "fat_delete_inode" },
	{ 0x6420, "fat__get_entry" },
	{ 0x00d0, "fat_mark_buffer_dirty" },
	{ 0x5950, "fat_notify_change" },
	{ 0x3390, "fat_put_super" },
	{ 0x3090, "fat_attach" },
	{ 0x3100, "fat_detach" },
	{ 0x31d0, "fat_build_inode" },
	{ 0x4850, "fat_read_super" },
	{ 0x0e60, "fat_search_long" },
	{ 0x2540, "fat_readdir" },
	{ 0x6b40, "fat_scan" },
	{ 0x5220, "fat_statfs" },
	{ 0x5790, "fat_write_inode" },
	{ 0x6c70, "register_cvf_format" },
	{ 0x6d40, "unregister_cvf_format" },
	{ 0x0930, "fat_get_cluster" },
	{ 0x2820, "fat_dir_ioctl" },
	{ 0x2ad0, "fat_add_entries" },
	{ 0x2980, "fat_dir_empty" },
	{ 0x2fb0, "fat_truncate" },
	{ 0x00a0, "fat_brelse" },
	{ 0x0000, "@O" },
	{ 0x0060, "__insmod_fat_S.text_L28376" },
	{ 0x6fb0, "__insmod_fat_S.rodata_L2219" },
	{ 0x7c00, "__insmod_fat_S.data_L700" },
	{ 0x7ec0, "__insmod_fat_S.bss_L2328" },
};
static const struct msym nls_syms[] = {
	{ 0x060, "__insmod_nls_cp437_S.text_L161" },
	{ 0x000, "@O" },
	{ 0x101, "__insmod_nls_cp437_S.rodata_L6" },
	{ 0x120, "__insmod_nls_cp437_S.data_L3868" },
};
/* slow.o's exports are not shown; QM_SYMBOLS(slow) says there are three */
static const struct msym slow_syms[] = {
	{ 0x000, "@O" },
	{ 0x060, "__insmod_slow_S.text_L1" },
	{ 0x061, "__insmod_slow_S.rodata_L1" },
};

static const struct mspec m_fat = SPEC("fat", 34776, 0, NULL, NULL, fat_syms);
static const struct mspec m_fat_k = SPEC("fat", 34776, F_AUTOCLEAN, NULL, NULL, fat_syms);
static const struct mspec m_msdos = SPEC("msdos", 6264, 0, "fat", NULL, msdos_syms);
static const struct mspec m_msdos_k = SPEC("msdos", 6264, F_AUTOCLEAN, "fat", NULL, msdos_syms);
static const struct mspec m_vfat = SPEC0("vfat", 11544, 0, "fat", NULL);
static const struct mspec m_nls_k = SPEC("nls_cp437", 4352, F_AUTOCLEAN, NULL, NULL, nls_syms);
static const struct mspec m_tiny = SPEC("tiny", 408, 0, NULL, NULL, tiny_syms);
static const struct mspec m_tinyuser = SPEC("tinyuser", 328, 0, "tiny", NULL, tinyuser_syms);

static void reap(void)
{
	assert_call(del(NULL), 0, "delete_module(NULL)");
}

/* ==== init-module-errors.txt ==== */

#define C_HDR                                        \
	"init_module: Invalid module header size.\n" \
	"A new version of the modutils is likely needed.\n"
#define C_NAME "init_module: mod->name out of bounds.\n"
#define C_FLAGS "init_module: mod->flags invalid.\n"
#define C_KDATA "init_module: mod->kernel_data must be zero.\n"
#define C_EX "init_module: mod->ex_table_* invalid.\n"
#define C_SYMS "init_module: mod->syms out of bounds.\n"
#define C_INIT "init_module: mod->init out of bounds.\n"

struct poke {
	bool on;
	unsigned off; /* image offset */
	uint32_t v;
	bool rel; /* v is an offset from the module's base */
};
#define P(o, val)                       \
	{                               \
		true, (o), (val), false \
	}
#define R(o, val)                      \
	{                              \
		true, (o), (val), true \
	}

struct initcase {
	int no;
	const char *what;
	struct poke p[4];
	const char *name; /* the name string at base+96 changed to this */
	int err;
	const char *console;
};

/* The 45 broken-image rows of the golden table, as run there on "bad" (512 bytes). */
static const struct initcase initbad[] = {
	{ 1, "size_of_struct = 40", { P(O_SOS, 40) }, NULL, EINVAL, C_HDR },
	{ 2, "size_of_struct = 59", { P(O_SOS, 59) }, NULL, EINVAL, C_HDR },
	{ 3,
	  "size_of_struct = 60 + flags=0x40",
	  { P(O_SOS, 60), P(O_FLAGS, 0x40) },
	  NULL,
	  EINVAL,
	  C_FLAGS },
	{ 4,
	  "size_of_struct = 160 + flags=0x40",
	  { P(O_SOS, 160), P(O_FLAGS, 0x40) },
	  NULL,
	  EINVAL,
	  C_NAME },
	{ 5, "size_of_struct = 161", { P(O_SOS, 161) }, NULL, EINVAL, C_HDR },
	{ 6, "size_of_struct = 0xffffffff", { P(O_SOS, 0xffffffff) }, NULL, EINVAL, C_HDR },
	{ 7, "size_of_struct = -96", { P(O_SOS, 0xffffffa0) }, NULL, EINVAL, C_HDR },
	{ 8, "size_of_struct = 0", { P(O_SOS, 0) }, NULL, EINVAL, C_HDR },
	{ 9,
	  "mod->size = created size + 1",
	  { P(O_SIZE, 513) },
	  NULL,
	  EINVAL,
	  "init_module: Size of initialized module exceeds size of created module.\n" },
	{ 10,
	  "mod->size = 100 + kernel_data=1",
	  { P(O_SIZE, 100), P(O_KDATA, 1) },
	  NULL,
	  EINVAL,
	  C_KDATA },
	{ 11, "name = base+4", { R(O_NAME, 4) }, NULL, EINVAL, C_NAME },
	{ 12, "name = base+size", { R(O_NAME, 512) }, NULL, EINVAL, C_NAME },
	{ 13, "name = base+size-2", { R(O_NAME, 510) }, NULL, EINVAL, C_NAME },
	{ 14, "name = NULL", { P(O_NAME, 0) }, NULL, EINVAL, C_NAME },
	{ 15,
	  "nsyms=1, syms = base+size-4",
	  { P(O_NSYMS, 1), R(O_SYMS, 508) },
	  NULL,
	  EINVAL,
	  C_SYMS },
	{ 16, "nsyms=1, syms = base", { P(O_NSYMS, 1), R(O_SYMS, 0) }, NULL, EINVAL, C_SYMS },
	{ 17,
	  "nsyms=0, syms = 0x12345678 + kernel_data=1",
	  { P(O_SYMS, 0x12345678), P(O_KDATA, 1) },
	  NULL,
	  EINVAL,
	  C_KDATA },
	{ 18,
	  "ndeps=1, deps = base+size-8",
	  { P(O_NDEPS, 1), R(O_DEPS, 504) },
	  NULL,
	  EINVAL,
	  "init_module: mod->deps out of bounds.\n" },
	{ 19, "init = kernel text", { P(O_INIT, KTEXT) }, NULL, EINVAL, C_INIT },
	{ 20, "init = base", { R(O_INIT, 0) }, NULL, EINVAL, C_INIT },
	{ 21,
	  "init = base+size + kernel_data=1",
	  { R(O_INIT, 512), P(O_KDATA, 1) },
	  NULL,
	  EINVAL,
	  C_KDATA },
	{ 22,
	  "cleanup = kernel text",
	  { P(O_CLEANUP, KTEXT) },
	  NULL,
	  EINVAL,
	  "init_module: mod->cleanup out of bounds.\n" },
	{ 23,
	  "ex_table_start = base+208 > ex_table_end = base+200",
	  { R(O_EXS, 208), R(O_EXE, 200) },
	  NULL,
	  EINVAL,
	  C_EX },
	{ 24,
	  "ex_table = base+200..base+205",
	  { R(O_EXS, 200), R(O_EXE, 205) },
	  NULL,
	  EINVAL,
	  C_EX },
	{ 25, "ex_table = base+8..base+16", { R(O_EXS, 8), R(O_EXE, 16) }, NULL, EINVAL, C_EX },
	/* the transcript gives the end only; start = base+size-8: just the end is bad */
	{ 26, "ex_table_end = base+size", { R(O_EXS, 504), R(O_EXE, 512) }, NULL, EINVAL, C_EX },
	{ 27,
	  "ex_table = base+size-16..base+size-8 + kernel_data=1",
	  { R(O_EXS, 496), R(O_EXE, 504), P(O_KDATA, 1) },
	  NULL,
	  EINVAL,
	  C_KDATA },
	{ 28, "ex_table_start = 0, ex_table_end = base+200", { R(O_EXE, 200) }, NULL, 0, "" },
	{ 29, "flags = 0x40", { P(O_FLAGS, 0x40) }, NULL, EINVAL, C_FLAGS },
	{ 30, "flags = 0x1", { P(O_FLAGS, 0x1) }, NULL, EINVAL, C_FLAGS },
	{ 31, "flags = 0x2", { P(O_FLAGS, 0x2) }, NULL, EINVAL, C_FLAGS },
	{ 32, "flags = 0x8", { P(O_FLAGS, 0x8) }, NULL, EINVAL, C_FLAGS },
	{ 33, "flags = 0x10", { P(O_FLAGS, 0x10) }, NULL, EINVAL, C_FLAGS },
	{ 34,
	  "flags = 0x4 + kernel_data=1",
	  { P(O_FLAGS, 0x4), P(O_KDATA, 1) },
	  NULL,
	  EINVAL,
	  C_KDATA },
	{ 35,
	  "can_unload = kernel text",
	  { P(O_CAN_UNLOAD, KTEXT) },
	  NULL,
	  EINVAL,
	  "init_module: mod->can_unload out of bounds.\n" },
	{ 36,
	  "kallsyms = base+200..kernel text",
	  { R(O_KSS, 200), P(O_KSE, KTEXT) },
	  NULL,
	  EINVAL,
	  "init_module: mod->kallsyms out of bounds.\n" },
	{ 37,
	  "kallsyms_start = base+208 > end = base+200",
	  { R(O_KSS, 208), R(O_KSE, 200) },
	  NULL,
	  EINVAL,
	  "init_module: mod->kallsyms invalid.\n" },
	{ 38,
	  "archdata = base+200..kernel text",
	  { R(O_ADS, 200), P(O_ADE, KTEXT) },
	  NULL,
	  EINVAL,
	  "init_module: mod->archdata out of bounds.\n" },
	{ 39,
	  "archdata_start = base+208 > end = base+200",
	  { R(O_ADS, 208), R(O_ADE, 200) },
	  NULL,
	  EINVAL,
	  "init_module: mod->archdata invalid.\n" },
	{ 40, "kernel_data = base+100", { R(O_KDATA, 100) }, NULL, EINVAL, C_KDATA },
	{ 41,
	  "size_of_struct = 60 with kernel_data=1",
	  { P(O_SOS, 60), P(O_KDATA, 1) },
	  NULL,
	  0,
	  "" },
	{ 42,
	  "name changed to baX",
	  { { 0 } },
	  "baX",
	  EINVAL,
	  "init_module: changed module name to `baX' from `bad'\n" },
	{ 43,
	  "name changed to badder",
	  { { 0 } },
	  "badder",
	  EINVAL,
	  "init_module: changed module name to `badder' from `bad'\n" },
	{ 44,
	  "ndeps=1, deps[0].dep = kernel text",
	  { P(O_NDEPS, 1), R(O_DEPS, 200), P(200, KTEXT) },
	  NULL,
	  EINVAL,
	  "init_module: found dependency that is (no longer?) a module.\n" },
	{ 45,
	  "ndeps=1, deps[0].dep = base",
	  { P(O_NDEPS, 1), R(O_DEPS, 200), R(200, 0) },
	  NULL,
	  EINVAL,
	  "init_module: self-referential dependency in mod->deps.\n" },
};

#define BAD_UNINIT "bad                      512 (uninitialized)\n"
#define OTHER_UNINIT "other                    256 (uninitialized)\n"
#define BAD_UNUSED "bad                      512   0 (unused)\n"
#define OTHER_UNINIT_REFS "other                    256 (uninitialized) [bad]\n"

static void run_initcase(const struct initcase *c, uint32_t base)
{
	char ctx[128];

	snprintf(ctx, sizeof(ctx), "init case %d (%s)", c->no, c->what);
	img_reset(base, 512, "bad");
	for (int i = 0; i < 4 && c->p[i].on; i++)
		put32(img + c->p[i].off, c->p[i].v + (c->p[i].rel ? base : 0));
	if (c->name)
		strcpy((char *)img + SIZEOF_MODULE, c->name);
	assert_call(init_mod("bad", UA_IMG), -c->err, ctx);
	assert_kmsg(c->console, ctx);
	if (c->err) {
		/* the kernel put the header back: "bad" is as create_module left it */
		assert_proc_modules(BAD_UNINIT, ctx);
		assert_info("bad", base, 512, 0, 0);
	} else {
		/* "bad" runs: delete_module and create_module, as the transcript does */
		assert_info("bad", base, 512, F_RUNNING, 0);
		assert_call(del("bad"), 0, ctx);
		create_ok("bad", 512, 0xc4800000);
	}
}

/*
 * g initbad, in the transcript's order.  Cases 46-48 need module code that
 * returns -ENODEV or +5: with_exec runs them through this program as the
 * executor; without one the model does not run init (it counts as 0), so
 * those three are left out there and the others are checked as they are.
 */
static void initbad_sequence(bool with_exec)
{
	uint32_t base, other;
	char *longname;

	model_up(with_exec ? "" : NULL);
	base = create_ok("bad", 512, 0xc4800000);
	for (size_t i = 0; i < ML_ARRAY_SIZE(initbad); i++)
		run_initcase(&initbad[i], base);

	other = create_ok("other", 256, 0xc4802000);
	if (with_exec) {
		/* case 46: a dep on the uninitialized "other", init returns -ENODEV */
		img_reset(base, 512, "bad");
		put32(img + O_NDEPS, 1);
		put32(img + O_DEPS, base + 200);
		put32(img + 200, other);
		put32(img + O_INIT, base + 300);
		img_code(300, -ENODEV);
		assert_call(init_mod("bad", UA_IMG), -ENODEV, "init case 46");
		assert_kmsg("", "init case 46");
		/* the failed init left its module_ref on other's refs list */
		assert_proc_modules(OTHER_UNINIT_REFS BAD_UNINIT, "init case 46");
		assert_info("bad", base, 512, 0, 0);
		assert_info("other", other, 256, F_USED_ONCE, 0);
		assert_qm("bad", QM_DEPS, 256, 0, 0);
		assert_qm("other", QM_REFS, 256, 0, 0);
		assert_call(del("other"), -EBUSY, "delete other (used by failed bad)");
		assert_call(del("bad"), 0, "delete bad (failed-init module with a dep)");
		assert_proc_modules(OTHER_UNINIT, "after deleting bad");
	} else {
		assert_call(del("bad"), 0, "delete bad");
	}
	base = create_ok("bad", 512, 0xc4800000);
	if (with_exec) {
		/* case 47: init returns -ENODEV; case 48: +5 becomes EBUSY */
		static const struct {
			int32_t v;
			long err;
		} rc[] = { { -ENODEV, -ENODEV }, { 5, -EBUSY } };

		for (size_t i = 0; i < ML_ARRAY_SIZE(rc); i++) {
			img_reset(base, 512, "bad");
			put32(img + O_INIT, base + 300);
			img_code(300, rc[i].v);
			assert_call(init_mod("bad", UA_IMG), rc[i].err,
				    i ? "init case 48" : "init case 47");
			assert_kmsg("", "init case 47/48");
			assert_proc_modules(BAD_UNINIT OTHER_UNINIT, "init case 47/48");
			assert_info("bad", base, 512, 0, 0);
		}
	}
	/* case 49: valid image, init = NULL */
	img_reset(base, 512, "bad");
	assert_call(init_mod("bad", UA_IMG), 0, "init case 49");
	assert_proc_modules(BAD_UNUSED OTHER_UNINIT, "init case 49");
	assert_info("bad", base, 512, F_RUNNING, 0);
	/* case 50: init_module again on the running module */
	assert_call(init_mod("bad", UA_IMG), 0, "init case 50");
	assert_proc_modules(BAD_UNUSED OTHER_UNINIT, "init case 50");
	assert_info("bad", base, 512, F_RUNNING, 0);
	/* case 51: again, with flags = MOD_AUTOCLEAN */
	put32(img + O_FLAGS, F_AUTOCLEAN);
	assert_call(init_mod("bad", UA_IMG), 0, "init case 51");
	assert_proc_modules("bad                      512   0 (autoclean) (unused)\n" OTHER_UNINIT,
			    "init case 51");
	assert_info("bad", base, 512, F_RUNNING | F_AUTOCLEAN, 0);
	assert_kmsg("", "init cases 49-51");
	assert_call(del("bad"), 0, "delete bad");
	assert_call(del("other"), 0, "delete other");

	/* cases 52-57: bad arguments */
	assert_call(init_mod(NULL, UA_IMG), -EFAULT, "init case 52");
	assert_call(init_mod("", UA_IMG), -EINVAL, "init case 53");
	longname = ml_xmalloc(4097);
	memset(longname, 'a', 4096);
	longname[4096] = 0;
	assert_call(init_mod(longname, UA_IMG), -ENAMETOOLONG, "init case 54");
	assert_call(init_mod("nosuch", UA_IMG), -ENOENT, "init case 55");
	free(longname);
	create_ok("bad2", 256, 0xc4800000);
	assert_call(init_mod("bad2", 0), -EFAULT, "init case 56");
	assert_call(init_mod("bad2", KTEXT), -EFAULT, "init case 57");
	assert_call(del("bad2"), 0, "delete bad2");
	assert_kmsg("", "init cases 52-57");
	assert_proc_modules("", "end of initbad");
}

START_TEST(golden_initbad_exec)
{
	initbad_sequence(true);
}
END_TEST

START_TEST(golden_initbad_noexec)
{
	initbad_sequence(false);
}
END_TEST

/*
 * Cases 47 and 48 once more with the real i386 executor, when it speaks the
 * model's "info"/"call" protocol: the code then really runs.
 */
START_TEST(golden_init_retval_real_exec)
{
	const char *top = getenv("top_builddir");
	/* under qemu-i386 where this host cannot run i386 programs (common/hostcpu.c) */
	const char *run = ml_host_runs_i386() ? "" : "qemu-i386 ";
	char path[PATH_MAX], exe[PATH_MAX + 16], cmd[PATH_MAX + 48];
	uint32_t base;

	snprintf(path, sizeof(path), "%s/tests/modlink-exec-i386", top ? top : ".");
	snprintf(exe, sizeof(exe), "%s%s", run, path);
	snprintf(cmd, sizeof(cmd), "%s info >/dev/null 2>&1", exe);
	if (access(path, X_OK) || system(cmd) != 0) {
		fprintf(stderr,
			"test-model: %s has no 'info'/'call' protocol yet: init cases 47/48 checked with the built-in stand-in only\n",
			exe);
		return;
	}
	fprintf(stderr, "test-model: init cases 47/48 with %s\n", exe);
	model_up(exe);
	base = create_ok("bad", 512, 0);
	img_reset(base, 512, "bad");
	put32(img + O_INIT, base + 300);
	img_code(300, -ENODEV);
	assert_call(init_mod("bad", UA_IMG), -ENODEV, "init case 47 (real executor)");
	img_code(300, 5);
	assert_call(init_mod("bad", UA_IMG), -EBUSY, "init case 48 (real executor)");
	assert_info("bad", base, 512, 0, 0);
}
END_TEST

/* g createerr and g deleteerr */
START_TEST(golden_create_delete_errors)
{
	char *n4095 = ml_xmalloc(4097), *n4096 = ml_xmalloc(4097);
	uint32_t a;

	model_up(NULL);
	memset(n4095, 'a', 4095);
	n4095[4095] = 0;
	memset(n4096, 'a', 4096);
	n4096[4096] = 0;

	assert_call(create("", 256, NULL), -EINVAL, "create_module(\"\", 256)");
	assert_call(create(NULL, 256, NULL), -EFAULT, "create_module(NULL, 256)");
	create_ok(n4095, 8192, 0xc4800000);
	assert_call(del(n4095), 0, "delete_module(4095 x a)");
	assert_call(create(n4096, 8192, NULL), -ENAMETOOLONG, "create_module(4096 x a)");
	assert_call(create("cm", 0, NULL), -EINVAL, "create_module(cm, 0)");
	assert_call(create("cm", 98, NULL), -EINVAL, "create_module(cm, 98)");
	a = create_ok("cm", 99, 0xc4800000);
	assert_proc_modules("cm                        99 (uninitialized)\n", "cm");
	assert_info("cm", a, 99, 0, 0);
	assert_call(create("cm", 4096, NULL), -EEXIST, "create_module(cm) duplicate");
	img_reset(a, 99, "cm");
	assert_call(init_mod("cm", UA_IMG), 0, "init_module(cm) size=99");
	assert_proc_modules("cm                        99   0 (unused)\n", "cm running");
	assert_call(create("cm", 4096, NULL), -EEXIST, "create_module(cm) of running");
	assert_call(del("cm"), 0, "delete_module(cm)");
	assert_call(create("cm2", 0x7fffffff, NULL), -ENOMEM, "create_module(huge)");
	assert_call(create("cm2", 0xffffffff, NULL), -ENOMEM, "create_module(-1)");
	create_ok("cm2", 8 * 1024 * 1024, 0xc4800000);
	assert_call(del("cm2"), 0, "delete_module(cm2)");
	create_ok("a", 4096, 0xc4800000);
	create_ok("b", 4096, 0xc4802000);
	create_ok("c", 5000, 0xc4804000);
	assert_proc_modules("c                       5000 (uninitialized)\n"
			    "b                       4096 (uninitialized)\n"
			    "a                       4096 (uninitialized)\n",
			    "a b c");
	assert_call(del("a"), 0, "delete a");
	assert_call(del("b"), 0, "delete b");
	assert_call(del("c"), 0, "delete c");

	assert_call(del("nosuch"), -ENOENT, "delete_module(nosuch)");
	assert_call(del(""), -EINVAL, "delete_module(\"\")");
	assert_call(del(n4096), -ENAMETOOLONG, "delete_module(4096 x a)");
	assert_call(ml_model_delete_module(M, &ua, 1), -EFAULT, "delete_module(1)");
	assert_kmsg("", "createerr/deleteerr");
	assert_proc_modules("", "end");
	free(n4095);
	free(n4096);
}
END_TEST

/*
 * Second boot of init-module-errors.txt: a failed init leaves its module_ref
 * on the dependency; re-initialized without deps and deleted, "bad" leaves
 * that ref pointing into freed memory, and the real kernel oopses at the
 * next read of /proc/modules (NULL at 00000008, the stale ref at
 * 0xc48020c8).  The model must not crash: it says why in the kernel log.
 */
/* The model's log line (the real kernel's oops was a NULL dereference at 00000008). */
#define STALE_LOG(where) \
	"modlink: " where ": other's refs list holds a stale module_ref at 0xc48020c8"

START_TEST(golden_stale_ref)
{
	uint32_t other, base;
	char *t, *k;

	model_up("");
	other = create_ok("other", 256, 0xc4800000);
	base = create_ok("bad", 512, 0xc4802000);
	img_reset(base, 512, "bad");
	put32(img + O_NDEPS, 1);
	put32(img + O_DEPS, base + 200);
	put32(img + 200, other);
	put32(img + O_INIT, base + 300);
	img_code(300, -ENODEV);
	assert_call(init_mod("bad", UA_IMG), -ENODEV, "staleref case 1");
	assert_proc_modules(BAD_UNINIT OTHER_UNINIT_REFS, "staleref case 1");
	img_reset(base, 512, "bad");
	assert_call(init_mod("bad", UA_IMG), 0, "staleref case 2");
	assert_call(del("bad"), 0, "staleref: delete bad");
	create_ok("bad", 512, 0xc4802000);
	assert_kmsg("", "staleref before the read");

	t = proc("modules");
	k = kmsg_new();
	ck_assert_msg(strstr(k, STALE_LOG("/proc/modules")), "no log line: %s", k);
	/* every module is listed; the stale ref is not followed ("[]" or "[bad]") */
	ck_assert_str_eq(t, BAD_UNINIT OTHER_UNINIT);
	free(t);
	free(k);
	/* other->refs is still set: delete_module says EBUSY, as 2.4 would */
	assert_call(del("other"), -EBUSY, "delete other with the stale ref");
	assert_qm("other", QM_REFS, 256, 0, 0);
}
END_TEST

/*
 * The same stale ref on a running dependency, which query_module(QM_REFS)
 * walks too (the transcript's "other" was uninitialized: QM_REFS answers 0
 * there without looking).  Beyond the golden runs: the model's own rule.
 */
START_TEST(stale_ref_running_dep)
{
	uint32_t other, base;
	uint32_t ret;
	char *k;

	model_up("");
	other = create_ok("other", 256, 0xc4800000);
	img_reset(other, 256, "other");
	assert_call(init_mod("other", UA_IMG), 0, "init other");
	base = create_ok("bad", 512, 0xc4802000);
	img_reset(base, 512, "bad");
	put32(img + O_NDEPS, 1);
	put32(img + O_DEPS, base + 200);
	put32(img + 200, other);
	put32(img + O_INIT, base + 300);
	img_code(300, -ENODEV);
	assert_call(init_mod("bad", UA_IMG), -ENODEV, "bad: init fails, its dep linked");
	assert_proc_modules(BAD_UNINIT "other                    256   0 [bad]\n", "bad failed");
	assert_qm("other", QM_REFS, 256, 0, 1);
	assert_qbuf("62 61 64 00", "QM_REFS(other)");
	img_reset(base, 512, "bad");
	assert_call(init_mod("bad", UA_IMG), 0, "bad re-initialized without deps");
	assert_call(del("bad"), 0, "delete bad");
	assert_kmsg("", "before the walks");
	ck_assert_int_eq(qm("other", QM_REFS, 256, &ret), 0);
	ck_assert_uint_eq(ret, 0);
	k = kmsg_new();
	ck_assert_msg(strstr(k, STALE_LOG("query_module")), "no log line: %s", k);
	free(k);
	assert_proc_modules("other                    256   0\n", "stale ref, bad gone");
	k = kmsg_new();
	ck_assert_ptr_nonnull(strstr(k, STALE_LOG("/proc/modules")));
	free(k);
	assert_call(del("other"), -EBUSY, "delete other with the stale ref");
	reap();
	assert_proc_modules("other                    256   0\n", "after a reap");
}
END_TEST

/* ==== proc-modules.txt ==== */

#define L_NLS_AC "nls_cp437               4352   0 (autoclean)\n"

/* The executor photographs /proc/modules and queries "slow" while it runs. */
static void snap_on(const char *name)
{
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/%s", tdir, name);
	setenv("MLT_SNAP", p, 1);
	setenv("MLT_SNAP_MOD", "slow", 1);
}

static char *snap_read(const char *name)
{
	char p[PATH_MAX + 16];
	unsigned char *data = NULL;
	size_t len = 0;
	struct ml_diags d = { 0 };

	snprintf(p, sizeof(p), "%s/%s", tdir, name);
	ck_assert_msg(ml_read_file(p, &data, &len, &d) == 0, "no snapshot");
	ml_diags_free(&d);
	unsetenv("MLT_SNAP");
	unsetenv("MLT_SNAP_MOD");
	return (char *)data;
}

START_TEST(golden_proc_modules)
{
	uint32_t fat, msdos, vfat, nls, a;
	struct mspec s;
	char *t;

	model_up("");
	o_mtime = "000000006B024C93";
	assert_proc_modules("", "step 0");
	fat = load(&m_fat, 0xc4800000);
	assert_proc_modules("fat                    34776   0 (unused)\n", "step 1");
	msdos = load(&m_msdos, 0xc480a000);
	assert_proc_modules("msdos                   6264   0 (unused)\n"
			    "fat                    34776   0 [msdos]\n",
			    "step 2");
	vfat = load(&m_vfat, 0xc480d000);
	assert_proc_modules("vfat                   11544   0 (unused)\n"
			    "msdos                   6264   0 (unused)\n"
			    "fat                    34776   0 [vfat msdos]\n",
			    "step 3");
	nls = load(&m_nls_k, 0xc4811000);
#define STEP4                                                     \
	"nls_cp437               4352   0 (autoclean) (unused)\n" \
	"vfat                   11544   0 (unused)\n"             \
	"msdos                   6264   0 (unused)\n"             \
	"fat                    34776   0 [vfat msdos]\n"
	assert_proc_modules(STEP4, "step 4");
	assert_info("fat", fat, 34776, F_RUNNING | F_USED_ONCE, 0);
	assert_info("msdos", msdos, 6264, F_RUNNING, 0);
	assert_info("vfat", vfat, 11544, F_RUNNING, 0);
	assert_info("nls_cp437", nls, 4352, F_RUNNING | F_AUTOCLEAN, 0);
	/* step 5 */
	assert_call(del("fat"), -EBUSY, "step 5: delete fat while msdos and vfat use it");
	assert_proc_modules(STEP4, "step 5");
	/* step 6: mount an msdos image: msdos and nls_cp437 MOD_INC_USE_COUNT */
	mod_inc(msdos);
	mod_inc(nls);
	assert_proc_modules("nls_cp437               4352   1 (autoclean)\n"
			    "vfat                   11544   0 (unused)\n"
			    "msdos                   6264   1\n"
			    "fat                    34776   0 [vfat msdos]\n",
			    "step 6 mounted");
	assert_info("fat", fat, 34776, 0x11, 0);
	assert_info("msdos", msdos, 6264, 0x19, 1);
	assert_info("nls_cp437", nls, 4352, 0x1d, 1);
	assert_call(del("msdos"), -EBUSY, "step 6: delete msdos while mounted");
	mod_dec(msdos);
	mod_dec(nls);
	assert_proc_modules(L_NLS_AC "vfat                   11544   0 (unused)\n"
				     "msdos                   6264   0\n"
				     "fat                    34776   0 [vfat msdos]\n",
			    "step 6 umounted");
	assert_info("fat", fat, 34776, 0x11, 0);
	assert_info("msdos", msdos, 6264, 0x19, 0);
	assert_info("nls_cp437", nls, 4352, 0x1d, 0);
	/* step 7, 8 */
	assert_call(del("msdos"), 0, "step 7");
	assert_proc_modules(L_NLS_AC "vfat                   11544   0 (unused)\n"
				     "fat                    34776   0 [vfat]\n",
			    "step 7");
	assert_call(del("vfat"), 0, "step 8: vfat");
	assert_proc_modules(L_NLS_AC "fat                    34776   0\n", "step 8 vfat");
	assert_call(del("fat"), 0, "step 8: fat");
	assert_proc_modules(L_NLS_AC, "step 8 fat");
	/* step 9 */
	a = create_ok("unin", 4096, 0xc4800000);
	assert_proc_modules("unin                    4096 (uninitialized)\n" L_NLS_AC, "step 9");
	assert_info("unin", a, 4096, 0, 0);
	/* step 10: failinit's init returns -ENODEV and nobody deletes it */
	s = (struct mspec)SPEC0("failinit", 240, 0, NULL, NULL);
	s.init = -ENODEV;
	a = load_rc(&s, 0xc4802000, -ENODEV);
	assert_proc_modules("failinit                 240 (uninitialized)\n"
			    "unin                    4096 (uninitialized)\n" L_NLS_AC,
			    "step 10");
	assert_info("failinit", a, 240, 0, 0);
	/* step 11 */
	assert_call(del("failinit"), 0, "step 11: failinit");
	assert_call(del("unin"), 0, "step 11: unin");
	assert_proc_modules(L_NLS_AC, "step 11");
	/* step 12: an insmod deletes the module whose init failed */
	load_rc(&s, 0xc4800000, -ENODEV);
	assert_call(del("failinit"), 0, "step 12");
	assert_proc_modules(L_NLS_AC, "step 12");
	/* step 13: (initializing), seen by a second process while slow's init runs */
	s = (struct mspec)SPEC("slow", 476, 0, NULL, NULL, slow_syms);
	s.init = 0;
	s.cleanup = 0;
	snap_on("snap13");
	a = load(&s, 0xc4800000);
	t = snap_read("snap13");
	ck_assert_str_eq(t, "slow                     476 (initializing)\n" L_NLS_AC
			    "QM_INFO(slow) = 0 ret=16 addr=0xc4800000 size=476 flags=0x40"
			    " usecount=1\n"
			    "QM_MODULES = 0 n=2: slow nls_cp437\n"
			    "QM_SYMBOLS(slow) = 0 ret=3\n");
	free(t);
	assert_proc_modules("slow                     476   0 (unused)\n" L_NLS_AC,
			    "step 13 after");
	assert_info("slow", a, 476, F_RUNNING, 0);
	/* step 14: (deleted), seen while slow's cleanup runs */
	snap_on("snap14");
	assert_call(del("slow"), 0, "step 14");
	t = snap_read("snap14");
	ck_assert_str_eq(t, "slow                     476   0 (deleted)\n" L_NLS_AC
			    "QM_INFO(slow) = -2\n" /* ENOENT: find_module skips it */
			    "QM_MODULES = 0 n=2: slow nls_cp437\n"
			    "QM_SYMBOLS(slow) = -2\n");
	free(t);
	assert_info_enoent("slow");
	assert_proc_modules(L_NLS_AC, "step 14 after");
	/* step 15: a can_unload callback (returning 0): use count -1 */
	s = (struct mspec)SPEC0("canunload", 244, 0, NULL, NULL);
	s.can_unload = 0;
	a = load(&s, 0xc4800000);
	assert_proc_modules("canunload                244  -1 (unused)\n" L_NLS_AC, "15");
	assert_info("canunload", a, 244, F_RUNNING, -1);
	assert_call(del("canunload"), 0, "step 15 delete");
	assert_proc_modules(L_NLS_AC, "step 15 after");
	/* step 16: refs */
	load(&m_tiny, 0xc4800000);
	load(&m_tinyuser, 0xc4802000);
	assert_proc_modules("tinyuser                 328   0 (unused)\n"
			    "tiny                     408   0 [tinyuser]\n" L_NLS_AC,
			    "step 16");
	assert_call(del("tiny"), -EBUSY, "step 16: delete tiny");
	assert_call(del("tinyuser"), 0, "step 16: delete tinyuser");
	assert_proc_modules("tiny                     408   0\n" L_NLS_AC, "step 16 tinyuser gone");
	assert_call(del("tiny"), 0, "step 16: delete tiny");
	assert_proc_modules(L_NLS_AC, "step 16 end");
	assert_kmsg("", "proc-modules");
}
END_TEST

/* ==== autoclean.txt ==== */

/* Scenario A's state: /proc/modules and QM_INFO of fat, msdos and nls_cp437. */
struct a_state {
	const char *text, *ctx;
	uint32_t msdos_flags, nls_flags;
	int32_t uc; /* msdos and nls_cp437 */
};

static void assert_a(const struct a_state *a, uint32_t fat, uint32_t msdos, uint32_t nls)
{
	assert_proc_modules(a->text, a->ctx);
	assert_info("fat", fat, 34776, F_RUNNING | F_USED_ONCE, 0);
	assert_info("msdos", msdos, 6264, a->msdos_flags, a->uc);
	assert_info("nls_cp437", nls, 4352, a->nls_flags, a->uc);
}

START_TEST(golden_autoclean)
{
	uint32_t fat, msdos, nls;
	static const char a0[] = "nls_cp437               4352   0 (autoclean) (unused)\n"
				 "msdos                   6264   0 (autoclean) (unused)\n"
				 "fat                    34776   0 [msdos]\n";
	static const char a2[] = "nls_cp437               4352   1 (autoclean)\n"
				 "msdos                   6264   1 (autoclean)\n"
				 "fat                    34776   0 [msdos]\n";
	static const char a3[] = "nls_cp437               4352   0 (autoclean)\n"
				 "msdos                   6264   0 (autoclean)\n"
				 "fat                    34776   0 [msdos]\n";
	static const struct a_state steps[] = {
		{ a0, "A", 0x5, 0x5, 0 },
		{ a0, "A1: reaped before any use (not USED_ONCE)", 0x5, 0x5, 0 },
		{ a2, "A2: mounted", 0x1d, 0x1d, 1 },
		{ a2, "A2: reaped while mounted", 0x1d, 0x1d, 1 },
		{ a3, "A3: umounted", 0x1d, 0x1d, 0 },
		{ a3, "A4: the first reap only clears VISITED", 0x15, 0x15, 0 },
	};

	model_up(NULL);
	/* Scenario A: the VISITED second chance */
	fat = load(&m_fat, 0xc4800000);
	msdos = load(&m_msdos_k, 0xc480a000);
	nls = load(&m_nls_k, 0xc480d000);
	assert_a(&steps[0], fat, msdos, nls);
	reap();
	assert_a(&steps[1], fat, msdos, nls);
	mod_inc(msdos);
	mod_inc(nls);
	assert_a(&steps[2], fat, msdos, nls);
	reap();
	assert_a(&steps[3], fat, msdos, nls);
	mod_dec(msdos);
	mod_dec(nls);
	assert_a(&steps[4], fat, msdos, nls);
	reap();
	assert_a(&steps[5], fat, msdos, nls);
	reap(); /* A5: the second reap removes both */
	assert_proc_modules("fat                    34776   0\n", "A5");
	assert_info("fat", fat, 34776, 0x11, 0);
	assert_info_enoent("msdos");
	assert_info_enoent("nls_cp437");
	reap(); /* A6 */
	assert_proc_modules("fat                    34776   0\n", "A6");
	assert_call(del("fat"), 0, "A6: delete fat");
	assert_proc_modules("", "A end");

	/* Scenario B: autoclean fat used only through msdos */
	nloaded = 0;
	fat = load(&m_fat_k, 0xc4800000);
	msdos = load(&m_msdos, 0xc480a000);
	assert_proc_modules("msdos                   6264   0 (unused)\n"
			    "fat                    34776   0 (autoclean) [msdos]\n",
			    "B");
	assert_info("fat", fat, 34776, 0x15, 0);
	assert_info("msdos", msdos, 6264, 0x1, 0);
	assert_call(del("msdos"), 0, "B: delete msdos");
	assert_proc_modules("fat                    34776   0 (autoclean)\n", "B, msdos");
	assert_info("fat", fat, 34776, 0x15, 0);
	reap(); /* B1 */
	assert_proc_modules("", "B1");
	assert_info_enoent("fat");

	/* Scenario C: fat -k and msdos -k, mount + umount */
	nloaded = 0;
	fat = load(&m_fat_k, 0xc4800000);
	msdos = load(&m_msdos_k, 0xc480a000);
	mod_inc(msdos);
	mod_dec(msdos);
#define C0                                               \
	"msdos                   6264   0 (autoclean)\n" \
	"fat                    34776   0 (autoclean) [msdos]\n"
	assert_proc_modules(C0, "C");
	assert_info("fat", fat, 34776, 0x15, 0);
	assert_info("msdos", msdos, 6264, 0x1d, 0);
	reap(); /* C1 */
	assert_proc_modules(C0, "C1");
	assert_info("fat", fat, 34776, 0x15, 0);
	assert_info("msdos", msdos, 6264, 0x15, 0);
	reap(); /* C2: msdos goes, fat JUST_FREED goes in the same call */
	assert_proc_modules("", "C2");
	assert_info_enoent("fat");
	assert_info_enoent("msdos");
	reap(); /* C3 */
	assert_proc_modules("", "C3");

	/* Scenario D: rmmod -a on a never-used autoclean module */
	nloaded = 0;
	load(&m_nls_k, 0xc4800000);
	reap();
	assert_proc_modules("nls_cp437               4352   0 (autoclean) (unused)\n", "D");
	assert_kmsg("", "autoclean");
}
END_TEST

/* ==== query-module.txt ==== */

static const char hex_syms_tiny[] = "94 01 80 c4 30 00 00 00 60 00 80 c4 3d 00 00 00 "
				    "00 00 80 c4 46 00 00 00 60 00 80 c4 77 00 00 00 "
				    "70 01 80 c4 90 00 00 00 94 01 80 c4 ab 00 00 00 "
				    "74 69 6e 79 5f 63 6f 75 6e 74 65 72 00 74 69 6e "
				    "79 5f 67 65 74 00 5f 5f 69 6e 73 6d 6f 64 5f 74 "
				    "69 6e 79 5f 4f 2f 74 69 6e 79 2e 6f 5f 4d 30 30 "
				    "30 30 30 30 30 30 36 42 30 32 34 43 44 31 5f 56 "
				    "31 33 32 31 33 33 00 5f 5f 69 6e 73 6d 6f 64 5f "
				    "74 69 6e 79 5f 53 2e 74 65 78 74 5f 4c 36 35 00 "
				    "5f 5f 69 6e 73 6d 6f 64 5f 74 69 6e 79 5f 53 2e "
				    "72 6f 64 61 74 61 5f 4c 33 33 00 5f 5f 69 6e 73 "
				    "6d 6f 64 5f 74 69 6e 79 5f 53 2e 64 61 74 61 5f "
				    "4c 34 00 ";
static const char hex_syms_tiny_70[] = "94 01 80 c4 30 00 00 00 60 00 80 c4 3d 00 00 00 "
				       "ee ee ee ee ee ee ee ee ee ee ee ee ee ee ee ee "
				       "ee ee ee ee ee ee ee ee ee ee ee ee ee ee ee ee "
				       "74 69 6e 79 5f 63 6f 75 6e 74 65 72 00 74 69 6e "
				       "79 5f 67 65 74 00 ";
static const char hex_syms_tinyuser[] = "60 20 80 c4 18 00 00 00 00 20 80 c4 35 00 00 00 "
					"84 20 80 c4 6e 00 00 00 5f 5f 69 6e 73 6d 6f 64 "
					"5f 74 69 6e 79 75 73 65 72 5f 53 2e 74 65 78 74 "
					"5f 4c 33 33 00 5f 5f 69 6e 73 6d 6f 64 5f 74 69 "
					"6e 79 75 73 65 72 5f 4f 2f 74 69 6e 79 75 73 65 "
					"72 2e 6f 5f 4d 30 30 30 30 30 30 30 30 36 42 30 "
					"32 34 43 44 31 5f 56 31 33 32 31 33 33 00 5f 5f "
					"69 6e 73 6d 6f 64 5f 74 69 6e 79 75 73 65 72 5f "
					"53 2e 72 6f 64 61 74 61 5f 4c 33 34 00 ";
static const char hex_syms_msdos[] = "30 e9 80 c4 60 00 00 00 50 e7 80 c4 6d 00 00 00 "
				     "e0 eb 80 c4 7a 00 00 00 70 f3 80 c4 86 00 00 00 "
				     "e0 ea 80 c4 93 00 00 00 40 ee 80 c4 9f 00 00 00 "
				     "c0 f4 80 c4 ac 00 00 00 60 e0 80 c4 bd 00 00 00 "
				     "00 e0 80 c4 cd 00 00 00 60 e0 80 c4 00 01 00 00 "
				     "44 f5 80 c4 1c 01 00 00 a0 f7 80 c4 39 01 00 00 "
				     "6d 73 64 6f 73 5f 63 72 65 61 74 65 00 6d 73 64 "
				     "6f 73 5f 6c 6f 6f 6b 75 70 00 6d 73 64 6f 73 5f "
				     "6d 6b 64 69 72 00 6d 73 64 6f 73 5f 72 65 6e 61 "
				     "6d 65 00 6d 73 64 6f 73 5f 72 6d 64 69 72 00 6d "
				     "73 64 6f 73 5f 75 6e 6c 69 6e 6b 00 6d 73 64 6f "
				     "73 5f 72 65 61 64 5f 73 75 70 65 72 00 6d 73 64 "
				     "6f 73 5f 70 75 74 5f 73 75 70 65 72 00 5f 5f 69 "
				     "6e 73 6d 6f 64 5f 6d 73 64 6f 73 5f 4f 2f 6d 73 "
				     "64 6f 73 2e 6f 5f 4d 30 30 30 30 30 30 30 30 36 "
				     "42 30 32 34 43 44 31 5f 56 31 33 32 31 33 33 00 "
				     "5f 5f 69 6e 73 6d 6f 64 5f 6d 73 64 6f 73 5f 53 "
				     "2e 74 65 78 74 5f 4c 35 33 34 35 00 5f 5f 69 6e "
				     "73 6d 6f 64 5f 6d 73 64 6f 73 5f 53 2e 72 6f 64 "
				     "61 74 61 5f 4c 32 31 38 00 5f 5f 69 6e 73 6d 6f "
				     "64 5f 6d 73 64 6f 73 5f 53 2e 64 61 74 61 5f 4c "
				     "32 30 34 00 ";
static const char hex_modules_39[] = "75 6e 69 6e 00 6e 6c 73 5f 63 70 34 33 37 00 6d "
				     "73 64 6f 73 00 66 61 74 00 74 69 6e 79 75 73 65 "
				     "72 00 74 69 6e 79 00 ";

/* The transcript's setup: tiny, tinyuser, fat, msdos, -k nls_cp437, unin. */
static void qm_setup(void)
{
	model_up(NULL);
	o_mtime = "000000006B024CD1";
	load(&m_tiny, 0xc4800000);
	load(&m_tinyuser, 0xc4802000);
	load(&m_fat, 0xc4804000);
	load(&m_msdos, 0xc480e000);
	load(&m_nls_k, 0xc4811000);
	create_ok("unin", 256, 0xc4814000);
	assert_proc_modules("unin                     256 (uninitialized)\n"
			    "nls_cp437               4352   0 (autoclean) (unused)\n"
			    "msdos                   6264   0 (unused)\n"
			    "fat                    34776   0 [msdos]\n"
			    "tinyuser                 328   0 (unused)\n"
			    "tiny                     408   0 [tinyuser]\n",
			    "query-module setup");
}

START_TEST(golden_query_module)
{
	qm_setup();
	/* which = 0 and bad which */
	assert_qm(NULL, 0, 0, 0, RET_UNCHANGED);
	assert_qm("tiny", 0, 0, 0, RET_UNCHANGED);
	assert_qm("nosuch", 0, 0, -ENOENT, RET_UNCHANGED);
	assert_qm(NULL, 6, 64, -EINVAL, RET_UNCHANGED);
	assert_qm(NULL, -1, 64, -EINVAL, RET_UNCHANGED);
	assert_qm("tiny", 99, 64, -EINVAL, RET_UNCHANGED);

	/* QM_MODULES */
	assert_qm(NULL, QM_MODULES, 0, -ENOSPC, 39);
	assert_qm(NULL, QM_MODULES, 1, -ENOSPC, 39);
	assert_qm(NULL, QM_MODULES, 10, -ENOSPC, 39);
	assert_qbuf("75 6e 69 6e 00 ee ee ee ee ee", "QM_MODULES 10");
	assert_qm(NULL, QM_MODULES, 38, -ENOSPC, 39);
	assert_qm(NULL, QM_MODULES, 39, 0, 6);
	assert_qbuf(hex_modules_39, "QM_MODULES 39");
	assert_qm(NULL, QM_MODULES, 4096, 0, 6);
	assert_qbuf(hex_modules_39, "QM_MODULES 4096");
	assert_qm("tiny", QM_MODULES, 4096, 0, 6);
	assert_qbuf(hex_modules_39, "QM_MODULES(tiny) 4096");

	/* QM_DEPS */
	assert_qm(NULL, QM_DEPS, 4096, -EINVAL, RET_UNCHANGED);
	assert_qm("tinyuser", QM_DEPS, 4096, 0, 1);
	assert_qbuf("74 69 6e 79 00", "QM_DEPS(tinyuser)");
	assert_qm("tinyuser", QM_DEPS, 0, -ENOSPC, 5);
	assert_qm("tinyuser", QM_DEPS, 4, -ENOSPC, 5);
	assert_qbuf("ee ee ee ee", "QM_DEPS(tinyuser) 4");
	assert_qm("tinyuser", QM_DEPS, 5, 0, 1);
	assert_qm("msdos", QM_DEPS, 4096, 0, 1);
	assert_qbuf("66 61 74 00", "QM_DEPS(msdos)");
	assert_qm("fat", QM_DEPS, 4096, 0, 0);
	assert_qm("unin", QM_DEPS, 4096, 0, 0);
	assert_qm("nosuch", QM_DEPS, 4096, -ENOENT, RET_UNCHANGED);

	/* QM_REFS */
	assert_qm(NULL, QM_REFS, 4096, -EINVAL, RET_UNCHANGED);
	assert_qm("tiny", QM_REFS, 4096, 0, 1);
	assert_qbuf("74 69 6e 79 75 73 65 72 00", "QM_REFS(tiny)");
	assert_qm("tiny", QM_REFS, 0, -ENOSPC, 9);
	assert_qm("tiny", QM_REFS, 8, -ENOSPC, 9);
	assert_qm("tiny", QM_REFS, 9, 0, 1);
	assert_qm("fat", QM_REFS, 4096, 0, 1);
	assert_qbuf("6d 73 64 6f 73 00", "QM_REFS(fat)");
	assert_qm("tinyuser", QM_REFS, 4096, 0, 0);
	assert_qm("unin", QM_REFS, 4096, 0, 0);

	/* QM_SYMBOLS */
	assert_qm("tiny", QM_SYMBOLS, 0, -ENOSPC, 195);
	assert_qm("tiny", QM_SYMBOLS, 15, -ENOSPC, 195);
	assert_qm("tiny", QM_SYMBOLS, 16, -ENOSPC, 195);
	assert_qm("tiny", QM_SYMBOLS, 0xffffffff, 0, 6);
	assert_qbuf(hex_syms_tiny, "QM_SYMBOLS(tiny) -1");
	assert_qm("tiny", QM_SYMBOLS, 47, -ENOSPC, 195);
	assert_qm("tiny", QM_SYMBOLS, 48, -ENOSPC, 195);
	assert_qm("tiny", QM_SYMBOLS, 60, -ENOSPC, 195);
	{
		unsigned char ee[60];

		memset(ee, 0xee, sizeof(ee));
		unit_assert_bytes(qbuf, ee, sizeof(ee), "QM_SYMBOLS(tiny) 60: nothing");
	}
	assert_qm("tiny", QM_SYMBOLS, 70, -ENOSPC, 195);
	assert_qbuf(hex_syms_tiny_70, "QM_SYMBOLS(tiny) 70: the entries whose names fit");
	assert_qm("tiny", QM_SYMBOLS, 194, -ENOSPC, 195);
	assert_qm("tiny", QM_SYMBOLS, 195, 0, 6);
	assert_qbuf(hex_syms_tiny, "QM_SYMBOLS(tiny) 195");
	assert_qm("tiny", QM_SYMBOLS, 4096, 0, 6);
	assert_qbuf(hex_syms_tiny, "QM_SYMBOLS(tiny) 4096");
	assert_qm("tinyuser", QM_SYMBOLS, 4096, 0, 3);
	assert_qbuf(hex_syms_tinyuser, "QM_SYMBOLS(tinyuser)");
	assert_qm("unin", QM_SYMBOLS, 4096, 0, 0);
	assert_qbuf("ee ee ee ee", "QM_SYMBOLS(unin): nothing written");
	assert_qm("unin", QM_SYMBOLS, 0, 0, 0);
	assert_qm("msdos", QM_SYMBOLS, 4096, 0, 12);
	assert_qbuf(hex_syms_msdos, "QM_SYMBOLS(msdos)");
	assert_qm(NULL, QM_SYMBOLS, 0, -ENOSPC, 14006);
	assert_qm(NULL, QM_SYMBOLS, 8, -ENOSPC, 14006);
	assert_qm(NULL, QM_SYMBOLS, 65536, 0, 621);
	{
		/* [0..3] as printed: value, name_off, name */
		static const struct {
			uint32_t v, off;
			const char *name;
		} k[] = { { 0xc01b12c4, 4968, "mmu_cr4_features" },
			  { 0xc019ae24, 4985, "acpi_disabled" },
			  { 0xc01b1829, 4999, "i8253_lock" },
			  { 0xc019ad80, 5010, "boot_cpu_data" } };

		for (size_t i = 0; i < ML_ARRAY_SIZE(k); i++) {
			ck_assert_uint_eq(get32(qbuf + 8 * i), k[i].v);
			ck_assert_uint_eq(get32(qbuf + 8 * i + 4), k[i].off);
			ck_assert_str_eq((char *)qbuf + k[i].off, k[i].name);
		}
	}

	/* QM_INFO */
	assert_qm(NULL, QM_INFO, 64, -EINVAL, RET_UNCHANGED);
	assert_qm("tiny", QM_INFO, 15, -ENOSPC, 16);
	assert_qm("tiny", QM_INFO, 16, 0, 16);
	assert_qbuf("00 00 80 c4 98 01 00 00 11 00 00 00 00 00 00 00", "QM_INFO(tiny)");
	assert_qm("tiny", QM_INFO, 0, -ENOSPC, 16);
	assert_info("tinyuser", 0xc4802000, 328, 0x1, 0);
	assert_info("fat", 0xc4804000, 34776, 0x11, 0);
	assert_info("msdos", 0xc480e000, 6264, 0x1, 0);
	assert_info("nls_cp437", 0xc4811000, 4352, 0x5, 0);
	assert_qm("unin", QM_INFO, 16, 0, 16);
	assert_qbuf("00 40 81 c4 00 01 00 00 00 00 00 00 00 00 00 00", "QM_INFO(unin)");

	/* mounted msdos image */
	mod_inc(0xc480e000);
	mod_inc(0xc4811000);
	assert_proc_modules("unin                     256 (uninitialized)\n"
			    "nls_cp437               4352   1 (autoclean)\n"
			    "msdos                   6264   1\n"
			    "fat                    34776   0 [msdos]\n"
			    "tinyuser                 328   0 (unused)\n"
			    "tiny                     408   0 [tinyuser]\n",
			    "mounted");
	assert_info("msdos", 0xc480e000, 6264, 0x19, 1);
	assert_info("nls_cp437", 0xc4811000, 4352, 0x1d, 1);
	assert_info("fat", 0xc4804000, 34776, 0x11, 0);
	mod_dec(0xc480e000);
	mod_dec(0xc4811000);
	assert_info("msdos", 0xc480e000, 6264, 0x19, 0);
	assert_info("nls_cp437", 0xc4811000, 4352, 0x1d, 0);
}
END_TEST

/* get_kernel_syms(NULL) and get_kernel_syms(table) */
START_TEST(golden_get_kernel_syms)
{
	static unsigned char table[700 * 64];
	unsigned char exp[128];
	long n;
	static const struct {
		int i;
		uint32_t v;
		const char *name;
	} rows[] = {
		{ 0, 0xc4811000, "#nls_cp437" },
		{ 1, 0xc4811060, "__insmod_nls_cp437_S.text_L161" },
		{ 2, 0xc4811000, "__insmod_nls_cp437_O/nls_cp437.o_M000000006B024CD1_V132133" },
		{ 3, 0xc4811101, "__insmod_nls_cp437_S.rodata_L6" },
		{ 4, 0xc4811120, "__insmod_nls_cp437_S.data_L3868" },
		{ 5, 0xc480e000, "#msdos" },
		{ 18, 0xc4804000, "#fat" },
		{ 50, 0xc4802000, "#tinyuser" },
		{ 54, 0xc4800000, "#tiny" },
		{ 62, 0xc01b12c4, "mmu_cr4_features" },
		{ 63, 0xc019ae24, "acpi_disabled" },
		{ 64, 0xc01b1829, "i8253_lock" },
		{ 682, 0xc018a370, "rwsem_wake" },
	};

	qm_setup();
	/* counts every module on the list, "unin" included */
	ck_assert_int_eq(ml_model_get_kernel_syms(M, &ua, 0), 684);
	memset(table, 0xee, sizeof(table));
	useg[SEG_BUF] = (struct useg){ UA_BUF, table, 683 * 64 };
	n = ml_model_get_kernel_syms(M, &ua, UA_BUF);
	ck_assert_int_eq(n, 683);
	for (size_t i = 0; i < ML_ARRAY_SIZE(rows); i++) {
		const unsigned char *e = table + 64 * rows[i].i;

		ck_assert_msg(get32(e) == rows[i].v && !strcmp((const char *)e + 4, rows[i].name),
			      "entry [%d] = %#x %s, golden %#x %s", rows[i].i, get32(e),
			      (const char *)e + 4, rows[i].v, rows[i].name);
	}
	/* the golden dumps of [0], [61] (its value aside: &kernel_module) and [62] */
	hexbytes("00 10 81 c4 23 6e 6c 73 5f 63 70 34 33 37 00 00", exp);
	memset(exp + 16, 0, 48);
	unit_assert_bytes(table, exp, 64, "get_kernel_syms entry [0]");
	memset(exp, 0, sizeof(exp));
	hexbytes("23", exp + 4);
	hexbytes("c4 12 1b c0 6d 6d 75 5f 63 72 34 5f 66 65 61 74 75 72 65 73", exp + 64);
	unit_assert_bytes(table + 61 * 64 + 4, exp + 4, 124, "entries [61] and [62]");
	ck_assert_uint_ne(get32(table + 61 * 64), 0);
	/* nothing written past the 683 entries it counted */
	useg[SEG_BUF] = (struct useg){ UA_BUF, table, sizeof(table) };
	memset(table, 0xee, sizeof(table));
	ck_assert_int_eq(ml_model_get_kernel_syms(M, &ua, UA_BUF), 683);
	ck_assert_uint_eq(table[683 * 64], 0xee);
	useg[SEG_BUF] = (struct useg){ UA_BUF, qbuf, BUF_MAX };
}
END_TEST

/* ==== proc-ksyms.txt ==== */

static const char ksyms_modules[] =
	"c480a930 msdos_create\t[msdos]\n"
	"c480a750 msdos_lookup\t[msdos]\n"
	"c480abe0 msdos_mkdir\t[msdos]\n"
	"c480b370 msdos_rename\t[msdos]\n"
	"c480aae0 msdos_rmdir\t[msdos]\n"
	"c480ae40 msdos_unlink\t[msdos]\n"
	"c480b4c0 msdos_read_super\t[msdos]\n"
	"c480a060 msdos_put_super\t[msdos]\n"
	"c480a000 __insmod_msdos_O/msdos.o_M000000006B024C93_V132133\t[msdos]\n"
	"c480a060 __insmod_msdos_S.text_L5345\t[msdos]\n"
	"c480b544 __insmod_msdos_S.rodata_L218\t[msdos]\n"
	"c480b7a0 __insmod_msdos_S.data_L204\t[msdos]\n"
	"c4802c70 fat_new_dir\t[fat]\n"
	"c4802df0 fat_get_block\t[fat]\n"
	"c4803340 fat_clear_inode\t[fat]\n"
	"c48062c0 fat_date_unix2dos\t[fat]\n"
	"c48032e0 fat_delete_inode\t[fat]\n"
	"c4806420 fat__get_entry\t[fat]\n"
	"c48000d0 fat_mark_buffer_dirty\t[fat]\n"
	"c4805950 fat_notify_change\t[fat]\n"
	"c4803390 fat_put_super\t[fat]\n"
	"c4803090 fat_attach\t[fat]\n"
	"c4803100 fat_detach\t[fat]\n"
	"c48031d0 fat_build_inode\t[fat]\n"
	"c4804850 fat_read_super\t[fat]\n"
	"c4800e60 fat_search_long\t[fat]\n"
	"c4802540 fat_readdir\t[fat]\n"
	"c4806b40 fat_scan\t[fat]\n"
	"c4805220 fat_statfs\t[fat]\n"
	"c4805790 fat_write_inode\t[fat]\n"
	"c4806c70 register_cvf_format\t[fat]\n"
	"c4806d40 unregister_cvf_format\t[fat]\n"
	"c4800930 fat_get_cluster\t[fat]\n"
	"c4802820 fat_dir_ioctl\t[fat]\n"
	"c4802ad0 fat_add_entries\t[fat]\n"
	"c4802980 fat_dir_empty\t[fat]\n"
	"c4802fb0 fat_truncate\t[fat]\n"
	"c48000a0 fat_brelse\t[fat]\n"
	"c4800000 __insmod_fat_O/fat.o_M000000006B024C93_V132133\t[fat]\n"
	"c4800060 __insmod_fat_S.text_L28376\t[fat]\n"
	"c4806fb0 __insmod_fat_S.rodata_L2219\t[fat]\n"
	"c4807c00 __insmod_fat_S.data_L700\t[fat]\n"
	"c4807ec0 __insmod_fat_S.bss_L2328\t[fat]\n";

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(golden_proc_ksyms)
{
	static const char kfirst6[] = "c01b12c4 mmu_cr4_features\n"
				      "c019ae24 acpi_disabled\n"
				      "c01b1829 i8253_lock\n"
				      "c019ad80 boot_cpu_data\n"
				      "c01b12c8 MCA_bus\n"
				      "c01115a0 __verify_write\n";
	static const char klast3[] = "c018a070 rwsem_down_read_failed\n"
				     "c018a1f0 rwsem_down_write_failed\n"
				     "c018a370 rwsem_wake\n";
	char *t, *kpart, *tail;
	size_t ml = strlen(ksyms_modules);

	model_up(NULL);
	o_mtime = "000000006B024C93";
	load(&m_fat, 0xc4800000);
	load(&m_msdos, 0xc480a000);
	create_ok("unin", 256, 0xc480d000); /* uninitialized: contributes no lines */
	assert_proc_modules("unin                     256 (uninitialized)\n"
			    "msdos                   6264   0 (unused)\n"
			    "fat                    34776   0 [msdos]\n",
			    "proc-ksyms setup");
	t = proc("ksyms");
	ck_assert_int_eq(count_lines(t), 43 + 621);
	ck_assert_msg(!strncmp(t, ksyms_modules, ml), "module part of /proc/ksyms:\n%.*s", (int)ml,
		      t);
	kpart = t + ml;
	ck_assert_msg(!strncmp(kpart, kfirst6, strlen(kfirst6)),
		      "kernel part of /proc/ksyms:\n%.200s", kpart);
	tail = t + strlen(t) - strlen(klast3);
	ck_assert_msg(tail > kpart && tail[-1] == '\n' && !strcmp(tail, klast3),
		      "end of /proc/ksyms:\n%s", tail);
	ck_assert_ptr_null(strchr(kpart, '\t'));
	free(t);
}
END_TEST

/* MODVERSIONS: the kernel's exports carry _R<crc>; module lines keep TAB [module]. */
START_TEST(golden_proc_ksyms_versioned)
{
	static const struct msym vsyms[] = { { 0x930, "msdos_create_Rff01d2d9" } };
	struct mspec s = SPEC("msdos", 6328, 0, NULL, NULL, vsyms);
	char *t, *line, *save = NULL;
	int kernel_lines = 0;

	model_up_v(NULL, true);
	load(&s, 0xc4800000);
	t = proc("ksyms");
	ck_assert_msg(!strncmp(t, "c4800930 msdos_create_Rff01d2d9\t[msdos]\n", 40), "%.80s", t);
	for (line = strtok_r(t + 40, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *r = strstr(line, "_R");

		kernel_lines++;
		ck_assert_msg(strlen(line) > 9 && line[8] == ' ' && !strchr(line, '\t'), "%s",
			      line);
		if (!strcmp(line + 9, "Using_Versions"))
			continue;
		ck_assert_msg(r && strlen(r) == 10 && strspn(r + 2, "0123456789abcdef") == 8,
			      "kernel line without _R<crc>: %s", line);
	}
	ck_assert_int_ge(kernel_lines, 622);
	free(t);
}
END_TEST

/* ==== tainted.txt: the kernel itself never sets the taint ==== */

START_TEST(golden_tainted)
{
	char *t;
	struct mspec s = SPEC0("prop", 308, 0, NULL, NULL);

	model_up(NULL);
	t = proc("sys/kernel/tainted");
	ck_assert_str_eq(t, "0\n");
	free(t);
	load(&s, 0xc4800000); /* loaded without an insmod that writes the file */
	t = proc("sys/kernel/tainted");
	ck_assert_str_eq(t, "0\n");
	free(t);
	ck_assert_int_eq(ml_model_taint(M, 1), 0); /* busybox insmod: old | 1 */
	ck_assert_int_eq(ml_model_taint(M, 1), 1);
	assert_call(del("prop"), 0, "rmmod prop");
	t = proc("sys/kernel/tainted");
	ck_assert_str_eq(t, "1\n"); /* removing the module does not clear it */
	free(t);
	ck_assert_int_eq(ml_model_taint(M, 2), 1); /* insmod -f */
	t = proc("sys/kernel/tainted");
	ck_assert_str_eq(t, "3\n");
	free(t);
}
END_TEST

/* ---- this program as the model's executor ---- */

/* n bytes of the model's kernel memory at addr (DIR/mem/<hexaddr> files). */
static bool fake_read(const char *dir, uint64_t addr, unsigned char *buf, size_t n)
{
	char p[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;
	bool ok = false;

	snprintf(p, sizeof(p), "%s/mem", dir);
	d = opendir(p);
	if (!d)
		return false;
	while (!ok && (e = readdir(d))) {
		char *end;
		uint64_t a = strtoull(e->d_name, &end, 16);
		struct stat st;
		int fd;

		snprintf(p, sizeof(p), "%s/mem/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || *end || stat(p, &st) || addr < a ||
		    addr + n > a + (uint64_t)st.st_size)
			continue;
		fd = open(p, O_RDONLY);
		ok = fd >= 0 && pread(fd, buf, n, (off_t)(addr - a)) == (ssize_t)n;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return ok;
}

/*
 * What a second process sees while the module's code runs: /proc/modules,
 * then query_module of the module (QM_INFO, QM_MODULES, QM_SYMBOLS), in the
 * transcript's words.  No ck_assert on this path: it runs outside Check.
 */
static void fake_snapshot(const char *dir, const char *snap, const char *mod)
{
	struct ml_diags d = { 0 };
	FILE *f = fopen(snap, "w");
	uint32_t ret;
	size_t len;
	char *t;
	long r;

	M = ml_model_open(dir, &d);
	ml_diags_free(&d);
	if (!f || !M)
		exit(4);
	u_reset();
	t = ml_model_proc(M, "modules", &len);
	fputs(t, f);
	free(t);
	if (mod) {
		r = qm(mod, QM_INFO, 16, &ret);
		fprintf(f, "QM_INFO(%s) = %ld", mod, r);
		if (!r)
			fprintf(f, " ret=%u addr=%#x size=%u flags=%#x usecount=%d", ret,
				get32(qbuf), get32(qbuf + 4), get32(qbuf + 8),
				(int32_t)get32(qbuf + 12));
		r = qm(NULL, QM_MODULES, 4096, &ret);
		fprintf(f, "\nQM_MODULES = %ld n=%u:", r, ret);
		for (const char *n = (const char *)qbuf; !r && ret--; n += strlen(n) + 1)
			fprintf(f, " %s", n);
		r = qm(mod, QM_SYMBOLS, 4096, &ret);
		fprintf(f, "\nQM_SYMBOLS(%s) = %ld", mod, r);
		if (!r)
			fprintf(f, " ret=%u", ret);
		fputs("\n", f);
	}
	fclose(f);
	ml_model_close(M);
}

/* "call DIR ADDR": run "mov $imm32,%eax; ret"; anything else oopses (status 3). */
static int fake_call(const char *dir, const char *addrs)
{
	unsigned char code[6];
	const char *snap = getenv("MLT_SNAP");

	if (!fake_read(dir, strtoull(addrs, NULL, 0), code, sizeof(code)) || code[0] != 0xb8 ||
	    code[5] != 0xc3)
		return 3;
	if (snap)
		fake_snapshot(dir, snap, getenv("MLT_SNAP_MOD"));
	printf("%" PRId32 "\n", (int32_t)get32(code + 1));
	return 0;
}

static int fake_exec(int argc, char **argv)
{
	if (!strcmp(argv[1], "info") || !strcmp(argv[1], "ksyms"))
		return 0; /* the default module area; kernel symbols come from a file */
	if (!strcmp(argv[1], "call") && argc == 4)
		return fake_call(argv[2], argv[3]);
	fprintf(stderr, "test-model: unknown executor command %s\n", argv[1]);
	return 2;
}

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("golden24");

	tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, golden_initbad_exec);
	tcase_add_test(tc, golden_initbad_noexec);
	tcase_add_test(tc, golden_init_retval_real_exec);
	tcase_add_test(tc, golden_create_delete_errors);
	tcase_add_test(tc, golden_stale_ref);
	tcase_add_test(tc, stale_ref_running_dep);
	tcase_add_test(tc, golden_proc_modules);
	tcase_add_test(tc, golden_autoclean);
	tcase_add_test(tc, golden_query_module);
	tcase_add_test(tc, golden_get_kernel_syms);
	tcase_add_test(tc, golden_proc_ksyms);
	tcase_add_test(tc, golden_proc_ksyms_versioned);
	tcase_add_test(tc, golden_tainted);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	ssize_t n;

	if (argc > 1)
		return fake_exec(argc, argv);
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		return 99;
	self_exe[n] = 0;
	return unit_run(model_suite());
}
