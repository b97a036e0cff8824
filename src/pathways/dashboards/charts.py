"""Server-side SVG charts: plain text, no script, legible in black and white on paper.

Series differ by dash pattern and marker as well as by shade, so a printout keeps
them apart. Every label is escaped: step names come from uploaded models.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from pathways.dashboards.durations import StepDuration

_FONT = 'font-family="sans-serif" font-size="12"'
# (stroke, dash pattern) per series, distinguishable in greyscale.
_STYLES = [("#000000", ""), ("#555555", "6 3"), ("#999999", "2 2"), ("#333333", "10 3 2 3")]
_DAY = 86400.0


def _text(x: float, y: float, label: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT}{extra}>'
        f"{escape(label)}</text>"
    )


def _fitted(
    x: float, y: float, label: str, room: float, anchor: str = "start", extra: str = ""
) -> str:
    """A label cut to the `room` it has (about 7 px a character), with the whole label
    as its tooltip, so long step names never run off the chart."""
    fits = max(int(room // 7), 4)
    if len(label) <= fits:
        return _text(x, y, label, anchor, extra)
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT}{extra}>'
        f"<title>{escape(label)}</title>{escape(label[: fits - 1])}…</text>"
    )


def _frame(title: str, width: int, height: int, body: list[str]) -> str:
    # A chart shown as an image has no tooltips: a title too long for a phone's width
    # wraps onto lines of its own (three at most) and the chart moves down under it.
    lines = _wrapped(title, max(int((width - 16) // 7.5), 8))
    lines = [*lines[:2], " ".join(lines[2:])] if len(lines) > 3 else lines
    below = 16 * (len(lines) - 1)
    bold = ' font-weight="bold"'
    heading = [
        _fitted(width / 2, 18 + 16 * n, line, width - 16, "middle", bold)
        for n, line in enumerate(lines)
    ]
    shifted = [f'<g transform="translate(0 {below})">', *body, "</g>"] if below else body
    height += below
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)}>',
            f"<title>{escape(title)}</title>",
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *heading,
            *shifted,
            "</svg>",
        ]
    )


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value`."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(-(-value // step) * step)


def line_chart(
    title: str,
    days: Sequence[date],
    series: dict[str, Sequence[float]],
    *,
    width: int = 720,
    height: int = 320,
) -> str:
    """One line per series over `days` (e.g. open, at risk, overdue), with a legend."""
    left, right, top = 56, 16, 36
    plot_w = width - left - right
    per_row = max(plot_w // 150, 1)
    legend_rows = -(-max(len(series), 1) // per_row)
    bottom = 44 + 20 * legend_rows
    plot_h = height - top - bottom
    peak = _nice_top(max((v for values in series.values() for v in values), default=0))
    body = _axes(left, top, plot_w, plot_h, peak)
    slots = max(len(days) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{left + plot_w * i / slots:.1f},{top + plot_h * (1 - v / peak):.1f}"

    for n, (name, values) in enumerate(series.items()):
        stroke, dash = _STYLES[n % len(_STYLES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(xy(i, v) for i, v in enumerate(values))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{stroke}" stroke-width="2"{dashed}/>'
        )
        legend_x = left + (n % per_row) * 150
        legend_y = top + plot_h + 40 + 20 * (n // per_row)
        body.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 24}" y2="{legend_y - 4}"'
            f' stroke="{stroke}" stroke-width="2"{dashed}/>'
        )
        body.append(_fitted(legend_x + 30, legend_y, name, 118))
    labels = max(plot_w // 90, 2)  # a date is about 70 px wide
    for i, day in enumerate(days):
        if len(days) <= labels or i % -(-len(days) // labels) == 0:
            body.append(
                _text(left + plot_w * i / slots, top + plot_h + 16, day.isoformat(), "middle")
            )
    return _frame(title, width, height, body)


def _axes(left: int, top: int, plot_w: int, plot_h: int, peak: float) -> list[str]:
    body = [
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#000000"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"'
        ' stroke="#000000"/>',
    ]
    for k in range(5):
        value = peak * k / 4
        y = top + plot_h * (1 - k / 4)
        body.append(_text(left - 6, y + 4, f"{value:g}", "end"))
        if k:
            body.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"'
                ' stroke="#dddddd"/>'
            )
    return body


def duration_chart(
    title: str,
    rows: Sequence[StepDuration],
    *,
    width: int = 720,
    labels: Sequence[str] | None = None,
    legend: Sequence[str] = ("filled: median", "outlined: 90th percentile", "bar: deadline"),
    unit: str = "%s d",
) -> str:
    """Per step, in days: a filled bar to the median, an outlined one to the 90th
    percentile, and a black tick where the step's deadline falls. `labels` name the
    rows (default "model: step"); `legend` and `unit` are the page's language."""
    names = list(labels) if labels is not None else [f"{r.model}: {r.step_name}" for r in rows]
    label_w, bar_h, gap, top = min(220, int(width * 0.4)), 14, 14, 36
    legend_rows = 1 if width >= 560 else len(legend)
    height = top + len(rows) * (2 * bar_h + gap) + 24 + 16 * legend_rows
    plot_w = width - label_w - 24
    peak = _nice_top(
        max(
            (max(r.p90_seconds, r.allowed_seconds or 0) / _DAY for r in rows),
            default=0,
        )
    )
    body: list[str] = []

    def x(days: float) -> float:
        return label_w + plot_w * days / peak

    for i, row in enumerate(rows):
        y = top + i * (2 * bar_h + gap)
        body.append(_fitted(label_w - 8, y + bar_h + 4, names[i], label_w - 12, "end"))
        body.append(
            f'<rect x="{label_w}" y="{y}" width="{x(row.median_seconds / _DAY) - label_w:.1f}"'
            f' height="{bar_h}" fill="#666666"/>'
        )
        body.append(
            f'<rect x="{label_w}" y="{y + bar_h}" width="{x(row.p90_seconds / _DAY) - label_w:.1f}"'
            f' height="{bar_h}" fill="none" stroke="#000000"/>'
        )
        if row.allowed_seconds is not None:
            at = x(row.allowed_seconds / _DAY)
            body.append(
                f'<line x1="{at:.1f}" y1="{y - 3}" x2="{at:.1f}" y2="{y + 2 * bar_h + 3}"'
                ' stroke="#000000" stroke-width="3"/>'
            )
    axis_y = top + len(rows) * (2 * bar_h + gap) + 10
    for k in range(0, 5, 1 if plot_w >= 240 else 2):
        days = peak * k / 4
        body.append(_text(x(days), axis_y, unit % f"{days:g}", "middle"))
    if legend_rows == 1:
        body.append(_fitted(8, height - 10, "   ".join(legend), width - 16))
    else:
        for n, part in enumerate(legend):
            body.append(_fitted(8, axis_y + 18 + 16 * n, part, width - 16))
    return _frame(title, width, height, body)


def note(title: str, message: str, *, width: int = 720) -> str:
    """A chart with nothing to draw yet: its title and why, rather than empty axes."""
    lines = _wrapped(message, max(int((width - 16) // 7), 8))[:3]
    body = [
        _fitted(width / 2, 46 + 16 * n, line, width - 16, "middle") for n, line in enumerate(lines)
    ]
    return _frame(title, width, 48 + 16 * len(lines), body)


def _wrapped(text: str, fits: int) -> list[str]:
    """Words in lines of at most `fits` characters (a longer word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= fits:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
