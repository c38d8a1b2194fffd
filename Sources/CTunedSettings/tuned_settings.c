/*
 * tuned_settings.c — docs/tuned.json (the tuned settings per environment and
 * algorithm, docs/TUNED.md) embedded at build time with C23 #embed, as
 * CEnvHost embeds adaptor.py: the table stays one readable file in docs/, an
 * installed hogwild-rl reads no data files, and the compiler lists the JSON
 * among this file's dependencies, so editing it rebuilds the binary.
 */
#include "hogwild_tuned.h"

static const char tuned_text[] = {
#embed "../../docs/tuned.json"
    , 0};

const char *hw_tuned_settings_json(void) { return tuned_text; }
