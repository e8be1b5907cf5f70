"""The schema of a meter profile: what a simulator or a checker needs to know
about one meter model, validated when the file is loaded.

Like a labgrid resource, a profile is pure data: it says what the meter is
and what it sends, never how to send it.
"""

from collections.abc import Callable
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .fields import FIELDS, TEXT_FIELDS

__all__ = [
    "AXDR_TYPES",
    "UNITS",
    "ApduSettings",
    "ClockSettings",
    "HdlcSettings",
    "Identity",
    "ListItem",
    "ListLayout",
    "MbusSettings",
    "Profile",
    "PushSlot",
    "SecuritySettings",
    "SerialSettings",
    "TransportSettings",
]

# A-XDR types a list item may have, by their DLMS names. Each set of names is a Literal type, so the models and
# the type checker know it, and a tuple of the same names for the code that lists them.
AxdrType = Literal[
    "null",
    "octet-string",
    "visible-string",
    "date-time",  # an octet-string of 12: the COSEM date-time
    "double-long-unsigned",
    "long-unsigned",
    "long",
    "integer",
    "enum",
]
AXDR_TYPES: tuple[AxdrType, ...] = get_args(AxdrType)
NUMERIC_TYPES = ("double-long-unsigned", "long-unsigned", "long", "integer", "enum")
Unit = Literal["W", "var", "A", "V", "Wh", "varh"]
UNITS: tuple[Unit, ...] = get_args(Unit)
# The rates a HAN or P1 port runs at: M-Bus HAN at 2400, some at 9600, P1-style ports at 115200.
BaudRate = Literal[300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]
BAUD_RATES: tuple[BaudRate, ...] = get_args(BaudRate)
Quirk = Literal["it-grid-u2-zero", "hourly-energy-repeat"]
KNOWN_QUIRKS: tuple[Quirk, ...] = get_args(Quirk)


def _hex_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise ValueError(f'must be a hex string such as "02 01", not {value!r}')
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ValueError(f'must be a hex string such as "02 01", not {value!r}') from None


