from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from psoascare.routines.library import default_library
from psoascare.routines.schedule import ScheduleError, parse_time
from psoascare.routines.templates import default_routines
from psoascare.web.programs.models import WEEKDAY_NAMES, Assignment, ProgrammeTemplate

DAY_CHOICES = [(str(i), name.capitalize()) for i, name in enumerate(WEEKDAY_NAMES)]
SIDE_CHOICES = [("", "as in the library"), ("left,right", "left and right"), ("both", "both together")]


def exercise_choices() -> list[tuple[str, str]]:
    return [(e.slug, f"{e.title} ({e.category})") for e in default_library() if e.category != "move"]


class TimesField(forms.CharField):
    """Times of day as "07:30, 21:30"."""

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        try:
            times = sorted({f"{parse_time(part):%H:%M}" for part in str(text).split(",") if part.strip()})
        except ScheduleError as exc:
            raise ValidationError(str(exc)) from None
        if not times:
            raise ValidationError("Give at least one time of day, like 07:30.")
        return times


class ScheduleFields(forms.Form):
    times = TimesField(label="Times of day (comma-separated, 24-hour)", max_length=100)
    days = forms.MultipleChoiceField(
        label="Days",
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day."},
    )
    move_every_minutes = forms.IntegerField(
        label="Remind to get up and move every … minutes (20–120; empty: no reminders)",
        min_value=20,
        max_value=120,
        required=False,
    )


class ProgrammeForm(ScheduleFields):
    title = forms.CharField(max_length=120)
    summary = forms.CharField(max_length=300, required=False)
    field_order = ["title", "summary", "times", "days", "move_every_minutes"]


class ItemForm(forms.Form):
    exercise = forms.ChoiceField(choices=exercise_choices, required=False)
    sets = forms.IntegerField(min_value=1, max_value=10, required=False, label="Sets / repetitions of the hold")
    hold_seconds = forms.IntegerField(min_value=5, max_value=300, required=False, label="Hold (s)")
    reps = forms.IntegerField(min_value=1, max_value=50, required=False, label="Reps")
    sides = forms.ChoiceField(choices=SIDE_CHOICES, required=False)

    def item(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("exercise"):
            return None
        item: dict[str, Any] = {"exercise": data["exercise"]}
        for key in ("sets", "hold_seconds", "reps"):
            if data.get(key) is not None:
                item[key] = data[key]
        if data.get("sides"):
            item["sides"] = data["sides"].split(",")
        return item


ItemFormSet = forms.formset_factory(ItemForm, extra=2, max_num=12)


def build_programme(
    therapist: User, form: ProgrammeForm, items: forms.BaseFormSet, instance: ProgrammeTemplate | None
) -> ProgrammeTemplate:
    """A validated, unsaved programme from the forms; raises ValidationError with the core's message."""
    programme = instance or ProgrammeTemplate(therapist=therapist)
    programme.title = form.cleaned_data["title"]
    programme.summary = form.cleaned_data["summary"]
    programme.times = form.cleaned_data["times"]
    programme.days = sorted(int(d) for d in form.cleaned_data["days"])
    programme.move_every_minutes = form.cleaned_data["move_every_minutes"]
    programme.items = [item for item in (f.item() for f in items.forms if f.is_valid()) if item]
    programme.full_clean()
    return programme


def template_choices(therapist: User) -> list[tuple[str, str]]:
    packaged = [(slug, f"{r.title} (library)") for slug, r in default_routines().items() if r.mode == "home"]
    own = [(p.slug, f"{p.title} (yours)") for p in ProgrammeTemplate.objects.filter(therapist=therapist)]
    return own + packaged


class AssignForm(ScheduleFields):
    template = forms.ChoiceField(label="Routine")
    work_start = forms.TimeField(label="Working hours from", widget=forms.TimeInput(format="%H:%M"))
    work_end = forms.TimeField(label="to", widget=forms.TimeInput(format="%H:%M"))
    work_days = forms.MultipleChoiceField(
        label="Working days", choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    switch_seconds = forms.IntegerField(
        label="Seconds to change sides (5–60; enough to move across a bed)", min_value=5, max_value=60
    )
    field_order = [
        "template",
        "times",
        "days",
        "move_every_minutes",
        "switch_seconds",
        "work_start",
        "work_end",
        "work_days",
    ]

    def __init__(self, *args: Any, therapist: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.therapist = therapist
        template_field = self.fields["template"]
        assert isinstance(template_field, forms.ChoiceField)
        template_field.choices = template_choices(therapist)

    @staticmethod
    def initial_for(assignment: Assignment | None) -> dict[str, Any]:
        if assignment is None:
            return {
                "times": "07:30, 21:30",
                "days": [str(d) for d in range(7)],
                "move_every_minutes": 60,
                "switch_seconds": 15,
                "work_start": "09:00",
                "work_end": "17:00",
                "work_days": [str(d) for d in range(5)],
                "template": "bed-edge",
            }
        return {
            "template": assignment.template_slug,
            "times": ", ".join(assignment.times),
            "days": [str(d) for d in assignment.days],
            "move_every_minutes": assignment.move_every_minutes,
            "switch_seconds": assignment.switch_seconds,
            "work_start": assignment.work_start,
            "work_end": assignment.work_end,
            "work_days": [str(d) for d in assignment.work_days],
        }

    def programme(self) -> ProgrammeTemplate | None:
        slug = self.cleaned_data["template"]
        if not slug.startswith("programme-"):
            return None
        return ProgrammeTemplate.objects.get(therapist=self.therapist, pk=int(slug.removeprefix("programme-")))


class DoseForm(forms.Form):
    """The client's own dose for one exercise of the assigned routine (empty: the routine's dose)."""

    exercise = forms.CharField(widget=forms.HiddenInput)
    doses_for = forms.CharField(widget=forms.HiddenInput, required=False)  # the routine these rows belong to
    sets = forms.IntegerField(min_value=1, max_value=10, required=False, label="Sets")
    hold_seconds = forms.IntegerField(min_value=5, max_value=300, required=False, label="Hold (s)")
    reps = forms.IntegerField(min_value=1, max_value=50, required=False, label="Reps")

    def override(self) -> tuple[str, dict[str, int]]:
        data = self.cleaned_data
        return data["exercise"], {k: data[k] for k in ("sets", "hold_seconds", "reps") if data.get(k) is not None}


DoseFormSet = forms.formset_factory(DoseForm, extra=0)
