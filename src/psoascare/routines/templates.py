"""Routine templates and resisted-stretch protocols (data/routines.toml, data/protocols.toml).

A template lists exercises with optional dose overrides and when to do them. `with_overrides` is how a
therapist's changes for one client are applied: it returns a new, validated template or raises
RoutineError saying what is wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

from psoascare.routines.library import (
    Exercise,
    ExerciseLibrary,
    FieldReader,
    LibraryError,
    check_sides,
    default_library,
    dose_words,
    read_toml,
)

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SWITCH_SECONDS: Final = 15.0  # time to move across a bed and settle the other leg

# Bounds a therapist may set for resisted stretching. The sources give about 20 % effort, 3–10 s
# contractions, 2–3 s relaxation, about 3 reps and a 5–60 s final stretch; the bounds are wider so a
# therapist can adapt, but not so wide that a typo (80 s contraction, 100 reps) goes through.
PROTOCOL_BOUNDS: Final[dict[str, tuple[float, float]]] = {
    "effort_percent": (5, 50),
    "contract_seconds": (2, 15),
    "relax_seconds": (1, 10),
    "reps": (1, 6),
    "final_hold_seconds": (5, 120),
}
# Dose bounds: far outside what any source suggests means a typo.
MAX_HOLD_SECONDS: Final = 300.0
MAX_SETS: Final = 20
MAX_REPS: Final = 100


class RoutineError(LibraryError):
    """A routine template or override that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class ResistedProtocol:
    """Timing and cues for a contract-relax style stretch, done per side."""

    slug: str
    title: str
    effort_percent: float
    contract_seconds: float
    relax_seconds: float
    reps: int
    final_hold_seconds: float
    contract_cue: str
    relax_cue: str
    sink_cue: str
    source: str

    def __post_init__(self) -> None:
        for name, (low, high) in PROTOCOL_BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                raise RoutineError(f"protocol {self.slug!r}: {name} must be between {low:g} and {high:g}")
        if not isinstance(self.reps, int):
            raise RoutineError(f"protocol {self.slug!r}: reps must be a whole number")


@dataclass(frozen=True)
class RoutineItem:
    """An exercise in a routine; None means 'use the exercise's own dose'."""

    exercise: str
    sets: int | None = None
    hold_seconds: float | None = None
    reps: int | None = None
    seconds_per_rep: float | None = None
    rest_seconds: float | None = None
    sides: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Dose:
    """The dose actually played: the exercise's defaults with the item's overrides applied."""

    sides: tuple[str, ...]
    sets: int
    hold_seconds: float | None
    reps: int | None
    seconds_per_rep: float | None
    rest_seconds: float
    prepare_seconds: float

    @property
    def work_seconds(self) -> float:
        """Length of one hold or one block of reps."""
        if self.hold_seconds is not None:
            return self.hold_seconds
        assert self.reps is not None and self.seconds_per_rep is not None
        return self.reps * self.seconds_per_rep

    def words(self, *, side_suffix: str = "") -> str:
        """The dose in words, in the form of Exercise.dose_text ('2 × 30 s each side, 15 s rest')."""
        return dose_words(
            self.sets, self.hold_seconds, self.reps, self.sides, self.rest_seconds, side_suffix=side_suffix
        )


def resolve_dose(item: RoutineItem, exercise: Exercise, *, where: str = "") -> Dose:
    """Applies the item's overrides to the exercise's dose, checking that they fit the exercise."""
    label = where or f"routine item {item.exercise!r}"
    if exercise.is_hold and (item.reps is not None or item.seconds_per_rep is not None):
        raise RoutineError(f"{label}: {exercise.slug!r} is a timed hold; set 'hold_seconds', not 'reps'")
    if not exercise.is_hold and item.hold_seconds is not None:
        raise RoutineError(f"{label}: {exercise.slug!r} is done in reps; set 'reps', not 'hold_seconds'")
    return Dose(
        sides=item.sides if item.sides is not None else exercise.sides,
        sets=item.sets if item.sets is not None else exercise.sets,
        hold_seconds=item.hold_seconds if item.hold_seconds is not None else exercise.hold_seconds,
        reps=item.reps if item.reps is not None else exercise.reps,
        seconds_per_rep=item.seconds_per_rep if item.seconds_per_rep is not None else exercise.seconds_per_rep,
        rest_seconds=item.rest_seconds if item.rest_seconds is not None else exercise.rest_seconds,
        prepare_seconds=exercise.prepare_seconds,
    )


