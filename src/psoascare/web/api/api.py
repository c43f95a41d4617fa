"""The JSON API (django-ninja): the authenticated client's journal and programme, and personal tokens.

Spec at /api/openapi.json, docs at /api/docs. Clients authenticate with a personal token
(`Authorization: Bearer pc_…`) or, in the browser, with their session (CSRF checked). Every answer a route can
give is in the spec: 400 (a value the rules refuse), 401 (no or a bad token), 403 (the safety gate, when a
session is recorded), 404 (not a client account, or no such row), 422 (a request the schema refuses). Every
answer carries Cache-Control: no-store (psoascare.web.security.PrivateJsonMiddleware).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.security import HttpBearer, django_auth

from psoascare.desk.records import DeskEvent as DeskEventRecord
from psoascare.desk.records import InvalidDeskEvent
from psoascare.routines.records import RecordError, SessionRecord
from psoascare.web.accounts.models import Role, role_of
from psoascare.web.api import schemas
from psoascare.web.api.models import ApiToken
from psoascare.web.journal.models import DeskEvent, PainRecord, StretchSession, record_key
from psoascare.web.journal.safety import clinic_red_flags, safety_state


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]

api = NinjaAPI(
    title="PsoasCare API",
    version="1",
    description="The authenticated client's journal and programme; personal API tokens.",
    auth=AUTH,
    urls_namespace="api",
)


class InputError(Exception):
    pass


@api.exception_handler(InputError)
def input_error(request: HttpRequest, exc: InputError) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _client(request: HttpRequest) -> User:
    """The logged-in client; therapists and admins have no journal of their own here (404)."""
    user = request.user
    if not isinstance(user, User) or role_of(user) != Role.CLIENT:
        raise Http404("This route is for client accounts.")
    return user


@api.get("/journal/pain", response=schemas.answers(ok=list[schemas.PainOut]), tags=["journal"])
def list_pain(request: HttpRequest) -> Any:
    return PainRecord.objects.filter(client=_client(request))[:365]


@api.post("/journal/pain", response=schemas.answers(created=schemas.PainOut), tags=["journal"])
def record_pain(request: HttpRequest, payload: schemas.PainIn) -> Any:
    client = _client(request)
    day = payload.day or timezone.localdate()
    if day > timezone.localdate():
        raise InputError("day cannot be in the future")
    return Status(201, PainRecord.record(client, day, payload.score, payload.note))


@api.get("/journal/sessions", response=schemas.answers(ok=list[schemas.SessionOut]), tags=["journal"])
def list_sessions(request: HttpRequest) -> Any:
    return StretchSession.objects.filter(client=_client(request))[:200]


@api.post(
    "/journal/sessions",
    response=schemas.answers(created=schemas.CreatedOut, forbidden=schemas.ErrorOut),
    tags=["journal"],
)
def record_session(request: HttpRequest, payload: schemas.SessionIn) -> Any:
    """Store one guided session, if the safety gate allows exercise. A session of the same routine and start sent
    again (after a lost reply) is stored once; the answer is the same 201 with the stored session's id."""
    client = _client(request)
    state = safety_state(client)
    if not state.allows_exercise:
        return Status(403, {"detail": state.message(clinic_red_flags())})
    try:
        record = SessionRecord.from_dict(payload.dict())
        session, _ = StretchSession.objects.record_once(client, record, "api", record_key(record))
    except RecordError as exc:
        raise InputError(str(exc)) from None
    return Status(201, {"id": session.pk})


@api.get("/journal/desk-events", response=schemas.answers(ok=list[schemas.DeskEventOut]), tags=["journal"])
def list_desk_events(
    request: HttpRequest,
    since: schemas.IsoDateTime | None = Query(
        None, description="only events that started at or after this ISO 8601 date and time with time zone"
    ),
) -> Any:
    events = DeskEvent.objects.filter(client=_client(request))
    if since is not None:
        events = events.filter(started_at__gte=schemas.parse_aware_datetime(since))
    return events[:2000]


@api.post("/journal/desk-events", response=schemas.answers(created=schemas.CreatedOut), tags=["journal"])
def record_desk_event(request: HttpRequest, payload: schemas.DeskEventIn) -> Any:
    """Store one desk-timer event. An event of the same kind and start sent again (after a lost reply) is stored
    once; the answer is the same 201 with the stored event's id."""
    client = _client(request)
    try:
        event = DeskEventRecord.from_dict(payload.dict())
    except InvalidDeskEvent as exc:
        raise InputError(str(exc)) from None
    row, _ = DeskEvent.objects.record_once(client, event, source="api")
    return Status(201, {"id": row.pk})


@api.get("/safety", response=schemas.answers(ok=schemas.SafetyOut), tags=["safety"])
def safety(request: HttpRequest) -> Any:
    """The one safety gate, for the desk timer and `psoascare stretch --server`: may the client exercise now?"""
    return safety_state(_client(request)).as_dict(clinic_red_flags())


@api.get("/programme", response=schemas.answers(ok=schemas.ProgrammeOut), tags=["programme"])
def programme(request: HttpRequest) -> Any:
    from psoascare.web.programs.models import Assignment

    assignment = get_object_or_404(Assignment, client=_client(request))
    template = assignment.template()
    return {
        "template": assignment.template_slug,
        "title": template.title,
        "times": list(assignment.times),
        "days": list(assignment.days),
        "move_every_minutes": assignment.move_every_minutes,
        "items": [
            {"exercise": e.slug, "title": e.title, "sides": list(e.sides)} for e in assignment.scheduled_exercises()
        ],
    }


@api.get("/tokens", response=schemas.answers(ok=list[schemas.TokenOut]), tags=["tokens"])
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.filter(user=request.user.pk)


@api.post("/tokens", response=schemas.answers(created=schemas.NewTokenOut), tags=["tokens"])
def create_token(request: HttpRequest, payload: schemas.TokenIn) -> Any:
    assert isinstance(request.user, User)
    token, secret = ApiToken.issue(request.user, payload.name.strip() or "token")
    return Status(201, {**schemas.TokenOut.from_orm(token).dict(), "token": secret})


@api.delete("/tokens/{token_id}", response=schemas.answers(no_content=None), tags=["tokens"])
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    get_object_or_404(ApiToken, pk=token_id, user=request.user.pk).revoke()
    return Status(204, None)


api.add_router("/selfchecks", "psoascare.web.selfcheck.api.router")  # the Thomas self-checks (issue 13)
