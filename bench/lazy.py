"""Public names a package imports from its submodules on first use (PEP 562).

The bench's child processes (relay, observer, broker, simulator) and `hanbench decode`
each need one corner of the package; importing every layer in each cost more CPU than
a short run's frames.
"""

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, namespace: dict[str, Any], homes: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports each name from its home submodule once, then keeps it in namespace."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    return __getattr__
