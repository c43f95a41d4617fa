"""Django's model backend, loading the user's profile (and their therapist's) with the user: every page asks
for the role, and the client pages for the therapist's video link, so one query instead of three.

This query runs on every logged-in request, so it is written once as SQL from the models' own columns and the
rows become model instances the way `select_related` makes them: compiling the same query through the ORM on
each request cost more than running it.

A view that needs one more row on every request (Today, its version) can have it read in the same statement, a
`Companion` (`read_with_user`): one round trip to the database instead of two."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection, models
from django.http import HttpRequest, HttpResponse

from psoascare.web.accounts.models import Profile
from psoascare.web.rawsql import columns, read_row, table


@dataclass(frozen=True)
class Companion:
    """A SELECT of at most one row, read in the same statement as the logged-in user. Its SQL takes the user's id
    as %(user)s and its other parameters from `params`. `with_therapist=False`: the view reads the therapist
    itself when it needs them (the ORM loads `.profile.therapist` on first use), and the statement leaves out
    their two rows, which a page answered from its cache never looks at."""

    sql: str
    params: Mapping[str, Any]
    with_therapist: bool = True


_companion: ContextVar[Companion | None] = ContextVar("user_companion", default=None)

View = Callable[..., HttpResponse]


def read_with_user(companion: Callable[[], Companion]) -> Callable[[View], View]:
    """View decorator (outside the log-in check, which loads the user): the user is read with `companion()`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = _companion.set(companion())
            try:
                return view(request, *args, **kwargs)
            finally:
                _companion.reset(token)

        return wrapped

    return decorator


def companion_read(user: Any, sql: str) -> tuple[Companion, tuple[Any, ...]] | None:
    """The companion with this SQL read with the user, and its row; or None: the user was loaded without it (an
    earlier access, a view without `read_with_user`), or it found no row. Callers then run it themselves."""
    read: tuple[Companion, tuple[Any, ...]] | None = getattr(user, "_companion", None)
    if read is None or read[0].sql != sql or all(value is None for value in read[1]):
        return None
    return read


@cache
def _user_sql(companion_sql: str | None = None, with_therapist: bool = True) -> str:
    users, profiles = table(User), table(Profile)
    selected = [*columns(User, "u"), *columns(Profile, "p")]
    joins = f"LEFT JOIN {profiles} p ON p.user_id = u.id "
    if with_therapist:
        selected += [*columns(User, "t"), *columns(Profile, "tp")]
        joins += f"LEFT JOIN {users} t ON t.id = p.therapist_id LEFT JOIN {profiles} tp ON tp.user_id = t.id "
    if companion_sql is not None:  # its columns after the user's; NULLs when it finds no row
        selected.append("c.*")
        joins += f"LEFT JOIN ({companion_sql}) c ON 1 = 1 "
    return f"SELECT {', '.join(selected)} FROM {users} u {joins}WHERE u.id = %(user)s"


@cache
def _converters(vendor: str) -> list[tuple[int, list[Any], Any]]:
    """What the ORM applies to a column as it reads it (SQLite's text dates made aware, its 0/1 booleans), for the
    columns that need anything (none on PostgreSQL): (position in the row, converters, column)."""
    fields = [(model, field) for model in (User, Profile, User, Profile) for field in model._meta.concrete_fields]
    converters = []
    for position, (model, field) in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((position, found, column))
    return converters


@cache
def _attnames(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _instance(model: type[models.Model], values: list[Any]) -> Any:
    """The model instance for these column values, or None for the NULLs of a LEFT JOIN that found nothing."""
    if values[0] is None:
        return None
    return model.from_db(connection.alias, _attnames(model), values)


def user_with_profiles(user_id: int) -> User | None:
    """The user with `.profile`, `.profile.therapist` and `.profile.therapist.profile` loaded (each None-safe as
    with select_related: a user without a profile raises RelatedObjectDoesNotExist on `.profile`); the therapist
    is left to the ORM when the view's companion says so."""
    companion = _companion.get()
    with_therapist = companion is None or companion.with_therapist
    if companion is None:
        row = read_row(_user_sql(), {"user": user_id})
    else:
        row = read_row(_user_sql(companion.sql, with_therapist), {**companion.params, "user": user_id})
    if row is None:
        return None
    user_width, profile_width = len(User._meta.concrete_fields), len(Profile._meta.concrete_fields)
    width = (2 if with_therapist else 1) * (user_width + profile_width)
    values, companion_values = list(row[:width]), row[width:]
    for position, converters, column in _converters(connection.vendor):
        if position < width:
            for convert in converters:
                values[position] = convert(values[position], column, connection)
    parts, start = [], 0
    for part_width in (user_width, profile_width, user_width, profile_width)[: 4 if with_therapist else 2]:
        parts.append(values[start : start + part_width])
        start += part_width
    user, profile = _instance(User, parts[0]), _instance(Profile, parts[1])
    reverse = Profile._meta.get_field("user").remote_field  # User.profile
    reverse.set_cached_value(user, profile)
    if profile is not None:
        Profile._meta.get_field("user").set_cached_value(profile, user)
    if companion is not None:
        user._companion = (companion, companion_values)
    if not with_therapist:
        return user
    therapist, therapist_profile = _instance(User, parts[2]), _instance(Profile, parts[3])
    if profile is not None:
        Profile._meta.get_field("therapist").set_cached_value(profile, therapist)
    if therapist is not None:
        reverse.set_cached_value(therapist, therapist_profile)
        if therapist_profile is not None:
            Profile._meta.get_field("user").set_cached_value(therapist_profile, therapist)
    return user


class ProfileBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = user_with_profiles(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
