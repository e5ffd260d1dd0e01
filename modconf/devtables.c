// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * depmod's map files: what one object says about the devices it drives, and the
 * files' headers.
 *
 * Device tables (MODULE_DEVICE_TABLE: __module_<type>_table pointing at an array of
 * <type>_id structures, __module_<type>_size giving their size) are read, as modutils
 * did, from a pseudo-relocated image: undefined symbols count as 0, the image sits at
 * 0x1000 laid out by modutils' rules, and the arrays are decoded in the module's own
 * word size and byte order.
 * Generic strings (MODULE_GENERIC_STRING) are .modstring's NUL-separated strings.
 */
#include "modconf/modconf-int.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#define PSEUDO_BASE 0x1000

/* .modstring: generic strings, NUL-separated; not kept by the loader, read here. */
static void generic_strings(struct ml_depmod_mod *m, const struct ml_obj *o, const char *sn,
			    struct ml_diags *d)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)o->file, o->filelen);
	if (!elf)
		return;
	if (elf_getshdrstrndx(elf, &shstrndx) == 0) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *name;
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
				continue;
			name = elf_strptr(elf, shstrndx, sh.sh_name);
			if (!name || strcmp(name, ".modstring"))
				continue;
			data = elf_rawdata(scn, NULL);
			if (!data || !data->d_buf)
				break;
			const char *p = data->d_buf, *end = p + data->d_size;

			while (p < end) {
				const char *z = memchr(p, 0, (size_t)(end - p));

				if (!z) {
					ml_err(d, o->fname, "unterminated generic string '%.*s'",
					       (int)(end - p), p);
					break;
				}
				if (z > p) {
					char *line = ml_xasprintf("%-20s %s\n", sn, p);

					ml_words_add(&m->maps[ML_GEN_GENERIC_STRING], line);
					free(line);
				}
				p = z + 1;
			}
			break;
		}
	}
	elf_end(elf);
}

/* The bytes at image address a, n of them, or NULL if outside every loaded section. */
static const unsigned char *at(const struct ml_obj *o, uint64_t a, uint64_t n)
{
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];

		if (!s->load || !s->data || a < s->addr || n > s->size || a - s->addr > s->size - n)
			continue;
		return s->data + (a - s->addr);
	}
	return NULL;
}

/* Device tables: the field sizes of each <type>_id (0 = an unsigned long/pointer). */
struct table {
	const char *type;
	enum ml_genfile file;
	unsigned char fields[24];
	size_t nfields;
};

static const struct table tables[] = {
	{ "pci_device", ML_GEN_PCIMAP, { 4, 4, 4, 4, 4, 4, 0 }, 7 },
	{ "isapnp_device", ML_GEN_ISAPNPMAP, { 2, 2, 2, 2, 0 }, 5 },
	{ "isapnp_card",
	  ML_GEN_ISAPNPMAP,
	  { 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 },
	  19 },
	{ "usb_device", ML_GEN_USBMAP, { 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0 }, 12 },
	{ "parport_device", ML_GEN_PARPORTMAP, { 0 }, 1 },
	{ "ieee1394_device", ML_GEN_IEEE1394MAP, { 4, 4, 4, 4, 4, 0 }, 6 },
	{ "pnpbios_device", ML_GEN_PNPBIOSMAP, { 1, 1, 1, 1, 1, 1, 1, 1, 0 }, 9 },
};

static const char has_kernel_changed[] =
	"\n\tIt is likely that the kernel structure has changed, if so then\n\tyou probably need a new version of modutils to handle this kernel.\n\tCheck linux/Documentation/Changes.";

static uint64_t struct_layout(const struct table *t, unsigned ws, uint64_t *off)
{
	uint64_t o = 0, maxal = 1;

	for (size_t i = 0; i < t->nfields; i++) {
		unsigned sz = t->fields[i] ? t->fields[i] : ws;

		o = (o + sz - 1) & ~(uint64_t)(sz - 1);
		off[i] = o;
		o += sz;
		if (sz > maxal)
			maxal = sz;
	}
	return (o + maxal - 1) & ~(maxal - 1);
}

