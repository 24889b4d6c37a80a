"""Benchmark pool: which organisations count as peers (with whose consent), the public
self-assessments kept apart, and the releases every comparison and export comes from."""

import streamlit as st

from assessment import accounts, exchange, releases, ui, ui_round, ui_signin
from assessment.i18n import _, ngettext
from assessment.store import InvalidInputError
from assessment.text import md_escape

account = ui_signin.require_account(admin=True)
store = ui.get_store()
q = ui.current_questionnaire()
st.title(_("Benchmark pool"))
st.caption(
    _(
        "An organisation counts as a peer only once you approve one of its rounds with the client's "
        "consent; its scores are frozen at that moment. Public self-assessments count only if you include "
        "them here. Test organisations never count. Pages, reports and exports show published releases only."
    )
)
by = account.email[:80]  # recorded with each approval, withdrawal and release
st.caption(
    _("Approvals, withdrawals and releases are recorded under your account, {email}.").format(
        email=md_escape(account.email)
    )
)


def organisation_actions(kind: str, frame) -> None:
    """Approve (or include), withdraw and mark as test, for one organisation of the list."""
    if frame.empty:
        return
    names = dict(zip(frame["organisation_id"], frame["name"], strict=True))
    org_id = st.selectbox(_("Organisation"), list(names), format_func=names.get, key=f"pool_{kind}_org")
    rounds = store.rounds_of(org_id)
    self_assessed = kind == "self"
    if rounds:
        labels = {
            r.id: (
                _("{round} (open, questionnaire {version})") if r.is_open else _("{round} (closed, questionnaire {version})")
            ).format(round=r.name, version=r.questionnaire_version)
            for r in rounds
        }
        round_id = st.selectbox(
            _("Round"), list(labels), index=len(labels) - 1, format_func=labels.get, key=f"pool_{kind}_round"
        )
        promise = (
            _("I checked that this is a real organisation and it agreed to take part, anonymously, in the benchmark")
            if self_assessed
            else _("The client agreed that this round's scores count, anonymously, in the benchmark")
        )
        agreed = st.checkbox(promise, key=f"pool_{kind}_agreed_{round_id}")  # ticked anew for each round
        action = _("Include in the benchmark") if self_assessed else _("Approve for the benchmark")
        if st.button(action, key=f"pool_{kind}_approve", disabled=not agreed, type="primary"):
            try:
                store.pool.approve_round(round_id, by, include_self_assessed=self_assessed)
                accounts.audit(store, account, "approve for the benchmark", round_id, org_id)
            except InvalidInputError as exc:
                st.error(md_escape(str(exc)))
            else:
                st.success(_("{organisation} counts from the next release.").format(organisation=md_escape(names[org_id])))
    left, right = st.columns(2)
    if left.button(_("Withdraw from the benchmark"), key=f"pool_{kind}_withdraw"):
        count = store.pool.withdraw_organisation(org_id, by)
        accounts.audit(store, account, "withdraw from the benchmark", org_id, f"{count} round(s)")
        st.info(
            ngettext(
                "Withdrew {count} round; the organisation leaves the next release.",
                "Withdrew {count} rounds; the organisation leaves the next release.",
                count,
            ).format(count=count)
        )
    if right.button(_("Mark as a test organisation"), key=f"pool_{kind}_test"):
        store.pool.set_test_organisation(org_id)
        accounts.audit(store, account, "mark as test organisation", org_id)
        st.info(_("Marked as a test organisation: it never counts in the benchmark."))


st.header(_("Clients"))
clients = store.pool.pool_overview(self_assessed=False)
if clients.empty:
    st.info(_("No client organisations yet: create one in the console."))
else:
    ui_round.dataframe(releases.pool_table(clients))
    organisation_actions("client", clients)

st.header(_("Public self-assessments"))
st.caption(
    _(
        "Started from the public Start page, by anyone, without signing in. They never count as peers "
        "unless you include one here after checking it is real and has agreed."
    )
)
selfs = store.pool.pool_overview(self_assessed=True)
if selfs.empty:
    st.info(_("No self-assessments yet."))
else:
    ui_round.dataframe(releases.pool_table(selfs))
    organisation_actions("self", selfs)

st.header(_("Releases"))
st.caption(
    _("Releases of questionnaire {questionnaire} {version}, the version new rounds use.").format(
        questionnaire=q.id, version=q.version
    )
)
plan = releases.plan_release(store, q)
for line in releases.plan_summary(plan):
    (st.warning if plan.refusal else st.markdown)(md_escape(line))
confirm = st.checkbox(
    _("Publish these figures for everyone who compares with the benchmark"), key="pool_confirm"
)
if st.button(
    _("Publish a new release"),
    key="pool_publish",
    type="primary",
    disabled=plan.refusal is not None or not confirm,
):
    try:
        made = releases.publish_release(store, q, by)
        accounts.audit(store, account, "publish release", str(made.id), f"{made.label}, {made.n_orgs} organisations")
    except releases.ReleaseRefusedError as exc:
        st.error(md_escape(str(exc)))
    else:
        st.success(
            _("Published {release} ({count} organisations).").format(release=md_escape(made.label), count=made.n_orgs)
        )
        st.rerun()
for release in store.pool.benchmark_releases(q.key):
    with st.container(border=True):
        st.markdown(
            _("**{release}** · {count} organisations · by {person}").format(
                release=md_escape(release.label), count=release.n_orgs, person=md_escape(release.published_by)
            )
        )
        st.download_button(
            _("Download (CSV)"),
            data=lambda release=release: exchange.export_release(store, release),
            file_name=f"tandem-benchmark-{q.id}-{q.version}-release-{release.id}.csv",
            mime="text/csv",
            key=f"pool_download_{release.id}",
            on_click="ignore",
        )
