"""The pose model's files are served from node_modules (npm ci), and nothing else from there."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import SimpleTestCase

from psoascare.web.selfcheck.finders import FILES, PACKAGE_DIR, PREFIX, PoseModelFinder


class PoseModelFinderTests(SimpleTestCase):
    def test_it_finds_the_shipped_model_and_library(self) -> None:
        for name in FILES:
            found = finders.find(f"{PREFIX}/{name}")
            self.assertEqual(Path(str(found)), PACKAGE_DIR / name)
        self.assertGreater((PACKAGE_DIR / "models/movenet-lightning.bin").stat().st_size, 1_000_000)
        self.assertIn("MIT License", (PACKAGE_DIR / "LICENSE").read_text())

    def test_it_serves_nothing_else_from_the_package(self) -> None:
        self.assertFalse(finders.find(f"{PREFIX}/package.json"))
        self.assertFalse(finders.find(f"{PREFIX}/models/blazeface.json"))
        self.assertEqual(sorted(name for name, _ in PoseModelFinder().list(None)), sorted(FILES))

    def test_it_warns_when_npm_ci_has_not_run(self) -> None:
        finder = PoseModelFinder(package_dir=Path("/nonexistent/human"))
        (warning,) = finder.check()
        self.assertIn("make install", warning.msg)
        self.assertFalse(finder.find(f"{PREFIX}/dist/human.esm.js"))
        self.assertEqual(list(finder.list(None)), [])
