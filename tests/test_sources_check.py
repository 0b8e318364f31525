"""``monitor sources check``: every source polled live once against a local site, every
response recorded in a dated folder, and a report of what looks wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from werkzeug import Response

from tests.conftest import REPLAY
from tests.hermetic import replaced


def rss(*entries: str) -> str:
    items = "".join(f"<item><title>{title}</title><link>https://example.org/{n}</link>"
                    f"<description>{text}</description></item>"
                    for n, (title, text) in enumerate(e.split("|") for e in entries))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>https://example.org/</link><description>d</description>{items}"
            "</channel></rss>")


@pytest.fixture
def site(httpserver, config_dir: Path) -> Path:
    """A local site standing in for the funders; the copied config's sources point at it."""
    feed = "application/rss+xml"
    httpserver.expect_request("/good").respond_with_data(rss(
        "Utlysning: förskola och grundskola|Sista ansökningsdag 15 mars 2027.",
        "Kultur i skolan|Sista ansökningsdag 20 april 2027."), content_type=feed)
    httpserver.expect_request("/empty").respond_with_data(rss(), content_type=feed)
    httpserver.expect_request("/nodates").respond_with_data(rss(
        "Utlysning om digitalisering|Mer information kommer.",
        "Utlysning om klimat|Mer information kommer."), content_type=feed)
    httpserver.expect_request("/past").respond_with_data(rss(
        "Utlysning 2024|Sista ansökningsdag 1 februari 2024."), content_type=feed)
    httpserver.expect_request("/old-feed").respond_with_response(Response(
        "moved", status=301, headers={"Location": "/new-feed"}))
    httpserver.expect_request("/new-feed").respond_with_data(rss(
        "Utlysning för fritidsgårdar|Sista ansökningsdag 1 juni 2027."), content_type=feed)
    httpserver.expect_request("/gone").respond_with_response(Response("gone", status=404))
    blocks = "".join(
        f'[[source]]\nname = "{name}"\nkind = "rss"\nurl = "{httpserver.url_for(path)}"\n'
        f'item_kind = "call"\nlanguage = "sv"\n\n'
        for name, path in (("good", "/good"), ("empty", "/empty"), ("nodates", "/nodates"),
                           ("past", "/past"), ("moved", "/old-feed"), ("broken", "/gone")))
    (config_dir / "sources.toml").write_text(blocks, encoding="utf-8")
    return config_dir


