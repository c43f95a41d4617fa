"""Log-in throttles, kept in the cache (per process by default, shared by every process through Redis).

- Per account: after ACCOUNT_FREE_FAILURES failed log-ins from browsers that never logged in to that account,
  each further try waits twice as long as the last (1 s, 2 s, 4 s … up to ACCOUNT_MAX_DELAY), whatever
  address the guesses come from.
- Per address, across accounts: ADDRESS_FAILURE_LIMIT failures in ADDRESS_WINDOW from one client address stop
  that address (the real one behind a trusted proxy, see psoascare.web.proxy).
- A browser where the owner logged in before carries a signed device cookie for that account. Its tries are
  counted on their own (DEVICE_FAILURE_LIMIT per window) and are not held back by the two limits above, so a
  stranger's guesses cannot lock the owner out of the devices they already use; a password reset clears the
  account's count for a new device.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

ACCOUNT_FREE_FAILURES = 5
ACCOUNT_MAX_DELAY = 15 * 60
ACCOUNT_MEMORY = 24 * 3600
ADDRESS_FAILURE_LIMIT = 30
ADDRESS_WINDOW = 15 * 60
DEVICE_FAILURE_LIMIT = 10
DEVICE_WINDOW = 15 * 60
DEVICE_COOKIE = "psoascare_device"
DEVICE_COOKIE_SALT = "psoascare.accounts.login-device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600


class Throttled(Exception):
    """The try is refused without checking the password."""


def account_id(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _account_key(username: str) -> str:
    return f"login:account:{account_id(username)}"


def _address_key(address: str) -> str:
    return f"login:address:{address}"


def _device_key(nonce: str) -> str:
    return f"login:device:{nonce}"


@dataclass(frozen=True)
class Attempt:
    username: str
    address: str
    device: str | None  # the nonce of a device cookie for this account, or None

    @classmethod
    def of(cls, request: HttpRequest | None, username: str) -> Attempt:
        if request is None:
            return cls(username, "", None)
        return cls(username, request.META.get("REMOTE_ADDR", ""), device_nonce(request, username))


def device_nonce(request: HttpRequest, username: str) -> str | None:
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_AGE)
    if not value or ":" not in value:
        return None
    account, nonce = value.split(":", 1)
    return nonce if account == account_id(username) else None


def remember_device(response: HttpResponse, request: HttpRequest, username: str) -> None:
    nonce = device_nonce(request, username) or secrets.token_urlsafe(12)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        f"{account_id(username)}:{nonce}",
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def account_delay(failures: int) -> int:
    """Seconds a new device must wait after the last failure, once the free tries are spent."""
    if failures < ACCOUNT_FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - ACCOUNT_FREE_FAILURES), ACCOUNT_MAX_DELAY))


def check(attempt: Attempt) -> None:
    """Raises Throttled when this try must not even be checked."""
    if attempt.device is not None:
        if int(cache.get(_device_key(attempt.device), 0)) >= DEVICE_FAILURE_LIMIT:
            raise Throttled("Too many failed log-ins from this browser. Wait 15 minutes, or reset your password.")
        return
    if attempt.address and int(cache.get(_address_key(attempt.address), 0)) >= ADDRESS_FAILURE_LIMIT:
        raise Throttled("Too many failed log-ins from your network. Wait 15 minutes, or reset your password.")
    failures, last = cache.get(_account_key(attempt.username), (0, 0.0))
    wait = last + account_delay(failures) - time.time()
    if wait > 0:
        raise Throttled(
            f"Too many failed log-ins for this account. Try again in {max(1, round(wait))} seconds, "
            "or reset your password."
        )


def _incr(key: str, window: int) -> None:
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def note_failure(attempt: Attempt) -> None:
    if attempt.device is not None:
        _incr(_device_key(attempt.device), DEVICE_WINDOW)
        return
    if attempt.address:
        _incr(_address_key(attempt.address), ADDRESS_WINDOW)
    key = _account_key(attempt.username)
    failures, _ = cache.get(key, (0, 0.0))
    cache.set(key, (failures + 1, time.time()), ACCOUNT_MEMORY)


def note_success(attempt: Attempt) -> None:
    forget_account(attempt.username)
    if attempt.device is not None:
        cache.delete(_device_key(attempt.device))


def forget_account(username: str) -> None:
    """Clears the account's failures (after a successful log-in or a new password)."""
    cache.delete(_account_key(username))
