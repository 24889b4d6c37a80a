"""The thin Streamlit layer shared by pages: the store, the questionnaire, who is answering.

The only module of ``assessment`` that imports Streamlit.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from contextvars import ContextVar
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.elements import vega_charts as _vega
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assessment import (
    backups,
    benchmarks,
    chart_text,
    charts,
    config,
    i18n,
    insight,
    memo,
    profile,
    rounds,
    state,
    translations,
    uploads,
    workload,
)
from assessment import throttle as throttling
from assessment.i18n import N_, _
from assessment.numbers import fmt_number, fmt_score
from assessment.questionnaire import SIDE_LABELS, Questionnaire, QuestionnaireError, latest, load_all
from assessment.rounds import (
    BenchmarkChoice,
    RoundError,
    ScoredRound,
    load_history,
    load_round,
    load_round_and_own,
    questionnaire_of,
)
from assessment.scoring import Result, maturity_level
from assessment.store import Organisation, RespondentRecord, Round, Store, StoreError
from assessment.text import md_escape
from assessment.throttle import Throttle

_LOG = logging.getLogger("tandem")
UNAVAILABLE = N_(
    "**Tandem is not available right now.** Its operator has been told the reason. Your answers "
    "saved so far are kept; please try again later."
)
TOKEN_KEY = state.TOKEN
PARAM = "r"  # the personal link's query parameter


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner=False)
def _load_questionnaires(directory: str) -> dict[tuple[str, str], Questionnaire]:
    return load_all(directory)


def _through_router() -> None:
    """Route every later run through app.py, when the server was started without
    ``python -m assessment serve`` (which routes from the first run: see ``assessment.serve``)."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
    if not _language_decided.get():
        choose_language()  # a page run that did not start in app.py (AppTest's reruns do not)


def get_store() -> Store:
    """The process's one store (one DuckDB connection; a cursor per use)."""
    _through_router()
    try:
        store = _open_store(config.db_path())
    except StoreError as exc:
        # The operator reads the reason (file, what to do) in the server log; visitors get no
        # path or internal detail.
        _LOG.error("Tandem cannot open its database: %s", exc)
        st.error(_(UNAVAILABLE))
        st.stop()
    return store


@st.cache_resource(show_spinner=False)
def _backup_schedule(path: str) -> backups.Schedule | None:
    return backups.start_schedule(_open_store(path))


def backup_schedule() -> backups.Schedule | None:
    """The operator's backup schedule (TANDEM_BACKUP_EVERY), started once per process."""
    try:
        return _backup_schedule(config.db_path())
    except StoreError as exc:  # a bad setting is the operator's to fix; visitors carry on
        backups.LOG.error("backup schedule not started: %s", exc)
        return None


def get_questionnaires() -> dict[tuple[str, str], Questionnaire]:
    _through_router()
    try:
        return _load_questionnaires(str(config.questionnaire_dir()))
    except QuestionnaireError as exc:
        # The file, its path and every bad field are for the operator's log (and for
        # `python -m assessment questionnaire check FILE`), never for a visitor.
        _LOG.error("A questionnaire file is invalid: %s", exc)
        st.error(
            _(
                "**Tandem is not available right now.** Its questionnaire files need attention from the "
                "operator, who will find the details in the server log. Nothing you answered is lost."
            )
        )
        st.stop()


@st.cache_resource(show_spinner=False)
def _translation(directory: str, qid: str, version: str, lang: str) -> Questionnaire:
    return translations.load_translation(_load_questionnaires(directory)[(qid, version)], lang)


LANG_PARAM = "lang"  # a link's language: ?lang=fr
_PICKER = "tandem_language_pick"


# Whether this run has decided its language. Every script run (and AppTest run) has a thread
# of its own, whose context starts empty: the flag is this run's alone.
_language_decided: ContextVar[bool] = ContextVar("tandem_language_decided", default=False)


def choose_language() -> str:
    """Decide this run's language, once, at the top of app.py: the link's ``?lang=`` when it is
    one of ours, else this session's earlier choice, else the default language of the round the
    link opens (a personal link's or a join code's), else the browser's, else English. A choice
    (link, picker or round) is kept in the session and in the address, so links carry it."""
    _language_decided.set(True)
    chosen = i18n.supported(st.query_params.get(LANG_PARAM)) or i18n.supported(st.session_state.get(state.LANGUAGE))
    if chosen is None:
        browser = translations.pick_language(st.context.locale)
        i18n.use(browser)  # the words of any message shown while the round is looked up
        chosen = _round_language()
        if chosen is None:
            return browser
    st.session_state[state.LANGUAGE] = chosen
    st.query_params[LANG_PARAM] = chosen  # navigation drops query parameters: put it back
    i18n.use(chosen)
    return chosen


