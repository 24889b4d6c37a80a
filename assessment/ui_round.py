"""Drawing a scored round on a page: the benchmark pickers and caption, charts with their text
alternatives (drawn specs kept by content), tables with headings in the page's language, the
priorities, the headline metrics and the report downloads. Pages call these; the round itself
comes from ``assessment.rounds`` (the read model), loaded here through the app's store."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.elements import vega_charts as _vega

from assessment import benchmarks, chart_text, charts, i18n, insight, memo, rounds, ui, workload
from assessment.benchmarks import Source
from assessment.i18n import N_, _
from assessment.numbers import fmt_number, fmt_score
from assessment.questionnaire import Questionnaire
from assessment.rounds import BenchmarkChoice, RoundError, ScoredRound, load_round, load_round_and_own
from assessment.scoring import Result, maturity_level
from assessment.store import Organisation
from assessment.text import md_escape


@st.cache_resource(show_spinner=False)
def _report_gate() -> workload.ReportGate:
    return workload.ReportGate()


# a scored round ---------------------------------------------------------------------------


def scored_round(
    round_id: str,
    *,
    respondent_id: str | None = None,
    choice: BenchmarkChoice | None = None,
    viewer_id: str | None = None,
    sources: list[Source] | None = None,
) -> ScoredRound:
    """The read model of a round, or a clear message (and the page stops) when it cannot be read.
    ``viewer_id``: the respondent looking, whose own answers are the only raw answers offered.
    ``sources``: what ``benchmark_choice`` offered, so that they are not read again."""
    try:
        scored = load_round(
            ui.get_store(), ui.get_questionnaires(), round_id, respondent_id=respondent_id, choice=choice,
            viewer_id=viewer_id, sources=sources,
        )  # fmt: skip
    except RoundError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    return rounds.in_language(scored, i18n.current())  # the questionnaire's words, as the page reads


def scored_round_and_own(
    round_id: str, respondent_id: str, *, choice: BenchmarkChoice, sources: list[Source] | None = None
) -> tuple[ScoredRound | None, ScoredRound]:
    """The round as the respondent sees it (None until its results are released) and their own
    part of it, from one read of the round (or a clear message, and the page stops)."""
    try:
        both = load_round_and_own(
            ui.get_store(), ui.get_questionnaires(), round_id, respondent_id, choice=choice, sources=sources
        )
    except RoundError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    lang = i18n.current()  # the questionnaire's words, as the page reads
    organisation, mine = both
    return (None if organisation is None else rounds.in_language(organisation, lang)), rounds.in_language(mine, lang)


def benchmark_choice(
    organisation: Organisation | None, q: Questionnaire, *, key: str
) -> tuple[BenchmarkChoice, list[Source]]:
    """The source and peer-group pickers; what they select travels with the round into reports.
    Also returns the sources on offer, for the page to hand on to the read of the round."""
    offered = benchmarks.available_sources(ui.get_store(), q.key)
    sources = {s.key: s for s in offered}
    keys = list(sources)
    left, right = st.columns([2, 3])
    source = left.selectbox(
        _("Compare with"),
        keys,
        index=keys.index(benchmarks.default_source(list(sources.values()))),
        format_func=lambda k: sources[k].label,
        key=f"{key}_source",
    )
    segment_types = benchmarks.SEGMENT_TYPES if organisation is not None else ("all",)
    segment = (
        right.segmented_control(
            _("Peer group"),
            segment_types,
            format_func=lambda t: md_escape(benchmarks.segment_label(t, organisation)),
            default="all",
            key=f"{key}_segment",
        )
        or "all"
    )
    return BenchmarkChoice(source, segment), offered


def benchmark_caption(scored: ScoredRound) -> None:
    """What the comparison is, said the same way everywhere (and in the report)."""
    if scored.fallback_reason:
        st.warning(_(scored.fallback_reason))  # benchmarks' N_() reasons, translated as shown
    benchmark = scored.benchmark
    if benchmark is None:
        st.info(
            _(
                "{reason} An operator can load a labelled synthetic sample with "
                "`python -m assessment seed-demo`, or import a benchmark set."
            ).format(reason=_(scored.comparison.reason) if scored.comparison.reason else "")
        )
        return
    if benchmark.synthetic:
        st.warning(_(SYNTHETIC_WARNING))
    member = benchmark.release is not None and ui.get_store().pool.is_release_member(
        benchmark.release.id, scored.organisation.id
    )
    caption = (
        _(
            "Benchmark: {benchmark}. Your organisation's approved round is one of the organisations in "
            "this release. Where you stand is a band read from the published figures only (quartiles "
            "from 10 organisations, otherwise the mean). Reports downloaded here use this comparison."
        )
        if member
        else _(
            "Benchmark: {benchmark}. Where you stand is a band read from the published figures only "
            "(quartiles from 10 organisations, otherwise the mean). Reports downloaded here use this "
            "comparison."
        )
    )
    st.caption(caption.format(benchmark=md_escape(benchmark.label)))


SYNTHETIC_WARNING = N_("Compared with a **synthetic sample** (generated demo data, not real organisations).")


def choices_table(scored: ScoredRound) -> None:
    """Unscored choice questions ("who leads the digital, data and AI agenda"), per side."""
    frame = scored.choices
    if frame.empty or frame[["IT", "marketing", "other"]].to_numpy().sum() == 0:
        return
    for question, rows in frame.groupby("question", sort=False):
        st.subheader(md_escape(str(question)))
        st.caption(_("How many on each side chose each answer. Not part of any score."))
        dataframe(rows.drop(columns=["question"]))


# Column names of the tables pages show, marked for translation. The frames are data (reports
# and tests read their columns by name), so a table is translated only as it is drawn, by
# ``dataframe`` below; English keeps the names as they are.
TABLE_COLUMNS = (
    # translators: column headings of tables; the lower-case ones are short data names
    N_("dimension"), N_("dimension_id"), N_("score"), N_("level"), N_("basis"), N_("it"), N_("marketing"),
    N_("gap"), N_("flagged"), N_("importance"), N_("question"), N_("question_id"), N_("IT"), N_("Marketing"),
    N_("other"), N_("answer"), N_("statement"), N_("population"), N_("source"),
    N_("target"), N_("progress %"), N_("progress since previous %"), N_("previous"),
    N_("earlier"), N_("later"), N_("change"), N_("round"), N_("status"), N_("started"), N_("closed on"),
    N_("display_name"), N_("finished"), N_("happened_at"), N_("actor"), N_("action"), N_("subject"),
    N_("detail"), N_("Dimension"), N_("Score"), N_("Where you stand"), N_("Peer mean"), N_("Peer median"),
    N_("Peer 25th–75th percentile"), N_("Organisations (n)"), N_("Organisation"), N_("Industry"),
    N_("Employees"), N_("Region"), N_("Finished respondents"), N_("Benchmark"), N_("option"), N_("e-mail"),
    N_("name"), N_("role"), N_("password"), N_("disabled"), N_("created"), N_("by"), N_("published figure"),
    N_("group surveyed"), N_("your answer"), N_("comparable share: IT"), N_("comparable share: marketing"),
    N_("comparable share: everyone"),
)  # fmt: skip
_TABLE_COLUMNS = frozenset(TABLE_COLUMNS)


def column_label(name: object) -> object:
    return _(name) if isinstance(name, str) and name in _TABLE_COLUMNS else name


def dataframe(frame: pd.DataFrame, *, column_config: dict | None = None, **kwargs) -> None:
    """``st.dataframe`` with the column headings in this run's language (the frame is unchanged)."""
    config = {column_label(k): v for k, v in (column_config or {}).items()}
    if isinstance(frame, pd.DataFrame):
        frame = frame.rename(columns=column_label)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    st.dataframe(frame, column_config=config or None, **kwargs)


