"""Points of a constructed bed-edge photo (640 × 480) and a stored check built from them."""

from __future__ import annotations

from django.contrib.auth.models import User

from psoascare.web.selfcheck.models import FoundBy, SelfCheck
from tests.body.test_thomas import lying

WIDTH, HEIGHT = 640, 480


def photo_points(thigh_below: float = 11.9, knee: float = 52.5, other_hip: float = 120.0) -> dict[str, list[float]]:
    """Head on the left, hip at (340, 300); every point inside a 640 × 480 image."""
    points = lying(thigh_below=thigh_below, knee=knee, other_hip=other_hip)
    return {name: [round(x - 60.0, 1), round(y, 1)] for name, (x, y) in points.items()}


def make_check(client: User, recorded_by: User | None = None, side: str = "r", thigh_below: float = 11.9) -> SelfCheck:
    return SelfCheck.record(
        client,
        recorded_by or client,
        side=side,
        points=photo_points(thigh_below=thigh_below),
        image_width=WIDTH,
        image_height=HEIGHT,
        found_by=FoundBy.POSE_MODEL,
    )
