"""Plots as inline SVG, drawn here: no script, no CDN, so the report opens anywhere, offline."""

from html import escape

from .axes import round_ticks

__all__ = ["histogram", "time_chart"]

# The plot area, the margin left of it and below it (tick labels, axis titles), and right of it.
WIDTH, HEIGHT, PAD, RIGHT = 880, 220, 64, 24
MAX_POINTS = 1500


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    step = max(1, len(points) // MAX_POINTS)
    return points[::step]


def _scale(low: float, high: float, size: float, flip: bool = False):
    span = (high - low) or 1.0
    if flip:
        return lambda v: PAD + size - (v - low) / span * size
    return lambda v: PAD + (v - low) / span * size


def _frame(
    title: str,
    body: list[str],
    x_axis: tuple[str, list[tuple[float, str]]],
    y_axis: tuple[str, list[tuple[float, str]]],
) -> str:
    """The plot's box: a title, both axes with their titles, and tick labels at (pixel, text)."""
    (x_title, x_ticks), (y_title, y_ticks) = x_axis, y_axis
    bottom = PAD + HEIGHT
    axes = [
        f'<line x1="{PAD}" y1="{bottom}" x2="{PAD + WIDTH}" y2="{bottom}" class="axis"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{bottom}" class="axis"/>',
        f'<text x="{PAD}" y="{PAD - 22}" class="title">{escape(title)}</text>',
        f'<text x="{PAD + WIDTH / 2}" y="{bottom + 38}" class="label" text-anchor="middle">{escape(x_title)}</text>',
        f'<text x="{PAD - 6}" y="{PAD - 6}" class="label" text-anchor="end">{escape(y_title)}</text>',
    ]
    axes += [
        f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" class="axis"/>'
        f'<text x="{x:.1f}" y="{bottom + 18}" class="label" text-anchor="middle">{escape(text)}</text>'
        for x, text in x_ticks
    ]
    axes += [
        f'<line x1="{PAD - 5}" y1="{y:.1f}" x2="{PAD}" y2="{y:.1f}" class="axis"/>'
        f'<line x1="{PAD}" y1="{y:.1f}" x2="{PAD + WIDTH}" y2="{y:.1f}" class="grid"/>'
        f'<text x="{PAD - 8}" y="{y + 4:.1f}" class="label" text-anchor="end">{escape(text)}</text>'
        for y, text in y_ticks
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH + PAD + RIGHT} {HEIGHT + 2 * PAD}" '
        f'role="img" aria-label="{escape(title)}">{"".join(axes)}{"".join(body)}</svg>'
    )


def _value_ticks(low: float, high: float, y) -> list[tuple[float, str]]:
    return [(y(v), f"{v:g}") for v in round_ticks(low, high)]


def time_chart(
    title: str,
    unit: str,
    sent: list[tuple[float, float]],
    published: list[tuple[float, float]],
    marks: list[float],
    spans: list[tuple[float, float]],
    duration: float,
    clock: tuple[list[tuple[float, str]], str],
) -> str:
    """A value over the run: the sent values as a line, the published ones as dots, faults and outages marked.

    clock: the x axis's ticks (seconds since the first frame, label) and title: the meter's own clock.
    """
    values = [v for _, v in sent + published] or [0.0]
    low, high = min(values), max(values)
    x, y = _scale(0.0, duration or 1.0, WIDTH), _scale(low, high, HEIGHT, flip=True)
    body = [
        f'<rect x="{x(a):.1f}" y="{PAD}" width="{max(1.0, x(b) - x(a)):.1f}" height="{HEIGHT}" class="outage"/>'
        for a, b in spans
    ]
    body += [
        f'<line x1="{x(t):.1f}" y1="{PAD}" x2="{x(t):.1f}" y2="{PAD + HEIGHT}" class="fault"/>'
        for t in _thin_marks(marks)
    ]
    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in _thin(sent))
    body.append(f'<polyline points="{line}" class="sent"/>')
    body += [f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2" class="published"/>' for t, v in _thin(published)]
    ticks, x_title = clock
    return _frame(title, body, (x_title, [(x(t), label) for t, label in ticks]), (unit, _value_ticks(low, high, y)))


def _thin_marks(marks: list[float]) -> list[float]:
    return marks[:: max(1, len(marks) // 300)]


def histogram(title: str, samples: list[float], limit: float, bins: int = 40) -> str:
    """Counts of samples (seconds) in equal bins from zero, in milliseconds, with the limit drawn as a line."""
    samples, limit = [s * 1000 for s in samples], limit * 1000
    top = max(samples + [limit]) * 1.05 or 1.0
    counts = [0] * bins
    for sample in samples:
        counts[min(bins - 1, max(0, int(sample / top * bins)))] += 1
    x, y = _scale(0.0, top, WIDTH), _scale(0, max(counts) or 1, HEIGHT, flip=True)
    width = WIDTH / bins
    body = [
        f'<rect x="{x(i * top / bins):.1f}" y="{y(c):.1f}" width="{width - 1:.1f}" height="{PAD + HEIGHT - y(c):.1f}" class="bar"/>'
        for i, c in enumerate(counts)
        if c
    ]
    body.append(f'<line x1="{x(limit):.1f}" y1="{PAD}" x2="{x(limit):.1f}" y2="{PAD + HEIGHT}" class="limit"/>')
    near_the_end = x(limit) > PAD + 0.8 * WIDTH  # the label goes left of the line there, inside the plot
    body.append(
        f'<text x="{x(limit) + (-4 if near_the_end else 4):.1f}" y="{PAD + 12}" class="label" '
        f'text-anchor="{"end" if near_the_end else "start"}">limit {limit:g} ms</text>'
    )
    x_ticks = [(x(v), f"{v:g}") for v in round_ticks(0.0, top, most=11)]
    y_ticks = [(y(c), f"{c:g}") for c in round_ticks(0, max(counts) or 1, whole=True)]
    return _frame(
        title, body, ("milliseconds from a frame's last byte on the line to its message", x_ticks), ("frames", y_ticks)
    )
