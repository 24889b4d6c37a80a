"""Chart builders: assert on the Vega-Lite spec (``to_dict()`` also validates it against the schema)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import pytest

from assessment import chart_text, charts

DIMS = [
    "Shared strategy and goals",
    "Ownership of customer data and insight",
    "Joint decisions on the marketing technology budget",
]


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit view in a (possibly nested) layered spec."""
    if "layer" not in spec:
        return [spec]
    return [unit for layer in spec["layer"] for unit in layers(layer)]


def mark_type(unit: dict[str, Any]) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def units_of(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    found = [u for u in layers(spec) if mark_type(u) == mark]
    assert found, f"no {mark} layer in {[mark_type(u) for u in layers(spec)]}"
    return found


def tooltip_fields(unit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["field"]: t for t in unit["encoding"]["tooltip"]}


def dataset_rows(spec: dict[str, Any], unit: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    name = (unit or spec).get("data", spec.get("data"))["name"]
    return spec["datasets"][name]


def calculations(unit: dict[str, Any]) -> dict[str, str]:
    return {t["as"]: t["calculate"] for t in unit.get("transform", []) if "calculate" in t}


def benchmark_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dimension": DIMS,
            "score": pd.array([3.4, 1.8, pd.NA], dtype="Float64"),
            "p25": [2.1, 2.0, 1.6],
            "median": [2.7, 2.5, 2.2],
            "p75": [3.3, 3.1, 2.9],
            "n": [42, 42, 40],
            "organisation": ["Acme", "Acme", "Acme"],  # must not reach the spec
        }
    )


def distribution_frame() -> pd.DataFrame:
    return benchmark_frame().assign(
        mean=[2.8, 2.6, 2.3], band=["Top quarter", "Bottom quarter", None]
    )


def gap_frame() -> pd.DataFrame:
    it = [3.5, 2.0, 3.0, 4.2]
    marketing = [2.0, 3.4, 3.6, 4.2]
    return pd.DataFrame(
        {
            "dimension": [*DIMS, "Trust and communication"],
            "it": it,
            "marketing": marketing,
            "gap": [m - i for m, i in zip(marketing, it, strict=True)],
            "flagged": [True, True, False, False],
        }
    )


def test_palette_is_okabe_ito() -> None:
    assert charts.SIDE_COLORS == {"IT": "#0072B2", "Marketing": "#E69F00", "Other": "#009E73"}
    assert charts.SCORE_COLOR == "#D55E00"
    assert (charts.BAND_COLOR, charts.MEDIAN_COLOR) == ("#BBBBBB", "#555555")
    assert len(charts.DIMENSION_COLORS) == 8 and len(set(charts.DIMENSION_COLORS)) == 8


def test_benchmark_chart_layers_band_median_and_score() -> None:
    spec = charts.build_benchmark_chart(benchmark_frame()).to_dict()

    assert spec["title"]["text"] == "Your alignment against the benchmark"
    assert spec["height"] == 3 * charts.ROW_HEIGHT + charts.CHROME_HEIGHT
    band, median, score = units_of(spec, "bar")[0], units_of(spec, "tick")[0], units_of(spec, "point")[0]
    assert band["encoding"]["x"]["field"] == "p25" and band["encoding"]["x2"]["field"] == "p75"
    assert median["encoding"]["x"]["field"] == "median"
    assert score["encoding"]["x"]["field"] == "score"
    assert score["mark"]["size"] == 120
    assert {"filter": "isValid(datum.score)"} in score["transform"]
    for unit in (band, median, score):
        enc = unit["encoding"]
        assert enc["x"]["type"] == "quantitative"
        assert enc["x"]["scale"]["domain"] == [1, 5]
        assert (enc["y"]["field"], enc["y"]["type"], enc["y"]["sort"]) == ("dimension", "nominal", DIMS)
        assert enc["y"]["scale"]["domain"] == DIMS  # a dimension with no score keeps its row
        assert enc["y"]["axis"]["labelLimit"] == 260
        assert enc["color"]["field"] == "series"
        assert enc["color"]["scale"] == {
            "domain": ["Peer interquartile range", "Peer median", "Your score"],
            "range": ["#BBBBBB", "#555555", "#D55E00"],
        }
        tips = tooltip_fields(unit)
        assert list(tips) == ["dimension", "score", "median", "p25", "p75", "n"]
        assert tips["score"]["format"] == ".2f"
    # Each layer names its own series so the one legend explains all three marks.
    assert calculations(band)["series"] == '"Peer interquartile range"'
    assert calculations(median)["series"] == '"Peer median"'
    assert calculations(score)["series"] == '"Your score"'


