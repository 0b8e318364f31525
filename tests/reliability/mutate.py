"""A seeded mutator of feeds, pages and API responses: the garbage servers send, made
reproducible. ``Mutator(seed).mutate(body)`` applies one to three operations and says which.

Byte-level operations work on any body (flips, truncation, control bytes, encoding swaps);
markup operations find tags (delete, duplicate, huge attribute values, deep nesting, bad
entities); JSON bodies also get structural ones (a value replaced by another type, a key
removed, a string made huge, deep nesting).
"""

from __future__ import annotations

import json
import random
import re
from typing import Any, Callable

TAG_RE = re.compile(rb"<[A-Za-z!?/][^<>]{0,300}>")
OPEN_TAG_RE = re.compile(rb"<([A-Za-z][A-Za-z0-9:-]*)")
CODECS = ["latin-1", "cp1252", "utf-16", "utf-16-be", "utf-32", "iso-8859-15", "koi8-r",
          "shift_jis", "ascii"]
ENTITIES = [b"&#0;", b"&#xD800;", b"&#99999999;", b"&bogus;", b"&#x110000;", b"&amp",
            b"&#x1F600;", b"&lt;script&gt;", b"&", b"]]>", b"\x00", b"\xff\xfe"]
TYPE_SWAPS: list[Any] = [None, 0, -1, 1e308, "", "x", [], {}, True, "2027-02-30",
                         "0000-00-00T00:00:00", "<p>", [None], {"": None}, "\ud800"]


