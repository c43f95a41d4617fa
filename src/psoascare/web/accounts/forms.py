from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import User
from django.core.cache import cache

from psoascare.web.accounts import throttle


class InviteForm(forms.Form):
    email = forms.EmailField(label="Client's e-mail")
    name = forms.CharField(label="Client's name", max_length=100, required=False)

    def __init__(self, *args: Any, therapist: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.therapist = therapist

    def clean_email(self) -> str:
        from psoascare.web.accounts.models import Invitation

        email = self.cleaned_data["email"]
        waiting = Invitation.open_ones(self.therapist).filter(email__iexact=email).first()
        if waiting is not None:
            raise forms.ValidationError(
                f"{email} already has an open invitation (sent {waiting.created_at:%d %b %Y}): "
                "send it again or withdraw it in the list below."
            )
        return email


class AcceptInvitationForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        error_messages={"invalid": "Use 3–150 letters, digits and @ . + - _ only."},
    )
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Please choose another.")
        return username

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            candidate = User(username=str(cleaned.get("username", "")))
            try:
                password_validation.validate_password(str(first), candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form behind the throttles of psoascare.web.accounts.throttle (per account with back-off,
    per address across accounts, per remembered device)."""

    def clean(self) -> dict[str, Any]:
        attempt = throttle.Attempt.of(self.request, str(self.data.get("username", "")))
        try:
            throttle.check(attempt)
        except throttle.Throttled as exc:
            raise forms.ValidationError(str(exc), code="throttled") from None
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.note_failure(attempt)
            raise
        throttle.note_success(attempt)
        return cleaned


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Sends at most RESET_MAILS_PER_ADDRESS reset e-mails to one address, and starts at most
    RESET_REQUESTS_PER_CLIENT resets from one client address, per RESET_WINDOW; beyond that the page looks the
    same (so it tells no one whether the address has an account) but nothing is sent."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        request = kwargs.get("request")
        email = str(self.cleaned_data.get("email", "")).strip().lower()
        address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        if not _take(f"password-reset:client:{address}", RESET_REQUESTS_PER_CLIENT):
            return
        if not _take(f"password-reset:email:{throttle.account_id(email)}", RESET_MAILS_PER_ADDRESS):
            return
        super().save(*args, **kwargs)


RESET_MAILS_PER_ADDRESS = 3
RESET_REQUESTS_PER_CLIENT = 10
RESET_WINDOW = 60 * 60


def _take(key: str, limit: int) -> bool:
    """Counts one use of `key` in the window; False once `limit` uses are spent."""
    cache.add(key, 0, RESET_WINDOW)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RESET_WINDOW)
        used = 1
    return int(used) <= limit


class SignUpForm(AcceptInvitationForm):
    """Signing up without an invitation: the same username and password rules, and an e-mail address for
    password resets."""

    email = forms.EmailField(label="E-mail", help_text="Only for resetting your password.")

    field_order = ["username", "email", "password1", "password2"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account already uses that address. Log in, or reset your password.")
        return email
