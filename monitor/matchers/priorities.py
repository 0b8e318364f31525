"""Priority areas: which of the international policy's areas a relevant item serves."""

from __future__ import annotations

from typing import Any

from monitor.config.settings import Key
from monitor.matchers.base import LANG_LISTS, Analysis, Matcher, Rules, add_patterns, where_text
from monitor.matchers.programmes import YOUTH_SIGNALS
from monitor.model import LEGISLATION

__all__ = ["PriorityMatcher"]

STAFF_ONLY = "staff-only"

PRIORITY_SCHEMA: dict[str, Key] = {
    "call": Key(str, doc="the area of a relevant call or cooperation opportunity"),
    "legislation": Key(str, doc="the area of relevant legislation, consultations, remisser"),
    "youth": Key(str, doc="the area of international contacts for children and young people"),
    **{signal: Key(dict, dict) for signal in YOUTH_SIGNALS},
    STAFF_ONLY: Key(dict, dict, doc="a title saying only staff travel (preparatory visits, "
                                    "conferences): a programme's youth signal does not count"),
}


class PriorityMatcher(Matcher):
    """[priority]: the rules that give a relevant item its priority areas.

        [priority]
        call = "verksamhetsutveckling"
        legislation = "omvarldsbevakning"
        youth = "barn-och-unga"
        [priority.own]          # young people's own exchanges abroad
        en = ["youth exchange", "volunteering abroad"]
        [priority.with-staff]   # pupils or young people together with staff or schools
        en = ["pupil mobility", "school partnerships"]
        [priority.staff]        # staff travel too (added to an "own" call: both areas)
        en = ["mobility of youth workers"]
        [priority.staff-only]   # a title saying only staff travel: programme signals void
        sv = ["förberedande besök"]

    An item with no committee gets no priority. Legislation (kind ``legislation``:
    acts, proposals, consultations, remisser) gets ``legislation``. A call gets ``call``,
    except: young people's own exchanges get ``youth`` alone; young people together with
    staff or schools (signals, or an own exchange where staff travel too) get ``youth``
    and ``call``. Programme hints can give the same signals (``youth = "own"`` ...).
    """

    kind = "priority"
    stage = 90
    options = PRIORITY_SCHEMA

    def __init__(self, table: Any, rules: Rules) -> None:
        super().__init__(table, rules)
        checked = rules.check(table, self.options, self.kind)
        for key in ("call", "legislation", "youth"):
            rules.priority(checked[key], f"{self.kind}.{key}")
        self.call, self.legislation, self.youth = (checked["call"], checked["legislation"],
                                                   checked["youth"])
        for signal in (*YOUTH_SIGNALS, STAFF_ONLY):
            where = f"{self.kind}.{signal}"
            lists = rules.check(checked[signal], LANG_LISTS, where)
            for lang, texts in lists.items():
                add_patterns(rules, texts, lang=lang, owner=f"{self.kind}.{signal}",
                             payload=signal, where=f"{where}.{lang}")

    def apply(self, analysis: Analysis) -> None:
        if not analysis.committees:
            return
        names = ", ".join(analysis.committees)
        if analysis.item.kind == LEGISLATION:
            analysis.priorities[self.legislation] = [
                f"legislation or consultation for {names} → {self.legislation}"]
            return
        staff_only = [m for m in analysis.owned(f"{self.kind}.{STAFF_ONLY}")
                      if m.field == "title"]
        if staff_only:  # the programme has pupils travel, this action has only staff
            analysis.youth.clear()
        for signal in YOUTH_SIGNALS:
            for match in analysis.owned(f"{self.kind}.{signal}")[:1]:
                analysis.signal(signal, where_text(match))
        signals = analysis.youth
        if signals.get("with-staff") or (signals.get("own") and signals.get("staff")):
            why = signals.get("with-staff") or signals["own"] + signals["staff"]
            analysis.priorities[self.youth] = [
                f"young people and staff across borders ({'; '.join(why)}) → {self.youth}"]
            analysis.priorities[self.call] = [f"call for {names} → {self.call}"]
        elif signals.get("own"):
            analysis.priorities[self.youth] = [
                f"young people's own exchange ({'; '.join(signals['own'])}) → {self.youth}"
                f" alone"]
        else:
            analysis.priorities[self.call] = [f"call for {names} → {self.call}"]
