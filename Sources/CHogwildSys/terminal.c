/*
 * terminal.c — what the progress line needs of a terminal, and how a worker
 * dies of a fault: quietly, with the signal, for its supervisor to report.
 */
#include "hogwild_sys.h"

#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <unistd.h>

int hw_terminal_columns(int fd) {
  struct winsize w;
  if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &w) != 0) return 0;
  return (int)w.ws_col;
}

void hw_default_fault_signals(void) {
  static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) signal(faults[i], SIG_DFL);
}
