// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The model's persistent state: creating its directory (dir.c) and opening
 * it again.  DIR/config says what kernel it is (CPU, byte order, release,
 * executor, module area, where the kernel's own region lies, the
 * persistent-data patch).  Creating a model lays out the kernel's region:
 * module_list, kernel_module and the kernel's symbol table, as 2.4 has them
 * at boot.
 */
#include "kernel/model/model-int.h"
#include "symbols/symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

const struct ml_target *ml_model_target(const struct ml_model *m)
{
	return &m->t;
}

const char *ml_model_release(const struct ml_model *m)
{
	return m->release;
}

const char *ml_model_cpu(const struct ml_model *m)
{
	return m->cpu;
}

/* ---- creating ---- */

/* Run "EXEC ARG" and capture its standard output. */
static char *run_capture(const char *exec, const char *arg)
{
	char *cmd = ml_xasprintf("%s %s", exec, arg);
	FILE *f = popen(cmd, "r");
	struct ml_buf b = { 0 };
	char chunk[4096];
	size_t n;

	free(cmd);
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ml_buf_add(&b, chunk, n);
	if (pclose(f) != 0) {
		ml_buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : ml_xstrdup("");
}

static int write_file(const char *p, const void *data, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, data, n);
	if (close(fd) || w != (ssize_t)n)
		return -EIO;
	return 0;
}

/*
 * The kernel's symbols: the executor's stub kernel (its 'info' moves the
 * module area where the executor can map it, its 'ksyms' lists what it
 * defines), then c->ksyms, then what CONFIG_MODVERSIONS adds.  0 or -errno,
 * with diagnostics.
 */
static int kernel_symbols(struct ml_model *m, const struct ml_model_config *c,
			  struct ml_ksymtab *kt, struct ml_diags *d)
{
	if (c->exec && *c->exec) {
		char *info = run_capture(c->exec, "info"), *ks;

		if (!info) {
			ml_err(d, NULL, "executor '%s' does not run (its 'info' failed)", c->exec);
			return -ENOEXEC;
		}
		for (char *l = strtok(info, "\n"); l; l = strtok(NULL, "\n"))
			sscanf(l, "modarea %" SCNx64 " %" SCNx64, &m->modarea, &m->modarea_size);
		free(info);
		ks = run_capture(c->exec, "ksyms");
		if (!ks || ml_ksyms_parse(kt, ML_SRC_KSYMS, c->exec, ks, strlen(ks), d)) {
			free(ks);
			return -ENOEXEC;
		}
		free(ks);
	}
	if (c->ksyms && ml_ksyms_load(kt, ML_SRC_KSYMS, c->ksyms, d))
		return -EINVAL;
	if (c->versioned) {
		ml_ksymtab_add(kt, "Using_Versions", 1, NULL);
		/* what modutils derives the genksyms prefix from */
		ml_ksymtab_add(kt, "get_module_symbol", m->modarea, NULL);
	}
	return 0;
}

/* The names of the kernel's symbols as its symbol table holds them (malloc'd). */
static char **kernel_symbol_names(const struct ml_ksymtab *kt, const struct ml_model_config *c,
				  uint64_t *strsize)
{
	char **names = ml_xcalloc(kt->n + 1, sizeof(*names));

	for (size_t i = 0; i < kt->n; i++) {
		const char *n = kt->v[i].name;

		if (c->versioned && strcmp(n, "Using_Versions"))
			names[i] = ml_xasprintf("%s%s_R%s%08lx", kt->v[i].gplonly ? "GPLONLY_" : "",
						n, c->smp ? "smp_" : "",
						crc32(0, (const Bytef *)n, (uInt)strlen(n)));
		else
			names[i] = ml_xasprintf("%s%s", kt->v[i].gplonly ? "GPLONLY_" : "", n);
		*strsize += strlen(names[i]) + 1;
	}
	return names;
}

/* Lay out the kernel region: module_list, kernel_module, its symbols, strings. */
static int build_kernel_region(struct ml_model *m, struct ml_ksymtab *kt,
			       const struct ml_model_config *c)
{
	unsigned ws = ml_wordsize(&m->t), sz = sizeof_module(m);
	uint64_t symoff = (KOFF_MODULE + sz + ws - 1) & ~(uint64_t)(ws - 1);
	uint64_t stroff = symoff + kt->n * 2 * ws, strsize = 1, size, soff;
	struct ml_module_hdr h = { 0 };
	unsigned char *p;
	char **names = kernel_symbol_names(kt, c, &strsize);
	int err;

	size = (stroff + strsize + PAGE - 1) & ~(PAGE - 1);
	m->kaddr = (m->modarea + m->modarea_size - size) & ~(PAGE - 1);
	err = mdl_map_region(m, m->kaddr, true, size);
	if (err) {
		for (size_t i = 0; i < kt->n; i++)
			free(names[i]);
		free(names);
		return err;
	}
	p = kp(m, m->kaddr, size);
	soff = stroff + 1; /* kernel_module's name is the empty string at stroff */
	for (size_t i = 0; i < kt->n; i++) {
		size_t nl = strlen(names[i]) + 1;

		ml_putword(&m->t, p + symoff + i * 2 * ws, kt->v[i].value);
		ml_putword(&m->t, p + symoff + i * 2 * ws + ws, m->kaddr + soff);
		memcpy(p + soff, names[i], nl);
		soff += nl;
		free(names[i]);
	}
	free(names);
	h.size_of_struct = sz;
	h.name = m->kaddr + stroff;
	h.flags = ML_MOD_RUNNING;
	h.nsyms = (uint32_t)kt->n;
	h.syms = kt->n ? m->kaddr + symoff : 0;
	ml_module_header_write(&m->t, &h, p + KOFF_MODULE);
	ml_putword(&m->t, p, kernel_module(m)); /* module_list = &kernel_module */
	return 0;
}

