"""The client's record: pain, ticked items, guided sessions and desk-timer events.

Each table's client column is indexed only by a composite index that begins with it (a unique constraint here, or
the dashboard's in clinic/migrations/0002), not by one of its own: the same reads, one index less to write per row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from psoascare.desk.records import DeskEvent as DeskEventRecord
    from psoascare.routines.records import SessionRecord


class PainRecord(models.Model):
    """Pain now on the NPRS, 0 (none) to 10 (worst imaginable); one per client and day, the latest wins."""

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pain_records", db_index=False)
    day = models.DateField()
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="one_pain_record_per_day"),
            models.CheckConstraint(condition=models.Q(score__lte=10), name="pain_score_at_most_10"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day}: {self.score}/10"

    @classmethod
    def record(cls, client: User, day: date, score: int, note: str = "") -> PainRecord:
        record, _ = cls.objects.update_or_create(
            client=client, day=day, defaults={"score": score, "note": note, "recorded_at": timezone.now()}
        )
        return record


class CompletedItem(models.Model):
    """A ticked item on the Today page (a stretch on one side at one time, an hourly move)."""

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="completed_items", db_index=False)
    day = models.DateField()
    item_key = models.CharField(max_length=120)
    label = models.CharField(max_length=200)
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_at"]
        constraints = [models.UniqueConstraint(fields=["client", "day", "item_key"], name="tick_once_per_day")]

    def __str__(self) -> str:
        return f"{self.client} {self.day} {self.item_key}"


class StretchSessionManager(models.Manager["StretchSession"]):
    def create_from_record(
        self, client: User, record: SessionRecord, source: str, client_key: uuid.UUID | None = None
    ) -> StretchSession:
        """Store the session, and tick the Today items it covered. A preview or a session stopped before the
        first hold is not adherence: RecordError, nothing stored."""
        from psoascare.web.journal.today import credit_session

        record.check_recordable()
        session = self.create(
            client=client,
            routine_slug=record.routine_slug,
            title=record.title,
            mode=record.mode,
            protocol=record.protocol or "",
            started_at=record.started_at,
            ended_at=record.ended_at,
            completed=record.completed,
            steps=[step for step in record.as_dict()["steps"]],
            source=source,
            client_key=client_key,
        )
        credit_session(session)
        return session

    def record_once(
        self, client: User, record: SessionRecord, source: str, client_key: uuid.UUID
    ) -> tuple[StretchSession, bool]:
        """Store the session unless this client already sent one with this key (a record queued offline and
        sent again, or a reply lost on the way): (the session, whether it is new). Never stored twice."""
        existing = self.filter(client=client, client_key=client_key).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                session = self.create_from_record(client, record, source, client_key)
        except IntegrityError:
            # The same key arrived twice at once: the unique constraint let one in; this is the other.
            return self.get(client=client, client_key=client_key), False
        return session, True


# Keys for sessions sent without one (the API): the routine and the moment it started name the session.
_RECORD_KEYS = uuid.UUID("6f1d0c8e-5b3a-4f0e-9a47-2c1e8d5b7a10")


def record_key(record: SessionRecord) -> uuid.UUID:
    """The key `record_once` stores a session under when its sender gave none: the same for the same session
    sent again, whatever time zone its start was written in."""
    started = record.started_at.astimezone(UTC).isoformat()
    return uuid.uuid5(_RECORD_KEYS, f"{record.routine_slug}|{started}")


class StretchSession(models.Model):
    """A guided session, finished or abandoned, with what was done step by step."""

    SOURCES = [("web", "Browser"), ("cli", "Terminal"), ("api", "API"), ("clinic", "Clinic")]

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="stretch_sessions", db_index=False)
    routine_slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    mode = models.CharField(max_length=16, default="home")
    protocol = models.CharField(max_length=80, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    completed = models.BooleanField()
    steps = models.JSONField(default=list)
    source = models.CharField(max_length=16, choices=SOURCES)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The key the player gave this record (its Idempotency-Key), so a session queued offline and sent again
    # is stored once; null for records that came without one.
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = StretchSessionManager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["client", "client_key"], name="one_session_per_client_key")]

    def __str__(self) -> str:
        return f"{self.client} {self.routine_slug} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds_done(self) -> float:
        return float(sum(step.get("done_seconds", 0) for step in self.steps))

    def as_record(self) -> SessionRecord:
        from psoascare.routines.records import SessionRecord

        data: dict[str, Any] = {
            "routine_slug": self.routine_slug,
            "title": self.title,
            "mode": self.mode,
            "protocol": self.protocol or None,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "completed": self.completed,
            "steps": self.steps,
        }
        return SessionRecord.from_dict(data)


class DeskEventManager(models.Manager["DeskEvent"]):
    def record_once(self, client: User, event: DeskEventRecord, source: str) -> tuple[DeskEvent, bool]:
        """Store the event unless the client already has one of its kind starting at the same moment (an upload
        sent again after its reply was lost, a spool delivered twice): (the row, whether it is new). Only a new
        break ticks the hourly move it stands for on the Today page, so a repeat never ticks a second one."""
        from psoascare.web.journal.today import credit_break

        kind = str(event.kind.value if hasattr(event.kind, "value") else event.kind)
        try:
            # The insert first: a repeat is rare, and the unique constraint decides even between two at once.
            with transaction.atomic():
                row = self.create(
                    client=client,
                    kind=kind,
                    started_at=event.started_at,
                    ended_at=event.ended_at,
                    detail=event.detail,
                    source=source,
                )
        except IntegrityError:
            return self.get(client=client, kind=kind, started_at=event.started_at), False
        credit_break(row)
        return row, True


class DeskEvent(models.Model):
    """What the desk timer saw: sitting bouts, nudges, breaks taken, snoozes, natural breaks."""

    KINDS = [
        ("sitting_bout", "Sitting bout"),
        ("nudge", "Nudge"),
        ("break_taken", "Break taken"),
        ("snoozed", "Snoozed"),
        ("natural_break", "Natural break"),
    ]
    SOURCES = [("desktop", "Desktop timer"), ("web", "Browser timer"), ("api", "API")]

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="desk_events", db_index=False)
    kind = models.CharField(max_length=20, choices=KINDS)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=16, choices=SOURCES)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeskEventManager()

    class Meta:
        ordering = ["-started_at"]
        # A timer cannot start two events of one kind at the same instant: the same one, delivered again. In this
        # order the constraint's index also serves every read, a client's events from a given start.
        constraints = [
            models.UniqueConstraint(fields=["client", "started_at", "kind"], name="one_desk_event_per_kind_and_start")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 60


class PsfsAssessment(models.Model):
    """Patient-specific functional scale: up to 3 activities the client finds hard, each rated 0–10.

    Stratford et al., Physiother Can 1995;47:258; taken at the start and every two weeks; our own wording.
    """

    EVERY_DAYS = 14

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="psfs_assessments")
    taken_on = models.DateField()
    activities = models.JSONField()  # [{"activity": "Putting on socks", "rating": 4}, ...]
    score = models.FloatField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.client} PSFS {self.taken_on}: {self.score:.1f}"

    @classmethod
    def record(cls, client: User, day: date, activities: list[tuple[str, int]]) -> PsfsAssessment:
        from psoascare.knowledge.outcomes import psfs_score

        score = psfs_score([rating for _, rating in activities])
        return cls.objects.create(
            client=client,
            taken_on=day,
            activities=[{"activity": name, "rating": rating} for name, rating in activities],
            score=score,
        )

    def initial_for_next(self) -> dict[str, str]:
        """The same activities again (the PSFS compares the same activities over time), to be re-rated."""
        return {f"activity_{row}": item["activity"] for row, item in enumerate(self.activities, start=1)}

    @classmethod
    def is_due(cls, client: User, day: date) -> bool:
        last = cls.objects.filter(client=client).first()
        return last is None or (day - last.taken_on).days >= cls.EVERY_DAYS


class RedFlagScreening(models.Model):
    """The client's answers to the red-flag questions, and what the app told them to do."""

    class Trigger(models.TextChoices):
        FIRST_LOGIN = "first-login", "First log-in"
        PAIN_RISE = "pain-rise", "Pain rose by 3 points or more in a week"
        SELF = "self", "Client chose to check"
        PSFS = "psfs", "Fortnightly check with the PSFS"

    class Outcome(models.TextChoices):
        CLEAR = "clear", "No red flags"
        URGENT = "urgent", "Urgent"
        EMERGENCY = "emergency", "Emergency"

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="red_flag_screenings")
    answered_at = models.DateTimeField(default=timezone.now)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    answers = models.JSONField()  # {sign slug: true/false}
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at"]

    def __str__(self) -> str:
        return f"{self.client} {self.answered_at:%Y-%m-%d}: {self.outcome}"

    @property
    def flagged(self) -> bool:
        return self.outcome != self.Outcome.CLEAR

    @property
    def signs_answered_yes(self) -> list[str]:
        return [slug for slug, yes in self.answers.items() if yes]

    @property
    def questions_answered_yes(self) -> list[str]:
        """The questions answered "yes", in words (a question since retired keeps its key)."""
        from psoascare.knowledge.content import ContentError, red_flags

        flags = red_flags()
        words = []
        for slug in self.signs_answered_yes:
            try:
                words.append(flags.sign(slug).question)
            except ContentError:
                words.append(slug)
        return words


