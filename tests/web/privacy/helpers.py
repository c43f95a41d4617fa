from __future__ import annotations

from django.http import HttpResponse

LOGIN_URL = "/accounts/login/"


def is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN_URL}?next=")