/* DIR/config and an untainted DIR/tainted; 0 or -errno. */
static int write_config(struct ml_model *m, const struct ml_model_config *c)
{
	char *p, *conf;
	int err;

	conf = ml_xasprintf("cpu=%s\nbig=%d\nrelease=%s\nexec=%s\nmodarea=0x%" PRIx64
			    "\nmodarea_size=0x%" PRIx64 "\nkernel=0x%" PRIx64 "\npersist=%d\n",
			    c->cpu, m->t.big, c->release, c->exec ? c->exec : "", m->modarea,
			    m->modarea_size, m->kaddr, c->persist);
	p = mdl_path(m, "config");
	err = write_file(p, conf, strlen(conf));
	free(p);
	free(conf);
	p = mdl_path(m, "tainted");
	write_file(p, "0\n", 2);
	free(p);
	return err;
}

int ml_model_create(const char *dir, const struct ml_model_config *c, struct ml_diags *d)
{
	struct ml_model m = { 0 };
	struct ml_ksymtab kt;
	const struct ml_arch *a = ml_arch_by_name(c->cpu);
	char *p;
	int err;

	if (!a) {
		ml_err(d, NULL, "unknown CPU '%s'", c->cpu);
		return -EINVAL;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		ml_err(d, NULL, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	m.dir = (char *)dir;
	p = mdl_path(&m, "config");
	if (access(p, F_OK) == 0) {
		ml_err(d, NULL, "%s already holds a model kernel", dir);
		free(p);
		return -EEXIST;
	}
	free(p);
	m.t.is64 = a->is64;
	m.t.big = a->allow_be && (!a->allow_le || c->big);
	m.arch = a;
	ml_ksymtab_init(&kt);
	m.modarea = a->is64 ? 0x20000000 : 0xc4800000;
	m.modarea_size = 0x4000000;
	err = kernel_symbols(&m, c, &kt, d);
	if (err) {
		ml_ksymtab_free(&kt);
		return err;
	}
	p = mdl_path(&m, "mem");
	mkdir(p, 0755);
	free(p);
	err = build_kernel_region(&m, &kt, c);
	ml_ksymtab_free(&kt);
	if (err) {
		ml_err(d, NULL, "%s: cannot create the kernel's memory: %s", dir, strerror(-err));
		mdl_unmap_all(&m);
		return err;
	}
	err = write_config(&m, c);
	mdl_unmap_all(&m);
	if (err)
		ml_err(d, NULL, "%s: cannot write the configuration", dir);
	return err;
}

/* ---- opening ---- */

/* Read DIR/config into m; *big gets the byte order.  0, or -1 with diagnostics. */
static int read_config(struct ml_model *m, const char *p, int *big, struct ml_diags *d)
{
	char *text, *line, *save = NULL;
	unsigned char *data;
	size_t len;

	if (ml_read_file(p, &data, &len, d))
		return -1;
	text = (char *)data;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq++ = 0;
		if (!strcmp(line, "cpu"))
			m->cpu = ml_xstrdup(eq);
		else if (!strcmp(line, "big"))
			*big = atoi(eq);
		else if (!strcmp(line, "release"))
			m->release = ml_xstrdup(eq);
		else if (!strcmp(line, "exec"))
			m->exec = ml_xstrdup(eq);
		else if (!strcmp(line, "modarea"))
			m->modarea = strtoull(eq, NULL, 0);
		else if (!strcmp(line, "modarea_size"))
			m->modarea_size = strtoull(eq, NULL, 0);
		else if (!strcmp(line, "kernel"))
			m->kaddr = strtoull(eq, NULL, 0);
		else if (!strcmp(line, "persist"))
			m->persist = atoi(eq) != 0;
	}
	free(text);
	return 0;
}

struct ml_model *ml_model_open(const char *dir, struct ml_diags *d)
{
	struct ml_model *m = ml_xcalloc(1, sizeof(*m));
	char *p;
	int big = 0;

	m->dir = ml_xstrdup(dir);
	m->lockfd = -1;
	p = mdl_path(m, "config");
	if (access(p, F_OK)) {
		ml_err(d, NULL,
		       "%s is not a model kernel (no %s); create one with 'modlink kernel create %s'",
		       dir, p, dir);
		free(p);
		ml_model_close(m);
		return NULL;
	}
	if (read_config(m, p, &big, d)) {
		free(p);
		ml_model_close(m);
		return NULL;
	}
	free(p);
	m->arch = m->cpu ? ml_arch_by_name(m->cpu) : NULL;
	if (!m->arch || !m->release || !m->kaddr) {
		ml_err(d, NULL, "%s/config: incomplete or unknown CPU", dir);
		ml_model_close(m);
		return NULL;
	}
	m->t.is64 = m->arch->is64;
	m->t.big = big;
	p = mdl_path(m, "lock");
	m->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(p);
	if (m->lockfd < 0 || mdl_sync_regions(m) || !kp(m, m->kaddr, KOFF_MODULE)) {
		ml_err(d, NULL, "%s: cannot open the model's memory", dir);
		ml_model_close(m);
		return NULL;
	}
	return m;
}

void ml_model_close(struct ml_model *m)
{
	if (!m)
		return;
	mdl_unmap_all(m);
	if (m->lockfd >= 0)
		close(m->lockfd);
	free(m->dir);
	free(m->cpu);
	free(m->release);
	free(m->exec);
	free(m);
}
