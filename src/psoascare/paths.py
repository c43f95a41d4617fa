"""Where PsoasCare keeps its data: one directory per user, overridable with PSOASCARE_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_DIR_VARIABLE = "PSOASCARE_DATA_DIR"


def data_dir() -> Path:
    """The data directory (database, rendered figures, secret key), created on first use."""
    configured = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    path = Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir("psoascare"))
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def figures_dir() -> Path:
    path = data_dir() / "figures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def use_data_dir(path: Path | str) -> Path:
    """Point this process (and the Django settings it loads later) at another data directory."""
    resolved = Path(path).expanduser().resolve()
    resolved.mkdir(parents=True, exist_ok=True)
    os.environ[DATA_DIR_VARIABLE] = str(resolved)
    return resolved
