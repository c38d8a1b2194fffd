/*
 * malloc_counter.h — counts heap allocations in the hogwild-bench process.
 *
 * malloc_counter.c defines malloc, calloc, realloc, posix_memalign,
 * aligned_alloc and memalign. Linked into an executable, those definitions
 * interpose glibc's for the whole process (the Swift runtime included): each
 * call adds one to a relaxed atomic counter and forwards to glibc's
 * __libc_* entry points. free is not wrapped (the memory is glibc's).
 */
#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H

#include <stdint.h>

/* Allocation calls so far in this process (relaxed load). */
uint64_t mc_allocations(void);

#endif
