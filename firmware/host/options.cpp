#include "options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "../core/reader.h"

namespace host {

namespace {

struct FlagSpec {
    const char* flag;
    const char* key;  // a settings key, or nullptr for host-only flags
};

const FlagSpec kFlags[] = {
    {"--tty", nullptr},
    {"--config", nullptr},
    {"--portal-port", nullptr},
    {"--thermometer", nullptr},
    {"--serial", "serial"},
    {"--baud", "baud"},
    {"--mqtt-host", "mqtt_host"},
    {"--mqtt-port", "mqtt_port"},
    {"--topic", "topic"},
    {"--user", "mqtt_user"},
    {"--client-id", "mqtt_client_id"},
    {"--command-topic", "command_topic"},
    {"--qos", "mqtt_qos"},
    {"--keepalive", "keepalive_s"},
    {"--format", "format"},
    {"--discovery-prefix", "discovery_prefix"},
    {"--temperature", "temperature"},
};

const char kUsage[] =
    "usage: hanreader --tty PATH --mqtt-host H [--mqtt-port P] [--topic T] [--serial 8E1|8N1|auto]\n"
    "                 [--baud 2400|9600|115200|auto]\n"
    "                 [--user U] [--client-id ID] [--command-topic T] [--qos 0|1]\n"
    "                 [--format classic|per-value|homeassistant|raw] [--temperature C]\n"
    "                 [--config FILE] [--portal-port N] [--thermometer W1_FILE] [--version]\n"
    "the MQTT password: mqtt_password in the --config file, or $HANREADER_MQTT_PASSWORD\n";

// Any user on the machine reads a process's argv (ps, /proc/PID/cmdline), so the password
// never travels there; the environment and a mode-0600 settings file are the owner's alone.
const char kPasswordEnv[] = "HANREADER_MQTT_PASSWORD";
const char kPasswordFlagRefused[] =
    "--password is not taken: any user can read a command line; put mqtt_password in the --config file "
    "or set HANREADER_MQTT_PASSWORD";

const FlagSpec* find_flag(const char* flag) {
    for (const FlagSpec& spec : kFlags) {
        if (std::strcmp(spec.flag, flag) == 0) return &spec;
    }
    return nullptr;
}

bool load_config(const std::string& path, han::Settings& settings, std::string& message) {
    std::ifstream file(path);
    if (!file) {
        // A missing file is the first run: it is written when settings are first saved.
        if (errno == ENOENT) return true;
        message = "cannot read config file " + path + ": " + std::strerror(errno);
        return false;
    }
    std::stringstream text;
    text << file.rdbuf();
    han::FixedText<200> error;
    if (han::settings_parse(settings, text.str().c_str(), error)) return true;
    message = "config file " + path + ", " + error.c_str() + "; fix or delete the line";
    return false;
}

bool apply_flag(const FlagSpec& spec, const char* value, Options& options, std::string& message) {
    if (spec.key) {
        han::FixedText<200> error;
        if (han::settings_set(options.settings, spec.key, value, error)) return true;
        message = std::string(spec.flag) + ": " + error.c_str();
        return false;
    }
    if (std::strcmp(spec.flag, "--tty") == 0) options.tty = value;
    if (std::strcmp(spec.flag, "--config") == 0) options.config_path = value;
    if (std::strcmp(spec.flag, "--thermometer") == 0) options.thermometer = value;
    if (std::strcmp(spec.flag, "--portal-port") == 0) {
        uint32_t port = 0;
        if (!han::parse_uint(value, 65535, port)) {
            message = std::string("--portal-port must be a TCP port from 0 to 65535, not \"") + value + "\"";
            return false;
        }
        options.portal_port = static_cast<int>(port);
    }
    return true;
}

// The password from the environment wins over the config file, as a flag would.
bool apply_password_env(han::Settings& settings, std::string& message) {
    const char* password = std::getenv(kPasswordEnv);
    if (!password) return true;
    han::FixedText<200> error;
    if (han::settings_set(settings, "mqtt_password", password, error)) return true;
    message = std::string(kPasswordEnv) + ": " + error.c_str();
    return false;
}

}  // namespace

ParseResult parse_options(int argc, char** argv, Options& options, std::string& message) {
    // The config file is read before the other flags so that flags win.
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--config") == 0) options.config_path = argv[i + 1];
    }
    if (!options.config_path.empty() && !load_config(options.config_path, options.settings, message)) {
        return ParseResult::Error;
    }
    if (!apply_password_env(options.settings, message)) return ParseResult::Error;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            message = std::string("hanreader ") + han::kFirmwareVersion;
            return ParseResult::Exit;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            message = kUsage;
            return ParseResult::Exit;
        }
        if (std::strcmp(argv[i], "--password") == 0) {
            message = kPasswordFlagRefused;
            return ParseResult::Error;
        }
        const FlagSpec* spec = find_flag(argv[i]);
        if (!spec) {
            message = std::string("unknown option \"") + argv[i] + "\"; see hanreader --help";
            return ParseResult::Error;
        }
        if (i + 1 >= argc) {
            message = std::string(argv[i]) + " needs a value; see hanreader --help";
            return ParseResult::Error;
        }
        if (!apply_flag(*spec, argv[++i], options, message)) return ParseResult::Error;
    }
    if (options.tty.empty()) {
        message = "--tty is required: the meter's serial device or pty, e.g. --tty /dev/ttyUSB0";
        return ParseResult::Error;
    }
    han::FixedText<200> error;
    if (!han::settings_complete(options.settings, error)) {
        message = error.c_str();
        return ParseResult::Error;
    }
    return ParseResult::Run;
}

}  // namespace host
