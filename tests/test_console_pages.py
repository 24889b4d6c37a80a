"""AppTest for the consultant console and the workshop view."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from assessment import auth, sessions
from assessment.store import Store
from tests.conftest import APP
from tests.test_benchmarks import add_orgs

PASSWORD = "workshop password 2026"
HASH = auth.hash_password(PASSWORD)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    return at.switch_page(page).run()


def sign_in(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input(key="console_login_password").input(password)
    at.button(key="FormSubmitter:console_login-Sign in").click().run()
    return at


def test_console_stays_locked_without_a_configured_hash(db_path, monkeypatch):
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    at = open_page("pages/console.py")
    assert "no console password has been configured" in at.warning[0].value
    assert "python -m assessment hash-password" in at.markdown[0].value
    assert not at.exception


def test_wrong_password_is_refused(console_env):
    at = sign_in(open_page("pages/console.py"), "not the password")
    assert "That password is not right" in at.error[0].value
    assert "console_unlocked" not in at.session_state
    assert not [t for t in at.title if t.value == "Consultant console"]


def test_consultant_creates_a_round_and_watches_progress(console_env, real):
    at = sign_in(open_page("pages/console.py"))
    assert at.title[0].value == "Consultant console"
    next(t for t in at.text_input if t.label == "Organisation name").input("Client Co")
    at.button(key="FormSubmitter:console_new_org-Create organisation").click().run()
    assert not at.exception
    at.button(key="FormSubmitter:console_new_round-Open a new round").click().run()
    assert at.subheader[0].value.startswith("Open round:")
    link = at.code[0].value
    assert "?join=" in link
    code = link.split("?join=")[1]

    from assessment.ui import _open_store

    live = _open_store(console_env)
    cio = sessions.join_round(live, code, side="it", role="CIO")
    sessions.join_round(live, code, side="marketing", role="CMO", display_name="Maria")
    live.mark_complete(cio.id)
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["IT: finished"] == "1 of 1 started"
    assert metrics["Marketing: finished"] == "0 of 1 started"
    assert metrics["Other: finished"] == "0 of 0 started"

    at.checkbox(key="console_close_confirm").check().run()
    at.button(key="console_close").click().run()
    assert not at.exception
    rnd = live.round_by_join_code(code)
    assert rnd.status == "closed"
    with pytest.raises(sessions.JoinError, match="closed"):
        sessions.join_round(live, code, side="it", role="CIO")


def test_administrator_sets_branding_once_and_bad_values_are_refused(console_env, tmp_path):
    from tests.test_branding import image_bytes

    at = sign_in(open_page("pages/console.py"))
    name = next(t for t in at.text_input if t.label == "Consultancy name")
    name.input("Northwind Advisory")
    at.color_picker[0].pick("#7B2D8E")
    next(t for t in at.text_input if t.label == "Report footer").input("Northwind · Confidential")
    at.button(key="FormSubmitter:console_branding-Save branding").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Branding saved")
    from assessment.ui import _open_store  # the app holds the file: read through its own store

    store = _open_store(console_env)
    saved = store.branding.current()
    assert (saved.name, saved.colour, saved.footer) == ("Northwind Advisory", "#7B2D8E", "Northwind · Confidential")
    assert any(e.label.startswith("Report branding: Northwind Advisory") for e in at.expander)

    next(t for t in at.text_input if t.label == "Consultancy name").input("   ")
    at.button(key="FormSubmitter:console_branding-Save branding").click().run()
    assert "cannot be empty" in at.error[0].value
    assert store.branding.current().name == "Northwind Advisory"  # nothing changed

    store.branding.save("Northwind Advisory", "#7B2D8E", "", image_bytes())
    at.run()
    assert at.get("image")  # the current logo is shown
    at.button(key="console_branding_clear").click().run()
    assert not store.branding.current().custom


def _round_with_two_sides(path, real, org_name="Workshop Co"):
    store = Store(path)
    org = store.create_organisation(org_name, "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", real, kind="consultant")
    for side, level in (("it", 4), ("marketing", 2), ("marketing", 1)):
        person = sessions.join_round(store, rnd.join_code, side=side, role="Team")
        for question in real.questions:
            store.save_answer(person.id, question.id, level)
        store.mark_complete(person.id)
    store.close()
    return org, rnd


def test_workshop_shows_the_gap_spread_and_priorities(console_env, real):
    _round_with_two_sides(console_env, real)
    at = sign_in(open_page("pages/workshop.py"))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Overall (both sides balanced)"] == "2.75"  # (4 + mean(2, 1)) / 2
    # IT at 4 and marketing at 1.5 on average: 2.5 levels apart, past the two-level floor.
    assert metrics["IT–marketing alignment"] == "0 / 100"
    assert any("Serious disagreement" in m.value for m in at.markdown)
    assert metrics["Maturity level"] == "Two views"
    assert metrics["IT sees"].startswith("4.00 · ") and metrics["Marketing sees"].startswith("1.50 · ")
    assert any("The IT side is one person's view; the marketing side is two people's view" in w.value
               for w in at.warning)  # fmt: skip
    specs = [json.dumps(json.loads(el.proto.spec)) for el in at.get("vega_lite_chart")]
    assert len(specs) == 5  # benchmark, gap, heatmap, spread, priorities (targets and trend need more)
    assert any("IT rates higher" in s for s in specs)
    frames = [df.value for df in at.dataframe]
    disagreements = next(f for f in frames if "question_id" in f.columns and "gap" in f.columns)
    assert (disagreements["gap"] == -2.5).all()
    assert any("Change over time appears once" in i.value for i in at.info)


def test_workshop_targets_and_second_round(console_env, real):
    org, first = _round_with_two_sides(console_env, real)
    store = Store(console_env)
    store.engagements.close_round(first.id)
    second = store.create_round(org.id, "2027 Q2", real, kind="consultant")
    person = sessions.join_round(store, second.join_code, side="it", role="CIO")
    for question in real.questions:
        store.save_answer(person.id, question.id, 5)
    store.mark_complete(person.id)
    store.close()
    at = sign_in(open_page("pages/workshop.py"))
    at.button(key=f"FormSubmitter:workshop_targets_{second.id}-Save targets").click().run()
    assert not at.exception
    assert any(s.value == "Targets saved." for s in at.success)
    assert any(m.label == "Of the target reached" for m in at.metric)
    table = next(df.value for df in at.dataframe if "progress since previous %" in df.value.columns)
    assert table["progress since previous %"].notna().all()
    # benchmark, spread, priorities and the trend; no gap or heatmap with IT alone
    assert len(at.get("vega_lite_chart")) == 4
    compare = next(df.value for df in at.dataframe if "highlight" in getattr(df.value, "columns", []))
    assert compare["highlight"].any()


def test_pool_page_records_consent_keeps_self_assessments_apart_and_publishes(console_env, current):
    store = Store(console_env)
    clients = add_orgs(store, current, [("Retail", "1-249", "Europe")] * 4, name="Client")
    selfs = add_orgs(store, current, [("Retail", "1-249", "Europe")] * 2, kind="self", name="Public")
    store.close()
    at = sign_in(open_page("pages/pool.py"))
    assert not at.exception and at.title[0].value == "Benchmark pool"
    tables = [df.value for df in at.dataframe]
    assert sorted(tables[0]["Organisation"]) == [f"Client {i}" for i in range(4)]
    assert sorted(tables[1]["Organisation"]) == ["Public 0", "Public 1"]  # listed apart from clients
    assert set(tables[1]["Benchmark"]) == {"Not in the benchmark"}
    assert any("a release needs at least 5" in w.value for w in at.warning)
    assert not at.text_input  # approvals and releases are recorded under the signed-in account
    for org_id in clients:
        at.selectbox(key="pool_client_org").set_value(org_id).run()
        assert at.button(key="pool_client_approve").disabled  # consent first
        at.checkbox(key=f"pool_client_agreed_rnd-{org_id}").check().run()
        at.button(key="pool_client_approve").click().run()
        assert not at.exception and "counts from the next release" in at.success[0].value
    at.selectbox(key="pool_self_org").set_value(selfs[0]).run()
    at.checkbox(key=f"pool_self_agreed_rnd-{selfs[0]}").check().run()
    at.button(key="pool_self_approve").click().run()
    at.checkbox(key="pool_confirm").check().run()
    at.button(key="pool_publish").click().run()
    assert not at.exception
    live = Store(console_env)
    release = live.pool.latest_release(current.key)
    assert release.n_orgs == 5 and release.published_by == "bootstrap administrator"
    entry = live.pool.benchmark_entry(f"rnd-{selfs[0]}")
    assert entry["consent_by"] == "bootstrap administrator" and entry["self_assessed"]
    audit = live.accounts.audit_entries()
    assert (audit["action"] == "approve for the benchmark").sum() == 5
    assert audit["action"].tolist()[0] == "publish release"
    assert live.pool.benchmark_entry(f"rnd-{selfs[1]}") is None  # the other self-assessment never counts
    live.close()
    assert any(b.proto.label == "Download (CSV)" for b in at.get("download_button"))
