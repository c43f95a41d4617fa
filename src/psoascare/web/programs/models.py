"""A client's programme: which routine, with which doses, at which times; the schedule rules live in the core."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from psoascare.routines.library import default_library
from psoascare.routines.schedule import DueItem, Schedule, ScheduledExercise, ScheduleError, due_items, parse_time
from psoascare.routines.templates import RoutineTemplate, get_routine


def default_times() -> list[str]:
    return ["07:30", "21:30"]


def every_day() -> list[int]:
    return [0, 1, 2, 3, 4, 5, 6]


def working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Assignment(models.Model):
    """The routine a therapist assigned to one client, with that client's changes to the template."""

    client = models.OneToOneField(User, on_delete=models.CASCADE, related_name="assignment")
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments_given")
    template_slug = models.SlugField(max_length=80, default="bed-edge")
    # {exercise slug: {"hold_seconds": 45, "sets": 3, ...}}: validated by the core's with_overrides.
    item_overrides = models.JSONField(default=dict, blank=True)
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

    @classmethod
    def assign(cls, client: User, therapist: User, template_slug: str, **changes: Any) -> Assignment:
        """Assign a template with its own times and days; `changes` set other fields. Validates first."""
        template = get_routine(template_slug)
        assignment = cls(
            client=client,
            therapist=therapist,
            template_slug=template_slug,
            times=[f"{t:%H:%M}" for t in template.times] or default_times(),
            days=[WEEKDAY_NAMES.index(d) for d in template.days],
            move_every_minutes=template.move_every_minutes or 60,
            **changes,
        )
        assignment.full_clean()
        assignment.save()
        return assignment

    def schedule(self) -> Schedule:
        return Schedule(
            times=tuple(parse_time(str(t)) for t in self.times),
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
        except (ScheduleError, ValueError, TypeError) as exc:
            raise ValidationError(str(exc)) from exc

    def template(self) -> RoutineTemplate:
        """The routine template with this client's changes applied (validated by the core)."""
        template = get_routine(self.template_slug)
        return template.with_overrides(
            item_overrides=self.item_overrides or None,
            times=list(self.times),
            days=[WEEKDAY_NAMES[int(d)] for d in self.days],
            move_every_minutes=self.move_every_minutes,
        )

    def scheduled_exercises(self) -> list[ScheduledExercise]:
        template = self.template()
        library = default_library()
        return [
            ScheduledExercise(item.exercise, library.get(item.exercise).title, tuple(template.dose(item).sides))
            for item in template.items
        ]

    def due_on(self, day: date) -> list[DueItem]:
        if self.paused_reason:
            return []
        return due_items(self.schedule(), self.scheduled_exercises(), day)


def routine_for_client(user: User, slug: str) -> RoutineTemplate:
    """The routine this client should play: their assigned one with their doses, else the library's."""
    assignment = Assignment.objects.filter(client=user).first()
    if assignment is not None and assignment.template_slug == slug:
        return assignment.template()
    return get_routine(slug)
