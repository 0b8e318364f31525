"""What a reader is told about one item in a mail, in plain words: the summary's opening,
every deadline with what it is for, the amount, who may apply, the region, and why it was
chosen ("Matchade: skola, förskola · programmet Erasmus+ skolutbildning").

The matchers' evidence is written for developers (``term "skola" in title as "skolutbildning"
(+3)``, ``programme Erasmus+ school education → bun (+3)``); mail shows only the words and the
programme behind it. The full evidence, with scores, stays in ``monitor show``.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from monitor.model import LEGISLATION, from_iso
from monitor.store.rows import StoredItem
from monitor.text.i18n import add_messages, t
from monitor.text.when import prose, prose_dates_in, shown

__all__ = ["plain_why", "summary_opening", "deadline_lines", "amount_text", "who_may_apply",
           "regions_text", "matched_words"]

add_messages({
    "why.matched": {"sv": "Matchade: {words}", "en": "Matched: {words}"},
    "why.programme": {"sv": "programmet {name}", "en": "the programme {name}"},
    "why.code": {"sv": "källans klassning {names}", "en": "the source's classification {names}"},
    "why.priorities": {"sv": "prioriterat område: {names}", "en": "priority area: {names}"},
    "why.tagged": {"sv": "hör till {name}", "en": "belongs to {name}"},
    "entry.deadline": {"sv": "Sista dag", "en": "Deadline"},
    "entry.deadline_for": {"sv": "Sista dag för {label}", "en": "Deadline for {label}"},
    "entry.answer_by": {"sv": "Sista dag att svara", "en": "Answers by"},
    "entry.stage": {"sv": "steg {n}", "en": "stage {n}"},
    "entry.cutoff": {"sv": "omgång {n}", "en": "round {n}"},
    "entry.amount": {"sv": "Belopp", "en": "Amount"},
    "entry.who": {"sv": "Vem kan söka", "en": "Who may apply"},
    "entry.region": {"sv": "Region", "en": "Region"},
})

_QUOTED = re.compile(r'"([^"]{1,60})"')
_TERM = re.compile(r'"([^"]{1,60})" in \w+(?: as "([^"]{1,60})")?')
_PROGRAMME = re.compile(r"^programme (.+?) → ")
_CODE = re.compile(r"^code \S+=.+? \(([^()]+)\) → ")


def matched_words(evidence: Iterable[str]) -> tuple[list[str], list[str]]:
    """(words, programme names) named in matcher evidence, each once, in order.

    A term match gives the words found in the item (``as "skolutbildning"``) or the pattern;
    any other evidence gives the quoted words it carries; a programme hint gives its name.
    Evidence of a shape not known here gives nothing (it is never shown raw).
    """
    words, programmes = _matched(tuple(evidence))
    return list(words), list(programmes)


@lru_cache(maxsize=4096)
def _matched(evidence: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`matched_words`, remembered: the rules' evidence repeats over many items."""
    words: list[str] = []
    programmes: list[str] = []
    for text in evidence:
        if _CODE.match(text):
            continue  # named by plain_why as the source's classification
        programme = _PROGRAMME.match(text)
        if programme:
            programmes.append(programme.group(1))
            continue
        terms = _TERM.findall(text)
        found = [found or pattern for pattern, found in terms] if terms else _QUOTED.findall(text)
        words += [w.lstrip("=").replace("*", "").strip() for w in found]
    return tuple(_unique(w for w in words if w)), tuple(_unique(programmes))


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out


def plain_why(row: StoredItem, committees: Iterable[str], lang: str, *,
              priority_names: Mapping[str, str], committee_names: Mapping[str, str]) -> str:
    """``Matchade: skola, förskola · programmet Erasmus+ skolutbildning · prioriterat område:
    Barn och unga`` for the row's tags to ``committees``; "" when the row has none. A
    correction that added one of them is quoted ("Rättad av anna.l: Läsfrämjande")."""
    wanted = set(committees)
    evidence: list[str] = []
    tagged = []
    priorities = []
    for tag in row.tags:
        if tag["dimension"] == "committee" and tag["tag"] in wanted:
            evidence += list(tag["evidence"])
            tagged.append(tag["tag"])
        elif tag["dimension"] == "priority" and tag["tag"] in priority_names:
            priorities.append(priority_names[tag["tag"]])
    if not tagged:
        return ""
    words, programmes = matched_words(evidence)
    parts = []
    if words:
        parts.append(t("why.matched", lang, words=", ".join(words[:6])))
    if programmes:  # the item's own programme name reads better than the rule's name
        parts.append(t("why.programme", lang, name=row.programme or programmes[0]))
    codes = _unique(m.group(1) for m in map(_CODE.match, evidence) if m)
    if codes:  # the source's own classification ("code keywords=EDU (Education) → bun")
        parts.append(t("why.code", lang, names=", ".join(codes)))
    for fix in row.corrections:  # a person's correction: said in their words
        if set(fix.get("add") or ()) & wanted:
            parts.append(str(fix.get("text_en" if lang == "en" else "text") or ""))
    if not parts:
        parts.append(t("why.tagged", lang, name=", ".join(
            committee_names.get(c, c) for c in tagged)))
    if priorities:
        parts.append(t("why.priorities", lang, names=", ".join(_unique(priorities))))
    return " · ".join(parts)


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"“])")


