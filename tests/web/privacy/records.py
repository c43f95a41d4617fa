"""Rows in the client's journal and account, each carrying a marker so a test can tell whose they are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User

from psoascare.web.api.models import ApiToken
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, StretchSession

DAY = date(2026, 11, 20)
MORNING = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


def give_records(client: User, marker: str) -> str:
    """Create a pain record, a ticked item, a guided session, a desk event and an API token; returns the token."""
    PainRecord.record(client, DAY, 4, note=f"{marker} pain note")
    CompletedItem.objects.create(client=client, day=DAY, item_key=f"{marker}-stretch-left", label=f"{marker} tick")
    StretchSession.objects.create(
        client=client,
        routine_slug="bed-edge",
        title=f"{marker} session",
        started_at=MORNING,
        ended_at=MORNING + timedelta(minutes=6),
        completed=True,
        steps=[{"exercise": "bed-edge-hip-flexor", "side": "left", "done_seconds": 30}],
        source="web",
    )
    DeskEvent.objects.create(
        client=client,
        kind="sitting_bout",
        started_at=MORNING + timedelta(hours=2),
        ended_at=MORNING + timedelta(hours=3),
        detail=f"{marker} desk event",
        source="desktop",
    )
    _, token = ApiToken.issue(client, f"{marker} laptop")
    return token
