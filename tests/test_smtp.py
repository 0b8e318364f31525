"""The SMTP channel against a real local server with STARTTLS, implicit TLS and a login."""

from __future__ import annotations

import ssl

import pytest

from monitor.digests.dispatch import send_digests
from tests.conftest import NOW
from tests.mailfixtures import Collector, mail_env, seeded, self_signed, smtp_port  # noqa: F401


@pytest.fixture
def tls(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """A server context for 127.0.0.1; clients trust it through SSL_CERT_FILE."""
    key, cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _authenticator(server, session, envelope, mechanism, data):  # noqa: ANN001, ANN202
    from aiosmtpd.smtp import AuthResult, LoginPassword
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"monitor", b"hemligt")
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def _server(port: int, **tls_options):  # noqa: ANN003, ANN202
    from aiosmtpd.controller import Controller
    handler = Collector()
    return handler, Controller(handler, hostname="127.0.0.1", port=port, **tls_options)


def test_starttls_with_login(config, seeded, smtp_port, tls, monkeypatch):  # noqa: ANN001, F811
    monkeypatch.setenv("MONITOR_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("MONITOR_SMTP_USER", "monitor")
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "fel")
    handler, controller = _server(smtp_port, tls_context=tls, require_starttls=True,
                                  authenticator=_authenticator, auth_required=True,
                                  auth_require_tls=True)
    controller.start()
    try:
        refused = send_digests(config, seeded, now=NOW, committee="bun")
        assert [o.state for o in refused] == ["pending"]
        assert "SMTPAuthenticationError" in refused[0].error
        monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "hemligt")
        accepted = send_digests(config, seeded, now=NOW, committee="bun")
    finally:
        controller.stop()
    assert [o.state for o in accepted] == ["sent"]
    assert [e.rcpt_tos for e in handler.envelopes] == [["barn.utbildning@tyreso.se"]]
    assert handler.envelopes[0].mail_from == "omvarldsbevakning@tyreso.se"


def test_implicit_tls(config, seeded, smtp_port, tls, monkeypatch):  # noqa: ANN001, F811
    monkeypatch.setenv("MONITOR_SMTP_SECURITY", "ssl")
    handler, controller = _server(smtp_port, ssl_context=tls)
    controller.start()
    try:
        outcomes = send_digests(config, seeded, now=NOW, committee="gvn")
    finally:
        controller.stop()
    assert [o.state for o in outcomes] == ["sent"] and len(handler.envelopes) == 1


def test_untrusted_certificate_is_refused(config, seeded, smtp_port, tls, monkeypatch,  # noqa: ANN001, F811
                                          tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("SSL_CERT_FILE", str(self_signed(other)[1]))  # trusts another cert
    monkeypatch.setenv("MONITOR_SMTP_SECURITY", "starttls")
    handler, controller = _server(smtp_port, tls_context=tls, require_starttls=True)
    controller.start()
    try:
        outcomes = send_digests(config, seeded, now=NOW, committee="bun")
    finally:
        controller.stop()
    assert [o.state for o in outcomes] == ["pending"] and "CERTIFICATE_VERIFY_FAILED" in (
        outcomes[0].error)
    assert handler.envelopes == []
