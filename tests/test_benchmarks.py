"""Benchmarks: the anonymity rules (floor and differencing), sources and segments, the CSV export
and import with their round trip, duplicates, rejections, and questionnaire-version isolation."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import benchmarks, cli, disclosure, exchange, profile, releases, views
from assessment.benchmarks import MIN_ORGS, publishable_segments
from assessment.formats import (
    BENCHMARK_COLUMNS,
    BENCHMARK_COLUMNS_V1,
    BenchmarkImportError,
    BenchmarkTable,
    parse_benchmark_csv,
)
from assessment.questionnaire import Questionnaire, load_questionnaire
from assessment.scoring import score_round
from assessment.store import InvalidInputError, Store, utcnow
from assessment.store.benchmark_sets import DuplicateBenchmarkSetError
from tests.conftest import TINY

STAMP = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TYPES = {"industry": "industry", "size": "size_band", "region": "region"}
Profile = tuple[str, str, str]  # industry, size band, region
_BATCH = itertools.count()  # keeps ids unique across calls on one store


def add_orgs(
    store: Store,
    q: Questionnaire,
    profiles: Sequence[Profile],
    levels: Sequence[Sequence[int | None]] | None = None,
    *,
    synthetic: bool = False,
    name: str = "Secret Org",
    kind: str = "consultant",
) -> list[str]:
    """Organisations with one finished round each (a consultant's round unless ``kind`` says
    "self"), one IT respondent answering ``levels`` (one list per organisation, one level per
    question; default: all 3). Returns their ids. They count in no benchmark until approved."""
    store.register_questionnaire(q)
    now = utcnow()
    tag = next(_BATCH)
    ids = [f"org-{tag}-{i}" for i in range(len(profiles))]
    orgs = pd.DataFrame(
        {
            "id": ids,
            "name": [f"{name} {i}" for i in range(len(profiles))],
            "industry": [p[0] for p in profiles],
            "size_band": [p[1] for p in profiles],
            "region": [p[2] for p in profiles],
            "synthetic": synthetic,
            "created_at": now,
        }
    )
    rounds = pd.DataFrame(
        {
            "id": [f"rnd-{i}" for i in ids],
            "organisation_id": ids,
            "name": "Round 1",
            "questionnaire_id": q.id,
            "questionnaire_version": q.version,
            "kind": kind,
            "status": "closed",
            "created_at": now,
            "closed_at": now,
        }
    )
    respondents = pd.DataFrame(
        {
            "id": [f"R-{i}" for i in ids],
            "token": [f"token-{i}" for i in ids],
            "round_id": rounds["id"],
            "side": "it",
            "role": "CIO",
            "created_at": now,
            "completed_at": now,
        }
    )
    questions = [x.id for x in q.questions]
    levels = levels if levels is not None else [[3] * len(questions)] * len(profiles)
    answers = pd.DataFrame(
        {
            "respondent_id": [f"R-{i}" for i in ids for _ in questions],
            "question_id": questions * len(ids),
            "level": pd.array([lv for row in levels for lv in row], dtype="Int64"),
            "answered_at": now,
        }
    )
    frames = {"organisations": orgs, "rounds": rounds, "respondents": respondents, "answers": answers}
    store.bulk_insert(frames if len(profiles) else {})
    store.refresh_round_scores()
    return ids


def approve_all(store: Store, ids: Sequence[str], *, by: str = "test consultant") -> list[str]:
    """Approve every organisation's round that is scored in every dimension; returns those."""
    approved = []
    for org_id in ids:
        try:
            store.pool.approve_round(f"rnd-{org_id}", by, include_self_assessed=store.pool.is_self_assessed(org_id))
        except InvalidInputError:
            continue
        approved.append(org_id)
    return approved


def add_peers(store: Store, q: Questionnaire, profiles: Sequence[Profile], levels=None, **kw) -> list[str]:
    """Client organisations whose rounds are approved for the benchmark."""
    ids = add_orgs(store, q, profiles, levels, **kw)
    approve_all(store, ids)
    return ids


def publish(store: Store, q: Questionnaire):
    return releases.publish_release(store, q, "test consultant")


