// SPDX-License-Identifier: GPL-2.0-or-later
/* .modinfo: NUL-separated "key=value" strings written by MODULE_* macros. */
#include "loader/loader.h"

#include <stdlib.h>
#include <string.h>

const char *ml_modinfo_next(const struct ml_obj *o, size_t *pos)
{
	while (*pos < o->modinfo_len) {
		const char *s = o->modinfo + *pos;
		size_t n = strlen(s); /* modinfo is NUL-terminated past its end */

		*pos += n + 1;
		if (n)
			return s;
	}
	return NULL;
}

const char *ml_modinfo_get(const struct ml_obj *o, const char *key)
{
	size_t pos = 0, kl = strlen(key);
	const char *s;

	while ((s = ml_modinfo_next(o, &pos))) {
		if (strncmp(s, key, kl))
			continue;
		if (s[kl] == '=')
			return s + kl + 1;
		if (s[kl] == 0)
			return s + kl;
	}
	return NULL;
}

/*
 * The licences 2.4's <linux/module.h> lists as GPL-compatible.  "GPL v2"
 * is in the kernel's list but was missing from modutils 2.4.16's, which
 * tainted the kernel for it; we follow the kernel.
 */
bool ml_license_is_gpl(const char *license)
{
	static const char *const gpl[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MPL/GPL",
	};

	for (size_t i = 0; license && i < ML_ARRAY_SIZE(gpl); i++)
		if (!strcmp(license, gpl[i]))
			return true;
	return false;
}

/* CONFIG_MODVERSIONS state of a module: .modinfo using_checksums, else (2.2) Using_Versions. */
bool ml_module_uses_crcs(const struct ml_obj *o)
{
	const char *v = ml_modinfo_get(o, "using_checksums");

	if (o->has_modinfo)
		return v && atoi(v);
	return ml_obj_find_symbol(o, "Using_Versions") >= 0;
}

/* ... and of a kernel: a non-zero Using_Versions export. */
bool ml_kernel_uses_crcs(const struct ml_ksymtab *kt)
{
	uint64_t v;

	return ml_ksymtab_value(kt, "Using_Versions", &v) && v;
}
