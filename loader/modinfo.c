// SPDX-License-Identifier: GPL-2.0-or-later
/* .modinfo: NUL-separated "key=value" strings written by MODULE_* macros. */
#include "loader/loader.h"

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
