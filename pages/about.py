"""Method: how Tandem scores, where the questions come from, how benchmarks stay anonymous."""

import streamlit as st

from assessment import ui
from assessment.scoring import BANDS

q = ui.current_questionnaire()
st.title("Method")
st.markdown(
    f"""
**{q.title}**, version {q.version}: {len(q.dimensions)} dimensions, {len(q.questions)} questions,
about {q.minutes} minutes. {q.description}

## Levels
"""
)
bounds = (1.0, *BANDS, 5.0)
for level in q.levels:
    low, high = bounds[level.value - 1], bounds[level.value]
    closing = "]" if level.value == 5 else ")"
    st.markdown(f"**{level.value} · {level.name}** (score [{low}, {high}{closing}): {level.summary}")

st.markdown(
    """
## Scoring rules
- **Your dimension score** is the weighted mean of the levels you chose. "Don't know" is left out;
  a dimension needs at least half of its questions answered, otherwise it shows
  *insufficient answers*.
- **An organisation's dimension score** is the mean of the IT side's mean and the marketing side's
  mean, so one CIO is not outweighed by ten marketers. With one side only, the page says so.
  Respondents who are neither (CEO, observers) count only when neither side has answered.
- **Overall score**: the weighted mean of the dimension scores (needs half of them scored), banded
  into the five levels above.
- **Perception gap**: marketing's mean minus IT's mean, per question and per dimension; a gap of a
  full level or more is flagged. The **alignment index** is 100 × (1 − mean |gap| ÷ 4).
- **Priority** = importance × (5 − score); the top three come with the next level's description of
  their weakest questions as the recommendation. Importance you did not rate counts as 3.

## Benchmarks and anonymity
Peers are the latest finished round of every other organisation in this database that answered the
same questionnaire version. A group of fewer than **5 organisations is never shown or exported**.
When there are not yet enough real peers, a **synthetic sample** is used and always labelled so.

## Sources
"""
)
for ref in q.references:
    st.markdown(f"- {ref.statement} ({ref.population}). *{ref.citation}*, `{ref.source}`")
with st.expander("Every question and the articles behind it"):
    for d in q.dimensions:
        st.markdown(f"**{d.title}**")
        for question in d.questions:
            st.markdown(f"- `{question.id}` {question.text} ({', '.join(question.sources)})")
