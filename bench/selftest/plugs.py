"""OpenHTF plugs: the station's instruments, each with a host and a rig implementation.

Phases ask for a placeholder (ConsolePlug, HanLinePlug, BrokerPlug,
FlasherPlug, UnitPlug); bind_plugs() picks the implementation for this
station and binds it to the unit, so the same phases test the host build in
CI and a real board on the station. OpenHTF makes plugs with no arguments,
so each bound class carries its unit as a class attribute.
"""

import threading
import time

import openhtf as htf

from meter_profiles import SerialSettings, get_profile
from simulator.lines import Line, LineError, PtyLine, SerialLine

from ..broker import BrokerEndpoint, free_port, make_broker, new_client
from ..dut import Wiring
from .console import ConsoleLink, SerialConsole
from .duts import StationCommandDut, StationHostDut, StationQemuDut
from .errors import SelftestError
from .flasher import Esptool
from .unit import Unit

__all__ = ["BrokerPlug", "ConsolePlug", "FlasherPlug", "HanLinePlug", "UnitPlug", "bind_plugs", "placeholders"]

# What a board straight off the line knows: no broker. Provisioning has to give it one.
FACTORY_TOPIC = "hanreader/unprovisioned"


class UnitPlug(htf.plugs.BasePlug):
    """The unit under test, for the phases: its configuration and what the test has learnt of it."""

    unit: Unit


class BrokerPlug(htf.plugs.BasePlug):
    """The station's MQTT broker and a subscriber that stamps every message on arrival."""

    unit: Unit

    def __init__(self):
        config = self.unit.config
        self._broker = make_broker(config.broker, self.unit.log_dir, config.lan_host)
        own = self._broker.start()
        # What the board is given (on a rig, the LAN listener and its login); the station listens on loopback.
        self.endpoint: BrokerEndpoint = self._broker.board_endpoint
        self._messages: list[dict] = []
        self._arrived = threading.Condition()
        self._client = new_client(own, client_id=f"hanbench-station-{own.port}")
        subscribed = threading.Event()
        self._client.on_message = lambda _c, _u, message: self._take(message)
        self._client.on_connect = lambda client, *_: client.subscribe("#")
        self._client.on_subscribe = lambda *_: subscribed.set()
        self._client.connect(own.host, own.port)
        self._client.loop_start()
        if not subscribed.wait(5.0):
            raise SelftestError(f"the station's subscriber got no SUBACK from {own}; see {self._broker.log_path}")

    def _take(self, message) -> None:
        # Stamp first: latency is measured to the arrival at the station.
        arrival = time.monotonic()
        with self._arrived:
            self._messages.append(
                {"t": arrival, "topic": message.topic, "payload": message.payload.decode(errors="replace")}
            )
            self._arrived.notify_all()

    def mark(self) -> int:
        """A position in the messages: later waits look only at what came after it."""
        with self._arrived:
            return len(self._messages)

    def since(self, mark: int, topic: str) -> list[dict]:
        """The messages on topic that came after mark."""
        with self._arrived:
            return [m for m in self._messages[mark:] if m["topic"] == topic]

    def wait_for(self, mark: int, topic: str, timeout: float, count: int = 1) -> list[dict]:
        """Wait until count messages on topic came after mark; whatever came by the timeout."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(found := [m for m in self._messages[mark:] if m["topic"] == topic]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
        return found

    def publish(self, topic: str, payload: str) -> None:
        """Publish one message (a command to the board)."""
        self._client.publish(topic, payload)

    def tearDown(self) -> None:
        """Disconnect and stop the broker."""
        self._client.disconnect()
        self._client.loop_stop()
        self._broker.stop()


def _rig_port(port: str | None, option: str) -> str:
    """A port of the rig, which the station's command line requires on a rig."""
    if port is None:
        raise SelftestError(f"a station on a rig needs {option}")
    return port


