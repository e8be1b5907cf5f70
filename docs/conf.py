"""Sphinx settings for hanbench's reference: Markdown pages read by MyST, warnings treated as errors by `nox -s docs`."""

project = "hanbench"
author = "the hanbench maintainers"
copyright = "2026, the hanbench maintainers"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# Headings become link targets, so pages can point at a section: [Sent log](simulator.md#sent-log).
myst_heading_anchors = 3
# Shell sessions, logs and tables drawn in text are shown as they are, not guessed as Python.
highlight_language = "none"

html_theme = "alabaster"
html_title = "hanbench"
