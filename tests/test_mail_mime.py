"""monitor.mail.mime against the email package: the transfer encoding chosen by its rules,
the same headers and structure, every part decoding to the exact text, valid RFC 2045
quoted-printable (lines of at most 76 characters), and the same bytes from the generator."""

from __future__ import annotations

import binascii
import random
import re
from datetime import datetime, timezone
from email import policy, quoprimime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.parser import BytesParser
from io import BytesIO

import pytest

from monitor.mail import mime
from monitor.mail.message import MailSettings, build_message, message_bytes
from monitor.mail.mime import QP_LINE, TEXT_PARTS, Message, quoted_printable, transfer_encoding

# a line of valid quoted-printable: printable ASCII but '=', inner spaces and tabs, =XX
# escapes, and at most a soft line break ('=') at the end; never whitespace at the end
QP_LINE_RE = re.compile(r"(?:[!-<>-~]|[ \t](?=.)|=[0-9A-F]{2})*=?")

AWKWARD = [
    ".", "..", ". ", ".hidden start", "From the funder", ">From quoted", "-- ", "a=b", "=",
    "==3D", "=\t", "x" * 300, "å" * 200, "ä" * 38 + " ", "trailing spaces   ", "tab\t",
    "\x00nul", "\x0bvertical\x0cform", "del\x7f", "\u2028separator", "\u200bzero width",
    "emoji 🎉 and Chinese 资金", "€ – ” ’ é", "soft=\nbreak", "x" * 75 + " ", "x" * 76 + " ",
    "x" * 74 + "\t", "x" * 73 + "=", "x" * 74 + "å", "x" * 75 + "å", "ö" * 25 + " " * 3,
]


def lines_of(texts: list[str]) -> str:
    return "\n".join(texts) + "\n"


def random_text(rng: random.Random) -> str:
    """Lines around the wrapping widths of quoted-printable, of characters that need care."""
    alphabet = "ab .=\tåä–€\x00\x7fFrom" + "x" * 10
    lines = []
    for _ in range(rng.randint(1, 5)):
        line = "".join(rng.choice(alphabet) for _ in range(rng.choice(
            (0, 1, 24, 25, 37, 38, 70, 73, 74, 75, 76, 77, 78, 150, 151, 152))))
        lines.append(line + rng.choice(("", "", " ", "\t", "  ")))
    return lines_of(lines)


def check_quoted_printable(encoded: str, raw: bytes) -> None:
    assert encoded.isascii()
    for line in encoded.split("\n"):
        assert len(line) <= QP_LINE, line
        assert QP_LINE_RE.fullmatch(line), line
    assert binascii.a2b_qp(encoded.encode("ascii")) == raw


CORPUS = [lines_of(AWKWARD), *(lines_of([s]) for s in AWKWARD),
          *(random_text(random.Random(seed)) for seed in range(400))]


@pytest.mark.parametrize("text", CORPUS[:40] + [lines_of(CORPUS[40:])])
def test_quoted_printable_decodes_to_the_text_in_lines_of_76(text):
    raw = b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
    check_quoted_printable(quoted_printable(raw), raw)


def test_a_line_the_c_encoder_writes_too_long_is_written_by_the_email_package():
    # whitespace at the end of a full line: binascii protects it as =20 past column 76
    raw = ("x" * 75 + " \n").encode()
    assert max(len(line) for line in binascii.b2a_qp(raw, istext=True).split(b"\n")) > 76
    assert quoted_printable(raw) == quoprimime.body_encode(raw.decode("latin-1"), 76)
    check_quoted_printable(quoted_printable(raw), raw)


def lf(text: str) -> str:
    """Line ends as a reader sees them (the email package's base64 keeps CRLF inside)."""
    return text.replace("\r\n", "\n")


def read(data: bytes) -> EmailMessage:
    """The message as a mail client reads it (line ends as a reader sees them)."""
    return BytesParser(policy=policy.default).parsebytes(data.replace(b"\r\n", b"\n"))


def stdlib_part(text: str, subtype: str = "plain") -> EmailMessage:
    part = EmailMessage(policy=policy.SMTP)
    part.set_content(text, subtype=subtype, charset="utf-8")
    return part


def fast_part(text: str, subtype: str = "plain") -> Message:
    part = Message(policy=policy.SMTP)
    part.set_content(text, subtype=subtype, charset="utf-8", content_manager=TEXT_PARTS)
    return part


