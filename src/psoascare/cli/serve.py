"""`psoascare setup` and `psoascare serve`: the start-up steps (migrations, static files, demo content once,
missing figures) under a lock, then a production WSGI server with several worker processes.

On POSIX, serve runs gunicorn (gthread workers: N processes of T threads, one thread by default); where there is
no fork (Windows) it runs waitress in one process of several threads. One thread per process because a request
here is mostly Python, which holds the GIL: with four threads a worker spent its time handing the GIL between the
threads waiting on PostgreSQL, and served the calendar feed at about half the rate of one thread
(docs/benchmarks.md). The figures are rendered in a separate process before the server starts, so no web worker
ever loads the renderer.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

console = Console()

APPLICATION = "psoascare.web.wsgi:application"
SERVERS = ("gunicorn", "waitress")


def default_server() -> str:
    return "gunicorn" if hasattr(os, "fork") else "waitress"


def default_workers() -> int:
    return os.cpu_count() or 1


def default_threads(server: str) -> int:
    """gunicorn's workers are processes, one request at a time each; waitress has only its threads."""
    return 1 if server == "gunicorn" else 4


def listen_url(host: str, port: int) -> str:
    """The address links point at when PSOASCARE_SITE_URL is not set: the one serve listens on."""
    if host in {"0.0.0.0", "::", ""}:
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def prepare(data_dir: Path | None, demo: bool, figures: bool = True) -> list[str]:
    """Everything serve does before it listens, one process at a time; returns lines to show."""
    from psoascare.web.bootstrap import collect_static, ensure_demo_content, migrate, setup_django, startup_lock

    setup_django(data_dir)
    from django.conf import settings

    lines = [f"Data directory: {settings.DATA_DIR}"]
    with startup_lock():
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
        if figures:
            lines += render_missing_figures(Path(settings.DATA_DIR))
    return lines


def render_missing_figures(data_dir: Path) -> list[str]:
    """Renders missing figures in a child process, so the renderer (MuJoCo, OpenGL) never loads in this one."""
    done = subprocess.run(
        [sys.executable, "-m", "psoascare", "figures", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return ["Figures could not be rendered now (pages draw schematics instead): " + " ".join(tail)]
    rendered = [line for line in done.stdout.splitlines() if "figure(s) rendered" in line]
    return [line.strip() for line in rendered if not line.strip().startswith("0 figure(s)")]


def _gunicorn(app: str, options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from gunicorn.util import import_app

            return import_app(app)

    Server().run()


def serve(
    host: str, port: int, workers: int = 1, threads: int = 4, server: str | None = None, app: str = APPLICATION
) -> None:
    """Serves `app` (module:attribute) until interrupted."""
    server = server or default_server()
    if server == "waitress":
        from waitress import serve as waitress_serve

        from psoascare.web.bootstrap import setup_django

        module, attribute = app.split(":")
        setup_django()
        application = getattr(__import__(module, fromlist=[attribute]), attribute)
        waitress_serve(application, host=host, port=port, threads=threads, ident="PsoasCare")
        return
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    _gunicorn(
        app,
        {
            "bind": [bind],
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "proc_name": "psoascare",
            "loglevel": "warning",
            "accesslog": None,
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            # The app decides which proxies to believe (PSOASCARE_TRUSTED_PROXIES); gunicorn must not.
            "secure_scheme_headers": {},
            "forwarded_allow_ips": "127.0.0.1",
        },
    )


def _close_connections() -> None:
    """Nothing opened by the start-up steps may be shared by the forked workers."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


def register(app: typer.Typer) -> None:
    data_dir_option = typer.Option(None, help="Data directory (default: PSOASCARE_DATA_DIR or per-user).")

    @app.command("setup")
    def setup_command(
        data_dir: Path | None = data_dir_option,
        demo: bool = typer.Option(True, "--demo/--no-demo", help="Create the demo therapist and client once."),
        figures: bool = typer.Option(True, "--figures/--no-figures", help="Render missing figures."),
    ) -> None:
        """Migrate the database, collect static files, create demo content once and render missing figures.

        Safe to run from several processes or machines at once (a file lock and, on PostgreSQL, an advisory
        lock). `serve` does the same unless given --no-setup."""
        for line in prepare(data_dir, demo, figures):
            console.print(line)
        console.print("Set-up done.")

    @app.command("serve")
    def serve_command(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
        data_dir: Path | None = data_dir_option,
        demo: bool = typer.Option(True, "--demo/--no-demo", help="Create the demo therapist and client once."),
        workers: int = typer.Option(
            0, min=0, max=256, help="Worker processes (default 0: one per CPU core). Ignored by waitress."
        ),
        threads: int = typer.Option(
            0, min=0, max=64, help="Threads per worker process (default 0: 1 with gunicorn, 4 with waitress)."
        ),
        server: str = typer.Option(
            "", help="gunicorn (POSIX) or waitress (one process); default: gunicorn where the OS can fork."
        ),
        setup: bool = typer.Option(
            True, "--setup/--no-setup", help="Run the set-up steps first (--no-setup: `psoascare setup` ran)."
        ),
    ) -> None:
        """Serve the web app (migrates the database and creates demo content first)."""
        server = server or default_server()
        if server not in SERVERS:
            console.print(f"[red]Error:[/red] --server must be one of {', '.join(SERVERS)}, not {server!r}.")
            raise typer.Exit(2)
        if server == "gunicorn" and not hasattr(os, "fork"):
            console.print("[red]Error:[/red] gunicorn needs fork(); use --server waitress on this system.")
            raise typer.Exit(2)
        url = listen_url(host, port)
        if not os.environ.get("PSOASCARE_SITE_URL", "").strip():
            os.environ["PSOASCARE_LISTEN_URL"] = url
        if setup:
            for line in prepare(data_dir, demo):
                console.print(line)
            _close_connections()
        elif data_dir is not None:
            from psoascare.paths import use_data_dir

            use_data_dir(data_dir)
        workers = workers or default_workers()
        threads = threads or default_threads(server)
        shape = f"{workers} worker(s) × {threads} thread(s)" if server == "gunicorn" else f"{threads} thread(s)"
        console.print(f"PsoasCare is running at [bold]http://{host}:{port}[/bold] ({server}, {shape}; Ctrl-C to stop)")
        master = os.getpid()
        try:
            with contextlib.suppress(KeyboardInterrupt):
                serve(host, port, workers, threads, server)
        except SystemExit as stop:  # gunicorn's master, and each forked worker, leave through sys.exit
            if os.getpid() != master:
                raise
            if stop.code not in (0, None):
                console.print(f"[red]PsoasCare stopped with an error (exit status {stop.code}).[/red]")
                raise typer.Exit(stop.code if isinstance(stop.code, int) else 1) from None
        if os.getpid() == master:
            console.print("PsoasCare stopped.")
