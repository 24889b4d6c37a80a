"""Method: how Tandem scores, where the questions come from, how benchmarks stay anonymous."""

import streamlit as st

from assessment import ui
from assessment.i18n import _
from assessment.report import wording
from assessment.text import md_escape

q = ui.in_language(ui.current_questionnaire())
st.title(_("Method"))
st.markdown(
    _(
        "**{title}**, version {version}: {dimensions} dimensions, {questions} questions, about {minutes} "
        "minutes. {description}"
    ).format(
        title=q.title, version=q.version, dimensions=len(q.dimensions), questions=len(q.questions),
        minutes=q.minutes, description=q.description,
    )  # fmt: skip
)
st.markdown("## " + _("Levels"))
for name, span, summary in wording.level_bands(q):
    st.markdown(f"**{name}** ({span}): {summary}")

st.markdown("## " + _("Scoring rules"))
# The same words as every report's method section: one home for the rules.
st.markdown("\n".join(f"- {md_escape(rule)}" for rule in wording.method_rules()))
st.markdown("## " + _("Benchmarks and anonymity"))
st.markdown(
    _(
        "Peers are the latest finished round of every other organisation in this database that answered "
        "the same questionnaire version. A group of fewer than **5 organisations is never shown or "
        "exported**. When there are not yet enough real peers, a **synthetic sample** is used and always "
        "labelled so."
    )
)
st.markdown("## " + _("Sources"))
for ref in q.references:
    st.markdown(f"- {ref.statement} ({ref.population}). *{ref.citation}*, `{ref.source}`")
with st.expander(_("Every question and the articles behind it")):
    for d in q.dimensions:
        st.markdown(f"**{d.title}**")
        for question in d.questions:
            st.markdown(f"- `{question.id}` {question.text} ({', '.join(question.sources)})")
