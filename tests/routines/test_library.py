"""The packaged exercise library loads, says what each exercise is for and where that comes from, and
rejects broken data files with a message naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from psoascare.body.postures import load_postures
from psoascare.routines.library import LibraryError, default_library, load_library

GOOD = """
[[exercise]]
slug = "test-stretch"
title = "Test stretch"
category = "stretch"
muscle = "psoas"
purpose = "for testing"
posture = "supine"
sides = ["left", "right"]
hold_seconds = 30
steps = ["Lie down."]
source = "nowhere"
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_it_has_the_exercises_the_routines_need() -> None:
    library = default_library()
    for slug in (
        "bed-edge-hang",
        "half-kneeling-hip-flexor",
        "standing-lunge-stretch",
        "supine-knee-to-chest",
        "prone-lying",
        "supine-marching",
        "standing-knee-raise-band",
        "seated-march",
        "dead-bug",
    ):
        assert slug in library
    assert len(library.in_category("move")) >= 2


def test_it_gives_the_bed_edge_hang_the_default_dose() -> None:
    hang = default_library().get("bed-edge-hang")
    assert (hang.sets, hang.hold_seconds, hang.sides) == (2, 30.0, ("left", "right"))
    assert hang.posture == "bed-edge-hang"
    assert "knee" in " ".join(hang.steps).lower() and "chest" in " ".join(hang.steps).lower()
    assert hang.dose_text == "2 × 30 s each side, 15 s rest"


def test_it_states_purpose_source_and_posture_for_every_exercise() -> None:
    for exercise in default_library():
        assert exercise.purpose and exercise.source and exercise.muscle and exercise.steps
        assert exercise.posture in load_postures()
        assert "cure" not in exercise.purpose.lower()


def test_it_loads_a_valid_file(tmp_path: Path) -> None:
    library = load_library(write(tmp_path, GOOD))
    assert library.get("test-stretch").hold_seconds == 30.0
    assert library.get("test-stretch").prepare_seconds == 10.0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("hold_seconds = 30", "hold_seconds = -5"), "'hold_seconds'"),
        (("hold_seconds = 30", 'hold_seconds = 30\ncolour = "red"'), "unknown field(s) 'colour'"),
        (('source = "nowhere"', ""), "missing field(s) 'source'"),
        (('posture = "supine"', 'posture = "handstand"'), "'posture'"),
        (('sides = ["left", "right"]', 'sides = ["left", "left"]'), "'sides'"),
        (('sides = ["left", "right"]', 'sides = ["both", "left"]'), "'sides'"),
        (("hold_seconds = 30", "reps = 10\nhold_seconds = 30"), "exactly one of"),
        (("hold_seconds = 30", ""), "exactly one of"),
        (('slug = "test-stretch"', 'slug = "Test Stretch"'), "'slug'"),
        (('steps = ["Lie down."]', "steps = []"), "'steps'"),
    ],
)
def test_it_rejects_a_broken_exercise_naming_file_and_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    with pytest.raises(LibraryError) as caught:
        load_library(write(tmp_path, GOOD.replace(old, new)))
    assert "exercises/mine.toml" in str(caught.value)
    assert expected in str(caught.value)


def test_it_rejects_a_duplicate_slug_across_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, GOOD, "b.toml")
    with pytest.raises(LibraryError, match="defined twice"):
        load_library(tmp_path)


def test_it_rejects_a_file_that_is_not_toml(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match=r"exercises/mine.toml: not valid TOML"):
        load_library(write(tmp_path, "[[exercise]\nslug ="))
