// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 2.4 module subsystem, modelled on the bytes of kernel memory (see
 * model.h).  Every system call follows 2.4's kernel/module.c step by step:
 * the same checks in the same order, the same errno, the same console
 * lines, the same partial writes into a too-small query_module buffer.
 * Where the real kernel would oops on corrupt state (a stale module_ref), the
 * model stops walking and logs why instead.
 *
 * Locking: one flock on DIR/lock plays the big kernel lock.  A system call
 * holds it exclusively; while a module's init or cleanup runs (in the
 * executor) it is held shared, as 2.4 drops the BKL when init sleeps, so
 * another process can read /proc/modules and see "(initializing)", or ask
 * query_module (which takes the lock shared: it only reads).
 */
#include "kernel/model.h"
#include "arch/arch.h"
#include "common/module24.h"
#include "symbols/symbols.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define PAGE 4096ULL
#define QM_MODULES 1
#define QM_DEPS 2
#define QM_REFS 3
#define QM_SYMBOLS 4
#define QM_INFO 5
#define KOFF_MODULE 64 /* kernel_module's offset in the kernel region */

struct region {
	uint64_t addr, size;
	unsigned char *p;
};

struct ml_model {
	char *dir;
	int lockfd;
	struct ml_target t;
	const struct ml_arch *arch;
	char *cpu, *release, *exec;
	bool persist; /* the persistent-data kernel patch is applied */
	uint64_t modarea, modarea_size, kaddr;
	struct region *regs;
	size_t nregs;
};

/* ---- files ---- */

static char *path(const struct ml_model *m, const char *fmt, ...) ML_PRINTF(2, 3);
static char *path(const struct ml_model *m, const char *fmt, ...)
{
	struct ml_buf b = { 0 };
	va_list ap;

	ml_buf_printf(&b, "%s/", m->dir);
	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.p;
}

static void kmsg(struct ml_model *m, const char *fmt, ...) ML_PRINTF(2, 3);
static void kmsg(struct ml_model *m, const char *fmt, ...)
{
	char *p = path(m, "kmsg");
	struct ml_buf b = { 0 };
	va_list ap;
	int fd;

	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, b.p, b.len) < 0) {
			/* the log is best effort */
		}
		close(fd);
	}
	free(p);
	ml_buf_free(&b);
}

/* ---- kernel memory ---- */

static struct region *find_region(const struct ml_model *m, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < m->nregs; i++) {
		struct region *r = &m->regs[i];

		if (addr >= r->addr && addr - r->addr <= r->size && len <= r->size - (addr - r->addr))
			return r;
	}
	return NULL;
}

/* Pointer to len bytes of kernel memory at addr, or NULL if not all mapped. */
static unsigned char *kp(const struct ml_model *m, uint64_t addr, uint64_t len)
{
	struct region *r = find_region(m, addr, len);

	return r ? r->p + (addr - r->addr) : NULL;
}

static uint64_t kword(const struct ml_model *m, uint64_t addr)
{
	unsigned char *p = kp(m, addr, ml_wordsize(&m->t));

	return p ? ml_getword(&m->t, p) : 0;
}

static void kset(struct ml_model *m, uint64_t addr, uint64_t v)
{
	unsigned char *p = kp(m, addr, ml_wordsize(&m->t));

	if (p)
		ml_putword(&m->t, p, v);
}

/* A NUL-terminated string in kernel memory ("" if not). */
static const char *kstr(const struct ml_model *m, uint64_t addr)
{
	struct region *r = find_region(m, addr, 1);
	const unsigned char *p;

	if (!r)
		return "";
	p = r->p + (addr - r->addr);
	return memchr(p, 0, r->size - (addr - r->addr)) ? (const char *)p : "";
}

static int map_region(struct ml_model *m, uint64_t addr, bool create, uint64_t size)
{
	char *p = path(m, "mem/%" PRIx64, addr);
	int fd = open(p, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0644);
	struct stat st;
	void *mem;

	free(p);
	if (fd < 0)
		return -errno;
	if (create && ftruncate(fd, (off_t)size)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (fstat(fd, &st) || st.st_size == 0) {
		close(fd);
		return -EIO;
	}
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (mem == MAP_FAILED)
		return -errno;
	m->regs = ml_xrealloc(m->regs, (m->nregs + 1) * sizeof(*m->regs));
	m->regs[m->nregs++] = (struct region){ addr, (uint64_t)st.st_size, mem };
	return 0;
}

static void unmap_all(struct ml_model *m)
{
	for (size_t i = 0; i < m->nregs; i++)
		munmap(m->regs[i].p, m->regs[i].size);
	free(m->regs);
	m->regs = NULL;
	m->nregs = 0;
}

/* Another process may have created or freed modules: map what is there now. */
static int sync_regions(struct ml_model *m)
{
	char *p = path(m, "mem");
	DIR *dir = opendir(p);
	struct dirent *e;
	int err = 0;

	free(p);
	if (!dir)
		return -errno;
	unmap_all(m);
	while ((e = readdir(dir))) {
		char *end;
		uint64_t a = strtoull(e->d_name, &end, 16);

		if (e->d_name[0] == '.' || *end)
			continue;
		if (map_region(m, a, false, 0) && !err)
			err = -EIO;
	}
	closedir(dir);
	return err;
}

/* ---- struct module access ---- */

static unsigned off(const struct ml_model *m, enum ml_modfield f)
{
	return ml_module_field_off(&m->t, f);
}

static uint64_t mget(const struct ml_model *m, uint64_t mod, enum ml_modfield f)
{
	if (f == ML_MF_NSYMS || f == ML_MF_NDEPS || f == ML_MF_UC) {
		unsigned char *p = kp(m, mod + off(m, f), 4);

		/* nsyms, ndeps and the atomic_t use count are 32-bit ints */
		return p ? ml_get32(&m->t, p) : 0;
	}
	return kword(m, mod + off(m, f));
}

static void mset(struct ml_model *m, uint64_t mod, enum ml_modfield f, uint64_t v)
{
	if (f == ML_MF_NSYMS || f == ML_MF_NDEPS || f == ML_MF_UC) {
		unsigned char *p = kp(m, mod + off(m, f), 4);

		if (p)
			ml_put32(&m->t, p, (uint32_t)v);
		return;
	}
	kset(m, mod + off(m, f), v);
}

static int32_t usecount(const struct ml_model *m, uint64_t mod)
{
	return (int32_t)mget(m, mod, ML_MF_UC);
}

static unsigned sizeof_module(const struct ml_model *m)
{
	return off(m, ML_MF_END);
}

/* mod_member_present: the field lies within the module's size_of_struct. */
static bool member_present(const struct ml_model *m, uint64_t mod, enum ml_modfield f)
{
	unsigned end = f == ML_MF_NSYMS || f == ML_MF_NDEPS ? off(m, f) + 4 : off(m, f) + ml_wordsize(&m->t);

	return end <= mget(m, mod, ML_MF_SIZE_OF_STRUCT);
}

static uint64_t kernel_module(const struct ml_model *m)
{
	return m->kaddr + KOFF_MODULE;
}

static uint64_t module_list(const struct ml_model *m)
{
	return kword(m, m->kaddr);
}

static const char *mname(const struct ml_model *m, uint64_t mod)
{
	return kstr(m, mget(m, mod, ML_MF_NAME));
}

#define CAN_QUERY(fl) (((fl) & (ML_MOD_RUNNING | ML_MOD_INITIALIZING)) && !((fl) & ML_MOD_DELETED))

/* Walk guard: a corrupt list (a stale ref) would loop forever or oops. */
#define WALK_MAX 100000

static uint64_t find_module(const struct ml_model *m, const char *name)
{
	uint64_t mod = module_list(m);

	for (int n = 0; mod && n < WALK_MAX; n++, mod = mget(m, mod, ML_MF_NEXT)) {
		if (mget(m, mod, ML_MF_FLAGS) & ML_MOD_DELETED)
			continue;
		if (!strcmp(mname(m, mod), name))
			return mod;
	}
	return 0;
}

/*
 * A module_ref on mod's refs list is sound if it lies in kernel memory, its
 * dep is mod and its ref is a module on module_list.  A failed init leaves
 * its refs linked (2.4 does not unlink them); re-initialize that module
 * without deps and delete it, and the dependency's refs list points into
 * freed memory: 2.4 oopses at the next walk of it (NULL dereference reading
 * ref->ref->name, golden24/init-module-errors.txt, second boot).  The model
 * checks each ref before following it, and logs instead of oopsing.
 */
static bool ref_ok(const struct ml_model *m, uint64_t mod, uint64_t ref)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t who, q = module_list(m);
	int n = 0;

	if (!kp(m, ref, 3ULL * ws) || kword(m, ref) != mod)
		return false;
	who = kword(m, ref + ws);
	for (; q && q != kernel_module(m) && n++ < WALK_MAX; q = mget(m, q, ML_MF_NEXT))
		if (q == who)
			return true;
	return false;
}

