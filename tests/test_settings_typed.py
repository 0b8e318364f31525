"""Typed settings: each section a dataclass whose fields are the schema, defaults written once."""

from __future__ import annotations

import dataclasses

import pytest

from monitor import app
from monitor.config.organisation import OrganisationSettings
from monitor.config.settings import (HttpSettings, MunicipalitySettings, Settings, schema_of,
                                     with_environment)
from monitor.digests.subscriptions import DigestSettings
from monitor.errors import ConfigError
from monitor.mail.message import MailSettings, mail_settings
from monitor.pipeline.schedule import ScheduleSettings
from monitor.web.links import WebSettings
from tests.hermetic import edit_file

CLASSES = [Settings, HttpSettings, MunicipalitySettings, MailSettings, DigestSettings,
           ScheduleSettings, OrganisationSettings]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_schema_is_the_dataclass(cls):
    """Every file key is a field, with the field's default; nothing is written twice."""
    schema, instance = schema_of(cls), cls()
    fields = {f.metadata.get("key") or f.name: f for f in dataclasses.fields(cls)
              if f.metadata.get("in_file")}
    assert list(schema) == list(fields)
    for key, spec in schema.items():
        default = spec.default() if callable(spec.default) else spec.default
        value = getattr(instance, fields[key].name)
        assert default == (str(value) if key in ("database", "outbox") else value), key


def test_every_feature_section_is_a_typed_object(config):
    declared = {name: cls for f in app.FEATURES for name, cls in f.sections.items()}
    assert declared == {"mail": MailSettings, "digest": DigestSettings,
                        "schedule": ScheduleSettings, "organisation": OrganisationSettings,
                        "web": WebSettings}
    for name, cls in declared.items():
        assert isinstance(config.settings.section(name), cls)
    assert isinstance(config.settings.http, HttpSettings)


def test_shipped_values_and_defaults(config):
    mail = config.settings.section("mail")
    assert mail.sender.endswith("@tyreso.se") and mail.smtp_port == 587
    assert config.settings.section("digest").reminder_days == [14, 3]
    assert DigestSettings().reminder_days is not DigestSettings().reminder_days  # no shared list


def test_a_wrong_value_in_the_file_names_the_section_key(config_dir):
    edit_file(config_dir / "settings.toml", ("misfire_grace_hours = 6.0",
                                             "misfire_grace_hours = -1"))
    with pytest.raises(ConfigError) as caught:
        app.load_config(config_dir)
    assert caught.value.key == "schedule.misfire_grace_hours"
    assert "greater than 0" in str(caught.value)


def test_environment_overrides_are_checked_by_the_same_schema(config, monkeypatch):
    monkeypatch.setenv("MONITOR_SMTP_PORT", "2525")
    monkeypatch.setenv("MONITOR_OUTBOX", "/tmp/elsewhere")
    settings = mail_settings(config)
    assert settings.smtp_port == 2525 and str(settings.outbox) == "/tmp/elsewhere"
    monkeypatch.setenv("MONITOR_SMTP_PORT", "70000")
    with pytest.raises(ConfigError, match="MONITOR_SMTP_PORT: must be a TCP port"):
        mail_settings(config)
    monkeypatch.setenv("MONITOR_SMTP_PORT", "many")
    with pytest.raises(ConfigError, match="MONITOR_SMTP_PORT: must be a number"):
        mail_settings(config)
    with pytest.raises(ConfigError, match="MONITOR_MAIL_TRANSPORT: must be one of outbox, smtp"):
        with_environment(MailSettings(), {"MONITOR_MAIL_TRANSPORT": "pigeon"})
    assert with_environment(MailSettings(), {"MONITOR_SMTP_PASSWORD": "s3cret"}
                            ).smtp_password == "s3cret"
    assert "smtp_password" not in schema_of(MailSettings)  # never read from the file
