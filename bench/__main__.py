"""Run every benchmark module and write its section of docs/benchmarks.md with the machine it ran on.

Each `bench/bench_<name>.py` defines `run() -> str`, returning a Markdown section (starting with `## `).
`python -m bench body desk` runs only those; sections of benchmarks not run are kept from the last report.
`--size NAME` sets PSOASCARE_BENCH_SIZE for the benchmarks that seed data (`python -m bench web --size small`).
"""

from __future__ import annotations

import importlib
import os
import platform
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def discover() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in (ROOT / "bench").glob("bench_*.py"))


def existing_sections() -> dict[str, str]:
    if not REPORT.exists():
        return {}
    sections: dict[str, str] = {}
    for block in re.split(r"(?m)^(?=<!-- bench:)", REPORT.read_text()):
        match = re.match(r"<!-- bench:(\w+) -->\n", block)
        if match:
            sections[match.group(1)] = block[match.end() :].strip()
    return sections


def main(argv: list[str]) -> int:
    argv = list(argv)
    if "--size" in argv:
        at = argv.index("--size")
        if at + 1 >= len(argv):
            print("--size needs a name, e.g. --size small", file=sys.stderr)
            return 2
        os.environ["PSOASCARE_BENCH_SIZE"] = argv[at + 1]
        del argv[at : at + 2]
    names = argv or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(discover())})", file=sys.stderr)
        return 2
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    fresh: dict[str, str] = {}
    for name in names:
        print(f"running bench_{name} ...", flush=True)
        module = importlib.import_module(f"bench.bench_{name}")
        body = module.run().strip()
        fresh[name] = f"{body}\n\n_Run {stamp} on {machine_description()}._"
        print(body, flush=True)
    # Read the report again only now: a long run must not undo sections others wrote meanwhile.
    sections = {**existing_sections(), **fresh}
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench [NAME ...]`); each section names its machine.",
        "",
    ]
    for name in sorted(sections):
        lines += [f"<!-- bench:{name} -->", sections[name], ""]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines))
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
