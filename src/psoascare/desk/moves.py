"""The one-minute move a nudge suggests: from the exercise library when it is there, else our own list."""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Move:
    slug: str
    name: str
    instructions: str
    source: str

    def one_line(self) -> str:
        return f"{self.name}: {self.instructions}"


def builtin_moves() -> tuple[Move, ...]:
    """The short list shipped with the desk timer (moves.toml), each with its source."""
    raw = tomllib.loads(resources.files("psoascare.desk").joinpath("moves.toml").read_text("utf-8"))
    moves = tuple(Move(**entry) for entry in raw["move"])
    if not moves:
        raise ValueError("moves.toml lists no moves")
    return moves


def _library_moves() -> tuple[Move, ...]:
    """Short standing moves from psoascare.routines.library, or () when that library is not available.

    The library is written separately; we only rely on it offering exercises with a slug, a name and
    some instructions, and read them defensively so a change there degrades to our own list.
    """
    try:
        library: Any = importlib.import_module("psoascare.routines.library")
    except ImportError:
        return ()
    loader = getattr(library, "desk_moves", None) or getattr(library, "load_library", None)
    if loader is None:
        return ()
    try:
        exercises = loader()
        if isinstance(exercises, dict):
            exercises = exercises.values()
        moves = []
        for exercise in exercises:
            slug = str(getattr(exercise, "slug", ""))
            name = str(getattr(exercise, "name", "") or getattr(exercise, "title", ""))
            instructions = getattr(exercise, "instructions", "") or getattr(exercise, "summary", "")
            if isinstance(instructions, list | tuple):
                instructions = " ".join(map(str, instructions))
            source = getattr(exercise, "source", "") or getattr(exercise, "sources", "")
            if isinstance(source, list | tuple):
                source = "; ".join(map(str, source))
            if slug and name and instructions and _suits_the_desk(exercise):
                moves.append(Move(slug, name, str(instructions), str(source)))
        return tuple(moves)
    except Exception:  # a library mid-rewrite must not stop the timer; our own list still works
        return ()


def _suits_the_desk(exercise: Any) -> bool:
    """A desk break needs something done standing, in a minute or so; lying-down moves do not fit."""
    position = str(getattr(exercise, "position", "standing")).lower()
    return "lying" not in position and "supine" not in position and "bed" not in position


class MoveSuggester:
    """Rotates through the moves so successive nudges do not repeat the same one."""

    def __init__(self, moves: tuple[Move, ...] | None = None) -> None:
        self.moves = moves if moves else (_library_moves() or builtin_moves())
        self._next = 0

    def next_move(self) -> Move:
        move = self.moves[self._next % len(self.moves)]
        self._next += 1
        return move
