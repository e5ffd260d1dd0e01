/*
 * kernel/exec/image.c -- reading, mapping and checking module images.
 *
 * An image is what `modlink insmod -O` writes: the module exactly as insmod would hand it
 * to 2.4's init_module, relocated for one address, starting with struct module.  To run
 * it the executor maps it at that very address (MAP_FIXED_NOREPLACE, so an occupied range
 * is an error instead of a silent overwrite of the executor itself).
 *
 * mlx_image_check() makes the checks 2.4's sys_init_module makes, in the same order and
 * with the same console messages, so a header that a 2.4 kernel would refuse is refused
 * here too.  The blob's size plays the size given to create_module.  Two deliberate
 * differences: the name must be NUL-terminated inside the image (the kernel compared it
 * with the name given to create_module, which the executor does not have), and a header
 * the blob is too short to hold is an error (the kernel would read past the image in user
 * memory).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE, REG_RIP/REG_EIP, strndup */
#endif
#include "exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
/* Linux 4.17; older kernels ignore the flag, which map_at() detects. */
#define MAP_FIXED_NOREPLACE 0x100000
#endif

_Static_assert(offsetof(struct mlx_module, persist_start) ==
		       (sizeof(long) == 8 ? 112 : 60),
	       "struct module: persist_start");
_Static_assert(offsetof(struct mlx_module, kernel_data) ==
		       (sizeof(long) == 8 ? 176 : 92),
	       "struct module: kernel_data");
_Static_assert(sizeof(struct mlx_module) == (sizeof(long) == 8 ? 184 : 96),
	       "struct module: size");

/* 2.4 accepts headers from its own size down to persist_start, up to 16 words bigger. */
#define SOS_MIN offsetof(struct mlx_module, persist_start)
#define SOS_MAX (sizeof(struct mlx_module) + 16 * sizeof(void *))

/* Whether the member ending at `end` (offsetof + sizeof) is in a header of this size. */
#define MEMBER_PRESENT(im, member)                                                       \
	(offsetof(struct mlx_module, member) + sizeof((im)->mod.member) <=               \
	 (im)->mod.size_of_struct)

static int read_file(const char *path, unsigned char **bytes, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "modlink-exec: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			unsigned char *nbuf;

			cap = cap ? cap * 2 : 65536;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				fprintf(stderr, "modlink-exec: %s: out of memory\n", path);
				goto fail;
			}
			buf = nbuf;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "modlink-exec: %s: read error\n", path);
		goto fail;
	}
	fclose(f);
	*bytes = buf;
	*len = n;
	return 0;
fail:
	free(buf);
	fclose(f);
	return -1;
}

/* "BLOB@ADDR": the last '@' separates, so a path may contain '@'. */
static int parse_arg(const char *arg, char **path, unsigned long *base)
{
	const char *at = strrchr(arg, '@');
	char *end;

	if (!at || at == arg || !at[1]) {
		fprintf(stderr, "modlink-exec: '%s': expected BLOB@ADDR\n", arg);
		return -1;
	}
	errno = 0;
	*base = strtoul(at + 1, &end, 0);
	if (errno || *end || *base == 0) {
		fprintf(stderr, "modlink-exec: '%s': bad address '%s'\n", arg, at + 1);
		return -1;
	}
	*path = strndup(arg, at - arg);
	if (!*path) {
		fprintf(stderr, "modlink-exec: out of memory\n");
		return -1;
	}
	return 0;
}

static int map_at(struct mlx_image *im)
{
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	size_t maplen = (im->len + page - 1) & ~(page - 1);
	void *want = (void *)im->base;
	void *p;

	if (im->base & (page - 1)) {
		fprintf(stderr, "modlink-exec: %s: address %#lx is not page aligned\n", im->path,
			im->base);
		return -1;
	}
	if (im->base + maplen < im->base) {
		fprintf(stderr, "modlink-exec: %s: %zu bytes at %#lx wrap around\n", im->path,
			im->len, im->base);
		return -1;
	}
	p = mmap(want, maplen, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "modlink-exec: %s: cannot map %zu bytes at %#lx: %s\n", im->path,
			im->len, im->base,
			errno == EEXIST ? "the range is already in use" : strerror(errno));
		return -1;
	}
	if (p != want) {
		/* A kernel without MAP_FIXED_NOREPLACE took the address as a hint. */
		munmap(p, maplen);
		fprintf(stderr, "modlink-exec: %s: cannot map at %#lx (the range is in use)\n",
			im->path, im->base);
		return -1;
	}
	memcpy(p, im->bytes, im->len);
	free(im->bytes);
	im->bytes = p;
	im->mapped = 1;
	return 0;
}

/*
 * Read BLOB@ADDR; with map, place it at ADDR.  Copies the header the way 2.4 does: only
 * size_of_struct bytes of it, the members beyond left zero.
 */
int mlx_image_load(struct mlx_image *im, const char *arg, int map)
{
	char *path;
	size_t sos;

	memset(im, 0, sizeof(*im));
	if (parse_arg(arg, &path, &im->base) < 0)
		return -1;
	im->path = path;
	if (read_file(path, &im->bytes, &im->len) < 0)
		return -1;
	if (im->len < sizeof(im->mod.size_of_struct)) {
		fprintf(stderr, "modlink-exec: %s: %zu bytes, too short for a module image\n", path,
			im->len);
		return -1;
	}
	memcpy(&im->mod.size_of_struct, im->bytes, sizeof(im->mod.size_of_struct));
	sos = im->mod.size_of_struct;
	if (sos > sizeof(im->mod))
		sos = sizeof(im->mod);
	if (sos > im->len) {
		fprintf(stderr, "modlink-exec: %s: %zu bytes, shorter than its %lu-byte header\n",
			path, im->len, im->mod.size_of_struct);
		return -1;
	}
	memcpy(&im->mod, im->bytes, sos);
	if (map && map_at(im) < 0)
		return -1;
	return 0;
}

void mlx_image_release(struct mlx_image *im)
{
	if (im->mapped) {
		unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);

		munmap(im->bytes, (im->len + page - 1) & ~(page - 1));
	} else {
		free(im->bytes);
	}
	free((char *)im->path);
	memset(im, 0, sizeof(*im));
}

/*
 * 2.4's mod_bound(p, n, mod): n elements of elsize bytes at p lie between the end of the
 * header and the end of the module.  Written to be immune to wrap-around.
 */
static int bound(const struct mlx_image *im, unsigned long p, unsigned long n,
		 unsigned long elsize)
{
	unsigned long lo = im->base + im->mod.size_of_struct;
	unsigned long hi = im->base + im->mod.size;

	if (p < lo || p > hi)
		return 0;
	return elsize == 0 || n <= (hi - p) / elsize;
}

/* The NUL-terminated string at a module address, or NULL if it runs out of the image. */
const char *mlx_image_string(const struct mlx_image *im, unsigned long addr)
{
	size_t off;

	if (addr < im->base || addr - im->base >= im->len)
		return NULL;
	off = addr - im->base;
	if (!memchr(im->bytes + off, '\0', im->len - off))
		return NULL;
	return (const char *)im->bytes + off;
}

static int invalid(const char *msg)
{
	fprintf(stderr, "init_module: %s\n", msg);
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
	unsigned long ex_size = sizeof(struct mlx_extable_entry);
	const char *name;
	unsigned int i;

	if (sos < SOS_MIN || sos > SOS_MAX) {
		fprintf(stderr, "init_module: Invalid module header size.\n"
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
	    (m->ex_table_end - m->ex_table_start) % ex_size != 0)
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
