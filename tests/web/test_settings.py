from __future__ import annotations

import pytest

from psoascare.web.env import ConfigurationError, env_bool, env_int, env_list


def test_it_reads_booleans_and_rejects_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PC_FLAG", "yes")
    assert env_bool("PC_FLAG") is True
    monkeypatch.setenv("PC_FLAG", "off")
    assert env_bool("PC_FLAG", True) is False
    monkeypatch.setenv("PC_FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="PC_FLAG"):
        env_bool("PC_FLAG")


def test_it_checks_integer_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PC_DAYS", "0")
    with pytest.raises(ConfigurationError, match="at least 1"):
        env_int("PC_DAYS", 7, minimum=1)
    monkeypatch.setenv("PC_DAYS", "seven")
    with pytest.raises(ConfigurationError, match="whole number"):
        env_int("PC_DAYS", 7)
    monkeypatch.delenv("PC_DAYS")
    assert env_int("PC_DAYS", 7) == 7


def test_it_splits_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PC_HOSTS", "a.example, b.example ,")
    assert env_list("PC_HOSTS", []) == ["a.example", "b.example"]


def test_it_uses_wal_mode_on_sqlite() -> None:
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in options["init_command"]
