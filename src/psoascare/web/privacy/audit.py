"""record_access: every view that shows a therapist one client's data calls it once; record_page_access: a page
that shows several clients (the dashboard) writes one entry naming them all."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.http import HttpRequest

from psoascare.web.privacy.models import AccessLogEntry, AccessLogShown


def client_ip(request: HttpRequest) -> str | None:
    """The client address: the peer, or behind a proxy in PSOASCARE_TRUSTED_PROXIES the address it forwarded
    (psoascare.web.proxy). Any other X-Forwarded-For is ignored: any browser can write it."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def record_access(request: HttpRequest, client: User, action: str) -> None:
    """Write who (the logged-in user) did what (`action`, e.g. "view-record") to whose record, from where."""
    _write_entry(request, client, action)


def record_page_access(request: HttpRequest, clients: list[User], action: str) -> None:
    """One entry for the page view, naming every client shown (two statements in one transaction, however many
    clients): an entry is never left without the clients it names, and the page waits for one commit, not two."""
    if not clients:
        _reader(request)  # an anonymous page view is a bug even when it showed no one
        return
    with transaction.atomic():
        entry = _write_entry(request, None, action)
        AccessLogShown.objects.bulk_create([AccessLogShown(entry=entry, client=client) for client in clients])


def _reader(request: HttpRequest) -> User:
    actor = request.user
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise ValueError("the access log needs a logged-in reader: an anonymous read of a record is a bug")
    return actor


def _write_entry(request: HttpRequest, client: User | None, action: str) -> AccessLogEntry:
    actor = _reader(request)
    return AccessLogEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_full_name() or actor.username)[:150],
        client=client,
        action=action[:40],
        path=request.get_full_path()[:500],
        ip=client_ip(request),
    )
