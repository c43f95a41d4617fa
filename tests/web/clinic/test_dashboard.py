from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from psoascare.web.journal.models import CompletedItem, PainRecord
from psoascare.web.journal.safety import screen
from psoascare.web.programs.models import Assignment
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase


class DashboardTestCase(BaseTestCase):
    def test_it_lists_only_the_therapists_own_clients(self) -> None:
        self.client.force_login(self.therapist_x)
        names = [row.client.username for row in self.client.get("/clinic/").context["rows"]]
        self.assertEqual(sorted(names), ["alice", "bob"])

    def test_it_counts_adherence_over_the_week_up_to_now(self) -> None:
        from datetime import datetime, time

        from psoascare.web.clinic.overview import stretch_adherence

        today = timezone.localdate()
        noon = timezone.make_aware(datetime.combine(today, time(12, 0)))
        Assignment.objects.filter(client=self.client_a).update(assigned_at=noon - timedelta(days=10))
        for key in ("bed-edge-hang:left:0730", "bed-edge-hang:right:0730"):
            CompletedItem.objects.create(client=self.client_a, day=today, item_key=key, label=key)
        adherence = stretch_adherence(self.client_a, today, now=noon)
        self.assertEqual((adherence.done, adherence.due), (2, 26))  # 4 a day for 6 days, and today's 2 mornings

    def test_it_counts_nothing_due_before_the_programme_started(self) -> None:
        from datetime import datetime, time

        from psoascare.web.clinic.overview import stretch_adherence

        today = timezone.localdate()
        late = timezone.make_aware(datetime.combine(today, time(22, 0)))
        Assignment.objects.filter(client=self.client_a).update(assigned_at=late - timedelta(hours=14))
        adherence = stretch_adherence(self.client_a, today, now=late)
        self.assertEqual((adherence.done, adherence.due, adherence.percent), (0, 4, 0))

    def test_it_puts_red_flags_first_then_worsening_pain(self) -> None:
        Assignment.assign(self.client_b, self.therapist_x, "bed-edge")
        dora = self._client("dora")
        today = timezone.localdate()
        # Bob's weekly mean rose from 2 to 5.5 (>= 2 points, Childs et al. 2005); Alice had one bad day only.
        for offset, score in ((10, 2), (8, 2), (2, 5), (0, 6)):
            PainRecord.record(self.client_b, today - timedelta(days=offset), score)
        for offset, score in ((10, 3), (9, 3), (8, 3), (6, 3), (5, 3), (4, 3), (3, 3), (2, 3), (1, 3), (0, 7)):
            PainRecord.record(self.client_a, today - timedelta(days=offset), score)
        screen(dora, "self", {slug: slug == "unwell" for slug in RED_FLAG_SLUGS})
        self.client.force_login(self.therapist_x)
        response = self.client.get("/clinic/")
        names = [row.client.username for row in response.context["rows"]]
        self.assertEqual(names[:2], ["dora", "bob"])
        self.assertContains(response, "Urgent")
        self.assertContains(response, "Needs your attention")

    def _client(self, username: str):  # type: ignore[no-untyped-def]
        from psoascare.web.accounts.models import create_client

        return create_client(username, f"{username}@example.org", "x" * 12, therapist=self.therapist_x)