static void stale_ref(struct ml_model *m, const char *where, uint64_t mod, uint64_t ref)
{
	kmsg(m, "<1>modlink: %s: %s's refs list holds a stale module_ref at 0x%" PRIx64 " (its module was freed); 2.4 would oops here, the list is cut\n",
	     where, mname(m, mod), ref);
}

/* ---- the caller's memory ---- */

/* get_mod_name: a string of at most one page from user space. */
static long get_name(const struct ml_uaccess *u, uint64_t uaddr, char **out)
{
	char *buf = ml_xmalloc(PAGE);
	size_t n = 0;

	*out = NULL;
	if (!uaddr) {
		free(buf);
		return -EFAULT;
	}
	for (; n < PAGE; n++) {
		if (u->read(u->ctx, uaddr + n, &buf[n], 1)) {
			free(buf);
			return -EFAULT;
		}
		if (!buf[n])
			break;
	}
	if (n == 0 || n == PAGE) {
		free(buf);
		return n ? -ENAMETOOLONG : -EINVAL;
	}
	*out = buf;
	return (long)n;
}

static int put_uword(const struct ml_model *m, const struct ml_uaccess *u, uint64_t uaddr,
		     uint64_t v)
{
	unsigned char b[8];

	ml_putword(&m->t, b, v);
	return u->write(u->ctx, uaddr, b, ml_wordsize(&m->t)) ? -EFAULT : 0;
}

/* ---- running module code ---- */

/*
 * Call a function of the module image at addr in the executor.  The lock
 * is held shared meanwhile.  Returns 0 with *ret, or ML_MODEL_OOPS.
 */
