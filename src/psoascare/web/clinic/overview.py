"""Each client at a glance for the therapist: adherence this week, pain and its trend, red flags, last activity.

Set-based: a fixed number of queries for any number of clients (one for the clients with their latest pain and
activity as correlated subqueries on indexed columns, one each for open red flags, two weeks of pain,
assignments and this week's ticks); the rules stay the lead's (`unreviewed_level` and `SafetyState.paused` for
the pause, `nprs_weekly_change` for "worse"). The ranking covers all of a therapist's clients; the page shows
PAGE_SIZE of them.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from psoascare.knowledge.outcomes import Change, nprs_weekly_change
from psoascare.knowledge.safety import unreviewed_level
from psoascare.routines.schedule import DueItem
from psoascare.web.accounts.models import client_ids_of, clients_of
from psoascare.web.clinic.models import Message
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, RedFlagScreening, StretchSession
from psoascare.web.journal.safety import SafetyState
from psoascare.web.programs.models import Assignment, ProgrammeTemplate

WEEK = 7
PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class Adherence:
    done: int
    due: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


@dataclass(frozen=True)
class PainReading:
    score: int
    day: date


class ClientRow(NamedTuple):
    """A client as the dashboard reads them: names and latest activity for the ranking, from one query; latest
    pain and unread messages only for the rows shown (`with_details`)."""

    pk: int
    username: str
    first_name: str
    last_name: str
    last_activity: datetime | None
    last_pain_score: int | None = None
    last_pain_day: date | None = None
    unread_messages: int = 0  # messages from the client their therapist has not read yet


@dataclass(frozen=True)
class ClientSummary:
    row: ClientRow
    adherence: Adherence
    last_pain: PainReading | None
    pain_trend: Change | None
    open_red_flag: RedFlagScreening | None
    last_activity: datetime | None
    paused: bool
    has_routine: bool
    user: User | None = None  # the client page passes the user it has; the dashboard makes one per shown row

    @cached_property
    def client(self) -> User:
        """The client (built from the row without a query: only the rows on the page ever need one)."""
        if self.user is not None:
            return self.user
        row = self.row
        return User(id=row.pk, username=row.username, first_name=row.first_name, last_name=row.last_name)

    @cached_property
    def name(self) -> str:
        return self.client.get_full_name() or self.client.username

    @cached_property
    def adherence_words(self) -> str:
        percent = self.adherence.percent
        return "" if percent is None else f"{percent} %"

    @cached_property
    def adherence_count(self) -> str:
        return f"({self.adherence.done}/{self.adherence.due})"

    @cached_property
    def last_pain_words(self) -> tuple[str, str]:
        """("4/10", "1 Dec"), or empty strings."""
        pain = self.last_pain
        return ("", "") if pain is None else (f"{pain.score}/10", f"{pain.day.day} {pain.day:%b}")

    @cached_property
    def last_activity_words(self) -> str:
        return ago(self.last_activity, timezone.now()) if self.last_activity else ""

    @cached_property
    def url(self) -> str:
        return _client_url_pattern(get_script_prefix()).format(self.row.pk)

    @property
    def attention(self) -> tuple[int, ...]:
        """Sort key: red flags first, then pain getting worse, low adherence, and long silence."""
        return self.attention_at(timezone.now())

    def attention_at(self, now: datetime) -> tuple[int, ...]:
        silent_days = (now - self.last_activity).days if self.last_activity else 999
        percent = self.adherence.percent
        return (
            0 if self.open_red_flag else 1,
            0 if self.pain_trend and self.pain_trend.meaningful and self.pain_trend.direction == "worse" else 1,
            100 if percent is None else percent,
            -silent_days,
        )


# (minutes in the unit, from how many minutes it is used, the unit): weeks from two weeks, months from two months.
AGO_UNITS = ((30 * 24 * 60, 61 * 24 * 60, "month"), (7 * 24 * 60, 14 * 24 * 60, "week"), (24 * 60, 24 * 60, "day"),
             (60, 60, "hour"), (1, 1, "minute"))  # fmt: skip


def ago(moment: datetime, now: datetime) -> str:
    """How long ago, in the one unit a glance needs ("3 hours ago", "2 weeks ago"): plain text, cheaper to render
    for fifty rows than Django's two-unit timesince with its translation lookups."""
    minutes = max(0, int((now - moment).total_seconds() // 60))
    for unit_minutes, from_minutes, unit in AGO_UNITS:
        if minutes >= from_minutes:
            count = minutes // unit_minutes
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


@cache
def _client_url_pattern(script_prefix: str) -> str:
    """The client page's address with `{}` for the id: reversing a URL for each of fifty rows cost a tenth of the
    dashboard's rendering."""
    return reverse("clinic:client", args=[987654321]).replace("987654321", "{}")


@dataclass(frozen=True)
class _Scheduled:
    """A window's stretch items as (day, item key): those already past their time, and those still to come."""

    past: frozenset[tuple[date, str]]
    upcoming: frozenset[tuple[date, str]]

    @classmethod
    def of(cls, due_by_day: dict[date, list[DueItem]], start: date, now: datetime) -> _Scheduled:
        past: set[tuple[date, str]] = set()
        upcoming: set[tuple[date, str]] = set()
        for day, items in due_by_day.items():
            if day < start:
                continue
            for item in items:
                if item.kind == "stretch":
                    is_past = day < now.date() or (day == now.date() and item.at <= now.time())
                    (past if is_past else upcoming).add((day, item.key))
        return cls(frozenset(past), frozenset(upcoming))

    def adherence(self, done: set[tuple[date, str]]) -> Adherence:
        """Ticked items against those due: past their time, or done a little early (no longer waiting)."""
        due = self.past | (self.upcoming & done)
        return Adherence(len(due & done), len(due))


def adherence_from(
    due_by_day: dict[date, list[DueItem]], done: set[tuple[date, str]], start: date, now: datetime
) -> Adherence:
    """Ticked stretch items against those already due from `start`: today only up to the current time (an
    evening stretch is not missed at noon); one done a little early counts as due and done."""
    return _Scheduled.of(due_by_day, start, now).adherence(done)


class _WindowStart:
    """The first day of a client's window: the window's first day, or the day the programme was assigned."""

    def __init__(self, end: date, days: int) -> None:
        self.first = end - timedelta(days=days - 1)
        # A programme assigned two days or more before the window began started before it, in any time zone:
        # no local-time conversion needed (the common case, and the costly part for a thousand clients).
        self.surely_before = datetime.combine(self.first - timedelta(days=2), time(0), tzinfo=UTC)

    def __call__(self, assigned_at: datetime) -> date:
        if assigned_at < self.surely_before:
            return self.first
        return max(self.first, timezone.localtime(assigned_at).date())


def stretch_adherence(client: User, end: date, days: int = WEEK, now: datetime | None = None) -> Adherence:
    """One client's adherence over the `days` days up to `end`, from the day the programme started."""
    assignment = Assignment.objects.filter(client=client).select_related("programme").first()
    if assignment is None:
        return Adherence(0, 0)
    start = _WindowStart(end, days)(assignment.assigned_at)
    done = set(CompletedItem.objects.filter(client=client, day__range=(start, end)).values_list("day", "item_key"))
    return adherence_from(assignment.due_between(start, end), done, start, timezone.localtime(now))


# An assignment's set-up, as stored: the JSON fields as their text, so equal set-ups compare equal unparsed.
SETUP_FIELDS = (
    "template_slug",
    "programme_id",
    "item_overrides",
    "times",
    "days",
    "move_every_minutes",
    "work_start",
    "work_end",
    "work_days",
)
JSON_SETUP_FIELDS = ("item_overrides", "times", "days", "work_days")


class _Schedules:
    """What is due in the window, worked out once per distinct programme set-up (most clients share a few)
    rather than once per client; the assignments come as plain rows, parsed only once per set-up."""

    def __init__(self, first: date, last: date, now: datetime, programmes: dict[int, ProgrammeTemplate]) -> None:
        self.first, self.last, self.now, self.programmes = first, last, now, programmes
        self.due: dict[tuple[Any, ...], dict[date, list[DueItem]]] = {}
        self.scheduled: dict[tuple[tuple[Any, ...], date], _Scheduled] = {}

    @staticmethod
    def rows(ids: QuerySet[Any, Any]) -> Iterable[tuple[Any, ...]]:
        """(client id, assigned at, *set-up) for these clients' assignments."""
        fields = [Cast(f, TextField()) if f in JSON_SETUP_FIELDS else F(f) for f in SETUP_FIELDS]
        return Assignment.objects.filter(client_id__in=ids).order_by().values_list("client_id", "assigned_at", *fields)

    def for_setup(self, setup: tuple[Any, ...], start: date) -> _Scheduled:
        found = self.scheduled.get((setup, start))
        if found is None:
            if setup not in self.due:
                values = dict(zip(SETUP_FIELDS, setup, strict=True))
                for name in JSON_SETUP_FIELDS:
                    values[name] = json.loads(values[name])
                programme_id = values.pop("programme_id")
                assignment = Assignment(**values, programme=self.programmes.get(programme_id))
                self.due[setup] = assignment.due_between(self.first, self.last)
            found = self.scheduled[(setup, start)] = _Scheduled.of(self.due[setup], start, self.now)
        return found


def _latest(model: type[Model], field: str, order: str) -> Subquery:
    rows = model.objects.filter(client=OuterRef("pk")).order_by(f"-{order}").values(field)[:1]  # type: ignore[attr-defined]
    return Subquery(rows)


# Stands for "never" inside SQL, where GREATEST (PostgreSQL) and MAX (SQLite) treat NULL differently.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def client_rows(clients: QuerySet[User]) -> list[ClientRow]:
    """The clients with their latest activity (the ranking's last key): one query, each value one index probe."""

    def latest_or_never(model: type[Model], field: str, order: str) -> Coalesce:
        return Coalesce(_latest(model, field, order), Value(NEVER), output_field=DateTimeField())

    annotated = clients.annotate(
        last_activity=Greatest(
            latest_or_never(PainRecord, "recorded_at", "recorded_at"),
            latest_or_never(CompletedItem, "done_at", "done_at"),
            # Sessions do not overlap: the one that started last ended last.
            latest_or_never(StretchSession, "ended_at", "started_at"),
            latest_or_never(DeskEvent, "started_at", "started_at"),
            output_field=DateTimeField(),
        ),
    )
    return [
        ClientRow(pk, username, first, last, None if moment is None or moment <= NEVER else moment)
        for pk, username, first, last, moment in annotated.values_list(
            "pk", "username", "first_name", "last_name", "last_activity"
        )
    ]


def with_details(shown: Sequence[ClientSummary]) -> list[ClientSummary]:
    """The shown rows with their latest pain and unread messages: one query for the page, not for every client
    the ranking read."""
    unread = (
        Message.objects.filter(sender=OuterRef("pk"), recipient=OuterRef("profile__therapist"), read_at__isnull=True)
        .order_by()
        .values("sender")
        .annotate(count=Count("id"))
        .values("count")[:1]
    )
    details = {
        pk: (score, day, count)
        for pk, score, day, count in User.objects.filter(pk__in=[summary.row.pk for summary in shown])
        .annotate(
            unread_messages=Coalesce(Subquery(unread), Value(0)),
            last_pain_score=_latest(PainRecord, "score", "day"),
            last_pain_day=_latest(PainRecord, "day", "day"),
        )
        .values_list("pk", "last_pain_score", "last_pain_day", "unread_messages")
    }
    detailed = []
    for summary in shown:
        score, day, count = details.get(summary.row.pk, (None, None, 0))
        row = summary.row._replace(last_pain_score=score, last_pain_day=day, unread_messages=count)
        last_pain = PainReading(score, day) if score is not None and day is not None else None
        detailed.append(dataclasses.replace(summary, row=row, last_pain=last_pain))
    return detailed


def summaries(
    clients: Sequence[ClientRow], ids: QuerySet[Any, Any], today: date, now: datetime | None = None
) -> list[ClientSummary]:
    """Summaries of `clients` (from `client_rows`); `ids` is a query for their ids, used as a subquery."""
    now = timezone.localtime(now)
    first = today - timedelta(days=WEEK - 1)
    flagged: dict[int, list[RedFlagScreening]] = defaultdict(list)
    open_screenings = RedFlagScreening.objects.filter(client_id__in=ids, reviewed_at__isnull=True).exclude(
        outcome=RedFlagScreening.Outcome.CLEAR
    )
    for screening in open_screenings:  # newest first (the model's ordering), as SafetyState.flagged
        flagged[screening.client_id].append(screening)
    # Each week's sum and count of scores, per client, in SQL; the rule itself stays nprs_weekly_change's: given
    # one score per week that is the week's mean, its weekly means are exactly sum / count, as over every day.
    this_week = Q(day__gt=today - timedelta(days=WEEK))
    two_weeks = PainRecord.objects.filter(client_id__in=ids, day__gt=today - timedelta(days=2 * WEEK), day__lte=today)
    weekly = (
        two_weeks.order_by()
        .values("client_id")
        .annotate(
            this_sum=Sum("score", filter=this_week),
            this_count=Count("id", filter=this_week),
            last_sum=Sum("score", filter=~this_week),
            last_count=Count("id", filter=~this_week),
        )
    )
    pain: dict[int, dict[date, float]] = {}
    for row in weekly:
        means = {}
        if row["this_count"]:
            means[today] = row["this_sum"] / row["this_count"]
        if row["last_count"]:
            means[today - timedelta(days=WEEK)] = row["last_sum"] / row["last_count"]
        pain[row["client_id"]] = means
    programmes = {p.pk: p for p in ProgrammeTemplate.objects.filter(assignments__client_id__in=ids).distinct()}
    schedules = _Schedules(first, today, now, programmes)
    assignments = {row[0]: row[1:] for row in schedules.rows(ids)}
    done: dict[int, set[tuple[date, str]]] = defaultdict(set)
    ticks = CompletedItem.objects.filter(client_id__in=ids, day__range=(first, today))
    for client_id, day, key in ticks.order_by().values_list("client_id", "day", "item_key"):
        done[client_id].add((day, key))
    window_start = _WindowStart(today, WEEK)
    # Most clients share their answers to these two rules: each distinct input is worked out once per page.
    paused_by_outcomes: dict[tuple[str, ...], bool] = {}
    trend_by_means: dict[tuple[float | None, float | None], Change | None] = {}
    last_week = today - timedelta(days=WEEK)
    rows = []
    for client in clients:
        screenings = flagged.get(client.pk, [])
        outcomes = tuple(s.outcome for s in screenings)
        paused = paused_by_outcomes.get(outcomes)
        if paused is None:
            # The pause is the gate's own rule (SafetyState.paused over unreviewed_level); whether the questions
            # are due again does not change it, and the client page and the gate itself ask that separately.
            state = SafetyState(unreviewed_level(outcomes), screening_due=None, flagged=(), has_therapist=True)
            paused = paused_by_outcomes[outcomes] = state.paused
        means = pain.get(client.pk, {})
        trend_key = (means.get(today), means.get(last_week))
        if trend_key in trend_by_means:
            trend = trend_by_means[trend_key]
        else:
            trend = trend_by_means[trend_key] = nprs_weekly_change(means, today)
        assignment = assignments.get(client.pk)
        adherence = Adherence(0, 0)
        if assignment is not None:
            assigned_at, *setup = assignment
            adherence = schedules.for_setup(tuple(setup), window_start(assigned_at)).adherence(done[client.pk])
        rows.append(
            ClientSummary(
                row=client,
                adherence=adherence,
                last_pain=None,  # read for the shown rows only (with_details)
                pain_trend=trend,
                open_red_flag=screenings[0] if screenings else None,
                last_activity=client.last_activity,
                paused=paused,
                has_routine=assignment is not None,
            )
        )
    return rows


def summarise(client: User, today: date) -> ClientSummary:
    """One client's summary (the client page): the same queries as one dashboard row."""
    ids = User.objects.filter(pk=client.pk)
    summary = with_details(summaries(client_rows(ids), ids.values("pk"), today))[0]
    return dataclasses.replace(summary, user=client)


def search_filter(text: str) -> Q:
    q = Q()
    for word in text.split()[:5]:
        q &= Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return q


@dataclass(frozen=True)
class Dashboard:
    page: Page[ClientSummary]
    total: int
    search: str

    @property
    def rows(self) -> list[ClientSummary]:
        return list(self.page.object_list)


def dashboard(therapist: User, today: date, search: str = "", page: str | int | None = 1) -> Dashboard:
    """The therapist's clients matching `search`, ranked by who needs attention, PAGE_SIZE at a time."""
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        clients = clients_of(therapist).filter(search_filter(search))
        ids: QuerySet[Any, Any] = clients.values("pk")
    else:
        clients, ids = clients_of(therapist), client_ids_of(therapist)
    rows = summaries(client_rows(clients), ids, today)
    now = timezone.now()
    ranked = sorted(rows, key=lambda row: row.attention_at(now))
    shown = Paginator(ranked, PAGE_SIZE).get_page(page)
    shown.object_list = with_details(list(shown.object_list))
    return Dashboard(shown, len(ranked), search)
