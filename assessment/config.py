"""Where things live. Read at call time, so tests and commands can point elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "tandem.duckdb"
QUESTIONNAIRE_ID = "cio-cmo-alignment"


def db_path(argv: list[str] | None = None) -> str:
    """``--db PATH`` (after ``streamlit run app.py --``), else ``TANDEM_DB``, else data/."""
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return os.environ.get("TANDEM_DB") or str(DEFAULT_DB)


def questionnaire_dir() -> Path:
    return Path(os.environ.get("TANDEM_QUESTIONNAIRES") or ROOT / "questionnaires")
