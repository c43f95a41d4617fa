"""Articles and videos a therapist picks for clients, with the therapist's note."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone

from psoascare.web.fields import WebURLField
from psoascare.web.lessons.video import Embed, embed_for


class Resource(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        VIDEO = "video", "Video"

    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = WebURLField(max_length=500)
    note = models.TextField("Therapist's note", blank=True, max_length=2000)
    public = models.BooleanField(default=False, help_text="Show on the public lesson page too.")
    shared_with_all = models.BooleanField(default=True, help_text="Share with all my clients.")
    clients = models.ManyToManyField(User, blank=True, related_name="shared_resources")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def embed(self) -> Embed | None:
        return embed_for(self.url) if self.kind == self.Kind.VIDEO else None

    @classmethod
    def for_client(cls, client: User) -> models.QuerySet[Resource]:
        therapist_id = getattr(getattr(client, "profile", None), "therapist_id", None)
        return (
            cls.objects.filter(therapist_id=therapist_id).filter(Q(shared_with_all=True) | Q(clients=client)).distinct()
        )

    @classmethod
    def public_ones(cls) -> models.QuerySet[Resource]:
        return cls.objects.filter(public=True)
