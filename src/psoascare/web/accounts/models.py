"""Therapists and their clients on Django's auth users, and single-use invitation links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models, transaction
from django.utils import timezone

from psoascare.web.fields import WebURLField


class Role(models.TextChoices):
    THERAPIST = "therapist", "Therapist"
    CLIENT = "client", "Client"


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices)
    therapist = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="client_profiles"
    )
    video_call_url = WebURLField(blank=True, help_text="Therapists: the link clients use for video calls.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT


def role_of(user: object) -> str | None:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.role if profile is not None else None


def clients_of(therapist: User) -> models.QuerySet[User]:
    return User.objects.filter(profile__role=Role.CLIENT, profile__therapist=therapist).order_by("username")


def therapist_video_call_url(client: User) -> str:
    """The client's therapist's video-call link, or "": from the therapist loaded with the user where they were
    (`accounts.backends`), else in one query."""
    profile = client.profile
    if Profile._meta.get_field("therapist").is_cached(profile):
        therapist = profile.therapist
        return therapist.profile.video_call_url if therapist is not None else ""
    if profile.therapist_id is None:
        return ""
    return Profile.objects.filter(user_id=profile.therapist_id).values_list("video_call_url", flat=True).first() or ""


def client_ids_of(therapist: User) -> models.QuerySet[Profile, Any]:
    """The ids of `clients_of(therapist)`, for `client_id IN (…)`: from the profiles alone (the users' table
    joined in would be read whole for every such subquery)."""
    return Profile.objects.filter(role=Role.CLIENT, therapist=therapist).values("user_id")


def create_therapist(username: str, email: str, password: str) -> User:
    """A therapist manages their resources, programmes and exercises in the app; they are not Django staff, so
    /admin/ stays for the people who run the site."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        Profile.objects.create(user=user, role=Role.THERAPIST)
    return user


def create_client(username: str, email: str, password: str, therapist: User | None) -> User:
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        Profile.objects.create(user=user, role=Role.CLIENT, therapist=therapist)
    return user


def sign_up_client(username: str, email: str, password: str) -> User:
    """Someone signing up on their own (where settings.SELF_SIGNUP allows it): a client with no therapist,
    given the default psoas-care routine. Like every new client, they answer the safety questions before any
    exercise (the journal's safety gate: no screening yet means the gate is shut)."""
    from psoascare.web.programs.models import SELF_SIGNUP_ROUTINE, Assignment

    with transaction.atomic():
        user = create_client(username, email, password, therapist=None)
        Assignment.assign(user, None, SELF_SIGNUP_ROUTINE)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationError(Exception):
    """The link is unknown, used or expired."""


class Invitation(models.Model):
    """A single-use, expiring link a therapist sends to a new client. Only a hash of the token is stored."""

    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation for {self.email}"

    @classmethod
    def open_ones(cls, therapist: User) -> models.QuerySet[Invitation]:
        return cls.objects.filter(
            therapist=therapist, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def reissue(self) -> str:
        """A new link for the same invitation (the old one stops working), valid for the full period again."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _digest(token)
        self.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
        self.save(update_fields=["token_hash", "expires_at"])
        return token

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @classmethod
    def issue(cls, therapist: User, email: str, name: str = "") -> tuple[Invitation, str]:
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            therapist=therapist,
            email=email,
            name=name,
            token_hash=_digest(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        return invitation, token

    @classmethod
    def find_usable(cls, token: str) -> Invitation:
        invitation = cls.objects.filter(token_hash=_digest(token)).first()
        if invitation is None:
            raise InvitationError("This invitation link is not valid. Ask your therapist for a new one.")
        if invitation.used_at is not None:
            raise InvitationError("This invitation link has already been used. Log in instead.")
        if invitation.revoked_at is not None:
            raise InvitationError("This invitation was withdrawn. Ask your therapist for a new one.")
        if invitation.expires_at <= timezone.now():
            raise InvitationError("This invitation link has expired. Ask your therapist for a new one.")
        return invitation

    @property
    def status(self) -> str:
        if self.used_at:
            return "accepted"
        if self.revoked_at:
            return "withdrawn"
        return "expired" if self.expires_at <= timezone.now() else "open"

    def accept(self, username: str, password: str) -> User:
        with transaction.atomic():
            # Lock the row so two tabs cannot both spend the same link.
            fresh = Invitation.objects.select_for_update().get(pk=self.pk)
            if fresh.used_at is not None:
                raise InvitationError("This invitation link has already been used. Log in instead.")
            user = create_client(username, self.email, password, therapist=self.therapist)
            if self.name:
                user.first_name = self.name[:150]
                user.save(update_fields=["first_name"])
            fresh.used_at = timezone.now()
            fresh.used_by = user
            fresh.save(update_fields=["used_at", "used_by"])
        return user


class UserSession(AbstractBaseSession):
    """A Django session that records whose it is, so all of a user's sessions can be ended at once (password
    change or reset, account deletion). Used by the session engines in psoascare.web.accounts.sessions*."""

    # No database constraint: a session may be written a moment after its user is deleted; the cascade still
    # removes the rows when the user goes.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta:
        verbose_name = "session"

    @classmethod
    def get_session_store_class(cls) -> type:
        from importlib import import_module

        return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions(user_id: int) -> int:
    """Ends every session of this user, in the database and in the session cache; returns how many."""
    from django.core.cache import caches

    store = UserSession.get_session_store_class()
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    UserSession.objects.filter(session_key__in=keys).delete()
    prefix = getattr(store, "cache_key_prefix", None)
    if prefix and keys:
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in keys])
    return len(keys)
