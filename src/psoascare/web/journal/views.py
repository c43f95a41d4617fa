from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_required
from psoascare.web.accounts.backends import read_with_user
from psoascare.web.accounts.models import therapist_video_call_url
from psoascare.web.forms import bound_data
from psoascare.web.journal import today_page
from psoascare.web.journal.forms import PainForm, PsfsForm, RedFlagForm, TickForm
from psoascare.web.journal.models import (
    PainRecord,
    PsfsAssessment,
    RedFlagScreening,
    StretchSession,
    screening_needed,
)
from psoascare.web.journal.progress import progress_charts
from psoascare.web.journal.safety import (
    SafetyState,
    clinic_red_flags,
    exercise_allowed,
    safety_context,
    safety_state,
    screen,
)
from psoascare.web.journal.today import Today, offline_time, tick, today_for
from psoascare.web.journal.versions import today_version_companion


@read_with_user(today_version_companion)  # the page's version comes with the user, in one statement
@client_required
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    key = today_page.page_key(request)
    cached = today_page.cached_page(request, key)
    if cached is not None:
        return cached
    state = safety_state(request.user)  # asks screening_needed once, for the redirect and the page
    if state.screening_due:
        return redirect("safety_check")
    today_data = today_for(request.user)
    context = _today_context(request.user, PainForm(), today_data, state=state)
    if key is None:
        return render(request, "journal/today.html", context)
    rendered = render(request, "journal/today.html", {**context, "csrf_token": today_page.CSRF_PLACEHOLDER})
    return today_page.keep_page(request, key, rendered, today_data.next_change())


def _today_context(
    client: User, pain_form: PainForm, today: Today | None = None, state: SafetyState | None = None, **extra: object
) -> dict[str, object]:
    return {
        **safety_context(state or safety_state(client)),
        "today": today or today_for(client),
        "pain_form": pain_form,
        "psfs_due": PsfsAssessment.is_due(client, timezone.localdate()),
        "video_call_url": therapist_video_call_url(client),
        **extra,
    }


@client_required
@require_POST
@exercise_allowed
def tick_item(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A tick kept on the phone offline (pwa.js) says when it was made, and counts for that day.
    try:
        made_at = offline_time(request.POST.get("made_at", ""))
    except ValueError as exc:
        context = _today_context(request.user, PainForm(), tick_errors={"made_at": [str(exc)]})
        return render(request, "journal/today.html", context, status=400)
    today_data = today_for(request.user, timezone.localdate(made_at) if made_at else None)
    form = TickForm(request.POST, due_keys=today_data.open_keys)
    if not form.is_valid():
        context = _today_context(request.user, PainForm(), today_data, tick_errors=form.errors)
        return render(request, "journal/today.html", context, status=400)
    tick(request.user, today_data, form.cleaned_data["item_key"], undo=form.cleaned_data["undo"], done_at=made_at)
    label = today_data.item(form.cleaned_data["item_key"]).label
    messages.success(request, f"Undone: {label}." if form.cleaned_data["undo"] else f"Done: {label}. Well done.")
    return redirect("today")


@client_required
@require_POST
def record_pain(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PainForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/today.html", _today_context(request.user, form), status=400)
    day = timezone.localdate()
    PainRecord.record(request.user, day, form.cleaned_data["score"], form.cleaned_data["note"])
    messages.success(request, f"Pain saved: {form.cleaned_data['score']}/10.")
    return redirect("safety_check" if screening_needed(request.user, day) else "today")


@client_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        **progress_charts(request.user),
        "pain_records": PainRecord.objects.filter(client=request.user)[:90],
        "sessions": StretchSession.objects.filter(client=request.user)[:30],
    }
    return render(request, "journal/history.html", context)


@client_required
@require_http_methods(["GET", "POST"])
def pain_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(PainRecord, pk=pk, client=request.user)
    form = PainForm(bound_data(request), initial={"score": record.score, "note": record.note})
    if request.method == "POST" and form.is_valid():
        PainRecord.record(request.user, record.day, form.cleaned_data["score"], form.cleaned_data["note"])
        messages.success(request, "Pain changed.")
        return redirect("journal:history")
    return render(request, "journal/pain_detail.html", {"record": record, "form": form})


@client_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(StretchSession, pk=pk, client=request.user)
    return render(request, "journal/session_detail.html", {"session": session})


@client_required
@require_http_methods(["GET", "POST"])
def safety_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    trigger = screening_needed(request.user, timezone.localdate()) or RedFlagScreening.Trigger.SELF
    form = RedFlagForm(bound_data(request))
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        screening = screen(request.user, trigger, form.answers())
        return _safety_result(request, screening, next_url)
    context = {
        "form": form,
        "trigger": RedFlagScreening.Trigger(trigger),
        "flags": clinic_red_flags(),
        "next": next_url,
    }
    return render(request, "journal/safety_check.html", context, status=400 if form.errors else 200)


def _safe_next(request: AuthenticatedHttpRequest) -> str:
    """Where to go on after a clear answer (the player the client was opening), only within this site."""
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.POST.get("next") or request.GET.get("next") or ""
    return wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) else ""


def _safety_result(request: AuthenticatedHttpRequest, screening: RedFlagScreening, next_url: str) -> HttpResponse:
    """This screening's answer, and the client's state after it (an earlier unreviewed answer still stands)."""
    context = {**safety_context(safety_state(request.user)), "screening": screening, "next": next_url or "/today/"}
    return render(request, "journal/safety_result.html", context)


@client_required
@require_http_methods(["GET", "POST"])
def psfs(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The fortnightly PSFS, with the cauda equina questions asked again (it can start at any time)."""
    previous = PsfsAssessment.objects.filter(client=request.user).first()
    form = PsfsForm(bound_data(request), initial=previous.initial_for_next() if previous else None)
    flags_form = RedFlagForm(bound_data(request), recheck_only=True, prefix="flag")
    if request.method == "POST" and form.is_valid() and flags_form.is_valid():
        with transaction.atomic():
            PsfsAssessment.record(request.user, timezone.localdate(), form.cleaned_data["rows"])
            screening = screen(request.user, RedFlagScreening.Trigger.PSFS, flags_form.answers())
        if screening.flagged:
            return _safety_result(request, screening, "")
        messages.success(request, "Your ratings are saved. We will ask again in two weeks.")
        return redirect("journal:history")
    context = {"form": form, "flags_form": flags_form, "previous": previous, "flags": clinic_red_flags()}
    return render(request, "journal/psfs.html", context, status=400 if form.errors or flags_form.errors else 200)