def parsed(text: str, q: Questionnaire) -> pd.DataFrame:
    return parse_benchmark_csv(text.encode(), {q.key: q}).rows


def remainders(rows: pd.DataFrame, n_all: dict[str, int]) -> dict[tuple[str, str], int]:
    """Per dimension and segment type: organisations not covered by a published segment."""
    out = {}
    for dim, total in n_all.items():
        for segment_type in TYPES:
            shown = rows[(rows["dimension_id"] == dim) & (rows["segment_type"] == segment_type)]
            out[(dim, segment_type)] = total - int(shown["n_orgs"].sum())
    return out


def assert_anonymous(rows: pd.DataFrame, n_all: dict[str, int]) -> None:
    """The export's guarantees: the floor, no child 1-4 away from 'all', no small remainder."""
    assert (rows["n_orgs"] >= MIN_ORGS).all()
    for dim, total in n_all.items():
        if total < MIN_ORGS:  # then nothing of that dimension is published, not even "all"
            assert not (rows["dimension_id"] == dim).any(), dim
    for (dim, segment_type), left in remainders(rows, n_all).items():
        assert left == 0 or left >= MIN_ORGS or n_all[dim] < MIN_ORGS, (dim, segment_type, left)
    for row in rows.itertuples():
        assert not 0 < n_all[row.dimension_id] - row.n_orgs < MIN_ORGS, row


@pytest.fixture
def tiny_store(tiny) -> Store:
    s = Store(None)
    s.register_questionnaire(tiny)
    yield s
    s.close()


# --- the anonymity rules, on their own -------------------------------------------------------

profiles_st = st.lists(
    st.tuples(
        st.sampled_from(profile.INDUSTRIES),
        st.sampled_from(profile.SIZE_BANDS),
        st.sampled_from(profile.REGIONS),
    ),
    max_size=30,
)


def _segments_from(profiles: Sequence[Profile], missing: Sequence[set[str]]) -> pd.DataFrame:
    """peer_segments' shape (counts only) for organisations lacking some dimensions."""
    rows = []
    for (industry, size, region), lacks in zip(profiles, missing, strict=True):
        for dim in ("overall", "a", "b"):
            if dim == "overall" or dim not in lacks:
                for segment_type, value in (
                    ("all", None),
                    ("industry", industry),
                    ("size", size),
                    ("region", region),
                ):
                    rows.append((segment_type, value, dim))
    frame = pd.DataFrame(rows, columns=["segment_type", "segment_value", "dimension_id"])
    counts = frame.fillna({"segment_value": ""}).value_counts().rename("n_orgs").reset_index()
    counts["segment_value"] = counts["segment_value"].replace("", None)
    for column in ("mean", "p25", "median", "p75"):
        counts[column] = 3.0
    return counts


@settings(max_examples=300, deadline=None)
@given(data=st.data(), profiles=profiles_st)
def test_publishable_segments_never_isolate_fewer_than_five(data, profiles):
    missing = [data.draw(st.sets(st.sampled_from(["a", "b"]), max_size=1)) for _ in profiles]
    segments = _segments_from(profiles, missing)
    shown = publishable_segments(segments)
    truth = segments[segments["segment_type"] == "all"].set_index("dimension_id")["n_orgs"].to_dict()
    assert_anonymous(shown, truth)
    if len(profiles) >= MIN_ORGS:
        assert {"overall"} <= set(shown.loc[shown["segment_type"] == "all", "dimension_id"])
    else:
        assert shown.empty
    # A segment suppressed overall is suppressed in every dimension.
    whole = shown[shown["dimension_id"] == "overall"]
    overall = set(zip(whole["segment_type"], whole["segment_value"], strict=True))
    assert set(zip(shown["segment_type"], shown["segment_value"], strict=True)) <= overall


