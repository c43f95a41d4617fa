"""`psoascare serve` for real: a subprocess with its own data directory, answering over HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_it_serves_the_app_with_static_files_and_demo_accounts(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}  # one line each
    server = subprocess.Popen(
        [sys.executable, "-m", "psoascare", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    output: list[str] = []
    try:
        assert server.stdout is not None
        for line in server.stdout:
            output.append(line)
            if "is running at" in line:
                break
        else:
            pytest.fail("serve stopped before listening:\n" + "".join(output))
        text = "".join(output)
        assert re.search(r"client\s+demo-client\s+password \S{12,}", text), text
        # One worker per core, one thread each (threads spent their time handing the GIL to each other).
        assert f"gunicorn, {os.cpu_count()} worker(s) × 1 thread(s)" in text, text
        assert (tmp_path / "data" / "psoascare.sqlite3").exists()
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert (status, body) == (200, b"ok")
        status, page = _get(f"http://127.0.0.1:{port}/learn/psoas/")
        assert status == 200 and b"lesser trochanter" in page
        css = re.search(rb'href="(/static/psoascare/site\.[0-9a-f]{12}\.css)"', page)
        assert css, "the lesson page links the hashed stylesheet"
        status, stylesheet = _get(f"http://127.0.0.1:{port}{css.group(1).decode()}")
        assert status == 200 and b"--accent" in stylesheet
        assert b"Server: PsoasCare" not in page  # waitress, not Django's development server
    finally:
        server.send_signal(signal.SIGINT)
        rest, _ = server.communicate(timeout=20)
    assert server.returncode == 0, rest
    assert "PsoasCare stopped." in rest


def test_it_prints_demo_passwords_only_on_the_first_start(tmp_path: Path) -> None:
    script = "from psoascare.cli.serve import prepare; print('\\n'.join(prepare(None, demo=True)))"
    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path)}

    def start() -> str:
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    first, second = start(), start()
    account_line = re.compile(r"demo-client\s+password \S+")
    assert account_line.search(first)
    assert not account_line.search(second) and "Demo accounts created" not in second
    assert f"Data directory: {tmp_path}" in second


def test_it_runs_the_start_up_steps_one_process_at_a_time(tmp_path: Path) -> None:
    env = {**os.environ, "PSOASCARE_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "psoascare", "setup", "--no-figures"]
    starts = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in starts]
    assert [process.returncode for process in starts] == [0, 0, 0], outputs
    assert sum("Demo accounts created" in output for output in outputs) == 1, outputs
    assert all("Set-up done." in output for output in outputs)
