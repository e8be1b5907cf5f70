"""The M-Bus line emulator: Amaranth gateware, its iCEBreaker build and its simulated line.

Importing the package registers the `mbus-sim` line kind with the simulator.
"""

from . import line as _line  # noqa: F401  (registers mbus-sim)
