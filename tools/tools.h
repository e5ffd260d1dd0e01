/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line programs: option parsing, one library call, printing. */
#ifndef ML_TOOLS_H
#define ML_TOOLS_H

#include "common/common.h"

int ml_tool_insmod(int argc, char **argv);
int ml_tool_rmmod(int argc, char **argv);
int ml_tool_lsmod(int argc, char **argv);
int ml_tool_ksyms(int argc, char **argv);
int ml_tool_kernel(int argc, char **argv);
int ml_tool_dmesg(int argc, char **argv);
int ml_tool_modinfo(int argc, char **argv);
int ml_tool_depmod(int argc, char **argv);
int ml_tool_modprobe(int argc, char **argv);
int ml_tool_k24emu(int argc, char **argv);
int ml_tool_relocate(int argc, char **argv);

/* Print diagnostics the modutils way: errors to stderr prefixed with the
 * file (or the program), warnings to stdout, notes only when verbose. */
void ml_print_diags(const char *prog, const struct ml_diags *d, bool verbose);
/* "prog arg1 arg2 ..." for logs. */
char *ml_cmdline(const char *prog, int argc, char **argv);
/* Route ml_print_diags to syslog (-s). */
void ml_use_syslog(const char *prog);

#endif
