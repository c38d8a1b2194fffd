/*
 * shm.c — create, attach and unlink POSIX shared-memory segments.
 *
 * Follows the create/attach protocol of PostgreSQL's dsm_impl_posix: exclusive
 * create, size with posix_fallocate (a sparse tmpfs file would SIGBUS on first
 * touch when /dev/shm is full; fallocate fails early with ENOSPC instead),
 * close the descriptor right after mmap, and on every failure back out what
 * was already done before reporting the saved errno.
 */
#include "hogwild_segment.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int hw_shm_create(const char *name, size_t size, void **out_base, int *out_lock_fd) {
  *out_base = NULL;
  if (out_lock_fd) *out_lock_fd = -1;
  if (size == 0) return EINVAL;
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return errno;

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
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int saved = errno;
      munmap(base, size);
      close(fd);
      shm_unlink(name);
      return saved;
    }
    *out_lock_fd = fd;
  } else {
    close(fd);
  }
  *out_base = base;
  return 0;
}

int hw_shm_lock_state(const char *name, int *out_held) {
  *out_held = 0;
  int fd = shm_open(name, O_RDONLY, 0);
  if (fd < 0) return errno;
  int rc = 0;
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

int hw_shm_attach(const char *name, int writable, void **out_base, size_t *out_size) {
  *out_base = NULL;
  *out_size = 0;
  int fd = shm_open(name, writable ? O_RDWR : O_RDONLY, 0);
  if (fd < 0) return errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    close(fd);
    return saved;
  }
  if (st.st_size <= 0) {
    close(fd);
    return 0;
  }
  int prot = writable ? (PROT_READ | PROT_WRITE) : PROT_READ;
  void *base = mmap(NULL, (size_t)st.st_size, prot, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    int saved = errno;
    close(fd);
    return saved;
  }
  close(fd);
  *out_base = base;
  *out_size = (size_t)st.st_size;
  return 0;
}

int hw_shm_unlink(const char *name) {
  return shm_unlink(name) == 0 ? 0 : errno;
}

int hw_unmap(void *base, size_t size) {
  if (base == NULL || size == 0) return 0;
  return munmap(base, size) == 0 ? 0 : errno;
}
