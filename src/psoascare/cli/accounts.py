"""`psoascare createtherapist`: add a therapist account from the command line."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer


class AccountError(Exception):
    pass


def create_therapist_account(username: str, email: str, password: str) -> None:
    from django.contrib.auth import password_validation
    from django.contrib.auth.models import User
    from django.core.exceptions import ValidationError

    from psoascare.web.accounts.models import create_therapist

    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"a user called {username!r} already exists")
    try:
        password_validation.validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    create_therapist(username, email, password)


def set_password(username: str, password: str) -> None:
    from django.contrib.auth import password_validation
    from django.contrib.auth.models import User
    from django.core.exceptions import ValidationError

    user = User.objects.filter(username=username).first()
    if user is None:
        raise AccountError(f"no user called {username!r}")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return typer.get_text_stream("stdin").readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password again: "):
        typer.echo("Error: the two passwords differ.", err=True)
        raise typer.Exit(2)
    return password


def register(app: typer.Typer) -> None:
    @app.command("createtherapist")
    def createtherapist_command(
        username: str = typer.Argument(..., help="Log-in name of the new therapist."),
        email: str = typer.Option("", help="E-mail address."),
        data_dir: Path | None = typer.Option(None, help="Data directory (default: PSOASCARE_DATA_DIR or per-user)."),
        password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
    ) -> None:
        """Create a therapist account (asks for the password)."""
        from psoascare.web.bootstrap import migrate, setup_django

        setup_django(data_dir)
        migrate()
        password = _read_password(password_stdin)
        try:
            create_therapist_account(username, email, password)
        except AccountError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"Therapist {username} created. Log in at /accounts/login/.")

    @app.command("setpassword")
    def setpassword_command(
        username: str = typer.Argument(..., help="Log-in name, e.g. demo-client."),
        data_dir: Path | None = typer.Option(None, help="Data directory (default: PSOASCARE_DATA_DIR or per-user)."),
        password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
    ) -> None:
        """Set a user's password (e.g. when the demo passwords shown at first start are lost)."""
        from psoascare.web.bootstrap import migrate, setup_django

        setup_django(data_dir)
        migrate()
        try:
            set_password(username, _read_password(password_stdin))
        except AccountError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"Password of {username} changed.")
