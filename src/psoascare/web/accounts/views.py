from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from psoascare.web.accounts import throttle
from psoascare.web.accounts.access import AuthenticatedHttpRequest, therapist_required
from psoascare.web.accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    RateLimitedPasswordResetForm,
    SignUpForm,
    ThrottledAuthenticationForm,
)
from psoascare.web.accounts.models import Invitation, InvitationError, Role, role_of, sign_up_client
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
    form = InviteForm(bound_data(request), therapist=request.user)
    link = None
    if request.method == "POST" and form.is_valid():
        invitation, token = Invitation.issue(request.user, form.cleaned_data["email"], form.cleaned_data["name"])
        link = _send_invitation(request, invitation, token)
        form = InviteForm(therapist=request.user)
    return _invitations_page(request, form, link)


def _invitations_page(request: AuthenticatedHttpRequest, form: InviteForm, link: str | None) -> HttpResponse:
    invitations = Invitation.objects.filter(therapist=request.user)[:50]
    context = {"form": form, "link": link, "invitations": invitations, "days": settings.INVITATION_DAYS}
    return render(request, "accounts/invite.html", context, status=400 if form.errors else 200)


def _send_invitation(request: AuthenticatedHttpRequest, invitation: Invitation, token: str) -> str:
    link = absolute_url(reverse("accounts:accept", args=[token]), request)
    send_mail(
        "Your PsoasCare invitation",
        f"Your therapist {request.user.get_full_name() or request.user.username} invites you to PsoasCare.\n\n"
        f"Open this link to choose a username and password (it works once, until "
        f"{invitation.expires_at:%d %B %Y}):\n{link}\n",
        None,
        [invitation.email],
    )
    return link


@therapist_required
@require_POST
def resend_invitation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new link for an open or expired invitation; the old link stops working."""
    invitation = get_object_or_404(Invitation, pk=pk, therapist=request.user, used_at__isnull=True)
    link = _send_invitation(request, invitation, invitation.reissue())
    messages.success(request, f"A new invitation link was sent to {invitation.email}.")
    return _invitations_page(request, InviteForm(therapist=request.user), link)


@therapist_required
@require_POST
def revoke_invitation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk, therapist=request.user, used_at__isnull=True)
    invitation.revoke()
    messages.success(request, f"The invitation to {invitation.email} was withdrawn: its link no longer works.")
    return redirect("accounts:invite")


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


SIGNUPS_PER_ADDRESS = 5  # accounts one address may create in an hour
SIGNUP_WINDOW_SECONDS = 3600


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Signing up without a therapist, where the clinic allows it (PSOASCARE_SELF_SIGNUP); a 404 elsewhere."""
    if not settings.SELF_SIGNUP:
        raise Http404("This clinic does not take sign-ups: ask your therapist for an invitation.")
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(bound_data(request))
    key = f"signups:{request.META.get('REMOTE_ADDR', '')}"
    if request.method == "POST" and cache.get(key, 0) >= SIGNUPS_PER_ADDRESS:
        form.is_valid()
        form.add_error(None, "Too many accounts were made from this address in the last hour. Try again later.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = sign_up_client(data["username"], data["email"], data["password1"])
        cache.add(key, 0, SIGNUP_WINDOW_SECONDS)
        cache.incr(key)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("safety_check")  # the safety questions come before anything else
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)
