"""A therapist's own exercises, next to the packaged library (which stays read-only data files)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone

from psoascare.web.fields import WebURLField

# Only web links: a javascript: or data: URL in an <img> or <a> would be a way to run code in a client's page.
web_url = URLValidator(schemes=["http", "https"])

MAX_STEPS = 20
MAX_STEP_LENGTH = 300


class CustomExercise(models.Model):
    """An exercise a therapist describes for their clients: steps, a photo or a video, the hold and sides."""

    class Sides(models.TextChoices):
        EACH = "left,right", "Each side (left, then right)"
        LEFT = "left", "Left only"
        RIGHT = "right", "Right only"
        BOTH = "both", "Both at once"

    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="custom_exercises")
    title = models.CharField(max_length=120)
    steps = models.TextField(help_text="One instruction per line.")
    photo_url = WebURLField(blank=True, validators=[web_url])
    video_url = WebURLField(blank=True, validators=[web_url])
    hold_seconds = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(300)]
    )
    sides = models.CharField(max_length=16, choices=Sides.choices, default=Sides.EACH)
    cautions = models.TextField(blank=True, help_text="One caution per line.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects: models.Manager[CustomExercise] = models.Manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hold_seconds__gte=5, hold_seconds__lte=300), name="custom_hold_5_to_300_s"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.therapist})"

    @property
    def step_lines(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    @property
    def caution_lines(self) -> list[str]:
        return [line.strip() for line in self.cautions.splitlines() if line.strip()]

    @property
    def side_list(self) -> tuple[str, ...]:
        return tuple(self.sides.split(","))

    def clean(self) -> None:
        lines = self.step_lines
        if not lines:
            raise ValidationError({"steps": "Write at least one instruction."})
        if len(lines) > MAX_STEPS:
            raise ValidationError({"steps": f"At most {MAX_STEPS} instructions."})
        if any(len(line) > MAX_STEP_LENGTH for line in lines):
            raise ValidationError({"steps": f"Keep each instruction under {MAX_STEP_LENGTH} characters."})
