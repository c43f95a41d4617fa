"""Start-up work shared by `psoascare serve` and the tests: Django set-up, migrations, static files, demo data."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


def setup_django(data_dir: Path | str | None = None) -> None:
    """Configure Django for this process; call before touching models. The data directory must be set first."""
    if data_dir is not None:
        from psoascare.paths import use_data_dir

        use_data_dir(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psoascare.web.settings")
    import django

    django.setup()


# pg_advisory_lock key for the start-up steps: "psoascar" in ASCII, a positive signed 64-bit number.
ADVISORY_LOCK_KEY = 0x7073_6F61_7363_6172
LOCK_FILE = ".startup.lock"


def _lock(handle: IO[Any]) -> None:
    if sys.platform == "win32":
        import msvcrt

        while True:
            handle.seek(0)
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.2)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _unlock(handle: IO[Any]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def startup_lock() -> Iterator[None]:
    """Lets one process at a time through the start-up steps (migrations, static files, demo content, figures):
    a lock on a file in the data directory for the processes of this machine, and on PostgreSQL an advisory
    lock for the processes of every machine that shares the database. Both go when the process dies."""
    from django.conf import settings
    from django.db import connection

    with open(Path(settings.DATA_DIR) / LOCK_FILE, "a+b") as handle:
        _lock(handle)
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                try:
                    yield
                finally:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
            else:
                yield
        finally:
            _unlock(handle)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


DEMO_THERAPIST = "demo-therapist"
DEMO_CLIENT = "demo-client"


@dataclass(frozen=True)
class DemoAccounts:
    therapist_password: str
    client_password: str


def ensure_demo_content() -> DemoAccounts | None:
    """Create the demo therapist and client once; returns their new passwords, or None if they already exist."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from psoascare.web.accounts.models import create_client, create_therapist
    from psoascare.web.lessons.models import Resource
    from psoascare.web.programs.models import Assignment

    if User.objects.filter(username=DEMO_THERAPIST).exists():
        return None
    therapist_password, client_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    with transaction.atomic():
        therapist = create_therapist(DEMO_THERAPIST, "therapist@example.com", therapist_password)
        therapist.first_name, therapist.last_name = "Demo", "Therapist"
        therapist.save(update_fields=["first_name", "last_name"])
        client = create_client(DEMO_CLIENT, "client@example.com", client_password, therapist=therapist)
        Assignment.assign(client, therapist, "bed-edge")
        Resource.objects.create(
            therapist=therapist,
            kind=Resource.Kind.ARTICLE,
            title="Iliopsoas (Physiopedia)",
            url="https://www.physio-pedia.com/Iliopsoas",
            note="A good, plain overview of the psoas and iliacus. Read the part on function.",
            public=True,
        )
        Resource.objects.create(
            therapist=therapist,
            kind=Resource.Kind.VIDEO,
            title="Example: the therapist's video",
            url="https://www.youtube.com/watch?v=aaaaaaaaaaa",
            note="Replace this with the video you want your clients to watch (Clinic → Articles and videos).",
            public=True,
        )
    return DemoAccounts(therapist_password, client_password)
