"""The tagging rules a command needs (``monitor tag``, ``eval``, ``retag``, ``correct``)."""

from __future__ import annotations

from ..errors import ConfigError
from ..i18n import t
from ..matchers import build_tagger
from ..matchers.tagger import FILE_NAME, Tagger
from .common import State


def tagger_of(st: State) -> Tagger:
    """The configuration's tagger; a clear error naming matching.toml when there is none."""
    tagger = build_tagger(st.config)
    if tagger is None:
        raise ConfigError(t("tag_no_rules", st.lang), file=str(st.config.dir / FILE_NAME))
    return tagger
