"""Fixtures for the web tests: the app on the seeded store (tests.mailfixtures), a client."""

from __future__ import annotations

import warnings
from typing import Iterator

import pytest

from monitor.config import database_path
from tests.conftest import NOW
from tests.mailfixtures import mail_env, seeded  # noqa: F401 - fixtures

from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # Starlette 1.x prefers "httpx2" for its test client: still
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # httpx works the same
    from starlette.testclient import TestClient


def make_client(config) -> TestClient:  # noqa: ANN001
    from monitor.web.app import create_app
    return TestClient(create_app(config, database_path(config), clock=lambda: NOW))


@pytest.fixture
def client(config, seeded) -> Iterator[TestClient]:  # noqa: ANN001, F811
    """A test client on the seeded scenario, the clock at NOW."""
    with make_client(config) as test_client:
        yield test_client
