from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User


class InviteForm(forms.Form):
    email = forms.EmailField(label="Client's e-mail")
    name = forms.CharField(label="Client's name", max_length=100, required=False)


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
