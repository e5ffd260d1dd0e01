// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * touch-pages: the bench's floor.  One process maps each file named on
 * standard input (one path a line) and reads one byte of every page, then
 * prints the total bytes: the least any program must do to see every byte
 * of a tree held in the page cache.  (`xargs cat` measured the starting of
 * cat processes and the copying of every byte through a pipe: twice this.)
 * Built by bench/relocate-tree.sh with the host's cc: it is not part of
 * modlink, and the bench runs against any modlink binary, built tree or not.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char line[4096];
	unsigned long long total = 0;
	volatile unsigned char sink = 0;

	while (fgets(line, sizeof(line), stdin)) {
		struct stat st;
		unsigned char *p;
		int fd;

		line[strcspn(line, "\n")] = 0;
		fd = open(line, O_RDONLY);
		if (fd < 0 || fstat(fd, &st)) {
			perror(line);
			return 1;
		}
		if (st.st_size > 0) {
			p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
			if (p == MAP_FAILED) {
				perror(line);
				return 1;
			}
			for (off_t o = 0; o < st.st_size; o += page)
				sink ^= p[o];
			munmap(p, (size_t)st.st_size);
		}
		close(fd);
		total += (unsigned long long)st.st_size;
	}
	printf("%llu\n", total);
	return 0;
}
