/*
 * Diagnostic for issue 7 (bench/ratings/README.md, "the commit's writes coalesced"), not part of Mingcha.
 *
 * SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page). This LD_PRELOAD library
 * buffers the writes to any file whose name ends in "-wal" while they are contiguous, and hands them to the kernel in
 * one pwrite before that file's fsync, before any read, size query or truncation of it, and before it is closed. What
 * reaches the disk before each fsync is byte for byte what SQLite wrote; only the number of system calls changes.
 * It is only sound while every commit syncs the WAL (synchronous=FULL, as Mingcha runs), since another connection
 * reads the WAL through its own file descriptor once a commit is visible.
 *
 *   gcc -O2 -shared -fPIC -o /tmp/walshim.so bench/ratings/walshim.c -ldl -lpthread
 *   LD_PRELOAD=/tmp/walshim.so NO_PUBLISH=1 SKIP_BARE=1 bench/ratings/run.sh
 *   strace -c -p <tid of the "rating-applier" thread (before decision 017: the writer)>   # pwrite64 per fsync: about 62 without, 1 with
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAXFD 4096
#define CAPACITY (1 << 20)

typedef struct { int kind; /* 0 unknown, 1 WAL, 2 other */ char *buf; off_t start; size_t len; pthread_mutex_t lock; } Buffer;

static Buffer buffers[MAXFD];
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static int (*real_fsync)(int), (*real_fdatasync)(int), (*real_close)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_fstat)(int, struct stat64 *);
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
    real_pwrite = dlsym(RTLD_NEXT, "pwrite64");
    real_pread = dlsym(RTLD_NEXT, "pread64");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_close = dlsym(RTLD_NEXT, "close");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate64");
    real_fstat = dlsym(RTLD_NEXT, "fstat64");
    for (int i = 0; i < MAXFD; i++) pthread_mutex_init(&buffers[i].lock, 0);
}

static int is_wal(int fd)
{
    if (fd < 0 || fd >= MAXFD) return 0;
    Buffer *b = &buffers[fd];
    if (!b->kind)
    {
        char link[64], target[512];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        b->kind = n > 4 && memcmp(target + n - 4, "-wal", 4) == 0 ? 1 : 2;
    }
    return b->kind == 1;
}

/* Caller holds the lock. */
static int drain(Buffer *b, int fd)
{
    for (size_t done = 0; done < b->len;)
    {
        ssize_t w = real_pwrite(fd, b->buf + done, b->len - done, b->start + (off_t)done);
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    b->len = 0;
    return 0;
}

static int flush(int fd)
{
    if (fd < 0 || fd >= MAXFD || buffers[fd].kind != 1) return 0;
    pthread_mutex_lock(&buffers[fd].lock);
    int r = buffers[fd].len ? drain(&buffers[fd], fd) : 0;
    pthread_mutex_unlock(&buffers[fd].lock);
    return r;
}

ssize_t pwrite64(int fd, const void *data, size_t n, off_t offset)
{
    pthread_once(&once, init);
    if (!is_wal(fd) || n > CAPACITY) return flush(fd) ? -1 : real_pwrite(fd, data, n, offset);
    Buffer *b = &buffers[fd];
    pthread_mutex_lock(&b->lock);
    if (!b->buf) b->buf = malloc(CAPACITY);
    if (b->len && (offset != b->start + (off_t)b->len || b->len + n > CAPACITY) && drain(b, fd))
    {
        pthread_mutex_unlock(&b->lock);
        return -1;
    }
    if (!b->len) b->start = offset;
    memcpy(b->buf + b->len, data, n);
    b->len += n;
    pthread_mutex_unlock(&b->lock);
    return (ssize_t)n;
}

ssize_t pwrite(int fd, const void *data, size_t n, off_t offset) { return pwrite64(fd, data, n, offset); }
ssize_t pread64(int fd, void *data, size_t n, off_t offset) { pthread_once(&once, init); return flush(fd) ? -1 : real_pread(fd, data, n, offset); }
ssize_t pread(int fd, void *data, size_t n, off_t offset) { return pread64(fd, data, n, offset); }
int fsync(int fd) { pthread_once(&once, init); return flush(fd) ? -1 : real_fsync(fd); }
int fdatasync(int fd) { pthread_once(&once, init); return flush(fd) ? -1 : real_fdatasync(fd); }
int ftruncate64(int fd, off_t length) { pthread_once(&once, init); return flush(fd) ? -1 : real_ftruncate(fd, length); }
int fstat64(int fd, struct stat64 *st) { pthread_once(&once, init); return flush(fd) ? -1 : real_fstat(fd, st); }

int close(int fd)
{
    pthread_once(&once, init);
    flush(fd);
    if (fd >= 0 && fd < MAXFD) buffers[fd].kind = 0;
    return real_close(fd);
}
