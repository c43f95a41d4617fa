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


@dataclass(frozen=True)
class RedFlag:
    slug: str
    question: str
    level: str  # "emergency" or "urgent"


@dataclass(frozen=True)
class RedFlagGroup:
    level: str
    title: str
    advice: str
    signs: tuple[RedFlag, ...]


@dataclass(frozen=True)
class RedFlags:
    source: str
    emergency: RedFlagGroup
    urgent: RedFlagGroup
    note: str

    @property
    def all_signs(self) -> tuple[RedFlag, ...]:
        return self.emergency.signs + self.urgent.signs

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


def _group(data: dict[str, Any], level: str) -> RedFlagGroup:
    block = _field(data, level, "red_flags.toml")
    where = f"red_flags.toml [{level}]"
    signs = tuple(
        RedFlag(
            slug=_field(s, "slug", f"{where} sign {i}"),
            question=_field(s, "question", f"{where} sign {i}"),
            level=level,
        )
        for i, s in enumerate(_field(block, "signs", where))
    )
    return RedFlagGroup(level, _field(block, "title", where), _field(block, "advice", where), signs)


@cache
def red_flags() -> RedFlags:
    data = _load("red_flags.toml")
    return RedFlags(
        source=_field(data, "source", "red_flags.toml"),
        emergency=_group(data, "emergency"),
        urgent=_group(data, "urgent"),
        note=_field(_field(data, "note", "red_flags.toml"), "text", "red_flags.toml [note]"),
    )
