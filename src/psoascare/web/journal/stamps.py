"""Page stamps: one random number per client that the database itself changes, by trigger, in the same
transaction as any write to a row that the client's Today page or calendar feed shows.

The cached pages (`psoascare.web.journal.versions`) are keyed by the stamp, so a page in a cache can never
outlive the rows it was built from: the stamp moves with every insert, update and delete on the watched tables,
whether it comes from a view, a bulk `update()`, the admin, a management command or hand-written SQL, and
moves in the writing transaction, so no reader sees new rows under an old stamp. A request then reads one
indexed row to learn whether its cached page still holds, instead of summarising seven tables.

A stamp is random rather than counted: after a backup is restored, the stamps come back with the rows they
described, and a cached page keyed by a stamp written after the backup cannot be mistaken for one of them.

What a client's pages show, and so what is watched (the client ids each row names):
- the client's account: its stamp row is made and removed with it. Updates to it are not watched: a log-in
  writes `last_login` and would throw the page away each time, and what Today shows of the account (the
  username, staff or not) is in its cache key, while the feed reads `is_active` with the stamp;
- the client's profile (role, therapist);
- a therapist's profile: the video-call link on each of their clients' Today;
- the assignment, the programme it follows, and the therapist's logged changes to it;
- the rows the safety gate reads (red-flag screenings, pain), the ticks, the PSFS, and messages to the client.

Triggers are installed after every `migrate` (`install_triggers`, on post_migrate: any missing, or written
differently by this release, is made again; on PostgreSQL each function's comment holds a digest of the
statements that made it and its triggers, so a start-up that finds them as written leaves them, and their
tables, alone). On SQLite they are dropped before a `migrate` that applies
anything: SQLite rebuilds a table to alter it, and renaming the rebuilt table fails while a trigger names a
table that is, for that moment, gone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

PREFIX = "psoascare_stamp_"
_LIKE = PREFIX.replace("_", "\\_") + "%"  # the names, for LIKE … ESCAPE '\\'
# PostgreSQL's random() has 53 bits of precision; SQLite's random() gives 64.
POSTGRES_STAMP = "(random() * 9007199254740991)::bigint"


@dataclass(frozen=True)
class Watched:
    """A table whose rows a client's pages show, and the SQL that names the clients of one of its rows, with
    `{row}` for the row (NEW or OLD in SQLite's triggers, each row of the transition table in PostgreSQL's)."""

    table: str
    clients: str


def watched() -> list[Watched]:
    from psoascare.web.accounts.models import Profile
    from psoascare.web.clinic.models import Message
    from psoascare.web.journal.models import CompletedItem, PainRecord, PsfsAssessment, RedFlagScreening
    from psoascare.web.programs.models import Assignment, AssignmentChange, ProgrammeTemplate

    assignments, profiles = Assignment._meta.db_table, Profile._meta.db_table
    own = "SELECT {row}.client_id"
    return [
        Watched(profiles, f"SELECT {{row}}.user_id UNION SELECT p.user_id FROM {profiles} p "
                          "WHERE p.therapist_id = {row}.user_id"),
        Watched(assignments, own),
        Watched(AssignmentChange._meta.db_table,
                f"SELECT a.client_id FROM {assignments} a WHERE a.id = {{row}}.assignment_id"),
        Watched(ProgrammeTemplate._meta.db_table,
                f"SELECT a.client_id FROM {assignments} a WHERE a.programme_id = {{row}}.id"),
        *(Watched(model._meta.db_table, own)
          for model in (RedFlagScreening, PainRecord, CompletedItem, PsfsAssessment)),
        Watched(Message._meta.db_table, "SELECT {row}.recipient_id"),
    ]  # fmt: skip


def _tables() -> tuple[str, str]:
    from django.contrib.auth.models import User

    from psoascare.web.journal.models import PageStamp

    return User._meta.db_table, PageStamp._meta.db_table


def install_triggers(connection: BaseDatabaseWrapper, restamp: bool = True) -> None:
    """Creates the stamp triggers that are missing or differ from this release's, drops any other, and gives each
    account without a stamp one. Every stamp gets a new value when `restamp` or when a trigger was missing:
    writes made while the triggers were away must not leave a cached page standing."""
    users, stamps = _tables()
    expected = expected_triggers()
    before = installed_triggers(connection)
    random = POSTGRES_STAMP if connection.vendor == "postgresql" else "random()"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in before - expected:  # of an older release
            _drop(cursor, connection.vendor, name, table)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            stored = dict(cursor.fetchall())
            for name, table, sql in _sqlite(users, stamps):
                if stored.get(name) != sql:
                    _drop(cursor, connection.vendor, name, table)
                    cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT proname, obj_description(oid, 'pg_proc') FROM pg_proc WHERE proname LIKE %s ESCAPE '\\'",
                [_LIKE],
            )
            fingerprints = dict(cursor.fetchall())
            for function, triggers, statements in _postgres(users, stamps):
                # Unchanged and complete: nothing to do. Dropping and making a trigger again locks its table
                # against every reader until the transaction ends, on each start-up of each server.
                fingerprint = _fingerprint(statements)
                if fingerprints.get(function) == fingerprint and triggers <= before:
                    continue
                for statement in statements:
                    cursor.execute(statement)
                cursor.execute(f"COMMENT ON FUNCTION \"{function}\"() IS '{fingerprint}'")
        else:
            raise NotImplementedError(f"page stamps are written for SQLite and PostgreSQL, not {connection.vendor}")
        if restamp or not expected <= before:
            cursor.execute(f'UPDATE "{stamps}" SET stamp = {random}')
        cursor.execute(
            f'INSERT INTO "{stamps}" (client_id, stamp) SELECT u.id, {random} FROM "{users}" u '
            f'WHERE NOT EXISTS (SELECT 1 FROM "{stamps}" s WHERE s.client_id = u.id)'
        )


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in installed_triggers(connection):
            _drop(cursor, connection.vendor, name, table)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE %s ESCAPE '\\'", [_LIKE])
            for (function,) in cursor.fetchall():
                cursor.execute(f'DROP FUNCTION IF EXISTS "{function}"')


def _drop(cursor: Any, vendor: str, name: str, table: str) -> None:
    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"' + (f' ON "{table}"' if vendor == "postgresql" else ""))


def installed_triggers(connection: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    """(trigger, table) of every stamp trigger in the database."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE %s ESCAPE '\\'"
        )
    else:
        sql = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_LIKE])
        return {(name, table) for name, table in cursor.fetchall()}


