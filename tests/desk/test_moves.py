"""The move a nudge suggests: the exercise library's "move" exercises, else the timer's own sourced list."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

from psoascare.desk.moves import MoveSuggester, builtin_moves


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
