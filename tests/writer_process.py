"""A respondent-like writer, run as a subprocess by the crash test: it prints ACK after each
answer's save returns, so the test knows exactly which answers were acknowledged."""

from __future__ import annotations

import sys
import threading

from assessment.questionnaire import load_questionnaire
from assessment.store import Store
from tests.conftest import REAL


def main(path: str, people: int) -> None:
    q = load_questionnaire(REAL)
    store = Store(path)
    org = store.create_organisation("Crash Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", q)
    lock = threading.Lock()

    def answer(i: int) -> None:
        person = store.create_respondent(rnd.id, "it" if i % 2 else "marketing", "Team")
        for n, question in enumerate(q.questions):
            level = 1 + (i + n) % 5
            store.save_answer(person.id, question.id, level)
            with lock:
                print(f"ACK {person.id} {question.id} {level}", flush=True)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(people)]
    print("READY", flush=True)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
