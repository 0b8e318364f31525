"""Fixtures for the web tests: the app on the seeded store (tests.mailfixtures), a client."""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from typing import Iterator

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from monitor.app import open_store
from monitor.config.settings import database_path
from tests.conftest import NOW
from tests.mailfixtures import mail_env, seeded  # noqa: F401 - fixtures

with warnings.catch_warnings():  # Starlette 1.x prefers "httpx2" for its test client: still
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # httpx works the same
    from starlette.testclient import TestClient


def make_client(config, **options: bool) -> TestClient:  # noqa: ANN001
    """A test client of the app on ``config``'s database, the clock at NOW."""
    from monitor.web.app import create_app
    return TestClient(create_app(config, database_path(config), clock=lambda: NOW,
                                 open_store=open_store), **options)


@pytest.fixture
def client(config, seeded) -> Iterator[TestClient]:  # noqa: ANN001, F811
    """A test client on the seeded scenario, the clock at NOW."""
    with make_client(config) as test_client:
        yield test_client


@contextlib.contextmanager
def live_server(config) -> Iterator[str]:  # noqa: ANN001
    """The app served by a real uvicorn on a free loopback port, in a thread; yields its URL."""
    import uvicorn

    from monitor.web.app import create_app
    from tests.mailfixtures import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        create_app(config, database_path(config), clock=lambda: NOW,
                                 open_store=open_store), host="127.0.0.1",
        port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
