/*
 * kernel/exec/image.c -- reading, mapping and checking module images.
 *
 * An image is what `modlink insmod -O` writes (or what the 2.4 model keeps in DIR/mem):
 * the module exactly as insmod would hand it to 2.4's init_module, relocated for one
 * address, starting with struct module.  To run it the executor maps it at that very
 * address, never over an existing mapping (so an occupied range is an error instead of
 * a silent overwrite of the executor itself):
 *  - `run` maps fresh private memory there and reads the file into it;
 *  - `call` maps the file itself, shared, so that what the module writes into its own
 *    memory (its variables, the use count in its struct module) is in the file for the
 *    model and for the next call.
 *
 * mlx_image_check() makes the checks 2.4's sys_init_module makes, in the same order and
 * with the same console messages, so a header that a 2.4 kernel would refuse is refused
 * here too.  The file's size plays the size given to create_module.  Two deliberate
 * differences: the name must be NUL-terminated inside the image (the kernel compared it
 * with the name given to create_module, which the executor does not have), and a header
 * the file is too short to hold is an error (the kernel would read past the image in user
 * memory).
 */
#include "exec.h"

_Static_assert(__builtin_offsetof(struct mlx_module, persist_start) ==
		       (sizeof(long) == 8 ? 112 : 60),
	       "struct module: persist_start");
_Static_assert(__builtin_offsetof(struct mlx_module, kernel_data) == (sizeof(long) == 8 ? 176 : 92),
	       "struct module: kernel_data");
_Static_assert(sizeof(struct mlx_module) == (sizeof(long) == 8 ? 184 : 96), "struct module: size");
/* Exception table sizes are checked with a mask: no division on CPUs without one. */
#define EX_MASK (sizeof(struct mlx_extable_entry) - 1)
_Static_assert((sizeof(struct mlx_extable_entry) & EX_MASK) == 0,
	       "exception table entry size is a power of two");

/* Whether the member ending at `end` (offsetof + sizeof) is in a header of this size. */
#define MEMBER_PRESENT(im, member)                                                   \
	(__builtin_offsetof(struct mlx_module, member) + sizeof((im)->mod.member) <= \
	 (im)->mod.size_of_struct)

static unsigned long page_round(unsigned long n)
{
	return (n + MLX_PAGE - 1) & ~(MLX_PAGE - 1);
}

/* "BLOB@ADDR": the last '@' separates, so a path may contain '@'.  Cuts arg there. */
static int parse_arg(char *arg, unsigned long *base)
{
	char *at = strrchr(arg, '@'), *end, *p;

	if (!at || at == arg || !at[1]) {
		mlx_eprintf("modlink-exec: '%s': expected BLOB@ADDR\n", arg);
		return -1;
	}
	p = at + 1;
	*base = mlx_strtoul(p, &end, 0);
	if (*end || *base == 0 || *p == '-') {
		mlx_eprintf("modlink-exec: '%s': bad address '%s'\n", arg, at + 1);
		return -1;
	}
	*at = '\0';
	return 0;
}

static int map_error(const struct mlx_image *im, int err)
{
	mlx_eprintf("modlink-exec: %s: cannot map %lu bytes at %#lx: %s\n", im->path, im->len,
		    im->base, err == -EEXIST ? "the range is already in use" : mlx_strerror(-err));
	return -1;
}

static int check_placement(const struct mlx_image *im)
{
	if (im->base & (MLX_PAGE - 1)) {
		mlx_eprintf("modlink-exec: %s: address %#lx is not page aligned\n", im->path,
			    im->base);
		return -1;
	}
	if (im->base + page_round(im->len) < im->base) {
		mlx_eprintf("modlink-exec: %s: %lu bytes at %#lx wrap around\n", im->path, im->len,
			    im->base);
		return -1;
	}
	return 0;
}

/*
 * Copy the header the way 2.4 does: only size_of_struct bytes of it, the members beyond
 * left zero.  The image must hold at least that much.
 */
static int read_header(struct mlx_image *im)
{
	unsigned long sos;

	if (im->len < sizeof(im->mod.size_of_struct)) {
		mlx_eprintf("modlink-exec: %s: %lu bytes, too short for a module image\n", im->path,
			    im->len);
		return -1;
	}
	memcpy(&im->mod.size_of_struct, im->bytes, sizeof(im->mod.size_of_struct));
	sos = im->mod.size_of_struct;
	if (sos > sizeof(im->mod))
		sos = sizeof(im->mod);
	if (sos > im->len) {
		mlx_eprintf("modlink-exec: %s: %lu bytes, shorter than its %lu-byte header\n",
			    im->path, im->len, im->mod.size_of_struct);
		return -1;
	}
	memcpy(&im->mod, im->bytes, sos);
	return 0;
}

