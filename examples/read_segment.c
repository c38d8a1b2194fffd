/*
 * read_segment.c — attach to a hogwild-rl segment with only include/hogwild.h
 * and libc, and print its counters, workers, the first parameters and the
 * layer table.
 *
 *   cc -std=c11 -Wall -I include examples/read_segment.c -o read_segment
 *   ./read_segment /hogwild-rl.12345 [N]
 *
 * (Older glibc also needs -lrt for shm_open.) NAME is the POSIX shared-memory
 * name (leading slash optional); N is how many leading parameters θ[0..N) to
 * print (default 8). The object is opened O_RDONLY and mapped PROT_READ: the
 * run cannot be disturbed. Regions are found through the offsets the header
 * stores; counters are read with the header's relaxed atomic loads.
 *
 * The output is the same, byte for byte, as examples/read_segment.py's, and
 * its numbers match `hogwild-rl dump --json NAME` (Tests/CLITests checks both).
 *
 * Exit status: 0; 1 if the segment is missing or is not a hogwild-rl segment
 * of the layout version this file was compiled against; 64 for bad arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include "hogwild.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const states[] = {"initializing", "running", "stopping", "done"};
static const char *const statuses[] = {"empty", "starting", "running", "delayed", "exited", "failed"};

/* A fixed-size char field, printed up to its NUL (or its end). */
static void print_field(const char *label, const char *field, size_t size) {
  printf("%s %.*s\n", label, (int)strnlen(field, size), field);
}

/* %.9g, but NaN always as "nan" (glibc prints a negative NaN as "-nan";
 * Python never does). */
static void print_real(const char *label, double v) {
  if (isnan(v)) printf(" %s nan", label);
  else printf(" %s %.9g", label, v);
}

static int fail(const char *name, const char *why) {
  fprintf(stderr, "error: %s %s\n", name, why);
  return 1;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    printf("usage: read_segment NAME [N]  (prints counters, workers, θ[0..N) and the layers)\n");
    return 0;
  }
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "error: usage: read_segment NAME [N]\n");
    return 64;
  }
  uint64_t n_params = 8;
  if (argc == 3) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(argv[2], &end, 10);
    if (argv[2][0] < '0' || argv[2][0] > '9' || *end != '\0' || errno != 0) {
      fprintf(stderr, "error: N: expected a non-negative integer, got '%s'\n", argv[2]);
      return 64;
    }
    n_params = v;
  }

  char name[256];
  const char *body = argv[1][0] == '/' ? argv[1] + 1 : argv[1];
  if (body[0] == '\0' || strchr(body, '/') != NULL || strlen(body) > 250) {
    fprintf(stderr, "error: '%s' is not a segment name (expected e.g. /hogwild-rl.12345)\n", argv[1]);
    return 64;
  }
  snprintf(name, sizeof name, "/%s", body);

  int fd = shm_open(name, O_RDONLY, 0);
  if (fd < 0) {
    if (errno == ENOENT) return fail(name, "does not exist (no such segment in /dev/shm)");
    return fail(name, strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) { int e = errno; close(fd); return fail(name, strerror(e)); }
  if ((size_t)st.st_size < sizeof(hw_header)) {
    close(fd);
    return fail(name, "is smaller than a hogwild-rl header");
  }
  size_t size = (size_t)st.st_size;
  const unsigned char *base = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd); /* the mapping stays valid */
  if (base == MAP_FAILED) return fail(name, strerror(errno));

  const hw_header *h = (const hw_header *)base;
  /* magic is stored last, with release order, by the creator. */
  if (hw_load_u64_acquire(&h->magic) != HW_MAGIC)
    return fail(name, "is not a hogwild-rl segment (wrong magic, or still being initialised)");
  if (h->layout_version != HW_LAYOUT_VERSION) {
    fprintf(stderr, "error: %s has layout version %" PRIu32 "; this reader was built for version %u only "
            "(rebuild it against the matching include/hogwild.h)\n", name, h->layout_version, HW_LAYOUT_VERSION);
    return 1;
  }
  if (h->header_size != sizeof(hw_header) || h->worker_slot_size != sizeof(hw_worker_slot) ||
      h->total_size > size || h->slots_offset + (uint64_t)h->procs * sizeof(hw_worker_slot) > size ||
      h->params_offset + h->params_count * sizeof(float) > size)
    return fail(name, "has an inconsistent header (sizes or offsets out of range)");

  printf("segment %s\n", name);
  printf("layout_version %" PRIu32 "\n", h->layout_version);
  print_field("env", h->env_id, sizeof h->env_id);
  print_field("algo", h->algo, sizeof h->algo);
  uint32_t state = hw_load_u32_relaxed(&h->state);
  if (state < 4) printf("state %s\n", states[state]);
  else printf("state %" PRIu32 "\n", state);
  printf("procs %" PRIu32 "\n", h->procs);
  printf("T %" PRIu64 "\n", hw_load_u64_relaxed(&h->T.value));
  printf("U %" PRIu64 "\n", hw_load_u64_relaxed(&h->U.value));
  printf("T_max %" PRIu64 "\n", h->t_max);
  printf("episodes_published %" PRIu64 "\n", hw_load_u64_relaxed(&h->ring_head.value));

  const hw_worker_slot *slots = (const hw_worker_slot *)(base + h->slots_offset);
  for (uint32_t r = 0; r < h->procs; r++) {
    const hw_worker_slot *s = &slots[r];
    uint32_t status = hw_load_u32_relaxed(&s->status);
    printf("worker %" PRIu32 " pid %" PRId32 " status ", r, hw_load_i32_relaxed(&s->pid));
    if (status < 6) printf("%s", statuses[status]);
    else printf("%" PRIu32, status);
    printf(" t %" PRIu64 " episodes %" PRIu64 " updates %" PRIu64 " restarts %" PRIu32,
           hw_load_u64_relaxed(&s->t), hw_load_u64_relaxed(&s->episodes),
           hw_load_u64_relaxed(&s->updates), hw_load_u32_relaxed(&s->restarts));
    print_real("last_return", hw_load_f64_relaxed(&s->last_return));
    print_real("epsilon", hw_load_f64_relaxed(&s->epsilon));
    printf(" test_episodes %" PRIu64, hw_load_u64_relaxed(&s->test_episodes));
    printf(" train_grads %" PRIu64, hw_load_u64_relaxed(&s->train_grads));
    print_real("learning_rate", hw_load_f64_relaxed(&s->learning_rate));
    printf("\n");
  }

  printf("params_count %" PRIu64 "\n", h->params_count);
  /* θ is written with plain stores by every worker (Hogwild!); plain loads. */
  const float *theta = (const float *)(base + h->params_offset);
  for (uint64_t i = 0; i < n_params && i < h->params_count; i++)
    printf("theta[%" PRIu64 "] %.9g\n", i, (double)theta[i]);
  for (uint32_t i = 0; i < h->n_layers && i < HW_MAX_LAYERS; i++) {
    const hw_layer *l = &h->layers[i];
    printf("layer %.*s %" PRIu32 "x%" PRIu32 " offset %" PRIu64 " count %" PRIu64 "\n",
           (int)strnlen(l->name, sizeof l->name), l->name, l->rows, l->cols, l->offset, l->count);
  }
  munmap((void *)base, size);
  return 0;
}
