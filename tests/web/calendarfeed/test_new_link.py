from __future__ import annotations

from django.test import Client

from psoascare.web.calendarfeed.models import CalendarFeed
from tests.web.base import BaseTestCase


class NewLinkTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.old_token = CalendarFeed.for_client(self.client_a).token

    def test_it_stops_the_old_link_and_shows_the_new_one(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/calendar/new-link/", follow=True)
        new_token = CalendarFeed.objects.get(client=self.client_a).token
        self.assertNotEqual(new_token, self.old_token)
        self.assertContains(response, f"/calendar/{new_token}.ics")
        self.assertContains(response, "The old link no longer works")
        self.assertNotContains(response, self.old_token)
        self.client.logout()
        self.assertEqual(self.client.get(f"/calendar/{self.old_token}.ics").status_code, 404)
        self.assertEqual(self.client.get(f"/calendar/{new_token}.ics").status_code, 200)

    def test_it_refuses_a_post_without_the_csrf_token(self) -> None:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.client_a)
        self.assertEqual(browser.post("/calendar/new-link/").status_code, 403)
        self.assertEqual(CalendarFeed.objects.get(client=self.client_a).token, self.old_token)

    def test_it_changes_nothing_on_get(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get("/calendar/new-link/").status_code, 405)
        self.assertEqual(CalendarFeed.objects.get(client=self.client_a).token, self.old_token)

    def test_it_lets_only_the_client_rotate_their_own_link(self) -> None:
        for user in (self.client_b, self.therapist_x):
            self.client.force_login(user)
            self.client.post("/calendar/new-link/")
        self.assertEqual(CalendarFeed.objects.get(client=self.client_a).token, self.old_token)
        self.client.logout()
        self.assertRedirects(
            self.client.post("/calendar/new-link/"),
            "/accounts/login/?next=/calendar/new-link/",
            fetch_redirect_response=False,
        )
