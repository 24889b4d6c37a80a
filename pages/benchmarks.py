"""Benchmarks: the organisation against its peers, by segment, from the source of your choice."""

import streamlit as st

from assessment import (
    accounts,
    benchmarks,
    chart_text,
    charts,
    disclosure,
    exchange,
    formats,
    ui,
    ui_round,
    ui_signin,
)
from assessment.i18n import _
from assessment.numbers import fmt_count, fmt_date
from assessment.rounds import load_peers
from assessment.store import DuplicateBenchmarkSetError
from assessment.text import md_escape

IMPORTED_KEY = "bench_imported_message"  # survives the rerun that refreshes the source list

store = ui.get_store()
record = ui.current_respondent()
st.title(_("Benchmarks"))

organisation = None
if record is None:
    q = ui.current_questionnaire()
    st.info(
        _(
            "Start or resume an assessment to compare your organisation. Meanwhile, this is the overall "
            "distribution of the chosen source."
        )
    )
    st.page_link("pages/start.py", label=_("Go to Start"))
    choice, offered = ui_round.benchmark_choice(None, q, key="bench")
    view = load_peers(store, ui.in_language(q), choice)  # its dimension titles, as the page reads
    comparison, table, fallback = view.comparison, view.table, None
else:
    rnd = store.round(record.round_id)
    organisation = store.organisation(rnd.organisation_id)
    q = ui.questionnaire_for(rnd)
    st.caption(
        _("{organisation} · {round} · questionnaire {questionnaire} {version}").format(
            organisation=md_escape(organisation.name), round=md_escape(rnd.name), questionnaire=q.id, version=q.version
        )
    )
    choice, offered = ui_round.benchmark_choice(organisation, q, key="bench")
    scored = ui_round.scored_round(rnd.id, choice=choice, sources=offered)
    comparison, table, fallback = scored.comparison, scored.benchmark_table, scored.fallback_reason

sources = {s.key: s for s in offered}
benchmark = comparison.benchmark
if fallback:
    st.warning(_(fallback))  # the reasons are benchmarks' N_() messages, translated as shown
if benchmark is None:
    st.info(_(comparison.reason) if comparison.reason else _("No benchmark to show."))
    if choice.source == benchmarks.PEERS and len(sources) > 1:
        st.caption(_("Choose another source above: an imported set or the synthetic sample."))
else:
    if benchmark.synthetic:
        st.warning(_(ui_round.SYNTHETIC_WARNING))
    m1, m2 = st.columns(2)
    m1.metric(_("Organisations in this segment"), f"{benchmark.n_orgs:,}")
    overall = benchmarks.overall_band(table)
    if overall is not None:
        m2.metric(
            _("Where you stand overall"),
            overall,
            help=_(
                "Read from the published quartiles (or, under 10 organisations, the mean) only: never a "
                "rank among the peers themselves."
            ),
        )
    st.caption(
        _("Source: {source} · {segment} · n = {count}").format(
            source=md_escape(benchmark.source_text), segment=md_escape(benchmark.segment), count=benchmark.n_orgs
        )
    )
    scored_org = organisation is not None
    title = _("Where you sit among your peers") if scored_org else _("How the peers are distributed")
    ui_round.chart(
        charts.build_distribution_chart(
            table, title=title, score_label=_("Your organisation"), levels=ui.in_language(q).level_names
        ),
        chart_text.benchmark_summary(table),
        name=_("Peer distribution"),
    )
    ui_round.dataframe(benchmarks.standing_table(table, scored=scored_org))
    if benchmark.n_orgs < disclosure.QUARTILE_MIN:
        st.caption(
            _(
                "Quartiles are published only for peer groups of at least {minimum} organisations; this one "
                "shows the mean and n."
            ).format(minimum=disclosure.QUARTILE_MIN)
        )

st.header(_("Export"))
release = store.pool.latest_release(q.key)
if release is not None:
    st.download_button(
        _("Download {release} (CSV)").format(release=release.label),
        data=lambda: exchange.export_release(store, release),
        file_name=f"tandem-benchmark-{q.id}-{q.version}-release-{release.id}.csv",
        mime="text/csv",
        key="bench_download",
        on_click="ignore",
        help=_("The published release, as it was published: its id and date are in every row."),
    )
else:
    st.info(
        _(
            "No benchmark release of real organisations has been published for questionnaire {questionnaire} "
            "{version} yet, so there is nothing to export. A consultant publishes releases from the "
            "console's Benchmark pool page."
        ).format(questionnaire=q.id, version=q.version)
    )

st.header(_("Import a benchmark set"))
if IMPORTED_KEY in st.session_state:
    st.success(st.session_state.pop(IMPORTED_KEY))
account = ui_signin.current_account()
if account is None or not account.is_admin:
    st.caption(_("Administrators signed in to the console can import a benchmark CSV here."))
    if account is None:
        st.page_link("pages/console.py", label=_("Go to the console"))
    st.stop()
ui.allow_uploads()
upload = st.file_uploader(_("Benchmark CSV"), type=["csv"], key="bench_upload")
name = st.text_input(
    _("Source (who published these figures)"),
    max_chars=exchange.MAX_SOURCE_LENGTH,
    key="bench_import_source",
    placeholder=_("Leave empty to use the file's own source"),
)
if st.button(_("Import"), key="bench_import_go", type="primary"):
    if upload is None:
        st.error(_("Choose a benchmark CSV file first."))
        st.stop()
    try:
        set_id = exchange.import_benchmarks(store, upload.getvalue(), ui.get_questionnaires(), name)
    except formats.BenchmarkImportError as exc:
        listing = "\n".join(f"- {md_escape(problem)}" for problem in exc.problems)
        st.error(
            _("**{file} was rejected; nothing was imported.**").format(file=md_escape(upload.name)) + "\n\n" + listing
        )
    except DuplicateBenchmarkSetError as exc:
        st.error(
            _("This benchmark set was already imported on {date} as '{source}'; nothing was imported.").format(
                date=fmt_date(exc.imported_at, "short"), source=md_escape(exc.source)
            )
        )
    except ValueError as exc:
        st.error(md_escape(str(exc)))
    else:
        found = store.benchmark_sets.benchmark_set(set_id)
        accounts.audit(store, account, "import benchmark set", str(set_id), f"{found.source}, {found.rows} rows")
        where = (
            _("It is now in the list of what to compare with.")
            if found.questionnaire_key == q.key
            else _("It is offered to organisations assessed with {questionnaire} {version}.").format(
                questionnaire=found.questionnaire_id, version=found.questionnaire_version
            )
        )
        st.session_state[IMPORTED_KEY] = (
            _("Imported **{source}** ({rows} rows, generated {date}).").format(
                source=md_escape(found.source), rows=fmt_count(found.rows), date=fmt_date(found.generated_at, "short")
            )
            + " "
            + where
        )
        st.rerun()
