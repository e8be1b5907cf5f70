"""The bench: broker, DUTs, observer, checker, reports, and the `hanbench` command."""
