"""Reference implementations to check the body model against: OpenSim 4.6 and MuJoCo (MyoLeg).

Optional: `opensim` and `mujoco`/`myo_sim` are imported only when these functions are called (the rest of
`psoascare.body` needs numpy only). The OpenSim models are built through OpenSim's own API from THIS
project's data file (`data/muscles.toml`): pelvis, two femurs on CustomJoints with the hip coordinates,
the path points (ConditionalPathPoint for Gait2392's via point) and the wrap cylinders, so a disagreement
means our geometry code differs from OpenSim's, not that the data differ.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from psoascare.body.geometry import FloatArray
from psoascare.body.model import MUSCLES, angle_arrays, split_muscle_name
from psoascare.body.muscle_data import MuscleSpec, model_spec

HIP_AXES: dict[str, tuple[tuple[str, tuple[float, float, float]], ...]] = {
    # Axes of the OpenSim hip CustomJoints (Gait2392, Rajagopal2016): flexion, adduction, rotation.
    "r": (("flexion", (0.0, 0.0, 1.0)), ("adduction", (1.0, 0.0, 0.0)), ("rotation", (0.0, 1.0, 0.0))),
    "l": (("flexion", (0.0, 0.0, 1.0)), ("adduction", (-1.0, 0.0, 0.0)), ("rotation", (0.0, -1.0, 0.0))),
}


def random_hip_angles(count: int, seed: int) -> dict[str, np.ndarray]:
    """Random hip postures of both sides in degrees (flexion -30..120, adduction ±20, rotation ±30), the range
    the OpenSim cross-check holds to: beyond ±20° adduction OpenSim's iterative wrap tangents drift."""
    rng = np.random.default_rng(seed)
    angles: dict[str, np.ndarray] = {}
    for side in ("r", "l"):
        angles[f"hip_flexion_{side}"] = rng.uniform(-30.0, 120.0, count)
        angles[f"hip_adduction_{side}"] = rng.uniform(-20.0, 20.0, count)
        angles[f"hip_rotation_{side}"] = rng.uniform(-30.0, 30.0, count)
    return angles


def _mirror(point: tuple[float, float, float], side: str) -> tuple[float, float, float]:
    x, y, z = point
    return (x, y, z if side == "r" else -z)


@dataclass
class OpenSimPsoasModel:
    """An OpenSim model with the four muscles of one of our models, built from our data file."""

    name: str
    model: Any
    state: Any
    muscles: dict[str, Any]
    coordinates: dict[str, Any]

    def set_angles(self, angles_deg: Mapping[str, float]) -> None:
        for side in ("r", "l"):
            for joint_coordinate in ("flexion", "adduction", "rotation"):
                name = f"hip_{joint_coordinate}_{side}"
                self.coordinates[name].setValue(self.state, math.radians(angles_deg.get(name, 0.0)), False)
        self.model.realizePosition(self.state)

    def evaluate(
        self, postures: Any, with_fibres: bool = False
    ) -> tuple[dict[str, FloatArray], dict[str, FloatArray], dict[str, FloatArray]]:
        """Lengths (m), hip-flexion moment arms (m) and, optionally, normalised fibre lengths, per muscle."""
        angles = angle_arrays(postures)
        count = next(iter(angles.values())).shape[0]
        lengths = {muscle: np.empty(count) for muscle in MUSCLES}
        moment_arms = {muscle: np.empty(count) for muscle in MUSCLES}
        fibres = {muscle: np.empty(count) for muscle in MUSCLES} if with_fibres else {}
        flexion = {muscle: self.coordinates[f"hip_flexion_{split_muscle_name(muscle)[1]}"] for muscle in MUSCLES}
        for index in range(count):
            self.set_angles({name: float(values[index]) for name, values in angles.items()})
            if with_fibres:
                self.model.realizeVelocity(self.state)
            for muscle in MUSCLES:
                actuator = self.muscles[muscle]
                lengths[muscle][index] = actuator.getLength(self.state)
                moment_arms[muscle][index] = actuator.computeMomentArm(self.state, flexion[muscle])
                if with_fibres:
                    fibres[muscle][index] = actuator.getNormalizedFiberLength(self.state)
        return lengths, moment_arms, fibres


