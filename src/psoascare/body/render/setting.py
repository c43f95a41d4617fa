"""The surroundings and the body's outline: simple shapes placed from the posed skeleton.

A bed (with its end edge where a hanging thigh leaves it), a chair, the floor, or a saddle, pedals and
handlebar, so a client sees at once where the person is; and a translucent outline of the body around the
bones, so the silhouette reads at a glance. Everything here is a drawing placed from MyoLeg's posed bones
(world coordinates, z up); none of it enters any number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from psoascare.body.render.views import SIDES

if TYPE_CHECKING:
    from psoascare.body.postures import Posture
    from psoascare.body.render.myoleg import MyoLeg

BED_RGBA = (0.62, 0.71, 0.82, 1.0)
BED_FRAME_RGBA = (0.42, 0.47, 0.55, 1.0)
CHAIR_RGBA = (0.62, 0.48, 0.34, 1.0)
FLOOR_RGBA = (0.74, 0.75, 0.78, 1.0)
BIKE_RGBA = (0.35, 0.38, 0.42, 1.0)
SKIN_RGBA = (0.93, 0.72, 0.60, 0.16)
# Soft tissue between the bones and a surface they rest on (back on a bed, buttocks on a seat).
SOFT_TISSUE_M = 0.02
SEAT_TISSUE_M = 0.03


@dataclass(frozen=True)
class Shape:
    """A MuJoCo primitive: `kind` "box", "capsule", "ellipsoid" or "cylinder"; `size` as MuJoCo reads
    it (half sizes; a capsule's radius and half length); `rotation` (3, 3) body axes in the world."""

    kind: str
    size: tuple[float, float, float]
    position: np.ndarray
    rotation: np.ndarray
    rgba: tuple[float, float, float, float]
    emission: float = 0.15


def setting_for(posture: Posture) -> str:
    """ "bed-edge", "bed", "bed-prone", "chair", "bike" or "floor" for a posture (orientation, name)."""
    if posture.name.startswith("cycling"):
        return "bike"
    if posture.orientation in ("supine", "prone"):
        hanging = any(float(getattr(posture, f"hip_flexion_{side}")) < 0 for side in SIDES)
        if posture.orientation == "prone":
            return "bed-prone"
        return "bed-edge" if hanging else "bed"
    if "sitting" in posture.name:
        return "chair"
    return "floor"


def _box(centre: np.ndarray, half: tuple[float, float, float], rgba: tuple[float, float, float, float]) -> Shape:
    return Shape("box", half, np.asarray(centre, dtype=float), np.eye(3), rgba)


def _segment(
    kind: str, start: np.ndarray, end: np.ndarray, radius: float, rgba: tuple[float, float, float, float]
) -> Shape:
    """A capsule or cylinder from `start` to `end` (its z axis along the segment)."""
    axis = np.asarray(end, dtype=float) - np.asarray(start, dtype=float)
    length = float(np.linalg.norm(axis))
    z_axis = axis / max(length, 1e-9)
    helper = np.array([1.0, 0.0, 0.0]) if abs(z_axis[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    x_axis = np.cross(helper, z_axis)
    x_axis /= np.linalg.norm(x_axis)
    y_axis = np.cross(z_axis, x_axis)
    centre = (np.asarray(start, dtype=float) + np.asarray(end, dtype=float)) / 2
    return Shape(kind, (radius, length / 2, 0.0), centre, np.column_stack([x_axis, y_axis, z_axis]), rgba)


def _vertices(leg: MyoLeg, geoms: tuple[str, ...]) -> np.ndarray:
    return np.concatenate([leg.geom_world_vertices(geom, 400) for geom in geoms])


def _joint(leg: MyoLeg, body: str) -> np.ndarray:
    return np.asarray(leg.data.xpos[leg.body_id(body)], dtype=float).copy()


LEG_GEOMS = tuple(f"{bone}_{side}" for side in SIDES for bone in ("foot", "bofoot", "tibia", "patella", "talus"))
BACK_GEOMS = ("sacrum_geom_1", "pelvis_r", "pelvis_l", "torso_geom_13", "hat_skull")


def _floor(height: float) -> Shape:
    """A floor slab under the body (its top at `height`), no wider than the picture needs."""
    return Shape("box", (1.5, 0.6, 0.02), np.array([0.0, 0.0, height - 0.02]), np.eye(3), FLOOR_RGBA, 0.55)


def setting_shapes(leg: MyoLeg, kind: str) -> list[Shape]:
    """The shapes of the surroundings `kind` for the current pose (see `setting_for`)."""
    if kind == "floor":
        floor = float(_vertices(leg, LEG_GEOMS)[:, 2].min())
        return [_floor(floor)]
    if kind in ("bed", "bed-edge", "bed-prone"):
        return _bed(leg, edge=kind == "bed-edge", prone=kind == "bed-prone")
    if kind == "chair":
        return _chair(leg)
    if kind == "bike":
        return _bike(leg)
    raise ValueError(f"unknown setting {kind!r}")


def _bed(leg: MyoLeg, edge: bool, prone: bool) -> list[Shape]:
    """A mattress on a frame under the body; its end edge just past the hips when a thigh hangs off it."""
    resting = BACK_GEOMS + (("femur_r", "femur_l", "patella_r", "patella_l") if prone else ())
    top = float(_vertices(leg, resting)[:, 2].min()) - SOFT_TISSUE_M
    body = _vertices(leg, BACK_GEOMS + LEG_GEOMS)
    hips = (_joint(leg, "femur_r") + _joint(leg, "femur_l")) / 2
    feet = (_joint(leg, "calcn_r") + _joint(leg, "calcn_l")) / 2
    towards_feet = 1.0 if feet[1] >= hips[1] else -1.0
    head_end = float((body[:, 1] * -towards_feet).max()) * -towards_feet - towards_feet * 0.1
    if edge:
        # The bed ends where the hanging thigh leaves it: just past the hip joints, towards the feet.
        foot_end = float(hips[1]) + towards_feet * 0.06
    else:
        foot_end = float((body[:, 1] * towards_feet).max()) * towards_feet + towards_feet * 0.1
    low, high = sorted((head_end, foot_end))
    centre_y, half_y = (low + high) / 2, (high - low) / 2
    mattress = _box(np.array([0.0, centre_y, top - 0.07]), (0.45, half_y, 0.07), BED_RGBA)
    frame = _box(np.array([0.0, centre_y, top - 0.17]), (0.46, half_y, 0.03), BED_FRAME_RGBA)
    legs = [
        _box(np.array([0.0, y, top - 0.35]), (0.44, 0.025, 0.16), BED_FRAME_RGBA) for y in (low + 0.04, high - 0.04)
    ]
    return [mattress, frame, *legs]


def _chair(leg: MyoLeg) -> list[Shape]:
    """Seat under the sitting bones, reaching towards the knees, with a backrest and legs to the floor."""
    pelvis = _vertices(leg, ("pelvis_r", "pelvis_l", "sacrum_geom_1"))
    seat_top = float(pelvis[:, 2].min()) - SEAT_TISSUE_M
    floor = float(_vertices(leg, LEG_GEOMS)[:, 2].min())
    back = float(pelvis[:, 1].max()) + 0.05
    knees = min(_joint(leg, f"tibia_{side}")[1] for side in SIDES)
    front = float(knees) + 0.10
    centre_y, half_y = (back + front) / 2, (back - front) / 2
    shapes = [_box(np.array([0.0, centre_y, seat_top - 0.025]), (0.23, half_y, 0.025), CHAIR_RGBA)]
    shapes.append(_box(np.array([0.0, back + 0.015, seat_top + 0.24]), (0.22, 0.015, 0.2), CHAIR_RGBA))
    height = (seat_top - 0.05 - floor) / 2
    for y in (back, front + 0.02):
        shapes.append(_box(np.array([0.0, y, floor + height]), (0.2, 0.02, height), CHAIR_RGBA))
    shapes.append(_floor(floor))
    return shapes


def _bike(leg: MyoLeg) -> list[Shape]:
    """Saddle under the pelvis, cranks between the feet (the pedals under the balls of the feet), a frame
    and a handlebar at the hands."""
    pelvis = _vertices(leg, ("pelvis_r", "pelvis_l", "sacrum_geom_1"))
    saddle_top = float(pelvis[:, 2].min()) - SEAT_TISSUE_M
    sitting_bone = pelvis[np.argmin(pelvis[:, 2])]
    saddle_centre = np.array([0.0, float(sitting_bone[1]) - 0.03, saddle_top - 0.025])
    pedals = {side: (_joint(leg, f"calcn_{side}") + _joint(leg, f"toes_{side}")) / 2 for side in SIDES}
    crank = (pedals["r"] + pedals["l"]) / 2
    crank[0] = 0.0
    hands = _hand_point(leg)
    bar = np.array([0.0, float(hands[1]), float(hands[2]) - 0.02])
    shapes = [
        Shape("ellipsoid", (0.07, 0.12, 0.025), saddle_centre, np.eye(3), BIKE_RGBA),
        _segment("cylinder", saddle_centre, crank, 0.014, BIKE_RGBA),
        _segment("cylinder", crank, bar - np.array([0.0, 0.0, 0.06]), 0.016, BIKE_RGBA),
        _segment("cylinder", saddle_centre - [0.0, 0.0, 0.05], bar - [0.0, 0.0, 0.08], 0.014, BIKE_RGBA),
        _segment("capsule", bar - np.array([0.22, 0.0, 0.0]), bar + np.array([0.22, 0.0, 0.0]), 0.013, BIKE_RGBA),
        _segment("cylinder", crank - np.array([0.03, 0.0, 0.0]), crank + np.array([0.03, 0.0, 0.0]), 0.09, BIKE_RGBA),
    ]
    for side, lateral in (("r", -1.0), ("l", 1.0)):
        pedal = pedals[side].copy()
        pedal[0] = lateral * 0.09
        hub = crank + np.array([lateral * 0.07, 0.0, 0.0])
        shapes.append(_segment("capsule", hub, pedal, 0.012, BIKE_RGBA))
        shapes.append(_box(pedal, (0.05, 0.045, 0.012), BIKE_RGBA))
    return shapes


def _hand_point(leg: MyoLeg) -> np.ndarray:
    """Roughly where the hands are: a forearm length beyond the elbows, between both sides."""
    if not leg.has_arms:  # in front of the chest, where a rider's hands are
        torso = leg.data.xmat[leg.body_id("torso")].reshape(3, 3)
        return _joint(leg, "torso") + torso @ np.array([0.42, 0.15, 0.0])
    points = []
    for side in SIDES:
        elbow = _joint(leg, f"ulna_{side}")
        rotation = leg.data.xmat[leg.body_id(f"ulna_{side}")].reshape(3, 3)
        points.append(elbow - rotation[:, 1] * 0.25)
    return np.mean(points, axis=0)


def outline_shapes(leg: MyoLeg) -> list[Shape]:
    """A translucent body around the bones: trunk, head and neck, thighs, shins, feet, arms."""
    shapes: list[Shape] = []
    for side in SIDES:
        hip, knee = _joint(leg, f"femur_{side}"), _joint(leg, f"tibia_{side}")
        ankle, heel, toes = _joint(leg, f"talus_{side}"), _joint(leg, f"calcn_{side}"), _joint(leg, f"toes_{side}")
        shapes.append(_segment("capsule", hip, knee, 0.075, SKIN_RGBA))
        shapes.append(_segment("capsule", knee, ankle, 0.052, SKIN_RGBA))
        shapes.append(_segment("capsule", heel, toes + (toes - heel) * 0.25, 0.035, SKIN_RGBA))
        if not leg.has_arms:
            continue
        shoulder, elbow = _joint(leg, f"humerus_{side}"), _joint(leg, f"ulna_{side}")
        rotation = leg.data.xmat[leg.body_id(f"ulna_{side}")].reshape(3, 3)
        wrist = elbow - rotation[:, 1] * 0.24
        shapes.append(_segment("capsule", shoulder, elbow, 0.045, SKIN_RGBA))
        shapes.append(_segment("capsule", elbow, wrist, 0.035, SKIN_RGBA))
        shapes.append(_segment("capsule", wrist, wrist - rotation[:, 1] * 0.12, 0.03, SKIN_RGBA))
    torso = leg.data.xmat[leg.body_id("torso")].reshape(3, 3)
    pelvis_centre = (_joint(leg, "femur_r") + _joint(leg, "femur_l")) / 2
    chest = _joint(leg, "torso") + torso @ np.array([0.01, 0.27, 0.0])
    for start, end, half_width, half_depth in (
        (pelvis_centre + torso @ np.array([-0.03, 0.02, 0.0]), _joint(leg, "torso"), 0.17, 0.12),
        (_joint(leg, "torso"), chest + torso @ np.array([0.0, 0.12, 0.0]), 0.17, 0.12),
    ):
        axis = end - start
        centre = (start + end) / 2
        up = axis / np.linalg.norm(axis)
        lateral = torso[:, 2] - up * (torso[:, 2] @ up)
        lateral /= np.linalg.norm(lateral)
        forward = np.cross(up, lateral)
        rotation = np.column_stack([forward, lateral, up])
        shapes.append(
            Shape(
                "ellipsoid",
                (half_depth, half_width, float(np.linalg.norm(axis)) / 2 + 0.05),
                centre,
                rotation,
                SKIN_RGBA,
            )
        )
    skull = leg.geom_world_vertices("hat_skull", 400)
    head_centre = (skull.min(0) + skull.max(0)) / 2
    shapes.append(Shape("ellipsoid", (0.1, 0.085, 0.115), head_centre, _head_rotation(leg), SKIN_RGBA))
    neck_base = chest + torso @ np.array([-0.02, 0.1, 0.0])
    shapes.append(_segment("capsule", neck_base, head_centre - torso[:, 1] * 0.06, 0.05, SKIN_RGBA))
    return shapes


def _head_rotation(leg: MyoLeg) -> np.ndarray:
    """The head ellipsoid's axes: x forward, y right-left, z up along the torso (ellipsoid size order)."""
    torso = leg.data.xmat[leg.body_id("torso")].reshape(3, 3)
    return np.column_stack([torso[:, 0], torso[:, 2], torso[:, 1]])
