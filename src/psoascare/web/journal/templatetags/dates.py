"""Dates as people read them: the year only where it is not this year ("Tue 3 Mar", "Tue 3 Mar 2025")."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    this_year = timezone.localdate().year
    return format_date(value, "D j M" if value.year == this_year else "D j M Y")


@register.filter
def day_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local)} {local:%H:%M}"
