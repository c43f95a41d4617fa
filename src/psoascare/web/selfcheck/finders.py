"""Static files finder for the pose model: serves a handful of files from the npm package that `make install`
puts in node_modules/ (`npm ci`), under static/selfcheck/human/, and nothing else from node_modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage

PREFIX = "selfcheck/human"
# node_modules sits at the repository root, next to package.json (src/psoascare/web/selfcheck/finders.py).
PACKAGE_DIR = Path(__file__).resolve().parents[4] / "node_modules" / "@vladmandic" / "human"
# The library (with TensorFlow.js bundled), its source map (the library names it, and collectstatic's manifest
# storage refuses a JS file whose source map is missing), MoveNet Lightning (its weights) and the licence.
FILES = (
    "dist/human.esm.js",
    "dist/human.esm.js.map",
    "models/movenet-lightning.json",
    "models/movenet-lightning.bin",
    "LICENSE",
)


class PoseModelFinder(BaseFinder):
    def __init__(self, package_dir: Path | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.package_dir = package_dir or PACKAGE_DIR
        self.storage = FileSystemStorage(location=str(self.package_dir))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [name for name in FILES if not (self.package_dir / name).is_file()]
        if not missing:
            return []
        return [
            Warning(
                f"The self-check's pose model is not installed ({', '.join(missing)} missing in "
                f"{self.package_dir}); run `make install` (npm ci). Until then people place the points by hand.",
                id="selfcheck.W001",
            )
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        # Like Django's own finders: a path (or a list of one with find_all), else an empty list, which
        # django.contrib.staticfiles.finders.find() skips (it would keep a None or "" as a match).
        find_all = find_all or bool(kwargs.get("all", False))
        prefix = f"{PREFIX}/"
        if path.startswith(prefix) and path[len(prefix) :] in FILES:
            candidate = self.package_dir / path[len(prefix) :]
            if candidate.is_file():
                return [str(candidate)] if find_all else str(candidate)
        return []

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name in FILES:
            if (self.package_dir / name).is_file():
                yield name, self.storage