# --- the anonymity rules, end to end through the store and the CSV ---------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), profiles=profiles_st)
def test_export_never_contains_a_small_or_recoverable_segment(data, profiles, tiny):
    levels = [
        data.draw(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=9, max_size=9)) for _ in profiles
    ]
    store = Store(None)
    try:
        add_peers(store, tiny, profiles, levels)
        pool = len(store.pool.pool_units(tiny.key, tiny.dimension_ids))  # only rounds scored everywhere
        n_all = {d: pool for d in ("overall", *tiny.dimension_ids)}  # the same n in every dimension
        if pool < MIN_ORGS:
            with pytest.raises(releases.ReleaseRefusedError):
                publish(store, tiny)
            with pytest.raises(exchange.NotEnoughPeersError):
                exchange.export_benchmarks(store, tiny.key)
            return
        publish(store, tiny)
        rows = parsed(exchange.export_benchmarks(store, tiny.key), tiny)
        assert_anonymous(rows, n_all)
        assert (
            rows.loc[(rows["segment_type"] == "all") & (rows["dimension_id"] == "overall"), "n_orgs"].item()
            == pool
        )
        per_segment = rows.groupby(["segment_type", "segment_value"])["n_orgs"].nunique()
        assert (per_segment == 1).all()  # no dimension has another n than its segment
        assert rows.loc[rows["n_orgs"] < 10, ["p25", "median", "p75"]].isna().all().all()
    finally:
        store.close()


def test_all_minus_retail_leaving_three_reveals_nothing(tiny_store, tiny):
    """8 organisations: 5 in Retail, 3 in Technology. Retail passes the floor, but "all" minus
    Retail would be the 3 Technology organisations' sum, so Retail is withheld as well."""
    retail = [("Retail", "250-999", "Europe")] * 5
    tech = [("Technology", "250-999", "Europe")] * 3
    add_peers(
        tiny_store, tiny, retail + tech, [[2] * 9] * 5 + [[5, 5, 5, 4, 4, 4, 1, 1, 1], [4] * 9, [3] * 9]
    )
    publish(tiny_store, tiny)
    rows = parsed(exchange.export_benchmarks(tiny_store, tiny.key), tiny)
    assert set(rows["segment_type"]) == {"all", "size", "region"}  # no industry row at all
    assert_anonymous(rows, {d: 8 for d in ("overall", *tiny.dimension_ids)})
    # Size and region hold everyone: the same organisations as "all", so the same figures, noise
    # included (the perturbation is keyed by the contributors, not by the segment's name).
    numbers = ["n_orgs", "mean", "p25", "median", "p75"]
    everyone = rows[rows["segment_type"] == "all"].set_index("dimension_id")[numbers]
    for segment_type in ("size", "region"):
        same = rows[rows["segment_type"] == segment_type].set_index("dimension_id")[numbers]
        pd.testing.assert_frame_equal(same.sort_index(), everyone.sort_index())
    # Every published figure covers the same 8 organisations: no subtraction isolates anyone.
    assert set(rows["n_orgs"]) == {8}
    # Seen from a ninth organisation in Retail, the page withholds Retail for the same reason.
    viewer = add_orgs(tiny_store, tiny, [("Retail", "250-999", "Europe")], name="Viewer")[0]
    org = tiny_store.organisation(viewer)
    panel = benchmarks.benchmark_panel(tiny_store, tiny.key, benchmarks.PEERS, org, {"overall": 3.0})
    assert panel["industry"].benchmark is None and panel["industry"].reason == benchmarks.WITHHELD
    assert panel["all"].benchmark.n_orgs == 8


def test_complementary_suppression_hides_the_next_smallest_sibling(tiny_store, tiny):
    """Retail 6, Technology 7, Healthcare 2: Healthcare is under the floor, and "all" minus the
    others would give its 2 organisations away, so Retail (the smaller) goes too."""
    industries = ["Retail"] * 6 + ["Technology"] * 7 + ["Healthcare"] * 2
    add_peers(tiny_store, tiny, [(i, "1-249", "Europe") for i in industries])
    publish(tiny_store, tiny)
    rows = parsed(exchange.export_benchmarks(tiny_store, tiny.key), tiny)
    industry = rows[(rows["segment_type"] == "industry") & (rows["dimension_id"] == "overall")]
    assert industry["segment_value"].tolist() == ["Technology"]
    assert remainders(rows, {"overall": 15})[("overall", "industry")] == 8