def few_people_note(scored: ScoredRound) -> None:
    """Say so wherever a side's figures are one or two people's view."""
    if scored.few_people_note:
        st.caption(f":material/person: {md_escape(scored.few_people_note)}")


def chart(figure: alt.TopLevelMixin, text: tuple[str, pd.DataFrame], *, name: str, stretch: bool = True) -> None:
    """A chart with its text alternative: the summary is its accessible name (Vega's ARIA
    description), and its figures sit beside it as a plain table in a collapsed expander."""
    _draw(_vega_lite_spec(figure), text, name=name, stretch=stretch)


def cached_chart(
    build: Callable[..., alt.TopLevelMixin],
    data: pd.DataFrame,
    text: tuple[str, pd.DataFrame],
    *,
    name: str,
    stretch: bool = True,
    **options: object,
) -> None:
    """``chart(build(data, **options), ...)``, with the drawn spec kept by the content of its
    inputs and the language it is drawn in (its titles and legends are translated as it is
    built): a room finishing together draws the organisation's picture (and many people's
    identical ones) once, not once per person. Content keys cannot go stale."""
    try:
        key = (build.__module__, build.__qualname__, i18n.current(), memo.content_key(data, options))
    except memo.Unkeyable:
        return chart(build(data, **options), text, name=name, stretch=stretch)
    spec = _SPECS.get(key, lambda: _spec_of(build, data, options))
    _draw(spec, text, name=name, stretch=stretch)


