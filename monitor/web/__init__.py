"""The intranet page: ``monitor web`` serves the store read-only over HTTP.

Pages (``pages.py``), calendar and Atom feeds (``feeds.py``) and the JSON API (``api.py``)
share one Starlette application built by :func:`monitor.web.app.create_app`. ``links.py``
holds the ``[web]`` settings and the public addresses the digest mail links to; it imports
nothing of the web stack, so mail can use it without Starlette.
"""
