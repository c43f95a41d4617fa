from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What will use it (e.g. “desk timer on my laptop”)",
        max_length=80,
        error_messages={"required": "Give the token a name, so you know which one to revoke later."},
    )
