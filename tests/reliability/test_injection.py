"""200 script-injection payloads from a replayed source response to the store to every HTML
output: the digest's HTML part, the outbox .html previews, reminders, the yearly report in HTML
and the calendar's links.

Every produced page is parsed (lxml) and each element and attribute checked against what the
templates themselves contain: no element, attribute or style the
templates never make, no event handler, no link other than absolute http(s).
"""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from html import escape
from pathlib import Path

import lxml.html
from icalendar import Calendar

from monitor.app import load_config, open_store
from monitor.config.committees import committees
from monitor.config.settings import database_path
from monitor.decisions.applications import advance_application, start_application
from monitor.decisions.calendar_export import build_calendar
from monitor.digests.dispatch import send_digests
from monitor.digests.reminders import send_reminders
from monitor.digests.subscriptions import Subscription, subscribe
from monitor.mail.message import safe_href
from monitor.model import Tag
from monitor.paperwork.report import build_report, render_report
from monitor.pipeline.ingest import poll
from monitor.store.database import Store
from monitor.store.rows import ItemQuery
from tests.conftest import NOW, ROOT, TZ
from tests.factories import BASE, sedia_page, sedia_row
from tests.hermetic import edit_file
from tests.mailfixtures import mail_env  # noqa: F401 - fixture
from tests.reliability.hostile import (MARKUP, payloads, template_vocabulary, unsafe_html,
                                       write_replay)

SOURCE_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
FEED_URL = "https://feed.example/rss"
BENIGN = 10  # ordinary items, so the check also sees links it must let through


MAIL_TEMPLATES = ROOT / "monitor" / "mail" / "templates"
REPORT_TEMPLATES = ROOT / "monitor" / "paperwork" / "templates"
# calls applied for and granted, so the report links them: every hostile link, five benign
GRANTED = [f"eu-funding:SYNTH-2027-TOPIC-{i:06d}" for i in [*range(25), *range(1000, 1005)]]
BENIGN_GRANTED = 5


def vocabulary(folder: Path = MAIL_TEMPLATES) -> tuple[set[str], set[str], set[str]]:
    tags, attributes, styles = template_vocabulary(folder)
    assert {"a", "p", "table"} <= tags and "href" in attributes
    return tags, attributes, styles


def report_html(config, store: Store) -> str:  # noqa: ANN001
    """The yearly report in HTML after the ``GRANTED`` calls were applied for and granted."""
    ids = list(committees(config))
    for item_id in GRANTED:
        app = start_application(store, item_id, "bun", committees=ids, by="test", now=NOW, tz=TZ)
        advance_application(store, app.id, "granted", by="test", force=True, reason="test",
                            amount=1000, now=NOW, tz=TZ)
    report = build_report(store, NOW.year, committees(config), now=NOW, tz=TZ)
    return render_report(report, "html", "sv", tz=TZ)


def hostile_rows() -> list[dict]:
    rows = []
    for i, payload in enumerate(payloads(200)):
        row = sedia_row(i)
        metadata = row["metadata"]
        metadata["title"] = [payload["title"]]
        metadata["descriptionByte"] = [payload["summary"]]
        metadata["frameworkProgramme"] = [payload["programme"]]  # unknown codes pass through
        # the portal's rows keep their own link when it names a topic page
        row["url"] = f"{payload['link']}/topic-details/{metadata['identifier'][0]}"
        if i < 20:  # reminders too: a deadline ten days away
            metadata["deadlineDate"] = [(BASE + timedelta(days=10)).strftime(
                "%Y-%m-%dT%H:%M:%S.000+0000")]
        rows.append(row)
    rows += [sedia_row(1000 + i) for i in range(BENIGN)]
    return rows


def hostile_feed() -> bytes:
    """The same 200 payloads as an RSS feed: markup in CDATA titles and descriptions (so it
    survives XML parsing as text), the bad links escaped into <link>."""
    entries = "".join(
        f"<item><title><![CDATA[{p['title']}]]></title><link>{escape(p['link'])}</link>"
        f"<guid>hostile-{i}</guid><description><![CDATA[{p['summary']}]]></description></item>"
        for i, p in enumerate(payloads(200)))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>'
            f"Hostile</title><link>{FEED_URL}</link>{entries}</channel></rss>").encode()


def html_outputs(outbox: Path) -> dict[str, str]:
    pages = {}
    for path in sorted(outbox.glob("*.html")):
        pages[path.name] = path.read_text(encoding="utf-8")
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        pages[path.name] = message.get_body(preferencelist=("html",)).get_content()
    return pages


