"""Start at login: the file each platform reads, written and removed."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from psoascare.cli.desk import register
from psoascare.desk.autostart.factory import autostart_for
from psoascare.desk.autostart.linux import XdgAutostart
from psoascare.desk.autostart.macos import LaunchAgentAutostart
from psoascare.desk.autostart.windows import StartupFolderAutostart


def test_the_linux_entry_is_written_to_xdg_config_home_and_removed(tmp_path: Path) -> None:
    autostart = autostart_for("linux", {"XDG_CONFIG_HOME": str(tmp_path / "config")}, home=tmp_path / "home")
    assert isinstance(autostart, XdgAutostart)
    path = autostart.install(["/opt/venv/bin/psoascare", "desk", "--every", "45", "--data-dir", "/home/a b/data"])
    assert path == tmp_path / "config" / "autostart" / "psoascare-desk.desktop"
    text = path.read_text()
    assert "[Desktop Entry]" in text and "Type=Application" in text
    assert 'Exec=/opt/venv/bin/psoascare desk --every 45 --data-dir "/home/a b/data"' in text
    assert autostart.uninstall() == path
    assert not path.exists()
    assert autostart.uninstall() is None


def test_a_relative_xdg_config_home_is_ignored_as_the_spec_says(tmp_path: Path) -> None:
    autostart = autostart_for("linux", {"XDG_CONFIG_HOME": "relative/dir"}, home=tmp_path)
    assert autostart.path == tmp_path / ".config" / "autostart" / "psoascare-desk.desktop"


def test_the_cli_installs_and_uninstalls_the_linux_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    installed = runner.invoke(app, ["desk", "--install-autostart", "--every", "30"])
    assert installed.exit_code == 0, installed.output
    entry = tmp_path / "autostart" / "psoascare-desk.desktop"
    assert entry.read_text().split("Exec=")[1].split("\n")[0].endswith(" desk --every 30")
    assert "--days" not in entry.read_text()  # left out: the timer follows the programme as it changes
    removed = runner.invoke(app, ["desk", "--uninstall-autostart"])
    assert removed.exit_code == 0 and "Removed" in removed.output
    assert not entry.exists()


def test_the_macos_launch_agent_runs_the_command_at_load(tmp_path: Path) -> None:
    autostart = autostart_for("darwin", {}, home=tmp_path)
    assert isinstance(autostart, LaunchAgentAutostart)
    path = autostart.install(["/usr/local/bin/psoascare", "desk"])
    assert path == tmp_path / "Library" / "LaunchAgents" / "org.psoascare.desk.plist"
    plist = plistlib.loads(path.read_bytes())
    assert plist["ProgramArguments"] == ["/usr/local/bin/psoascare", "desk"] and plist["RunAtLoad"] is True
    autostart.uninstall()
    assert not path.exists()


def test_the_windows_startup_script_quotes_paths_and_percent_signs(tmp_path: Path) -> None:
    autostart = autostart_for("win32", {"APPDATA": str(tmp_path)}, home=tmp_path)
    assert isinstance(autostart, StartupFolderAutostart)
    path = autostart.install([r"C:\Program Files\PsoasCare\psoascare.exe", "desk", "--data-dir", r"C:\100%"])
    assert path.parent == tmp_path / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup"
    text = path.read_text()
    assert r'start "" /min "C:\Program Files\PsoasCare\psoascare.exe" desk --data-dir C:\100%%' in text
    autostart.uninstall()
    assert not path.exists()
