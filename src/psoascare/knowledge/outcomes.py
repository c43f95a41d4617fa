"""Outcome measures: NPRS (pain 0–10) and PSFS (patient-specific functional scale), with change thresholds.

Thresholds: NPRS about 2 points or 30 % is a meaningful change (Farrar et al., Pain 2001;94:149); PSFS 2 points
on the mean (Stratford et al., Physiother Can 1995;47:258). Our own wording; the ODI and RMDQ are not embedded
for licence reasons (see /shared/domain/safety-and-outcomes.md).
"""

from __future__ import annotations

from dataclasses import dataclass

NPRS_MIN, NPRS_MAX = 0, 10
NPRS_MEANINGFUL_POINTS = 2
NPRS_MEANINGFUL_FRACTION = 0.30
PSFS_MEANINGFUL_POINTS = 2.0
PSFS_MAX_ACTIVITIES = 3


class OutcomeError(ValueError):
    """A score outside its scale."""


def check_nprs(score: int) -> int:
    if not NPRS_MIN <= score <= NPRS_MAX:
        raise OutcomeError(f"pain must be a whole number from {NPRS_MIN} to {NPRS_MAX}, not {score}")
    return score


@dataclass(frozen=True)
class Change:
    points: float
    fraction: float | None
    meaningful: bool
    direction: str  # "better", "worse" or "same"


def nprs_change(before: int, after: int) -> Change:
    """Pain change; lower is better. Meaningful at 2 points or 30 % of the starting score."""
    check_nprs(before)
    check_nprs(after)
    points = float(after - before)
    fraction = points / before if before else None
    meaningful = abs(points) >= NPRS_MEANINGFUL_POINTS or (
        fraction is not None and abs(fraction) >= NPRS_MEANINGFUL_FRACTION and points != 0
    )
    direction = "same" if points == 0 else ("better" if points < 0 else "worse")
    return Change(points, fraction, meaningful, direction)


def psfs_score(ratings: list[int]) -> float:
    """Mean of the activity ratings (0 unable … 10 as before the problem)."""
    if not 1 <= len(ratings) <= PSFS_MAX_ACTIVITIES:
        raise OutcomeError(f"rate between 1 and {PSFS_MAX_ACTIVITIES} activities, not {len(ratings)}")
    for rating in ratings:
        if not 0 <= rating <= 10:
            raise OutcomeError(f"each activity is rated from 0 to 10, not {rating}")
    return sum(ratings) / len(ratings)


def psfs_change(before: float, after: float) -> Change:
    """PSFS change; higher is better. Meaningful at 2 points on the mean."""
    points = after - before
    direction = "same" if points == 0 else ("better" if points > 0 else "worse")
    return Change(points, None, abs(points) >= PSFS_MEANINGFUL_POINTS, direction)
