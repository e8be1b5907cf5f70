"""Applying fault plans to frames: what goes on the line instead of the clean frame.

Every draw is seeded noise keyed by the plan, the fault and the frame's
sequence number, so a plan does the same thing to the same frame in every run.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from meter_profiles import Profile

from ..codec.link import Encoded, Tamper
from ..codec.segments import split_frames
from ..readings.noise import Noise
from .plan import FaultError, FaultPlan, FaultSpec

if TYPE_CHECKING:  # for the annotation alone: the run package imports this one, so a run-time import would be a cycle
    from ..run.sentlog import AppliedFault

__all__ = ["PUBLISHES", "Injector", "Transmission"]

FLAG = 0x7E

# Would a correct reader publish the values of a frame that suffered this fault?
PUBLISHES = {
    "bad-fcs": False,
    "bad-hcs": False,
    "truncate": False,
    "garbage": True,  # noise between frames: the frame after it is whole
    "flip-bits": False,
    "parity-error": False,
    "framing-error": False,
    "gap": True,  # the bytes are whole, only late
    "lost-list": False,
    "duplicate": True,  # both copies are valid frames
    "clock-jump": True,  # the frame is valid; it carries the jumped time
    "silence": False,
    "burst": True,  # the frame after an over-long burst is whole
    "wrong-key": False,  # the tag does not verify (or, unauthenticated, the list does not parse)
    "bad-tag": False,
    "counter-reset": False,  # its counter is not above one already accepted: refused until it is
    "counter-repeat": False,  # the last frame's counter again: a replay
    "stale-counter": False,  # after a counter reset, every frame until the counter passes the highest sent
    "lost-segment": False,  # the joined list does not parse: nothing from it
    "repeated-segment": False,
    "reordered-segment": False,
    "baud-drift": True,  # within the few percent every UART receiver must tolerate
    "stretch": False,  # one byte misread: the FCS fails
    "glitch": True,  # a spurious byte before the frame, which is whole
    "power-off": False,  # the frame is cut; the lists due while the bus is down are never sent
}
_LINE_ERRORS = ("parity-error", "framing-error", "baud-drift")
_EMULATOR_FAULTS = ("stretch", "glitch", "power-off")
# Why a list due while the line is quiet was never sent.
_QUIET = {"silence": "inside a silence on the line", "power-off": "the meter is without power"}
_CIPHER_FAULTS = ("wrong-key", "bad-tag", "counter-reset", "counter-repeat")
_SEGMENT_FAULTS = ("lost-segment", "repeated-segment", "reordered-segment")


@dataclass
class Transmission:
    """What to put on the line for one frame: maybe noise before it, a damaged frame, a pause, nothing."""

    frame: bytes
    before: bytes = b""  # garbage or a burst ahead of the frame
    gap_at: int | None = None  # pause after this many bytes of the frame
    gap_s: float = 0.0
    bad_parity_at: int | None = None  # this byte goes out with a parity error
    break_at: int | None = None  # a break (framing error) after this many bytes
    baud: int | None = None  # the frame goes out at this rate instead of the line's
    glitch_bits: float = 0.0  # a space spike this many bit times long on the idle bus before the frame
    stretch_at: int | None = None  # this byte's start bit is held too long
    stretch_bits: float = 0.0
    power_off_s: float = 0.0  # after the (cut) frame the bus is unpowered this long
    send: bool = True
    copies: int = 1
    clock_jump_s: float = 0.0  # the meter's clock jumps after this frame
    faults: list["AppliedFault"] = field(default_factory=list)

    @property
    def expect_publish(self) -> bool:
        """Would a correct reader publish this frame's values?"""
        return self.send and all(PUBLISHES[f["name"]] for f in self.faults)


