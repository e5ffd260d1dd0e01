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
 *    the same in every run (and, on x86_64, lie in the low 2 GiB, in reach of the 32-bit
 *    relocations of the kernel code model).
 *  - the module's memory: `run` maps each image at exactly its address (image.c), checks
 *    its struct module like 2.4's sys_init_module, and calls init_module through the
 *    struct's init pointer, then, after all modules are in, the cleanups in reverse
 *    order.
 *  - the kernel's fault handling: fault.c resolves faults through the modules' exception
 *    tables as do_page_fault does, and reports any other fault like an oops.
 *  - the module list for stacking: `exports` prints a module image's exported symbols
 *    (its struct module syms/nsyms) as /proc/ksyms module lines, to link a second module
 *    against the first.
 *  - for the 2.4 model (kernel/model/), one function call per process: `call DIR ADDR`
 *    maps the model's module memory (DIR/mem/<hexaddr>, shared) and its persistent kernel
 *    data (DIR/kdata, see kdata.c), appends printk output to DIR/kmsg, and calls the
 *    int (*)(void) at ADDR -- an init_module, cleanup_module or can_unload -- printing
 *    its return value.  `info` tells the model where it may put module images.
 *
 * With `run`, what a module prints with printk goes to stdout with the "<N>" log levels
 * stripped, and so do the lines `init_module(NAME) = RET` and `cleanup_module(NAME)`; the
 * tests compare that text.  Diagnostics go to stderr.  See exec.h for the exit statuses.
 *
 * The executor is built for each CPU whose modules it runs: natively for x86_64 and i386,
 * with the cross compilers for the others, which run it under qemu-user (kernel/exec/
 * local.mk; rt.h says which are built without a C library, and why).
 */
#include "exec.h"

#define WIDTH ((int)(2 * sizeof(unsigned long)))
#define MAX_IMAGES 64

static void usage(int fd)
{
	mlx_dprintf(
		fd,
		"usage: modlink-exec ksyms\n"
		"       modlink-exec exports BLOB@ADDR...\n"
		"       modlink-exec run BLOB@ADDR...\n"
		"       modlink-exec info\n"
		"       modlink-exec call DIR ADDR\n"
		"\n"
		"ksyms    print the stub kernel's symbols in /proc/ksyms format\n"
		"exports  print the symbols a module image exports, in /proc/ksyms format\n"
		"run      map each image at ADDR, call the init_module functions in order,\n"
		"         then the cleanup_module functions in reverse order\n"
		"info     print the module area and the kernel data area of this executor:\n"
		"         'modarea 0xSTART 0xSIZE' and 'kdata 0xADDR 0xSIZE'\n"
		"call     map every DIR/mem/<hexaddr> file shared at its address and DIR/kdata\n"
		"         at the kernel data area, log printk to DIR/kmsg, call the\n"
		"         int (*)(void) at ADDR and print what it returns\n"
		"\n"
		"Exit status: 0 every init returned 0 (call: the function returned), 1 an init\n"
		"failed, 2 usage or I/O error, 3 an image 2.4's init_module would refuse (call:\n"
		"an oops, appended to DIR/kmsg), 128+N killed by signal N (run: a fault outside\n"
		"the exception tables).\n");
}

static int cmd_ksyms(void)
{
	unsigned long i;

	for (i = 0; i < mlx_nksyms; i++)
		if (mlx_printf("%0*lx %s\n", WIDTH, mlx_ksyms[i].addr, mlx_ksyms[i].name) < 0)
			return MLX_EXIT_USAGE;
	return MLX_EXIT_OK;
}

static int cmd_info(void)
{
	mlx_printf("modarea %#lx %#lx\n", MLX_MODAREA_ADDR, MLX_MODAREA_SIZE);
	mlx_printf("kdata %#lx %#lx\n", MLX_KDATA_ADDR, MLX_KDATA_SIZE);
	return MLX_EXIT_OK;
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
			mlx_eprintf(
				"modlink-exec: %s: symbol %u: name pointer %#lx is outside the image\n",
				im->path, i, sym.name);
			return MLX_EXIT_INVALID;
		}
		mlx_printf("%0*lx %s\t[%s]\n", WIDTH, sym.value, name, im->name);
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
	mlx_printf("cleanup_module(%s)\n", im->name);
}

