"""Run the whole pytest suite; a run that collects no tests is a failure, never a silent pass."""

from __future__ import annotations

import os
import sys
import tempfile

import pytest


def main() -> int:
    # Tests never touch the user's real data directory.
    os.environ.setdefault("PSOASCARE_DATA_DIR", tempfile.mkdtemp(prefix="psoascare-test-"))
    code = pytest.main(sys.argv[1:])
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("pytest collected no tests: treating that as a failure", file=sys.stderr)
        return 1
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
