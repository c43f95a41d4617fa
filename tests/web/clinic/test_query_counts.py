"""The dashboard and the client page make the same number of queries at 10, 100 and 1,000 clients."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from psoascare.web.accounts.models import Profile, Role
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, RedFlagScreening, StretchSession
from psoascare.web.privacy.models import AccessLogEntry
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase


class QueryCountTestCase(BaseTestCase):
    def add_clients(self, count: int) -> None:
        """`count` more clients of therapist X, each with two weeks of pain, ticks, a session and desk events,
        and every tenth with an open red flag (bulk inserts: no passwords to hash)."""
        start = User.objects.count()
        users = User.objects.bulk_create([User(username=f"client-{start + n:05d}", password="!") for n in range(count)])
        Profile.objects.bulk_create([Profile(user=u, role=Role.CLIENT, therapist=self.therapist_x) for u in users])
        Assignment.objects.bulk_create([Assignment(client=u, therapist=self.therapist_x) for u in users])
        today = timezone.localdate()
        noon = timezone.make_aware(datetime.combine(today, time(12, 0)))
        PainRecord.objects.bulk_create(
            [
                PainRecord(client=u, day=today - timedelta(days=d), score=(d + u.pk) % 11)
                for u in users
                for d in range(14)
            ]
        )
        CompletedItem.objects.bulk_create(
            [
                CompletedItem(client=u, day=today - timedelta(days=d), item_key="bed-edge-hang:left:0730", label="x")
                for u in users
                for d in range(7)
            ]
        )
        StretchSession.objects.bulk_create(
            [
                StretchSession(
                    client=u,
                    routine_slug="bed-edge",
                    title="t",
                    started_at=noon,
                    ended_at=noon,
                    completed=True,
                    source="web",
                )
                for u in users
            ]
        )
        DeskEvent.objects.bulk_create(
            [DeskEvent(client=u, kind="break_taken", started_at=noon, source="web") for u in users]
        )
        RedFlagScreening.objects.bulk_create(
            [RedFlagScreening(client=u, trigger="self", answers={}, outcome="urgent") for u in users[::10]]
        )

    def queries(self, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_it_makes_the_same_number_of_queries_whatever_the_number_of_clients(self) -> None:
        self.client.force_login(self.therapist_x)
        counts = []
        for total in (10, 100, 1000):
            self.add_clients(total - Profile.objects.filter(therapist=self.therapist_x).count())
            dashboard = self.queries("/clinic/")
            second_page = self.queries("/clinic/?page=2") if total > 50 else dashboard
            searched = self.queries("/clinic/?q=client-0001")
            client_page = self.queries(f"/clinic/clients/{self.client_a.pk}/")
            counts.append((total, dashboard, second_page, searched, client_page))
        first = counts[0][1:]
        for total, *rest in counts:
            self.assertEqual(tuple(rest), first, f"queries at {total} clients: {rest} (at 10: {first})")
        # One access log entry per page view, naming the 50 clients it showed.
        last_view = AccessLogEntry.objects.filter(action="view-dashboard-row", path="/clinic/").first()
        assert last_view is not None
        self.assertEqual(last_view.shown.count(), 50)

    def test_it_ranks_across_pages_and_searches(self) -> None:
        self.add_clients(60)
        RedFlagScreening.objects.create(client=self.client_b, trigger="self", answers={}, outcome="emergency")
        self.client.force_login(self.therapist_x)
        first = self.client.get("/clinic/")
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertEqual(first.context["board"].total, 62)
        # Red flags first (bob's and every tenth new client's), whatever their names; the pause follows them.
        flagged = [row for row in first.context["rows"] if row.open_red_flag]
        self.assertEqual(first.context["rows"][: len(flagged)], flagged)
        self.assertIn("bob", [row.client.username for row in flagged])
        self.assertEqual(len(flagged), 7)
        self.assertTrue(all(row.paused for row in flagged))
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get("/clinic/?page=2")
        self.assertEqual(len(second.context["rows"]), 12)
        shown = {row.client.username for row in first.context["rows"]} | {
            r.client.username for r in second.context["rows"]
        }
        self.assertEqual(len(shown), 62)
        found = self.client.get("/clinic/?q=ALI")
        self.assertEqual([row.client.username for row in found.context["rows"]], ["alice"])
        self.assertContains(self.client.get("/clinic/?q=nobody-like-this"), "No client matches")

    def test_it_agrees_with_the_one_client_rules(self) -> None:
        from psoascare.knowledge.outcomes import nprs_weekly_change
        from psoascare.web.clinic.overview import stretch_adherence
        from psoascare.web.programs.models import ProgrammeTemplate

        self.add_clients(30)
        programme = ProgrammeTemplate.objects.create(
            therapist=self.therapist_x, title="Own", items=[{"exercise": "bed-edge-hang"}], times=["08:00", "20:00"]
        )
        Assignment.assign(self.client_b, self.therapist_x, "bed-edge", programme=programme)
        today = timezone.localdate()
        for offset, score in ((12, 2), (9, 3), (3, 6), (1, 7), (0, 5)):
            PainRecord.record(self.client_b, today - timedelta(days=offset), score)
        self.client.force_login(self.therapist_x)
        rows = self.client.get("/clinic/").context["rows"]
        for row in rows:
            with self.subTest(client=row.client.username):
                self.assertEqual(row.adherence, stretch_adherence(row.client, today))
                scores = dict(PainRecord.objects.filter(client=row.client).values_list("day", "score"))
                self.assertEqual(row.pain_trend, nprs_weekly_change(scores, today))
        bob = next(row for row in rows if row.client == self.client_b)
        self.assertEqual(bob.pain_trend.direction if bob.pain_trend else None, "worse")
