/*
 * kernel/exec/exec.h -- modlink-exec internals shared by its files.
 *
 * modlink-exec is a native program (built once per CPU it runs on: x86_64, i386), so it
 * describes the module image with its own word size: the 2.4 struct module of the CPU it
 * was compiled for is exactly its native layout.  Pointers inside the image are kept as
 * unsigned long addresses, never as C pointers, until they have been bounds-checked.
 */
#ifndef ML_EXEC_H
#define ML_EXEC_H

#include <stddef.h>

/* Exit statuses of modlink-exec (a fault exits with 128 + the signal number). */
enum {
	MLX_EXIT_OK = 0,       /* every init_module returned 0 */
	MLX_EXIT_INIT = 1,     /* an init_module returned non-zero */
	MLX_EXIT_USAGE = 2,    /* bad command line, unreadable blob, address not mappable */
	MLX_EXIT_INVALID = 3,  /* the image fails a check 2.4's sys_init_module makes (EINVAL) */
};

/* 2.4 struct module flags. */
#define MLX_MOD_RUNNING 1UL
#define MLX_MOD_AUTOCLEAN 4UL
#define MLX_MOD_USED_ONCE 16UL
#define MLX_MOD_INITIALIZING 64UL

/* The 2.4 struct module, native layout (96 bytes on i386, 184 on x86_64). */
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

/* One module image given on the command line as BLOB@ADDR. */
struct mlx_image {
	const char *path;      /* the blob file */
	unsigned long base;    /* ADDR: where the image was relocated to run */
	size_t len;            /* the blob's size, which plays create_module's size */
	unsigned char *bytes;  /* the image: at base once mapped, else a heap copy */
	int mapped;
	struct mlx_module mod; /* header copy: size_of_struct bytes, the rest zero */
	const char *name;      /* the module name, inside bytes (set by mlx_image_check) */
};

/* image.c */
int mlx_image_load(struct mlx_image *im, const char *arg, int map);
int mlx_image_check(struct mlx_image *im, const struct mlx_image *loaded, size_t nloaded);
const char *mlx_image_string(const struct mlx_image *im, unsigned long addr);
void mlx_image_release(struct mlx_image *im);

/* stubs.c: the "kernel" the modules are linked against */
struct mlx_ksym {
	const char *name;
	unsigned long addr;
};

extern const struct mlx_ksym mlx_ksyms[];
extern const size_t mlx_nksyms;

/* fault.c: exception tables and fatal faults */
int mlx_fault_setup(void);
void mlx_fault_add(const struct mlx_image *im);

#endif
