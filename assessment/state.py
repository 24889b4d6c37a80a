"""Every session-state key that more than one page reads, declared once.

Widget keys stay with their page (prefixed by it: ``qn_``, ``results_``, ``console_``…); the
keys here carry a choice or an identity from one page to another.
"""

from __future__ import annotations

TOKEN = "tandem_token"  # the respondent's personal token: survives page switches
BAD_LINK = "tandem_bad_link"  # a personal link did not match: Start says so once
CONSOLE_UNLOCKED = "console_unlocked"  # signed in to the consultant console
CONSOLE_ORG = "console_org"  # the organisation chosen in the console, kept for the workshop
WORKSHOP_ROUND = "workshop_round"  # the round the console sent the workshop to
QN_STEP = "qn_step"  # the questionnaire page's current step
QN_STEP_OWNER = "qn_step_owner"  # whose step it is: a new respondent never inherits it
GO_ON = "go_on"  # (respondent, page): Join or Finish did its work in the callback; the run goes there
LANGUAGE = "tandem_language"  # the questionnaire language chosen in the sidebar (also ?lang=)

# Cleared when a respondent signs out or starts over, so the next person starts afresh.
RESPONDENT_PREFIXES = ("qn_", "results_", "start_", "bench_")
RESPONDENT_KEYS = (TOKEN, QN_STEP, QN_STEP_OWNER, GO_ON)
