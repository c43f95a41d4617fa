"""What passes between a therapist and a client: messages, and alerts the app raises for the therapist."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone


class Message(models.Model):
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages_sent")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages_received")
    body = models.TextField(max_length=4000)
    sent_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient} {self.sent_at:%Y-%m-%d %H:%M}"

    @classmethod
    def send(cls, sender: User, recipient: User, body: str) -> Message:
        message = cls.objects.create(sender=sender, recipient=recipient, body=body)
        if recipient.email:
            send_mail(
                "New message on PsoasCare",
                f"{sender.get_full_name() or sender.username} sent you a message on PsoasCare. "
                f"Read it at {settings.SITE_URL}/messages/ (messages are not sent by e-mail, for privacy).",
                None,
                [recipient.email],
            )
        return message

    @classmethod
    def thread(cls, a: User, b: User) -> models.QuerySet[Message]:
        return cls.objects.filter(models.Q(sender=a, recipient=b) | models.Q(sender=b, recipient=a)).select_related(
            "sender"
        )

    @classmethod
    def mark_read(cls, reader: User, other: User) -> None:
        cls.objects.filter(sender=other, recipient=reader, read_at__isnull=True).update(read_at=timezone.now())


class Alert(models.Model):
    """Something the therapist must see: a red flag answered "yes", with the client's routine paused."""

    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    # Kept, without the client, when the client deletes their account (see client_left).
    client = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts_about")
    kind = models.CharField(max_length=32)
    text = models.CharField(max_length=500)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.client}"

    @classmethod
    def client_left(cls, client: User) -> None:
        """The client deletes their account: their alerts stay as resolved records holding nothing of theirs,
        and their therapist is told (on the dashboard and by e-mail)."""
        therapist = getattr(getattr(client, "profile", None), "therapist", None)
        now = timezone.now()
        left_on = f"{timezone.localdate():%d %b %Y}"
        cls.objects.filter(client=client).update(
            text=f"Alert about a client who deleted their account on {left_on}; their answers were deleted.",
            resolved_at=Coalesce("resolved_at", Value(now)),
            client=None,
        )
        if therapist is None:
            return
        name = client.get_full_name() or client.username
        text = f"{name} deleted their PsoasCare account on {left_on}. Their records were deleted with it."
        cls.objects.create(therapist=therapist, client=None, kind="account-deleted", text=text)
        if therapist.email:
            send_mail("PsoasCare: a client deleted their account", text, None, [therapist.email])

    @classmethod
    def open_for(cls, therapist: User) -> models.QuerySet[Alert]:
        """The open alerts about the therapist's current clients (a client who moved to another therapist takes
        their alerts along, out of the old therapist's sight), and notices that name no client (one who left)."""
        current_or_none = models.Q(client__profile__therapist=therapist) | models.Q(client__isnull=True)
        return cls.objects.filter(current_or_none, therapist=therapist, resolved_at__isnull=True).select_related(
            "client"
        )

    @classmethod
    def raise_for(cls, client: User, kind: str, text: str) -> Alert | None:
        therapist = getattr(getattr(client, "profile", None), "therapist", None)
        if therapist is None:
            return None
        alert = cls.objects.create(therapist=therapist, client=client, kind=kind, text=text)
        if therapist.email:
            send_mail(
                "PsoasCare: a client needs your attention",
                f"{client.get_full_name() or client.username}: {text}\n"
                f"See {settings.SITE_URL}/clinic/clients/{client.pk}/",
                None,
                [therapist.email],
            )
        return alert
