// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saving a loaded module's persistent data (rmmod, rmmod -e), as modutils
 * did: the module's ksymoops symbols name its object file (_O), the
 * persist file (_P) and where its sections were loaded (_S); the object
 * gives the persistent parameters' types and offsets; the kernel gives the
 * current bytes (ml_kernel_persist_read); the file is merged and replaced.
 */
#include "insmod/insmod-int.h"
#include "kernel/kernel.h"
#include "persist/persist.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

struct modsyms {
	char *persist, *object;
	uint64_t mtime;
	bool have_mtime;
	char **secname;
	uint64_t *secaddr, *seclen;
	size_t nsec;
};

static void modsyms_free(struct modsyms *m)
{
	free(m->persist);
	free(m->object);
	for (size_t i = 0; i < m->nsec; i++)
		free(m->secname[i]);
	free(m->secname);
	free(m->secaddr);
	free(m->seclen);
}

/* Decode __insmod_<mod>_P<file>, _O<path>_M<mtime>_V<ver>, _S<sec>_L<len>. */
static void parse_symbol(struct modsyms *m, const char *mod, const char *name, uint64_t value)
{
	size_t ml = strlen(mod);
	const char *p;

	if (strncmp(name, "__insmod_", 9) || strncmp(name + 9, mod, ml) || name[9 + ml] != '_')
		return;
	p = name + 9 + ml + 1;
	if (*p == 'P') {
		free(m->persist);
		m->persist = ml_xstrdup(p + 1);
	} else if (*p == 'O') {
		/* the path may contain "_M": the last _M..._V... is the stamp */
		const char *mm = NULL;

		for (const char *q = strstr(p, "_M"); q; q = strstr(q + 1, "_M"))
			if (strstr(q, "_V"))
				mm = q;
		if (!mm)
			return;
		free(m->object);
		m->object = ml_xstrndup(p + 1, (size_t)(mm - p - 1));
		/* any number of hex digits: modutils' 8-digit parse broke with a 64-bit time_t */
		m->mtime = strtoull(mm + 2, NULL, 16);
		m->have_mtime = true;
	} else if (*p == 'S') {
		const char *l = strstr(p, "_L");

		if (!l)
			return;
		m->secname = ml_xrealloc(m->secname, (m->nsec + 1) * sizeof(*m->secname));
		m->secaddr = ml_xrealloc(m->secaddr, (m->nsec + 1) * sizeof(*m->secaddr));
		m->seclen = ml_xrealloc(m->seclen, (m->nsec + 1) * sizeof(*m->seclen));
		m->secname[m->nsec] = ml_xstrndup(p + 1, (size_t)(l - p - 1));
		m->secaddr[m->nsec] = value;
		m->seclen[m->nsec] = strtoull(l + 2, NULL, 10);
		m->nsec++;
	}
}

static char *kernel_line(struct ml_kernel *k)
{
	struct utsname u;
	char rel[128] = "";
	const char *machine = getenv("UNAME_MACHINE");

	uname(&u);
	if (k->ops->release)
		k->ops->release(k, rel, sizeof(rel));
	return ml_xasprintf("%s %s %s %s %s", u.sysname, u.nodename, *rel ? rel : u.release,
			    u.version, machine ? machine : u.machine);
}