def test_segment_below_the_floor_is_not_compared(tiny_store, tiny):
    add_peers(
        tiny_store, tiny, [("Technology", "1-249", "Europe")] * 10 + [("Retail", "1-249", "Asia-Pacific")] * 2
    )
    publish(tiny_store, tiny)
    viewer = add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")], name="Viewer")[0]
    org = tiny_store.organisation(viewer)
    assert benchmarks.compare(tiny_store, tiny.key, "peers", "industry", org, {"overall": 3.0}) is None
    panel = benchmarks.benchmark_panel(tiny_store, tiny.key, "peers", org)
    assert panel["industry"].reason == benchmarks.WITHHELD  # Retail: 2
    assert panel["region"].reason == benchmarks.WITHHELD  # Europe 10 of 12: 2 left over
    assert panel["size"].benchmark.n_orgs == 12 and panel["all"].benchmark.n_orgs == 12


# --- comparing ---------------------------------------------------------------------------


def test_panel_shows_the_release_as_published_with_bands(tiny_store, tiny):
    profiles = [(profile.INDUSTRIES[i % 3], profile.SIZE_BANDS[i % 2], "Europe") for i in range(30)]
    levels = [[1 + (i * 7 + k) % 5 for k in range(9)] for i in range(30)]
    add_peers(tiny_store, tiny, profiles, levels)
    release = publish(tiny_store, tiny)
    viewer = add_orgs(tiny_store, tiny, [profiles[0]], [[4] * 9], name="Viewer")[0]
    org = tiny_store.organisation(viewer)
    scores = {"overall": 3.1, "strategy": 4.0, "data": None}
    panel = benchmarks.benchmark_panel(tiny_store, tiny.key, "peers", org, scores)
    published = tiny_store.pool.release_rows(release.id)
    for segment_type, value in (("all", ""), ("industry", org.industry), ("size", org.size_band)):
        got = panel[segment_type].benchmark
        assert got.release == release and f"Benchmark release {release.id} of" in got.label
        stats = got.stats.set_index("dimension_id").sort_index()
        want = published[(published["segment_type"] == segment_type) & (published["segment_value"] == value)]
        want = want.set_index("dimension_id").sort_index()
        assert (stats["n"] == want["n_orgs"]).all() and (stats["mean"] == want["mean"]).all()
        assert pd.isna(stats.loc["data", "band"])  # no score, no band
        row = stats.loc["strategy"]
        expected = disclosure.band(4.0, row["mean"], row["p25"], row["median"], row["p75"])
        assert row["band"] == expected and expected in disclosure.BANDS + (
            disclosure.ABOVE_MEAN,
            disclosure.BELOW_MEAN,
        )
        assert "percentile" not in got.stats.columns
    assert panel["all"].benchmark.n_orgs == 30  # the release: the viewer was never approved


def test_sources_are_named_and_synthetic_is_labelled(tiny_store, tiny):
    sample = add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6, synthetic=True, name="Sample")
    sources = benchmarks.available_sources(tiny_store, tiny.key)
    assert [s.key for s in sources] == ["peers", "synthetic"]
    assert "no benchmark release published yet" in sources[0].label
    assert "synthetic sample" in sources[1].label.lower() and sources[1].synthetic
    assert benchmarks.default_source(sources) == "synthetic"
    bench = benchmarks.compare(tiny_store, tiny.key, "synthetic")
    assert bench.synthetic and "synthetic sample" in bench.label.lower() and bench.n_orgs == 6
    assert benchmarks.compare(tiny_store, tiny.key, "peers") is None  # synthetic never counts as real
    with pytest.raises(InvalidInputError, match="Synthetic and test organisations never count"):
        tiny_store.pool.approve_round(f"rnd-{sample[0]}", "me")

    # An imported copy of the synthetic sample keeps its label, whatever it is named.
    set_id = exchange.import_benchmarks(tiny_store, _csv(tiny_store, tiny, True), {tiny.key: tiny}, "Demo")
    sources = benchmarks.available_sources(tiny_store, tiny.key)
    assert sources[1].key == f"imported:{set_id}" and sources[1].synthetic
    assert sources[1].label.startswith("Demo (from 'Tandem synthetic sample') (imported set, generated ")
    assert benchmarks.compare(tiny_store, tiny.key, sources[1].key).synthetic