static bool table_end(const struct table *t, const uint64_t *v)
{
	switch (t->file) {
	case ML_GEN_USBMAP:
		return !v[1] && !v[5] && !v[8] && !v[11];
	case ML_GEN_ISAPNPMAP:
		return t->fields[0] == 0 ? !v[1] : !v[0];
	default:
		return !v[0];
	}
}

static void table_line(const struct table *t, const struct ml_obj *o, const char *sn,
		       const uint64_t *v, struct ml_buf *b)
{
	int w = (int)(2 * ml_wordsize(&o->tgt));

	switch (t->file) {
	case ML_GEN_PCIMAP:
		ml_buf_printf(b, "%-20s 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x 0x%0*llx\n", sn,
			      (unsigned)v[0], (unsigned)v[1], (unsigned)v[2], (unsigned)v[3],
			      (unsigned)v[4], (unsigned)v[5], w, (unsigned long long)v[6]);
		break;
	case ML_GEN_ISAPNPMAP:
		if (t->fields[0]) {
			ml_buf_printf(b,
				      "%-20s 0x%04x     0x%04x     0x%0*llx  0x%04x     0x%04x\n",
				      sn, (unsigned)v[0], (unsigned)v[1], w,
				      (unsigned long long)v[4], (unsigned)v[2], (unsigned)v[3]);
			break;
		}
		ml_buf_printf(b, "%-20s 0x%04x     0x%04x     0x%0*llx ", sn, (unsigned)v[1],
			      (unsigned)v[2], w, (unsigned long long)v[0]);
		for (size_t i = 0; i < 8; i++)
			if (v[3 + 2 * i])
				ml_buf_printf(b, " 0x%04x     0x%04x    ", (unsigned)v[3 + 2 * i],
					      (unsigned)v[4 + 2 * i]);
		ml_buf_printf(b, "\n");
		break;
	case ML_GEN_USBMAP:
		ml_buf_printf(
			b,
			"%-20s 0x%04x      0x%04x   0x%04x    0x%04x       0x%04x       0x%02x         0x%02x            0x%02x            0x%02x            0x%02x               0x%02x               0x%0*llx\n",
			sn, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2], (unsigned)v[3],
			(unsigned)v[4], (unsigned)v[5], (unsigned)v[6], (unsigned)v[7],
			(unsigned)v[8], (unsigned)v[9], (unsigned)v[10], w,
			(unsigned long long)v[11]);
		break;
	case ML_GEN_PARPORTMAP: {
		const unsigned char *s = at(o, v[0], 1);
		size_t n = 0;

		if (s)
			while (at(o, v[0] + n, 1) && s[n])
				n++;
		ml_buf_printf(b, "%-20s %.*s\n", sn, (int)(s ? n : 26),
			      s ? (const char *)s : "Start address of out range");
		break;
	}
	case ML_GEN_IEEE1394MAP:
		ml_buf_printf(b, "%-20s 0x%08x  0x%06x  0x%06x 0x%06x     0x%06x\n", sn,
			      (unsigned)v[0], (unsigned)v[1], (unsigned)v[2], (unsigned)v[3],
			      (unsigned)v[4]);
		break;
	case ML_GEN_PNPBIOSMAP: {
		char id[9];

		for (int i = 0; i < 8; i++)
			id[i] = (char)v[i];
		id[8] = 0;
		ml_buf_printf(b, "%-20s %s\n", sn, id);
		break;
	}
	default:
		break;
	}
}

/* The word a (local or global) symbol's value points at, in the pseudo image. */
static bool symbol_word(const struct ml_obj *o, const char *name, uint64_t *v)
{
	long s = ml_obj_find_symbol(o, name);
	const unsigned char *p;

	if (s < 0 || o->syms[s].sec < 0)
		return false;
	p = at(o, ml_obj_symbol_value(o, &o->syms[s]), ml_wordsize(&o->tgt));
	if (!p)
		return false;
	*v = ml_getword(&o->tgt, p);
	return true;
}

