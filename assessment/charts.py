"""Chart builders: a long-format DataFrame in, an Altair chart out, no UI.

The same definitions serve the Streamlit pages and the exported report, so nothing here imports
Streamlit or sets a width: pages render with the container width, the report picks its own.
Every builder copies only the columns it draws, so nothing else in the caller's frame (ids,
names) is embedded in the chart spec, and an empty frame still yields a valid, empty chart.
Layered charts take their title and height in ``alt.layer`` rather than ``.properties``, which
validates each property against the JSON schema (a few ms per chart, paid on every page draw);
the tests validate the whole spec instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from assessment.i18n import N_, _
from assessment.scoring import GAP_FLAG

LEVELS = (1, 2, 3, 4, 5)
SCORE_DOMAIN = [1, 5]
GAP_DOMAIN = [-4, 4]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SIDE_ORDER = ("IT", "Marketing", "Other")
SIDE_COLORS = {"IT": "#0072B2", "Marketing": "#E69F00", "Other": "#009E73"}
SCORE_COLOR = "#D55E00"
BAND_COLOR = "#BBBBBB"
MEDIAN_COLOR = "#555555"
RULE_COLOR = "#888888"
MISSING_COLOR = "#EEEEEE"
DIMENSION_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
HEATMAP_SCHEME = "viridis"  # sequential, perceptually uniform and colour-blind safe

# Words on the charts are marked here (N_) and translated when a chart is built.
IQR_LABEL = N_("Peer interquartile range")
MEDIAN_LABEL = N_("Peer median")
MEAN_LABEL = N_("Peer mean")
MEAN_COLOR = "#56B4E9"
GAP_DIRECTION_COLORS = {
    N_("IT rates higher"): SIDE_COLORS["IT"],
    N_("Marketing rates higher"): SIDE_COLORS["Marketing"],
}
FLAG_LABELS = (N_("Gap of 1 level or more (flagged)"), N_("Gap under 1 level"))
# Quadrant names sit in the corners, away from where points usually cluster; "fix first" is
# important but immature, top left.
QUADRANTS = (
    (N_("Fix first"), 1.05, 4.9),
    (N_("Keep strong"), 3.05, 4.9),
    (N_("Watch"), 1.05, 1.1),
    (N_("Do not over-invest"), 3.05, 1.1),
)
PRIORITY_COLORS = {N_("Top 3 priorities"): SCORE_COLOR, N_("Other dimensions"): MEDIAN_COLOR}


def _side_order() -> list[str]:
    """The sides as the tables name them (``views`` translates them): IT, Marketing, Other."""
    return [_(s) for s in SIDE_ORDER]


def _translated(colours: dict[str, str]) -> dict[str, str]:
    return {_(k): v for k, v in colours.items()}

ROW_HEIGHT = 36  # px per dimension row: room for a band, a tick and a 120 px² marker
LABEL_LIMIT = 260  # px; dimension titles are long and must not be cut too early
QUESTION_LABEL_CHARS = 60
QUESTION_LABEL_LIMIT = 420  # px; fits the question id plus 60 characters

_TOP3 = "isValid(datum.rank) && datum.rank <= 3"  # guarded: null <= 3 is true in Vega expressions
_BENCHMARK_COLUMNS = ["dimension", "score", "p25", "median", "p75", "n"]


def _select(df: pd.DataFrame, columns: Sequence[str], builder: str) -> pd.DataFrame:
    """Copy just `columns`; an empty frame may lack them, a non-empty one may not."""
    if df.empty:
        return df.reindex(columns=list(columns)).iloc[0:0]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{builder}: missing columns {missing}")
    return df.loc[:, list(columns)].copy()


@dataclass(frozen=True)
class Parts:
    """What a chart takes from its input frame: every frame it draws from that input, in the
    order it first hands them to Altair, and everything else of the input its spec depends on
    (``shape``). Two inputs with the same shape give specs that differ only in those frames, so
    a drawn spec can be reused with the new frames in place (``ui_round.cached_chart``; the
    tests compare that with a fresh build on many inputs)."""

    frames: tuple[pd.DataFrame, ...]
    shape: Hashable


def parts_of(build: Callable[..., alt.TopLevelMixin]) -> Callable[[pd.DataFrame], Parts] | None:
    """The parts function of a builder that declares one (a person's own charts after Finish)."""
    return _PARTS.get(build.__name__)


def _order(df: pd.DataFrame, column: str) -> list[str]:
    """Values of `column` in order of first appearance: the caller's order is the display order."""
    return [str(v) for v in df[column].dropna().unique()]


def _js(value: object) -> str:
    """A Vega expression literal (labels may hold quotes)."""
    return json.dumps(value)


def _title(text: str, subtitle: str | None = None) -> alt.Title:
    # Titles are translated here: the builders' default titles are marked with N_, and a title a
    # caller passes is looked up too (unchanged when the catalog does not have it).
    return alt.Title(_(text), subtitle=_(subtitle) if subtitle else alt.Undefined, anchor="start")


def _dimension_y(dims: list[str], padding: float = 0.15) -> alt.Y:
    # An explicit domain keeps a dimension on the axis even when its values are missing.
    scale = alt.Scale(domain=dims or alt.Undefined, paddingInner=padding)
    return alt.Y("dimension:N", sort=dims, scale=scale, axis=alt.Axis(title=None, labelLimit=LABEL_LIMIT))


def _level_axis(title: str, levels: Sequence[str] = ()) -> alt.Axis:
    """Axis ticks at the five levels, labelled "3 Established" with the questionnaire's own
    level names when given, so numbers keep their meaning."""
    if len(levels) != len(LEVELS):
        return alt.Axis(title=title, values=list(LEVELS))
    names = _js(list(levels))
    return alt.Axis(
        title=title, values=list(LEVELS), labelExpr=f"datum.value + ' ' + {names}[datum.value - 1]"
    )


def _score_x(field: str, title: str = N_("Score"), levels: Sequence[str] = ()) -> alt.X:
    return alt.X(f"{field}:Q", scale=alt.Scale(domain=SCORE_DOMAIN), axis=_level_axis(title, levels))


CHROME_HEIGHT = 110  # title, subtitle, legend and axis labels


def _rows_height(n_rows: int, row: int = ROW_HEIGHT) -> int:
    # Streamlit sizes the whole chart, title and legend included, to ``height``; without room
    # for them the rows are squeezed until Vega drops labels.
    return max(n_rows, 1) * row + CHROME_HEIGHT


def _benchmark_chart(
    df: pd.DataFrame,
    *,
    title: str,
    score_label: str,
    levels: Sequence[str] = (),
    extra_tooltips: Sequence[alt.Tooltip] = (),
    with_mean: bool = False,
) -> alt.LayerChart:
    """Band p25..p75, median tick and score marker per dimension (and the mean, a thinner tick,
    for peer groups too small for quartiles); shared by two builders."""
    dims = _order(df, "dimension")
    score_label = _(score_label)
    domain, colors = [_(IQR_LABEL), _(MEDIAN_LABEL), score_label], [BAND_COLOR, MEDIAN_COLOR, SCORE_COLOR]
    if with_mean:
        domain.insert(2, _(MEAN_LABEL))
        colors.insert(2, MEAN_COLOR)
    series = alt.Color(
        "series:N", scale=alt.Scale(domain=domain, range=colors), legend=alt.Legend(title=None, orient="top")
    )
    tooltips = [
        alt.Tooltip("dimension:N", title=_("Dimension")),
        alt.Tooltip("score:Q", title=score_label, format=".2f"),
        alt.Tooltip("median:Q", title=_("Peer median"), format=".2f"),
        alt.Tooltip("p25:Q", title=_("Peer 25th percentile"), format=".2f"),
        alt.Tooltip("p75:Q", title=_("Peer 75th percentile"), format=".2f"),
        alt.Tooltip("n:Q", title=_("Organisations in benchmark"), format="d"),
        *extra_tooltips,
    ]
    base = alt.Chart(df).encode(y=_dimension_y(dims), color=series, tooltip=tooltips)
    # Each layer names its own series so one colour scale (and one legend) explains all three.
    band = (
        base.transform_calculate(series=_js(_(IQR_LABEL)))
        .mark_bar(height=alt.RelativeBandSize(0.45), cornerRadius=2)
        .encode(x=_score_x("p25", levels=levels), x2="p75:Q")
    )
    median = (
        base.transform_calculate(series=_js(_(MEDIAN_LABEL)))
        .mark_tick(thickness=3, size=ROW_HEIGHT * 0.7)
        .encode(x=_score_x("median", levels=levels))
    )
    score = (
        base.transform_filter("isValid(datum.score)")
        .transform_calculate(series=_js(score_label))
        .mark_point(filled=True, size=120, opacity=1, stroke="white", strokeWidth=1)
        .encode(x=_score_x("score", levels=levels))
    )
    layers = [band, median, score]
    if with_mean:
        mean = (
            base.transform_calculate(series=_js(_(MEAN_LABEL)))
            .mark_tick(thickness=2, size=ROW_HEIGHT * 0.5)
            .encode(x=_score_x("mean", levels=levels))
        )
        layers.insert(2, mean)
    return alt.layer(*layers, title=_title(title), height=_rows_height(len(dims)))


def build_benchmark_chart(
    df: pd.DataFrame,
    *,
    title: str = N_("Your alignment against the benchmark"),
    score_label: str = N_("Your score"),
    levels: Sequence[str] = (),
) -> alt.LayerChart:
    """Score per dimension against the peers' interquartile band and median.

    Columns: dimension, score (may be NA), p25, median, p75, n.
    """
    data = _select(df, _BENCHMARK_COLUMNS, "build_benchmark_chart")
    return _benchmark_chart(data, title=title, score_label=score_label, levels=levels)


def build_distribution_chart(
    df: pd.DataFrame,
    *,
    title: str = N_("Where you sit among your peers"),
    score_label: str = N_("Your score"),
    levels: Sequence[str] = (),
) -> alt.LayerChart:
    """The benchmark chart plus the peer mean and, in the tooltip, the band the score falls in
    (computed from the published figures only, never a rank among peers).

    Columns: dimension, p25, median, p75 (NA under 10 organisations), mean, n, score (may be NA),
    band (may be NA).
    """
    data = _distribution_parts(df).frames[0]
    extra = [alt.Tooltip("mean:Q", title=_(MEAN_LABEL), format=".2f"), alt.Tooltip("band:N", title=_("Where you stand"))]
    return _benchmark_chart(
        data, title=title, score_label=score_label, levels=levels, extra_tooltips=extra, with_mean=True
    )


def _distribution_parts(df: pd.DataFrame) -> Parts:
    data = _select(df, [*_BENCHMARK_COLUMNS, "mean", "band"], "build_distribution_chart")
    return Parts((data,), tuple(_order(data, "dimension")))  # the rows' order and the height


def build_gap_chart(
    df: pd.DataFrame, *, title: str = N_("Where IT and marketing see things differently")
) -> alt.LayerChart:
    """Diverging bars of gap = marketing mean - IT mean, flagged gaps outlined and opaque.

    Columns: dimension, it, marketing, gap, flagged (bool, computed by scoring; not recomputed here).
    """
    data = _select(df, ["dimension", "it", "marketing", "gap", "flagged"], "build_gap_chart")
    dims = _order(data, "dimension")
    x = alt.X(
        "gap:Q",
        scale=alt.Scale(domain=GAP_DOMAIN),
        axis=alt.Axis(
            title=_("Gap in levels (marketing mean − IT mean)"),
            values=list(range(GAP_DOMAIN[0], GAP_DOMAIN[1] + 1)),
            labelExpr="datum.value > 0 ? '+' + datum.value : datum.value",
        ),
    )
    flags, directions = [_(f) for f in FLAG_LABELS], _translated(GAP_DIRECTION_COLORS)
    # A neutral fill in the legend so it shows only what the flag changes: outline and opacity.
    flag = alt.Legend(title=None, orient="top", symbolFillColor=MEDIAN_COLOR, symbolStrokeColor="black")
    bars = (
        alt.Chart(data)
        .transform_filter("isValid(datum.gap)")
        # A zero gap draws a zero-length bar, so its direction colour is never seen.
        .transform_calculate(
            direction=f"datum.gap > 0 ? {_js(_('Marketing rates higher'))} : {_js(_('IT rates higher'))}",
            flag_label=f"datum.flagged ? {_js(flags[0])} : {_js(flags[1])}",
            flagged_text=f"datum.flagged ? {_js(_('Yes'))} : {_js(_('No'))}",
        )
        .mark_bar(height=alt.RelativeBandSize(0.6), stroke="black")
        .encode(
            x=x,
            y=_dimension_y(dims),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=list(directions), range=list(directions.values())),
                legend=alt.Legend(title=None, orient="top"),
            ),
            # Opacity and outline carry the flag, so it survives greyscale printing; same field and
            # title, so Vega-Lite merges both into one legend.
            opacity=alt.Opacity(
                "flag_label:N", scale=alt.Scale(domain=flags, range=[1, 0.45]), legend=flag
            ),
            strokeWidth=alt.StrokeWidth(
                "flag_label:N", scale=alt.Scale(domain=flags, range=[1.5, 0]), legend=flag
            ),
            tooltip=[
                alt.Tooltip("dimension:N", title=_("Dimension")),
                alt.Tooltip("it:Q", title=_("IT mean"), format=".2f"),
                alt.Tooltip("marketing:Q", title=_("Marketing mean"), format=".2f"),
                alt.Tooltip("gap:Q", title=_("Gap (marketing − IT)"), format="+.2f"),
                alt.Tooltip("flagged_text:N", title=_("Flagged")),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"gap": [0]})).mark_rule(color=MEDIAN_COLOR, strokeWidth=1.5).encode(x=x)
    thresholds = (
        alt.Chart(pd.DataFrame({"gap": [-GAP_FLAG, GAP_FLAG]}))
        .mark_rule(color=RULE_COLOR, strokeDash=[4, 4])
        .encode(x=x)
    )
    subtitle = N_("Bars point towards the side that rates higher; dashed lines mark a gap of one level.")
    return alt.layer(bars, zero, thresholds, title=_title(title, subtitle), height=_rows_height(len(dims)))