def build_opensim_model(name: str) -> OpenSimPsoasModel:
    """Builds the psoas/iliacus model `name` ("gait2392" or "rajagopal2016") in OpenSim 4.6."""
    import opensim as osim

    if hasattr(osim, "Logger"):
        osim.Logger.setLevelString("error")
    spec = model_spec(name)
    model = osim.Model()
    model.setName(f"psoascare_{name}")
    pelvis = osim.Body("pelvis", 10.0, osim.Vec3(0.0), osim.Inertia(0.1))
    model.addBody(pelvis)
    model.addJoint(osim.WeldJoint("ground_pelvis", model.getGround(), pelvis))
    femurs: dict[str, Any] = {}
    for side in ("r", "l"):
        femur = osim.Body(f"femur_{side}", 8.0, osim.Vec3(0.0), osim.Inertia(0.1))
        model.addBody(femur)
        transform = osim.SpatialTransform()
        for index, (coordinate, axis) in enumerate(HIP_AXES[side]):
            transform_axis = transform.updTransformAxis(index)
            transform_axis.setCoordinateNames(osim.ArrayStr(f"hip_{coordinate}_{side}", 1))
            transform_axis.setAxis(osim.Vec3(*axis))
            transform_axis.set_function(osim.LinearFunction())
        joint = osim.CustomJoint(
            f"hip_{side}",
            pelvis,
            osim.Vec3(*_mirror(spec.hip_centre_r, side)),
            osim.Vec3(0.0),
            femur,
            osim.Vec3(0.0),
            osim.Vec3(0.0),
            transform,
        )
        model.addJoint(joint)
        femurs[side] = femur
    coordinates = {
        f"hip_{coordinate}_{side}": model.getCoordinateSet().get(f"hip_{coordinate}_{side}")
        for side in ("r", "l")
        for coordinate in ("flexion", "adduction", "rotation")
    }
    muscles: dict[str, Any] = {}
    for muscle in MUSCLES:
        kind, side = split_muscle_name(muscle)
        muscles[muscle] = _add_muscle(osim, model, muscle, spec.muscles[kind], side, pelvis, femurs[side])
    # Coordinates must be unlocked and unclamped so that any posture can be set.
    state = model.initSystem()
    for coordinate in coordinates.values():
        coordinate.setDefaultClamped(False)
    return OpenSimPsoasModel(name, model, state, muscles, coordinates)


def _add_muscle(osim: Any, model: Any, muscle: str, spec: MuscleSpec, side: str, pelvis: Any, femur: Any) -> Any:
    actuator = osim.Millard2012EquilibriumMuscle(
        muscle, spec.max_isometric_force, spec.optimal_fibre_length, spec.tendon_slack_length, spec.pennation_rad
    )
    actuator.set_ignore_tendon_compliance(True)
    path = actuator.updGeometryPath()
    for number, point in enumerate(spec.points, start=1):
        frame = pelvis if point.frame == "pelvis" else femur
        location = osim.Vec3(*_mirror(point.location, side))
        point_name = f"{muscle}-P{number}"
        if point.active_hip_flexion_deg is None:
            actuator.addNewPathPoint(point_name, frame, location)
            continue
        conditional = osim.ConditionalPathPoint()
        conditional.setName(point_name)
        conditional.setParentFrame(frame)
        conditional.set_location(location)
        low, high = point.active_hip_flexion_deg
        conditional.setRangeMin(math.radians(low))
        conditional.setRangeMax(math.radians(high))
        conditional.connectSocket_coordinate(model.getCoordinateSet().get(f"hip_flexion_{side}"))
        path.updPathPointSet().adoptAndAppend(conditional)
    if spec.wrap is not None:
        wrap = spec.wrap
        cylinder = osim.WrapCylinder()
        cylinder.setName(wrap.name if side == "r" else wrap.name.removesuffix("_r") + "_l")
        cylinder.set_radius(wrap.radius)
        cylinder.set_length(wrap.length)
        cylinder.set_xyz_body_rotation(osim.Vec3(*wrap.body_rotation(side)))
        cylinder.set_translation(osim.Vec3(*_mirror(wrap.translation, side)))
        cylinder.set_quadrant(wrap.quadrant)
        pelvis.addWrapObject(cylinder)
        path.addPathWrap(cylinder)
        path_wrap = path.updWrapSet().get(path.getWrapSet().getSize() - 1)
        path_wrap.set_range(0, wrap.between_points[0])
        path_wrap.set_range(1, wrap.between_points[1])
    model.addForce(actuator)
    return actuator


