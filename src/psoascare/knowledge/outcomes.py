"""Outcome measures: NPRS (pain 0–10) and PSFS (patient-specific functional scale), with change thresholds.

Thresholds: in low-back pain both the minimal detectable and the minimal clinically important change of the NPRS
are 2 points (Childs, Piva & Fritz, Spine 2005;30:1331), so a change counts only at 2 points or more, compared as
weekly means rather than two single days; 30 % (Ostelo et al., Spine 2008;33:90; Farrar et al., Pain
2001;94:149) is reported beside it, never instead of it. PSFS 2 points on the mean (Stratford et al., Physiother
Can 1995;47:258). Our own wording; the ODI and RMDQ are not embedded
for licence reasons (see /shared/domain/safety-and-outcomes.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

NPRS_MIN, NPRS_MAX = 0, 10
NPRS_MEANINGFUL_POINTS = 2
NPRS_MEANINGFUL_FRACTION = 0.30
PSFS_MEANINGFUL_POINTS = 2.0
PSFS_MAX_ACTIVITIES = 3


class OutcomeError(ValueError):
    """A score outside its scale."""


def check_nprs(score: float) -> float:
    if not NPRS_MIN <= score <= NPRS_MAX:
        raise OutcomeError(f"pain must be a number from {NPRS_MIN} to {NPRS_MAX}, not {score}")
    return score


@dataclass(frozen=True)
class Change:
    points: float
    fraction: float | None
    meaningful: bool
    direction: str  # "better", "worse" or "same"


def nprs_change(before: float, after: float) -> Change:
    """Pain change (single scores or weekly means); lower is better. Meaningful only at 2 points or more
    (Childs et al. 2005); the fraction of the starting score is kept for those who also want 30 %."""
    check_nprs(before)
    check_nprs(after)
    points = float(after - before)
    fraction = points / before if before else None
    meaningful = abs(points) >= NPRS_MEANINGFUL_POINTS
    direction = "same" if points == 0 else ("better" if points < 0 else "worse")
    return Change(points, fraction, meaningful, direction)


WEEK = timedelta(days=7)


def weekly_mean(scores: Mapping[date, float], last_day: date) -> float | None:
    """The mean NPRS of the 7 days ending on `last_day`, or None when none of them has a score."""
    week = [score for day, score in scores.items() if last_day - WEEK < day <= last_day]
    return sum(week) / len(week) if week else None


def nprs_weekly_change(scores: Mapping[date, float], today: date) -> Change | None:
    """This week's mean pain against last week's (the 7 days before): the rule the client's charts and the
    therapist's "worse" ranking both use. None until both weeks have at least one score."""
    this_week = weekly_mean(scores, today)
    last_week = weekly_mean(scores, today - WEEK)
    if this_week is None or last_week is None:
        return None
    return nprs_change(last_week, this_week)


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
