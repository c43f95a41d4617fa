"""Rotation matrices, vectorised over postures (angles in radians, arrays of shape (n,) -> (n, 3, 3))."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# Mirror across the pelvis's sagittal plane: right-side geometry -> left side.
MIRROR_Z: FloatArray = np.diag([1.0, 1.0, -1.0])


def rotation_x(angle: FloatArray) -> FloatArray:
    cos, sin = np.cos(angle), np.sin(angle)
    one, zero = np.ones_like(angle), np.zeros_like(angle)
    return np.stack(
        [np.stack([one, zero, zero], -1), np.stack([zero, cos, -sin], -1), np.stack([zero, sin, cos], -1)], -2
    )


def rotation_y(angle: FloatArray) -> FloatArray:
    cos, sin = np.cos(angle), np.sin(angle)
    one, zero = np.ones_like(angle), np.zeros_like(angle)
    return np.stack(
        [np.stack([cos, zero, sin], -1), np.stack([zero, one, zero], -1), np.stack([-sin, zero, cos], -1)], -2
    )


def rotation_z(angle: FloatArray) -> FloatArray:
    cos, sin = np.cos(angle), np.sin(angle)
    one, zero = np.ones_like(angle), np.zeros_like(angle)
    return np.stack(
        [np.stack([cos, -sin, zero], -1), np.stack([sin, cos, zero], -1), np.stack([zero, zero, one], -1)], -2
    )


def body_fixed_xyz(angles: tuple[float, float, float] | FloatArray) -> FloatArray:
    """OpenSim's `xyz_body_rotation`: rotate about x, then the new y, then the new z (R = Rx Ry Rz)."""
    a, b, c = (np.asarray(value, dtype=float) for value in angles)
    return rotation_x(a) @ rotation_y(b) @ rotation_z(c)


def hip_rotation_matrix(
    flexion: FloatArray, adduction: FloatArray, rotation: FloatArray, side: str = "r"
) -> FloatArray:
    """Femur -> pelvis rotation of the OpenSim hip CustomJoint (radians; shape (n,) -> (n, 3, 3)).

    Body-fixed sequence: flexion about z, then adduction about the new x, then rotation about the new y.
    The left hip's adduction and rotation axes point the other way (-x, -y), so that positive adduction
    and internal rotation mean the same movement on both sides.
    """
    if side not in ("r", "l"):
        raise ValueError(f"side must be 'r' or 'l', got {side!r}")
    sign = 1.0 if side == "r" else -1.0
    return rotation_z(flexion) @ rotation_x(sign * adduction) @ rotation_y(sign * rotation)
