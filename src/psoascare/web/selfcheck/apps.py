from __future__ import annotations

from django.apps import AppConfig


class SelfCheckConfig(AppConfig):
    name = "psoascare.web.selfcheck"
    label = "selfcheck"
    verbose_name = "Thomas self-check"