static int cmd_run(int argc, char **argv)
{
	static struct mlx_image ims[MAX_IMAGES];
	int i, status = MLX_EXIT_OK;
	size_t n = 0;

	if (argc > MAX_IMAGES) {
		mlx_eprintf("modlink-exec: at most %d images\n", MAX_IMAGES);
		return MLX_EXIT_USAGE;
	}
	if (mlx_fault_setup(-1) < 0) {
		mlx_eprintf("modlink-exec: cannot install the fault handler\n");
		return MLX_EXIT_USAGE;
	}
	if (mlx_kdata_attach(NULL) < 0)
		return MLX_EXIT_USAGE;

	for (i = 0; i < argc; i++) {
		struct mlx_image *im = &ims[n];
		int ret;

		if (mlx_image_load(im, argv[i], 1) < 0) {
			status = MLX_EXIT_USAGE;
			break;
		}
		if (mlx_image_check(im, ims, n) < 0) {
			mlx_eprintf(
				"modlink-exec: %s: refused, as 2.4's init_module would refuse it (EINVAL)\n",
				im->path);
			status = MLX_EXIT_INVALID;
			break;
		}
		mlx_fault_add(im);
		ret = init_one(im, n ? &ims[n - 1] : NULL);
		mlx_printf("init_module(%s) = %d\n", im->name, ret);
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

/* --- call ------------------------------------------------------------------------ */

struct call_ctx {
	const char *dir;
	struct mlx_image ims[MAX_IMAGES];
	size_t n;
	char paths[MAX_IMAGES][4096];
};

/* A DIR/mem file name: the address in lower-case hex, without 0x. */
static int parse_hexname(const char *name, unsigned long *addr)
{
	unsigned long a = 0;
	const char *p;

	if (!*name || strlen(name) > 2 * sizeof(long))
		return -1;
	for (p = name; *p; p++) {
		if (*p >= '0' && *p <= '9')
			a = (a << 4) | (unsigned long)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			a = (a << 4) | (unsigned long)(*p - 'a' + 10);
		else
			return -1;
	}
	*addr = a;
	return 0;
}

static int map_mem_file(void *arg, const char *name)
{
	struct call_ctx *c = arg;
	struct mlx_image *im;
	unsigned long addr;

	if (name[0] == '.')
		return 0;
	if (parse_hexname(name, &addr) < 0) {
		mlx_eprintf(
			"modlink-exec: %s/mem/%s: not a module memory file (its name must be its address in lower-case hex)\n",
			c->dir, name);
		return 1;
	}
	if (c->n == MAX_IMAGES) {
		mlx_eprintf("modlink-exec: %s/mem: more than %d files\n", c->dir, MAX_IMAGES);
		return 1;
	}
	mlx_snprintf(c->paths[c->n], sizeof(c->paths[c->n]), "%s/mem/%s", c->dir, name);
	im = &c->ims[c->n];
	if (mlx_image_map_shared(im, c->paths[c->n], addr) < 0)
		return 1;
	c->n++;
	if (mlx_image_is_module(im))
		mlx_fault_add(im);
	return 0;
}

static int cmd_call(const char *dir, const char *addr_arg)
{
	static struct call_ctx c;
	char path[4096], *end;
	unsigned long addr;
	int fd, ret;

	addr = mlx_strtoul(addr_arg, &end, 0);
	if (*end || !*addr_arg || addr == 0) {
		mlx_eprintf("modlink-exec: call: bad address '%s'\n", addr_arg);
		return MLX_EXIT_USAGE;
	}
	c.dir = dir;
	mlx_snprintf(path, sizeof(path), "%s/kdata", dir);
	if (mlx_kdata_attach(path) < 0)
		return MLX_EXIT_USAGE;
	/* Map every module memory file; those starting with a struct module join the
	 * exception-table search. */
	mlx_snprintf(path, sizeof(path), "%s/mem", dir);
	ret = mlx_listdir(path, map_mem_file, &c);
	if (ret != 0) {
		if (ret < 0)
			mlx_eprintf("modlink-exec: %s: %s\n", path, mlx_strerror(-ret));
		return MLX_EXIT_USAGE;
	}
	mlx_snprintf(path, sizeof(path), "%s/kmsg", dir);
	fd = mlx_open(path, MLX_OPEN_APPEND);
	if (fd < 0) {
		mlx_eprintf("modlink-exec: %s: %s\n", path, mlx_strerror(-fd));
		return MLX_EXIT_USAGE;
	}
	mlx_printk_fd = fd;
	if (mlx_fault_setup(fd) < 0) {
		mlx_eprintf("modlink-exec: cannot install the fault handler\n");
		return MLX_EXIT_USAGE;
	}

	ret = ((int (*)(void))addr)();
	mlx_printf("%d\n", ret);
	return MLX_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(2);
		return MLX_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(1);
		return MLX_EXIT_OK;
	}
	if (!strcmp(argv[1], "ksyms") && argc == 2)
		return cmd_ksyms();
	if (!strcmp(argv[1], "info") && argc == 2)
		return cmd_info();
	if (!strcmp(argv[1], "exports") && argc > 2)
		return cmd_exports(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run") && argc > 2)
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "call") && argc == 4)
		return cmd_call(argv[2], argv[3]);
	usage(2);
	return MLX_EXIT_USAGE;
}