_SPECS = memo.Bounded(256)  # drawn chart specs, about 10-40 kB each
_SHAPES = memo.Bounded(64)  # per builder, language, options and shape: a spec and its frames' names


def _spec_of(build: Callable[..., alt.TopLevelMixin], data: pd.DataFrame, options: dict) -> dict:
    """The spec of ``build(data, **options)``. A person's own charts after Finish differ from
    the last person's only in their data: a builder that declares its parts (charts.parts_of)
    has the spec drawn for an input of the same shape reused with this input's frames in place,
    which skips Altair (about half of the results page's work when a room finishes together)."""
    parts_of = charts.parts_of(build)
    if parts_of is None:
        return _vega_lite_spec(build(data, **options))
    parts = parts_of(data)
    try:
        key = (build.__qualname__, i18n.current(), memo.content_key(options), parts.shape,
               tuple((tuple(map(str, f.columns)), tuple(map(str, f.dtypes))) for f in parts.frames))  # fmt: skip
    except memo.Unkeyable:
        return _vega_lite_spec(build(data, **options))
    datasets: dict = {}
    names = [_vega._to_arrow_dataset(frame, datasets)["name"] for frame in parts.frames]
    known = _SHAPES.peek(key)
    if known is None:
        spec = _vega_lite_spec(build(data, **options))
        # Reusable only if each frame is a dataset of its own, told apart from the chart's
        # fixed data (two equal frames, or a frame equal to a fixed one, could not be told apart).
        if len(set(names)) == len(names) and all(n in spec["datasets"] for n in names):
            _SHAPES.put(key, (spec, names))
        return spec
    template, old = known
    renamed = dict(zip(old, names, strict=True))
    spec = _renamed(template, renamed)
    # The chart's fixed data (rules, quadrant names) stays; the frames are this input's.
    spec["datasets"] = {n: d for n, d in template["datasets"].items() if n not in renamed} | datasets
    return spec