def test_benchmark_chart_embeds_only_the_columns_it_draws() -> None:
    spec = charts.build_benchmark_chart(benchmark_frame()).to_dict()
    rows = dataset_rows(spec)
    assert set(rows[0]) == {"dimension", "score", "p25", "median", "p75", "n"}
    assert rows[2]["score"] is None  # NA survives as null, and the point layer filters it out


def test_benchmark_chart_score_label_and_title() -> None:
    spec = charts.build_benchmark_chart(
        benchmark_frame(), title="Acme vs peers", score_label="Respondent"
    ).to_dict()
    assert spec["title"]["text"] == "Acme vs peers"
    point = units_of(spec, "point")[0]
    assert point["encoding"]["color"]["scale"]["domain"][-1] == "Respondent"
    assert tooltip_fields(point)["score"]["title"] == "Respondent"


def test_distribution_chart_adds_the_mean_and_the_band() -> None:
    df = distribution_frame()
    spec = charts.build_distribution_chart(df).to_dict()
    assert sorted(mark_type(u) for u in layers(spec)) == ["bar", "point", "tick", "tick"]
    for unit in layers(spec):
        tips = tooltip_fields(unit)
        assert tips["band"]["title"] == "Where you stand" and tips["mean"]["title"] == "Peer mean"
        assert {"dimension", "score", "median", "p25", "p75", "n"} <= set(tips)
        assert "percentile" not in tips  # no rank among peers, ever
    assert calculations(units_of(spec, "tick")[1])["series"] == '"Peer mean"'
    assert {"band", "mean"} <= set(dataset_rows(spec)[0])
    plain = charts.build_benchmark_chart(benchmark_frame()).to_dict()
    assert "band" not in tooltip_fields(units_of(plain, "bar")[0])


def test_gap_chart_diverging_bars_and_rules() -> None:
    spec = charts.build_gap_chart(gap_frame()).to_dict()

    assert spec["title"]["text"] == "Where IT and marketing see things differently"
    bar = units_of(spec, "bar")[0]
    enc = bar["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"]) == ("gap", "quantitative")
    assert enc["x"]["scale"]["domain"] == [-4, 4]
    assert enc["y"]["sort"] == [*DIMS, "Trust and communication"]
    assert enc["color"]["field"] == "direction"
    assert enc["color"]["scale"] == {
        "domain": ["IT rates higher", "Marketing rates higher"],
        "range": ["#0072B2", "#E69F00"],
    }
    # Quoted as JSON strings: a translation may hold an apostrophe ("l'IT").
    assert calculations(bar)["direction"].startswith('datum.gap > 0 ? "Marketing rates higher"')
    tips = tooltip_fields(bar)
    assert list(tips) == ["dimension", "it", "marketing", "gap", "flagged_text"]
    assert tips["gap"]["format"] == "+.2f"
    assert tips["it"]["title"] == "IT mean"

    rules = units_of(spec, "rule")
    rule_values = sorted(row["gap"] for rule in rules for row in dataset_rows(spec, rule))
    assert rule_values == [-1, 0, 1]
    dashed = [r for r in rules if "strokeDash" in r["mark"]]
    assert [row["gap"] for row in dataset_rows(spec, dashed[0])] == [-1, 1]
    assert all(r["encoding"]["x"]["scale"]["domain"] == [-4, 4] for r in rules)


def test_gap_chart_flags_come_from_the_flagged_column() -> None:
    # Marketing and IT differ by 0.6 here yet the row is flagged: the chart shows what scoring decided.
    df = gap_frame()
    df.loc[2, "flagged"] = True
    spec = charts.build_gap_chart(df).to_dict()
    bar = units_of(spec, "bar")[0]
    assert [row["flagged"] for row in dataset_rows(spec, bar)] == [True, True, True, False]
    flagged, unflagged = charts.FLAG_LABELS
    assert calculations(bar)["flag_label"] == f'datum.flagged ? "{flagged}" : "{unflagged}"'
    assert calculations(bar)["flagged_text"] == 'datum.flagged ? "Yes" : "No"'
    opacity, stroke = bar["encoding"]["opacity"], bar["encoding"]["strokeWidth"]
    assert opacity["field"] == stroke["field"] == "flag_label"
    assert opacity["scale"] == {"domain": [flagged, unflagged], "range": [1, 0.45]}
    assert stroke["scale"] == {"domain": [flagged, unflagged], "range": [1.5, 0]}
    assert opacity["legend"]["title"] is None  # merged legend, labelled by the values themselves


