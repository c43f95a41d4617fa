"""Routine pages: the exercise cards, the browser player, the session endpoint, therapists' own exercises."""

from __future__ import annotations

import json
import math
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from psoascare.routines import (
    RecordError,
    RoutineError,
    RoutineTemplate,
    SessionRecord,
    build_plan,
    default_library,
    default_routines,
)
from psoascare.routines.plan import check_record_matches_plan
from psoascare.web.accounts.access import (
    AuthenticatedHttpRequest,
    client_of,
    client_required,
    therapist_required,
)
from psoascare.web.accounts.models import Role, clients_of, role_of
from psoascare.web.journal.models import StretchSession
from psoascare.web.journal.safety import (
    clinic_red_flags,
    exercise_allowed,
    guided_by_therapist_allowed,
    safety_state,
    therapist_gate,
)
from psoascare.web.privacy.audit import record_access
from psoascare.web.programs.models import routine_for_client
from psoascare.web.routines.forms import CustomExerciseForm
from psoascare.web.routines.models import CustomExercise

MAX_BODY_BYTES = 256 * 1024  # a real session is a few kilobytes
MAX_SPEED = 1000.0
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may be a little ahead of the server's


def routine_for(user: User, slug: str) -> RoutineTemplate:
    """The client's version of the routine (their therapist's doses), or 404."""
    try:
        return routine_for_client(user, slug)
    except RoutineError:
        raise Http404("No such routine") from None


def _speed(request: HttpRequest) -> float:
    """?speed=N plays N× faster (for trying a routine out, and for browser tests)."""
    try:
        speed = float(request.GET.get("speed", "1"))
    except ValueError:
        return 1.0
    return speed if math.isfinite(speed) and 1.0 <= speed <= MAX_SPEED else 1.0


def routine_list(request: HttpRequest) -> HttpResponse:
    routines = []
    for routine in default_routines().values():
        plan = build_plan(routine)
        routines.append({"routine": routine, "minutes": plan.total_seconds / 60})
    user = request.user
    clients = clients_of(user) if isinstance(user, User) and role_of(user) == Role.THERAPIST else []
    context = {"routines": routines, "clients": clients}
    return render(request, "routines/routine_list.html", context)


def exercise_list(request: HttpRequest) -> HttpResponse:
    library = default_library()
    groups = [
        ("Stretches", library.in_category("stretch")),
        ("Strengthening", library.in_category("strengthen")),
        ("Desk moves", library.in_category("move")),
        ("In the clinic", library.in_category("clinic")),
    ]
    return render(request, "routines/exercise_list.html", {"groups": groups, "own": _therapists_exercises(request)})


def _therapists_exercises(request: HttpRequest) -> list[CustomExercise]:
    """A client sees their own therapist's exercises; a therapist sees theirs; nobody sees anyone else's."""
    user = request.user
    if not isinstance(user, User):
        return []
    role = role_of(user)
    if role == Role.THERAPIST:
        return list(CustomExercise.objects.filter(therapist=user))
    if role == Role.CLIENT and user.profile.therapist_id is not None:
        return list(CustomExercise.objects.filter(therapist_id=user.profile.therapist_id))
    return []


def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    library = default_library()
    if slug not in library:
        raise Http404("No such exercise")
    context = {"exercise": library.get(slug), "red_flag_note": clinic_red_flags().wording.exercise_note}
    return render(request, "routines/exercise_detail.html", context)


def _player_context(request: HttpRequest, routine: RoutineTemplate, sessions_url: str) -> dict[str, object]:
    plan = build_plan(routine)
    library = default_library()
    exercises = [library.get(slug) for slug in dict.fromkeys(item.exercise for item in routine.items)]
    speed = _speed(request)
    return {
        "routine": routine,
        "exercises": exercises,
        "plan_data": {
            **plan.as_dict(),
            "exercises": {e.slug: {"title": e.title, "steps": list(e.steps)} for e in exercises},
        },
        "first_posture": plan.steps[0].posture,
        # The picture before Start shows the leg the first hold stretches.
        "first_side": "left" if plan.steps[0].side == "left" else "right",
        "first_side_words": plan.steps[0].side if plan.steps[0].side in ("left", "right") else "",
        "first_title": exercises[0].title,
        "seconds_scale": 1.0 / speed,
        "preview": speed != 1.0,  # a faster try-out is never recorded as a session
        "total_minutes": plan.total_seconds / 60,
        "red_flag_note": clinic_red_flags().wording.exercise_note,
        "sessions_url": sessions_url,
    }


