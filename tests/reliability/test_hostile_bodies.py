"""XML external entities, entity-expansion bombs, a gzip bomb and a body over the 20 MiB cap,
served by a real local HTTP server and polled by a separate process whose memory is measured.

- A secret file in the test's folder is referenced as a SYSTEM entity (general and parameter,
  inline and multi-line DOCTYPE, XInclude) from an RSS feed, an Atom feed, an HTML list page,
  its detail page and a page-kind page: its content appears nowhere, not in the database,
  the CLI's JSON, the digest previews, nor the poller's output.
- Billion laughs in a feed and in a page: parsed or refused, quickly, without expansion.
- A 1 MB gzip body inflating to 1 GiB, a 21 MiB body streamed without length and one with its
  length declared: each aborted at the configured cap (max_body_bytes, 20 MiB).
- The poller's peak memory (VmHWM, reset before each poll) grows less than 50 MB in any poll.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
import zlib
from pathlib import Path

from werkzeug import Response

CAP = 20 * 1024 * 1024
GROWTH_LIMIT_MB = 50
LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10))

CHILD = textwrap.dedent("""
    import gc, json, re, sys
    from datetime import datetime, timezone
    import bs4, feedparser, lxml.html  # libraries loaded before the baseline
    from monitor.app import load_config
    from monitor.pipeline.ingest import poll
    from monitor.app import open_store

    def kb(field):  # VmRSS: now; VmHWM: the peak since the last reset
        return int(re.search(field + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1))

    def reset_peak():
        # Linux: writing 5 to clear_refs resets VmHWM to the current RSS, so each poll's own
        # peak is measured rather than an earlier, larger one's
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")

    NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
    config = load_config(sys.argv[1])
    with open_store(config.settings.database) as store:
        poll(config, store, names=["good"], now=NOW)  # warm-up: client, tagger, first connection
        reports = {}
        for name in sys.argv[2].split(","):
            gc.collect()
            reset_peak()
            before = kb("VmRSS")
            [report] = poll(config, store, names=[name], now=NOW)
            peak = kb("VmHWM")
            reports[name] = {"outcome": report.outcome, "error": report.error,
                             "items": report.items_parsed, "growth_kb": peak - before}
    print(json.dumps({"reports": reports}))
""")


def xxe_feed(secret: Path) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [
<!ENTITY xxe SYSTEM "file://{secret}">
<!ENTITY % remote SYSTEM "file://{secret}">
%remote;
]>
<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>t &xxe;</title>
<link>https://feed.example/</link><description>d</description>
<item><title>Utlysning &xxe; kultur</title><link>https://feed.example/a</link>
<description>Sista dag 1 februari 2027. &xxe;</description></item>
<item><title>Utlysning två</title><link>https://feed.example/b?x=&xxe;</link>
<description><xi:include href="file://{secret}" parse="text"/></description></item>
</channel></rss>"""


def xxe_atom(secret: Path) -> str:
    return (f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>c</title><id>urn:c</id>'
            '<entry><title>Call &xxe;</title><id>urn:c:1</id>'
            '<link href="https://feed.example/c1"/><summary>&xxe;</summary></entry></feed>')


def xxe_page(secret: Path, detail: str = "") -> str:
    return f"""<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>
<html><head><title>Utlysningar &xxe;</title></head><body><main><h1>Bidrag &xxe;</h1>
<ul class="calls"><li><a href="{detail or '/detail'}">Kulturstöd &xxe;</a></li></ul>
<p>Sista ansökningsdag 31 januari 2027. &xxe;</p>
<iframe src="file://{secret}"></iframe><img src="file://{secret}"></main></body></html>"""


def laughs_feed() -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{LAUGHS}]>\n'
            '<rss version="2.0"><channel><title>x</title><item><title>Skratt &lol9;</title>'
            '<link>https://feed.example/lol</link></item></channel></rss>')


def laughs_page() -> str:
    return (f'<!DOCTYPE html [\n<!ENTITY lol0 "lol">\n{LAUGHS}]>\n<html><body><main>'
            '<ul class="calls"><li><a href="/lol">Skratt &lol9;</a></li></ul></main></body></html>')


