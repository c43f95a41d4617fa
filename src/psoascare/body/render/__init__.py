"""Pictures of the body model: MyoLeg's bone meshes rendered headless with MuJoCo, the psoas and
iliacus drawn along the paths our model computes; an SVG schematic where no OpenGL is available.

No Django, Typer or GUI imports here. mujoco is imported lazily (after MUJOCO_GL is chosen).
"""

from __future__ import annotations

from psoascare.body.render.anatomy import STYLES, DrawnPath, figure_paths
from psoascare.body.render.gl import GLBackend, select_backend
from psoascare.body.render.png import decode_png, encode_png, write_png
from psoascare.body.render.renderer import BodyRenderer, RenderUnavailable
from psoascare.body.render.svg import schematic_svg
from psoascare.body.render.views import FRONT, LUMBAR_CLOSE_UP, SIDE, VIEWS, View

__all__ = [
    "FRONT",
    "LUMBAR_CLOSE_UP",
    "SIDE",
    "STYLES",
    "VIEWS",
    "BodyRenderer",
    "DrawnPath",
    "GLBackend",
    "RenderUnavailable",
    "View",
    "decode_png",
    "encode_png",
    "figure_paths",
    "schematic_svg",
    "select_backend",
    "write_png",
]
