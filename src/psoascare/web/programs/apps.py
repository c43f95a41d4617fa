from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "psoascare.web.programs"
    label = "programs"
    verbose_name = "Programmes"
