from __future__ import annotations

from django import forms

from psoascare.knowledge.outcomes import NPRS_MAX, NPRS_MIN


class PainForm(forms.Form):
    score = forms.IntegerField(
        label="Pain right now (0 = none, 10 = worst imaginable)",
        min_value=NPRS_MIN,
        max_value=NPRS_MAX,
        error_messages={
            "required": "Choose a number from 0 to 10.",
            "invalid": "Pain is a whole number from 0 (none) to 10 (worst imaginable).",
            "min_value": "Pain cannot be below 0: choose a number from 0 to 10.",
            "max_value": "Pain cannot be above 10: choose a number from 0 to 10.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class TickForm(forms.Form):
    item_key = forms.CharField(max_length=120)
    undo = forms.BooleanField(required=False)

    def __init__(self, *args: object, due_keys: set[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.due_keys = due_keys

    def clean_item_key(self) -> str:
        key = self.cleaned_data["item_key"]
        if key not in self.due_keys:
            raise forms.ValidationError("That item is not on today's list.")
        return key
