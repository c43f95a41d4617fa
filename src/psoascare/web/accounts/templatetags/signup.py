"""{% self_signup_allowed as allowed %}: whether this clinic lets people sign up on their own (read per request,
so a page never offers a sign-up the server would refuse)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def self_signup_allowed() -> bool:
    return bool(settings.SELF_SIGNUP)
