"""Body model speed: psoas and iliacus lengths and hip-flexion moment arms, ours vs OpenSim vs MuJoCo.

All three compute the same thing for the same random postures (both hips: flexion -30..120°, adduction
±20°, rotation ±30°): the musculotendon length and hip-flexion moment arm of psoas_r, psoas_l, iliacus_r and
iliacus_l. Ours is psoascare.body: for a batch this large a numba-compiled loop over the postures (run
single-threaded), with the numpy path (vectorised over postures) timed beside it; the moment arm is -dL/dθ
taken exactly (tests/body check it against the central difference). OpenSim 4.6 runs
our models built through its API (psoascare.body.crosscheck), one posture at a time, as its API works
(Coordinate.setValue, getLength, computeMomentArm); it is timed on a subset because 100k postures would
take minutes. MuJoCo runs MyoLeg (myo-sim) one posture at a time: mj_kinematics, mj_comPos, mj_tendon,
moment arms from the tendon Jacobian. Times are processor time of this process (all three run
single-threaded here), best of three runs, per posture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from psoascare.body.crosscheck import build_myoleg_model, build_opensim_model, random_hip_angles
from psoascare.body.model import COMPILED_MIN_POSTURES, MUSCLES, BodyModel, numba_available

POSTURE_COUNT = 100_000
OPENSIM_SUBSET = 3_000
REPEATS = 3


def subset(angles: dict[str, np.ndarray], count: int) -> dict[str, np.ndarray]:
    return {name: values[:count] for name, values in angles.items()}


def best_time(work: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best processor time of this process over the runs: on a machine shared with other work, wall-clock
    time mostly measures the others; all three methods run single-threaded in this process."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def max_difference_mm(ours: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> float:
    return max(float(np.max(np.abs(ours[muscle] - reference[muscle]))) for muscle in MUSCLES) * 1000.0


def mean_difference_mm(ours: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> float:
    return float(np.mean([np.mean(np.abs(ours[muscle] - reference[muscle])) for muscle in MUSCLES])) * 1000.0


def run() -> str:
    load_before = os.getloadavg()[0]
    angles = random_hip_angles(POSTURE_COUNT, seed=2016)
    opensim_angles = subset(angles, OPENSIM_SUBSET)
    rows: list[str] = []
    notes: list[str] = []

    mujoco_rows: list[tuple[str, float]] = []
    for only_these_muscles, label in ((False, "all 80 tendons"), (True, "reduced to these 4 tendons")):
        myoleg = build_myoleg_model(only_these_muscles)
        myoleg.evaluate(subset(angles, 100))  # warm up
        mujoco_seconds = best_time(partial(myoleg.evaluate, angles))
        mujoco_rows.append((label, mujoco_seconds))
    mujoco_lengths, mujoco_moment_arms = myoleg.evaluate(angles)

    compiled = numba_available()
    first_call = first_call_seconds() if compiled else None
    ours_label = "psoascare.body (numba kernel)" if compiled else "psoascare.body (numpy)"
    for model_name in ("rajagopal2016", "gait2392"):
        ours = BodyModel(model_name)
        # Warm up with a batch large enough for the compiled kernel, so that it is loaded before timing.
        ours.lengths_and_moment_arms(subset(angles, COMPILED_MIN_POSTURES))
        ours_seconds = best_time(partial(ours.lengths_and_moment_arms, angles))
        lengths, moment_arms = ours.lengths_and_moment_arms(angles)
        ours_per_posture = ours_seconds / POSTURE_COUNT
        plain = BodyModel(model_name, compiled=False)
        plain.lengths_and_moment_arms(subset(angles, 1000))  # warm up
        plain_seconds = best_time(partial(plain.lengths_and_moment_arms, angles))
        plain_lengths, plain_moment_arms = plain.lengths_and_moment_arms(angles)

        reference = build_opensim_model(model_name)
        reference.evaluate(subset(angles, 50))  # warm up
        opensim_seconds = best_time(partial(reference.evaluate, opensim_angles))
        opensim_lengths, opensim_moment_arms, _ = reference.evaluate(opensim_angles)
        opensim_per_posture = opensim_seconds / OPENSIM_SUBSET
        ours_subset_lengths = subset(lengths, OPENSIM_SUBSET)
        ours_subset_moment_arms = subset(moment_arms, OPENSIM_SUBSET)

        rows.append(
            f"| {model_name} | {ours_label} | {POSTURE_COUNT:,} | {ours_seconds:.3f} | "
            f"{ours_per_posture * 1e6:.2f} | 1 |"
        )
        difference = plain.moment_arms_by_central_difference(angles)
        notes.append(
            f"- {model_name}: exact moment arm vs central difference (h = 1e-5 rad) over {POSTURE_COUNT:,} "
            f"postures, largest difference {max_difference_mm(moment_arms, difference):.1e} mm."
        )
        if compiled:
            rows.append(
                f"| {model_name} | psoascare.body (numpy path) | {POSTURE_COUNT:,} | {plain_seconds:.3f} | "
                f"{plain_seconds / POSTURE_COUNT * 1e6:.2f} | {plain_seconds / ours_seconds:.1f}× the kernel's time |"
            )
            notes.append(
                f"- {model_name}: numba kernel vs numpy path over {POSTURE_COUNT:,} postures, largest difference: "
                f"length {max_difference_mm(lengths, plain_lengths):.1e} mm, moment arm "
                f"{max_difference_mm(moment_arms, plain_moment_arms):.1e} mm."
            )
        rows.append(
            f"| {model_name} | OpenSim 4.6 | {OPENSIM_SUBSET:,} | {opensim_seconds:.3f} | "
            f"{opensim_per_posture * 1e6:.1f} | ours {opensim_per_posture / ours_per_posture:,.0f}× faster |"
        )
        notes.append(
            f"- {model_name}: largest difference from OpenSim over {OPENSIM_SUBSET:,} postures, all four "
            f"muscles: length {max_difference_mm(ours_subset_lengths, opensim_lengths):.4f} mm, moment arm "
            f"{max_difference_mm(ours_subset_moment_arms, opensim_moment_arms):.4f} mm."
        )
        if model_name == "rajagopal2016":
            for label, mujoco_seconds in mujoco_rows:
                mujoco_per_posture = mujoco_seconds / POSTURE_COUNT
                rows.append(
                    f"| MyoLeg (from Rajagopal2016), {label} | MuJoCo {_mujoco_version()} | {POSTURE_COUNT:,} | "
                    f"{mujoco_seconds:.3f} | {mujoco_per_posture * 1e6:.1f} | "
                    f"ours (rajagopal2016) {mujoco_per_posture / ours_per_posture:,.0f}× faster |"
                )
            notes.append(
                "- MyoLeg vs our Rajagopal2016, mean absolute difference over "
                f"{POSTURE_COUNT:,} postures: length {mean_difference_mm(lengths, mujoco_lengths):.2f} mm, "
                f"moment arm {mean_difference_mm(moment_arms, mujoco_moment_arms):.2f} mm (MyoLeg dropped "
                "the psoas wrap cylinder and made the iliacus wrap a sphere; where no wrap is active the "
                "paths coincide)."
            )

    if first_call is not None:
        notes.append(
            f"- Not in the per-posture times: a fresh process's first batch also imports numba and loads the "
            f"kernel's machine code from numba's cache, {first_call:.2f} s here (compiling it anew, the first "
            "time on a machine or after the code changed, takes a few seconds); below "
            f"{COMPILED_MIN_POSTURES:,} postures the numpy path runs and numba is not imported."
        )
    lines = [
        "## Body model",
        "",
        "Musculotendon length and hip-flexion moment arm of psoas_r, psoas_l, iliacus_r and iliacus_l for "
        f"random postures of both hips (flexion -30..120°, adduction ±20°, rotation ±30°), the same postures "
        "for every method. Ours: `BodyModel.lengths_and_moment_arms`, which for batches of "
        f"{COMPILED_MIN_POSTURES:,} postures or more runs a numba-compiled loop over the postures "
        "(single-threaded, no parallel option), else numpy vectorised over postures (timed too); both "
        "compute every length and take the moment arm as -dL/dθ exactly, per posture, per muscle (against "
        "the central difference in the notes below; the tests require 0.01 mm). "
        f"OpenSim 4.6: our models built through its API, one posture at a time "
        f"(`Coordinate.setValue`, `getLength`, `computeMomentArm`), timed on the first {OPENSIM_SUBSET:,} "
        "postures and reported per posture. MuJoCo: MyoLeg from myo-sim, one posture at a time "
        "(`mj_kinematics`, `mj_comPos`, `mj_tendon`; moment arms from the tendon Jacobian). Processor time of "
        f"the benchmark process (all three run single-threaded in it), best of {REPEATS} runs each; "
        "`python -m bench body`.",
        "",
        f"Load average (1 min) {load_before:.2f} before and {os.getloadavg()[0]:.2f} after the run, on a "
        "machine shared with other work: the ratios still move by some tens of percent between runs.",
        "",
        "| model | method | postures timed | CPU seconds | µs per posture | ratio |",
        "| --- | --- | ---: | ---: | ---: | --- |",
        *rows,
        "",
        *notes,
        "- The OpenSim models hold only the pelvis, both femurs and these four muscles, the smallest model "
        "that computes the same thing; each OpenSim call costs more in a full-body model.",
    ]
    return "\n".join(lines)


def _mujoco_version() -> str:
    import mujoco

    return str(mujoco.__version__)


def first_call_seconds() -> float:
    """Wall time of the first large batch in a fresh process: numba's import and the kernel's load."""
    code = (
        "import time\n"
        "import numpy as np\n"
        "from psoascare.body.model import BodyModel\n"
        "model = BodyModel('rajagopal2016')\n"
        f"angles = {{'hip_flexion_r': np.zeros({COMPILED_MIN_POSTURES})}}\n"
        "start = time.perf_counter()\n"
        "model.lengths_and_moment_arms(angles)\n"
        "print(time.perf_counter() - start)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fills numba's cache
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(result.stdout.strip())
