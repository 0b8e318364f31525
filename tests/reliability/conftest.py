"""The reliability suite's figures: each test records what it measured with the ``figure``
fixture, and the figures are printed together at the end of the run (``make test``)."""

from __future__ import annotations

from typing import Callable

import pytest

FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """``figure("1,000 mutations: 0 escaped exceptions ...")``: kept for the summary."""
    def record(text: str) -> None:
        FIGURES.append((request.node.name, text))
        print(f"FIGURE {request.node.name}: {text}")
    return record


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, text in FIGURES:
        terminalreporter.write_line(f"{name}: {text}")
