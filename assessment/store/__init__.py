"""The store: the only part of Tandem that speaks SQL. Parameterised queries only."""

from assessment.store.accounts import Account
from assessment.store.benchmark_sets import DuplicateBenchmarkSetError
from assessment.store.database import (
    Database,
    SchemaTooNewError,
    StoreError,
    StoreLockedError,
    utcnow,
)
from assessment.store.pool import Release
from assessment.store.records import (
    InvalidInputError,
    Organisation,
    RespondentRecord,
    Round,
    RoundClosedError,
)
from assessment.store.store import Store

__all__ = [
    "Account",
    "Database",
    "DuplicateBenchmarkSetError",
    "InvalidInputError",
    "Organisation",
    "Release",
    "RespondentRecord",
    "Round",
    "RoundClosedError",
    "SchemaTooNewError",
    "Store",
    "StoreError",
    "StoreLockedError",
    "utcnow",
]
