from __future__ import annotations

import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

from psoascare import __version__
from psoascare.cli.accounts import AccountError, create_therapist_account
from psoascare.cli.main import app

runner = CliRunner()


def test_it_prints_the_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"psoascare {__version__}"


def test_it_lists_commands_with_one_line_help() -> None:
    result = subprocess.run([sys.executable, "-m", "psoascare", "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "createtherapist"):
        assert command in result.stdout


@pytest.mark.django_db
def test_it_creates_a_therapist_with_a_checked_password() -> None:
    create_therapist_account("tara", "tara@example.org", "a long and unusual password")
    tara = User.objects.get(username="tara")
    assert tara.profile.role == "therapist" and not tara.is_staff  # /admin/ is for site operators
    with pytest.raises(AccountError, match="already exists"):
        create_therapist_account("tara", "", "a long and unusual password")
    with pytest.raises(AccountError, match="too short"):
        create_therapist_account("tom", "", "short")


def test_it_reports_createtherapist_errors_without_a_traceback(tmp_path: object) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "psoascare",
            "createtherapist",
            "tom",
            "--data-dir",
            str(tmp_path),
            "--password-stdin",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Error:" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_it_sets_a_checked_password() -> None:
    from psoascare.cli.accounts import set_password

    create_therapist_account("tara", "tara@example.org", "a long and unusual password")
    set_password("tara", "another long unusual password")
    assert User.objects.get(username="tara").check_password("another long unusual password")
    with pytest.raises(AccountError, match="no user"):
        set_password("nobody", "another long unusual password")
    with pytest.raises(AccountError, match="too short"):
        set_password("tara", "short")
