"""An SVG schematic of a posture, drawn from the same geometry as the rendered figures.

Used where no OpenGL is available, and inlined by the web lesson: bones are outlines (the convex hull
of each MyoLeg bone mesh as the camera sees it, posed by forward kinematics, which needs no GL), the
legs are lines through the joint centres, and the psoas and iliacus are the polylines our body model
computes, projected with the same orthographic camera as the 3D pictures.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from psoascare.body.render.anatomy import STYLES, DrawnPath, figure_paths
from psoascare.body.render.labels import PlacedLabel
from psoascare.body.render.myoleg import MyoLeg, PoseAngles, framed_points
from psoascare.body.render.views import PELVIS_BONES, SIDES, VERTEBRAE_BONES, VIEWS, Camera, View, frame_camera

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psoascare.body.model import BodyModel
    from psoascare.body.postures import Posture

BONE_FILL = "#e6ddcc"
BONE_STROKE = "#8a7f6a"
PAGE_FILL = "#ffffff"
# Joint centres joined by the leg lines: hip (femur origin), knee, ankle, toes.
LEG_CHAIN = ("femur", "tibia", "talus", "toes")
LEG_LINE_WIDTH_M = 0.022
MAX_HULL_VERTICES = 600


@dataclass(frozen=True)
class _Shape:
    depth: float
    markup: str


@lru_cache(maxsize=1)
def shared_myoleg() -> MyoLeg:
    """One MyoLeg for schematics and framing in this process (kinematics only, no GL)."""
    return MyoLeg()


def _convex_hull(points: np.ndarray) -> np.ndarray:
    """Andrew's monotone chain: the hull of 2-D points, counter-clockwise, as (k, 2)."""
    unique = np.unique(np.round(points, 2), axis=0)
    if len(unique) < 3:
        return unique

    def half(sequence: np.ndarray) -> list[np.ndarray]:
        chain: list[np.ndarray] = []
        for point in sequence:
            while len(chain) >= 2:
                (ax, ay), (bx, by) = chain[-2], chain[-1]
                if (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax) > 0:
                    break
                chain.pop()
            chain.append(point)
        return chain

    lower = half(unique)
    upper = half(unique[::-1])
    return np.array(lower[:-1] + upper[:-1])


def _points_attribute(pixels: np.ndarray) -> str:
    return " ".join(f"{column:.1f},{row:.1f}" for column, row in pixels)


def _bone_outline(leg: MyoLeg, camera: Camera, geom: str) -> _Shape:
    world = leg.geom_world_vertices(geom, MAX_HULL_VERTICES)
    hull = _convex_hull(camera.project(world))
    markup = (
        f'<polygon class="bone" data-bone="{html.escape(geom)}" points="{_points_attribute(hull)}" '
        f'fill="{BONE_FILL}" stroke="{BONE_STROKE}" stroke-width="1" stroke-linejoin="round"/>'
    )
    return _Shape(float(camera.depth(world).mean()), markup)


def _leg_line(leg: MyoLeg, camera: Camera, side: str, pixel_per_metre: float) -> _Shape:
    joints = np.array([leg.data.xpos[leg.body_id(f"{body}_{side}")] for body in LEG_CHAIN])
    markup = (
        f'<polyline class="bone leg" data-side="{side}" points="{_points_attribute(camera.project(joints))}" '
        f'fill="none" stroke="{BONE_STROKE}" stroke-width="{LEG_LINE_WIDTH_M * pixel_per_metre:.1f}" '
        'stroke-linecap="round" stroke-linejoin="round" stroke-opacity="0.55"/>'
    )
    return _Shape(float(camera.depth(joints).mean()), markup)


