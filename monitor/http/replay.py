"""Recording responses to a folder, and answering requests from such a folder.

Layout (shared by both): ``DIR/<source-name>/index.json`` is a JSON list of
``{"method", "url", "status", "content_type", "file"}`` in request order, the body files
beside it. Replay answers a request with the first unused entry whose method and URL match
(query parameter order ignored), else with the next unused entry in order; when none is left
the source fails with "no recorded response for <method> <url>".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from monitor.errors import FetchError
from monitor.http.fetch import SOURCE_EXTENSION

__all__ = ["ReplayTransport", "RecordingTransport", "normalise_url"]


def normalise_url(url: str) -> str:
    """The URL with its query parameters sorted, so their order does not matter."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


@dataclass
class _Entry:
    method: str
    url: str
    status: int
    content_type: str
    file: str
    used: bool = False


@dataclass
class _Recording:
    directory: Path
    entries: list[_Entry] = field(default_factory=list)


def _source_of(request: httpx.Request) -> str:
    return str(request.extensions.get(SOURCE_EXTENSION) or "_unnamed")


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers every request from recorded files; never touches the network."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise FetchError(f"{self.directory}: replay folder does not exist")
        self._recordings: dict[str, _Recording] = {}

    def _recording(self, source: str) -> _Recording:
        if source not in self._recordings:
            folder = self.directory / source
            index = folder / "index.json"
            if not index.exists():
                raise FetchError(f"{index}: no recorded responses for source {source!r}",
                                 source=source)
            try:
                raw = json.loads(index.read_text(encoding="utf-8"))
                entries = [_Entry(method=e["method"].upper(), url=e["url"],
                                  status=int(e.get("status", 200)),
                                  content_type=e.get("content_type", ""), file=e["file"])
                           for e in raw]
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise FetchError(f"{index}: not a valid replay index ({exc!r})",
                                 source=source) from exc
            self._recordings[source] = _Recording(folder, entries)
        return self._recordings[source]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        source = _source_of(request)
        recording = self._recording(source)
        method, url = request.method.upper(), normalise_url(str(request.url))
        unused = [e for e in recording.entries if not e.used]
        entry = next((e for e in unused if e.method == method and normalise_url(e.url) == url),
                     unused[0] if unused else None)
        if entry is None:
            raise FetchError(f"no recorded response for {method} {request.url}", source=source,
                             url=str(request.url))
        entry.used = True
        path = recording.directory / entry.file
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise FetchError(f"{path}: recorded body missing ({exc.strerror})", source=source,
                             url=str(request.url)) from exc
        headers = {"content-type": entry.content_type} if entry.content_type else {}
        return httpx.Response(entry.status, headers=headers, content=body, request=request)


_EXTENSIONS = (("json", "json"), ("xml", "xml"), ("rss", "xml"), ("atom", "xml"),
               ("html", "html"), ("calendar", "ics"), ("text", "txt"))


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to ``inner`` and saves every response in the replay layout."""

    def __init__(self, directory: str | Path, inner: httpx.AsyncBaseTransport | None = None,
                 ) -> None:
        self.directory = Path(directory)
        self.inner = inner or httpx.AsyncHTTPTransport()
        self._counts: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()  # decoded: the replay serves it without Content-Encoding
        await response.aclose()
        source = _source_of(request)
        folder = self.directory / source
        folder.mkdir(parents=True, exist_ok=True)
        index_path = folder / "index.json"
        if source not in self._counts:  # a new recording replaces an old one of this source
            self._counts[source] = 0
            entries: list[dict[str, object]] = []
        else:
            entries = json.loads(index_path.read_text(encoding="utf-8"))
        self._counts[source] += 1
        content_type = response.headers.get("content-type", "")
        ext = next((e for key, e in _EXTENSIONS if key in content_type.lower()), "bin")
        name = f"{self._counts[source]:03d}-{re.sub(r'[^a-z0-9]+', '-', request.method.lower())}.{ext}"
        (folder / name).write_bytes(body)
        entries.append({"method": request.method, "url": str(request.url),
                        "status": response.status_code, "content_type": content_type,
                        "file": name})
        index_path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n",
                              encoding="utf-8")
        headers = [(k, v) for k, v in response.headers.items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers, content=body,
                              request=request, extensions=response.extensions)