def opensim_wrapped_segment_length(
    start: tuple[float, float, float],
    end: tuple[float, float, float],
    radius: float,
    length: float,
    quadrant: str = "-y",
) -> float:
    """OpenSim 4.6's length of a two-point path from start to end (cylinder frame) over a WrapCylinder."""
    import opensim as osim

    if hasattr(osim, "Logger"):
        osim.Logger.setLevelString("error")
    model = osim.Model()
    body = osim.Body("frame", 1.0, osim.Vec3(0.0), osim.Inertia(0.1))
    model.addBody(body)
    model.addJoint(osim.WeldJoint("weld", model.getGround(), body))
    cylinder = osim.WrapCylinder()
    cylinder.setName("cylinder")
    cylinder.set_radius(radius)
    cylinder.set_length(length)
    cylinder.set_quadrant(quadrant)
    body.addWrapObject(cylinder)
    actuator = osim.PathActuator()
    actuator.setName("segment")
    actuator.addNewPathPoint("start", body, osim.Vec3(*start))
    actuator.addNewPathPoint("end", body, osim.Vec3(*end))
    actuator.updGeometryPath().addPathWrap(cylinder)
    model.addForce(actuator)
    state = model.initSystem()
    model.realizePosition(state)
    return float(actuator.getLength(state))


# ----- MuJoCo (MyoLeg) ---------------------------------------------------------------------------------
@dataclass
class MyoLegPsoasModel:
    """MuJoCo's MyoLeg (myo-sim; derived from Rajagopal2016, psoas wrap removed, iliacus wrap a sphere)."""

    model: Any
    data: Any
    hip_qpos: dict[str, int]  # coordinate -> qpos address
    flexion_jacobian_index: dict[str, int]  # muscle -> index into the sparse tendon Jacobian ten_J
    tendons: dict[str, int]  # muscle -> tendon id

    def evaluate(self, postures: Any) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
        """Tendon lengths (m) and hip-flexion moment arms (m, -dL/dq from MuJoCo's tendon Jacobian)."""
        import mujoco

        angles = angle_arrays(postures)
        count = next(iter(angles.values())).shape[0]
        radians = {name: np.radians(angles[name]) for name in self.hip_qpos}
        lengths = {muscle: np.empty(count) for muscle in MUSCLES}
        moment_arms = {muscle: np.empty(count) for muscle in MUSCLES}
        model, data = self.model, self.data
        qpos = data.qpos
        addresses = list(self.hip_qpos.items())
        tendon_ids = [(muscle, self.tendons[muscle], self.flexion_jacobian_index[muscle]) for muscle in MUSCLES]
        for index in range(count):
            for name, address in addresses:
                qpos[address] = radians[name][index]
            # Positions of bodies and sites, subtree centres (for Jacobians), then tendon lengths and Jacobians.
            mujoco.mj_kinematics(model, data)
            mujoco.mj_comPos(model, data)
            mujoco.mj_tendon(model, data)
            for muscle, tendon, jacobian_index in tendon_ids:
                lengths[muscle][index] = data.ten_length[tendon]
                moment_arms[muscle][index] = -data.ten_J[jacobian_index]
        return lengths, moment_arms


def build_myoleg_model(only_these_muscles: bool = False) -> MyoLegPsoasModel:
    """Compiles MyoLeg from myo-sim's leg fragment (pelvis fixed) with all coordinates at 0.

    only_these_muscles: drop every actuator, sensor and tendon but psoas and iliacus, so that MuJoCo
    computes no more than the other methods (as the OpenSim models built here hold only these muscles).
    """
    import mujoco
    from myo_sim.build.compose import build_legs_spec

    spec = build_legs_spec()
    if only_these_muscles:
        keep = {f"{muscle}_tendon" for muscle in MUSCLES}
        for element in [*spec.actuators, *spec.sensors]:
            spec.delete(element)
        for tendon in list(spec.tendons):
            if tendon.name not in keep:
                spec.delete(tendon)
    model = spec.compile()
    data = mujoco.MjData(model)

    def joint(name: str) -> int:
        return int(mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_JOINT, name))

    hip_qpos = {
        f"hip_{movement}_{side}": int(model.jnt_qposadr[joint(f"hip_{movement}_{side}")])
        for side in ("r", "l")
        for movement in ("flexion", "adduction", "rotation")
    }
    tendons = {
        muscle: int(mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_TENDON, f"{muscle}_tendon")) for muscle in MUSCLES
    }
    # The tendon Jacobian is stored sparse (row by row, the columns listed in ten_J_colind); the sparsity
    # pattern is fixed by the model, so the hip-flexion entry of each tendon's row is found once.
    jacobian_index: dict[str, int] = {}
    for muscle, tendon in tendons.items():
        dof = int(model.jnt_dofadr[joint(f"hip_flexion_{muscle[-1]}")])
        start, count = int(model.ten_J_rowadr[tendon]), int(model.ten_J_rownnz[tendon])
        columns = [int(column) for column in model.ten_J_colind[start : start + count]]
        if dof not in columns:
            raise RuntimeError(f"MyoLeg tendon {muscle} does not depend on hip flexion")
        jacobian_index[muscle] = start + columns.index(dof)
    data.qpos[:] = 0.0
    return MyoLegPsoasModel(model, data, hip_qpos, jacobian_index, tendons)
