/*
 * kernel/exec/exec.c -- modlink-exec: run relocated 2.4 modules in user space.
 *
 * A 2.4 module image (what `modlink insmod -O` writes) is position dependent: every
 * pointer in it was computed for one load address.  Instead of a kernel, this program
 * gives the module what it expects at that address:
 *
 *  - a kernel to link against: stubs.c implements printk, kmalloc, register_chrdev, ...
 *    and `modlink-exec ksyms` prints their addresses in /proc/ksyms format.  modlink
 *    relocates the module against that file, so the module's calls land in this very
 *    process.  The binary is static and not position independent, so those addresses are
 *    the same in every run and lie in the low 2 GiB, in reach of the 32-bit relocations
 *    of the x86_64 kernel code model.
 *  - the module's memory: `run` maps each image at exactly its address (image.c), checks
 *    its struct module like 2.4's sys_init_module, and calls init_module through the
 *    struct's init pointer, then, after all modules are in, the cleanups in reverse
 *    order.
 *  - the kernel's fault handling: fault.c resolves faults through the modules' exception
 *    tables as do_page_fault does, and reports any other fault like an oops.
 *  - the module list for stacking: `exports` prints a module image's exported symbols
 *    (its struct module syms/nsyms) as /proc/ksyms module lines, to link a second module
 *    against the first.
 *
 * What a module prints with printk goes to stdout, with the "<N>" log levels stripped,
 * and so do the lines `init_module(NAME) = RET` and `cleanup_module(NAME)`; the tests
 * compare that text.  Diagnostics go to stderr.  See exec.h for the exit statuses.
 *
 * The executor is built natively for each CPU whose modules it runs (x86_64, i386): it
 * needs to execute the module's code, and its word size is the module's.  Later it
 * becomes the part of the 2.4 kernel model that executes modules.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE, REG_RIP/REG_EIP, strndup */
#endif
#include "exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH ((int)(2 * sizeof(unsigned long)))

static void usage(FILE *f)
{
	fprintf(f, "usage: modlink-exec ksyms\n"
		   "       modlink-exec exports BLOB@ADDR...\n"
		   "       modlink-exec run BLOB@ADDR...\n"
		   "\n"
		   "ksyms    print the stub kernel's symbols in /proc/ksyms format\n"
		   "exports  print the symbols a module image exports, in /proc/ksyms format\n"
		   "run      map each image at ADDR, call the init_module functions in order,\n"
		   "         then the cleanup_module functions in reverse order\n"
		   "\n"
		   "Exit status: 0 every init returned 0, 1 an init failed, 2 usage or I/O error,\n"
		   "3 an image 2.4's init_module would refuse, 128+N killed by signal N (a fault\n"
		   "outside the exception tables).\n");
}

static int cmd_ksyms(void)
{
	size_t i;

	for (i = 0; i < mlx_nksyms; i++)
		printf("%0*lx %s\n", WIDTH, mlx_ksyms[i].addr, mlx_ksyms[i].name);
	return fflush(stdout) == 0 ? MLX_EXIT_OK : MLX_EXIT_USAGE;
}

static int print_exports(const struct mlx_image *im)
{
	unsigned int i;

	for (i = 0; i < im->mod.nsyms; i++) {
		struct mlx_symbol sym;
		const char *name;

		memcpy(&sym, im->bytes + (im->mod.syms - im->base) + i * sizeof(sym), sizeof(sym));
		name = mlx_image_string(im, sym.name);
		if (!name) {
			fprintf(stderr, "modlink-exec: %s: symbol %u: name pointer %#lx is outside the image\n",
				im->path, i, sym.name);
			return MLX_EXIT_INVALID;
		}
		printf("%0*lx %s\t[%s]\n", WIDTH, sym.value, name, im->name);
	}
	return MLX_EXIT_OK;
}

