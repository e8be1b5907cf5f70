#include "stack_watch.h"

#include <stdint.h>

extern "C" uint32_t lx106_stack_bottom[], lx106_stack_top[];

namespace lx106 {

namespace {
constexpr uint32_t kPaint = 0xA5A5A5A5;  // start.S's paint word
}

size_t stack_size() { return static_cast<size_t>(lx106_stack_top - lx106_stack_bottom) * sizeof(uint32_t); }

size_t stack_high_water() {
    // The stack grows down: count the untouched words from the bottom up.
    const uint32_t* word = lx106_stack_bottom;
    while (word < lx106_stack_top && *word == kPaint) ++word;
    return static_cast<size_t>(lx106_stack_top - word) * sizeof(uint32_t);
}

}  // namespace lx106
