"""Today is served from a cache keyed by its version: whatever changes what the page shows, the next answer is
exactly the page a fresh render would give; only the CSRF tokens differ between answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from psoascare.web.accounts.backends import ProfileBackend, companion_read, read_with_user
from psoascare.web.accounts.models import Profile
from psoascare.web.clinic.models import Message
from psoascare.web.journal.models import CompletedItem, PainRecord, PsfsAssessment
from psoascare.web.journal.safety import resume_routine, screen
from psoascare.web.journal.today import TodayItem, today_for
from psoascare.web.journal.today_page import TODAY_PAGES, page_key
from psoascare.web.journal.versions import today_version, today_version_companion, today_version_for, today_version_sql
from psoascare.web.programs.models import Assignment, ProgrammeTemplate
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase, open_at_any_hour

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def without_tokens(body: bytes) -> bytes:
    return TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', body)


class TodayCacheTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.client_a)

    def an_open_item(self) -> TodayItem:
        """An item that can be ticked whatever the hour."""
        open_at_any_hour(self.client_a)
        return next(item for item in today_for(self.client_a).items if item.is_open)

    def page(self) -> bytes:
        response = self.client.get("/today/")
        self.assertEqual(response.status_code, 200)
        return response.content

    def fresh_page(self) -> bytes:
        TODAY_PAGES.clear_local()
        cache.clear()  # the session lives in the database in tests, so the log-in survives
        return self.page()

    def assert_follows(self, change: Callable[[], object], shows: bytes) -> None:
        before = self.page()
        self.page()  # now from the cache
        change()
        after = self.page()
        self.assertNotEqual(without_tokens(after), without_tokens(before))
        self.assertIn(shows, after)
        self.assertEqual(without_tokens(after), without_tokens(self.fresh_page()))

    def test_it_serves_a_kept_page_in_two_queries(self) -> None:
        first = self.page()
        with CaptureQueriesContext(connection) as queries:
            again = self.page()
        self.assertEqual(len(queries), 2)  # the session; the user with profiles and the page's version
        self.assertEqual(without_tokens(again), without_tokens(first))
        self.assertNotEqual(TOKEN.findall(again), TOKEN.findall(first))  # each answer masks its own token

    def test_it_follows_a_tick_and_its_undo(self) -> None:
        item = self.an_open_item()
        key, day = item.due.key, timezone.localdate()

        def tick() -> None:
            CompletedItem.objects.create(client=self.client_a, day=day, item_key=key, label=item.due.label)

        self.assert_follows(tick, b"done at")
        self.assert_follows(lambda: CompletedItem.objects.filter(client=self.client_a).delete(), b"0 of")

    def test_it_follows_pain_and_a_changed_score(self) -> None:
        today = timezone.localdate()
        self.assert_follows(lambda: PainRecord.record(self.client_a, today, 3), b"<strong>3/10</strong>")
        self.assert_follows(lambda: PainRecord.record(self.client_a, today, 4), b"<strong>4/10</strong>")

    def test_it_follows_the_safety_gate_down_and_up(self) -> None:
        answers = {slug: slug == "unwell" for slug in RED_FLAG_SLUGS}
        self.assert_follows(lambda: screen(self.client_a, "self", answers), b"paused")
        self.assert_follows(lambda: resume_routine(self.therapist_x, self.client_a), b"Start the guided routine")

    def test_it_follows_the_programme_and_the_therapists_programme_edits(self) -> None:
        assignment = Assignment.objects.get(client=self.client_a)
        self.assert_follows(lambda: Assignment.objects.filter(pk=assignment.pk).update(times=["06:05"]), b"06:05")
        programme = ProgrammeTemplate.objects.create(
            therapist=self.therapist_x,
            title="Hips",
            items=[{"exercise": "bed-edge-hang", "sets": 1, "hold_seconds": 30}],
            times=["06:05"],
        )
        self.assert_follows(
            lambda: Assignment.objects.filter(pk=assignment.pk).update(
                programme=programme, template_slug=programme.slug
            ),
            programme.slug.encode(),
        )
        changed_items = [{"exercise": "half-kneeling-hip-flexor", "sets": 1, "hold_seconds": 30}]
        self.assert_follows(
            lambda: ProgrammeTemplate.objects.filter(pk=programme.pk).update(items=changed_items), b"Half-kneeling"
        )

    def test_it_follows_the_therapist_their_video_link_and_a_move(self) -> None:
        video = "https://video.example.org/room-xena"
        self.assert_follows(
            lambda: Profile.objects.filter(user=self.therapist_x).update(video_call_url=video), video.encode()
        )
        self.assert_follows(lambda: Profile.objects.filter(user=self.client_a).update(therapist=None), b"Your account")

    def test_it_follows_messages_and_their_reading(self) -> None:
        self.assert_follows(
            lambda: Message.objects.create(sender=self.therapist_x, recipient=self.client_a, body="Hello"),
            b'class="badge">1',
        )
        self.assert_follows(
            lambda: Message.objects.filter(recipient=self.client_a).update(read_at=timezone.now()),
            b"Messages</a>",
        )

    def test_it_follows_the_psfs(self) -> None:
        self.assert_follows(
            lambda: PsfsAssessment.record(self.client_a, timezone.localdate(), [("Socks", 4)]), b"Pain today"
        )

    def test_it_keeps_each_clients_page_apart(self) -> None:
        self.page()
        Assignment.assign(self.client_b, self.therapist_x, "bed-edge")
        self.client.force_login(self.client_b)
        page_b = self.page()
        self.assertIn(b"Log out bob", page_b)
        self.assertNotIn(b"alice", page_b)

    def test_it_never_keeps_a_one_time_message(self) -> None:
        item = self.an_open_item()
        self.page()
        response = self.client.post("/today/tick/", {"item_key": item.due.key}, follow=True)
        self.assertContains(response, "Well done.")
        self.assertNotIn(b"Well done.", self.page())

    def test_a_kept_pages_tokens_work_for_their_own_session(self) -> None:
        item = self.an_open_item()
        self.page()  # kept, rendered for this test's browser
        browser = Client(enforce_csrf_checks=True)  # another browser: its own session and CSRF secret
        browser.force_login(self.client_a)
        with CaptureQueriesContext(connection) as queries:
            body = browser.get("/today/").content
        self.assertEqual(len(queries), 2)  # served from the cache
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token is not None
        response = browser.post("/today/tick/", {"item_key": item.due.key, "csrfmiddlewaretoken": token[1].decode()})
        self.assertEqual(response.status_code, 302)

    def test_it_renders_again_once_a_kept_page_has_expired(self) -> None:
        request = RequestFactory().get("/today/")
        request.session = self.client.session
        request.user = self.client_a
        key = page_key(request)  # type: ignore[arg-type]
        assert key is not None
        TODAY_PAGES.set(key, (b"a page from before 07:30's item opened", timezone.now().timestamp() - 1))
        rendered = self.page()
        self.assertNotIn(b"before 07:30", rendered)
        with CaptureQueriesContext(connection) as queries:
            again = self.page()
        self.assertEqual(len(queries), 2)  # the page rendered again is the one kept now, not the expired copy
        self.assertEqual(without_tokens(again), without_tokens(rendered))

    def test_a_page_holds_until_its_next_item_opens(self) -> None:
        zone = timezone.get_current_timezone()
        day = timezone.localdate()
        early = today_for(self.client_a, now=datetime.combine(day, time(5, 0), zone))
        self.assertEqual(early.next_change(), datetime.combine(day, time(6, 30), zone))  # 07:30's item opens
        late = today_for(self.client_a, now=datetime.combine(day, time(23, 0), zone))
        self.assertEqual(late.next_change(), datetime.combine(day + timedelta(days=1), time(0), zone))

    def test_the_version_read_with_the_user_is_the_one_its_own_query_reads(self) -> None:
        @read_with_user(today_version_companion)
        def view(request: HttpRequest) -> HttpResponse:
            user = ProfileBackend().get_user(self.client_a.pk)
            assert user is not None
            self.assertIsNotNone(companion_read(user, today_version_sql()))  # it came with the user
            with CaptureQueriesContext(connection) as queries:
                version = today_version_for(user)
            self.assertEqual(len(queries), 0)
            return HttpResponse(version)

        PainRecord.record(self.client_a, timezone.localdate(), 5)
        with_user = view(RequestFactory().get("/today/")).content.decode()
        self.assertEqual(with_user, today_version(self.client_a.pk))
        # Loaded without it (outside such a view), the user's version is read by its own query: the same.
        plain = ProfileBackend().get_user(self.client_a.pk)
        assert plain is not None
        self.assertIsNone(companion_read(plain, today_version_sql()))
        self.assertEqual(today_version_for(plain), with_user)
        PainRecord.record(self.client_a, timezone.localdate(), 6)
        self.assertNotEqual(view(RequestFactory().get("/today/")).content.decode(), with_user)
