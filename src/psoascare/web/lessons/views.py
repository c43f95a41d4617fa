from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from psoascare.knowledge.content import lesson, red_flags
from psoascare.web.accounts.models import Role, role_of
from psoascare.web.lessons.figures import lesson_figures
from psoascare.web.lessons.models import Resource


def psoas(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) == Role.CLIENT and isinstance(request.user, User):
        resources = Resource.for_client(request.user)
    else:
        resources = Resource.public_ones()
    context = {"lesson": lesson(), "resources": resources, "figures": lesson_figures()}
    return render(request, "lessons/psoas.html", context)


def red_flag_list(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/red_flags.html", {"flags": red_flags()})