@dataclass(frozen=True)
class RoutineTemplate:
    """A named routine: what to do (items), when (times, days), and for clinic routines, the protocol."""

    slug: str
    title: str
    summary: str
    items: tuple[RoutineItem, ...]
    times: tuple[time, ...] = ()
    days: tuple[str, ...] = WEEKDAYS
    move_every_minutes: int | None = None
    moves: tuple[str, ...] = ()
    protocol: ResistedProtocol | None = None
    switch_seconds: float = DEFAULT_SWITCH_SECONDS

    @property
    def mode(self) -> str:
        """'clinic' for resisted-stretch protocols done with a therapist, 'home' otherwise."""
        return "clinic" if self.protocol is not None else "home"

    def validate(self, library: ExerciseLibrary | None = None) -> RoutineTemplate:
        """Checks every item against the library; returns self so calls can chain."""
        library = library or default_library()
        label = f"routine {self.slug!r}"
        if not self.items:
            raise RoutineError(f"{label} has no exercises: add at least one item")
        for index, item in enumerate(self.items, start=1):
            where = f"{label}, item {index} ({item.exercise!r})"
            if item.exercise not in library:
                raise RoutineError(f"{where}: unknown exercise {item.exercise!r}")
            _check_item_numbers(item, where)
            if item.sides is not None:
                try:
                    check_sides(item.sides, where)
                except LibraryError as exc:
                    raise RoutineError(str(exc)) from None
            resolve_dose(item, library.get(item.exercise), where=where)
        for move in self.moves:
            if move not in library:
                raise RoutineError(f"{label}: unknown move exercise {move!r}")
        if self.move_every_minutes is not None and not 10 <= self.move_every_minutes <= 240:
            raise RoutineError(f"{label}: move_every_minutes must be between 10 and 240")
        for day in self.days:
            if day not in WEEKDAYS:
                raise RoutineError(f"{label}: unknown day {day!r}; use {', '.join(WEEKDAYS)}")
        if not 0 < self.switch_seconds <= 60:
            raise RoutineError(f"{label}: switch_seconds must be more than 0 and at most 60")
        return self

    def dose(self, item: RoutineItem, library: ExerciseLibrary | None = None) -> Dose:
        return resolve_dose(item, (library or default_library()).get(item.exercise))

    def with_overrides(
        self,
        *,
        title: str | None = None,
        items: Sequence[RoutineItem | Mapping[str, Any]] | None = None,
        item_overrides: Mapping[str, Mapping[str, Any]] | None = None,
        protocol: Mapping[str, Any] | None = None,
        times: Sequence[str | time] | None = None,
        days: Sequence[str] | str | None = None,
        move_every_minutes: int | None = None,
        switch_seconds: float | None = None,
        library: ExerciseLibrary | None = None,
    ) -> RoutineTemplate:
        """A validated copy with the therapist's changes.

        items replaces the exercise list; item_overrides maps an exercise slug already in the routine to
        dose fields (sets, hold_seconds, reps, seconds_per_rep, rest_seconds, sides); protocol changes
        resisted-stretch parameters (effort_percent, contract_seconds, ...). Raises RoutineError.
        """
        label = f"routine {self.slug!r}"
        changed = self
        if title is not None:
            if not title.strip():
                raise RoutineError(f"{label}: title cannot be empty")
            changed = dataclasses.replace(changed, title=title.strip())
        if items is not None:
            parsed = tuple(
                item if isinstance(item, RoutineItem) else parse_item(item, f"{label}, item {i}")
                for i, item in enumerate(items, start=1)
            )
            changed = dataclasses.replace(changed, items=parsed)
        if item_overrides:
            present = {item.exercise for item in changed.items}
            unknown = sorted(set(item_overrides) - present)
            if unknown:
                raise RoutineError(f"{label}: cannot override {unknown}: not in this routine")
            new_items = []
            for item in changed.items:
                fields = item_overrides.get(item.exercise)
                if fields:
                    merged = {k: v for k, v in dataclasses.asdict(item).items() if v is not None}
                    merged.update(fields)
                    item = parse_item(merged, f"{label}, override for {item.exercise!r}")
                new_items.append(item)
            changed = dataclasses.replace(changed, items=tuple(new_items))
        if protocol:
            if changed.protocol is None:
                raise RoutineError(f"{label} is a home routine: it has no protocol to change")
            allowed = set(PROTOCOL_BOUNDS)
            unknown = sorted(set(protocol) - allowed)
            if unknown:
                raise RoutineError(f"{label}: unknown protocol field(s) {unknown}; allowed: {sorted(allowed)}")
            try:
                new_protocol = dataclasses.replace(changed.protocol, **protocol)
            except TypeError as exc:
                raise RoutineError(f"{label}: {exc}") from None
            changed = dataclasses.replace(changed, protocol=new_protocol)
        if times is not None:
            changed = dataclasses.replace(changed, times=tuple(_parse_time(t, label) for t in times))
        if days is not None:
            changed = dataclasses.replace(changed, days=_parse_days(days, label))
        if move_every_minutes is not None:
            changed = dataclasses.replace(changed, move_every_minutes=move_every_minutes)
        if switch_seconds is not None:
            changed = dataclasses.replace(changed, switch_seconds=float(switch_seconds))
        return changed.validate(library)


