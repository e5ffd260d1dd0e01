// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel memory: a set of files, DIR/mem/<hexaddr> holding the bytes at that
 * address (model.h).  Each process maps them all, shared, so that what one
 * writes (a module's init in the executor, another insmod) the others read;
 * they remap whenever another process may have created or freed a module.
 * vmalloc hands out module addresses in the module area as 2.4's did: first
 * fit, a guard page after each area.
 */
#include "kernel/model/model-int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int mdl_map_region(struct ml_model *m, uint64_t addr, bool create, uint64_t size)
{
	char *p = mdl_path(m, "mem/%" PRIx64, addr);
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

void mdl_unmap_all(struct ml_model *m)
{
	for (size_t i = 0; i < m->nregs; i++)
		munmap(m->regs[i].p, m->regs[i].size);
	free(m->regs);
	m->regs = NULL;
	m->nregs = 0;
}

int mdl_sync_regions(struct ml_model *m)
{
	char *p = mdl_path(m, "mem");
	DIR *dir = opendir(p);
	struct dirent *e;
	int err = 0;

	free(p);
	if (!dir)
		return -errno;
	mdl_unmap_all(m);
	while ((e = readdir(dir))) {
		char *end;
		uint64_t a = strtoull(e->d_name, &end, 16);

		if (e->d_name[0] == '.' || *end)
			continue;
		if (mdl_map_region(m, a, false, 0) && !err)
			err = -EIO;
	}
	closedir(dir);
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t mdl_vmalloc_addr(const struct ml_model *m, uint64_t size)
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
