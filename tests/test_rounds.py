"""The read model: one scored round drawn the same way by pages, reports and the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from assessment import benchmarks, exchange, progress, report, rounds, sessions, ui_round, views
from assessment.cli import main
from assessment.demo import seed_demo
from assessment.report import wording
from assessment.rounds import BenchmarkChoice, RoundError, load_round
from assessment.scoring import Respondent, score_round
from assessment.store import Store
from tests.conftest import APP
from tests.test_benchmarks import add_peers, publish

SET_NAME = "Consultancy peers 2026"


def _client(store: Store, q, name: str = "Northwind Retail", round_name: str = "2026 Q2", kind="consultant"):
    """A round where the CIO answers 4 everywhere and the CMO 2."""
    org = store.create_organisation(name, "Retail", "1,000-4,999", "Europe")
    rnd = store.create_round(org.id, round_name, q, kind=kind)
    for side, level in (("it", 4), ("marketing", 2)):
        person = sessions.join_round(store, rnd.join_code, side=side, role="CIO" if side == "it" else "CMO")
        for question in q.questions:
            store.save_answer(person.id, question.id, level)
        store.mark_complete(person.id)
    return org, rnd


def _with_imported_set(store: Store, q) -> str:
    """An imported set with an all-organisations and a Retail segment (made from 12 peers)."""
    add_peers(store, q, [("Retail", "1,000-4,999", "Europe")] * 6 + [("Healthcare", "1-249", "Asia")] * 6,
              [[1 + i % 5] * len(q.questions) for i in range(12)])  # fmt: skip
    publish(store, q)
    data = exchange.export_benchmarks(store, q.key).replace("Tandem", SET_NAME)
    exchange.import_benchmarks(store, data.encode(), {q.key: q}, SET_NAME)
    return SET_NAME


@pytest.fixture
def client(db_path, real):
    store = Store(db_path)
    seed_demo(store, real, 12)
    _with_imported_set(store, real)
    org, rnd = _client(store, real, kind="self")
    yield store, org, rnd
    store.close()


def test_same_choice_gives_the_same_tables(client, real):
    store, _, rnd = client
    choice = BenchmarkChoice(SET_NAME, "industry")
    a = load_round(store, {real.key: real}, rnd.id, choice=choice)
    b = load_round(store, {real.key: real}, rnd.id, choice=choice)
    for name in ("dimensions", "benchmark_table", "gaps", "priorities", "question_gaps"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.benchmark is not None and a.benchmark.segment == "Industry: Retail"
    assert SET_NAME in a.benchmark.source and a.choice.source.startswith("imported:")
    # Another choice is another comparison: the choice is not ignored.
    synthetic = load_round(store, {real.key: real}, rnd.id, choice=BenchmarkChoice("synthetic"))
    assert synthetic.benchmark.synthetic and not a.benchmark.synthetic


FRAMES = ("dimensions", "benchmark_table", "gaps", "priorities", "question_gaps", "references", "choices")


@pytest.mark.parametrize("choice", [BenchmarkChoice(SET_NAME, "industry"), BenchmarkChoice("synthetic")])
def test_one_read_gives_the_round_and_ones_own_part(client, real, choice):
    """The results page's single read equals the two loads it replaces, for each benchmark."""
    store, _, rnd = client
    qs = {real.key: real}
    cio = next(r for r in store.respondents_of(rnd.id) if r.side == "it")
    organisation, mine = rounds.load_round_and_own(store, qs, rnd.id, cio.id, choice=choice)
    expected = (
        load_round(store, qs, rnd.id, choice=choice, viewer_id=cio.id),
        load_round(store, qs, rnd.id, respondent_id=cio.id, choice=choice),
    )
    for got, want in zip((organisation, mine), expected, strict=True):
        for name in FRAMES:
            pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name))
        for name in ("respondent_id", "viewer_id", "choice", "finished", "targets", "results_released",
                     "fallback_reason", "counts", "own_answers"):  # fmt: skip
            assert getattr(got, name) == getattr(want, name), name
        assert got.result.overall == want.result.overall
        assert got.benchmark.label == want.benchmark.label
    assert organisation.viewer_id == cio.id and organisation.respondent_id is None
    assert mine.respondent_id == cio.id and [r.id for r in mine.respondents] == [cio.id]
    assert mine.finished == {"it": 1, "marketing": 0, "other": 0}
    assert organisation.finished == {"it": 1, "marketing": 1, "other": 0}
    assert mine.result.overall != organisation.result.overall  # 4 everywhere against 4 and 2
    with pytest.raises(RoundError, match="did not take part"):
        rounds.load_round_and_own(store, qs, rnd.id, "R-NOBODY", choice=choice)