/* The module's __insmod_* symbols, as the kernel lists them: 0, or -errno. */
static int read_modsyms(struct ml_kernel *k, const char *mod, struct modsyms *ms)
{
	unsigned char *buf = NULL;
	unsigned ws = ml_wordsize(&k->t);
	size_t n;
	int err = (int)ml_kernel_query(k, mod, ML_QM_SYMBOLS, &buf, &n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		parse_symbol(ms, mod, (const char *)buf + ml_getword(&k->t, buf + 2 * ws * i + ws),
			     ml_getword(&k->t, buf + 2 * ws * i));
	free(buf);
	return 0;
}

/* The object, unchanged since the load, with its sections where insmod put them. */
static int placed_object(const struct modsyms *ms, const char *mod, struct ml_obj **out,
			 struct ml_diags *d)
{
	struct ml_obj *o;
	struct stat st;

	if (!ms->object) {
		ml_err(d, NULL, "Cannot find obj_name for %s", mod);
		return -EINVAL;
	}
	if (stat(ms->object, &st) || (uint64_t)st.st_mtime != ms->mtime) {
		ml_err(d, NULL, "Object for module %s has changed since load", mod);
		return -EINVAL;
	}
	if (ml_obj_load(ms->object, out, d))
		return -EINVAL;
	o = *out;
	o->mu24 = true; /* COMMONs where insmod put them: modutils' order */
	ml_allocate_commons(o);
	for (size_t i = 0; i < ms->nsec; i++) {
		int sec = ml_obj_find_section(o, ms->secname[i]);

		if (sec < 0)
			continue;
		if (o->secs[sec]->size != ms->seclen[i]) {
			ml_err(d, NULL, "Length mismatch %s vs %llu", ms->secname[i],
			       (unsigned long long)o->secs[sec]->size);
			return -EINVAL;
		}
		o->secs[sec]->addr = ms->secaddr[i];
	}
	return 0;
}

struct values {
	struct ml_persist_entry *v;
	size_t n;
};

/* One "parm_NAME=TYPE" tag: its value read from the kernel if persistent; 0 or -errno. */
static int read_value(struct ml_kernel *k, const char *mod, const struct ml_obj *o, const char *s,
		      struct values *out, struct ml_diags *d)
{
	struct ml_parm_type pt;
	const char *eq;
	char *name;
	long sym;
	size_t len;
	unsigned char *val;
	int err;

	if (!ml_insmod_persist_parm(s, &pt, &eq))
		return 0;
	name = ml_xstrndup(s + 5, (size_t)(eq - s - 5));
	sym = ml_obj_find_symbol(o, name);
	if (sym < 0 || o->syms[sym].sec < 0 || !o->secs[o->syms[sym].sec]->addr) {
		ml_warn(d, NULL,
			"%s: persistent parameter %s is not in a section whose address is known",
			mod, name);
		free(name);
		return 0;
	}
	len = (size_t)ml_parm_type_size(&k->t, &pt) * (size_t)(pt.max > 0 ? pt.max : 1);
	val = ml_xmalloc(len);
	err = (int)ml_kernel_persist_read(
		k, mod, o->secs[o->syms[sym].sec]->addr + o->syms[sym].value, len, val);
	if (err) {
		ml_err(d, NULL, "%s has persistent data but the kernel is too old to support it.",
		       mod);
		free(val);
		free(name);
		return err;
	}
	out->v = ml_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n].name = name;
	out->v[out->n].value = ml_persist_value(&k->t, &pt, val);
	out->n++;
	free(val);
	return 0;
}

/* The file merged with the values, replaced. */
static int write_values(struct ml_kernel *k, const char *path, const struct values *v,
			struct ml_diags *d)
{
	unsigned char *old = NULL;
	size_t oldlen = 0;
	struct ml_diags quiet = { 0 };
	char *kl = kernel_line(k), *text;
	int err;

	if (ml_read_file(path, &old, &oldlen, &quiet))
		old = NULL;
	ml_diags_free(&quiet);
	text = ml_persist_merge((const char *)old, oldlen, v->v, v->n, kl, time(NULL));
	err = ml_persist_replace(path, text, strlen(text), d);
	free(text);
	free(kl);
	free(old);
	return err;
}

int ml_persist_save(struct ml_kernel *k, const char *mod, struct ml_diags *d)
{
	struct modsyms ms = { 0 };
	struct ml_obj *o = NULL;
	struct values v = { 0 };
	size_t pos = 0;
	const char *s;
	int err;

	err = read_modsyms(k, mod, &ms);
	if (err)
		return err == -ENOENT ? 0 : err;
	if (!ms.persist) {
		modsyms_free(&ms);
		return 0; /* no persistent data */
	}
	err = placed_object(&ms, mod, &o, d);
	while (!err && (s = ml_modinfo_next(o, &pos)))
		err = read_value(k, mod, o, s, &v, d);
	if (!err && !v.n) {
		ml_err(d, NULL, "Module %s should have persistent data but could not find any",
		       mod);
		err = -EINVAL;
	}
	if (!err)
		err = write_values(k, ms.persist, &v, d);
	for (size_t i = 0; i < v.n; i++) {
		free((char *)v.v[i].name);
		free((char *)v.v[i].value);
	}
	free(v.v);
	ml_obj_free(o);
	modsyms_free(&ms);
	return err;
}
