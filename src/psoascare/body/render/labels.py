"""Labels for the pictures: anchor points from the model projected with the figure's own camera, laid out
beside the body with leader lines, for an SVG overlay (sharp on a phone, read by screen readers, easy to
translate).

Each label has candidate 3-D points on its structure (points along the muscle's path, vertices of the
bone's mesh, nearest the preferred spot first). A candidate is taken only where the picture really shows
that structure: the renderer's identification pass says which bone or muscle each pixel shows, so a
label never points at bone hidden behind muscle, or at a vertebra hidden behind the pelvis. Labels are
placed in the picture's left and right margins, in the anchors' order, where their text covers no muscle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psoascare.body.render.anatomy import DrawnPath
    from psoascare.body.render.myoleg import MyoLeg
    from psoascare.body.render.views import Camera

# For a picture REFERENCE_WIDTH_PX wide; wider pictures (landscape) scale it, as they are shown no wider.
FONT_SIZE_PX = 17
REFERENCE_WIDTH_PX = 480
CHARACTER_WIDTH_EM = 10.0 / 17  # semibold sans-serif (DejaVu Sans Bold is this wide on average)
LINE_GAP_PX = 23
MARGIN_PX = 6
# A candidate anchor must show its structure over this many pixels around it (a 3x3 patch).
PATCH_RADIUS_PX = 1
CANDIDATES_PER_BONE = 80
# Directions (cos, sin) tried around an anchor for its text, every 20 degrees.
DIRECTIONS = tuple((math.cos(math.radians(angle)), math.sin(math.radians(angle))) for angle in range(0, 360, 20))


@dataclass(frozen=True)
class LabelSpec:
    """What to label: `text`, the structure ids it may point at, candidate points (world, best first)."""

    text: str
    structure: str
    accepted_ids: frozenset[int]
    candidates: np.ndarray


@dataclass(frozen=True)
class PlacedLabel:
    text: str
    structure: str
    world: tuple[float, float, float]
    anchor: tuple[float, float]
    at: tuple[float, float]
    align: str  # "start": text to the right of `at`; "end": to its left
    size: int = FONT_SIZE_PX

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "structure": self.structure,
            "world": [round(value, 5) for value in self.world],
            "anchor": [round(value, 1) for value in self.anchor],
            "at": [round(value, 1) for value in self.at],
            "align": self.align,
            "size": self.size,
        }


def _sorted_by_distance(points: np.ndarray, preferred: np.ndarray, limit: int) -> np.ndarray:
    order = np.argsort(np.linalg.norm(points - preferred, axis=1))
    return points[order[:limit]]


def label_specs(leg: MyoLeg, paths: Sequence[DrawnPath], side: str, close_up: bool = False) -> list[LabelSpec]:
    """The labels of a figure whose near side is `side` ("r" or "l"), for MyoLeg's current pose."""
    from psoascare.body.render.myoleg import VERTEBRA_BODIES
    from psoascare.body.render.renderer import MUSCLE_IDS, STRUCTURE_IDS

    specs: list[LabelSpec] = []
    by_name = {path.name: path for path in paths}
    psoas, iliacus = by_name.get(f"psoas_{side}"), by_name.get(f"iliacus_{side}")
    if psoas is not None:
        points = leg.pelvis_to_world(psoas.points)
        belly = points[max(1, len(points) // 6) : len(points) // 2 + 1]
        # Where the iliacus hides the belly (seen from the side), the fascicles above the pelvis show.
        fascicles = [
            leg.pelvis_to_world(path.points[1:-1])
            for path in paths
            if path.kind == "fascicle" and path.name.endswith(f" {side}")
        ]
        candidates = np.concatenate([belly, *fascicles]) if fascicles else belly
        specs.append(LabelSpec("psoas major", "psoas", frozenset({MUSCLE_IDS["psoas"]}), candidates))
    if iliacus is not None:
        fan = [path for path in paths if path.kind == "fan" and path.name.endswith(f" {side}")]
        strands = [leg.pelvis_to_world(path.points[1:4]) for path in fan[1:-1]] or [leg.pelvis_to_world(iliacus.points)]
        specs.append(LabelSpec("iliacus", "iliacus", frozenset({MUSCLE_IDS["iliacus"]}), np.concatenate(strands)))
    vertebra_ids = {STRUCTURE_IDS[name] for name in VERTEBRA_BODIES}
    if close_up:
        sacrum = leg.geom_world_vertices("sacrum_geom_1", 400)
        specs.append(
            LabelSpec(
                "sacrum",
                "pelvis",
                frozenset({STRUCTURE_IDS["pelvis"]}),
                _sorted_by_distance(sacrum, sacrum.mean(axis=0), 200),
            )
        )
        for name, (_, geom) in VERTEBRA_BODIES.items():
            vertices = leg.geom_world_vertices(geom, 400)
            centre = vertices.mean(axis=0)
            specs.append(
                LabelSpec(name, name, frozenset({STRUCTURE_IDS[name]}), _sorted_by_distance(vertices, centre, 200))
            )
    else:
        lumbar = np.concatenate([leg.geom_world_vertices(geom, 1000) for _, geom in VERTEBRA_BODIES.values()])
        middle = leg.geom_world_vertices(VERTEBRA_BODIES["L3"][1], 200).mean(axis=0)
        specs.append(
            LabelSpec(
                "lumbar spine (T12–L5)",
                "vertebrae",
                frozenset(vertebra_ids),
                _sorted_by_distance(lumbar, middle, 1000),
            )
        )
    pelvis = leg.geom_world_vertices(f"pelvis_{side}", 400)
    # Prefer the iliac wing: the bone a hand finds at the waist.
    wing = leg.pelvis_to_world(np.array([-0.045, 0.045, 0.105 if side == "r" else -0.105]))
    specs.append(
        LabelSpec("pelvis", "pelvis", frozenset({STRUCTURE_IDS["pelvis"]}), _sorted_by_distance(pelvis, wing, 150))
    )
    femur_id = frozenset({STRUCTURE_IDS[f"femur_{side}"]})
    femur = leg.geom_world_vertices(f"femur_{side}", 2000)
    if psoas is not None:
        insertion = leg.pelvis_to_world(psoas.points[-1])
        near = femur[np.linalg.norm(femur - insertion, axis=1) < 0.03]
        if len(near):
            specs.append(
                LabelSpec("lesser trochanter", "lesser-trochanter", femur_id, _sorted_by_distance(near, insertion, 60))
            )
    if not close_up:
        hip = leg.data.xpos[leg.body_id(f"femur_{side}")]
        knee = leg.data.xpos[leg.body_id(f"tibia_{side}")]
        shaft = hip + 0.55 * (knee - hip)
        specs.append(
            LabelSpec("thigh bone (femur)", "femur", femur_id, _sorted_by_distance(femur, shaft, CANDIDATES_PER_BONE))
        )
    return specs


def _showing(ids: np.ndarray, accepted: frozenset[int]) -> np.ndarray:
    """Pixels whose whole (2r+1)^2 patch shows one of the accepted structures (an erosion of the mask)."""
    mask = np.isin(ids, list(accepted))
    r = PATCH_RADIUS_PX
    eroded = np.zeros_like(mask)
    inner = mask[r:-r, r:-r].copy()
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            inner &= mask[r + dy : mask.shape[0] - r + dy, r + dx : mask.shape[1] - r + dx]
    eroded[r:-r, r:-r] = inner
    return eroded


def font_size_for(width: int) -> int:
    """The label font size for a picture `width` pixels wide."""
    return max(FONT_SIZE_PX, round(FONT_SIZE_PX * width / REFERENCE_WIDTH_PX))


def text_width(text: str, size: int = FONT_SIZE_PX) -> float:
    return len(text) * CHARACTER_WIDTH_EM * size


def place_labels(
    specs: Sequence[LabelSpec],
    camera: Camera,
    ids: np.ndarray | None,
    muscle: np.ndarray | None = None,
    busy: np.ndarray | None = None,
) -> list[PlacedLabel]:
    """Anchor each label on the first candidate the picture shows as its structure (with no `ids`, the
    first candidate inside the picture), then put its text nearby where it covers no muscle and no other
    label, over as little of the drawing (`busy`, True where the picture is not background) as it can."""
    width, height = camera.width, camera.height
    anchored: list[tuple[LabelSpec, np.ndarray, np.ndarray]] = []
    for spec in specs:
        pixels = camera.project(spec.candidates)
        columns, rows = np.rint(pixels[:, 0]).astype(int), np.rint(pixels[:, 1]).astype(int)
        good = (columns >= 8) & (columns < width - 8) & (rows >= 8) & (rows < height - 8)
        if ids is not None:
            showing = _showing(ids, spec.accepted_ids)
            good[good] &= showing[rows[good], columns[good]]
        elif muscle is not None and spec.structure not in ("psoas", "iliacus"):
            # Without an identification pass (the SVG schematic): at least not a bone under muscle.
            good[good] &= ~muscle[rows[good], columns[good]]
        chosen = np.flatnonzero(good)
        if len(chosen):
            first = int(chosen[0])
            anchored.append((spec, spec.candidates[first], pixels[first]))
    font = font_size_for(width)
    clutter = _summed(busy) if busy is not None else None
    blocked = _summed(muscle) if muscle is not None else None
    occupied: list[tuple[float, float, float, float]] = []
    placed: list[PlacedLabel] = []
    for spec, world, anchor in anchored:
        spot = _best_spot(spec.text, anchor, width, height, occupied, clutter, blocked, font)
        if spot is None:
            continue
        x, y, align = spot
        occupied.append(_text_box(spec.text, x, y, align, font))
        placed.append(
            PlacedLabel(
                spec.text,
                spec.structure,
                (float(world[0]), float(world[1]), float(world[2])),
                (float(anchor[0]), float(anchor[1])),
                (float(x), float(y)),
                align,
                font,
            )
        )
    return placed


def _summed(mask: np.ndarray) -> np.ndarray:
    """A summed-area table of a boolean mask (one row and column of zeros in front)."""
    table = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int64)
    table[1:, 1:] = np.cumsum(np.cumsum(mask.astype(np.int64), axis=0), axis=1)
    return table


def _count(table: np.ndarray, box: tuple[float, float, float, float]) -> int:
    height, width = table.shape[0] - 1, table.shape[1] - 1
    left, top = min(max(int(box[0]), 0), width), min(max(int(box[1]), 0), height)
    right, bottom = min(max(math.ceil(box[2]), 0), width), min(max(math.ceil(box[3]), 0), height)
    if left >= right or top >= bottom:
        return 0
    return int(table[bottom, right] - table[top, right] - table[bottom, left] + table[top, left])


def _text_box(text: str, x: float, y: float, align: str, size: int = FONT_SIZE_PX) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) of a text whose baseline starts (or ends) at (x, y)."""
    length = text_width(text, size)
    left = x if align == "start" else x - length
    return (left - 2, y - size, left + length + 2, y + 5)


def _best_spot(
    text: str,
    anchor: np.ndarray,
    width: int,
    height: int,
    occupied: list[tuple[float, float, float, float]],
    clutter: np.ndarray | None,
    blocked: np.ndarray | None,
    font: int = FONT_SIZE_PX,
) -> tuple[float, float, str] | None:
    """Around the anchor, at growing distances: the text spot with the least drawing under it."""
    best: tuple[float, tuple[float, float, str]] | None = None
    anchor_x, anchor_y = float(anchor[0]), float(anchor[1])
    scale = font / FONT_SIZE_PX
    for distance in (34.0 * scale, 55.0 * scale, 80.0 * scale, 110.0 * scale, 150.0 * scale, 200.0 * scale):
        for cos, sin in DIRECTIONS:
            end_x = anchor_x + distance * cos
            end_y = anchor_y - distance * sin
            align = "start" if cos >= 0 else "end"
            x = end_x + (4 if align == "start" else -4)
            y = end_y + font / 3
            box = _text_box(text, x, y, align, font)
            if box[0] < 2 or box[1] < 2 or box[2] > width - 2 or box[3] > height - 2:
                continue
            if any(not (box[2] < o[0] or box[0] > o[2] or box[3] < o[1] or box[1] > o[3]) for o in occupied):
                continue
            if blocked is not None and _count(blocked, box) > 0:
                continue
            area = (box[2] - box[0]) * (box[3] - box[1])
            covered = _count(clutter, box) / area if clutter is not None else 0.0
            score = 100.0 * covered + 0.25 * distance
            if best is None or score < best[0]:
                best = (score, (float(x), float(y), align))
        if best is not None and best[0] < 0.25 * distance + 5:
            break
    return best[1] if best is not None else None


LABEL_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


def paint_labels(image: Any, labels: Sequence[PlacedLabel]) -> Any:
    """A copy of a PIL image with the labels drawn in (for the printed handout and plain <img> uses, where
    no SVG overlay is possible): the same leader lines, dots and text as the overlay."""
    from PIL import ImageDraw, ImageFont

    def load(size: int) -> Any:
        for path in LABEL_FONT_FILES:
            try:
                return ImageFont.truetype(path, size - 2)
            except OSError:
                continue
        return ImageFont.load_default(size - 2)

    fonts: dict[int, Any] = {}
    painted = image.copy()
    draw = ImageDraw.Draw(painted)
    ink, halo = (31, 41, 51), (255, 255, 255)
    for label in labels:
        x, y = label.at
        start_x = x - 3 if label.align == "start" else x + 3
        draw.line([(start_x, y - 5), label.anchor], fill=ink, width=1)
        ax, ay = label.anchor
        draw.ellipse([ax - 3.5, ay - 3.5, ax + 3.5, ay + 3.5], fill=ink, outline=halo)
        anchor = "ls" if label.align == "start" else "rs"
        font = fonts.setdefault(label.size, load(label.size))
        draw.text((x, y), label.text, font=font, fill=ink, anchor=anchor, stroke_width=3, stroke_fill=halo)
    return painted
