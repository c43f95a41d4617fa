from __future__ import annotations

from django.apps import AppConfig


class DesktimerConfig(AppConfig):
    name = "psoascare.web.desktimer"
    label = "desktimer"
    verbose_name = "Desk timer (browser)"
