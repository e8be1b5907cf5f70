// The deepest the loop stack has reached: start.S paints it before anything runs, and
// the first word no longer holding the paint marks the high-water line.
#pragma once

#include <stddef.h>

namespace lx106 {

size_t stack_size();
size_t stack_high_water();

}  // namespace lx106
