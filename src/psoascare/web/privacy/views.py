from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from psoascare.web.accounts.access import AuthenticatedHttpRequest, client_of, client_required, therapist_required
from psoascare.web.privacy.audit import record_access
from psoascare.web.privacy.erasure import erase_account, note_wrong_password, too_many_wrong_passwords
from psoascare.web.privacy.export import as_json, as_zip, client_tables
from psoascare.web.privacy.forms import DeleteAccountForm
from psoascare.web.privacy.models import AccessAction, AccessLogEntry

ACCESS_LOG_PAGE_SIZE = 50


def download(content: bytes, content_type: str, client: User, extension: str) -> HttpResponse:
    filename = f"psoascare-{client.username}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    # Usernames may hold non-ASCII letters: this writes filename* (RFC 6266) for those.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


@client_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    recent = AccessLogEntry.objects.about(request.user)[:5]
    return render(request, "privacy/overview.html", {"recent_access": recent})


@client_required
@require_GET
@never_cache
def export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    content = as_json(request.user, client_tables(request.user))
    return download(content, "application/json; charset=utf-8", request.user, "json")


@client_required
@require_GET
@never_cache
def export_zip(request: AuthenticatedHttpRequest) -> HttpResponse:
    return download(as_zip(client_tables(request.user)), "application/zip", request.user, "zip")


@client_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "GET":
        return render(request, "privacy/delete.html", {"form": form})
    if too_many_wrong_passwords(request.user):
        form.add_error(None, "Too many wrong passwords. Try again in 15 minutes; nothing was deleted.")
        return render(request, "privacy/delete.html", {"form": form}, status=429)
    if not form.is_valid():
        note_wrong_password(request.user)
        return render(request, "privacy/delete.html", {"form": form}, status=400)
    try:
        erase_account(request.user)
    except (ProtectedError, RestrictedError):
        form.add_error(None, "Your account could not be deleted; nothing was removed. Ask your clinic.")
        return render(request, "privacy/delete.html", {"form": form}, status=409)
    logout(request)
    return render(request, "privacy/deleted.html")


@client_required
@require_GET
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    entries = AccessLogEntry.objects.about(request.user)
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/access_log.html", {"page": page})


@therapist_required
@require_POST  # a POST, so another site cannot make a therapist's browser log a false export
@never_cache
def client_export_json(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_of(request.user, client_id)
    record_access(request, client, AccessAction.EXPORT_RECORD)
    return download(as_json(client, client_tables(client)), "application/json; charset=utf-8", client, "json")
