"""Pieces for the few statements written as SQL rather than through the ORM (each built once per process: on the
hot paths, the ORM's compilation of a query cost more than running it). Names come from the models, so a renamed
table or an added column is followed without anyone remembering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(model: type[models.Model], alias: str) -> list[str]:
    """Every stored column of the model, as `alias`."column"."""
    return [f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields]


def read_row(sql: str, params: Mapping[str, Any] | Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)