def priority_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dimension": [*DIMS, "Trust and communication"],
            "score": [1.5, 2.2, 4.6, 3.8],
            "importance": [5.0, 4.0, 2.0, 4.0],
            "priority": [17.5, 11.2, 0.8, 4.8],
            "rank": [1, 2, 4, 3],
        }
    )


def test_priority_chart_quadrants_and_top_three() -> None:
    spec = charts.build_priority_chart(priority_frame()).to_dict()

    assert spec["title"]["text"] == "Where to act first"
    assert spec["height"] == 420
    circle = units_of(spec, "circle")[0]
    enc = circle["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"], enc["x"]["scale"]["domain"]) == (
        "score",
        "quantitative",
        [1, 5],
    )
    assert (enc["y"]["field"], enc["y"]["type"], enc["y"]["scale"]["domain"]) == (
        "importance",
        "quantitative",
        [1, 5],
    )
    assert (enc["size"]["field"], enc["size"]["scale"]["domain"]) == ("priority", [0, 20])
    assert enc["color"]["scale"]["range"] == ["#D55E00", "#555555"]
    assert list(tooltip_fields(circle)) == ["dimension", "score", "importance", "priority", "rank"]

    texts = units_of(spec, "text")
    names = [t for t in texts if t["encoding"]["text"]["field"] == "label"]
    assert len(names) == 2  # right-of-point and left-of-point labels
    for t in names:  # nudged up or down by rank so close points stay legible
        calcs = {c["as"]: c["calculate"] for c in t["transform"] if "calculate" in c}
        assert "datum.rank" in calcs["label_y"] and t["encoding"]["y"]["field"] == "label_y"
    # Only the top three are named, "rank. dimension", and a missing rank is never among them.
    # Both layers draw from one table of labels, each filtering its half of the plot.
    labelled = {r["label"] for t in names for r in spec["datasets"][t["data"]["name"]]}
    frame = priority_frame()
    top = frame[frame["rank"].notna() & (frame["rank"] <= 3)]
    assert sorted(labelled) == sorted(f"{int(r.rank)}. {r.dimension}" for r in top.itertuples())
    assert "Importance" in units_of(spec, "circle")[0]["encoding"]["y"]["axis"]["title"]
    # No layer hides the shared importance axis (layers share one y axis in Vega-Lite).
    assert all(t["encoding"]["y"].get("axis") is not None for t in names)
    corners = next(t for t in texts if t["encoding"]["text"]["field"] == "quadrant")
    fix_first = next(r for r in dataset_rows(spec, corners) if r["quadrant"] == "Fix first")
    assert fix_first["score"] < 3 < fix_first["importance"]  # top left: immature but important

    rules = units_of(spec, "rule")
    assert sorted(next(iter(r["encoding"])) for r in rules) == ["x", "y"]
    assert all(list(dataset_rows(spec, r)[0].values()) == [3] for r in rules)


def test_coinciding_priorities_share_one_label() -> None:
    """Everyone left the sliders untouched and two dimensions scored alike: one spot, one label."""
    frame = pd.DataFrame(
        {
            "dimension": ["Strategy", "Data", "People"],
            "score": [2.0, 2.0, 3.5],
            "importance": [3.0, 3.0, 3.0],
            "priority": [9.0, 9.0, 4.5],
            "rank": [1, 1, 3],
            "rank_label": ["1=", "1=", "3"],
        }
    )
    spec = charts.build_priority_chart(frame).to_dict()
    names = [t for t in units_of(spec, "text") if t["encoding"]["text"]["field"] == "label"]
    labelled = sorted({r["label"] for t in names for r in spec["datasets"][t["data"]["name"]]})
    assert labelled == ["1=. Strategy + 1=. Data", "3. People"]
    assert "1=. Strategy" in chart_text.priority_summary(frame)[0]


LONG_QUESTION = (
    "How often do the CIO and the CMO sit down together to review the shared roadmap and agree "
    "on what to stop?"
)


def heatmap_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question_id": ["strategy-1", "strategy-1", "data-1", "data-1"],
            "question": [LONG_QUESTION, LONG_QUESTION, "Who owns customer data?", "Who owns customer data?"],
            "dimension": [DIMS[0], DIMS[0], DIMS[1], DIMS[1]],
            "side": ["IT", "Marketing", "IT", "Marketing"],
            "mean": [3.5, 2.25, None, 4.0],
            "n": [6, 5, 2, 7],
        }
    )


