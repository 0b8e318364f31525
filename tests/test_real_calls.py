"""Funders' genuine pages (tests/fixtures/real/): what each page itself says.

Text copies are genuine text in a constructed wrapper (tests/real_pages.py). The clock is
pinned to when the page was live; "read today" pins it years later: an old page must keep
its own year and never grow a deadline next year.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.model import CLOSED, FORTHCOMING, OPEN, from_iso
from tests.real_pages import as_json, html_page, path, text, wp_post
from tests.source_helpers import by_id, fetch, make_source

STHLM = ZoneInfo("Europe/Stockholm")
BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = "2026-12-01T08:00:00+00:00"  # a reader years after most of these pages were live


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> datetime:
    monkeypatch.setenv("MONITOR_NOW", when)
    return datetime.fromisoformat(when)


def end_of(year: int, month: int, day: int, tz: ZoneInfo = STHLM) -> datetime:
    return datetime(year, month, day, 23, 59, tzinfo=tz)


def page(kind: str, name: str, url: str, *, page_date: str | None = None, **options):  # noqa: ANN003, ANN201
    source = make_source(kind, url, **options)
    return source.check_items(source.parse(html_page(name, page_date=page_date), url=url))


def evidence(item, role: str) -> list[str]:  # noqa: ANN001
    return [from_iso(e["when"]).astimezone(STHLM).date().isoformat()
            for e in item.extra.get("dates", []) if e["role"] == role]


# ------------------------------------------------------------------------------------ ESF+
ESF_NEWS = "esf_nyheter_kommande-utlysningar-stockholm.text.txt"


def _serve_esf(httpserver, posts: bytes) -> object:  # noqa: ANN001
    httpserver.expect_request("/wp-json/wp/v2/pages").respond_with_data(
        b"[]", content_type="application/json", headers={"X-WP-TotalPages": "1"})
    httpserver.expect_request("/wp-json/wp/v2/posts").respond_with_data(
        posts, content_type="application/json", headers={"X-WP-TotalPages": "1"})
    return make_source("esf", httpserver.url_for("/wp-json/wp/v2/pages"), language="sv",
                       programme="ESF+", posts_url=httpserver.url_for("/wp-json/wp/v2/posts"))


def test_esf_news_post_announces_a_coming_call_with_months_only(httpserver, monkeypatch):
    at(monkeypatch, "2022-10-25T08:00:00+00:00")
    post = wp_post(ESF_NEWS, post_id=1, date="2022-10-24",
                   link="https://www.esf.se/nyheter/kommande-utlysningar-stockholm/")
    [item] = fetch(_serve_esf(httpserver, as_json(post)))
    assert item.title == "Information om kommande utlysningar – ESF+ Stockholmsregionen"
    assert item.status == FORTHCOMING
    # "beräknas öppna i december 2022/januari 2023 och stänga i mars 2023": months, no day.
    assert item.opens is None and item.deadlines == []
    assert item.extra["opens_approximately"] == "2022-12"
    assert item.extra["closes_approximately"] == "2023-03"


def test_esf_news_post_with_an_opening_day_and_a_closing_month(httpserver, monkeypatch):
    # The wording of a genuine ESF news post; the wrapper is constructed.
    at(monkeypatch, "2022-10-25T08:00:00+00:00")
    post = dict(wp_post(ESF_NEWS, post_id=2, date="2022-10-20",
                        link="https://www.esf.se/nyheter/ny-utlysning/"),
                content={"rendered": "<p>Ansökningsomgången beräknas öppna den 2 december 2022 "
                                     "och stänga i början av mars 2023.</p>"})
    [item] = fetch(_serve_esf(httpserver, as_json(post)))
    assert item.opens == datetime(2022, 12, 2, tzinfo=STHLM)
    assert item.deadlines == [] and item.extra["closes_approximately"] == "2023-03"
    assert item.status == FORTHCOMING


def test_esf_news_read_today_is_closed_not_moved_to_next_year(httpserver, monkeypatch):
    at(monkeypatch, TODAY)
    post = wp_post(ESF_NEWS, post_id=1, date="2022-10-24",
                   link="https://www.esf.se/nyheter/kommande-utlysningar-stockholm/")
    [item] = fetch(_serve_esf(httpserver, as_json(post)))
    assert item.status == CLOSED and item.extra["closes_approximately"] == "2023-03"
    assert all(e["when"] < "2024" for e in item.extra["dates"])


def test_esf_partner_page_not_decided_closing_and_a_meeting_date(monkeypatch):
    at(monkeypatch, "2022-11-15T08:00:00+00:00")
    [item] = page("page", "esf_regionblekinge_esf-sydsverige.text.txt",
                  "https://regionblekinge.se/esf--sydsverige.html", language="sv")
    assert item.title == "ESF+ Sydsverige"
    # "Öppnar: 2 december 2022 / Stänger: 6 mars 2023"; "Stänger: Ej bestämt" is no deadline
    # and the next line's "Prioriteras i strukturfondspartnerskapet 11 december 2023" a meeting.
    assert item.deadlines == [end_of(2023, 3, 6)]
    assert item.opens == datetime(2022, 12, 2, tzinfo=STHLM)
    assert "2023-12-11" not in evidence(item, "deadline")
    assert "2022-08-25" in evidence(item, "unknown")  # "Den 25 augusti i år": the page's year


def test_esf_wordpress_page_object_is_a_programme_page_not_a_call():
    raw = text("esf_wp-json_pages_29333.partial.json")
    fields = {key: json.loads(f'"{value}"') for key, value in re.findall(
        r'"(date|modified|slug|type|link)":"((?:[^"\\]|\\.)*)"', raw)}
    title = json.loads('"' + re.search(r'"title":\{"rendered":"((?:[^"\\]|\\.)*)"', raw)[1] + '"')
    content = json.loads('"' + re.search(r'"content":\{"rendered":"((?:[^"\\]|\\.)*)', raw)[1]
                         .rsplit("\\", 1)[0] + '"')  # the copy is cut mid-document
    obj = {"id": 29333, **fields, "title": {"rendered": title}, "content": {"rendered": content}}
    body = json.dumps([obj]).encode()
    url = "https://www.esf.se/en/wp-json/wp/v2/pages"
    esf = make_source("esf", url, programme="ESF+")
    assert esf.check_items(esf.parse(body, url=url)) == []  # no call number, no call link
    generic = make_source("wordpress", url)
    [item] = generic.check_items(generic.parse(body, url=url))
    assert item.title == "European Social Fund Plus 2021–2027"
    assert item.url == "https://www.esf.se/en/socialfondsprogrammet-esf-2021-2027/"
    assert item.published == datetime(2021, 3, 22, 15, 46, 12, tzinfo=STHLM)
    assert item.deadlines == [] and "Swedish ESF Council" in item.summary


# ----------------------------------------------------------------------------------- Formas
def test_formas_opening_and_deadline_with_time(monkeypatch):
    now = at(monkeypatch, "2024-03-01T08:00:00+00:00")
    [item] = page("page", "formas_utlysning_utforska-2024.text.txt",
                  "https://formas.se/utforska-2024.html", language="sv")
    assert item.title == "Utforska – Formas öppna utlysning för forskningsprojekt 2024"
    assert item.opens == datetime(2024, 9, 4, 14, 0, tzinfo=STHLM)
    assert item.deadlines == [datetime(2024, 10, 16, 14, 0, tzinfo=STHLM)]
    assert item.resolved(now).status == FORTHCOMING


# ------------------------------------------------------------------------------------- ICLD
def test_icld_faq_two_yearly_windows(monkeypatch):
    now = at(monkeypatch, "2021-06-01T08:00:00+00:00")
    call, = page("icld", "icld_faq-och-kontakt.text.txt",
                 "https://icld.se/vart-arbete/kommunala-partnerskap/faq-och-kontakt/",
                 programme="ICLD kommunala partnerskap", language="sv")
    # "Två ansökningsomgångar genomförs varje år": the next of each window from today.
    assert call.deadlines == [end_of(2021, 10, 15), end_of(2022, 3, 15)]
    assert call.opens == datetime(2021, 9, 15, tzinfo=STHLM)
    assert call.resolved(now).status == FORTHCOMING


def test_icld_article_old_page_keeps_its_year_from_last_modified(httpserver, monkeypatch):
    now = at(monkeypatch, TODAY)
    httpserver.expect_request("/sv/artikel/stark/").respond_with_data(
        html_page("icld_artikel_stark-den-lokala-demokratin.text.txt"),
        content_type="text/html; charset=utf-8",
        headers={"Last-Modified": "Mon, 10 Dec 2018 09:00:00 GMT"})
    source = make_source("icld", httpserver.url_for("/sv/artikel/stark/"),
                         programme="ICLD kommunala partnerskap", language="sv")
    call, preparation = fetch(source)
    # "sista ansökningsdag 15 februari samt 15 april" on a December 2018 page: 2019.
    assert call.deadlines == [end_of(2019, 2, 15), end_of(2019, 4, 15)]
    assert call.resolved(now).status == CLOSED
    assert preparation.status == OPEN and preparation.deadlines == []


# ------------------------------------------------------------------------------ Interreg BSR
def test_interreg_news_english_prose_deadlines(monkeypatch):
    at(monkeypatch, "2022-02-09T08:00:00+00:00")
    name = "interreg-bsr_news-2022_new-funding-open-calls.text.txt"
    post = wp_post(name, post_id=7, date="2022-02-08", skip=5,
                   title="New funding: open calls for project applications",
                   link="https://interreg-baltic.eu/news-2022/new-funding-open-calls/")
    source = make_source("wordpress", "https://interreg-baltic.eu/wp-json/wp/v2/posts",
                         include=["call"], language="en")
    [item] = source.check_items(source.parse(as_json(post), url=source.url))
    # "9 March 2022", "core projects – 15 March 2022", "not later than 30 March" (the year
    # from the post's date), "core projects – 26 April 2022".
    assert item.deadlines == [end_of(2022, 3, 9), end_of(2022, 3, 15), end_of(2022, 3, 30),
                              end_of(2022, 4, 26)]
    assert item.opens == datetime(2022, 2, 8, tzinfo=STHLM)


def test_interreg_news_read_today_keeps_2022(monkeypatch):
    at(monkeypatch, TODAY)
    name = "interreg-bsr_news-2022_new-funding-open-calls.text.txt"
    post = wp_post(name, post_id=7, date="2022-02-08", skip=5, title="New funding: open calls",
                   link="https://interreg-baltic.eu/news-2022/new-funding-open-calls/")
    source = make_source("wordpress", "https://interreg-baltic.eu/wp-json/wp/v2/posts")
    [item] = source.check_items(source.parse(as_json(post), url=source.url))
    assert end_of(2022, 3, 30) in item.deadlines
    assert all(d.year == 2022 for d in item.deadlines)


# ---------------------------------------------------------------------------------- Nordplus
def nordplus_items(name: str, **options) -> list:  # noqa: ANN003
    return page("nordplus", name, "https://nordplusonline.org/x/", language="en",
                programme="Nordplus Junior", **options)


def test_nordplus_news_stated_monday_3_february(monkeypatch):
    at(monkeypatch, "2024-11-05T08:00:00+00:00")
    [item] = nordplus_items("nordplus_news_application-round-2025-is-open.text.txt")
    # "is Monday 3 February, 23:59 CET" (1 February 2025 was a Saturday)
    assert item.deadlines == [end_of(2025, 2, 3, BRUSSELS)]
    assert item.extra["deadline_from"] == "page text" and item.extra["round"] == "spring"


def test_nordplus_handbook_is_the_rule_with_the_working_day_move(monkeypatch):
    at(monkeypatch, "2024-11-05T08:00:00+00:00")
    spring, autumn = nordplus_items("nordplus_handbook_application-rounds.text.txt",
                                    deadlines=["02-01", "10-01"])
    # "1 February every year" restates the rule: Saturday 1 February 2025 moves to Monday.
    assert spring.deadlines == [end_of(2025, 2, 3, BRUSSELS)]
    assert spring.extra["deadline_from"] == "rule"
    assert autumn.deadlines == [end_of(2025, 10, 1, BRUSSELS)] and autumn.extra["round"] == "autumn"


def test_nordplus_programme_page_without_dates(monkeypatch):
    at(monkeypatch, "2023-11-01T08:00:00+00:00")
    [item] = nordplus_items("nordplus_programmes_junior.text.txt")
    assert item.extra["page_title"] == "Nordplus Junior"
    assert item.deadlines == [end_of(2024, 2, 1, BRUSSELS)] and item.extra["deadline_from"] == "rule"


def round_2017() -> list:
    source = make_source("nordplus", "https://nordplusonline.org/news/2017/", language="en",
                         programme="Nordplus Adult")
    body = (b"<html><main><h1>Application round 2017</h1><p>The deadline for applications is "
            b"March 1st 2017.</p></main></html>")  # constructed around the wording
    return source.check_items(source.parse(body, url=source.url))


def test_nordplus_stated_date_beats_the_rule_whatever_the_distance(monkeypatch):
    at(monkeypatch, "2016-12-01T08:00:00+00:00")
    [item] = round_2017()
    assert item.deadlines == [end_of(2017, 3, 1)] and item.native_id == "nordplus-adult-2017-02-01"


# ----------------------------------------------------------------------------- Tillväxtverket
def test_tillvaxtverket_closed_call_and_a_changed_opening(monkeypatch):
    now = at(monkeypatch, "2024-03-20T08:00:00+00:00")
    [item] = page("page", "tillvaxtverket_utlysning_5700_kompetensforsorjning-skane-blekinge"
                  ".text.txt", "https://tillvaxtverket.se/5700.html", language="sv")
    assert item.title == "Stärk företags kompetensförsörjning och främja entreprenörskap"
    assert item.deadlines == [end_of(2024, 3, 19)]  # "Stängd 19 mars 2024"
    # "öppningsdatum ändrat till 13 februari" is an opening (the year from 2023-12-15 before it)
    assert item.opens == datetime(2024, 2, 13, tzinfo=STHLM)
    assert item.resolved(now).status == CLOSED


def test_tillvaxtverket_opening_only(monkeypatch):
    now = at(monkeypatch, "2024-08-01T08:00:00+00:00")
    [item] = page("page", "tillvaxtverket_utlysning_7085_cirkular-ekonomi-ovre-norrland.text.txt",
                  "https://tillvaxtverket.se/7085.html", language="sv")
    assert item.opens == datetime(2024, 8, 12, tzinfo=STHLM) and item.deadlines == []
    assert item.resolved(now).status == FORTHCOMING


# ---------------------------------------------------------------------------------------- UHR
def test_uhr_two_deadlines_of_a_named_year(monkeypatch):
    at(monkeypatch, TODAY)  # the year is on the page: reading it late changes nothing
    [item] = page("page", "uhr_nordplus-forberedande-besok.text.txt",
                  "https://uhr.se/nordplus-forberedande-besok/", language="sv",
                  page_date="2023-11-15")
    assert item.deadlines == [end_of(2024, 2, 1), end_of(2024, 10, 1)]
    assert item.extra["page_date"] == "2023-11-14T23:00:00+00:00"


def test_uhr_programme_not_open_now(monkeypatch):
    now = at(monkeypatch, "2024-03-01T08:00:00+00:00")
    [item] = page("page", "uhr_atlas-konferens.text.txt", "https://uhr.se/atlas-konferens/",
                  language="sv")
    assert item.deadlines == [] and item.opens is None
    assert item.status == CLOSED and item.resolved(now).status == CLOSED
    assert item.extra["status_text"].startswith("Just nu går det inte att ansöka")


def test_every_text_copy_is_read_by_a_test():
    names = {p.name for p in path("").iterdir() if p.suffix in (".txt", ".json", ".html")}
    here = Path(__file__).parent
    source = "".join((here / f).read_text(encoding="utf-8")
                     for f in ("test_real_calls.py", "test_real_legislation.py"))
    assert not [n for n in names if n.split(".")[0] not in source], "unused genuine file"


def test_a_page_without_a_date_in_its_markup_is_anchored_by_its_text(monkeypatch):
    at(monkeypatch, TODAY)
    source = make_source("page", "https://example.se/utlysning/", language="sv")
    body = ("<html><main><h1>Utlysning</h1><p>Publicerad 3 september 2021</p><p>Ansökningsperioden "
            "sträcker sig till 20 oktober.</p></main></html>").encode()  # constructed
    [item] = source.check_items(source.parse(body, url=source.url))
    assert item.deadlines == [end_of(2021, 10, 20)]
    assert item.extra["page_date"] == "2021-09-02T22:00:00+00:00"


def test_nordplus_a_later_stated_round_stays_open_after_the_rule_date(monkeypatch):
    # 15 February 2017: past the rule's 1 February, before the stated 1 March.
    at(monkeypatch, "2017-02-15T08:00:00+00:00")
    [item] = round_2017()
    assert item.deadlines == [end_of(2017, 3, 1)] and item.extra["deadline_from"] == "page text"
    at(monkeypatch, "2017-03-05T08:00:00+00:00")  # that round is over: the next one by the rule
    [item] = round_2017()
    assert item.deadlines == [end_of(2018, 2, 1, BRUSSELS)] and item.extra["deadline_from"] == "rule"
