// From COSEM values to canonical fields: OBIS mapping, scaling and the meter clock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "axdr.h"
#include "cosem.h"
#include "reading.h"

namespace han {

// An OBIS code is an octet-string of six bytes (A.B.C.D.E.F).
bool is_obis(const AxdrValue& value);

// Stores value under the field its OBIS code names; a number under another code is an extra.
void assign_obis_value(Reading& out, const uint8_t* obis, const AxdrValue& value, int exponent);

// Kamstrup sends no scaler: current in 0.01 A and energy in 10 Wh are fixed by the make.
int kamstrup_exponent(const uint8_t* obis);

// A 12-byte COSEM date-time, as the meter's wall clock "YYYY-MM-DDTHH:MM:SS"; ignored
// when a field is out of range or unspecified (0xFF).
void assign_date_time(Reading& out, const uint8_t* stamp, size_t length);

// Kaifa's positional numbers: four powers, then one or three currents and voltages,
// and after the clock the four energy counters.
DecodeStatus assign_kaifa_values(Reading& out, const int64_t* numbers, size_t count,
                                 const int64_t* energies, size_t energy_count);

}  // namespace han
