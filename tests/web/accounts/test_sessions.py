"""A new password ends every session and API token of the account; deleting it removes its sessions."""

from __future__ import annotations

import re

from django.core import mail
from django.core.cache import cache
from django.test import Client

from psoascare.cli.accounts import set_password
from psoascare.web.api.models import ApiToken
from tests.web.accounts.sessions import stored_sessions_of
from tests.web.base import PASSWORD, BaseTestCase

NEW_PASSWORD = "a brand new password 42"


class NewPasswordTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.laptop, self.phone = Client(), Client()
        for browser in (self.laptop, self.phone):
            self.assertEqual(
                browser.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code, 302
            )
        self.token = ApiToken.issue(self.client_a, "desk")[1]

    def api_status(self, token: str) -> int:
        return self.client.get("/api/journal/pain", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    def test_it_ends_sessions_and_tokens_on_a_password_reset(self) -> None:
        self.assertEqual(self.api_status(self.token), 200)
        self.client.post("/accounts/password_reset/", {"email": "alice@example.org"})
        match = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
        assert match is not None
        form_page = self.client.get(match.group(1), follow=True)
        self.client.post(form_page.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertEqual(stored_sessions_of(self.client_a.pk), 0)
        self.assertEqual(self.api_status(self.token), 401)
        self.assertEqual(self.laptop.get("/today/").status_code, 302)
        self.assertEqual(stored_sessions_of(self.client_b.pk), 0)  # nobody else's were there to begin with

    def test_it_keeps_only_the_browser_that_changed_the_password(self) -> None:
        response = self.laptop.post(
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertRedirects(response, "/accounts/password_change/done/", fetch_redirect_response=False)
        self.assertEqual(self.laptop.get("/today/").status_code, 200)
        self.assertEqual(self.phone.get("/today/").status_code, 302)
        self.assertEqual(stored_sessions_of(self.client_a.pk), 1)
        self.assertEqual(self.api_status(self.token), 401)

    def test_it_ends_them_when_an_operator_sets_the_password(self) -> None:
        set_password("alice", NEW_PASSWORD)
        self.assertEqual(stored_sessions_of(self.client_a.pk), 0)
        self.assertEqual(self.api_status(self.token), 401)
        self.assertTrue(ApiToken.objects.filter(user=self.client_a, revoked_at__isnull=False).exists())

    def test_it_leaves_sessions_alone_on_other_saves(self) -> None:
        self.client_a.first_name = "Alice"
        self.client_a.save()
        self.assertEqual(stored_sessions_of(self.client_a.pk), 2)
        self.assertEqual(self.api_status(self.token), 200)


class DeletionTestCase(BaseTestCase):
    def test_it_removes_every_session_of_a_deleted_account(self) -> None:
        cache.clear()
        other_browser = Client()
        other_browser.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(stored_sessions_of(self.client_a.pk), 2)
        response = self.client.post("/privacy/delete/", {"password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(stored_sessions_of(self.client_a.pk), 0)


class ResetMailTestCase(BaseTestCase):
    def test_it_sends_at_most_three_reset_mails_an_hour_to_one_address(self) -> None:
        cache.clear()
        for _ in range(20):
            response = self.client.post("/accounts/password_reset/", {"email": "alice@example.org"})
            self.assertRedirects(response, "/accounts/password_reset/done/", fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 3)

    def test_it_limits_one_client_address_across_e_mail_addresses(self) -> None:
        cache.clear()
        emails = [f"{name}@example.org" for name in ("alice", "bob", "carol", "xena", "yuri", "admin")]
        for n in range(15):
            self.client.post("/accounts/password_reset/", {"email": emails[n % 6]}, REMOTE_ADDR="198.51.100.7")
        self.assertEqual(len(mail.outbox), 10)  # at most two to each account, and nothing after ten requests
        self.client.post("/accounts/password_reset/", {"email": "yuri@example.org"}, REMOTE_ADDR="198.51.100.8")
        self.assertEqual(len(mail.outbox), 11)
