from __future__ import annotations

from django.apps import AppConfig


class HandoutConfig(AppConfig):
    name = "psoascare.web.handout"
    label = "handout"
    verbose_name = "Client handout"