/*
 * Read BLOB@ADDR (arg is cut at the '@'); with map, place it at ADDR, else anywhere.
 */
int mlx_image_load(struct mlx_image *im, char *arg, int map)
{
	unsigned char *dst;
	unsigned long got = 0;
	long size;
	int fd, err;

	memset(im, 0, sizeof(*im));
	if (parse_arg(arg, &im->base) < 0)
		return -1;
	im->path = arg;
	fd = mlx_open(arg, MLX_OPEN_READ);
	if (fd < 0) {
		mlx_eprintf("modlink-exec: %s: %s\n", arg, mlx_strerror(-fd));
		return -1;
	}
	size = mlx_fdsize(fd);
	if (size < 0) {
		mlx_eprintf("modlink-exec: %s: %s\n", arg, mlx_strerror((int)-size));
		mlx_close(fd);
		return -1;
	}
	im->len = (unsigned long)size;
	if (map && check_placement(im) < 0) {
		mlx_close(fd);
		return -1;
	}
	if (map) {
		err = im->len ? mlx_map_fixed(im->base, page_round(im->len), -1) : 0;
		if (err < 0) {
			mlx_close(fd);
			return map_error(im, err);
		}
		dst = (unsigned char *)im->base;
		im->mapped = 1;
	} else {
		dst = mlx_map_any(page_round(im->len ? im->len : 1));
		if (!dst) {
			mlx_eprintf("modlink-exec: %s: out of memory\n", arg);
			mlx_close(fd);
			return -1;
		}
	}
	im->bytes = dst;
	while (got < im->len) {
		long r = mlx_read(fd, dst + got, im->len - got);

		if (r <= 0) {
			mlx_eprintf("modlink-exec: %s: read error\n", arg);
			mlx_close(fd);
			return -1;
		}
		got += (unsigned long)r;
	}
	mlx_close(fd);
	return read_header(im);
}

/* Map the file at path shared at base (the model's DIR/mem/<base>). */
int mlx_image_map_shared(struct mlx_image *im, const char *path, unsigned long base)
{
	long size;
	int fd, err;

	memset(im, 0, sizeof(*im));
	im->path = path;
	im->base = base;
	fd = mlx_open(path, MLX_OPEN_RDWR);
	if (fd < 0) {
		mlx_eprintf("modlink-exec: %s: %s\n", path, mlx_strerror(-fd));
		return -1;
	}
	size = mlx_fdsize(fd);
	if (size <= 0) {
		mlx_eprintf("modlink-exec: %s: %s\n", path,
			    size < 0 ? mlx_strerror((int)-size) : "empty file");
		mlx_close(fd);
		return -1;
	}
	im->len = (unsigned long)size;
	if (check_placement(im) < 0) {
		mlx_close(fd);
		return -1;
	}
	err = mlx_map_fixed(base, page_round(im->len), fd);
	mlx_close(fd);
	if (err < 0)
		return map_error(im, err);
	im->bytes = (unsigned char *)base;
	im->mapped = 1;
	return 0;
}

void mlx_image_release(struct mlx_image *im)
{
	if (im->bytes)
		mlx_unmap(im->bytes, page_round(im->len ? im->len : 1));
	memset(im, 0, sizeof(*im));
}

/*
 * 2.4's mod_bound(p, n, mod): n elements of elsize bytes at p lie between the end of the
 * header and the end of the module.  Written to be immune to wrap-around.
 */
static int bound(const struct mlx_image *im, unsigned long p, unsigned long n, unsigned long elsize)
{
	unsigned long lo = im->base + im->mod.size_of_struct;
	unsigned long hi = im->base + im->mod.size;

	if (p < lo || p > hi)
		return 0;
	return elsize == 0 || n <= mlx_udiv(hi - p, elsize);
}

/* The NUL-terminated string at a module address, or NULL if it runs out of the image. */
const char *mlx_image_string(const struct mlx_image *im, unsigned long addr)
{
	unsigned long off;

	if (addr < im->base || addr - im->base >= im->len)
		return NULL;
	off = addr - im->base;
	if (!memchr(im->bytes + off, '\0', im->len - off))
		return NULL;
	return (const char *)im->bytes + off;
}

static int invalid(const char *msg)
{
	mlx_eprintf("init_module: %s\n", msg);
	return -1;
}

static int is_loaded(unsigned long addr, const struct mlx_image *loaded, size_t nloaded)
{
	size_t i;

	for (i = 0; i < nloaded; i++)
		if (loaded[i].base == addr)
			return 1;
	return 0;
}

/*
 * The checks of 2.4's sys_init_module, in its order, with its messages (printed on stderr
 * in place of the console).  loaded[] are the modules already initialised: the only valid
 * targets of dependencies (NULL: do not check dependencies).
 */
