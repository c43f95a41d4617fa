"""The desk core stays a core: no Django, Typer, Rich or GUI toolkit, and the timer process stays lean."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys

import psoascare.desk

FORBIDDEN = ("django", "typer", "rich", "click", "tkinter", "gi", "PyQt5", "PyQt6", "PySide6", "wx")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return [name for name in ast.literal_eval(out) if name in FORBIDDEN]


def test_no_desk_module_imports_django_typer_or_a_gui_toolkit() -> None:
    modules = [info.name for info in pkgutil.walk_packages(psoascare.desk.__path__, "psoascare.desk.")]
    assert "psoascare.desk.activity.x11" in modules and "psoascare.desk.service" in modules
    imports = "\n".join(f"import {name}" for name in modules)
    assert _loaded_after(imports) == []


def test_the_timer_process_starts_without_them_too() -> None:
    code = (
        "from psoascare.desk.activity.factory import choose_activity_source\n"
        "from psoascare.desk.notify.factory import choose_notifier\n"
        "import psoascare.desk.service\n"
        "choose_activity_source('none'); choose_notifier(native=False)"
    )
    assert _loaded_after(code) == []
