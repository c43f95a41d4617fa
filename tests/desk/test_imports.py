"""The desk timer runs all day: it keeps out of its memory what it does not use (numpy, Django, Typer)."""

from __future__ import annotations

import subprocess
import sys


def test_it_suggests_moves_without_loading_numpy_django_or_typer() -> None:
    script = (
        "import sys\n"
        "import psoascare.desk.service\n"
        "from psoascare.desk.moves import MoveSuggester\n"
        "print(MoveSuggester().next_move().name)\n"
        "print(sorted(m for m in ('numpy', 'django', 'typer') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    name, loaded = done.stdout.strip().splitlines()
    assert name
    assert loaded == "[]"
