from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.forms import BaseFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from psoascare.routines.library import default_library
from psoascare.routines.templates import RoutineTemplate
from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_of, therapist_required
from psoascare.web.forms import bound_data
from psoascare.web.privacy.audit import record_access
from psoascare.web.programs.forms import AssignForm, DoseFormSet, ItemFormSet, ProgrammeForm, build_programme
from psoascare.web.programs.models import Assignment, ProgrammeTemplate, base_routine, record_change, snapshot


@therapist_required
@require_http_methods(["GET", "POST"])
def templates(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(ProgrammeTemplate, pk=pk, therapist=request.user) if pk else None
    initial = (
        {
            "times": ", ".join(instance.times),
            "days": [str(d) for d in instance.days],
            "title": instance.title,
            "summary": instance.summary,
            "move_every_minutes": instance.move_every_minutes,
        }
        if instance
        else {"times": "07:30, 21:30", "days": [str(d) for d in range(7)], "move_every_minutes": 60}
    )
    form = ProgrammeForm(bound_data(request), initial=initial)
    items = ItemFormSet(bound_data(request), initial=instance.items if instance else None, prefix="items")
    error = ""
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            build_programme(request.user, form, items, instance).save()
            messages.success(request, "Programme template saved.")
            return redirect("programs:templates")
        except ValidationError as exc:
            error = " ".join(exc.messages)
    context = {
        "form": form,
        "items": items,
        "error": error,
        "editing": instance,
        "programmes": ProgrammeTemplate.objects.filter(therapist=request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/templates.html", context, status=status)


@therapist_required
@require_POST
def delete_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(ProgrammeTemplate, pk=pk, therapist=request.user)
    try:
        programme.delete()
    except ProtectedError:
        messages.error(request, f"“{programme.title}” is assigned to a client: assign them another routine first.")
    return redirect("programs:templates")


@therapist_required
@require_http_methods(["GET", "POST"])
def assign(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    record_access(request, client, "view-programme")
    assignment = Assignment.objects.filter(client=client).first()
    form = AssignForm(bound_data(request), therapist=request.user, initial=AssignForm.initial_for(assignment))
    routine = base_routine(request.user, form.initial["template"])
    doses = DoseFormSet(bound_data(request), prefix="doses", initial=_dose_initial(routine, assignment))
    _show_routine_doses(doses, routine)
    error = ""
    if request.method == "POST" and form.is_valid() and doses.is_valid():
        try:
            _save_assignment(request.user, client, assignment, form, doses)
            messages.success(request, "Programme saved.")
            return redirect("programs:assign", client_id=client.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    context = {
        "client": client,
        "form": form,
        "doses": doses,
        "error": error,
        "assignment": assignment,
        "history": assignment.changes.all()[:30] if assignment else [],
    }
    return render(request, "programs/assign.html", context, status=400 if request.method == "POST" else 200)


def _dose_initial(routine: RoutineTemplate, assignment: Assignment | None) -> list[dict[str, object]]:
    """One row per exercise of the routine shown, from the first save on, with this client's doses if any."""
    overrides = (assignment.item_overrides or {}) if assignment is not None else {}
    return [
        {"exercise": item.exercise, "doses_for": routine.slug, **overrides.get(item.exercise, {})}
        for item in routine.items
    ]


def _show_routine_doses(doses: BaseFormSet, routine: RoutineTemplate) -> None:
    """Each dose field shows the routine's own dose, which an empty field keeps."""
    library = default_library()
    by_exercise = {item.exercise: routine.dose(item, library) for item in routine.items}
    for form in doses.forms:
        dose = by_exercise.get(form.initial.get("exercise", ""))
        if dose is None:
            continue
        form.title = library.get(form.initial["exercise"]).title
        for name, value in (("sets", dose.sets), ("hold_seconds", dose.hold_seconds), ("reps", dose.reps)):
            if value is None:
                form.fields[name].disabled = True  # a hold has no reps, a repetition exercise no hold
            else:
                form.fields[name].widget.attrs["placeholder"] = f"{value:g}"


@transaction.atomic
def _save_assignment(
    therapist: User, client: User, assignment: Assignment | None, form: AssignForm, doses: BaseFormSet
) -> Assignment:
    before = snapshot(assignment)
    programme = form.programme()
    # Doses belong to the routine they were shown for: on the first save too, unless the routine was changed.
    shown_for = {f.cleaned_data.get("doses_for") for f in doses.forms}
    changed_template = shown_for != {form.cleaned_data["template"]}
    target = assignment or Assignment(client=client, therapist=therapist)
    target.programme = programme
    target.template_slug = form.cleaned_data["template"]
    target.times = form.cleaned_data["times"]
    target.days = sorted(int(d) for d in form.cleaned_data["days"])
    target.move_every_minutes = form.cleaned_data["move_every_minutes"]
    target.switch_seconds = form.cleaned_data["switch_seconds"]
    target.work_start, target.work_end = form.cleaned_data["work_start"], form.cleaned_data["work_end"]
    target.work_days = sorted(int(d) for d in form.cleaned_data["work_days"])
    target.item_overrides = {} if changed_template else dict(f.override() for f in doses.forms if f.override()[1])
    target.full_clean()
    target.save()
    record_change(target, before, therapist)
    return target
