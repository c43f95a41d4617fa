"""Headless MuJoCo rendering of MyoLeg's bones with PsoasCare's muscle paths drawn in.

One `BodyRenderer` holds one OpenGL context, one MuJoCo render context and one scene; every figure
reuses them (creating a context costs far more than drawing a frame). MyoLeg's own tendons are hidden:
the muscles in the picture are the polylines our body model computes, placed through the pelvis pose.
"""

from __future__ import annotations

import atexit
import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from psoascare.body.render.gl import GLBackend, create_context, select_backend
from psoascare.body.render.myoleg import VERTEBRA_BODIES, MyoLeg, PoseAngles, framed_points
from psoascare.body.render.views import ARM_BONES, PELVIS_BONES, Camera, View, frame_camera

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psoascare.body.render.anatomy import DrawnPath, Label
    from psoascare.body.render.setting import Shape

DEFAULT_WIDTH = 480
DEFAULT_HEIGHT = 640
BACKGROUND_RGB = (255, 255, 255)
BONE_RGBA = (0.89, 0.85, 0.78, 1.0)
# The arm bones are ghosted: a hanging arm lies over the lumbar spine and hip in a side view, and the
# pictures are about what lies beneath it.
GHOST_RGBA = (0.89, 0.85, 0.78, 0.35)
# Extra scene slots for the backdrop and the muscle capsules added after MuJoCo fills in the bones.
EXTRA_GEOM_SLOTS = 2000
# Orthographic, so the distance only has to put the camera outside the body.
CAMERA_DISTANCE_M = 4.0
# How much of a muscle hidden behind bone still shows (an "x-ray" blend), 0..1.
HIDDEN_MUSCLE_OPACITY = 0.75
# Self-light on the muscle capsules so the thin muscle stays saturated next to the bones.
MUSCLE_EMISSION = 0.35
# No multisampling: on a 2-core machine MuJoCo's 4x resolve costs more than the rest of a frame, and the
# pictures are shown at or below their pixel size (a phone gets a downscaled copy).
OFFSCREEN_SAMPLES = 0
# Tessellation of the muscle capsules and outline shapes: a few hundred capsules per figure, and MuJoCo's
# default (28 x 16) more than doubles the drawing time with no visible difference at these sizes.
CAPSULE_SLICES, CAPSULE_STACKS = 12, 6


# Structure ids of the identification pass (bones in flat colours): what is drawn at each pixel.
STRUCTURE_GROUPS: dict[str, tuple[str, ...]] = {
    "pelvis": PELVIS_BONES,
    "femur_r": ("femur_r",),
    "femur_l": ("femur_l",),
    **{vertebra: (geom,) for vertebra, (_, geom) in VERTEBRA_BODIES.items()},
}
STRUCTURE_IDS = {
    "background": 0,
    "bone": 1,
    "pelvis": 2,
    "femur_r": 3,
    "femur_l": 4,
    **{vertebra: 5 + index for index, vertebra in enumerate(("T12", "L1", "L2", "L3", "L4", "L5"))},
}
MUSCLE_IDS = {"psoas": 11, "iliacus": 12}


def _id_colour(identifier: int) -> tuple[float, float, float, float]:
    """A flat colour that encodes `identifier` in its red channel (steps of 20/255)."""
    return (identifier * 20 / 255, 0.5, 0.5, 1.0)


class RenderUnavailable(RuntimeError):
    """No headless OpenGL here; the message says why (callers fall back to SVG)."""