def _masks(
    leg: MyoLeg,
    camera: Camera,
    bones: Sequence[str],
    sides: Sequence[str],
    paths: Sequence[DrawnPath],
    pixel_per_metre: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Where the schematic draws muscle, and where it draws anything: rasterised, so its labels are laid
    out as the rendered pictures' are (off the muscle, over as little drawing as possible)."""
    from PIL import Image, ImageDraw

    size = (camera.width, camera.height)
    drawing, muscles = Image.new("1", size, 0), Image.new("1", size, 0)
    pen, muscle_pen = ImageDraw.Draw(drawing), ImageDraw.Draw(muscles)
    for bone in bones:
        hull = _convex_hull(camera.project(leg.geom_world_vertices(bone, MAX_HULL_VERTICES)))
        if len(hull) >= 3:
            pen.polygon([(float(x), float(y)) for x, y in hull], fill=1)
    for side in sides:
        joints = camera.project(np.array([leg.data.xpos[leg.body_id(f"{body}_{side}")] for body in LEG_CHAIN]))
        pen.line([(float(x), float(y)) for x, y in joints], fill=1, width=round(LEG_LINE_WIDTH_M * pixel_per_metre))
    for path in paths:
        pixels = camera.project(leg.pelvis_to_world(path.points))
        width = max(1, round(2 * float(np.mean(path.radius_at())) * pixel_per_metre))
        muscle_pen.line([(float(x), float(y)) for x, y in pixels], fill=1, width=width, joint="curve")
    muscle = np.asarray(muscles, dtype=bool)
    return muscle, np.asarray(drawing, dtype=bool) | muscle


def _muscle_line(leg: MyoLeg, camera: Camera, path: DrawnPath, pixel_per_metre: float) -> str:
    pixels = camera.project(leg.pelvis_to_world(path.points))
    width = 2 * float(np.mean(path.radius_at())) * pixel_per_metre
    return (
        f'<polyline class="muscle {path.kind}" data-muscle="{html.escape(path.name)}" '
        f'points="{_points_attribute(pixels)}" fill="none" stroke="{path.style.hex}" '
        f'stroke-width="{width:.1f}" stroke-linecap="round" stroke-linejoin="round"/>'
    )


def label_markup(label: PlacedLabel) -> str:
    """One label as SVG: a leader line from the text to a dot on its structure, and the text (with a
    white halo so it reads over the drawing). Shared with the web overlay."""
    x, y = label.at
    start_x = x - 3 if label.align == "start" else x + 3
    return (
        f'<g class="label" data-structure="{html.escape(label.structure)}">'
        f'<line x1="{start_x:.1f}" y1="{y - 5:.1f}" x2="{label.anchor[0]:.1f}" y2="{label.anchor[1]:.1f}" '
        'stroke="#1f2933" stroke-width="1.2"/>'
        f'<circle cx="{label.anchor[0]:.1f}" cy="{label.anchor[1]:.1f}" r="3" fill="#1f2933" stroke="#ffffff"/>'
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{label.align}" font-family="sans-serif" '
        f'font-size="{label.size}" paint-order="stroke" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" '
        f'fill="#1f2933">{html.escape(label.text)}</text></g>'
    )


def _legend(height: int, kinds: list[str]) -> str:
    rows = []
    for index, kind in enumerate(kinds):
        style = STYLES[kind]
        y = height - 14 - 18 * (len(kinds) - 1 - index)
        rows.append(
            f'<line x1="12" y1="{y}" x2="34" y2="{y}" stroke="{style.hex}" stroke-width="5" '
            f'stroke-linecap="round"/><text x="42" y="{y + 4}" font-family="sans-serif" font-size="13" '
            f'fill="#333333">{html.escape(style.label)}</text>'
        )
    return '<g class="legend">' + "".join(rows) + "</g>"


def schematic_svg(
    posture: Posture,
    view: str | View = "front",
    *,
    model: BodyModel | None = None,
    paths: list[DrawnPath] | None = None,
    title: str | None = None,
    description: str | None = None,
    width: int = 480,
    height: int = 640,
    element_id: str = "psoascare-figure",
    camera: Camera | None = None,
    side: str = "r",
    close_up: bool = False,
) -> str:
    """An accessible SVG (a string) of `posture` seen from `view` ("front", "side" or "lumbar").

    `element_id` prefixes the ids of <title> and <desc>, so several figures can share one page;
    `camera` fixes the framing (the default fits this pose, as the rendered pictures do); the labels
    point at the structures of the `side` leg ("r" or "l"); `close_up` names each vertebra.
    """
    from psoascare.body.render.labels import label_specs, place_labels

    chosen = VIEWS[view] if isinstance(view, str) else view
    if paths is None:
        if model is None:
            from psoascare.body.model import BodyModel

            model = BodyModel()
        paths = figure_paths(model, posture)
    leg = shared_myoleg()
    leg.pose(PoseAngles.from_posture(posture))
    orientation = posture.orientation
    if camera is None:
        camera = frame_camera(chosen, orientation, framed_points(leg, chosen, paths), width, height)
    pixel_per_metre = height / camera.extent_m

    outlined = [bone for bone in chosen.bones if bone in (*PELVIS_BONES, *VERTEBRAE_BONES)]
    shapes = [_bone_outline(leg, camera, bone) for bone in outlined]
    shown_sides = [side for side in SIDES if f"femur_{side}" in chosen.bones]
    shapes += [_leg_line(leg, camera, side, pixel_per_metre) for side in shown_sides]
    # Painter's order: furthest first. Muscles go on top, as in the rendered pictures' x-ray blend.
    shapes.sort(key=lambda shape: -shape.depth)
    muscle_markup = [_muscle_line(leg, camera, path, pixel_per_metre) for path in paths]
    kinds = [kind for kind in ("psoas", "iliacus") if any(path.kind == kind for path in paths)]
    muscle, busy = _masks(leg, camera, outlined, shown_sides, paths, pixel_per_metre)
    labels = place_labels(label_specs(leg, paths, side, close_up), camera, None, muscle, busy)

    heading = title or f"{posture.title}: {chosen.name} view"
    summary = description or (
        f"Schematic of the pelvis, lumbar spine and legs in the posture "
        f"{posture.title}, seen from the {chosen.facing}, with the psoas (red) and "
        "iliacus (orange) drawn along the paths the body model computes."
    )
    prefix = html.escape(element_id, quote=True)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'class="psoascare-schematic" data-view="{chosen.name}">',
            f'<title id="{prefix}-title">{html.escape(heading)}</title>',
            f'<desc id="{prefix}-desc">{html.escape(summary)}</desc>',
            f'<rect width="{width}" height="{height}" fill="{PAGE_FILL}"/>',
            '<g class="bones">' + "".join(shape.markup for shape in shapes) + "</g>",
            '<g class="muscles">' + "".join(muscle_markup) + "</g>",
            '<g class="labels">' + "".join(label_markup(label) for label in labels) + "</g>",
            _legend(height, kinds),
            "</svg>",
        ]
    )
