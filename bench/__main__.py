"""`python -m bench` runs the `hanbench` command."""

from .cli import main

main()
