"""The move a nudge suggests: the exercise library's "move" exercises, else the timer's own sourced list."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from psoascare.desk.moves import SAFETY_NAME, MoveSuggester, builtin_moves, write_safety


def test_it_suggests_the_librarys_standing_moves_when_the_library_is_there() -> None:
    from psoascare.routines.library import default_library

    library_moves = {exercise.slug for exercise in default_library().in_category("move")}
    suggested = {move.slug for move in MoveSuggester().moves}
    assert suggested == library_moves and suggested
    assert all(move.source for move in MoveSuggester().moves)


def test_it_falls_back_to_its_own_list_when_the_library_cannot_be_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_library(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("psoascare.routines"):
            raise ImportError("routines not installed")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_library)
    assert MoveSuggester().moves == builtin_moves()
    assert {move.slug for move in builtin_moves()} == {
        "walk-a-minute",
        "standing-hip-flexor-stretch",
        "stand-and-march",
    }


PAUSED_GATE = {
    "allows_exercise": False,
    "paused": True,
    "title": "Emergency: get medical help now",
    "action": "Go to A&E (the emergency department) or call 999 now.",
    "message": "Your exercises are paused because of your answers to the safety questions.",
}


def test_a_shut_safety_gate_replaces_the_move_with_what_the_gate_says(tmp_path: Path) -> None:
    safety = tmp_path / SAFETY_NAME
    suggester = MoveSuggester(safety_file=safety)
    first = suggester.next_move()
    assert first.slug != "exercises-paused"  # no file yet: no client, the usual moves
    write_safety(safety, PAUSED_GATE)
    paused = suggester.next_move()
    assert paused.slug == "exercises-paused"
    assert paused.name == "Emergency: get medical help now"
    assert "call 999 now" in paused.one_line()
    write_safety(safety, {"allows_exercise": True, "paused": False})
    assert suggester.next_move().slug in {move.slug for move in suggester.moves}
    write_safety(safety, None)
    assert not safety.exists()


def test_a_broken_safety_file_does_not_stop_the_nudges(tmp_path: Path) -> None:
    (tmp_path / SAFETY_NAME).write_text("{not json")
    assert MoveSuggester(safety_file=tmp_path / SAFETY_NAME).next_move().slug != "exercises-paused"
