// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modinfo's formatting (modutils 2.4 modinfo(8)).  A format is read line by line (a
 * line ends after a newline, written as such or as the escape \n).  %{tag} is the
 * first value of that .modinfo tag, or <none>; author, description and license are
 * printed in double quotes with embedded newlines as "\n  " so that the output stays
 * parseable; %{filename} (%n) is always there.  A line naming %{parm} (%p) is printed
 * once per parameter, with the typed description of each, and not at all for a
 * module without parameters.
 *
 * Modern objects (2.6 and later .ko) keep their parameters as parmtype=NAME:TYPE and
 * parm=NAME:DESCRIPTION, and list aliases as alias=; a line naming %{alias} is printed
 * once per alias (an extension: 2.4 modules had no aliases).
 */
#include "modconf/modconf-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAG_LEN 128

static int escape(int c)
{
	switch (c) {
	case 'a':
		return '\a';
	case 'v':
		return '\v';
	case 'b':
		return '\b';
	case 'e':
	case 'E':
		return '\033';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return c;
	}
}

int ml_modinfo_check_format(const char *fmt, struct ml_diags *d)
{
	for (const char *p = fmt; *p;) {
		if (*p != '%') {
			if (*p == '\\' && p[1])
				p++;
			p++;
			continue;
		}
		if (!*++p) {
			ml_err(d, NULL, "missing replacement");
			return -EINVAL;
		}
		switch (*p++) {
		case '%':
		case 'a':
		case 'd':
		case 'n':
		case 'l':
		case 'p':
			break;
		case '{': {
			const char *end = strchr(p, '}');

			if (!end) {
				ml_err(d, NULL, "unterminated %%{...} construct");
				return -EINVAL;
			}
			if (end - p > MAX_TAG_LEN - 1) {
				ml_err(d, NULL, "%%{...} construct is too large");
				return -EINVAL;
			}
			p = end + 1;
			break;
		}
		default:
			ml_err(d, NULL, "%c: unknown replacement", p[-1]);
			return -EINVAL;
		}
	}
	return 0;
}

static bool is_modern(const struct ml_obj *o)
{
	return ml_obj_find_section(o, ".gnu.linkonce.this_module") >= 0 ||
	       ml_modinfo_get(o, "vermagic") != NULL;
}

const char *ml_modinfo_default_format(const struct ml_obj *o)
{
	if (is_modern(o))
		return "filename:    %n\ndescription: %d\nauthor:      %a\nlicense:     %l\n"
		       "vermagic:    %{vermagic}\ndepends:     %{depends}\nalias:       %{alias}\n"
		       "parm:        %p\n";
	return "filename:    %n\ndescription: %d\nauthor:      %a\nlicense:     %l\n"
	       "parm:        %p\n";
}

/* A value possibly spanning lines: quoted, further lines indented by two spaces. */
static void quoted(struct ml_buf *b, const char *v)
{
	ml_buf_add(b, "\"", 1);
	for (; *v; v++) {
		ml_buf_add(b, v, 1);
		if (*v == '\n')
			ml_buf_add(b, "  ", 2);
	}
	ml_buf_add(b, "\"", 1);
}

static void tag_value(struct ml_buf *b, const struct ml_obj *o, const char *filename,
		      const char *tag)
{
	const char *v = !strcmp(tag, "filename") ? filename : ml_modinfo_get(o, tag);

	if (!v)
		ml_buf_printf(b, "<none>");
	else if (!strcmp(tag, "author") || !strcmp(tag, "description") || !strcmp(tag, "license"))
		quoted(b, v);
	else
		ml_buf_printf(b, "%s", v);
}

