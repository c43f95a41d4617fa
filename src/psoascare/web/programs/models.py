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
from psoascare.routines.schedule import DueItem, Schedule, ScheduledExercise, ScheduleError, due_between, parse_time
from psoascare.routines.templates import RoutineError, RoutineTemplate, get_routine, parse_item


def default_times() -> list[str]:
    return ["07:30", "21:30"]


def every_day() -> list[int]:
    return [0, 1, 2, 3, 4, 5, 6]


def working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PROGRAMME_PREFIX = "programme-"


class ProgrammeTemplate(models.Model):
    """A therapist's own routine built from the exercise library, e.g. "Psoas care: bed-edge AM/PM, hourly
    moves, 2 strengthening exercises". The core validates it exactly as it validates the packaged ones."""

    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="programme_templates")
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    items = models.JSONField(default=list)  # [{"exercise": "bed-edge-hang", "sets": 2, "hold_seconds": 30}, ...]
    times = models.JSONField(default=default_times)
    days = models.JSONField(default=every_day)
    move_every_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(20), MaxValueValidator(120)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return f"{PROGRAMME_PREFIX}{self.pk}"

    def as_routine(self) -> RoutineTemplate:
        where = f"programme {self.title!r}"
        return RoutineTemplate(
            slug=self.slug if self.pk else f"{PROGRAMME_PREFIX}new",
            title=self.title,
            summary=self.summary,
            items=tuple(parse_item(item, f"{where}, item {i}") for i, item in enumerate(self.items, start=1)),
            times=tuple(parse_time(str(t)) for t in self.times),
            days=tuple(WEEKDAY_NAMES[int(d)] for d in self.days),
            move_every_minutes=self.move_every_minutes,
        ).validate()

    def clean(self) -> None:
        try:
            self.as_routine()
        except (ValueError, TypeError, IndexError) as exc:
            raise ValidationError(str(exc)) from exc


