"""Accounts, roles, client ownership and sharing, sign-in, the audit log, and `users` commands."""

from __future__ import annotations

import csv
import io

import pytest

from assessment import accounts, auth, cli, formats
from assessment.store import InvalidInputError, Store

PASSWORD = "a long password 2026"


@pytest.fixture
def people(store: Store):
    """An administrator, two consultants, and each consultant's client."""
    admin = accounts.add_account(store, accounts.CLI, "Admin@Example.com", "admin", "Ada")
    ana = accounts.add_account(store, accounts.CLI, "ana@example.com", "consultant", "Ana", PASSWORD)
    bob = accounts.add_account(store, accounts.CLI, "bob@example.com", "consultant", "Bob")
    a_org = accounts.create_organisation(store, ana, "Ana Client", "Retail", "1-249", "Europe")
    b_org = accounts.create_organisation(store, bob, "Bob Client", "Retail", "1-249", "Europe")
    return store, admin, ana, bob, a_org, b_org


def test_emails_are_lower_cased_and_checked(store):
    assert accounts.normalise_email("  Ana@Example.COM ") == "ana@example.com"
    for bad in ("", "ana", "ana@", "@example.com", "a b@example.com", "x" * 250 + "@example.com"):
        with pytest.raises(InvalidInputError):
            accounts.normalise_email(bad)
    with pytest.raises(InvalidInputError, match="Role must be one of"):
        accounts.add_account(store, accounts.CLI, "c@example.com", "owner")


def test_consultants_see_their_own_clients_and_admins_see_all(people):
    store, admin, ana, bob, a_org, b_org = people
    orgs = store.engagements.organisations()
    assert [o.name for o in accounts.visible(store, ana, orgs)] == ["Ana Client"]
    assert [o.name for o in accounts.visible(store, bob, orgs)] == ["Bob Client"]
    assert len(accounts.visible(store, admin, orgs)) == 2
    assert accounts.visible(store, None, orgs) == []
    assert store.accounts.owner(a_org.id) == "ana@example.com"
    # The check is made where the data is read, not only where a page hides it.
    rnd = accounts.create_round(store, ana, a_org.id, "Q1", _tiny())
    with pytest.raises(accounts.AccessDenied):
        accounts.export_responses(store, bob, rnd.id)
    with pytest.raises(accounts.AccessDenied):
        accounts.close_round(store, bob, rnd.id)
    with pytest.raises(accounts.AccessDenied):
        accounts.issue_code(store, bob, rnd.id)
    with pytest.raises(accounts.AccessDenied):
        accounts.create_round(store, bob, a_org.id, "Q2", _tiny())
    with pytest.raises(accounts.AccessDenied):
        accounts.report_downloaded(store, bob, rnd.id, "pdf")
    assert accounts.export_responses(store, admin, rnd.id).startswith("questionnaire_id")
    assert store.round(rnd.id).status == "open"


def test_sharing_gives_a_colleague_the_client_and_only_the_owner_shares(people):
    store, admin, ana, bob, a_org, _ = people
    with pytest.raises(accounts.AccessDenied):
        accounts.share(store, bob, a_org.id, "bob@example.com")  # not his to share
    with pytest.raises(InvalidInputError, match="no enabled account"):
        accounts.share(store, ana, a_org.id, "nobody@example.com")
    accounts.share(store, ana, a_org.id, "BOB@example.com")
    assert accounts.can_see(store, bob, a_org.id)
    assert not accounts.can_share(store, bob, a_org.id)  # shared with him, not his
    assert {o.name for o in accounts.visible(store, bob, store.engagements.organisations())} == {"Ana Client", "Bob Client"}
    accounts.unshare(store, ana, a_org.id, "bob@example.com")
    assert not accounts.can_see(store, bob, a_org.id)
    actions = store.accounts.audit_entries(actor="ana@example.com")["action"].tolist()
    assert actions == ["stop sharing organisation", "share organisation", "create organisation"]


