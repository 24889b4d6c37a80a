"""The floor: the smallest Streamlit app with Tandem's journey (join, four questions a step,
Next, Finish) and nothing else: no database, no pandas, no charts. What it costs per click is
what Streamlit itself costs on this machine; Tandem cannot be faster than this."""

import streamlit as st

STEPS, PER_STEP = 8, 4
OPTIONS = [1, 2, 3, 4, 5, 0]

st.set_page_config(page_title="Floor", layout="wide")
if "step" not in st.session_state:
    st.title("Join")
    st.text_input("Join code", value=st.query_params.get("join", ""), key="start_code")
    if st.button("Join", type="primary", key="start_join"):
        st.session_state["step"] = 0
        st.rerun()
    st.stop()
if st.session_state.get("finished"):
    st.title("Thank you")
    st.stop()


def go(to: int) -> None:
    st.session_state["step"] = to


step = st.session_state["step"]
st.subheader(f"Step {step + 1} of {STEPS}")
with st.form("qn_step_form", border=False):  # as Tandem's step: answers travel with Next
    for i in range(PER_STEP):
        st.radio(f"Question {i + 1}", OPTIONS, index=None, key=f"qn_{step}_{i}")
    if step < STEPS - 1:
        st.form_submit_button("Next", on_click=go, args=(step + 1,), key="qn_next")
    elif st.form_submit_button("Finish", type="primary", key="qn_finish"):
        st.session_state["finished"] = True
        st.rerun()
