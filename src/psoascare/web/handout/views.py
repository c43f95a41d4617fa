"""The handout pages: a client's own, and the copy a therapist prints for one of their clients."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_of, client_required, therapist_required
from psoascare.web.handout.content import MOVE_NOTE, MOVE_SOURCES, STRETCHING_NOTE, STRETCHING_SOURCES, handout_for
from psoascare.web.handout.pdf import build_handout_pdf
from psoascare.web.handout.qr import qr_svg_data_uri
from psoascare.web.journal.safety import safety_context
from psoascare.web.privacy.audit import record_access

PDF_FILENAME = "psoascare-handout.pdf"
# What the client's access log says when their therapist opens or downloads the handout.
THERAPIST_ACCESS_ACTION = "print-handout"


def _page(request: AuthenticatedHttpRequest, client: User, pdf_url: str) -> HttpResponse:
    handout = handout_for(client, for_page=True)
    qr_codes = [(link, qr_svg_data_uri(link.url)) for link in handout.links]
    context = {
        **safety_context(handout.safety),
        "handout": handout,
        "qr_codes": qr_codes,
        "pdf_url": pdf_url,
        "for_therapist": client != request.user,
        # Each group with the site's box style: red for emergency, orange for see-a-doctor-soon.
        "flag_groups": [(handout.red_flags.emergency, "alert"), (handout.red_flags.urgent, "notice")],
        "stretching_note": STRETCHING_NOTE,
        "stretching_sources": STRETCHING_SOURCES,
        "move_note": MOVE_NOTE,
        "move_sources": MOVE_SOURCES,
    }
    return render(request, "handout/handout.html", context)


def _pdf(client: User) -> HttpResponse:
    response = HttpResponse(build_handout_pdf(handout_for(client)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{PDF_FILENAME}"'
    # It holds health information and the private calendar address: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@client_required
def own_handout(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, request.user, reverse("handout:own_pdf"))


@client_required
def own_handout_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _pdf(request.user)


@therapist_required
def client_handout(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    record_access(request, client, THERAPIST_ACCESS_ACTION)
    return _page(request, client, reverse("handout:client_pdf", args=[client.pk]))


@therapist_required
def client_handout_pdf(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    record_access(request, client, THERAPIST_ACCESS_ACTION)
    return _pdf(client)
