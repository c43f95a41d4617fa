"""Who reaches what: every route × anonymous, client A, client B, therapist X (A's), therapist Y and an admin.

Nobody reaches what is not theirs: they get a 404 (anonymous users are sent to log in, or get a 401 from the
API). The matrix must name every route: a new route that is not listed here fails `test_it_lists_every_route`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from psoascare.web.accounts.models import Invitation
from psoascare.web.api.models import ApiToken
from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.clinic.models import Alert
from psoascare.web.journal.models import PainRecord, StretchSession
from psoascare.web.lessons.models import Resource
from psoascare.web.programs.models import ProgrammeTemplate
from psoascare.web.routines.models import CustomExercise
from tests.web.base import BaseTestCase
from tests.web.selfcheck.helpers import make_check

ACTORS = ("anonymous", "client_a", "client_b", "therapist_x", "therapist_y", "admin")

# Who may use a route; everyone else gets 404 (anonymous: log-in redirect on pages, 401 on the API).
EVERYONE = frozenset(ACTORS)
LOGGED_IN = frozenset(ACTORS) - {"anonymous"}
CLIENTS = frozenset({"client_a", "client_b"})
CLIENT_A = frozenset({"client_a"})
THERAPISTS = frozenset({"therapist_x", "therapist_y"})
THERAPIST_X = frozenset({"therapist_x"})


NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Route:
    path: Callable[[Any], str]
    allowed: frozenset[str]
    method: str = "get"
    api: bool = False
    body: dict[str, Any] | None = None


def fixed(path: str) -> Callable[[Any], str]:
    return lambda case: path


SESSION = {
    "routine_slug": "bed-edge",
    "title": "Bed-edge hang",
    "mode": "home",
    "protocol": None,
    "started_at": "2026-11-25T07:30:00+00:00",
    "ended_at": "2026-11-25T07:33:00+00:00",
    "completed": True,
    "steps": [
        {
            "exercise": "bed-edge-hang",
            "side": "left",
            "rep": 1,
            "kind": "hold",
            "planned_seconds": 30,
            "done_seconds": 30,
            "skipped": False,
        }
    ],
}
DESK_EVENT = {"kind": "break_taken", "started_at": "2026-11-25T10:00:00+00:00", "ended_at": "2026-11-25T10:03:00+00:00"}

MATRIX: dict[str, Route] = {
    "home": Route(fixed("/"), EVERYONE),
    "healthz": Route(fixed("/healthz"), EVERYONE),
    "manifest": Route(fixed("/manifest.webmanifest"), EVERYONE),
    "service_worker": Route(fixed("/sw.js"), EVERYONE),
    "favicon": Route(fixed("/favicon.ico"), EVERYONE),
    # Everyone gets a list; what is on it depends on who asks (tests/web/test_pwa.py).
    "offline_urls": Route(fixed("/offline/urls.json"), EVERYONE),
    "today": Route(fixed("/today/"), CLIENTS),
    "tick": Route(fixed("/today/tick/"), CLIENTS, "post"),
    "record_pain": Route(fixed("/today/pain/"), CLIENTS, "post"),
    "safety_check": Route(fixed("/safety/check/"), CLIENTS),
    "messages": Route(fixed("/messages/"), CLIENTS),
    "figure": Route(lambda c: f"/figures/{c.figure_file}", EVERYONE),
    "journal:history": Route(fixed("/journal/"), CLIENTS),
    "journal:pain": Route(lambda c: f"/journal/pain/{c.pain.pk}/", CLIENT_A),
    "journal:session": Route(lambda c: f"/journal/sessions/{c.session.pk}/", CLIENT_A),
    "journal:psfs": Route(fixed("/journal/psfs/"), CLIENTS),
    "routines:list": Route(fixed("/routines/"), EVERYONE),
    "routines:exercises": Route(fixed("/routines/exercises/"), EVERYONE),
    "routines:exercise": Route(fixed("/routines/exercises/bed-edge-hang/"), EVERYONE),
    "routines:custom": Route(fixed("/routines/custom/"), THERAPISTS),
    "routines:custom_edit": Route(lambda c: f"/routines/custom/{c.custom.pk}/", THERAPIST_X),
    "routines:clinic_play": Route(lambda c: f"/routines/clinic/{c.client_a.pk}/clinic-pir/play/", THERAPIST_X),
    "routines:clinic_sessions": Route(
        lambda c: f"/routines/clinic/{c.client_a.pk}/clinic-pir/sessions/", THERAPIST_X, "post"
    ),
    "routines:play": Route(fixed("/routines/bed-edge/play/"), CLIENTS),
    "routines:sessions": Route(fixed("/routines/bed-edge/sessions/"), CLIENTS, "post"),
    "calendarfeed:page": Route(fixed("/calendar/"), CLIENTS),
    "calendarfeed:new_link": Route(fixed("/calendar/new-link/"), CLIENTS, "post"),
    # The secret in the address is the key: calendar apps fetch it without a session.
    "calendarfeed:feed": Route(lambda c: CalendarFeed.for_client(c.client_a).path(), EVERYONE),
    "desktimer:timer": Route(fixed("/desk/"), CLIENTS),
    "desktimer:events": Route(fixed("/desk/events/"), CLIENTS, "post"),
    "privacy:overview": Route(fixed("/privacy/"), CLIENTS),
    "privacy:export_json": Route(fixed("/privacy/export.json"), CLIENTS),
    "privacy:export_zip": Route(fixed("/privacy/export.zip"), CLIENTS),
    "privacy:delete": Route(fixed("/privacy/delete/"), CLIENTS),
    "privacy:access_log": Route(fixed("/privacy/access-log/"), CLIENTS),
    "privacy:client_export_json": Route(lambda c: f"/privacy/clients/{c.client_a.pk}/export.json", THERAPIST_X, "post"),
    "handout:own": Route(fixed("/handout/"), CLIENTS),
    "handout:own_pdf": Route(fixed("/handout/handout.pdf"), CLIENTS),
    "handout:client": Route(lambda c: f"/handout/clients/{c.client_a.pk}/", THERAPIST_X),
    "handout:client_pdf": Route(lambda c: f"/handout/clients/{c.client_a.pk}/handout.pdf", THERAPIST_X),
    "lessons:psoas": Route(fixed("/learn/psoas/"), EVERYONE),
    "lessons:red_flags": Route(fixed("/learn/red-flags/"), EVERYONE),
    "lessons:leg_figure": Route(fixed("/learn/figure/standing/right/"), EVERYONE),
    "accounts:invite": Route(fixed("/accounts/invite/"), THERAPISTS),
    "clinic:dismiss_alert": Route(lambda c: f"/clinic/alerts/{c.notice.pk}/dismiss/", THERAPIST_X, "post"),
    "accounts:resend_invitation": Route(lambda c: f"/accounts/invite/{c.invitation.pk}/resend/", THERAPIST_X, "post"),
    "accounts:revoke_invitation": Route(lambda c: f"/accounts/invite/{c.invitation.pk}/revoke/", THERAPIST_X, "post"),
    # Off by default (PSOASCARE_SELF_SIGNUP): a 404 for all (tests/web/accounts/test_signup.py when it is on).
    "accounts:signup": Route(fixed("/accounts/signup/"), NOBODY),
    # Single-use link: whoever holds it may accept it.
    "accounts:accept": Route(lambda c: f"/accounts/invite/{c.invitation_token}/", EVERYONE),
    "login": Route(fixed("/accounts/login/"), EVERYONE),
    "tokens": Route(fixed("/accounts/tokens/"), LOGGED_IN),
    "revoke_token": Route(lambda c: f"/accounts/tokens/{c.api_token.pk}/revoke/", CLIENT_A, "post"),
    "logout": Route(fixed("/accounts/logout/"), EVERYONE, "post"),
    "password_change": Route(fixed("/accounts/password_change/"), LOGGED_IN),
    "password_change_done": Route(fixed("/accounts/password_change/done/"), LOGGED_IN),
    "password_reset": Route(fixed("/accounts/password_reset/"), EVERYONE),
    "password_reset_done": Route(fixed("/accounts/password_reset/done/"), EVERYONE),
    "password_reset_confirm": Route(lambda c: c.reset_path, EVERYONE),
    "password_reset_complete": Route(fixed("/accounts/reset/done/"), EVERYONE),
    "clinic:dashboard": Route(fixed("/clinic/"), THERAPISTS),
    "clinic:client": Route(lambda c: f"/clinic/clients/{c.client_a.pk}/", THERAPIST_X),
    "clinic:send": Route(lambda c: f"/clinic/clients/{c.client_a.pk}/messages/", THERAPIST_X, "post"),
    "clinic:resume": Route(lambda c: f"/clinic/clients/{c.client_a.pk}/resume/", THERAPIST_X, "post"),
    "clinic:settings": Route(fixed("/clinic/settings/"), THERAPISTS),
    "clinic:resources": Route(fixed("/clinic/resources/"), THERAPISTS),
    "clinic:resource": Route(lambda c: f"/clinic/resources/{c.resource.pk}/", THERAPIST_X),
    "clinic:delete_resource": Route(
        lambda c: f"/clinic/resources/{c.spare('resource').pk}/delete/", THERAPIST_X, "post"
    ),
    "programs:templates": Route(fixed("/programmes/templates/"), THERAPISTS),
    "programs:template": Route(lambda c: f"/programmes/templates/{c.programme.pk}/", THERAPIST_X),
    "programs:delete_template": Route(
        lambda c: f"/programmes/templates/{c.spare('programme').pk}/delete/", THERAPIST_X, "post"
    ),
    "programs:assign": Route(lambda c: f"/programmes/clients/{c.client_a.pk}/", THERAPIST_X),
    "api:openapi-json": Route(fixed("/api/openapi.json"), EVERYONE, api=True),
    "api:openapi-view": Route(fixed("/api/docs"), EVERYONE, api=True),
    # Only a prefix for reversing API addresses: nothing answers there.
    "api:api-root": Route(fixed("/api/"), NOBODY, api=True),
    "api:list_pain": Route(fixed("/api/journal/pain"), CLIENTS, api=True),
    "api:record_pain": Route(fixed("/api/journal/pain"), CLIENTS, "post", api=True, body={"score": 3}),
    "api:list_sessions": Route(fixed("/api/journal/sessions"), CLIENTS, api=True),
    "api:record_session": Route(fixed("/api/journal/sessions"), CLIENTS, "post", api=True, body=SESSION),
    "api:list_desk_events": Route(fixed("/api/journal/desk-events"), CLIENTS, api=True),
    "api:record_desk_event": Route(fixed("/api/journal/desk-events"), CLIENTS, "post", api=True, body=DESK_EVENT),
    "api:programme": Route(fixed("/api/programme"), CLIENT_A, api=True),  # B has no programme: 404 is theirs
    "api:safety": Route(fixed("/api/safety"), CLIENTS, api=True),
    "api:list_tokens": Route(fixed("/api/tokens"), LOGGED_IN, api=True),
    "api:create_token": Route(fixed("/api/tokens"), LOGGED_IN, "post", api=True, body={"name": "laptop"}),
    "api:revoke_token": Route(lambda c: f"/api/tokens/{c.api_token.pk}", CLIENT_A, "delete", api=True),
    "selfcheck:page": Route(fixed("/selfcheck/"), CLIENTS),
    "selfcheck:detail": Route(lambda c: f"/selfcheck/{c.selfcheck.pk}/", CLIENT_A | THERAPIST_X),
    "selfcheck:client": Route(lambda c: f"/selfcheck/client/{c.client_a.pk}/", THERAPIST_X),
    "api:list_selfchecks": Route(fixed("/api/selfchecks"), CLIENTS, api=True),  # therapists: ?client=<id>
    "api:get_selfcheck": Route(lambda c: f"/api/selfchecks/{c.selfcheck.pk}", CLIENT_A | THERAPIST_X, api=True),
}


def route_names() -> set[str]:
    """Every named route outside the Django admin (which has its own staff permissions, tested apart)."""

    def walk(patterns: list[Any], namespace: str | None) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"every route needs a name: {pattern.pattern}"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return walk(get_resolver().url_patterns, None)


class AuthorizationMatrixTestCase(BaseTestCase):
    def setUp(self) -> None:
        now = timezone.now()
        self.pain = PainRecord.record(self.client_a, timezone.localdate(), 4)
        self.session = StretchSession.objects.create(
            client=self.client_a,
            routine_slug="bed-edge",
            title="Bed-edge",
            started_at=now,
            ended_at=now,
            completed=True,
            steps=[],
            source="web",
        )
        self.custom = CustomExercise.objects.create(therapist=self.therapist_x, title="X's stretch", steps="Lie down")
        self.notice = Alert.objects.create(therapist=self.therapist_x, client=None, kind="account-deleted", text="x")
        self.programme = ProgrammeTemplate.objects.create(
            therapist=self.therapist_x, title="X's programme", items=[{"exercise": "bed-edge-hang"}]
        )
        self.resource = Resource.objects.create(
            therapist=self.therapist_x, kind="article", title="X's article", url="https://example.org/a"
        )
        self.api_token = ApiToken.issue(self.client_a, "desk")[0]
        self.selfcheck = make_check(self.client_a)
        self.figure_file = self._rendered_figure()
        uid = urlsafe_base64_encode(force_bytes(self.client_a.pk))
        self.reset_path = f"/accounts/reset/{uid}/{default_token_generator.make_token(self.client_a)}/"

    def _rendered_figure(self) -> str:
        from psoascare.paths import figures_dir

        directory = figures_dir()
        (directory / "standing-side.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        from psoascare.body.figures import MANIFEST_FORMAT

        manifest = {
            "format": MANIFEST_FORMAT,
            "figures": {"standing-side": {"file": "standing-side.svg", "alt": "a", "caption": "c"}},
        }
        (directory / "manifest.json").write_text(json.dumps(manifest))
        return "standing-side.svg"

    def spare(self, kind: str) -> Any:
        """A fresh row of therapist X's for a route that deletes one."""
        if kind == "resource":
            return Resource.objects.create(
                therapist=self.therapist_x, kind="article", title="spare", url="https://example.org/s"
            )
        return ProgrammeTemplate.objects.create(
            therapist=self.therapist_x, title="spare", items=[{"exercise": "bed-edge-hang"}]
        )

    def _actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)

    def _request(self, route: Route, actor: str) -> Any:
        self.client.logout()
        user = self._actor(actor)
        if user is not None:
            self.client.force_login(user)
        # Fresh invitation each time: a successful accept would spend it.
        self.invitation, self.invitation_token = Invitation.issue(self.therapist_x, "new@example.org")
        call = getattr(self.client, route.method)
        if route.method == "get":
            return call(route.path(self))
        return call(route.path(self), data=json.dumps(route.body or {}), content_type="application/json")

    def test_it_lists_every_route(self) -> None:
        missing = route_names() - set(MATRIX)
        stale = set(MATRIX) - route_names()
        self.assertEqual((missing, stale), (set(), set()), "add new routes to the authorization matrix")

    def test_it_gives_each_actor_only_what_is_theirs(self) -> None:
        for name, route in MATRIX.items():
            for actor in ACTORS:
                with self.subTest(route=name, actor=actor):
                    response = self._request(route, actor)
                    status = response.status_code
                    to_login = status == 302 and response["Location"].startswith("/accounts/login/")
                    if actor in route.allowed:
                        self.assertNotIn(status, (401, 403, 404), f"{name} refused {actor}")
                        self.assertFalse(to_login, f"{name} sent {actor} to log in")
                    elif actor == "anonymous" and route.allowed:
                        self.assertTrue(status == 401 if route.api else to_login, f"{name}: {status}")
                    else:
                        self.assertEqual(status, 404, f"{name} let {actor} in ({status})")

    def test_it_keeps_the_admin_for_site_operators(self) -> None:
        # Therapists manage their content in the app; /admin/ sends them to the admin's log-in like strangers.
        self.assertFalse(self.therapist_x.is_staff)
        self.client.force_login(self.therapist_x)
        for admin_page in (
            "/admin/",
            "/admin/lessons/resource/",
            "/admin/programs/programmetemplate/",
            "/admin/routines_web/customexercise/",
            "/admin/journal/painrecord/",
            "/admin/auth/user/",
        ):
            response = self.client.get(admin_page)
            self.assertEqual(response.status_code, 302, admin_page)
            self.assertIn("/admin/login/", response["Location"])
        self.client.force_login(self.admin)
        self.assertContains(self.client.get("/admin/lessons/resource/"), "X&#x27;s article")
        self.assertContains(self.client.get("/admin/programs/programmetemplate/"), "X&#x27;s programme")
        self.assertContains(self.client.get("/admin/routines_web/customexercise/"), "X&#x27;s stretch")

    def test_it_lets_therapists_delete_their_resources_and_templates_in_the_app(self) -> None:
        self.client.force_login(self.therapist_y)
        self.client.post(f"/clinic/resources/{self.resource.pk}/delete/")
        self.client.post(f"/programmes/templates/{self.programme.pk}/delete/")
        self.assertTrue(Resource.objects.filter(pk=self.resource.pk).exists())
        self.assertTrue(ProgrammeTemplate.objects.filter(pk=self.programme.pk).exists())
        self.client.force_login(self.therapist_x)
        self.assertRedirects(self.client.post(f"/clinic/resources/{self.resource.pk}/delete/"), "/clinic/resources/")
        self.assertFalse(Resource.objects.filter(pk=self.resource.pk).exists())
        self.client.post(f"/programmes/templates/{self.programme.pk}/delete/")
        self.assertFalse(ProgrammeTemplate.objects.filter(pk=self.programme.pk).exists())
