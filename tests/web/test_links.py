"""Links in e-mails, the calendar page and printed pages: https behind a trusted proxy, PSOASCARE_SITE_URL first."""

from __future__ import annotations

import ipaddress
import re

from django.core import mail
from django.test import Client, override_settings

from tests.web.base import BaseTestCase

PROXY = {
    "TRUSTED_PROXIES": [ipaddress.ip_network("10.0.0.0/8")],
    "SITE_URL_CONFIGURED": False,
    "ALLOWED_HOSTS": ["clinic.example.org", "testserver", "127.0.0.1"],
}
PROXY_OFF = {"ALLOWED_HOSTS": ["127.0.0.1", "testserver"]}
FORWARDED = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}


class LinksTestCase(BaseTestCase):
    def invitation_link(self, browser: Client, **extra: str) -> str:
        browser.force_login(self.therapist_x)
        browser.post("/accounts/invite/", {"email": "dora@example.org"}, **extra)
        match = re.search(r"(\S+/accounts/invite/\S+/)", mail.outbox[-1].body)
        assert match is not None
        return match.group(1)

    def test_it_builds_https_links_behind_a_trusted_proxy(self) -> None:
        with override_settings(**PROXY):
            browser = Client(HTTP_HOST="clinic.example.org")
            self.assertTrue(self.invitation_link(browser, **FORWARDED).startswith("https://clinic.example.org/"))
            browser.force_login(self.client_a)
            page = browser.get("/calendar/", **FORWARDED)
            self.assertTrue(page.context["feed_url"].startswith("https://clinic.example.org/calendar/"))
            self.assertTrue(page.context["subscribe_url"].startswith("webcal://clinic.example.org/"))

    def test_it_ignores_forwarded_proto_from_anyone_else(self) -> None:
        with override_settings(**PROXY):
            browser = Client(HTTP_HOST="clinic.example.org")
            link = self.invitation_link(browser, **{**FORWARDED, "REMOTE_ADDR": "203.0.113.50"})
            self.assertTrue(link.startswith("http://clinic.example.org/"), link)

    def test_it_uses_the_configured_site_url_whatever_the_request(self) -> None:
        with override_settings(SITE_URL="https://care.example.org", SITE_URL_CONFIGURED=True, **PROXY_OFF):
            browser = Client(HTTP_HOST="127.0.0.1")
            self.assertTrue(self.invitation_link(browser).startswith("https://care.example.org/accounts/invite/"))
            browser.force_login(self.client_a)
            self.assertTrue(browser.get("/calendar/").context["feed_url"].startswith("https://care.example.org/"))

    def test_it_sends_hsts_when_configured(self) -> None:
        with override_settings(**PROXY, SECURE_HSTS_SECONDS=31536000):
            response = Client().get("/learn/psoas/", **FORWARDED)
            self.assertEqual(response["Strict-Transport-Security"], "max-age=31536000")
            self.assertNotIn("Strict-Transport-Security", Client().get("/learn/psoas/"))
