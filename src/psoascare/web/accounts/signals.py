"""A new password (changed, reset, or set by an operator) ends every session and API token of the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone


@receiver(post_save, sender=User, dispatch_uid="psoascare-password-changed")
def end_sessions_and_tokens_on_new_password(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    # set_password() keeps the raw password in _password until save() has finished: a save that changes it.
    if created or getattr(instance, "_password", None) is None:
        return
    from psoascare.web.accounts.models import end_sessions
    from psoascare.web.accounts.throttle import forget_account
    from psoascare.web.api.models import ApiToken

    end_sessions(instance.pk)
    ApiToken.objects.filter(user=instance, revoked_at__isnull=True).update(revoked_at=timezone.now())
    forget_account(instance.username)
