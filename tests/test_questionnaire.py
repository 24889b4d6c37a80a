"""Questionnaire loading: the real file is valid, and every kind of typo is named precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from assessment.questionnaire import QuestionnaireError, latest, load_all, load_questionnaire
from tests.conftest import REAL, TINY

SEEDS = {
    "000_d69b6bbe6184fee3.txt",
    "001_4cbdcda6e5a13557.txt",
    "002_6fa8fbbefa0e3860.txt",
    "003_ef51af49c3cad9cc.txt",
    "004_a69fc6c933fa0db2.txt",
}


def test_real_questionnaire_meets_the_brief(real):
    assert 7 <= len(real.dimensions) <= 9
    assert all(3 <= len(d.questions) <= 6 for d in real.dimensions)
    assert all(len(q.levels) == 5 and all(q.levels) for q in real.questions)
    assert real.word_count() <= 4000
    assert [lv.name for lv in real.levels][0] == "Strangers"
    assert {s for q in real.questions for s in q.sources} <= SEEDS
    cited = {r.question_id for r in real.references}
    assert "strategy-1" in cited  # who shapes the digital agenda: 58 % / 19 % / 69 %
    assert {r.percent for r in real.references_for("strategy-1")} == {58, 19, 69}
    assert any(r.percent == 39 for r in real.references)  # marketing bypasses IT
    assert any(r.percent == 46 for r in real.references)  # marketing not a priority for IT


def test_question_ids_say_where_they_sit(real):
    for d in real.dimensions:
        for i, q in enumerate(d.questions, start=1):
            assert q.id == f"{d.id}-{i}"


def _broken(tmp_path: Path, old: str, new: str, count: int = 1, source: Path = TINY) -> Path:
    text = source.read_text()
    assert old in text, f"fixture text {old!r} not found"
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, count))
    return path


def _error(path: Path) -> str:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    message = str(info.value)
    assert str(path) in message  # every message names the file
    return message


def test_unknown_key_is_named_with_its_path(tmp_path):
    path = _broken(tmp_path, 'text = "Shared strategy question 2?"', 'txt = "Shared strategy question 2?"')
    message = _error(path)
    assert "dimensions[0].questions[1].txt: unknown key" in message
    assert "dimensions[0].questions[1].text: missing required key" in message


def test_missing_level_description(tmp_path):
    path = _broken(tmp_path, '"governance-2 level 4", ', "")
    assert (
        "dimensions[1].questions[1].levels: expected 5 level descriptions (level 1 to 5), found 4"
        in _error(path)
    )


def test_duplicate_question_id(tmp_path):
    path = _broken(tmp_path, 'id = "data-3"', 'id = "data-2"')
    assert "dimensions[2].questions[2].id: duplicate question id 'data-2'" in _error(path)


def test_duplicate_dimension_id(tmp_path):
    path = _broken(tmp_path, 'id = "governance"', 'id = "strategy"')
    assert "dimensions[1].id: duplicate dimension id 'strategy'" in _error(path)


@pytest.mark.parametrize("weight", ["0", "-1", '"heavy"', "11"])
def test_bad_weight(tmp_path, weight):
    path = _broken(tmp_path, "weight = 2.0", f"weight = {weight}")
    assert re.search(r"dimensions\[0\]\.questions\[0\]\.weight: weight must be", _error(path))


@pytest.mark.parametrize("version", ['"1.0"', '"v1.0.0"', "1", '"1.0.0-beta"'])
def test_wrong_version_format(tmp_path, version):
    path = _broken(tmp_path, 'version = "1.0.0"', f"version = {version}")
    assert "version: expected MAJOR.MINOR.PATCH" in _error(path)


def test_reference_to_missing_figure_and_question(tmp_path):
    path = _broken(tmp_path, 'question = "strategy-1"', 'question = "strategy-9"')
    message = _error(path)
    assert "references[0].question: 'strategy-9' is not the id of any question" in message
    assert "belongs to question 'strategy-9', not 'strategy-1'" in message


def test_question_id_must_match_its_dimension(tmp_path):
    path = _broken(tmp_path, 'id = "data-1"', 'id = "dta-1"')
    assert "dimensions[2].questions[0].id: 'dta-1' must start with its dimension id 'data-'" in _error(path)


def test_bad_seed_citation(tmp_path):
    path = _broken(tmp_path, 'sources = ["004_a69fc6c933fa0db2.txt"]', 'sources = ["forbes"]')
    assert "dimensions[0].questions[0].sources[0]: expected a seed file name" in _error(path)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = _broken(tmp_path, 'title = "Tiny test questionnaire"', 'title = "Tiny test questionnaire')
    assert "TOML syntax error" in _error(path)


def test_every_problem_is_reported_at_once(tmp_path):
    text = (
        TINY.read_text()
        .replace('version = "1.0.0"', 'version = "one"')
        .replace('id = "data-3"', 'id = "data-2"')
    )
    path = tmp_path / "two.toml"
    path.write_text(text)
    message = _error(path)
    assert "version:" in message and "duplicate question id" in message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "Caf\xe9"'.encode("latin-1"))
    assert "not UTF-8" in _error(path)


def test_load_all_and_latest(tmp_path):
    (tmp_path / "a.toml").write_text(TINY.read_text())
    (tmp_path / "b.toml").write_text(TINY.read_text().replace('version = "1.0.0"', 'version = "1.10.0"'))
    (tmp_path / "c.toml").write_text(TINY.read_text().replace('version = "1.0.0"', 'version = "1.9.0"'))
    found = load_all(tmp_path)
    assert set(found) == {("tiny", "1.0.0"), ("tiny", "1.10.0"), ("tiny", "1.9.0")}
    assert latest(found, "tiny").version == "1.10.0"  # numeric, not string, order


def test_same_version_twice_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text(TINY.read_text())
    (tmp_path / "b.toml").write_text(TINY.read_text())
    with pytest.raises(QuestionnaireError, match="also defined in"):
        load_all(tmp_path)


# Fuzzing: whatever the bytes, loading either succeeds or raises QuestionnaireError naming the file.


def _load_bytes(tmp_path, data: bytes):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    try:
        return load_questionnaire(path)
    except QuestionnaireError as exc:
        assert str(path) in str(exc)
        return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hst.binary(max_size=2000))
def test_random_bytes_never_crash_the_loader(tmp_path, data):
    _load_bytes(tmp_path, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=hst.integers(0, 4000),
    length=hst.integers(0, 40),
    insert=hst.text(alphabet=hst.sampled_from(list('=[]{}"\\,.-_ \n\t#abc0123456789\ufeff')), max_size=30),
)
def test_mutated_questionnaire_is_loaded_or_refused_whole(tmp_path, cut, length, insert):
    text = TINY.read_text()
    cut = min(cut, len(text))
    mutated = text[:cut] + insert + text[cut + length :]
    result = _load_bytes(tmp_path, mutated.encode("utf-8"))
    if result is not None:
        assert len(result.dimensions) == 3 and all(len(q.levels) == 5 for q in result.questions)


def test_byte_order_mark_is_accepted(tmp_path):
    assert _load_bytes(tmp_path, b"\xef\xbb\xbf" + TINY.read_bytes()) is not None


# `python -m assessment questionnaire check FILE [--json]`


def _check(capsys, *argv: str) -> tuple[int, str, str]:
    from assessment.cli import main

    code = main(["questionnaire", "check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_what_it_found(capsys):
    from tests.conftest import TINY2

    code, out, _ = _check(capsys, str(TINY2))
    assert code == 0
    assert "valid. tiny 2.0.0 (schema 2)" in out
    assert "3 dimensions, 10 questions (9 scored, 1 choice; 3 for leaders only)" in out
    assert "36 actions, 3 'reconcile first' actions, 2 published figures" in out
    assert "Levels: 1 Unaligned · 2 Aware · 3 Coordinated · 4 Integrated · 5 Partnered" in out
    assert re.search(r"strategy-4 +choice · leaders only · 5 options", out)
    assert "agenda-it: 58 % of IT executives; CMO Council and Accenture" in out
    assert "(2010); compare share_at_or_below:2 on strategy-1" in out
    assert "Continuity from 1.0.0 (checked against" in out  # tiny 1.0.0 sits beside the file
    assert "not comparable (from 1.0.0): data" in out


def test_check_json_is_the_validated_model(capsys, tiny2):
    import json

    from tests.conftest import TINY2

    code, out, _ = _check(capsys, str(TINY2), "--json")
    assert code == 0
    data = json.loads(out)
    assert {"id", "version", "dimensions", "figures"} <= set(data)
    assert (data["id"], data["version"]) == ("tiny", "2.0.0")
    assert [d["id"] for d in data["dimensions"]] == ["strategy", "governance", "privacy"]
    q1 = data["dimensions"][0]["questions"][0]
    assert q1["id"] == "strategy-1" and q1["levels"] == list(tiny2.question("strategy-1").levels)
    assert [a["step"] for a in q1["actions"]] == [1, 2, 3, 4]
    assert q1["actions"][0] == {
        "step": 1,
        "owner": "CIO",
        "action": "Move strategy-1 from level 1 to 2.",
        "first_step": "First step for strategy-1 step 1.",
        "measure": "Measure for strategy-1 step 1.",
    }
    choice = data["dimensions"][0]["questions"][3]
    assert (choice["kind"], choice["audience"], choice["weight"], choice["actions"]) == (
        "choice",
        "leaders",
        None,
        [],
    )
    assert choice["levels"][0] == "The CIO"
    assert data["dimensions"][0]["reconcile"]["owner"] == "both"
    fig = data["figures"][0]
    assert fig["year"] == 2010
    assert fig["source"] == "CMO Council and Accenture, Elevating the Role of the CMO–CIO Partnership (2010)"
    assert fig["compare"] == "share_at_or_below:2"
    assert data["continuity"]["questions"] == {"strategy-1": "strategy-1", "governance-1": "governance-2"}


def test_check_json_of_1_0_0(capsys, real):
    import json

    code, out, _ = _check(capsys, str(REAL), "--json")
    data = json.loads(out)
    assert code == 0 and len([q for d in data["dimensions"] for q in d["questions"]]) == 32
    assert all(f["year"] is None and f["seed"] for f in data["figures"])  # 1.0.0 figures carry no year


def test_check_lists_every_problem_of_a_broken_copy(capsys, tmp_path):
    import json

    from tests.conftest import TINY2

    text = (
        TINY2.read_text()
        .replace('owner = "CIO"', 'owner = "CFO"', 1)
        .replace("year = 2010\n", "", 1)
        .replace('kind = "choice"', 'kind = "multi"')
        .replace('"governance-1" = "governance-2"', '"governance-1" = "governance-8"')
    )
    (tmp_path / "tiny-1.0.0.toml").write_text(TINY.read_text())  # the version it continues, beside it
    path = tmp_path / "broken.toml"
    path.write_text(text)
    code, out, err = _check(capsys, str(path))
    assert code == 1 and out == ""
    assert str(path) in err
    assert (
        "dimensions[0].questions[0].actions[0].owner: expected one of 'CIO', 'CMO', 'both', found 'CFO'"
        in err
    )
    assert "references[0].year: missing required key" in err
    assert "dimensions[0].questions[3].kind: expected one of 'scale', 'choice', found 'multi'" in err
    # All at once: the continuity check against 1.0.0 does not wait for the other problems' fixes.
    assert "continuity.questions.governance-1: 'governance-8' is not a question of 1.0.0" in err
    code, out, _ = _check(capsys, str(path), "--json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False
    assert [p for p in data["problems"] if p in err] == data["problems"]  # the same problems as the text


def test_check_verifies_continuity_against_the_earlier_version_beside_it(capsys, tmp_path):
    from tests.conftest import TINY2

    (tmp_path / "tiny-1.0.0.toml").write_text(TINY.read_text())
    path = tmp_path / "tiny-2.0.0.toml"
    path.write_text(
        TINY2.read_text().replace('"governance-1" = "governance-2"', '"governance-1" = "governance-8"')
    )
    code, _, err = _check(capsys, str(path))
    assert code == 1
    assert "continuity.questions.governance-1: 'governance-8' is not a question of 1.0.0" in err


def test_check_of_a_missing_file(capsys, tmp_path):
    code, _, err = _check(capsys, str(tmp_path / "nope.toml"))
    assert code == 1 and "cannot read file" in err


V2 = REAL.parent / "cio-cmo-alignment-2.0.0.toml"


@pytest.mark.skipif(not V2.exists(), reason="questionnaire 2.0.0 is not installed yet")
def test_2_0_0_meets_the_brief_and_is_what_new_rounds_use():
    installed = load_all(REAL.parent)  # also checks its continuity against 1.0.0
    q = installed[("cio-cmo-alignment", "2.0.0")]
    assert latest(installed, "cio-cmo-alignment") is q
    assert q.schema == 2
    assert 7 <= len(q.dimensions) <= 9
    assert 32 <= len(q.questions) <= 44
    assert q.choice_questions and any(x.leaders_only for x in q.questions)
    assert all(len(x.actions) == 4 for x in q.scored_questions)
    assert all(d.reconcile is not None for d in q.dimensions)
    assert q.references and all(r.year and r.publisher and r.survey and r.compare for r in q.references)
    assert q.continuity is not None and q.continuity.from_version == "1.0.0"
    assert installed[("cio-cmo-alignment", "1.0.0")].path.endswith("cio-cmo-alignment-1.0.0.toml")
