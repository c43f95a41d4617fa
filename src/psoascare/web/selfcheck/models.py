"""A stored Thomas self-check: side, points, angles and model lengths. Never the photo."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from psoascare.body.thomas import POINT_NAMES, ThomasError, findings, measure, model_lengths

MAX_IMAGE_SIDE = 4096
# The page computes the angles too; a larger disagreement with the server's means the two differ in formula.
ANGLE_AGREEMENT_DEG = 0.5


class Side(models.TextChoices):
    RIGHT = "r", "Right"
    LEFT = "l", "Left"


class FoundBy(models.TextChoices):
    POSE_MODEL = "pose-model", "Found by the pose model, checked by the person"
    BY_HAND = "by-hand", "Placed by hand"


def clean_points(raw: object, width: int, height: int) -> dict[str, list[float]]:
    """The points as {name: [x, y]} in image pixels, every name present and on the image; ValidationError if not."""
    if not isinstance(raw, dict):
        raise ValidationError("points must be an object of name: [x, y]")
    missing = [name for name in POINT_NAMES if name not in raw]
    unknown = sorted(set(raw) - set(POINT_NAMES))
    if missing or unknown:
        raise ValidationError(f"points: missing {missing or 'none'}, unknown {unknown or 'none'}")
    cleaned: dict[str, list[float]] = {}
    for name in POINT_NAMES:
        value = raw[name]
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValidationError(f"point {name!r} must be [x, y]")
        try:
            x, y = float(value[0]), float(value[1])
        except (TypeError, ValueError):
            raise ValidationError(f"point {name!r} must be two numbers") from None
        if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= width and 0 <= y <= height):
            raise ValidationError(f"point {name!r} = ({x:g}, {y:g}) is outside the {width}×{height} image")
        cleaned[name] = [round(x, 1), round(y, 1)]
    return cleaned


class SelfCheck(models.Model):
    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="selfchecks")
    # The therapist when taken in the clinic; the client themself otherwise.
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="selfchecks_recorded"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    side = models.CharField(max_length=1, choices=Side.choices)
    found_by = models.CharField(max_length=20, choices=FoundBy.choices)
    image_width = models.PositiveIntegerField()
    image_height = models.PositiveIntegerField()
    points = models.JSONField(help_text="Image pixels (x right, y down) of each point; the photo is not stored.")
    thigh_below_bed = models.FloatField(help_text="Degrees; + below the bed line.")
    thigh_to_trunk = models.FloatField(help_text="Degrees; + behind the trunk line (hip extension).")
    knee_flexion = models.FloatField(help_text="Degrees; 0 = straight.")
    trunk_to_bed = models.FloatField(help_text="Degrees; + when the hip sits lower than the shoulder side.")
    other_hip_flexion = models.FloatField(help_text="Degrees; the hugged thigh towards the chest.")
    lengths = models.JSONField(help_text="Psoas and iliacus length, change against standing, in both models.")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["client", "taken_at"])]
        verbose_name = "Thomas self-check"
        verbose_name_plural = "Thomas self-checks"

    def __str__(self) -> str:
        return f"{self.client} {self.get_side_display()} {self.taken_at:%Y-%m-%d}: thigh {self.thigh_below_bed:+.0f}°"

    @classmethod
    def record(
        cls,
        client: User,
        recorded_by: User,
        *,
        side: str,
        points: object,
        image_width: int,
        image_height: int,
        found_by: str,
        note: str = "",
        page_angles: dict[str, float] | None = None,
    ) -> SelfCheck:
        """Measure the points, look up the model lengths and store the check. ValidationError for bad input."""
        if side not in Side.values:
            raise ValidationError(f"side must be one of {', '.join(Side.values)}")
        if found_by not in FoundBy.values:
            raise ValidationError(f"found_by must be one of {', '.join(FoundBy.values)}")
        for label, size in (("image_width", image_width), ("image_height", image_height)):
            if not isinstance(size, int) or not 1 <= size <= MAX_IMAGE_SIDE:
                raise ValidationError(f"{label} must be a whole number of pixels from 1 to {MAX_IMAGE_SIDE}")
        cleaned = clean_points(points, image_width, image_height)
        try:
            angles = measure({name: (xy[0], xy[1]) for name, xy in cleaned.items()})
            lengths = model_lengths(angles.hip_flexion, side)
        except ThomasError as error:
            raise ValidationError(str(error)) from None
        measured = angles.as_dict()
        for name, value in (page_angles or {}).items():
            if name in measured and abs(float(value) - measured[name]) > ANGLE_AGREEMENT_DEG:
                raise ValidationError(
                    f"the page's {name} ({float(value):.1f}°) differs from the server's ({measured[name]:.1f}°)"
                )
        return cls.objects.create(
            client=client,
            recorded_by=recorded_by,
            side=side,
            found_by=found_by,
            image_width=image_width,
            image_height=image_height,
            points=cleaned,
            lengths=lengths,
            note=note[:500],
            **measured,
        )

    @property
    def angles(self) -> dict[str, float]:
        return {
            "thigh_below_bed": self.thigh_below_bed,
            "thigh_to_trunk": self.thigh_to_trunk,
            "knee_flexion": self.knee_flexion,
            "trunk_to_bed": self.trunk_to_bed,
            "other_hip_flexion": self.other_hip_flexion,
        }

    @property
    def length_rows(self) -> list[tuple[str, list[dict[str, float]]]]:
        """(model, [psoas, iliacus]) for tables, in a fixed order whatever the database does to JSON keys."""
        return [(model, [muscles["psoas"], muscles["iliacus"]]) for model, muscles in sorted(self.lengths.items())]

    def findings(self) -> list[Any]:
        from psoascare.body.thomas import ThomasAngles

        return findings(ThomasAngles(**self.angles))
