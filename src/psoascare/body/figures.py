"""The figure catalogue: every picture of the psoas the app shows, rendered from the body model.

For each named posture a side view in its setting (the right leg; a left-side view of the mirrored posture
where a stretch is done on either leg), a front view standing, a close-up of the lumbar spine and pelvis,
the frames of the hip-angle slider (knee bent as a person lifts a thigh, trunk and thigh in the picture)
and two short movements (a walking stride, a pedal stroke). Captions say in plain words what the psoas
does against standing, with the millimetres and the model behind them; nothing is typed in. Each picture
carries its labels (anchor points projected with its own camera) for an SVG overlay.

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
MANIFEST_FORMAT = 2
WIDTH, HEIGHT = 480, 640
# A phone-sized copy of each still picture (srcset).
SMALL_WIDTH = 240  # for a portrait picture; a landscape one is scaled by the same factor
WEBP_QUALITY = 78
# libwebp's effort (0-6): 2 is the fastest here and, for these flat pictures, as small as the slower ones.
WEBP_METHOD = 2
SLIDER_ANGLES_DEG: tuple[int, ...] = tuple(range(-20, 111, 10))
# Lifting a thigh, a person lets the knee bend so the shin hangs; the psoas crosses only the hip, so the
# knee changes the picture and not the numbers.
SLIDER_KNEE_MAX_DEG = 100.0
LUMBAR_CLOSE_UP_KEY = "lumbar-close-up"
MOTION_FRAMES = 8
WALKING_KEY, PEDALLING_KEY = "walking-stride", "pedal-stroke"
# Right and left psoas changes closer than this (percentage points) are captioned as one number.
SAME_SIDES_PCT = 0.5

ProgressCallback = Callable[[int, int, "Figure"], None]


@dataclass(frozen=True)
class Figure:
    """One picture: `kind` is "posture", "close-up", "slider" or "motion"; `side` is the leg it shows
    ("r", or "l" for the left-side views); `caption` in plain words, `details` with the numbers."""

    key: str
    kind: str
    posture: Posture
    view: str
    alt: str
    caption: str
    psoas_change_pct: dict[str, float]
    details: str = ""
    side: str = "r"
    sequence: str = ""

    def filename(self, extension: str = "png") -> str:
        return f"{self.key}.{extension}"

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels: landscape for a body lying down, else portrait."""
        if self.kind == "posture" and self.posture.orientation in ("supine", "prone"):
            return HEIGHT, WIDTH
        return WIDTH, HEIGHT

    @property
    def small_size(self) -> tuple[int, int]:
        width, height = self.size
        return width * SMALL_WIDTH // WIDTH, height * SMALL_WIDTH // WIDTH

    def spec(self) -> dict[str, Any]:
        """Everything that decides this figure's file (hashed into the manifest); the SVG schematics
        carry the caption and alt text as their title and description."""
        return {
            "key": self.key,
            "caption": self.caption,
            "details": self.details,
            "side": self.side,
            "alt": self.alt,
            "kind": self.kind,
            "view": self.view,
            "orientation": self.posture.orientation,
            "angles": self.posture.angles(),
            "size": list(self.size),
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


def _amount(percent: float, longer: str, shorter: str) -> str:
    """ "stretched a little: about 2 % longer" / "slack: about 9 % shorter" in plain words."""
    size = round(abs(percent))
    if size == 0:
        return "about as long as when you stand"
    if percent > 0:
        degree = " a little" if size < 3 else (" a lot" if size >= 8 else "")
        return f"stretched{degree}: about {size} % {longer} than when you stand"
    degree = "a little " if size < 3 else ("very " if size >= 8 else "")
    return f"{degree}slack: about {size} % {shorter} than when you stand"


def plain_caption(changes: dict[str, float], side: str = "r") -> str:
    """What the psoas does in a posture, for a client: "Here the psoas is stretched a little: ..." """
    near, far = side, "l" if side == "r" else "r"
    if abs(changes[near] - changes[far]) < SAME_SIDES_PCT:
        return f"Here the psoas is {_amount(changes[near], 'longer', 'shorter')}."
    names = {"r": "right", "l": "left"}
    return (
        f"Here the {names[near]} psoas is {_amount(changes[near], 'longer', 'shorter')}; "
        f"the {names[far]} one is {_amount(changes[far], 'longer', 'shorter').replace(' than when you stand', '')}."
    )


def _details(lengths_mm: dict[str, float], changes: dict[str, float], standing_mm: float) -> str:
    sides = " · ".join(
        f"{name} {lengths_mm[side]:.0f} mm ({_signed_percent(changes[side])})"
        for side, name in (("r", "right"), ("l", "left"))
    )
    return (
        f"Psoas length from the pelvis to the thigh bone: {sides}; standing {standing_mm:.0f} mm. "
        f"Body model: Rajagopal A et al., IEEE Trans Biomed Eng 2016;63:2068 ({MODEL_NAME})."
    )


_SETTING_WORDS = {
    "bed-edge": " on a bed, one thigh hanging over its end,",
    "bed": " on a bed",
    "bed-prone": " on a bed",
    "chair": " on a chair",
    "bike": " on a bike",
    "floor": "",
}


def _posture_alt(posture: Posture, view: str, side: str = "r") -> str:
    from psoascare.body.render.setting import setting_for

    seen = {"front": "from the front", "left-side": "from the left side"}.get(view, "from the right side")
    lying = {"supine": " lying on the back", "prone": " lying on the front"}.get(posture.orientation, "")
    where = _SETTING_WORDS.get(setting_for(posture), "")
    leg = "left" if side == "l" else "right"
    return (
        f"A person{lying}{where} in the posture “{posture.title}”, seen {seen}: the skeleton inside a pale "
        f"body outline. The psoas (red) runs from the lumbar vertebrae down through the pelvis and over the "
        f"front of the {leg} hip to the lesser trochanter of the thigh bone; the iliacus (orange) fans out "
        "from the inside of the pelvis and joins it."
    )


def mirrored(posture: Posture) -> Posture:
    """The same posture with the legs swapped: a left-leg stretch where `posture` stretches the right."""
    from dataclasses import replace

    swapped: dict[str, Any] = {}
    for coordinate in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion"):
        swapped[f"{coordinate}_r"] = getattr(posture, f"{coordinate}_l")
        swapped[f"{coordinate}_l"] = getattr(posture, f"{coordinate}_r")
    return replace(posture, **swapped)


def has_left_variant(posture: Posture) -> bool:
    """Postures that stretch one leg, done on either side (a mirrored left view is drawn for them)."""
    if posture.is_cycle or posture.name.startswith("cycling"):
        return False
    return any(
        getattr(posture, f"{coordinate}_r") != getattr(posture, f"{coordinate}_l")
        for coordinate in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion")
    )


def figure_key(posture_name: str, side: str = "right") -> str:
    """The catalogue key of a posture's picture for the leg being stretched ("right"/"left"/"both")."""
    if side == "left":
        return f"{posture_name}-left"
    return f"{posture_name}-side"


def _slider_key(angle_deg: int) -> str:
    return f"hip-slider-{'m' if angle_deg < 0 else ''}{abs(angle_deg):03d}"


def slider_posture(hip_flexion_deg: float) -> Posture:
    """Standing with the right hip flexed (negative: extended) by `hip_flexion_deg`, the knee bent as a
    person lifting the thigh lets it (no more than SLIDER_KNEE_MAX_DEG)."""
    knee = float(np.clip(hip_flexion_deg, 0.0, SLIDER_KNEE_MAX_DEG))
    return standing().with_angles(hip_flexion_r=float(hip_flexion_deg), knee_flexion_r=knee)


def pedal_posture(crank_percent: float) -> Posture:
    """The pedal stroke at `crank_percent` of a turn (0: right pedal at the top): hip and knee of each leg
    swing between the cycling-top and cycling-bottom postures along a cosine (the left half a turn later)."""
    from dataclasses import replace

    postures = load_postures()
    top, bottom = postures["cycling-top"], postures["cycling-bottom"]
    angles: dict[str, Any] = {}
    for side, offset in (("r", 0.0), ("l", 50.0)):
        weight = (1.0 + np.cos(2 * np.pi * (crank_percent + offset) / 100.0)) / 2.0  # 1 at the top
        for joint in ("hip_flexion", "knee_flexion"):
            high, low = getattr(top, f"{joint}_r"), getattr(bottom, f"{joint}_r")
            angles[f"{joint}_{side}"] = float(low + weight * (high - low))
    return replace(top, name="cycling-stroke", title="Cycling, one pedal stroke", **angles)


def motion_postures(sequence: str) -> list[tuple[float, Posture]]:
    """(percent of the cycle, posture) for the frames of `sequence` (walking stride or pedal stroke)."""
    percents = [100.0 * index / MOTION_FRAMES for index in range(MOTION_FRAMES)]
    if sequence == WALKING_KEY:
        walking = load_postures()["walking"]
        return [(percent, walking.at_percent(percent)) for percent in percents]
    if sequence == PEDALLING_KEY:
        return [(percent, pedal_posture(percent)) for percent in percents]
    raise ValueError(f"unknown movement {sequence!r}")


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
    """Every figure, in display order: postures (side views, left-side variants, standing from the front),
    the lumbar close-up, slider frames, then the frames of the two movements."""
    model = model or BodyModel(MODEL_NAME)
    standing_mm = model.standing_lengths()["psoas_r"] * 1000.0
    figures: list[Figure] = []

    def numbers(posture: Posture) -> tuple[dict[str, float], dict[str, float]]:
        report = model.report(posture)
        changes = {side: float(report[f"psoas_{side}"]["change_pct"]) for side in ("r", "l")}
        lengths = {side: float(report[f"psoas_{side}"]["length_mm"]) for side in ("r", "l")}
        return changes, lengths

    for name, posture in load_postures().items():
        changes, lengths = numbers(posture)
        if name == "standing":
            caption = "The reference: every other picture compares the psoas with its length here."
        else:
            caption = plain_caption(changes)
        details = _details(lengths, changes, standing_mm)
        views = ("side", "front") if name == "standing" else ("side",)
        for view in views:
            shown = (
                "Seen from the front: a psoas on each side of the lumbar spine, running down through the pelvis "
                "to the thigh bone."
                if view == "front"
                else caption
            )
            figures.append(
                Figure(
                    f"{name}-{view}",
                    "posture",
                    posture,
                    view,
                    _posture_alt(posture, view),
                    f"{posture.title}. {shown}",
                    changes,
                    details,
                )
            )
        if has_left_variant(posture):
            left = mirrored(posture)
            left_changes, left_lengths = numbers(left)
            figures.append(
                Figure(
                    figure_key(name, "left"),
                    "posture",
                    left,
                    "left-side",
                    _posture_alt(left, "left-side", "l"),
                    f"{posture.title}, left leg. {plain_caption(left_changes, 'l')}",
                    left_changes,
                    _details(left_lengths, left_changes, standing_mm),
                    side="l",
                )
            )
    upright = standing()
    upright_changes, upright_lengths = numbers(upright)
    figures.append(
        Figure(
            LUMBAR_CLOSE_UP_KEY,
            "close-up",
            upright,
            "lumbar",
            "Close-up of the lumbar spine and pelvis from the front and a little to the right, standing. "
            "The psoas (red) starts as strands on each vertebra from T12 to L5, which merge into one thick "
            "muscle at the rim of the pelvis and continue over the front of the hip joint to the thigh bone; "
            "the iliacus (orange) fans out from the inside of the pelvis and joins it.",
            "Where the psoas starts: on the side of each vertebra from T12 to L5. Its strands merge into one "
            "muscle at the rim of the pelvis, where the iliacus joins it.",
            upright_changes,
            _details(upright_lengths, upright_changes, standing_mm),
        )
    )
    for point in slider_curve(SLIDER_ANGLES_DEG, model.name):
        angle = round(point.hip_flexion_deg)
        posture = slider_posture(angle)
        direction = "stretched back" if angle < 0 else "lifted"
        movement = "straight (0°)" if angle == 0 else f"{direction} {abs(angle)}°"
        changes = {"r": point.change_pct, "l": 0.0}
        figures.append(
            Figure(
                _slider_key(angle),
                "slider",
                posture,
                "slider",
                f"Side view of the trunk and thighs, standing on the left leg with the right thigh {movement}; "
                "the red psoas crosses the front of the hip to the thigh bone.",
                f"Thigh {movement}: the psoas is {_amount(point.change_pct, 'longer', 'shorter')}.",
                changes,
                f"Hip flexion {_signed_degrees(angle)}: psoas {point.psoas_length_mm:.0f} mm, "
                f"{_signed_percent(point.change_pct)} against standing ({MODEL_NAME}).",
                sequence="slider",
            )
        )
    for sequence, title in ((WALKING_KEY, "Walking"), (PEDALLING_KEY, "Cycling")):
        for index, (percent, posture) in enumerate(motion_postures(sequence)):
            changes, lengths = numbers(posture)
            figures.append(
                Figure(
                    f"{sequence}-{index:02d}",
                    "motion",
                    posture,
                    "side",
                    f"{title}, {percent:.0f} % of the {'stride' if sequence == WALKING_KEY else 'pedal turn'}, "
                    "seen from the right side, with the psoas in red.",
                    f"{title}: the right psoas is {_amount(changes['r'], 'longer', 'shorter')}.",
                    changes,
                    _details(lengths, changes, standing_mm),
                    sequence=sequence,
                )
            )
    return figures


def motion_curve(sequence: str, model_name: str = MODEL_NAME, samples: int = 41) -> list[dict[str, float]]:
    """The right psoas's length change over a movement (percent of the cycle, change in %), from the model."""
    model = BodyModel(model_name)
    percents = np.linspace(0.0, 100.0, samples)
    if sequence == WALKING_KEY:
        walking = load_postures()["walking"]
        postures = [walking.at_percent(float(percent)) for percent in percents]
    else:
        postures = [pedal_posture(float(percent)) for percent in percents]
    return [
        {"percent": float(percent), "change_pct": float(model.report(posture)["psoas_r"]["change_pct"])}
        for percent, posture in zip(percents, postures, strict=True)
    ]


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


def _manifest_entry(figure: Figure, painted: Painted, digest: str) -> dict[str, Any]:
    return {
        "file": painted.files[0],
        "files": list(painted.files),
        "webp": painted.webp,
        "hash": digest,
        "kind": figure.kind,
        "posture": figure.posture.name,
        "view": figure.view,
        "side": figure.side,
        "sequence": figure.sequence,
        "alt": figure.alt,
        "caption": figure.caption,
        "details": figure.details,
        "psoas_change_pct": {side: round(value, 2) for side, value in figure.psoas_change_pct.items()},
        "angles": figure.posture.angles(),
        "labels": painted.labels,
        "camera": painted.camera,
        "size": list(figure.size),
    }


def is_still(figure: Figure) -> bool:
    """Stills get a PNG (for the printed handout) and a phone-sized copy; frames one WebP."""
    return figure.kind in ("posture", "close-up")


def _is_current(out_dir: Path, manifest: dict[str, Any], figure: Figure, digest: str, extension: str) -> bool:
    entry = manifest.get("figures", {}).get(figure.key)
    if not isinstance(entry, dict) or entry.get("hash") != digest:
        return False
    files = entry.get("files") or [entry.get("file")]
    primary = figure.filename("png" if is_still(figure) else "webp") if extension == "png" else figure.filename("svg")
    return entry.get("file") == primary and all(isinstance(f, str) and (out_dir / f).is_file() for f in files)


# ----- rendering --------------------------------------------------------------------------------------


@dataclass
class Painted:
    """The files one figure was written to (the primary first), its WebP sizes, labels and camera."""

    files: list[str]
    webp: dict[str, str] = field(default_factory=dict)
    labels: list[dict[str, Any]] = field(default_factory=list)
    camera: dict[str, Any] = field(default_factory=dict)


def _camera_record(camera: Any) -> dict[str, Any]:
    return {
        "lookat": [round(float(value), 6) for value in camera.lookat],
        "extent_m": round(float(camera.extent_m), 6),
        "azimuth_deg": float(camera.azimuth_deg),
        "elevation_deg": float(camera.elevation_deg),
        "width": int(camera.width),
        "height": int(camera.height),
    }


def camera_from_record(record: dict[str, Any]) -> Any:
    """The Camera a manifest entry recorded (to project its labels' anchors again)."""
    from psoascare.body.render.views import Camera

    return Camera(
        np.asarray(record["lookat"], dtype=float),
        float(record["extent_m"]),
        float(record["azimuth_deg"]),
        float(record["elevation_deg"]),
        int(record["width"]),
        int(record["height"]),
    )


def _write_webp(path: Path, image: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    image.save(partial, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    partial.replace(path)


class _Painter:
    """Draws figures as WebP (and PNG for stills) with MuJoCo (one context for all), or as SVG schematics
    without GL."""

    def __init__(self, model: BodyModel) -> None:
        from psoascare.body.render import BodyRenderer, select_backend

        self.model = model
        self.backend = select_backend()
        self.fallback_reason = ""
        self._renderer: Any = None
        if self.backend.available:
            try:
                self._renderer = BodyRenderer(max(WIDTH, HEIGHT), max(WIDTH, HEIGHT))
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
        from psoascare.body.render.anatomy import volume_paths

        if posture not in self._paths:
            self._paths[posture] = volume_paths(self.model, posture)
        return self._paths[posture]

    def sequence_camera(self, sequence: str, figures: Sequence[Figure]) -> Any:
        """One camera for every frame of a sequence, so the body moves and the picture does not jump."""
        if sequence not in self._cameras:
            from psoascare.body.render.myoleg import PoseAngles, camera_for_poses
            from psoascare.body.render.svg import shared_myoleg
            from psoascare.body.render.views import VIEWS

            frames = [figure for figure in figures if figure.sequence == sequence]
            poses = [(PoseAngles.from_posture(f.posture), self.paths(f.posture)) for f in frames]
            view = VIEWS[frames[0].view]
            width, height = frames[0].size
            self._cameras[sequence] = camera_for_poses(
                shared_myoleg(), view, frames[0].posture.orientation, poses, width, height
            )
        return self._cameras[sequence]

    def paint(self, figure: Figure, directory: Path, camera: Any) -> Painted:
        from psoascare.body.render import VIEWS, schematic_svg, write_png
        from psoascare.body.render.labels import label_specs, paint_labels, place_labels
        from psoascare.body.render.myoleg import PoseAngles
        from psoascare.body.render.setting import setting_for

        paths = self.paths(figure.posture)
        view = VIEWS[figure.view]
        close_up = figure.kind == "close-up"
        if self._renderer is None:
            markup = schematic_svg(
                figure.posture,
                view,
                paths=paths,
                title=figure.caption,
                description=figure.alt,
                width=figure.size[0],
                height=figure.size[1],
                element_id=f"figure-{figure.key}",
                camera=camera,
                side=figure.side,
                close_up=close_up,
            )
            _write_text(directory / figure.filename("svg"), markup)
            return Painted([figure.filename("svg")])
        from PIL import Image

        renderer = self._renderer
        renderer.set_size(*figure.size)
        renderer.pose(PoseAngles.from_posture(figure.posture))
        pixels = renderer.render(view, paths, figure.posture.orientation, camera, setting=setting_for(figure.posture))
        used = renderer.last_camera
        ids = renderer.identify(view, used)
        muscle = renderer.last_muscles > 0
        busy = (pixels[..., 0] < 245) | (pixels[..., 1] < 245) | (pixels[..., 2] < 245)
        labels = place_labels(label_specs(renderer.myoleg, paths, figure.side, close_up), used, ids, muscle, busy)
        image = Image.fromarray(pixels)
        files: list[str] = []
        webp = {"full": figure.filename("webp")}
        if is_still(figure):
            # The PNG is for print and plain <img> uses (the routine player): labels drawn in.
            write_png(directory / figure.filename("png"), np.asarray(paint_labels(image, labels)))
            files.append(figure.filename("png"))
            small = f"{figure.key}-small.webp"
            _write_webp(directory / small, image.resize(figure.small_size, Image.Resampling.BILINEAR))
            webp["small"] = small
        _write_webp(directory / figure.filename("webp"), image)
        files.append(figure.filename("webp"))
        if is_still(figure):
            files.append(webp["small"])
        return Painted(files, webp, [label.as_dict() for label in labels], _camera_record(used))


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

    # Without a GL probe (half a second) when everything is already there as PNG and WebP.
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
    previous_files = {
        name
        for entry in manifest.get("figures", {}).values()
        if isinstance(entry, dict)
        for name in (entry.get("files") or [entry.get("file")])
    }
    entries: dict[str, Any] = {}
    finished = False
    try:
        for done, figure in enumerate(figures, start=1):
            digest = digests[figure.key]
            if _is_current(directory, manifest, figure, digest, painter.extension):
                summary.skipped.append(figure.key)
                entries[figure.key] = manifest["figures"][figure.key]
            else:
                figure_started = time.perf_counter()
                camera = painter.sequence_camera(figure.sequence, figures) if figure.sequence else None
                painted = painter.paint(figure, directory, camera)
                summary.rendered.append(figure.key)
                summary.seconds_per_figure[figure.key] = time.perf_counter() - figure_started
                entries[figure.key] = _manifest_entry(figure, painted, digest)
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
    current_files = {name for entry in entries.values() for name in (entry.get("files") or [entry["file"]])}
    for stale in previous_files - current_files:
        if isinstance(stale, str) and "/" not in stale and (directory / stale).is_file():
            (directory / stale).unlink()
    summary.seconds = time.perf_counter() - started
    return summary


def ensure_figures(out_dir: Path | str) -> int:
    """Render whatever is missing or outdated (serve calls this when it starts); returns how many
    figures were drawn (0 when all were up to date)."""
    return len(render_all(out_dir, force=False).rendered)
