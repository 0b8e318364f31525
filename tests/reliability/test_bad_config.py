"""Every kind of mistake a coordinator can make in the configuration files: one clear message
naming the file and the key (or line), exit status 2, and nothing written anywhere.

Each case edits one shipped file of a fresh copy of ``config/`` and runs ``monitor run
--replay`` (the command that writes the most: the database, the outbox) in Swedish and in
English. In Swedish no database exists yet and none may be created; in English a database
exists and must stay byte for byte and mtime for mtime as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from monitor.app import load_config, open_store
from monitor.config.settings import database_path
from monitor.pipeline.ingest import poll
from tests.conftest import NOW, REPLAY
from tests.hermetic import replaced

APPEND = ""  # an edit with this "old" text appends "new" at the end of the file

# (file, old text, new text, what the message must name besides the file)
CASES = [
    # settings.toml
    ("settings.toml", 'language = "sv"', 'language = "sv', "line 11"),
    ("settings.toml", "max_redirects = 5", "max_redirect = 5", "http.max_redirect"),
    ("settings.toml", APPEND, "[mial]\ntransport = \"smtp\"\n", "mial"),
    ("settings.toml", "max_body_bytes = 20971520", 'max_body_bytes = "20 MB"',
     "http.max_body_bytes"),
    ("settings.toml", "retries = 3", "retries = 3.5", "http.retries"),
    ("settings.toml", "timeout = 30.0", "timeout = -1.0", "http.timeout"),
    ("settings.toml", 'timezone = "Europe/Stockholm"', 'timezone = "Europe/Tyreso"', "timezone"),
    ("settings.toml", 'language = "sv"', 'language = "fi"', "language"),
    ("settings.toml", 'from = "omvarldsbevakning@tyreso.se"', 'from = "omvarldsbevakning"',
     "mail.from"),
    ("settings.toml", 'admin = "kommunstyrelseforvaltningen@tyreso.se"',
     'admin = "Kommunstyrelsen <ks@tyreso.se>"', "mail.admin"),
    ("settings.toml", 'transport = "outbox"', 'transport = "email"', "mail.transport"),
    ("settings.toml", "smtp_port = 587", "smtp_port = 70000", "mail.smtp_port"),
    ("settings.toml", "reminder_days = [14, 3]", 'reminder_days = [14, "3"]',
     "digest.reminder_days"),
    ("settings.toml", "send_empty = false", 'send_empty = "no"', "digest.send_empty"),
    ("settings.toml", 'digests = "0 7 * * mon"', 'digests = "0 7 * * monday-ish"',
     "schedule.digests"),
    ("settings.toml", 'poll = "0 */6 * * *"', 'poll = "0 */6 * *"', "schedule.poll"),
    ("settings.toml", 'daily_digests = "0 7 * * *"', 'daily_digests = "0 7 * * 1"',
     "schedule.daily_digests"),
    ("settings.toml", 'reminders = "0 7 * * *"', 'reminders = "61 7 * * *"',
     "schedule.reminders"),
    # sources.toml
    ("sources.toml", 'kind = "sedia"', 'kind = "sedai"', "source[1] (eu-funding).kind"),
    ("sources.toml", 'url = "https://api.tech', 'url = "file:///etc/passwd#', "source[1] (eu-funding).url"),
    ("sources.toml", 'url = "https://api.tech', 'url = "/var/feeds/x.xml#',
     "source[1] (eu-funding).url"),
    ("sources.toml", 'url = "https://api.tech', 'url = "ftp://api.tech',
     "source[1] (eu-funding).url"),
    ("sources.toml", "page_size = 100", "page_size = 100\ncolour = \"blue\"",
     "source[1] (eu-funding).colour"),
    ("sources.toml", "page_size = 100", 'page_size = "100"', "source[1] (eu-funding).page_size"),
    ("sources.toml", "enabled = true", 'enabled = "yes"', "source[1] (eu-funding).enabled"),
    ("sources.toml", "page_size = 100", 'page_size = 100\nallowed_hosts = "ec.europa.eu"',
     "source[1] (eu-funding).allowed_hosts"),
    ("sources.toml", APPEND, '\n[[source]]\nname = "eu-funding"\nkind = "sedia"\n'
                             'url = "https://example.org/search"\n', "(eu-funding).name"),
    ("sources.toml", APPEND, '\n[[source]]\nname = "Region Stockholm"\nkind = "sedia"\n'
                             'url = "https://example.org/search"\n', "(Region Stockholm).name"),
    ("sources.toml", APPEND, '\n[[source]]\nname = "no-url"\nkind = "sedia"\n',
     "(no-url).url"),
    ("sources.toml", "\n[[source]]\n", "\n[source]\n", "source"),
    # committees.toml
    ("committees.toml", 'email = "bygglov@tyreso.se"', 'email = "bygglov at tyreso.se"',
     "committee.bn.email"),
    ("committees.toml", 'email = "barn.utbildning@tyreso.se"',
     'email = "barn.utbildning@tyreso.se, kansli@tyreso.se"', "committee.bun.email"),
    ("committees.toml", 'covers = "Bygglov', 'cover = "Bygglov', "committee.bn.cover"),
    ("committees.toml", "[committee.bn]", "[committee.Byggnadsnamnden]",
     "committee.Byggnadsnamnden"),
    ("committees.toml", 'name = "Byggnadsnämnden"', "name = 7", "committee.bn.name"),
    ("committees.toml", 'email = "bygglov@tyreso.se"\n', "", "committee.bn.email"),
    ("committees.toml", APPEND, '\n[committee.bn]\nname = "Igen"\nemail = "a@tyreso.se"\n',
     "line"),
    # priorities.toml
    ("priorities.toml", 'name = "Barn och unga"', 'namn = "Barn och unga"',
     "priority.barn-och-unga.namn"),
    ("priorities.toml", 'name = "Omvärldsbevakning"', "name = [\"Omvärldsbevakning\"]",
     "priority.omvarldsbevakning.name"),
    ("priorities.toml", APPEND, "\n[prioritet.ny]\nname = \"Ny\"\n", "prioritet"),
    # matching.toml
    ("matching.toml", "[terms.bn]", "[terms.bygg]", "terms.bygg"),
    ("matching.toml", "committees = { gvn = 4 }", "committees = { vux = 4 }",
     "committees.vux"),
    ("matching.toml", "threshold = 3.0", 'threshold = "3"', "scoring.threshold"),
    ("matching.toml", 'sv.medium = ["anmälningsplikt"', 'sv.mediun = ["anmälningsplikt"',
     "terms.bn.sv.mediun"),
    ("matching.toml", 'youth = "with-staff"', 'youth = "always"', "youth"),
    ("matching.toml", 'fields = ["title", "programme"]\nunless', 'fields = ["titel"]\nunless',
     "fields"),
    ("matching.toml", 'match = ["nordplus junior"]', 'match = []', "match"),
    ("matching.toml", 'match = ["nordplus junior"]', 'match = ["nordplus j*"]', "match"),
    ("matching.toml", "[scoring]", "[scoring]\ncutoff = 1", "scoring.cutoff"),
    ("matching.toml", "[scoring]", "[scoring\n", "line"),
    # meetings.toml
    ("meetings.toml", 'board = "ks"', 'board = "kommunstyrelsen"', "board"),
    ("meetings.toml", "[committee.bn]", "[committee.byggnad]", "committee.byggnad"),
    ("meetings.toml", "submission_days = 14", "submission_days = -14", "submission_days"),
    ("meetings.toml", "submission_days = 21", "submission_dayz = 21",
     "committee.ks.submission_dayz"),
    ("meetings.toml", "2026-01-05, ", '"5 januari", ', "committee.bn.dates"),
    ("meetings.toml", "2026-01-05, ", "2026-01-32, ", "line"),
    ("meetings.toml", "submission_days = 21", 'submission_days = 21\nics = "ks-2027.ics"',
     "committee.ks.ics"),
]

LANGS = {"sv": "Fel i konfigurationen", "en": "Configuration error"}


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``folder`` except the configuration: size, mtime and content hash."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "config" not in path.relative_to(folder).parts:
            out[str(path.relative_to(folder))] = (path.stat().st_size, path.stat().st_mtime_ns,
                                                  hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def edit(config_dir: Path, file: str, old: str, new: str) -> None:
    path = config_dir / file
    text = path.read_text(encoding="utf-8")
    if old == APPEND:
        text += new
    else:
        text = replaced(text, old, new, 1)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("lang", sorted(LANGS))
@pytest.mark.parametrize("file, old, new, key", CASES,
                         ids=[f"{c[0]}:{c[3]}" for c in CASES])
def test_config_mistake_is_named_exits_2_and_writes_nothing(  # noqa: PLR0913
        file, old, new, key, lang, cli, config_dir, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.chdir(tmp_path)  # relative paths (the outbox) would land in the snapshot
    monkeypatch.delenv("MONITOR_OUTBOX", raising=False)
    database = database_path(load_config(config_dir))
    if lang == "en":  # a database with content that must stay untouched
        with open_store(database) as store:
            poll(load_config(config_dir), store, replay=REPLAY, now=NOW)
    before = snapshot(tmp_path)
    assert database.exists() == (lang == "en")
    edit(config_dir, file, old, new)
    result = cli("run", "--replay", str(REPLAY), lang=lang)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output  # one message, not a traceback
    assert lines[0].startswith(LANGS[lang] + ": ")
    assert str(config_dir / file) in lines[0] and key in lines[0], lines[0]
    assert snapshot(tmp_path) == before


def test_every_shipped_file_has_cases() -> None:
    shipped = {p.name for p in (Path(__file__).parents[2] / "config").glob("*.toml")}
    assert shipped == {c[0] for c in CASES}
