"""Versions of what a client's pages show, for caches and ETags: the client's page stamp and the day.

A cached page (the calendar feed, Today) is served only while its version is unchanged. The stamp
(`psoascare.web.journal.stamps`) is changed by the database, by trigger, with every write to a row those pages
show: a bulk update, such as a therapist's review of the red-flag answers or messages marked read, moves it as
surely as a save, and in the same transaction. So a request reads one indexed row to know whether its cached page
holds; before the stamps it read counts, sums and latest times from seven tables in one statement, which cost a
kept page more CPU, in Python and in PostgreSQL, than everything else it did (docs/benchmarks.md).

The day is part of the version: the safety gate reads the last week's pain, and Today shows the day's items.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.web.accounts.backends import Companion, companion_read
from psoascare.web.rawsql import read_row, table


@cache
def today_version_sql() -> str:
    """The client's stamp, by the client's id (%(user)s): read with the logged-in user (`read_with_user`)."""
    from psoascare.web.journal.models import PageStamp

    return f"SELECT s.stamp FROM {table(PageStamp)} s WHERE s.client_id = %(user)s"


def digest(row: Sequence[object], *context: object) -> str:
    """A short, stable name for a version row and what else the bytes depend on (the site's address and zone)."""
    parts = (settings.SITE_URL, settings.TIME_ZONE, *context, *row)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def today_version(client_id: int, day: date | None = None) -> str | None:
    """The version of the client's Today page for `day` (default: today), or None when the client has no stamp
    (then nothing may be cached)."""
    row = read_row(today_version_sql(), {"user": client_id})
    if row is None or row[0] is None:
        return None
    return digest((client_id, *row), day or timezone.localdate())


def today_version_companion() -> Companion:
    """Today's version, to be read with the logged-in user (`read_with_user`) in one statement. A kept page does
    not show the therapist; a page rendered afresh reads them (`journal.views._today_context`)."""
    return Companion(today_version_sql(), {}, with_therapist=False)


def today_version_for(user: User) -> str | None:
    """The version of this client's Today page: from the statement that loaded them when the view asked for it
    (the same row `today_version` reads), else by its own query."""
    read = companion_read(user, today_version_sql())
    if read is None:
        return today_version(user.pk)
    return digest((user.pk, *read[1]), timezone.localdate())