PRIORITY_COLUMNS = ["dimension", "score", "importance", "priority", "rank"]


def _priority_labels(data: pd.DataFrame) -> pd.DataFrame:
    """One label per spot: dimensions whose points coincide (say, everyone left the importance
    sliders untouched and two scores are equal) share one label instead of overprinting."""
    data = data.copy()
    rank_text = data["rank_label"] if "rank_label" in data else data["rank"].astype("Int64").astype(str)
    data["named"] = rank_text + ". " + data["dimension"].astype(str)
    data["spot"] = data["score"].round(1).astype(str) + "|" + data["importance"].round(1).astype(str)
    top = data[data["rank"].notna() & (data["rank"] <= 3)]
    # The top three (more with shared ranks) grouped by hand: a fraction of what a pandas
    # groupby costs, and this runs for every person who finishes.
    spots: dict[str, list[tuple]] = {}
    for row in zip(top["spot"], top["named"], top["rank"], top["score"], top["importance"], strict=True):
        spots.setdefault(row[0], []).append(row[1:])
    rows = [
        (
            _group_label([r[0] for r in group]),
            min(r[1] for r in group),
            sum(r[2] for r in group) / len(group),
            sum(r[3] for r in group) / len(group),
        )
        for group in spots.values()
    ]
    return pd.DataFrame(rows, columns=["label", "rank", "score", "importance"])


