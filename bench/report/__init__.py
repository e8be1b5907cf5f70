"""Reports of a run: JUnit XML for CI, JSON for machines, an HTML page with plots for people."""

from .files import write_junit, write_reports
from .html import render_html

__all__ = ["render_html", "write_junit", "write_reports"]
