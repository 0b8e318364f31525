"""``[web] base_url``: the digest footer links the committee's page and feeds."""

from __future__ import annotations

import pytest

from monitor.app import load_config
from monitor.digests.dispatch import send_digests
from monitor.errors import ConfigError
from monitor.web.links import web_links
from tests.conftest import NOW
from tests.hermetic import edit_file
from tests.mailfixtures import mail_env, outbox_messages, seeded  # noqa: F401 - fixtures

BASE = "https://omvarld.intranat.example.org/"


def _with_base_url(config_dir, value: str):  # noqa: ANN001, ANN202
    edit_file(config_dir / "settings.toml", ('base_url = ""', f"base_url = {value!r}"))
    return load_config(config_dir)


def test_links_only_with_a_base_url(config, config_dir):  # noqa: ANN001
    assert web_links(config, "bun") is None
    configured = _with_base_url(config_dir, BASE)
    assert web_links(configured, "bun") == {
        "page": "https://omvarld.intranat.example.org/committees/bun",
        "ics": "https://omvarld.intranat.example.org/feeds/bun.ics",
        "atom": "https://omvarld.intranat.example.org/feeds/bun.atom"}
    assert web_links(configured, "all")["page"] == "https://omvarld.intranat.example.org/"


def test_a_base_url_that_is_no_http_address_is_refused(config_dir):  # noqa: ANN001
    with pytest.raises(ConfigError, match="base_url.*must be an http:// or https:// URL"):
        _with_base_url(config_dir, "javascript:alert(1)")


def test_digest_footer_links_the_committee_page_and_feeds(config_dir, seeded, mail_env):  # noqa: ANN001, F811
    plain = send_digests(load_config(config_dir), seeded, now=NOW, committee="bun")
    assert [o.state for o in plain] == ["sent"]
    before = outbox_messages(mail_env)
    body = next(iter(before.values())).get_body(preferencelist=("plain",)).get_content()
    assert "/feeds/" not in body
    for path in mail_env.iterdir():
        path.unlink()
    config = _with_base_url(config_dir, BASE)
    seeded.conn.execute("DELETE FROM deliveries")
    sent = send_digests(config, seeded, now=NOW, committee="bun")
    assert [o.state for o in sent] == ["sent"]
    message = next(iter(outbox_messages(mail_env).values()))
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "På intranätet: https://omvarld.intranat.example.org/committees/bun" in text
    assert "kalender: https://omvarld.intranat.example.org/feeds/bun.ics" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'href="https://omvarld.intranat.example.org/feeds/bun.atom"' in html