/* One 2.4 parameter: "NAME TYPE[ persistent][ array (min = m, max = n)][, description]". */
static void param24(struct ml_buf *b, const struct ml_obj *o, const char *name, const char *type,
		    const char *desc)
{
	const char *p = type;
	unsigned long min = 1, max = 1;
	char *end;

	if (ml_obj_find_symbol(o, name) < 0)
		ml_buf_printf(b, "warning: symbol for parameter %s not found\n", name);
	if (isdigit((unsigned char)*p)) {
		min = strtoul(p, &end, 10);
		p = end;
		max = min;
		if (*p == '-') {
			max = strtoul(p + 1, &end, 10);
			p = end;
		}
	}
	if (max < min)
		ml_buf_printf(b, "warning: parameter %s has max < min!\n", name);
	ml_buf_printf(b, "%s ", name);
	switch (*p) {
	case 'c':
		ml_buf_printf(b, "char");
		if (!isdigit((unsigned char)p[1]))
			ml_buf_printf(b, " *** missing string size ***");
		while (isdigit((unsigned char)p[1]))
			p++;
		break;
	case 'b':
		ml_buf_printf(b, "byte");
		break;
	case 'h':
		ml_buf_printf(b, "short");
		break;
	case 'i':
		ml_buf_printf(b, "int");
		break;
	case 'l':
		ml_buf_printf(b, "long");
		break;
	case 's':
		ml_buf_printf(b, "string");
		break;
	case '\0':
		ml_buf_printf(b, "no format character!");
		return;
	default:
		ml_buf_printf(b, "unknown format character '%c'", *p);
		return;
	}
	switch (*++p) {
	case 'p':
		ml_buf_printf(b, " persistent%s", p[-1] == 's' ? " (invalid)" : "");
		break;
	case '\0':
		break;
	default:
		ml_buf_printf(b, " unknown format modifier '%c'", *p);
		break;
	}
	if (min > 1 || max > 1)
		ml_buf_printf(b, " array (min = %lu, max = %lu)", min, max);
	if (desc && *desc) {
		ml_buf_printf(b, ", description ");
		quoted(b, desc);
	}
}

/* The parameters: 2.4 parm_NAME=TYPE, or modern parmtype=NAME:TYPE / parm=NAME:DESC. */
struct param {
	char *name, *type, *desc;
};

static size_t params(const struct ml_obj *o, struct param **out, struct ml_diags *d,
		     const char *filename)
{
	struct param *v = NULL;
	size_t n = 0, pos = 0;
	const char *s;
	bool modern = is_modern(o);

	while ((s = ml_modinfo_next(o, &pos))) {
		const char *eq = strchr(s, '=');
		char *name = NULL, *type = NULL, *desc = NULL;

		if (!modern) {
			if (strncmp(s, "parm_", 5) || !strncmp(s, "parm_desc_", 10))
				continue;
			if (!eq) {
				ml_err(d, filename, "parameter %s found with no value", s);
				continue;
			}
			name = ml_xstrndup(s + 5, (size_t)(eq - s - 5));
			type = ml_xstrdup(eq + 1);
			char *dk = ml_xasprintf("parm_desc_%s", name);
			const char *dv = ml_modinfo_get(o, dk);

			desc = dv ? ml_xstrdup(dv) : NULL;
			free(dk);
		} else {
			bool istype = !strncmp(s, "parmtype=", 9);
			const char *colon;
			size_t i;

			if (!istype && strncmp(s, "parm=", 5))
				continue;
			s += istype ? 9 : 5;
			colon = strchr(s, ':');
			if (!colon)
				continue;
			for (i = 0; i < n; i++)
				if (strlen(v[i].name) == (size_t)(colon - s) &&
				    !strncmp(v[i].name, s, (size_t)(colon - s)))
					break;
			if (i == n) {
				v = ml_xrealloc(v, (n + 1) * sizeof(*v));
				memset(&v[n], 0, sizeof(*v));
				v[n++].name = ml_xstrndup(s, (size_t)(colon - s));
			}
			if (istype && !v[i].type)
				v[i].type = ml_xstrdup(colon + 1);
			else if (!istype && !v[i].desc)
				v[i].desc = ml_xstrdup(colon + 1);
			continue;
		}
		v = ml_xrealloc(v, (n + 1) * sizeof(*v));
		v[n].name = name;
		v[n].type = type;
		v[n].desc = desc;
		n++;
	}
	*out = v;
	return n;
}

