"""The client's routine as an RFC 5545 calendar: one recurring event per routine time, with an alarm.

Times are local wall-clock times in the clinic's zone (settings.TIME_ZONE) with a VTIMEZONE, so 07:30 stays
07:30 after the clocks change. The same bytes serve the web feed and `psoascare calendar`.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Timezone, vDuration

from psoascare.routines.library import ExerciseLibrary, default_library
from psoascare.routines.plan import build_plan
from psoascare.routines.schedule import slot_name
from psoascare.routines.templates import RoutineItem, RoutineTemplate
from psoascare.web.journal.safety import SafetyState, clinic_red_flags, safety_state
from psoascare.web.programs.models import Assignment

PRODID = "-//PsoasCare//Routine calendar feed//EN"
ICAL_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Monday = 0, as in Assignment.days
# Calendar apps look the zone up by its TZID; the VTIMEZONE is for those that do not. icalendar writes it as
# explicit transition dates, so it covers this many years from the first event on.
VTIMEZONE_YEARS = 30
# Calendar apps poll subscribed feeds; a routine changes rarely, so twice a day is plenty (RFC 7986).
REFRESH_INTERVAL = timedelta(hours=12)


def build_feed(client: User) -> bytes:
    """The client's calendar: their routine's times as recurring events; while the safety gate is shut, one
    all-day event today that says so instead; nothing when no routine is set."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = _calendar_shell()
    assignment = Assignment.objects.filter(client=client).first()
    state = safety_state(client)
    if assignment is None or not state.allows_exercise:
        # RFC 5545 wants at least one component in a calendar, so the empty feed still carries the zone.
        this_year = date(timezone.localdate().year, 1, 1)
        calendar.add_component(_vtimezone(this_year))
        if assignment is not None:
            calendar.add_component(_paused_event(client, state))
        return calendar.to_ical()
    routine = assignment.template()
    # The series starts on the day the routine was assigned: stable from fetch to fetch, so calendar apps
    # keep the past occurrences instead of seeing a new series every day.
    first_day = first_due_day(assignment.assigned_at.astimezone(zone).date(), assignment.days)
    calendar.add_component(_vtimezone(first_day))
    series = _series_properties(assignment, routine)
    for at in sorted(set(routine.times)):
        start = datetime.combine(first_day, at, tzinfo=zone)
        calendar.add_component(_routine_event(client, routine, start, series))
    return calendar.to_ical()


def first_due_day(since: date, days: list[int]) -> date:
    """The first routine day on or after `since`: DTSTART must itself be an occurrence of the RRULE."""
    wanted = {int(day) for day in days}
    for offset in range(7):
        day = since + timedelta(days=offset)
        if day.weekday() in wanted:
            return day
    raise ValueError("a routine needs at least one day of the week")


def recurrence_rule(days: list[int]) -> dict[str, object]:
    wanted = sorted({int(day) for day in days})
    if wanted == list(range(7)):
        return {"freq": "daily"}
    return {"freq": "weekly", "byday": [ICAL_WEEKDAYS[day] for day in wanted]}


def event_summary(routine: RoutineTemplate, at: time, library: ExerciseLibrary | None = None) -> str:
    """E.g. 'Morning stretch: bed-edge hang, both sides'; a routine that is not all stretches says 'routine'."""
    library = library or default_library()
    exercises = [library.get(item.exercise) for item in routine.items]
    kind = "stretch" if all(exercise.category == "stretch" for exercise in exercises) else "routine"
    if len(routine.items) > 3:
        return f"{slot_name(at)} {kind}: {routine.title}"
    parts = []
    for item, exercise in zip(routine.items, exercises, strict=True):
        where = _sides_words(routine.dose(item, library).sides)
        parts.append(", ".join(part for part in (_short_title(exercise.title), where) if part))
    return f"{slot_name(at)} {kind}: {'; '.join(parts)}"


