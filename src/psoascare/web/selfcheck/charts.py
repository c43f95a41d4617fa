"""The self-check chart: the hanging thigh's angle over time, left and right, each check with the measurement's
error band (±ERROR_BAND_DEG), and the published reference lines. Server-rendered SVG; pages add a table."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from psoascare.body.thomas import ERROR_BAND_DEG, HARVEY_THIGH_BELOW_DEG
from psoascare.web.selfcheck.models import SelfCheck

WIDTH, HEIGHT = 420, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 18, 32
COLOURS = {"r": "#b3261e", "l": "#1d5fa8"}
LABELS = {"r": "right", "l": "left"}


def selfcheck_chart(checks: Sequence[SelfCheck], element_id: str = "selfcheck-chart") -> str:
    """SVG of thigh_below_bed per check (oldest left), one colour per side, error bars of ±ERROR_BAND_DEG."""
    ordered = sorted(checks, key=lambda check: (check.taken_at, check.pk))
    values = [check.thigh_below_bed for check in ordered]
    y_min = min([-20.0, *(value - ERROR_BAND_DEG for value in values)])
    y_max = max([30.0, *(value + ERROR_BAND_DEG for value in values)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    times = [check.taken_at.timestamp() for check in ordered]
    first = min(times) if times else 0.0
    span = max(max(times) - first, 1.0) if times else 1.0

    def x(when: float) -> float:
        return LEFT + plot_w * ((when - first) / span if len(times) > 1 else 0.5)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - y_min) / (y_max - y_min))

    description = (
        f"Degrees the hanging thigh rests below the bed line (negative: above it), per check, right in red and "
        f"left in blue; each bar shows ±{ERROR_BAND_DEG:g}°, the measurement's error. Dashed lines: the bed line "
        f"(0°, Kendall's normal) and {HARVEY_THIGH_BELOW_DEG}° (mean of elite athletes, Harvey 1998)."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" id="{element_id}">',
        f'<title id="{element_id}-title">Hanging thigh below the bed line (°)</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#5b6b7c"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#5b6b7c"/>',
    ]
    for tick in (y_min, 0.0, y_max):
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="13">{tick:.0f}</text>')
    for value, label in ((0.0, "bed line (Kendall)"), (HARVEY_THIGH_BELOW_DEG, "athletes' mean (Harvey)")):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{LEFT + plot_w}" y2="{y(value):.1f}" stroke="#e07b00" '
            f'stroke-dasharray="5 4"/><text x="{LEFT + plot_w}" y="{y(value) - 4:.1f}" text-anchor="end" '
            f'font-size="13" fill="#8a4b00">{escape(label)}</text>'
        )
    if not ordered:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="13">No checks yet</text>')
    for side in ("r", "l"):
        series = [(x(when), check) for when, check in zip(times, ordered, strict=True) if check.side == side]
        if not series:
            continue
        colour = COLOURS[side]
        if len(series) > 1:
            coords = " ".join(f"{px:.1f},{y(check.thigh_below_bed):.1f}" for px, check in series)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for px, check in series:
            value = check.thigh_below_bed
            parts.append(
                f'<line x1="{px:.1f}" y1="{y(value - ERROR_BAND_DEG):.1f}" x2="{px:.1f}" '
                f'y2="{y(value + ERROR_BAND_DEG):.1f}" stroke="{colour}" stroke-opacity="0.35" stroke-width="6"/>'
                f'<circle cx="{px:.1f}" cy="{y(value):.1f}" r="4" fill="{colour}" data-side="{side}">'
                f"<title>{LABELS[side]} {check.taken_at:%d %b}: {value:.1f}°</title></circle>"
            )
    legend_x = LEFT + 8
    for index, side in enumerate(("r", "l")):
        parts.append(
            f'<circle cx="{legend_x + index * 80}" cy="{HEIGHT - 10}" r="4" fill="{COLOURS[side]}"/>'
            f'<text x="{legend_x + index * 80 + 8}" y="{HEIGHT - 6}" font-size="13">{LABELS[side]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