static int run_code(struct ml_model *m, uint64_t addr, const char *what, long *ret)
{
	char *argv[16], *cmd, *tok, *save = NULL, addrbuf[32], out[64];
	int pipefd[2], status, argc = 0;
	ssize_t n, got = 0;
	pid_t pid;

	*ret = 0;
	if (!m->exec || !*m->exec) {
		kmsg(m, "<4>modlink: no executor for %s: %s not run\n", m->cpu, what);
		return 0;
	}
	cmd = ml_xstrdup(m->exec);
	for (tok = strtok_r(cmd, " ", &save); tok && argc < 12; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	snprintf(addrbuf, sizeof(addrbuf), "0x%" PRIx64, addr);
	argv[argc++] = "call";
	argv[argc++] = m->dir;
	argv[argc++] = addrbuf;
	argv[argc] = NULL;
	if (pipe2(pipefd, O_CLOEXEC)) {
		free(cmd);
		return ML_MODEL_OOPS;
	}
	flock(m->lockfd, LOCK_SH);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (pid > 0 && (n = read(pipefd[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += n;
	close(pipefd[0]);
	out[got] = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	flock(m->lockfd, LOCK_EX);
	sync_regions(m);
	free(cmd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*ret = strtol(out, NULL, 10);
		return 0;
	}
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 3))
		kmsg(m, "<1>modlink: the executor failed running %s (%s %d)\n", what,
		     WIFSIGNALED(status) ? "signal" : "status",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return ML_MODEL_OOPS;
}

/* __MOD_IN_USE: can_unload() if the module has one, else the use count. */
static int in_use(struct ml_model *m, uint64_t mod, long *val)
{
	uint64_t cu = member_present(m, mod, ML_MF_CAN_UNLOAD) ? mget(m, mod, ML_MF_CAN_UNLOAD) : 0;

	if (cu)
		return run_code(m, cu, "can_unload", val);
	*val = usecount(m, mod);
	return 0;
}

/* ---- create_module ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* vmalloc: first fit in the module area, one guard page after each area. */
static uint64_t vmalloc_addr(const struct ml_model *m, uint64_t size)
{
	uint64_t need = ((size + PAGE - 1) & ~(PAGE - 1)) + PAGE, at = m->modarea;
	uint64_t *starts = ml_xmalloc((m->nregs + 1) * sizeof(*starts));
	size_t n = 0;

	for (size_t i = 0; i < m->nregs; i++)
		if (m->regs[i].addr != m->kaddr)
			starts[n++] = m->regs[i].addr;
	qsort(starts, n, sizeof(*starts), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		struct region *r = find_region(m, starts[i], 0);

		if (starts[i] >= at + need)
			break;
		at = r->addr + ((r->size + PAGE - 1) & ~(PAGE - 1)) + PAGE;
	}
	free(starts);
	return at + need <= m->kaddr ? at : 0;
}

static long sys_create_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			    uint64_t size, uint64_t *addr)
{
	char *name;
	long namelen = get_name(u, uname, &name);
	uint64_t mod;
	unsigned sz = sizeof_module(m);
	int err;

	if (namelen < 0)
		return namelen;
	if (size < sz + (uint64_t)namelen + 1) {
		free(name);
		return -EINVAL;
	}
	if (find_module(m, name)) {
		free(name);
		return -EEXIST;
	}
	mod = size <= m->modarea_size ? vmalloc_addr(m, size) : 0;
	if (!mod || (err = map_region(m, mod, true, size)) != 0) {
		free(name);
		return -ENOMEM;
	}
	/* zeroed by ftruncate; the kernel fills in the header and copies the name */
	mset(m, mod, ML_MF_SIZE_OF_STRUCT, sz);
	mset(m, mod, ML_MF_NAME, mod + sz);
	mset(m, mod, ML_MF_SIZE, size);
	memcpy(kp(m, mod + sz, (uint64_t)namelen + 1), name, (size_t)namelen + 1);
	mset(m, mod, ML_MF_NEXT, module_list(m));
	kset(m, m->kaddr, mod);
	free(name);
	*addr = mod;
	return 0;
}

/* ---- init_module ---- */

/* mod_bound(p, n, m): p >= m + size_of_struct && p + n <= m + size (n in bytes). */
static bool bound(const struct ml_model *m, uint64_t mod, uint64_t p, uint64_t nbytes)
{
	return p >= mod + mget(m, mod, ML_MF_SIZE_OF_STRUCT) &&
	       p + nbytes <= mod + mget(m, mod, ML_MF_SIZE);
}

static const char *check_header(const struct ml_model *m, uint64_t mod, long namelen,
				uint64_t created_size)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t sos = mget(m, mod, ML_MF_SIZE_OF_STRUCT), size = mget(m, mod, ML_MF_SIZE);
	uint64_t exs = mget(m, mod, ML_MF_EX_START), exe = mget(m, mod, ML_MF_EX_END);
	uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), ndeps = mget(m, mod, ML_MF_NDEPS);
	uint64_t init = mget(m, mod, ML_MF_INIT), cleanup = mget(m, mod, ML_MF_CLEANUP);
	static const struct {
		enum ml_modfield s, e;
		const char *oob, *inv;
	} ranges[] = {
		{ ML_MF_KALLSYMS_START, ML_MF_KALLSYMS_END, "init_module: mod->kallsyms out of bounds.",
		  "init_module: mod->kallsyms invalid." },
		{ ML_MF_ARCHDATA_START, ML_MF_ARCHDATA_END, "init_module: mod->archdata out of bounds.",
		  "init_module: mod->archdata invalid." },
	};

	if (size > created_size)
		return "init_module: Size of initialized module exceeds size of created module.";
	if (!bound(m, mod, mget(m, mod, ML_MF_NAME), (uint64_t)namelen))
		return "init_module: mod->name out of bounds.";
	if (nsyms && !bound(m, mod, mget(m, mod, ML_MF_SYMS), nsyms * 2 * ws))
		return "init_module: mod->syms out of bounds.";
	if (ndeps && !bound(m, mod, mget(m, mod, ML_MF_DEPS), ndeps * 3 * ws))
		return "init_module: mod->deps out of bounds.";
	if (init && !bound(m, mod, init, 0))
		return "init_module: mod->init out of bounds.";
	if (cleanup && !bound(m, mod, cleanup, 0))
		return "init_module: mod->cleanup out of bounds.";
	if (exs > exe || (exs && !(exs >= mod + sos && exe < mod + size)) ||
	    ((exs - exe) & (ws == 8 ? ~0ULL : 0xffffffffULL)) % m->arch->ex_entry_size)
		return "init_module: mod->ex_table_* invalid.";
	if (mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_AUTOCLEAN)
		return "init_module: mod->flags invalid.";
	if (member_present(m, mod, ML_MF_CAN_UNLOAD) && mget(m, mod, ML_MF_CAN_UNLOAD) &&
	    !bound(m, mod, mget(m, mod, ML_MF_CAN_UNLOAD), 0))
		return "init_module: mod->can_unload out of bounds.";
	for (size_t i = 0; i < ML_ARRAY_SIZE(ranges); i++) {
		uint64_t s = mget(m, mod, ranges[i].s), e = mget(m, mod, ranges[i].e);

		if (!member_present(m, mod, ranges[i].e))
			continue;
		if (e && (!bound(m, mod, s, 0) || !bound(m, mod, e, 0)))
			return ranges[i].oob;
		if (s > e)
			return ranges[i].inv;
	}
	if (member_present(m, mod, ML_MF_KERNEL_DATA) && mget(m, mod, ML_MF_KERNEL_DATA))
		return "init_module: mod->kernel_data must be zero.";
	return NULL;
}

/*
 * The persistent-data kernel patch: init_module with size_of_struct =
 * -sizeof(struct module) reads [persist_start, persist_end) of the module's
 * memory into the caller's buffer right after the header.  Mainline 2.4
 * refuses it as an invalid header size; a model made with --persist has it.
 */
static long persist_read(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod,
			 uint64_t image)
{
	unsigned sz = sizeof_module(m);
	unsigned char hdr[256]; /* sizeof(struct module): 96 or 184 */
	uint64_t start, end;
	unsigned char *src;

	if (u->read(u->ctx, image, hdr, sz))
		return -EFAULT;
	start = ml_getword(&m->t, hdr + off(m, ML_MF_PERSIST_START));
	end = ml_getword(&m->t, hdr + off(m, ML_MF_PERSIST_END));
	if (end < start || start < mod || end > mod + mget(m, mod, ML_MF_SIZE))
		return -EINVAL;
	src = kp(m, start, end - start);
	if (!src)
		return -EINVAL;
	return u->write(u->ctx, image + sz, src, end - start) ? -EFAULT : 0;
}

static long sys_init_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			  uint64_t image)
{
	unsigned ws = ml_wordsize(&m->t), sz = sizeof_module(m);
	unsigned char wb[8], *saved = NULL, *kmod;
	char *name = NULL, *nname = NULL, *name_tmp = NULL;
	long namelen, nnamelen, err;
	uint64_t mod, usize, created, next, ndeps, deps;
	const char *why;

	namelen = get_name(u, uname, &name);
	if (namelen < 0)
		return namelen;
	mod = find_module(m, name);
	if (!mod) {
		err = -ENOENT;
		goto out;
	}
	if (u->read(u->ctx, image + off(m, ML_MF_SIZE_OF_STRUCT), wb, ws)) {
		err = -EFAULT;
		goto out;
	}
	usize = ml_getword(&m->t, wb);
	if (m->persist && usize == (((uint64_t)0 - sz) & (ws == 8 ? ~0ULL : 0xffffffffULL))) {
		err = persist_read(m, u, mod, image);
		goto out;
	}
	if (usize < off(m, ML_MF_PERSIST_START) || usize > sz + 16ULL * ws) {
		kmsg(m, "<3>init_module: Invalid module header size.\n<3>A new version of the modutils is likely needed.\n");
		err = -EINVAL;
		goto out;
	}
	/* Keep the current header and name while the user's header is checked. */
	kmod = kp(m, mod, usize > sz ? usize : sz);
	if (!kmod) {
		err = -EINVAL; /* a header larger than the module itself */
		goto out;
	}
	saved = ml_xmalloc(sz);
	memcpy(saved, kmod, sz);
	name_tmp = ml_xstrdup(mname(m, mod));
	created = mget(m, mod, ML_MF_SIZE);
	next = mget(m, mod, ML_MF_NEXT);
	{
		unsigned char *hdr = ml_xmalloc(usize);

		if (u->read(u->ctx, image, hdr, usize)) {
			free(hdr);
			err = -EFAULT;
			goto restore;
		}
		memcpy(kmod, hdr, usize);
		free(hdr);
	}
	mset(m, mod, ML_MF_NEXT, next);
	err = -EINVAL;
	why = check_header(m, mod, namelen, created);
	if (why) {
		kmsg(m, "<3>%s\n", why);
		goto restore;
	}
	/* The name, read again from the user's image at the same offset. */
	nnamelen = get_name(u, mget(m, mod, ML_MF_NAME) - mod + image, &nname);
	if (nnamelen < 0) {
		kmsg(m, "<3>init_module: get_mod_name failure.\n");
		err = nnamelen;
		goto restore;
	}
	if (namelen != nnamelen || strcmp(nname, name_tmp)) {
		kmsg(m, "<3>init_module: changed module name to `%s' from `%s'\n", nname, name_tmp);
		goto restore;
	}
	/* Copy the rest of the image. */
	{
		uint64_t size = mget(m, mod, ML_MF_SIZE);
		unsigned char *rest = size > usize ? kp(m, mod + usize, size - usize) : NULL;

		if (size > usize && (!rest || u->read(u->ctx, image + usize, rest, size - usize))) {
			err = -EFAULT;
			goto restore;
		}
	}
	mset(m, mod, ML_MF_REFS, 0);
	ndeps = mget(m, mod, ML_MF_NDEPS);
	deps = mget(m, mod, ML_MF_DEPS);
	for (uint64_t i = 0; i < ndeps; i++) {
		uint64_t d = kword(m, deps + i * 3 * ws), o = module_list(m);
		int n = 0;

		if (d == mod) {
			kmsg(m, "<3>init_module: self-referential dependency in mod->deps.\n");
			goto restore;
		}
		while (o != kernel_module(m) && o != d && o && n++ < WALK_MAX)
			o = mget(m, o, ML_MF_NEXT);
		if (o != d) {
			kmsg(m, "<3>init_module: found dependency that is (no longer?) a module.\n");
			goto restore;
		}
	}
	for (uint64_t i = 0; i < ndeps; i++) {
		uint64_t ref = deps + i * 3 * ws, d = kword(m, ref);

		kset(m, ref + ws, mod);                           /* dep->ref = mod */
		kset(m, ref + 2 * ws, mget(m, d, ML_MF_REFS));    /* dep->next_ref = d->refs */
		mset(m, d, ML_MF_REFS, ref);                      /* d->refs = dep */
		mset(m, d, ML_MF_FLAGS, mget(m, d, ML_MF_FLAGS) | ML_MOD_USED_ONCE);
	}
	mset(m, mod, ML_MF_UC, 1);
	mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) | ML_MOD_INITIALIZING);
	if (mget(m, mod, ML_MF_INIT)) {
		long r;

		if (run_code(m, mget(m, mod, ML_MF_INIT), "init_module", &r)) {
			err = -ML_MODEL_OOPS; /* the caller dies; the module stays initializing */
			goto out;
		}
		if (r) {
			mset(m, mod, ML_MF_UC, 0);
			mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_INITIALIZING);
			err = r > 0 ? -EBUSY : r;
			goto out;
		}
	}
	mset(m, mod, ML_MF_UC, (uint64_t)(usecount(m, mod) - 1));
	mset(m, mod, ML_MF_FLAGS,
	     (mget(m, mod, ML_MF_FLAGS) | ML_MOD_RUNNING) & ~(uint64_t)ML_MOD_INITIALIZING);
	err = 0;
	goto out;