class HanLinePlug(htf.plugs.BasePlug):
    """The HAN line into the board, through the simulator's lines: a pty pair, or a UART / M-Bus emulator port."""

    unit: Unit

    def __init__(self):
        config = self.unit.config
        self._line: Line | None = None
        if config.on_rig:
            self.reader_port: str = _rig_port(config.han_port, "--port")
        else:
            # Wait rather than drop when the reader lags: the station counts every frame it sends.
            self._line = PtyLine(get_profile(self.unit.config.burst.make[0].profile).serial, drop_when_full=False)
            self._line.open()
            self.reader_port = self._line.reader_path

    def _for(self, settings: SerialSettings) -> Line:
        """The line at these settings: a pty carries bytes, not bits; a UART is reopened when the make changes."""
        if self.unit.config.on_rig and (self._line is None or self._line.serial != settings):
            self.tearDown()
            self._line = line = SerialLine(_rig_port(self.unit.config.han_port, "--port"), settings)
            line.open()
            return line
        if self._line is None:
            raise SelftestError("the HAN line is closed")
        return self._line

    def send(self, data: bytes, meter: str) -> float:
        """Put a frame on the line at the meter's serial settings; the time.monotonic() of its last byte."""
        line = self._for(get_profile(meter).serial)
        try:
            line.write(data)
            line.drain()  # a UART returns once its last stop bit has left
        except LineError as error:
            raise SelftestError(f"the HAN line failed: {error}") from None
        return time.monotonic()

    def tearDown(self) -> None:
        """Close the line."""
        if self._line is not None:
            self._line.close()
            self._line = None


class ConsolePlug(htf.plugs.BasePlug):
    """The board's console and its power: power_on() starts (or resets) the board; link is its console."""

    unit: Unit
    link: ConsoleLink | None = None

    def power_on(self, line_port: str) -> float:
        """Power the board on (or reset it) on this HAN line; the time.monotonic() of power-on."""
        raise NotImplementedError

    def tearDown(self) -> None:
        """Power off."""


class ProcessConsolePlug(ConsolePlug):
    """A reader run on this machine: power-on starts its process, its stdin/stdout are the console."""

    def power_on(self, line_port: str) -> float:
        """Start the reader on the line with factory settings (a broker nobody listens on)."""
        config = self.unit.config
        self._dut: StationCommandDut | StationHostDut | StationQemuDut
        if config.dut_cmd:
            self._dut = StationCommandDut(self.unit.log_dir, config.dut_cmd)
        else:
            board = StationQemuDut if config.dut == "qemu" else StationHostDut
            self._dut = board(self.unit.log_dir, config.limits.station.host_temperature_c)
        self._dut.build()
        factory = BrokerEndpoint("127.0.0.1", free_port())
        started = time.monotonic()
        self._dut.start(Wiring(line_port, "auto", factory, FACTORY_TOPIC))
        self.link = self._dut.console
        return started

    def tearDown(self) -> None:
        """Stop the reader."""
        if getattr(self, "_dut", None) is not None:
            self._dut.stop()


class SerialConsolePlug(ConsolePlug):
    """A board on the station: its console UART, and a reset through RTS for power-on."""

    def power_on(self, line_port: str) -> float:
        """Open the console and reset the board into its firmware."""
        self.link = SerialConsole(
            _rig_port(self.unit.config.console_port, "--console"), self.unit.log_dir / "console.log"
        )
        self.link.start()
        return self.link.reset()

    def tearDown(self) -> None:
        """Release the console port."""
        if self.link is not None:
            self.link.close()


class FlasherPlug(htf.plugs.BasePlug):
    """esptool on the board's console port; absent (None) for a reader run on this machine."""

    unit: Unit

    def __init__(self):
        config = self.unit.config
        self.esptool = (
            Esptool(_rig_port(config.console_port, "--console"), self.unit.log_dir / "esptool.log")
            if config.on_rig
            else None
        )


def placeholders() -> dict:
    """The placeholders phases declare, by plug name."""
    return {name: htf.core.base_plugs.PlugPlaceholder(cls) for name, cls in _BASES.items()}


_BASES = {"unit": UnitPlug, "broker": BrokerPlug, "line": HanLinePlug, "console": ConsolePlug, "flasher": FlasherPlug}


def bind_plugs(unit: Unit) -> dict:
    """The implementation of each plug for this station, bound to the unit."""
    console = SerialConsolePlug if unit.config.on_rig else ProcessConsolePlug
    chosen = {**_BASES, "console": console}
    return {name: type(cls.__name__, (cls,), {"unit": unit}) for name, cls in chosen.items()}
