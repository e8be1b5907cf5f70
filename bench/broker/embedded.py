"""An MQTT broker in Python (amqtt), run as its own process when mosquitto is not installed.

Run as `python -m bench.broker.embedded PORT`: it listens on 127.0.0.1:PORT with
anonymous access, prints one line when it accepts connections, and runs until
SIGTERM. A process of its own keeps the bench's busy Python threads from
slowing the broker down.
"""

import asyncio
import logging
import signal
import sys
from typing import Any

__all__ = ["serve"]


def _config(port: int) -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


async def serve(port: int) -> None:
    """Run the broker on 127.0.0.1:port until SIGTERM or SIGINT."""
    from amqtt.broker import Broker

    broker = Broker(_config(port))
    await broker.start()
    print(f"embedded broker listening on 127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await broker.shutdown()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(serve(int(sys.argv[1])))
