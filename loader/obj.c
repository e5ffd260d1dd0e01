// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The object model and its edits: an object's sections, symbols, name
 * table, strings and patches, created, looked up, grown and freed.  Every
 * other loader room builds on these; this room calls none of them (the
 * reader fills a model through it, the later steps edit it through it).
 * A section's load-order priority is set here, as it is read or created,
 * because modutils fixed it then (loader/layout.c replays the order).
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void sec_free(struct ml_section *s)
{
	if (!s)
		return;
	if (!s->name_borrowed)
		free(s->name);
	if (!s->borrowed)
		free(s->data);
	if (!s->rels_borrowed)
		free(s->rels);
	if (!s->in_block)
		free(s);
}

void ml_obj_free(struct ml_obj *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nsecs; i++)
		sec_free(o->secs[i]);
	if (o->out_map)
		munmap(o->out_map, o->out_len);
	for (size_t i = 0; i < o->nsyms; i++)
		if (!o->syms[i].name_borrowed)
			free(o->syms[i].name);
	free(o->canon);
	free(o->nameent);
	free(o->relref);
	free(o->secs);
	free(o->secblock);
	free(o->syms);
	for (size_t i = 0; i < o->nstubs; i++)
		free(o->stubs[i].key);
	free(o->stubs);
	free(o->patches);
	free(o->order);
	free(o->modinfo);
	if (o->file_mapped)
		munmap(o->file, o->filelen);
	else if (!o->file_borrowed)
		free(o->file);
	free(o->path);
	ml_hash_free(&o->names);
	ml_hash_free(&o->locals);
	ml_hash_free(&o->stubidx);
	free(o);
}

int ml_obj_find_section(const struct ml_obj *o, const char *name)
{
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i] && o->secs[i]->name && !strcmp(o->secs[i]->name, name))
			return (int)i;
	return -1;
}

long ml_obj_find_symbol(const struct ml_obj *o, const char *name)
{
	void *v = ml_hash_get(&o->names, name, strlen(name));

	if (!v && !o->locals_built) {
		/* A cache: built once, on the first miss (most lookups are of globals). */
		struct ml_obj *w = (struct ml_obj *)o;

		ml_hash_init(&w->locals, o->nlocals);
		for (size_t i = 1; i < o->nfilesyms; i++) {
			const struct ml_symbol *s = &o->syms[i];

			if (s->bind == STB_LOCAL && *s->name && s->type != STT_SECTION &&
			    s->type != STT_FILE &&
			    !ml_hash_get(&w->locals, s->name, strlen(s->name)))
				ml_hash_put(&w->locals, s->name, strlen(s->name),
					    (void *)(uintptr_t)(i + 1));
		}
		w->locals_built = true;
	}
	if (!v && o->locals.nb)
		v = ml_hash_get(&o->locals, name, strlen(name));
	return v ? (long)((uintptr_t)v - 1) : -1;
}

/* A new section named name (copied, unless it lies in the file image). */
struct ml_section *ml_obj_new_section(struct ml_obj *o, const char *name)
{
	struct ml_section *s;

	/* The file's sections come from one block (read_sections sizes it). */
	if (o->nsecblock < o->secblockcap) {
		s = &o->secblock[o->nsecblock++];
		s->in_block = true;
	} else {
		s = ml_xcalloc(1, sizeof(*s));
	}
	s->name_borrowed = ml_obj_in_file(o, name);
	s->name = s->name_borrowed ? (char *)name : ml_xstrdup(name);
	if (o->nsecs == o->seccap) {
		o->seccap = o->seccap ? 2 * o->seccap : 16;
		o->secs = ml_xrealloc(o->secs, o->seccap * sizeof(*o->secs));
	}
	o->secs[o->nsecs++] = s;
	return s;
}

/*
 * modutils' load-order priority: init sections (".text.init", ".data.init",
 * names of exactly ten characters ending in ".init") go last; then
 * allocated before not, code before data, read-only before writable, data
 * before bss, and .got next to the small data.
 */
static int priority(const struct ml_section *s)
{
	size_t n = strlen(s->name);
	int p = 0;

	if (!(n == 10 && s->name[0] == '.' && !strcmp(s->name + 5, ".init")))
		p += 64;
	if (s->flags & SHF_ALLOC)
		p += 32;
	if (s->flags & SHF_EXECINSTR)
		p += 16;
	if (!(s->flags & SHF_WRITE))
		p += 8;
	if (s->type != SHT_NOBITS)
		p += 4;
	if (!strcmp(s->name, ".got"))
		p += 2;
	return p;
}

