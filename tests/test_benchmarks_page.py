"""AppTest for the Benchmarks page: the synthetic sample, the published release with bands (never
ranks), the withheld peer group, the export of the release, and importing a benchmark CSV
(AppTest 1.67 drives st.file_uploader)."""

from __future__ import annotations

import json

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from assessment import benchmarks, disclosure, exchange, sessions
from assessment.demo import seed_demo
from assessment.store import Store
from assessment.text import md_escape
from tests.conftest import APP, sign_in_as
from tests.test_benchmarks import add_orgs, add_peers, publish

TIMEOUT = 30
PAGE = "pages/benchmarks.py"


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    return no_exception(at)


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_data(at: AppTest):
    element = at.get("vega_lite_chart")[0]
    spec = json.loads(element.proto.spec)
    data = pa.ipc.open_stream(element.proto.datasets[0].data.data).read_pandas()
    return spec, data


def respondent(db_path: str, real, **org) -> str:
    """A CIO of a new organisation who has answered everything with 4; returns the token."""
    store = Store(db_path)
    record = sessions.start_self_assessment(store, real, side="it", role="CIO", **org)
    for question in real.questions:
        store.save_answer(record.id, question.id, 4)
    store.close()
    return record.token


def test_page_renders_the_synthetic_sample_without_a_respondent(db_path, current):
    store = Store(db_path)
    seed_demo(store, current, 30)
    store.close()
    at = open_page()
    assert at.title[0].value == "Benchmarks"
    assert "Start or resume an assessment to compare your organisation" in at.info[0].value
    assert at.selectbox(key="bench_source").value == "synthetic"  # fewer than 5 real peers
    assert any("synthetic sample" in w.value for w in at.warning)
    assert any("n = 30" in c.value for c in at.caption)
    spec, data = chart_data(at)
    assert spec["title"]["text"] == "How the peers are distributed"
    assert data["score"].isna().all() and (data["n"] == 30).all()  # no marker without an organisation
    assert "No benchmark release of real organisations has been published" in at.info[-1].value
    assert not at.get("download_button")  # no release, nothing to export


def test_respondent_sees_bands_from_the_release_and_a_withheld_peer_group(db_path, real):
    store = Store(db_path)
    add_peers(store, real, [("Technology", "1-249", "Europe")] * 10 + [("Retail", "1-249", "Europe")] * 2)
    release = publish(store, real)
    add_orgs(store, real, [("Retail", "1-249", "Europe")] * 3)  # finished but never approved
    store.close()
    token = respondent(
        db_path, real, organisation="Acme", industry="Retail", size_band="1-249", region="Europe"
    )
    at = open_page(r=token)
    assert at.selectbox(key="bench_source").value == "peers"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Organisations in this segment"] == "12"  # the release: unapproved rounds never count
    assert metrics["Where you stand overall"] in disclosure.BANDS
    assert any(f"Benchmark release {release.id} of" in c.value for c in at.caption)
    spec, data = chart_data(at)
    assert spec["title"]["text"] == "Where you sit among your peers"
    assert (data["score"] == 4).all() and data["band"].notna().all()
    table = at.dataframe[0].value
    assert list(table["Dimension"])[0] == "Overall" and "Where you stand" in table.columns
    assert not any("ercentile rank" in c for c in table.columns)

    at.segmented_control(key="bench_segment").set_value("industry").run()
    no_exception(at)
    assert [w.value for w in at.warning] == [benchmarks.WITHHELD]
    assert any("All organisations · n = 12" in c.value for c in at.caption)
    assert at.get("download_button")[0].proto.label == f"Download {release.label} (CSV)"