HexBytes = Annotated[bytes, BeforeValidator(_hex_bytes)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SerialSettings(_Strict):
    """The HAN port's UART settings."""

    baud: BaudRate = 2400
    bytesize: Literal[7, 8] = 8
    parity: Literal["N", "E", "O"]
    stopbits: Literal[1, 2] = 1
    # The port's signal is inverted (idle low): a reader must invert its receive pin or its UART.
    inverted: bool = False

    @property
    def bits_per_byte(self) -> int:
        """Bit times one byte takes on the wire: start, data, parity, stop."""
        return 1 + self.bytesize + (self.parity != "N") + self.stopbits

    @property
    def byte_time(self) -> float:
        """Seconds one byte takes on the wire at this setting."""
        return self.bits_per_byte / self.baud

    @property
    def name(self) -> str:
        """The usual short form, such as 8E1."""
        return f"{self.bytesize}{self.parity}{self.stopbits}"


def _check_hdlc_address(address: bytes) -> bytes:
    if not 1 <= len(address) <= 4:
        raise ValueError(f"must be 1 to 4 bytes, not {len(address)}")
    if any(b & 1 for b in address[:-1]) or not address[-1] & 1:
        raise ValueError(f"only the last byte may have its low bit set, and it must: {address.hex(' ')}")
    return address


def _exactly(size: int) -> Callable[[bytes], bytes]:
    """A validator that a byte string has exactly `size` bytes."""

    def check(value: bytes) -> bytes:
        if len(value) != size:
            raise ValueError(f"must be {size} bytes, not {len(value)}")
        return value

    return check


class HdlcSettings(_Strict):
    """The HDLC frame's addresses and control byte, as the meter sends them."""

    dst: HexBytes
    src: HexBytes
    control: HexBytes

    _dst = field_validator("dst")(_check_hdlc_address)
    _src = field_validator("src")(_check_hdlc_address)
    _control = field_validator("control")(_exactly(1))


class SecuritySettings(_Strict):
    """DLMS security suite 0 as the meter applies it: general-glo-ciphering with AES-128-GCM.

    Only what the meter says in every frame lives here; its keys are secrets
    and come from a keys file or the environment, never from a profile.
    """

    suite: Literal[0] = 0
    # authenticated-encryption: security control 30, a 12-byte GCM tag; encryption: 20, no tag.
    mode: Literal["authenticated-encryption", "encryption"]
    system_title: HexBytes
    # The invocation counter of the run's first frame; it goes up by one every frame.
    frame_counter: int = Field(1, ge=0, le=0xFFFFFFFF)

    _system_title = field_validator("system_title")(_exactly(8))

    @property
    def control(self) -> int:
        """The security control byte: suite 0 with encryption, and authentication when the mode has it."""
        return 0x30 if self.mode == "authenticated-encryption" else 0x20


class MbusSettings(_Strict):
    """A wired M-Bus long frame's fixed fields, as a meter that sends DLMS over M-Bus fills them."""

    control: int = Field(0x53, ge=0, le=0xFF)  # SND_UD
    address: int = Field(0xFF, ge=0, le=0xFF)  # broadcast: the HAN port has one listener
    stsap: int = Field(0x01, ge=0, le=0xFF)
    dtsap: int = Field(0x67, ge=0, le=0xFF)
    # Bytes of the APDU in one long frame (its L field counts 5 more: C, A, CI and both SAPs).
    max_segment: int = Field(245, ge=1, le=250)


class TransportSettings(_Strict):
    """How an APDU reaches the line: HDLC frames (split above max_info bytes) or M-Bus long frames, whole or in GBT blocks."""

    kind: Literal["hdlc", "mbus"] = "hdlc"
    # HDLC: the largest information field of one frame; a longer one is sent in segments. None: never split.
    max_info: int | None = Field(None, ge=16, le=2030)
    mbus: MbusSettings = MbusSettings()
    # General Block Transfer: the (ciphered) APDU in numbered blocks of this many bytes, a frame or frames each.
    block_size: int | None = Field(None, ge=1, le=2000)


class ApduSettings(_Strict):
    """The data-notification header: invoke id and the form of its date-time."""

    invoke_id: HexBytes
    # octet-string: 09 0C + 12 bytes; bare: 0C + 12 bytes; null: 00.
    datetime: Literal["octet-string", "bare", "null"]

    _invoke_id = field_validator("invoke_id")(_exactly(4))


class ClockSettings(_Strict):
    """How the meter's clock relates to UTC, and how it fills a COSEM date-time."""

    # local: the zone's wall clock, daylight saving included; fixed: UTC + offset all year.
    kind: Literal["local", "fixed"]
    zone: str | None = None
    utc_offset_minutes: int | None = None
    deviation: int = Field(0x8000, ge=0, le=0xFFFF)
    status: int = Field(0, ge=0, le=0xFF)
    hundredths: int = Field(0xFF, ge=0, le=0xFF)
    # iso: 1 = Monday; zero: the byte is always 0 (seen from Aidon meters).
    weekday: Literal["iso", "zero"] = "iso"

    @model_validator(mode="after")
    def _zone_or_offset(self) -> "ClockSettings":
        if self.kind == "local" and not self.zone:
            raise ValueError('a local clock needs zone (such as "Europe/Oslo")')
        if self.kind == "fixed" and self.utc_offset_minutes is None:
            raise ValueError("a fixed clock needs utc_offset_minutes (60 for UTC+1)")
        return self


class Identity(_Strict):
    """The strings the meter sends about itself; meter_type also picks the profile."""

    list_version: str
    meter_id: str
    meter_type: str


class PushSlot(_Strict):
    """One list in the push schedule: sent every period_s at offset_s in meter time."""

    list: Literal[1, 2, 3]
    period_s: float = Field(gt=0)
    offset_s: float = Field(0, ge=0)
    # When two lists fall on one instant, the higher priority is sent and the other is not.
    priority: int = 0
    # Seconds between the instant the values were taken and the instant the list is sent.
    lag_s: float = Field(0, ge=0)


class ListItem(_Strict):
    """One item of a list, in the order the meter sends it."""

    field: str | None = None
    type: AxdrType
    obis: str | None = None
    scaler: int = 0
    unit: Unit | None = None
    # The DLMS unit code, for a unit no canonical field has (an extra value's); unit names the others.
    unit_code: int | None = Field(None, ge=0, le=255)
    # Sent as null placeholders (the OBIS code and the value both 00).
    placeholder: bool = False
    # An extra value (an OBIS code no canonical field has): what the meter sends when a reading's
    # `extra` does not give it. A decoded frame carries it under `extra`, keyed by the code.
    value: int | float | str | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str | None) -> str | None:
        if value is not None and value not in FIELDS:
            raise ValueError(f"must be a canonical field name, not {value!r} (known: {', '.join(FIELDS)})")
        return value

    @field_validator("obis")
    @classmethod
    def _obis_form(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = value.split(".")
        if len(parts) != 6 or not all(p.isdigit() and int(p) < 256 for p in parts):
            raise ValueError(f"must be an OBIS code A.B.C.D.E.F of six numbers 0-255, not {value!r}")
        return value

    @model_validator(mode="after")
    def _type_fits_field(self) -> "ListItem":
        if self.field is None and not self.placeholder and (self.obis is None or self.value is None):
            raise ValueError("needs a field, placeholder = true, or an obis code with a value (an extra value)")
        if self.unit is not None and self.unit_code is not None:
            raise ValueError("give unit or unit_code, not both")
        if self.field in TEXT_FIELDS and self.type in NUMERIC_TYPES:
            raise ValueError(f"field {self.field} is text, so type must not be {self.type}")
        if self.field and self.field not in TEXT_FIELDS and self.type not in NUMERIC_TYPES:
            raise ValueError(f"field {self.field} is a number, so type must be numeric, not {self.type}")
        if self.field == "meter_time" and self.type != "date-time":
            raise ValueError("field meter_time must have type date-time")
        return self


class ListLayout(_Strict):
    """The body of one list: how its items are wrapped, and the items in order."""

    # positional: a structure of bare values (Kaifa); obis-pairs: a structure of
    # OBIS code then value, pair after pair (Kamstrup); obis-structs: an array of
    # {OBIS, value[, scaler-unit]} structures (Aidon).
    layout: Literal["positional", "obis-pairs", "obis-structs"]
    items: list[ListItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _obis_where_needed(self) -> "ListLayout":
        for index, item in enumerate(self.items):
            if self.layout == "obis-structs" and item.obis is None:
                raise ValueError(f"item {index}: an obis-structs list needs an obis code on every item")
            if self.layout == "positional" and item.obis is not None:
                raise ValueError(f"item {index}: a positional list sends no OBIS codes, so give none")
        return self

    @property
    def fields(self) -> tuple[str, ...]:
        """The canonical fields this list carries, in order."""
        return tuple(item.field for item in self.items if item.field and not item.placeholder)


class Profile(_Strict):
    """One meter model: serial line, framing, clock, push schedule and list layouts."""

    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)+$")
    make: Literal["kaifa", "kamstrup", "aidon"]
    model: str
    description: str
    phases: Literal[1, 3]
    grid: Literal["TN", "IT"]
    quirks: list[Quirk] = []
    serial: SerialSettings
    hdlc: HdlcSettings
    apdu: ApduSettings
    transport: TransportSettings = TransportSettings()
    security: SecuritySettings | None = None
    clock: ClockSettings
    identity: Identity
    schedule: list[PushSlot] = Field(min_length=1)
    lists: dict[int, ListLayout]

    @field_validator("lists")
    @classmethod
    def _list_numbers(cls, value: dict[int, ListLayout]) -> dict[int, ListLayout]:
        wrong = sorted(set(value) - {1, 2, 3})
        if wrong:
            raise ValueError(f"list numbers must be 1, 2 or 3, not {wrong}")
        return value

    @model_validator(mode="after")
    def _schedule_matches_lists(self) -> "Profile":
        scheduled = {slot.list for slot in self.schedule}
        if scheduled != set(self.lists):
            raise ValueError(
                f"schedule sends lists {sorted(scheduled)} but lists describes {sorted(self.lists)}; they must match"
            )
        return self
