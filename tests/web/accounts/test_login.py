from __future__ import annotations

import re

from django.core import mail

from tests.web.base import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def test_it_logs_a_client_in_and_sends_them_to_today(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertRedirects(self.client.get("/"), "/today/")

    def test_it_sends_a_therapist_to_the_clinic(self) -> None:
        self.client.post("/accounts/login/", {"username": "xena", "password": PASSWORD})
        self.assertRedirects(self.client.get("/"), "/clinic/")

    def test_it_rejects_a_wrong_password(self) -> None:
        response = self.client.post("/accounts/login/", {"username": "alice", "password": "nope"})
        self.assertContains(response, "Please enter a correct username and password")

    def test_it_logs_out_on_post(self) -> None:
        self.client.force_login(self.client_a)
        self.client.post("/accounts/logout/")
        self.assertEqual(self.client.get("/today/").status_code, 302)

    def test_it_resets_a_password_by_email(self) -> None:
        self.client.post("/accounts/password_reset/", {"email": "alice@example.org"})
        self.assertEqual(len(mail.outbox), 1)
        match = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
        assert match is not None
        form_page = self.client.get(match.group(1), follow=True)
        new_password = "a brand new password 42"
        response = self.client.post(
            form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password}
        )
        self.assertRedirects(response, "/accounts/reset/done/")
        self.assertTrue(self.client.login(username="alice", password=new_password))

    def test_it_lets_anyone_read_the_lesson_without_logging_in(self) -> None:
        self.assertEqual(self.client.get("/learn/psoas/").status_code, 200)


class LoginThrottleTestCase(BaseTestCase):
    def test_it_stops_guessing_after_ten_failures(self) -> None:
        from django.core.cache import cache

        cache.clear()
        for _ in range(10):
            self.client.post("/accounts/login/", {"username": "alice", "password": "guess"})
        response = self.client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertContains(response, "Too many failed log-ins")
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another account from the same address is not locked out.
        other = self.client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
        self.assertEqual(other.status_code, 302)
        cache.clear()
