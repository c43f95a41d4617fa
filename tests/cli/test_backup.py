"""`psoascare backup` and `psoascare restore`: round trips on SQLite (database held open) and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.test_postgres import empty_database  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow

# Run in a child process: the backup commands work on the real database of a data directory, not the test one.
ROUND_TRIP = """
import subprocess, sys
from psoascare.cli.serve import prepare
prepare(None, demo=True, figures=False)
from django.contrib.auth.models import User
from psoascare.web.journal.models import PainRecord
from django.utils import timezone

def psoascare(*args):
    done = subprocess.run([sys.executable, "-m", "psoascare", *args], capture_output=True, text=True)
    print(args[0], done.returncode, (done.stdout + done.stderr).strip().replace("\\n", " | "))
    return done.returncode

client = User.objects.get(username="demo-client")
PainRecord.record(client, timezone.localdate(), 4, "before the backup")
psoascare("backup", BACKUP)
psoascare("backup", BACKUP)
PainRecord.objects.all().delete()
User.objects.get(username="demo-therapist").delete()
User.objects.create_user("written-after-the-backup")
from django.db import connections
connections.close_all()
psoascare("restore", "--yes", BACKUP)
print("notes", [p.note for p in PainRecord.objects.all()])
print("users", sorted(User.objects.values_list("username", flat=True)))
"""


def round_trip(tmp_path: Path, **env: str) -> list[str]:
    backup = tmp_path / "clinic.backup"
    script = f"BACKUP = {str(backup)!r}\n" + ROUND_TRIP
    full_env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path / "data"), "MUJOCO_GL": "off", **env}
    done = subprocess.run([sys.executable, "-c", script], env=full_env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def check(lines: list[str], kind: str) -> None:
    backups = [line for line in lines if line.startswith("backup ")]
    assert backups[0].startswith(f"backup 0 {kind} backup written to"), lines
    assert backups[1].startswith("backup 2 Error:") and "exists" in backups[1], lines
    assert any(line.startswith("restore 0 Restored") for line in lines), lines
    assert "notes ['before the backup']" in lines
    # The therapist deleted after the backup is back; the account made after it is gone.
    assert "users ['demo-client', 'demo-therapist']" in lines


def test_it_backs_up_and_restores_sqlite(tmp_path: Path) -> None:
    check(round_trip(tmp_path), "SQLite")
    header = (tmp_path / "clinic.backup").read_bytes()[:16]
    assert header == b"SQLite format 3\x00"
    assert not (tmp_path / "clinic.backup-wal").exists()


def test_it_backs_up_and_restores_postgresql(tmp_path: Path, empty_database: str) -> None:  # noqa: F811
    check(round_trip(tmp_path, DATABASE_URL=empty_database), "PostgreSQL")


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "psoascare", "restore", "--yes", str(not_a_backup)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "is not a SQLite backup" in done.stderr
