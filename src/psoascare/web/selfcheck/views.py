"""The Thomas self-check pages: the client's own, and the therapist's for a client in the clinic.

The photo stays in the page: the form posts only the side, the points, the page's angles and a note.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from psoascare.body.thomas import ERROR_BAND_DEG, POINT_NAMES
from psoascare.routines.library import default_library
from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_of, client_required, therapist_required
from psoascare.web.accounts.models import Role, role_of
from psoascare.web.journal.safety import exercise_allowed, therapist_gate
from psoascare.web.lessons.figures import figure
from psoascare.web.privacy.audit import record_access
from psoascare.web.selfcheck.charts import selfcheck_chart
from psoascare.web.selfcheck.models import FoundBy, SelfCheck, Side

SELFCHECK_ACTION = "selfcheck"  # the audit log's action when a therapist opens or records a client's self-check
HISTORY_LENGTH = 60


def _page_context(client: User, error: str = "") -> dict[str, object]:
    stretch = default_library().get("bed-edge-hang")
    checks = list(SelfCheck.objects.filter(client=client)[:HISTORY_LENGTH])
    return {
        "client": client,
        "stretch": stretch,
        "picture": figure("bed-edge-hang-side"),
        "sides": Side.choices,
        "point_names": POINT_NAMES,
        "checks": checks,
        "chart": selfcheck_chart(checks),
        "error_band": ERROR_BAND_DEG,
        "error": error,
    }


def _record(request: AuthenticatedHttpRequest, client: User) -> SelfCheck:
    """The posted check, measured and stored; ValidationError with a plain message for bad input."""
    try:
        points = json.loads(request.POST.get("points", ""))
        page_angles = json.loads(request.POST.get("angles") or "{}")
        width = int(request.POST.get("image_width", ""))
        height = int(request.POST.get("image_height", ""))
    except (ValueError, TypeError):
        raise ValidationError("The points did not arrive. Place them on the photo and try again.") from None
    if not isinstance(page_angles, dict):
        raise ValidationError("angles must be an object")
    return SelfCheck.record(
        client,
        request.user,
        side=request.POST.get("side", ""),
        points=points,
        image_width=width,
        image_height=height,
        found_by=request.POST.get("found_by", FoundBy.BY_HAND),
        note=request.POST.get("note", "").strip(),
        page_angles={key: float(value) for key, value in page_angles.items() if isinstance(value, int | float)},
    )


def _page(request: AuthenticatedHttpRequest, client: User, save_url: str) -> HttpResponse:
    if request.method == "POST":
        try:
            check = _record(request, client)
        except ValidationError as error:
            context = _page_context(client, error=" ".join(error.messages))
            context["save_url"] = save_url
            return render(request, "selfcheck/page.html", context, status=400)
        return redirect("selfcheck:detail", pk=check.pk)
    context = _page_context(client)
    context["save_url"] = save_url
    return render(request, "selfcheck/page.html", context)


@client_required
@exercise_allowed  # the same gate as the stretch itself: safety questions when due, the pause after a red flag
@require_http_methods(["GET", "POST"])
def own_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, request.user, reverse("selfcheck:page"))


@therapist_required
@require_http_methods(["GET", "POST"])
def client_page(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    """The therapist takes the check in the clinic. While the client's safety gate is shut, the therapist sees
    why and confirms an in-person assessment first, as for a guided session."""
    client = client_of(request.user, client_id)
    shut = therapist_gate(request, client, "the bed-edge position")
    if shut is not None:
        return shut
    record_access(request, client, SELFCHECK_ACTION)
    return _page(request, client, reverse("selfcheck:client", args=[client.pk]))


@login_required
@require_http_methods(["GET"])
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One check's result: the client's own, or a therapist's client's (404 for anyone else)."""
    check = get_object_or_404(SelfCheck, pk=pk)
    role = role_of(request.user)
    if role == Role.CLIENT and check.client_id == request.user.pk:
        back = reverse("selfcheck:page")
    elif role == Role.THERAPIST:
        client_of(request.user, check.client_id)
        record_access(request, check.client, SELFCHECK_ACTION)
        back = reverse("selfcheck:client", args=[check.client_id])
    else:
        raise Http404("No such self-check")
    return render(request, "selfcheck/detail.html", {"check": check, "back": back, "error_band": ERROR_BAND_DEG})
