// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a relocatable object into the object model: the file mapped or
 * read (through zlib, so .o.gz too), the ELF header checked by hand so the
 * message can say exactly what is wrong, then libelf parses the section
 * headers; loader/readsym.c reads the symbols and relocations.  Section
 * bytes are used raw, in place where the file image allows, and only ever
 * touched through the target access helpers.  The input may be hostile:
 * every index and size is checked before use, and every problem found is
 * reported, not only the first.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static bool check_elf_header(struct ml_obj *o, const unsigned char *b, size_t len,
			     struct ml_diags *d)
{
	const char *f = o->fname;
	unsigned char cls, data;
	uint16_t type, machine;

	if (len < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG)) {
		ml_err(d, NULL, "%s is not an ELF file", f);
		return false;
	}
	cls = b[EI_CLASS];
	data = b[EI_DATA];
	if ((cls != ELFCLASS32 && cls != ELFCLASS64) ||
	    (data != ELFDATA2LSB && data != ELFDATA2MSB) || b[EI_VERSION] != EV_CURRENT) {
		ml_err(d, NULL,
		       "ELF file %s not for this architecture (bad class, byte order or version in e_ident)",
		       f);
		return false;
	}
	if (len < (cls == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr))) {
		ml_err(d, NULL, "cannot read ELF header from %s (file is %zu bytes)", f, len);
		return false;
	}
	o->tgt.is64 = cls == ELFCLASS64;
	o->tgt.big = data == ELFDATA2MSB;
	type = ml_get16(&o->tgt, b + 16);
	machine = ml_get16(&o->tgt, b + 18);
	o->arch = ml_arch_find(machine, o->tgt.is64);
	if (!o->arch) {
		const struct ml_arch *other = ml_arch_find(machine, !o->tgt.is64);

		if (other)
			ml_err(d, NULL,
			       "ELF file %s not for this architecture: %s objects must be ELFCLASS%d, this one is ELFCLASS%d",
			       f, other->name, other->is64 ? 64 : 32, o->tgt.is64 ? 64 : 32);
		else
			ml_err(d, NULL,
			       "ELF file %s not for this architecture: machine %u is not supported",
			       f, machine);
		return false;
	}
	if ((o->tgt.big && !o->arch->allow_be) || (!o->tgt.big && !o->arch->allow_le)) {
		ml_err(d, NULL,
		       "ELF file %s not for this architecture: %s-endian %s objects are not supported",
		       f, o->tgt.big ? "big" : "little", o->arch->name);
		return false;
	}
	if (type != ET_REL) {
		ml_err(d, NULL, "ELF file %s not a relocatable object (e_type %u%s)", f, type,
		       type == ET_EXEC  ? ", an executable"
		       : type == ET_DYN ? ", a shared object"
					: "");
		return false;
	}
	return true;
}

static void read_modinfo(struct ml_obj *o)
{
	int mi = ml_obj_find_section(o, ".modinfo");

	if (mi < 0 || !o->secs[mi]->data)
		return;
	o->has_modinfo = true;
	o->modinfo_len = o->secs[mi]->size;
	o->modinfo = ml_xmalloc(o->modinfo_len + 1);
	memcpy(o->modinfo, o->secs[mi]->data, o->modinfo_len);
	o->modinfo[o->modinfo_len] = 0;
}

static int cmp_data(const void *a, const void *b)
{
	const unsigned char *x = (*(struct ml_section *const *)a)->data;
	const unsigned char *y = (*(struct ml_section *const *)b)->data;

	return x < y ? -1 : x > y;
}

/*
 * Sections used in place must not share bytes (a hostile file may make them
 * overlap): relocating one would change the other.  Such sections get copies.
 */
static void unshare_overlaps(struct ml_obj *o)
{
	struct ml_section **v = ml_xmalloc((o->nsecs + 1) * sizeof(*v));
	size_t n = 0;
	const unsigned char *end = NULL;

	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i]->borrowed)
			v[n++] = o->secs[i];
	qsort(v, n, sizeof(*v), cmp_data);
	for (size_t i = 0; i < n; i++) {
		struct ml_section *s = v[i];
		const unsigned char *e = s->data + s->size;

		if (end && s->data < end) {
			unsigned char *own = ml_xmalloc(s->size);

			memcpy(own, s->data, s->size);
			s->data = own;
			s->borrowed = false; /* the earlier one keeps the file's bytes */
		}
		if (!end || e > end)
			end = e;
	}
	free(v);
}