class Assignment(models.Model):
    """The routine a therapist assigned to one client, with that client's changes to the template.

    `therapist` is None for someone who signed up on their own (settings.SELF_SIGNUP): they get the default
    routine (SELF_SIGNUP_ROUTINE) unchanged, nobody edits it, and it is theirs until a therapist takes them on.
    """

    client = models.OneToOneField(User, on_delete=models.CASCADE, related_name="assignment")
    therapist = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments_given"
    )
    template_slug = models.SlugField(max_length=80, default="bed-edge")
    programme = models.ForeignKey(
        ProgrammeTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    # {exercise slug: {"hold_seconds": 45, "sets": 3, ...}}: validated by the core's with_overrides.
    item_overrides = models.JSONField(default=dict, blank=True)
    times = models.JSONField(default=default_times)
    days = models.JSONField(default=every_day)
    move_every_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, default=60, validators=[MinValueValidator(20), MaxValueValidator(120)]
    )
    # Seconds between one side and the other: enough to move across a bed and settle the other leg.
    switch_seconds = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(60)]
    )
    work_start = models.TimeField(default=time(9, 0))
    work_end = models.TimeField(default=time(17, 0))
    work_days = models.JSONField(default=working_days)
    assigned_at = models.DateTimeField(default=timezone.now)  # when the programme started

    def __str__(self) -> str:
        return f"{self.template_slug} for {self.client}"

    @classmethod
    def assign(
        cls,
        client: User,
        therapist: User | None,
        template_slug: str,
        programme: ProgrammeTemplate | None = None,
        **changes: Any,
    ) -> Assignment:
        """Assign a template with its own times and days; `changes` set other fields. Validates first."""
        template = programme.as_routine() if programme else get_routine(template_slug)
        assignment = cls(
            client=client,
            therapist=therapist,
            template_slug=template.slug,
            programme=programme,
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
        template = self.programme.as_routine() if self.programme is not None else get_routine(self.template_slug)
        return template.with_overrides(
            item_overrides=self.item_overrides or None,
            times=list(self.times),
            days=[WEEKDAY_NAMES[int(d)] for d in self.days],
            move_every_minutes=self.move_every_minutes,
            switch_seconds=self.switch_seconds,
        )

    def scheduled_exercises(self) -> list[ScheduledExercise]:
        template = self.template()
        library = default_library()
        return [
            ScheduledExercise(item.exercise, library.get(item.exercise).title, tuple(template.dose(item).sides))
            for item in template.items
        ]

    def due_on(self, day: date) -> list[DueItem]:
        return self.due_between(day, day)[day]

    def due_between(self, first: date, last: date) -> dict[date, list[DueItem]]:
        """What is due on each day from `first` to `last`; the routine is resolved once for all of them."""
        return due_between(self.schedule(), self.scheduled_exercises(), first, last)


def base_routine(therapist: User, slug: str) -> RoutineTemplate:
    """A routine a therapist can assign, before any client's changes: their own programme or a packaged one."""
    if slug.startswith(PROGRAMME_PREFIX):
        programme = ProgrammeTemplate.objects.get(therapist=therapist, pk=int(slug.removeprefix(PROGRAMME_PREFIX)))
        return programme.as_routine()
    return get_routine(slug)


SELF_SIGNUP_ROUTINE = "psoas-care"  # what someone who signs up on their own is given


def routine_for_client(user: User, slug: str) -> RoutineTemplate:
    """The routine this client should play: their assigned one with their doses, else the library's."""
    assignment = Assignment.objects.filter(client=user).first()
    if assignment is not None and assignment.template_slug == slug:
        return assignment.template()
    return get_routine(slug)


class AssignmentChange(models.Model):
    """One change to a client's programme: who, when, and each field's old and new value."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField()  # {"times": [["07:30", "21:30"], ["07:00", "21:30"]], ...}

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.assignment} changed {self.changed_at:%Y-%m-%d}"

    def lines(self) -> list[str]:
        """Each change in words ("Hold of Bed-edge hang changed from 30 s to 45 s")."""
        lines: list[str] = []
        for field, (old, new) in self.changes.items():
            if field == "item_overrides":
                lines += _dose_lines(old or {}, new or {})
            else:
                lines.append(_field_line(field, old, new))
        return lines


def _routine_title(slug: str) -> str:
    if slug.startswith(PROGRAMME_PREFIX):
        programme = ProgrammeTemplate.objects.filter(pk=int(slug.removeprefix(PROGRAMME_PREFIX))).first()
        return programme.title if programme else "a programme since deleted"
    try:
        return get_routine(slug).title
    except (RoutineError, KeyError):
        return slug


def _day_names(days: list[int]) -> str:
    if sorted(days) == list(range(7)):
        return "every day"
    return ", ".join(WEEKDAY_NAMES[int(day)].capitalize() for day in sorted(days))


CHANGE_WORDS: dict[str, tuple[str, Any]] = {
    "template_slug": ("Routine", _routine_title),
    "times": ("Times", lambda times: ", ".join(times)),
    "days": ("Days", _day_names),
    "move_every_minutes": ("Move reminders", lambda minutes: f"every {minutes} min"),
    "switch_seconds": ("Time to change sides", lambda seconds: f"{seconds} s"),
    "work_start": ("Working hours start", str),
    "work_end": ("Working hours end", str),
    "work_days": ("Working days", _day_names),
}
DOSE_WORDS = {"sets": ("Sets", ""), "hold_seconds": ("Hold", " s"), "reps": ("Reps", "")}


def _field_line(field: str, old: Any, new: Any) -> str:
    label, say = CHANGE_WORDS.get(field, (field.replace("_", " ").capitalize(), str))
    if old in (None, "", []):
        return f"{label} set to {say(new)}"
    if new in (None, "", []):
        return f"{label} turned off (was {say(old)})"
    return f"{label} changed from {say(old)} to {say(new)}"


def _dose_lines(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[str]:
    library = default_library()
    lines = []
    for exercise in sorted(set(old) | set(new)):
        title = library.get(exercise).title if exercise in library else exercise
        for key, (label, unit) in DOSE_WORDS.items():
            before, after = old.get(exercise, {}).get(key), new.get(exercise, {}).get(key)
            if before == after:
                continue
            was = f"{before:g}{unit}" if before is not None else "the routine's dose"
            now = f"{after:g}{unit}" if after is not None else "the routine's dose"
            lines.append(f"{label} of {title} changed from {was} to {now}")
    return lines


TRACKED_FIELDS = (
    "template_slug",
    "item_overrides",
    "times",
    "days",
    "move_every_minutes",
    "switch_seconds",
    "work_start",
    "work_end",
    "work_days",
)


def snapshot(assignment: Assignment | None) -> dict[str, Any]:
    if assignment is None:
        return {}
    return {field: _plain(getattr(assignment, field)) for field in TRACKED_FIELDS}


def _plain(value: Any) -> Any:
    return value.strftime("%H:%M") if isinstance(value, time) else value


def record_change(assignment: Assignment, before: dict[str, Any], by: User) -> AssignmentChange | None:
    after = snapshot(assignment)
    diff = {field: [before.get(field), after[field]] for field in TRACKED_FIELDS if before.get(field) != after[field]}
    if not diff:
        return None
    return AssignmentChange.objects.create(assignment=assignment, changed_by=by, changes=diff)
