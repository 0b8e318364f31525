"""Text parts and message bytes made fast, the same for the reader as the email package's.

A week's digests are megabytes of text and HTML. The email package (3.11) quoted-printable
encodes them in Python (``quoprimime.body_encode``) and its generator writes every line in
two calls; here:

- :data:`TEXT_PARTS`, a content manager for ``set_content(text, subtype=..., charset=...,
  content_manager=TEXT_PARTS)``: it chooses the transfer encoding exactly as the email
  package does (7bit, 8bit, quoted-printable or base64, by its rules) and writes the same
  headers in the same order; quoted-printable comes from the C encoder
  (:func:`quoted_printable`), with lines of at most 76 characters as RFC 2045 requires (the
  email package wraps at the policy's 78). The bytes differ, the decoded text does not.
- :class:`Message`, an ``EmailMessage`` whose bytes (``as_bytes``, ``bytes()``) come from
  a generator that writes a part's lines in one call: the same bytes as ``BytesGenerator``.

tests/test_mail_mime.py holds both to the email package: the same decoded parts, headers
and structure, the same bytes from the generator, valid quoted-printable.
"""

from __future__ import annotations

import binascii
import email.charset
import re
from email import contentmanager, quoprimime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import Policy
from io import BytesIO
from typing import Any

__all__ = ["Message", "TEXT_PARTS", "quoted_printable", "transfer_encoding", "QP_LINE"]

#: RFC 2045: encoded lines are at most 76 characters long
QP_LINE = 76

_NEWLINES = re.compile(r"\r\n|\r|\n")  # the generator's NLCRE


def quoted_printable(body: bytes) -> str:
    """``body`` (lines ending in ``\\n``) quoted-printable encoded, with ``\\n`` line ends
    and lines of at most :data:`QP_LINE` characters.

    ``binascii.b2a_qp`` (C) encodes it; where it would leave a line longer than RFC 2045
    allows (it protects whitespace at the end of a line after counting the line full), the
    email package's encoder writes the whole body instead."""
    encoded = binascii.b2a_qp(body, istext=True)
    if max(map(len, encoded.split(b"\n"))) > QP_LINE:
        return quoprimime.body_encode(body.decode("latin-1"), QP_LINE)
    return encoded.decode("ascii")


def transfer_encoding(body: bytes, policy: Policy) -> str:
    """The Content-Transfer-Encoding the email package chooses for a text part whose encoded
    lines are ``body`` (each ending in ``\\n``): ``email.contentmanager._encode_text`` with
    no ``cte``, without making a list of the lines."""
    if max(map(len, body.split(b"\n"))) <= policy.max_line_length:
        if body.isascii():
            return "7bit"
        if policy.cte_type == "8bit":
            return "8bit"
    linesep = policy.linesep.encode("ascii")
    sniff = linesep.join(body[:-1].split(b"\n", 10)[:10]) + linesep
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), policy.max_line_length)
    return "base64" if len(sniff_qp) > len(binascii.b2a_base64(sniff)) else "quoted-printable"


def _lines(text: str, charset: str) -> bytes:
    """``text`` encoded, each line ending in ``\\n``: the email package's
    ``b"\\n".join(text.encode(charset).splitlines()) + b"\\n"``."""
    raw = text.encode(charset)
    if b"\r" in raw:  # (bytes.splitlines breaks lines at CR and CRLF too)
        return b"\n".join(raw.splitlines()) + b"\n"
    return raw if raw.endswith(b"\n") else raw + b"\n"


def _set_text(msg: EmailMessage, text: str, subtype: str = "plain",
              charset: str = "utf-8") -> None:
    """``email.contentmanager.set_text_content`` with quoted-printable made fast."""
    body = _lines(text, charset)
    if transfer_encoding(body, msg.policy) != "quoted-printable":
        contentmanager.set_text_content(msg, text, subtype, charset)
        return
    msg["Content-Type"] = f"text/{subtype}"
    msg.set_payload(quoted_printable(body))
    msg.set_param("charset", email.charset.ALIASES.get(charset, charset), replace=True)
    msg["Content-Transfer-Encoding"] = "quoted-printable"


TEXT_PARTS = contentmanager.ContentManager()
TEXT_PARTS.add_set_handler(str, _set_text)


class _Generator(BytesGenerator):
    """``BytesGenerator`` writing a part's lines in one call (the same bytes)."""

    def _write_lines(self, lines: str) -> None:
        if not lines:
            return
        if "\r" in lines:  # (never in a part made by TEXT_PARTS)
            self.write(self._NL.join(_NEWLINES.split(lines)))
        else:
            self.write(lines.replace("\n", self._NL))


class Message(EmailMessage):
    """An ``EmailMessage`` whose bytes are written by :class:`_Generator`."""

    def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
        out = BytesIO()
        _Generator(out, mangle_from_=False, policy=self.policy if policy is None else policy
                   ).flatten(self, unixfrom=unixfrom)
        return out.getvalue()

    def __bytes__(self) -> bytes:
        return self.as_bytes()
