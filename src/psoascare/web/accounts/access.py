"""Who may see what: views use these decorators, and a user outside the role sees a 404, never a hint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from psoascare.web.accounts.models import Role, role_of

View = Callable[..., HttpResponse]


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of views behind the role decorators: the user is logged in."""

    user: User


def _role_required(role: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role_of(request.user) != role:
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


client_required = _role_required(Role.CLIENT)
therapist_required = _role_required(Role.THERAPIST)


def client_of(therapist: Any, client_id: int) -> User:
    """The therapist's own client with this id, or a 404 for anyone else's."""
    return get_object_or_404(User, pk=client_id, profile__role=Role.CLIENT, profile__therapist=therapist)
