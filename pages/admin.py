"""Administration: backups, erasure requests, deleting organisations and benchmark sets, audit."""

import streamlit as st

from assessment import backups, ui
from assessment.i18n import _
from assessment.store import InvalidInputError, StoreError
from assessment.text import md_escape, one_line

ui.require_console()
store = ui.get_store()
st.title(_("Administration"))
DONE_KEY = "admin_done"  # the last change's message, shown after the rerun that refreshes lists
if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY))


def done(message: str) -> None:
    st.session_state[DONE_KEY] = message
    st.rerun()


st.header(_("Backups"))
schedule = ui.backup_schedule()
directory = backups.backup_dir(store.path)
if schedule is None:
    st.caption(_("No backup schedule: the operator can set one with TANDEM_BACKUP_EVERY (see the README)."))
else:
    st.caption(
        _("The app backs up every {hours} h and keeps the last {keep}.").format(
            hours=f"{schedule.every_s / 3600:g}", keep=schedule.keep_last
        )
    )
    if schedule.last_error:
        st.error(_("The last scheduled backup failed: {error}").format(error=md_escape(schedule.last_error)))
if st.button(_("Back up now"), key="console_backup"):
    try:
        info = backups.backup_now(store)
    except StoreError as exc:
        st.error(md_escape(str(exc)))
    else:
        st.success(
            _("Backup written: {path} ({summary}).").format(path=md_escape(info.path), summary=backups.summary(info))
        )
recent = backups.existing(directory)[-5:]
if recent:
    names = ", ".join(p.name for p in reversed(recent))
    st.caption(_("Latest backups in {directory}: {names}").format(directory=md_escape(str(directory)), names=md_escape(names)))

organisations = store.engagements.organisations(include_archived=True)
labels = {
    o.id: _("{organisation} (archived)").format(organisation=one_line(o.name)) if o.archived_at else one_line(o.name)
    for o in organisations
}

st.header(_("Erase a respondent"))
st.caption(
    _(
        "For a data-protection request: removes the person's answers, importance ratings, name, role and "
        "personal link, and recomputes the round's scores. The audit record keeps their pseudonymous id "
        "and the counts, never their name. This cannot be undone."
    )
)
link = st.text_input(_("Their personal link, if they sent it"), key="admin_erase_link")
if link.strip():
    people = store.operations.find_respondents(token=link.strip().rsplit("r=", 1)[-1].split("&", 1)[0])
elif organisations:
    org_id = st.selectbox(_("Organisation"), list(labels), format_func=labels.get, key="admin_erase_org")
    rounds = {r.id: one_line(r.name) for r in store.rounds_of(org_id)}
    round_id = st.selectbox(_("Round"), list(rounds), format_func=rounds.get, key="admin_erase_round")
    people = store.operations.respondents_list(round_id) if round_id else None
else:
    people = None
if people is None or people.empty:
    st.info(_("No respondent found.") if link.strip() else _("No respondents here."))
else:
    rows = {r.respondent: r for r in people.itertuples()}

    def describe(pid: str) -> str:
        row = rows[pid]
        who = one_line(row.display_name) if isinstance(row.display_name, str) else _("anonymous")
        parts = [who, pid, ui.side_label(row.side), ui.role_label(row.role)]
        return " · ".join(parts + ([_("finished")] if row.finished else []))

    pid = st.selectbox(_("Respondent"), list(rows), format_func=describe, key="admin_erase_pick")
    sure = st.checkbox(_("Erase {respondent} for good").format(respondent=pid), key=f"admin_erase_confirm_{pid}")
    if st.button(_("Erase this respondent"), key="admin_erase_go", disabled=not sure, type="primary"):
        try:
            removed = store.operations.erase_respondent(pid, actor="console")
        except InvalidInputError as exc:
            st.error(md_escape(str(exc)))
        else:
            done(_("Erased {respondent}: {detail}.").format(respondent=removed.subject, detail=md_escape(removed.detail)))

st.header(_("Delete an organisation"))
st.caption(
    _(
        "For test organisations, or a client whose data must go: every round, respondent and answer of it "
        "is deleted and the peer benchmarks are recomputed without it. To keep the data but hide it, "
        "archive it in the console instead. This cannot be undone."
    )
)
if organisations:
    doomed = st.selectbox(
        _("Organisation to delete"), list(labels), format_func=labels.get, key="admin_delete_org"
    )
    typed = st.text_input(_("Type its name to confirm"), key=f"admin_delete_name_{doomed}")
    if st.button(_("Delete this organisation"), key="admin_delete_go", disabled=not typed, type="primary"):
        try:
            removed = store.operations.delete_organisation(doomed, actor="console", confirm_name=typed)
        except InvalidInputError as exc:
            st.error(md_escape(str(exc)))
        else:
            done(
                _("Deleted {organisation}: {detail}.").format(
                    organisation=md_escape(labels[doomed]), detail=md_escape(removed.detail)
                )
            )

st.header(_("Imported benchmark sets"))
sets = store.benchmark_sets.list_benchmark_sets()
if sets.empty:
    st.caption(_("None imported."))
else:
    set_labels = {
        int(r.id): _("{source} · {questionnaire} {version} · {rows} rows · imported {date}").format(
            source=one_line(r.source), questionnaire=r.questionnaire_id, version=r.questionnaire_version,
            rows=r.rows, date=f"{r.imported_at:%Y-%m-%d}",
        )  # fmt: skip
        for r in sets.itertuples()
    }
    set_id = st.selectbox(_("Set"), list(set_labels), format_func=set_labels.get, key="admin_set_pick")
    sure = st.checkbox(_("Delete this set for good"), key=f"admin_set_confirm_{set_id}")
    if st.button(_("Delete the set"), key="admin_set_go", disabled=not sure):
        removed = store.operations.delete_benchmark_set(set_id, actor="console")
        done(_("Deleted benchmark set {set}.").format(set=md_escape(set_labels[set_id])))

st.header(_("Audit record"))
audit = store.operations.audit_log()
if audit.empty:
    st.caption(_("No erasure, deletion or archiving yet."))
else:
    ui.dataframe(audit)