static void param_text(struct ml_buf *b, const struct ml_obj *o, const struct param *p)
{
	if (!is_modern(o)) {
		param24(b, o, p->name, p->type, p->desc);
		return;
	}
	ml_buf_printf(b, "%s", p->name);
	if (p->type)
		ml_buf_printf(b, " %s", p->type);
	if (p->desc && *p->desc) {
		ml_buf_printf(b, ", description ");
		quoted(b, p->desc);
	}
}

/* Render one line of the format (up to and including its newline). */
static const char *line(struct ml_buf *b, const struct ml_obj *o, const char *filename,
			const char *fmt, const struct param *p, const char *alias)
{
	while (*fmt) {
		if (*fmt != '%') {
			int c = *fmt == '\\' && fmt[1] ? escape(*++fmt) : *fmt;
			char ch = (char)c;

			fmt++;
			ml_buf_add(b, &ch, 1);
			if (c == '\n')
				break;
			continue;
		}
		fmt++;
		switch (*fmt++) {
		case '%':
			ml_buf_add(b, "%", 1);
			break;
		case 'a':
			tag_value(b, o, filename, "author");
			break;
		case 'd':
			tag_value(b, o, filename, "description");
			break;
		case 'n':
			tag_value(b, o, filename, "filename");
			break;
		case 'l':
			tag_value(b, o, filename, "license");
			break;
		case 'p':
			if (p)
				param_text(b, o, p);
			break;
		case '{': {
			const char *end = strchr(fmt, '}');
			char *tag = ml_xstrndup(fmt, (size_t)(end - fmt));

			if (!strcmp(tag, "parm")) {
				if (p)
					param_text(b, o, p);
			} else if (!strcmp(tag, "alias") && alias) {
				ml_buf_printf(b, "%s", alias);
			} else {
				tag_value(b, o, filename, tag);
			}
			free(tag);
			fmt = end + 1;
			break;
		}
		default:
			break;
		}
	}
	return fmt;
}

/* Where the current line ends, and whether it names %p / %{parm} or %{alias}. */
static const char *line_end(const char *fmt, bool *parm, bool *alias)
{
	*parm = *alias = false;
	while (*fmt) {
		if (*fmt == '\\' && fmt[1]) {
			fmt += 2;
			if (fmt[-1] == 'n')
				break;
			continue;
		}
		if (*fmt == '%' && fmt[1]) {
			if (fmt[1] == 'p')
				*parm = true;
			else if (!strncmp(fmt + 1, "{parm}", 6))
				*parm = true;
			else if (!strncmp(fmt + 1, "{alias}", 7))
				*alias = true;
			fmt += 2;
			continue;
		}
		if (*fmt++ == '\n')
			break;
	}
	return fmt;
}

int ml_modinfo_format(const struct ml_obj *o, const char *filename, const char *fmt,
		      struct ml_buf *out, struct ml_diags *d)
{
	struct param *pv = NULL;
	size_t np = 0;
	bool have_params = false;

	if (ml_modinfo_check_format(fmt, d))
		return -EINVAL;
	while (*fmt) {
		bool parm, alias;
		const char *end = line_end(fmt, &parm, &alias);

		if (parm) {
			if (!o->has_modinfo) {
				ml_err(d, filename, "module does not support typed parameters");
			} else {
				if (!have_params) {
					np = params(o, &pv, d, filename);
					have_params = true;
				}
				for (size_t i = 0; i < np; i++)
					line(out, o, filename, fmt, &pv[i], NULL);
			}
		} else if (alias) {
			size_t pos = 0;
			const char *s;

			while ((s = ml_modinfo_next(o, &pos)))
				if (!strncmp(s, "alias=", 6))
					line(out, o, filename, fmt, NULL, s + 6);
		} else {
			line(out, o, filename, fmt, NULL, NULL);
		}
		fmt = end;
	}
	for (size_t i = 0; i < np; i++) {
		free(pv[i].name);
		free(pv[i].type);
		free(pv[i].desc);
	}
	free(pv);
	return 0;
}
