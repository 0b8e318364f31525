"""``python -m monitor`` is the ``monitor`` command."""

from .cli import main

main()
