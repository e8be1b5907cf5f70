"""The manufacturing self-test station: an OpenHTF test that flashes, checks and records every reader board."""

from .station import Station
from .unit import StationConfig

__all__ = ["Station", "StationConfig"]
