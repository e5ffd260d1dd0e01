/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the 2.4 model (kernel/model/ only; the rest of the house sees
 * kernel/model.h).  The model is split as 2.4's module subsystem was:
 *   dir.c      the model's directory: the names of its files
 *   state.c    its persistent state: creating the model, opening it again
 *   memory.c   kernel memory as files in DIR/mem, and vmalloc in the module area
 *   modlist.c  module_list: finding a module, checking a refs list before walking it
 *   log.c      the kernel log (printk, and reading it back)
 *   user.c     the caller's memory: get_mod_name, put_user
 *   modcode.c  running a module's init, cleanup or can_unload in the executor
 *   create.c, init.c, delete.c, query.c   the system calls, each as 2.4 has it
 *   syscall.c  their entry: the big kernel lock, fresh mappings
 *   proc.c     /proc/modules, /proc/ksyms, /proc/sys/kernel/tainted
 *
 * This header holds what they all read: struct ml_model and the accessors of
 * kernel memory and of struct module's fields (tiny, hence inline here: the
 * system calls use them on every line).
 */
#ifndef ML_MODEL_INT_H
#define ML_MODEL_INT_H

#include "kernel/model.h"
#include "arch/arch.h"
#include "common/module24.h"

#include <string.h>

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

/* ---- dir.c ---- */

/* DIR/<printf-formatted name>, malloc'd. */
char *mdl_path(const struct ml_model *m, const char *fmt, ...) ML_PRINTF(2, 3);

/* ---- log.c ---- */

/* printk: append a line (with its <level>) to the kernel log. */
void mdl_kmsg(struct ml_model *m, const char *fmt, ...) ML_PRINTF(2, 3);

/* ---- memory.c ---- */

/* Map DIR/mem/<addr> (created with size bytes if create); 0 or -errno. */
int mdl_map_region(struct ml_model *m, uint64_t addr, bool create, uint64_t size);
void mdl_unmap_all(struct ml_model *m);
/* Another process may have created or freed modules: map what is there now. */
int mdl_sync_regions(struct ml_model *m);
/* vmalloc: the address for a module of size bytes, or 0. */
uint64_t mdl_vmalloc_addr(const struct ml_model *m, uint64_t size);

/* ---- kernel memory ---- */

static inline struct region *find_region(const struct ml_model *m, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < m->nregs; i++) {
		struct region *r = &m->regs[i];

		if (addr >= r->addr && addr - r->addr <= r->size &&
		    len <= r->size - (addr - r->addr))
			return r;
	}
	return NULL;
}

/* Pointer to len bytes of kernel memory at addr, or NULL if not all mapped. */
static inline unsigned char *kp(const struct ml_model *m, uint64_t addr, uint64_t len)
{
	struct region *r = find_region(m, addr, len);

	return r ? r->p + (addr - r->addr) : NULL;
}

static inline uint64_t kword(const struct ml_model *m, uint64_t addr)
{
	unsigned char *p = kp(m, addr, ml_wordsize(&m->t));

	return p ? ml_getword(&m->t, p) : 0;
}

static inline void kset(struct ml_model *m, uint64_t addr, uint64_t v)
{
	unsigned char *p = kp(m, addr, ml_wordsize(&m->t));

	if (p)
		ml_putword(&m->t, p, v);
}

/* A NUL-terminated string in kernel memory ("" if not). */
static inline const char *kstr(const struct ml_model *m, uint64_t addr)
{
	struct region *r = find_region(m, addr, 1);
	const unsigned char *p;

	if (!r)
		return "";
	p = r->p + (addr - r->addr);
	return memchr(p, 0, r->size - (addr - r->addr)) ? (const char *)p : "";
}

/* ---- struct module access ---- */

static inline unsigned off(const struct ml_model *m, enum ml_modfield f)
{
	return ml_module_field_off(&m->t, f);
}

