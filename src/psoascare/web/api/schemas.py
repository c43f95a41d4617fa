from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator


def parse_aware_datetime(text: str) -> datetime:
    """An ISO 8601 date and time with a time zone, e.g. 2026-11-25T09:00:00+00:00; nothing else (no numbers)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("expected an ISO 8601 date and time, e.g. 2026-11-25T09:00:00+00:00") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("the date and time must carry a time zone, e.g. 2026-11-25T09:00:00+00:00")
    return value


def _check_aware_datetime(text: str) -> str:
    parse_aware_datetime(text)
    return text


# Sent as text, kept as text (the session and desk records parse it themselves), described as date-time.
IsoDateTime = Annotated[str, AfterValidator(_check_aware_datetime), Field(json_schema_extra={"format": "date-time"})]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A request the schema refuses (a missing field, a value out of range): one entry per problem."""

    detail: list[dict[str, Any]]


class PainIn(Schema):
    day: date | None = None
    score: int = Field(..., ge=0, le=10, description="NPRS: 0 no pain … 10 worst imaginable")
    note: str = Field("", max_length=500)


class PainOut(Schema):
    id: int
    day: date
    score: int
    note: str
    recorded_at: datetime


class CreatedOut(Schema):
    id: int


class SessionOut(Schema):
    id: int
    routine_slug: str
    title: str
    mode: str
    protocol: str
    started_at: datetime
    ended_at: datetime
    completed: bool
    steps: list[dict[str, object]]
    source: str


class DeskEventOut(Schema):
    id: int
    kind: str
    started_at: datetime
    ended_at: datetime | None
    detail: str
    source: str


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


class ProgrammeItemOut(Schema):
    exercise: str
    title: str
    sides: list[str]


class ProgrammeOut(Schema):
    template: str
    title: str
    times: list[str]
    days: list[int]
    move_every_minutes: int | None
    items: list[ProgrammeItemOut]


class StepIn(Schema):
    exercise: str = Field(..., description="exercise slug, e.g. bed-edge-hang")
    side: str = Field(..., description="left, right or both")
    rep: int
    kind: str = Field(..., description="hold, contract, relax or reps")
    planned_seconds: float
    done_seconds: float
    skipped: bool


class SessionIn(Schema):
    routine_slug: str
    title: str
    mode: str = Field(..., description="home or clinic")
    protocol: str | None = None
    started_at: IsoDateTime = Field(..., description="ISO 8601 with time zone")
    ended_at: IsoDateTime = Field(..., description="ISO 8601 with time zone")
    completed: bool
    steps: list[StepIn]


class DeskEventIn(Schema):
    kind: str = Field(..., description="sitting_bout, nudge, break_taken, snoozed or natural_break")
    started_at: IsoDateTime = Field(..., description="ISO 8601 with time zone")
    ended_at: IsoDateTime | None = Field(None, description="ISO 8601 with time zone")
    detail: str = ""


class SafetyOut(Schema):
    level: str = Field(..., description="clear, urgent or emergency (the most serious unreviewed answer)")
    paused: bool
    screening_due: str | None = Field(None, description="why the safety questions must be answered first")
    allows_exercise: bool
    message: str
    title: str
    action: str = Field(..., description="what to do now, in the clinic's own wording")
    signs: list[str]


# The error answers every route can give (see psoascare.web.api.api's docstring).
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


def answers(**by_status: Any) -> dict[int, Any]:
    """A route's own answers (ok=Schema for 200, created=… for 201, forbidden=… for 403) plus ERRORS, so the
    spec lists every status the route can give. Routers mounted on the API use it too."""
    codes = {"ok": 200, "created": 201, "no_content": 204, "forbidden": 403}
    return {**{codes[name]: schema for name, schema in by_status.items()}, **ERRORS}