def _group_label(names: list[str]) -> str:
    if len(names) <= 2:
        return " + ".join(names)
    return _("{name} + {count} more at this spot").format(name=names[0], count=len(names) - 1)


def build_priority_chart(
    df: pd.DataFrame, *, title: str = N_("Where to act first"), levels: Sequence[str] = ()
) -> alt.LayerChart:
    """Maturity (x) against importance (y), sized by priority; the top three are named.

    Columns: dimension, score, importance, priority (= importance * (5 - score)), rank (1 = top),
    and optionally rank_label ("2=" for a shared rank).
    """
    data, labels = _priority_parts(df).frames
    tiers = _translated(PRIORITY_COLORS)
    x = _score_x("score", title=_("Maturity (score)"), levels=levels)
    importance_axis = alt.Axis(
        title=_("Importance (1 hardly – 5 critically)"),
        values=list(LEVELS),
        labelExpr=f"datum.value == 1 ? {_js(_('1 hardly'))} : datum.value == 3 ? {_js(_('3 moderately'))} : "
        f"datum.value == 5 ? {_js(_('5 critically'))} : datum.value",
    )
    y = alt.Y("importance:Q", scale=alt.Scale(domain=SCORE_DOMAIN), axis=importance_axis)
    points = (
        alt.Chart(data)
        .transform_filter("isValid(datum.score) && isValid(datum.importance)")
        .transform_calculate(tier=f"{_TOP3} ? {_js(_('Top 3 priorities'))} : {_js(_('Other dimensions'))}")
    )
    circles = points.mark_circle(opacity=0.8, stroke="white", strokeWidth=1).encode(
        x=x,
        y=y,
        # importance * (5 - score) runs from 0 to 20 whatever the data, so sizes compare across rounds.
        size=alt.Size(
            "priority:Q",
            scale=alt.Scale(domain=[0, 20], range=[30, 900]),
            legend=alt.Legend(title=_("Priority"), orient="bottom"),  # below: the plot keeps its width on a phone
        ),
        color=alt.Color(
            "tier:N",
            scale=alt.Scale(domain=list(tiers), range=list(tiers.values())),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("dimension:N", title=_("Dimension")),
            alt.Tooltip("score:Q", title=_("Maturity"), format=".2f"),
            alt.Tooltip("importance:Q", title=_("Importance"), format=".2f"),
            alt.Tooltip("priority:Q", title=_("Priority"), format=".1f"),
            alt.Tooltip("rank:Q", title=_("Rank"), format="d"),
        ],
    )
    # Names of points in the right half go to their left so they stay inside the plot; each
    # rank sits a little higher or lower, so close points do not print their names on top of
    # each other, and the rank number ties a name to the recommendations below the chart.
    # The same axis as the circles': layers share one y axis, and an axis=None here would hide it.
    label_y = alt.Y("label_y:Q", scale=alt.Scale(domain=SCORE_DOMAIN), axis=importance_axis)
    names = [
        alt.Chart(labels)
        .transform_filter(side)
        .transform_calculate(label_y="datum.importance + (2 - datum.rank) * 0.18")
        .mark_text(align=align, dx=dx, fontWeight="bold", limit=LABEL_LIMIT)
        .encode(x=x, y=label_y, text="label:N")
        for side, align, dx in [("datum.score <= 3.5", "left", 14), ("datum.score > 3.5", "right", -14)]
    ]
    rules = [
        alt.Chart(pd.DataFrame({"score": [3]})).mark_rule(color=RULE_COLOR, strokeDash=[4, 4]).encode(x=x),
        alt.Chart(pd.DataFrame({"importance": [3]}))
        .mark_rule(color=RULE_COLOR, strokeDash=[4, 4])
        .encode(y=y),
    ]
    quadrants = pd.DataFrame([(_(q), x, y) for q, x, y in QUADRANTS], columns=["quadrant", "score", "importance"])
    corner_text = (
        alt.Chart(quadrants)
        .mark_text(align="left", baseline="middle", color=MEDIAN_COLOR, fontStyle="italic")
        .encode(x=x, y=y, text="quadrant:N")
    )
    subtitle = N_("Larger circles: more important and less mature (importance × (5 − score)).")
    return alt.layer(*rules, corner_text, circles, *names, title=_title(title, subtitle), height=420)


