"""Log-in throttles: per account with back-off (not a lock-out of the owner's own browsers), per address across
accounts, and the real client address behind a trusted proxy only."""

from __future__ import annotations

import ipaddress

from django.core.cache import cache
from django.test import Client, override_settings

from psoascare.web.accounts import throttle
from tests.web.base import PASSWORD, BaseTestCase


def log_in(browser: Client, username: str, password: str, address: str = "127.0.0.1", **headers: str) -> bool:
    response = browser.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )
    return response.status_code == 302


class AccountThrottleTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_it_backs_off_guesses_at_one_account_from_many_addresses(self) -> None:
        for n in range(throttle.ACCOUNT_FREE_FAILURES):
            self.assertFalse(log_in(Client(), "alice", "guess", f"203.0.113.{n}"))
        response = Client().post(
            "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.200"
        )
        self.assertContains(response, "Too many failed log-ins for this account")
        self.assertTrue(log_in(Client(), "bob", PASSWORD, "203.0.113.200"))

    def test_it_keeps_the_owner_in_on_a_browser_they_used_before(self) -> None:
        owners_phone = Client()
        self.assertTrue(log_in(owners_phone, "alice", PASSWORD, "192.0.2.10"))
        owners_phone.post("/accounts/logout/")
        for n in range(40):
            log_in(Client(), "alice", "guess", f"203.0.113.{n}")
        self.assertFalse(log_in(Client(), "alice", PASSWORD, "192.0.2.10"))  # a new browser waits
        self.assertTrue(log_in(owners_phone, "alice", PASSWORD, "192.0.2.10"))

    def test_it_limits_guesses_on_a_remembered_browser_too(self) -> None:
        browser = Client()
        self.assertTrue(log_in(browser, "alice", PASSWORD))
        browser.post("/accounts/logout/")
        for _ in range(throttle.DEVICE_FAILURE_LIMIT):
            self.assertFalse(log_in(browser, "alice", "guess"))
        self.assertFalse(log_in(browser, "alice", PASSWORD))

    def test_it_does_not_trust_a_device_cookie_for_another_account(self) -> None:
        browser = Client()
        self.assertTrue(log_in(browser, "bob", PASSWORD))
        browser.post("/accounts/logout/")
        for _ in range(throttle.ACCOUNT_FREE_FAILURES):
            log_in(browser, "alice", "guess")
        self.assertFalse(log_in(browser, "alice", PASSWORD))

    def test_a_new_password_clears_the_account_back_off(self) -> None:
        for n in range(throttle.ACCOUNT_FREE_FAILURES + 3):
            log_in(Client(), "alice", "guess", f"203.0.113.{n}")
        self.client_a.set_password("a brand new password 42")
        self.client_a.save()
        self.assertTrue(log_in(Client(), "alice", "a brand new password 42", "192.0.2.1"))

    def test_it_doubles_the_wait_after_the_free_tries(self) -> None:
        delays = [throttle.account_delay(n) for n in range(throttle.ACCOUNT_FREE_FAILURES + 12)]
        self.assertEqual(delays[: throttle.ACCOUNT_FREE_FAILURES], [0] * throttle.ACCOUNT_FREE_FAILURES)
        self.assertEqual(delays[throttle.ACCOUNT_FREE_FAILURES : throttle.ACCOUNT_FREE_FAILURES + 4], [1, 2, 4, 8])
        self.assertEqual(delays[-1], throttle.ACCOUNT_MAX_DELAY)


class AddressThrottleTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_it_stops_one_address_guessing_across_accounts(self) -> None:
        for n in range(throttle.ADDRESS_FAILURE_LIMIT):
            log_in(Client(), f"someone{n}", "guess", "203.0.113.9")
        response = Client().post(
            "/accounts/login/", {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
        )
        self.assertContains(response, "Too many failed log-ins from your network")
        self.assertTrue(log_in(Client(), "bob", PASSWORD, "203.0.113.10"))

    def test_it_counts_the_real_address_behind_a_trusted_proxy(self) -> None:
        with override_settings(TRUSTED_PROXIES=[ipaddress.ip_network("10.0.0.0/8")]):
            for n in range(throttle.ADDRESS_FAILURE_LIMIT):
                log_in(Client(), f"someone{n}", "guess", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
            # The guesser is stopped; another visitor through the same proxy is not.
            self.assertFalse(log_in(Client(), "bob", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"))
            self.assertTrue(log_in(Client(), "bob", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44"))

    def test_it_ignores_forwarded_for_from_an_untrusted_peer(self) -> None:
        with override_settings(TRUSTED_PROXIES=[ipaddress.ip_network("10.0.0.0/8")]):
            for n in range(throttle.ADDRESS_FAILURE_LIMIT):
                log_in(Client(), f"someone{n}", "guess", "203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
            self.assertFalse(log_in(Client(), "bob", PASSWORD, "203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1"))
