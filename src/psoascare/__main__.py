from __future__ import annotations

from psoascare.cli.main import main

main()
