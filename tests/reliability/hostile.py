"""Hostile inputs for the reliability suite: script-injection payloads, replay folders, and a
check of produced HTML that parses it (lxml) instead of searching for substrings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

# Markup that would run script if it reached HTML unescaped (case, entity, nesting and
# quoting tricks), and text that breaks out of an attribute value.
MARKUP = [
    "<script>alert(1)</script>",
    "<ScRiPt >alert(1)</sCrIpT >",
    "<script src=//evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=javascript:alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "` onmouseover=alert(1) `",
    '<a href="javascript:alert(1)">klicka</a>',
    '<a href="JaVaScRiPt:alert(1)">klicka</a>',
    '<a href="&#106;avascript:alert(1)">klicka</a>',
    '<a href="java&#x09;script:alert(1)">klicka</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<body onload=alert(1)>",
    '<div style="width: expression(alert(1))">x</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<details open ontoggle=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<<script>>alert(1)<</script>>",
    "{{ config }} {% for x in range(9) %}x{% endfor %}",
    "</title></head><body><script>alert(1)</script>",
    "</p></td></tr></table><script>alert(1)</script>",
    '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
]

# Links that are not plain http(s), with case, whitespace, entity and encoding tricks.
LINKS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,x",
    "file:///etc/passwd",
    "//evil.example/x",
    'https://example.org/" onmouseover="alert(1)',
    "https://example.org/'><script>alert(1)</script>",
    "https://example.org/<script>",
    "http://example.org/x?a=<img src=x onerror=alert(1)>",
    "https:javascript:alert(1)",
    "https://example.org/\u2028javascript:alert(1)",
    "mailto:x@example.org",
    "about:blank",
    "\x00javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
]


def payloads(n: int = 200) -> list[dict[str, str]]:
    """``n`` combinations: markup in the title, summary and programme, a bad link."""
    return [{"title": f"{MARKUP[i % len(MARKUP)]} {i}",
             "summary": MARKUP[(i + 7) % len(MARKUP)],
             "programme": MARKUP[(i + 13) % len(MARKUP)],
             "link": LINKS[i % len(LINKS)]} for i in range(n)]


def write_replay(folder: Path, source: str, responses: list[tuple[str, str, bytes, str]],
                 ) -> Path:
    """A replay folder answering ``source``'s requests with ``(method, url, body, type)``."""
    target = folder / source
    target.mkdir(parents=True, exist_ok=True)
    index = []
    for n, (method, url, body, content_type) in enumerate(responses, start=1):
        name = f"{n:03d}.body"
        (target / name).write_bytes(body)
        index.append({"method": method, "url": url, "status": 200,
                      "content_type": content_type, "file": name})
    (target / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return folder


LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster",
                   "data", "srcset", "cite", "longdesc", "ping"}


def template_vocabulary(folder: Path) -> tuple[set[str], set[str], set[str]]:
    """The tags, attribute names and style values written in the HTML templates in
    ``folder``: all that a rendering may contain (the templates put no markup in values)."""
    tags, attributes, styles = {"html", "head", "body"}, set(), set()
    for path in sorted(folder.glob("*.htm*")):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", text):
            tags.add(tag.lower())
        for markup in re.findall(r"<[a-zA-Z][^>]*>", text):
            attributes.update(n.lower() for n in re.findall(r"\s([a-zA-Z:-]+)=\"", markup))
        styles.update(re.findall(r'style="([^"{}]*)"', text))
    return tags, attributes, styles


def unsafe_html(html: str, *, tags: set[str], attributes: set[str],
                styles: set[str]) -> list[str]:
    """What in ``html`` could run script or lead anywhere but http(s): elements and
    attributes the templates never make, event handlers, styles not from the templates,
    links other than absolute http(s) (or to an anchor in the page). Empty when the page is
    safe."""
    problems = []
    for element in lxml.html.document_fromstring(html).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag not in tags:
            problems.append(f"element <{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name not in attributes:
                problems.append(f"attribute {name}={value!r} on <{tag}>")
            elif name == "style" and value not in styles:
                problems.append(f"style {value!r} on <{tag}>")
            elif name in LINK_ATTRIBUTES and not re.fullmatch(r"#[\w-]+", value):
                parts = urlsplit(value.strip())
                if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
                        c.isspace() or c in "\"'<>" or ord(c) < 32 for c in value):
                    problems.append(f"link {name}={value!r} on <{tag}>")
    return problems
