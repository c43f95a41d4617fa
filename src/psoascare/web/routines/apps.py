from __future__ import annotations

from django.apps import AppConfig


class RoutinesWebConfig(AppConfig):
    name = "psoascare.web.routines"
    label = "routines_web"
    verbose_name = "Guided routines"
