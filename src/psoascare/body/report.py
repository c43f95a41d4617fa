"""The body report behind `psoascare body`: a posture (named, with optional hip-angle overrides) and the
psoas/iliacus lengths, changes against standing and moment arms in it. Plain data; the CLI only prints it."""

from __future__ import annotations

from dataclasses import dataclass

from psoascare.body.model import MUSCLES, BodyModel
from psoascare.body.muscle_data import DEFAULT_MODEL, MODEL_NAMES
from psoascare.body.postures import Posture, get_posture

SIDES: tuple[str, ...] = ("r", "l", "both")


# Both OpenSim models start the psoas at the pelvis rim (Delp et al., IEEE TBME 1990;37:757 for Gait2392's
# lineage; Rajagopal et al., IEEE TBME 2016;63:2068): lengths are those of the part from the pelvis to the
# femur, so lumbar posture does not change them.
PATH_NOTE = (
    "The models' psoas runs from the rim of the pelvis to the thigh bone: the lumbar part is drawn, not measured."
)
# Gait2392's psoas wraps over a single via point in front of the hip; flexed far enough, the path passes behind
# the joint centre and the flexion moment arm turns negative, which a real psoas does not do.
NEGATIVE_ARM_NOTE = (
    "{model}: the psoas {side} flexion moment arm is negative here ({arm:.1f} mm). This is an artefact of the "
    "model's path in deep hip flexion (past about 90°), not anatomy: the real psoas still flexes the hip."
)


@dataclass(frozen=True)
class BodyReport:
    model: str
    posture: Posture
    muscles: dict[str, dict[str, float]]

    @property
    def caveats(self) -> list[str]:
        """What a reader must know to read these numbers honestly."""
        notes = [PATH_NOTE]
        for side, muscle in (("right", "psoas_r"), ("left", "psoas_l")):
            arm = self.muscles[muscle]["moment_arm_mm"]
            if arm < 0:
                notes.append(NEGATIVE_ARM_NOTE.format(model=self.model, side=side, arm=arm))
        return notes

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: model, posture name, angles, and one entry per muscle (psoas_r, psoas_l, ...)."""
        result: dict[str, object] = {
            "model": self.model,
            "posture": self.posture.name,
            "angles_deg": self.posture.angles(),
        }
        for muscle in MUSCLES:
            result[muscle] = {key: round(value, 4) for key, value in self.muscles[muscle].items()}
        result["caveats"] = self.caveats
        return result


def body_report(
    posture_name: str = "standing",
    *,
    hip_flexion: float | None = None,
    hip_adduction: float | None = None,
    hip_rotation: float | None = None,
    side: str = "both",
    model: str = DEFAULT_MODEL,
) -> BodyReport:
    """Report for a named posture, with hip angles (degrees) overridden on one side or both.

    Raises UnknownPosture (a KeyError) for an unknown posture name, PostureError for an angle out of range,
    ValueError for an unknown model or side.
    """
    if model not in MODEL_NAMES:
        raise ValueError(f"unknown model {model!r}; known models: {', '.join(MODEL_NAMES)}")
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}; use one of {', '.join(SIDES)}")
    posture = get_posture(posture_name)
    overrides: dict[str, float] = {}
    for movement, value in (("flexion", hip_flexion), ("adduction", hip_adduction), ("rotation", hip_rotation)):
        if value is None:
            continue
        for hip_side in ("r", "l") if side == "both" else (side,):
            overrides[f"hip_{movement}_{hip_side}"] = float(value)
    if overrides:
        posture = posture.with_angles(**overrides)
    return BodyReport(model=model, posture=posture, muscles=BodyModel(model).report(posture))


def negative_arm_onset(model: str, angles_deg: tuple[float, ...]) -> float | None:
    """The first hip flexion angle (of those given, in order) at which the model's right psoas has a negative
    flexion moment arm, or None: the lesson states it beside the slider instead of hiding it."""
    standing = get_posture("standing")
    body = BodyModel(model)
    for angle in angles_deg:
        if body.report(standing.with_angles(hip_flexion_r=float(angle)))["psoas_r"]["moment_arm_mm"] < 0:
            return float(angle)
    return None
