"""The MQTT broker a reader publishes to: mosquitto, the embedded Python broker, or one at HOST:PORT."""

from pathlib import Path

from ..errors import BrokerError
from .endpoint import BrokerEndpoint, free_port, is_up, new_client
from .lan import LanListener, lan_listener
from .servers import MOSQUITTO, BrokerServer, EmbeddedBroker, ExternalBroker, MosquittoBroker

__all__ = [
    "BrokerEndpoint",
    "BrokerServer",
    "EmbeddedBroker",
    "ExternalBroker",
    "LanListener",
    "MosquittoBroker",
    "free_port",
    "is_up",
    "lan_listener",
    "make_broker",
    "new_client",
    "start_broker",
]


def make_broker(spec: str, run_dir: Path, lan: "str | LanListener | None" = None) -> BrokerServer | ExternalBroker:
    """A broker for spec: "auto" (mosquitto if installed, else embedded), "mosquitto", "embedded" or "HOST:PORT".

    lan (a LanListener, or an address for one with a login made now) adds a
    listener a board on the LAN logs in to (mosquitto 2 refuses anonymous
    remote clients); the bench's own clients stay on loopback.
    """
    if spec == "auto":
        spec = "mosquitto" if Path(MOSQUITTO).exists() else "embedded"
    if lan is not None and spec != "mosquitto":
        raise BrokerError(
            f"a LAN listener for a board needs --broker mosquitto (apt-get install mosquitto), not {spec!r}"
        )
    if spec == "mosquitto":
        return MosquittoBroker(run_dir, lan=lan_listener(lan) if isinstance(lan, str) else lan)
    if spec == "embedded":
        return EmbeddedBroker(run_dir)
    host, sep, port = spec.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BrokerError(f"--broker must be auto, embedded, mosquitto or HOST:PORT, not {spec!r}")
    return ExternalBroker(host, int(port))


def start_broker(spec: str, run_dir: Path, lan_host: str | None = None) -> BrokerServer | ExternalBroker:
    """make_broker, started; the one-line error of whichever broker could not start."""
    broker = make_broker(spec, run_dir, lan_host)
    broker.start()
    return broker
