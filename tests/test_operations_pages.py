"""AppTest for the operator's side of the app: backups from the console, damaged databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assessment import auth, backups
from assessment.store.backup import verify_backup
from tests.conftest import APP

PASSWORD = "operations password 2026"
HASH = auth.hash_password(PASSWORD)


@pytest.fixture
def console_env(db_path, monkeypatch, tmp_path):
    monkeypatch.setenv(auth.ENV_VAR, HASH)
    monkeypatch.setenv("TANDEM_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("TANDEM_BACKUP_EVERY", raising=False)
    return db_path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    return at.switch_page(page).run()


def sign_in(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input[0].input(password)
    at.button(key="FormSubmitter:console_login-Sign in").click().run()
    return at


def test_an_administrator_backs_up_from_the_console(console_env, tmp_path):
    at = sign_in(open_page("pages/console.py"))
    assert not at.exception
    at.button(key="console_backup").click().run()
    assert not at.exception
    assert "Backup written" in at.success[0].value
    found = backups.existing(Path(tmp_path / "backups"))
    assert len(found) == 1
    assert verify_backup(found[0]).schema_version >= 1