def _csv(store: Store, q: Questionnaire, synthetic: bool = False) -> bytes:
    return exchange.export_benchmarks(store, q.key, synthetic=synthetic, generated_at=STAMP).encode()


def _count_panel_reads(store: Store, monkeypatch, during=None) -> list[int]:
    """Counts reads of the synthetic panel; ``during`` runs inside each read, before the query
    (after the fingerprint the panel is kept by was taken)."""
    reads = [0]
    original = store.benchmark_sets.peer_panel

    def counted(*args, **kwargs):
        reads[0] += 1
        if during is not None:
            during()
        return original(*args, **kwargs)

    monkeypatch.setattr(store.benchmark_sets, "peer_panel", counted)
    return reads


def test_the_synthetic_panel_is_kept_until_the_sample_changes(tiny_store, tiny, monkeypatch):
    """A room of one organisation's respondents reads the synthetic sample's segments once; any
    change to the rows they come from (another organisation, a changed score, a changed
    segment) is read afresh."""
    benchmarks.forget_panels()
    reads = _count_panel_reads(tiny_store, monkeypatch)
    add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6, synthetic=True, name="Sample")
    viewer = tiny_store.organisation(add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")], name="Viewer")[0])

    def shown() -> tuple[int, float]:
        bench = benchmarks.compare(tiny_store, tiny.key, "synthetic", "industry", viewer, {"overall": 4.0})
        overall = bench.stats.set_index("dimension_id").loc["overall"]
        return int(overall["n"]), float(overall["mean"])

    assert shown() == (6, 3.0) and reads == [1]
    assert shown() == (6, 3.0) and reads == [1]  # read once, kept
    added = add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")], [[5] * 9], synthetic=True, name="More")
    n, mean = shown()
    assert n == 7 and mean == pytest.approx((6 * 3 + 5) / 7)
    # A changed score of the same organisation: the same rows, another value.
    rnd = tiny_store.rounds_of(added[0])[0]
    with tiny_store.db.transaction() as cur:
        cur.execute(
            "UPDATE answers SET level = 1 WHERE respondent_id IN (SELECT id FROM respondents WHERE round_id = ?)",
            [rnd.id],
        )
    tiny_store.refresh_round_scores([rnd.id])
    assert shown() == (7, pytest.approx((6 * 3 + 1) / 7))
    # Moved to another industry: Retail's 6 would now give the one other organisation away.
    with tiny_store.db.transaction() as cur:
        cur.execute("UPDATE organisations SET industry = 'Technology' WHERE id = ?", [added[0]])
    tiny_store.refresh_peer_scores([added[0]])
    assert benchmarks.compare(tiny_store, tiny.key, "synthetic", "industry", viewer, {"overall": 4.0}) is None


def test_a_panel_read_while_the_sample_changed_is_not_kept(tiny_store, tiny, monkeypatch):
    """An organisation added while the panel was read, then erased, brings the rows back to what
    they were before: the panel read in between (with it) must not be served for them."""
    benchmarks.forget_panels()
    add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6, synthetic=True, name="Sample")
    viewer = tiny_store.organisation(add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")], name="Viewer")[0])
    added: list[str] = []
    reads = _count_panel_reads(
        tiny_store,
        monkeypatch,
        during=lambda: added or added.extend(
            add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")], [[5] * 9], synthetic=True, name="Late")
        ),
    )

    def n_shown() -> int:
        bench = benchmarks.compare(tiny_store, tiny.key, "synthetic", "all", viewer, {"overall": 4.0})
        return int(bench.stats.set_index("dimension_id").loc["overall", "n"])

    assert n_shown() == 7  # the late organisation's rows arrived just before the query
    with tiny_store.db.transaction() as cur:
        cur.execute("DELETE FROM peer_scores WHERE organisation_id = ?", [added[0]])
    # The rows are as they were when the first fingerprint was taken: read again, not served
    # the panel that still counts the erased organisation.
    assert n_shown() == 6 and reads == [2]


def test_imported_set_compares_with_bands_from_its_quartiles(tiny_store, tiny):
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 12, [[1 + i % 5] * 9 for i in range(12)])
    publish(tiny_store, tiny)
    set_id = exchange.import_benchmarks(
        tiny_store, _csv(tiny_store, tiny), {tiny.key: tiny}, "Consultancy 2026"
    )
    bench = benchmarks.compare(
        tiny_store, tiny.key, f"imported:{set_id}", "all", None, {"overall": 3.0, "data": None}
    )
    assert "Consultancy 2026" in bench.source and bench.release is None
    stats = bench.stats.set_index("dimension_id")
    row = stats.loc["overall"]
    assert row["band"] == disclosure.band(3.0, row["mean"], row["p25"], row["median"], row["p75"])
    assert pd.isna(stats.loc["data", "band"])
    table = views.benchmark_frame(score_round(tiny, []), bench)
    assert "Where you stand" in benchmarks.standing_table(table).columns


