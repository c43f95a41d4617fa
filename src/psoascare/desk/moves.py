"""The one-minute move a nudge suggests: from the exercise library when it is there, else our own list."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


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
    """The library's "move" exercises (walk, march, reach), or () when the library cannot be loaded.

    The library is validated as it loads; if it is missing or broken the timer still nudges, with
    its own short list, rather than not starting.
    """
    try:
        from psoascare.routines.library import default_library

        moves = default_library().in_category("move")
    except (ImportError, ValueError, OSError):
        return ()
    return tuple(
        Move(
            slug=exercise.slug,
            name=exercise.title,
            instructions=" ".join(exercise.steps) or exercise.cue or exercise.purpose,
            source=exercise.source,
        )
        for exercise in moves
    )


class MoveSuggester:
    """Rotates through the moves so successive nudges do not repeat the same one."""

    def __init__(self, moves: tuple[Move, ...] | None = None) -> None:
        self.moves = moves if moves else (_library_moves() or builtin_moves())
        self._next = 0

    def next_move(self) -> Move:
        move = self.moves[self._next % len(self.moves)]
        self._next += 1
        return move
