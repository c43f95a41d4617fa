"""The `psoascare` entry point: builds the Typer app from one module per command group."""

from __future__ import annotations

import importlib

import typer

from psoascare import __version__

# Each module defines register(app); the commands there only parse and print.
COMMAND_MODULES = ("serve", "backup", "accounts", "body", "figures", "stretch", "desk", "calendar")

app = typer.Typer(
    name="psoascare",
    help="PsoasCare: the psoas lesson, guided routines, a desk timer and the clinic web app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"psoascare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """PsoasCare: the psoas lesson, guided routines, a desk timer and the clinic web app."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"psoascare.cli.{_name}").register(app)


def main() -> None:
    app()
