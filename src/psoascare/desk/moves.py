"""The one-minute move a nudge suggests: from the exercise library when it is there, else our own list."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

# The client's safety gate as the journal last gave it (/api/safety's answer), written into the data directory
# by the timer's journal helper; the timer itself never opens the database or the network to read it.
SAFETY_NAME = "safety.json"


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


def paused_move(gate: dict[str, Any]) -> Move:
    """What a nudge says instead of a move while the safety gate is shut, in the gate's own words."""
    words = " ".join(str(gate.get(key) or "") for key in ("action", "message")).strip()
    return Move(
        slug="exercises-paused",
        name=str(gate.get("title") or "Exercises paused"),
        instructions=words or "Your exercises are paused.",
        source="the clinic's red-flag table (red_flags.toml)",
    )


def write_safety(path: Path, gate: dict[str, Any] | None) -> None:
    """Keeps the last known gate for the timer (None: no client, so no gate); written atomically."""
    if gate is None:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(gate))
    os.replace(temporary, path)


def read_safety(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        gate = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return gate if isinstance(gate, dict) else None


class MoveSuggester:
    """Rotates through the moves so successive nudges do not repeat the same one; while the client's safety
    gate is shut (read from `safety_file` at each nudge), it suggests no exercise and says why instead."""

    def __init__(self, moves: tuple[Move, ...] | None = None, safety_file: Path | None = None) -> None:
        self.moves = moves if moves else (_library_moves() or builtin_moves())
        self.safety_file = safety_file
        self._next = 0

    def next_move(self) -> Move:
        gate = read_safety(self.safety_file)
        if gate is not None and not gate.get("allows_exercise", True):
            return paused_move(gate)
        move = self.moves[self._next % len(self.moves)]
        self._next += 1
        return move
