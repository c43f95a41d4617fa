"""Every red-flag question and every emergency or urgent sentence lives in red_flags.toml and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

from psoascare.knowledge.content import red_flags

SOURCE = Path(__file__).resolve().parents[2] / "src" / "psoascare"
TABLE = SOURCE / "knowledge" / "data" / "red_flags.toml"
# What the warning-sign wording would look like if a page or module wrote its own.
OWN_COPIES = re.compile(r"A&E|A&amp;E|call \d{3}\b|NHS 111|emergency department|saddle area|see a doctor soon", re.I)


def _project_files() -> list[Path]:
    kinds = {".py", ".html", ".js", ".toml", ".txt", ".md"}
    return [
        path
        for path in SOURCE.rglob("*")
        if path.suffix in kinds and path != TABLE and "migrations" not in path.parts and path.is_file()
    ]


def _sentences() -> list[str]:
    flags = red_flags()
    groups = (flags.emergency, flags.urgent)
    wording = flags.wording
    texts = [sign.question for sign in flags.all_signs]
    texts += [text for group in groups for text in (group.title, group.advice, group.action)]
    texts += [wording.exercise_note, wording.paused, wording.paused_no_therapist, wording.therapist_told]
    texts += [wording.screening_due, wording.reassurance]
    return texts


def test_no_template_or_module_carries_its_own_copy_of_the_wording() -> None:
    files = _project_files()
    assert len(files) > 50  # the scan reads the real tree
    copies = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for sentence in _sentences():
            # Any 40-character stretch of a sentence is enough to call it a copy.
            for start in range(0, max(1, len(sentence) - 40), 20):
                if sentence[start : start + 40] in text:
                    copies.append(f"{path.relative_to(SOURCE)}: {sentence[start : start + 40]!r}")
                    break
        copies += [f"{path.relative_to(SOURCE)}: {m.group(0)!r}" for m in OWN_COPIES.finditer(text)]
    assert copies == []


def test_the_scan_finds_a_copy_when_there_is_one() -> None:
    sentence = red_flags().emergency.signs[0].question
    assert sentence[0:40] in f"<li>{sentence}</li>"
    assert OWN_COPIES.search("<p>Go to A&E now</p>")