def _renamed(node: object, names: dict[str, str]) -> object:
    """A copy of a spec with every data reference ``{"name": old}`` pointing at its new name
    (the datasets themselves are left to the caller)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "datasets":
                continue
            if key == "data" and isinstance(value, dict) and value.get("name") in names:
                out[key] = {**value, "name": names[value["name"]]}
            else:
                out[key] = _renamed(value, names)
        return out
    if isinstance(node, list):
        return [_renamed(item, names) for item in node]
    return node


def _vega_lite_spec(figure: alt.TopLevelMixin) -> dict:
    """What ``st.altair_chart`` sends for ``figure``, built
    the way Streamlit builds it but without Altair's JSON-schema validation of the whole spec,
    which costs about as much again as building the chart (our builders are fixed code, checked
    by the tests; ``tests/test_charts_drawn.py`` checks the two specs are identical)."""
    lock = getattr(_vega, "_altair_globals_lock", None)
    to_arrow = getattr(_vega, "_to_arrow_dataset", None)
    if lock is None or to_arrow is None:  # another Streamlit: its own (validating) conversion
        return _vega._convert_altair_to_vega_lite_spec(figure.configure_mark(aria=False))
    datasets: dict = {}
    alt.data_transformers.register("to_arrow_dataset", to_arrow)
    # Altair's theme and data transformer are process-wide: Streamlit sets them under this lock.
    with lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else contextlib.nullcontext()
        with theme, alt.data_transformers.enable("to_arrow_dataset", datasets=datasets):
            spec = figure.to_dict(validate=False)
    existing = spec.get("datasets")
    spec["datasets"] = {**existing, **datasets} if isinstance(existing, dict) else datasets
    # Marks without ARIA: Vega would expose each mark group as an unnamed image; the chart is
    # named by the summary (alt) instead, and its axes and legends stay readable. What
    # ``figure.configure_mark(aria=False)`` would add, without its deep copy of the chart.
    config = spec.setdefault("config", {})
    config["mark"] = {**config.get("mark", {}), "aria": False}
    return spec


def _draw(spec: dict, text: tuple[str, pd.DataFrame], *, name: str, stretch: bool) -> None:
    summary, table = text
    # dict(spec): Streamlit takes the datasets out of the top level of the dict it is given.
    st.vega_lite_chart(dict(spec), width="stretch" if stretch else "content", alt=summary)
    with st.expander(_("{chart}: the figures as a table").format(chart=name)):
        st.caption(md_escape(summary))
        st.table(table.round(2) if hasattr(table, "round") else table, hide_index=True)


def benchmark_section(scored: ScoredRound, *, score_label: str) -> None:
    """Scores against the chosen source and peer group, with the band each score falls in."""
    benchmark_caption(scored)
    cached_chart(
        charts.build_distribution_chart,
        scored.benchmark_table,
        chart_text.benchmark_summary(scored.benchmark_table),
        name=_("Against the benchmark"),
        score_label=score_label,
        levels=scored.questionnaire.level_names,
    )


REPORT_LABELS = {
    "pdf": N_("PDF report"),
    "html": N_("HTML report (one file, opens offline)"),
    "docx": N_("Word report (to edit)"),
    "pptx": N_("Workshop deck (PowerPoint)"),
    "xlsx": N_("Excel workbook"),
    "csv": N_("Raw responses (CSV)"),
}
DOWNLOAD_LABELS = {  # whole sentences: a translator may need to inflect the format's name
    "pdf": N_("Download the PDF report"),
    "html": N_("Download the HTML report (one file, opens offline)"),
    "docx": N_("Download the Word report (to edit)"),
    "pptx": N_("Download the Workshop deck (PowerPoint)"),
    "xlsx": N_("Download the Excel workbook"),
    "csv": N_("Download the raw responses (CSV)"),
}


def report_downloads(scored: ScoredRound, *, key: str, on_build: Callable[[str], None] | None = None) -> None:
    """Choose a format, then one click gives the file: the button builds it on click (its own
    spinner shows while a PDF, Word or HTML report takes its second or two) and downloads it,
    without rerunning the page. The report renders the round exactly as the page drew it,
    benchmark choice included."""
    from assessment import report

    fmt = st.radio(
        _("Format"), report.FORMATS, format_func=lambda f: _(REPORT_LABELS[f]), horizontal=True, key=f"{key}_fmt"
    )
    # Captured now: the button's builder runs when clicked, outside this script run.
    session, client, lang = ui.session_id(), ui.client(), i18n.current()

    def build() -> bytes:
        if on_build is not None:
            on_build(fmt)  # the audit record of who downloaded what; may refuse
        # Rationed per tab and per client, one at a time, rendered in the worker process so
        # that respondents' saves stay fast (assessment.workload).
        with _report_gate().slot(session, client):
            return workload.render(scored, fmt, lang=lang)

    st.download_button(
        _(DOWNLOAD_LABELS[fmt]),
        data=build,  # built when clicked, not on every rerun
        file_name=report.file_name(scored, fmt, lang),
        mime=report.MEDIA_TYPES[fmt],
        key=f"{key}_download_{fmt}",
        type="primary",
        on_click="ignore",
    )
    st.caption(
        _("Saved as {file}. The file is made when you click: allow a few seconds.").format(
            file=report.file_name(scored, fmt, lang)
        )
    )


def priorities_panel(scored: ScoredRound) -> None:
    """The importance-vs-maturity chart and the top priorities with what to do about each."""
    if scored.priorities.empty:
        st.info(_("Priorities appear once at least one dimension has enough answers."))
        return
    cached_chart(
        charts.build_priority_chart,
        scored.priorities,
        chart_text.priority_summary(scored.priorities),
        name=_("Priorities"),
        levels=scored.questionnaire.level_names,
    )
    items = scored.recommendations
    tied = [md_escape(str(i["dimension"])) for i in items if i["tied"]]
    if tied:
        st.info(
            _("{dimensions} are equal priorities (within 0.1 of each other): their order is not a ranking.").format(
                dimensions=", ".join(tied)
            )
        )
    for item in items:
        # One text per priority, not one element per line: the results page after Finish sends
        # a third fewer elements (each is a message of its own to the phone).
        st.container(border=True).markdown("\n\n".join(_priority_lines(item)))


def _priority_lines(item: dict) -> list[str]:
    """A priority as markdown blocks: its title line, then its steps (a list, each step's action
    indented under it) or, to reconcile first, the action and where the sides' answers differ."""
    title = f"**{item['rank_label']}. {md_escape(str(item['dimension']))}**"
    if item["kind"] == "reconcile":
        lines = [
            _(
                "{title}: reconcile first. IT and marketing are {gap} levels apart "
                "(score {score}, importance {importance})."
            ).format(
                title=title, gap=fmt_score(abs(item["gap"])), score=fmt_score(item["score"]),
                importance=item["importance"],
            )  # fmt: skip
        ]
        if item["reconcile"]:
            lines.append(_action_text(item["reconcile"]))
        for step in item["steps"]:
            lines.append(
                _(
                    "- *{question}* IT answered {it} (“{it_says}”); marketing {marketing} "
                    "(“{marketing_says}”)."
                ).format(
                    question=md_escape(step["question"]), it=fmt_score(step["it"]),
                    it_says=md_escape(step["it_says"]), marketing=fmt_score(step["marketing"]),
                    marketing_says=md_escape(step["marketing_says"]),
                )  # fmt: skip
            )
        return lines
    lines = [
        _("{title}: score {score} ({level}), importance {importance}, priority {priority}").format(
            title=title, score=fmt_score(item["score"]), level=item["level"],
            importance=fmt_number(item["importance"], ".1f"), priority=fmt_score(item["priority"]),
        )  # fmt: skip
    ]
    for step in item["steps"]:
        if step["next_level"] is None:
            continue
        lines.append(
            _("- *{question}* Now {level}; next, {next_level}.").format(
                question=md_escape(step["question"]), level=step["level"], next_level=step["next_level"]
            )
        )
        lines.append(_action_text(step["action"]) if step["action"] else f"  {md_escape(step['description'])}")
    return lines


