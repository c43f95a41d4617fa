from __future__ import annotations

from django.test import override_settings

from psoascare.web.calendarfeed.models import CalendarFeed
from tests.web.base import BaseTestCase


class CalendarPageTestCase(BaseTestCase):
    def test_it_shows_the_client_their_own_feed_url_and_a_qr_code(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/calendar/")
        token = CalendarFeed.objects.get(client=self.client_a).token
        self.assertContains(response, f'value="http://testserver/calendar/{token}.ics"')
        self.assertContains(response, f'href="webcal://testserver/calendar/{token}.ics"')
        self.assertContains(response, "<svg")
        for app in ("Google Calendar", "Apple Calendar", "Outlook"):
            self.assertContains(response, app)

    def test_it_keeps_the_same_url_from_visit_to_visit(self) -> None:
        self.client.force_login(self.client_a)
        self.client.get("/calendar/")
        first = CalendarFeed.objects.get(client=self.client_a).token
        self.client.get("/calendar/")
        self.assertEqual(CalendarFeed.objects.get(client=self.client_a).token, first)

    def test_it_never_shows_another_clients_url(self) -> None:
        other = CalendarFeed.for_client(self.client_b)
        self.client.force_login(self.client_a)
        self.assertNotContains(self.client.get("/calendar/"), other.token)

    def test_it_offers_a_csrf_protected_post_to_make_a_new_link(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/calendar/")
        self.assertContains(response, 'action="/calendar/new-link/"')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, "Stop this link and make a new one")

    def test_it_is_only_for_clients(self) -> None:
        self.assertRedirects(self.client.get("/calendar/"), "/accounts/login/?next=/calendar/")
        for user in (self.therapist_x, self.admin):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/calendar/").status_code, 404)
        self.assertFalse(CalendarFeed.objects.exclude(client__in=[self.client_a, self.client_b]).exists())

    @override_settings(SITE_URL="https://clinic.example.org")
    def test_it_builds_the_url_from_site_url_without_a_request(self) -> None:
        from psoascare.web.calendarfeed.models import feed_url_for

        token = CalendarFeed.for_client(self.client_a).token
        self.assertEqual(feed_url_for(self.client_a), f"https://clinic.example.org/calendar/{token}.ics")
