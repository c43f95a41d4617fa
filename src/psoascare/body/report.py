"""The body report behind `psoascare body`: a posture (named, with optional hip-angle overrides) and the
psoas/iliacus lengths, changes against standing and moment arms in it. Plain data; the CLI only prints it."""

from __future__ import annotations

from dataclasses import dataclass

from psoascare.body.model import MUSCLES, BodyModel
from psoascare.body.muscle_data import DEFAULT_MODEL, MODEL_NAMES
from psoascare.body.postures import Posture, get_posture

SIDES: tuple[str, ...] = ("r", "l", "both")


@dataclass(frozen=True)
class BodyReport:
    model: str
    posture: Posture
    muscles: dict[str, dict[str, float]]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: model, posture name, angles, and one entry per muscle (psoas_r, psoas_l, ...)."""
        result: dict[str, object] = {
            "model": self.model,
            "posture": self.posture.name,
            "angles_deg": self.posture.angles(),
        }
        for muscle in MUSCLES:
            result[muscle] = {key: round(value, 4) for key, value in self.muscles[muscle].items()}
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
