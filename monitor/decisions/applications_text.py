"""Swedish and English text of the application register and its errors (kept apart to keep
the register short)."""

from __future__ import annotations

from typing import Any

from monitor.errors import ApplicationError, IllegalStep  # noqa: F401 - raised with these messages
from monitor.text.i18n import add_messages, t

STATUS_IDS = ("intent", "ks-approved", "submitted", "granted", "rejected", "withdrawn")


def status_label(status: str, lang: str = "sv") -> str:
    """The status as people read it (``ks-approved`` → "godkänd av KS")."""
    key = f"appl.status.{status}"
    return t(key, lang) if status in STATUS_IDS else str(status)


add_messages({
    "appl.status.intent": {"sv": "avsikt", "en": "intent"},
    "appl.status.ks-approved": {"sv": "godkänd av KS", "en": "approved by KS"},
    "appl.status.submitted": {"sv": "inskickad", "en": "submitted"},
    "appl.status.granted": {"sv": "beviljad", "en": "granted"},
    "appl.status.rejected": {"sv": "avslagen", "en": "rejected"},
    "appl.status.withdrawn": {"sv": "återkallad", "en": "withdrawn"},
    "appl.rule.needs_ks": {
        "sv": "Ansökan {id} kan inte gå från {current} till {target}: enligt kommunens "
              "internationella policy måste nämnden ha kommunstyrelsens godkännande innan den "
              "ansöker. Registrera först --status ks-approved (eller ange --force --reason "
              "TEXT).",
        "en": "Application {id} cannot go from {current} to {target}: the municipality's "
              "international policy says the committee must have the municipal board's (KS) "
              "approval before it applies. Record --status ks-approved first (or give --force "
              "--reason TEXT)."},
    "appl.rule.needs": {
        "sv": "Ansökan {id} kan inte gå från {current} till {target}: det steget kommer efter "
              "{required}. Möjliga nästa steg: {choices} (eller --force --reason TEXT).",
        "en": "Application {id} cannot go from {current} to {target}: that step follows "
              "{required}. Possible next steps: {choices} (or --force --reason TEXT)."},
    "appl.rule.closed": {
        "sv": "Ansökan {id} är avslutad ({current}); den kan bara ändras med --force --reason "
              "TEXT.",
        "en": "Application {id} is closed ({current}); only --force --reason TEXT changes it."},
    "appl.rule.same": {"sv": "Ansökan {id} har redan status {current}.",
                       "en": "Application {id} already has the status {current}."},
    "appl.rule.intent": {"sv": "En ansökan kan inte gå tillbaka till avsikt.",
                         "en": "An application cannot go back to intent."},
    "appl.unknown_item": {"sv": "Ingen utlysning med id {id!r}.{hint}",
                          "en": "No call with id {id!r}.{hint}"},
    "appl.not_a_call": {"sv": "{id} är inte en utlysning (utan {kind}); bara utlysningar kan "
                              "sökas.",
                        "en": "{id} is not a call (it is {kind}); only calls can be applied "
                              "for."},
    "appl.did_you_mean": {"sv": " Menade du: {choices}?", "en": " Did you mean: {choices}?"},
    "appl.unknown_committee": {"sv": "Okänd nämnd {id!r}. Giltiga: {choices}.",
                               "en": "Unknown committee {id!r}. Valid: {choices}."},
    "appl.unknown_application": {"sv": "Ingen ansökan med id {id!r}. Befintliga: {choices}.",
                                 "en": "No application with id {id!r}. Existing: {choices}."},
    "appl.duplicate": {
        "sv": "{committee} har redan en pågående ansökan ({id}) för {item}.",
        "en": "{committee} already has an open application ({id}) for {item}."},
    "appl.bad_amount": {"sv": "Ogiltigt belopp {value!r}: ange hela kronor, t.ex. 450000.",
                        "en": "Invalid amount {value!r}: give whole kronor, e.g. 450000."},
    "appl.bad_country": {"sv": "Ogiltig landskod {value!r}: två bokstäver (ISO 3166), t.ex. "
                               "LV, FR.",
                         "en": "Invalid country code {value!r}: two letters (ISO 3166), "
                               "e.g. LV, FR."},
    "appl.bad_date": {"sv": "Datumet {value} ligger före föregående steg ({previous}) eller "
                            "efter i dag.",
                      "en": "The date {value} is before the previous step ({previous}) or "
                            "after today."},
    "appl.force_needs_reason": {"sv": "--force kräver --reason TEXT (skälet sparas).",
                                "en": "--force needs --reason TEXT (the reason is recorded)."},
    "appl.unknown_status": {"sv": "Okänd status {value!r}. Giltiga: {choices}.",
                            "en": "Unknown status {value!r}. Valid: {choices}."},
    "appl.none": {"sv": "(inga)", "en": "(none)"},
    "appl.unpaired": {
        "sv": "{partners} --partner men {countries} --country: ange ett land per partner (i "
              "samma ordning), eller bara länder.",
        "en": "{partners} --partner but {countries} --country: give one country per partner "
              "(in the same order), or countries alone."},
    "appl.unknown_detail": {"sv": "Okänd uppgift {value!r}. Giltiga: {choices}.",
                            "en": "Unknown detail {value!r}. Valid: {choices}."},
})
