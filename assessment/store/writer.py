"""Group commit for answers: many callers, one transaction per batch, each told after commit.

One commit per answer tops out near 700 answers a second on this kind of machine, because
every commit is costly. A single writer thread drains whatever has queued while the previous
commit ran and writes it as one multi-row upsert. A caller's ``save`` returns only once its
answer is committed (or raises the reason it was refused), so an acknowledged answer is stored.

A respondent who has finished and goes back to change an answer changes the round's stored
scores: those rounds are rescored in the same transaction, so the scores never lag the answers.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from assessment.i18n import N_, _
from assessment.store.database import Database, StoreError, utcnow
from assessment.store.records import InvalidInputError, RoundClosedError

MAX_BATCH = 1_000
CLOSED_MESSAGE = N_(
    "This round has been closed, so this change was not saved. Every answer you gave before it "
    "closed is kept."
)
UNKNOWN_RESPONDENT = N_("Unknown respondent.")
NOT_SAVED = N_(
    "This change could not be saved ({error}). Nothing of it was written and every answer saved "
    "before is kept; please try again, and tell the operator if it happens again."
)


def _refusal(kind: type[Exception], message: str, **params: object) -> Exception:
    """An error made in the writer's thread, which has no language of its own: it carries its
    English message and its parts, and ``save`` says it again in the caller's language."""
    exc = kind(message.format(**params))
    exc.tandem_message = (message, params)  # type: ignore[attr-defined]
    return exc


_STOP: Any = object()


@dataclass(frozen=True)
class Write:
    table: str  # "answers" or "importance"
    respondent_id: str
    key: str  # question id or dimension id
    value: int | None
    at: datetime


_UPSERT = {
    "answers": (
        "INSERT INTO answers (respondent_id, question_id, level, answered_at) VALUES {rows}"
        " ON CONFLICT (respondent_id, question_id)"
        " DO UPDATE SET level = excluded.level, answered_at = excluded.answered_at"
    ),
    "importance": (
        "INSERT INTO importance (respondent_id, dimension_id, rating, rated_at) VALUES {rows}"
        " ON CONFLICT (respondent_id, dimension_id)"
        " DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at"
    ),
}


class BatchWriter:
    def __init__(self, db: Database, rescore: Callable[[Any, list[str]], None] | None = None) -> None:
        """``rescore(cursor, round_ids)`` rewrites those rounds' stored scores inside the batch's
        transaction; it is called when a finished respondent's answer changed."""
        self._db = db
        self._rescore = rescore
        self._queue: queue.Queue[tuple[Write, Future[None]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._known: set[tuple[str, ...]] = set()

    def save(self, table: str, respondent_id: str, key: str, value: int | None) -> None:
        """Queue one write and wait until it is committed; raises if it was refused."""
        self.save_all([(table, respondent_id, key, value)])

    def save_all(self, writes: list[tuple[str, str, str, int | None]]) -> None:
        """Queue several writes (table, respondent, key, value) at once and wait until all are
        committed. Queued together, they are taken into one batch unless the queue is at its
        limit; each is checked as if sent alone. Raises the first refusal, after every write
        has been settled."""
        at = utcnow()
        futures: list[Future[None]] = []
        self._ensure_thread()
        for table, respondent_id, key, value in writes:
            future: Future[None] = Future()
            futures.append(future)
            self._queue.put((Write(table, respondent_id, key, value, at), future))
        refusal = next((f.exception() for f in futures if f.exception() is not None), None)
        if refusal is None:
            return
        found = getattr(refusal, "tandem_message", None)
        if found is None:
            raise refusal
        message, params = found
        raise type(refusal)(_(message).format(**params)) from refusal

    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="tandem-writer", daemon=True)
                    self._thread.start()

    def stop(self) -> None:
        """Finish what is queued, then end the writer thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stopping = False
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            try:
                self._write(batch)
            except BaseException as exc:  # noqa: BLE001 - every waiting caller must hear of it
                if isinstance(exc, duckdb.Error):
                    exc = _refusal(StoreError, NOT_SAVED, error=exc)
                for _write, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            if stopping:
                return

    def _write(self, batch: list[tuple[Write, Future[None]]]) -> None:
        ids = sorted({w.respondent_id for w, _future in batch})
        with self._db.transaction() as cur:
            # The round's status is read inside the transaction: a round closed a moment ago
            # refuses the write. Which questions exist never changes for a version, so that
            # list is read once (and again only when a write names something unknown).
            rounds: dict[str, tuple[str, str, str]] = {}
            finished: dict[str, str] = {}  # respondent -> round, for those who have finished
            for pid, status, qid, qver, round_id, done in cur.execute(
                "SELECT p.id, r.status, r.questionnaire_id, r.questionnaire_version, r.id,"
                " p.completed_at IS NOT NULL FROM respondents p JOIN rounds r ON r.id = p.round_id"
                " WHERE list_contains(?, p.id)",
                [ids],
            ).fetchall():
                rounds[pid] = (status, qid, qver)
                if done:
                    finished[pid] = round_id
            wanted = {
                (*rounds[w.respondent_id][1:], w.key, w.table) for w, _future in batch if w.respondent_id in rounds
            }
            if not wanted <= self._known:
                self._known = {
                    tuple(row)
                    for row in cur.execute(
                        "SELECT questionnaire_id, questionnaire_version, question_id, 'answers'"
                        " FROM questionnaire_items UNION ALL SELECT DISTINCT questionnaire_id,"
                        " questionnaire_version, dimension_id, 'importance' FROM questionnaire_items"
                    ).fetchall()
                }
            known = self._known
            accepted: dict[str, dict[tuple[str, str], Write]] = {"answers": {}, "importance": {}}
            refused: list[tuple[Future[None], Exception]] = []
            for write, future in batch:
                problem = _check(write, rounds.get(write.respondent_id), known)
                if problem is not None:
                    refused.append((future, problem))
                else:
                    # The last write of the same answer wins, as it would one at a time.
                    accepted[write.table][(write.respondent_id, write.key)] = write
            for table, writes in accepted.items():
                if writes:
                    rows = ", ".join(["(?, ?, ?, ?)"] * len(writes))
                    params = [x for w in writes.values() for x in (w.respondent_id, w.key, w.value, w.at)]
                    cur.execute(_UPSERT[table].format(rows=rows), params)
            rescore = sorted({finished[pid] for pid, _key in accepted["answers"] if pid in finished})
            if rescore and self._rescore is not None:
                self._rescore(cur, rescore)
        for future, problem in refused:
            future.set_exception(problem)
        for _write, future in batch:
            if not future.done():
                future.set_result(None)


def _check(
    write: Write, round_info: tuple[str, str, str] | None, known: set[tuple[str, ...]]
) -> Exception | None:
    if round_info is None:
        return _refusal(InvalidInputError, UNKNOWN_RESPONDENT)
    status, qid, qver = round_info
    if status != "open":
        return _refusal(RoundClosedError, CLOSED_MESSAGE)
    if (qid, qver, write.key, write.table) not in known:
        message = (
            N_("Question {item} is not in questionnaire {questionnaire} {version}.")
            if write.table == "answers"
            else N_("Dimension {item} is not in questionnaire {questionnaire} {version}.")
        )
        return _refusal(InvalidInputError, message, item=write.key, questionnaire=qid, version=qver)
    return None
