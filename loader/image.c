// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module image: its sections copied into one buffer at their layout
 * offsets (ml_build_image), staged in an anonymous mapping before
 * relocation (ml_image_stage: a modern .ko with -O), and written to a
 * file (ml_write_image: -O, relocate --out) without a copy of the whole.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned char *ml_build_image(const struct ml_obj *o)
{
	unsigned char *img = ml_xcalloc(1, o->size);

	for (size_t i = 0; i < o->norder; i++) {
		const struct ml_section *s = o->secs[o->order[i]];

		if (s->size)
			memcpy(img + s->offset, s->data, s->size);
	}
	return img;
}

/* pwrite all of it, or an errno. */
static int pwrite_all(int fd, const unsigned char *p, uint64_t n, uint64_t off)
{
	uint64_t done = 0;

	while (done < n) {
		ssize_t w = pwrite(fd, p + done, n - done, (off_t)(off + done));

		if (w > 0)
			done += (uint64_t)w;
		else if (w == 0 || errno != EINTR)
			return w ? errno : EIO;
	}
	return 0;
}

/* The sections into fd at their offsets, the gaps left as holes (they read as zeros). */
static int write_sections(const struct ml_obj *o, int fd)
{
	int err = 0;

	for (size_t i = 0; i < o->norder && !err; i++) {
		const struct ml_section *s = o->secs[o->order[i]];

		if (s->size)
			err = pwrite_all(fd, s->data, s->size, s->offset);
	}
	if (!err && ftruncate(fd, (off_t)o->size))
		err = errno;
	return err;
}

/*
 * The same image written straight to a file: the staged buffer
 * (ml_image_stage) in one call, else each section at its offset.  No copy
 * of the whole image is made, which matters for a module of tens of
 * megabytes.
 */
int ml_write_image(const struct ml_obj *o, const char *path, struct ml_diags *d)
{
	struct stat in, out;
	int fd, err;

	/* The module's own file may be mapped: truncating it would pull its pages away. */
	if (!stat(o->path, &in) && !stat(path, &out) && in.st_dev == out.st_dev &&
	    in.st_ino == out.st_ino) {
		ml_err(d, NULL, "cannot write the image to %s: it is the module being read", path);
		return -EINVAL;
	}
	if (o->out_map) {
		err = -ml_write_whole(path, o->out_map, o->size);
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		err = fd < 0 ? errno : write_sections(o, fd);
		if (fd >= 0 && close(fd) && !err)
			err = errno;
	}
	if (err) {
		ml_err(d, NULL, "cannot write %s: %s", path, strerror(err));
		return -err;
	}
	return 0;
}

/*
 * Memory for a staged image of size bytes (*len: what to unmap).  Small
 * ones are populated at once; from a few huge pages on, the mapping is
 * aligned to them and the kernel asked for transparent huge pages, so an
 * image of tens of megabytes costs a handful of page allocations, not
 * thousands (where THP is off this is an ordinary mapping).
 */
#define ML_HUGE (2ULL << 20)
static unsigned char *stage_alloc(uint64_t size, size_t *len)
{
	unsigned char *p;

	if (size < 2 * ML_HUGE) {
		*len = size;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	size_t want = (size + ML_HUGE - 1) & ~(ML_HUGE - 1), head;

	p = mmap(NULL, want + ML_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = (size_t)(((uintptr_t)p + ML_HUGE - 1) & ~(uintptr_t)(ML_HUGE - 1)) -
	       (size_t)(uintptr_t)p;
	if (head)
		munmap(p, head);
	if (ML_HUGE - head)
		munmap(p + head + want, ML_HUGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, want, MADV_HUGEPAGE);
#endif
	*len = want;
	return p;
}

int ml_image_stage(struct ml_obj *o, struct ml_diags *d)
{
	unsigned char *img;
	int srcfd = -1, err = 0;

	if (!o->size)
		return 0;
	img = stage_alloc(o->size, &o->out_len);
	if (!img) {
		ml_err(d, NULL, "%s: cannot allocate a %" PRIu64 "-byte image: %s", o->fname,
		       o->size, strerror(errno));
		return -ENOMEM;
	}
	if (o->file_mapped)
		srcfd = open(o->path, O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; i < o->norder; i++) {
		struct ml_section *s = o->secs[o->order[i]];
		uint64_t done = 0;

		/* A section still in the file's mapping is read from the file. */
		if (srcfd >= 0 && s->borrowed && s->size && s->data >= o->file &&
		    s->data + s->size <= o->file + o->filelen) {
			off_t at = (off_t)(s->data - o->file);

			while (done < s->size) {
				ssize_t r = pread(srcfd, img + s->offset + done, s->size - done,
						  at + (off_t)done);

				if (r <= 0 && !(r < 0 && errno == EINTR))
					break; /* copy what is left from memory */
				if (r > 0)
					done += (uint64_t)r;
			}
		}
		if (done < s->size && s->type != SHT_NOBITS)
			memcpy(img + s->offset + done, s->data + done, s->size - done);
		if (!s->borrowed)
			free(s->data);
		s->data = img + s->offset;
		s->borrowed = true;
	}
	if (srcfd >= 0)
		close(srcfd);
	o->out_map = img;
	return err;
}
