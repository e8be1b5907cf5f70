// The hanreader command line: flags onto the core's validated settings.
#pragma once

#include <string>

#include "../core/settings.h"

namespace host {

struct Options {
    std::string tty;
    std::string config_path;
    int portal_port = -1;  // -1: no portal
    std::string thermometer;  // a w1-therm temperature file (millidegrees C), or none
    han::Settings settings;
};

enum class ParseResult { Run, Exit, Error };

// Reads the config file first (when given), then the flags, which win. On Error,
// message is one line naming the flag or file and the fix.
ParseResult parse_options(int argc, char** argv, Options& options, std::string& message);

}  // namespace host
