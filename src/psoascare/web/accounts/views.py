from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from psoascare.web.accounts import throttle
from psoascare.web.accounts.access import AuthenticatedHttpRequest, therapist_required
from psoascare.web.accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    RateLimitedPasswordResetForm,
    ThrottledAuthenticationForm,
)
from psoascare.web.accounts.models import Invitation, InvitationError, Role, role_of
from psoascare.web.forms import bound_data
from psoascare.web.links import absolute_url


class ThrottledLoginView(LoginView):
    """Log-in behind the throttles; a successful log-in marks this browser as a device of the account."""

    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        throttle.remember_device(response, self.request, form.get_user().get_username())
        return response


class RateLimitedPasswordResetView(PasswordResetView):
    form_class = RateLimitedPasswordResetForm


def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role == Role.CLIENT:
        return redirect("today")
    if role == Role.THERAPIST:
        return redirect("clinic:dashboard")
    return redirect("lessons:psoas")


@therapist_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InviteForm(bound_data(request))
    link = None
    if request.method == "POST" and form.is_valid():
        invitation, token = Invitation.issue(request.user, form.cleaned_data["email"], form.cleaned_data["name"])
        link = absolute_url(reverse("accounts:accept", args=[token]), request)
        send_mail(
            "Your PsoasCare invitation",
            f"Your therapist {request.user.get_full_name() or request.user.username} invites you to PsoasCare.\n\n"
            f"Open this link to choose a username and password (it works once, until "
            f"{invitation.expires_at:%d %B %Y}):\n{link}\n",
            None,
            [invitation.email],
        )
        form = InviteForm()
    invitations = Invitation.objects.filter(therapist=request.user)[:50]
    return render(request, "accounts/invite.html", {"form": form, "link": link, "invitations": invitations})


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = Invitation.find_usable(token)
    except InvitationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=404)
    form = AcceptInvitationForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation.accept(form.cleaned_data["username"], form.cleaned_data["password1"])
        except InvitationError as exc:
            return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=404)
        login(request, user, backend="psoascare.web.accounts.backends.ProfileBackend")
        return redirect("today")
    return render(request, "accounts/accept.html", {"form": form, "invitation": invitation})