# --- export ------------------------------------------------------------------------------


def test_export_has_every_version_1_column_the_release_and_no_names_or_ids(tiny_store, tiny):
    ids = add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6, name="Zebra Holdings")
    release = publish(tiny_store, tiny)
    text = exchange.export_benchmarks(tiny_store, tiny.key)
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == BENCHMARK_COLUMNS and table[0][: len(BENCHMARK_COLUMNS_V1)] == list(
        BENCHMARK_COLUMNS_V1
    )
    assert {row[0] for row in table[1:]} == {"2"}
    assert {row[BENCHMARK_COLUMNS.index("release_id")] for row in table[1:]} == {str(release.id)}
    assert {row[BENCHMARK_COLUMNS.index("source")] for row in table[1:]} == {
        f"Tandem benchmark release {release.id} (6 organisations)"
    }
    stamp = table[1][BENCHMARK_COLUMNS.index("generated_at")]
    assert stamp.endswith("Z") and datetime.fromisoformat(stamp).replace(
        tzinfo=None
    ) == release.published_at.replace(microsecond=0)
    for secret in ("Zebra", "org-", "rnd-", "R-", "token", "Round 1", *ids):
        assert secret not in text
    assert exchange.export_benchmarks(tiny_store, tiny.key) == text  # the same release, the same file


def test_synthetic_export_is_labelled_and_real_export_leaves_it_out(tiny_store, tiny):
    add_orgs(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 7, synthetic=True, name="Sample")
    with pytest.raises(exchange.NotEnoughPeersError, match="no benchmark release has been published"):
        exchange.export_benchmarks(tiny_store, tiny.key)
    with pytest.raises(releases.ReleaseRefusedError, match="a release needs at least 5"):
        publish(tiny_store, tiny)
    assert not exchange.can_export(tiny_store, tiny.key)
    rows = list(csv.DictReader(io.StringIO(exchange.export_benchmarks(tiny_store, tiny.key, synthetic=True))))
    assert {r["source"] for r in rows} == {"Tandem synthetic sample"}


def test_export_import_export_gives_the_same_file(tiny_store, tiny):
    profiles = [(profile.INDUSTRIES[i % 2], profile.SIZE_BANDS[i % 3], "Europe") for i in range(40)]
    add_peers(tiny_store, tiny, profiles, [[1 + (i * 3 + k) % 5 for k in range(9)] for i in range(40)])
    publish(tiny_store, tiny)
    first = exchange.export_benchmarks(tiny_store, tiny.key)
    other = Store(None)
    try:
        set_id = exchange.import_benchmarks(other, first.encode(), {tiny.key: tiny})
        second = exchange.export_benchmark_set(other, set_id)
    finally:
        other.close()
    assert second == first
    assert parsed(second, tiny).equals(parsed(first, tiny))


