"""Benchmark pool: which organisations count as peers (with whose consent), the public
self-assessments kept apart, and the releases every comparison and export comes from."""

import streamlit as st

from assessment import accounts, exchange, releases, ui, ui_signin
from assessment.store import InvalidInputError
from assessment.text import md_escape

account = ui_signin.require_account(admin=True)
store = ui.get_store()
q = ui.current_questionnaire()
st.title("Benchmark pool")
st.caption(
    "An organisation counts as a peer only once you approve one of its rounds with the client's "
    "consent; its scores are frozen at that moment. Public self-assessments count only if you include "
    "them here. Test organisations never count. Pages, reports and exports show published releases only."
)
by = account.email[:80]  # recorded with each approval, withdrawal and release
st.caption(f"Approvals, withdrawals and releases are recorded under your account, {md_escape(account.email)}.")


def organisation_actions(kind: str, frame) -> None:
    """Approve (or include), withdraw and mark as test, for one organisation of the list."""
    if frame.empty:
        return
    names = dict(zip(frame["organisation_id"], frame["name"], strict=True))
    org_id = st.selectbox("Organisation", list(names), format_func=names.get, key=f"pool_{kind}_org")
    rounds = store.rounds_of(org_id)
    self_assessed = kind == "self"
    if rounds:
        labels = {r.id: f"{r.name} ({r.status}, questionnaire {r.questionnaire_version})" for r in rounds}
        round_id = st.selectbox(
            "Round", list(labels), index=len(labels) - 1, format_func=labels.get, key=f"pool_{kind}_round"
        )
        promise = (
            "I checked that this is a real organisation and it agreed to take part, anonymously, in the benchmark"
            if self_assessed
            else "The client agreed that this round's scores count, anonymously, in the benchmark"
        )
        agreed = st.checkbox(promise, key=f"pool_{kind}_agreed_{round_id}")  # ticked anew for each round
        action = "Include in the benchmark" if self_assessed else "Approve for the benchmark"
        if st.button(action, key=f"pool_{kind}_approve", disabled=not agreed, type="primary"):
            try:
                store.pool.approve_round(round_id, by, include_self_assessed=self_assessed)
                accounts.audit(store, account, "approve for the benchmark", round_id, org_id)
            except InvalidInputError as exc:
                st.error(md_escape(str(exc)))
            else:
                st.success(f"{md_escape(names[org_id])} counts from the next release.")
    left, right = st.columns(2)
    if left.button("Withdraw from the benchmark", key=f"pool_{kind}_withdraw"):
        count = store.pool.withdraw_organisation(org_id, by)
        accounts.audit(store, account, "withdraw from the benchmark", org_id, f"{count} round(s)")
        st.info(f"Withdrew {count} round(s); the organisation leaves the next release.")
    if right.button("Mark as a test organisation", key=f"pool_{kind}_test"):
        store.pool.set_test_organisation(org_id)
        accounts.audit(store, account, "mark as test organisation", org_id)
        st.info("Marked as a test organisation: it never counts in the benchmark.")


st.header("Clients")
clients = store.pool.pool_overview(self_assessed=False)
if clients.empty:
    st.info("No client organisations yet: create one in the console.")
else:
    st.dataframe(releases.pool_table(clients), hide_index=True, width="stretch")
    organisation_actions("client", clients)

st.header("Public self-assessments")
st.caption(
    "Started from the public Start page, by anyone, without signing in. They never count as peers "
    "unless you include one here after checking it is real and has agreed."
)
selfs = store.pool.pool_overview(self_assessed=True)
if selfs.empty:
    st.info("No self-assessments yet.")
else:
    st.dataframe(releases.pool_table(selfs), hide_index=True, width="stretch")
    organisation_actions("self", selfs)

st.header("Releases")
st.caption(f"Releases of questionnaire {q.id} {q.version}, the version new rounds use.")
plan = releases.plan_release(store, q)
for line in releases.plan_summary(plan):
    (st.warning if plan.refusal else st.markdown)(md_escape(line))
confirm = st.checkbox(
    "Publish these figures for everyone who compares with the benchmark", key="pool_confirm"
)
if st.button(
    "Publish a new release",
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
        st.success(f"Published {md_escape(made.label)} ({made.n_orgs} organisations).")
        st.rerun()
for release in store.pool.benchmark_releases(q.key):
    with st.container(border=True):
        st.markdown(
            f"**{md_escape(release.label)}** · {release.n_orgs} organisations · by {md_escape(release.published_by)}"
        )
        st.download_button(
            "Download (CSV)",
            data=lambda release=release: exchange.export_release(store, release),
            file_name=f"tandem-benchmark-{q.id}-{q.version}-release-{release.id}.csv",
            mime="text/csv",
            key=f"pool_download_{release.id}",
        )
