"""Shared fixtures: a fresh store, a tiny questionnaire, the real one, an app under test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment import config
from assessment.questionnaire import Questionnaire, latest, load_all, load_questionnaire
from assessment.store import Store

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "data" / "tiny-1.0.0.toml"
TINY2 = Path(__file__).resolve().parent / "data" / "tiny-2.0.0.toml"  # schema 2, continuity from TINY
REAL = ROOT / "questionnaires" / "cio-cmo-alignment-1.0.0.toml"
APP = str(ROOT / "app.py")


@pytest.fixture(scope="session")
def tiny() -> Questionnaire:
    """Three dimensions of three questions; strategy-1 and the data dimension weigh 2."""
    return load_questionnaire(TINY)


@pytest.fixture(scope="session")
def tiny2() -> Questionnaire:
    """Schema 2: strategy-4 is a leaders-only choice question; strategy-2 and governance-3 are
    leaders-only; the privacy dimension and strategy-1 weigh 2."""
    return load_questionnaire(TINY2)


@pytest.fixture(scope="session")
def real() -> Questionnaire:
    """Questionnaire 1.0.0 as released."""
    return load_questionnaire(REAL)


@pytest.fixture(scope="session")
def current() -> Questionnaire:
    """The latest installed version: what new rounds, and so the app's pages, use."""
    return latest(load_all(ROOT / "questionnaires"), config.QUESTIONNAIRE_ID)


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(None)
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database file of the test's own, which the app under test opens."""
    path = str(tmp_path / "tandem.duckdb")
    monkeypatch.setenv("TANDEM_DB", path)
    return path


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    # Modules stay imported across AppTest runs; cached stores would leak between tests.
    yield
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def console_env(db_path: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An app whose console password is tests.test_console_pages.PASSWORD."""
    from assessment import auth
    from tests.test_console_pages import HASH

    monkeypatch.setenv(auth.ENV_VAR, HASH)
    return db_path


def sign_in_as(at, db_path: str, email: str, role: str = "admin"):  # noqa: ANN001, ANN201 - AppTest
    """Give ``at`` (already run once) a signed-in session of a local account, created if
    needed, as the sign-in form would; the account and its password hash are real."""
    from assessment import accounts, auth
    from assessment.ui import _open_store
    from assessment.ui_signin import SESSION, _digest

    live = _open_store(db_path)
    account = live.accounts.get(email) or accounts.add_account(
        live, accounts.CLI, email, role, password="a test password 2026"
    )
    assert auth.looks_like_hash(account.password_hash)
    at.session_state[SESSION] = (account.email, "local", _digest(account.password_hash))
    return at.run()