def test_a_consultants_round_is_not_scored_for_a_respondent_until_released(db_path, real):
    """Until the consultant releases the results, a respondent's results page reads only their
    own part: the whole round is neither scored nor compared (a room finishing together)."""
    store = Store(db_path)
    try:
        seed_demo(store, real, 12)
        _org, rnd = _client(store, real, name="Workshop Co", kind="consultant")
        qs = {real.key: real}
        cio = next(r for r in store.respondents_of(rnd.id) if r.side == "it")
        organisation, mine = rounds.load_round_and_own(store, qs, rnd.id, cio.id)
        assert organisation is None
        assert mine.respondent_id == cio.id and mine.result.overall == 4 and not mine.results_released
        # Only the respondent's answers were read, and their part is what a full read gives.
        assert [r.id for r in store.respondents_of(rnd.id, only=cio.id)] == [cio.id]
        want = load_round(store, qs, rnd.id, respondent_id=cio.id)
        for name in FRAMES:
            pd.testing.assert_frame_equal(getattr(mine, name), getattr(want, name))
        for name in ("respondent_id", "finished", "targets", "results_released", "counts", "own_answers"):
            assert getattr(mine, name) == getattr(want, name), name
        assert mine.finished == {"it": 1, "marketing": 0, "other": 0}
        store.pool.release_results(rnd.id, "consultant@example.com")
        organisation, mine = rounds.load_round_and_own(store, qs, rnd.id, cio.id)
        assert organisation is not None and organisation.results_released
        assert organisation.result.overall == 3  # IT 4 and marketing 2, both sides weighed alike
        assert len(organisation.respondents) == 2 and mine.result.overall == 4
    finally:
        store.close()


def test_report_names_the_chosen_benchmark(client, real):
    store, _, rnd = client
    scored = load_round(store, {real.key: real}, rnd.id, choice=BenchmarkChoice(SET_NAME, "industry"))
    note = wording.benchmark_note(scored)
    assert SET_NAME in note and "Industry: Retail" in note and f"n = {scored.benchmark.n_orgs}" in note
    page = report.build_report(scored, "html").decode("utf-8")
    assert SET_NAME in page and "Industry: Retail" in page


def test_a_withheld_segment_falls_back_and_says_why(client, real):
    store, _, rnd = client
    choice = BenchmarkChoice.parse("peers", "industry:Public sector")
    scored = load_round(store, {real.key: real}, rnd.id, choice=choice)
    assert scored.comparison.segment_type == "all"
    assert scored.fallback_reason and scored.fallback_reason in wording.benchmark_note(scored)


def test_unknown_source_or_segment_lists_the_valid_ones(client, real):
    store, _, rnd = client
    with pytest.raises(RoundError, match=r"Unknown benchmark source 'nope'.*peers.*synthetic"):
        load_round(store, {real.key: real}, rnd.id, choice=BenchmarkChoice("nope"))
    with pytest.raises(RoundError, match="choose one of all, industry, size, region"):
        BenchmarkChoice.parse(None, "country:France")
    with pytest.raises(RoundError, match="Unknown industry 'Mining'.*Retail"):
        BenchmarkChoice.parse(None, "industry:Mining")
    assert BenchmarkChoice.parse("peers", "industry:Healthcare") == BenchmarkChoice("peers", "industry", "Healthcare")


def test_another_segment_value_can_be_named(client, real):
    store, _, rnd = client
    choice = BenchmarkChoice.parse(SET_NAME, "industry:Healthcare")
    scored = load_round(store, {real.key: real}, rnd.id, choice=choice)
    assert scored.benchmark.segment == "Industry: Healthcare"