restore:
	memcpy(kmod, saved, sz);
	{
		unsigned char *np = kp(m, mget(m, mod, ML_MF_NAME), strlen(name_tmp) + 1);

		if (np)
			memcpy(np, name_tmp, strlen(name_tmp) + 1);
	}
out:
	free(saved);
	free(name);
	free(nname);
	free(name_tmp);
	return err;
}

/* ---- delete_module ---- */

static void free_module(struct ml_model *m, uint64_t mod, bool tag_freed)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t ndeps = mget(m, mod, ML_MF_NDEPS), deps = mget(m, mod, ML_MF_DEPS);
	char *p;

	if (mget(m, mod, ML_MF_FLAGS) & ML_MOD_RUNNING) {
		long r;

		if (mget(m, mod, ML_MF_CLEANUP))
			run_code(m, mget(m, mod, ML_MF_CLEANUP), "cleanup_module", &r);
		mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_RUNNING);
	}
	for (uint64_t i = 0; i < ndeps; i++) {
		uint64_t ref = deps + i * 3 * ws, d = kword(m, ref);
		uint64_t pp = d + off(m, ML_MF_REFS);
		int n = 0;

		while (kword(m, pp) != ref && kword(m, pp) && n++ < WALK_MAX)
			pp = kword(m, pp) + 2 * ws;
		if (kword(m, pp) == ref)
			kset(m, pp, kword(m, ref + 2 * ws));
		else
			kmsg(m, "<1>modlink: module_ref of %s not on %s's refs list (2.4 would oops here)\n",
			     mname(m, mod), mname(m, d));
		if (tag_freed && !mget(m, d, ML_MF_REFS))
			mset(m, d, ML_MF_FLAGS, mget(m, d, ML_MF_FLAGS) | ML_MOD_JUST_FREED);
	}
	if (module_list(m) == mod) {
		kset(m, m->kaddr, mget(m, mod, ML_MF_NEXT));
	} else {
		uint64_t q = module_list(m);
		int n = 0;

		while (q && mget(m, q, ML_MF_NEXT) != mod && n++ < WALK_MAX)
			q = mget(m, q, ML_MF_NEXT);
		if (q)
			mset(m, q, ML_MF_NEXT, mget(m, mod, ML_MF_NEXT));
	}
	p = path(m, "mem/%" PRIx64, mod);
	unlink(p);
	free(p);
	sync_regions(m);
}

