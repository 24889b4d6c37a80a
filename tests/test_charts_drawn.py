"""Charts as the pages draw them: the spec sent is Streamlit's own conversion of the chart, and
the specs kept by content (``ui_round.cached_chart``) follow every change of answers and benchmark."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from streamlit.elements import vega_charts

from assessment import charts, i18n, memo, ui_round
from assessment.demo import seed_demo
from assessment.store import Store
from tests import test_charts as samples
from tests.test_pages import answer_step, app, no_exception, start_as_cio

BUILT = {
    "benchmark": lambda: charts.build_benchmark_chart(samples.benchmark_frame()),
    "distribution": lambda: charts.build_distribution_chart(samples.distribution_frame(), levels=list("abcde")),
    "gap": lambda: charts.build_gap_chart(samples.gap_frame()),
    "priority": lambda: charts.build_priority_chart(samples.priority_frame()),
    "heatmap": lambda: charts.build_heatmap(samples.heatmap_frame()),
    "spread": lambda: charts.build_spread_chart(samples.spread_frame()),
    "trend": lambda: charts.build_trend_chart(samples.trend_frame()),
    "empty gap": lambda: charts.build_gap_chart(pd.DataFrame()),
}


@pytest.mark.parametrize("name", list(BUILT))
def test_spec_is_what_streamlit_would_send(name):
    """Unvalidated and without configure_mark's copy, but the same spec as st.altair_chart's."""
    figure = BUILT[name]()
    ours = ui_round._vega_lite_spec(figure)
    theirs = vega_charts._convert_altair_to_vega_lite_spec(figure.configure_mark(aria=False))
    assert ours == theirs
    assert ours["config"]["mark"]["aria"] is False
    # The spec Streamlit receives still passes the schema (validated here, once, not per draw).
    kind = alt.VConcatChart if "vconcat" in ours else alt.LayerChart
    kind.from_dict({k: v for k, v in ours.items() if k != "datasets"}, validate=True)


def test_spec_leaves_the_chart_and_the_global_settings_alone():
    figure = BUILT["gap"]()
    before = figure.to_dict()
    ui_round._vega_lite_spec(figure)
    assert figure.to_dict() == before
    assert alt.theme.active == "default"
    assert alt.data_transformers.active == "default"


def test_content_key_follows_every_cell_column_type_and_option():
    frame = pd.DataFrame({"dimension": ["A", "B"], "score": [2.5, None]})
    key = memo.content_key(frame, {"levels": ["x"]})
    assert key == memo.content_key(frame.copy(), {"levels": ["x"]})
    changed = [
        frame.assign(score=[2.5, 3.0]),  # a new answer
        frame.assign(score=[2.50001, None]),
        frame.rename(columns={"score": "median"}),
        frame.astype({"score": "float32"}),
        frame.iloc[::-1],  # the same rows in another order draw another axis
        frame.iloc[:1],
    ]
    assert len({key, *(memo.content_key(f, {"levels": ["x"]}) for f in changed)}) == 1 + len(changed)
    assert memo.content_key(frame, {"levels": ["y"]}) != key
    assert memo.content_key(frame, {"levels": ["x"], "score_label": "Your score"}) != key
    assert memo.content_key("1") != memo.content_key(1)
    mixed = pd.DataFrame({"band": ["1", None]})
    assert memo.content_key(mixed) != memo.content_key(mixed.assign(band=[1, None]))
    with pytest.raises(memo.Unkeyable):
        memo.content_key(pd.DataFrame({"cells": [[1, 2]]}))
    with pytest.raises(memo.Unkeyable):
        memo.content_key(object())


def test_bounded_keeps_the_most_recently_used():
    cache = memo.Bounded(2)
    made: list[str] = []

    def make(value: str):
        return lambda: made.append(value) or value

    assert cache.get("a", make("a")) == "a"
    assert cache.get("b", make("b")) == "b"
    assert cache.get("a", make("a2")) == "a"  # a hit, and now the most recent
    assert cache.get("c", make("c")) == "c"  # drops b, the least recently used
    assert cache.get("b", make("b2")) == "b2"
    assert made == ["a", "b", "c", "b2"]
    assert len(cache) == 2 and (cache.hits, cache.misses) == (1, 4)


def test_cached_specs_are_kept_per_language(monkeypatch):
    """The builders translate their titles as they build: the same data in two languages is two
    charts, and each language gets its own back from the cache."""
    drawn: list[dict] = []
    monkeypatch.setattr(ui_round, "_draw", lambda spec, text, **kw: drawn.append(spec))
    ui_round._SPECS.clear()
    frame = samples.distribution_frame()
    for lang in ("en", "fr", "en", "fr"):
        with i18n.using(lang):
            ui_round.cached_chart(charts.build_distribution_chart, frame, ("", frame), name="x")
    en, fr = drawn[0], drawn[1]
    assert en["title"]["text"] == "Where you sit among your peers"
    assert fr["title"]["text"] == "Votre place parmi vos pairs"
    assert drawn[2] is en and drawn[3] is fr  # hits, each in its own language
    assert (ui_round._SPECS.misses, ui_round._SPECS.hits) == (2, 2)


def _specs(at) -> list[str]:
    return [json.dumps(json.loads(el.proto.spec), sort_keys=True) for el in at.get("vega_lite_chart")]


def test_results_charts_follow_answers_and_benchmark_choice(db_path, current):
    """The drawn specs are kept by content: another benchmark source draws another chart, going
    back draws the first one again, and a changed answer draws the respondent's new scores."""
    store = Store(db_path)
    seed_demo(store, current, 20)
    store.close()
    ui_round._SPECS.clear()
    at = start_as_cio(app())
    steps = len(current.dimensions)
    for step in range(steps):
        answer_step(at, 3)
        at.button(key="qn_finish" if step == steps - 1 else "qn_next").click().run()
    no_exception(at)
    first = _specs(at)
    assert len(first) == 2 and ui_round._SPECS.misses == 2

    at.selectbox(key="results_bench_source").set_value("peers").run()  # no release published
    no_exception(at)
    other = _specs(at)
    assert other[0] != first[0]  # the benchmark chart: no peers to draw
    assert other[1] == first[1]  # priorities do not depend on the benchmark
    at.selectbox(key="results_bench_source").set_value("synthetic").run()
    no_exception(at)
    assert _specs(at) == first  # the two choices did not collide
    assert ui_round._SPECS.hits >= 3

    # A changed answer (finished respondents may still change theirs) changes the picture.
    at.switch_page("pages/questionnaire.py").run()
    no_exception(at)
    radio = next(r for r in at.radio if r.key and r.key.startswith("qn_"))
    assert radio.value == 3
    radio.set_value(5)
    at.button(key="qn_jump_0").click().run()  # any of the step's buttons saves it
    at.switch_page("pages/results.py").run()
    no_exception(at)
    after = _specs(at)
    assert after[0] != first[0] and after[1] != first[1]