class _Draw:
    """The seeded draws of one fault of one plan."""

    def __init__(self, plan: FaultPlan, index: int, spec: FaultSpec) -> None:
        self.spec = spec
        self._noise = Noise(plan.seed, f"{plan.name}/{index}/{spec.kind}")
        self._seq = 0

    def strikes(self, seq: int, list_no: int) -> bool:
        """Whether this fault hits frame `seq` (of list `list_no`)."""
        spec = self.spec
        if spec.lists is not None and list_no not in spec.lists:
            return False
        if spec.every is not None:
            return seq >= spec.first and (seq - spec.first) % spec.every == 0
        return spec.rate is not None and self._noise.unit(seq * 64) < spec.rate

    def position(self, seq: int, draw: int, low: int, high: int) -> int:
        """A seeded whole number in [low, high] for draw number `draw` of frame `seq`."""
        return low + int(self._noise.unit(seq * 64 + 1 + draw) * (high - low + 1))

    def noise_bytes(self, seq: int) -> bytes:
        """Seeded line noise of the spec's length, never a flag byte (so it cannot open a frame)."""
        count = self.position(seq, 0, self.spec.bytes_min, self.spec.bytes_max)
        raw = (self.position(seq, 1 + i, 0, 254) for i in range(count))
        return bytes(b if b < FLAG else b + 1 for b in raw)