static long sys_delete_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname)
{
	uint64_t mod, next;
	bool changed;
	long v;

	if (uname) {
		char *name;
		long err = get_name(u, uname, &name);

		if (err < 0)
			return err;
		mod = find_module(m, name);
		free(name);
		if (!mod)
			return -ENOENT;
		if (mget(m, mod, ML_MF_REFS))
			return -EBUSY;
		if (in_use(m, mod, &v) || v)
			return -EBUSY;
		mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) | ML_MOD_DELETED);
		free_module(m, mod, false);
		return 0;
	}
	/* Automatic reaping, with the second chance for VISITED modules. */
	do {
		changed = false;
		for (mod = module_list(m); mod && mod != kernel_module(m); mod = next) {
			uint64_t fl = mget(m, mod, ML_MF_FLAGS);

			next = mget(m, mod, ML_MF_NEXT);
			if (mget(m, mod, ML_MF_REFS) || !(fl & ML_MOD_AUTOCLEAN) || !(fl & ML_MOD_RUNNING) ||
			    (fl & ML_MOD_DELETED) || !(fl & ML_MOD_USED_ONCE))
				continue;
			if (in_use(m, mod, &v) || v)
				continue;
			if ((fl & ML_MOD_VISITED) && !(fl & ML_MOD_JUST_FREED)) {
				mset(m, mod, ML_MF_FLAGS, fl & ~(uint64_t)ML_MOD_VISITED);
			} else {
				mset(m, mod, ML_MF_FLAGS, fl | ML_MOD_DELETED);
				free_module(m, mod, true);
				changed = true;
			}
		}
	} while (changed);
	for (mod = module_list(m); mod && mod != kernel_module(m); mod = mget(m, mod, ML_MF_NEXT))
		mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_JUST_FREED);
	return 0;
}

/* ---- query_module ---- */

/* Copy NUL-terminated names until one does not fit; then count what is needed. */
struct namelist {
	const struct ml_model *m;
	const struct ml_uaccess *u;
	uint64_t buf, bufsize, space, count;
	bool full;
};

static int put_name(struct namelist *l, const char *name)
{
	uint64_t len = strlen(name) + 1;

	if (!l->full && len > l->bufsize)
		l->full = true;
	if (l->full) {
		l->space += len;
		return 0;
	}
	if (l->u->write(l->u->ctx, l->buf, name, len))
		return -EFAULT;
	l->buf += len;
	l->bufsize -= len;
	l->space += len;
	l->count++;
	return 0;
}

static long finish_names(struct namelist *l, uint64_t ret)
{
	if (put_uword(l->m, l->u, ret, l->full ? l->space : l->count))
		return -EFAULT;
	return l->full ? -ENOSPC : 0;
}

static long qm_symbols(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod, uint64_t buf,
		       uint64_t bufsize, uint64_t ret)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), syms = mget(m, mod, ML_MF_SYMS);
	uint64_t space = nsyms * 2 * ws, i = 0, strings = buf + space;

	if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
		return put_uword(m, u, ret, 0);
	if (space <= bufsize) {
		bufsize -= space;
		for (; i < nsyms; i++) {
			uint64_t s = syms + i * 2 * ws;
			const char *name = kstr(m, kword(m, s + ws));
			uint64_t len = strlen(name) + 1;

			if (len > bufsize)
				break;
			if (u->write(u->ctx, strings, name, len) ||
			    put_uword(m, u, buf + i * 2 * ws, kword(m, s)) ||
			    put_uword(m, u, buf + i * 2 * ws + ws, space))
				return -EFAULT;
			strings += len;
			bufsize -= len;
			space += len;
		}
		if (i == nsyms)
			return put_uword(m, u, ret, i);
	}
	for (; i < nsyms; i++)
		space += strlen(kstr(m, kword(m, syms + i * 2 * ws + ws))) + 1;
	return put_uword(m, u, ret, space) ? -EFAULT : -ENOSPC;
}

static long sys_query_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			   long which, uint64_t buf, uint64_t bufsize, uint64_t ret)
{
	unsigned ws = ml_wordsize(&m->t);
	struct namelist l = { m, u, buf, bufsize, 0, 0, false };
	uint64_t mod;
	long err;

	if (!uname) {
		mod = kernel_module(m);
	} else {
		char *name;

		err = get_name(u, uname, &name);
		if (err < 0)
			return err;
		mod = find_module(m, name);
		free(name);
		if (!mod)
			return -ENOENT;
	}
	/*
	 * 2.4 holds a use of the module while it looks (atomic_inc ... atomic_dec
	 * around the switch) and QM_INFO reports usecount - 1 to make up for it.
	 * The model does not write kernel memory here, so that query_module can
	 * run under the shared lock (see ml_model_query_module), and QM_INFO
	 * reports the count itself: the same number.
	 */
	switch (which) {
	case 0:
		err = 0;
		break;
	case QM_MODULES: {
		uint64_t q = module_list(m);
		int n = 0;

		err = 0;
		for (; q && q != kernel_module(m) && !err && n++ < WALK_MAX; q = mget(m, q, ML_MF_NEXT))
			err = put_name(&l, mname(m, q));
		if (!err)
			err = finish_names(&l, ret);
		break;
	}
	case QM_DEPS:
		if (mod == kernel_module(m)) {
			err = -EINVAL;
		} else if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS))) {
			err = put_uword(m, u, ret, 0);
		} else {
			uint64_t nd = mget(m, mod, ML_MF_NDEPS), deps = mget(m, mod, ML_MF_DEPS);

			err = 0;
			for (uint64_t i = 0; i < nd && !err; i++)
				err = put_name(&l, mname(m, kword(m, deps + i * 3 * ws)));
			if (!err)
				err = finish_names(&l, ret);
		}
		break;
	case QM_REFS:
		if (mod == kernel_module(m)) {
			err = -EINVAL;
		} else if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS))) {
			err = put_uword(m, u, ret, 0);
		} else {
			uint64_t r = mget(m, mod, ML_MF_REFS);
			int n = 0;

			err = 0;
			for (; r && !err && n++ < WALK_MAX; r = kword(m, r + 2 * ws)) {
				if (!ref_ok(m, mod, r)) {
					stale_ref(m, "query_module", mod, r);
					break;
				}
				err = put_name(&l, mname(m, kword(m, r + ws)));
			}
			if (!err)
				err = finish_names(&l, ret);
		}
		break;
	case QM_SYMBOLS:
		err = qm_symbols(m, u, mod, buf, bufsize, ret);
		break;
	case QM_INFO:
		if (mod == kernel_module(m)) {
			err = -EINVAL;
			break;
		}
		err = 0;
		if (4 * ws <= bufsize) {
			bool cu = member_present(m, mod, ML_MF_CAN_UNLOAD) && mget(m, mod, ML_MF_CAN_UNLOAD);
			int64_t uc = cu ? -1 : (int64_t)usecount(m, mod);

			if (put_uword(m, u, buf, mod) || put_uword(m, u, buf + ws, mget(m, mod, ML_MF_SIZE)) ||
			    put_uword(m, u, buf + 2 * ws, mget(m, mod, ML_MF_FLAGS)) ||
			    put_uword(m, u, buf + 3 * ws, (uint64_t)uc))
				err = -EFAULT;
		} else {
			err = -ENOSPC;
		}
		if (err != -EFAULT && put_uword(m, u, ret, 4 * ws))
			err = -EFAULT;
		break;
	default:
		err = -EINVAL;
	}
	return err;
}

