"""Administration: accounts, backups, erasure requests, deleting organisations and benchmark sets,
the audit log. Administrators only."""

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from assessment import accounts, auth, backups, formats, ui, ui_round, ui_signin
from assessment.i18n import _, ngettext
from assessment.numbers import fmt_count, fmt_date
from assessment.store import InvalidInputError, StoreError
from assessment.text import md_escape, one_line

account = ui_signin.require_account(admin=True)
store = ui.get_store()
st.title(_("Administration"))
DONE_KEY = "admin_done"  # the last change's message, shown after the rerun that refreshes lists
if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY))


def done(message: str) -> None:
    st.session_state[DONE_KEY] = message
    st.rerun()


st.header(_("Accounts"))
st.caption(
    _(
        "Administrators see every client and manage accounts, imports, releases, backups and branding; "
        "consultants see the clients they own or that were shared with them. With sign-in through your "
        "identity provider, an account needs no password: its e-mail is matched."
    )
)
people = store.accounts.all()
if people:
    ui_round.dataframe(
        pd.DataFrame(
            [
                {"e-mail": p.email, "name": p.name, "role": ui_signin.role_label(p.role),
                 "password": bool(p.password_hash), "disabled": p.disabled_at, "created": p.created_at,
                 "by": p.created_by}
                for p in people
            ]
        )
    )  # fmt: skip
with st.form("admin_add_account", clear_on_submit=True):
    c1, c2, c3 = st.columns([2, 2, 1])
    new_email = c1.text_input(_("E-mail"), key="admin_account_email")
    new_name = c2.text_input(_("Name"), key="admin_account_name", max_chars=80)
    new_role = c3.selectbox(
        _("Role"), ["consultant", "admin"], format_func=ui_signin.role_label, key="admin_account_role"
    )
    new_password = st.text_input(
        _("Password (optional: for local sign-in, at least {count} characters)").format(count=auth.MIN_LENGTH),
        type="password",
        key="admin_account_password",
    )
    if st.form_submit_button(_("Add account")):
        try:
            made = accounts.add_account(store, account, new_email, new_role, new_name, new_password or None)
        except (InvalidInputError, ValueError) as exc:
            st.error(md_escape(str(exc)))
        else:
            added = _("Added {email} as administrator.") if made.is_admin else _("Added {email} as consultant.")
            done(added.format(email=md_escape(made.email)))
if people:
    emails = [p.email for p in people]
    chosen = st.selectbox(_("Account"), emails, key="admin_account_pick")
    person = next(p for p in people if p.email == chosen)
    c1, c2, c3 = st.columns(3)
    other_role = "consultant" if person.role == "admin" else "admin"
    try:
        make = _("Make administrator") if other_role == "admin" else _("Make consultant")
        if c1.button(make, key="admin_account_role_go"):
            accounts.set_role(store, account, chosen, other_role)
            now = _("{email} is now an administrator.") if other_role == "admin" else _("{email} is now a consultant.")
            done(now.format(email=md_escape(chosen)))
        if person.enabled and c2.button(_("Disable"), key="admin_account_disable"):
            accounts.set_enabled(store, account, chosen, False)
            done(_("Disabled {email}: signed out at their next click.").format(email=md_escape(chosen)))
        if not person.enabled and c2.button(_("Enable"), key="admin_account_enable"):
            accounts.set_enabled(store, account, chosen, True)
            done(_("Enabled {email}.").format(email=md_escape(chosen)))
    except InvalidInputError as exc:
        st.error(md_escape(str(exc)))
    owned = [o for o in store.engagements.organisations(include_archived=True) if store.accounts.owner(o.id) is None]
    if owned:
        names = {o.id: one_line(o.name) for o in owned}
        org_pick = c3.selectbox(_("Client owned by nobody"), list(names), format_func=names.get, key="admin_assign_org")
        if c3.button(_("Give it to {email}").format(email=chosen), key="admin_assign_go"):
            accounts.assign_owner(store, account, org_pick, chosen)
            done(
                _("{organisation} is now owned by {email}.").format(
                    organisation=md_escape(names[org_pick]), email=md_escape(chosen)
                )
            )

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
            removed = store.operations.erase_respondent(pid, actor=account.email)
        except InvalidInputError as exc:
            st.error(md_escape(str(exc)))
        else:
            erased = (
                _(
                    "Erased {respondent} with their answers ({answers}), importance ratings ({ratings}), name, "
                    "role and personal link. The round's scores were recomputed."
                )
                if removed.counts["named"]
                else _(
                    "Erased {respondent} with their answers ({answers}), importance ratings ({ratings}), role "
                    "and personal link. The round's scores were recomputed."
                )
            )
            done(erased.format(respondent=removed.subject, answers=removed.counts["answers"],
                               ratings=removed.counts["ratings"]))  # fmt: skip

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
            removed = store.operations.delete_organisation(doomed, actor=account.email, confirm_name=typed)
        except InvalidInputError as exc:
            st.error(md_escape(str(exc)))
        else:
            done(
                _(
                    "Deleted {organisation} with its rounds ({rounds}), respondents ({respondents}) and answers "
                    "({answers}). The peer benchmarks were recomputed without it."
                ).format(organisation=md_escape(labels[doomed]), **removed.counts)
            )