def test_chart_ranks_are_scorings_ranks(tiny):
    # Priorities 3 x (5 - 2.995) = 6.015 and 3 x (5 - 3.004) = 5.988 round to 6.01 and 5.99; with
    # importances that make the rounded products tie or flip, ranks must still be scoring's.
    answers = {"strategy-1": 3, "strategy-2": 3, "strategy-3": 2, "data-1": 3, "data-2": 3, "data-3": 4}
    people = [
        Respondent("a", "it", answers, {"strategy": 3, "data": 4, "experience": 2}),
        Respondent("b", "marketing", {**answers, "experience-1": 1, "experience-2": 2}, {"strategy": 5}),
    ]
    result = score_round(tiny, people)
    frame = views.priority_frame(result)
    assert frame["rank"].tolist() == [p.rank for p in result.ranking]
    assert frame["dimension_id"].tolist() == [p.dimension_id for p in result.ranking]
    assert [r["rank"] for r in views.recommendations(result)] == [p.rank for p in result.priorities]


def test_targets_carry_into_the_next_round_and_reports_show_progress(db_path, real):
    store = Store(db_path)
    org, first = _client(store, real, round_name="2026 Q2")
    targets = {d.id: 4.0 for d in real.dimensions}
    store.engagements.set_targets(first.id, targets)
    store.engagements.close_round(first.id)
    second = store.create_round(org.id, "2026 Q4", real, kind="consultant")
    for side, level in (("it", 5), ("marketing", 3)):
        person = sessions.join_round(store, second.join_code, side=side, role="CIO" if side == "it" else "CMO")
        for question in real.questions:
            store.save_answer(person.id, question.id, level)
    scored = load_round(store, {real.key: real}, second.id)
    assert scored.targets == targets and scored.targets_carried_from == "2026 Q2"
    assert scored.previous is not None and scored.previous.round.id == first.id
    change = scored.change.set_index("dimension_id")
    assert change.loc["overall", "previous"] == 3.0 and change.loc["overall", "change"] == 1.0
    assert scored.percent_of_target == 100.0  # 4.0 everywhere against targets of 4.0
    note = wording.progress_note(scored)
    assert "2026 Q2" in note and "+1.00" in note and "carried over from 2026 Q2" in note
    for fmt in ("pdf", "html", "xlsx"):
        assert report.build_report(scored, fmt)
    page = report.build_report(scored, "html").decode("utf-8")
    assert "Targets and progress" in page and "100 %" in page
    # Saving targets in the new round makes them its own; the first round keeps its own.
    store.engagements.set_targets(second.id, {d.id: 4.5 for d in real.dimensions})
    again = load_round(store, {real.key: real}, second.id)
    assert again.targets_carried_from is None and set(again.targets.values()) == {4.5}
    assert set(load_round(store, {real.key: real}, first.id).targets.values()) == {4.0}
    store.close()


def test_report_command_takes_benchmark_and_segment(client, real, tmp_path, capsys):
    store, _, rnd = client
    store.close()
    out = tmp_path / "report.html"
    args = ["report", "--db", store.path, "--round", rnd.id, "--format", "html", "--out", str(out)]
    assert main([*args, "--benchmark", SET_NAME, "--segment", "industry"]) == 0
    assert SET_NAME in out.read_text() and "Industry: Retail" in out.read_text()
    assert main([*args, "--benchmark", "nobody"]) == 2
    assert "Unknown benchmark source 'nobody'" in capsys.readouterr().err
    assert main([*args, "--segment", "planet:Mars"]) == 2
    assert "Unknown segment type 'planet'" in capsys.readouterr().err


