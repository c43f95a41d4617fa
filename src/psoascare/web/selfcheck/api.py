"""/api/selfchecks: a client's own self-checks; a therapist's for one of their clients (?client=<id>).

Mounted on the project's API with one line in api/api.py; authentication is the API's (token or session).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from psoascare.web.accounts.access import client_of
from psoascare.web.accounts.models import Role, role_of
from psoascare.web.api.schemas import answers
from psoascare.web.privacy.audit import record_access
from psoascare.web.selfcheck.models import SelfCheck
from psoascare.web.selfcheck.views import SELFCHECK_ACTION

router = Router(tags=["selfchecks"])
LIST_LENGTH = 365


class SelfCheckOut(Schema):
    id: int
    client: str = Field(..., description="The client's username")
    taken_at: datetime
    side: str = Field(..., description="r or l: the hanging leg")
    found_by: str = Field(..., description="pose-model or by-hand")
    image_width: int
    image_height: int
    points: dict[str, list[float]] = Field(..., description="Image pixels [x, y] (y down); no image is stored")
    thigh_below_bed: float
    thigh_to_trunk: float
    knee_flexion: float
    trunk_to_bed: float
    other_hip_flexion: float
    lengths: dict[str, dict[str, dict[str, float]]] = Field(
        ..., description="{model: {psoas|iliacus: {length_mm, change_mm, change_pct}}} against standing"
    )
    note: str

    @staticmethod
    def resolve_client(obj: SelfCheck) -> str:
        return obj.client.username


class Filters(Schema):
    client: int | None = Field(None, description="Therapists: the id of one of their clients")


def _whose(request: HttpRequest, client_id: int | None) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404("No such client")
    role = role_of(user)
    if role == Role.CLIENT and client_id in (None, user.pk):
        return user
    if role == Role.THERAPIST and client_id is not None:
        client = client_of(user, client_id)
        record_access(request, client, SELFCHECK_ACTION)
        return client
    raise Http404("Clients see their own self-checks; therapists name one of their clients with ?client=<id>.")


@router.get("", response=answers(ok=list[SelfCheckOut]))
def list_selfchecks(request: HttpRequest, filters: Query[Filters]) -> Any:
    client = _whose(request, filters.client)
    return SelfCheck.objects.filter(client=client).select_related("client")[:LIST_LENGTH]


@router.get("/{check_id}", response=answers(ok=SelfCheckOut))
def get_selfcheck(request: HttpRequest, check_id: int) -> Any:
    check = get_object_or_404(SelfCheck.objects.select_related("client"), pk=check_id)
    user = request.user
    if role_of(user) == Role.THERAPIST:
        _whose(request, check.client_id)
    elif not (isinstance(user, User) and check.client_id == user.pk):
        raise Http404("No such self-check")
    return check
