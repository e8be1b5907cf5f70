// libFuzzer over the settings file parser: it returns on every input, and what it
// accepts is written back and read again to the same settings.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "settings.h"
#include "text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static char text[4096];
    if (size >= sizeof(text)) return 0;
    std::memcpy(text, data, size);
    text[size] = '\0';
    han::Settings parsed;
    han::FixedText<200> error;
    if (!han::settings_parse(parsed, text, error)) return 0;
    static han::FixedText<2048> stored;
    stored.clear();
    han::settings_write_stored(parsed, stored);
    han::Settings again;
    error.clear();
    if (stored.overflowed() || !han::settings_parse(again, stored.c_str(), error) ||
        !han::settings_equal(parsed, again)) {
        __builtin_trap();  // a file we wrote must read back to the same settings
    }
    return 0;
}
