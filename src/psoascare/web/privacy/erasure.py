"""Deleting a client's account and everything that belongs to it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction

from psoascare.web.accounts.models import Invitation, end_sessions
from psoascare.web.clinic.models import Alert

# Someone holding a logged-in browser could otherwise use the delete form to guess the password.
MAX_WRONG_PASSWORDS = 5
WRONG_PASSWORD_WINDOW_SECONDS = 15 * 60


def _wrong_password_key(user: User) -> str:
    return f"privacy:delete:wrong-password:{user.pk}"


def too_many_wrong_passwords(user: User) -> bool:
    return int(cache.get(_wrong_password_key(user), 0)) >= MAX_WRONG_PASSWORDS


def note_wrong_password(user: User) -> None:
    key = _wrong_password_key(user)
    cache.add(key, 0, timeout=WRONG_PASSWORD_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WRONG_PASSWORD_WINDOW_SECONDS)


def erase_account(user: User) -> None:
    """Delete the user; their rows go with them through the foreign keys' CASCADE.

    Raises ProtectedError or RestrictedError, with nothing deleted, when another model protects the user.
    """
    with transaction.atomic():
        # The invitation the client accepted holds their e-mail address and name; the foreign key only
        # sets itself to NULL, so remove it explicitly rather than keep personal data of a gone account.
        Invitation.objects.filter(used_by=user).delete()
        Alert.client_left(user)
        # Every session of the account (other browsers, the session cache), not only the one deleting it.
        end_sessions(user.pk)
        user.delete()
