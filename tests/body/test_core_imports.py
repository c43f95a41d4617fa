"""The body core needs numpy only: no Django, Typer, GUI toolkit, nor the optional OpenSim/MuJoCo."""

from __future__ import annotations

import subprocess
import sys


def test_it_imports_the_body_core_without_web_cli_or_simulator_packages() -> None:
    code = (
        "import sys\n"
        "import psoascare.body.model, psoascare.body.postures, psoascare.body.lumbar, psoascare.body.report\n"
        "from psoascare.body.model import BodyModel\n"
        "from psoascare.body.postures import get_posture\n"
        "BodyModel('rajagopal2016').report(get_posture('sitting-90-90'))\n"
        "banned = ('django', 'typer', 'rich', 'tkinter', 'PySide6', 'PyQt5', 'opensim', 'mujoco', 'myo_sim')\n"
        "loaded = sorted({name.split('.')[0] for name in sys.modules} & set(banned))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_it_registers_the_body_command_without_loading_numpy() -> None:
    # `psoascare --help` imports every command module; the body model and numpy load when a command runs.
    code = "import sys\nimport psoascare.cli.body, psoascare.body.postures\nprint('numpy' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
