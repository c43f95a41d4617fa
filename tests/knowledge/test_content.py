from __future__ import annotations

import pytest

from psoascare.knowledge.content import ContentError, lesson, red_flags
from psoascare.knowledge.outcomes import OutcomeError, check_nprs, nprs_change, psfs_change, psfs_score


def test_it_gives_every_lesson_section_a_source() -> None:
    sections = lesson().sections
    assert {s.slug for s in sections} >= {"where", "course", "insertion", "actions", "daily-life", "sitting"}
    assert all(section.sources for section in sections)


def test_it_rates_emergency_above_urgent() -> None:
    flags = red_flags()
    assert flags.most_serious(set()) is None
    assert flags.most_serious({"fever"}) is flags.urgent
    assert flags.most_serious({"fever", "saddle-numbness"}) is flags.emergency
    with pytest.raises(ContentError, match="unknown"):
        flags.most_serious({"headache"})


def test_it_applies_the_published_nprs_thresholds() -> None:
    assert nprs_change(6, 4).meaningful  # 2 points
    assert nprs_change(3, 2).meaningful  # 1 point but 33 %
    assert not nprs_change(8, 7).meaningful  # 1 point, 12.5 %
    assert nprs_change(4, 7).direction == "worse"
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
