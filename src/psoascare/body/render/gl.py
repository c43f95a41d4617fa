"""Choosing a headless OpenGL backend for MuJoCo: EGL first, then OSMesa, else none (SVG fallback).

MuJoCo picks its GL platform from MUJOCO_GL when it is first imported, and a broken EGL or OSMesa
driver can abort the process rather than raise. So each backend is first tried in a child process;
only one that rendered there is used here, and MUJOCO_GL is set before this process imports mujoco.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

CANDIDATE_BACKENDS = ("egl", "osmesa")
DISABLED_VALUES = frozenset({"disable", "disabled", "off", "false", "0", "none"})
PROBE_TIMEOUT_S = 30.0

# Creates a context, compiles a one-sphere model and renders one frame: if this works in a child,
# the same steps work here.
_PROBE_SCRIPT = """
import os, sys
backend = sys.argv[1]
os.environ["MUJOCO_GL"] = backend
import mujoco
if backend == "egl":
    from mujoco.egl import GLContext
else:
    from mujoco.osmesa import GLContext
context = GLContext(32, 32)
context.make_current()
model = mujoco.MjModel.from_xml_string('<mujoco><worldbody><geom size=".1"/></worldbody></mujoco>')
data = mujoco.MjData(model)
scene = mujoco.MjvScene(model, maxgeom=10)
render_context = mujoco.MjrContext(model, mujoco.mjtFontScale.mjFONTSCALE_100.value)
mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN.value, render_context)
mujoco.mjv_updateScene(model, data, mujoco.MjvOption(), None, mujoco.MjvCamera(),
                       mujoco.mjtCatBit.mjCAT_ALL.value, scene)
mujoco.mjr_render(mujoco.MjrRect(0, 0, 32, 32), scene, render_context)
render_context.free()
context.free()
print("ok")
"""


@dataclass(frozen=True)
class GLBackend:
    """The backend in use (`name`), or None with `reason` saying why no GL is available."""

    name: str | None
    reason: str

    @property
    def available(self) -> bool:
        return self.name is not None


_chosen: GLBackend | None = None


def _probe(backend: str) -> str | None:
    """Return None when `backend` renders in a child process, else a short reason."""
    environment = {**os.environ, "MUJOCO_GL": backend}
    environment.pop("PYOPENGL_PLATFORM", None)
    try:
        finished = subprocess.run(
            [sys.executable, "-c", _PROBE_SCRIPT, backend],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{backend}: no answer within {PROBE_TIMEOUT_S:.0f} s"
    if finished.returncode == 0 and finished.stdout.strip().endswith("ok"):
        return None
    last_lines = [line for line in finished.stderr.strip().splitlines() if line.strip()]
    detail = last_lines[-1] if last_lines else f"exit status {finished.returncode}"
    return f"{backend}: {detail}"


def select_backend() -> GLBackend:
    """Pick (once per process) the first backend that renders: MUJOCO_GL if set, else EGL, then OSMesa.

    MUJOCO_GL=off (or disable, 0, ...) forces the SVG fallback.
    """
    global _chosen
    if _chosen is not None:
        return _chosen
    requested = os.environ.get("MUJOCO_GL", "").strip().lower()
    if requested in DISABLED_VALUES:
        _chosen = GLBackend(None, f"MUJOCO_GL={requested} turns 3D rendering off")
        return _chosen
    candidates = [requested] if requested in CANDIDATE_BACKENDS else list(CANDIDATE_BACKENDS)
    failures = []
    for backend in candidates:
        failure = _probe(backend)
        if failure is None:
            if "mujoco" not in sys.modules:
                os.environ["MUJOCO_GL"] = backend
            _chosen = GLBackend(backend, f"MUJOCO_GL={backend} rendered a test frame")
            log.debug("3D rendering with %s", backend)
            return _chosen
        failures.append(failure)
    _chosen = GLBackend(None, "no headless OpenGL (" + "; ".join(failures) + ")")
    return _chosen


def create_context(backend: GLBackend, width: int, height: int) -> Any:
    """An OpenGL context of `backend`, made current.

    The context class is imported from its own module rather than taken from mujoco's default, so
    this works even when mujoco was imported before MUJOCO_GL was set.
    """
    if backend.name == "egl":
        from mujoco.egl import GLContext
    elif backend.name == "osmesa":
        from mujoco.osmesa import GLContext
    else:
        raise RuntimeError(backend.reason)
    context = GLContext(width, height)
    context.make_current()
    return context


def forget_backend() -> None:
    """Forget the cached choice (tests use this after changing MUJOCO_GL)."""
    global _chosen
    _chosen = None