def _priority_parts(df: pd.DataFrame) -> Parts:
    extra = ["rank_label"] if "rank_label" in df.columns else []
    data = _select(df, PRIORITY_COLUMNS + extra, "build_priority_chart")
    labels = _priority_labels(data) if len(data) else pd.DataFrame(columns=["label", "rank", "score", "importance"])
    return Parts((data, labels), tuple(extra))  # the height is fixed


def build_heatmap(df: pd.DataFrame, *, title: str = N_("Mean answer per question and side")) -> alt.LayerChart:
    """Question (rows) by side (columns), coloured by the mean answer on the 1..5 scale.

    Columns: question_id, question, dimension, side, mean (may be NA, e.g. too few answers), n.
    """
    data = _select(df, ["question_id", "question", "dimension", "side", "mean", "n"], "build_heatmap")
    n_questions = data["question_id"].nunique()
    keep = QUESTION_LABEL_CHARS - 1
    base = (
        alt.Chart(data)
        # Full text stays in the data for the tooltip; the axis gets a short label.
        .transform_calculate(
            # The id keeps labels unique when two questions share their first words.
            question_label=f"datum.question_id + ' · ' + (length(datum.question) > {QUESTION_LABEL_CHARS}"
            f" ? trim(substring(datum.question, 0, {keep})) + '…' : datum.question)",
            mean_text="isValid(datum.mean) ? format(datum.mean, '.1f') : '–'",
        )
        # The label is computed in Vega, so order rows by each question's first row.
        .transform_window(question_order="row_number()")
        .encode(
            x=alt.X("side:N", sort=_side_order(), axis=alt.Axis(title=None, orient="top", labelAngle=0)),
            y=alt.Y(
                "question_label:N",
                sort=alt.EncodingSortField(field="question_order", op="min"),
                axis=alt.Axis(title=None, labelLimit=QUESTION_LABEL_LIMIT),
            ),
            tooltip=[
                alt.Tooltip("question:N", title=_("Question")),
                alt.Tooltip("dimension:N", title=_("Dimension")),
                alt.Tooltip("side:N", title=_("Side")),
                alt.Tooltip("mean:Q", title=_("Mean"), format=".2f"),
                alt.Tooltip("n:Q", title=_("Answers"), format="d"),
            ],
        )
    )
    # Cells without a mean (too few answers) are dropped by the colour layer; grey shows through.
    blank = base.mark_rect(color=MISSING_COLOR, stroke="white", strokeWidth=1)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "mean:Q",
            scale=alt.Scale(domain=SCORE_DOMAIN, scheme=HEATMAP_SCHEME),
            legend=alt.Legend(title=_("Mean score"), orient="top", values=list(LEVELS)),
        )
    )
    # Viridis is dark below the middle of the scale: white text there, black above.
    labels = base.mark_text(fontSize=12).encode(
        text="mean_text:N",
        color=alt.when("isValid(datum.mean) && datum.mean < 2.8")
        .then(alt.value("white"))
        .otherwise(alt.value("black")),
    )
    return alt.layer(blank, cells, labels, title=_title(title), height=_rows_height(n_questions, row=26))