def test_a_disabled_account_sees_nothing_and_cannot_sign_in(people):
    store, admin, ana, _, a_org, _ = people
    assert accounts.local_sign_in(store, "ana@example.com", PASSWORD, None) == store.accounts.get("ana@example.com")
    token = accounts.issue_session(store, ana, None)
    assert accounts.resume_session(store, token, None).email == "ana@example.com"
    accounts.set_enabled(store, admin, "ana@example.com", False)
    disabled = store.accounts.get("ana@example.com")
    assert not accounts.can_see(store, disabled, a_org.id)
    assert accounts.local_sign_in(store, "ana@example.com", PASSWORD, None) is None
    assert accounts.resume_session(store, token, None) is None  # the reload is refused too
    assert accounts.provider_account(store, "ana@example.com", True) is None
    with pytest.raises(InvalidInputError, match="your own account"):
        accounts.set_enabled(store, admin, admin.email, False)
    with pytest.raises(accounts.AccessDenied):
        accounts.set_enabled(store, store.accounts.get("bob@example.com"), "admin@example.com", False)


def test_a_new_password_ends_the_accounts_sessions(people):
    store, admin, ana, *_ = people
    token = accounts.issue_session(store, ana, None)
    accounts.set_password(store, admin, "ana@example.com", "another long password")
    assert accounts.resume_session(store, token, None) is None
    forged = token.replace(token.split(".")[0], "Ym9iQGV4YW1wbGUuY29t")  # bob's e-mail, ana's mac
    assert accounts.resume_session(store, forged, None) is None


def test_sign_in_is_audited_and_the_bootstrap_password_still_works(people):
    store, *_ = people
    configured = auth.hash_password("bootstrap password 1")
    assert accounts.local_sign_in(store, "", "bootstrap password 1", configured) == accounts.BOOTSTRAP
    assert accounts.local_sign_in(store, "", "wrong", configured) is None
    assert accounts.local_sign_in(store, "ana@example.com", "wrong", None) is None
    assert accounts.local_sign_in(store, "bob@example.com", PASSWORD, None) is None  # no password set
    assert accounts.local_sign_in(store, "my secret password", "x", None) is None  # typed in the wrong field
    token = accounts.issue_session(store, accounts.BOOTSTRAP, configured)
    assert accounts.resume_session(store, token, configured) == accounts.BOOTSTRAP
    assert accounts.resume_session(store, token, None) is None  # bootstrap password removed
    log = store.accounts.audit_entries(action="failed sign-in")
    assert set(log["actor"]) == {"unknown"}  # nobody is signed in when a sign-in fails
    assert log["subject"].tolist() == ["", "bob@example.com", "ana@example.com", "bootstrap administrator"]
    assert "my secret password" not in log.to_string()
    assert store.accounts.audit_entries(action="sign in")["actor"].tolist() == ["bootstrap administrator"]


def test_provider_email_must_not_be_unverified(people):
    store, *_ = people
    assert accounts.provider_account(store, "ANA@example.com", None).email == "ana@example.com"
    assert accounts.provider_account(store, "ana@example.com", True) is not None
    assert accounts.provider_account(store, "ana@example.com", False) is None
    assert accounts.provider_account(store, "stranger@example.com", True) is None
    assert accounts.provider_account(store, None, True) is None


def test_organisations_made_before_accounts_are_for_admins_until_assigned(people):
    store, admin, ana, *_ = people
    old = store.create_organisation("Legacy Co", "Retail", "1-249", "Europe")
    assert not accounts.can_see(store, ana, old.id) and accounts.can_see(store, admin, old.id)
    with pytest.raises(accounts.AccessDenied):
        accounts.assign_owner(store, ana, old.id, "ana@example.com")
    accounts.assign_owner(store, admin, old.id, "ana@example.com")
    assert accounts.can_see(store, ana, old.id)


def test_audit_filters_and_csv_escape_formulas(people):
    store, admin, *_ = people
    store.accounts.record("=HYPERLINK(\"x\")", "export responses", "+1", "-detail")
    entries = store.accounts.audit_entries(action="export responses")
    text = formats.audit_csv(entries)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["actor"] == "'=HYPERLINK(\"x\")" and row["subject"] == "'+1" and row["detail"] == "'-detail"
    assert row["happened_at"].endswith("Z")
    everything = store.accounts.audit_entries()
    assert len(everything) > 5 and everything["happened_at"].is_monotonic_decreasing
    first = everything["happened_at"].min()
    assert store.accounts.audit_entries(until=first).empty