def use_session_language() -> None:
    """For code that runs outside a page run (a widget's callback, a fragment's rerun): the
    language this session's page runs use."""
    i18n.use(translations.pick_language(st.session_state.get(state.LANGUAGE), st.context.locale))


_ROUND_LANGUAGE_ASKED = "tandem_language_round_asked"


def _round_language() -> str | None:
    """The default language of the round a personal link or a join link opens, asked once per
    link and session."""
    token = st.session_state.get(TOKEN_KEY) or st.query_params.get(PARAM)
    code = st.query_params.get("join")
    link = ("r", token) if token else ("join", code) if code else None
    if link is None or st.session_state.get(_ROUND_LANGUAGE_ASKED) == link:
        return None
    st.session_state[_ROUND_LANGUAGE_ASKED] = link
    if token:
        record = get_store().respondent_by_token(token)
        rnd = get_store().round(record.round_id) if record is not None else None
    else:
        rnd = joining_round(code)
    return i18n.supported(rnd.language) if rnd is not None else None


def joining_round(join_code: str) -> Round | None:
    """The round a join link's code opens, looked up once per session and code, not on every
    rerun. Only a wrong code counts against the throttle, once looked up: a room of phones behind
    one address opening the same link at once must never lock itself out because many lookups
    were still under way (counting each as failed until it succeeded did, under load). A burst of
    guesses from many sessions at once gains nothing against 80-bit codes. While the address is
    locked out nothing is remembered, so the link works again once the wait is over."""
    looked_up = st.session_state.get("start_join_lookup")
    if looked_up is None or looked_up[0] != join_code:
        client = _client()
        if _throttle().wait("join", client):
            return None
        found = get_store().round_by_join_code(join_code)
        if found is None or not found.is_open:
            _throttle().fail("join", client)
        looked_up = st.session_state["start_join_lookup"] = (join_code, found.id if found else None)
    return get_store().round(looked_up[1]) if looked_up[1] else None


def in_language(q: Questionnaire) -> Questionnaire:
    """``q`` in this run's language when a translation file offers it, else in its source
    language; answers and scores are the same whatever the language."""
    lang = i18n.current()
    if lang == translations.SOURCE_LANGUAGE or lang not in translations.available(q):
        return q
    try:
        return _translation(str(config.questionnaire_dir()), q.id, q.version, lang)
    except QuestionnaireError as exc:
        # The details (file, field) are the operator's; the visitor reads the source language.
        _LOG.error("The %s translation cannot be shown: %s", lang, exc)
        st.warning(
            _("The questionnaire cannot be shown in {language} right now, so it is shown in English.").format(
                language=i18n.LANGUAGES[lang]
            )
        )
        return q


def _picked() -> None:
    lang = st.session_state[_PICKER]
    st.session_state[state.LANGUAGE] = lang
    st.query_params[LANG_PARAM] = lang


def language_picker() -> None:
    """The sidebar's language picker, each language named in its own words; the choice is kept
    in the session and the address (``?lang=``), so personal and join links carry it."""
    st.session_state[_PICKER] = i18n.current()
    st.selectbox(
        "Language · Langue · Sprache · Idioma",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=_PICKER,
        on_change=_picked,
    )


def current_questionnaire() -> Questionnaire:
    """The latest version: new assessments use it; existing rounds keep their own."""
    return latest(get_questionnaires(), config.QUESTIONNAIRE_ID)


def questionnaire_for(rnd: Round) -> Questionnaire:
    try:
        return questionnaire_of(get_questionnaires(), rnd)
    except RoundError as exc:
        st.error(str(exc))
        st.stop()


def sign_in(record: RespondentRecord) -> None:
    st.session_state[TOKEN_KEY] = record.token
    st.query_params[PARAM] = record.token


