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
    at.text_input(key="console_login_password").input(password)
    at.button(key="FormSubmitter:console_login-Sign in").click().run()
    return at


def test_an_administrator_backs_up_from_the_console(console_env, tmp_path):
    at = sign_in(open_page("pages/admin.py"))
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


def _client(db_path, real, name="Client Co"):
    from assessment.store import Store

    store = Store(db_path)
    org = store.create_organisation(name, "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", real, kind="consultant")
    people = []
    for side, display in (("it", "Ada CIO"), ("marketing", None)):
        person = store.create_respondent(rnd.id, side, "Lead", display_name=display)
        for question in real.questions:
            store.save_answer(person.id, question.id, 3 if side == "it" else 1)
        store.mark_complete(person.id)
        people.append(person)
    store.close()
    return org, rnd, people


def _live(db_path):
    from assessment.ui import _open_store

    return _open_store(db_path)


def test_erasing_a_respondent_from_the_administration_page(console_env, real):
    org, rnd, (ada, anon) = _client(console_env, real)
    at = sign_in(open_page("pages/admin.py"))
    at.text_input(key="admin_erase_link").input(f"http://x/?r={ada.token}").run()
    assert at.selectbox(key="admin_erase_pick").value == ada.id
    assert at.button(key="admin_erase_go").disabled  # not without the confirmation
    at.checkbox(key=f"admin_erase_confirm_{ada.id}").check().run()
    at.button(key="admin_erase_go").click().run()
    assert not at.exception
    assert f"Erased {ada.id}" in at.success[0].value
    store = _live(console_env)
    assert store.respondent(ada.id) is None and store.respondent(anon.id) is not None
    assert store.round_scores(rnd.id)["overall"] == pytest.approx(1.0)
    erasures = store.accounts.audit_entries(action="erase respondent")
    assert list(erasures["actor"]) == ["bootstrap administrator"]
    assert "Ada" not in " ".join(at.dataframe[-1].value.astype(str).to_numpy().ravel())  # the audit table


def test_deleting_an_organisation_needs_its_name(console_env, real):
    org, _, _ = _client(console_env, real, "Test Org")
    at = sign_in(open_page("pages/admin.py"))
    at.text_input(key=f"admin_delete_name_{org.id}").input("Test").run()
    at.button(key="admin_delete_go").click().run()
    assert "type its name exactly" in at.error[0].value
    assert _live(console_env).organisation(org.id) is not None
    at.text_input(key=f"admin_delete_name_{org.id}").input("Test Org").run()
    at.button(key="admin_delete_go").click().run()
    assert not at.exception and "Deleted Test Org" in at.success[0].value
    assert _live(console_env).organisation(org.id) is None


def test_archive_asks_first_shows_archived_and_undoes(console_env, real):
    org, _, _ = _client(console_env, real, "Archive Me")
    other, _, _ = _client(console_env, real, "Keep Me")
    at = sign_in(open_page("pages/console.py"))
    at.selectbox(key="console_pick").set_value(org.id).run()
    assert at.button(key="console_archive").disabled
    at.checkbox(key="console_archive_confirm").check().run()
    at.button(key="console_archive").click().run()
    assert not at.exception
    assert "Archived Archive Me" in at.success[0].value
    assert at.selectbox(key="console_pick").options == ["Keep Me · Retail · 250-999 · Europe"]
    at.toggle(key="console_show_archived").set_value(True).run()
    assert "Archive Me · Retail · 250-999 · Europe · archived" in at.selectbox(key="console_pick").options
    at.toggle(key="console_show_archived").set_value(False).run()
    at.button(key="console_archive_undo").click().run()
    assert not at.exception
    assert _live(console_env).organisation(org.id).archived_at is None
    assert len(at.selectbox(key="console_pick").options) == 2
    actions = [a for a in _live(console_env).operations.audit_log()["action"] if a != "sign in"]
    assert actions == ["restore organisation from archive", "archive organisation"]
