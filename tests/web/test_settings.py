from __future__ import annotations

import pytest

from psoascare.web.env import ConfigurationError, env_bool, env_emergency_number, env_int, env_list


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


@pytest.mark.django_db
def test_it_overwrites_deleted_rows_on_sqlite() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("secure_delete is a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


def test_it_names_the_variable_of_a_bad_trusted_proxy(tmp_path: object) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path), "PSOASCARE_TRUSTED_PROXIES": "10.0.0.1,proxy.local"}
    done = subprocess.run(
        [sys.executable, "-c", "import psoascare.web.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "PSOASCARE_TRUSTED_PROXIES: 'proxy.local' is not an IP address" in done.stderr


def test_it_finds_the_client_behind_trusted_proxies() -> None:
    import ipaddress

    from psoascare.web.proxy import client_address

    proxies = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]
    assert client_address("10.0.0.2", "203.0.113.9", proxies) == "203.0.113.9"
    # A browser's own X-Forwarded-For comes first; the proxy appends what it saw, which is what counts.
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.3", proxies) == "203.0.113.9"
    assert client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"
    assert client_address("10.0.0.2", "", proxies) == "10.0.0.2"
    assert client_address("10.0.0.2", "not-an-address", proxies) == "10.0.0.2"
    assert client_address("::1", "[2001:db8::5]:4711", proxies) == "2001:db8::5"
    assert client_address("10.0.0.2", "203.0.113.9", []) == "10.0.0.2"


def test_it_points_links_at_the_address_serve_listens_on(tmp_path: object) -> None:
    import os
    import subprocess
    import sys

    from psoascare.cli.serve import listen_url

    assert listen_url("127.0.0.1", 18555) == "http://127.0.0.1:18555"
    assert listen_url("::1", 18555) == "http://[::1]:18555"
    script = "from django.conf import settings as s; print(s.SITE_URL, s.SITE_URL_CONFIGURED)"
    base = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "psoascare.web.settings"}
    base.pop("PSOASCARE_SITE_URL", None)

    def site_url(**env: str) -> str:
        command = [sys.executable, "-c", "import django; django.setup(); " + script]
        return subprocess.run(command, env={**base, **env}, capture_output=True, text=True, check=True).stdout.strip()

    assert site_url(PSOASCARE_LISTEN_URL="http://127.0.0.1:18555") == "http://127.0.0.1:18555 False"
    configured = site_url(PSOASCARE_LISTEN_URL="http://127.0.0.1:18555", PSOASCARE_SITE_URL="https://care.example/")
    assert configured == "https://care.example True"


def test_it_takes_the_clinics_emergency_number_and_refuses_words(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_emergency_number("PC_EMERGENCY") == "999"  # unset: the UK's
    monkeypatch.setenv("PC_EMERGENCY", "112")
    assert env_emergency_number("PC_EMERGENCY") == "112"
    monkeypatch.setenv("PC_EMERGENCY", "call the doctor")
    with pytest.raises(ConfigurationError, match=r"PC_EMERGENCY.*2 to 6 digits"):
        env_emergency_number("PC_EMERGENCY")
