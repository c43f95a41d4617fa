from __future__ import annotations

from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from psoascare.body.figures import slider_curve
from psoascare.body.report import negative_arm_onset
from psoascare.knowledge.content import lesson
from psoascare.web.accounts.models import Role, role_of
from psoascare.web.journal.safety import clinic_red_flags
from psoascare.web.lessons.figures import (
    CONTENT_TYPES,
    figure_path,
    leg_figure_file,
    lesson_figures,
    lesson_model_figures,
    movements,
    rendered_entries,
    slider_frames,
)
from psoascare.web.lessons.models import Resource


def psoas(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) == Role.CLIENT and isinstance(request.user, User):
        resources = Resource.for_client(request.user)
    else:
        resources = Resource.public_ones()
    rendered = rendered_entries()
    points, frames = slider_curve(), slider_frames(rendered)
    moving = movements(rendered)
    context = {
        "lesson": lesson().filled(lesson_model_figures()),
        "resources": resources,
        "figures": lesson_figures(rendered),
        "slider_points": points,
        "slider_frames": frames,
        # Gait2392's artefact is stated beside the slider, not left for a reader to find in the numbers.
        "gait2392_negative_arm_from": negative_arm_onset("gait2392", tuple(p.hip_flexion_deg for p in points)),
        "slider_data": {
            "points": [vars(point) for point in points],
            "frames": [
                {"angle": f.angle, "url": f.url, "caption": f.caption, "labels": [vars(label) for label in f.labels]}
                for f in frames
            ],
        },
        "movements": moving,
        "movement_data": {m.key: {"frames": list(m.frames), "curve": list(m.curve)} for m in moving},
    }
    return render(request, "lessons/psoas.html", context)


def red_flag_list(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/red_flags.html", {"flags": clinic_red_flags()})


@cache_control(public=True, max_age=3600)
def figure_file(request: HttpRequest, filename: str) -> FileResponse:
    path = figure_path(filename)
    if path is None:
        raise Http404("No such figure. Run `psoascare figures` to render them.")
    return FileResponse(path.open("rb"), content_type=CONTENT_TYPES[path.suffix.lstrip(".")])


def leg_figure(request: HttpRequest, posture: str, side: str) -> HttpResponseRedirect:
    """The picture of `posture` showing the `side` ("left"/"right") leg: a redirect to its file, so the
    routine player can ask for the leg being stretched without knowing file names."""
    if side not in ("left", "right"):
        raise Http404("The side is 'left' or 'right'.")
    filename = leg_figure_file(posture, side)
    if filename is None:
        raise Http404("No picture of that posture. Run `psoascare figures` to render them.")
    return HttpResponseRedirect(reverse("figure", args=[filename]))