def test_results_page_report_uses_the_pages_choice(client, monkeypatch):
    """The tables the page draws are the tables the report renders, for the choice on the page."""
    store, _, rnd = client
    record = next(r for r in (store.respondent(p.id) for p in store.respondents_of(rnd.id)) if r.side == "it")
    key = next(s.key for s in benchmarks.available_sources(store, rnd.questionnaire_key) if s.name == SET_NAME)
    store.close()
    handed = []  # what the page hands to its report download: the round it drew
    monkeypatch.setattr(ui_round, "report_downloads", lambda scored, **kw: handed.append(scored))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["r"] = record.token
    at.run()
    at.switch_page("pages/results.py").run()
    at.selectbox(key="results_bench_source").set_value(key)
    at.segmented_control(key="results_bench_segment").set_value("industry")
    at.run()
    assert not at.exception
    assert handed
    scored = handed[-1]
    assert scored.choice == rounds.BenchmarkChoice(key, "industry")
    assert scored.benchmark.segment == "Industry: Retail" and SET_NAME in scored.benchmark.source
    drawn = _chart_rows(at, "Where you sit among your peers")
    expected = scored.benchmark_table[["dimension", "score", "median", "p25", "p75", "n"]]
    assert [(r["dimension"], r["median"], r["n"]) for r in drawn] == list(
        zip(expected["dimension"], expected["median"], expected["n"], strict=True)
    )
    shown = [c.value.replace("\\", "") for c in at.caption]  # captions are Markdown-escaped
    assert any(SET_NAME in c and "Industry: Retail" in c for c in shown), shown
    page = report.build_report(scored, "html").decode("utf-8")  # what the download button builds
    assert SET_NAME in page and "Industry: Retail" in page


def _chart_rows(at: AppTest, title: str) -> list[dict]:
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if spec.get("title", {}).get("text") == title:
            datasets = {d.name: d for d in element.proto.datasets}
            name = next(iter(datasets))
            frame = _arrow_frame(datasets[name].data.data)
            return frame.to_dict("records")
    raise AssertionError(f"no chart titled {title!r}")


def _arrow_frame(data: bytes) -> pd.DataFrame:
    import pyarrow as pa

    return pa.ipc.open_stream(data).read_pandas()


def test_every_page_draws_the_read_model(client, real):
    """Results, workshop and Benchmarks all run on the same round without an error."""
    store, org, rnd = client
    record = next(store.respondent(p.id) for p in store.respondents_of(rnd.id))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["r"] = record.token
    at.run()
    for page in ("pages/results.py", "pages/benchmarks.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    assert isinstance(load_round(store, {real.key: real}, rnd.id), rounds.ScoredRound)


def test_a_round_under_a_newer_version_compares_only_what_continuity_declares(db_path, real):
    from assessment.questionnaire import load_questionnaire
    from tests.conftest import ROOT

    v2 = load_questionnaire(ROOT / "questionnaires" / "cio-cmo-alignment-2.0.0.toml")
    installed = {real.key: real, v2.key: v2}
    store = Store(db_path)
    store.register_questionnaire(real)
    store.register_questionnaire(v2)
    org, first = _client(store, real, round_name="2025 under 1.0")
    store.engagements.set_targets(first.id, {d.id: 4.0 for d in real.dimensions})
    store.engagements.close_round(first.id)
    second = store.create_round(org.id, "2026 under 2.0", v2, kind="consultant")
    person = sessions.join_round(store, second.join_code, side="it", role="CIO")
    for question in v2.scored_questions:
        store.save_answer(person.id, question.id, 5)
    scored = load_round(store, installed, second.id)
    store.close()
    assert scored.previous is not None and scored.previous.comparable
    # Targets carry only into dimensions declared equivalent; AI in marketing is new in 2.0.
    declared = {new for new, _old in v2.continuity.dimensions}
    assert set(scored.targets) == declared and "ai" not in scored.targets
    change = scored.change.set_index("dimension_id")
    assert pd.isna(change.loc["overall", "change"])  # overall scores of two versions do not compare
    assert change.loc["strategy", "previous"] == 3.0 and change.loc["strategy", "change"] == 2.0
    new_only = [d for d in v2.dimension_ids if d not in declared]
    assert new_only and change.loc[new_only, "previous"].isna().all()
    # Question by question: only declared equivalents get an earlier value.
    table = progress.compare_rounds(scored.previous.result, scored.result, scored.previous.correspondence)
    mapped = {new for new, _old in v2.continuity.questions}
    with_earlier = set(table.loc[table["earlier"].notna(), "question_id"])
    assert with_earlier == mapped & {q.id for q in v2.scored_questions}
    assert len(table) == len(v2.scored_questions)