def sign_out() -> None:
    """Forget the respondent and everything their pages kept, so whoever starts next begins
    afresh (step 1, their own choices), while a consultant's console sign-in stays."""
    for key in list(st.session_state):
        if key in state.RESPONDENT_KEYS or str(key).startswith(state.RESPONDENT_PREFIXES):
            del st.session_state[key]
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def current_respondent() -> RespondentRecord | None:
    """The respondent of this browser session, from session state or the personal link."""
    token = st.session_state.get(TOKEN_KEY) or st.query_params.get(PARAM)
    if not token:
        return None
    record = get_store().respondent_by_token(token)
    if record is None:
        sign_out()  # drop the bad link from the URL too, so the message is shown once
        st.session_state[state.BAD_LINK] = True
        return None
    if st.session_state.get(TOKEN_KEY) != token or st.query_params.get(PARAM) != token:
        sign_in(record)  # navigation clears query parameters; put the personal link back
    return record


def resume_link(token: str) -> str:
    """The respondent's personal link, in this run's language (``&lang=``)."""
    return f"{app_root()}/?{urlencode(link_params(token))}"


def link_params(token: str) -> dict[str, str]:
    """Query parameters of a personal link, for ``st.switch_page`` too: the language travels."""
    return {PARAM: token, LANG_PARAM: i18n.current()}


def app_root() -> str:
    """This app's address without the page's own path: the page names come from pages/."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    head, _, last = base.rpartition("/")
    if last in _page_names() and "://" in head:
        base = head
    return base


def _page_names() -> set[str]:
    return {path.stem for path in (config.ROOT / "pages").glob("*.py")}


def join_link(code: str, *, side: str | None = None, lang: str | None = None) -> str:
    """The link that joins a round; ``side`` preselects the side the invited person is on and
    ``lang`` the language they read first (without it: the round's default, else their browser's)."""
    params = {"join": code, "side": side, LANG_PARAM: i18n.supported(lang)}
    return f"{app_root()}/?{urlencode({k: v for k, v in params.items() if v})}"


@st.cache_resource(show_spinner=False)
def _register(path: str, directory: str) -> bool:
    store = _open_store(path)
    for q in _load_questionnaires(directory).values():
        store.register_questionnaire(q)
    return True


def register_questionnaires() -> None:
    """Record every installed questionnaire version in the store, once per process."""
    get_store()
    get_questionnaires()
    _register(config.db_path(), str(config.questionnaire_dir()))


def side_label(side: str) -> str:
    """"IT", "Marketing" or "Other", in this run's language."""
    return _(SIDE_LABELS[side])


def role_label(role: str) -> str:
    """A role from the lists people choose from, in this run's language (roles are stored in
    English: they are data, the same whatever the language people answered in)."""
    return _(role) if role in profile.ALL_ROLES else role


def choice_label(value: str) -> str:
    """An industry, size band or region, in this run's language (stored in English)."""
    return _(value) if value in profile.ALL_CHOICES else value


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle()


def _client() -> str:
    """This visitor's key for the throttle: its address, or the one a named proxy forwarded for
    (see assessment.throttle.client_key)."""
    try:
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - no request headers (tests, bare mode)
        forwarded = []
    try:
        trusted = throttling.operator_trusted()
    except ValueError as exc:
        _LOG.error("TANDEM_TRUSTED_PROXIES is ignored: %s", exc)
        trusted = ()
    return throttling.client_key(st.context.ip_address, forwarded, trusted, throttling.server_trusted())


def throttle(kind: str) -> float:
    """Start a try of a code or password: 0 when this client may try now (the try counts as
    failed until ``record_success``), else the seconds it must wait. Nobody is made to sleep:
    the page refuses the try and says how long to wait."""
    return _throttle().attempt(kind, _client())


def record_failure(kind: str) -> float:
    """After a wrong code or password (already counted): this client's lock-out in seconds."""
    return _throttle().wait(kind, _client())


def record_success(kind: str) -> None:
    """The try was right. A right password forgets the client's failures; a right join code
    only its own try."""
    _throttle().succeeded(kind, _client(), forget=kind == "password")


def too_many(wait: float, what: str) -> None:
    """``what``: "join" (codes) or "password"."""
    message = (
        _("Too many wrong join codes from your network. Try again in {wait}.")
        if what == "join"
        else _("Too many wrong passwords from your network. Try again in {wait}.")
    )
    st.error(message.format(wait=throttling.describe_wait(wait)))


# consultant console --------------------------------------------------------------------

