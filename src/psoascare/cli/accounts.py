"""`psoascare accounts` (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Adds no command until this group is written."""
