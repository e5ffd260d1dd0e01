// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * create_module(name, size): 2.4's sys_create_module.  The name is checked
 * against module_list, the memory comes from vmalloc (memory.c: a new file
 * under DIR/mem, zeroed), and the kernel fills in the header's
 * size_of_struct, name (copied right after the header) and size, and links
 * the module at the head of module_list, uninitialized.
 */
#include "kernel/model/model-int.h"

#include <errno.h>
#include <stdlib.h>

long mdl_sys_create_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			   uint64_t size, uint64_t *addr)
{
	char *name;
	long namelen = mdl_get_name(u, uname, &name);
	uint64_t mod;
	unsigned sz = sizeof_module(m);
	int err;

	if (namelen < 0)
		return namelen;
	if (size < sz + (uint64_t)namelen + 1) {
		free(name);
		return -EINVAL;
	}
	if (mdl_find_module(m, name)) {
		free(name);
		return -EEXIST;
	}
	mod = size <= m->modarea_size ? mdl_vmalloc_addr(m, size) : 0;
	if (!mod || (err = mdl_map_region(m, mod, true, size)) != 0) {
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
