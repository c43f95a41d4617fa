from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.journal.forms import PainForm, TickForm
from psoascare.web.journal.models import PainRecord, StretchSession
from psoascare.web.journal.today import tick, today_for


@client_required
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"today": today_for(request.user), "pain_form": PainForm()}
    return render(request, "journal/today.html", context)


@client_required
@require_POST
def tick_item(request: AuthenticatedHttpRequest) -> HttpResponse:
    today_data = today_for(request.user)
    form = TickForm(request.POST, due_keys=today_data.due_keys)
    if not form.is_valid():
        context = {"today": today_data, "pain_form": PainForm(), "tick_errors": form.errors}
        return render(request, "journal/today.html", context, status=400)
    tick(request.user, today_data, form.cleaned_data["item_key"], undo=form.cleaned_data["undo"])
    return redirect("today")


@client_required
@require_POST
def record_pain(request: AuthenticatedHttpRequest) -> HttpResponse:
    today_data = today_for(request.user)
    form = PainForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/today.html", {"today": today_data, "pain_form": form}, status=400)
    PainRecord.record(request.user, today_data.day, form.cleaned_data["score"], form.cleaned_data["note"])
    return redirect("today")


@client_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "pain_records": PainRecord.objects.filter(client=request.user)[:90],
        "sessions": StretchSession.objects.filter(client=request.user)[:30],
    }
    return render(request, "journal/history.html", context)


@client_required
@require_http_methods(["GET", "POST"])
def pain_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(PainRecord, pk=pk, client=request.user)
    form = PainForm(request.POST or None, initial={"score": record.score, "note": record.note})
    if request.method == "POST" and form.is_valid():
        PainRecord.record(request.user, record.day, form.cleaned_data["score"], form.cleaned_data["note"])
        return redirect("journal:history")
    return render(request, "journal/pain_detail.html", {"record": record, "form": form})


@client_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(StretchSession, pk=pk, client=request.user)
    return render(request, "journal/session_detail.html", {"session": session})
