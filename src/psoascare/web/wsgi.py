"""WSGI entry point for production servers (waitress by default, gunicorn at scale)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psoascare.web.settings")
application = get_wsgi_application()
