// options.cpp — see options.hpp.
#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

namespace hogwild_ale {

namespace {

bool parseFlag(const std::string &key, const std::string &value, bool &out, std::string &why) {
  if (value == "1" || value == "true") {
    out = true;
    return true;
  }
  if (value == "0" || value == "false") {
    out = false;
    return true;
  }
  why = "option " + key + "=" + value + ": the value must be 0 or 1 (or false/true)";
  return false;
}

}  // namespace

bool parseOptions(const char *const *options, AtariOptions &out, std::string &why) {
  out = AtariOptions();
  if (options == nullptr) return true;
  std::set<std::string> seen;
  for (const char *const *o = options; *o != nullptr; o++) {
    const char *text = *o;
    const char *equals = std::strchr(text, '=');
    if (equals == nullptr || equals == text) {
      why = std::string("option \"") + text + "\" is not key=value (keys: " + kOptionKeys + ")";
      return false;
    }
    std::string key(text, equals - text), value(equals + 1);
    if (!seen.insert(key).second) {
      why = "option " + key + " is given twice";
      return false;
    }
    if (key == "repeat_action_probability") {
      char *end = nullptr;
      errno = 0;
      double p = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != 0 || errno != 0 || !(p >= 0.0 && p <= 1.0)) {
        why = "option repeat_action_probability=" + value + ": the value must be a number from 0 to 1";
        return false;
      }
      out.repeatActionProbability = static_cast<float>(p);
    } else if (key == "full_action_space") {
      if (!parseFlag(key, value, out.fullActionSpace, why)) return false;
    } else if (key == "episodic_life") {
      if (!parseFlag(key, value, out.episodicLife, why)) return false;
    } else if (key == "noop_max") {
      char *end = nullptr;
      errno = 0;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != 0 || errno != 0 || n < 0 || n > 10000) {
        why = "option noop_max=" + value + ": the value must be an integer from 0 to 10000";
        return false;
      }
      out.noopMax = static_cast<int>(n);
    } else if (key == "rom_dir") {
      if (value.empty()) {
        why = "option rom_dir= needs a directory";
        return false;
      }
      out.romDir = value;
    } else {
      why = "unknown option " + key + " (the ALE plugin takes " + kOptionKeys + ")";
      return false;
    }
  }
  return true;
}

std::string protocolLine(const AtariOptions &o) {
  char sticky[32];
  std::snprintf(sticky, sizeof sticky, "%g", static_cast<double>(o.repeatActionProbability));
  std::string line = "ALE 0.12.1, Mnih et al. 2015 preprocessing (Gymnasium AtariPreprocessing + "
                     "FrameStackObservation): frame skip 4 with max of the last 2 frames, "
                     "grayscale 84x84 INTER_AREA, 4 frames stacked; ";
  line += o.noopMax > 0 ? "1-" + std::to_string(o.noopMax) + " no-op frames at reset; " : "no no-op starts; ";
  line += std::string("sticky actions ") + sticky +
          (o.repeatActionProbability == 0.0f ? " (ALE/*-v5 default is 0.25); " : "; ");
  line += o.fullActionSpace ? "full action set (18); " : "minimal action set; ";
  line += o.episodicLife ? "a lost life ends the learning episode; " : "lives ignored; ";
  line += "learning reward clipped to [-1,1], returns in game score; 27000-step limit";
  return line;
}

}  // namespace hogwild_ale
