from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from psoascare.web import pwa, views
from psoascare.web.accounts import views as account_views
from psoascare.web.api import views as api_views
from psoascare.web.api.api import api
from psoascare.web.clinic import views as clinic_views
from psoascare.web.journal import views as journal_views
from psoascare.web.lessons import views as lesson_views

admin.site.site_header = "PsoasCare administration"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("offline/urls.json", pwa.offline_list, name="offline_urls"),
    path("today/", journal_views.today, name="today"),
    path("today/tick/", journal_views.tick_item, name="tick"),
    path("today/pain/", journal_views.record_pain, name="record_pain"),
    path("safety/check/", journal_views.safety_check, name="safety_check"),
    path("journal/", include("psoascare.web.journal.urls")),
    path("figures/<str:filename>", lesson_views.figure_file, name="figure"),
    path("routines/", include("psoascare.web.routines.urls")),
    path("calendar/", include("psoascare.web.calendarfeed.urls")),
    path("desk/", include("psoascare.web.desktimer.urls")),
    path("privacy/", include("psoascare.web.privacy.urls")),
    path("handout/", include("psoascare.web.handout.urls")),
    path("selfcheck/", include("psoascare.web.selfcheck.urls")),
    path("learn/", include("psoascare.web.lessons.urls")),
    path("accounts/login/", account_views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/password_reset/", account_views.RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("psoascare.web.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("clinic/", include("psoascare.web.clinic.urls")),
    path("programmes/", include("psoascare.web.programs.urls")),
    path("messages/", clinic_views.client_messages, name="messages"),
    path("api/", api.urls),
    path("accounts/tokens/", api_views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", api_views.revoke, name="revoke_token"),
    path("admin/", admin.site.urls),
]
