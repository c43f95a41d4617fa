from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from psoascare.web.accounts.models import Profile
from psoascare.web.lessons.models import Resource


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a message first.", "max_length": "Keep it under 4000 characters."},
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write a message first.")
        return body


class TherapistSettingsForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["video_call_url"]
        labels = {"video_call_url": "Your video-call link (shown to your clients)"}

    def clean_video_call_url(self) -> str:
        url = self.cleaned_data["video_call_url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError("Use a secure https:// link.")
        return url


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "title", "url", "note", "shared_with_all", "clients", "public"]
        widgets = {"clients": forms.CheckboxSelectMultiple, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, therapist: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        clients_field = self.fields["clients"]
        assert isinstance(clients_field, forms.ModelMultipleChoiceField)
        clients_field.queryset = User.objects.filter(profile__therapist=therapist, profile__role="client")
        clients_field.required = False

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("Use a web address starting with https://.")
        return url

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("shared_with_all") and not cleaned.get("clients") and not cleaned.get("public"):
            raise forms.ValidationError("Share it with all your clients, or choose at least one client.")
        return cleaned
