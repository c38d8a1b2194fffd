/*
 * shm.c — create, attach and unlink POSIX shared-memory segments.
 *
 * Follows the create/attach protocol of PostgreSQL's dsm_impl_posix: exclusive
 * create, size with posix_fallocate (a sparse tmpfs file would SIGBUS on first
 * touch when /dev/shm is full; fallocate fails early with ENOSPC instead),
 * close the descriptor right after mmap, and on every failure back out what
 * was already done before reporting the saved errno.
 *
 * /dev/shm is writable by everyone, so every existing object is hostile until
 * checked: it is lstat'ed before it is opened (a FIFO would block open or
 * read forever, a symlink points anywhere), opened O_NONBLOCK|O_NOFOLLOW, and
 * fstat'ed again (same inode, a regular file, owned by us). Mapping a sparse
 * object and reading it would make tmpfs allocate every page it reads, until
 * /dev/shm is full and the reader dies of SIGBUS: our segments are fully
 * allocated (posix_fallocate), so a sparse one is refused.
 */
#include "hogwild_segment.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hw_shm_create(const char *name, size_t size, void **out_base, int *out_lock_fd) {
  *out_base = NULL;
  if (out_lock_fd) *out_lock_fd = -1;
  if (size == 0) return EINVAL;
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return errno;
  /* The liveness lock is taken before anything else, so a segment that
   * exists is always either held by a live run or an orphan: `clean` may
   * remove one that nobody holds, even if it died half-made. */
  if (out_lock_fd && flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int saved = errno;
    close(fd);
    shm_unlink(name);
    return saved;
  }

  /* posix_fallocate returns its error instead of setting errno. */
  int rc;
  do {
    rc = posix_fallocate(fd, 0, (off_t)size);
  } while (rc == EINTR);
  if (rc == EOPNOTSUPP || rc == EINVAL) {
    rc = ftruncate(fd, (off_t)size) == 0 ? 0 : errno;
  }
  if (rc != 0) {
    /* Back out what's already been done. */
    close(fd);
    shm_unlink(name);
    return rc;
  }

  void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    int saved = errno;
    close(fd);
    shm_unlink(name);
    return saved;
  }
  if (out_lock_fd) {
    /* The liveness lock: held through this descriptor (and, after fork,
     * by the workers sharing it) for as long as any of them lives. */
    *out_lock_fd = fd;
  } else {
    close(fd);
  }
  *out_base = base;
  return 0;
}

/* Opens an existing object only if it is a regular file owned by us (see
 * the top of this file); *out_fd is open for reading (and writing if asked)
 * on success. Refusals return EPERM with facts->refusal set. */
static int open_checked(const char *name, int writable, int *out_fd, hw_shm_facts *facts) {
  memset(facts, 0, sizeof *facts);
  *out_fd = -1;
  if (name[0] != '/' || strchr(name + 1, '/') != NULL) return EINVAL;
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "/dev/shm%s", name) >= (int)sizeof path) return ENAMETOOLONG;
  struct stat before;
  if (lstat(path, &before) != 0) return errno;
  facts->owner = (uint32_t)before.st_uid;
  if (!S_ISREG(before.st_mode)) {
    facts->refusal = HW_SHM_NOT_REGULAR;
    return EPERM;
  }
  if (before.st_uid != geteuid()) {
    facts->refusal = HW_SHM_NOT_OWNED;
    return EPERM;
  }
  int fd = shm_open(name, (writable ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_NOFOLLOW, 0);
  if (fd < 0) return errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    close(fd);
    return saved;
  }
  facts->owner = (uint32_t)st.st_uid;
  facts->size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
  facts->allocated = st.st_blocks > 0 ? (uint64_t)st.st_blocks * 512u : 0;
  /* Replaced between lstat and open: judge what was opened. */
  int refusal = !S_ISREG(st.st_mode) || st.st_dev != before.st_dev || st.st_ino != before.st_ino
                    ? HW_SHM_NOT_REGULAR
                : st.st_uid != geteuid() ? HW_SHM_NOT_OWNED
                                         : 0;
  if (refusal) {
    facts->refusal = (uint32_t)refusal;
    close(fd);
    return EPERM;
  }
  *out_fd = fd;
  return 0;
}

int hw_shm_lock_state(const char *name, int *out_held) {
  *out_held = 0;
  int fd;
  hw_shm_facts facts;
  int rc = open_checked(name, 0, &fd, &facts);
  if (rc != 0) return rc;
  if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
    flock(fd, LOCK_UN);
  } else if (errno == EWOULDBLOCK) {
    *out_held = 1;
  } else {
    rc = errno;
  }
  close(fd);
  return rc;
}

int hw_close(int fd) { return fd < 0 || close(fd) == 0 ? 0 : errno; }

int hw_shm_attach(const char *name, int writable, void **out_base, size_t *out_size, hw_shm_facts *facts) {
  *out_base = NULL;
  *out_size = 0;
  int fd;
  int rc = open_checked(name, writable, &fd, facts);
  if (rc != 0) return rc;
  if (facts->size == 0) {
    close(fd);
    return 0;
  }
  if (facts->size > HW_SHM_MAX_BYTES) {
    facts->refusal = HW_SHM_TOO_LARGE;
    close(fd);
    return EPERM;
  }
  if (facts->allocated < facts->size) {
    facts->refusal = HW_SHM_SPARSE;
    close(fd);
    return EPERM;
  }
  int prot = writable ? (PROT_READ | PROT_WRITE) : PROT_READ;
  void *base = mmap(NULL, (size_t)facts->size, prot, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    int saved = errno;
    close(fd);
    return saved;
  }
  close(fd);
  *out_base = base;
  *out_size = (size_t)facts->size;
  return 0;
}

int hw_fd_size(int fd, uint64_t *out_size) {
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  *out_size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
  return 0;
}

int hw_shm_unlink(const char *name) {
  return shm_unlink(name) == 0 ? 0 : errno;
}

int hw_unmap(void *base, size_t size) {
  if (base == NULL || size == 0) return 0;
  return munmap(base, size) == 0 ? 0 : errno;
}