/* Room for the file's shnum sections (and the few insmod adds); false: reported. */
static bool section_table(struct ml_obj *o, Elf *elf, size_t *shnum, size_t *shstrndx,
			  struct ml_diags *d)
{
	if (elf_getshdrnum(elf, shnum) || elf_getshdrstrndx(elf, shstrndx)) {
		ml_err(d, NULL, "error reading ELF section headers %s: %s", o->fname,
		       elf_errmsg(-1));
		return false;
	}
	if (*shnum == 0) {
		ml_err(d, NULL, "error reading ELF section headers %s: no sections", o->fname);
		return false;
	}
	o->secblock = ml_xcalloc(*shnum, sizeof(*o->secblock));
	o->secblockcap = *shnum;
	o->seccap = *shnum + 4; /* room for the sections insmod adds */
	o->secs = ml_xrealloc(o->secs, o->seccap * sizeof(*o->secs));
	return true;
}

/* Section header i as a model section (its bytes are not read yet). */
static struct ml_section *section_header(struct ml_obj *o, Elf *elf, size_t i, size_t shstrndx,
					 const GElf_Shdr *sh, struct ml_diags *d)
{
	const char *name = i ? elf_strptr(elf, shstrndx, sh->sh_name) : "";
	struct ml_section *s;

	if (!name) {
		ml_err(d, NULL, "%s: section %zu: name offset 0x%x outside the section name table",
		       o->fname, i, sh->sh_name);
		name = "?";
	}
	s = ml_obj_new_section(o, name);
	s->type = sh->sh_type;
	s->flags = sh->sh_flags;
	s->size = sh->sh_size;
	s->align = sh->sh_addralign ? sh->sh_addralign : 1;
	s->entsize = sh->sh_entsize;
	s->link = sh->sh_link;
	s->info = sh->sh_info;
	if (s->align & (s->align - 1)) {
		ml_err(d, NULL, "%s: section %s: alignment %llu is not a power of two", o->fname,
		       name, (unsigned long long)s->align);
		s->align = 1;
	}
	/* .modinfo and .modstring are never loaded, whatever their flags. */
	if (!strcmp(name, ".modinfo") || !strcmp(name, ".modstring"))
		s->flags &= ~(uint64_t)SHF_ALLOC;
	return s;
}

/* A section's bytes: used in place when they lie in the file image, else copied. */
static bool section_bytes(struct ml_obj *o, Elf_Scn *scn, const GElf_Shdr *sh, struct ml_section *s,
			  struct ml_diags *d)
{
	Elf_Data *data = elf_rawdata(scn, NULL);

	if (!data || (sh->sh_size && (!data->d_buf || data->d_size != sh->sh_size))) {
		ml_err(d, NULL,
		       "error reading ELF section data %s: section %s (offset 0x%llx, size 0x%llx): %s",
		       o->fname, s->name, (unsigned long long)sh->sh_offset,
		       (unsigned long long)sh->sh_size, data ? "truncated" : elf_errmsg(-1));
		return false;
	}
	if (s->size && ml_obj_in_file(o, data->d_buf) &&
	    (const unsigned char *)data->d_buf + s->size <= o->file + o->filelen) {
		/* Used in place: the file image is ours (copy-on-write if mapped). */
		s->data = data->d_buf;
		s->borrowed = true;
	} else {
		s->data = ml_xmalloc(s->size ? s->size : 1);
		if (s->size)
			memcpy(s->data, data->d_buf, s->size);
	}
	return true;
}

/*
 * Section i into the model: its header, then its bytes if anything will
 * read them (loaded sections, .modinfo, an unloaded __ksymtab).  The
 * symbol table's index is noted in *symidx.  False: stop reading (reported).
 */
static bool read_section(struct ml_obj *o, Elf *elf, size_t i, size_t shstrndx, size_t *symidx,
			 struct ml_diags *d)
{
	Elf_Scn *scn = elf_getscn(elf, i);
	GElf_Shdr sh;
	struct ml_section *s;

