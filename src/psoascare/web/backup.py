"""Backups of the database: SQLite through its online backup API (safe while the server runs), PostgreSQL
through pg_dump and pg_restore (custom format). Call after setup_django().

A backup holds everything, deleted accounts included: restoring one brings back every account and record that
was deleted after it was taken (see README, "Running a clinic").
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


def _database() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def vendor() -> str:
    engine = str(_database()["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups of {engine} databases are not supported")


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not on PATH: install PostgreSQL's client programs (Debian: postgresql-client)")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(target: Path, overwrite: bool = False) -> str:
    """Writes a backup of the database to `target`; returns what it did, in words."""
    target = target.expanduser().resolve()
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another name or pass --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    database = _database()
    kind = vendor()
    # Write next to the target and rename at the end, so a failed backup never leaves a half file behind.
    handle, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    partial = Path(partial_name)
    try:
        if kind == "sqlite":
            source = sqlite3.connect(str(database["NAME"]))
            copy = sqlite3.connect(partial)
            try:
                with copy:
                    source.backup(copy)  # a consistent snapshot, while other connections keep writing
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                copy.close()
                source.close()
        else:
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"], _pg_environment(database))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return (
        f"{'SQLite' if kind == 'sqlite' else 'PostgreSQL'} backup written to {target} ({target.stat().st_size} bytes)"
    )


def restore(source: Path) -> str:
    """Replaces the database's contents with the backup in `source`, then migrates it to this version."""
    from django.db import connections

    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    head = source.read_bytes()[:16]
    database = _database()
    kind = vendor()
    connections.close_all()
    if kind == "sqlite":
        if not head.startswith(SQLITE_HEADER):
            raise BackupError(f"{source} is not a SQLite backup (made by `psoascare backup` on SQLite)")
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(str(database["NAME"]), timeout=30)
        try:
            check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{source} is damaged: {check}")
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    else:
        if not head.startswith(PG_CUSTOM_HEADER):
            raise BackupError(f"{source} is not a PostgreSQL backup (made by `psoascare backup` on PostgreSQL)")
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={database['NAME']}",
                str(source),
            ],
            _pg_environment(database),
        )
    from psoascare.web.bootstrap import migrate

    migrate()
    return f"Restored {source} into the {'SQLite' if kind == 'sqlite' else 'PostgreSQL'} database and migrated it."