def _action_text(action: dict[str, str]) -> str:
    return _("  **{action}** Owner: {owner}.  \n  First step: {first_step}  \n  Check after 90 days: {measure}").format(
        action=md_escape(action["action"]), owner=md_escape(action["owner"]),
        first_step=md_escape(action["first_step"]), measure=md_escape(action["measure"]),
    )  # fmt: skip


SPLIT_LEVEL = N_("Two views")  # the level box when the sides are a level or more apart
_VERDICT_COLOURS = {"aligned": "green", "partly aligned": "orange", "serious disagreement": "red"}
_VERDICTS = {"aligned": N_("Aligned"), "partly aligned": N_("Partly aligned"), "serious disagreement": N_("Serious disagreement")}


def alignment_metric(result: Result, column) -> None:  # noqa: ANN001 - a Streamlit column
    """The alignment index with its words, coloured, so a number never reads without them."""
    index = result.alignment_index
    column.metric(
        _("IT–marketing alignment"),
        "—" if index is None else _("{index} / 100").format(index=f"{index:.0f}"),
        help=_(
            "100 when IT and marketing see every dimension alike, 50 when they are a full level apart "
            "on average, 0 at two levels or more."
        ),
    )
    if result.alignment:
        verdict = _(_VERDICTS[result.alignment]) if result.alignment in _VERDICTS else result.alignment.capitalize()
        column.markdown(f":{_VERDICT_COLOURS[result.alignment]}[**{verdict}**]")


def headline_panel(result: Result, container) -> None:  # noqa: ANN001 - a Streamlit container
    """The gap-first headline: each side's view when they are a level apart, else one level."""
    head = insight.headline(result)
    if head.split:
        left, right = container.columns(2)
        for col, side in ((left, "it"), (right, "marketing")):
            score = result.sides[side]
            name = result.questionnaire.level_name(maturity_level(score))
            col.metric(_("{side} sees").format(side=ui.side_label(side)), f"{fmt_score(score)} · {name}")
        container.error(md_escape(head.text))
    else:
        container.markdown(md_escape(head.text))


