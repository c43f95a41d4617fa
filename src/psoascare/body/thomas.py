"""The Thomas self-check: angles from 2-D points on a side photo of the bed-edge (Thomas test) position, and the
psoas and iliacus lengths the body model gives at that hip angle.

Points are image coordinates in pixels (x to the right, y DOWN, as in a photo or a canvas). The person lies on
the back at the end of the bed, one leg hanging over the edge, the other knee hugged to the chest:

- shoulder, hip, knee, ankle: of the hanging leg's side;
- other_knee: the hugged knee;
- bed_head, bed_foot: two points along the bed's top surface, towards the head and towards the foot.

Angles (degrees):
- thigh_below_bed: the hanging thigh (hip -> knee) against the bed line; + below it (hip extended), - above it.
  Kendall's criterion: the back of the thigh on the table (0°); healthy elite athletes hung a mean 11.9° below
  (Harvey D, Br J Sports Med 1998;32:68).
- thigh_to_trunk: the thigh against the trunk line (shoulder -> hip, continued); + behind it (extension).
- knee_flexion: the hanging knee's bend, 0 = straight (Harvey's mean 52.5°; Kendall about 80°).
- trunk_to_bed: the trunk line against the bed line, + when the hip sits lower than the shoulder side.
- other_hip_flexion: the hugged thigh against the trunk line, + towards the chest.

The hip angle given to the body model is -thigh_below_bed (the pelvis taken as neutral on the bed, as the test
intends); Vigotsky AD et al. (PeerJ 2016;4:e2325) showed that the test measures hip extension only when the
pelvic tilt is controlled, so the result comes with hints when the photo suggests it was not.

Pure python + numpy (through the body model); no Django.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from psoascare.body.muscle_data import MODEL_NAMES
from psoascare.body.postures import coordinate_range

POINT_NAMES: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle", "other_knee", "bed_head", "bed_foot")
SIDES: tuple[str, ...] = ("r", "l")
THOMAS_POSTURE = "bed-edge-hang"

# Published figures the result is compared with (see the module docstring and docs/selfcheck.md).
HARVEY_THIGH_BELOW_DEG = 11.9  # mean of healthy elite athletes (Harvey 1998)
HARVEY_KNEE_FLEXION_DEG = 52.5  # mean of healthy elite athletes (Harvey 1998)
SHORT_KNEE_CUTOFF_DEG = 67.0  # knee bent less than this suggests a short rectus femoris (BMC SSMR 2021)
# The measurement's error band: a goniometer's standard error of measurement for the Thomas test is 11°
# (Peeler J & Anderson JE, Phys Ther Sport 2007;8:14); measuring from a digital photograph was as accurate as a
# goniometer at the hip and knee (Russo RR et al., J Exp Orthop 2017;4:29).
ERROR_BAND_DEG = 11.0

# Rules of thumb of this app (not published cut-offs) for the hints about the pelvis.
TRUNK_TILT_HINT_DEG = 10.0
OTHER_HIP_HUG_HINT_DEG = 90.0

KENDALL = (
    "Kendall FP et al., Muscles: Testing and Function with Posture and Pain, 5th ed., "
    "Lippincott Williams & Wilkins, 2005"
)

PointMap = Mapping[str, tuple[float, float]]


class ThomasError(ValueError):
    """Invalid points or angles for the self-check; the message says which and why."""


@dataclass(frozen=True)
class ThomasAngles:
    thigh_below_bed: float
    thigh_to_trunk: float
    knee_flexion: float
    trunk_to_bed: float
    other_hip_flexion: float

    def as_dict(self) -> dict[str, float]:
        return {
            "thigh_below_bed": round(self.thigh_below_bed, 2),
            "thigh_to_trunk": round(self.thigh_to_trunk, 2),
            "knee_flexion": round(self.knee_flexion, 2),
            "trunk_to_bed": round(self.trunk_to_bed, 2),
            "other_hip_flexion": round(self.other_hip_flexion, 2),
        }

    @property
    def hip_flexion(self) -> float:
        """The hip angle for the body model (OpenSim sign: + flexion), the pelvis taken as neutral."""
        return -self.thigh_below_bed


def _point(points: PointMap, name: str) -> tuple[float, float]:
    if name not in points:
        raise ThomasError(f"the point {name!r} is missing; the self-check needs {', '.join(POINT_NAMES)}")
    value = points[name]
    try:
        x, y = (float(coordinate) for coordinate in value)
    except (TypeError, ValueError) as error:
        raise ThomasError(f"the point {name!r} must be two numbers (x, y), got {value!r}") from error
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ThomasError(f"the point {name!r} must be finite numbers, got {value!r}")
    return x, y


def _vector(start: tuple[float, float], end: tuple[float, float], what: str) -> tuple[float, float]:
    dx, dy = end[0] - start[0], end[1] - start[1]
    if math.hypot(dx, dy) < 1e-9:
        raise ThomasError(f"the {what} has no length: its two points are in the same place")
    return dx, dy


def _signed_angle(reference: tuple[float, float], vector: tuple[float, float], down: tuple[float, float]) -> float:
    """Angle (degrees, -180..180) from `reference` to `vector`, + towards `down` (a normal of the reference)."""
    along = vector[0] * reference[0] + vector[1] * reference[1]
    across = vector[0] * down[0] + vector[1] * down[1]
    return math.degrees(math.atan2(across, along))


def _unit(vector: tuple[float, float]) -> tuple[float, float]:
    length = math.hypot(*vector)
    return vector[0] / length, vector[1] / length


def _normal_down(direction: tuple[float, float], floor_side: tuple[float, float]) -> tuple[float, float]:
    """The unit normal of `direction` on the side `floor_side` points to."""
    normal = (-direction[1], direction[0])
    if normal[0] * floor_side[0] + normal[1] * floor_side[1] < 0:
        normal = (-normal[0], -normal[1])
    return _unit(normal)


def measure(points: PointMap) -> ThomasAngles:
    """The self-check's angles from the points (see the module docstring). Raises ThomasError for bad points."""
    shoulder, hip, knee, ankle = (_point(points, name) for name in ("shoulder", "hip", "knee", "ankle"))
    other_knee, bed_head, bed_foot = (_point(points, name) for name in ("other_knee", "bed_head", "bed_foot"))
    bed = _unit(_vector(bed_head, bed_foot, "bed line"))
    trunk = _unit(_vector(shoulder, hip, "trunk line (shoulder to hip)"))
    thigh = _vector(hip, knee, "thigh (hip to knee)")
    shank = _vector(knee, ankle, "shank (knee to ankle)")
    hugged = _vector(hip, other_knee, "hugged thigh (hip to other knee)")
    # The floor is on the image's "down" side of the bed line (y grows downwards in a photo).
    bed_down = _normal_down(bed, (0.0, 1.0))
    # The trunk's back (the bed side) is the side the bed's "down" normal points to.
    trunk_down = _normal_down(trunk, bed_down)
    knee_flexion = abs(_signed_angle(_unit(thigh), shank, _normal_down(_unit(thigh), bed_down)))
    return ThomasAngles(
        thigh_below_bed=_signed_angle(bed, thigh, bed_down),
        thigh_to_trunk=_signed_angle(trunk, thigh, trunk_down),
        knee_flexion=knee_flexion,
        trunk_to_bed=_signed_angle(bed, trunk, bed_down),
        other_hip_flexion=-_signed_angle(trunk, hugged, trunk_down),
    )


