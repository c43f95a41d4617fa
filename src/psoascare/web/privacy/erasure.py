"""Deleting a client's account and everything that belongs to it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from psoascare.web.accounts.models import Invitation


def erase_account(user: User) -> None:
    """Delete the user; their rows go with them through the foreign keys' CASCADE.

    Raises ProtectedError or RestrictedError, with nothing deleted, when another model protects the user.
    """
    with transaction.atomic():
        # The invitation the client accepted holds their e-mail address and name; the foreign key only
        # sets itself to NULL, so remove it explicitly rather than keep personal data of a gone account.
        Invitation.objects.filter(used_by=user).delete()
        user.delete()