def test_checker_finds_unescaped_payloads() -> None:
    tags, attributes, styles = vocabulary()
    for raw in (MARKUP[0], MARKUP[4], MARKUP[15].join(['<p title="', '">x</p>']), MARKUP[18]):
        assert unsafe_html(f"<html><body>{raw}</body></html>", tags=tags,
                           attributes=attributes, styles=styles), raw


def test_script_injection_from_feed_to_every_html_output(config_dir, mail_env, tmp_path,  # noqa: ANN001, F811
                                                         figure):
    rows = hostile_rows()
    pages = [rows[:100], rows[100:200], rows[200:]]
    replay = write_replay(tmp_path / "replay", "eu-funding", [
        ("POST", f"{SOURCE_URL}?pageSize=100&pageNumber={n}",
         sedia_page(page, total=len(rows), page=n), "application/json")
        for n, page in enumerate(pages, start=1)])
    write_replay(replay, "feed", [("GET", FEED_URL, hostile_feed(), "application/rss+xml")])
    with (config_dir / "sources.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[source]]\nname = "feed"\nkind = "rss"\nurl = "{FEED_URL}"\n')
    # every item in full in the overview: no cap, no first-digest catch-up
    edit_file(config_dir / "settings.toml", ("overview_cap = 15", "overview_cap = 1000"),
              ("catch_up_days = 14", "catch_up_days = 0"))
    config = load_config(config_dir)
    with open_store(database_path(config)) as store:
        reports = poll(config, store, names=["eu-funding", "feed"], replay=replay,
                       now=NOW - timedelta(hours=1))
        assert [(r.outcome, r.new) for r in reports] == [("ok", 210), ("ok", 200)], reports
        stored = store.query_items(ItemQuery(limit=1000, include_closed=True), now=NOW)
        for row in stored:
            store.replace_tags(row.id, [Tag("committee", "bun", 0.9, ("test",), "test")], now=NOW)
        subscribe(config, store, Subscription(committee="all", email="samordnare@tyreso.se"), now=NOW)
        digests = send_digests(config, store, now=NOW)
        reminders = send_reminders(config, store, now=NOW, committee="bun")
        calendar = build_calendar(config, store, lang="sv", now=NOW)
        report = report_html(config, store)
    assert sorted(o.state for o in digests if o.state != "empty") == ["sent", "sent"]
    # one reminder mail for the address, naming all 20 calls closing within 14 days
    assert len(reminders) == 1 and {o.state for o in reminders} == {"sent"}
    assert reminders[0].subject.startswith("Påminnelse: 20 saker att göra")

    tags, attributes, styles = vocabulary()
    outputs = html_outputs(mail_env)
    assert len(outputs) == 2 * 3  # (digest bun + all + 1 reminder) x (.html + .eml part)
    problems, links = [], 0
    for name, html in outputs.items():
        problems += [f"{name}: {p}" for p in unsafe_html(html, tags=tags,
                                                         attributes=attributes, styles=styles)]
        links += len(lxml.html.document_fromstring(html).xpath("//a[@href]"))
    report_problems = unsafe_html(report, **dict(zip(("tags", "attributes", "styles"),
                                                     vocabulary(REPORT_TEMPLATES))))
    assert problems + report_problems == [], (problems + report_problems)[:10]
    report_links = lxml.html.document_fromstring(report).xpath("//a[starts-with(@href, 'http')]")
    # the payloads arrived, as visible text: escaped, not dropped
    digest_text = lxml.html.document_fromstring(outputs[next(
        n for n in outputs if n.startswith("digest") and n.endswith(".html") and "_all_" in n)])
    text = " ".join(digest_text.text_content().split())
    titles = [row.title for row in stored]
    missing = [title for title in titles if title not in text]
    assert not missing, missing[:3]
    # links: the benign items', and what feedparser made of some hostile ones (resolved
    # against the feed's own https address, e.g. https://feed.example/javascript:alert(1)):
    # http(s) all; the other hostile ones are shown as text only
    linked = [row.url for row in stored if safe_href(row.url)]
    assert len(linked) > BENIGN and all(url.startswith("https://") for url in linked)
    assert links == 2 * 2 * len(linked)  # each in two digests, as .html and in the .eml
    events = Calendar.from_ical(calendar).walk("VEVENT")
    urls = [str(e["URL"]) for e in events if "URL" in e]
    assert events and set(urls) <= set(linked)
    assert b"ALT-DESC" not in calendar  # no HTML inside the calendar
    assert len(report_links) == BENIGN_GRANTED
    figure(f"200 injection payloads (x3 fields + link) via a SEDIA response and an RSS feed: "
           f"{len(stored)} items, {len(outputs) + 1} HTML documents "
           f"parsed (mail and report), 0 unsafe elements/attributes/links; "
           f"{links + len(report_links)} links, all http(s); "
           f"{len(events)} calendar events, {len(urls)} URLs, all https")
