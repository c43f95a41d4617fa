from __future__ import annotations

from django import forms

from psoascare.web.routines.models import CustomExercise, web_url


class CustomExerciseForm(forms.ModelForm):
    # Typed-in addresses without a scheme are taken as https; only http(s) links are accepted at all.
    photo_url = forms.URLField(required=False, assume_scheme="https", validators=[web_url], label="Photo URL")
    video_url = forms.URLField(required=False, assume_scheme="https", validators=[web_url], label="Video URL")

    class Meta:
        model = CustomExercise
        fields = ["title", "steps", "photo_url", "video_url", "hold_seconds", "sides", "cautions"]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 6}),
            "cautions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"hold_seconds": "Hold (seconds)"}

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the exercise a title.")
        return title