def test_heatmap_cells_labels_and_tooltips() -> None:
    spec = charts.build_heatmap(heatmap_frame()).to_dict()

    assert spec["title"]["text"] == "Mean answer per question and side"
    assert spec["height"] == 2 * 26 + charts.CHROME_HEIGHT
    rects = units_of(spec, "rect")
    assert len(rects) == 2  # grey "no mean" backdrop, then the coloured cells
    cells = next(r for r in rects if "color" in r["encoding"])
    enc = cells["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"]) == ("side", "nominal")
    assert (enc["y"]["field"], enc["y"]["type"]) == ("question_label", "nominal")
    assert enc["y"]["sort"] == {"field": "question_order", "op": "min"}
    assert enc["color"]["field"] == "mean" and enc["color"]["type"] == "quantitative"
    assert enc["color"]["scale"] == {"domain": [1, 5], "scheme": "viridis"}
    label = calculations(cells)["question_label"]
    assert "datum.question_id" in label and "length(datum.question) > 60" in label
    tips = tooltip_fields(cells)
    assert list(tips) == ["question", "dimension", "side", "mean", "n"]
    assert dataset_rows(spec)[0]["question"] == LONG_QUESTION  # the tooltip gets the full text

    text = units_of(spec, "text")[0]
    assert text["encoding"]["text"]["field"] == "mean_text"
    assert "isValid(datum.mean)" in calculations(text)["mean_text"]


def spread_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent": ["ann", "bob", "cyd", "dee", "eve", "ann", "bob", "cyd", "dee", "eve"],
            "dimension": [DIMS[0]] * 5 + [DIMS[1]] * 5,
            "side": ["IT", "IT", "Marketing", "Marketing", "Other"] * 2,
            "score": [4.0, 2.0, 3.0, 3.0, 5.0, 1.0, 3.5, 2.5, 4.5, 2.0],
        }
    )


def test_spread_chart_dots_ticks_and_privacy() -> None:
    spec = charts.build_spread_chart(spread_frame()).to_dict()

    assert spec["title"]["text"] == "How individual answers spread"
    dots, ticks = units_of(spec, "circle")[0], units_of(spec, "tick")[0]
    for unit in (dots, ticks):
        enc = unit["encoding"]
        assert enc["x"]["field"] == "score" and enc["x"]["scale"]["domain"] == [1, 5]
        assert enc["y"]["sort"] == DIMS[:2]
        assert enc["yOffset"]["field"] == "lane"
        assert enc["color"]["field"] == "side"
        assert enc["color"]["scale"] == {
            "domain": ["IT", "Marketing", "Other"],
            "range": ["#0072B2", "#E69F00", "#009E73"],
        }
        assert set(tooltip_fields(unit)) == {"side", "score"}

    points = dataset_rows(spec, dots)
    assert all("respondent" not in row for row in points)
    assert len(points) == 10
    assert all(0 <= row["lane"] <= 3 for row in points)
    # Rows are reordered by score within each dimension and side, so the k-th row of one
    # dimension is not the same respondent as the k-th row of another.
    it_first = [row["score"] for row in points if (row["dimension"], row["side"]) == (DIMS[0], "IT")]
    assert it_first == [2.0, 4.0]  # input order was 4.0 (ann), 2.0 (bob)
    means = {(r["dimension"], r["side"]): r["score"] for r in dataset_rows(spec, ticks)}
    assert means[(DIMS[0], "IT")] == 3.0 and means[(DIMS[1], "Marketing")] == 3.5
    # Deterministic jitter: a rerun draws the same picture.
    assert charts.build_spread_chart(spread_frame()).to_dict() == spec


LEVEL_NAMES = ("Initial", "Developing", "Colleagues", "Managed", "Leading")


def trend_frame() -> pd.DataFrame:
    rows = [
        ("2026 Q2", 2, "Overall", "overall", 2.75),
        ("2026 Q2", 2, "Alignment index", "alignment", 80.0),
        ("2026 Q2", 2, DIMS[0], "dimension", 3.0),
        ("2026 Q2", 2, DIMS[1], "dimension", 2.5),
        ("2025 Q4", 1, "Overall", "overall", 2.0),
        ("2025 Q4", 1, DIMS[0], "dimension", 2.0),
        ("2025 Q4", 1, DIMS[1], "dimension", None),
        ("2026 Q3", 3, DIMS[0], "dimension", 3.5),
    ]
    return pd.DataFrame(rows, columns=["round", "round_order", "panel", "kind", "value"])


