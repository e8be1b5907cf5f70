"""The gateware tests' helper modules (frames, line_model, the cocotb modules) are imported by plain
name, here and inside Icarus; pytest's importlib mode puts no test folder on sys.path, so this one does."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
