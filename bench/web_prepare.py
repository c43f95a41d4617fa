"""Run by `python -m bench web` in a child process with the benchmark's DATABASE_URL: makes the sessions and the
API token the load generator sends, and counts the queries of each measured page with Django's test client.
Prints one JSON object."""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> None:
    from psoascare.web.bootstrap import setup_django

    setup_django()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from psoascare.web.accounts.models import UserSession
    from psoascare.web.api.models import ApiToken
    from psoascare.web.calendarfeed.models import CalendarFeed

    def session_for(user: User) -> str:
        store = UserSession.get_session_store_class()()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "psoascare.web.accounts.backends.ProfileBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    client_user = User.objects.get(username=sys.argv[1])
    therapists = {size: User.objects.get(username=name) for size, name in json.loads(sys.argv[2]).items()}
    token = ApiToken.issue(client_user, "bench")[1]
    feed_path = CalendarFeed.objects.get(client=client_user).path()
    patient = User.objects.get(pk=client_user.pk)
    own_therapist = patient.profile.therapist
    assert own_therapist is not None

    def count(user: User | None, method: str, path: str, warm: dict[str, Any] | None = None, **extra: Any) -> int:
        browser = Client()
        if user is not None:
            browser.force_login(user)
        getattr(browser, method)(path, **{**extra, **(warm or {})})  # warm: the feed's cache, the session
        with CaptureQueriesContext(connection) as captured:
            response = getattr(browser, method)(path, **extra)
        assert response.status_code < 300, (path, response.status_code)
        return len(captured)

    # Two breaks no earlier run has sent (a reused database keeps them): one sent again is stored once, and its
    # count would be the look-up's.
    def new_break(microsecond: int) -> str:  # a moment within 11:00-12:00 on 25 Nov, to the microsecond
        minute, second, micro = microsecond // 60_000_000, microsecond // 1_000_000 % 60, microsecond % 1_000_000
        started_at = f"2026-11-25T11:{minute:02}:{second:02}.{micro:06}+00:00"
        return json.dumps({"kind": "break_taken", "started_at": started_at})

    now = time.time_ns() // 1000 % 3_600_000_000
    event, warm_event = new_break(now), new_break((now + 1) % 3_600_000_000)
    queries = {
        "today": count(client_user, "get", "/today/"),
        "feed": count(None, "get", feed_path),
        "client page": count(own_therapist, "get", f"/clinic/clients/{client_user.pk}/"),
        "api write": count(
            None,
            "post",
            "/api/journal/desk-events",
            warm={"data": warm_event},
            data=event,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ),
        **{f"dashboard {size}": count(user, "get", "/clinic/") for size, user in therapists.items()},
    }
    print(
        json.dumps(
            {
                "client_session": session_for(client_user),
                "therapist_session": session_for(own_therapist),
                "dashboard_sessions": {size: session_for(user) for size, user in therapists.items()},
                "client_id": client_user.pk,
                "token": token,
                "feed_path": feed_path,
                "queries": queries,
            }
        )
    )


if __name__ == "__main__":
    main()
