"""Dates as people read them: the year only where it is not this year ("Tue 3 Mar", "Tue 3 Mar 2025").

Written with Python's own names of days and months (the site is in English): Django's `date` filter looks each
name up through the translations, which cost more than the rest of a row on pages that list hundreds of dates
(a client's timeline, their pain table)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == timezone.localdate().year else f"{text} {value.year}"


@register.filter
def day_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local)} {local:%H:%M}"