def _check_item_numbers(item: RoutineItem, where: str) -> None:
    checks: tuple[tuple[str, object, float], ...] = (
        ("sets", item.sets, MAX_SETS),
        ("reps", item.reps, MAX_REPS),
    )
    for name, value, high in checks:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise RoutineError(f"{where}: {name} must be a whole number from 1 to {high:g}, got {value!r}")
    seconds: tuple[tuple[str, object, bool], ...] = (
        ("hold_seconds", item.hold_seconds, False),
        ("seconds_per_rep", item.seconds_per_rep, False),
        ("rest_seconds", item.rest_seconds, True),
    )
    for name, value, zero_ok in seconds:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RoutineError(f"{where}: {name} must be a number of seconds, got {value!r}")
        if value < 0 or (value == 0 and not zero_ok) or value > MAX_HOLD_SECONDS:
            low = "0" if zero_ok else "more than 0"
            raise RoutineError(f"{where}: {name} must be {low} and at most {MAX_HOLD_SECONDS:g} s, got {value:g}")


_ITEM_FIELDS: Final = ("sets", "hold_seconds", "reps", "seconds_per_rep", "rest_seconds", "sides")


def parse_item(raw: Mapping[str, Any], where: str) -> RoutineItem:
    """A routine item from a TOML table or a JSON object; numbers are checked in RoutineTemplate.validate."""
    if not isinstance(raw, Mapping):
        raise RoutineError(f"{where}: an item must be a table/object")
    unknown = sorted(str(key) for key in raw if key not in {"exercise", *_ITEM_FIELDS})
    if unknown:
        raise RoutineError(f"{where}: unknown field(s) {unknown}; allowed: exercise, {', '.join(_ITEM_FIELDS)}")
    exercise = raw.get("exercise")
    if not isinstance(exercise, str) or not exercise:
        raise RoutineError(f"{where}: missing field 'exercise' (an exercise slug)")
    sides = raw.get("sides")
    if sides is not None:
        if isinstance(sides, str):
            sides = [sides]
        if not isinstance(sides, list | tuple) or not all(isinstance(s, str) for s in sides):
            raise RoutineError(f"{where}: sides must be a list such as ['left', 'right'] or ['both']")
        sides = tuple(sides)
    item = RoutineItem(
        exercise=exercise,
        sets=raw.get("sets"),
        hold_seconds=raw.get("hold_seconds"),
        reps=raw.get("reps"),
        seconds_per_rep=raw.get("seconds_per_rep"),
        rest_seconds=raw.get("rest_seconds"),
        sides=sides,
    )
    _check_item_numbers(item, where)
    return item


def _parse_time(value: str | time, label: str) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise RoutineError(f"{label}: times must look like '07:30', got {value!r}")
    hour, minute = int(value[:2]), int(value[3:])
    if hour > 23 or minute > 59:
        raise RoutineError(f"{label}: {value!r} is not a clock time")
    return time(hour, minute)


def _parse_days(value: Sequence[str] | str, label: str) -> tuple[str, ...]:
    if value == "daily":
        return WEEKDAYS
    if isinstance(value, str) or not value:
        raise RoutineError(f"{label}: days must be 'daily' or a list such as ['mon', 'wed']")
    for day in value:
        if day not in WEEKDAYS:
            raise RoutineError(f"{label}: unknown day {day!r}; use {', '.join(WEEKDAYS)}")
    return tuple(value)


_PROTOCOL_FIELDS: Final = (
    "slug",
    "title",
    "effort_percent",
    "contract_seconds",
    "relax_seconds",
    "reps",
    "final_hold_seconds",
    "contract_cue",
    "relax_cue",
    "sink_cue",
    "source",
)


def parse_protocol(raw: object, where: str) -> ResistedProtocol:
    if not isinstance(raw, Mapping):
        raise RoutineError(f"{where}: each [[protocol]] must be a table")
    fields = FieldReader(raw, where, required=_PROTOCOL_FIELDS, optional=())
    reps = fields.count("reps", default=None)
    assert reps is not None
    try:
        return ResistedProtocol(
            slug=fields.slug("slug"),
            title=fields.text("title"),
            effort_percent=fields.seconds("effort_percent", default=None) or 0.0,
            contract_seconds=fields.seconds("contract_seconds", default=None) or 0.0,
            relax_seconds=fields.seconds("relax_seconds", default=None) or 0.0,
            reps=reps,
            final_hold_seconds=fields.seconds("final_hold_seconds", default=None) or 0.0,
            contract_cue=fields.text("contract_cue"),
            relax_cue=fields.text("relax_cue"),
            sink_cue=fields.text("sink_cue"),
            source=fields.text("source"),
        )
    except RoutineError as exc:
        raise RoutineError(f"{where}: {exc}") from None


