from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.cache import cache


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


LOGIN_FAILURE_LIMIT = 10
LOGIN_LOCKOUT_SECONDS = 15 * 60


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing further tries for a username from one address after 10 failures in 15
    minutes (counted in the cache: per process by default, shared through Redis where REDIS_URL is set)."""

    def _failures_key(self) -> str:
        username = str(self.data.get("username", "")).strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return f"login-failures:{username}:{address}"

    def clean(self) -> dict[str, Any]:
        key = self._failures_key()
        if cache.get(key, 0) >= LOGIN_FAILURE_LIMIT:
            raise forms.ValidationError(
                "Too many failed log-ins for this account. Wait 15 minutes, or reset your password.",
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            cache.add(key, 0, LOGIN_LOCKOUT_SECONDS)
            cache.incr(key)
            raise


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