CONSOLE_KEY = state.CONSOLE_UNLOCKED  # set while an account is signed in (see assessment.ui_signin)


def sidebar_links(section: str, pages: list) -> None:
    """A labelled group of page links in the sidebar (Tandem draws its own navigation)."""
    st.markdown(f"**{section}**")
    for page in pages:
        st.page_link(page)


@st.cache_resource(show_spinner=False)
def _report_gate() -> workload.ReportGate:
    return workload.ReportGate()


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def allow_uploads() -> None:
    """Call where a signed-in consultant is shown an uploader: this session may upload."""
    if st.session_state.get(CONSOLE_KEY):
        uploads.allow(_session_id())


def sticky_select(
    label: str,
    options: list[str],
    shared_key: str,
    *,
    key: str,
    format_func: Callable[[str], str | None],
    default_last: bool = False,
) -> str:
    """A select box whose choice other pages share through ``shared_key`` (the console's
    organisation is the workshop's, and back)."""
    wanted = st.session_state.get(shared_key)
    index = options.index(wanted) if wanted in options else (len(options) - 1 if default_last else 0)
    chosen = st.selectbox(label, options, index=index, format_func=format_func, key=key)
    st.session_state[shared_key] = chosen
    return chosen


def history(organisation_id: str) -> list[tuple[Round, Result]]:
    """Every round of an organisation, scored, oldest first."""
    return load_history(get_store(), get_questionnaires(), organisation_id)


# a scored round ---------------------------------------------------------------------------


def scored_round(
    round_id: str,
    *,
    respondent_id: str | None = None,
    choice: BenchmarkChoice | None = None,
    viewer_id: str | None = None,
) -> ScoredRound:
    """The read model of a round, or a clear message (and the page stops) when it cannot be read.
    ``viewer_id``: the respondent looking, whose own answers are the only raw answers offered."""
    try:
        scored = load_round(
            get_store(), get_questionnaires(), round_id, respondent_id=respondent_id, choice=choice,
            viewer_id=viewer_id,
        )  # fmt: skip
    except RoundError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    return rounds.in_language(scored, i18n.current())  # the questionnaire's words, as the page reads


def scored_round_and_own(round_id: str, respondent_id: str, *, choice: BenchmarkChoice) -> tuple[ScoredRound, ScoredRound]:
    """The round as the respondent sees it and their own part of it, from one read of the round
    (or a clear message, and the page stops)."""
    try:
        both = load_round_and_own(get_store(), get_questionnaires(), round_id, respondent_id, choice=choice)
    except RoundError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    lang = i18n.current()  # the questionnaire's words, as the page reads
    return rounds.in_language(both[0], lang), rounds.in_language(both[1], lang)


