"""Views of the body (front, side, lumbar close-up) and the orthographic camera that frames them.

Shared by the MuJoCo renderer and the SVG schematic so both project the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SIDES = ("r", "l")

# The bones drawn in every figure (MyoLeg geom names); everything else (collision shapes, wrap
# surfaces, floor, scenery) is hidden. Ribs, skull and upper thoracic vertebrae are left out so the
# hips fill the picture.
VERTEBRAE_BONES = (
    "lumbar5_geom_1",
    "lumbar4_geom_1",
    "lumbar3_geom_1",
    "lumbar2_geom_1",
    "lumbar1_geom_1",
    "torso_geom_1",  # T12, where the highest psoas fascicle starts
)
PELVIS_BONES = ("sacrum_geom_1", "pelvis_r", "pelvis_l")
LEG_BONES = tuple(
    f"{bone}_{side}" for side in SIDES for bone in ("femur", "tibia", "fibula", "patella", "talus", "foot", "bofoot")
)
LOWER_BODY_BONES = (*VERTEBRAE_BONES, "torso_geom_2", *PELVIS_BONES, *LEG_BONES)
# The rest of the skeleton, from myo-sim's own meshes: thoracic vertebrae T11-T1 and the rib cage on the
# torso, the neck and skull, and the arm bones added to it (see myoleg.ARM_MESHES).
THORAX_BONES = (*(f"torso_geom_{index}" for index in range(2, 14)),)
HEAD_BONES = ("hat_cervical", "hat_jaw", "hat_skull")
ARM_BONES = tuple(f"{bone}_{side}" for side in SIDES for bone in ("humerus", "ulna", "radius"))
WHOLE_BODY_BONES = (*VERTEBRAE_BONES, *THORAX_BONES, *HEAD_BONES, *PELVIS_BONES, *LEG_BONES, *ARM_BONES)
TRUNK_AND_THIGH_BONES = (*VERTEBRAE_BONES, *THORAX_BONES, *PELVIS_BONES, "femur_r", "femur_l")


@dataclass(frozen=True)
class View:
    """What a figure shows: which bones, framed how, from which side of the body.

    `facing` is "front" (looking at the front of the body, its right on the image's left) or
    "side" (from the body's right, its front on the image's right); `tilt_deg` turns the camera
    from there towards the body's right (front) or front (side); `elevation_deg` looks down
    (negative) or up.
    """

    name: str
    facing: str
    tilt_deg: float = 0.0
    elevation_deg: float = -5.0
    bones: tuple[str, ...] = WHOLE_BODY_BONES
    frame_bones: tuple[str, ...] = WHOLE_BODY_BONES
    margin_m: float = 0.06
    # Draw the surroundings (bed, chair, floor, bike) and the body outline.
    setting: bool = True


FRONT = View("front", facing="front")
SIDE = View("side", facing="side")
LUMBAR_CLOSE_UP = View(
    "lumbar",
    facing="front",
    tilt_deg=28.0,
    elevation_deg=-15.0,
    # T12 to L5 only (each of them labelled), the pelvis with the sacrum, and the tops of the thigh bones.
    bones=(*VERTEBRAE_BONES, *PELVIS_BONES, "femur_r", "femur_l"),
    frame_bones=(*VERTEBRAE_BONES, "pelvis_r", "pelvis_l"),
    margin_m=0.015,
    setting=False,
)
# The hip slider: the whole skeleton drawn, framed on the trunk and thighs (the shins leave the picture).
SLIDER = View(
    "slider",
    facing="side",
    frame_bones=TRUNK_AND_THIGH_BONES,
    margin_m=0.04,
)
# Left-side view: the same camera from the body's left (its front on the image's left).
LEFT_SIDE = View("left-side", facing="side", tilt_deg=180.0)
VIEWS = {view.name: view for view in (FRONT, SIDE, LUMBAR_CLOSE_UP, SLIDER, LEFT_SIDE)}


def camera_angles(view: View, orientation: str) -> tuple[float, float]:
    """MuJoCo free-camera azimuth and elevation (degrees) for `view` of a body lying as `orientation`.

    Upright, the body faces world -y and its right is world -x: the front camera looks along +y
    (azimuth 90), the side camera along +x (azimuth 0). Supine bodies face up, so the front camera
    looks straight down (head at the top of the image); prone bodies are seen from below.
    """
    if view.facing not in ("front", "side"):
        raise ValueError(f"unknown facing {view.facing!r}")
    if view.facing == "side":
        return view.tilt_deg, view.elevation_deg
    if orientation == "supine":
        return 90.0 - view.tilt_deg, -89.0
    if orientation == "prone":
        return 90.0 + view.tilt_deg, 89.0
    return 90.0 - view.tilt_deg, view.elevation_deg


@dataclass(frozen=True)
class Camera:
    """An orthographic camera: `extent_m` is the picture's height in metres."""

    lookat: np.ndarray
    extent_m: float
    azimuth_deg: float
    elevation_deg: float
    width: int
    height: int

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """MuJoCo's free-camera forward, right and up vectors (world z up)."""
        azimuth, elevation = math.radians(self.azimuth_deg), math.radians(self.elevation_deg)
        horizontal = math.cos(elevation)
        forward = np.array([horizontal * math.cos(azimuth), horizontal * math.sin(azimuth), math.sin(elevation)])
        right = np.cross(forward, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        return forward, right, up

    def project(self, world_points: np.ndarray) -> np.ndarray:
        """Pixel coordinates (column, row; row 0 at the top) of world points."""
        _, right, up = self.axes()
        offset = np.asarray(world_points, dtype=float) - self.lookat
        metres_per_pixel = self.extent_m / self.height
        column = self.width / 2 + (offset @ right) / metres_per_pixel
        row = self.height / 2 - (offset @ up) / metres_per_pixel
        return np.stack([column, row], axis=-1)

    def depth(self, world_points: np.ndarray) -> np.ndarray:
        """Distance along the viewing direction (larger = further away)."""
        forward, _, _ = self.axes()
        return (np.asarray(world_points, dtype=float) - self.lookat) @ forward


def frame_camera(view: View, orientation: str, world_points: np.ndarray, width: int, height: int) -> Camera:
    """The orthographic camera for `view` that fits `world_points` with the view's margin."""
    azimuth, elevation = camera_angles(view, orientation)
    probe = Camera(np.zeros(3), 1.0, azimuth, elevation, width, height)
    forward, right, up = probe.axes()
    across, vertical, depth = world_points @ right, world_points @ up, world_points @ forward
    centre = (
        right * (across.min() + across.max()) / 2
        + up * (vertical.min() + vertical.max()) / 2
        + forward * (depth.min() + depth.max()) / 2
    )
    height_needed = vertical.max() - vertical.min() + 2 * view.margin_m
    width_needed = across.max() - across.min() + 2 * view.margin_m
    extent = float(max(height_needed, width_needed * height / width))
    return Camera(centre, extent, azimuth, elevation, width, height)
