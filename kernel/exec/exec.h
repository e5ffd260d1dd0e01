/*
 * kernel/exec/exec.h -- modlink-exec internals shared by its files.
 *
 * modlink-exec is built once per CPU whose modules it runs (natively for x86_64 and i386,
 * under qemu-user for the others), so it describes the module image with its own word
 * size and byte order: the 2.4 struct module of the CPU it was compiled for is exactly its
 * native layout.  Pointers inside an image are kept as unsigned long addresses, never as C
 * pointers, until they have been bounds-checked.
 */
#ifndef ML_EXEC_H
#define ML_EXEC_H

#include "rt.h"

/* Exit statuses of modlink-exec (run: a fault exits with 128 + the signal number). */
enum {
	MLX_EXIT_OK = 0,      /* every init_module returned 0; call: the function returned */
	MLX_EXIT_INIT = 1,    /* an init_module returned non-zero */
	MLX_EXIT_USAGE = 2,   /* bad command line, unreadable file, address not mappable */
	MLX_EXIT_INVALID = 3, /* the image fails a check of 2.4's sys_init_module (EINVAL) */
	MLX_EXIT_OOPS = 3,    /* call: a fault outside the exception tables (an oops) */
};

/*
 * Where this executor puts things, per CPU (`modlink-exec info` prints the last two):
 *  - the module area: free address space from which the 2.4 model's create_module hands
 *    out page-aligned module images (`call` maps them there);
 *  - kdata: the stub kernel's persistent data (kmalloc heap, device tables), a file
 *    mapped shared at the same address by every `call`, so that an init in one process
 *    and a cleanup in another see one kernel.
 * Both avoid the executor itself (static, at its link address), its heap, and the
 * addresses the e2e tests load modules at with `run` (tests/e2e/lib.sh).  Natively on
 * x86_64 the heap (brk) starts anywhere in the 1 GiB after the executor's .bss (Linux
 * randomises it that far for 64-bit programs), so both areas lie above 1.5 GiB, and still
 * below 2 GiB.  Under qemu-user a 32-bit guest's mmap area and stack start at 0x40000000,
 * and qemu does not randomise the heap, so everything stays below that.  On ARM
 * and PowerPC the module area is within 32 MiB of the executor's stub kernel, as 2.4 put
 * modules within branch range of the kernel there: no veneers or trampolines are needed
 * (the e2e tests place modules farther away on purpose).  x86_64 keeps everything in the
 * low 2 GiB, the reach of the kernel code model's 32-bit relocations.
 */
#if defined(__arm__)
#define MLX_KDATA_ADDR 0x00c00000UL
#define MLX_KDATA_SIZE 0x00400000UL
#define MLX_MODAREA_ADDR 0x01800000UL
#define MLX_MODAREA_SIZE 0x00800000UL
#elif defined(__powerpc__)
#define MLX_KDATA_ADDR 0x10c00000UL
#define MLX_KDATA_SIZE 0x00400000UL
#define MLX_MODAREA_ADDR 0x11800000UL
#define MLX_MODAREA_SIZE 0x00800000UL
#elif defined(__x86_64__) || defined(__i386__)
#define MLX_KDATA_ADDR 0x60000000UL
#define MLX_KDATA_SIZE 0x00800000UL
#define MLX_MODAREA_ADDR 0x61000000UL
#define MLX_MODAREA_SIZE 0x10000000UL
#else /* mips, mipsel, sh, m68k, sparc under qemu-user */
#define MLX_KDATA_ADDR 0x1f000000UL
#define MLX_KDATA_SIZE 0x00800000UL
#define MLX_MODAREA_ADDR 0x30000000UL
#define MLX_MODAREA_SIZE 0x08000000UL
#endif

/* 2.4 struct module flags. */
#define MLX_MOD_RUNNING 1UL
#define MLX_MOD_AUTOCLEAN 4UL
#define MLX_MOD_USED_ONCE 16UL
#define MLX_MOD_INITIALIZING 64UL

/* The 2.4 struct module, native layout (96 bytes on 32-bit CPUs, 184 on x86_64). */
struct mlx_module {
	unsigned long size_of_struct;
	unsigned long next;
	unsigned long name;
	unsigned long size;
	long usecount; /* union { atomic_t; long pad; } */
	unsigned long flags;
	unsigned int nsyms;
	unsigned int ndeps;
	unsigned long syms;
	unsigned long deps;
	unsigned long refs;
	unsigned long init;
	unsigned long cleanup;
	unsigned long ex_table_start;
	unsigned long ex_table_end;
	unsigned long persist_start;
	unsigned long persist_end;
	unsigned long can_unload;
	int runsize;
	unsigned long kallsyms_start;
	unsigned long kallsyms_end;
	unsigned long archdata_start;
	unsigned long archdata_end;
	unsigned long kernel_data;
};

/* 2.4 accepts headers from its own size down to persist_start, up to 16 words bigger. */
#define MLX_SOS_MIN __builtin_offsetof(struct mlx_module, persist_start)
#define MLX_SOS_MAX (sizeof(struct mlx_module) + 16 * sizeof(void *))

/* struct module_symbol, struct module_ref and struct exception_table_entry. */
struct mlx_symbol {
	unsigned long value;
	unsigned long name;
};

struct mlx_ref {
	unsigned long dep;
	unsigned long ref;
	unsigned long next_ref;
};

struct mlx_extable_entry {
	unsigned long insn;
	unsigned long fixup;
};

/* One module image: BLOB@ADDR of `run`/`exports`, or a DIR/mem file of `call`. */
struct mlx_image {
	const char *path;     /* the file */
	unsigned long base;   /* where the image was relocated to run */
	unsigned long len;    /* the file's size, which plays create_module's size */
	unsigned char *bytes; /* the image: at base once mapped, else a private copy */
	int mapped;
	struct mlx_module mod; /* header copy: size_of_struct bytes, the rest zero */
	const char *name;      /* the module name, inside bytes (set by the checks) */
};

/* image.c */
int mlx_image_load(struct mlx_image *im, char *arg, int map);
int mlx_image_map_shared(struct mlx_image *im, const char *path, unsigned long base);
int mlx_image_check(struct mlx_image *im, const struct mlx_image *loaded, size_t nloaded);
int mlx_image_is_module(struct mlx_image *im);
const char *mlx_image_string(const struct mlx_image *im, unsigned long addr);
void mlx_image_release(struct mlx_image *im);

/* kdata.c: the persistent kernel data area and the kmalloc heap inside it */
int mlx_kdata_attach(const char *path);
void *mlx_kdata_alloc(unsigned long size);
int mlx_kdata_free(const void *p);
void *mlx_kdata_state(void);

/* stubs.c: the "kernel" the modules are linked against */
struct mlx_ksym {
	const char *name;
	unsigned long addr;
};

extern const struct mlx_ksym mlx_ksyms[];
extern const unsigned long mlx_nksyms;
/* Where printk writes: -1 for `run` (stdout, "<N>" levels stripped), else the kmsg file
 * of `call` (the text as given, one write per call). */
extern int mlx_printk_fd;

/* fault.c: exception tables and fatal faults */
int mlx_fault_setup(int oops_fd);
void mlx_fault_add(const struct mlx_image *im);

#endif
