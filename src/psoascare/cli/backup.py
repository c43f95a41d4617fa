"""`psoascare backup FILE` and `psoascare restore FILE`: the database (SQLite or PostgreSQL) to a file and back."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    data_dir_option = typer.Option(None, help="Data directory (default: PSOASCARE_DATA_DIR or per-user).")

    @app.command("backup")
    def backup_command(
        file: Path = typer.Argument(..., help="Where to write the backup."),
        data_dir: Path | None = data_dir_option,
        force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    ) -> None:
        """Back up the database to FILE; safe while the server runs (SQLite: online backup; PostgreSQL: pg_dump).

        The backup holds every account as it was: restoring it brings back accounts deleted since."""
        from psoascare.web.backup import BackupError, backup
        from psoascare.web.bootstrap import setup_django

        setup_django(data_dir)
        try:
            typer.echo(backup(file, overwrite=force))
        except BackupError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None

    @app.command("restore")
    def restore_command(
        file: Path = typer.Argument(..., help="A file written by `psoascare backup`."),
        data_dir: Path | None = data_dir_option,
        yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    ) -> None:
        """Replace the database with the backup in FILE (stop the server first), then migrate it.

        Everything written since the backup is lost, and accounts deleted since come back: delete them again."""
        from psoascare.web.backup import BackupError, restore
        from psoascare.web.bootstrap import setup_django

        if not yes:
            typer.confirm("This replaces everything in the database with the backup. Go on?", abort=True)
        setup_django(data_dir)
        try:
            typer.echo(restore(file))
        except BackupError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
