/*
 * hogwild_tuned.h — the tuned settings table (docs/tuned.json), embedded in
 * the binary at build time.
 */
#ifndef HOGWILD_TUNED_H
#define HOGWILD_TUNED_H

/* docs/tuned.json's text, NUL-terminated. */
const char *hw_tuned_settings_json(void);

#endif
