"""Operator commands, one module per topic; each adds its sub-commands through ``register``.

What every command needs (the store it works on, the current questionnaire) lives here, so the
command modules never import the CLI that registers them.
"""

from __future__ import annotations

import argparse

from assessment import config
from assessment.questionnaire import Questionnaire, latest, load_all
from assessment.store import Store


def open_store(args: argparse.Namespace) -> Store:
    """The store a command works on: --db, else TANDEM_DB, else data/tandem.duckdb."""
    return Store(args.db or config.db_path([]))


def installed_questionnaires() -> dict[tuple[str, str], Questionnaire]:
    return load_all(config.questionnaire_dir())


def current_questionnaire() -> Questionnaire:
    return latest(installed_questionnaires(), config.QUESTIONNAIRE_ID)
