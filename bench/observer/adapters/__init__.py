"""From what a reader publishes to canonical readings: one adapter per output format, chosen by name.

Each module is one format and registers itself with the registry; importing
the package registers them all.
"""

from ..payload import MAX_DEPTH, MAX_PAYLOAD
from . import amsreader, amsreader_raw, homeassistant, raw, values
from .classic import CLASSIC_KEYS, KILO_KEYS
from .registry import Publication, adapter, adapter_names, make_adapter, publications

__all__ = [
    "CLASSIC_KEYS",
    "KILO_KEYS",
    "MAX_DEPTH",
    "MAX_PAYLOAD",
    "Publication",
    "adapter",
    "adapter_names",
    "make_adapter",
    "publications",
]

# The formats register themselves on import; these names keep them loaded.
FORMAT_MODULES = (amsreader, amsreader_raw, homeassistant, raw, values)