def expected_triggers() -> set[tuple[str, str]]:
    """(trigger, table) of every stamp trigger `install_triggers` makes: one per table and event watched."""
    users, _ = _tables()
    watching = {(f"{PREFIX}{users}_{event}", users) for event in ("insert", "delete")}
    for table in (source.table for source in watched()):
        watching |= {(f"{PREFIX}{table}_{event}", table) for event in ("insert", "update", "delete")}
    return watching


def _sqlite(users: str, stamps: str) -> Iterable[tuple[str, str, str]]:
    """(name, table, CREATE TRIGGER statement) of each row trigger (SQLite has no others), written as SQLite
    keeps them in sqlite_master, so that an installed one can be compared."""

    def trigger(table: str, event: str, body: str) -> tuple[str, str, str]:
        name = f"{PREFIX}{table}_{event.lower()}"
        return name, table, f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" FOR EACH ROW BEGIN {body}; END'

    def restamp(clients: str) -> str:
        return f'UPDATE "{stamps}" SET stamp = random() WHERE client_id IN ({clients})'

    yield trigger(users, "INSERT", f'INSERT OR IGNORE INTO "{stamps}" (client_id, stamp) VALUES (NEW.id, random())')
    yield trigger(users, "DELETE", f'DELETE FROM "{stamps}" WHERE client_id = OLD.id')
    for source in watched():
        new, old = source.clients.format(row="NEW"), source.clients.format(row="OLD")
        yield trigger(source.table, "INSERT", restamp(new))
        yield trigger(source.table, "UPDATE", restamp(f"{new} UNION {old}"))
        yield trigger(source.table, "DELETE", restamp(old))


