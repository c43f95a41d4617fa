"""The client's safety level: what the red-flag answers that no clinician has reviewed yet allow.

The level only rises until a clinician reviews the answers: a later, milder screening never lowers it, because
the earlier answer still stands until someone has looked at it (shared/domain/safety-and-outcomes.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class SafetyLevel(IntEnum):
    CLEAR = 0
    URGENT = 1
    EMERGENCY = 2

    @classmethod
    def of(cls, outcome: str) -> SafetyLevel:
        """A screening's outcome ("clear", "urgent", "emergency") as a level."""
        try:
            return cls[outcome.upper()]
        except KeyError:
            raise ValueError(f"unknown screening outcome {outcome!r}") from None

    @property
    def key(self) -> str:
        return self.name.lower()


def unreviewed_level(outcomes: Iterable[str]) -> SafetyLevel:
    """The most serious of the outcomes no clinician has reviewed yet; CLEAR when there are none."""
    return max((SafetyLevel.of(outcome) for outcome in outcomes), default=SafetyLevel.CLEAR)
