"""A response body decompressed in pieces, so the body cap is looked at before a bomb expands.

Only what :class:`Decoder` undoes (gzip, deflate, none) is asked for (``ACCEPT_ENCODING``), so
an installed brotli cannot make servers send it. httpx would expand a whole 64 KiB network
read (~64 MB of zeros) before the cap is looked at; this gives at most ``PIECE`` bytes a time.
"""

from __future__ import annotations

import zlib
from typing import Iterator

__all__ = ["Decoder", "ACCEPT_ENCODING", "PIECE"]

ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024


class Decoder:
    """Undoes a response's Content-Encoding (none, gzip or deflate) in pieces of at most
    ``PIECE`` bytes, so the caller can stop at its cap before a bomb expands."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",")
                   if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")
        self.coding = codings[0] if codings else ""
        # deflate is a zlib stream, but some servers send it raw: retried raw on a bad header
        wbits = zlib.MAX_WBITS | (16 if "gzip" in self.coding else 0)
        self._zlib = zlib.decompressobj(wbits) if self.coding else None
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            yield data
            return
        if not self._started and self.coding == "deflate":
            try:
                zlib.decompressobj().decompress(data[:64], 1)
            except zlib.error:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        self._started = self._started or bool(data)
        while data and not self._zlib.eof:
            piece = self._zlib.decompress(data, PIECE)
            if not piece and self._zlib.unconsumed_tail == data:
                break
            data = self._zlib.unconsumed_tail
            if piece:
                yield piece

    def flush(self) -> bytes:
        return self._zlib.flush() if self._zlib is not None else b""