	if (!scn || !gelf_getshdr(scn, &sh)) {
		ml_err(d, NULL, "error reading ELF section headers %s: section %zu: %s", o->fname,
		       i, elf_errmsg(-1));
		return false;
	}
	s = section_header(o, elf, i, shstrndx, &sh, d);
	switch (sh.sh_type) {
	case SHT_NULL:
	case SHT_GROUP:
		return true;
	case SHT_SYMTAB:
		if (*symidx) {
			ml_err(d, NULL, "%s: more than one symbol table", o->fname);
			return false;
		}
		*symidx = i;
		return true;
	case SHT_REL:
	case SHT_RELA:
	case SHT_STRTAB:
		return true;
	case SHT_NOBITS:
		s->load = (s->flags & SHF_ALLOC) != 0;
		if (s->load && s->size > (1ULL << 30)) {
			ml_err(d, NULL, "%s: section %s: size 0x%llx is absurd", o->fname, s->name,
			       (unsigned long long)s->size);
			return false;
		}
		return true;
	default:
		break;
	}
	s->load = (s->flags & SHF_ALLOC) != 0;
	if (!s->load && strcmp(s->name, ".modinfo") && strcmp(s->name, "__ksymtab"))
		return true; /* debug info, comments: never needed */
	return section_bytes(o, scn, &sh, s, d);
}

/* The whole object: sections, symbols, relocations, .modinfo.  False: stop (reported). */
static bool read_sections(struct ml_obj *o, Elf *elf, struct ml_diags *d)
{
	size_t shnum, shstrndx, symidx = 0;

	if (!section_table(o, elf, &shnum, &shstrndx, d))
		return false;
	for (size_t i = 0; i < shnum; i++)
		if (!read_section(o, elf, i, shstrndx, &symidx, d))
			return false;
	unshare_overlaps(o);
	if (!symidx) {
		ml_err(d, NULL, "%s: no symbol table", o->fname);
		return false;
	}
	if (!ml_read_symbols(o, elf, symidx, d))
		return false;
	for (size_t i = 0; i < shnum; i++)
		if (o->secs[i]->type == SHT_REL || o->secs[i]->type == SHT_RELA)
			ml_read_relocs(o, elf, i, d);
	read_modinfo(o);
	ml_compute_priorities(o);
	return true;
}

/* Who frees the file's bytes when the object goes. */
enum file_owner { FILE_OWNED, FILE_MAPPED, FILE_BORROWED };

static int load_image(const char *path, unsigned char *data, size_t len, enum file_owner how,
		      struct ml_obj **out, struct ml_diags *d)
{
	struct ml_obj *o = ml_xcalloc(1, sizeof(*o));
	unsigned nerr = d->nerr;
	Elf *elf;

	o->path = ml_xstrdup(path);
	o->fname = o->path;
	o->file = data;
	o->filelen = len;
	o->file_mapped = how == FILE_MAPPED;
	o->file_borrowed = how == FILE_BORROWED;
	o->got_sec = o->plt_sec = o->this_sec = o->kstrtab_sec = -1;
	*out = NULL;
	if (!check_elf_header(o, data, len, d)) {
		ml_obj_free(o);
		return -ENOEXEC;
	}
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, len);
	if (!elf) {
		ml_err(d, NULL, "cannot read ELF header from %s: %s", o->fname, elf_errmsg(-1));
		ml_obj_free(o);
		return -ENOEXEC;
	}
	read_sections(o, elf, d);
	elf_end(elf);
	if (d->nerr != nerr) {
		ml_obj_free(o);
		return -ENOEXEC;
	}
	*out = o;
	return 0;
}

int ml_obj_load_mem(const char *path, unsigned char *data, size_t len, struct ml_obj **out,
		    struct ml_diags *d)
{
	return load_image(path, data, len, FILE_OWNED, out, d);
}

/*
 * A plain (uncompressed) file is mapped privately rather than read: the
 * sections the kernel never loads (debug info, BTF, symbol and relocation
 * tables once parsed) are then never copied, and relocation writes only
 * the pages it touches (copy-on-write).  Compressed files are read and
 * decompressed whole.
 */
static unsigned char *map_plain(const char *path, size_t *len)
{
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 },
				   zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *p;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 16) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	if (!memcmp(p, xz, sizeof(xz)) || !memcmp(p, zst, sizeof(zst)) ||
	    (p[0] == 0x1f && p[1] == 0x8b)) {
		munmap(p, (size_t)st.st_size);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return p;
}

int ml_obj_load(const char *path, struct ml_obj **out, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	int err;

	*out = NULL;
	data = map_plain(path, &len);
	if (data)
		return load_image(path, data, len, FILE_MAPPED, out, d);
	err = ml_read_file(path, &data, &len, d);
	if (err)
		return err;
	return load_image(path, data, len, FILE_OWNED, out, d);
}

int ml_obj_load_into(const char *path, struct ml_buf *buf, struct ml_obj **out, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	bool owned;
	int err;

	*out = NULL;
	err = ml_read_file_into(path, buf, &data, &len, &owned, d);
	if (err)
		return err;
	return load_image(path, data, len, owned ? FILE_OWNED : FILE_BORROWED, out, d);
}
