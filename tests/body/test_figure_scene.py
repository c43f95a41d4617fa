"""What the pictures draw around the muscle: the psoas and iliacus with volume from the model, the arms
where a person puts them, and the chair, bed, floor or bike placed from the posed skeleton."""

from __future__ import annotations

import numpy as np
import pytest

from psoascare.body.model import BodyModel
from psoascare.body.postures import get_posture, standing
from psoascare.body.render.anatomy import (
    SPECIFIC_TENSION_N_PER_M2,
    TENDON_RADIUS_M,
    pcsa_radius_m,
    volume_paths,
)
from psoascare.body.render.myoleg import MyoLeg, PoseAngles, arm_hold
from psoascare.body.render.setting import setting_shapes


@pytest.fixture(scope="module")
def model() -> BodyModel:
    return BodyModel("rajagopal2016")


@pytest.fixture(scope="module")
def leg() -> MyoLeg:
    return MyoLeg()


def wrist(leg: MyoLeg, side: str) -> np.ndarray:
    elbow = leg.data.xpos[leg.body_id(f"ulna_{side}")]
    return elbow - leg.data.xmat[leg.body_id(f"ulna_{side}")].reshape(3, 3)[:, 1] * 0.24


def test_it_gives_the_psoas_belly_the_models_cross_section(model: BodyModel) -> None:
    force = model.spec.muscles["psoas"].max_isometric_force
    area = np.pi * pcsa_radius_m(force) ** 2
    assert area == pytest.approx(force / SPECIFIC_TENSION_N_PER_M2)
    paths = {path.name: path for path in volume_paths(model, standing())}
    psoas = paths["psoas_r"]
    assert psoas.radii is not None
    # Thickest in the belly, a tendon at the lesser trochanter, and along the model's own path.
    assert psoas.radii.max() == pytest.approx(0.7 * pcsa_radius_m(force), rel=0.01)
    assert psoas.radii[-1] == pytest.approx(TENDON_RADIUS_M)
    assert np.allclose(psoas.points[-1], model.muscle_path("psoas_r", standing())[-1])
    # The lumbar fascicles thicken towards the brim, where together they have the psoas's cross-section.
    fascicles = [path for path in paths.values() if path.kind == "fascicle" and path.name.endswith(" r")]
    assert len(fascicles) >= 6
    ends = np.array([path.radii[-1] for path in fascicles if path.radii is not None])
    assert np.pi * np.sum(ends**2) == pytest.approx(force / SPECIFIC_TENSION_N_PER_M2, rel=0.01)
    # The iliacus fans out from the crest and every strand ends at the model's insertion.
    fan = [path for path in paths.values() if path.kind == "fan" and path.name.endswith(" r")]
    insertion = model.muscle_path("iliacus_r", standing())[-1]
    assert len(fan) >= 5 and all(np.allclose(path.points[-1], insertion) for path in fan)
    assert np.ptp([path.points[0][0] for path in fan]) > 0.05  # origins spread front to back


@pytest.mark.parametrize(
    ("name", "hold"),
    [("knee-to-chest", "hug_r"), ("bed-edge-hang", "hug_l"), ("sitting-90-90", "thighs"), ("standing", "hang")],
)
def test_it_puts_the_hands_where_a_person_puts_them(leg: MyoLeg, name: str, hold: str) -> None:
    posture = get_posture(name)
    assert arm_hold(posture) == hold
    leg.pose(PoseAngles.from_posture(posture))
    for side in ("r", "l"):
        hand = wrist(leg, side)
        if hold.startswith("hug_"):
            knee = leg.data.xpos[leg.body_id(f"tibia_{hold[-1]}")]
            assert np.linalg.norm(hand - knee) < 0.12, side
        elif hold == "thighs":  # the wrist a hand's length above the thigh bone, between hip and knee
            knee = leg.data.xpos[leg.body_id(f"tibia_{side}")]
            hip = leg.data.xpos[leg.body_id(f"femur_{side}")]
            along = float(np.clip((hand - hip) @ (knee - hip) / np.sum((knee - hip) ** 2), 0.0, 1.0))
            assert 0.3 < along < 1.0 and np.linalg.norm(hand - (hip + along * (knee - hip))) < 0.17, side
        else:  # hanging straight down beside the trunk, the wrist about level with the hip
            shoulder = leg.data.xpos[leg.body_id(f"humerus_{side}")]
            assert np.linalg.norm(hand - shoulder) > 0.48
            assert abs(hand[2] - leg.data.xpos[leg.body_id(f"femur_{side}")][2]) < 0.12


def test_it_seats_a_sitter_on_a_chair_with_the_feet_on_the_floor(leg: MyoLeg) -> None:
    leg.pose(PoseAngles.from_posture(get_posture("sitting-90-90")))
    seat, backrest, *_, floor = setting_shapes(leg, "chair")
    pelvis = np.concatenate([leg.geom_world_vertices(g, 500) for g in ("pelvis_r", "pelvis_l")])
    seat_top = seat.position[2] + seat.size[2]
    assert 0.0 < pelvis[:, 2].min() - seat_top < 0.05
    feet = np.concatenate([leg.geom_world_vertices(g, 500) for g in ("foot_r", "bofoot_r", "foot_l", "bofoot_l")])
    assert feet[:, 2].min() == pytest.approx(floor.position[2] + floor.size[2], abs=0.005)
    assert backrest.position[1] > pelvis[:, 1].max()  # behind the pelvis (the body faces -y)


def test_it_puts_the_pedals_under_the_feet(leg: MyoLeg) -> None:
    leg.pose(PoseAngles.from_posture(get_posture("cycling-top")))
    shapes = setting_shapes(leg, "bike")
    pedals = [shape for shape in shapes if shape.kind == "box"]
    assert len(pedals) == 2
    for side in ("r", "l"):
        ball = (leg.data.xpos[leg.body_id(f"calcn_{side}")] + leg.data.xpos[leg.body_id(f"toes_{side}")]) / 2
        assert min(np.linalg.norm(pedal.position[1:] - ball[1:]) for pedal in pedals) < 0.01


def test_it_draws_without_arms_when_myo_sim_has_no_arm_meshes(
    model: BodyModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoascare.body.render import VIEWS, BodyRenderer, select_backend
    from psoascare.body.render import myoleg as myoleg_module

    monkeypatch.setattr(myoleg_module, "ARM_MESHES", {"humerus": "no-such-humerus.stl"})
    myoleg_module._compiled_myoleg.cache_clear()
    try:
        bare = MyoLeg()
        assert not bare.has_arms
        posture = get_posture("knee-to-chest")
        bare.pose(PoseAngles.from_posture(posture))  # arms to hug the knee: nothing to place, no error
        assert setting_shapes(bare, "bed")
        if select_backend().available:
            with BodyRenderer() as renderer:
                assert not renderer.myoleg.has_arms
                renderer.pose(PoseAngles.from_posture(posture))
                pixels = renderer.render(VIEWS["side"], volume_paths(model, posture), "supine", setting="bed")
                assert (pixels < 200).any()
    finally:
        monkeypatch.undo()
        myoleg_module._compiled_myoleg.cache_clear()
    assert MyoLeg().has_arms
