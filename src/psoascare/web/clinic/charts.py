"""Small server-rendered SVG charts; each page shows the same numbers in a table for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape


@dataclass(frozen=True)
class Threshold:
    value: float
    label: str


def line_chart(
    points: Sequence[tuple[date, float]],
    *,
    title: str,
    description: str,
    y_min: float,
    y_max: float,
    thresholds: Sequence[Threshold] = (),
    width: int = 560,
    height: int = 220,
    element_id: str = "chart",
) -> str:
    """An accessible line chart of (day, value) points, with dashed threshold lines (e.g. meaningful change)."""
    left, right, top, bottom = 36, 12, 14, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    days = [day for day, _ in points]
    first = min(days) if days else date.today()
    span = max((max(days) - first).days, 1) if days else 1

    def x(day: date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - y_min) / (y_max - y_min))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" class="chart">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#5b6b7c"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#5b6b7c"/>',
    ]
    for tick in (y_min, (y_min + y_max) / 2, y_max):
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>')
    for threshold in thresholds:
        parts.append(
            f'<line x1="{left}" y1="{y(threshold.value):.1f}" x2="{left + plot_w}" y2="{y(threshold.value):.1f}" '
            f'stroke="#e07b00" stroke-dasharray="5 4"/>'
            f'<text x="{left + plot_w}" y="{y(threshold.value) - 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#8a4b00">{escape(threshold.label)}</text>'
        )
    if points:
        coords = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#b3261e" stroke-width="2.5"/>')
        for day, value in points:
            parts.append(f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="3.5" fill="#b3261e"/>')
        parts.append(f'<text x="{left}" y="{height - 8}" font-size="11">{first:%d %b}</text>')
        parts.append(
            f'<text x="{left + plot_w}" y="{height - 8}" font-size="11" text-anchor="end">{max(days):%d %b}</text>'
        )
    else:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="13">No data yet</text>')
    parts.append("</svg>")
    return "".join(parts)


def change_thresholds(baseline: float, points: float, fraction: float | None, lower_is_better: bool) -> list[Threshold]:
    """Lines at the smallest meaningful improvement from the baseline (points, or a fraction of it)."""
    step = points if fraction is None else min(points, abs(baseline) * fraction) if baseline else points
    target = baseline - step if lower_is_better else baseline + step
    return [Threshold(target, f"meaningful improvement ({'−' if lower_is_better else '+'}{step:g})")]
