"""The project's URLs, plus /desk/ while the project does not include the desk timer's URLs itself."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from psoascare.web.urls import urlpatterns as project_urlpatterns


def _routes_desk(patterns: list[URLPattern | URLResolver]) -> bool:
    return any(isinstance(p, URLResolver) and getattr(p, "namespace", None) == "desktimer" for p in patterns)


urlpatterns: list[URLPattern | URLResolver] = list(project_urlpatterns)
if not _routes_desk(urlpatterns):
    urlpatterns.insert(0, path("desk/", include("psoascare.web.desktimer.urls")))
