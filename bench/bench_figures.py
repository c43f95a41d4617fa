"""Benchmark: rendering the whole figure catalogue (PNG with MuJoCo, and the SVG fallback)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psoascare.body.figures import RenderSummary

REPEATS = 3


def _render_once(out_dir: Path, force: bool) -> tuple[float, RenderSummary]:
    from psoascare.body.figures import render_all

    started = time.perf_counter()
    summary = render_all(out_dir, force=force)
    return time.perf_counter() - started, summary


def _svg_fallback_seconds(out_dir: Path) -> tuple[float, int]:
    """The same catalogue with GL switched off (what a machine without EGL/OSMesa gets)."""
    from psoascare.body.render import gl

    previous = os.environ.get("MUJOCO_GL")
    os.environ["MUJOCO_GL"] = "off"
    gl.forget_backend()
    try:
        seconds, summary = _render_once(out_dir, force=True)
    finally:
        if previous is None:
            os.environ.pop("MUJOCO_GL", None)
        else:
            os.environ["MUJOCO_GL"] = previous
        gl.forget_backend()
    return seconds, len(summary.rendered)


def run() -> str:
    from psoascare.body.figures import catalogue

    kind_of = {figure.key: figure.kind for figure in catalogue()}
    # Software OpenGL shares the CPU with everything else; say how busy the machine was.
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    totals: list[float] = []
    per_kind: dict[str, list[float]] = defaultdict(list)
    last: RenderSummary | None = None
    with tempfile.TemporaryDirectory(prefix="psoascare-bench-figures-") as scratch:
        png_dir, svg_dir = Path(scratch) / "png", Path(scratch) / "svg"
        cpu_started = time.process_time()
        for _ in range(REPEATS):
            seconds, summary = _render_once(png_dir, force=True)
            totals.append(seconds)
            if len(totals) == 1:
                first_cpu = time.process_time() - cpu_started
            last = summary
            for key, figure_seconds in summary.seconds_per_figure.items():
                per_kind[kind_of[key]].append(figure_seconds)
        up_to_date_seconds, _ = _render_once(png_dir, force=False)
        png_dir_sizes = {path.name: path.stat().st_size for path in png_dir.iterdir()}
        svg_seconds, svg_count = _svg_fallback_seconds(svg_dir)
    assert last is not None
    count = len(last.rendered)
    sizes = _sizes(png_dir_sizes)
    lines = [
        "## Figures",
        "",
        f"The whole catalogue ({count} figures at 480×640, lying postures 640×480, backend `{last.backend}`): "
        "a side view of every "
        "posture in its setting with the whole skeleton and body outline, left-leg views, standing from the "
        "front, the lumbar close-up, the hip-slider frames and the walking and pedalling frames, rendered with "
        "one MuJoCo context: per figure a picture pass, a muscles-only pass (the x-ray blend) and an "
        "identification pass (label anchors), then WebP (stills also a phone-sized WebP and a PNG for the "
        f"printed handout). `render_all(force=True)`, {REPEATS} runs; 1-minute load average "
        f"{load_before:.1f} when it started (Mesa renders on the CPU, so other work slows it).",
        "",
        "| measure | time |",
        "| --- | --- |",
        f"| all figures, first run in a fresh process (GL probe, MyoLeg compile, GL context) | {totals[0]:.2f} s |",
        f"| all figures, later runs in the same process (median of {REPEATS - 1}) | "
        f"{statistics.median(totals[1:]):.2f} s |",
        f"| CPU time of the first run, all threads of this process (what it needs of the 2 cores; the GL "
        f"probe's child process not counted) | {first_cpu:.2f} s |",
        f"| all figures up to date (second call, manifest check only) | {up_to_date_seconds * 1000:.0f} ms |",
        f"| SVG fallback, all {svg_count} figures (MUJOCO_GL=off) | {svg_seconds:.2f} s |",
        "",
        "| figure kind | figures | mean per figure | slowest |",
        "| --- | --- | --- | --- |",
    ]
    for kind in ("posture", "close-up", "slider", "motion"):
        times = per_kind.get(kind, [])
        if times:
            lines.append(
                f"| {kind} | {len(times) // REPEATS} | {statistics.mean(times) * 1000:.0f} ms | "
                f"{max(times) * 1000:.0f} ms |"
            )
    lines += [
        "",
        "| files | size |",
        "| --- | --- |",
        f"| the lesson's six pictures, phone WebP (240×320) | {sizes['lesson_small'] / 1000:.0f} kB |",
        f"| the lesson's six pictures, full WebP (480×640) | {sizes['lesson_full'] / 1000:.0f} kB |",
        f"| the same six as PNG (print copies, labels drawn in) | {sizes['lesson_png'] / 1000:.0f} kB |",
        f"| every file of the catalogue | {sizes['all'] / 1e6:.1f} MB |",
    ]
    return "\n".join(lines)


def _sizes(files: dict[str, int]) -> dict[str, int]:
    from psoascare.web.lessons.figures import LESSON_FIGURE_KEYS

    return {
        "lesson_small": sum(files.get(f"{key}-small.webp", 0) for key in LESSON_FIGURE_KEYS),
        "lesson_full": sum(files.get(f"{key}.webp", 0) for key in LESSON_FIGURE_KEYS),
        "lesson_png": sum(files.get(f"{key}.png", 0) for key in LESSON_FIGURE_KEYS),
        "all": sum(files.values()),
    }
