from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from psoascare.routines.library import default_library
from psoascare.routines.templates import RoutineTemplate
from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_of, client_required, therapist_required
from psoascare.web.clinic.forms import MessageForm, ResourceForm, TherapistSettingsForm
from psoascare.web.clinic.models import Alert, Message
from psoascare.web.clinic.overview import dashboard as clinic_dashboard
from psoascare.web.clinic.overview import summarise
from psoascare.web.clinic.timeline import timeline
from psoascare.web.forms import bound_data
from psoascare.web.journal.models import DeskEvent, RedFlagScreening
from psoascare.web.journal.progress import progress_charts
from psoascare.web.journal.safety import resume_routine
from psoascare.web.lessons.models import Resource
from psoascare.web.privacy.audit import record_access, record_page_access
from psoascare.web.privacy.models import AccessAction
from psoascare.web.programs.models import Assignment


@therapist_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    board = clinic_dashboard(request.user, timezone.localdate(), request.GET.get("q", ""), request.GET.get("page") or 1)
    rows = board.rows
    # One access log entry for the page view, naming the clients whose rows it shows.
    record_page_access(request, [row.client for row in rows], AccessAction.VIEW_DASHBOARD_ROW)
    context = {"rows": rows, "board": board, "page": board.page, "alerts": Alert.open_for(request.user)}
    return render(request, "clinic/dashboard.html", context)


@therapist_required
def client_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    return _client_page(request, client_of(request.user, client_id), MessageForm())


def _client_page(request: AuthenticatedHttpRequest, client: User, message_form: MessageForm) -> HttpResponse:
    record_access(request, client, "view-record")
    Message.mark_read(request.user, client)
    assignment = Assignment.objects.filter(client=client).first()
    routine = assignment.template() if assignment else None
    context = {
        "client": client,
        "assignment": assignment,
        "routine": routine,
        "programme_lines": _programme_lines(routine) if routine else [],
        "shared": Resource.for_client(client),
        "summary": summarise(client, timezone.localdate()),
        "timeline": timeline(client, days=30, reader=request.user),
        "messages_thread": Message.thread(request.user, client),
        "message_form": message_form,
        "screenings": RedFlagScreening.objects.filter(client=client)[:10],
        "desk_break_count": DeskEvent.objects.filter(
            client=client, started_at__gte=timezone.now() - timedelta(days=7)
        ).count(),
        **progress_charts(client),
    }
    return render(request, "clinic/client_detail.html", context, status=400 if message_form.errors else 200)


def _programme_lines(routine: RoutineTemplate) -> list[str]:
    library = default_library()
    return [f"{library.get(item.exercise).title}: {routine.dose(item, library).words()}" for item in routine.items]


@therapist_required
@require_POST
def send_to_client(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _client_page(request, client, form)  # the error shows on the form it belongs to
    Message.send(request.user, client, form.cleaned_data["body"])
    messages.success(request, "Message sent.")
    return redirect("clinic:client", client_id=client.pk)


@therapist_required
@require_POST
def resume(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    resume_routine(request.user, client)
    return redirect("clinic:client", client_id=client.pk)


@therapist_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TherapistSettingsForm(bound_data(request), instance=request.user.profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("clinic:dashboard")
    return render(request, "clinic/settings.html", {"form": form}, status=400 if form.errors else 200)


@therapist_required
@require_http_methods(["GET", "POST"])
def resources(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Resource, pk=pk, therapist=request.user) if pk else None
    form = ResourceForm(bound_data(request), instance=instance, therapist=request.user)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        resource.therapist = request.user
        resource.save()
        form.save_m2m()
        return redirect("clinic:resources")
    context = {"form": form, "resources": Resource.objects.filter(therapist=request.user), "editing": instance}
    return render(request, "clinic/resources.html", context, status=400 if form.errors else 200)


@therapist_required
@require_POST
def delete_resource(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Resource, pk=pk, therapist=request.user).delete()
    return redirect("clinic:resources")


@client_required
@require_http_methods(["GET", "POST"])
def client_messages(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = request.user.profile.therapist
    form = MessageForm(bound_data(request))
    if therapist is not None and request.method == "POST" and form.is_valid():
        Message.send(request.user, therapist, form.cleaned_data["body"])
        return redirect("messages")
    thread = Message.thread(request.user, therapist) if therapist else Message.objects.none()
    if therapist is not None:
        Message.mark_read(request.user, therapist)
    context = {"form": form, "thread": thread, "therapist": therapist}
    return render(request, "clinic/client_messages.html", context, status=400 if form.errors else 200)


@therapist_required
@require_POST
def dismiss_alert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A notice that names no client (a client who left) is dismissed by reading it; red flags need a review."""
    alert = get_object_or_404(Alert, pk=pk, therapist=request.user, client__isnull=True)
    alert.resolved_at = alert.resolved_at or timezone.now()
    alert.save(update_fields=["resolved_at"])
    return redirect("clinic:dashboard")
