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


def _damage(path: str) -> bytes:
    """A real database, then cut in half, as a failed copy or a full disk leaves it."""
    from assessment.demo import seed_demo
    from assessment.questionnaire import load_questionnaire
    from assessment.store import Store
    from tests.conftest import REAL

    store = Store(path)
    seed_demo(store, load_questionnaire(REAL), 200, seed=3)
    store.close()
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    return Path(path).read_bytes()


def test_a_damaged_database_shows_visitors_no_path_and_is_not_changed(db_path, caplog):
    damaged = _damage(db_path)
    pages = ("start", "questionnaire", "results", "benchmarks", "console", "workshop")
    for page in (f"pages/{name}.py" for name in pages):
        at = AppTest.from_file(APP, default_timeout=30).run()
        if page != "pages/start.py":
            at.switch_page(page).run()
        assert not at.exception, page
        shown = " ".join(e.value for e in [*at.error, *at.markdown, *at.warning, *at.info, *at.code])
        if page not in ("pages/console.py", "pages/workshop.py"):  # those stop at the password first
            assert "Tandem is not available right now" in shown, page
        assert db_path not in shown and "duckdb" not in shown.lower() and "Traceback" not in shown
    assert "is damaged" in caplog.text and db_path in caplog.text and "restore" in caplog.text
    assert Path(db_path).read_bytes() == damaged
    assert not Path(f"{db_path}.wal").exists()


def test_production_settings_hide_error_details():
    import tomllib

    from tests.conftest import ROOT

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["showErrorDetails"] == "none"
