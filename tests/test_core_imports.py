"""The domain core imports no Django, Typer or GUI toolkit: checked in a fresh interpreter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import psoascare

CORE_PACKAGES = ("body", "routines", "desk", "knowledge")
FORBIDDEN = ("django", "typer", "click", "rich", "tkinter", "PyQt5", "PyQt6", "PySide6", "gi", "wx", "ninja")


def _modules(package: str) -> list[str]:
    base = f"psoascare.{package}"
    path = [f"{psoascare.__path__[0]}/{package}"]
    return [base] + [info.name for info in pkgutil.walk_packages(path, prefix=f"{base}.")]


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_it_keeps_the_core_free_of_frameworks(package: str) -> None:
    modules = _modules(package)
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [], f"{package} imports a framework"


def test_it_would_notice_a_framework_import() -> None:
    script = "import sys, psoascare.web.env, django.conf; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