static int cmd_exports(int argc, char **argv)
{
	int i, status = MLX_EXIT_OK;

	for (i = 0; i < argc && status == MLX_EXIT_OK; i++) {
		struct mlx_image im;

		if (mlx_image_load(&im, argv[i], 0) < 0)
			status = MLX_EXIT_USAGE;
		else if (mlx_image_check(&im, NULL, 0) < 0)
			status = MLX_EXIT_INVALID;
		else
			status = print_exports(&im);
		mlx_image_release(&im);
	}
	if (fflush(stdout) != 0 && status == MLX_EXIT_OK)
		status = MLX_EXIT_USAGE;
	return status;
}

/*
 * What sys_init_module does once the image is in place: link the module into the list,
 * hook it into each dependency's refs, mark it initialising and call init; on success it
 * runs.  The module sees these fields through THIS_MODULE.
 */
static int init_one(const struct mlx_image *im, const struct mlx_image *prev)
{
	struct mlx_module *mod = (struct mlx_module *)im->base;
	struct mlx_ref *deps = (struct mlx_ref *)mod->deps;
	unsigned int i;
	int ret = 0;

	mod->next = prev ? prev->base : 0;
	mod->refs = 0;
	for (i = 0; i < mod->ndeps; i++) {
		struct mlx_module *dep = (struct mlx_module *)deps[i].dep;

		deps[i].ref = im->base;
		deps[i].next_ref = dep->refs;
		dep->refs = (unsigned long)&deps[i];
		dep->flags |= MLX_MOD_USED_ONCE;
	}

	mod->usecount = 1;
	mod->flags |= MLX_MOD_INITIALIZING;
	if (mod->init)
		ret = ((int (*)(void))mod->init)();
	if (ret != 0) {
		mod->usecount = 0;
		mod->flags &= ~MLX_MOD_INITIALIZING;
	} else {
		mod->usecount--;
		mod->flags = (mod->flags | MLX_MOD_RUNNING) & ~MLX_MOD_INITIALIZING;
	}
	return ret;
}

static void cleanup_one(const struct mlx_image *im)
{
	struct mlx_module *mod = (struct mlx_module *)im->base;

	if (!(mod->flags & MLX_MOD_RUNNING) || !mod->cleanup)
		return;
	((void (*)(void))mod->cleanup)();
	printf("cleanup_module(%s)\n", im->name);
	fflush(stdout);
}

static int cmd_run(int argc, char **argv)
{
	struct mlx_image *ims = calloc((size_t)argc, sizeof(*ims));
	int i, status = MLX_EXIT_OK;
	size_t n = 0;

	if (!ims) {
		fprintf(stderr, "modlink-exec: out of memory\n");
		return MLX_EXIT_USAGE;
	}
	if (mlx_fault_setup() < 0) {
		perror("modlink-exec: cannot install the fault handler");
		free(ims);
		return MLX_EXIT_USAGE;
	}

	for (i = 0; i < argc; i++) {
		struct mlx_image *im = &ims[n];
		int ret;

		if (mlx_image_load(im, argv[i], 1) < 0) {
			status = MLX_EXIT_USAGE;
			break;
		}
		if (mlx_image_check(im, ims, n) < 0) {
			fprintf(stderr, "modlink-exec: %s: refused, as 2.4's init_module would refuse it (EINVAL)\n",
				im->path);
			status = MLX_EXIT_INVALID;
			break;
		}
		mlx_fault_add(im);
		ret = init_one(im, n ? &ims[n - 1] : NULL);
		printf("init_module(%s) = %d\n", im->name, ret);
		fflush(stdout);
		if (ret != 0) {
			/* Like 2.4, the failed module stays allocated but never runs its cleanup. */
			status = MLX_EXIT_INIT;
			break;
		}
		n++;
	}

	while (n--)
		cleanup_one(&ims[n]);
	/* The images stay mapped until exit: a failed module may still be referenced. */
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MLX_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return MLX_EXIT_OK;
	}
	if (!strcmp(argv[1], "ksyms") && argc == 2)
		return cmd_ksyms();
	if (!strcmp(argv[1], "exports") && argc > 2)
		return cmd_exports(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run") && argc > 2)
		return cmd_run(argc - 2, argv + 2);
	usage(stderr);
	return MLX_EXIT_USAGE;
}
