"""The suite's own safety: no developer setting reaches a test, the session guard notices a
leak, configuration edits cannot silently miss, golden files are never rewritten quietly."""

from __future__ import annotations

import ast
import os
import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest

import tests.hermetic as hermetic
from monitor.app import load_config
from monitor.mail.message import mail_settings
from tests.conftest import ROOT
from tests.hermetic import SessionGuard, check_golden, edit_file, replaced

TESTS = ROOT / "tests"


def test_no_monitor_variable_and_no_checkout_working_directory():
    # the session guard set MONITOR_SMTP_HOST and friends in the outer environment
    assert [n for n in os.environ if n.startswith("MONITOR_")] == ["MONITOR_NOW"]
    assert ROOT not in Path.cwd().parents and Path.cwd() != ROOT


def test_the_configuration_copy_keeps_database_and_mail_in_the_test_folder(config, tmp_path):
    assert Path(config.settings.database).parent == tmp_path
    mail = mail_settings(config)
    assert mail.transport == "outbox" and Path(mail.outbox).parent == tmp_path


def test_guard_reports_mail_outbox_database_and_checkout_changes(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "config").mkdir(parents=True)
    (checkout / "config" / "settings.toml").write_text("language = 'sv'\n")
    (checkout / ".venv").mkdir()
    guard = SessionGuard(root=checkout, folder=tmp_path / "guard")
    guard.start()
    try:
        assert guard.problems() == []
        assert os.environ["MONITOR_SMTP_PORT"] == str(guard.port)
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@test.invalid", "b@test.invalid", "x"
        with smtplib.SMTP("127.0.0.1", guard.port, timeout=10) as smtp:
            smtp.send_message(message)
        guard.outbox.mkdir()
        (guard.outbox / "digest.eml").write_text("x")
        guard.database.write_text("")
        (checkout / "config" / "settings.toml").write_text("language = 'en'\n")
        (checkout / "data").mkdir()
        (checkout / "data" / "monitor.db").write_text("")
        (checkout / ".venv" / "lib.py").write_text("")  # the virtual environment may change
        problems = guard.problems()
    finally:
        guard.stop()
    assert problems == [
        "the guard's SMTP server received a message for b@test.invalid",
        "the guard's outbox holds digest.eml",
        f"a test opened the outer environment's database {guard.database}",
        "checkout created: data/monitor.db",
        "checkout changed: config/settings.toml",
    ]
    assert "MONITOR_SMTP_PORT" not in os.environ  # restored to what the test had


def test_replaced_and_edit_file_fail_when_the_old_text_is_gone(tmp_path):
    assert replaced("a = 1\nb = 1\n", "= 1", "= 2") == "a = 2\nb = 2\n"
    assert replaced(b"<a><a>", b"<a>", b"<b>", 1) == b"<b><a>"
    with pytest.raises(AssertionError, match="no longer contains 'c = 1'"):
        replaced("a = 1\n", "c = 1", "c = 2")
    path = tmp_path / "settings.toml"
    path.write_text('database = "data/monitor.db"\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="settings.toml no longer contains"):
        edit_file(path, ('database = "data/monitor.db"', 'database = "x"'),
                  ('outbox = "data/outbox"', 'outbox = "y"'))
    assert path.read_text(encoding="utf-8") == 'database = "data/monitor.db"\n'  # untouched


def test_regenerating_a_golden_file_rewrites_it_and_fails(tmp_path, monkeypatch):
    golden = tmp_path / "golden" / "digest.txt"
    with pytest.raises(AssertionError, match="missing"):
        check_golden(golden, "new text")
    monkeypatch.setattr(hermetic, "REGEN_GOLDEN", True)
    with pytest.raises(pytest.fail.Exception, match="rewritten"):
        check_golden(golden, "new text")
    assert golden.read_text(encoding="utf-8") == "new text"
    monkeypatch.setattr(hermetic, "REGEN_GOLDEN", False)
    check_golden(golden, "new text")
    with pytest.raises(AssertionError, match="differs"):
        check_golden(golden, "other text")


# ------------------------------------------------- text edits that would fail silently
READS = {"read_text", "read_bytes"}


def _calls_read(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr in READS for n in ast.walk(node))


def unchecked_replacements(source: str) -> list[int]:
    """Lines where file contents (read with read_text/read_bytes, directly or through a name
    assigned from such a read) are changed with ``str.replace``, which does nothing when the
    old text is gone; :func:`tests.hermetic.replaced` and ``edit_file`` fail instead."""
    tree = ast.parse(source)
    read_names: set[str] = set()
    changed = True
    while changed:  # names assigned from a read, or from a replace on such a name
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id not in read_names \
                    and (_calls_read(node.value) or any(
                        isinstance(n, ast.Name) and n.id in read_names
                        for n in ast.walk(node.value))):
                read_names.add(node.targets[0].id)
                changed = True
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "replace" and node.args \
                and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
            receiver = node.func.value
            if _calls_read(receiver) or (isinstance(receiver, ast.Name)
                                         and receiver.id in read_names):
                lines.append(node.lineno)
    return sorted(lines)


def test_the_finder_sees_each_way_of_editing_a_file():
    source = '''
LISTING = (FIXTURES / "a.html").read_text()
def f(path):
    path.write_text(path.read_text().replace("a = 1", "a = 2"))
    text = path.read_text(encoding="utf-8")
    text = text.replace("b = 1", "b = 2")
    other = LISTING.replace('<li>', '')
    fine = replaced(text, "c", "d")
    also_fine = message.as_string().replace("\\r\\n", "\\n")
'''
    assert unchecked_replacements(source) == [4, 6, 7]


def test_no_test_edits_file_contents_with_an_unchecked_replace():
    found = {str(path.relative_to(ROOT)): lines for path in sorted(TESTS.rglob("*.py"))
             if (lines := unchecked_replacements(path.read_text(encoding="utf-8")))}
    assert found == {}, "use tests.hermetic.replaced or edit_file, which fail on a miss"


def test_every_test_module_that_copies_config_uses_the_fixture():
    """A test that copies the shipped configuration itself would keep its relative database
    and outbox paths: the ``config_dir`` fixture is the one place that rewrites them."""
    copying = [str(path.relative_to(ROOT)) for path in sorted(TESTS.rglob("*.py"))
               if path.name not in ("conftest.py", "test_hermetic.py")
               and "copytree(ROOT" in path.read_text(encoding="utf-8")]
    assert copying == []


def test_load_config_of_the_copy_needs_no_environment(config_dir):
    assert load_config(config_dir).settings.database == config_dir.parent / "monitor.db"
