"""AppTest: the console signed out, as a consultant, as an administrator, and through an
identity provider (``st.user``, with [auth] in a real .streamlit/secrets.toml)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assessment import accounts
from assessment.store import Store
from assessment.text import md_escape
from tests.conftest import APP

PASSWORD = "a long password 2026"


@pytest.fixture
def two_clients(db_path):
    """ana owns Ana Client, bob owns Bob Client, admin sees both; a legacy client has no owner."""
    store = Store(db_path)
    admin = accounts.add_account(store, accounts.CLI, "admin@example.com", "admin", "Ada", PASSWORD)
    ana = accounts.add_account(store, accounts.CLI, "ana@example.com", "consultant", "Ana", PASSWORD)
    bob = accounts.add_account(store, accounts.CLI, "bob@example.com", "consultant", "Bob", PASSWORD)
    accounts.create_organisation(store, ana, "Ana Client", "Retail", "1-249", "Europe")
    accounts.create_organisation(store, bob, "Bob Client", "Retail", "1-249", "Europe")
    store.create_organisation("Legacy Client", "Retail", "1-249", "Europe")
    store.close()
    return admin, ana, bob


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    return at.switch_page(page).run()


def sign_in(at: AppTest, email: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="console_login_email").input(email)
    at.text_input(key="console_login_password").input(password)
    at.button(key="FormSubmitter:console_login-Sign in").click().run()
    return at


def client_names(at: AppTest) -> list[str]:
    return [o.split(" · ")[0] for o in at.selectbox(key="console_pick").options]


def first_sidebar(db_path: str, email: str | None = None) -> list[str]:
    """The sidebar's page links on a first run, signed out or as ``email`` (AppTest drops the
    sidebar's links on later runs)."""
    from assessment.ui_signin import SESSION, _digest

    at = AppTest.from_file(APP, default_timeout=30)
    if email is not None:
        store = Store(db_path)
        at.session_state[SESSION] = (email, "local", _digest(store.accounts.get(email).password_hash))
        store.close()
    at.run()
    return [link.proto.label for link in at.sidebar.get("page_link")]


def at_db(at: AppTest) -> str:
    import os

    return os.environ["TANDEM_DB"]


def test_signed_out_a_consultant_page_shows_the_sign_in_and_nothing_else(two_clients):
    for page in ("pages/console.py", "pages/workshop.py", "pages/admin.py", "pages/pool.py"):
        at = open_page(page)
        assert not at.exception
        assert [t.value for t in at.title] == ["Consultant sign-in"]
        assert at.button(key="FormSubmitter:console_login-Sign in")
        assert not at.selectbox and not at.dataframe  # nothing of any client
    links = first_sidebar(at_db(at))
    assert "Console" not in links and "Workshop" not in links and "Consultant sign-in" in links
    assert {"Start", "Questionnaire", "Results"} <= set(links)


def test_a_consultant_sees_only_their_clients_and_no_admin_pages(two_clients, db_path):
    at = sign_in(open_page("pages/console.py"), "Ana@Example.com")
    assert not at.exception
    assert at.title[0].value == "Consultant console"
    assert client_names(at) == ["Ana Client"]
    links = first_sidebar(db_path, "ana@example.com")
    assert "Console" in links and "Workshop" in links
    assert "Administration" not in links and "Benchmark pool" not in links and "Start" not in links
    assert {"Administration", "Benchmark pool"} <= set(first_sidebar(db_path, "admin@example.com"))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py")  # not in a consultant's navigation
    from assessment.ui import _open_store

    log = _open_store(db_path).accounts.audit_entries(actor="ana@example.com")
    assert log["action"].tolist()[0] == "sign in"


def test_a_wrong_password_is_refused_and_recorded(two_clients, db_path):
    at = sign_in(open_page("pages/console.py"), "ana@example.com", "not the password")
    assert "That e-mail and password are not right" in at.error[0].value
    assert "Consultant console" not in [t.value for t in at.title]
    from assessment.ui import _open_store

    failed = _open_store(db_path).accounts.audit_entries(action="failed sign-in")
    assert failed["actor"].tolist() == ["unknown"] and failed["subject"].tolist() == ["ana@example.com"]