def benchmark_choice(organisation: Organisation | None, q: Questionnaire, *, key: str) -> BenchmarkChoice:
    """The source and peer-group pickers; what they select travels with the round into reports."""
    sources = {s.key: s for s in benchmarks.available_sources(get_store(), q.key)}
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
    return BenchmarkChoice(source, segment)


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
    member = benchmark.release is not None and get_store().pool.is_release_member(
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
    spec = _SPECS.get(key, lambda: _vega_lite_spec(build(data, **options)))
    _draw(spec, text, name=name, stretch=stretch)


_SPECS = memo.Bounded(256)  # drawn chart specs, about 10-40 kB each


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
    levels = [lv.name for lv in scored.questionnaire.levels]
    cached_chart(
        charts.build_distribution_chart,
        scored.benchmark_table,
        chart_text.benchmark_summary(scored.benchmark_table),
        name=_("Against the benchmark"),
        score_label=score_label,
        levels=levels,
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
    session, client, lang = _session_id(), _client(), i18n.current()

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
    levels = [lv.name for lv in scored.questionnaire.levels]
    cached_chart(
        charts.build_priority_chart,
        scored.priorities,
        chart_text.priority_summary(scored.priorities),
        name=_("Priorities"),
        levels=levels,
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
        with st.container(border=True):
            title = f"**{item['rank_label']}. {md_escape(str(item['dimension']))}**"
            if item["kind"] == "reconcile":
                st.markdown(
                    _(
                        "{title}: reconcile first. IT and marketing are {gap} levels apart "
                        "(score {score}, importance {importance})."
                    ).format(
                        title=title, gap=fmt_score(abs(item["gap"])), score=fmt_score(item["score"]),
                        importance=item["importance"],
                    )  # fmt: skip
                )
                if item["reconcile"]:
                    _action_lines(item["reconcile"])
                for step in item["steps"]:
                    st.markdown(
                        _(
                            "- *{question}* IT answered {it} (“{it_says}”); marketing {marketing} "
                            "(“{marketing_says}”)."
                        ).format(
                            question=md_escape(step["question"]), it=fmt_score(step["it"]),
                            it_says=md_escape(step["it_says"]), marketing=fmt_score(step["marketing"]),
                            marketing_says=md_escape(step["marketing_says"]),
                        )  # fmt: skip
                    )
                continue
            st.markdown(
                _("{title}: score {score} ({level}), importance {importance}, priority {priority}").format(
                    title=title, score=fmt_score(item["score"]), level=item["level"],
                    importance=fmt_number(item["importance"], ".1f"), priority=fmt_score(item["priority"]),
                )  # fmt: skip
            )
            for step in item["steps"]:
                if step["next_level"] is None:
                    continue
                st.markdown(
                    _("- *{question}* Now {level}; next, {next_level}.").format(
                        question=md_escape(step["question"]), level=step["level"], next_level=step["next_level"]
                    )
                )
                if step["action"]:
                    _action_lines(step["action"])
                else:
                    st.markdown(f"  {md_escape(step['description'])}")


def _action_lines(action: dict[str, str]) -> None:
    st.markdown(
        _("  **{action}** Owner: {owner}.  \n  First step: {first_step}  \n  Check after 90 days: {measure}").format(
            action=md_escape(action["action"]), owner=md_escape(action["owner"]),
            first_step=md_escape(action["first_step"]), measure=md_escape(action["measure"]),
        )  # fmt: skip
    )


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
            col.metric(_("{side} sees").format(side=side_label(side)), f"{fmt_score(score)} · {name}")
        container.error(md_escape(head.text))
    else:
        container.markdown(md_escape(head.text))


# branding (console) -------------------------------------------------------------------------


def branding_section() -> None:
    """The consultancy's name, logo, colour and footer for every report and deck: set once here."""
    from assessment.branding import MAX_FOOTER, MAX_LOGO_PIXELS, MAX_NAME, BrandingError

    store = get_store()
    current = store.branding.current()
    label = (
        _("Report branding: {name}").format(name=md_escape(current.name))
        if current.custom
        else _("Report branding: Tandem (neutral)")
    )
    with st.expander(label):
        st.caption(
            _(
                "Your consultancy's name, logo, primary colour and footer appear on every PDF, HTML, Word "
                "and Excel report and on the workshop deck. Without them, reports use Tandem's neutral style."
            )
        )
        if current.logo is not None:
            st.image(
                current.logo.data, width=160,
                caption=_("Current logo ({width} × {height} px)").format(width=current.logo.width, height=current.logo.height),
            )  # fmt: skip
        with st.form("console_branding"):
            name = st.text_input(_("Consultancy name"), value=current.name if current.custom else "", max_chars=MAX_NAME)
            colour = st.color_picker(_("Primary colour"), value=current.colour)
            footer = st.text_input(_("Report footer"), value=current.footer, max_chars=MAX_FOOTER,
                                   placeholder=_("e.g. Northwind Advisory · Confidential"))  # fmt: skip
            upload = st.file_uploader(
                _("Logo (PNG or JPEG, at most 1 MB and {pixels} pixels a side)").format(pixels=MAX_LOGO_PIXELS),
                type=["png", "jpg", "jpeg"],
                key="console_branding_logo",
            )
            drop = st.checkbox(_("Remove the logo"), disabled=current.logo is None, key="console_branding_drop")
            if st.form_submit_button(_("Save branding"), type="primary"):
                try:
                    store.branding.save(name, colour, footer, upload.getvalue() if upload else None, keep_logo=not drop)
                except BrandingError as exc:
                    st.error(md_escape(str(exc)))
                else:
                    st.session_state["console_branding_saved"] = True
                    st.rerun()
        if st.session_state.pop("console_branding_saved", False):
            st.success(_("Branding saved: reports and decks made from now on use it."))
        if current.custom and st.button(_("Back to Tandem's neutral style"), key="console_branding_clear"):
            store.branding.clear()
            st.rerun()
