/*
 * adaptor.c — the Python adaptor's text (adaptor.py beside this file),
 * embedded at build time with C23 #embed, so the .py stays a real file that
 * can be read and checked, and an installed hogwild-rl still needs no data
 * files. The compiler lists adaptor.py among this file's dependencies, so
 * editing it rebuilds the binary.
 */
#include "hogwild_env_host.h"

static const char adaptor_text[] = {
#embed "adaptor.py"
    , 0};

const char *hw_python_adaptor(void) { return adaptor_text; }
