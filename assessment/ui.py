"""The thin Streamlit layer shared by pages: the store, the questionnaire, the language, who
is answering, the guessing throttle. Drawing a scored round is in ``ui_round``, signing in in
``ui_signin``; the rest of ``assessment`` does not import Streamlit's page API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assessment import (
    backups,
    config,
    i18n,
    profile,
    state,
    translations,
    uploads,
)
from assessment import throttle as throttling
from assessment.i18n import N_, _
from assessment.questionnaire import SIDE_LABELS, Questionnaire, QuestionnaireError, latest, load_all
from assessment.rounds import (
    RoundError,
    load_history,
    questionnaire_of,
)
from assessment.scoring import Result
from assessment.store import RespondentRecord, Round, Store, StoreError
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
        who = client()
        if _throttle().wait("join", who):
            return None
        found = get_store().round_by_join_code(join_code)
        if found is None or not found.is_open:
            _throttle().fail("join", who)
        looked_up = st.session_state["start_join_lookup"] = (join_code, found.id if found else None)
    return get_store().round(looked_up[1]) if looked_up[1] else None


def in_language(q: Questionnaire) -> Questionnaire:
    """``q`` in this run's language when a translation file offers it, else in its source
    language; answers and scores are the same whatever the language."""
    lang = i18n.current()
    try:
        return translations.displayed(q, lang)  # the one cache of translations, shared with rounds
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
    """The respondent of this browser session, from session state or the personal link; read
    once per script run (the router and the page both ask)."""
    token = st.session_state.get(TOKEN_KEY) or st.query_params.get(PARAM)
    if not token:
        return None
    run, known = _this_run(), _run_respondent.get()
    if run is not None and known is not None and known[0] is run and known[1] == token:
        record = known[2]
    else:
        record = get_store().respondent_by_token(token)
    if record is None:
        sign_out()  # drop the bad link from the URL too, so the message is shown once
        st.session_state[state.BAD_LINK] = True
        return None
    _run_respondent.set((run, token, record))
    if st.session_state.get(TOKEN_KEY) != token or st.query_params.get(PARAM) != token:
        sign_in(record)  # navigation clears query parameters; put the personal link back
    return record


# (this run, token, record): see current_respondent.
_run_respondent: ContextVar[tuple[object, str, RespondentRecord] | None] = ContextVar(
    "tandem_run_respondent", default=None
)


def _this_run() -> object | None:
    """An object that lives as long as this script run (None outside one). Not a ContextVar of
    its own: one thread runs a session's queued reruns one after another, so a thread's context
    outlives its run. Streamlit gives every run new cursors."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.cursors


def resume_link(token: str) -> str:
    """The respondent's personal link, in this run's language (``&lang=``)."""
    return f"{app_root()}/?{urlencode(link_params(token))}"


def link_params(token: str) -> dict[str, str]:
    """Query parameters of a personal link, for ``st.switch_page`` too: the language travels."""
    return {PARAM: token, LANG_PARAM: i18n.current()}


def done_in_callback(respondent_id: str, page: str) -> None:
    """A button's callback did the work (joined, finished): the run that follows goes on to
    ``page`` (``go_on_when_done``) without drawing this one first."""
    st.session_state[state.GO_ON] = (respondent_id, page)


def go_on_when_done(record: RespondentRecord | None) -> None:
    """After Join or Finish did their work in the button's callback (``done_in_callback``), on
    to the next page before anything of this run is drawn: the router calls this before the
    sidebar, so a room joining or finishing together pays for the next page alone."""
    respondent_id, page = st.session_state.pop(state.GO_ON, None) or (None, None)
    if record is not None and respondent_id == record.id:
        st.switch_page(page, query_params=link_params(record.token))


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


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle()


def client() -> str:
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
    return _throttle().attempt(kind, client())


def record_failure(kind: str) -> float:
    """After a wrong code or password (already counted): this client's lock-out in seconds."""
    return _throttle().wait(kind, client())


def record_success(kind: str) -> None:
    """The try was right. A right password forgets the client's failures; a right join code
    only its own try."""
    _throttle().succeeded(kind, client(), forget=kind == "password")


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


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def allow_uploads() -> None:
    """Call where a signed-in consultant is shown an uploader: this session may upload."""
    if st.session_state.get(CONSOLE_KEY):
        uploads.allow(session_id())


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
