// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module parameters, as 2.4's MODULE_PARM describes them in .modinfo:
 * "parm_<var>=[min[-max]]T[p]" with T one of b h i l s c<N>.  Values are
 * written into the object's section bytes before relocation; string
 * pointers become patches to copies in .kstrtab, written after relocation.
 */
#include "loader/loader-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *ml_parm_type_parse(const char *fmt, struct ml_parm_type *pt, char *bad)
{
	char *end;

	memset(pt, 0, sizeof(*pt));
	pt->min = pt->max = 1;
	if (isdigit((unsigned char)*fmt)) {
		pt->min = strtol(fmt, &end, 10);
		fmt = end;
		if (*fmt == '-') {
			pt->max = strtol(fmt + 1, &end, 10);
			fmt = end;
		} else {
			pt->max = pt->min;
		}
	}
	if (!*fmt)
		return "no format character";
	pt->t = *fmt++;
	switch (pt->t) {
	case 'b':
	case 'h':
	case 'i':
	case 'l':
	case 's':
		break;
	case 'c':
		if (!isdigit((unsigned char)*fmt))
			return "no size after 'c'";
		pt->csize = strtol(fmt, &end, 10);
		fmt = end;
		break;
	default:
		*bad = pt->t;
		return "unknown format character";
	}
	if (*fmt == 'p') {
		pt->persist = true;
		fmt++;
	}
	if (*fmt) {
		*bad = *fmt;
		return "unknown format modifier";
	}
	return NULL;
}

unsigned ml_parm_type_size(const struct ml_target *t, const struct ml_parm_type *pt)
{
	switch (pt->t) {
	case 'b':
		return 1;
	case 'h':
		return 2;
	case 'i':
		return 4;
	case 'c':
		return (unsigned)pt->csize;
	default: /* l, s: a long or a pointer */
		return ml_wordsize(t);
	}
}

int ml_params_check(struct ml_obj *o, struct ml_diags *d)
{
	size_t pos = 0;
	const char *s;
	int err = 0;

	while ((s = ml_modinfo_next(o, &pos))) {
		struct ml_parm_type pt;
		const char *eq, *why;
		char bad = 0, *name;

		if (strncmp(s, "parm_", 5) || !strncmp(s, "parm_desc_", 10))
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			ml_err(d, o->fname, "parameter %s found with no value", s + 5);
			err = -EINVAL;
			continue;
		}
		name = ml_xstrndup(s + 5, (size_t)(eq - s - 5));
		why = ml_parm_type_parse(eq + 1, &pt, &bad);
		if (ml_obj_find_symbol(o, name) < 0)
			ml_warn(d, NULL, "Warning: %s symbol for parameter %s not found", o->fname,
				name);
		if (why && bad)
			ml_warn(d, NULL, "%s parameter %s has %s '%c'", o->fname, name, why, bad);
		else if (why)
			ml_warn(d, NULL, "%s parameter %s has %s!", o->fname, name, why);
		else if (pt.max < pt.min)
			ml_warn(d, NULL, "Warning: %s parameter %s has max < min!", o->fname, name);
		else if (pt.persist && pt.t == 's') {
			ml_err(d, o->fname, "parameter %s is invalid persistent string", name);
			err = -EINVAL;
		}
		free(name);
	}
	return err;
}

/* One string element: C-quoted, or raw up to the next comma. */
static bool take_string(const char **in, char **out)
{
	const char *p = *in;
	struct ml_buf b = { 0 };

	if (*p != '"') {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		*out = ml_xstrndup(p, n);
		*in = p + n;
		return true;
	}
	for (p++; *p != '"'; p++) {
		char c = *p;

		if (!c) {
			ml_buf_free(&b);
			return false;
		}
		if (c == '\\') {
			c = *++p;
			switch (c) {
			case 'a':
				c = '\a';
				break;
			case 'b':
				c = '\b';
				break;
			case 'e':
				c = '\033';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 0:
				ml_buf_free(&b);
				return false;
			default:
				if (c >= '0' && c <= '7') {
					int v = c - '0';

					for (int k = 0; k < 2 && p[1] >= '0' && p[1] <= '7'; k++)
						v = v * 8 + (*++p - '0');
					c = (char)v;
				}
			}
		}
		ml_buf_add(&b, &c, 1);
	}
	*in = p + 1;
	*out = b.p ? b.p : ml_xstrdup("");
	return true;
}

/*
 * The type of parameter key, from its parm_ tag in .modinfo (an object
 * without .modinfo, of 2.0/2.2, has none: a number or a string, any
 * count).  1: found; 0: no such parameter, ignored (not required); or
 * -EINVAL, reported.
 */
static int param_type(const struct ml_obj *o, const char *key, const char *input, bool required,
		      struct ml_parm_type *pt, struct ml_diags *d)
{
	const char *fmt;
	char *mk, bad = 0;

