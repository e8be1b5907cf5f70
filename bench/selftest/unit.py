"""What a station run is told (StationConfig) and what one unit's test learns as it goes (Unit)."""

from dataclasses import dataclass, field
from pathlib import Path

from .datafiles import Burst, Limits

__all__ = ["StationConfig", "Unit"]


@dataclass(frozen=True)
class StationConfig:
    """How this station is wired and run: the DUT kind and its ports, the broker, who operates it, the limits."""

    record_dir: Path
    limits: Limits
    burst: Burst
    dut: str = "host"
    dut_cmd: str | None = None
    han_port: str | None = None
    console_port: str | None = None
    image: Path | None = None
    broker: str = "auto"
    lan_host: str | None = None
    wifi_ssid: str = "hanbench-station"
    wifi_password: str = ""
    station_id: str = "station-1"
    operator: str = "unknown"
    keep_going: bool = False
    records: str | None = None  # the record database's URL; None: an SQLite file in record_dir

    @property
    def on_rig(self) -> bool:
        """True for a real board (esptool, a console UART, a HAN UART); False for a reader run on this machine."""
        return self.dut == "rig"


@dataclass
class Unit:
    """One board under test: its name in the record directory, its identity as learnt, and why a measurement is missing."""

    key: str
    config: StationConfig
    serial_number: str | None
    log_dir: Path
    board_id: str | None = None
    chip_mac: str | None = None
    firmware_version: str | None = None
    topic: str = ""
    serial_setting: str = "auto"
    why: dict[str, str] = field(default_factory=dict)

    @property
    def command_topic(self) -> str:
        """Where the station sends commands over MQTT; the board answers on command_topic/reply."""
        return f"{self.topic}/cmd"