class ClientPageTestCase(BaseTestCase):
    def test_it_draws_the_pain_chart_with_its_table_and_threshold(self) -> None:
        today = timezone.localdate()
        for offset, score in ((6, 6), (3, 5), (0, 3)):
            PainRecord.record(self.client_a, today - timedelta(days=offset), score)
        self.client.force_login(self.therapist_x)
        response = self.client.get(f"/clinic/clients/{self.client_a.pk}/")
        chart = response.context["pain_chart"]
        self.assertIn('role="img"', chart)
        # 2 points below the first week's mean, whatever 30 % would say (Childs et al. 2005).
        self.assertIn("meaningful improvement (−2)", chart)
        self.assertEqual(chart.count("<circle"), 3)
        self.assertContains(response, "<td>6</td>", html=False)

    def test_it_sends_messages_both_ways_with_an_email_notice(self) -> None:
        from django.core import mail

        self.client.force_login(self.therapist_x)
        self.client.post(f"/clinic/clients/{self.client_a.pk}/messages/", {"body": "How was the stretch?"})
        self.client.force_login(self.client_a)
        page = self.client.get("/messages/")
        self.assertContains(page, "How was the stretch?")
        self.client.post("/messages/", {"body": "Easier on the left."})
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.org"], ["xena@example.org"]])
        self.assertNotIn("How was the stretch?", mail.outbox[0].body)
        self.client.force_login(self.therapist_x)
        self.assertContains(self.client.get(f"/clinic/clients/{self.client_a.pk}/"), "Easier on the left.")

    def test_it_rejects_empty_messages_and_strangers(self) -> None:
        from psoascare.web.clinic.models import Message

        self.client.force_login(self.therapist_x)
        response = self.client.post(f"/clinic/clients/{self.client_a.pk}/messages/", {"body": "   "})
        self.assertContains(response, "Write a message first.", status_code=400)
        self.client.force_login(self.therapist_y)
        response = self.client.post(f"/clinic/clients/{self.client_a.pk}/messages/", {"body": "hello"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Message.objects.exists())

    def test_it_keeps_the_video_link_secure(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.post("/clinic/settings/", {"video_call_url": "http://meet.example.org/x"})
        self.assertContains(response, "secure https://", status_code=400)
        self.client.post("/clinic/settings/", {"video_call_url": "https://meet.example.org/xena"})
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get("/today/"), "https://meet.example.org/xena")


class ResourcesTestCase(BaseTestCase):
    def test_it_shares_a_video_with_chosen_clients(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.post(
            "/clinic/resources/",
            {
                "kind": "video",
                "title": "Hip flexor video",
                "url": "https://youtu.be/dQw4w9WgXcQ",
                "note": "Try it",
                "clients": [self.client_b.pk],
            },
        )
        self.assertRedirects(response, "/clinic/resources/")
        self.client.force_login(self.client_b)
        self.assertContains(self.client.get("/learn/psoas/"), "Hip flexor video")
        self.client.force_login(self.client_a)
        self.assertNotContains(self.client.get("/learn/psoas/"), "Hip flexor video")

    def test_it_refuses_bad_resources(self) -> None:
        from psoascare.web.lessons.models import Resource

        self.client.force_login(self.therapist_x)
        cases = [
            (
                {"kind": "video", "title": "x", "url": "javascript:alert(1)", "shared_with_all": "on"},
                "Enter a valid URL",
            ),
            ({"kind": "video", "title": "x", "url": "https://example.org"}, "choose at least one client"),
            ({"kind": "film", "title": "x", "url": "https://example.org", "shared_with_all": "on"}, "Select a valid"),
            (
                {"kind": "video", "title": "x", "url": "https://example.org", "clients": [self.client_c.pk]},
                "Select a valid choice",
            ),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                self.assertContains(self.client.post("/clinic/resources/", data), message, status_code=400)
        self.assertFalse(Resource.objects.exists())


class AuditTestCase(BaseTestCase):
    def test_it_logs_every_therapist_read_of_a_clients_record(self) -> None:
        from psoascare.web.privacy.models import AccessLogEntry

        self.client.force_login(self.therapist_x)
        self.client.get("/clinic/")
        self.client.get(f"/clinic/clients/{self.client_a.pk}/")
        self.client.get(f"/programmes/clients/{self.client_a.pk}/")
        actions = list(AccessLogEntry.objects.about(self.client_a).values_list("action", flat=True))
        self.assertEqual(sorted(actions), ["view-dashboard-row", "view-programme", "view-record"])
        self.assertEqual(AccessLogEntry.objects.about(self.client_b).count(), 1)
        self.assertFalse(AccessLogEntry.objects.about(self.client_c).exists())
        # The dashboard's page view is one entry, naming both clients it showed.
        page_views = AccessLogEntry.objects.filter(action="view-dashboard-row")
        self.assertEqual(page_views.count(), 1)
        self.assertEqual(sorted(page_views.get().shown.values_list("client__username", flat=True)), ["alice", "bob"])


class TherapistDayTestCase(BaseTestCase):
    def test_the_dashboard_counts_unread_messages_per_client(self) -> None:
        from psoascare.web.clinic.models import Message

        Message.send(self.client_a, self.therapist_x, "Sore after the stretch")
        Message.send(self.client_a, self.therapist_x, "Better today")
        self.client.force_login(self.therapist_x)
        page = self.client.get("/clinic/")
        row = next(row for row in page.context["rows"] if row.client.pk == self.client_a.pk)
        self.assertEqual(row.row.unread_messages, 2)
        self.assertContains(page, '2<span class="visually-hidden"> unread messages</span>')  # the badge
        self.client.get(f"/clinic/clients/{self.client_a.pk}/")  # reading them
        row = next(row for row in self.client.get("/clinic/").context["rows"] if row.client.pk == self.client_a.pk)
        self.assertEqual(row.row.unread_messages, 0)

    def test_the_client_page_shows_the_programme_and_what_was_shared(self) -> None:
        from psoascare.web.lessons.models import Resource

        Resource.objects.create(
            therapist=self.therapist_x, kind="article", title="Sitting less", url="https://example.org/a",
            shared_with_all=True,
        )  # fmt: skip
        self.client.force_login(self.therapist_x)
        page = self.client.get(f"/clinic/clients/{self.client_a.pk}/")
        self.assertContains(page, "Bed-edge hang (Thomas position): 2 × 30 s each side")
        self.assertContains(page, "Sitting less")

    def test_a_message_error_shows_on_the_client_page_form(self) -> None:
        self.client.force_login(self.therapist_x)
        page = self.client.post(f"/clinic/clients/{self.client_a.pk}/messages/", {"body": ""})
        self.assertContains(page, "Write a message first.", status_code=400)
        self.assertContains(page, 'id="programme-heading"', status_code=400)  # the client page itself


def test_it_says_how_long_ago_in_one_unit() -> None:
    from datetime import datetime, timedelta

    from psoascare.web.clinic.overview import ago

    now = datetime(2026, 12, 1, 12, 0)
    cases = {
        timedelta(seconds=30): "just now",
        timedelta(minutes=1): "1 minute ago",
        timedelta(minutes=59): "59 minutes ago",
        timedelta(hours=1): "1 hour ago",
        timedelta(hours=23, minutes=59): "23 hours ago",
        timedelta(days=1): "1 day ago",
        timedelta(days=13): "13 days ago",
        timedelta(days=14): "2 weeks ago",
        timedelta(days=60): "8 weeks ago",
        timedelta(days=61): "2 months ago",
        timedelta(days=400): "13 months ago",
        timedelta(minutes=-5): "just now",  # a clock a little ahead
    }
    for before, words in cases.items():
        assert ago(now - before, now) == words, before