def test_deleting_an_organisation_removes_its_shares(people):
    store, admin, ana, bob, a_org, _ = people
    accounts.share(store, ana, a_org.id, "bob@example.com")
    store.operations.delete_organisation(a_org.id, actor=admin.email, confirm_name="Ana Client")
    assert store.accounts.shared_with(a_org.id) == []
    assert store.accounts.audit_entries(action="delete organisation")["actor"].tolist() == ["admin@example.com"]


def test_users_commands(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "t.duckdb")
    assert cli.main(["users", "add", "Carla@Example.com", "--role", "admin", "--name", "Carla", "--db", db]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("carla's local password\n"))
    assert cli.main(["users", "password", "carla@example.com", "--db", db]) == 0
    assert cli.main(["users", "add", "dan@example.com", "--role", "consultant", "--db", db]) == 0
    assert cli.main(["users", "add", "dan@example.com", "--role", "consultant", "--db", db]) == 2
    assert cli.main(["users", "add", "not-an-email", "--role", "consultant", "--db", db]) == 2
    assert cli.main(["users", "disable", "dan@example.com", "--db", db]) == 0
    assert cli.main(["users", "disable", "nobody@example.com", "--db", db]) == 2
    capsys.readouterr()
    assert cli.main(["users", "list", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "carla@example.com" in listing and "admin" in listing and "disabled" in listing
    store = Store(db)
    try:
        assert store.accounts.get("dan@example.com").disabled_at is not None
        carla = store.accounts.get("carla@example.com")
        assert carla.name == "Carla" and auth.verify_password("carla's local password", carla.password_hash)
        assert set(store.accounts.audit_entries()["actor"]) == {"command line"}
    finally:
        store.close()


def _tiny():
    from assessment.questionnaire import load_questionnaire
    from tests.conftest import TINY

    return load_questionnaire(TINY)


def test_renaming_a_client_and_setting_targets_are_checked_and_recorded(people):
    store, admin, ana, bob, a_org, b_org = people
    q = _tiny()
    rnd = accounts.create_round(store, ana, a_org.id, "Q1", q)
    with pytest.raises(accounts.AccessDenied):
        accounts.rename_organisation(store, bob, a_org.id, "Taken Over")
    with pytest.raises(accounts.AccessDenied):
        accounts.set_targets(store, bob, rnd.id, {q.dimensions[0].id: 4.0})
    assert store.organisation(a_org.id).name == "Ana Client"
    accounts.rename_organisation(store, ana, a_org.id, "Ana Client Group")
    accounts.set_targets(store, ana, rnd.id, {q.dimensions[0].id: 4.5})
    log = store.accounts.audit_entries(actor="ana@example.com")
    rows = {a: (s, d) for a, s, d in zip(log["action"], log["subject"], log["detail"], strict=True)}
    assert rows["rename organisation"] == (a_org.id, "Ana Client -> Ana Client Group")
    assert rows["set targets"] == (rnd.id, f"{q.dimensions[0].id} 4.5")
    assert store.engagements.targets(rnd.id) == {q.dimensions[0].id: 4.5}


def test_a_client_is_created_with_its_owner_and_record_or_not_at_all(people, monkeypatch):
    store, admin, ana, bob, a_org, b_org = people
    before = [o.id for o in store.engagements.organisations()]

    def broken(*args, **kwargs):
        raise RuntimeError("the audit record could not be written")

    monkeypatch.setattr(store.accounts, "record", broken)
    with pytest.raises(RuntimeError):
        accounts.create_organisation(store, ana, "Half Made", "Retail", "1-249", "Europe")
    assert [o.id for o in store.engagements.organisations()] == before  # no client without its owner
    monkeypatch.undo()
    made = accounts.create_organisation(store, ana, "Whole", "Retail", "1-249", "Europe")
    assert store.accounts.owner(made.id) == "ana@example.com"
