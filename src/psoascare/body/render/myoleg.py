"""MyoLeg (myo-sim, Apache-2.0): its bone meshes, posed from a PsoasCare posture.

MyoLeg is a MuJoCo conversion of Rajagopal2016, the model our body model follows, and its `pelvis`
body keeps OpenSim's pelvis frame (x anterior, y up, z right): the femur bodies sit at Rajagopal's
hip centres and the psoas sites at Rajagopal's path points, both in pelvis coordinates. MuJoCo's world
is z-up, so the pelvis body carries a fixed rotation (OpenSim y -> world z, x -> world -y, z -> world
-x); a point p of our pelvis frame is at `xpos + xmat @ p` in the world. MyoLeg's hip is three hinges
in OpenSim's order (flexion about z, adduction about x, rotation about y; the left axes negated as in
OpenSim), so our posture's hip angles set its joints directly.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from psoascare.body.render.views import SIDES, frame_camera

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psoascare.body.postures import Posture
    from psoascare.body.render.anatomy import DrawnPath
    from psoascare.body.render.views import Camera, View

log = logging.getLogger(__name__)

MYOLEG_MODEL_NAME = "myolegs"
# Turn of the whole body about world x (degrees) for each posture orientation.
BODY_TURN_DEG = {"upright": 0.0, "supine": -90.0, "prone": 90.0}
# Our model's vertebrae -> the MyoLeg body and bone mesh that draw them. The `torso` body carries
# T12 and everything above it (only T12 and T11 are shown).
VERTEBRA_BODIES = {
    "L5": ("lumbar5", "lumbar5_geom_1"),
    "L4": ("lumbar4", "lumbar4_geom_1"),
    "L3": ("lumbar3", "lumbar3_geom_1"),
    "L2": ("lumbar2", "lumbar2_geom_1"),
    "L1": ("lumbar1", "lumbar1_geom_1"),
    "T12": ("torso", "torso_geom_1"),
}
# A slumped sitter's rib cage rolls forward over the rounded thoracic spine; drawn as a turn of the torso
# about T12 (a representative drawing angle, not a measurement).
SLUMPED_THORACIC_FLEXION_DEG = 25.0
# Depth (pelvis x) of a lumbar vertebral body, to find the body within a whole-vertebra mesh.
VERTEBRAL_BODY_DEPTH_M = 0.032


@dataclass(frozen=True)
class PoseAngles:
    """The joint angles MyoLeg takes from a posture, in degrees (OpenSim's signs)."""

    hip_flexion: dict[str, float]
    hip_adduction: dict[str, float]
    hip_rotation: dict[str, float]
    knee_flexion: dict[str, float]
    lumbar_flexion: float
    pelvic_tilt: float
    orientation: str = "upright"
    # Where the hands go: "hang", "thighs", "hug_r"/"hug_l" (that knee), "handlebar", "swing".
    arms: str = "hang"
    # A rounding of the thoracic spine (degrees, forward), drawn only: our model has no thoracic joints.
    thoracic_flexion: float = 0.0

    @classmethod
    def from_posture(cls, posture: Posture) -> PoseAngles:
        def per_side(prefix: str) -> dict[str, float]:
            return {side: float(getattr(posture, f"{prefix}_{side}")) for side in SIDES}

        return cls(
            hip_flexion=per_side("hip_flexion"),
            hip_adduction=per_side("hip_adduction"),
            hip_rotation=per_side("hip_rotation"),
            knee_flexion=per_side("knee_flexion"),
            lumbar_flexion=float(posture.lumbar_flexion),
            pelvic_tilt=float(posture.pelvic_tilt),
            orientation=posture.orientation,
            arms=arm_hold(posture),
            thoracic_flexion=SLUMPED_THORACIC_FLEXION_DEG if "slumped" in posture.name else 0.0,
        )


def arm_hold(posture: Posture) -> str:
    """Where a person puts their hands in `posture` (a drawing choice read from the posture's angles)."""
    if posture.name.startswith("cycling"):
        return "handlebar"
    if posture.is_cycle or posture.name in ("walking", "running"):
        return "swing"
    flexed = {side: float(getattr(posture, f"hip_flexion_{side}")) for side in SIDES}
    knees = {side: float(getattr(posture, f"knee_flexion_{side}")) for side in SIDES}
    if posture.orientation == "supine" and max(flexed.values()) > 100:
        return f"hug_{max(flexed, key=lambda side: flexed[side])}"
    if posture.orientation == "upright" and min(flexed.values()) >= 45 and min(knees.values()) >= 60:
        return "thighs"
    return "hang"


def _route_mujoco_warning(message: str) -> None:
    log.debug("mujoco: %s", message.strip())


@lru_cache(maxsize=1)
def _compiled_myoleg() -> Any:
    """Compile MyoLeg once per process (about half a second); callers take copies."""
    import mujoco
    import myo_sim

    # myo-sim attaches its parts with an empty name prefix, which MuJoCo warns about on every compile.
    previous = mujoco.get_mju_user_warning()
    mujoco.set_mju_user_warning(_route_mujoco_warning)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            spec = myo_sim.load_spec(MYOLEG_MODEL_NAME)
            _add_arm_bones(spec)
            return spec.compile()
    finally:
        mujoco.set_mju_user_warning(previous)


# myo-sim's own arm bone meshes (its MyoArm, the right arm; the left is its mirror image), added to the
# torso as bodies without joints: `MyoLeg.pose` places them for each posture. Mesh frames are OpenSim's
# (x anterior, y up along the bone, z right), with the humeral head at the humerus origin.
ARM_MESHES = {"humerus": "humerus.stl", "ulna": "ulna.stl", "radius": "radius.stl"}
# Where the forearm bones hang from the humerus (MyoArm's elbow offsets, metres).
ULNA_IN_HUMERUS = np.array([0.0061, -0.2904, -0.0123])
RADIUS_IN_ULNA = np.array([0.0004, -0.0115, 0.02])
UPPER_ARM_M = 0.2904
FOREARM_M = 0.24
# The shoulder (humeral head) in the torso's frame for MyoLeg's thorax: level with the top of the rib cage
# and just outside it (read off the rib-cage mesh; a drawing choice, not model data).
SHOULDER_IN_TORSO = np.array([0.0, 0.37, 0.17])


def _add_arm_bones(spec: Any) -> None:
    """Add the humerus, ulna and radius of both sides to the torso (drawn only; no joints, no mass)."""
    import mujoco
    import myo_sim

    mesh_dir = Path(myo_sim.__file__).parent / "models" / "meshes"
    if not all((mesh_dir / filename).is_file() for filename in ARM_MESHES.values()):
        log.debug("this myo-sim has no arm meshes in %s; drawing without arms", mesh_dir)
        return
    # MjSpec.body() is MuJoCo >= 3.3; find_body() the older spelling.
    torso = spec.body("torso") if hasattr(spec, "body") else spec.find_body("torso")
    for side, z_scale in (("r", 1.0), ("l", -1.0)):
        for bone, filename in ARM_MESHES.items():
            mesh = spec.add_mesh()
            mesh.name = f"arm_{bone}_{side}"
            mesh.file = str(mesh_dir / filename)
            mesh.scale = [1.0, 1.0, z_scale]
            body = torso.add_body()
            body.name = f"{bone}_{side}"
            body.mass = 0.0
            body.explicitinertial = True
            body.inertia = [0.0, 0.0, 0.0]
            geom = body.add_geom()
            geom.name = f"{bone}_{side}"
            geom.type = mujoco.mjtGeom.mjGEOM_MESH
            geom.meshname = mesh.name
            geom.contype = 0
            geom.conaffinity = 0
            geom.group = 1


class MyoLeg:
    """One editable copy of MyoLeg with its kinematic state."""

    def __init__(self) -> None:
        import mujoco

        self._mujoco = mujoco
        self.model = _compiled_myoleg().__copy__()
        self.data = mujoco.MjData(self.model)
        self.pelvis_id = self.body_id("pelvis")
        mujoco.mj_kinematics(self.model, self.data)
        self._rest_in_pelvis = {
            vertebra: self.body_pose_in_pelvis(body)[0] for vertebra, (body, _) in VERTEBRA_BODIES.items()
        }
        self._vertebral_body_centres = self._find_vertebral_body_centres()
        self._torso_id = self.body_id("torso")
        self.has_arms = all(self.body_id(f"{bone}_{side}") >= 0 for bone in ARM_MESHES for side in SIDES)
        self._geom_names = {
            str(self._mujoco.mj_id2name(self.model, self._mujoco.mjtObj.mjOBJ_GEOM, index))
            for index in range(self.model.ngeom)
        }
        self._torso_descendants = self._descendants(self._torso_id)
        self._place_vertebrae(0.0)

    def _descendants(self, ancestor: int) -> list[int]:
        found: list[int] = []
        for identifier in range(1, self.model.nbody):
            parent = int(self.model.body_parentid[identifier])
            if parent == ancestor or parent in found:
                found.append(identifier)
        return found

    def has_geom(self, name: str) -> bool:
        return name in self._geom_names

    def body_id(self, name: str) -> int:
        return int(self._mujoco.mj_name2id(self.model, self._mujoco.mjtObj.mjOBJ_BODY, name))

    def geom_id(self, name: str) -> int:
        identifier = int(self._mujoco.mj_name2id(self.model, self._mujoco.mjtObj.mjOBJ_GEOM, name))
        if identifier < 0:
            raise KeyError(f"MyoLeg has no geom {name!r}")
        return identifier

    def joint_qpos_address(self, name: str) -> int:
        identifier = self._mujoco.mj_name2id(self.model, self._mujoco.mjtObj.mjOBJ_JOINT, name)
        if identifier < 0:
            raise KeyError(f"MyoLeg has no joint {name!r}")
        return int(self.model.jnt_qposadr[identifier])

    def site_local(self, name: str) -> tuple[str, np.ndarray]:
        """A site's body name and position in that body's frame (metres)."""
        identifier = self._mujoco.mj_name2id(self.model, self._mujoco.mjtObj.mjOBJ_SITE, name)
        if identifier < 0:
            raise KeyError(f"MyoLeg has no site {name!r}")
        body_id = self.model.site_bodyid[identifier]
        body = self._mujoco.mj_id2name(self.model, self._mujoco.mjtObj.mjOBJ_BODY, body_id)
        return str(body), self.model.site_pos[identifier].copy()

    def pose(self, angles: PoseAngles) -> None:
        """Set the joints from `angles`, run forward kinematics, and put the vertebrae where our lumbar
        model has them."""
        model, data = self.model, self.data
        data.qpos[:] = model.qpos0
        for side in SIDES:
            joint_angles_deg = {
                f"hip_flexion_{side}": angles.hip_flexion[side],
                f"hip_adduction_{side}": angles.hip_adduction[side],
                f"hip_rotation_{side}": angles.hip_rotation[side],
                f"knee_angle_{side}": angles.knee_flexion[side],
            }
            for joint, angle_deg in joint_angles_deg.items():
                data.qpos[self.joint_qpos_address(joint)] = np.radians(angle_deg)
        self._apply_joint_couplings()
        self._place_body(angles.orientation, angles.pelvic_tilt)
        self._mujoco.mj_kinematics(model, data)
        self._place_vertebrae(angles.lumbar_flexion, angles.thoracic_flexion)
        self._place_arms(angles)

    def _apply_joint_couplings(self) -> None:
        """Knee translations and patella follow knee_angle through polynomial joint equalities.

        Forward kinematics does not enforce equality constraints, so they are evaluated here the way
        MuJoCo defines them: q1 - q1_ref = sum_i c_i (q2 - q2_ref)^i.
        """
        model, data = self.model, self.data
        joint_equality = self._mujoco.mjtEq.mjEQ_JOINT
        for index in range(model.neq):
            if model.eq_type[index] != joint_equality or not model.eq_active0[index]:
                continue
            follower, leader = int(model.eq_obj1id[index]), int(model.eq_obj2id[index])
            follower_address = model.jnt_qposadr[follower]
            leader_address = model.jnt_qposadr[leader]
            # The polynomials were fitted over the knee's range; keep them inside it.
            low, high = model.jnt_range[leader]
            leader_angle = float(np.clip(data.qpos[leader_address], low, high))
            offset = leader_angle - model.qpos0[leader_address]
            coefficients = model.eq_data[index, :5]
            data.qpos[follower_address] = model.qpos0[follower_address] + sum(
                coefficient * offset**power for power, coefficient in enumerate(coefficients)
            )

    def _place_body(self, orientation: str, pelvic_tilt_deg: float) -> None:
        """Turn the whole body: lying down for supine/prone, then the pelvic tilt.

        OpenSim's pelvis_tilt is a turn about the pelvis z axis, positive lifting the front of the
        pelvis (posterior tilt). The pelvis z axis is the world's -x here, so a tilt t is a turn of -t
        about world x. Lying supine turns the upright body -90 degrees about world x (the front faces
        up, the head points to world +y); prone turns it +90 degrees.
        """
        if orientation not in BODY_TURN_DEG:
            raise ValueError(f"unknown orientation {orientation!r}; known: {', '.join(BODY_TURN_DEG)}")
        turn = np.radians(BODY_TURN_DEG[orientation] - pelvic_tilt_deg)
        root = self.joint_qpos_address("root")
        self.data.qpos[root + 3 : root + 7] = (np.cos(turn / 2.0), np.sin(turn / 2.0), 0.0, 0.0)

    def _find_vertebral_body_centres(self) -> dict[str, np.ndarray]:
        """Where each MyoLeg vertebra mesh has its vertebral body, in its body's frame (rest pose).

        The body is the front part of the mesh: the middle of the bounding box of the vertices within
        VERTEBRAL_BODY_DEPTH_M of the most anterior one (bodies' frames are parallel to the pelvis).
        """
        centres = {}
        pelvis_rotation = self.data.xmat[self.pelvis_id].reshape(3, 3)
        for vertebra, (body, geom) in VERTEBRA_BODIES.items():
            vertices = self.geom_world_vertices(geom, 100_000)
            in_pelvis = (vertices - self.data.xpos[self.pelvis_id]) @ pelvis_rotation
            front = in_pelvis[in_pelvis[:, 0] >= in_pelvis[:, 0].max() - VERTEBRAL_BODY_DEPTH_M]
            centre_world = self.data.xpos[self.pelvis_id] + pelvis_rotation @ ((front.min(0) + front.max(0)) / 2)
            identifier = self.body_id(body)
            body_rotation = self.data.xmat[identifier].reshape(3, 3)
            centres[vertebra] = body_rotation.T @ (centre_world - self.data.xpos[identifier])
        return centres

    def _place_vertebrae(self, lumbar_flexion_deg: float, thoracic_flexion_deg: float = 0.0) -> None:
        """Move MyoLeg's vertebra meshes onto our lumbar model's vertebrae (after forward kinematics).

        MyoLeg's torso is a passive scaffold whose vertebral bodies sit 2-4 cm lower and further back
        than ours (its torso is not Rajagopal's, ours starts at Rajagopal's lumbosacral joint); the psoas
        fascicles start on OUR vertebrae, so the meshes are moved there: each vertebral body centre to
        ours, turned by our model's flexion of that vertebra from standing. Only the drawn poses (body
        and geom poses in MjData) change; MyoLeg's tree is untouched.
        """
        from psoascare.body.lumbar import vertebra_frames

        posed, standing = vertebra_frames(lumbar_flexion_deg), vertebra_frames(0.0)
        pelvis_rotation = self.data.xmat[self.pelvis_id].reshape(3, 3)
        pelvis_origin = self.data.xpos[self.pelvis_id]
        for vertebra, (body, _) in VERTEBRA_BODIES.items():
            rotation, centre = posed[vertebra]
            standing_rotation, _ = standing[vertebra]
            # Rest orientation of the MyoLeg vertebra relative to the pelvis (parallel: identity).
            rest_in_pelvis = self._rest_in_pelvis[vertebra]
            in_pelvis = rotation @ standing_rotation.T @ rest_in_pelvis
            if vertebra == "T12" and thoracic_flexion_deg:
                # Turn the torso (T12 and everything above) forward about T12's body centre.
                turn = np.radians(thoracic_flexion_deg)
                about_z = np.array(
                    [[np.cos(turn), -np.sin(turn), 0.0], [np.sin(turn), np.cos(turn), 0.0], [0.0, 0.0, 1.0]]
                )
                in_pelvis = rotation @ about_z.T @ rotation.T @ in_pelvis
            origin = centre - in_pelvis @ self._vertebral_body_centres[vertebra]
            if body == "torso":
                self._carry_torso_descendants(pelvis_rotation @ in_pelvis, pelvis_origin + pelvis_rotation @ origin)
            self._set_body_pose(body, pelvis_rotation @ in_pelvis, pelvis_origin + pelvis_rotation @ origin)

    def _carry_torso_descendants(self, rotation: np.ndarray, position: np.ndarray) -> None:
        """Move neck, head and arms with the torso (they hang off it in MyoLeg's tree)."""
        data = self.data
        old_rotation = data.xmat[self._torso_id].reshape(3, 3).copy()
        old_position = data.xpos[self._torso_id].copy()
        for identifier in self._torso_descendants:
            relative_rotation = old_rotation.T @ data.xmat[identifier].reshape(3, 3)
            relative_position = old_rotation.T @ (data.xpos[identifier] - old_position)
            name = self._mujoco.mj_id2name(self.model, self._mujoco.mjtObj.mjOBJ_BODY, identifier)
            self._set_body_pose(str(name), rotation @ relative_rotation, position + rotation @ relative_position)

    def _hand_target(self, angles: PoseAngles, side: str, shoulder: np.ndarray) -> np.ndarray:
        """Where the hand of `side` goes (world), for the posture's arm hold."""
        torso = self.data.xmat[self._torso_id].reshape(3, 3)
        lateral = 1.0 if side == "r" else -1.0
        hold = angles.arms
        if hold.startswith("hug_"):
            knee = self.data.xpos[self.body_id(f"tibia_{hold[-1]}")]
            return knee + torso @ np.array([0.02, -0.02, 0.045 * lateral])
        if hold == "thighs":
            hip = self.data.xpos[self.body_id(f"femur_{side}")]
            knee = self.data.xpos[self.body_id(f"tibia_{side}")]
            return hip + 0.6 * (knee - hip) + torso @ np.array([0.0, 0.06, 0.0])
        if hold == "handlebar":
            return shoulder + torso @ np.array([0.42, -0.22, -0.04 * lateral])
        if hold == "swing":
            other = "l" if side == "r" else "r"
            swing = np.radians(0.9 * angles.hip_flexion[other])
            return shoulder + torso @ np.array([0.5 * np.sin(swing), -0.5 * np.cos(swing), 0.02 * lateral])
        return shoulder + torso @ np.array([0.04, -0.50, 0.035 * lateral])

    def _place_arms(self, angles: PoseAngles) -> None:
        """Humerus, ulna and radius of both arms from the shoulder to the hand's target (two-bone IK,
        the elbow pointing back and out)."""
        if not self.has_arms:
            return
        torso_rotation = self.data.xmat[self._torso_id].reshape(3, 3)
        torso_origin = self.data.xpos[self._torso_id]
        mirror = np.diag([1.0, 1.0, -1.0])
        for side in SIDES:
            flip = np.eye(3) if side == "r" else mirror
            shoulder = torso_origin + torso_rotation @ (flip @ SHOULDER_IN_TORSO)
            target = self._hand_target(angles, side, shoulder)
            # Work in the torso frame, on the right side (the left is mirrored there and back).
            local_target = flip @ (torso_rotation.T @ (target - shoulder))
            distance = float(np.linalg.norm(local_target))
            reach = 0.97 * (UPPER_ARM_M + FOREARM_M)
            direction = local_target / max(distance, 1e-9)
            distance = float(np.clip(distance, abs(UPPER_ARM_M - FOREARM_M) + 0.01, reach))
            # Elbow angle from the law of cosines; the elbow bends back and a little out.
            cos_shoulder = (UPPER_ARM_M**2 + distance**2 - FOREARM_M**2) / (2 * UPPER_ARM_M * distance)
            shoulder_angle = float(np.arccos(np.clip(cos_shoulder, -1.0, 1.0)))
            pole = np.array([-1.0, 0.0, 0.35])
            pole -= direction * (pole @ direction)
            if np.linalg.norm(pole) < 1e-6:
                pole = np.array([0.0, 0.0, 1.0]) - direction * direction[2]
            pole /= np.linalg.norm(pole)
            elbow = UPPER_ARM_M * (np.cos(shoulder_angle) * direction + np.sin(shoulder_angle) * pole)
            hand = direction * distance
            humerus = _bone_rotation(elbow, lateral_hint=np.array([0.0, 0.0, 1.0]))
            ulna = _bone_rotation(hand - elbow, lateral_hint=np.array([0.0, 0.0, 1.0]))
            ulna_origin = humerus @ ULNA_IN_HUMERUS
            poses = {
                "humerus": (humerus, np.zeros(3)),
                "ulna": (ulna, ulna_origin),
                "radius": (ulna, ulna_origin + ulna @ RADIUS_IN_ULNA),
            }
            for bone, (rotation, origin) in poses.items():
                world_rotation = torso_rotation @ flip @ rotation @ flip
                world_origin = shoulder + torso_rotation @ (flip @ origin)
                self._set_body_pose(f"{bone}_{side}", world_rotation, world_origin)

    def _set_body_pose(self, body: str, rotation: np.ndarray, position: np.ndarray) -> None:
        """Overwrite a body's world pose and its geoms' poses in MjData (what the renderer reads)."""
        identifier = self.body_id(body)
        self.data.xpos[identifier] = position
        self.data.xmat[identifier] = rotation.ravel()
        for geom in np.flatnonzero(self.model.geom_bodyid == identifier):
            local = np.empty(9)
            self._mujoco.mju_quat2Mat(local, self.model.geom_quat[geom])
            self.data.geom_xpos[geom] = position + rotation @ self.model.geom_pos[geom]
            self.data.geom_xmat[geom] = (rotation @ local.reshape(3, 3)).ravel()

    def pelvis_to_world(self, points: np.ndarray) -> np.ndarray:
        """Map (..., 3) points from our pelvis frame to MuJoCo world coordinates (after `pose`)."""
        rotation = self.data.xmat[self.pelvis_id].reshape(3, 3)
        return np.asarray(points, dtype=float) @ rotation.T + self.data.xpos[self.pelvis_id]

    def body_pose_in_pelvis(self, body: str) -> tuple[np.ndarray, np.ndarray]:
        """A body's rotation (body -> pelvis) and origin in our pelvis frame (after `pose`)."""
        identifier = self.body_id(body)
        pelvis_rotation = self.data.xmat[self.pelvis_id].reshape(3, 3)
        body_rotation = self.data.xmat[identifier].reshape(3, 3)
        origin = pelvis_rotation.T @ (self.data.xpos[identifier] - self.data.xpos[self.pelvis_id])
        return pelvis_rotation.T @ body_rotation, origin

    def geom_world_corners(self, geom_names: tuple[str, ...]) -> np.ndarray:
        """World coordinates of the bounding-box corners of the named geoms (for framing a camera)."""
        signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=float)
        corners = []
        for name in geom_names:
            if not self.has_geom(name):
                continue  # e.g. the arms, with a myo-sim that has no arm meshes
            identifier = self.geom_id(name)
            centre, half_size = self.model.geom_aabb[identifier, :3], self.model.geom_aabb[identifier, 3:]
            local = centre + signs * half_size
            rotation = self.data.geom_xmat[identifier].reshape(3, 3)
            corners.append(local @ rotation.T + self.data.geom_xpos[identifier])
        return np.concatenate(corners)

    def geom_world_vertices(self, geom_name: str, max_vertices: int) -> np.ndarray:
        """World coordinates of (at most `max_vertices`, evenly picked) vertices of a mesh geom."""
        identifier = self.geom_id(geom_name)
        mesh = int(self.model.geom_dataid[identifier])
        if mesh < 0:
            raise ValueError(f"geom {geom_name!r} is not a mesh")
        start, count = int(self.model.mesh_vertadr[mesh]), int(self.model.mesh_vertnum[mesh])
        step = max(count // max_vertices, 1)
        local = self.model.mesh_vert[start : start + count : step].astype(float)
        rotation = self.data.geom_xmat[identifier].reshape(3, 3)
        return local @ rotation.T + self.data.geom_xpos[identifier]


def _bone_rotation(along: np.ndarray, lateral_hint: np.ndarray) -> np.ndarray:
    """A rotation whose -y axis runs along `along` (a long bone pointing from its origin) and whose z
    axis is as close to `lateral_hint` as that allows (OpenSim limb frames: y up the bone, z lateral)."""
    y_axis = -along / max(float(np.linalg.norm(along)), 1e-9)
    z_axis = lateral_hint - y_axis * (lateral_hint @ y_axis)
    if np.linalg.norm(z_axis) < 1e-6:
        z_axis = np.array([1.0, 0.0, 0.0]) - y_axis * y_axis[0]
    z_axis /= np.linalg.norm(z_axis)
    x_axis = np.cross(y_axis, z_axis)
    return np.column_stack([x_axis, y_axis, z_axis])


def framed_points(leg: MyoLeg, view: View, paths: Sequence[DrawnPath]) -> np.ndarray:
    """World points a camera for `view` must fit in the current pose: its bones' boxes and the paths."""
    points = [leg.geom_world_corners(view.frame_bones)]
    points += [leg.pelvis_to_world(path.points) for path in paths]
    return np.concatenate(points)


def camera_for_poses(
    leg: MyoLeg,
    view: View,
    orientation: str,
    poses: Sequence[tuple[PoseAngles, Sequence[DrawnPath]]],
    width: int,
    height: int,
) -> Camera:
    """One camera that fits every pose in `poses`, so a sequence of frames does not jump or zoom."""
    points = []
    for angles, paths in poses:
        leg.pose(angles)
        points.append(framed_points(leg, view, paths))
    return frame_camera(view, orientation, np.concatenate(points), width, height)