@client_required
@exercise_allowed
def player(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    routine = routine_for(request.user, slug)
    context = _player_context(request, routine, reverse("routines:sessions", args=[slug]))
    return render(request, "routines/player.html", context)


@therapist_required
@require_http_methods(["GET", "POST"])
def clinic_player(request: AuthenticatedHttpRequest, client_id: int, slug: str) -> HttpResponse:
    """The therapist plays a routine (usually a resisted-stretch protocol) for their client in the clinic.
    While the client's safety gate is shut the therapist sees why, and must confirm before guiding."""
    client = client_of(request.user, client_id)
    shut = therapist_gate(request, client, "this session")
    if shut is not None:
        return shut
    record_access(request, client, "guide-session")
    routine = routine_for(client, slug)
    url = reverse("routines:clinic_sessions", args=[client.pk, slug])
    context = {**_player_context(request, routine, url), "for_client": client}
    return render(request, "routines/player.html", context)


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


def _idempotency_key(request: HttpRequest) -> tuple[uuid.UUID | None, str]:
    """The Idempotency-Key header a player sends with each record (a UUID it keeps with a queued session)."""
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw:
        return None, ""
    try:
        return uuid.UUID(raw), ""
    except ValueError:
        return None, f"the Idempotency-Key header must be a UUID, not {raw[:60]!r}"


def _store(request: HttpRequest, client: User, slug: str, source: str) -> tuple[StretchSession | None, bool, str]:
    """Validates the posted record against the client's plan; returns the session (stored now, or earlier with the
    same Idempotency-Key), whether it is new, or the error."""
    if len(request.body) > MAX_BODY_BYTES:
        return None, False, f"the body is larger than {MAX_BODY_BYTES // 1024} KB"
    key, error = _idempotency_key(request)
    if error:
        return None, False, error
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None, False, "the body must be a JSON session record"
    try:
        record = SessionRecord.from_dict(payload)
        check_record_matches_plan(record, build_plan(routine_for(client, slug)))
        record.check_recordable()
    except RecordError as exc:
        return None, False, str(exc)
    if record.ended_at > timezone.now() + CLOCK_SKEW:
        return None, False, "ended_at is in the future"
    if key is None:
        return StretchSession.objects.create_from_record(client, record, source=source), True, ""
    session, created = StretchSession.objects.record_once(client, record, source, key)
    return session, created, ""


@client_required
@require_POST
@exercise_allowed
def record_session(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Stores the SessionRecord a player posts, for the logged-in client only; a record sent again with the same
    Idempotency-Key (queued offline, or its reply lost) answers 200 with the session stored the first time."""
    session, created, error = _store(request, request.user, slug, source="web")
    if session is None:
        return _bad_request(error)
    url = reverse("journal:session", args=[session.pk])
    return JsonResponse({"id": session.pk, "url": url}, status=201 if created else 200)


@therapist_required
@require_POST
def record_clinic_session(request: AuthenticatedHttpRequest, client_id: int, slug: str) -> HttpResponse:
    """Stores a session the therapist guided, in their own client's journal, marked as recorded by them."""
    client = client_of(request.user, client_id)
    if not guided_by_therapist_allowed(request, client, safety_state(client)):
        return _bad_request("confirm on the player page that you have assessed the client before guiding")
    session, created, error = _store(request, client, slug, source="clinic")
    if session is None:
        return _bad_request(error)
    if created:
        session.recorded_by = request.user
        session.save(update_fields=["recorded_by"])
    url = reverse("clinic:client", args=[client.pk])
    return JsonResponse({"id": session.pk, "url": url}, status=201 if created else 200)


@therapist_required
@require_http_methods(["GET", "POST"])
def custom_exercises(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CustomExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exercise = form.save(commit=False)
        exercise.therapist = request.user
        exercise.save()
        messages.success(request, f"Exercise saved: {exercise.title}.")
        return redirect("routines:custom")
    context = {"form": form, "exercises": CustomExercise.objects.filter(therapist=request.user)}
    return render(request, "routines/custom_exercises.html", context, status=400 if form.errors else 200)


@therapist_required
@require_http_methods(["GET", "POST"])
def custom_exercise_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Another therapist's exercise is a 404, never a hint that it exists.
    exercise = get_object_or_404(CustomExercise, pk=pk, therapist=request.user)
    if request.method == "POST" and "delete" in request.POST:
        exercise.delete()
        messages.success(request, f"Exercise deleted: {exercise.title}.")
        return redirect("routines:custom")
    form = CustomExerciseForm(request.POST or None, instance=exercise)
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        changed.updated_at = timezone.now()
        changed.save()
        messages.success(request, f"Exercise saved: {changed.title}.")
        return redirect("routines:custom")
    return render(
        request,
        "routines/custom_exercise_edit.html",
        {"form": form, "exercise": exercise},
        status=400 if form.errors else 200,
    )