def _fingerprint(statements: list[str]) -> str:
    """What a function's comment holds: the digest of the statements that made it and its triggers."""
    return "psoascare page stamps " + hashlib.sha256("\n".join(statements).encode()).hexdigest()


def _postgres(users: str, stamps: str) -> Iterable[tuple[str, set[tuple[str, str]], list[str]]]:
    """Per watched table: its function's name, its (trigger, table) pairs, and the statements that make them.
    Statement triggers over transition tables (one trigger per event: each has its own): a bulk insert of a
    million rows restamps each client once. Stamps are locked in client order, so that two transactions that
    restamp many clients cannot deadlock."""

    def trigger(
        table: str, on_insert: str, on_update: str | None, on_delete: str
    ) -> tuple[str, set[tuple[str, str]], list[str]]:
        function = f"{PREFIX}{table}"
        statements = [
            f'CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f"IF TG_OP = 'INSERT' THEN {on_insert}; "
            f"ELSIF TG_OP = 'UPDATE' THEN {on_update or 'NULL'}; "
            f"ELSE {on_delete}; END IF; RETURN NULL; END $$"
        ]
        events = [("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows")]
        if on_update is not None:
            events.append(("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))
        triggers = set()
        for event, referencing in events:
            name = f"{function}_{event.lower()}"
            triggers.add((name, table))
            statements.append(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            statements.append(
                f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" REFERENCING {referencing} '
                f'FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()'
            )
        return function, triggers, statements

    def clients_of(template: str, rows: str) -> str:
        return f"SELECT c.id FROM {rows} r CROSS JOIN LATERAL ({template.format(row='r')}) c(id)"

    def restamp(*queries: str) -> str:
        return (
            f'UPDATE "{stamps}" s SET stamp = {POSTGRES_STAMP} FROM (SELECT client_id FROM "{stamps}" '
            f"WHERE client_id IN ({' UNION '.join(queries)}) ORDER BY client_id FOR UPDATE) locked "
            "WHERE s.client_id = locked.client_id"
        )

    yield trigger(
        users,
        f'INSERT INTO "{stamps}" (client_id, stamp) SELECT id, {POSTGRES_STAMP} FROM new_rows '
        "ON CONFLICT (client_id) DO NOTHING",
        None,
        f'DELETE FROM "{stamps}" WHERE client_id IN (SELECT id FROM old_rows)',
    )
    for source in watched():
        new, old = clients_of(source.clients, "new_rows"), clients_of(source.clients, "old_rows")
        yield trigger(source.table, restamp(new), restamp(new, old), restamp(old))


def on_pre_migrate(using: str, plan: list[Any] | None = None, **_: Any) -> None:
    """Before migrations run on SQLite, the triggers go (they come back after, in `on_post_migrate`)."""
    from django.db import connections

    connection = connections[using]
    if plan and connection.vendor == "sqlite" and _stamps_table_exists(connection):
        drop_triggers(connection)


def on_post_migrate(using: str, plan: list[Any] | None = None, **_: Any) -> None:
    """After `migrate` (and a test's flush, which gives no plan): the triggers, as this release writes them.
    A `migrate` that applied nothing keeps the stamps, and so what the caches hold."""
    from django.db import connections

    connection = connections[using]
    if _stamps_table_exists(connection):
        install_triggers(connection, restamp=plan is None or bool(plan))


def _stamps_table_exists(connection: BaseDatabaseWrapper) -> bool:
    _, stamps = _tables()
    return stamps in connection.introspection.table_names()
