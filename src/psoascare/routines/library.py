"""The exercise library: one TOML file per group under data/exercises/, validated as it loads.

A mistake in a data file is a programming error that would otherwise surface mid-session, so loading
fails at once with a message naming the file, the exercise and the field.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Final

from psoascare.body.postures import posture_names
from psoascare.routines.records import SIDES, SLUG_PATTERN

CATEGORIES: Final = ("stretch", "strengthen", "move", "clinic")


class LibraryError(ValueError):
    """A data file that does not describe valid exercises or routines; the message names file and field."""


@dataclass(frozen=True)
class Exercise:
    """One exercise and its default dose; a routine item may change the dose, never the instructions."""

    slug: str
    title: str
    category: str
    muscle: str
    purpose: str
    posture: str
    sides: tuple[str, ...]
    sets: int
    hold_seconds: float | None
    reps: int | None
    seconds_per_rep: float | None
    rest_seconds: float
    prepare_seconds: float
    cue: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    source: str
    # Safety before the first hold (shown on the card and by every player before Start):
    precautions: tuple[str, ...] = ()  # check these first; if one applies, ask the therapist before doing it
    getting_in: tuple[str, ...] = ()  # how to get into the position safely
    getting_out: tuple[str, ...] = ()  # how to come out of it safely
    easier: tuple[str, ...] = ()  # regressions for people who cannot use the usual set-up

    @property
    def is_hold(self) -> bool:
        return self.hold_seconds is not None

    @property
    def dose_text(self) -> str:
        """The dose in words, e.g. '2 × 30 s each side, 15 s rest'."""
        return dose_words(self.sets, self.hold_seconds, self.reps, self.sides, self.rest_seconds)


def dose_words(
    sets: int,
    hold_seconds: float | None,
    reps: int | None,
    sides: tuple[str, ...],
    rest_seconds: float,
    *,
    side_suffix: str = "",
) -> str:
    """A dose in words, e.g. '2 × 30 s each side, 15 s rest'; one side alone is named, then `side_suffix`
    ('3 × 45 s right' or, with ' side', '3 × 45 s right side')."""
    work = f"{sets} × {hold_seconds:g} s" if hold_seconds is not None else f"{sets} × {reps} reps"
    if len(sides) > 1:
        where = "each side"
    elif sides == ("both",):
        where = ""
    else:
        where = sides[0] + side_suffix
    rest = f", {rest_seconds:g} s rest" if sets > 1 and rest_seconds else ""
    return " ".join(part for part in (work, where) if part) + rest


@dataclass(frozen=True)
class ExerciseLibrary:
    """All exercises by slug, in file order."""

    exercises: Mapping[str, Exercise]

    def get(self, slug: str) -> Exercise:
        try:
            return self.exercises[slug]
        except KeyError:
            raise LibraryError(f"no exercise called {slug!r} in the library") from None

    def __contains__(self, slug: object) -> bool:
        return slug in self.exercises

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)

    def in_category(self, category: str) -> tuple[Exercise, ...]:
        return tuple(exercise for exercise in self if exercise.category == category)


_REQUIRED: Final = ("slug", "title", "category", "muscle", "purpose", "posture", "sides", "steps", "source")
_OPTIONAL: Final = (
    "sets",
    "hold_seconds",
    "reps",
    "seconds_per_rep",
    "rest_seconds",
    "prepare_seconds",
    "cue",
    "cautions",
    "precautions",
    "getting_in",
    "getting_out",
    "easier",
)
DEFAULT_PREPARE_SECONDS: Final = 10.0
DEFAULT_SECONDS_PER_REP: Final = 3.0


def parse_exercise(raw: object, *, where: str) -> Exercise:
    """One [[exercise]] table to an Exercise; `where` names the file and position for error messages."""
    if not isinstance(raw, Mapping):
        raise LibraryError(f"{where}: each [[exercise]] must be a table")
    label = f"{where} ({raw.get('slug')!r})" if isinstance(raw.get("slug"), str) else where
    fields = FieldReader(raw, label, required=_REQUIRED, optional=_OPTIONAL)
    slug = fields.slug("slug")
    hold = fields.seconds("hold_seconds", default=None)
    reps = fields.count("reps", default=None)
    if (hold is None) == (reps is None):
        raise LibraryError(f"{label}: give exactly one of 'hold_seconds' (a stretch) or 'reps' (repetitions)")
    seconds_per_rep = fields.seconds("seconds_per_rep", default=DEFAULT_SECONDS_PER_REP if reps else None)
    if hold is not None and "seconds_per_rep" in raw:
        raise LibraryError(f"{label}: field 'seconds_per_rep' only applies with 'reps'")
    posture = fields.text("posture")
    # The exercise's picture and length change come from the body model's posture of that name.
    postures = posture_names()
    if posture not in postures:
        raise LibraryError(f"{label}: field 'posture' must be one of {', '.join(postures)}, got {posture!r}")
    category = fields.text("category")
    if category not in CATEGORIES:
        raise LibraryError(f"{label}: field 'category' must be one of {', '.join(CATEGORIES)}, got {category!r}")
    return Exercise(
        slug=slug,
        title=fields.text("title"),
        category=category,
        muscle=fields.text("muscle"),
        purpose=fields.text("purpose"),
        posture=posture,
        sides=check_sides(fields.texts("sides"), label),
        sets=fields.count("sets", default=1) or 1,
        hold_seconds=hold,
        reps=reps,
        seconds_per_rep=seconds_per_rep,
        rest_seconds=fields.seconds("rest_seconds", default=0.0, allow_zero=True) or 0.0,
        prepare_seconds=fields.seconds("prepare_seconds", default=DEFAULT_PREPARE_SECONDS) or 0.0,
        cue=fields.text("cue", default=""),
        steps=fields.texts("steps"),
        cautions=fields.texts("cautions", default=()),
        source=fields.text("source"),
        precautions=fields.texts("precautions", default=()),
        getting_in=fields.texts("getting_in", default=()),
        getting_out=fields.texts("getting_out", default=()),
        easier=fields.texts("easier", default=()),
    )


def check_sides(sides: tuple[str, ...], label: str) -> tuple[str, ...]:
    """Sides are worked in the order given: ('left', 'right'), one side, or ('both',) for both at once."""
    if not sides:
        raise LibraryError(f"{label}: field 'sides' must name at least one side")
    for side in sides:
        if side not in SIDES:
            raise LibraryError(f"{label}: field 'sides' allows left, right or both, got {side!r}")
    if len(set(sides)) != len(sides):
        raise LibraryError(f"{label}: field 'sides' names a side twice: {list(sides)}")
    if "both" in sides and len(sides) > 1:
        raise LibraryError(f"{label}: field 'sides': 'both' (both at once) cannot be mixed with left/right")
    return sides


class FieldReader:
    """Reads typed fields from one TOML table, rejecting unknown and missing keys with a named error."""

    def __init__(
        self, raw: Mapping[str, object], label: str, *, required: Iterable[str], optional: Iterable[str]
    ) -> None:
        self.raw = raw
        self.label = label
        required = tuple(required)
        allowed = set(required) | set(optional)
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            raise LibraryError(
                f"{label}: unknown field(s) {', '.join(repr(k) for k in unknown)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        missing = [key for key in required if key not in raw]
        if missing:
            raise LibraryError(f"{label}: missing field(s) {', '.join(repr(k) for k in missing)}")

    def _fail(self, key: str, expected: str) -> LibraryError:
        return LibraryError(f"{self.label}: field {key!r} must be {expected}, got {self.raw[key]!r}")

    def text(self, key: str, default: str | None = None) -> str:
        if key not in self.raw and default is not None:
            return default
        value = self.raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, "non-empty text")
        return value.strip()

    def slug(self, key: str) -> str:
        value = self.text(key)
        if not SLUG_PATTERN.match(value):
            raise self._fail(key, "a slug (lower-case words joined by '-')")
        return value

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if key not in self.raw and default is not None:
            return default
        value = self.raw[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self._fail(key, "a list of non-empty texts")
        if not value and default is None:
            raise self._fail(key, "a non-empty list")
        return tuple(v.strip() for v in value)

    def count(self, key: str, default: int | None) -> int | None:
        if key not in self.raw:
            return default
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self._fail(key, "a whole number of at least 1")
        return value

    def seconds(self, key: str, default: float | None, *, allow_zero: bool = False) -> float | None:
        if key not in self.raw:
            return default
        value = self.raw[key]
        bound = "0 or more" if allow_zero else "more than 0"
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self._fail(key, f"a number of seconds, {bound}")
        if value < 0 or (value == 0 and not allow_zero):
            raise self._fail(key, f"a number of seconds, {bound}")
        return float(value)


def read_toml(file: Traversable, label: str) -> dict[str, object]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"{label}: not valid TOML: {exc}") from None


def load_library(directory: Traversable | None = None) -> ExerciseLibrary:
    """Every *.toml under `directory` (default: the packaged data/exercises), sorted by file name."""
    root = directory if directory is not None else resources.files("psoascare.routines") / "data/exercises"
    files = sorted((f for f in root.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    if not files:
        raise LibraryError(f"no exercise files (*.toml) in {root}")
    exercises: dict[str, Exercise] = {}
    for file in files:
        label = f"exercises/{file.name}"
        document = read_toml(file, label)
        unknown = sorted(set(document) - {"exercise"})
        if unknown:
            raise LibraryError(f"{label}: unknown top-level key(s) {unknown}; expected [[exercise]] tables")
        tables = document.get("exercise", [])
        if not isinstance(tables, list) or not tables:
            raise LibraryError(f"{label}: expected at least one [[exercise]] table")
        for position, raw in enumerate(tables, start=1):
            exercise = parse_exercise(raw, where=f"{label}, exercise #{position}")
            if exercise.slug in exercises:
                raise LibraryError(f"{label}: exercise slug {exercise.slug!r} is defined twice")
            exercises[exercise.slug] = exercise
    return ExerciseLibrary(exercises)


@cache
def default_library() -> ExerciseLibrary:
    """The packaged library, loaded once per process."""
    return load_library()