def test_trend_chart_has_headline_panels_and_small_multiples() -> None:
    spec = charts.build_trend_chart(trend_frame()).to_dict()

    assert spec["title"]["text"] == "Change across rounds"
    top, panels = spec["vconcat"]
    assert [c["title"] for c in top["hconcat"]] == ["Overall score (1–5)", "Alignment index (0–100)"]
    overall, alignment = (c["layer"][0] for c in top["hconcat"])
    assert alignment["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert overall["encoding"]["y"]["scale"]["domain"] == [1, 5]
    assert overall["encoding"]["x"]["sort"] == ["2025 Q4", "2026 Q2", "2026 Q3"]
    # One small panel per dimension, four to a row, each with a visible height.
    assert panels["columns"] == 4 and panels["facet"]["field"] == "panel"
    assert panels["facet"]["sort"] == DIMS[:2]
    assert panels["spec"]["height"] >= 100
    rows = spec["datasets"][panels["data"]["name"]]
    assert {r["panel"] for r in rows} == set(DIMS[:2]) and all(r["value"] is not None for r in rows)


def test_score_axes_name_the_questionnaires_levels() -> None:
    spec = charts.build_benchmark_chart(benchmark_frame(), levels=LEVEL_NAMES).to_dict()
    axis = units_of(spec, "point")[0]["encoding"]["x"]["axis"]
    assert axis["values"] == [1, 2, 3, 4, 5]
    assert '"Leading"' in axis["labelExpr"] and '"Initial"' in axis["labelExpr"]
    plain = charts.build_benchmark_chart(benchmark_frame()).to_dict()
    assert "labelExpr" not in units_of(plain, "point")[0]["encoding"]["x"]["axis"]


BUILDERS: list[Callable[..., alt.TopLevelMixin]] = [
    charts.build_benchmark_chart,
    charts.build_distribution_chart,
    charts.build_gap_chart,
    charts.build_priority_chart,
    charts.build_heatmap,
    charts.build_spread_chart,
    charts.build_trend_chart,
]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_empty_frame_gives_a_valid_chart(builder: Callable[..., alt.TopLevelMixin]) -> None:
    for empty in (pd.DataFrame(), pd.DataFrame({"dimension": pd.Series([], dtype="str")})):
        spec = builder(empty, title="Nothing yet").to_dict()
        assert spec["title"]["text"] == "Nothing yet"
        assert spec.get("height", 0) > 0 or "vconcat" in spec
        # The caller's (empty) data is embedded; only constant reference marks (rules, labels) have rows.
        assert [] in spec["datasets"].values()


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_missing_column_is_named(builder: Callable[..., alt.TopLevelMixin]) -> None:
    first = "panel" if builder is charts.build_trend_chart else "dimension"
    with pytest.raises(ValueError, match=rf"{builder.__name__}: missing columns \[.*'{first}'"):
        builder(pd.DataFrame({"unrelated": [1]}))


SAMPLES: dict[Callable[..., alt.TopLevelMixin], Callable[[], pd.DataFrame]] = {
    charts.build_benchmark_chart: benchmark_frame,
    charts.build_distribution_chart: distribution_frame,
    charts.build_gap_chart: gap_frame,
    charts.build_priority_chart: priority_frame,
    charts.build_heatmap: heatmap_frame,
    charts.build_spread_chart: spread_frame,
    charts.build_trend_chart: trend_frame,
}


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
@pytest.mark.parametrize("empty", [False, True], ids=["sample", "empty"])
def test_chart_compiles_and_renders(builder: Callable[..., alt.TopLevelMixin], empty: bool) -> None:
    """Schema validity is not enough: Vega must also compile and draw the spec (needs vl-convert)."""
    vlc = pytest.importorskip("vl_convert")
    df = pd.DataFrame() if empty else SAMPLES[builder]()
    named = {"levels": LEVEL_NAMES} if "levels" in inspect.signature(builder).parameters else {}
    chart = builder(df, **named)
    svg = vlc.vegalite_to_svg((chart if "vconcat" in chart.to_dict() else chart.properties(width=600)).to_dict())
    assert svg.startswith("<svg")
    if not empty:
        assert "Colleagues" in svg or "Marketing" in svg or DIMS[0] in svg  # an axis, legend or panel
