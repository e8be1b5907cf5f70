"""Plots as inline SVG, drawn here: no script, no CDN, so the report opens anywhere, offline."""

from html import escape

__all__ = ["histogram", "time_chart"]

WIDTH, HEIGHT, PAD = 900, 220, 48
MAX_POINTS = 1500


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    step = max(1, len(points) // MAX_POINTS)
    return points[::step]


def _scale(low: float, high: float, size: float, flip: bool = False):
    span = (high - low) or 1.0
    if flip:
        return lambda v: PAD + size - (v - low) / span * size
    return lambda v: PAD + (v - low) / span * size


def _frame(title: str, body: list[str], x_label: str, y_range: tuple[float, float]) -> str:
    axes = (f'<line x1="{PAD}" y1="{PAD + HEIGHT}" x2="{PAD + WIDTH}" y2="{PAD + HEIGHT}" class="axis"/>'
            f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{PAD + HEIGHT}" class="axis"/>'
            f'<text x="{PAD}" y="{PAD - 10}" class="title">{escape(title)}</text>'
            f'<text x="{PAD + WIDTH}" y="{PAD + HEIGHT + 30}" class="label" text-anchor="end">{escape(x_label)}</text>'
            f'<text x="{PAD - 6}" y="{PAD + 4}" class="label" text-anchor="end">{y_range[1]:.4g}</text>'
            f'<text x="{PAD - 6}" y="{PAD + HEIGHT}" class="label" text-anchor="end">{y_range[0]:.4g}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH + 2 * PAD} {HEIGHT + 2 * PAD}" '
            f'role="img" aria-label="{escape(title)}">{axes}{"".join(body)}</svg>')


def time_chart(title: str, sent: list[tuple[float, float]], published: list[tuple[float, float]],
               marks: list[float], spans: list[tuple[float, float]], duration: float) -> str:
    """A value over run time: the sent values as a line, the published ones as dots, faults and outages marked."""
    values = [v for _, v in sent + published] or [0.0]
    low, high = min(values), max(values)
    x, y = _scale(0.0, duration or 1.0, WIDTH), _scale(low, high, HEIGHT, flip=True)
    body = [f'<rect x="{x(a):.1f}" y="{PAD}" width="{max(1.0, x(b) - x(a)):.1f}" height="{HEIGHT}" class="outage"/>'
            for a, b in spans]
    body += [f'<line x1="{x(t):.1f}" y1="{PAD}" x2="{x(t):.1f}" y2="{PAD + HEIGHT}" class="fault"/>' for t in _thin_marks(marks)]
    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in _thin(sent))
    body.append(f'<polyline points="{line}" class="sent"/>')
    body += [f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2" class="published"/>' for t, v in _thin(published)]
    return _frame(title, body, "seconds since the first frame", (low, high))


def _thin_marks(marks: list[float]) -> list[float]:
    return marks[:: max(1, len(marks) // 300)]


def histogram(title: str, samples: list[float], limit: float, bins: int = 40) -> str:
    """Counts of samples in equal bins from zero, with the limit drawn as a line."""
    top = max(samples + [limit]) * 1.05 or 1.0
    counts = [0] * bins
    for sample in samples:
        counts[min(bins - 1, max(0, int(sample / top * bins)))] += 1
    x, y = _scale(0.0, top, WIDTH), _scale(0, max(counts) or 1, HEIGHT, flip=True)
    width = WIDTH / bins
    body = [f'<rect x="{x(i * top / bins):.1f}" y="{y(c):.1f}" width="{width - 1:.1f}" height="{PAD + HEIGHT - y(c):.1f}" class="bar"/>'
            for i, c in enumerate(counts) if c]
    body.append(f'<line x1="{x(limit):.1f}" y1="{PAD}" x2="{x(limit):.1f}" y2="{PAD + HEIGHT}" class="limit"/>')
    body.append(f'<text x="{x(limit) + 4:.1f}" y="{PAD + 12}" class="label">limit {limit:g} s</text>')
    return _frame(title, body, f"seconds from last byte to message (0 to {top:.3g})", (0, max(counts) or 1))