static inline uint64_t mget(const struct ml_model *m, uint64_t mod, enum ml_modfield f)
{
	if (f == ML_MF_NSYMS || f == ML_MF_NDEPS || f == ML_MF_UC) {
		unsigned char *p = kp(m, mod + off(m, f), 4);

		/* nsyms, ndeps and the atomic_t use count are 32-bit ints */
		return p ? ml_get32(&m->t, p) : 0;
	}
	return kword(m, mod + off(m, f));
}

static inline void mset(struct ml_model *m, uint64_t mod, enum ml_modfield f, uint64_t v)
{
	if (f == ML_MF_NSYMS || f == ML_MF_NDEPS || f == ML_MF_UC) {
		unsigned char *p = kp(m, mod + off(m, f), 4);

		if (p)
			ml_put32(&m->t, p, (uint32_t)v);
		return;
	}
	kset(m, mod + off(m, f), v);
}

static inline int32_t usecount(const struct ml_model *m, uint64_t mod)
{
	return (int32_t)mget(m, mod, ML_MF_UC);
}

static inline unsigned sizeof_module(const struct ml_model *m)
{
	return off(m, ML_MF_END);
}

/* mod_member_present: the field lies within the module's size_of_struct. */
static inline bool member_present(const struct ml_model *m, uint64_t mod, enum ml_modfield f)
{
	unsigned end = f == ML_MF_NSYMS || f == ML_MF_NDEPS ? off(m, f) + 4
							    : off(m, f) + ml_wordsize(&m->t);

	return end <= mget(m, mod, ML_MF_SIZE_OF_STRUCT);
}

static inline uint64_t kernel_module(const struct ml_model *m)
{
	return m->kaddr + KOFF_MODULE;
}

static inline uint64_t module_list(const struct ml_model *m)
{
	return kword(m, m->kaddr);
}

static inline const char *mname(const struct ml_model *m, uint64_t mod)
{
	return kstr(m, mget(m, mod, ML_MF_NAME));
}

#define CAN_QUERY(fl) (((fl) & (ML_MOD_RUNNING | ML_MOD_INITIALIZING)) && !((fl)&ML_MOD_DELETED))

/* Walk guard: a corrupt list (a stale ref) would loop forever or oops. */
#define WALK_MAX 100000

/* ---- modlist.c ---- */

/* The module of that name on module_list (not deleted), or 0. */
uint64_t mdl_find_module(const struct ml_model *m, const char *name);
/* The same, the name in the caller's memory (get_mod_name): 0 with *mod, or -errno. */
long mdl_find_user_module(const struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			  uint64_t *mod);
/* The module_ref at ref on mod's refs list is sound (see modlist.c). */
bool mdl_ref_ok(const struct ml_model *m, uint64_t mod, uint64_t ref);
/* Log a stale module_ref found at 'where' (the walk is cut there). */
void mdl_stale_ref(struct ml_model *m, const char *where, uint64_t mod, uint64_t ref);

/* ---- user.c ---- */

/* get_mod_name: a string of at most one page; its length, or -errno. */
long mdl_get_name(const struct ml_uaccess *u, uint64_t uaddr, char **out);
/* put_user of one of the model CPU's words: 0 or -EFAULT. */
int mdl_put_uword(const struct ml_model *m, const struct ml_uaccess *u, uint64_t uaddr, uint64_t v);

/* ---- modcode.c ---- */

/* Call the module's code at addr in the executor: 0 with *ret, or ML_MODEL_OOPS. */
int mdl_run_code(struct ml_model *m, uint64_t addr, const char *what, long *ret);
/* __MOD_IN_USE: 0 with *val, or ML_MODEL_OOPS from can_unload. */
int mdl_in_use(struct ml_model *m, uint64_t mod, long *val);

/* ---- the system calls (create.c, init.c, delete.c, query.c), under the lock of syscall.c ---- */

long mdl_sys_create_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			   uint64_t size, uint64_t *addr);
long mdl_sys_init_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			 uint64_t image);
long mdl_sys_delete_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname);
long mdl_sys_query_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			  long which, uint64_t buf, uint64_t bufsize, uint64_t ret);
long mdl_sys_get_kernel_syms(struct ml_model *m, const struct ml_uaccess *u, uint64_t table);

#endif
