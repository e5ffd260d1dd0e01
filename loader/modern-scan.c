// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A modern .ko's name, the symbols it needs and the symbols it exports, read
 * straight from its file without loading it: what a load order needs of a
 * module (batch/ reads a whole tree this way before linking any of it), at a
 * fraction of the cost of ml_obj_load(), which reads and checks every section.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The ELF of path: a plain ELF file is opened with ELF_C_READ, so libelf
 * reads only the headers and the sections asked for (the symbol and string
 * tables, .modinfo), a tenth of a typical module; a compressed one is read
 * and decompressed whole into buf (or a new buffer, *data, when *owned).
 * *fd is the open file of the first kind, else -1.
 */
static int scan_open(const char *path, struct ml_buf *buf, Elf **elf, int *fd, unsigned char **data,
		     bool *owned, struct ml_diags *d)
{
	unsigned char magic[4];
	size_t len = 0;
	int err;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd >= 0 && pread(*fd, magic, 4, 0) == 4 && !memcmp(magic, ELFMAG, SELFMAG)) {
		*elf = elf_begin(*fd, ELF_C_READ, NULL);
		return 0;
	}
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if ((err = ml_read_file_into(path, buf, data, &len, owned, d)))
		return err;
	*elf = elf_memory((char *)*data, len);
	return 0;
}

/* The last non-empty name= of a .modinfo section (an empty name= is no name). */
static void scan_modinfo(Elf_Scn *scn, char **name)
{
	Elf_Data *ed = elf_rawdata(scn, NULL);
	const char *p, *e;

	if (!ed || !ed->d_buf)
		return;
	p = ed->d_buf;
	e = p + ed->d_size;
	for (; p < e; p += strnlen(p, (size_t)(e - p)) + 1)
		if (memchr(p, 0, (size_t)(e - p)) && !strncmp(p, "name=", 5) && p[5]) {
			free(*name);
			*name = ml_xstrdup(p + 5);
		}
}

/* Each non-weak undefined name and each __ksymtab_NAME's NAME of a symbol table. */
static void scan_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			const struct ml_modern_scan *sc)
{
	Elf_Data *ed = elf_getdata(scn, NULL);
	struct ml_strtab strtab;

	if (!ed || !sh->sh_entsize)
		return;
	ml_strtab_get(elf, sh->sh_link, &strtab);
	for (size_t i = 1; i < sh->sh_size / sh->sh_entsize; i++) {
		GElf_Sym es;
		const char *nm;

		if (!gelf_getsym(ed, (int)i, &es) || !es.st_name)
			continue;
		if (GELF_ST_BIND(es.st_info) == STB_LOCAL && es.st_shndx == SHN_UNDEF)
			continue;
		nm = ml_strtab_at(elf, sh->sh_link, &strtab, es.st_name);
		if (!nm)
			continue;
		if (es.st_shndx == SHN_UNDEF && GELF_ST_BIND(es.st_info) != STB_WEAK)
			sc->add(sc->arg, false, nm);
		else if (es.st_shndx != SHN_UNDEF && !strncmp(nm, "__ksymtab_", 10))
			sc->add(sc->arg, true, nm + 10);
	}
}

int ml_modern_scan(const char *path, struct ml_buf *buf, struct ml_modern_scan *sc,
		   struct ml_diags *d)
{
	unsigned char *data = NULL;
	size_t shnum, shstrndx;
	bool owned = false;
	Elf_Scn *scn = NULL;
	Elf *elf = NULL;
	int fd, err = scan_open(path, buf, &elf, &fd, &data, &owned, d);

	if (err)
		return err;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrnum(elf, &shnum) ||
	    elf_getshdrstrndx(elf, &shstrndx)) {
		ml_err(d, NULL, "%s: not an ELF object", path);
		err = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *sn;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sn = elf_strptr(elf, shstrndx, sh.sh_name);
		/* the first .modinfo that names the module */
		if (sn && !strcmp(sn, ".modinfo") && sh.sh_type == SHT_PROGBITS && !sc->name)
			scan_modinfo(scn, &sc->name);
		if (sh.sh_type == SHT_SYMTAB)
			scan_symtab(elf, scn, &sh, sc);
	}
out:
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	if (owned)
		free(data);
	return err;
}
