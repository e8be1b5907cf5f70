"""The run's HTML page: verdict, failures, each value as sent and as published, latency, faults on the time line."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import TYPE_CHECKING

from meter_profiles import FIELDS, TEXT_FIELDS

from .axes import clock_ticks
from .svg import histogram, time_chart

if TYPE_CHECKING:  # the run package writes reports: a run-time import would go round in a circle
    from ..run.outcome import RunResult

__all__ = ["render_html"]

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}
h1 .PASS{color:#14803c} h1 .FAIL{color:#b91c1c} h1 .BENCH-PROBLEM{color:#b45309}
table{border-collapse:collapse;margin:1em 0} td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}
svg{width:100%;height:auto;margin:0.5em 0 1.5em} .axis{stroke:#444} .title{font-size:16px;font-weight:600}
.label{font-size:13px;fill:#444} .grid{stroke:#e5e7eb} .sent{fill:none;stroke:#2563eb;stroke-width:1.5} .published{fill:#f59e0b}
.fault{stroke:#dc2626;stroke-width:1;opacity:.6} .outage{fill:#9ca3af;opacity:.35} .bar{fill:#2563eb} .limit{stroke:#dc2626;stroke-width:2}
.legend span{margin-right:1.5em} .swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
"""
MAX_ROWS = 50


def render_html(result: RunResult) -> str:
    """The whole page for one run, self-contained."""
    verdict = result.verdict.status
    origin = result.frames[0]["end_mono"] if result.frames else 0.0
    parts = [
        f"<h1>{escape(result.run.meter)}: <span class='{verdict}'>{verdict}</span></h1>",
        _summary(result),
        _checks(result),
        _legend(),
        histogram("Latency", result.verdict.latency.samples, result.verdict.latency.limit),
    ]
    sent, published = _series(result, origin)
    marks = [f["end_mono"] - origin for f in result.frames if f["faults"]]
    clock = clock_ticks(result.frames, origin)  # the meter's clock, worked out once for every chart
    parts += [
        _value_chart(result, name, sent[name], published[name], marks, origin, clock) for name in _plotted_fields(sent)
    ]
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>hanbench: {escape(result.run.meter)} "
        f"{verdict}</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def _summary(result: RunResult) -> str:
    v, run = result.verdict, result.run
    latency = v.latency
    rows = [
        ("meter", run.meter),
        ("scenario", run.scenario or "default"),
        ("duration / warp", f"{run.duration} / {run.warp}"),
        ("faults", run.faults or "none"),
        ("line", run.line),
        ("frames sent / expected published", f"{v.frames} / {v.expected}"),
        ("publications", v.publications),
        ("lost while excused", len(v.excused)),
        ("the bench's own problems", "; ".join(v.bench_problems) or "none"),
        (
            "latency median / p99 / max (s)",
            " / ".join("-" if x is None else f"{x:.4f}" for x in (latency.median, latency.p99, latency.maximum)),
        ),
    ]
    return (
        "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(val))}</td></tr>" for k, val in rows) + "</table>"
    )


def _checks(result: RunResult) -> str:
    rows = []
    for check in result.verdict.checks:
        state = "PASS" if check.passed else f"FAIL ({len(check.failures)})"
        rows.append(f"<tr><td>{check.name}</td><td>{escape(check.description)}</td><td>{state}</td></tr>")
    failures = [
        f"<tr><td>{f.check}</td><td colspan='2'>{escape(f.detail)}</td></tr>"
        for f in result.verdict.failures[:MAX_ROWS]
    ]
    excused = [f"<tr><td>excused</td><td colspan='2'>{escape(f.detail)}</td></tr>" for f in result.verdict.excused[:5]]
    if len(result.verdict.excused) > 5:
        excused.append(f"<tr><td>excused</td><td colspan='2'>... and {len(result.verdict.excused) - 5} more</td></tr>")
    return (
        "<h2>Checks</h2><table><tr><th>check</th><th>what it asks</th><th>result</th></tr>"
        + "".join(rows)
        + "</table>"
        + ("<h2>Failures</h2><table>" + "".join(failures + excused) + "</table>" if failures or excused else "")
    )


def _legend() -> str:
    items = [
        ("#2563eb", "sent"),
        ("#f59e0b", "published"),
        ("#dc2626", "fault injected"),
        ("#9ca3af", "reader or broker down"),
    ]
    return (
        "<p class='legend'>"
        + "".join(f"<span><i class='swatch' style='background:{c}'></i>{t}</span>" for c, t in items)
        + "</p>"
    )


def _plotted_fields(sent: dict[str, list]) -> list[str]:
    return [name for name in FIELDS if name in sent and name not in TEXT_FIELDS]


def _series(result: RunResult, origin: float) -> tuple[dict[str, list], dict[str, list]]:
    """Every field's (seconds, value) points as sent and as published, gathered in one pass over each.

    A warped day is 40,000 frames and as many messages: one pass, not one per plotted field.
    """
    sent, published = defaultdict(list), defaultdict(list)
    for frame in result.frames:
        at = frame["end_mono"] - origin
        for name, value in frame["readings"].items():
            sent[name].append((at, value))
    for publication in result.publications:
        at = publication.t - origin
        for name, value in publication.fields.items():
            if isinstance(value, (int, float)):
                published[name].append((at, value))
    return sent, published


def _value_chart(
    result: RunResult,
    name: str,
    sent: list,
    published: list,
    marks: list[float],
    origin: float,
    clock: tuple[list[tuple[float, str]], str],
) -> str:
    duration = max([t for t, _ in sent + published] + [1.0])
    spans = [(max(0.0, e.start - origin), min(duration, e.end - origin)) for e in result.excuses]
    unit = FIELDS[name].unit
    return time_chart(f"{name} ({unit})", unit or "", sent, published, marks, spans, duration, clock)
