"""The five attacks of issue 12, each replayed against the released benchmark, and the
disclosure rule's guarantees as properties (assessment/disclosure.py)."""

from __future__ import annotations

import csv
import io
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import benchmarks, disclosure, exchange, profile, releases, sessions
from assessment.disclosure import ALL, MIN_ORGS, QUARTILE_MIN, Unit
from assessment.store import InvalidInputError, Store
from tests.test_benchmarks import add_orgs, add_peers, publish

SCORE_COLUMNS = ["mean", "p25", "median", "p75"]


@pytest.fixture
def tiny_store(tiny):
    s = Store(None)
    s.register_questionnaire(tiny)
    yield s
    s.close()


def rows_of(text: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(csv.DictReader(io.StringIO(text))))
    frame["n_orgs"] = frame["n_orgs"].astype(int)
    for column in SCORE_COLUMNS:
        frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
    return frame


def try_export(store: Store, q) -> str | None:
    try:
        return exchange.export_benchmarks(store, q.key)
    except exchange.NotEnoughPeersError:
        return None


def try_publish(store: Store, q) -> None:
    try:
        publish(store, q)
    except releases.ReleaseRefusedError:
        pass


def difference_attack(before: str, after: str) -> dict[tuple[str, str, str], float]:
    """n'·mean' − n·mean for every segment and dimension that grew by exactly one organisation:
    that one organisation's score, if the figures are exact."""
    a = rows_of(before).set_index(["segment_type", "segment_value", "dimension_id"])
    b = rows_of(after).set_index(["segment_type", "segment_value", "dimension_id"])
    common = a.index.intersection(b.index)
    grew = common[(b.loc[common, "n_orgs"] - a.loc[common, "n_orgs"]) == 1]
    return {
        key: b.loc[key, "n_orgs"] * b.loc[key, "mean"] - a.loc[key, "n_orgs"] * a.loc[key, "mean"]
        for key in grew
    }


def scores_of(store: Store, round_id: str) -> dict[str, float]:
    return {k: v for k, v in store.round_scores(round_id).items() if v is not None}


# --- threat 1: two exports around one new organisation -------------------------------------------


def test_two_exports_around_one_new_organisation_give_nothing_away(tiny_store, tiny):
    levels = [[1 + (i * 5 + k) % 5 for k in range(9)] for i in range(10)]
    add_peers(tiny_store, tiny, [(profile.INDUSTRIES[i % 2], "1-249", "Europe") for i in range(10)], levels)
    try_publish(tiny_store, tiny)
    before = try_export(tiny_store, tiny)
    assert before is not None
    # One new client finishes, distinctive in its scores and alone in Healthcare, and is approved.
    newcomer = add_peers(
        tiny_store, tiny, [("Healthcare", "20,000+", "Africa")], [[5, 5, 5, 1, 1, 1, 4, 4, 4]]
    )[0]
    truth = scores_of(tiny_store, f"rnd-{newcomer}")
    try_publish(tiny_store, tiny)  # refused: one organisation changed since release 1
    after = try_export(tiny_store, tiny)
    assert after == before  # the download is the same release, byte for byte
    assert difference_attack(before, after) == {}
    # Four more join: now a release may be published, and it changes by five organisations at once.
    add_peers(tiny_store, tiny, [("Healthcare", "20,000+", "Africa")] * 4, [[3] * 9] * 4)
    publish(tiny_store, tiny)
    later = try_export(tiny_store, tiny)
    assert later != before
    assert difference_attack(before, later) == {}
    changed = rows_of(later).merge(rows_of(before), on=["segment_type", "segment_value", "dimension_id"])
    assert set(changed["n_orgs_x"] - changed["n_orgs_y"]) <= {0, 5}
    healthcare = rows_of(later)[rows_of(later)["segment_value"] == "Healthcare"]
    assert set(healthcare["n_orgs"]) <= {5}  # the five newcomers together, never the one alone
    for key, estimate in difference_attack(before, later).items():  # (empty, and if not: not the newcomer)
        assert abs(estimate - truth[key[2]]) > 0.1


