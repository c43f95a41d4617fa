from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_of, therapist_required
from psoascare.web.accounts.models import clients_of
from psoascare.web.journal.models import PainRecord, StretchSession


@therapist_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "clinic/dashboard.html", {"clients": clients_of(request.user)})


@therapist_required
def client_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    context = {
        "client": client,
        "pain_records": PainRecord.objects.filter(client=client)[:30],
        "sessions": StretchSession.objects.filter(client=client)[:30],
    }
    return render(request, "clinic/client_detail.html", context)
