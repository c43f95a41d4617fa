"""The routines app is installed and routed at /routines/ (the project's settings and urls do this)."""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse


def test_it_is_installed_and_mounted_at_routines() -> None:
    assert apps.is_installed("psoascare.web.routines"), (
        "add 'psoascare.web.routines' to INSTALLED_APPS in psoascare/web/settings.py"
    )
    assert reverse("routines:play", args=["bed-edge"]) == "/routines/bed-edge/play/", (
        'include psoascare.web.routines.urls at path("routines/", ...) in psoascare/web/urls.py'
    )