@pytest.mark.parametrize("text,expected", [
    ("short ascii\n", "7bit"), ("kort på svenska\n", "8bit"),
    (lines_of(["Ansökan om bidrag till förskolor och skolor " * 4] * 12), "quoted-printable"),
    (lines_of(["資金申請" * 30] * 12), "base64"), (lines_of(AWKWARD), "quoted-printable"),
    ("x" * 100 + "\n", "quoted-printable"),
])
def test_the_encoding_and_headers_are_the_email_packages(text, expected):
    ours, theirs = fast_part(text), stdlib_part(text)
    body = b"\n".join(text.encode().splitlines()) + b"\n"
    assert transfer_encoding(body, policy.SMTP) == expected == theirs["Content-Transfer-Encoding"]
    assert list(ours.items()) == list(theirs.items())
    assert ours.get_content() == theirs.get_content()
    assert lf(ours.get_content()) == text


@pytest.mark.parametrize("text", CORPUS[:60])
def test_every_part_reads_back_as_the_email_package_writes_it(text):
    ours, theirs = fast_part(text, "html"), stdlib_part(text, "html")
    back = read(message_bytes(ours))
    assert list(ours.items()) == list(theirs.items())
    assert lf(back.get_content()) == lf(theirs.get_content()) == text


def test_a_digest_like_message_has_the_email_packages_structure_and_text(monkeypatch):
    text = lines_of(["Omvärldsbevakning vecka 47: Barn- och utbildningsnämnden", *AWKWARD] * 40)
    html = lines_of(['<p style="margin:0;color:#333333;">' + s + "</p>" for s in AWKWARD] * 40)

    def build() -> EmailMessage:
        return build_message(MailSettings(), to=["mottagare@tyreso.se"], subject="Vecka 47: åäö",
                             text=text, html=html, key="digest:bun:2026-W47",
                             date=datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc))

    message = build()
    with monkeypatch.context() as patched:  # the same message from the email package alone
        patched.setattr(mime, "Message", EmailMessage)
        patched.setattr(mime, "TEXT_PARTS", policy.SMTP.content_manager)
        theirs = build()
    ours_back, theirs_back = read(message_bytes(message)), read(message_bytes(theirs))
    assert type(theirs) is EmailMessage and isinstance(message, mime.Message)
    for back in (ours_back, theirs_back):  # (the boundaries are random)
        back.set_boundary("boundary")
    assert list(ours_back.items()) == list(theirs_back.items())
    assert ours_back.get_content_type() == "multipart/alternative"
    ours_parts, theirs_parts = list(ours_back.iter_parts()), list(theirs_back.iter_parts())
    assert [list(p.items()) for p in ours_parts] == [list(p.items()) for p in theirs_parts]
    assert [p.get_content_type() for p in ours_parts] == ["text/plain", "text/html"]
    assert [p["Content-Transfer-Encoding"] for p in ours_parts] == ["quoted-printable"] * 2
    assert [p.get_content() for p in ours_parts] == [p.get_content() for p in theirs_parts] \
        == [text, html]
    body = message_bytes(message).split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= QP_LINE
    # (the email package of 3.11 wraps quoted-printable at the policy's 78, past RFC 2045's 76)


def test_the_generator_writes_the_email_packages_bytes():
    message = Message(policy=policy.SMTP)
    message["Subject"] = "Åtta rader"
    message.set_content(lines_of(AWKWARD * 3), content_manager=TEXT_PARTS)
    message.add_alternative("<p>" + "å" * 100 + "</p>\n", subtype="html",
                            content_manager=TEXT_PARTS)
    message.add_attachment(b"\x00\x01 binary\r\nbytes", maintype="application",
                           subtype="octet-stream", filename="x.bin")
    ours = message.as_bytes()  # (sets the boundaries, so both write the same ones)
    for chosen in (policy.SMTP, policy.default):
        out = BytesIO()
        BytesGenerator(out, mangle_from_=False, policy=chosen).flatten(message)
        assert message.as_bytes(policy=chosen) == out.getvalue()
    assert bytes(message) == ours and b"\r\n" in ours


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "a\n\n", "a\r\nb", "a\rb\n", "ä\r",
                                  "\r\n\r\n", "x" * 90 + "\rå" * 50])
def test_lines_end_as_the_email_package_ends_them(text):
    assert mime._lines(text, "utf-8") == b"\n".join(text.encode().splitlines()) + b"\n"
    ours, theirs = fast_part(text), stdlib_part(text)
    assert list(ours.items()) == list(theirs.items())
    assert lf(read(message_bytes(ours)).get_content()) == lf(theirs.get_content())


def test_a_link_refuses_what_the_unicode_categories_say():
    """safe_href's pattern: exactly the control characters, line and paragraph separators,
    space, quote and angle brackets (every character of the Basic Multilingual Plane)."""
    import unicodedata

    from monitor.mail.message import safe_href

    for char in map(chr, range(0x10000)):
        refused = unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in ' "<>'
        assert (safe_href(f"https://example.org/a{char}b") is None) is refused, hex(ord(char))
