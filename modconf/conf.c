// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modules.conf read as a whole (modutils util/config.c, modules.conf(5)): the builtin
 * defaults first (lists, search path, the environment's overrides), then the file
 * (named, $MODULECONFIG / $MODULECONF, /etc/modules.conf, the old /etc/conf.modules),
 * then the names of the generated files.  The file's structure is conffile.c's, the
 * meaning of each line directive.c's, the data they fill confdata.c's.
 */
#include "modconf/modconf-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define ETC_MODULES_CONF "/etc/modules.conf"
#define ETC_CONF_MODULES "/etc/conf.modules"

/* ---- defaults ---- */

static void build_list(const char *const *lines, struct ml_conf_list *l)
{
	for (size_t i = 0; lines[i]; i++) {
		struct ml_words w = { 0 };

		ml_split_words(lines[i], false, &w);
		if (!w.n)
			continue;
		struct ml_words rest = { w.v + 1, w.n - 1 };
		ml_conf_set(l, w.v[0], &rest, false);
		ml_words_free(&w);
	}
}

/* MODPATH replaces the builtin list; %s stands for the release. */
static void modpath_paths(struct ml_modconf *c, const char *env)
{
	char *copy = ml_xstrdup(env), *save = NULL;

	for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		struct ml_buf b = { 0 };
		const char *tag;

		ml_buf_printf(&b, "%s", c->base);
		for (const char *s = p; *s; s++) {
			if (s[0] == '%' && s[1] == 's') {
				ml_buf_printf(&b, "%s", c->release);
				s++;
			} else {
				ml_buf_add(&b, s, 1);
			}
		}
		ml_buf_add(&b, "", 1);
		tag = strrchr(b.p, '/');
		ml_conf_add_path(c, tag && tag[1] ? tag + 1 : "misc", b.p);
		ml_buf_free(&b);
	}
	free(copy);
}

/* modutils' builtin search path, below the base directory. */
static void builtin_paths(struct ml_modconf *c)
{
	const char *base = c->base;
	char *kv = ml_kernelversion(c->release), *p;

	p = ml_xasprintf("%s/lib/modules/boot", base);
	ml_conf_add_path(c, "boot", p);
	free(p);
	p = ml_xasprintf("%s/lib/modules/%s", base, c->release);
	ml_conf_add_path(c, "toplevel", p);
	free(p);
	p = ml_xasprintf("%s/lib/modules/%s", base, kv);
	ml_conf_add_path(c, "toplevel", p);
	free(p);
	free(kv);
	for (size_t i = 0; ml_builtin_pathtags[i]; i++) {
		p = ml_xasprintf("%s/lib/modules/%s", base, ml_builtin_pathtags[i]);
		ml_conf_add_path(c, ml_builtin_pathtags[i], p);
		free(p);
	}
}

static void defaults(struct ml_conf_reader *r)
{
	struct ml_modconf *c = r->c;
	const char *env = r->o->safe ? NULL : getenv("MODPATH");

	if (r->o->all) {
		build_list(ml_builtin_options, &c->options);
		build_list(ml_builtin_aliases, &c->aliases);
	}
	for (size_t i = 0; ml_builtin_prune[i]; i++) {
		struct ml_words none = { 0 };

		ml_conf_set(&c->prune, ml_builtin_prune[i], &none, false);
	}
	if (env)
		modpath_paths(c, env);
	else
		builtin_paths(c);
	/* Undocumented in modutils, for testing: DEPPATH, PCIMAPPATH, ... */
	for (int i = 0; i < ML_GEN_COUNT && !r->o->safe; i++) {
		char var[64];
		size_t j = 0;

		for (const char *s = ml_genfile_names[i]; *s && j < 50; s++)
			var[j++] = (char)toupper((unsigned char)*s);
		strcpy(var + j, "PATH");
		if (getenv(var))
			c->genfile[i] = ml_xstrdup(getenv(var));
	}
}

/* ---- the steps of reading ---- */

/* A base directory that is not one: every path would lead nowhere, so say it once,
 * instead of "not found"s. */
static int check_base(const char *base, struct ml_diags *d)
{
	struct stat st;
	int e;

	if (!base || !*base)
		return 0;
	e = stat(base, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (e)
		ml_err(d, NULL, "Can't open base directory %s (%s)", base, strerror(e));
	return -e;
}

/* The file named, else the environment's, else /etc/modules.conf or the old name. */
static int read_config_file(struct ml_conf_reader *r)
{
	const char *file = r->o->file;

	if (!file && !r->o->safe) {
		const char *e = getenv("MODULECONFIG");

		if (!e || !*e)
			e = getenv("MODULECONF");
		if (e && *e)
			file = e;
	}
	if (file)
		return ml_conf_read_file(r, file, 0, true);
	if (access(ETC_MODULES_CONF, F_OK) == 0)
		return ml_conf_read_file(r, ETC_MODULES_CONF, 0, true);
	if (access(ETC_CONF_MODULES, F_OK) == 0) {
		ml_warn(r->d, NULL,
			"Warning: modutils is reading from %s because\n         %s does not exist.  The use of %s is\n         deprecated, please rename %s to %s\n         as soon as possible.  Command\n         mv %s %s",
			ETC_CONF_MODULES, ETC_MODULES_CONF, ETC_CONF_MODULES, ETC_CONF_MODULES,
			ETC_MODULES_CONF, ETC_CONF_MODULES, ETC_MODULES_CONF);
		return ml_conf_read_file(r, ETC_CONF_MODULES, 0, true);
	}
	return 0;
}

/* Each generated file: modules.<name> of the release, or its <name>file= expanded. */
static int genfile_names(struct ml_modconf *c, struct ml_diags *d)
{
	for (int i = 0; i < ML_GEN_COUNT; i++) {
		char *x;

		if (!c->genfile[i]) {
			c->genfile[i] = ml_xasprintf("%s/lib/modules/%s/modules.%s", c->base,
						     c->release, ml_genfile_names[i]);
			continue;
		}
		x = ml_meta_expand1(c->genfile[i], c->base, c->release);
		if (!x) {
			ml_err(d, NULL, "%sfile=%s: the expansion failed", ml_genfile_names[i],
			       c->genfile[i]);
			return -EINVAL;
		}
		free(c->genfile[i]);
		c->genfile[i] = x;
	}
	return 0;
}

int ml_modconf_read(const struct ml_modconf_opts *o, struct ml_modconf **out, struct ml_diags *d)
{
	struct ml_modconf *c;
	struct ml_conf_reader r = { .o = o, .d = d, .drop_default_paths = true };
	struct utsname u;
	int err;

	*out = NULL;
	err = check_base(o->base, d);
	if (err)
		return err;
	r.c = c = ml_xcalloc(1, sizeof(*c));
	c->base = ml_xstrdup(o->base ? o->base : "");
	if (o->release)
		c->release = ml_xstrdup(o->release);
	else
		c->release = ml_xstrdup(uname(&u) == 0 ? u.release : "unknown");
	c->persistdir = ml_xstrdup("/var/lib/modules/persist");
	defaults(&r);
	err = read_config_file(&r);
	if (!err && r.bad)
		err = -EINVAL;
	if (!err)
		err = genfile_names(c, d);
	if (err) {
		ml_modconf_free(c);
		return err;
	}
	*out = c;
	return 0;
}