/* ---- get_kernel_syms ---- */

static long sys_get_kernel_syms(struct ml_model *m, const struct ml_uaccess *u, uint64_t table)
{
	unsigned ws = ml_wordsize(&m->t), esz = (ws + 60 + ws - 1) & ~(ws - 1);
	uint64_t mod;
	long i = 0;
	int n = 0;

	for (mod = module_list(m); mod && n++ < WALK_MAX; mod = mget(m, mod, ML_MF_NEXT))
		i += (long)mget(m, mod, ML_MF_NSYMS) + 1;
	if (!table)
		return i;
	i = 0;
	n = 0;
	for (mod = module_list(m); mod && n++ < WALK_MAX; mod = mget(m, mod, ML_MF_NEXT)) {
		uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), syms = mget(m, mod, ML_MF_SYMS);
		unsigned char e[72];

		if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
			continue;
		memset(e, 0, sizeof(e));
		ml_putword(&m->t, e, mod);
		e[ws] = '#';
		strncpy((char *)e + ws + 1, mname(m, mod), 58);
		if (u->write(u->ctx, table, e, esz))
			return i;
		i++;
		table += esz;
		for (uint64_t j = 0; j < nsyms; j++) {
			memset(e, 0, sizeof(e));
			ml_putword(&m->t, e, kword(m, syms + j * 2 * ws));
			strncpy((char *)e + ws, kstr(m, kword(m, syms + j * 2 * ws + ws)), 59);
			if (u->write(u->ctx, table, e, esz))
				return i;
			i++;
			table += esz;
		}
	}
	return i;
}

/* ---- /proc ---- */

/* One piece of /proc/modules text, if it still fits in the page. */
static bool piece(struct ml_buf *b, size_t *left, const char *str)
{
	size_t n = strlen(str);

	if (*left < n)
		return false;
	ml_buf_add(b, str, n);
	*left -= n;
	return true;
}

static void proc_modules(struct ml_model *m, struct ml_buf *b)
{
	unsigned ws = ml_wordsize(&m->t);
	size_t left = PAGE;
	uint64_t mod;
	int n = 0;
	char tmp[64];

	for (mod = module_list(m); mod && mod != kernel_module(m) && n++ < WALK_MAX;
	     mod = mget(m, mod, ML_MF_NEXT)) {
		uint64_t fl = mget(m, mod, ML_MF_FLAGS), r = mget(m, mod, ML_MF_REFS);
		const char *name = mname(m, mod);
		size_t nl = strlen(name);
		int k = 0;

		if (!piece(b, &left, name))
			return;
		if (nl < 20) {
			snprintf(tmp, sizeof(tmp), "%*s", (int)(20 - nl), "");
			if (!piece(b, &left, tmp))
				return;
		}
		snprintf(tmp, sizeof(tmp), "%8" PRIu64, mget(m, mod, ML_MF_SIZE));
		if (!piece(b, &left, tmp))
			return;
		if (fl & ML_MOD_RUNNING) {
			bool cu = member_present(m, mod, ML_MF_CAN_UNLOAD) && mget(m, mod, ML_MF_CAN_UNLOAD);

			snprintf(tmp, sizeof(tmp), "%4ld", cu ? -1L : (long)usecount(m, mod));
			if (!piece(b, &left, tmp))
				return;
		}
		if (fl & ML_MOD_DELETED) {
			if (!piece(b, &left, " (deleted)"))
				return;
		} else if (fl & ML_MOD_RUNNING) {
			if ((fl & ML_MOD_AUTOCLEAN) && !piece(b, &left, " (autoclean)"))
				return;
			if (!(fl & ML_MOD_USED_ONCE) && !piece(b, &left, " (unused)"))
				return;
		} else if (!piece(b, &left, fl & ML_MOD_INITIALIZING ? " (initializing)" : " (uninitialized)")) {
			return;
		}
		if (r && !ref_ok(m, mod, r)) {
			stale_ref(m, "/proc/modules", mod, r);
			r = 0;
		}
		if (r) {
			if (!piece(b, &left, " ["))
				return;
			for (; r && k++ < WALK_MAX; r = kword(m, r + 2 * ws)) {
				if (k > 1 && !ref_ok(m, mod, r)) {
					stale_ref(m, "/proc/modules", mod, r);
					break;
				}
				if (k > 1 && !piece(b, &left, " "))
					return;
				if (!piece(b, &left, mname(m, kword(m, r + ws))))
					return;
			}
			if (!piece(b, &left, "]"))
				return;
		}
		if (!piece(b, &left, "\n"))
			return;
	}
}

static void proc_ksyms(struct ml_model *m, struct ml_buf *b)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t mod;
	int n = 0;

	for (mod = module_list(m); mod && n++ < WALK_MAX; mod = mget(m, mod, ML_MF_NEXT)) {
		uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), syms = mget(m, mod, ML_MF_SYMS);
		const char *name = mname(m, mod);

		if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
			continue;
		for (uint64_t i = 0; i < nsyms; i++) {
			uint64_t s = syms + i * 2 * ws;

			if (*name)
				ml_buf_printf(b, "%0*" PRIx64 " %s\t[%s]\n", (int)(2 * ws), kword(m, s),
					      kstr(m, kword(m, s + ws)), name);
			else
				ml_buf_printf(b, "%0*" PRIx64 " %s\n", (int)(2 * ws), kword(m, s),
					      kstr(m, kword(m, s + ws)));
		}
	}
}

