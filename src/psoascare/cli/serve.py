"""`psoascare serve`: migrate, make demo content once, render missing figures, serve with waitress."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer
from rich.console import Console

console = Console()


def prepare(data_dir: Path | None, demo: bool) -> list[str]:
    """Everything serve does before it listens; returns lines to show the person starting it."""
    from psoascare.web.bootstrap import collect_static, ensure_demo_content, migrate, setup_django

    setup_django(data_dir)
    from django.conf import settings

    lines = [f"Data directory: {settings.DATA_DIR}"]
    migrate()
    collect_static()
    if demo:
        accounts = ensure_demo_content()
        if accounts is not None:
            lines += [
                "Demo accounts created (shown only this once):",
                f"  therapist  demo-therapist  password {accounts.therapist_password}",
                f"  client     demo-client     password {accounts.client_password}",
            ]
    lines += _render_missing_figures()
    return lines


def _render_missing_figures() -> list[str]:
    try:
        from psoascare.body.figures import ensure_figures
    except ImportError:
        return []
    from psoascare.paths import figures_dir

    rendered = ensure_figures(figures_dir())
    return [f"Rendered {rendered} missing figure(s)."] if rendered else []


def serve(host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    from psoascare.web.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="PsoasCare")


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
        data_dir: Path | None = typer.Option(None, help="Data directory (default: PSOASCARE_DATA_DIR or per-user)."),
        demo: bool = typer.Option(True, "--demo/--no-demo", help="Create the demo therapist and client once."),
        threads: int = typer.Option(8, min=1, max=64, help="Worker threads."),
    ) -> None:
        """Serve the web app (migrates the database and creates demo content first)."""
        for line in prepare(data_dir, demo):
            console.print(line)
        console.print(f"PsoasCare is running at [bold]http://{host}:{port}[/bold]  (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            serve(host, port, threads)
        console.print("PsoasCare stopped.")
