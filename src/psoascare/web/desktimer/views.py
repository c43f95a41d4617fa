"""The timer page, and the endpoint its breaks and bouts are POSTed to."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from psoascare.desk.moves import Move, MoveSuggester, paused_move
from psoascare.desk.policy import MAX_EVERY_MINUTES, MIN_EVERY_MINUTES, SNOOZE_CHOICES_MINUTES, PolicySettings
from psoascare.desk.records import DeskEvent, InvalidDeskEvent
from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.journal.safety import clinic_red_flags, safety_state

MAX_BODY_BYTES = 4096
# A browser's clock can be a little ahead of ours; an event much later than now is not a real one.
CLOCK_SKEW = timedelta(minutes=5)
# Older than this, an event is not the page's to send (the page only keeps a few hours' queue).
OLDEST = timedelta(days=7)


def timer_settings(user: Any) -> dict[str, Any]:
    """The rules the page runs, from the client's programme where there is one (the same defaults as the CLI)."""
    defaults = PolicySettings()
    settings: dict[str, Any] = {
        "everyMinutes": defaults.every_minutes,
        "naturalBreakMinutes": defaults.natural_break_minutes,
        "breakTakenSeconds": defaults.break_taken_seconds,
        "remindMinutes": defaults.remind_minutes,
        "maxSnoozesInRow": defaults.max_snoozes_in_row,
        "snoozeChoices": list(SNOOZE_CHOICES_MINUTES),
        "workDays": sorted(defaults.working_hours.days),
        "workStart": defaults.working_hours.start.strftime("%H:%M"),
        "workEnd": defaults.working_hours.end.strftime("%H:%M"),
        "fromProgramme": False,
        "moves": [{"slug": move.slug, "name": move.name, "instructions": move.instructions} for move in _moves(user)],
    }
    assignment = getattr(user, "assignment", None)
    if assignment is not None:
        every = assignment.move_every_minutes
        if every is not None and MIN_EVERY_MINUTES <= every <= MAX_EVERY_MINUTES:
            settings["everyMinutes"] = every
        settings["workDays"] = sorted(int(day) for day in assignment.work_days)
        settings["workStart"] = assignment.work_start.strftime("%H:%M")
        settings["workEnd"] = assignment.work_end.strftime("%H:%M")
        settings["fromProgramme"] = True
    return settings


def _moves(user: Any) -> tuple[Move, ...]:
    """The moves a nudge suggests; while the client's safety gate is shut, only what the gate says."""
    gate = safety_state(user).as_dict(clinic_red_flags())
    return (paused_move(gate),) if not gate["allows_exercise"] else MoveSuggester().moves


@client_required
def timer(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "desktimer/timer.html", {"timer_settings": timer_settings(request.user)})


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _payload(request: AuthenticatedHttpRequest) -> Any:
    """The event from a JSON body (fetch) or from an `event` form field (navigator.sendBeacon on page close)."""
    if request.content_type == "application/json":
        return json.loads(request.body.decode("utf-8"))
    raw = request.POST.get("event")
    if raw is None:
        raise ValueError("send the event as a JSON body (Content-Type: application/json) or an 'event' form field")
    return json.loads(raw)


@client_required
@require_POST
def record_event(request: AuthenticatedHttpRequest) -> JsonResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _bad(f"the request is larger than {MAX_BODY_BYTES} bytes", status=413)
    try:
        event = DeskEvent.from_dict(_payload(request))
    except UnicodeDecodeError:
        return _bad("the body is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return _bad(f"the body is not valid JSON: {exc.msg} at position {exc.pos}")
    except (InvalidDeskEvent, ValueError) as exc:
        return _bad(str(exc))
    now = timezone.now()
    if event.started_at > now + CLOCK_SKEW or (event.ended_at is not None and event.ended_at > now + CLOCK_SKEW):
        return _bad("the event is in the future: check this device's clock")
    if event.started_at < now - OLDEST:
        return _bad("the event is more than 7 days old")
    from psoascare.web.journal.models import DeskEvent as DeskEventRow

    row, _ = DeskEventRow.objects.record_once(request.user, event, source="web")  # a repeat answers as the first
    return JsonResponse({"id": row.pk, "kind": event.kind.value}, status=201)