def test_sharing_from_the_console_shows_the_client_to_a_colleague(two_clients, db_path):
    at = sign_in(open_page("pages/console.py"), "ana@example.com")
    at.text_input(key=f"console_share_{at.selectbox(key='console_pick').value}").input("bob@example.com")
    at.button(key="console_share_go").click().run()
    assert not at.exception and md_escape("Shared with bob@example.com") in at.success[0].value
    bob = sign_in(open_page("pages/console.py"), "bob@example.com")
    assert client_names(bob) == ["Ana Client", "Bob Client"]


def test_an_administrator_sees_every_client_and_manages_accounts(two_clients, db_path):
    at = sign_in(open_page("pages/console.py"), "admin@example.com")
    assert client_names(at) == ["Ana Client", "Bob Client", "Legacy Client"]
    at.switch_page("pages/admin.py").run()
    assert at.title[0].value == "Administration"
    at.text_input(key="admin_account_email").input("carla@example.com")
    at.button(key="FormSubmitter:admin_add_account-Add account").click().run()
    assert not at.exception and md_escape("Added carla@example.com as consultant") in at.success[0].value
    at.selectbox(key="admin_account_pick").set_value("ana@example.com").run()
    at.button(key="admin_account_disable").click().run()
    assert md_escape("Disabled ana@example.com") in at.success[0].value
    actions = at.selectbox(key="admin_audit_action").options
    assert {"add account", "disable account", "sign in", "create organisation"} <= set(actions)
    at.selectbox(key="admin_audit_action").set_value("disable account").run()
    table = at.dataframe[-1].value
    assert table["action"].tolist() == ["disable account"] and table["actor"].tolist() == ["admin@example.com"]


def test_a_disabled_account_is_signed_out_at_its_next_click(two_clients, db_path):
    at = sign_in(open_page("pages/console.py"), "ana@example.com")
    assert at.title[0].value == "Consultant console"
    from assessment.ui import _open_store

    accounts.set_enabled(_open_store(db_path), accounts.CLI, "ana@example.com", False)
    at.run()
    assert [t.value for t in at.title] == ["Consultant sign-in"]


AUTH = """
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a test cookie secret, not a real one"
client_id = "tandem"
client_secret = "tandem-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""


@pytest.fixture
def with_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_clients) -> Iterator[None]:
    """[auth] in a real .streamlit/secrets.toml of the working directory (AppTest's secrets
    are not enough for st.login)."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(AUTH)
    monkeypatch.chdir(tmp_path)
    from streamlit.runtime.secrets import secrets_singleton

    secrets_singleton._reset()  # Streamlit keeps the secrets it read once per process
    yield
    monkeypatch.undo()
    secrets_singleton._reset()  # later tests must not inherit this [auth]


def test_with_a_provider_the_sign_in_is_its_button(with_provider):
    at = open_page("pages/console.py")
    assert not at.exception
    assert at.button(key="signin_provider").label == "Sign in with your organisation's account"
    assert not at.text_input  # no bootstrap password configured: no local form


def test_a_provider_signed_in_consultant_sees_their_clients(with_provider):
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "Bob@example.com", "email_verified": True, "name": "Bob"}
    at.run().switch_page("pages/console.py").run()
    assert not at.exception
    assert at.title[0].value == "Consultant console"
    assert client_names(at) == ["Bob Client"]


def test_a_provider_email_without_an_account_is_told_to_ask_the_administrator(with_provider, db_path):
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "eve@example.com", "name": "Eve"}
    at.run().switch_page("pages/console.py").run()
    assert md_escape("eve@example.com has no Tandem account") in at.warning[0].value
    assert at.button(key="signin_refused_sign_out")
    assert "Consultant console" not in [t.value for t in at.title]
    from assessment.ui import _open_store

    refused = _open_store(db_path).accounts.audit_entries(action="failed sign-in")
    assert refused["actor"].tolist() == ["eve@example.com"]
    at.user = {"is_logged_in": True, "email": "ana@example.com", "email_verified": False}
    at.run()
    assert "has no Tandem account" in at.warning[0].value  # an unverified e-mail is not trusted
