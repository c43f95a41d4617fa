"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models


class WebURLField(models.URLField):
    """A URL field whose forms read a bare "example.org/x" as https:// (Django 6's default, adopted now)."""

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        if form_class is None or issubclass(form_class, forms.URLField):
            kwargs.setdefault("assume_scheme", "https")
        if form_class is not None:
            kwargs["form_class"] = form_class
        if choices_form_class is not None:
            kwargs["choices_form_class"] = choices_form_class
        return super().formfield(**kwargs)
