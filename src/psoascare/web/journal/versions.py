"""Versions of what a client's pages show, each read in one hand-written query, for caches and ETags.

A cached page (the calendar feed, Today) is served only while its version is unchanged. The version is read
from the rows themselves (counts, sums, latest times and ids, and every column of the programme), not kept up
by save signals: a bulk update, such as a therapist's review of the red-flag answers or messages marked read,
moves it as surely as a save. The SQL is built once per process, as scalar subqueries that SQLite and PostgreSQL
share and that each need one index probe, because the ORM's compilation of the same query costs more than
running it.

`safety_columns` is the one list of what the safety gate (`psoascare.web.journal.safety.safety_state`) reads:
every screening of the client and the last SAFETY_PAIN_DAYS days of pain. Both versions include it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.web.accounts.backends import Companion, companion_read
from psoascare.web.rawsql import columns, read_row, table

# The safety gate reads today's pain and the 7 days before it; a day more keeps midnight on the safe side.
SAFETY_PAIN_DAYS = 8


def summary(source: str, *aggregates: str) -> str:
    """One scalar subquery giving several aggregates of the same rows as one text ("3:2026-11-30 …:17"): one
    index probe instead of one per aggregate."""
    parts = " || ':' || ".join(f"COALESCE(CAST({aggregate} AS TEXT), '')" for aggregate in aggregates)
    return f"(SELECT {parts} {source})"


def safety_columns(client: str) -> list[str]:
    """Scalar subqueries over the rows `safety_state` reads for the client whose id is the SQL expression
    `client`: any insert, review or new score moves one of them. Takes the parameters of `safety_window`.

    The pain is read between two dates, not from one on: that is what the gate reads, and with both ends given
    PostgreSQL's plan for the prepared statement expects a few rows. From one date on, it expected a third of the
    client's year, judged its one plan too costly and planned the statement again on every call (540 µs of
    PostgreSQL CPU a call against 83 µs, on the benchmark's clinic seed)."""
    from psoascare.web.journal.models import PainRecord, RedFlagScreening

    screenings = f"FROM {table(RedFlagScreening)} s WHERE s.client_id = {client}"
    pain = f"FROM {table(PainRecord)} r WHERE r.client_id = {client} AND r.day BETWEEN %(since)s AND %(until)s"
    return [
        summary(screenings, "COUNT(*)", "MAX(s.id)", "MAX(s.reviewed_at)", "COUNT(s.reviewed_at)"),
        summary(pain, "COUNT(*)", "MAX(r.recorded_at)", "SUM(r.score)"),
    ]


def programme_joins(client: str) -> tuple[list[str], str]:
    """The columns of the client's assignment, its therapist's programme and its change log, and the joins that
    read them (aliases a, g)."""
    from psoascare.web.programs.models import Assignment, AssignmentChange, ProgrammeTemplate

    changes = f"FROM {table(AssignmentChange)} c WHERE c.assignment_id = a.id"
    selected = [
        *columns(Assignment, "a"),
        *columns(ProgrammeTemplate, "g"),
        summary(changes, "COUNT(*)", "MAX(c.changed_at)"),
    ]
    joins = (
        f"LEFT JOIN {table(Assignment)} a ON a.client_id = {client} "
        f"LEFT JOIN {table(ProgrammeTemplate)} g ON g.id = a.programme_id"
    )
    return selected, joins


@cache
def today_version_sql() -> str:
    """What the Today page shows besides the logged-in user: the programme, the safety gate's rows, the day's
    ticks and pain, the PSFS dates, the therapist and their video link, and the unread messages."""
    from psoascare.web.accounts.models import Profile
    from psoascare.web.clinic.models import Message
    from psoascare.web.journal.models import CompletedItem, PsfsAssessment

    programme, joins = programme_joins("u.id")
    ticks = f"FROM {table(CompletedItem)} t WHERE t.client_id = u.id AND t.day = %(day)s"
    psfs = f"FROM {table(PsfsAssessment)} f WHERE f.client_id = u.id"
    unread = f"FROM {table(Message)} m WHERE m.recipient_id = u.id AND m.read_at IS NULL"
    selected = [
        "u.id",
        "p.role",
        "p.therapist_id",
        "tp.video_call_url",
        *programme,
        *safety_columns("u.id"),
        summary(ticks, "COUNT(*)", "MAX(t.id)", "MAX(t.done_at)"),
        summary(psfs, "COUNT(*)", "MAX(f.taken_on)"),
        f"(SELECT COUNT(*) {unread})",
    ]
    return f"""
        SELECT {", ".join(selected)}
        FROM {table(User)} u
        LEFT JOIN {table(Profile)} p ON p.user_id = u.id
        LEFT JOIN {table(Profile)} tp ON tp.user_id = p.therapist_id
        {joins}
        WHERE u.id = %(user)s AND u.is_active
    """


def digest(row: Sequence[object], *context: object) -> str:
    """A short, stable name for a version row and what else the bytes depend on (the site's address and zone)."""
    parts = (settings.SITE_URL, settings.TIME_ZONE, *context, *row)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def safety_window(day: date) -> dict[str, date]:
    """The parameters of `safety_columns` for `day`: the days of pain the gate may read."""
    return {"since": day - timedelta(days=SAFETY_PAIN_DAYS), "until": day}


def today_version(client_id: int, day: date | None = None) -> str | None:
    """The version of the client's Today page for `day` (default: today), or None for an inactive account."""
    day = day or timezone.localdate()
    row = read_row(today_version_sql(), {"user": client_id, "day": day, **safety_window(day)})
    return None if row is None else digest(row, day)


def today_version_companion() -> Companion:
    """Today's version, to be read with the logged-in user (`read_with_user`) in one statement."""
    day = timezone.localdate()
    return Companion(today_version_sql(), {"day": day, **safety_window(day)})


def today_version_for(user: User) -> str | None:
    """The version of this client's Today page: from the statement that loaded them when the view asked for it
    (the same row `today_version` reads), else by its own query."""
    read = companion_read(user, today_version_sql())
    if read is None:
        return today_version(user.pk)
    companion, row = read
    return digest(row, companion.params["day"])
