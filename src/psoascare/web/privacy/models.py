"""The access log: who read a client's record, when, and how. Rows are written once and never changed."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An attempt to change or remove an access log entry through the app."""


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    # Bulk changes go through the default manager too; refuse them there. Deleting a client still removes
    # their entries, because Django's cascade works on the plain base manager, not on this one.
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Access log entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access log entries cannot be deleted.")

    def about(self, client: User) -> AccessLogQuerySet:
        """The entries that concern this client: those about them alone, and the page views that showed them."""
        return self.filter(models.Q(client=client) | AccessLogEntry.privacy_also_about(client))


class AccessAction(models.TextChoices):
    VIEW_RECORD = "view-record", "Opened your record"
    EXPORT_RECORD = "export-record", "Downloaded your record"
    VIEW_DASHBOARD_ROW = "view-dashboard-row", "Saw your summary in the client list"
    VIEW_PROGRAMME = "view-programme", "Opened your programme"
    PRINT_HANDOUT = "print-handout", "Opened or printed your handout"
    GUIDE_SESSION = "guide-session", "Guided a session with you in the clinic"
    SELFCHECK = "selfcheck", "Opened or recorded your Thomas self-check"


class AccessLogEntry(models.Model):
    # The actor's name is copied in so the client can still see who looked after that account is gone.
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="access_log_entries_made")
    actor_name = models.CharField(max_length=150)
    # The one client of the entry; None for a page that showed several (they are in AccessLogShown).
    client = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="access_log_entries")
    action = models.CharField(max_length=40)
    path = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    # The reader's address is their personal data, not the client's: it stays out of the client's export.
    privacy_export_exclude: ClassVar[tuple[str, ...]] = ("ip",)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "at"])]
        verbose_name = "access log entry"
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.client or 'clients'} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access log entries cannot be deleted.")

    @classmethod
    def privacy_also_about(cls, client: User) -> models.Q:
        """For the client's export: the page views that showed them among other clients (the dashboard), which
        name them in AccessLogShown rather than in `client`; the same entries the client's own page lists."""
        return models.Q(pk__in=AccessLogShown.objects.filter(client=client).values("entry_id"))

    @property
    def action_label(self) -> str:
        try:
            return str(AccessAction(self.action).label)
        except ValueError:
            return self.action


class AccessLogShown(models.Model):
    """One client named by an access log entry for a page that showed several clients (the dashboard): one
    entry per page view, one of these per client on the page. Written once with the entry, never changed."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.CASCADE, related_name="shown")
    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_log_shown")

    class Meta:
        indexes = [models.Index(fields=["client", "entry"])]
        verbose_name = "client shown"

    def __str__(self) -> str:
        return f"{self.client} in entry {self.entry_id}"
