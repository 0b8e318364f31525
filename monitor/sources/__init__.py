"""Sources: one small class per kind of site, registered by its ``kind``.

Defining a subclass of :class:`~monitor.sources.base.Source` with a ``kind`` registers it;
every module in this package is imported here, so adding a source is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

from monitor.sources.base import Source, registry

__all__ = ["Source", "registry"]

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_") and _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")
