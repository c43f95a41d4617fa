"""`psoascare calendar`: print a client's calendar feed (RFC 5545), the same bytes the web feed serves."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


class UnknownClientError(Exception):
    pass


def calendar_for(username: str) -> bytes:
    """The feed of the client with this log-in name; raises UnknownClientError for anyone else."""
    from django.contrib.auth.models import User

    from psoascare.web.accounts.models import Role
    from psoascare.web.calendarfeed.feed import build_feed

    client = User.objects.filter(username=username, profile__role=Role.CLIENT).first()
    if client is None:
        raise UnknownClientError(f"no client called {username!r}")
    return build_feed(client)


def register(app: typer.Typer) -> None:
    @app.command("calendar")
    def calendar_command(
        client: str = typer.Option(..., "--client", help="Log-in name of the client."),
        data_dir: Path | None = typer.Option(None, help="Data directory (default: PSOASCARE_DATA_DIR or per-user)."),
    ) -> None:
        """Print a client's routine as an iCalendar feed (.ics) on standard output."""
        from psoascare.web.bootstrap import migrate, setup_django

        setup_django(data_dir)
        migrate()
        try:
            feed = calendar_for(client)
        except UnknownClientError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
        # Bytes, not text: the feed's lines end in CRLF, which a text stream could change on some platforms.
        sys.stdout.flush()
        sys.stdout.buffer.write(feed)
        sys.stdout.buffer.flush()
