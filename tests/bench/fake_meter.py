"""A stand-in for the simulator's command line, for the bench's own tests: the same options, real frames.

It puts real HDLC frames (simulator.codec) on the port, on the profile's
schedule with simple readings, and writes the sent log to the contract: one
flushed line per frame with the monotonic time of its last byte. With
--faults bad-fcs every seventh frame's checksum is broken.
"""

import argparse
import json
import os
import time
from datetime import datetime, timedelta

import serial

from meter_profiles import get_profile
from simulator.codec import encode_frame

FAULT_EVERY = 7
START = datetime(2026, 1, 1, 0, 0, 0)


def reading(profile, list_no: int, seq: int, meter_time: str) -> dict:
    """Values every profile can carry exactly at its resolution; P changes each frame so frames differ."""
    values = {
        "list_version": profile.identity.list_version,
        "meter_id": profile.identity.meter_id,
        "meter_type": profile.identity.meter_type,
        "active_power_import": 1000 + seq,
        "active_power_export": 0,
        "reactive_power_import": 100,
        "reactive_power_export": 0,
        "current_l1": 4.0,
        "current_l2": 1.5,
        "current_l3": 2.2,
        "voltage_l1": 231.0,
        "voltage_l2": 229.0,
        "voltage_l3": 230.0,
        "active_energy_import": 1_000_000 + 10 * seq,
        "active_energy_export": 0,
        "reactive_energy_import": 5000,
        "reactive_energy_export": 70,
        "meter_time": meter_time,
    }
    wanted = set(profile.lists[list_no].fields) | ({"meter_time"} if profile.apdu.datetime != "null" else set())
    return {name: values[name] for name in wanted}


def pushes(profile, seconds: float):
    """(meter second, list) in time order; of two lists due at once the higher priority is sent."""
    step = min(slot.period_s for slot in profile.schedule) / 2
    for tick in range(int(seconds / step)):
        t = tick * step
        due = [s for s in profile.schedule if t >= s.offset_s and ((t - s.offset_s) / s.period_s).is_integer()]
        if due:
            yield t, max(due, key=lambda slot: slot.priority).list


def corrupted(frame: bytes) -> bytes:
    """The frame with its FCS broken (never into a flag byte)."""
    broken = frame[-2] ^ (0x01 if frame[-2] ^ 0x01 != 0x7E else 0x02)
    return frame[:-2] + bytes((broken,)) + frame[-1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    for option in (
        "--meter",
        "--line",
        "--port",
        "--sent-log",
        "--duration",
        "--warp",
        "--scenario",
        "--start",
        "--faults",
    ):
        parser.add_argument(option)
    args = parser.parse_args()
    profile = get_profile(args.meter)
    warp = None if args.warp == "max" else float(args.warp)
    line = serial.Serial(args.port, profile.serial.baud)
    began = time.monotonic()
    with open(args.sent_log, "w") as log:
        for seq, (t, list_no) in enumerate(pushes(profile, float(args.duration.rstrip("s")))):
            if warp:
                time.sleep(max(0.0, began + t / warp - time.monotonic()))
            meter_time = (START + timedelta(seconds=t)).isoformat()
            values = reading(profile, list_no, seq, meter_time)
            bad = args.faults == "bad-fcs" and seq % FAULT_EVERY == FAULT_EVERY - 1
            frame = encode_frame(profile, list_no, values)
            frame = corrupted(frame) if bad else frame
            start = time.monotonic()
            line.write(frame)
            line.flush()
            entry = {
                "seq": seq,
                "meter": profile.name,
                "list": list_no,
                "meter_time": meter_time,
                "start_mono": start,
                "end_mono": time.monotonic(),
                "frame": frame.hex().upper(),
                "readings": values,
                "faults": [{"name": "bad-fcs", "detail": "FCS byte flipped"}] if bad else [],
                "expect_publish": not bad,
            }
            log.write(json.dumps(entry) + "\n")
            log.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
