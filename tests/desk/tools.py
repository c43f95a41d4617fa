"""Tests that need a system tool (Xvfb, dbus-daemon, node): skipped where it is missing, failed under CI=true."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def tool_missing(message: str, must_run: str) -> NoReturn:
    """Skips the test, saying what is missing; under CI=true fails it instead, because there `must_run`."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; under CI=true {must_run}")
    pytest.skip(message)