st.header(_("Imported benchmark sets"))
sets = store.benchmark_sets.list_benchmark_sets()
if sets.empty:
    st.caption(_("None imported."))
else:
    set_labels = {
        int(r.id): _("{source} · {questionnaire} {version} · {rows} rows · imported {date}").format(
            source=one_line(r.source), questionnaire=r.questionnaire_id, version=r.questionnaire_version,
            rows=fmt_count(r.rows), date=fmt_date(r.imported_at, "short"),
        )  # fmt: skip
        for r in sets.itertuples()
    }
    set_id = st.selectbox(_("Set"), list(set_labels), format_func=set_labels.get, key="admin_set_pick")
    sure = st.checkbox(_("Delete this set for good"), key=f"admin_set_confirm_{set_id}")
    if st.button(_("Delete the set"), key="admin_set_go", disabled=not sure):
        removed = store.operations.delete_benchmark_set(set_id, actor=account.email)
        done(_("Deleted benchmark set {set}.").format(set=md_escape(set_labels[set_id])))

st.header(_("Audit log"))
st.caption(_("Who did what and when: sign-ins, clients, rounds, codes, exports, reports, imports, releases, "
             "deletions, erasures and account changes. Nobody can edit or delete it from the app."))  # fmt: skip
# The log's actors and actions are data, stored in English; only the "all" choice is translated.
actors, actions = store.accounts.audit_choices()
c1, c2, c3 = st.columns(3)
actor_pick = c1.selectbox(
    _("Who"), ["everyone", *actors], format_func=lambda a: _("everyone") if a == "everyone" else a,
    key="admin_audit_actor",
)  # fmt: skip
action_pick = c2.selectbox(
    _("Action"), ["every action", *actions], format_func=lambda a: _("every action") if a == "every action" else a,
    key="admin_audit_action",
)  # fmt: skip
today = date.today()
period = c3.date_input(_("From, to"), (today - timedelta(days=30), today), key="admin_audit_dates")
# While a range is being picked the widget holds one date: show that day.
start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (period, period)
entries = store.accounts.audit_entries(
    actor=None if actor_pick == "everyone" else actor_pick,
    action=None if action_pick == "every action" else action_pick,
    since=datetime.combine(start, time.min),
    until=datetime.combine(end + timedelta(days=1), time.min),
)
if entries.empty:
    st.caption(_("Nothing recorded for this choice."))
else:
    st.caption(
        ngettext(
            "{count} entry, newest first (times in UTC).", "{count} entries, newest first (times in UTC).", len(entries)
        ).format(count=len(entries))
    )
    ui_round.dataframe(entries)
    st.download_button(
        _("Download these entries (CSV)"),
        data=lambda: formats.audit_csv(entries),
        file_name=f"tandem-audit-{start:%Y%m%d}-{end:%Y%m%d}.csv",
        mime="text/csv",
        key="admin_audit_csv",
        on_click="ignore",
    )