# --- threat 2: fake self-assessments reaching a floor --------------------------------------------


def test_fake_self_assessments_never_count_as_peers(tiny_store, tiny):
    real_one = add_peers(tiny_store, tiny, [("Healthcare", "1-249", "Europe")], [[5] * 9])[0]
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 9, [[1 + i % 5] * 9 for i in range(9)])
    # Four public self-assessments in Healthcare, created from the Start page without signing in.
    for i in range(4):
        fake = sessions.start_self_assessment(
            tiny_store, tiny, organisation=f"Fake {i}", industry="Healthcare", size_band="1-249",
            region="Europe", side="it", role="CIO",
        )  # fmt: skip
        for question in tiny.questions:
            tiny_store.save_answer(fake.id, question.id, 1)
        tiny_store.mark_complete(fake.id)
    with pytest.raises(InvalidInputError, match="public self-assessment"):
        tiny_store.pool.approve_round(tiny_store.respondent(fake.id).round_id, "someone")
    release = publish(tiny_store, tiny)
    rows = rows_of(exchange.export_benchmarks(tiny_store, tiny.key))
    assert release.n_orgs == 10 and set(rows["n_orgs"]) <= {9, 10}
    assert not (rows["segment_value"] == "Healthcare").any()  # 1 real organisation: never shown
    assert set(rows.loc[rows["segment_type"] == "all", "n_orgs"]) == {10}
    # The console lists the fakes apart from the clients, and none of them counts.
    assert real_one in {o.id for o in tiny_store.pool.client_organisations()}
    assert not {o.name for o in tiny_store.pool.client_organisations()} & {f"Fake {i}" for i in range(4)}
    selfs = tiny_store.pool.pool_overview(self_assessed=True)
    assert sorted(selfs["name"]) == [f"Fake {i}" for i in range(4)] and not selfs["in_pool"].any()
    # Without a release, nothing real is compared: fakes cannot stand in for "peers" either.
    fresh = Store(None)
    try:
        add_orgs(fresh, tiny, [("Retail", "1-249", "Europe")] * 6, kind="self")
        assert benchmarks.compare(fresh, tiny.key, benchmarks.PEERS) is None
    finally:
        fresh.close()


# --- threat 3: one organisation missing a dimension ----------------------------------------------


def test_an_organisation_missing_a_dimension_changes_no_dimensions_n(tiny_store, tiny):
    add_peers(tiny_store, tiny, [(profile.INDUSTRIES[i % 2], "1-249", "Europe") for i in range(12)],
              [[1 + (i + k) % 5 for k in range(9)] for i in range(12)])  # fmt: skip
    # "data" has three questions: one answer is under half, so that dimension has no score.
    lacking = add_orgs(
        tiny_store, tiny, [("Retail", "1-249", "Europe")], [[4, 4, 4, 4, 4, 4, 4, None, None]]
    )[0]
    assert scores_of(tiny_store, f"rnd-{lacking}").get("overall") is not None
    with pytest.raises(InvalidInputError, match="no score yet in: data"):
        tiny_store.pool.approve_round(f"rnd-{lacking}", "consultant")
    publish(tiny_store, tiny)
    rows = rows_of(exchange.export_benchmarks(tiny_store, tiny.key))
    per_segment = rows.groupby(["segment_type", "segment_value"])["n_orgs"].nunique()
    assert (per_segment == 1).all()  # the same n in every dimension: no equation for one organisation
    assert set(rows.loc[rows["segment_type"] == "all", "n_orgs"]) == {12}


# --- threat 4: a respondent probing the band -----------------------------------------------------