	if (!o->has_modinfo) {
		memset(pt, 0, sizeof(*pt));
		pt->t = isdigit((unsigned char)*input) ? 'i' : 's';
		pt->min = pt->max = 0; /* 2.0/2.2 objects: no count limits */
		return 1;
	}
	mk = ml_xasprintf("parm_%s", key);
	fmt = ml_modinfo_get(o, mk);
	if (!fmt) {
		if (required)
			ml_err(d, o->fname, "invalid parameter %s", mk);
		else
			ml_info(d, o->fname, "ignoring %s", mk);
		free(mk);
		return required ? -EINVAL : 0;
	}
	free(mk);
	if (ml_parm_type_parse(fmt, pt, &bad)) {
		if (pt->t == 'c')
			ml_err(d, o->fname,
			       "parameter type 'c' for %s must be followed by the maximum size",
			       key);
		else if (bad || pt->t)
			ml_err(d, o->fname, "unknown parameter type '%c' for %s", bad ? bad : pt->t,
			       key);
		else
			ml_err(d, o->fname,
			       "unknown parameter type '' for %s (no type letter in parm_%s)", key,
			       key);
		return -EINVAL;
	}
	return 1;
}

/*
 * One element, read from *input (left just past it) and stored at off in
 * section sec: a number written in place, a c<N> string copied in place,
 * an s string as a patch to a copy in .kstrtab.  False: reported.
 */
static bool param_store(struct ml_obj *o, const char *key, const char **input,
			const struct ml_parm_type *pt, size_t sec, uint64_t off, unsigned size,
			struct ml_diags *d)
{
	unsigned char *at = o->secs[sec]->data + off;

	if (pt->t == 's' || pt->t == 'c') {
		char *str = NULL;

		if (!take_string(input, &str)) {
			ml_err(d, o->fname, "improperly terminated string argument for %s", key);
			return false;
		}
		if (pt->t == 's') {
			ml_obj_patch_string(o, sec, off, str);
		} else {
			/* c<N>: N bytes with the NUL, so N-1 characters fit. */
			if ((long)strlen(str) >= pt->csize) {
				ml_err(d, o->fname, "string too long for %s (max %ld)", key,
				       pt->csize - 1);
				free(str);
				return false;
			}
			memset(at, 0, size);
			memcpy(at, str, strlen(str));
		}
		free(str);
		return true;
	}
	char *end;
	uint64_t v;

	errno = 0;
	v = **input == '-' ? (uint64_t)strtoll(*input, &end, 0) : strtoull(*input, &end, 0);
	if (end == *input) {
		ml_err(d, o->fname, "invalid argument syntax for %s: '%c'", key, **input);
		return false;
	}
	*input = end;
	ml_putn(&o->tgt, at, size, v);
	return true;
}

/* The comma-separated values into symbol s's bytes, within the type's count limits.  False: reported. */
static bool param_values(struct ml_obj *o, const char *key, const char *input,
			 const struct ml_parm_type *pt, const struct ml_symbol *s,
			 struct ml_diags *d)
{
	const struct ml_section *sec = o->secs[s->sec];
	uint64_t off = s->value;
	long n = 1;

	while (*input) {
		unsigned size = ml_parm_type_size(&o->tgt, pt);

		if (off > sec->size || size > sec->size - off) {
			struct ml_loc loc = { .file = o->fname,
					      .section = sec->name,
					      .offset = (long long)off,
					      .symbol = key };

			ml_diag(d, ML_ERR, &loc,
				"value %ld of parameter %s lies outside its section", n, key);
			return false;
		}
		if (!param_store(o, key, &input, pt, (size_t)s->sec, off, size, d))
			return false;
		off += size;
		while (*input && isspace((unsigned char)*input))
			input++;
		if (!*input)
			break;
		if (*input != ',') {
			ml_err(d, o->fname, "invalid argument syntax for %s: '%c'", key, *input);
			return false;
		}
		if (pt->max && ++n > pt->max) {
			ml_err(d, o->fname, "too many values for %s (max %ld)", key, pt->max);
			return false;
		}
		input++;
	}
	if (pt->min && n < pt->min) {
		ml_err(d, o->fname, "too few values for %s (min %ld)", key, pt->min);
		return false;
	}
	return true;
}

int ml_param_apply(struct ml_obj *o, const char *arg, bool required, struct ml_diags *d)
{
	const char *eq = strchr(arg, '=');
	struct ml_parm_type pt;
	const struct ml_symbol *s;
	long sym;
	char *key;
	int err;

	if (!eq)
		return 0; /* modutils ignores words without '=' */
	key = ml_xstrndup(arg, (size_t)(eq - arg));
	err = param_type(o, key, eq + 1, required, &pt, d);
	if (err <= 0)
		goto out;
	sym = ml_obj_find_symbol(o, key);
	s = sym >= 0 ? &o->syms[sym] : NULL;
	err = -EINVAL;
	if (!s || s->sec < 0 || !o->secs[s->sec]->data)
		ml_err(d, o->fname, "symbol for parameter %s not found", key);
	else if (param_values(o, key, eq + 1, &pt, s, d))
		err = 0;
out:
	free(key);
	return err;
}
