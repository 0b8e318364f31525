"""The ``monitor`` command line. Each module in this package adds its commands to ``app``."""

from __future__ import annotations

import importlib
import pkgutil

from monitor.cli.common import app

__all__ = ["app", "main"]

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "common" and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    """Console-script entry point."""
    app()