def _spread_lanes(data: pd.DataFrame, sides: list[str]) -> pd.DataFrame:
    """Give each answer a vertical position in its side's lane within the dimension row.

    Deterministic (golden-ratio spacing by score rank) so reruns do not make points jump, and
    rows are reordered by score so row position cannot link one respondent across dimensions.
    """
    data = data.dropna(subset=["score"]).sort_values(["dimension", "side", "score"], kind="stable")
    rank = data.groupby(["dimension", "side"], sort=False).cumcount()
    lane = data["side"].map({s: i for i, s in enumerate(sides)}).astype(float)
    data["lane"] = lane + 0.15 + 0.7 * ((rank * 0.618034) % 1.0)
    return data.reset_index(drop=True)


def build_spread_chart(
    df: pd.DataFrame, *, title: str = N_("How individual answers spread"), levels: Sequence[str] = ()
) -> alt.LayerChart:
    """One dot per anonymous respondent per dimension, a lane per side, a tick at each side's mean.

    Columns: dimension, side, score. Tooltips show side and score only.
    """
    data = _select(df, ["dimension", "side", "score"], "build_spread_chart")
    dims = _order(data, "dimension")
    present = _order(data, "side")
    order = _side_order()
    sides = [s for s in order if s in present] + [s for s in present if s not in order]
    points = _spread_lanes(data, sides)
    means = data.groupby(["dimension", "side"], sort=False, as_index=False)["score"].mean().dropna()
    means["lane"] = means["side"].map({s: i + 0.5 for i, s in enumerate(sides)})
    n_lanes = max(len(sides), 1)
    lane_px = 18
    y = _dimension_y(dims, padding=0.35)  # a clear gap between dimensions
    y_offset = alt.YOffset("lane:Q", scale=alt.Scale(domain=[0, n_lanes]))
    color = alt.Color(
        "side:N",
        scale=alt.Scale(domain=list(_translated(SIDE_COLORS)), range=list(SIDE_COLORS.values())),
        legend=alt.Legend(title=_("Side"), orient="top"),
    )
    shared = {"x": _score_x("score", levels=levels), "y": y, "yOffset": y_offset, "color": color}
    side_tip = alt.Tooltip("side:N", title=_("Side"))
    dots = (
        alt.Chart(points)
        .mark_circle(size=45, opacity=0.6)
        .encode(**shared, tooltip=[side_tip, alt.Tooltip("score:Q", title=_("Score"), format=".2f")])
    )
    ticks = (
        alt.Chart(means)
        .mark_tick(thickness=3, size=lane_px, opacity=1)
        .encode(**shared, tooltip=[side_tip, alt.Tooltip("score:Q", title=_("Mean score"), format=".2f")])
    )
    subtitle = N_("Dots: individual answers, one per respondent; bars: the mean of each side.")
    height = _rows_height(len(dims), row=int(n_lanes * lane_px / 0.65))
    return alt.layer(dots, ticks, title=_title(title, subtitle), height=height)