def test_check_reports_each_source_and_records_every_response(site, cli, tmp_path):
    result = cli("sources", "check", "--into", str(tmp_path / "checks"), "--format", "json")
    assert result.exit_code == 3  # "broken" could not be polled
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    good = rows["good"]
    assert (good["http_status"], good["items"], good["with_deadline"]) == (200, 2, 2)
    assert good["tagged"] >= 1 and good["problems"] == []
    assert rows["empty"]["problems"] == ["0 poster"]
    assert rows["nodates"]["problems"] == ["ingen post har sista dag"]
    assert rows["past"]["problems"] == ["bara passerade sista dagar (senast 2024-02-01)"]
    [moved] = rows["moved"]["problems"]
    assert moved.startswith("flyttad: http://") and "/old-feed → http://" in moved
    assert "/new-feed (HTTP 301)" in moved and rows["moved"]["items"] == 1
    broken = rows["broken"]
    assert broken["http_status"] == 404 and "HTTP 404" in broken["problems"][0]
    # Every response is in one dated folder, in the replay layout.
    [folder] = (tmp_path / "checks").iterdir()
    assert folder.name == "2026-11-22-0900"  # local time of the pinned clock
    index = json.loads((folder / "moved" / "index.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in index] == [301, 200]
    assert {p.name for p in folder.iterdir()} == set(rows)


def test_check_stores_nothing_and_its_recording_replays(site, cli, tmp_path, config_dir):
    cli("sources", "check", "--into", str(tmp_path / "checks"), "--source", "good")
    status = cli("sources", "status", "--format", "json")  # not even a database was made
    assert status.exit_code == 2 and "Databasen finns inte" in status.output
    [folder] = (tmp_path / "checks").iterdir()
    replayed = cli("poll", "--replay", str(folder), "--source", "good")
    assert replayed.exit_code == 0 and "good: 2 poster, 2 nya" in replayed.stdout


def test_check_table_in_both_languages_and_a_second_folder(site, cli, tmp_path):
    sv = cli("sources", "check", "--into", str(tmp_path / "c"), "--source", "good",
             "--source", "empty")
    assert sv.exit_code == 0
    text = " ".join(sv.stdout.split())
    assert "Med sista dag" in text and "0 poster" in text
    assert "1 av 2 källor ser bra ut, 1 behöver ses över." in text
    assert "monitor poll --replay" in text
    en = cli("sources", "check", "--into", str(tmp_path / "c"), "--source", "empty", lang="en")
    assert "With deadline" in en.stdout and "0 items" in en.stdout
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["2026-11-22-0900",
                                                                  "2026-11-22-0900-2"]


def test_check_shipped_sources_against_a_local_copy_of_their_sites(httpserver, config_dir,
                                                                   cli, tmp_path):
    """The shipped sources.toml with every address pointed at a local server that serves
    the recorded responses: each source is checked and its problems named."""
    text = (config_dir / "sources.toml").read_text(encoding="utf-8")
    assert 'url = "https://www.mucf.se/bidrag/ungdomsutbyte-0"' in text
    base = httpserver.url_for("/").rstrip("/")
    served = set()
    for name in ("mucf", "svenska-institutet", "tillvaxtverket"):
        for entry in json.loads((REPLAY / name / "index.json").read_text(encoding="utf-8")):
            path = "/" + entry["url"].split("://", 1)[1].split("/", 1)[1]
            if path in served:
                continue
            served.add(path)
            body = (REPLAY / name / entry["file"]).read_bytes()
            if name == "tillvaxtverket" and path.endswith("utlysningar.html"):
                body = replaced(body, b'href="/tillvaxtverket/',
                                f'href="{base}/tillvaxtverket/'.encode())
            httpserver.expect_request(path.split("?")[0]).respond_with_data(
                body, content_type=entry["content_type"])
    for host in ("https://www.mucf.se", "https://si.se", "https://tillvaxtverket.se"):
        text = replaced(text, f'"{host}/', f'"{base}/')
    (config_dir / "sources.toml").write_text(text, encoding="utf-8")
    result = cli("sources", "check", "--into", str(tmp_path), "--format", "json",
                 "--source", "mucf", "--source", "svenska-institutet", "--source",
                 "tillvaxtverket")
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert (rows["mucf"]["items"], rows["mucf"]["with_deadline"]) == (2, 2)
    assert rows["svenska-institutet"]["problems"] == []
    assert rows["tillvaxtverket"]["items"] == 3 and rows["tillvaxtverket"]["with_deadline"] == 2


def test_check_records_beside_the_database_by_default(site, cli, tmp_path):
    assert cli("sources", "check", "--source", "good").exit_code == 0
    [folder] = (tmp_path / "checks").iterdir()  # the test database is tmp_path/monitor.db
    assert (folder / "good" / "index.json").exists()


def test_check_every_shipped_source_against_a_local_site_serving_their_recordings(
        httpserver, config_dir, cli, tmp_path):
    """Every shipped source, its addresses pointed at one local server that answers with the
    recorded responses: each is read through real HTTP (paging, detail pages, Vinnova's
    single records) and reported."""
    from urllib.parse import parse_qsl, urlsplit

    httpserver.no_handler_status_code = 404  # what is not recorded is not there
    hosts = set()
    for index in sorted(REPLAY.glob("*/index.json")):
        for entry in json.loads(index.read_text(encoding="utf-8")):
            parts = urlsplit(entry["url"])
            hosts.add(parts.netloc)
            httpserver.expect_request(
                parts.path, method=entry["method"],
                query_string=dict(parse_qsl(parts.query, keep_blank_values=True)) or None,
            ).respond_with_data((index.parent / entry["file"]).read_bytes(),
                                status=int(entry.get("status", 200)),
                                content_type=entry["content_type"])
    base = httpserver.url_for("/").rstrip("/")
    path = config_dir / "sources.toml"
    text = path.read_text(encoding="utf-8")
    for host in sorted(hosts):
        text = replaced(text, f"https://{host}/", f"{base}/")
    path.write_text(text, encoding="utf-8")
    result = cli("sources", "check", "--into", str(tmp_path / "checks"), "--format", "json")
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert result.exit_code == 0, [r["error"] for r in rows.values() if r["error"]]
    shipped = [line for line in text.splitlines() if line.startswith("name = ")]
    assert len(rows) == len(shipped) == 15
    assert {n: (r["http_status"], r["items"]) for n, r in rows.items()
            if r["http_status"] != 200 or not r["items"]} == {}
    assert rows["vinnova"]["items"] == 4 and rows["vinnova"]["with_deadline"] == 4
    # 16 of the remiss pages the listing links (and the lists of bodies they link) were never
    # recorded: named, not hidden.
    [missing] = rows["regeringen-remisser"]["problems"]
    failed, total, not_found = map(int, re.fullmatch(
        r"(\d+) av (\d+) svar var fel \(HTTP 404: (\d+)\)", missing).groups())
    assert failed == not_found >= 16 and total > failed
    assert rows["tillvaxtverket"]["with_deadline"] == 2
    # The only sources whose recordings give no deadline at all are legislation feeds.
    assert {n for n, r in rows.items() if "ingen post har sista dag" in r["problems"]} == set()
    [folder] = (tmp_path / "checks").iterdir()
    recorded = json.loads((folder / "vinnova" / "index.json").read_text(encoding="utf-8"))
    assert [e["url"].rsplit("/", 2)[-2] for e in recorded] == [
        "utlysningar", "ansokningsomgangar", "ansokningsomgangar", "utlysningar"]


def test_check_a_retried_address_counts_with_its_last_answer(site, httpserver, cli, tmp_path):
    httpserver.clear_all_handlers()
    httpserver.expect_oneshot_request("/good").respond_with_response(Response("busy",
                                                                              status=503))
    httpserver.expect_request("/good").respond_with_data(
        rss("Utlysning|Sista ansökningsdag 15 mars 2027."), content_type="application/rss+xml")
    result = cli("sources", "check", "--into", str(tmp_path / "c"), "--source", "good",
                 "--format", "json")
    [row] = json.loads(result.stdout)
    assert (row["http_status"], row["items"], row["problems"]) == (200, 1, [])
    [folder] = (tmp_path / "c").iterdir()
    statuses = [e["status"] for e in json.loads((folder / "good" / "index.json").read_text())]
    assert statuses == [503, 200]