class BodyRenderer:
    """Renders posed MyoLeg bones plus muscle polylines to RGB arrays; use as a context manager."""

    def __init__(self, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> None:
        self.backend: GLBackend = select_backend()
        if not self.backend.available:
            raise RenderUnavailable(self.backend.reason)
        import mujoco

        self._mujoco = mujoco
        self.width, self.height = width, height
        self.myoleg = MyoLeg()
        model = self.myoleg.model
        # A square buffer, so portrait and landscape pictures (see `set_size`) both fit.
        side = max(width, height)
        model.vis.global_.offwidth = max(side, int(model.vis.global_.offwidth))
        model.vis.global_.offheight = max(side, int(model.vis.global_.offheight))
        self._buffer_side = side
        # The free camera is orthographic: no perspective, as in an anatomy atlas. MuJoCo then reads
        # the vertical field of view as an extent in metres (set per figure).
        model.vis.global_.orthographic = 1
        model.vis.quality.offsamples = OFFSCREEN_SAMPLES
        model.vis.quality.numslices = CAPSULE_SLICES
        model.vis.quality.numstacks = CAPSULE_STACKS
        # Even, frontal light so the bones read as bones and the muscle colours stay true.
        model.vis.headlight.ambient[:] = 0.45
        model.vis.headlight.diffuse[:] = 0.55
        model.vis.headlight.specular[:] = 0.05
        model.light_active[:] = 0
        # MyoLeg's own tendons are not our muscle paths: never draw them.
        model.tendon_width[:] = 0.0
        model.tendon_rgba[:, 3] = 0.0
        self._rest_geom_rgba = model.geom_rgba.copy()
        self.last_camera: Camera | None = None
        self.last_muscles: np.ndarray | None = None
        self._lights = (0.45, 0.55, 0.05)
        self._gl_context: Any = create_context(self.backend, width, height)
        self._render_context: Any = mujoco.MjrContext(model, mujoco.mjtFontScale.mjFONTSCALE_100.value)
        mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN.value, self._render_context)
        self._scene = mujoco.MjvScene(model, maxgeom=model.ngeom + EXTRA_GEOM_SLOTS)
        for flag in ("mjRND_SHADOW", "mjRND_REFLECTION", "mjRND_SKYBOX", "mjRND_FOG", "mjRND_HAZE"):
            self._scene.flags[getattr(mujoco.mjtRndFlag, flag)] = 0
        self._options = mujoco.MjvOption()
        self._options.flags[mujoco.mjtVisFlag.mjVIS_TENDON] = 0
        self._options.flags[mujoco.mjtVisFlag.mjVIS_ACTUATOR] = 0
        self._options.sitegroup[:] = 0
        self._rect = mujoco.MjrRect(0, 0, width, height)
        self._rgb = np.empty((height, width, 3), dtype=np.uint8)
        self._closed = False
        # EGL tears its display down at exit; free our context before that happens.
        atexit.register(self.close)

    def __enter__(self) -> BodyRenderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Free the GL resources."""
        if self._closed:
            return
        self._closed = True
        self._render_context.free()
        self._gl_context.free()
        atexit.unregister(self.close)

    def set_size(self, width: int, height: int) -> None:
        """Draw the next pictures at `width` x `height` (within the size the renderer was made with)."""
        if max(width, height) > self._buffer_side:
            raise ValueError(f"{width}x{height} does not fit this renderer's {self._buffer_side}-pixel buffer")
        self.width, self.height = width, height
        self._rect = self._mujoco.MjrRect(0, 0, width, height)
        self._rgb = np.empty((height, width, 3), dtype=np.uint8)

    def pose(self, angles: PoseAngles) -> None:
        self.myoleg.pose(angles)

    def _show_bones(self, bones: Sequence[str], colours: dict[str, tuple[float, ...]] | None = None) -> None:
        rgba = self.myoleg.model.geom_rgba
        rgba[:] = self._rest_geom_rgba
        rgba[:, 3] = 0.0  # MuJoCo skips fully transparent geoms altogether
        for name in (bone for bone in bones if self.myoleg.has_geom(bone)):
            rgba[self.myoleg.geom_id(name)] = (colours or {}).get(name, GHOST_RGBA if name in ARM_BONES else BONE_RGBA)

    def _set_light(self, ambient: float, diffuse: float, specular: float) -> None:
        headlight = self.myoleg.model.vis.headlight
        headlight.ambient[:] = ambient
        headlight.diffuse[:] = diffuse
        headlight.specular[:] = specular

    def frame(self, view: View, orientation: str, paths: Sequence[DrawnPath]) -> Camera:
        """The orthographic camera that fits the view's bones and every path (current pose)."""
        points = framed_points(self.myoleg, view, paths)
        return frame_camera(view, orientation, points, self.width, self.height)

    def _next_geom(self) -> Any:
        scene = self._scene
        if scene.ngeom >= scene.maxgeom:
            raise RuntimeError("the MuJoCo scene is full: raise EXTRA_GEOM_SLOTS")
        geom = scene.geoms[scene.ngeom]
        scene.ngeom += 1
        return geom

    def _add_backdrop(self, camera: Camera) -> None:
        """A self-lit plate behind the body: MuJoCo clears to black, so the page colour is drawn as
        geometry rather than painted in afterwards (which would also wipe out anti-aliased edges)."""
        mujoco = self._mujoco
        forward, right, up = camera.axes()
        orientation = np.column_stack([right, up, -forward]).ravel()
        half_size = np.array([camera.extent_m * 2, camera.extent_m * 2, 0.001])
        colour = np.array([*(channel / 255 for channel in BACKGROUND_RGB), 1.0], dtype=np.float32)
        behind_body = camera.lookat + forward * 1.5
        geom = self._next_geom()
        mujoco.mjv_initGeom(geom, mujoco.mjtGeom.mjGEOM_BOX, half_size, behind_body, orientation, colour)
        geom.emission = 1.0
        geom.category = mujoco.mjtCatBit.mjCAT_DECOR

    def _add_path(self, path: DrawnPath) -> None:
        """One capsule per segment of the path, in MuJoCo world coordinates via the pelvis pose; a
        segment's radius is the mean of its ends' (the muscle's volume)."""
        mujoco = self._mujoco
        world = self.myoleg.pelvis_to_world(path.points)
        radii = path.radius_at()
        rgba = np.array([*path.style.rgb, 1.0], dtype=np.float32)
        for index, (start, end) in enumerate(itertools.pairwise(world)):
            geom = self._next_geom()
            mujoco.mjv_initGeom(geom, mujoco.mjtGeom.mjGEOM_CAPSULE, np.zeros(3), np.zeros(3), np.eye(3).ravel(), rgba)
            radius = float(radii[index] + radii[index + 1]) / 2
            mujoco.mjv_connector(geom, mujoco.mjtGeom.mjGEOM_CAPSULE, radius, start, end)
            geom.emission = MUSCLE_EMISSION
            geom.category = mujoco.mjtCatBit.mjCAT_DECOR

    def _add_shape(self, shape: Shape) -> None:
        mujoco = self._mujoco
        kinds = {
            "box": mujoco.mjtGeom.mjGEOM_BOX,
            "capsule": mujoco.mjtGeom.mjGEOM_CAPSULE,
            "ellipsoid": mujoco.mjtGeom.mjGEOM_ELLIPSOID,
            "cylinder": mujoco.mjtGeom.mjGEOM_CYLINDER,
        }
        geom = self._next_geom()
        mujoco.mjv_initGeom(
            geom,
            kinds[shape.kind],
            np.asarray(shape.size, dtype=float),
            np.asarray(shape.position, dtype=float),
            np.asarray(shape.rotation, dtype=float).ravel(),
            np.asarray(shape.rgba, dtype=np.float32),
        )
        geom.emission = shape.emission
        geom.category = mujoco.mjtCatBit.mjCAT_DECOR

    def _add_label(self, label: Label) -> None:
        """MuJoCo draws a geom's label at its position; the geom itself is a speck."""
        mujoco = self._mujoco
        geom = self._next_geom()
        mujoco.mjv_initGeom(
            geom,
            mujoco.mjtGeom.mjGEOM_SPHERE,
            np.array([0.0005, 0.0, 0.0]),
            self.myoleg.pelvis_to_world(label.point),
            np.eye(3).ravel(),
            np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32),
        )
        geom.label = label.text
        geom.category = mujoco.mjtCatBit.mjCAT_DECOR

    def _draw(
        self,
        camera: Camera,
        paths: Sequence[DrawnPath],
        labels: Sequence[Label] = (),
        shapes: Sequence[Shape] = (),
    ) -> np.ndarray:
        mujoco = self._mujoco
        free_camera = mujoco.MjvCamera()
        free_camera.type = mujoco.mjtCamera.mjCAMERA_FREE
        free_camera.lookat[:] = camera.lookat
        free_camera.azimuth = camera.azimuth_deg
        free_camera.elevation = camera.elevation_deg
        free_camera.distance = CAMERA_DISTANCE_M
        self.myoleg.model.vis.global_.fovy = camera.extent_m
        self._gl_context.make_current()
        mujoco.mjv_updateScene(
            self.myoleg.model,
            self.myoleg.data,
            self._options,
            None,
            free_camera,
            mujoco.mjtCatBit.mjCAT_ALL.value,
            self._scene,
        )
        self._add_backdrop(camera)
        for shape in shapes:
            self._add_shape(shape)
        for path in paths:
            self._add_path(path)
        for label in labels:
            self._add_label(label)
        mujoco.mjr_render(self._rect, self._scene, self._render_context)
        mujoco.mjr_readPixels(self._rgb, None, self._rect, self._render_context)
        return np.flipud(self._rgb).copy()  # GL rows run bottom-up

    def render(
        self,
        view: View,
        paths: Sequence[DrawnPath],
        orientation: str = "upright",
        camera: Camera | None = None,
        labels: Sequence[Label] = (),
        setting: str | None = None,
    ) -> np.ndarray:
        """Render the current pose from `view` with `paths`; returns (height, width, 3) uint8 RGB.

        `camera` fixes the framing (e.g. one camera for every frame of a slider); by default the
        view is framed to fit this pose. `labels` are written into the picture (with the bones).
        `setting` ("bed", "chair", ..., see setting.setting_for) draws the surroundings and the body's
        translucent outline when the view has them.

        Deep muscle lies behind bone from most angles (the psoas behind the iliac wing seen from the
        side), so the muscles are drawn a second time on their own and blended in where bone hides
        them, as anatomy atlases do.
        """
        if camera is None:
            camera = self.frame(view, orientation, paths)
        self.last_camera = camera
        from psoascare.body.render.setting import outline_shapes, setting_shapes

        shapes: list[Shape] = []
        if setting is not None and view.setting:
            shapes = setting_shapes(self.myoleg, setting) + outline_shapes(self.myoleg)
        self._show_bones(view.bones)
        with_bones = self._draw(camera, paths, labels, shapes)
        self._show_bones(())
        muscles_only = self._draw(camera, paths)
        background = np.array(BACKGROUND_RGB, dtype=np.int16)
        # Channel by channel: numpy's reductions over a last axis of 3 are slow on whole pictures.
        channels = [np.abs(muscles_only[..., c].astype(np.int16) - background[c]) > 8 for c in range(3)]
        muscle = channels[0] | channels[1] | channels[2]
        self.last_muscles = np.where(muscle, np.where(muscles_only[..., 1] > 80, 2, 1), 0).astype(np.uint8)
        blended = with_bones.astype(np.float32)
        muscle_colour = muscles_only[muscle].astype(np.float32)
        opacity = HIDDEN_MUSCLE_OPACITY
        blended[muscle] = (1 - opacity) * blended[muscle] + opacity * muscle_colour
        return np.clip(np.rint(blended), 0, 255).astype(np.uint8)

    def identify(self, view: View, camera: Camera) -> np.ndarray:
        """Which structure each pixel shows, (height, width) ints (STRUCTURE_IDS; MUSCLE_IDS where a muscle
        of the last `render` lies on top, as the pictures draw muscles over bone). Bones are drawn in flat
        colours without light; call after `render` with the same camera."""
        # The ghosted arms hide nothing (what lies behind them shows through), so they are left out here.
        solid = [bone for bone in view.bones if bone not in ARM_BONES]
        colours: dict[str, tuple[float, ...]] = {bone: _id_colour(STRUCTURE_IDS["bone"]) for bone in solid}
        for group, bones in STRUCTURE_GROUPS.items():
            for bone in bones:
                if bone in colours:
                    colours[bone] = _id_colour(STRUCTURE_IDS[group])
        self._show_bones(solid, colours)
        self._set_light(1.0, 0.0, 0.0)
        try:
            flat = self._draw(camera, ())
        finally:
            self._set_light(*self._lights)
        red = flat[..., 0].astype(int)
        plain = (np.abs(flat[..., 1].astype(int) - 128) <= 3) & (np.abs(flat[..., 2].astype(int) - 128) <= 3)
        ids = np.where(plain & (np.abs(red - np.rint(red / 20) * 20) <= 3), np.rint(red / 20), 0).astype(np.int16)
        ids[(flat[..., 0] == 255) & (flat[..., 1] == 255) & (flat[..., 2] == 255)] = STRUCTURE_IDS["background"]
        if self.last_muscles is not None:
            ids[self.last_muscles == 1] = MUSCLE_IDS["psoas"]
            ids[self.last_muscles == 2] = MUSCLE_IDS["iliacus"]
        return ids
