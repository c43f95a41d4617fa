from __future__ import annotations

from django.urls import URLPattern, reverse

from psoascare.web.privacy import urls as privacy_urls
from psoascare.web.privacy.models import AccessLogEntry
from tests.web.base import BaseTestCase
from tests.web.privacy.helpers import is_login_redirect

URL = "/privacy/"


class OverviewTests(BaseTestCase):
    def test_it_links_the_exports_the_log_and_deletion(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get(URL)
        for link in ("/privacy/export.json", "/privacy/export.zip", "/privacy/access-log/", "/privacy/delete/"):
            self.assertContains(response, f'href="{link}"')

    def test_it_shows_the_latest_reads_of_the_record(self) -> None:
        AccessLogEntry.objects.create(actor=self.therapist_x, actor_name="Xena", client=self.client_a, action="x")
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get(URL), "Xena")

    def test_it_is_not_shown_to_a_therapist(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.get(URL).status_code, 404)


class EveryRouteTests(BaseTestCase):
    def test_it_sends_anonymous_users_to_log_in_on_every_route(self) -> None:
        routes = [pattern for pattern in privacy_urls.urlpatterns if isinstance(pattern, URLPattern)]
        self.assertEqual(len(routes), len(privacy_urls.urlpatterns))
        for route in routes:
            arguments = {"client_id": self.client_a.pk} if "client_id" in str(route.pattern) else {}
            url = reverse(f"privacy:{route.name}", kwargs=arguments)
            with self.subTest(url=url):
                self.assertTrue(is_login_redirect(self.client.get(url)))
                self.assertTrue(is_login_redirect(self.client.post(url)))
