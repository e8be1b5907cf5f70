"""The M-Bus line emulator: Amaranth gateware, its host protocol and client, its iCEBreaker build, its lines.

The simulator offers its line kinds (`mbus`, `mbus-sim`) through the
`hanbench.lines` entry points (see `kinds.py`); nothing here runs on import.
"""
