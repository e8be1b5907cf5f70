"""The manufacturing self-test station: an OpenHTF test that flashes, checks and records every reader board.

Nothing is imported here: `hanbench` loads the station's command on every
start, and OpenHTF only when a unit is tested (bench.selftest.station).
"""