def test_importing_a_bad_csv_lists_every_problem_and_a_good_one_becomes_a_source(db_path, current):
    store = Store(db_path)
    seed_demo(store, current, 20)
    good = exchange.export_benchmarks(store, current.key, synthetic=True)
    store.close()
    lines = good.splitlines()
    lines[1] = lines[1].replace(",20,", ",4,")
    lines[2] = lines[2].replace(",all,,", ",everyone,,")
    bad = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")

    at = open_page()
    assert any("Administrators signed in to the console" in c.value for c in at.caption)
    assert not at.file_uploader
    sign_in_as(at, db_path, "consultant@example.com", "consultant")
    assert not at.file_uploader  # importing is for administrators
    sign_in_as(at, db_path, "admin@example.com", "admin")
    at.file_uploader(key="bench_upload").set_value(("bad.csv", bad, "text/csv"))
    at.button(key="bench_import_go").click().run()
    no_exception(at)
    message = at.error[0].value
    assert md_escape("bad.csv") + " was rejected; nothing was imported." in message
    assert md_escape("row 1, column n_orgs: 4 is below the anonymity floor of 5 organisations") in message
    assert (
        md_escape("row 2, column segment_type: 'everyone' is not one of all, industry, size, region")
        in message
    )

    at.file_uploader(key="bench_upload").set_value(("good.csv", good.encode(), "text/csv"))
    at.text_input(key="bench_import_source").input("Client benchmark 2026")
    at.button(key="bench_import_go").click().run()
    no_exception(at)
    name = "Client benchmark 2026 (from 'Tandem synthetic sample')"
    assert f"Imported **{md_escape(name)}**" in at.success[0].value
    options = at.selectbox(key="bench_source").options
    assert any(
        o.startswith("Client benchmark 2026 (from 'Tandem synthetic sample') (imported set") for o in options
    )

    at.button(key="bench_import_go").click().run()  # the same file again
    assert "already imported on" in at.error[0].value


def test_importing_in_french_gives_dates_and_the_repeat_message_in_french(db_path, current):
    from datetime import UTC, datetime

    from babel.dates import format_date

    store = Store(db_path)
    seed_demo(store, current, 20)
    good = exchange.export_benchmarks(store, current.key, synthetic=True)
    store.close()
    today = format_date(datetime.now(UTC).date(), "medium", locale="fr")  # e.g. "26 nov. 2026"

    # French from the sidebar's picker, after the start page: AppTest formats a radio's value
    # with the page's format function in the test's own (English) thread, so the start page's
    # side radio cannot be drawn in French and then left.
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.session_state["tandem_language"] = "fr"
    no_exception(at.switch_page(PAGE).run())
    sign_in_as(at, db_path, "admin@example.com", "admin")
    assert at.button(key="bench_import_go").label == "Importer"  # the page is in French
    at.file_uploader(key="bench_upload").set_value(("good.csv", good.encode(), "text/csv"))
    at.button(key="bench_import_go").click().run()
    no_exception(at)
    assert f"généré le {today})" in at.success[0].value

    at.button(key="bench_import_go").click().run()  # the same file again
    message = at.error[0].value
    assert f"déjà été importé le {today} sous le nom" in message
    assert "already imported" not in message

    at.switch_page("pages/admin.py").run()
    no_exception(at)
    (label,) = at.selectbox(key="admin_set_pick").options
    assert label.endswith(f" · importé le {today}")


def test_the_peers_without_a_respondent_are_named_in_the_page_language(db_path, current):
    from assessment import translations

    store = Store(db_path)
    seed_demo(store, current, 20)
    store.close()
    french = translations.load_translation(current, "fr")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.session_state["tandem_language"] = "fr"  # as the picker sets it (see the test above)
    no_exception(at.switch_page(PAGE).run())
    titles = [d.title for d in french.dimensions]
    english = {d.title for d in current.dimensions} - set(titles)
    names = list(at.dataframe[0].value.iloc[:, 0])
    assert [n for n in names if n in titles] == titles  # every dimension, in order, in French
    _, data = chart_data(at)
    assert set(titles) <= set(data["dimension"])
    assert not english & (set(names) | set(data["dimension"]))  # no English title left