def event_description(routine: RoutineTemplate, play_url: str, library: ExerciseLibrary | None = None) -> str:
    library = library or default_library()
    lines = [routine.title, ""]
    lines += [f"- {_item_line(item, routine, library)}" for item in routine.items]
    stretches = any(library.get(item.exercise).category == "stretch" for item in routine.items)
    care = "Stretch to mild tightness, never to pain." if stretches else "Go gently and stop if anything hurts."
    lines += [
        f"About {session_minutes(routine, library)} min in all. {care}",
        "",
        f"Start the guided session: {play_url}",
    ]
    return "\n".join(lines)


def session_minutes(routine: RoutineTemplate, library: ExerciseLibrary) -> int:
    """The guided session's length (holds, rests, side switches), rounded up to whole minutes."""
    return max(1, math.ceil(build_plan(routine, library).total_seconds / 60))


def _calendar_shell() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", "PsoasCare routine")
    calendar.add("x-wr-calname", "PsoasCare routine")  # the name most apps show before RFC 7986's NAME
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))  # an X- property is text unless typed
    return calendar


def _vtimezone(first_day: date) -> Timezone:
    last_day = date(first_day.year + VTIMEZONE_YEARS, 12, 31)
    return Timezone.from_tzid(settings.TIME_ZONE, first_date=first_day, last_date=last_day)


def _series_properties(assignment: Assignment, routine: RoutineTemplate) -> dict[str, object]:
    """The properties every event of the routine shares, worked out once per feed rather than once per time."""
    library = default_library()
    play_url = settings.SITE_URL + reverse("routines:play", args=[routine.slug])
    # The therapist's edits are logged as AssignmentChange rows; they date and count the event's revisions.
    latest_change = assignment.changes.first()
    last_modified = max(assignment.assigned_at, latest_change.changed_at) if latest_change else assignment.assigned_at
    return {
        "last-modified": last_modified.astimezone(UTC),
        "sequence": assignment.changes.count(),
        "duration": timedelta(minutes=session_minutes(routine, library)),
        "rrule": recurrence_rule(assignment.days),
        "description": event_description(routine, play_url, library),
        "url": play_url,
        "transp": "TRANSPARENT",  # a few minutes of stretching should not mark the client as busy
    }


def _paused_event(client: User, state: SafetyState) -> Event:
    """Stands where the stretches were: the calendar app shows the pause (or the questions due) today."""
    flags = clinic_red_flags()
    group = state.group(flags)
    today = timezone.localdate()
    event = Event()
    event.add("uid", f"psoascare-{client.pk}-paused@{_uid_host()}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", today)
    event.add("dtend", today + timedelta(days=1))
    event.add("summary", "PsoasCare: exercises paused" if state.paused else "PsoasCare: safety questions first")
    lines = [group.title, group.action, state.message(flags)] if group else [state.message(flags)]
    event.add("description", "\n".join(lines) + f"\n{settings.SITE_URL}{reverse('today')}")
    event.add("transp", "TRANSPARENT")
    return event


def _routine_event(client: User, routine: RoutineTemplate, start: datetime, series: dict[str, object]) -> Event:
    summary = event_summary(routine, start.time())
    event = Event()
    # Stable per client, routine and time: a changed time is a different event, anything else an update.
    event.add("uid", f"psoascare-{client.pk}-{routine.slug}-{start:%H%M}@{_uid_host()}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start)
    event.add("summary", summary)
    for name, value in series.items():
        event.add(name, value)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(0))  # at the start, relative to DTSTART
    event.add_component(alarm)
    return event


def _item_line(item: RoutineItem, routine: RoutineTemplate, library: ExerciseLibrary) -> str:
    return f"{library.get(item.exercise).title}: {routine.dose(item, library).words(side_suffix=' side')}"


def _short_title(title: str) -> str:
    """'Bed-edge hang (Thomas position)' -> 'bed-edge hang' (names and acronyms keep their capitals)."""
    short = re.sub(r"\s*\([^)]*\)", "", title).strip()
    if len(short) > 1 and short[1].islower():
        return short[0].lower() + short[1:]
    return short


def _sides_words(sides: tuple[str, ...]) -> str:
    if len(sides) > 1:
        return "both sides"
    return "" if sides == ("both",) else f"{sides[0]} side"


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "psoascare"
