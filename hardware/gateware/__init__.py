"""Gateware blocks of the M-Bus line emulator, each a `wiring.Component`."""