def model_lengths(hip_flexion: float, side: str) -> dict[str, dict[str, dict[str, float]]]:
    """Psoas and iliacus of `side` at this hip flexion (degrees, + flexion), in the bed-edge posture, in both
    models: {model: {"psoas": {...}, "iliacus": {...}}} with length_mm, change_mm and change_pct against
    standing (the same numbers as `psoascare body bed-edge-hang --hip-flexion A --side S --model M`)."""
    from psoascare.body.report import body_report  # numpy only when lengths are asked for

    if side not in SIDES:
        raise ThomasError(f"side must be 'r' or 'l', got {side!r}")
    low, high = coordinate_range("hip_flexion")
    if not (math.isfinite(hip_flexion) and low <= hip_flexion <= high):
        raise ThomasError(
            f"a hip angle of {hip_flexion:g}° is outside the body model's range ({low:g}° to {high:g}°): "
            "check that the points sit on the joints"
        )
    result: dict[str, dict[str, dict[str, float]]] = {}
    for model in MODEL_NAMES:
        report = body_report(THOMAS_POSTURE, hip_flexion=hip_flexion, side=side, model=model)
        result[model] = {
            kind: {
                key: round(report.muscles[f"{kind}_{side}"][key], 2) for key in ("length_mm", "change_mm", "change_pct")
            }
            for kind in ("psoas", "iliacus")
        }
    return result