def summary_opening(row: StoredItem, *, sentences: int = 2, limit: int = 300) -> str:
    """The first one or two sentences of the item's own summary (its title, a sentence that
    only gives a date already listed, and markup left out), at most ``limit`` characters."""
    summary = str(row.summary or "").strip()
    if not summary:
        return ""
    title = str(row.title or "").strip().lower()
    dated = {str(d.get("text") or "").strip() for d in (row.extra or {}).get("dates", [])}
    chosen: list[str] = []
    paragraphs = [" ".join(p.split()) for p in summary.split("\n") if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        heading = len(paragraph.split()) <= 6 and paragraph[-1] not in ".!?" \
            and index < len(paragraphs) - 1
        if title.startswith(paragraph.lower()) or heading:
            continue  # the title again, a heading or a date line
        for sentence in _SENTENCE.split(paragraph):
            if sentence in dated:
                continue
            chosen.append(sentence)
            if len(chosen) >= sentences:
                break
        if len(chosen) >= sentences:
            break
    text = " ".join(chosen)
    while len(text) > limit and len(chosen) > 1:
        chosen.pop()
        text = " ".join(chosen)
    if len(text) > limit:
        text = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return prose_dates_in(text)


# "Sista ansökningsdag för mobilitetsprojekt är ...", "Applications for preparatory visits may
# ...": one to four words (no digits) between "för"/"for" and a verb or a colon.
_FOR = re.compile(r"\b(?:för|for)\s+((?:(?!the\b)[^\W\d_][\w+-]*\s+){0,3}?[^\W\d_][\w+-]*)"
                  r"(?:\s+(?:är|is|den|closes|stänger|ska|skall|senast|may|must|are)\b|\s*:)",
                  re.I)


# words that say nothing about what a deadline is for
_GENERIC = {"application", "applications", "ansökan", "ansökningar", "ansökningsdag"}
_STAGE = re.compile(r"\b(?:steg|step|stage|etapp)\s*(\d)\b", re.I)


def _label(row: StoredItem, when: datetime, tz: ZoneInfo, index: int, count: int,
           lang: str) -> str:
    """What one deadline is for: the source's words ("mobilitetsprojekt"), the stage of a
    two-stage call, or nothing."""
    day = shown(when, tz).day
    extra = row.extra or {}
    for found in extra.get("dates", []):
        moment = from_iso(found.get("end") or found.get("when"))
        if found.get("role") != "deadline" or moment is None or shown(moment, tz).day != day:
            continue
        text = str(found.get("text") or "")
        stage = _STAGE.search(text)
        if stage:
            return t("entry.stage", lang, n=stage.group(1))
        match = _FOR.search(text)
        if match and match.group(1).strip().lower() not in _GENERIC:
            return match.group(1).strip()
    model = str(extra.get("deadline_model") or "").lower()
    if count > 1 and "two" in model:
        return t("entry.stage", lang, n=index + 1)
    if count > 1 and "multiple" in model:
        return t("entry.cutoff", lang, n=index + 1)
    return ""


def deadline_lines(row: StoredItem, tz: ZoneInfo, lang: str,
                   now: datetime) -> list[str]:
    """``Sista dag för mobilitetsprojekt: 18 februari 2027 kl. 12:00`` for every deadline
    still ahead (the last one when all have passed)."""
    moments = sorted(d for d in (from_iso(v) for v in row.deadlines) if d)
    if not moments and row.deadline:
        moments = [from_iso(row.deadline)]  # type: ignore[list-item]
    ahead = [d for d in moments if d >= now] or moments[-1:]
    lines = []
    for index, when in enumerate(ahead):
        label = _label(row, when, tz, moments.index(when), len(moments), lang)
        if label:
            head = t("entry.deadline_for", lang, label=label)
        elif row.kind == LEGISLATION:
            head = t("entry.answer_by", lang)
        else:
            head = t("entry.deadline", lang)
        lines.append(f"{head}: {prose(when, tz, lang)}")
    return lines


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def amount_text(row: StoredItem, lang: str) -> str:
    """The budget the source gives: ``40 000 000 kr`` (ESF), ``30 500 euro`` (EU portal)."""
    extra = row.extra or {}
    if isinstance(extra.get("budget_sek"), (int, float)):
        return f"{_thousands(int(extra['budget_sek']))} kr"
    budget = str(extra.get("budget") or "").strip()
    if re.fullmatch(r"\d+(\.\d+)?", budget):
        return f"{_thousands(int(float(budget)))} euro"
    return budget


def _listed(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v)
    return str(value or "").strip()


_WHO = re.compile(r"\b(kan söka|kan ansöka|får söka|riktar sig till|är öppen för|"
                  r"may apply|can apply|is open to|are eligible)\b", re.I)


def who_may_apply(row: StoredItem) -> str:
    """Who may apply: what the source gives as a field, else the summary's sentence that
    says it ("Utlysningen riktar sig till arbetsgivare i offentlig sektor ...")."""
    extra = row.extra or {}
    for key in ("who_may_apply", "applicants", "eligibility"):
        value = extra.get(key)
        if isinstance(value, Mapping):
            value = value.get("text") or value.get("applicants") or ""
        if isinstance(value, (str, list, tuple)) and _listed(value):
            return _listed(value)
    for paragraph in str(row.summary or "").split("\n"):
        for sentence in _SENTENCE.split(" ".join(paragraph.split())):
            if _WHO.search(sentence) and len(sentence) <= 240 and not sentence.endswith("?"):
                return sentence
    return ""


def regions_text(row: StoredItem) -> str:
    """The item's regions (from its tags, else in ``extra``), when given."""
    return _listed(row.regions or (row.extra or {}).get("regions"))
