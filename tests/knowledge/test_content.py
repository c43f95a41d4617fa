from __future__ import annotations

from datetime import date, timedelta

import pytest

from psoascare.knowledge.content import ContentError, lesson, red_flags
from psoascare.knowledge.outcomes import (
    OutcomeError,
    check_nprs,
    nprs_change,
    nprs_weekly_change,
    psfs_change,
    psfs_score,
)
from psoascare.knowledge.safety import SafetyLevel, unreviewed_level


def test_it_gives_every_lesson_section_a_source() -> None:
    sections = lesson().sections
    assert {s.slug for s in sections} >= {"where", "course", "insertion", "actions", "daily-life", "sitting"}
    assert all(section.sources for section in sections)


def test_it_rates_emergency_above_urgent() -> None:
    flags = red_flags()
    assert flags.most_serious(set()) is None
    assert flags.most_serious({"unwell"}) is flags.urgent
    assert flags.most_serious({"unwell", "saddle-numbness"}) is flags.emergency
    with pytest.raises(ContentError, match="unknown"):
        flags.most_serious({"headache"})


def test_it_applies_the_published_nprs_thresholds() -> None:
    assert nprs_change(6, 4).meaningful  # 2 points (Childs et al. 2005)
    assert not nprs_change(3, 2).meaningful  # 33 % but 1 point: 30 % is never enough on its own
    assert not nprs_change(8, 7).meaningful  # 1 point, 12.5 %
    assert nprs_change(4, 7).direction == "worse"
    assert nprs_change(6, 4).fraction == pytest.approx(-1 / 3)  # kept for those who also ask for 30 %
    with pytest.raises(OutcomeError):
        check_nprs(11)


def test_it_scores_the_psfs_as_a_mean() -> None:
    assert psfs_score([2, 4, 6]) == 4
    assert psfs_change(3.0, 5.0).meaningful
    assert not psfs_change(3.0, 4.5).meaningful
    with pytest.raises(OutcomeError):
        psfs_score([1, 2, 3, 4])
    with pytest.raises(OutcomeError):
        psfs_score([11])


def test_it_compares_weekly_means_not_single_days() -> None:
    today = date(2026, 12, 1)

    def scores(*by_offset: tuple[int, int]) -> dict[date, float]:
        return {today - timedelta(days=offset): score for offset, score in by_offset}

    # One bad day (3 -> 7) in a week of threes moves this week's mean by well under 2 points.
    spike = nprs_weekly_change(scores((9, 3), (8, 3), (6, 3), (3, 3), (1, 3), (0, 7)), today)
    assert spike is not None and not spike.meaningful
    rise = nprs_weekly_change(scores((10, 2), (8, 2), (2, 5), (0, 6)), today)
    assert rise is not None and rise.meaningful and rise.direction == "worse" and rise.points == 3.5
    assert nprs_weekly_change(scores((1, 3), (0, 7)), today) is None  # no score last week: no trend


def test_the_safety_level_only_rises_until_reviewed() -> None:
    assert unreviewed_level([]) is SafetyLevel.CLEAR
    assert unreviewed_level(["emergency", "urgent", "clear"]) is SafetyLevel.EMERGENCY
    assert unreviewed_level(["urgent", "clear"]) is SafetyLevel.URGENT
    with pytest.raises(ValueError, match="unknown screening outcome"):
        unreviewed_level(["maybe"])


def test_it_asks_the_cauda_equina_questions_of_the_nhs_warning_cards() -> None:
    flags = red_flags()
    recheck = {sign.slug for sign in flags.recheck_signs}
    assert {"saddle-numbness", "wiping", "bladder", "bladder-feeling", "bowel", "sexual", "both-legs"} <= recheck
    assert all(sign.level == "emergency" for sign in flags.recheck_signs)
    urgent = {sign.slug for sign in flags.urgent.signs}
    assert {"thoracic", "shape", "unwell", "infection-surgery", "inflammatory", "worsening", "osteoporosis"} <= urgent
    assert "no-improvement" not in urgent  # most chronic clients would answer yes: not a red flag
    assert "aorta" in {sign.slug for sign in flags.emergency.signs}
    assert all(sign.source in flags.sources for sign in flags.all_signs)


def test_it_fills_in_the_clinics_emergency_number() -> None:
    assert red_flags().emergency.action == "Go to A&E (the emergency department) or call 999 now."
    assert "call 112 now" in red_flags("112").emergency.action
    assert "call 112 now" in red_flags("112").wording.exercise_note
    with pytest.raises(ContentError, match="2 to 6 digits"):
        red_flags("call me")
