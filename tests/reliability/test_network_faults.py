"""A server that hangs, resets, fails twice, rate-limits or loops: the poll still ends in time,
retries with backoff, honours Retry-After, stops loops, and the other sources finish."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import defaultdict

import pytest

from monitor.app import load_config, open_store
from monitor.pipeline.ingest import poll
from tests.conftest import NOW
from tests.factories import sedia_page, sedia_row, sources_toml
from tests.hermetic import edit_file

TIMEOUT = 1.0


class FaultyServer:
    """A raw TCP server on loopback whose behaviour depends on the request path."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                conn.close()
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:  # unread request bytes would turn close() into a reset
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        path = data.split(b" ", 2)[1].decode().split("?")[0]
        self.hits[path].append(time.monotonic())
        count = len(self.hits[path])
        body = sedia_page([sedia_row(hash(path) % 1000)])
        if path == "/hang":
            self.stopped.wait(10)
        elif path == "/reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif path == "/flaky" and count <= 2:
            conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        elif path == "/limited" and count == 1:
            conn.sendall(b"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: 1\r\n"
                         b"Content-Length: 0\r\n\r\n")
        elif path == "/loop":
            conn.sendall(b"HTTP/1.1 302 Found\r\nConnection: close\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def server():
    s = FaultyServer()
    yield s
    s.close()


def test_every_fault_at_once(server, config_dir):
    names = ["hang", "reset", "flaky", "limited", "loop", "good"]
    (config_dir / "sources.toml").write_text("\n".join(
        sources_toml(server.url(f"/{n}"), name=n) for n in names))
    edit_file(config_dir / "settings.toml", ("timeout = 30.0", f"timeout = {TIMEOUT}"),
              ("backoff = 0.01", "backoff = 0.2"))
    config = load_config(config_dir)
    with open_store(":memory:") as store:
        started = time.monotonic()
        reports = {r.source: r for r in poll(config, store, now=NOW)}
        elapsed = time.monotonic() - started
    assert elapsed <= TIMEOUT + len(names) * 1.0, f"poll took {elapsed:.1f} s"
    assert "no answer within 1 s" in reports["hang"].error
    assert len(server.hits["/hang"]) == 1  # a timeout is not retried
    assert reports["reset"].outcome == "error" and "network error" in reports["reset"].error
    assert len(server.hits["/reset"]) == 4  # first try and three retries
    assert reports["flaky"].outcome == "ok" and len(server.hits["/flaky"]) == 3
    gaps = [b - a for a, b in zip(server.hits["/flaky"], server.hits["/flaky"][1:])]
    assert gaps[1] > gaps[0] * 1.5  # backoff grows
    assert reports["limited"].outcome == "ok"
    first, second = server.hits["/limited"]
    assert second - first >= 0.95  # Retry-After: 1 honoured
    assert "more than 5 redirects" in reports["loop"].error
    assert len(server.hits["/loop"]) == 6
    assert reports["good"].outcome == "ok" and reports["good"].new == 1
