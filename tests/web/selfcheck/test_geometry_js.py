"""The page's angles are the server's: static/selfcheck/geometry.js under Node against psoascare.body.thomas on
the same points (skipped with the reason when Node is missing; under CI=true it must run)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from psoascare.body.thomas import POINT_NAMES, ThomasError, measure
from tests.desk.tools import tool_missing

JS = Path(__file__).resolve().parents[3] / "src/psoascare/web/selfcheck/static/selfcheck/geometry.js"
NODE = shutil.which("node") or shutil.which("nodejs")

# geometry.js is an ES module for the browser; here its `export` is dropped and the source run as a function.
RUNNER = """
const source = require("fs").readFileSync(process.argv[1], "utf8").replace(/^export /gm, "");
const { measure } = new Function(source + "\\nreturn { measure };")();
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map((points) => measure(points))));
"""

COORDINATE = st.floats(min_value=0, max_value=640, allow_nan=False).map(lambda value: round(value, 1))
POINTS = st.fixed_dictionaries({name: st.tuples(COORDINATE, COORDINATE) for name in POINT_NAMES})


def run_js(cases: list[dict[str, tuple[float, float]]]) -> list[dict[str, float]]:
    if NODE is None:
        tool_missing("Node is not installed", "the self-check's page geometry must be checked against the server's")
    result = subprocess.run(
        [NODE, "-e", RUNNER, str(JS)], input=json.dumps(cases), capture_output=True, text=True, timeout=60, check=True
    )
    return list(json.loads(result.stdout))


@settings(max_examples=30, deadline=None)
@given(st.lists(POINTS, min_size=20, max_size=20))
def test_the_page_and_the_server_give_the_same_angles(cases: list[dict[str, tuple[float, float]]]) -> None:
    measurable = []
    for points in cases:
        try:
            measure(points)
        except ThomasError:  # coincident points: the server refuses them, the page disables Save
            continue
        measurable.append(points)
    for points, page in zip(measurable, run_js(measurable), strict=True):
        server = measure(points).as_dict()
        for name, value in server.items():
            difference = (page[name] - value + 180.0) % 360.0 - 180.0  # +180° and -180° are one direction
            assert abs(difference) < 0.01, (name, page[name], value, points)
