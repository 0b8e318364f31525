"""The tagging rules a command needs (``monitor tag``, ``eval``, ``retag``, ``correct``)."""

from __future__ import annotations

from monitor.cli.common import State
from monitor.errors import ConfigError
from monitor.matchers import build_tagger
from monitor.matchers.tagger import FILE_NAME, Tagger
from monitor.text.i18n import add_messages, t

add_messages({
    "tag_no_rules": {"sv": "inga matchningsregler: filen saknas",
                     "en": "no matching rules: the file is missing"},
})


def tagger_of(st: State) -> Tagger:
    """The configuration's tagger; a clear error naming matching.toml when there is none."""
    tagger = build_tagger(st.config)
    if tagger is None:
        raise ConfigError(t("tag_no_rules", st.lang), file=str(st.config.dir / FILE_NAME))
    return tagger
