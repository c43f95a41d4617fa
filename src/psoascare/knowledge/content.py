"""The lesson text, the corrections to common claims, and the red-flag list, loaded from data files."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any


class ContentError(ValueError):
    """A knowledge data file is missing a field or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    body: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Correction:
    claim: str
    instead: str
    source: str


@dataclass(frozen=True)
class Lesson:
    title: str
    summary: str
    sections: tuple[Section, ...]
    corrections: tuple[Correction, ...]

    def filled(self, figures: Mapping[str, str]) -> Lesson:
        """The lesson with its {placeholders} replaced by figures computed elsewhere (the body model)."""

        def fill(text: str) -> str:
            try:
                return text.format_map(figures)
            except KeyError as exc:
                raise ContentError(f"lesson.toml needs the figure {exc.args[0]!r}, which was not given") from None

        return replace(
            self,
            sections=tuple(replace(s, body=fill(s.body)) for s in self.sections),
            corrections=tuple(replace(c, instead=fill(c.instead), source=fill(c.source)) for c in self.corrections),
        )


DEFAULT_EMERGENCY_NUMBER = "999"


def check_emergency_number(number: str) -> str:
    """The emergency telephone number the clinic's country uses: 2 to 6 digits (999, 112, 911, 000)."""
    if not (number.isascii() and number.isdigit() and 2 <= len(number) <= 6):
        raise ContentError(f"the emergency number must be 2 to 6 digits, like 999, 112 or 911, not {number!r}")
    return number


@dataclass(frozen=True)
class RedFlag:
    slug: str
    question: str
    level: str  # "emergency" or "urgent"
    topic: str  # "cauda equina", "infection", ... for the therapist's summary
    source: str  # the full citation
    recheck: bool  # asked again with every fortnightly PSFS (the cauda equina questions)


@dataclass(frozen=True)
class RedFlagGroup:
    level: str
    title: str
    advice: str
    action: str  # what to do now, said the same everywhere
    signs: tuple[RedFlag, ...]


@dataclass(frozen=True)
class SafetyWording:
    """Every sentence about warning signs the app says outside the questions themselves."""

    exercise_note: str  # before every guided session, on exercise cards, in the handout
    paused: str
    paused_no_therapist: str
    therapist_told: str
    screening_due: str
    reassurance: str


@dataclass(frozen=True)
class RedFlags:
    sources: tuple[str, ...]
    emergency: RedFlagGroup
    urgent: RedFlagGroup
    wording: SafetyWording
    note: str
    emergency_number: str

    @property
    def source(self) -> str:
        return "; ".join(self.sources)

    @property
    def all_signs(self) -> tuple[RedFlag, ...]:
        return self.emergency.signs + self.urgent.signs

    @property
    def recheck_signs(self) -> tuple[RedFlag, ...]:
        return tuple(sign for sign in self.all_signs if sign.recheck)

    def sign(self, slug: str) -> RedFlag:
        for sign in self.all_signs:
            if sign.slug == slug:
                return sign
        raise ContentError(f"unknown red-flag sign {slug!r}")

    def group(self, level: str) -> RedFlagGroup:
        if level not in ("emergency", "urgent"):
            raise ContentError(f"no red-flag group {level!r}")
        return self.emergency if level == "emergency" else self.urgent

    def most_serious(self, answered_yes: set[str]) -> RedFlagGroup | None:
        """The group to act on for the signs answered "yes": emergency beats urgent; None when all are "no"."""
        unknown = answered_yes - {sign.slug for sign in self.all_signs}
        if unknown:
            raise ContentError(f"unknown red-flag sign(s): {', '.join(sorted(unknown))}")
        for group in (self.emergency, self.urgent):
            if any(sign.slug in answered_yes for sign in group.signs):
                return group
        return None


def _load(name: str) -> dict[str, Any]:
    text = resources.files("psoascare.knowledge").joinpath("data", name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{name}: {exc}") from None


def _field(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in ("", None):
        raise ContentError(f"{where}: missing field '{key}'")
    return data[key]


@cache
def lesson() -> Lesson:
    data = _load("lesson.toml")
    sections = tuple(
        Section(
            slug=_field(s, "slug", f"lesson.toml section {i}"),
            heading=_field(s, "heading", f"lesson.toml section {i}"),
            body=_field(s, "body", f"lesson.toml section {i}"),
            sources=tuple(_field(s, "sources", f"lesson.toml section {i}")),
        )
        for i, s in enumerate(data.get("sections", []))
    )
    corrections = tuple(
        Correction(
            claim=_field(c, "claim", f"lesson.toml correction {i}"),
            instead=_field(c, "instead", f"lesson.toml correction {i}"),
            source=_field(c, "source", f"lesson.toml correction {i}"),
        )
        for i, c in enumerate(data.get("corrections", []))
    )
    return Lesson(
        title=_field(data, "title", "lesson.toml"),
        summary=_field(data, "summary", "lesson.toml"),
        sections=sections,
        corrections=corrections,
    )


def _group(data: dict[str, Any], level: str, action: str, sources: Mapping[str, str]) -> RedFlagGroup:
    block = _field(data, level, "red_flags.toml")
    where = f"red_flags.toml [{level}]"
    signs = []
    for i, s in enumerate(_field(block, "signs", where)):
        key = _field(s, "source", f"{where} sign {i}")
        if key not in sources:
            raise ContentError(f"{where} sign {i}: source {key!r} is not one of the [[sources]] keys")
        signs.append(
            RedFlag(
                slug=_field(s, "slug", f"{where} sign {i}"),
                question=_field(s, "question", f"{where} sign {i}"),
                level=level,
                topic=_field(s, "topic", f"{where} sign {i}"),
                source=sources[key],
                recheck=bool(s.get("recheck", False)),
            )
        )
    return RedFlagGroup(level, _field(block, "title", where), _field(block, "advice", where), action, tuple(signs))


@cache
def red_flags(emergency_number: str = DEFAULT_EMERGENCY_NUMBER) -> RedFlags:
    """The warning signs and every sentence about them, with the clinic's emergency number filled in."""
    data = _load("red_flags.toml")
    number = check_emergency_number(emergency_number)
    sources = {
        _field(s, "key", f"red_flags.toml source {i}"): _field(s, "citation", f"red_flags.toml source {i}")
        for i, s in enumerate(_field(data, "sources", "red_flags.toml"))
    }
    raw = _field(data, "wording", "red_flags.toml")
    emergency_action = _field(raw, "emergency_action", "red_flags.toml [wording]").format(emergency_number=number)
    fill = {"emergency_number": number, "emergency_action": emergency_action}

    def said(key: str) -> str:
        try:
            return str(_field(raw, key, "red_flags.toml [wording]")).format_map(fill)
        except KeyError as exc:
            raise ContentError(f"red_flags.toml [wording] {key}: unknown placeholder {exc.args[0]!r}") from None

    wording = SafetyWording(
        exercise_note=said("exercise_note"),
        paused=said("paused"),
        paused_no_therapist=said("paused_no_therapist"),
        therapist_told=said("therapist_told"),
        screening_due=said("screening_due"),
        reassurance=said("reassurance"),
    )
    return RedFlags(
        sources=tuple(sources.values()),
        emergency=_group(data, "emergency", emergency_action, sources),
        urgent=_group(data, "urgent", said("urgent_action"), sources),
        wording=wording,
        note=_field(_field(data, "note", "red_flags.toml"), "text", "red_flags.toml [note]"),
        emergency_number=number,
    )
