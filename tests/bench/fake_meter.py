"""A stand-in for the simulator's command line, for the bench's own tests: the same options, simple frames.

Each "frame" is one JSON line on the port carrying the list's readings and
whether its checksum is good; the sent log is written to the contract, one
flushed line per frame with the monotonic time of its last byte. The bench's
tests judge the bench, not the codec, so the frames need not be HDLC.
"""

import argparse
import json
import os
import time

import serial

from meter_profiles import get_profile

FAULT_EVERY = 7


def reading(profile, list_no: int, seq: int) -> dict:
    values = {"list_version": profile.identity.list_version, "meter_id": profile.identity.meter_id,
              "meter_type": profile.identity.meter_type, "active_power_import": 1000 + seq, "active_power_export": 0,
              "reactive_power_import": 100, "reactive_power_export": 0, "current_l1": 4.321, "current_l2": 1.5,
              "current_l3": 2.25, "voltage_l1": 231.0, "voltage_l2": 229.0, "voltage_l3": 230.0,
              "active_energy_import": 1_000_000 + 10 * seq, "active_energy_export": 0,
              "reactive_energy_import": 5000, "reactive_energy_export": 70}
    return {name: values[name] for name in profile.lists[list_no].fields if name != "meter_time"}


def pushes(profile, seconds: float):
    """(meter second, list) in time order; of two lists due at once the higher priority is sent."""
    step = min(slot.period_s for slot in profile.schedule)
    t = 0.0
    while t < seconds:
        due = [slot for slot in profile.schedule if abs((t - slot.offset_s) / slot.period_s - round((t - slot.offset_s) / slot.period_s)) < 1e-9]
        if due:
            yield t, max(due, key=lambda slot: slot.priority).list
        t = round(t + step / 2, 6)


def main() -> None:
    parser = argparse.ArgumentParser()
    for option in ("--meter", "--port", "--sent-log", "--duration", "--warp", "--scenario", "--start", "--faults"):
        parser.add_argument(option)
    args = parser.parse_args()
    profile = get_profile(args.meter)
    seconds = float(args.duration.rstrip("s"))
    warp = None if args.warp == "max" else float(args.warp)
    line = serial.Serial(args.port, profile.serial.baud)
    began = time.monotonic()
    with open(args.sent_log, "w") as log:
        for seq, (t, list_no) in enumerate(pushes(profile, seconds)):
            if warp:
                time.sleep(max(0.0, began + t / warp - time.monotonic()))
            corrupt = args.faults == "bad-fcs" and seq % FAULT_EVERY == FAULT_EVERY - 1
            values = reading(profile, list_no, seq)
            start = time.monotonic()
            line.write((json.dumps({"list": list_no, "readings": values, "crc_ok": not corrupt}) + "\n").encode())
            line.flush()
            entry = {"seq": seq, "meter": profile.name, "list": list_no, "meter_time": None, "start_mono": start,
                     "end_mono": time.monotonic(), "frame": "", "readings": values,
                     "faults": [{"name": "bad-fcs", "detail": "checksum inverted"}] if corrupt else [],
                     "expect_publish": not corrupt}
            log.write(json.dumps(entry) + "\n")
            log.flush()
    print(f"sent {seq + 1} frames", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
