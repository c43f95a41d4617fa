"""The figure catalogue: every picture of the psoas the app shows, rendered from the body model.

For each named posture a front and a side view, a close-up of the lumbar spine and pelvis with the
psoas fascicles, and the frames of the interactive hip-angle slider (side view). Captions carry the
psoas length change against standing as the model computes it; nothing is typed in.

`render_all` renders only what is missing or outdated: `manifest.json` in the output directory records
a fingerprint of the model (data files, model and rendering code, MyoLeg and MuJoCo versions) and of
each figure. Where no headless OpenGL is available the figures are SVG schematics of the same geometry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from psoascare.body.model import BodyModel, psoas_length_curve
from psoascare.body.postures import Posture, load_postures, standing

log = logging.getLogger(__name__)

MODEL_NAME = "rajagopal2016"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
WIDTH, HEIGHT = 480, 640
SLIDER_ANGLES_DEG: tuple[int, ...] = tuple(range(-20, 111, 5))
LUMBAR_CLOSE_UP_KEY = "lumbar-close-up"
# Right and left psoas changes closer than this (percentage points) are captioned as one number.
SAME_SIDES_PCT = 0.5

ProgressCallback = Callable[[int, int, "Figure"], None]


@dataclass(frozen=True)
class Figure:
    """One picture: `kind` is "posture", "close-up" or "slider"."""

    key: str
    kind: str
    posture: Posture
    view: str
    alt: str
    caption: str
    psoas_change_pct: dict[str, float]

    def filename(self, extension: str = "png") -> str:
        return f"{self.key}.{extension}"

    def spec(self) -> dict[str, Any]:
        """Everything that decides this figure's file (hashed into the manifest); the SVG schematics
        carry the caption and alt text as their title and description."""
        return {
            "key": self.key,
            "caption": self.caption,
            "alt": self.alt,
            "kind": self.kind,
            "view": self.view,
            "orientation": self.posture.orientation,
            "angles": self.posture.angles(),
            "size": [WIDTH, HEIGHT],
        }


@dataclass(frozen=True)
class SliderPoint:
    hip_flexion_deg: float
    psoas_length_mm: float
    change_pct: float


@dataclass
class RenderSummary:
    """What `render_all` did: files written and skipped, in what format, and how long it took."""

    out_dir: Path
    file_format: str
    backend: str
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    seconds_per_figure: dict[str, float] = field(default_factory=dict)
    fallback_reason: str = ""

    @property
    def total(self) -> int:
        return len(self.rendered) + len(self.skipped)


def _signed_percent(value: float) -> str:
    rounded = round(value)
    if rounded == 0:
        return "±0 %"
    return f"{'+' if rounded > 0 else '−'}{abs(rounded)} %"


def _signed_degrees(value: float) -> str:
    rounded = round(value)
    return f"{'−' if rounded < 0 else ''}{abs(rounded)}°"


def _psoas_changes(model: BodyModel, posture: Posture) -> dict[str, float]:
    report = model.report(posture)
    return {side: float(report[f"psoas_{side}"]["change_pct"]) for side in ("r", "l")}


def _change_phrase(changes: dict[str, float]) -> str:
    if abs(changes["r"] - changes["l"]) < SAME_SIDES_PCT:
        return f"psoas {_signed_percent(changes['r'])} against standing"
    return f"psoas {_signed_percent(changes['r'])} right, {_signed_percent(changes['l'])} left against standing"


def _posture_alt(posture: Posture, view: str) -> str:
    seen = "from the front" if view == "front" else "from the right side"
    lying = {"supine": " lying on the back", "prone": " lying on the front"}.get(posture.orientation, "")
    return (
        f"Skeleton of the lower back, pelvis and legs{lying} in the posture “{posture.title}”, seen {seen}. "
        "The psoas (red) runs from the lumbar vertebrae down through the pelvis and over the front of the "
        "hip to the lesser trochanter of the thigh bone; the iliacus (orange) runs from the inside of the "
        "pelvis to the same tendon."
    )


def _slider_key(angle_deg: int) -> str:
    return f"hip-slider-{'m' if angle_deg < 0 else ''}{abs(angle_deg):03d}"


def slider_posture(hip_flexion_deg: float) -> Posture:
    """Standing with the right hip flexed (negative: extended) by `hip_flexion_deg`."""
    return standing().with_angles(hip_flexion_r=float(hip_flexion_deg))


def slider_curve(
    angles_deg: Sequence[float] | np.ndarray = SLIDER_ANGLES_DEG, model_name: str = MODEL_NAME
) -> list[SliderPoint]:
    """(hip flexion, right psoas length in mm, change in % against standing) for the interactive figure."""
    angles = np.asarray(angles_deg, dtype=float)
    lengths = psoas_length_curve(angles, model_name)
    reference_mm = BodyModel(model_name).standing_lengths()["psoas_r"] * 1000.0
    return [
        SliderPoint(float(angle), float(length), float(100.0 * (length - reference_mm) / reference_mm))
        for angle, length in zip(angles, lengths, strict=True)
    ]


def catalogue(model: BodyModel | None = None) -> list[Figure]:
    """Every figure, in display order: postures (front, side), the lumbar close-up, slider frames."""
    model = model or BodyModel(MODEL_NAME)
    standing_mm = model.standing_lengths()["psoas_r"] * 1000.0
    figures: list[Figure] = []
    for name, posture in load_postures().items():
        changes = _psoas_changes(model, posture)
        if name == "standing":
            caption = f"{posture.title}: the reference posture, psoas {standing_mm:.0f} mm"
        else:
            caption = f"{posture.title}: {_change_phrase(changes)}"
        for view in ("front", "side"):
            figures.append(
                Figure(f"{name}-{view}", "posture", posture, view, _posture_alt(posture, view), caption, changes)
            )
    upright = standing()
    figures.append(
        Figure(
            LUMBAR_CLOSE_UP_KEY,
            "close-up",
            upright,
            "lumbar",
            "Close-up of the lumbar spine and pelvis from the front and a little to the right, standing. "
            "Red strands, the psoas fascicles, leave each vertebra from T12 to L5 and converge at the rim "
            "of the pelvis, where the psoas continues over the front of the hip joint to the thigh bone; "
            "the orange iliacus lines the inside of the pelvis and joins it.",
            f"Lumbar spine and pelvis, standing: psoas fascicles from T12–L5 join at the pelvic brim; "
            f"psoas {standing_mm:.0f} mm from pelvis to femur",
            _psoas_changes(model, upright),
        )
    )
    for point in slider_curve(SLIDER_ANGLES_DEG, model.name):
        angle = round(point.hip_flexion_deg)
        posture = slider_posture(angle)
        direction = "extended" if angle < 0 else "flexed"
        movement = "straight (0°)" if angle == 0 else f"{direction} {abs(angle)}°"
        figures.append(
            Figure(
                _slider_key(angle),
                "slider",
                posture,
                "side",
                f"Side view, standing on the left leg with the right hip {movement}; the red "
                "psoas crosses the front of the hip to the thigh bone.",
                f"Hip flexion {_signed_degrees(angle)}: psoas {point.psoas_length_mm:.0f} mm, "
                f"{_signed_percent(point.change_pct)} against standing",
                {"r": point.change_pct, "l": 0.0},
            )
        )
    return figures


# ----- fingerprints and manifest ----------------------------------------------------------------------


def _package_files(package: str, patterns: Sequence[str]) -> list[tuple[str, bytes]]:
    root = resources.files(package)
    found: list[tuple[str, bytes]] = []
    for pattern in patterns:
        for path in sorted(Path(str(root)).glob(pattern)):
            found.append((f"{package}/{path.name}", path.read_bytes()))
    return found


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """A hash of everything that shapes the pictures: the body model's data and code, the rendering
    code, and the MyoLeg and MuJoCo versions. Any change re-renders every figure."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    files = _package_files("psoascare.body", ("*.py", "data/*.toml"))
    files += _package_files("psoascare.body.render", ("*.py",))
    for name, content in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    for package in ("myo-sim", "mujoco"):
        digest.update(f"{package}={version(package)}".encode())
    digest.update(f"manifest-format={MANIFEST_FORMAT}".encode())
    return digest.hexdigest()


def figure_hash(figure: Figure, fingerprint: str) -> str:
    text = json.dumps({"model": fingerprint, "figure": figure.spec()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, Any]:
    path = Path(out_dir) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else {}


def _write_text(path: Path, text: str) -> None:
    """Write atomically, as `write_png` does: a half-written file is never served."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    _write_text(out_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def _manifest_entry(figure: Figure, filename: str, digest: str) -> dict[str, Any]:
    return {
        "file": filename,
        "hash": digest,
        "kind": figure.kind,
        "posture": figure.posture.name,
        "view": figure.view,
        "alt": figure.alt,
        "caption": figure.caption,
        "psoas_change_pct": {side: round(value, 2) for side, value in figure.psoas_change_pct.items()},
        "angles": figure.posture.angles(),
    }


def _is_current(out_dir: Path, manifest: dict[str, Any], figure: Figure, digest: str, extension: str) -> bool:
    entry = manifest.get("figures", {}).get(figure.key)
    filename = figure.filename(extension)
    return (
        isinstance(entry, dict)
        and entry.get("hash") == digest
        and entry.get("file") == filename
        and (out_dir / filename).is_file()
    )


# ----- rendering --------------------------------------------------------------------------------------


class _Painter:
    """Draws figures as PNG with MuJoCo (one context for all), or as SVG schematics without GL."""

    def __init__(self, model: BodyModel) -> None:
        from psoascare.body.render import BodyRenderer, select_backend

        self.model = model
        self.backend = select_backend()
        self.fallback_reason = ""
        self._renderer: Any = None
        if self.backend.available:
            try:
                self._renderer = BodyRenderer(WIDTH, HEIGHT)
            except Exception as error:  # any GL or driver failure: draw schematics instead
                self.fallback_reason = f"3D rendering failed ({type(error).__name__}: {error})"
        else:
            self.fallback_reason = self.backend.reason
        self.extension = "png" if self._renderer is not None else "svg"
        self.backend_name = str(self.backend.name) if self._renderer is not None else "svg"
        self._paths: dict[Posture, Any] = {}
        self._cameras: dict[str, Any] = {}

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()

    def paths(self, posture: Posture) -> Any:
        from psoascare.body.render import figure_paths

        if posture not in self._paths:
            self._paths[posture] = figure_paths(self.model, posture)
        return self._paths[posture]

    def slider_camera(self, figures: Sequence[Figure]) -> Any:
        """One camera for every slider frame, so the thigh moves and the picture does not jump."""
        if "slider" not in self._cameras:
            from psoascare.body.render.myoleg import PoseAngles, camera_for_poses
            from psoascare.body.render.svg import shared_myoleg
            from psoascare.body.render.views import VIEWS

            frames = [figure for figure in figures if figure.kind == "slider"]
            poses = [(PoseAngles.from_posture(f.posture), self.paths(f.posture)) for f in frames]
            self._cameras["slider"] = camera_for_poses(shared_myoleg(), VIEWS["side"], "upright", poses, WIDTH, HEIGHT)
        return self._cameras["slider"]

    def paint(self, figure: Figure, target: Path, camera: Any) -> None:
        from psoascare.body.render import VIEWS, schematic_svg, write_png
        from psoascare.body.render.anatomy import vertebra_labels
        from psoascare.body.render.myoleg import PoseAngles

        paths = self.paths(figure.posture)
        # The close-up names the vertebrae the fascicles come from.
        labels = vertebra_labels(figure.posture) if figure.kind == "close-up" else []
        if self._renderer is not None:
            self._renderer.pose(PoseAngles.from_posture(figure.posture))
            pixels = self._renderer.render(VIEWS[figure.view], paths, figure.posture.orientation, camera, labels)
            write_png(target, pixels)
            return
        markup = schematic_svg(
            figure.posture,
            figure.view,
            paths=paths,
            title=figure.caption,
            description=figure.alt,
            width=WIDTH,
            height=HEIGHT,
            element_id=f"figure-{figure.key}",
            camera=camera,
            labels=labels,
        )
        _write_text(target, markup)


def render_all(out_dir: Path | str, force: bool = False, progress: ProgressCallback | None = None) -> RenderSummary:
    """Render every catalogue figure into `out_dir` that is missing or outdated (all with `force`).

    PNG with MuJoCo where headless OpenGL works; otherwise one line on stderr says why and the figures
    are SVG schematics. `progress(done, total, figure)` is called after each figure, skipped or not.
    """
    started = time.perf_counter()
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    model = BodyModel(MODEL_NAME)
    figures = catalogue(model)
    fingerprint = model_fingerprint()
    manifest = {} if force else read_manifest(directory)
    digests = {figure.key: figure_hash(figure, fingerprint) for figure in figures}

    # Without a GL probe (half a second) when everything is already there as PNG.
    if manifest.get("file_format") == "png" and all(
        _is_current(directory, manifest, figure, digests[figure.key], "png") for figure in figures
    ):
        summary = RenderSummary(directory, "png", str(manifest.get("backend", "")))
        summary.skipped = [figure.key for figure in figures]
        for done, figure in enumerate(figures, start=1):
            if progress is not None:
                progress(done, len(figures), figure)
        summary.seconds = time.perf_counter() - started
        return summary

    painter = _Painter(model)
    summary = RenderSummary(directory, painter.extension, painter.backend_name)
    if painter.fallback_reason:
        summary.fallback_reason = painter.fallback_reason
        message = f"psoascare: no 3D rendering here, drawing SVG schematics ({painter.fallback_reason})"
        print(message, file=sys.stderr)
        log.debug("no 3D rendering (%s); drawing SVG schematics", painter.fallback_reason)
    previous_files = {entry.get("file") for entry in manifest.get("figures", {}).values() if isinstance(entry, dict)}
    entries: dict[str, Any] = {}
    finished = False
    try:
        for done, figure in enumerate(figures, start=1):
            digest = digests[figure.key]
            filename = figure.filename(painter.extension)
            if _is_current(directory, manifest, figure, digest, painter.extension):
                summary.skipped.append(figure.key)
            else:
                figure_started = time.perf_counter()
                camera = painter.slider_camera(figures) if figure.kind == "slider" else None
                painter.paint(figure, directory / filename, camera)
                summary.rendered.append(figure.key)
                summary.seconds_per_figure[figure.key] = time.perf_counter() - figure_started
            entries[figure.key] = _manifest_entry(figure, filename, digest)
            if progress is not None:
                progress(done, len(figures), figure)
        finished = True
    finally:
        painter.close()
        # Record what is on disk even after an interruption, so finished figures are not redone.
        if entries:
            _write_manifest(
                directory,
                {
                    "format": MANIFEST_FORMAT,
                    "model": MODEL_NAME,
                    "model_fingerprint": fingerprint,
                    "file_format": painter.extension,
                    "backend": painter.backend_name,
                    "size": [WIDTH, HEIGHT],
                    "figures": entries if finished else {**manifest.get("figures", {}), **entries},
                    "slider": [point.__dict__ for point in slider_curve(SLIDER_ANGLES_DEG, MODEL_NAME)],
                },
            )
    # Files of figures that left the catalogue, or were redrawn in the other format.
    current_files = {entry["file"] for entry in entries.values()}
    for stale in previous_files - current_files:
        if isinstance(stale, str) and "/" not in stale and (directory / stale).is_file():
            (directory / stale).unlink()
    summary.seconds = time.perf_counter() - started
    return summary


def ensure_figures(out_dir: Path | str) -> int:
    """Render whatever is missing or outdated (serve calls this when it starts); returns how many
    figures were drawn (0 when all were up to date)."""
    return len(render_all(out_dir, force=False).rendered)