def _random_distribution(rng, dims) -> pd.DataFrame:
    n = len(dims)
    p25 = [round(rng.uniform(1, 3), 2) for _ in dims]
    return pd.DataFrame(
        {
            "dimension": dims,
            "score": [None if rng.random() < 0.2 else round(rng.uniform(1, 5), 2) for _ in dims],
            "p25": p25,
            "median": [p + 0.5 for p in p25],
            "p75": [p + 1.0 for p in p25],
            "n": [rng.randint(5, 40) for _ in dims],
            "mean": [round(rng.uniform(1, 5), 2) for _ in dims],
            "band": [rng.choice(["Top quarter", "Bottom quarter", None]) for _ in range(n)],
        }
    )


def _random_priorities(rng, dims, *, shared: bool) -> pd.DataFrame:
    # ``shared``: untouched importance sliders and equal scores put points on one spot, which
    # share one label ("A + 2 more at this spot").
    score = [3.0 if shared else round(rng.uniform(1, 5), 2) for _ in dims]
    importance = [3.0 if shared else float(rng.randint(1, 5)) for _ in dims]
    priority = [i * (5 - s) for s, i in zip(score, importance, strict=True)]
    order = sorted(range(len(dims)), key=lambda k: -priority[k])
    rank = [order.index(k) + 1 for k in range(len(dims))]
    frame = pd.DataFrame({"dimension": dims, "score": score, "importance": importance, "priority": priority,
                          "rank": rank})  # fmt: skip
    if shared:
        frame["rank_label"] = ["1="] * len(dims)
    return frame


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_spec_reused_for_the_same_shape_equals_a_fresh_build(lang, monkeypatch):
    """A person's own charts after Finish reuse the last spec of the same shape with their
    frames in place: on many inputs the result is exactly the spec a fresh build gives."""
    import random

    rng = random.Random(7)
    dims = [f"Dimension {i}" for i in range(9)]
    ui_round._SHAPES.clear()
    built = []
    monkeypatch.setattr(ui_round, "_vega_lite_spec", lambda f, real=ui_round._vega_lite_spec: built.append(1) or real(f))
    cases = [(charts.build_distribution_chart, _random_distribution(rng, dims), {"levels": list("abcde")})
             for _ in range(12)]  # fmt: skip
    cases += [(charts.build_priority_chart, _random_priorities(rng, dims, shared=False), {}) for _ in range(12)]
    cases += [(charts.build_priority_chart, _random_priorities(rng, dims, shared=True), {}) for _ in range(3)]
    cases += [(charts.build_distribution_chart, _random_distribution(rng, dims[::-1]), {"levels": list("abcde")})]
    with i18n.using(lang):
        for build, frame, options in cases:
            reused = ui_round._spec_of(build, frame, options)
            fresh = ui_round._vega_lite_spec(build(frame, **options))
            assert json.dumps(reused, sort_keys=True, default=repr) == json.dumps(fresh, sort_keys=True, default=repr)
    # Four shapes (the reversed row order is another), each built once by Altair for _spec_of;
    # every other input was served from its shape's spec (the other calls are the fresh builds).
    assert len(built) == 4 + len(cases)