PAIN_RISE_POINTS = 3


def pain_rose_sharply(client: User, day: date) -> bool:
    """True when today's pain is at least 3 points above the lowest score of the 7 days before it."""
    from datetime import timedelta

    today = PainRecord.objects.filter(client=client, day=day).first()
    if today is None:
        return False
    week = PainRecord.objects.filter(client=client, day__gte=day - timedelta(days=7), day__lt=day)
    lowest = week.aggregate(models.Min("score"))["score__min"]
    return lowest is not None and today.score - lowest >= PAIN_RISE_POINTS


def screening_needed(client: User, day: date) -> str | None:
    """The reason the red-flag questions must be asked now, or None."""
    screenings = RedFlagScreening.objects.filter(client=client)
    if not screenings.exists():
        return RedFlagScreening.Trigger.FIRST_LOGIN
    if pain_rose_sharply(client, day):
        today_record = PainRecord.objects.get(client=client, day=day)
        if not screenings.filter(answered_at__gte=today_record.recorded_at).exists():
            return RedFlagScreening.Trigger.PAIN_RISE
    return None


class PageStamp(models.Model):
    """A random number per account that the database changes, by trigger, with every write to a row the
    client's Today page or calendar feed shows (`psoascare.web.journal.stamps`): the key of those pages'
    caches. Made and removed with the account by trigger too, so no ORM relation: the ORM never writes it."""

    client_id = models.IntegerField(primary_key=True)
    stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.client_id}: {self.stamp}"
