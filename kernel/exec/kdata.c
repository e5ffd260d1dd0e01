/*
 * kernel/exec/kdata.c -- the stub kernel's persistent data: one area at a fixed address
 * (MLX_KDATA_ADDR, MLX_KDATA_SIZE in exec.h) holding all kernel state a module can leave
 * behind: its kmalloc'd and vmalloc'd memory and the device tables it registered into.
 *
 * With `call`, each init_module and cleanup_module of the 2.4 model runs in a new
 * executor process, so that state cannot live in the executor's own memory: the area is
 * the file DIR/kdata, mapped shared at the same address by every call (created and sized
 * here when missing, initialised when it is all zeroes).  Everything inside it refers to
 * other parts of it by address, which is the same in every process; nothing in it points
 * into an executor's own memory.  With `run` the area is private memory, fresh each run.
 *
 * Layout (native word size and byte order of the CPU; `unsigned long` is one word):
 *	kdata + 0: struct mlx_kdata (below): magic, size, the heap bounds and free list;
 *	kdata + 256: the tables the stubs keep (stubs.c: struct mlx_kstate);
 *	kdata + 64 KiB: the heap, to the end of the area; the first block handed out is at
 *	kdata + 64 KiB + 16.
 * Heap blocks are 16-byte aligned, each with a 16-byte header {size, tag}: size is the
 * block's, header included; tag is MLX_BLOCK_USED for an allocated block, and for a free
 * block the address of the next free block (0 for the last).  Free blocks are kept in
 * address order and merged with free neighbours, first fit.
 */
#include "exec.h"

#define KDATA_MAGIC "modlink-kdata-1"
#define KDATA_STATE_OFFSET 256
#define HEAP_OFFSET 65536UL
#define BLOCK_ALIGN 16UL
#define BLOCK_HDR 16UL
#define MLX_BLOCK_USED 0x6b6d616cUL /* "kmal" */

struct mlx_kdata {
	char magic[16];
	unsigned long size;
	unsigned long heap_start;
	unsigned long heap_end;
	unsigned long free_list;
	unsigned long in_use; /* bytes allocated, headers included */
};

struct block {
	unsigned long size;
	unsigned long tag;
};

_Static_assert(sizeof(struct block) <= BLOCK_HDR, "heap block header");

static struct mlx_kdata *kd;

/* Where the stubs keep their tables (struct mlx_kstate of stubs.c, at most 64 KiB). */
void *mlx_kdata_state(void)
{
	return (char *)kd + KDATA_STATE_OFFSET;
}

static void kdata_init(void)
{
	struct block *b;

	memset(kd, 0, HEAP_OFFSET);
	memcpy(kd->magic, KDATA_MAGIC, sizeof(KDATA_MAGIC));
	kd->size = MLX_KDATA_SIZE;
	kd->heap_start = MLX_KDATA_ADDR + HEAP_OFFSET;
	kd->heap_end = MLX_KDATA_ADDR + MLX_KDATA_SIZE;
	b = (struct block *)kd->heap_start;
	b->size = kd->heap_end - kd->heap_start;
	b->tag = 0;
	kd->free_list = kd->heap_start;
	kd->in_use = 0;
}

/*
 * Map the area: the file at path (shared; created and sized when missing), or private
 * memory when path is NULL.  Initialise it when new.
 */
int mlx_kdata_attach(const char *path)
{
	int fd = -1, err;

	if (path) {
		long size;

		fd = mlx_open(path, MLX_OPEN_RDWR);
		if (fd < 0) {
			mlx_eprintf("modlink-exec: %s: %s\n", path, mlx_strerror(-fd));
			return -1;
		}
		size = mlx_fdsize(fd);
		if (size >= 0 && (unsigned long)size < MLX_KDATA_SIZE)
			size = mlx_ftruncate(fd, MLX_KDATA_SIZE);
		if (size < 0) {
			mlx_eprintf("modlink-exec: %s: %s\n", path, mlx_strerror((int)-size));
			mlx_close(fd);
			return -1;
		}
	}
	err = mlx_map_fixed(MLX_KDATA_ADDR, MLX_KDATA_SIZE, fd);
	if (fd >= 0)
		mlx_close(fd);
	if (err < 0) {
		mlx_eprintf(
			"modlink-exec: %s: cannot map the kernel data area (%#lx bytes at %#lx): %s\n",
			path ? path : "kdata", MLX_KDATA_SIZE, MLX_KDATA_ADDR,
			err == -EEXIST ? "the range is already in use" : mlx_strerror(-err));
		return -1;
	}
	kd = (struct mlx_kdata *)MLX_KDATA_ADDR;
	if (kd->magic[0] == '\0') {
		kdata_init();
	} else if (memcmp(kd->magic, KDATA_MAGIC, sizeof(KDATA_MAGIC)) != 0 ||
		   kd->size != MLX_KDATA_SIZE) {
		mlx_eprintf("modlink-exec: %s: not a kernel data area of this executor\n",
			    path ? path : "kdata");
		return -1;
	}
	return 0;
}

static int in_heap(unsigned long a)
{
	return kd && a >= kd->heap_start && a < kd->heap_end;
}

/* size bytes (non-zero) of heap, 16-byte aligned, or NULL. */
void *mlx_kdata_alloc(unsigned long size)
{
	unsigned long need, *link;

	if (!kd || size == 0 || size > kd->heap_end - kd->heap_start)
		return NULL;
	need = BLOCK_HDR + ((size + BLOCK_ALIGN - 1) & ~(BLOCK_ALIGN - 1));
	for (link = &kd->free_list; *link; link = &((struct block *)*link)->tag) {
		struct block *b = (struct block *)*link;

		if (b->size < need)
			continue;
		if (b->size - need >= 2 * BLOCK_HDR) {
			struct block *rest = (struct block *)((char *)b + need);

			rest->size = b->size - need;
			rest->tag = b->tag;
			*link = (unsigned long)rest;
			b->size = need;
		} else {
			*link = b->tag;
		}
		b->tag = MLX_BLOCK_USED;
		kd->in_use += b->size;
		return (char *)b + BLOCK_HDR;
	}
	return NULL;
}

/* Give back what mlx_kdata_alloc returned: 0, or -1 for a pointer it did not return. */
int mlx_kdata_free(const void *p)
{
	unsigned long a = (unsigned long)p - BLOCK_HDR, *link;
	struct block *b = (struct block *)a, *prev = NULL;

	if (!in_heap(a) || (a & (BLOCK_ALIGN - 1)) || b->tag != MLX_BLOCK_USED ||
	    b->size > kd->heap_end - a)
		return -1;
	kd->in_use -= b->size;
	/* Insert in address order, then merge with the neighbours. */
	for (link = &kd->free_list; *link && *link < a; link = &((struct block *)*link)->tag)
		prev = (struct block *)*link;
	b->tag = *link;
	*link = a;
	if (b->tag && a + b->size == b->tag) {
		struct block *next = (struct block *)b->tag;

		b->size += next->size;
		b->tag = next->tag;
	}
	if (prev && (unsigned long)prev + prev->size == a) {
		prev->size += b->size;
		prev->tag = b->tag;
	}
	return 0;
}
