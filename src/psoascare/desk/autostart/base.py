"""The one interface every autostart backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar


class Autostart(ABC):
    name: ClassVar[str]

    @property
    @abstractmethod
    def path(self) -> Path:
        """The file that makes the system start the timer at login."""

    @abstractmethod
    def render(self, command: Sequence[str]) -> str:
        """The file's contents for this command line."""

    def install(self, command: Sequence[str]) -> Path:
        if not command:
            raise ValueError("no command to start at login")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(self.render(command), encoding="utf-8")
        temporary.replace(self.path)
        return self.path

    def uninstall(self) -> Path | None:
        """Removes the file; returns its path, or None when there was nothing installed."""
        if not self.path.exists():
            return None
        self.path.unlink()
        return self.path
