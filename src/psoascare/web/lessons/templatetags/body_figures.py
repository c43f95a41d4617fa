"""`{% body_figure "bed-edge-hang" "side" %}`: a figure from the body model with its length-change caption."""

from __future__ import annotations

from django import template

from psoascare.web.lessons.figures import LessonFigure, figure

register = template.Library()


@register.inclusion_tag("lessons/_figure.html")
def body_figure(posture: str, view: str = "side", width: int = 360) -> dict[str, LessonFigure | int]:
    return {"figure": figure(f"{posture}-{view}"), "width": width}
