from __future__ import annotations

from typing import Any

from django import forms

from psoascare.knowledge.content import red_flags
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
            raise forms.ValidationError("That item is not on today's list yet: it opens an hour before its time.")
        return key


YES_NO = [("no", "No"), ("yes", "Yes")]


class RedFlagForm(forms.Form):
    """One required yes/no question per red flag (or per re-checked flag), in the order of the knowledge file."""

    def __init__(self, *args: Any, recheck_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flags = red_flags()
        for sign in flags.recheck_signs if recheck_only else flags.all_signs:
            self.fields[sign.slug] = forms.ChoiceField(
                label=sign.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer yes or no."},
            )

    def answers(self) -> dict[str, bool]:
        return {slug: value == "yes" for slug, value in self.cleaned_data.items()}


class PsfsForm(forms.Form):
    """Up to three activities the client finds hard, each rated 0 (unable) to 10 (as before the problem)."""

    ROWS = 3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, self.ROWS + 1):
            self.fields[f"activity_{row}"] = forms.CharField(label=f"Activity {row}", max_length=120, required=False)
            self.fields[f"rating_{row}"] = forms.IntegerField(
                label=f"How well can you do it now? (activity {row})",
                min_value=0,
                max_value=10,
                required=False,
                error_messages={
                    "invalid": "Rate with a whole number from 0 to 10.",
                    "min_value": "Ratings go from 0 to 10.",
                    "max_value": "Ratings go from 0 to 10.",
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rows = []
        for row in range(1, self.ROWS + 1):
            name = (cleaned.get(f"activity_{row}") or "").strip()
            rating = cleaned.get(f"rating_{row}")
            if name and rating is None and f"rating_{row}" not in self.errors:
                self.add_error(f"rating_{row}", "Rate this activity from 0 to 10.")
            elif rating is not None and not name:
                self.add_error(f"activity_{row}", "Name the activity you are rating.")
            elif name and rating is not None:
                rows.append((name, int(rating)))
        if not rows and not self.errors:
            raise forms.ValidationError("Name at least one activity and rate it.")
        cleaned["rows"] = rows
        return cleaned
