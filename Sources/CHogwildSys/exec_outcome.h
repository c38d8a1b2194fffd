/* exec_outcome.h — private to CHogwildSys: the parent's side of the
 * exec-error handshake its spawns share (a CLOEXEC pipe the child writes its
 * exec errno into). */
#ifndef HOGWILD_EXEC_OUTCOME_H
#define HOGWILD_EXEC_OUTCOME_H

#include <sys/types.h>

/* Reads the pipe `fd` (then closes it): end of file means the child's exec
 * succeeded (0); an errno means it failed, and the child is reaped before
 * that errno (ENOEXEC if it wrote 0) is returned. */
int hw_exec_outcome(int fd, pid_t pid);

#endif