int mlx_image_check(struct mlx_image *im, const struct mlx_image *loaded, size_t nloaded)
{
	const struct mlx_module *m = &im->mod;
	unsigned long sos = m->size_of_struct;
	const char *name;
	unsigned int i;

	if (sos < MLX_SOS_MIN || sos > MLX_SOS_MAX) {
		mlx_eprintf("init_module: Invalid module header size.\n"
			    "A new version of the modutils is likely needed.\n");
		return -1;
	}
	if (m->size > im->len)
		return invalid("Size of initialized module exceeds size of created module.");

	name = mlx_image_string(im, m->name);
	if (!name || !bound(im, m->name, strlen(name) + 1, 1))
		return invalid("mod->name out of bounds.");
	if (m->nsyms && !bound(im, m->syms, m->nsyms, sizeof(struct mlx_symbol)))
		return invalid("mod->syms out of bounds.");
	if (m->ndeps && !bound(im, m->deps, m->ndeps, sizeof(struct mlx_ref)))
		return invalid("mod->deps out of bounds.");
	if (m->init && !bound(im, m->init, 0, 0))
		return invalid("mod->init out of bounds.");
	if (m->cleanup && !bound(im, m->cleanup, 0, 0))
		return invalid("mod->cleanup out of bounds.");
	if (m->ex_table_start > m->ex_table_end ||
	    (m->ex_table_start &&
	     (m->ex_table_start < im->base + sos || m->ex_table_end >= im->base + m->size)) ||
	    ((m->ex_table_end - m->ex_table_start) & EX_MASK) != 0)
		return invalid("mod->ex_table_* invalid.");
	if (m->flags & ~MLX_MOD_AUTOCLEAN)
		return invalid("mod->flags invalid.");
	if (MEMBER_PRESENT(im, can_unload) && m->can_unload && !bound(im, m->can_unload, 0, 0))
		return invalid("mod->can_unload out of bounds.");
	if (MEMBER_PRESENT(im, kallsyms_end)) {
		if (m->kallsyms_end &&
		    (!bound(im, m->kallsyms_start, 0, 0) || !bound(im, m->kallsyms_end, 0, 0)))
			return invalid("mod->kallsyms out of bounds.");
		if (m->kallsyms_start > m->kallsyms_end)
			return invalid("mod->kallsyms invalid.");
	}
	if (MEMBER_PRESENT(im, archdata_end)) {
		if (m->archdata_end &&
		    (!bound(im, m->archdata_start, 0, 0) || !bound(im, m->archdata_end, 0, 0)))
			return invalid("mod->archdata out of bounds.");
		if (m->archdata_start > m->archdata_end)
			return invalid("mod->archdata invalid.");
	}
	if (MEMBER_PRESENT(im, kernel_data) && m->kernel_data)
		return invalid("mod->kernel_data must be zero.");

	/* Dependencies: each must be another module, one that is already there (not checked
	 * when loaded is NULL: images read only to be inspected). */
	for (i = 0; loaded && i < m->ndeps; i++) {
		struct mlx_ref ref;

		memcpy(&ref, im->bytes + (m->deps - im->base) + i * sizeof(ref), sizeof(ref));
		if (ref.dep == im->base)
			return invalid("self-referential dependency in mod->deps.");
		if (!is_loaded(ref.dep, loaded, nloaded))
			return invalid("found dependency that is (no longer?) a module.");
	}
	im->name = name;
	return 0;
}

/*
 * For `call`: whether a mapped file starts with a usable struct module -- a header size
 * 2.4 accepts, and an exception table (possibly empty) inside the file.  Quietly: the
 * model's memory may hold images that are not (yet) modules.  Sets the name ("?" when it
 * is not a string inside the image).
 */
int mlx_image_is_module(struct mlx_image *im)
{
	const struct mlx_module *m = &im->mod;
	unsigned long end = im->base + im->len;
	unsigned long sos, n;

	if (im->len < sizeof(m->size_of_struct))
		return 0;
	memcpy(&im->mod.size_of_struct, im->bytes, sizeof(im->mod.size_of_struct));
	sos = m->size_of_struct;
	if (sos < MLX_SOS_MIN || sos > MLX_SOS_MAX || sos > im->len)
		return 0;
	n = sos < sizeof(im->mod) ? sos : sizeof(im->mod);
	memset(&im->mod, 0, sizeof(im->mod));
	memcpy(&im->mod, im->bytes, n);
	if (m->ex_table_start > m->ex_table_end ||
	    ((m->ex_table_end - m->ex_table_start) & EX_MASK) != 0)
		return 0;
	if (m->ex_table_start && (m->ex_table_start < im->base + sos || m->ex_table_end > end))
		return 0;
	im->name = mlx_image_string(im, m->name);
	if (!im->name)
		im->name = "?";
	return 1;
}