class Mutator:
    """Applies seeded mutations. ``huge`` caps the size of inserted values (bytes), ``deep``
    the nesting depth, ``copies`` the repetitions of a duplicated span: the suite keeps them
    small enough to run in seconds (still past Python's recursion limit), the soak benchmark
    raises them."""

    def __init__(self, seed: int, *, huge: int = 100_000, deep: int = 3000,
                 copies: int = 20) -> None:
        self.rng = random.Random(seed)
        self.huge, self.deep, self.copies = huge, deep, copies

    def mutate(self, body: bytes) -> tuple[bytes, list[str]]:
        """The mutated body and the names of the operations applied."""
        names = []
        for _ in range(self.rng.randint(1, 3)):
            operation = self.rng.choice(self.operations(body))
            body = operation(body)
            names.append(operation.__name__)
        return body, names

    def operations(self, body: bytes) -> list[Callable[[bytes], bytes]]:
        ops = [self.flip, self.truncate, self.control, self.encoding, self.entity]
        if TAG_RE.search(body):
            ops += [self.delete_tag, self.duplicate_tag, self.huge_attribute, self.nest_tags]
        if _json(body) is not None:
            ops += [self.swap_type, self.drop_key, self.huge_string, self.nest_json] * 2
        return ops

    # -------------------------------------------------------------------- any body
    def flip(self, body: bytes) -> bytes:
        data = bytearray(body)
        for _ in range(self.rng.randint(1, 16)):
            if data:
                data[self.rng.randrange(len(data))] = self.rng.randrange(256)
        return bytes(data)

    def truncate(self, body: bytes) -> bytes:
        return body[:self.rng.randrange(len(body) + 1)]

    def control(self, body: bytes) -> bytes:
        chars = [b"\x00", b"\r", b"\x1b[31m", b"\x0b", b"\xe2\x80\xa8", b"\xc2\x85",
                 b"\xef\xbb\xbf", b"\xe2\x80\xae"]
        at = self.rng.randrange(len(body) + 1)
        return body[:at] + self.rng.choice(chars) * self.rng.randint(1, 20) + body[at:]

    def encoding(self, body: bytes) -> bytes:
        text = body.decode("utf-8", "replace")
        choice = self.rng.random()
        if choice < 0.3:  # declared charset no longer matches the bytes
            codec = self.rng.choice(CODECS).encode()
            return re.sub(rb"(charset=|encoding=[\"'])[A-Za-z0-9_-]+", rb"\g<1>" + codec, body)
        if choice < 0.4:
            return b"\xef\xbb\xbf" + body if self.rng.random() < 0.5 else b"\xff\xfe" + body
        return text.encode(self.rng.choice(CODECS), "replace")

    def entity(self, body: bytes) -> bytes:
        at = self.rng.randrange(len(body) + 1)
        return body[:at] + self.rng.choice(ENTITIES) + body[at:]

    # ---------------------------------------------------------------------- markup
    def _tag(self, body: bytes) -> re.Match[bytes]:
        matches = list(TAG_RE.finditer(body))
        return self.rng.choice(matches)

    def delete_tag(self, body: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 5)):
            if not TAG_RE.search(body):
                break
            tag = self._tag(body)
            body = body[:tag.start()] + body[tag.end():]
        return body

    def duplicate_tag(self, body: bytes) -> bytes:
        first, second = sorted((self._tag(body), self._tag(body)), key=lambda m: m.start())
        span = body[first.start():max(first.end(), second.end())][:self.huge // 10]
        return body[:first.start()] + span * self.rng.randint(2, self.copies) + \
            body[first.start():]

    def huge_attribute(self, body: bytes) -> bytes:
        opens = list(OPEN_TAG_RE.finditer(body))
        if not opens:
            return body
        tag = self.rng.choice(opens)
        value = self.rng.choice([b"A", b"&amp;", b"\xc3\xa5", b"\"", b"javascript:"])
        size = self.rng.randint(1000, self.huge)
        attribute = b' data-x="' + value * (size // len(value)) + b'"'
        return body[:tag.end()] + attribute + body[tag.end():]

    def nest_tags(self, body: bytes) -> bytes:
        depth = self.rng.choice([100, self.deep // 3, self.deep])
        name = self.rng.choice([b"div", b"b", b"item", b"a", b"table"])
        at = self._tag(body).start()
        closing = (b"</" + name + b">") * self.rng.choice([0, depth])  # unclosed, or closed
        return body[:at] + (b"<" + name + b">") * depth + b"x" + closing + body[at:]

    # ------------------------------------------------------------------------ JSON
    def _rewrite(self, body: bytes, change: Callable[[Any], Any]) -> bytes:
        data = _json(body)
        paths = list(_paths(data))
        if not paths:
            return body
        path = self.rng.choice(paths)
        return json.dumps(_replace(data, path, change), ensure_ascii=self.rng.random() < 0.5
                          ).encode("utf-8", "surrogatepass")

    def swap_type(self, body: bytes) -> bytes:
        return self._rewrite(body, lambda old: self.rng.choice(TYPE_SWAPS))

    def drop_key(self, body: bytes) -> bytes:
        return self._rewrite(body, lambda old: _DROP)

    def huge_string(self, body: bytes) -> bytes:
        unit = self.rng.choice(["A", "å", "<b>", " ", "\n", "31 december 2027 "])
        return self._rewrite(body, lambda old: unit * (self.rng.randint(1000, self.huge)
                                                       // len(unit.encode())))

    def nest_json(self, body: bytes) -> bytes:
        depth = self.rng.choice([100, 1000, self.deep, self.deep * 30])
        placeholder = "\x00NESTED\x00"
        text = self._rewrite(body, lambda old: placeholder)
        return text.replace(json.dumps(placeholder).encode(), b"[" * depth + b"1" + b"]" * depth)


_DROP = object()


def _json(body: bytes) -> Any:
    if body.lstrip()[:1] not in (b"{", b"["):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _paths(data: Any, prefix: tuple = ()) -> Any:
    if isinstance(data, dict):
        for key, value in data.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data[:50]):
            yield prefix + (index,)
            yield from _paths(value, prefix + (index,))


def _replace(data: Any, path: tuple, change: Callable[[Any], Any]) -> Any:
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    new = change(parent[path[-1]])
    if new is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return data
