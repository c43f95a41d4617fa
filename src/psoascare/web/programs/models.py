"""A client's programme: which routine, with which doses, at which times; the schedule rules live in the core."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from psoascare.routines.schedule import DueItem, Schedule, ScheduledExercise, ScheduleError, due_items

WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]


def default_times() -> list[str]:
    return ["07:30", "21:30"]


def every_day() -> list[int]:
    return list(WEEKDAYS)


def working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


class Assignment(models.Model):
    """The routine a therapist assigned to one client, with that client's changes to the template."""

    client = models.OneToOneField(User, on_delete=models.CASCADE, related_name="assignment")
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments_given")
    template_slug = models.SlugField(max_length=80, default="bed-edge")
    hold_seconds = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(300)]
    )
    reps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    times = models.JSONField(default=default_times)
    days = models.JSONField(default=every_day)
    move_every_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, default=60, validators=[MinValueValidator(20), MaxValueValidator(120)]
    )
    work_start = models.TimeField(default=time(9, 0))
    work_end = models.TimeField(default=time(17, 0))
    work_days = models.JSONField(default=working_days)
    paused_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.template_slug} for {self.client}"

    def schedule(self) -> Schedule:
        from psoascare.routines.schedule import parse_time

        return Schedule(
            times=tuple(parse_time(t) for t in self.times),
            days=frozenset(int(d) for d in self.days),
            move_every_minutes=self.move_every_minutes,
            work_start=self.work_start,
            work_end=self.work_end,
            work_days=frozenset(int(d) for d in self.work_days),
        )

    def clean(self) -> None:
        try:
            self.schedule()
            self.template()
        except (ScheduleError, ValueError, KeyError) as exc:
            raise ValidationError(str(exc)) from exc

    def template(self) -> Any:
        """The routine template with this client's changes applied (validated by the core)."""
        from psoascare.routines.templates import get_template

        template = get_template(self.template_slug)
        changes: dict[str, Any] = {}
        if self.hold_seconds is not None:
            changes["hold_seconds"] = self.hold_seconds
        if self.reps is not None:
            changes["reps"] = self.reps
        return template.with_overrides(**changes) if changes else template

    def scheduled_exercises(self) -> list[ScheduledExercise]:
        from psoascare.routines.library import get_exercise

        template = self.template()
        exercises = []
        for item in template.items:
            exercise = get_exercise(item.exercise)
            exercises.append(ScheduledExercise(exercise.slug, exercise.title, tuple(item.sides)))
        return exercises

    def due_on(self, day: date) -> list[DueItem]:
        if self.paused_reason:
            return []
        return due_items(self.schedule(), self.scheduled_exercises(), day)


def routine_for_client(user: User, slug: str) -> Any:
    """The routine this client should play: their assigned one with their doses, else the library's."""
    from psoascare.routines.templates import get_template

    assignment = Assignment.objects.filter(client=user).first()
    if assignment is not None and assignment.template_slug == slug:
        return assignment.template()
    return get_template(slug)
