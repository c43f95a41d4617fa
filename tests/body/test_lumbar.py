"""Lumbar vertebrae and psoas fascicles: a lordotic chain above the sacrum that lumbar flexion moves."""

from __future__ import annotations

import itertools

import numpy as np

from psoascare.body.lumbar import VERTEBRA_NAMES, lumbar_fascicle_lengths, lumbar_fascicle_paths, vertebra_centres
from psoascare.body.postures import get_posture


def test_it_stacks_t12_to_l5_above_the_pelvis_in_order() -> None:
    centres = vertebra_centres(get_posture("standing"))
    assert tuple(centres) == VERTEBRA_NAMES
    heights = [centres[name][1] for name in VERTEBRA_NAMES]
    assert all(upper > lower for upper, lower in itertools.pairwise(heights))
    spacing = np.linalg.norm(np.diff(np.array([centres[name] for name in VERTEBRA_NAMES]), axis=0), axis=1)
    assert np.all((spacing > 0.03) & (spacing < 0.045))
    assert all(centre[2] == 0.0 for centre in centres.values())


def test_it_has_a_lordosis_bulging_forward_at_mid_lumbar_level() -> None:
    centres = vertebra_centres(get_posture("standing"))
    # L3 lies in front of the line joining T12 and L5 (the lordotic curve).
    t12, l3, l5 = centres["T12"], centres["L3"], centres["L5"]
    fraction = (l3[1] - l5[1]) / (t12[1] - l5[1])
    on_line_x = l5[0] + fraction * (t12[0] - l5[0])
    assert l3[0] > on_line_x + 0.005


def test_it_moves_the_vertebrae_and_fascicles_with_lumbar_flexion() -> None:
    standing = get_posture("standing")
    flexed = standing.with_angles(lumbar_flexion=40)
    centres_standing = vertebra_centres(standing)
    centres_flexed = vertebra_centres(flexed)
    # Flexion tips the upper vertebrae forward; L5 barely moves.
    assert centres_flexed["T12"][0] - centres_standing["T12"][0] > 0.02
    assert np.linalg.norm(centres_flexed["L5"] - centres_standing["L5"]) < 0.005
    lengths_standing = lumbar_fascicle_lengths(standing)
    lengths_flexed = lumbar_fascicle_lengths(flexed)
    # Flexing the spine brings the upper origins forward and down: those fascicles shorten.
    assert lengths_flexed["T12/L1"] < lengths_standing["T12/L1"] - 0.003


def test_it_draws_fascicles_from_every_level_to_the_brim_on_both_sides() -> None:
    posture = get_posture("standing")
    right = lumbar_fascicle_paths(posture, "r")
    left = lumbar_fascicle_paths(posture, "l")
    assert {"T12/L1", "L1/L2", "L2/L3", "L3/L4", "L4/L5", "L5", "L1 TP", "L5 TP"} <= set(right)
    ends = np.array([path[-1] for path in right.values()])
    assert np.allclose(ends, ends[0])  # all converge on the brim point
    for name, path in right.items():
        assert path.shape[1] == 3
        assert path[0][1] > path[-1][1]  # from above, down to the brim
        assert np.all(path[:, 2] > 0)
        np.testing.assert_allclose(left[name], path * [1, 1, -1])