def test_probing_ones_own_score_reveals_no_peer(tiny_store, tiny):
    levels = [[1 + (i * 3 + k * 2) % 5 for k in range(9)] for i in range(14)]
    ids = add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 14, levels)
    release = publish(tiny_store, tiny)
    exact = {scores_of(tiny_store, f"rnd-{i}")["overall"] for i in ids}
    viewer = tiny_store.organisation(
        add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")], name="Probe")[0]
    )
    # The attack: move one's own overall score across the scale and, above all, just below and
    # just above each peer's exact score, and watch where the answer changes.
    probes = sorted(
        {*np.round(np.arange(1.0, 5.0001, 0.05), 3), *(e + d for e in exact for d in (-0.001, 0.001))}
    )
    seen = {
        float(x): benchmarks.benchmark_panel(
            tiny_store, tiny.key, benchmarks.PEERS, viewer, {"overall": float(x)}, segment_types=("all",)
        )["all"]
        .benchmark.stats.set_index("dimension_id")
        .loc["overall", "band"]
        for x in probes
    }
    published = tiny_store.pool.release_stats(release.id, "all", None).set_index("dimension_id").loc["overall"]
    quartiles = [published["p25"], published["median"], published["p75"]]
    for x, band in seen.items():  # what is shown follows from the published figures alone …
        assert band == disclosure.band(x, published["mean"], *quartiles)
    for e in exact:  # … so stepping across a peer's exact score changes nothing
        assert seen[e - 0.001] == seen[e + 0.001]
    assert not set(quartiles) & exact and not {round(x, 2) for x in exact} & set(quartiles)
    assert "percentile" not in benchmarks.compare(tiny_store, tiny.key, benchmarks.PEERS).stats.columns


# --- threat 5: a segment of 6 ---------------------------------------------------------------------


def test_a_segment_of_six_publishes_no_quartiles(tiny_store, tiny):
    profiles = [("Retail", "1-249", "Europe")] * 6 + [("Technology", "1-249", "Europe")] * 6
    levels = [[1 + (i + k) % 5 for k in range(9)] for i in range(12)]
    ids = add_peers(tiny_store, tiny, profiles, levels)
    publish(tiny_store, tiny)
    rows = rows_of(exchange.export_benchmarks(tiny_store, tiny.key))
    retail = rows[rows["segment_value"] == "Retail"]
    assert len(retail) == 4 and (retail["n_orgs"] == 6).all()
    assert retail[["p25", "median", "p75"]].isna().all().all()
    exact = {
        d: {scores_of(tiny_store, f"rnd-{i}")[d] for i in ids[:6]} for d in ("overall", *tiny.dimension_ids)
    }
    for row in retail.itertuples():
        assert row.mean not in exact[row.dimension_id]
    everyone = rows[rows["segment_type"] == "all"]
    assert (everyone["n_orgs"] == 12).all() and everyone[["p25", "median", "p75"]].notna().all().all()


# --- the rule as properties ------------------------------------------------------------------------

scores_st = st.one_of(
    st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 7 / 3, 11 / 3, 3.25]),
    st.floats(1.0, 5.0, allow_nan=False),
)
unit_st = st.tuples(
    st.sampled_from(profile.INDUSTRIES[:3]),
    st.sampled_from(profile.SIZE_BANDS[:2]),
    st.sampled_from(profile.REGIONS[:2]),
    st.lists(scores_st, min_size=3, max_size=3),
)
DIMS = ("a", "b")