static void extract_table(struct ml_depmod_mod *m, const struct ml_obj *o, const char *sn,
			  const struct table *t, struct ml_diags *d)
{
	char *tn = ml_xasprintf("__module_%s_table", t->type);
	char *zn = ml_xasprintf("__module_%s_size", t->type);
	unsigned ws = ml_wordsize(&o->tgt);
	uint64_t off[24], size, given, addr;
	struct ml_buf b = { 0 };

	size = struct_layout(t, ws, off);
	if (!symbol_word(o, tn, &addr))
		goto out;
	if (symbol_word(o, zn, &given) && given != size) {
		ml_err(d, NULL, "Unexpected value (%llu) in '%s' for %s_size%s",
		       (unsigned long long)given, o->fname, t->type, has_kernel_changed);
		goto out;
	}
	for (unsigned n = 0; n < 100000; n++, addr += size) {
		const unsigned char *p = at(o, addr, size);
		uint64_t v[24];

		if (!p)
			break;
		for (size_t i = 0; i < t->nfields; i++)
			v[i] = ml_getn(&o->tgt, p + off[i], t->fields[i] ? t->fields[i] : ws);
		if (table_end(t, v))
			break;
		b.len = 0;
		table_line(t, o, sn, v, &b);
		ml_buf_add(&b, "", 1);
		ml_words_add(&m->maps[t->file], b.p);
	}
out:
	ml_buf_free(&b);
	free(tn);
	free(zn);
}

void ml_depmod_device_tables(struct ml_depmod_mod *m, struct ml_obj *o, struct ml_diags *d)
{
	char *sn = ml_modname(m->path);
	bool any = false;
	struct ml_diags quiet = { 0 };

	generic_strings(m, o, sn, d);
	for (size_t i = 0; i < ML_ARRAY_SIZE(tables); i++) {
		char *tn = ml_xasprintf("__module_%s_table", tables[i].type);

		any = any || ml_obj_find_symbol(o, tn) >= 0;
		free(tn);
	}
	if (!any)
		goto out;
	/* modutils' pseudo relocation: undefined symbols are 0, the image at 0x1000 */
	for (size_t i = 1; i < o->nsyms; i++)
		if (o->syms[i].sec == ML_SEC_UNDEF) {
			o->syms[i].sec = ML_SEC_ABS;
			o->syms[i].value = 0;
		}
	/*
	 * Laid out as modutils laid it out (insmod's rules: its COMMON order, its .got and
	 * .plt among the data): a table entry holding an address (a driver_data pointing
	 * at a COMMON variable) then reads what modutils' depmod printed.
	 */
	o->mu24 = true;
	if (ml_size_stubs(o, &quiet))
		goto fail;
	ml_allocate_commons(o);
	ml_layout(o);
	ml_set_base(o, PSEUDO_BASE);
	if (ml_relocate(o, NULL, &quiet))
		goto fail;
	for (size_t i = 0; i < ML_ARRAY_SIZE(tables); i++)
		extract_table(m, o, sn, &tables[i], d);
	goto out;
fail:
	ml_err(d, NULL, "%s: depmod obj_relocate failed", m->path);
out:
	ml_diags_free(&quiet);
	free(sn);
}

static const char *const map_headers[ML_GEN_COUNT] = {
	[ML_GEN_GENERIC_STRING] = "# module             id=string\n",
	[ML_GEN_PCIMAP] =
		"# pci module         vendor     device     subvendor  subdevice  class      class_mask driver_data\n",
	[ML_GEN_ISAPNPMAP] =
		"# isapnp module      cardvendor carddevice driver_data vendor     function   ...\n",
	[ML_GEN_USBMAP] =
		"# usb module         match_flags idVendor idProduct bcdDevice_lo bcdDevice_hi bDeviceClass bDeviceSubClass bDeviceProtocol bInterfaceClass bInterfaceSubClass bInterfaceProtocol driver_info\n",
	[ML_GEN_PARPORTMAP] = "# module             pattern\n",
	[ML_GEN_IEEE1394MAP] =
		"# ieee1394 module    match_flags vendor_id model_id specifier_id version\n",
	[ML_GEN_PNPBIOSMAP] = "# module             id\n",
};

const char *ml_depmod_map_header(enum ml_genfile which)
{
	return map_headers[which];
}