class Injector:
    """Turns each clean frame into a Transmission according to the plans."""

    def __init__(self, plans: list[FaultPlan], profile: Profile) -> None:
        self.plans = plans
        self._profile = profile
        self._draws = [_Draw(plan, i, spec) for plan in plans for i, spec in enumerate(plan.fault)]
        self._silent_until: float | None = None
        self._silent_kind = "silence"  # or power-off: what keeps lists off the line until then
        self._pending: list[str] = []  # the cipher faults tamper() chose for the frame being encoded
        hdlc = profile.hdlc
        self._hcs_at = 1 + 2 + len(hdlc.dst) + len(hdlc.src) + 1  # flag, format, addresses, control

    def check_line(self, line) -> None:
        """Refuse plans the line or the meter cannot carry, before anything is sent."""
        for draw in self._draws:
            kind = draw.spec.kind
            if kind in _LINE_ERRORS and not line.carries_line_errors:
                raise FaultError(
                    f"fault {kind} needs a serial device that can carry line errors; {line.describe} cannot "
                    "(a pty has no parity, stop bits or bit timing): use --port DEVICE or drop that plan"
                )
            if kind in _EMULATOR_FAULTS and not line.makes_bus_faults:
                raise FaultError(
                    f"fault {kind} needs the M-Bus line emulator (--line mbus-sim, or --line mbus with a board); "
                    f"{line.describe} cannot (a pty or a UART has no say over one bit's length or the bus power)"
                )
            if kind == "parity-error" and self._profile.serial.parity == "N":
                raise FaultError(
                    f"fault parity-error needs parity, but {self._profile.name} sends {self._profile.serial.name}"
                )
            self._check_meter(kind)

    def _check_meter(self, kind: str) -> None:
        """Refuse a plan that means nothing for this meter's ciphering or framing."""
        profile = self._profile
        security = profile.security
        if kind in _CIPHER_FAULTS and security is None:
            raise FaultError(
                f"fault {kind} needs an encrypted meter; {profile.name} sends plaintext (try kamstrup-omnipower-dk)"
            )
        if kind == "bad-tag" and security is not None and security.mode != "authenticated-encryption":
            raise FaultError(f"fault bad-tag needs authenticated frames; {profile.name} encrypts without a tag")
        if kind == "duplicate" and security is not None:
            raise FaultError(
                f"fault duplicate sends a frame twice, and a reader rightly refuses the second copy of {profile.name}'s "
                "ciphered frames (its counter repeats): use counter-repeat"
            )
        transport = profile.transport
        if (
            kind in _SEGMENT_FAULTS
            and transport.kind == "hdlc"
            and transport.max_info is None
            and not transport.block_size
        ):
            raise FaultError(
                f"fault {kind} needs a meter that sends lists in pieces; {profile.name} never splits a list "
                "(try aidon-6534-se)"
            )

    def tamper(self, seq: int, list_no: int) -> Tamper:
        """What the plans do to frame `seq`'s ciphering; call before encoding it, then apply() with the result."""
        changes: dict[str, Any] = {}
        self._pending = []
        for draw in self._draws:
            kind = draw.spec.kind
            if kind in _CIPHER_FAULTS and draw.strikes(seq, list_no):
                changes.update(self._tamper_of(draw.spec))
                self._pending.append(kind)
        return Tamper(**changes)

    @staticmethod
    def _tamper_of(spec: FaultSpec) -> dict[str, Any]:
        tampers: dict[str, dict[str, Any]] = {
            "wrong-key": {"wrong_key": True},
            "bad-tag": {"bad_tag": True},
            "counter-reset": {"counter_back": spec.counter_back},
            "counter-repeat": {"repeat_counter": True},
        }
        return tampers[spec.kind]

    def apply(self, seq: int, list_no: int, elapsed: float, encoded: Encoded) -> Transmission:
        """What goes on the line for frame `seq` (encoded after tamper()), sent `elapsed` meter seconds into the run."""
        tx = Transmission(encoded.data)
        self._note_ciphering(tx, encoded)
        if self._silent_until is not None and elapsed < self._silent_until:
            self._note(tx, self._silent_kind, _QUIET[self._silent_kind])
            tx.send = False
            return tx
        for draw in self._draws:
            if draw.spec.kind not in _CIPHER_FAULTS and draw.strikes(seq, list_no):
                getattr(self, "_" + draw.spec.kind.replace("-", "_"))(tx, draw, seq, elapsed)
        return tx

    def _note_ciphering(self, tx: Transmission, encoded: Encoded) -> None:
        if not self._pending and not encoded.stale:
            return  # nearly every frame: no fault touched its ciphering
        counter = f"frame counter {encoded.counter}"
        details = {
            "wrong-key": f"{counter}: ciphered with a key that is not the meter's",
            "bad-tag": f"{counter}: one bit of the authentication tag flipped",
            "counter-reset": f"{counter}: the meter was reset, its counter went back",
            "counter-repeat": f"{counter}: the counter of the frame before, again",
        }
        for kind in self._pending:
            self._note(tx, kind, details[kind])
        if encoded.stale and not self._pending:
            self._note(tx, "stale-counter", f"{counter} is not above the highest sent before (after a reset)")
        self._pending = []

    @staticmethod
    def _note(tx: Transmission, name: str, detail: str) -> None:
        tx.faults.append({"name": name, "detail": detail})

    def _flip(self, tx: Transmission, draw: _Draw, seq: int, index: int, what: str, bit: int | None = None) -> None:
        bit = draw.position(seq, 7, 0, 7) if bit is None else bit
        damaged = bytearray(tx.frame)
        damaged[index] ^= 1 << bit
        tx.frame = bytes(damaged)
        self._note(tx, draw.spec.kind, f"{what}: bit {bit} of byte {index} flipped")

    def _bad_fcs(self, tx, draw, seq, elapsed) -> None:
        self._flip(tx, draw, seq, len(tx.frame) - 3 + draw.position(seq, 0, 0, 1), "FCS")

    def _bad_hcs(self, tx, draw, seq, elapsed) -> None:
        self._flip(tx, draw, seq, self._hcs_at + draw.position(seq, 0, 0, 1), "HCS")

    def _flip_bits(self, tx, draw, seq, elapsed) -> None:
        # Distinct bits between the flags: two flips of one bit would cancel out.
        chosen: set[int] = set()
        for attempt in range(64):
            if len(chosen) == draw.spec.bits:
                break
            chosen.add(draw.position(seq, 10 + attempt, 8, (len(tx.frame) - 1) * 8 - 1))
        for bit in sorted(chosen):
            self._flip(tx, draw, seq, bit // 8, "payload", bit % 8)

    def _truncate(self, tx, draw, seq, elapsed) -> None:
        keep = draw.position(seq, 0, 3, len(tx.frame) - 2)
        tx.frame = tx.frame[:keep]
        self._note(tx, "truncate", f"cut after {keep} bytes, no closing flag")

    def _garbage(self, tx, draw, seq, elapsed) -> None:
        noise = draw.noise_bytes(seq)
        tx.before += noise
        self._note(tx, draw.spec.kind, f"{len(noise)} bytes of noise before the frame: {noise.hex().upper()}")

    _burst = _garbage

    def _parity_error(self, tx, draw, seq, elapsed) -> None:
        # A single bit flipped on the wire: the byte changes and its parity bit no longer matches.
        index = draw.position(seq, 0, 1, len(tx.frame) - 2)
        self._flip(tx, draw, seq, index, "parity error")
        tx.bad_parity_at = index

    def _framing_error(self, tx, draw, seq, elapsed) -> None:
        tx.break_at = draw.position(seq, 0, 1, len(tx.frame) - 1)
        self._note(tx, "framing-error", f"break after byte {tx.break_at - 1}: a 00 with a framing error")

    def _gap(self, tx, draw, seq, elapsed) -> None:
        tx.gap_at = draw.position(seq, 0, 1, len(tx.frame) - 1)
        tx.gap_s = draw.spec.gap_ms / 1000
        self._note(tx, "gap", f"{draw.spec.gap_ms:g} ms pause after byte {tx.gap_at - 1}")

    def _baud_drift(self, tx, draw, seq, elapsed) -> None:
        nominal = self._profile.serial.baud
        tx.baud = round(nominal * (1 + draw.spec.drift_percent / 100))
        self._note(tx, "baud-drift", f"sent at {tx.baud} baud instead of {nominal} ({draw.spec.drift_percent:+g} %)")

    def _stretch(self, tx, draw, seq, elapsed) -> None:
        # A byte other than 00, which alone reads the same one bit late.
        candidates = [i for i in range(1, len(tx.frame) - 1) if tx.frame[i]]
        tx.stretch_at = candidates[draw.position(seq, 0, 0, len(candidates) - 1)]
        tx.stretch_bits = draw.spec.stretch_bits
        byte = tx.frame[tx.stretch_at]
        self._note(
            tx,
            "stretch",
            f"start bit of byte {tx.stretch_at} ({byte:02X}) held {tx.stretch_bits:g} bit times too long: "
            "a UART misreads it",
        )

    def _glitch(self, tx, draw, seq, elapsed) -> None:
        tx.glitch_bits = draw.spec.glitch_bits
        self._note(tx, "glitch", f"a {tx.glitch_bits:g}-bit space spike before the frame: a UART reads a spurious byte")

    def _power_off(self, tx, draw, seq, elapsed) -> None:
        keep = draw.position(seq, 0, 3, len(tx.frame) - 2)
        tx.frame = tx.frame[:keep]
        tx.power_off_s = draw.spec.seconds
        self._silent_until, self._silent_kind = elapsed + draw.spec.seconds, "power-off"
        self._note(tx, "power-off", f"cut after {keep} bytes, then the bus unpowered for {draw.spec.seconds:g} s")

    def _lost_list(self, tx, draw, seq, elapsed) -> None:
        tx.send = False
        self._note(tx, "lost-list", "the meter skipped this list")

    def _duplicate(self, tx, draw, seq, elapsed) -> None:
        tx.copies = 2
        self._note(tx, "duplicate", "sent twice back to back")

    def _clock_jump(self, tx, draw, seq, elapsed) -> None:
        tx.clock_jump_s += draw.spec.seconds
        self._note(tx, "clock-jump", f"the meter clock jumps {draw.spec.seconds:+g} s after this frame")

    def _silence(self, tx, draw, seq, elapsed) -> None:
        tx.send = False
        self._silent_until, self._silent_kind = elapsed + draw.spec.seconds, "silence"
        self._note(tx, "silence", f"nothing on the line for {draw.spec.seconds:g} s from here")

    def _pieces(self, tx: Transmission) -> list[bytes] | None:
        frames = split_frames(tx.frame)
        return frames if len(frames) > 1 else None  # a list in one frame has no piece to lose

    def _lost_segment(self, tx, draw, seq, elapsed) -> None:
        pieces = self._pieces(tx)
        if pieces:
            index = draw.position(seq, 0, 0, len(pieces) - 1)
            tx.frame = b"".join(pieces[:index] + pieces[index + 1 :])
            self._note(tx, "lost-segment", f"piece {index + 1} of {len(pieces)} not sent")

    def _repeated_segment(self, tx, draw, seq, elapsed) -> None:
        pieces = self._pieces(tx)
        # A middle piece: a first piece sent again is a list begun afresh and a last one arrives after the
        # list closed, both of which a reader rightly reads past.
        if pieces and len(pieces) > 2:
            index = draw.position(seq, 0, 1, len(pieces) - 2)
            tx.frame = b"".join(pieces[: index + 1] + pieces[index:])
            self._note(tx, "repeated-segment", f"piece {index + 1} of {len(pieces)} sent twice")

    def _reordered_segment(self, tx, draw, seq, elapsed) -> None:
        pieces = self._pieces(tx)
        if pieces:
            index = draw.position(seq, 0, 0, len(pieces) - 2)
            pieces[index], pieces[index + 1] = pieces[index + 1], pieces[index]
            tx.frame = b"".join(pieces)
            self._note(tx, "reordered-segment", f"pieces {index + 1} and {index + 2} of {len(pieces)} swapped")
