"""Today costs a fixed, small number of queries, however long the client's journal."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from psoascare.web.journal.models import CompletedItem, PainRecord
from tests.web.base import BaseTestCase

# Rendering: session, user with profile and the page's version, 3 for the safety gate, assignment, ticks, pain,
# PSFS, unread messages, the therapist's video link (read only for a page rendered: a kept page, answered far more
# often, does not show it). Served from the cache (psoascare.web.journal.today_page): the first two.
TODAY_QUERY_BUDGET = 11
KEPT_PAGE_QUERIES = 2


class TodayQueriesTestCase(BaseTestCase):
    def queries(self) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get("/today/")
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_it_stays_within_its_query_budget_with_a_year_of_journal(self) -> None:
        self.client.force_login(self.client_a)
        fresh = self.queries()
        today = timezone.localdate()
        PainRecord.objects.bulk_create(
            [PainRecord(client=self.client_a, day=today - timedelta(days=d), score=3) for d in range(1, 366)]
        )
        CompletedItem.objects.bulk_create(
            [
                CompletedItem(client=self.client_a, day=today - timedelta(days=d), item_key=f"k{n}", label="x")
                for d in range(1, 366)
                for n in range(4)
            ]
        )
        self.assertEqual(self.queries(), fresh)  # the new pain rows changed the version: rendered again
        self.assertLessEqual(fresh, TODAY_QUERY_BUDGET)
        self.assertEqual(self.queries(), KEPT_PAGE_QUERIES)