void ml_compute_priorities(struct ml_obj *o)
{
	for (size_t i = 0; i < o->nsecs; i++)
		if (!o->secs[i]->prio)
			o->secs[i]->prio = priority(o->secs[i]) + 1; /* 0 = not yet set */
}

size_t ml_obj_add_section(struct ml_obj *o, const char *name, uint32_t type, uint64_t flags,
			  uint64_t align, uint64_t size)
{
	struct ml_section *s = ml_obj_new_section(o, name);

	s->type = type;
	s->flags = flags;
	s->align = align ? align : 1;
	s->size = size;
	s->data = ml_xcalloc(1, size);
	s->load = (flags & SHF_ALLOC) != 0;
	ml_compute_priorities(o);
	return o->nsecs - 1;
}

uint64_t ml_obj_extend_section(struct ml_obj *o, size_t sec, uint64_t n)
{
	struct ml_section *s = o->secs[sec];
	uint64_t old = s->size;

	if (s->borrowed) {
		unsigned char *own = ml_xmalloc(old + n ? old + n : 1);

		memcpy(own, s->data, old);
		s->data = own;
		s->borrowed = false;
	}
	s->data = ml_xrealloc(s->data, old + n ? old + n : 1);
	memset(s->data + old, 0, n);
	s->size = old + n;
	return old;
}

uint32_t ml_obj_add_symbol(struct ml_obj *o, const char *name, int sec, uint64_t value,
			   unsigned char bind, unsigned char type, uint64_t size)
{
	void *v = ml_hash_get(&o->names, name, strlen(name));
	long old = v ? (long)((uintptr_t)v - 1) : -1;
	uint32_t idx;

	free(o->canon); /* the name table changes */
	o->canon = NULL;
	o->ncanon = 0;
	if (old >= 0 && o->syms[old].sec == ML_SEC_UNDEF) {
		/* Defining a name the object left undefined. */
		idx = (uint32_t)old;
	} else {
		idx = ml_obj_push_symbol(o);
		o->syms[idx].name = ml_xstrdup(name);
	}
	o->syms[idx].sec = sec;
	o->syms[idx].value = value;
	o->syms[idx].bind = bind;
	o->syms[idx].type = type;
	o->syms[idx].size = size;
	if (old < 0) {
		/* Newest first within a bucket, as modutils' chains are. */
		o->syms[idx].seq = ++o->seq;
		ml_hash_put(&o->names, o->syms[idx].name, strlen(name),
			    (void *)(uintptr_t)(idx + 1));
	}
	return idx;
}

uint64_t ml_obj_add_string(struct ml_obj *o, const char *s)
{
	size_t n = strlen(s) + 1;
	uint64_t off;

	if (o->kstrtab_sec < 0) {
		o->kstrtab_sec = ml_obj_find_section(o, ".kstrtab");
		if (o->kstrtab_sec >= 0 && !o->secs[o->kstrtab_sec]->load)
			o->kstrtab_sec = -1;
	}
	if (o->kstrtab_sec < 0)
		o->kstrtab_sec = (int)ml_obj_add_section(o, ".kstrtab", SHT_PROGBITS, SHF_ALLOC, 1,
							 0);
	off = ml_obj_extend_section(o, (size_t)o->kstrtab_sec, n);
	memcpy(o->secs[o->kstrtab_sec]->data + off, s, n);
	return off;
}

static struct ml_patch *new_patch(struct ml_obj *o, size_t sec, uint64_t off)
{
	struct ml_patch *p;

	o->patches = ml_xrealloc(o->patches, (o->npatches + 1) * sizeof(*o->patches));
	p = &o->patches[o->npatches++];
	memset(p, 0, sizeof(*p));
	p->sec = sec;
	p->off = off;
	return p;
}

void ml_obj_patch_string(struct ml_obj *o, size_t sec, uint64_t off, const char *s)
{
	uint64_t so = ml_obj_add_string(o, s);
	struct ml_patch *p = new_patch(o, sec, off);

	p->is_string = true;
	p->str_off = so;
}

void ml_obj_patch_symbol(struct ml_obj *o, size_t sec, uint64_t off, uint32_t sym)
{
	new_patch(o, sec, off)->sym = sym;
}

uint64_t ml_obj_symbol_value(const struct ml_obj *o, const struct ml_symbol *s)
{
	if (s->sec >= 0)
		return o->secs[s->sec]->addr + s->value;
	if (s->sec == ML_SEC_EXTERN)
		return s->ext->value;
	if (s->sec == ML_SEC_ABS)
		return s->value;
	return 0; /* undefined weak */
}