TREND_PANEL_WIDTH = 150  # px: four panels a row fit a laptop-width page
TREND_PANEL_HEIGHT = 110


def _trend_line(data: pd.DataFrame, rounds: list[str], y: alt.Y, color: str, fmt: str) -> alt.LayerChart:
    base = alt.Chart(data).encode(
        x=alt.X("round:O", sort=rounds, axis=alt.Axis(title=None, labelAngle=0, labelLimit=70)),
        y=y,
        tooltip=[
            alt.Tooltip("round:O", title=_("Round")),
            alt.Tooltip("panel:N", title=_("Measure")),
            alt.Tooltip("value:Q", title=_("Value"), format=fmt),
        ],
    )
    line = base.mark_line(color=color, strokeWidth=2)
    points = base.mark_point(filled=True, size=60, color=color)
    return alt.layer(line, points).properties(width=TREND_PANEL_WIDTH, height=TREND_PANEL_HEIGHT)


def build_trend_chart(
    df: pd.DataFrame, *, title: str = N_("Change across rounds"), levels: Sequence[str] = ()
) -> alt.VConcatChart:
    """Overall score and alignment index per round, then one small panel per dimension, so
    eight dimensions do not overlap in one plot.

    Columns: round (label), round_order (int, sorts the rounds), panel (measure or dimension
    title), kind ("overall" and "dimension" on 1-5, "alignment" on 0-100), value.
    """
    data = _select(df, ["round", "round_order", "panel", "kind", "value"], "build_trend_chart")
    data = data[data["value"].notna()]
    rounds = [str(r) for r in data.sort_values("round_order", kind="stable")["round"].dropna().unique()]
    score_y = alt.Y("value:Q", scale=alt.Scale(domain=SCORE_DOMAIN), axis=alt.Axis(title=None, values=list(LEVELS)))
    align_y = alt.Y("value:Q", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(title=None, values=[0, 50, 100]))
    headline = data[data["kind"] == "overall"]
    alignment = data[data["kind"] == "alignment"]
    dims = data[data["kind"] == "dimension"]
    top = alt.hconcat(
        _trend_line(headline, rounds, score_y, SCORE_COLOR, ".2f").properties(title=_("Overall score (1–5)")),
        _trend_line(alignment, rounds, align_y, SIDE_COLORS["IT"], ".0f").properties(
            title=_("Alignment index (0–100)")
        ),
    )
    panels = (
        _trend_line(dims, rounds, score_y, MEDIAN_COLOR, ".2f")
        .facet(
            facet=alt.Facet("panel:N", sort=_order(dims, "panel"), title=None, header=alt.Header(labelLimit=150)),
            columns=4,
        )
    )
    if levels:
        subtitle = _("Scores on the 1–5 scale ({levels})").format(
            levels=", ".join(f"{i} {name}" for i, name in enumerate(levels, start=1))
        )
    else:
        subtitle = _("Scores on the 1–5 scale")
    return alt.vconcat(top, panels).properties(title=_title(title, subtitle))


_PARTS: dict[str, Callable[[pd.DataFrame], Parts]] = {
    build_distribution_chart.__name__: _distribution_parts,
    build_priority_chart.__name__: _priority_parts,
}
