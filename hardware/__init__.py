"""The M-Bus line emulator: Amaranth gateware, its iCEBreaker build and its simulated line."""