def test_same_set_imported_twice_is_refused(tiny_store, tiny):
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6)
    publish(tiny_store, tiny)
    data = _csv(tiny_store, tiny)
    exchange.import_benchmarks(tiny_store, data, {tiny.key: tiny}, "Client benchmark")
    # The same figures under another name and date are still the same set.
    stamp = data.split(b"\n")[1].split(b",")[BENCHMARK_COLUMNS.index("generated_at")]
    again = data.replace(stamp, b"2026-06-01T09:30:00Z").replace(b"Tandem benchmark", b"Other")
    with pytest.raises(
        DuplicateBenchmarkSetError, match=r"already imported on \d{4}-\d\d-\d\d as 'Client benchmark'"
    ):
        exchange.import_benchmarks(tiny_store, again, {tiny.key: tiny}, "Renamed")
    assert len(tiny_store.benchmark_sets.list_benchmark_sets()) == 1


def _db_state(store: Store) -> tuple[int, int]:
    return len(store.benchmark_sets.list_benchmark_sets()), store.benchmark_sets.benchmark_row_count()


BAD_FILES = {
    "below the floor": (
        b"n_orgs",
        "3",
        "row 2, column n_orgs: 3 is below the anonymity floor of 5 organisations",
    ),
    "not a segment": (b"segment_type", "nation", "row 2, column segment_type: 'nation' is not one of"),
    "score out of range": (b"mean", "9.9", "row 2, column mean: 9.9 is outside [1, 5]"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_rejected_whole_and_changes_nothing(tiny_store, tiny, case):
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6)
    publish(tiny_store, tiny)
    exchange.import_benchmarks(tiny_store, _csv(tiny_store, tiny, False), {tiny.key: tiny}, "Good")
    before = _db_state(tiny_store)
    column, value, message = BAD_FILES[case]
    table = list(csv.reader(io.StringIO(_csv(tiny_store, tiny).decode())))
    table[2][table[0].index(column.decode())] = value
    table[1][table[0].index("dimension_id")] = "nonsense"  # a second problem on another row
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    with pytest.raises(BenchmarkImportError) as info:
        exchange.import_benchmarks(tiny_store, buffer.getvalue().encode(), {tiny.key: tiny}, "Bad")
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems
    assert any(p.startswith("row 1, column dimension_id: 'nonsense'") for p in info.value.problems)
    assert _db_state(tiny_store) == before


def test_failure_inside_the_import_transaction_writes_nothing(tiny_store, tiny):
    """A row the database refuses (here n_orgs 3, past the parser) rolls the set back too."""
    rows = parse_benchmark_csv(_csv_with(tiny_store, tiny), {tiny.key: tiny}).rows.copy()
    rows.loc[len(rows) - 1, "n_orgs"] = 3
    table = BenchmarkTable(tiny.id, tiny.version, "Forged", STAMP, rows)
    with pytest.raises(Exception, match="(?i)constraint"):
        tiny_store.benchmark_sets.import_benchmark_set(table, "Forged")
    assert _db_state(tiny_store) == (0, 0)


def _csv_with(store: Store, q: Questionnaire) -> bytes:
    add_peers(store, q, [("Retail", "1-249", "Europe")] * 12, [[1 + i % 5] * 9 for i in range(12)])
    publish(store, q)
    return _csv(store, q)


def test_other_questionnaire_versions_are_never_mixed_in(tiny_store, tiny, tmp_path):
    newer = _tiny_version(tmp_path, "1.1.0")
    add_peers(tiny_store, tiny, [("Retail", "1-249", "Europe")] * 6, [[2] * 9] * 6)
    add_peers(tiny_store, newer, [("Retail", "1-249", "Europe")] * 7, [[5] * 9] * 7, name="Newer")
    publish(tiny_store, tiny)
    publish(tiny_store, newer)
    old_rows = list(csv.DictReader(io.StringIO(exchange.export_benchmarks(tiny_store, tiny.key))))
    new_rows = list(csv.DictReader(io.StringIO(exchange.export_benchmarks(tiny_store, newer.key))))
    # Means carry the perturbation (at most 1/n, then rounding and a 0.01 step off an exact score).
    assert {r["n_orgs"] for r in old_rows} == {"6"} and {
        abs(float(r["mean"]) - 2) <= 1 / 6 + 0.015 for r in old_rows
    } == {True}
    assert {r["n_orgs"] for r in new_rows} == {"7"} and {float(r["mean"]) >= 5 - 1 / 7 - 0.015 for r in new_rows} == {
        True
    }
    assert {r["questionnaire_version"] for r in new_rows} == {"1.1.0"}
    assert benchmarks.compare(tiny_store, tiny.key, "peers").n_orgs == 6
    # An imported set belongs to its version: it is not offered for another one.
    exchange.import_benchmarks(tiny_store, _csv(tiny_store, newer), {tiny.key: tiny, newer.key: newer})
    assert [s.key for s in benchmarks.available_sources(tiny_store, tiny.key)] == ["peers"]
    assert len(benchmarks.available_sources(tiny_store, newer.key)) == 2


def _tiny_version(tmp_path: Path, version: str) -> Questionnaire:
    path = tmp_path / f"tiny-{version}.toml"
    path.write_text(TINY.read_text().replace('version = "1.0.0"', f'version = "{version}"', 1))
    return load_questionnaire(path)


# --- the commands ------------------------------------------------------------------------


def test_export_and_import_commands(tmp_path, current, capsys):
    db = str(tmp_path / "t.duckdb")
    store = Store(db)
    add_peers(store, current, [("Retail", "1-249", "Europe")] * 4)
    store.close()
    out = tmp_path / "bench.csv"
    assert cli.main(["export-benchmarks", "--out", str(out), "--db", db]) == 1
    assert not out.exists() and "no benchmark release has been published" in capsys.readouterr().err
    assert cli.main(["publish-benchmark", "--db", db]) == 1
    assert "a release needs at least 5" in capsys.readouterr().err
    store = Store(db)
    add_peers(store, current, [("Retail", "1-249", "Europe")] * 3, name="More")
    store.close()
    assert cli.main(["publish-benchmark", "--db", db, "--dry-run"]) == 0
    assert "7 organisations" in capsys.readouterr().out
    assert cli.main(["export-benchmarks", "--out", str(out), "--db", db]) == 1  # a dry run publishes nothing
    assert cli.main(["publish-benchmark", "--db", db, "--by", "Ada"]) == 0
    assert "Published Benchmark release 1 of" in capsys.readouterr().out
    assert cli.main(["export-benchmarks", "--out", str(out), "--db", db]) == 0
    header = ",".join(BENCHMARK_COLUMNS) + f"\n2,cio-cmo-alignment,{current.version},all,,"
    assert out.read_text().startswith(header)
    check = Store(db)
    assert check.pool.benchmark_releases()[0].published_by == "Ada"
    check.close()

    bad = tmp_path / "bad.csv"
    bad.write_text(out.read_text().replace(",7,", ",2,", 1).replace(",all,,", ",nation,,", 2))
    assert cli.main(["import-benchmarks", str(bad), "--source", "Bad", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "rejected, nothing was imported" in err
    assert "row 1, column n_orgs: 2 is below the anonymity floor" in err
    assert "row 2, column segment_type: 'nation'" in err
    assert cli.main(["import-benchmarks", str(out), "--source", "Client A", "--db", db]) == 0
    assert "Imported set 1: 'Client A'" in capsys.readouterr().out
    assert cli.main(["import-benchmarks", str(out), "--source", "Client A again", "--db", db]) == 1
    assert "already imported on" in capsys.readouterr().err
    store = Store(db)
    assert _db_state(store)[0] == 1
    store.close()


def test_an_imported_set_is_dated_in_the_readers_language():
    from assessment import i18n

    when = datetime(2026, 3, 5, 9, 30)
    assert benchmarks.set_label("Survey", when) == "Survey (imported set, generated 2026-03-05)"
    i18n.use("fr")
    try:
        label = benchmarks.set_label("Survey", when)
    finally:
        i18n.use(i18n.SOURCE_LANGUAGE)
    assert label.startswith("Survey") and "5 mars 2026" in label and "2026-03-05" not in label
