"""A tick kept on the phone while offline arrives later with `made_at`: it counts for the day and time it was
made, sent twice it is one tick, and a time that cannot be right is refused with the reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from psoascare.web.journal.models import CompletedItem
from tests.web.base import BaseTestCase

KEY = "bed-edge-hang:left:0730"


class OfflineTickTestCase(BaseTestCase):
    def tick(self, made_at: str, key: str = KEY) -> Any:
        self.client.force_login(self.client_a)
        return self.client.post("/today/tick/", {"item_key": key, "made_at": made_at})

    def yesterday_evening(self) -> datetime:
        local = timezone.localtime() - timedelta(days=1)
        return local.replace(hour=20, minute=15, second=0, microsecond=0)

    def test_a_tick_made_yesterday_offline_counts_for_yesterday_at_its_time(self) -> None:
        made_at = self.yesterday_evening()
        response = self.tick(made_at.isoformat())
        self.assertRedirects(response, "/today/", fetch_redirect_response=False)
        stored = CompletedItem.objects.get(client=self.client_a)
        self.assertEqual((stored.day, stored.item_key, stored.done_at), (made_at.date(), KEY, made_at))

    def test_the_same_tick_sent_twice_is_one_tick(self) -> None:
        made_at = self.yesterday_evening().isoformat()
        self.tick(made_at)
        self.tick(made_at)
        self.assertEqual(CompletedItem.objects.filter(client=self.client_a).count(), 1)

    def test_it_refuses_a_time_that_cannot_be_right(self) -> None:
        now = timezone.now()
        cases = [
            ((now + timedelta(hours=1)).isoformat(), "in the future"),
            ((now - timedelta(days=3)).isoformat(), "only within 2 days"),
            (now.replace(tzinfo=None).isoformat(), "must include a UTC offset"),
            ("last tuesday", "not an ISO 8601 date and time"),
        ]
        for made_at, message in cases:
            with self.subTest(made_at=made_at):
                response = self.tick(made_at)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(CompletedItem.objects.exists())
