// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The /proc files of the module subsystem, as 2.4 prints them:
 * /proc/modules (get_module_list: one page at most, cut where the next
 * piece would not fit), /proc/ksyms (get_ksyms_list) and
 * /proc/sys/kernel/tainted (DIR/tainted, which writers only ever or into).
 * They are read under the shared lock, on fresh mappings.
 */
#include "kernel/model/model-int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <sys/file.h>

/* One piece of /proc/modules text, if it still fits in the page. */
static bool piece(struct ml_buf *b, size_t *left, const char *str)
{
	size_t n = strlen(str);

	if (*left < n)
		return false;
	ml_buf_add(b, str, n);
	*left -= n;
	return true;
}

/* " [user user ...]": the modules on mod's refs list (r, its head). */
static bool refs_piece(struct ml_model *m, struct ml_buf *b, size_t *left, uint64_t mod, uint64_t r)
{
	unsigned ws = ml_wordsize(&m->t);
	int k = 0;

	if (!piece(b, left, " ["))
		return false;
	for (; r && k++ < WALK_MAX; r = kword(m, r + 2 * ws)) {
		if (k > 1 && !mdl_ref_ok(m, mod, r)) {
			mdl_stale_ref(m, "/proc/modules", mod, r);
			break;
		}
		if (k > 1 && !piece(b, left, " "))
			return false;
		if (!piece(b, left, mname(m, kword(m, r + ws))))
			return false;
	}
	return piece(b, left, "]");
}

/* One module's line; false when the page is full. */
static bool module_line(struct ml_model *m, struct ml_buf *b, size_t *left, uint64_t mod)
{
	uint64_t fl = mget(m, mod, ML_MF_FLAGS), r = mget(m, mod, ML_MF_REFS);
	const char *name = mname(m, mod);
	size_t nl = strlen(name);
	char tmp[64];

	if (!piece(b, left, name))
		return false;
	if (nl < 20) {
		snprintf(tmp, sizeof(tmp), "%*s", (int)(20 - nl), "");
		if (!piece(b, left, tmp))
			return false;
	}
	snprintf(tmp, sizeof(tmp), "%8" PRIu64, mget(m, mod, ML_MF_SIZE));
	if (!piece(b, left, tmp))
		return false;
	if (fl & ML_MOD_RUNNING) {
		bool cu = member_present(m, mod, ML_MF_CAN_UNLOAD) &&
			  mget(m, mod, ML_MF_CAN_UNLOAD);

		snprintf(tmp, sizeof(tmp), "%4ld", cu ? -1L : (long)usecount(m, mod));
		if (!piece(b, left, tmp))
			return false;
	}
	if (fl & ML_MOD_DELETED) {
		if (!piece(b, left, " (deleted)"))
			return false;
	} else if (fl & ML_MOD_RUNNING) {
		if ((fl & ML_MOD_AUTOCLEAN) && !piece(b, left, " (autoclean)"))
			return false;
		if (!(fl & ML_MOD_USED_ONCE) && !piece(b, left, " (unused)"))
			return false;
	} else if (!piece(b, left,
			  fl & ML_MOD_INITIALIZING ? " (initializing)" : " (uninitialized)")) {
		return false;
	}
	if (r && !mdl_ref_ok(m, mod, r)) {
		mdl_stale_ref(m, "/proc/modules", mod, r);
		r = 0;
	}
	if (r && !refs_piece(m, b, left, mod, r))
		return false;
	return piece(b, left, "\n");
}

static void proc_modules(struct ml_model *m, struct ml_buf *b)
{
	size_t left = PAGE;
	uint64_t mod;
	int n = 0;

	for (mod = module_list(m); mod && mod != kernel_module(m) && n++ < WALK_MAX;
	     mod = mget(m, mod, ML_MF_NEXT))
		if (!module_line(m, b, &left, mod))
			return;
}

static void proc_ksyms(struct ml_model *m, struct ml_buf *b)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t mod;
	int n = 0;

	for (mod = module_list(m); mod && n++ < WALK_MAX; mod = mget(m, mod, ML_MF_NEXT)) {
		uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), syms = mget(m, mod, ML_MF_SYMS);
		const char *name = mname(m, mod);

		if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
			continue;
		for (uint64_t i = 0; i < nsyms; i++) {
			uint64_t s = syms + i * 2 * ws;

			if (*name)
				ml_buf_printf(b, "%0*" PRIx64 " %s\t[%s]\n", (int)(2 * ws),
					      kword(m, s), kstr(m, kword(m, s + ws)), name);
			else
				ml_buf_printf(b, "%0*" PRIx64 " %s\n", (int)(2 * ws), kword(m, s),
					      kstr(m, kword(m, s + ws)));
		}
	}
}

int ml_model_taint(struct ml_model *m, int bits)
{
	char *p = mdl_path(m, "tainted"), *tmp = mdl_path(m, "tainted.tmp");
	int old = ml_read_int_file(p, 0);
	FILE *f;

	if ((old | bits) != old && (f = fopen(tmp, "w"))) {
		fprintf(f, "%d\n", old | bits);
		if (fclose(f) == 0)
			rename(tmp, p);
	}
	free(p);
	free(tmp);
	return old;
}

char *ml_model_proc(struct ml_model *m, const char *name, size_t *len)
{
	struct ml_buf b = { 0 };

	flock(m->lockfd, LOCK_SH);
	mdl_sync_regions(m);
	if (!strcmp(name, "modules"))
		proc_modules(m, &b);
	else if (!strcmp(name, "ksyms"))
		proc_ksyms(m, &b);
	else if (!strcmp(name, "sys/kernel/tainted")) {
		char *p = mdl_path(m, "tainted");

		ml_buf_printf(&b, "%d\n", ml_read_int_file(p, 0));
		free(p);
	}
	flock(m->lockfd, LOCK_UN);
	*len = b.len;
	return b.p ? b.p : ml_xstrdup("");
}