def gzip_bomb() -> bytes:
    """1 GiB of zeros as gzip: about 1 MB on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    return b"".join([compressor.compress(zeros) for _ in range(1024)] + [compressor.flush()])


def serve(httpserver, secret: Path) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """Every hostile response; returns {source name: (kind and options, path)}."""
    rss, html = "application/rss+xml", "text/html; charset=utf-8"
    routes = {
        "/xxe.rss": (xxe_feed(secret), rss), "/xxe.atom": (xxe_atom(secret), rss),
        "/xxe.html": (xxe_page(secret), html), "/detail": (xxe_page(secret, "/x"), html),
        "/xxe-page": (xxe_page(secret), html), "/lol.rss": (laughs_feed(), rss),
        "/lol.html": (laughs_page(), html),
        "/good.rss": ('<rss version="2.0"><channel><title>g</title><item><title>Bra'
                      '</title><link>https://feed.example/good</link></item></channel></rss>',
                      rss),
    }
    for path, (body, content_type) in routes.items():
        httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    httpserver.expect_request("/bomb").respond_with_data(
        gzip_bomb(), headers={"Content-Encoding": "gzip"}, content_type=rss)

    def streamed():  # no Content-Length: only the streamed count can stop it
        chunk = b"<!-- " + b"x" * (1 << 20) + b" -->"
        for _ in range(21):
            yield chunk
    httpserver.expect_request("/big").respond_with_response(Response(streamed(),
                                                                     content_type=rss))
    httpserver.expect_request("/big-declared").respond_with_data(b" " * (21 << 20),
                                                                 content_type=rss)
    return {
        "xxe-rss": ('kind = "rss"', "/xxe.rss"), "xxe-atom": ('kind = "rss"', "/xxe.atom"),
        "xxe-html": ('kind = "html"\nitem = "ul.calls > li"\ndetail = "main"', "/xxe.html"),
        "xxe-page": ('kind = "page"', "/xxe-page"), "lol-rss": ('kind = "rss"', "/lol.rss"),
        "lol-html": ('kind = "html"\nitem = "ul.calls > li"', "/lol.html"),
        "bomb": ('kind = "rss"', "/bomb"), "big": ('kind = "rss"', "/big"),
        "big-declared": ('kind = "rss"', "/big-declared"), "good": ('kind = "rss"', "/good.rss"),
    }


def files_text(folder: Path, skip: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*"))
                    if p.is_file() and p != skip)


def test_entities_bombs_and_oversized_bodies(httpserver, config_dir, tmp_path, cli,  # noqa: ANN001
                                             monkeypatch, figure):
    secret_text = f"SECRET-{uuid.uuid4().hex}"
    secret = tmp_path / "secret.txt"
    secret.write_text(secret_text + "\n", encoding="utf-8")
    sources = serve(httpserver, secret)
    (config_dir / "sources.toml").write_text("".join(
        f'[[source]]\nname = "{name}"\n{kind}\nurl = "{httpserver.url_for(path)}"\n\n'
        for name, (kind, path) in sources.items()), encoding="utf-8")
    script = tmp_path / "poller.py"
    script.write_text(CHILD)
    hostile = [name for name in sources if name != "good"]
    child = subprocess.run([sys.executable, str(script), str(config_dir), ",".join(hostile)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout.strip().splitlines()[-1])
    reports = result["reports"]
    for name in ("bomb", "big", "big-declared"):
        assert reports[name]["outcome"] == "error"
        assert f"cap of {CAP} bytes" in reports[name]["error"], reports[name]
    for name in ("xxe-rss", "xxe-atom", "xxe-html", "xxe-page"):
        assert reports[name]["outcome"] == "ok" and reports[name]["items"] >= 1, reports[name]
    for name in ("lol-rss", "lol-html"):
        assert reports[name]["outcome"] in ("ok", "error"), reports[name]
        assert "unexpected" not in (reports[name]["error"] or "")
    # everything the monitor shows or keeps, and the poller's own output
    monkeypatch.chdir(tmp_path)
    shown = [cli("calls", "--format", "json").output, cli("legislation", "--format", "json").output,
             cli("digest", "--preview", str(tmp_path / "preview")).output,
             child.stdout, child.stderr]
    assert "Kulturstöd" in shown[0] and "Utlysning" in shown[0]  # the hostile items are there
    kept = files_text(tmp_path, skip=secret)
    assert secret_text.encode() not in kept
    assert all(secret_text not in text for text in shown)
    growth = {name: r["growth_kb"] / 1024 for name, r in reports.items()}
    worst = max(growth, key=growth.get)
    assert growth[worst] < GROWTH_LIMIT_MB, f"memory grew {growth[worst]:.1f} MB polling {worst}"
    figure(f"XXE in rss/atom/html/page: secret in 0 of {len(list(tmp_path.rglob('*')))} files "
           f"and 0 outputs; billion laughs: {reports['lol-rss']['outcome']}/"
           f"{reports['lol-html']['outcome']}; gzip bomb (1 GiB), 21 MiB streamed and declared: "
           f"aborted at the 20 MiB cap; peak memory growth per poll: "
           + ", ".join(f"{name} {mb:.1f} MB" for name, mb in growth.items()))
