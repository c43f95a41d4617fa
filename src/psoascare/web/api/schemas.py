from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str


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
    started_at: str = Field(..., description="ISO 8601 with time zone")
    ended_at: str = Field(..., description="ISO 8601 with time zone")
    completed: bool
    steps: list[StepIn]


class DeskEventIn(Schema):
    kind: str = Field(..., description="sitting_bout, nudge, break_taken, snoozed or natural_break")
    started_at: str = Field(..., description="ISO 8601 with time zone")
    ended_at: str | None = Field(None, description="ISO 8601 with time zone")
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
