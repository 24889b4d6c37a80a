"""The load test runs end to end on two phones: real servers, the websocket protocol, the
database checked afterwards. No timing is asserted; only that the figures are there and add up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assessment import loadtest
from assessment.loadtest import servers
from tests.conftest import ROOT

KEYS = {"count", "p50_ms", "p95_ms", "max_ms"}


def _run(*extra: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "assessment", "loadtest", "--users", "2", "--no-pauses", "--json", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _check_room(result: dict, *, questions: int, steps: int) -> None:
    assert set(result["clicks"]) == {*loadtest.KINDS, "all"}
    for summary in result["clicks"].values():
        assert set(summary) == KEYS
    assert result["errors"] == 0, result["error_samples"]
    assert result["sessions_finished"] == 2
    assert result["clicks"]["open"]["count"] == 2
    assert result["clicks"]["finish"]["count"] == 2
    assert result["answers_sent"] == 2 * questions
    # Answers are picked inside each step's form: they travel with Next and Finish, not alone.
    assert result["clicks"]["answer"]["count"] == 0
    assert result["answers_picked_in_form"] == result["answers_sent"]
    assert result["clicks"]["next"]["count"] == 2 * (steps - 1)
    assert result["server_cpu_s"] > 0 and result["peak_rss_mb"] > 0
    assert result["files_per_phone"] > 10  # the page's scripts, not just the HTML


def test_two_phones_answer_everything_and_every_answer_is_stored(current):
    figures = _run()
    assert figures["users"] == 2 and figures["via_proxy"] is False
    tandem, floor = figures["tandem"], figures["floor"]
    _check_room(tandem, questions=len(current.questions), steps=len(current.dimensions))
    assert tandem["answers_stored"] == tandem["answers_sent"]
    assert tandem["respondents_finished_stored"] == 2
    assert tandem["scores_current"] is True
    _check_room(floor, questions=32, steps=8)  # the floor app's 8 steps of 4


@pytest.mark.skipif(servers.nginx_path() is None, reason="nginx is not installed")
def test_through_nginx_the_proxy_serves_the_front_end(current):
    figures = _run("--via-proxy")
    tandem = figures["tandem"]
    _check_room(tandem, questions=len(current.questions), steps=len(current.dimensions))
    assert tandem["answers_stored"] == tandem["answers_sent"]
    assert "proxy_cpu_s" in tandem


def test_the_nginx_template_fills_every_placeholder(tmp_path):
    text = servers.render_nginx_config(listen="127.0.0.1:8080", app="127.0.0.1:8501", static_dir=tmp_path)
    assert "@" not in text.replace("$http_", "")
    assert "location = /_stcore/stream" in text and "proxy_read_timeout 24h" in text
    assert f"alias {tmp_path}/static/;" in text and "gzip_static on" in text


def test_users_are_bounded():
    with pytest.raises(ValueError):
        loadtest.run(0)
    with pytest.raises(ValueError):
        loadtest.run(loadtest.MAX_USERS + 1)
