"""Everything the app holds about one client, found from the models themselves so new models are included.

A row belongs to the client when one of its foreign keys points at the client's user, or (up to
OWNERSHIP_DEPTH steps away) at a row that belongs to the client, e.g. answers of the client's questionnaire.
A model that knows of more of the client's rows says so with a `privacy_also_about(client) -> Q` classmethod
(the access log: a client-list view that showed the client names them in another table).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

PROJECT_APP_PREFIX = "psoascare.web."
ACCOUNT_TABLE = "Account"
# What each table is called in the export a person reads (file names in the ZIP, keys in the JSON); a model not
# listed here is called by its verbose name, so a new one is never left out.
TABLE_TITLES = {
    "accounts.Profile": "Profile",
    "accounts.Invitation": "Invitations",
    "lessons.Resource": "Articles and videos",
    "programs.ProgrammeTemplate": "Programme templates",
    "programs.Assignment": "Programme",
    "programs.AssignmentChange": "Programme changes",
    "journal.PainRecord": "Pain",
    "journal.CompletedItem": "Ticked items",
    "journal.StretchSession": "Guided sessions",
    "journal.DeskEvent": "Desk timer events",
    "journal.PsfsAssessment": "Activity ratings (PSFS)",
    "journal.RedFlagScreening": "Safety answers",
    "clinic.Message": "Messages",
    "clinic.Alert": "Alerts to the therapist",
    "routines_web.CustomExercise": "Therapist's own exercises",
    "calendarfeed.CalendarFeed": "Calendar feed",
    "privacy.AccessLogEntry": "Who opened the record",
    "privacy.AccessLogShown": "Shown in a client list",
    "api.ApiToken": "Desk timer tokens",
}
ACCOUNT_FIELDS = ("id", "username", "first_name", "last_name", "email", "date_joined", "last_login", "is_active")
SECRET_WORDS = ("token", "hash", "password")
OWNERSHIP_DEPTH = 2
# Spreadsheet programs run a cell that starts with one of these as a formula; a quote makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[Row]


def project_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith(PROJECT_APP_PREFIX)
        for model in config.get_models()
    ]


def is_secret(field_name: str) -> bool:
    return any(word in field_name.lower() for word in SECRET_WORDS)


def exported_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    excluded = set(getattr(model, "privacy_export_exclude", ()))
    return [field for field in model._meta.concrete_fields if not is_secret(field.name) and field.name not in excluded]


def column_name(field: models.Field[Any, Any]) -> str:
    # Links to users are written as usernames; links to other rows as their ids, hence the "_id" name.
    if field.is_relation and field.related_model is not User:
        return field.attname
    return field.name


def ownership_filter(
    model: type[models.Model], client: User, depth: int = OWNERSHIP_DEPTH, *, linked: bool = False
) -> Q | None:
    """The condition for rows of `model` that belong to `client`, or None when the model cannot hold any. Rows a
    model adds with `privacy_also_about` are the client's, but rows linked to them are not (a client-list view
    names every client it showed: only the client's own name in it is theirs)."""
    conditions: list[Q] = []
    for field in model._meta.concrete_fields:
        target = field.related_model
        if not field.is_relation or target is None or isinstance(target, str):
            continue
        if target is User:
            conditions.append(Q(**{field.name: client}))
        elif depth > 0 and target is not model and target._meta.app_config.name.startswith(PROJECT_APP_PREFIX):
            inner = ownership_filter(target, client, depth - 1, linked=True)
            if inner is not None:
                owned = target._default_manager.filter(inner).values("pk")
                conditions.append(Q(**{f"{field.name}__in": owned}))
    also_about = getattr(model, "privacy_also_about", None)
    if also_about is not None and not linked:
        conditions.append(also_about(client))
    return reduce(or_, conditions) if conditions else None


def plain(value: Any) -> Any:
    """A value JSON can hold, written the same way in the JSON and the CSV export."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def model_table(model: type[models.Model], condition: Q) -> Table:
    fields = exported_fields(model)
    user_links = [field for field in fields if field.is_relation and field.related_model is User]
    objects = list(model._default_manager.filter(condition).order_by("pk"))
    linked_ids = {getattr(obj, field.attname) for obj in objects for field in user_links}
    usernames = dict(User.objects.filter(pk__in=linked_ids - {None}).values_list("pk", "username"))
    rows = []
    for obj in objects:
        row: Row = {}
        for field in fields:
            if field in user_links:
                row[column_name(field)] = usernames.get(getattr(obj, field.attname))
            else:
                row[column_name(field)] = plain(getattr(obj, field.attname))
        rows.append(row)
    return Table(table_title(model), tuple(column_name(field) for field in fields), rows)


def table_title(model: type[models.Model]) -> str:
    return TABLE_TITLES.get(model._meta.label) or str(model._meta.verbose_name_plural).capitalize()


def account_table(client: User) -> Table:
    row = {name: plain(getattr(client, name)) for name in ACCOUNT_FIELDS}
    return Table(ACCOUNT_TABLE, ACCOUNT_FIELDS, [row])


def client_tables(client: User) -> list[Table]:
    """The client's account and, for every project model that can link to a user, the client's rows."""
    tables = [account_table(client)]
    for model in sorted(project_models(), key=lambda model: model._meta.label):
        condition = ownership_filter(model, client)
        if condition is not None:
            tables.append(model_table(model, condition))
    return tables


def as_json(client: User, tables: list[Table]) -> bytes:
    document = {
        "exported_at": timezone.now().isoformat(),
        "client": client.username,
        "tables": {table.name: table.rows for table in tables},
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def as_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_cell(row[column]) for column in table.columns])
    return buffer.getvalue()


def as_zip(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", as_csv(table).encode("utf-8"))
    return buffer.getvalue()