def make_units(drawn, start: int = 0) -> list[Unit]:
    return [
        Unit(f"r{start + i}", f"o{start + i}", ind, size, reg, {"a": s[0], "b": s[1], "overall": s[2]})
        for i, (ind, size, reg, s) in enumerate(drawn)
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=st.lists(unit_st, min_size=5, max_size=24), secret=st.binary(min_size=8, max_size=8))
def test_no_published_statistic_equals_an_exact_score_in_a_segment_under_ten(drawn, secret):
    units = make_units(drawn)
    segments = disclosure.segments_of(units)
    published = {k: v for k, v in segments.items() if k not in disclosure.choose_segments(segments)}
    table = disclosure.release_table(units, published, DIMS, secret, ("q", "1"))
    by_round = {u.round_id: u for u in units}
    for row in table.itertuples():
        members = published[(row.segment_type, row.segment_value)]
        exact = {by_round[r].scores[row.dimension_id] for r in members}
        figures = [row.mean, row.p25, row.median, row.p75]
        if row.n_orgs < QUARTILE_MIN:
            assert all(pd.isna(v) for v in figures[1:])
        for value in figures:
            if pd.notna(value):
                assert value not in exact and value not in {round(x, 2) for x in exact}
                assert 1 <= value <= 5
        assert row.n_orgs >= MIN_ORGS
        if row.n_orgs < QUARTILE_MIN:
            assert (
                abs(row.mean - np.mean(sorted(exact_list(by_round, members, row.dimension_id))))
                <= 1 / row.n_orgs + 0.02
            )


def exact_list(by_round, members, dim) -> list[float]:
    return [by_round[r].scores[dim] for r in members]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(unit_st, max_size=8), min_size=1, max_size=4), leave=st.data())
def test_no_two_published_groups_differ_by_one_to_four_organisations(batches, leave):
    """Release after release (organisations join, and some leave), every pair of published groups,
    in one release or two, has the same contributors or differs by at least five."""
    pool: list[Unit] = []
    history: list[dict] = []
    counter = itertools.count()
    for batch in batches:
        pool = pool + make_units(batch, start=next(counter) * 100)
        if pool and leave.draw(st.booleans()):
            pool.pop(leave.draw(st.integers(0, len(pool) - 1)))
        segments = disclosure.segments_of(pool)
        hidden = disclosure.choose_segments(segments, history)
        published = {k: v for k, v in segments.items() if k not in hidden}
        if len(pool) < MIN_ORGS or ALL not in published:
            continue
        groups = [g for release in history for g in release.values()] + list(published.values())
        for a, b in itertools.combinations(groups, 2):
            assert len(a ^ b) == 0 or len(a ^ b) >= MIN_ORGS
        for release in history:  # "all" minus the published parts of a type never isolates 1-4 changes
            if ALL in release:
                for segment_type in ("industry", "size", "region"):
                    both = [k for k in published if k[0] == segment_type and k in release]
                    rest = len(published[ALL] ^ release[ALL]) - sum(
                        len(published[k] ^ release[k]) for k in both
                    )
                    assert rest == 0 or rest >= MIN_ORGS
        history.append(published)


def test_the_same_contributors_always_publish_the_same_figures():
    units = make_units([("Retail", "1-249", "Europe", [2.0 + i / 10, 3.0, 2.5]) for i in range(12)])
    segments = disclosure.segments_of(units)  # Retail, 1-249 and Europe all hold everyone
    table = disclosure.release_table(units, segments, DIMS, b"key", ("q", "1"))
    assert table.groupby("dimension_id")[SCORE_COLUMNS].nunique().eq(1).all().all()
    again = disclosure.release_table(units, segments, DIMS, b"key", ("q", "1"))
    pd.testing.assert_frame_equal(table, again)  # asking again averages nothing away
    other = disclosure.release_table(units, segments, DIMS, b"another key", ("q", "1"))
    assert not table[SCORE_COLUMNS].equals(other[SCORE_COLUMNS])  # the noise hangs on the secret


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1.0, "Bottom quarter"),
        (2.5, "Second quarter"),
        (3.0, "Third quarter"),
        (3.9, "Third quarter"),
        (4.0, "Top quarter"),
    ],
)
def test_band_reads_the_published_quartiles(score, expected):
    assert disclosure.band(score, 3.1, 2.5, 3.0, 4.0) == expected


