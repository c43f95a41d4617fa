"""Every environment variable the web app reads goes through these helpers, which fail loudly."""

from __future__ import annotations

import os


class ConfigurationError(RuntimeError):
    """An environment variable holds a value the app cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={raw!r}: expected one of true/false, yes/no, on/off, 1/0")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name}={value}: must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name}={value}: must be at most {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_emergency_number(name: str) -> str:
    """The emergency telephone number of the clinic's country (999 by default; 112, 911, 000 elsewhere)."""
    from psoascare.knowledge.content import DEFAULT_EMERGENCY_NUMBER, ContentError, check_emergency_number

    try:
        return check_emergency_number(env_str(name, DEFAULT_EMERGENCY_NUMBER))
    except ContentError as exc:
        raise ConfigurationError(f"{name}: {exc}") from None
