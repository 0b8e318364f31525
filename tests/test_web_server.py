"""``monitor web`` as people start it: a real uvicorn process, loopback by default, a warning
when told to listen on every address."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from monitor.cli.web_cmd import is_loopback
from tests.conftest import NOW, ROOT
from tests.mailfixtures import free_port
from tests.webfixtures import live_server, mail_env, seeded  # noqa: F401 - fixtures


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("127.0.0.2", True), ("0.0.0.0", False), ("::", False), ("10.1.2.3", False),
    ("intranat.example.org", False)])
def test_loopback_detection(host, loopback):  # noqa: ANN001
    assert is_loopback(host) is loopback


def _start(config_dir, *args: str) -> tuple[subprocess.Popen, int]:  # noqa: ANN001
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(MONITOR_NOW=NOW.isoformat(), PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config_dir), "web", "--port",
         str(port), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, port


def _get(url: str, process: subprocess.Popen) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("host,warned", [(None, False), ("0.0.0.0", True)])
def test_monitor_web_serves_and_warns_on_all_addresses(config_dir, seeded, host, warned):  # noqa: ANN001, F811
    process, port = _start(config_dir, *(["--host", host] if host else []))
    try:
        response = _get(f"http://127.0.0.1:{port}/?committee=bun", process)
        assert response.status_code == 200 and "Skolutveckling i Europa" in response.text
        assert httpx.post(f"http://127.0.0.1:{port}/", timeout=5).status_code == 405
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert f"http://{host or '127.0.0.1'}:{port}/" in out
    assert ("VARNING: 0.0.0.0 tar emot anrop från alla adresser" in err) is warned, err


def test_pages_read_while_a_poll_holds_the_write_lock(config, seeded):  # noqa: ANN001, F811
    from tests.mailfixtures import item, utc
    with live_server(config) as base:
        with seeded.write():  # as `monitor serve` does mid-poll: WAL lets the page read
            seeded.upsert_items([item("N", "Ny utlysning", deadlines=[utc(2027, 6, 1)])],
                                now=NOW)
            started = time.monotonic()
            during = httpx.get(f"{base}/", timeout=20)
            waited = time.monotonic() - started
        assert during.status_code == 200 and "Skolutveckling i Europa" in during.text
        assert "Ny utlysning" not in during.text and waited < 10  # not the 30 s busy timeout
        assert "Ny utlysning" in httpx.get(f"{base}/").text  # committed: shown