def test_band_without_quartiles_reads_the_mean():
    nan = float("nan")
    assert disclosure.band(3.5, 3.1, nan, nan, nan) == disclosure.ABOVE_MEAN
    assert disclosure.band(2.0, 3.1, None, None, None) == disclosure.BELOW_MEAN
    assert disclosure.band(None, 3.1, 2.0, 3.0, 4.0) is None


def test_a_release_changed_by_fewer_than_five_is_refused_and_says_why(tiny_store, tiny):
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6)
    first = publish(tiny_store, tiny)
    with pytest.raises(releases.ReleaseRefusedError, match="Nothing changed since the last release"):
        publish(tiny_store, tiny)
    ids = add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 2, name="Two more")
    with pytest.raises(releases.ReleaseRefusedError, match="Only 2 organisation"):
        publish(tiny_store, tiny)
    # Withdrawing one of them brings the change to 1; three more make it 4, then 5 may publish.
    assert tiny_store.pool.withdraw_organisation(ids[0], "Ada") == 1
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 4, name="Four more")
    second = publish(tiny_store, tiny)
    assert second.id == first.id + 1 and second.n_orgs == 11
    assert tiny_store.pool.benchmark_entry(f"rnd-{ids[0]}")["withdrawn_by"] == "Ada"


def test_consent_records_who_and_when_and_test_organisations_never_count(tiny_store, tiny):
    ids = add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6)
    tiny_store.pool.approve_round(f"rnd-{ids[0]}", "  ", note="signed letter 12 May")
    entry = tiny_store.pool.benchmark_entry(f"rnd-{ids[0]}")
    assert entry["consent_by"] == "console" and entry["consent_at"] is not None
    assert entry["consent_note"] == "signed letter 12 May" and not entry["self_assessed"]
    for org_id in ids[1:]:
        tiny_store.pool.approve_round(f"rnd-{org_id}", "Grace Hopper")
    tiny_store.pool.set_test_organisation(ids[1])
    assert len(tiny_store.pool.pool_units(tiny.key, tiny.dimension_ids)) == 5
    with pytest.raises(InvalidInputError, match="test organisations never count"):
        tiny_store.pool.approve_round(f"rnd-{ids[1]}", "Grace Hopper")
    assert publish(tiny_store, tiny).n_orgs == 5


def test_the_pool_lists_profiles_and_dates_in_the_readers_language():
    from datetime import datetime

    from assessment import i18n

    overview = pd.DataFrame(
        {
            "name": ["Client SA", "Gone SA"], "industry": ["Consumer goods", "Retail"],
            "size_band": ["250-999", "1-249"], "region": ["Europe", "Europe"],
            "finished_respondents": [3, 2], "is_test": [False, False], "round_id": ["r1", "r2"],
            "round_name": ["Workshop", "Pilot"], "consent_by": ["ana@example.com", "bob@example.com"],
            "consent_at": [datetime(2026, 3, 5, 9), datetime(2026, 2, 1, 9)],
            "withdrawn_at": [pd.NaT, datetime(2026, 4, 7, 9)], "withdrawn_by": [None, "bob@example.com"],
        }
    )  # fmt: skip
    english = releases.pool_table(overview)
    assert list(english["Industry"]) == ["Consumer goods", "Retail"]
    assert english["Benchmark"][0].endswith("on 2026-03-05")
    i18n.use("fr")
    try:
        french = releases.pool_table(overview)
        consumer_goods, retail = i18n._("Consumer goods"), i18n._("Retail")
    finally:
        i18n.use(i18n.SOURCE_LANGUAGE)
    assert consumer_goods != "Consumer goods"  # the French catalogue is compiled and in use
    assert list(french["Industry"]) == [consumer_goods, retail]
    assert list(french["Region"]) == ["Europe", "Europe"]
    assert french["Benchmark"][0].endswith("5 mars 2026") and "7 avr. 2026" in french["Benchmark"][1]
