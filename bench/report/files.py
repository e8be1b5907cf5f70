"""The report folder: JUnit XML (one test case per check), a JSON summary, the HTML page, beside the logs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_atomic
from .html import render_html

if TYPE_CHECKING:  # the run package writes reports: a run-time import would go round in a circle
    from ..run.outcome import RunResult

__all__ = ["write_junit", "write_reports"]


def write_reports(result: RunResult) -> dict[str, Path]:
    """Write summary.json, junit.xml and report.html into the run folder; their paths by kind."""
    folder = result.run_dir
    paths = {"summary": folder / "summary.json", "junit": folder / "junit.xml", "html": folder / "report.html"}
    summary = {
        "meter": result.run.meter,
        "run": result.run.__dict__,
        **result.verdict.as_dict(),
        "files": {p.name: p.name for p in sorted(folder.iterdir()) if p.is_file()},
    }
    # Atomic, and the summary last: a run killed mid-way leaves no report that looks whole.
    write_junit([result], paths["junit"])
    write_atomic(paths["html"], render_html(result))
    write_atomic(paths["summary"], json.dumps(summary, indent=2, default=str))
    return paths


def write_junit(results: list[RunResult], path: Path) -> None:
    """One test suite per run, one test case per check; a failing check lists what failed."""
    suites = ET.Element("testsuites")
    for result in results:
        verdict = result.verdict
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"hanbench.{result.run.meter}",
            tests=str(len(verdict.checks)),
            failures=str(len(verdict.reasons())),
        )
        for check in verdict.checks:
            case = ET.SubElement(suite, "testcase", classname=f"hanbench.{result.run.meter}", name=check.name)
            if not check.passed:
                failure = ET.SubElement(
                    case, "failure", message=f"{len(check.failures)} failures: {check.failures[0].detail}"
                )
                failure.text = "\n".join(f.detail for f in check.failures)
        if verdict.bench_problems:
            case = ET.SubElement(suite, "testcase", classname=f"hanbench.{result.run.meter}", name="the-bench-itself")
            ET.SubElement(case, "error", message="the bench lost frames").text = "\n".join(verdict.bench_problems)
        ET.SubElement(suite, "system-out").text = f"report: {result.run_dir / 'report.html'}"
    ET.indent(suites)
    write_atomic(path, "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(suites, encoding="unicode") + "\n")