_ROUTINE_REQUIRED: Final = ("slug", "title", "summary", "items")
_ROUTINE_OPTIONAL: Final = ("times", "days", "move_every_minutes", "moves", "protocol", "switch_seconds")


def parse_routine(
    raw: object,
    where: str,
    *,
    protocols: Mapping[str, ResistedProtocol],
    library: ExerciseLibrary | None = None,
) -> RoutineTemplate:
    """A validated RoutineTemplate from a [[routine]] table (or the same shape as JSON)."""
    if not isinstance(raw, Mapping):
        raise RoutineError(f"{where}: each [[routine]] must be a table")
    label = f"{where} ({raw.get('slug')!r})" if isinstance(raw.get("slug"), str) else where
    fields = FieldReader(raw, label, required=_ROUTINE_REQUIRED, optional=_ROUTINE_OPTIONAL)
    raw_items = raw["items"]
    if not isinstance(raw_items, list) or not raw_items:
        raise RoutineError(f"{label} has no exercises: add at least one [[routine.items]]")
    items = tuple(parse_item(item, f"{label}, item {i}") for i, item in enumerate(raw_items, start=1))
    protocol_slug = raw.get("protocol")
    protocol = None
    if protocol_slug is not None:
        if protocol_slug not in protocols:
            raise RoutineError(f"{label}: unknown protocol {protocol_slug!r}")
        protocol = protocols[str(protocol_slug)]
    times = raw.get("times", [])
    if not isinstance(times, list):
        raise RoutineError(f"{label}: field 'times' must be a list such as ['07:30', '21:30']")
    every = raw.get("move_every_minutes")
    if every is not None and (isinstance(every, bool) or not isinstance(every, int)):
        raise RoutineError(f"{label}: field 'move_every_minutes' must be a whole number")
    template = RoutineTemplate(
        slug=fields.slug("slug"),
        title=fields.text("title"),
        summary=fields.text("summary"),
        items=items,
        times=tuple(_parse_time(t, label) for t in times),
        days=_parse_days(raw.get("days", "daily"), label),
        move_every_minutes=every,
        moves=fields.texts("moves", default=()),
        protocol=protocol,
        switch_seconds=fields.seconds("switch_seconds", default=DEFAULT_SWITCH_SECONDS) or 0.0,
    )
    return template.validate(library)


def _data_file(name: str) -> Traversable:
    return resources.files("psoascare.routines") / "data" / name


def load_protocols(file: Traversable | None = None) -> dict[str, ResistedProtocol]:
    file = file or _data_file("protocols.toml")
    label = f"{file.name}"
    document = read_toml(file, label)
    tables = document.get("protocol")
    if set(document) - {"protocol"} or not isinstance(tables, list):
        raise RoutineError(f"{label}: expected only [[protocol]] tables")
    protocols: dict[str, ResistedProtocol] = {}
    for position, raw in enumerate(tables, start=1):
        protocol = parse_protocol(raw, f"{label}, protocol #{position}")
        if protocol.slug in protocols:
            raise RoutineError(f"{label}: protocol slug {protocol.slug!r} is defined twice")
        protocols[protocol.slug] = protocol
    return protocols


def load_routines(
    file: Traversable | None = None,
    *,
    library: ExerciseLibrary | None = None,
    protocols: Mapping[str, ResistedProtocol] | None = None,
) -> dict[str, RoutineTemplate]:
    file = file or _data_file("routines.toml")
    label = f"{file.name}"
    document = read_toml(file, label)
    tables = document.get("routine")
    if set(document) - {"routine"} or not isinstance(tables, list) or not tables:
        raise RoutineError(f"{label}: expected [[routine]] tables and nothing else")
    protocols = protocols if protocols is not None else default_protocols()
    routines: dict[str, RoutineTemplate] = {}
    for position, raw in enumerate(tables, start=1):
        routine = parse_routine(raw, f"{label}, routine #{position}", protocols=protocols, library=library)
        if routine.slug in routines:
            raise RoutineError(f"{label}: routine slug {routine.slug!r} is defined twice")
        routines[routine.slug] = routine
    return routines


@cache
def default_protocols() -> dict[str, ResistedProtocol]:
    return load_protocols()


@cache
def default_routines() -> dict[str, RoutineTemplate]:
    return load_routines()


def get_routine(slug: str) -> RoutineTemplate:
    """A packaged routine template by slug; RoutineError names the ones that exist."""
    routines = default_routines()
    try:
        return routines[slug]
    except KeyError:
        raise RoutineError(f"no routine called {slug!r}; known: {', '.join(routines)}") from None