static int read_int_file(const char *p, int dflt)
{
	FILE *f = fopen(p, "r");
	int v = dflt;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

int ml_model_taint(struct ml_model *m, int bits)
{
	char *p = path(m, "tainted"), *tmp = path(m, "tainted.tmp");
	int old = read_int_file(p, 0);
	FILE *f;

	if ((old | bits) != old && (f = fopen(tmp, "w"))) {
		fprintf(f, "%d\n", old | bits);
		if (fclose(f) == 0)
			rename(tmp, p);
	}
	free(p);
	free(tmp);
	return old;
}

char *ml_model_proc(struct ml_model *m, const char *name, size_t *len)
{
	struct ml_buf b = { 0 };

	flock(m->lockfd, LOCK_SH);
	sync_regions(m);
	if (!strcmp(name, "modules"))
		proc_modules(m, &b);
	else if (!strcmp(name, "ksyms"))
		proc_ksyms(m, &b);
	else if (!strcmp(name, "sys/kernel/tainted")) {
		char *p = path(m, "tainted");

		ml_buf_printf(&b, "%d\n", read_int_file(p, 0));
		free(p);
	}
	flock(m->lockfd, LOCK_UN);
	*len = b.len;
	return b.p ? b.p : ml_xstrdup("");
}

char *ml_model_kmsg(struct ml_model *m, size_t *len)
{
	char *p = path(m, "kmsg");
	unsigned char *data = NULL;
	struct ml_diags d = { 0 };

	*len = 0;
	if (access(p, F_OK) == 0)
		ml_read_file(p, &data, len, &d);
	ml_diags_free(&d);
	free(p);
	return data ? (char *)data : ml_xstrdup("");
}

/* ---- creating and opening ---- */

const struct ml_target *ml_model_target(const struct ml_model *m)
{
	return &m->t;
}

const char *ml_model_release(const struct ml_model *m)
{
	return m->release;
}

const char *ml_model_cpu(const struct ml_model *m)
{
	return m->cpu;
}

/* Run "EXEC ARG" and capture its standard output. */
static char *run_capture(const char *exec, const char *arg)
{
	char *cmd = ml_xasprintf("%s %s", exec, arg);
	FILE *f = popen(cmd, "r");
	struct ml_buf b = { 0 };
	char chunk[4096];
	size_t n;

	free(cmd);
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ml_buf_add(&b, chunk, n);
	if (pclose(f) != 0) {
		ml_buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : ml_xstrdup("");
}

static int write_file(const char *p, const void *data, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, data, n);
	if (close(fd) || w != (ssize_t)n)
		return -EIO;
	return 0;
}

/* Lay out the kernel region: module_list, kernel_module, its symbols, strings. */
static int build_kernel_region(struct ml_model *m, struct ml_ksymtab *kt, const struct ml_model_config *c)
{
	unsigned ws = ml_wordsize(&m->t), sz = sizeof_module(m);
	uint64_t symoff = (KOFF_MODULE + sz + ws - 1) & ~(uint64_t)(ws - 1);
	uint64_t stroff = symoff + kt->n * 2 * ws, strsize = 1, size, soff;
	struct ml_module_hdr h = { 0 };
	unsigned char *p;
	char **names = ml_xcalloc(kt->n + 1, sizeof(*names));
	int err;

	for (size_t i = 0; i < kt->n; i++) {
		const char *n = kt->v[i].name;

		if (c->versioned && strcmp(n, "Using_Versions"))
			names[i] = ml_xasprintf("%s%s_R%s%08lx", kt->v[i].gplonly ? "GPLONLY_" : "", n,
						c->smp ? "smp_" : "", crc32(0, (const Bytef *)n, (uInt)strlen(n)));
		else
			names[i] = ml_xasprintf("%s%s", kt->v[i].gplonly ? "GPLONLY_" : "", n);
		strsize += strlen(names[i]) + 1;
	}
	size = (stroff + strsize + PAGE - 1) & ~(PAGE - 1);
	m->kaddr = (m->modarea + m->modarea_size - size) & ~(PAGE - 1);
	err = map_region(m, m->kaddr, true, size);
	if (err) {
		for (size_t i = 0; i < kt->n; i++)
			free(names[i]);
		free(names);
		return err;
	}
	p = kp(m, m->kaddr, size);
	soff = stroff + 1; /* kernel_module's name is the empty string at stroff */
	for (size_t i = 0; i < kt->n; i++) {
		size_t nl = strlen(names[i]) + 1;

		ml_putword(&m->t, p + symoff + i * 2 * ws, kt->v[i].value);
		ml_putword(&m->t, p + symoff + i * 2 * ws + ws, m->kaddr + soff);
		memcpy(p + soff, names[i], nl);
		soff += nl;
		free(names[i]);
	}
	free(names);
	h.size_of_struct = sz;
	h.name = m->kaddr + stroff;
	h.flags = ML_MOD_RUNNING;
	h.nsyms = (uint32_t)kt->n;
	h.syms = kt->n ? m->kaddr + symoff : 0;
	ml_module_header_write(&m->t, &h, p + KOFF_MODULE);
	ml_putword(&m->t, p, kernel_module(m)); /* module_list = &kernel_module */
	return 0;
}

int ml_model_create(const char *dir, const struct ml_model_config *c, struct ml_diags *d)
{
	struct ml_model m = { 0 };
	struct ml_ksymtab kt;
	const struct ml_arch *a = ml_arch_by_name(c->cpu);
	char *p, *conf;
	int err;

	if (!a) {
		ml_err(d, NULL, "unknown CPU '%s'", c->cpu);
		return -EINVAL;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		ml_err(d, NULL, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	m.dir = (char *)dir;
	p = path(&m, "config");
	if (access(p, F_OK) == 0) {
		ml_err(d, NULL, "%s already holds a model kernel", dir);
		free(p);
		return -EEXIST;
	}
	free(p);
	m.t.is64 = a->is64;
	m.t.big = a->allow_be && (!a->allow_le || c->big);
	m.arch = a;
	ml_ksymtab_init(&kt);
	m.modarea = a->is64 ? 0x20000000 : 0xc4800000;
	m.modarea_size = 0x4000000;
	if (c->exec && *c->exec) {
		char *info = run_capture(c->exec, "info"), *ks;

		if (!info) {
			ml_err(d, NULL, "executor '%s' does not run (its 'info' failed)", c->exec);
			ml_ksymtab_free(&kt);
			return -ENOEXEC;
		}
		for (char *l = strtok(info, "\n"); l; l = strtok(NULL, "\n"))
			sscanf(l, "modarea %" SCNx64 " %" SCNx64, &m.modarea, &m.modarea_size);
		free(info);
		ks = run_capture(c->exec, "ksyms");
		if (!ks || ml_ksyms_parse(&kt, ML_SRC_KSYMS, c->exec, ks, strlen(ks), d)) {
			free(ks);
			ml_ksymtab_free(&kt);
			return -ENOEXEC;
		}
		free(ks);
	}
	if (c->ksyms && ml_ksyms_load(&kt, ML_SRC_KSYMS, c->ksyms, d)) {
		ml_ksymtab_free(&kt);
		return -EINVAL;
	}
	if (c->versioned) {
		ml_ksymtab_add(&kt, "Using_Versions", 1, NULL);
		/* what modutils derives the genksyms prefix from */
		ml_ksymtab_add(&kt, "get_module_symbol", m.modarea, NULL);
	}
	p = path(&m, "mem");
	mkdir(p, 0755);
	free(p);
	err = build_kernel_region(&m, &kt, c);
	ml_ksymtab_free(&kt);
	if (err) {
		ml_err(d, NULL, "%s: cannot create the kernel's memory: %s", dir, strerror(-err));
		unmap_all(&m);
		return err;
	}
	conf = ml_xasprintf("cpu=%s\nbig=%d\nrelease=%s\nexec=%s\nmodarea=0x%" PRIx64 "\nmodarea_size=0x%" PRIx64 "\nkernel=0x%" PRIx64 "\npersist=%d\n",
			    c->cpu, m.t.big, c->release, c->exec ? c->exec : "", m.modarea, m.modarea_size, m.kaddr,
			    c->persist);
	p = path(&m, "config");
	err = write_file(p, conf, strlen(conf));
	free(p);
	free(conf);
	p = path(&m, "tainted");
	write_file(p, "0\n", 2);
	free(p);
	unmap_all(&m);
	if (err)
		ml_err(d, NULL, "%s: cannot write the configuration", dir);
	return err;
}

struct ml_model *ml_model_open(const char *dir, struct ml_diags *d)
{
	struct ml_model *m = ml_xcalloc(1, sizeof(*m));
	char *p, *text, *line, *save = NULL;
	unsigned char *data;
	size_t len;
	int big = 0;

	m->dir = ml_xstrdup(dir);
	m->lockfd = -1;
	p = path(m, "config");
	if (access(p, F_OK)) {
		ml_err(d, NULL, "%s is not a model kernel (no %s); create one with 'modlink kernel create %s'", dir, p, dir);
		free(p);
		ml_model_close(m);
		return NULL;
	}
	if (ml_read_file(p, &data, &len, d)) {
		free(p);
		ml_model_close(m);
		return NULL;
	}
	free(p);
	text = (char *)data;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq++ = 0;
		if (!strcmp(line, "cpu"))
			m->cpu = ml_xstrdup(eq);
		else if (!strcmp(line, "big"))
			big = atoi(eq);
		else if (!strcmp(line, "release"))
			m->release = ml_xstrdup(eq);
		else if (!strcmp(line, "exec"))
			m->exec = ml_xstrdup(eq);
		else if (!strcmp(line, "modarea"))
			m->modarea = strtoull(eq, NULL, 0);
		else if (!strcmp(line, "modarea_size"))
			m->modarea_size = strtoull(eq, NULL, 0);
		else if (!strcmp(line, "kernel"))
			m->kaddr = strtoull(eq, NULL, 0);
		else if (!strcmp(line, "persist"))
			m->persist = atoi(eq) != 0;
	}
	free(text);
	m->arch = m->cpu ? ml_arch_by_name(m->cpu) : NULL;
	if (!m->arch || !m->release || !m->kaddr) {
		ml_err(d, NULL, "%s/config: incomplete or unknown CPU", dir);
		ml_model_close(m);
		return NULL;
	}
	m->t.is64 = m->arch->is64;
	m->t.big = big;
	p = path(m, "lock");
	m->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(p);
	if (m->lockfd < 0 || sync_regions(m) || !kp(m, m->kaddr, KOFF_MODULE)) {
		ml_err(d, NULL, "%s: cannot open the model's memory", dir);
		ml_model_close(m);
		return NULL;
	}
	return m;
}

void ml_model_close(struct ml_model *m)
{
	if (!m)
		return;
	unmap_all(m);
	if (m->lockfd >= 0)
		close(m->lockfd);
	free(m->dir);
	free(m->cpu);
	free(m->release);
	free(m->exec);
	free(m);
}

/* ---- the system calls: each under the big kernel lock, on fresh mappings ---- */

static bool bkl(struct ml_model *m)
{
	flock(m->lockfd, LOCK_EX);
	return sync_regions(m) == 0 && kp(m, m->kaddr, KOFF_MODULE);
}

#define UNDER_BKL(call)                  \
	do {                             \
		long r_ = -EIO;          \
		if (bkl(m))              \
			r_ = (call);     \
		flock(m->lockfd, LOCK_UN); \
		return r_;               \
	} while (0)

/*
 * query_module and get_kernel_syms only read kernel memory, so they take the
 * lock shared, like a /proc read: 2.4 answers them while another process's
 * init_module or delete_module sleeps in the module's code with the big
 * kernel lock dropped (golden24/proc-modules.txt steps 13 and 14: QM_INFO,
 * QM_MODULES and QM_SYMBOLS of "slow" while its init and its cleanup run).
 * Under the exclusive lock they would wait for the module's code to return.
 */
#define UNDER_SHARED_LOCK(call)                                             \
	do {                                                                \
		long r_ = -EIO;                                             \
		flock(m->lockfd, LOCK_SH);                                  \
		if (sync_regions(m) == 0 && kp(m, m->kaddr, KOFF_MODULE))   \
			r_ = (call);                                        \
		flock(m->lockfd, LOCK_UN);                                  \
		return r_;                                                  \
	} while (0)

long ml_model_create_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			    uint64_t size, uint64_t *addr)
{
	UNDER_BKL(sys_create_module(m, u, name, size, addr));
}

long ml_model_init_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			  uint64_t image)
{
	UNDER_BKL(sys_init_module(m, u, name, image));
}

long ml_model_delete_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name)
{
	UNDER_BKL(sys_delete_module(m, u, name));
}

long ml_model_query_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			   long which, uint64_t buf, uint64_t bufsize, uint64_t ret)
{
	UNDER_SHARED_LOCK(sys_query_module(m, u, name, which, buf, bufsize, ret));
}

long ml_model_get_kernel_syms(struct ml_model *m, const struct ml_uaccess *u, uint64_t table)
{
	UNDER_SHARED_LOCK(sys_get_kernel_syms(m, u, table));
}