@dataclass(frozen=True)
class Finding:
    """One sentence of the result, in plain words, with its source."""

    key: str
    text: str
    source: str


def findings(angles: ThomasAngles) -> list[Finding]:
    """Where the thigh and knee rest against published figures, and hints about the pelvis. Never a diagnosis."""
    result: list[Finding] = []
    below = angles.thigh_below_bed
    where = f"{below:.0f}° below the bed line" if below >= 0 else f"{-below:.0f}° above the bed line"
    result.append(
        Finding(
            "thigh",
            f"Your hanging thigh rests {where}. In Kendall's description of the test a thigh resting on the table "
            f"line (0°) is a normal length of the one-joint hip flexors and a thigh above it suggests they are "
            f"short; many people's thigh stays above. Healthy elite athletes hung a mean "
            f"{HARVEY_THIGH_BELOW_DEG}° below (not the general public).",
            f"{KENDALL}; Harvey D, Br J Sports Med 1998;32:68.",
        )
    )
    knee = angles.knee_flexion
    result.append(
        Finding(
            "knee",
            f"Your knee is bent {knee:.0f}°. Kendall expects about 80°; healthy elite athletes had a mean of "
            f"{HARVEY_KNEE_FLEXION_DEG}°, and a knee bent less than {SHORT_KNEE_CUTOFF_DEG:.0f}° has been used as a "
            f"sign of a short rectus femoris.",
            f"{KENDALL}; Harvey D, Br J Sports Med 1998;32:68; "
            "BMC Sports Sci Med Rehabil 2021, doi 10.1186/s13102-021-00242-y.",
        )
    )
    if abs(angles.trunk_to_bed) > TRUNK_TILT_HINT_DEG or angles.other_hip_flexion < OTHER_HIP_HUG_HINT_DEG:
        result.append(
            Finding(
                "pelvis",
                "Your trunk line is not along the bed, or the other knee is not hugged close: the pelvis may be "
                "tilting and the low back arching, which makes the hanging thigh drop further than the hip really "
                "extends. Hug the other knee until your low back lies flat, then take the photo again.",
                "Vigotsky AD et al., PeerJ 2016;4:e2325 (the test is valid only when pelvic tilt is controlled).",
            )
        )
    result.append(
        Finding(
            "error",
            f"A photo measurement like this one is a rough guide: expect about ±{ERROR_BAND_DEG:.0f}° between two "
            f"checks even when nothing has changed. It is not a diagnosis. Keep stretching as planned; your "
            f"therapist will look at your checks.",
            "Peeler J & Anderson JE, Phys Ther Sport 2007;8:14 (SEM 11°); Russo RR et al., J Exp Orthop 2017;4:29 "
            "(photographs as accurate as a goniometer).",
        )
    )
    return result
